//! Configuration: a TOML file, then `TOCSIN_*` environment variables, then command-line
//! flags. Parsed and checked once at start into [`Config`], then passed explicitly.

use std::path::PathBuf;

use serde::Deserialize;

/// The whole configuration. Every field has a default, so no file is needed.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Config {
    /// Address to listen on.
    pub listen: String,
    /// The URL users reach tocsin at; used in links and mails.
    pub public_url: String,
    /// `sqlite:PATH` or `postgres://…`.
    pub database: String,
    /// Folder for the SQLite database, the file outbox and attachments.
    pub data_dir: PathBuf,
    /// Log format: `json` (default) or `text`.
    pub log_format: String,
    /// The operator shown on every page.
    pub operator: Operator,
    /// Tracking-number prefixes.
    pub tracking: Tracking,
    /// Outbound mail.
    pub mail: Mail,
    /// Sessions, throttles, limits.
    pub security: Security,
    /// Report intake: attachment limits, default priority, SOP task templates.
    pub reports: Reports,
    /// SLA targets per priority, in working minutes.
    pub sla: tocsin_domain::SlaPolicy,
    /// How long a vulnerability case may stay in each state, in working minutes.
    pub vuln_sla: tocsin_domain::vuln::VulnSlaPolicy,
    /// The working calendar SLA timers count in.
    pub calendar: tocsin_domain::CalendarConfig,
    /// The phishing desk.
    pub phishing: Phishing,
    /// The reward scheme's earning rules, by event and severity.
    pub points: tocsin_domain::points::PointsRules,
    /// The operator as a CVE Numbering Authority.
    pub cna: Cna,
    /// Mail intake (mailgate, IMAP): routes by recipient, limits, acknowledgments.
    pub intake: Intake,
    /// What the public privacy notice states (`[privacy]`).
    pub privacy: Privacy,
    /// Virus Check: the engines, limits, the key of files at rest, retention.
    pub virus_check: VirusCheck,
    /// The CERT/CSIRT alliance: its terms and its sharing group (`[alliance]`).
    pub alliance: Alliance,
    /// The monthly e-newsletter and the social links in every page's footer.
    pub newsletter: Newsletter,
    /// Forwards to other CSIRTs (`[teams]`): when an unanswered forward is followed up.
    pub teams: Teams,
    /// For tests and rehearsals only: the product's clock starts at this instant (RFC 3339
    /// with an offset, e.g. `2026-12-07T00:30:00+08:00`) and runs on from it. Empty (the
    /// default): the machine's clock. `TOCSIN_CLOCK_START` overrides it.
    pub clock_start: String,
    /// The longest a request waits for a database connection (or SQLite's write turn), in
    /// milliseconds, before it is answered 503 with Retry-After.
    pub database_timeout_ms: u64,
    /// A PEM certificate chain: with `tls_key`, the server speaks HTTPS itself (for
    /// deployments without a reverse proxy). Read again whenever the file changes.
    pub tls_cert: String,
    /// The PEM private key of `tls_cert`.
    pub tls_key: String,
    /// The desk's OpenPGP key (`[pgp]`).
    pub pgp: Pgp,
    /// The desk's published identity: security.txt and the RFC 2350 description
    /// (`[about]`).
    pub about: About,
}

/// The desk's OpenPGP key (`[pgp]`). No key is not an error: mail then goes unsigned and
/// unencrypted, and security.txt unsigned.
#[derive(Clone, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Pgp {
    /// The armored secret key (`tocsin pgp generate` writes one). Empty: no key.
    pub secret_key_file: String,
    /// The environment variable holding the key's passphrase (empty: not locked), so the
    /// file holds none.
    pub passphrase_env: String,
    /// The passphrase, read from `passphrase_env` at load.
    #[serde(skip)]
    pub passphrase: String,
    /// Intel shared at TLP:AMBER or RED reaches a recipient without a key only as a notice
    /// with a link, never as content in clear.
    pub require_encryption: bool,
}

impl std::fmt::Debug for Pgp {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("Pgp")
            .field("secret_key_file", &self.secret_key_file)
            .field("passphrase_env", &self.passphrase_env)
            .field("require_encryption", &self.require_encryption)
            .finish_non_exhaustive()
    }
}

/// A text in both languages of the site.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Bilingual {
    /// Traditional Chinese.
    pub zh: String,
    /// English.
    pub en: String,
}

impl Bilingual {
    fn of(zh: &str, en: &str) -> Bilingual {
        Bilingual {
            zh: zh.into(),
            en: en.into(),
        }
    }

    /// The text in `locale`'s language.
    pub fn get(&self, locale: tocsin_domain::Locale) -> &str {
        match locale {
            tocsin_domain::Locale::ZhTw => &self.zh,
            tocsin_domain::Locale::En => &self.en,
        }
    }
}

/// The desk's published identity (`[about]`): what `/.well-known/security.txt` (RFC 9116)
/// and `/about/rfc2350` (RFC 2350) say beyond `[operator]` and the key.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct About {
    /// security.txt's Contact URIs; empty: `mailto:` the operator's address.
    pub contact: Vec<String>,
    /// Days from now security.txt's Expires lies (RFC 9116 advises under a year).
    pub expires_days: i64,
    /// security.txt's Policy URI; empty: the RFC 2350 page.
    pub policy_url: String,
    /// security.txt's CSAF URI (provider-metadata.json); empty: the desk's own
    /// (`/.well-known/csaf/provider-metadata.json`).
    pub csaf_url: String,
    /// security.txt's Preferred-Languages.
    pub preferred_languages: Vec<String>,
    /// RFC 2350 §3.1: the team's mission.
    pub mission: Bilingual,
    /// RFC 2350 §3.2: whom the team serves.
    pub constituency: Bilingual,
    /// RFC 2350 §3.3-3.4: who sponsors the team and under what authority it acts.
    pub authority: Bilingual,
    /// RFC 2350 §4: the kinds of incidents handled and how information is shared.
    pub policies: Bilingual,
    /// RFC 2350 §5: the services offered.
    pub services: Bilingual,
    /// RFC 2350 §7: disclaimers.
    pub disclaimer: Bilingual,
}

impl Default for About {
    fn default() -> Self {
        About {
            contact: vec![],
            expires_days: 180,
            policy_url: String::new(),
            csaf_url: String::new(),
            preferred_languages: vec!["zh-TW".into(), "en".into()],
            mission: Bilingual::of(
                "協助國內各界預防、偵測與應變資安事件，並協調漏洞揭露。",
                "To help the country's organizations prevent, detect and respond to security \
                 incidents, and to coordinate vulnerability disclosure.",
            ),
            constituency: Bilingual::of(
                "國內政府機關、關鍵基礎設施、企業與民眾。",
                "Government agencies, critical infrastructure, businesses and the public.",
            ),
            authority: Bilingual::of(
                "本中心為國家級電腦緊急應變小組，與受影響單位協調處理事件，不具強制權。",
                "The national computer emergency response team; it coordinates with those \
                 affected and has no power to compel them.",
            ),
            policies: Bilingual::of(
                "受理各類資安事件、漏洞與釣魚網站通報；資訊依 TLP 2.0 分級分享，未經同意不揭露通報者身分。",
                "All kinds of security incidents, vulnerabilities and phishing sites are \
                 accepted; information is shared by TLP 2.0 and reporters are not named \
                 without their consent.",
            ),
            services: Bilingual::of(
                "事件通報與應變協處、漏洞協調揭露、釣魚網站處理、情資分享、病毒檢測。",
                "Incident reporting and response, coordinated vulnerability disclosure, \
                 phishing take-down, threat intelligence sharing, virus checks.",
            ),
            disclaimer: Bilingual::of(
                "本中心盡力確保資訊正確，但不對其使用結果負責。",
                "While every care is taken in preparing information, the team assumes no \
                 responsibility for errors or for damages resulting from its use.",
            ),
        }
    }
}

/// The routes mail intake knows (`intake.routes`, `intake.default_route`, an IMAP
/// account's `queue`).
pub const ROUTES: &[&str] = &["incident", "vulnerability", "phishing", "intel"];

/// Mail intake settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Intake {
    /// Recipient address (lower case) → `incident`, `vulnerability`, `phishing` or `intel`.
    pub routes: std::collections::BTreeMap<String, String>,
    /// Where mail to any other address goes; empty: held for an analyst.
    pub default_route: String,
    /// The incident type of a report made from mail (the desk reclassifies it).
    pub incident_type: String,
    /// Acknowledgments per sender per hour; beyond it mail is held unanswered.
    pub acks_per_hour: i64,
    /// Largest message, in bytes.
    pub max_bytes: usize,
    /// Most MIME parts in a message.
    pub max_parts: usize,
    /// Deepest nesting of parts.
    pub max_depth: usize,
    /// Mailboxes hosted elsewhere that the IMAP poller empties (`[[intake.imap]]`).
    pub imap: Vec<ImapAccount>,
}

/// One IMAP mailbox the poller reads: each message of its folders is handed to mail intake
/// and moved to `processed_folder` once stored.
#[derive(Clone, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct ImapAccount {
    /// The IMAP server's host name (also the name its certificate must carry).
    pub host: String,
    /// The port; when left out, 993 for `tls` and 143 for `starttls`.
    pub port: Option<u16>,
    /// `tls` (IMAPS) or `starttls`; there is no plain-text mode, the password goes over it.
    pub tls: String,
    /// The IMAP user name.
    pub username: String,
    /// The IMAP password (better: `password_env`, so the file holds no secret).
    pub password: String,
    /// The name of an environment variable holding the password, read at start over
    /// `password`.
    pub password_env: String,
    /// The folders read.
    pub folders: Vec<String>,
    /// Where a message goes once stored (created when missing).
    pub processed_folder: String,
    /// The desk mail goes to whatever its address (the mailgate's `--queue`); empty: by
    /// recipient.
    pub queue: String,
    /// A PEM file of extra root certificates to trust (a private CA), besides the built-in
    /// web roots.
    pub ca_file: Option<PathBuf>,
    /// Seconds between polls.
    pub poll_seconds: u64,
    /// The e-mail of the tocsin account (a desk role) the poller hands messages over as,
    /// as the mailgate does with that account's token; its audit entries name it.
    pub desk_account: String,
}

impl Default for ImapAccount {
    fn default() -> Self {
        ImapAccount {
            host: String::new(),
            port: None,
            tls: "tls".into(),
            username: String::new(),
            password: String::new(),
            password_env: String::new(),
            folders: vec!["INBOX".into()],
            processed_folder: "Processed".into(),
            queue: String::new(),
            ca_file: None,
            poll_seconds: 60,
            desk_account: String::new(),
        }
    }
}

impl ImapAccount {
    /// The port to connect to.
    pub fn port(&self) -> u16 {
        self.port
            .unwrap_or(if self.tls == "starttls" { 143 } else { 993 })
    }
}

// By hand, so that the password never reaches a log line that prints the configuration.
impl std::fmt::Debug for ImapAccount {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_struct("ImapAccount")
            .field("host", &self.host)
            .field("port", &self.port)
            .field("tls", &self.tls)
            .field("username", &self.username)
            .field(
                "password",
                &if self.password.is_empty() { "" } else { "***" },
            )
            .field("password_env", &self.password_env)
            .field("folders", &self.folders)
            .field("processed_folder", &self.processed_folder)
            .field("queue", &self.queue)
            .field("ca_file", &self.ca_file)
            .field("poll_seconds", &self.poll_seconds)
            .field("desk_account", &self.desk_account)
            .finish()
    }
}

impl Default for Intake {
    fn default() -> Self {
        Intake {
            routes: std::collections::BTreeMap::new(),
            default_route: String::new(),
            incident_type: "intrusion".into(),
            acks_per_hour: 5,
            max_bytes: 25 * 1024 * 1024,
            max_parts: 200,
            max_depth: 8,
            imap: Vec::new(),
        }
    }
}

/// CNA settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Cna {
    /// The CNA's organization UUID at the CVE Program (needed to export CVE records).
    pub org_id: String,
    /// The CNA's short name at the CVE Program.
    pub short_name: String,
    /// Days from the report date to the target publication date.
    pub publication_days: i64,
}

impl Default for Cna {
    fn default() -> Self {
        Cna {
            org_id: String::new(),
            short_name: "tocsin".into(),
            publication_days: tocsin_domain::vuln::DEFAULT_PUBLICATION_DAYS,
        }
    }
}

/// The monthly e-newsletter (`[newsletter]`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Newsletter {
    /// The most issue messages queued in any minute, over all instances (a mail server
    /// that receives a thousand at once from one sender takes it for spam).
    pub rate_per_minute: u32,
    /// How long a confirmation link stays valid, in hours.
    pub confirm_hours: i64,
    /// Bounces after which a subscriber is unsubscribed.
    pub bounce_limit: i32,
    /// Links shown in every page's footer (the operator's Facebook page and the like).
    pub social: Vec<SocialLink>,
}

/// A link to the operator elsewhere, shown in the footer.
#[derive(Clone, Debug, Default, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct SocialLink {
    /// What the link says (e.g. `Facebook`).
    pub name: String,
    /// Where it goes (http or https).
    pub url: String,
}

impl Default for Newsletter {
    fn default() -> Self {
        Newsletter {
            rate_per_minute: 60,
            confirm_hours: 48,
            bounce_limit: 3,
            social: Vec::new(),
        }
    }
}

/// Forwards to other CSIRTs.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Teams {
    /// Days without an answer after a forward before the team is reminded once in its
    /// thread; as many again after that and the forward is marked as unanswered. 0: never.
    pub reminder_days: i64,
}

impl Default for Teams {
    fn default() -> Self {
        Teams { reminder_days: 7 }
    }
}

/// Phishing desk settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Phishing {
    /// Hours without an answer after a notice before the desk is reminded.
    pub escalation_hours: i64,
    /// Where reminders go (empty: the operator's address).
    pub desk_email: String,
    /// Base URL of the RDAP bootstrap registry (e.g. IANA's); empty turns RDAP look-ups
    /// off, for desks without outside network (contacts are then entered by hand).
    pub rdap_bootstrap_url: String,
    /// Whether analysts may fetch a reported page to record evidence (off: a desk
    /// machine may have no outside network, and fetching phishing pages is a choice).
    pub fetcher: bool,
    /// The HTTP proxy the fetcher goes through (empty: direct).
    pub fetch_proxy: String,
    /// Let the fetcher reach private, loopback, link-local and other special-purpose
    /// addresses (never in production: a reported URL could point at the desk's own
    /// network).
    pub fetch_allow_private: bool,
}

impl Default for Phishing {
    fn default() -> Self {
        Phishing {
            escalation_hours: 24,
            desk_email: String::new(),
            rdap_bootstrap_url: String::new(),
            fetcher: false,
            fetch_proxy: String::new(),
            fetch_allow_private: false,
        }
    }
}

/// Report intake settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Reports {
    /// Most files per submission.
    pub max_attachments: usize,
    /// Largest file in bytes.
    pub max_attachment_bytes: usize,
    /// Priority of a new report until an analyst sets one: p1 … p4.
    pub default_priority: String,
    /// A TOML file of SOP task templates replacing the built-in ones (empty: built-in).
    pub tasks_file: Option<PathBuf>,
    /// Mail the reporter a satisfaction survey when a report is closed.
    pub survey: bool,
    /// Reports accepted from one client address per hour (0: no limit).
    pub max_per_hour_per_address: i64,
}

impl Default for Reports {
    fn default() -> Self {
        Reports {
            max_attachments: 5,
            max_attachment_bytes: 5 * 1024 * 1024,
            default_priority: "p3".into(),
            tasks_file: None,
            survey: true,
            max_per_hour_per_address: 30,
        }
    }
}

/// The CERT/CSIRT alliance (台灣CERT/CSIRT聯盟): the terms an applicant accepts, and the
/// sharing group approval adds members to (made on first approval when missing).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Alliance {
    /// The alliance's terms in Traditional Chinese, shown on the application form.
    pub terms_zh: String,
    /// The same terms in English.
    pub terms_en: String,
    /// The name of the alliance's sharing group (kind `alliance`).
    pub group_name: String,
}

impl Default for Alliance {
    fn default() -> Self {
        Alliance {
            terms_zh: "成員同意依TLP規範分享與處理情資，維護聯絡資訊正確，並於事件發生時互相協助。".into(),
            terms_en: "Members share and handle information under TLP, keep their contacts up to date, and help one another in incidents.".into(),
            group_name: "台灣CERT/CSIRT聯盟".into(),
        }
    }
}

/// The operator's identity and contact channels.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Operator {
    /// Name in Traditional Chinese.
    pub name_zh: String,
    /// Name in English.
    pub name_en: String,
    /// Web site.
    pub site: String,
    /// Contact e-mail.
    pub email: String,
    /// Phone numbers, e.g. the hotline.
    pub phones: Vec<String>,
    /// Postal addresses.
    pub addresses: Vec<String>,
}

/// What the public privacy notice (`/privacy`) states beyond what tocsin knows by itself
/// (session lifetime, the clean-up intervals).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Privacy {
    /// How many years a report, its files and the reporter's contact details are kept after
    /// the report is closed, as the notice states it: the operator's records schedule
    /// (tocsin deletes no report by itself; removal is the operator's task).
    pub retention_years: u32,
    /// Where to ask about, correct or object to the use of personal data (empty: the
    /// operator's e-mail).
    pub contact: String,
}

impl Default for Privacy {
    fn default() -> Self {
        Privacy {
            retention_years: 5,
            contact: String::new(),
        }
    }
}

/// Virus Check settings (`[virus_check]`).
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct VirusCheck {
    /// Where clamd listens: `unix:/run/clamav/clamd.ctl` (or a bare path) or `host:port`.
    /// Empty: no ClamAV (files are then checked against shared intel only).
    pub clamd: String,
    /// The longest one clamd command (or one YARA scan) may take, in seconds.
    pub clamd_timeout_seconds: u64,
    /// The largest file accepted, in bytes.
    pub max_bytes: usize,
    /// Days an uploaded file is kept (encrypted) before it is deleted; its hashes and
    /// verdict stay.
    pub retention_days: i64,
    /// Scans run at once by this instance.
    pub workers: usize,
    /// The key files are encrypted with at rest: 64 hexadecimal digits (AES-256). Empty:
    /// a key generated once into `data_dir/virus-check/key` (keep it apart from the files
    /// in production). `TOCSIN_VIRUS_CHECK_KEY` overrides it.
    pub key: String,
    /// Uploads accepted from one client address per hour, page and API alike (0: no
    /// limit).
    pub max_per_hour_per_address: i64,
    /// The address mail intake answers with Virus Check: each attachment of a message to
    /// it is checked and the sender is mailed the verdicts (lower case; must also be
    /// delivered to mail intake). Empty: off. `TOCSIN_VIRUS_CHECK_MAIL_ADDRESS` overrides
    /// it.
    pub mail_address: String,
    /// Archives opened one inside another, the uploaded one included; one nested deeper
    /// is `suspicious` ("archive limits exceeded").
    pub archive_max_depth: u32,
    /// Members taken out of an archive, at every depth together; more is `suspicious`.
    pub archive_max_files: u64,
    /// Bytes unpacked from an archive, at every depth together; nothing is unpacked past
    /// them, and an archive that would go past is `suspicious` (a zip bomb).
    pub archive_max_total_bytes: u64,
}

impl VirusCheck {
    /// How far archives are opened.
    pub fn archive_limits(&self) -> tocsin_domain::virus::archive::Limits {
        tocsin_domain::virus::archive::Limits {
            max_depth: self.archive_max_depth,
            max_files: self.archive_max_files,
            max_total_bytes: self.archive_max_total_bytes,
        }
    }
}

impl Default for VirusCheck {
    fn default() -> Self {
        VirusCheck {
            clamd: String::new(),
            clamd_timeout_seconds: 60,
            max_bytes: 32 * 1024 * 1024,
            retention_days: 30,
            workers: 2,
            key: String::new(),
            max_per_hour_per_address: 30,
            mail_address: String::new(),
            archive_max_depth: 3,
            archive_max_files: 1000,
            archive_max_total_bytes: 256 * 1024 * 1024,
        }
    }
}

/// Tracking-number prefixes per report kind.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Tracking {
    /// Incident reports.
    pub incident_prefix: String,
    /// Vulnerability reports.
    pub vulnerability_prefix: String,
    /// Phishing reports.
    pub phishing_prefix: String,
}

/// Outbound mail.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Mail {
    /// Sender address of automatic mail.
    pub from: String,
    /// Sender display name.
    pub from_name: String,
    /// The desk's address for mail written to be answered (messages to reporters, vendor
    /// and abuse notices): it is their `From` and `Reply-To`, so it must be delivered to
    /// mail intake. Empty: the incident desk's address in `intake.routes` (else any
    /// routed address, else `from`).
    pub desk_from: String,
    /// SMTP host; empty means write .eml files under `data_dir/outbox` instead.
    pub smtp_host: String,
    /// SMTP port.
    pub smtp_port: u16,
    /// `starttls`, `tls` or `none`.
    pub smtp_tls: String,
    /// SMTP user name (empty: no authentication).
    pub smtp_username: String,
    /// SMTP password.
    pub smtp_password: String,
    /// Whether this instance runs the outbox worker (on several instances, any number may).
    pub worker: bool,
    /// This instance's name in the outbox leases; it must stay the same across restarts
    /// (so a restarted instance takes back the mail it had claimed at once instead of
    /// after the 5 minute lease) and differ between instances running at the same time
    /// (or one would release the other's leases). Empty: `<hostname>-<hash of data_dir>`,
    /// right for one server and for several instances with their own host or data
    /// folder; set it when neither is stable, e.g. containers with a new host name on
    /// every start.
    pub instance_id: String,
}

/// Security settings.
#[derive(Clone, Debug, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct Security {
    /// Session lifetime in hours.
    pub session_hours: i64,
    /// Failed sign-ins per account or address within the window before refusal.
    pub login_max_failures: i64,
    /// The throttle window in minutes.
    pub login_window_minutes: i64,
    /// Largest request body in bytes.
    pub max_body_bytes: usize,
    /// Reverse proxies (address ranges) whose `Forwarded` / `X-Forwarded-For` name the
    /// client; from anyone else those headers are ignored. Empty: no proxy.
    pub trusted_proxies: Vec<String>,
    /// Address ranges that may read `/metrics` without a token (a scraper on the
    /// operator's network); anyone else needs a token of a `monitor` or `admin` user.
    pub metrics_allow: Vec<String>,
    /// `trusted_proxies`, parsed by [`Config::finish`].
    #[serde(skip)]
    pub trusted_proxy_ranges: Vec<tocsin_domain::client_addr::Cidr>,
    /// `metrics_allow`, parsed by [`Config::finish`].
    #[serde(skip)]
    pub metrics_allow_ranges: Vec<tocsin_domain::client_addr::Cidr>,
}

impl Default for Config {
    fn default() -> Self {
        Config {
            listen: "127.0.0.1:8080".into(),
            public_url: String::new(),
            database: String::new(),
            data_dir: PathBuf::from("data"),
            log_format: "json".into(),
            operator: Operator::default(),
            tracking: Tracking::default(),
            mail: Mail::default(),
            security: Security::default(),
            reports: Reports::default(),
            sla: tocsin_domain::SlaPolicy::default(),
            vuln_sla: tocsin_domain::vuln::VulnSlaPolicy::default(),
            calendar: tocsin_domain::CalendarConfig::default(),
            phishing: Phishing::default(),
            points: tocsin_domain::points::PointsRules::default(),
            cna: Cna::default(),
            intake: Intake::default(),
            privacy: Privacy::default(),
            virus_check: VirusCheck::default(),
            alliance: Alliance::default(),
            newsletter: Newsletter::default(),
            teams: Teams::default(),
            clock_start: String::new(),
            database_timeout_ms: 2000,
            tls_cert: String::new(),
            tls_key: String::new(),
            pgp: Pgp::default(),
            about: About::default(),
        }
    }
}

impl Default for Operator {
    fn default() -> Self {
        Operator {
            name_zh: "資安通報應變中心".into(),
            name_en: "National CERT/CC".into(),
            site: "https://www.example.org.tw".into(),
            email: "service@example.org.tw".into(),
            phones: vec!["+886-2-0000-0000".into()],
            addresses: vec![],
        }
    }
}

impl Default for Tracking {
    fn default() -> Self {
        Tracking {
            incident_prefix: "INC".into(),
            vulnerability_prefix: "VUL".into(),
            phishing_prefix: "PHI".into(),
        }
    }
}

impl Default for Mail {
    fn default() -> Self {
        Mail {
            from: "noreply@example.org.tw".into(),
            from_name: "tocsin".into(),
            desk_from: String::new(),
            smtp_host: String::new(),
            smtp_port: 587,
            smtp_tls: "starttls".into(),
            smtp_username: String::new(),
            smtp_password: String::new(),
            worker: true,
            instance_id: String::new(),
        }
    }
}

impl Default for Security {
    fn default() -> Self {
        Security {
            session_hours: 12,
            login_max_failures: 5,
            login_window_minutes: 15,
            max_body_bytes: 2 * 1024 * 1024,
            trusted_proxies: Vec::new(),
            metrics_allow: Vec::new(),
            trusted_proxy_ranges: Vec::new(),
            metrics_allow_ranges: Vec::new(),
        }
    }
}

/// A configuration problem, named by its setting.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// The file could not be read.
    #[error("cannot read {path}: {source}")]
    Read {
        /// The file.
        path: PathBuf,
        /// Why.
        source: std::io::Error,
    },
    /// The file is not valid TOML of the expected shape.
    #[error("{path}: {source}")]
    Toml {
        /// The file.
        path: PathBuf,
        /// Why.
        source: toml::de::Error,
    },
    /// A setting has an unusable value.
    #[error("setting `{name}`: {message}")]
    Invalid {
        /// The setting.
        name: &'static str,
        /// Why.
        message: String,
    },
}

/// Settings given on the command line; they win over the environment and the file.
#[derive(Clone, Debug, Default)]
pub struct Flags {
    /// `--listen`.
    pub listen: Option<String>,
    /// `--database`.
    pub database: Option<String>,
}

/// The environment variables read, with the setting each overrides (documented in README).
pub const ENV_VARS: &[(&str, &str)] = &[
    ("TOCSIN_LISTEN", "listen"),
    ("TOCSIN_PUBLIC_URL", "public_url"),
    ("TOCSIN_DATABASE", "database"),
    ("TOCSIN_DATA_DIR", "data_dir"),
    ("TOCSIN_LOG_FORMAT", "log_format"),
    ("TOCSIN_MAIL_FROM", "mail.from"),
    ("TOCSIN_SMTP_HOST", "mail.smtp_host"),
    ("TOCSIN_SMTP_PORT", "mail.smtp_port"),
    ("TOCSIN_SMTP_TLS", "mail.smtp_tls"),
    ("TOCSIN_SMTP_USERNAME", "mail.smtp_username"),
    ("TOCSIN_SMTP_PASSWORD", "mail.smtp_password"),
    ("TOCSIN_MAIL_WORKER", "mail.worker"),
    ("TOCSIN_MAIL_INSTANCE_ID", "mail.instance_id"),
    ("TOCSIN_CLOCK_START", "clock_start"),
    ("TOCSIN_VIRUS_CHECK_CLAMD", "virus_check.clamd"),
    ("TOCSIN_VIRUS_CHECK_KEY", "virus_check.key"),
    (
        "TOCSIN_VIRUS_CHECK_MAIL_ADDRESS",
        "virus_check.mail_address",
    ),
];

impl Config {
    /// The public address of `path` (which starts with `/`) on this instance, for links
    /// in mail and feeds.
    pub fn link(&self, path: &str) -> String {
        format!("{}{path}", self.public_url)
    }

    /// The address mail written to be answered comes from and is answered to
    /// (`mail.desk_from`, else the incident desk's intake address, else any routed
    /// address, else `mail.from`): answers must reach mail intake to join their case.
    pub fn desk_address(&self) -> String {
        if !self.mail.desk_from.trim().is_empty() {
            return self.mail.desk_from.trim().to_string();
        }
        let routed = |kind: &str| {
            self.intake
                .routes
                .iter()
                .find(|(_, r)| r.as_str() == kind)
                .map(|(a, _)| a.clone())
        };
        routed("incident")
            .or_else(|| self.intake.routes.keys().next().cloned())
            .unwrap_or_else(|| self.mail.from.clone())
    }

    /// The product's clock: the machine's, or one started at `clock_start`. The store is
    /// opened with it and everything else reads the store's (see ARCHITECTURE.md, "Time").
    pub fn clock(&self) -> tocsin_domain::Clock {
        match self.clock_start_at() {
            Ok(Some(start)) => tocsin_domain::Clock::starting_at(start),
            // `finish` refused a bad value before any caller got this configuration.
            _ => tocsin_domain::Clock::system(),
        }
    }

    fn clock_start_at(&self) -> Result<Option<tocsin_domain::Timestamp>, ConfigError> {
        let v = self.clock_start.trim();
        if v.is_empty() {
            return Ok(None);
        }
        v.parse::<jiff::Timestamp>()
            .map(|t| Some(tocsin_domain::zone::from_jiff(t)))
            .map_err(|_| ConfigError::Invalid {
                name: "clock_start",
                message: format!(
                    "an instant with its offset, e.g. 2026-12-07T00:30:00+08:00, not {v}"
                ),
            })
    }

    /// [`Config::load_with`] without command-line flags.
    pub fn load(
        file: Option<&std::path::Path>,
        env: impl Fn(&str) -> Option<String>,
    ) -> Result<Config, ConfigError> {
        Self::load_with(file, env, &Flags::default())
    }

    /// Reads an optional TOML file, then applies environment overrides from `env`
    /// (a lookup function, so tests need not touch the process environment), then the
    /// command line's `flags`, then checks. Each setting takes the first of flag,
    /// environment, file, default; derived settings (`public_url` from `listen`) are
    /// derived last, only when no source set them.
    pub fn load_with(
        file: Option<&std::path::Path>,
        env: impl Fn(&str) -> Option<String>,
        flags: &Flags,
    ) -> Result<Config, ConfigError> {
        let mut c = match file {
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.to_path_buf(),
                    source,
                })?;
                toml::from_str(&text).map_err(|source| ConfigError::Toml {
                    path: path.to_path_buf(),
                    source,
                })?
            }
            None => Config::default(),
        };
        for (var, _) in ENV_VARS {
            let Some(v) = env(var) else { continue };
            match *var {
                "TOCSIN_LISTEN" => c.listen = v,
                "TOCSIN_PUBLIC_URL" => c.public_url = v,
                "TOCSIN_DATABASE" => c.database = v,
                "TOCSIN_DATA_DIR" => c.data_dir = PathBuf::from(v),
                "TOCSIN_LOG_FORMAT" => c.log_format = v,
                "TOCSIN_MAIL_FROM" => c.mail.from = v,
                "TOCSIN_SMTP_HOST" => c.mail.smtp_host = v,
                "TOCSIN_SMTP_PORT" => {
                    c.mail.smtp_port = v.parse().map_err(|_| ConfigError::Invalid {
                        name: "mail.smtp_port",
                        message: format!("not a port number: {v}"),
                    })?
                }
                "TOCSIN_SMTP_TLS" => c.mail.smtp_tls = v,
                "TOCSIN_CLOCK_START" => c.clock_start = v,
                "TOCSIN_VIRUS_CHECK_CLAMD" => c.virus_check.clamd = v,
                "TOCSIN_VIRUS_CHECK_KEY" => c.virus_check.key = v,
                "TOCSIN_VIRUS_CHECK_MAIL_ADDRESS" => c.virus_check.mail_address = v,
                "TOCSIN_SMTP_USERNAME" => c.mail.smtp_username = v,
                "TOCSIN_SMTP_PASSWORD" => c.mail.smtp_password = v,
                "TOCSIN_MAIL_INSTANCE_ID" => c.mail.instance_id = v,
                "TOCSIN_MAIL_WORKER" => {
                    c.mail.worker = match v.as_str() {
                        "on" | "true" | "1" => true,
                        "off" | "false" | "0" => false,
                        _ => {
                            return Err(ConfigError::Invalid {
                                name: "mail.worker",
                                message: format!("on or off, not {v}"),
                            });
                        }
                    }
                }
                _ => {}
            }
        }
        if let Some(l) = &flags.listen {
            c.listen = l.clone();
        }
        if let Some(d) = &flags.database {
            c.database = d.clone();
        }
        if !c.pgp.passphrase_env.is_empty() {
            c.pgp.passphrase = env(&c.pgp.passphrase_env).ok_or_else(|| ConfigError::Invalid {
                name: "pgp.passphrase_env",
                message: format!("{} is not set", c.pgp.passphrase_env),
            })?;
        }
        // Each IMAP account may name its own variable: the file then holds no password.
        for a in &mut c.intake.imap {
            if !a.password_env.is_empty() {
                a.password = env(&a.password_env).ok_or_else(|| ConfigError::Invalid {
                    name: "intake.imap.password_env",
                    message: format!("{} is not set", a.password_env),
                })?;
            }
        }
        c.finish()
    }

    /// Fills derived defaults and checks values.
    pub fn finish(mut self) -> Result<Config, ConfigError> {
        if self.database.is_empty() {
            self.database = format!("sqlite:{}", self.data_dir.join("tocsin.db").display());
        }
        if self.public_url.is_empty() {
            self.public_url = format!("http://{}", self.listen);
        }
        self.public_url = self.public_url.trim_end_matches('/').to_string();
        if !(self.public_url.starts_with("http://") || self.public_url.starts_with("https://")) {
            return Err(ConfigError::Invalid {
                name: "public_url",
                message: "must start with http:// or https://".into(),
            });
        }
        for (name, p) in [
            ("tracking.incident_prefix", &self.tracking.incident_prefix),
            (
                "tracking.vulnerability_prefix",
                &self.tracking.vulnerability_prefix,
            ),
            ("tracking.phishing_prefix", &self.tracking.phishing_prefix),
        ] {
            tocsin_domain::tracking::check_prefix(p).map_err(|e| ConfigError::Invalid {
                name,
                message: e.to_string(),
            })?;
        }
        // Stored in every row the instance claims and shown in logs: short, printable.
        self.mail.instance_id = self.mail.instance_id.trim().to_owned();
        if self.mail.instance_id.len() > 100 || self.mail.instance_id.chars().any(char::is_control)
        {
            return Err(ConfigError::Invalid {
                name: "mail.instance_id",
                message: "at most 100 bytes, no control characters".into(),
            });
        }
        self.points.check().map_err(|e| ConfigError::Invalid {
            name: "points",
            message: e.to_string(),
        })?;
        if !["starttls", "tls", "none"].contains(&self.mail.smtp_tls.as_str()) {
            return Err(ConfigError::Invalid {
                name: "mail.smtp_tls",
                message: "one of starttls, tls, none".into(),
            });
        }
        self.clock_start_at()?;
        let n = &self.newsletter;
        for (name, ok) in [
            ("newsletter.rate_per_minute", n.rate_per_minute >= 1),
            ("newsletter.confirm_hours", n.confirm_hours >= 1),
            ("newsletter.bounce_limit", n.bounce_limit >= 1),
        ] {
            if !ok {
                return Err(ConfigError::Invalid {
                    name,
                    message: "must be at least 1".into(),
                });
            }
        }
        if n.social.iter().any(|l| {
            l.name.trim().is_empty()
                || !(l.url.starts_with("https://") || l.url.starts_with("http://"))
        }) {
            return Err(ConfigError::Invalid {
                name: "newsletter.social",
                message: "each link needs a name and an http(s) url".into(),
            });
        }
        if self.tls_cert.is_empty() != self.tls_key.is_empty() {
            return Err(ConfigError::Invalid {
                name: "tls_cert",
                message: "tls_cert and tls_key go together".into(),
            });
        }
        let ranges = |name: &'static str, list: &[String]| {
            list.iter()
                .map(|c| {
                    c.parse().map_err(|e: tocsin_domain::client_addr::BadCidr| {
                        ConfigError::Invalid {
                            name,
                            message: e.to_string(),
                        }
                    })
                })
                .collect::<Result<Vec<_>, _>>()
        };
        self.security.trusted_proxy_ranges =
            ranges("security.trusted_proxies", &self.security.trusted_proxies)?;
        self.security.metrics_allow_ranges =
            ranges("security.metrics_allow", &self.security.metrics_allow)?;
        if !["json", "text"].contains(&self.log_format.as_str()) {
            return Err(ConfigError::Invalid {
                name: "log_format",
                message: "json or text".into(),
            });
        }
        for (address, route) in &self.intake.routes {
            if !ROUTES.contains(&route.as_str()) || address != &address.trim().to_ascii_lowercase()
            {
                return Err(ConfigError::Invalid {
                    name: "intake.routes",
                    message: format!(
                        "{address} = {route}: lower-case addresses to incident, vulnerability, phishing or intel"
                    ),
                });
            }
        }
        if !(self.intake.default_route.is_empty()
            || ROUTES.contains(&self.intake.default_route.as_str()))
        {
            return Err(ConfigError::Invalid {
                name: "intake.default_route",
                message: "empty, incident, vulnerability, phishing or intel".into(),
            });
        }
        if self
            .intake
            .incident_type
            .parse::<tocsin_domain::IncidentType>()
            .is_err()
        {
            return Err(ConfigError::Invalid {
                name: "intake.incident_type",
                message: "web_attack, intrusion or early_warning".into(),
            });
        }
        for a in &self.intake.imap {
            let invalid = |message: String| ConfigError::Invalid {
                name: "intake.imap",
                message: format!("{}@{}: {message}", a.username, a.host),
            };
            if a.host.is_empty() || a.username.is_empty() || a.desk_account.is_empty() {
                return Err(invalid(
                    "host, username and desk_account are required".into(),
                ));
            }
            if !["tls", "starttls"].contains(&a.tls.as_str()) {
                return Err(invalid("tls is tls or starttls".into()));
            }
            if a.folders.is_empty()
                || a.processed_folder.is_empty()
                || a.folders.contains(&a.processed_folder)
            {
                return Err(invalid(
                    "folders to read and a processed_folder that is not one of them".into(),
                ));
            }
            if a.poll_seconds == 0 {
                return Err(invalid("poll_seconds is at least 1".into()));
            }
            if !(a.queue.is_empty() || ROUTES.contains(&a.queue.as_str())) {
                return Err(invalid(
                    "queue is empty, incident, vulnerability, phishing or intel".into(),
                ));
            }
        }
        DeskRules::from_config(&self)?;
        let v = &self.virus_check;
        if !v.clamd.trim().is_empty() && crate::engines::ClamdAddr::parse(&v.clamd).is_none() {
            return Err(ConfigError::Invalid {
                name: "virus_check.clamd",
                message: "unix:/path, /path or host:port".into(),
            });
        }
        if !v.key.trim().is_empty() && crate::sealed::SealKey::from_hex(&v.key).is_none() {
            return Err(ConfigError::Invalid {
                name: "virus_check.key",
                message: "64 hexadecimal digits".into(),
            });
        }
        let m = v.mail_address.trim();
        if !m.is_empty()
            && (m != m.to_ascii_lowercase()
                || !m.contains('@')
                || self.intake.routes.contains_key(m))
        {
            return Err(ConfigError::Invalid {
                name: "virus_check.mail_address",
                message: "a lower-case address that intake.routes does not route elsewhere".into(),
            });
        }
        if v.workers == 0
            || v.retention_days < 1
            || v.max_bytes == 0
            || v.clamd_timeout_seconds == 0
            || v.archive_max_depth == 0
            || v.archive_max_files == 0
            || v.archive_max_total_bytes == 0
        {
            return Err(ConfigError::Invalid {
                name: "virus_check",
                message: "workers, retention_days, max_bytes, clamd_timeout_seconds and \
                          archive_max_* are at least 1"
                    .into(),
            });
        }
        if !(1..=366).contains(&self.about.expires_days) {
            return Err(ConfigError::Invalid {
                name: "about.expires_days",
                message: "1 to 366 (RFC 9116 advises less than a year)".into(),
            });
        }
        if self.security.session_hours < 1 || self.security.login_max_failures < 1 {
            return Err(ConfigError::Invalid {
                name: "security",
                message: "session_hours and login_max_failures must be at least 1".into(),
            });
        }
        Ok(self)
    }

    /// The largest request body: the configured limit, or room for a report's attachments.
    pub fn body_limit(&self) -> usize {
        let uploads = self
            .reports
            .max_attachments
            .saturating_mul(self.reports.max_attachment_bytes)
            .saturating_mul(4)
            / 3;
        self.security
            .max_body_bytes
            .max(uploads.saturating_add(1024 * 1024))
            .max(self.intake.max_bytes.saturating_add(64 * 1024))
            .max(self.virus_check.max_bytes.saturating_add(64 * 1024))
    }

    /// How the store connects (the acquire timeout).
    pub fn connect_options(&self) -> tocsin_storage::ConnectOptions {
        tocsin_storage::ConnectOptions {
            acquire_timeout: std::time::Duration::from_millis(self.database_timeout_ms.max(1)),
        }
    }

    /// Whether the public URL is HTTPS (cookies get `Secure`, responses HSTS).
    pub fn is_https(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `listen` and `public_url`, each from flag, environment or file, in every
    /// combination: each comes from its own first source, and `public_url` is derived from
    /// the final `listen` only when no source set it.
    #[test]
    fn listen_and_public_url_by_precedence() {
        let dir = std::env::temp_dir().join(format!("tocsin-cfg-{}", std::process::id()));
        std::fs::create_dir_all(&dir).expect("dir");
        for file_listen in [false, true] {
            for file_url in [false, true] {
                for env_listen in [false, true] {
                    for env_url in [false, true] {
                        for flag_listen in [false, true] {
                            let mut toml = String::new();
                            if file_listen {
                                toml.push_str("listen = \"10.0.0.1:1\"\n");
                            }
                            if file_url {
                                toml.push_str("public_url = \"https://file.example\"\n");
                            }
                            let f = dir.join("c.toml");
                            std::fs::write(&f, &toml).expect("write");
                            let env = |k: &str| match k {
                                "TOCSIN_LISTEN" if env_listen => Some("10.0.0.2:2".into()),
                                "TOCSIN_PUBLIC_URL" if env_url => {
                                    Some("https://env.example".into())
                                }
                                _ => None,
                            };
                            let flags = Flags {
                                listen: flag_listen.then(|| "10.0.0.3:3".into()),
                                database: None,
                            };
                            let c = Config::load_with(Some(&f), env, &flags).expect("load");
                            let listen = if flag_listen {
                                "10.0.0.3:3"
                            } else if env_listen {
                                "10.0.0.2:2"
                            } else if file_listen {
                                "10.0.0.1:1"
                            } else {
                                "127.0.0.1:8080"
                            };
                            let url = if env_url {
                                "https://env.example".to_string()
                            } else if file_url {
                                "https://file.example".to_string()
                            } else {
                                format!("http://{listen}")
                            };
                            let case = format!(
                                "file listen {file_listen} url {file_url}, env listen {env_listen} url {env_url}, flag {flag_listen}"
                            );
                            assert_eq!(c.listen, listen, "{case}");
                            assert_eq!(c.public_url, url, "{case}");
                            assert_eq!(c.is_https(), env_url || file_url, "{case}");
                        }
                    }
                }
            }
        }
        let _ = std::fs::remove_dir_all(&dir);
    }

    #[test]
    fn defaults_and_env() {
        let c = Config::load(None, |_| None).expect("defaults");
        assert_eq!(c.listen, "127.0.0.1:8080");
        assert_eq!(c.database, "sqlite:data/tocsin.db");
        assert_eq!(c.public_url, "http://127.0.0.1:8080");
        let c = Config::load(None, |k| match k {
            "TOCSIN_DATABASE" => Some("postgres://x/y".into()),
            "TOCSIN_SMTP_PORT" => Some("25".into()),
            _ => None,
        })
        .expect("env");
        assert_eq!(
            (c.database.as_str(), c.mail.smtp_port),
            ("postgres://x/y", 25)
        );
        let bad = Config::load(None, |k| (k == "TOCSIN_SMTP_PORT").then(|| "x".into()));
        assert!(matches!(
            bad,
            Err(ConfigError::Invalid {
                name: "mail.smtp_port",
                ..
            })
        ));
    }

    #[test]
    fn file_is_checked() {
        let dir = std::env::temp_dir().join(format!("tocsin-cfg-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let f = dir.join("tocsin.toml");
        std::fs::write(
            &f,
            "listen = \"0.0.0.0:9000\"\n[tracking]\nincident_prefix = \"TWCERT\"\n",
        )
        .expect("write");
        let c = Config::load(Some(&f), |_| None).expect("load");
        assert_eq!(
            (c.listen.as_str(), c.tracking.incident_prefix.as_str()),
            ("0.0.0.0:9000", "TWCERT")
        );
        std::fs::write(&f, "[tracking]\nincident_prefix = \"inc\"\n").expect("write");
        assert!(matches!(
            Config::load(Some(&f), |_| None),
            Err(ConfigError::Invalid {
                name: "tracking.incident_prefix",
                ..
            })
        ));
        std::fs::write(&f, "listn = 1\n").expect("write");
        assert!(matches!(
            Config::load(Some(&f), |_| None),
            Err(ConfigError::Toml { .. })
        ));
        let _ = std::fs::remove_dir_all(dir);
    }

    #[test]
    fn imap_accounts() {
        let dir = std::env::temp_dir().join(format!("tocsin-cfg-{}", uuid::Uuid::now_v7()));
        std::fs::create_dir_all(&dir).expect("dir");
        let f = dir.join("tocsin.toml");
        let account = "[[intake.imap]]\nhost = \"imap.example.tw\"\nusername = \"desk\"\n\
                       desk_account = \"gate@example.tw\"\npassword_env = \"IMAP_PW\"\n";
        std::fs::write(&f, account).expect("write");
        let c =
            Config::load(Some(&f), |k| (k == "IMAP_PW").then(|| "s3cret".into())).expect("load");
        let a = &c.intake.imap[0];
        assert_eq!(
            (a.password.as_str(), a.port(), a.folders.as_slice()),
            ("s3cret", 993, ["INBOX".to_string()].as_slice())
        );
        assert_eq!(a.processed_folder, "Processed");
        assert!(
            !format!("{c:?}").contains("s3cret"),
            "no password in the debug form"
        );
        // The variable named must be set: a poller without its password is a mistake.
        assert!(matches!(
            Config::load(Some(&f), |_| None),
            Err(ConfigError::Invalid {
                name: "intake.imap.password_env",
                ..
            })
        ));
        for bad in [
            "tls = \"none\"\n",
            "processed_folder = \"INBOX\"\n",
            "queue = \"spam\"\n",
            "poll_seconds = 0\n",
        ] {
            std::fs::write(&f, format!("{account}{bad}")).expect("write");
            assert!(
                matches!(
                    Config::load(Some(&f), |k| (k == "IMAP_PW").then(|| "x".into())),
                    Err(ConfigError::Invalid {
                        name: "intake.imap",
                        ..
                    })
                ),
                "{bad}"
            );
        }
        std::fs::write(&f, format!("{account}tls = \"starttls\"\n")).expect("write");
        let c = Config::load(Some(&f), |k| (k == "IMAP_PW").then(|| "x".into())).expect("starttls");
        assert_eq!(c.intake.imap[0].port(), 143);
        let _ = std::fs::remove_dir_all(dir);
    }
}

#[cfg(test)]
mod example_file {
    /// The example file in the repository root must load and equal the defaults, so it
    /// stays a true list of settings.
    #[test]
    fn example_matches_defaults() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("../../tocsin.example.toml");
        let c = super::Config::load(Some(&path), |_| None).expect("example loads");
        let d = super::Config::load(None, |_| None).expect("defaults");
        assert_eq!(format!("{c:?}"), format!("{d:?}"));
    }
}

/// The desk's rules built from configuration once at start: the working calendar, SLA
/// targets, SOP task templates and the default priority.
#[derive(Clone, Debug)]
pub struct DeskRules {
    /// Working calendar.
    pub calendar: tocsin_domain::WorkCalendar,
    /// SLA targets.
    pub sla: tocsin_domain::SlaPolicy,
    /// Vulnerability-case timers by state.
    pub vuln_sla: tocsin_domain::vuln::VulnSlaPolicy,
    /// SOP task templates.
    pub tasks: tocsin_domain::TaskTemplates,
    /// Priority of new reports.
    pub default_priority: tocsin_domain::Priority,
}

impl DeskRules {
    /// Builds and checks the rules; errors name the setting.
    pub fn from_config(c: &Config) -> Result<DeskRules, ConfigError> {
        let calendar = tocsin_domain::WorkCalendar::from_config(&c.calendar).map_err(|e| {
            ConfigError::Invalid {
                name: "calendar",
                message: format!("{}: {e}", e.setting()),
            }
        })?;
        c.sla.validate().map_err(|e| ConfigError::Invalid {
            name: "sla",
            message: e.to_string(),
        })?;
        c.vuln_sla.validate().map_err(|e| ConfigError::Invalid {
            name: "vuln_sla",
            message: e.to_string(),
        })?;
        let tasks = match &c.reports.tasks_file {
            None => tocsin_domain::TaskTemplates::defaults(),
            Some(path) => {
                let text = std::fs::read_to_string(path).map_err(|source| ConfigError::Read {
                    path: path.clone(),
                    source,
                })?;
                tocsin_domain::tasks::parse_task_templates(&text)
            }
        }
        .map_err(|e| ConfigError::Invalid {
            name: "reports.tasks_file",
            message: format!("{}: {e}", e.setting()),
        })?;
        let default_priority =
            c.reports
                .default_priority
                .parse()
                .map_err(|_| ConfigError::Invalid {
                    name: "reports.default_priority",
                    message: "one of p1, p2, p3, p4".into(),
                })?;
        if c.reports.max_attachments > 100 || c.reports.max_attachment_bytes == 0 {
            return Err(ConfigError::Invalid {
                name: "reports",
                message: "max_attachments is at most 100 and max_attachment_bytes at least 1"
                    .into(),
            });
        }
        Ok(DeskRules {
            calendar,
            sla: c.sla.clone(),
            vuln_sla: c.vuln_sla.clone(),
            tasks,
            default_priority,
        })
    }
}
