//! The `tocsin` command: one binary for the whole desk.
//!
//! # Commands, tests and benchmarks
//!
//! The binary: `serve`, `migrate`, `mailgate` (an MTA's pipe command, `mailgate.rs`, with
//! sysexits codes), `admin create-org|create-user|create-token`, `backup`,
//! `export`, `import`, `intel parse|emit|import`. Its tests (`tests/it/`) run the real
//! binary: SIGKILL, two instances on one database, CLI export/import across engines, and the
//! tidy checks. `examples/` holds benchmark programs that print figures: `intake_bench.rs`
//! (reports over HTTP), `intel_import_bench.rs` (bulk intel import: records/s, memory, CPU
//! by thread, bytes written; `--stix N` a bundle of N objects, objects/s; `--check` the
//! reading side alone),
//! `taxii_bench.rs` (TAXII pages first and deep in a collection of a million objects, bundle
//! import objects/s, memory) and `taxii_vs_medallion.rs` (tocsin against medallion, the OASIS
//! reference TAXII server, on the same 10,000 objects read by taxii2-client: per-page
//! latency, objects/s and the ratio); `examples/common/` holds what they share (arguments,
//! memory figures, latency percentiles). `tests/it/taxii_client.rs` runs the OASIS taxii2-client against
//! the binary.

use std::io::{BufReader, BufWriter, Read, Write};
use std::path::{Path, PathBuf};

mod mailgate;

use anyhow::{Context, bail};
use clap::{Parser, Subcommand};
use tocsin_app::config::Config;
use tocsin_app::i18n::Tr;
use tocsin_app::service::intel_import;
use tocsin_app::{auth, service};
use tocsin_domain::{IntelId, Locale};
use tocsin_storage::{Engine, NewAuditEntry, Store};

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
    /// Intel records: check a TXT form, print a stored record's TXT form, bulk import.
    #[command(subcommand)]
    Intel(IntelCommand),
    /// IMAP intake of the `[[intake.imap]]` accounts (`serve` polls them by itself).
    #[command(subcommand)]
    Imap(ImapCommand),
    /// Hand one message on standard input to a server, for an MTA's pipe transport.
    ///
    /// Exit status: 0 stored; 65 (EX_DATAERR) the message is refused for what it is (too
    /// large for the server's `intake.max_bytes`, a MIME bomb, not a message), with the
    /// reason on standard error for the bounce; 75 (EX_TEMPFAIL) anything else, so the MTA
    /// keeps the mail queued: the server unreachable, busy or failing, and a wrong URL or
    /// token too (docs/mail-intake.md). Without --token-file the token is taken from
    /// TOCSIN_MAILGATE_TOKEN (other local users may read an MTA's environment: prefer the
    /// file).
    Mailgate {
        /// The server, `http://host:port` (plain HTTP: a local instance or TLS proxy).
        #[arg(long, default_value = "http://127.0.0.1:8080")]
        url: String,
        /// A file holding an API token of a desk account, readable by its owner only
        /// (mode 0600), who must be the user the gate runs as.
        #[arg(long)]
        token_file: Option<PathBuf>,
        /// Route to this desk whatever the address: incident, vulnerability, phishing, intel.
        #[arg(long)]
        queue: Option<String>,
        /// The envelope sender, e.g. Postfix's ${sender} (empty for a bounce).
        #[arg(long)]
        sender: Option<String>,
        /// The envelope recipient, e.g. Postfix's ${recipient}.
        #[arg(long)]
        recipient: Option<String>,
    },
    /// The desk's OpenPGP key.
    #[command(subcommand)]
    Pgp(PgpCommand),
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

#[derive(Subcommand)]
enum PgpCommand {
    /// Make a new key pair (Curve25519) for `[pgp] secret_key_file` (no database needed).
    ///
    /// Writes the armored secret key to FILE (which must not exist; mode 0600), locked with
    /// the passphrase in `[pgp] passphrase_env` when that is set, and prints the fingerprint
    /// and the armored public key.
    Generate {
        /// The key's user id, e.g. "TWCERT/CC <service@cert.example.tw>": its address is
        /// the one WKD serves the key for.
        #[arg(long)]
        uid: String,
        /// Where to write the secret key.
        #[arg(long)]
        out: PathBuf,
    },
}

#[derive(Subcommand)]
enum IntelCommand {
    /// Read and check a TXT form (no database needed).
    ///
    /// Any encoding the form parser reads (UTF-8, UTF-16 with or without BOM, Big5). A good
    /// form prints the record as JSON (the 25 fields) on standard output. Otherwise every
    /// problem, with its line and field, goes to standard error and the exit status is 65.
    Parse {
        /// The TXT file, or `-` for standard input.
        file: PathBuf,
    },
    /// Print a stored record's TXT form (audited as an export).
    Emit {
        /// The record's id.
        id: String,
    },
    /// Import TXT forms or JSON-lines files (one record object a line) as drafts.
    ///
    /// Streams in batches, one transaction each, so memory stays flat. A bad record is
    /// reported on standard error with its file, line and field and is not stored; the
    /// others are. Prints the counts; the exit status is 65 when a record was rejected.
    Import {
        /// Files (`.txt`: one form each; `.jsonl`: one record a line; a STIX 2.1 bundle
        /// of any size, read in windows of 1,000 objects), or `-` for standard input.
        #[arg(required = true)]
        files: Vec<PathBuf>,
        /// Stop at the first bad record (the records before it are stored).
        #[arg(long)]
        strict: bool,
        /// Only check: store nothing (no database needed).
        #[arg(long)]
        check: bool,
        /// Records per transaction.
        #[arg(long, default_value_t = service::intel_import::DEFAULT_BATCH_SIZE)]
        batch_size: usize,
        /// auto (by name, else by the start), jsonl, txt or stix.
        #[arg(long, default_value = "auto")]
        format: String,
    },
}

#[derive(Subcommand)]
enum ImapCommand {
    /// One pass over every configured account: each message is handed to intake and moved
    /// to its processed folder once stored. Prints what each account did; the exit status
    /// is 1 when an account failed or a message was left in its folder.
    PollOnce,
}

/// EX_DATAERR: the input was wrong (sysexits.h).
const EXIT_DATA_ERROR: i32 = 65;

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
        /// Do not set a password (the user cannot sign in until one is set: with
        /// `--mail`, the invitation mail carries a link to set it).
        #[arg(long)]
        no_password: bool,
        /// Mail the user about the account (as when an admin creates it on the web): an
        /// invitation to set a password, or a note that the account exists.
        #[arg(long)]
        mail: bool,
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
    let flags = tocsin_app::config::Flags {
        listen: match &cli.command {
            Command::Serve { listen } => listen.clone(),
            _ => None,
        },
        database: cli.database.clone(),
    };
    Ok(Config::load_with(
        cli.config.as_deref(),
        |k| std::env::var(k).ok(),
        &flags,
    )?)
}

async fn open(config: &Config) -> anyhow::Result<Store> {
    let store = Store::connect_with(&config.database, config.connect_options())
        .await
        .with_context(|| format!("opening {}", tocsin_server::redact(&config.database)))?
        .with_clock(config.clock());
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
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        // An MTA bounces mail on any status but 75 and 65: a mistyped pipe command must keep
        // the mail queued while the operator fixes it.
        Err(e) if e.use_stderr() && std::env::args().any(|a| a == "mailgate") => {
            eprintln!("tocsin mailgate: {e}");
            std::process::exit(mailgate::EX_TEMPFAIL);
        }
        Err(e) => e.exit(),
    };
    if let Command::Cvss { vector } = &cli.command {
        return cvss(vector);
    }
    if let Command::Intel(IntelCommand::Parse { file }) = &cli.command {
        return intel_parse(file);
    }
    // Before any configuration is read: an MTA must get one of the sysexits codes.
    if let Command::Mailgate {
        url,
        token_file,
        queue,
        sender,
        recipient,
        ..
    } = &cli.command
    {
        let token = match (token_file, std::env::var("TOCSIN_MAILGATE_TOKEN")) {
            (Some(file), _) => mailgate::TokenSource::File(file.clone()),
            (None, Ok(value)) => mailgate::TokenSource::Value(value),
            (None, Err(_)) => mailgate::TokenSource::Missing,
        };
        let gate = mailgate::Gate {
            url: url.clone(),
            token,
            queue: queue.clone(),
            sender: sender.clone(),
            recipient: recipient.clone(),
        };
        let (code, line) = mailgate::run(&gate).await;
        if !line.is_empty() {
            eprintln!("tocsin mailgate: {line}");
        }
        std::process::exit(code);
    }
    let config = load_config(&cli)?;
    match cli.command {
        Command::Serve { .. } => {
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
        Command::Pgp(PgpCommand::Generate { uid, out }) => pgp_generate(&config, &uid, &out),
        // Exits above, before the configuration is read.
        Command::Mailgate { .. } => Ok(()),
        Command::Intel(cmd) => intel(&config, cmd).await,
        Command::Imap(ImapCommand::PollOnce) => imap_poll_once(config).await,
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

/// `tocsin imap poll-once`.
async fn imap_poll_once(config: Config) -> anyhow::Result<()> {
    if config.intake.imap.is_empty() {
        bail!("no [[intake.imap]] account is configured");
    }
    tocsin_server::init_logging(&config.log_format);
    let store = open(&config).await?;
    let state = tocsin_server::AppState::new(store, config)?;
    let mut failed = false;
    for r in tocsin_app::imap::poll_once(&state).await {
        match r.result {
            Ok(p) => {
                println!(
                    "{}: {} moved ({} handed over before), {} left",
                    r.account,
                    p.moved,
                    p.duplicates,
                    p.left.len()
                );
                for (folder, uid, why) in &p.left {
                    println!("  {folder} UID {uid}: {why}");
                }
                failed |= !p.left.is_empty();
            }
            Err(e) => {
                eprintln!("{}: {e}", r.account);
                failed = true;
            }
        }
    }
    if failed {
        std::process::exit(1);
    }
    Ok(())
}

/// The CLI's language for messages: Chinese when the environment asks for it.
fn cli_tr() -> Tr {
    let lang = ["LC_ALL", "LC_MESSAGES", "LANG"]
        .iter()
        .filter_map(|k| std::env::var(k).ok())
        .find(|v| !v.is_empty())
        .unwrap_or_default();
    Tr::new(if lang.starts_with("zh") {
        Locale::ZhTw
    } else {
        Locale::En
    })
}

fn read_input(file: &Path) -> anyhow::Result<Vec<u8>> {
    if file.as_os_str() == "-" {
        let mut v = Vec::new();
        std::io::stdin().lock().read_to_end(&mut v)?;
        Ok(v)
    } else {
        std::fs::read(file).with_context(|| format!("reading {}", file.display()))
    }
}

/// `tocsin intel parse FILE`: the record as JSON (and on stderr, by line, what could not be
/// read from its free texts), or every problem by line and status 65.
fn intel_parse(file: &Path) -> anyhow::Result<()> {
    let bytes = read_input(file)?;
    match intel_import::read_txt(&bytes) {
        Ok(record) => {
            let mut out = std::io::stdout().lock();
            serde_json::to_writer_pretty(&mut out, &record)?;
            writeln!(out)?;
            let tr = cli_tr();
            let mut err = std::io::stderr().lock();
            for (field, w) in tocsin_formats::intel_form::parse_bytes(&bytes).notation_warnings() {
                writeln!(
                    err,
                    "{}: warning: line {}, {}: {}",
                    file.display(),
                    w.line,
                    field.label(),
                    tr.field_error(&w.message())
                )?;
            }
            Ok(())
        }
        Err(issues) => {
            let tr = cli_tr();
            let mut err = std::io::stderr().lock();
            for i in &issues {
                writeln!(err, "{}: {}", file.display(), i.message(&tr))?;
            }
            std::process::exit(EXIT_DATA_ERROR);
        }
    }
}

async fn intel(config: &Config, cmd: IntelCommand) -> anyhow::Result<()> {
    match cmd {
        IntelCommand::Parse { file } => intel_parse(&file),
        IntelCommand::Emit { id } => {
            let id: IntelId = id.parse().map_err(|_| anyhow::anyhow!("{id}: not an id"))?;
            let store = open(config).await?;
            let row = store
                .get_intel(id)
                .await?
                .with_context(|| format!("no intel record {id}"))?;
            let record: tocsin_domain::IntelRecord =
                serde_json::from_str(&row.body).context("the stored record")?;
            store
                .audit(&cli_audit("intel.export", "intel", &id.to_string()))
                .await?;
            std::io::stdout()
                .lock()
                .write_all(tocsin_formats::intel_form::emit_record(&record).as_bytes())?;
            Ok(())
        }
        IntelCommand::Import {
            files,
            strict,
            check,
            batch_size,
            format,
        } => {
            let format = intel_import::Format::parse(&format)
                .with_context(|| format!("--format {format}: auto, jsonl, txt or stix"))?;
            let mut sources = Vec::with_capacity(files.len());
            for f in &files {
                let name = f.display().to_string();
                sources.push(if f.as_os_str() == "-" {
                    intel_import::Source::new(name, format, std::io::stdin())
                } else {
                    let file = std::fs::File::open(f).with_context(|| format!("opening {name}"))?;
                    intel_import::Source::new(name, format, file)
                });
            }
            let store = if check {
                None
            } else {
                Some(open(config).await?)
            };
            let opts = intel_import::ImportOptions { batch_size, strict };
            let tr = cli_tr();
            let on_rejected = |r: &intel_import::Rejected| {
                let mut err = std::io::stderr().lock();
                for m in r.messages(&tr) {
                    let _ = writeln!(err, "{m}");
                }
            };
            let summary = intel_import::import(
                store.as_ref(),
                config.clock().now(),
                sources,
                &opts,
                &cli_audit("intel.import", "intel", ""),
                on_rejected,
            )
            .await?;
            if check {
                println!(
                    "checked: {} records read, {} good, {} rejected",
                    summary.read,
                    summary.read - summary.rejected,
                    summary.rejected
                );
            } else {
                println!("imported: {summary}");
            }
            if summary.rejected > 0 {
                std::process::exit(EXIT_DATA_ERROR);
            }
            Ok(())
        }
    }
}

/// `tocsin cvss VECTOR`: the scores and the metric breakdown, one per line.
fn pgp_generate(config: &Config, uid: &str, out: &std::path::Path) -> anyhow::Result<()> {
    use std::io::Write as _;
    if !uid.contains('@') {
        anyhow::bail!("--uid: a user id with the desk's address, e.g. \"Name <desk@example.org>\"");
    }
    // Dated by the product's clock, as everything else.
    let now = config.clock().now().micros().div_euclid(1_000_000);
    let key = tocsin_pgp::DeskKey::generate(
        uid,
        u32::try_from(now.max(0)).unwrap_or(u32::MAX),
        &config.pgp.passphrase,
    )?;
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create_new(true);
    #[cfg(unix)]
    std::os::unix::fs::OpenOptionsExt::mode(&mut options, 0o600);
    let mut file = options
        .open(out)
        .map_err(|e| anyhow::anyhow!("{}: {e}", out.display()))?;
    file.write_all(key.secret_armored()?.as_bytes())?;
    file.sync_all()?;
    println!("fingerprint: {}", key.fingerprint());
    print!("{}", key.public().armored()?);
    Ok(())
}

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

/// `tocsin admin …`: the same use cases as the admin pages, called by the console
/// operator (see `CurrentUser::console`).
async fn admin(config: &Config, cmd: AdminCommand) -> anyhow::Result<()> {
    let app = tocsin_app::App::new(open(config).await?, config.clone())?;
    let tr = cli_tr();
    let ctx = tocsin_app::Ctx::console(tr.locale);
    let operator = auth::CurrentUser::console(app.now());
    let fail = |what: &str, e: tocsin_app::AppError| field_errors(&tr, what, e);
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
            let org = service::create_org(&app, &operator, &ctx, &input)
                .await
                .map_err(|e| fail("organization", e))?;
            println!("{}", org.id);
        }
        AdminCommand::CreateUser {
            email,
            name,
            org,
            roles,
            no_password,
            mail,
        } => {
            let password = if no_password {
                String::new()
            } else {
                match std::env::var("TOCSIN_PASSWORD") {
                    Ok(p) => p,
                    Err(_) => rpassword::prompt_password("password (12+ characters): ")?,
                }
            };
            let input = service::UserInput {
                email,
                name,
                org_id: org.unwrap_or_default(),
                roles: roles.split(',').map(|r| r.trim().to_string()).collect(),
                password,
                quiet: !mail,
            };
            let user = service::create_user(&app, &operator, &ctx, &input)
                .await
                .map_err(|e| fail("user", e))?;
            println!("{}", user.id);
        }
        AdminCommand::CreateToken { email, name } => {
            let user = app
                .store
                .find_user_by_email(&email)
                .await?
                .with_context(|| format!("no user {email}"))?;
            let as_user = auth::CurrentUser::console_as(user);
            let (_, secret) = service::create_token(&app, &as_user, &ctx, &name)
                .await
                .map_err(|e| fail("token", e))?;
            println!("{secret}");
        }
    }
    Ok(())
}

/// An app error as the console shows it: each bad field by name, in the CLI's language.
fn field_errors(tr: &Tr, what: &str, e: tocsin_app::AppError) -> anyhow::Error {
    match e {
        tocsin_app::AppError::Validation(fields) => {
            let fields: Vec<String> = fields
                .iter()
                .map(|(f, err)| format!("{f}: {}", tr.field_error(err)))
                .collect();
            anyhow::anyhow!("invalid {what}: {}", fields.join("; "))
        }
        e => anyhow::anyhow!("{what}: {e}"),
    }
}
