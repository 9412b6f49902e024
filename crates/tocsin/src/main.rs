//! The `tocsin` command: one binary for the whole desk.

use std::io::{BufReader, BufWriter, Write};
use std::path::PathBuf;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tocsin_domain::{Role, Roles};
use tocsin_server::config::Config;
use tocsin_server::{auth, service};
use tocsin_storage::{Engine, NewAuditEntry, NewOrganization, NewUser, Store};

/// tocsin: the reporting desk, vulnerability coordination, intel sharing and reward
/// scheme of a national CERT/CC, in one binary.
#[derive(Parser)]
#[command(version, about, long_about = None)]
struct Cli {
    /// A TOML configuration file (every setting has a default; see README).
    #[arg(long, short, global = true, env = "TOCSIN_CONFIG")]
    config: Option<PathBuf>,
    /// The database: `sqlite:PATH` (default `sqlite:data/tocsin.db`) or `postgres://…`.
    /// Overrides the file and TOCSIN_DATABASE.
    #[arg(long, global = true)]
    database: Option<String>,
    #[command(subcommand)]
    command: Command,
}

#[derive(Subcommand)]
enum Command {
    /// Start the web server and background workers (migrates first).
    Serve {
        /// Address to listen on, e.g. 127.0.0.1:8080. Overrides TOCSIN_LISTEN.
        #[arg(long)]
        listen: Option<String>,
    },
    /// Apply database migrations and exit.
    Migrate,
    /// Administration without the web interface.
    #[command(subcommand)]
    Admin(AdminCommand),
    /// Write a consistent online copy of a SQLite database to FILE.
    Backup {
        /// Destination file (must not exist).
        file: PathBuf,
    },
    /// Export all data as JSON lines (to FILE, or standard output with `-`).
    Export {
        /// Destination, or `-`.
        file: PathBuf,
    },
    /// Import an export into an empty database (all or nothing).
    Import {
        /// Source file, or `-` for standard input.
        file: PathBuf,
    },
    /// Score a CVSS v3.0, v3.1 or v4.0 vector and list its metrics (no database needed).
    ///
    /// Prints, one per line: the version, the base score and severity, the temporal (4.0:
    /// threat) and environmental scores when such metrics are given, and every metric with
    /// its name and value. An invalid vector exits with status 1 and the error, naming the
    /// metric, on standard error.
    Cvss {
        /// The vector, e.g. CVSS:3.1/AV:N/AC:L/PR:N/UI:N/S:U/C:H/I:H/A:H (quote it in the shell).
        vector: String,
    },
}

// The subcommand names (create-org, create-user, create-token) are the documented CLI.
#[allow(clippy::enum_variant_names)]
#[derive(Subcommand)]
enum AdminCommand {
    /// Create an organization; prints its id.
    CreateOrg {
        /// Name (unique).
        #[arg(long)]
        name: String,
        /// company, manufacturer, security_firm, vendor, isac, cert, isp or academia.
        #[arg(long, default_value = "company")]
        kind: String,
        /// Sector, e.g. 半導體 or finance.
        #[arg(long, default_value = "")]
        sector: String,
        /// Member of the national CERT/CSIRT alliance.
        #[arg(long)]
        alliance: bool,
    },
    /// Create a user; prints its id. The password is read from TOCSIN_PASSWORD or asked.
    CreateUser {
        /// Mail address (unique).
        #[arg(long)]
        email: String,
        /// Display name.
        #[arg(long)]
        name: String,
        /// Organization id.
        #[arg(long)]
        org: Option<String>,
        /// Comma-separated roles: reporter, member, analyst, coordinator, admin, partner.
        #[arg(long, default_value = "member")]
        roles: String,
        /// Do not set a password (the user cannot sign in until one is set).
        #[arg(long)]
        no_password: bool,
    },
    /// Create an API token for a user; prints the secret once.
    CreateToken {
        /// The user's mail address.
        #[arg(long)]
        email: String,
        /// A label for the token.
        #[arg(long, default_value = "cli")]
        name: String,
    },
}

fn load_config(cli: &Cli) -> anyhow::Result<Config> {
    let mut c = Config::load(cli.config.as_deref(), |k| std::env::var(k).ok())?;
    if let Some(db) = &cli.database {
        c.database = db.clone();
    }
    Ok(c)
}

async fn open(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect(&config.database)
        .await
        .with_context(|| format!("opening {}", tocsin_server::redact(&config.database)))?;
    store.migrate().await.context("migrating")?;
    Ok(store)
}

fn cli_audit(action: &str, kind: &str, id: &str) -> NewAuditEntry {
    NewAuditEntry {
        actor: "cli".into(),
        action: action.into(),
        target_kind: kind.into(),
        target_id: id.into(),
        ..Default::default()
    }
}

#[tokio::main]
async fn main() -> anyhow::Result<()> {
    let cli = Cli::parse();
    if let Command::Cvss { vector } = &cli.command {
        return cvss(vector);
    }
    let mut config = load_config(&cli)?;
    match cli.command {
        Command::Serve { listen } => {
            if let Some(l) = listen {
                config.listen = l;
                config.public_url = String::new();
                config = config.finish()?;
            }
            tocsin_server::init_logging(&config.log_format);
            tocsin_server::serve(config).await
        }
        Command::Migrate => {
            open(&config).await?;
            println!(
                "migrated to schema version {}",
                tocsin_storage::schema_version()
            );
            Ok(())
        }
        Command::Admin(cmd) => admin(&config, cmd).await,
        Command::Backup { file } => {
            let store = open(&config).await?;
            if store.engine() == Engine::Postgres {
                bail!(
                    "on PostgreSQL use pg_dump, e.g.: pg_dump --format=custom --file=tocsin.dump \"$DATABASE_URL\"; or `tocsin export` for an engine-neutral copy"
                );
            }
            if file.exists() {
                bail!("{} exists; choose a new file", file.display());
            }
            store.backup_sqlite(&file.to_string_lossy()).await?;
            println!("backup written to {}", file.display());
            Ok(())
        }
        Command::Export { file } => {
            let store = open(&config).await?;
            let counts = if file.as_os_str() == "-" {
                let mut out = BufWriter::new(std::io::stdout().lock());
                let c = store.export(&mut out).await?;
                out.flush()?;
                c
            } else {
                let f = std::fs::File::create(&file)
                    .with_context(|| format!("creating {}", file.display()))?;
                let mut out = BufWriter::new(f);
                let c = store.export(&mut out).await?;
                out.flush()?;
                out.get_ref().sync_all()?;
                c
            };
            eprintln!("exported {counts}");
            Ok(())
        }
        Command::Cvss { vector } => cvss(&vector),
        Command::Import { file } => {
            let store = open(&config).await?;
            let counts = if file.as_os_str() == "-" {
                let mut input = BufReader::new(std::io::stdin().lock());
                store.import(&mut input).await?
            } else {
                let f = std::fs::File::open(&file)
                    .with_context(|| format!("opening {}", file.display()))?;
                store.import(&mut BufReader::new(f)).await?
            };
            eprintln!("imported {counts}");
            Ok(())
        }
    }
}

/// `tocsin cvss VECTOR`: the scores and the metric breakdown, one per line.
fn cvss(vector: &str) -> anyhow::Result<()> {
    use tocsin_formats::cvss::{ScoreKind, Vector};
    let v = match Vector::parse(vector) {
        Ok(v) => v,
        Err(e) => {
            // The error is the user's input, not a failure of tocsin: no backtrace.
            eprintln!("invalid CVSS vector: {e}");
            std::process::exit(1);
        }
    };
    let version = v.version();
    let scores = v.scores();
    let mut out = format!("version: {version}\n");
    for kind in [
        ScoreKind::Base,
        ScoreKind::Temporal,
        ScoreKind::Environmental,
    ] {
        if let Some(s) = scores.get(kind) {
            out += &format!(
                "{}: {s} ({})\n",
                kind.name(version).to_lowercase(),
                s.severity()
            );
        }
    }
    if let Some(n) = v.nomenclature() {
        out += &format!("nomenclature: {n} {}\n", scores.overall());
    }
    for m in v.metrics() {
        out += &format!(
            "{}: {} ({}) — {} ({})\n",
            m.abbrev, m.value, m.value_name, m.name, m.group
        );
    }
    std::io::stdout().lock().write_all(out.as_bytes())?;
    Ok(())
}

async fn admin(config: &Config, cmd: AdminCommand) -> anyhow::Result<()> {
    let store = open(config).await?;
    match cmd {
        AdminCommand::CreateOrg {
            name,
            kind,
            sector,
            alliance,
        } => {
            let input = service::OrgInput {
                name,
                sector,
                kind,
                alliance_member: alliance,
            };
            let new: NewOrganization = input.validate().map_err(|e| {
                let fields: Vec<String> = e
                    .iter()
                    .map(|(f, err)| format!("{f}: {}", err.code))
                    .collect();
                anyhow::anyhow!("invalid organization: {}", fields.join(", "))
            })?;
            let mut tx = store.begin().await?;
            let org = tx.create_org(&new).await?;
            tx.audit(&cli_audit(
                "org.create",
                "organization",
                &org.id.to_string(),
            ))
            .await?;
            tx.commit().await?;
            println!("{}", org.id);
        }
        AdminCommand::CreateUser {
            email,
            name,
            org,
            roles,
            no_password,
        } => {
            tocsin_domain::validate::email(&email)
                .map_err(|e| anyhow::anyhow!("email: {}", e.code))?;
            let roles = Roles::from_csv(&roles)?;
            if roles == Roles::default() {
                bail!(
                    "roles: at least one of {}",
                    Role::ALL.map(|r| r.as_str()).join(", ")
                );
            }
            let org_id = org
                .map(|o| o.parse())
                .transpose()
                .context("org: not an id")?;
            let password_hash = if no_password {
                None
            } else {
                let pw = match std::env::var("TOCSIN_PASSWORD") {
                    Ok(p) => p,
                    Err(_) => rpassword::prompt_password("password (12+ characters): ")?,
                };
                tocsin_domain::validate::password(&pw)
                    .map_err(|e| anyhow::anyhow!("password: {}", e.code))?;
                Some(
                    auth::hash_password(pw)
                        .await
                        .map_err(|e| anyhow::anyhow!("{e}"))?,
                )
            };
            let mut tx = store.begin().await?;
            let user = tx
                .create_user(&NewUser {
                    email,
                    name,
                    org_id,
                    roles,
                    password_hash,
                })
                .await?;
            tx.audit(&cli_audit("user.create", "user", &user.id.to_string()))
                .await?;
            tx.commit().await?;
            println!("{}", user.id);
        }
        AdminCommand::CreateToken { email, name } => {
            let user = store
                .find_user_by_email(&email)
                .await?
                .with_context(|| format!("no user {email}"))?;
            let secret = format!("tocsin_{}", auth::new_secret());
            let tok = store
                .create_api_token(user.id, &name, &auth::hash_secret(&secret))
                .await?;
            store
                .audit(&cli_audit("token.create", "api_token", &tok.id.to_string()))
                .await?;
            println!("{secret}");
        }
    }
    Ok(())
}
