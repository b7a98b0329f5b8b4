//! Configuration from the environment (and an optional `.env`), built once in `main`.

use std::net::SocketAddr;

/// Everything the server needs to know about its deployment.
#[derive(Clone, Debug)]
pub struct Config {
    /// Address to listen on.
    pub addr: SocketAddr,
    /// Database URL (`sqlite:suku.db` or `postgres://…`).
    pub database_url: String,
    /// Public base URL; an `https://` one turns on Secure cookies.
    pub public_url: String,
    /// Trust `X-Forwarded-For` for the client address (only behind a reverse proxy).
    pub trust_proxy: bool,
    /// Idle session lifetime, in minutes.
    pub session_idle_minutes: i64,
    /// Absolute session lifetime without "remember me", in hours.
    pub session_absolute_hours: i64,
    /// Lifetime of a "remember me" session, in days.
    pub remember_days: i64,
    /// Failed logins for one account from one client address within the window, before
    /// that address is paused for that account.
    pub login_max_per_account: i64,
    /// Failed logins for one account from every address within the window (guessing spread
    /// over many addresses), before the account is paused.
    pub login_max_per_account_total: i64,
    /// Failed logins from one client address within the window, all accounts together. High:
    /// a whole school may reach the portal through one address.
    pub login_max_per_ip: i64,
    /// The rate-limit window, in minutes.
    pub login_window_minutes: i64,
    /// Maximum database connections.
    pub db_max_connections: u32,
    /// Directory of uploaded and generated files (local disk storage), and of the files
    /// being worked on whatever the storage (uploads on their way, transcoding).
    pub files_dir: std::path::PathBuf,
    /// An S3-compatible object store for the files instead of the local disk.
    pub s3: crate::files::s3::S3Config,
    /// SMTP server for e-mail notifications (`smtp://user:pass@host:587`); none: no e-mail.
    pub smtp_url: Option<String>,
    /// The sender of e-mails (`SUKU_MAIL_FROM`), as "Name <address>".
    pub mail_from: String,
    /// VAPID private key (base64url) for Web Push; none: one is made and kept in the database.
    pub vapid_private_key: Option<String>,
    /// Accept Web Push services over plain http (`SUKU_PUSH_ALLOW_HTTP`): only for a push
    /// service on the school's own network, or tests. Browsers' services are https.
    pub push_allow_http: bool,
    /// Messages one person may send in 10 seconds (`SUKU_CHAT_MAX_PER_10S`).
    pub chat_max_per_10s: i64,
    /// Redis, to join several nodes' Socket.IO rooms (`REDIS_URL`); none: one node alone.
    pub redis_url: Option<String>,
    /// Mobile money: which aggregator, and its keys.
    pub momo: MomoConfig,
    /// Text messages: which provider, and its keys.
    pub sms: SmsConfig,
    /// The assistant's language model (`SUKU_LLM_*`); the director's settings page may set
    /// another.
    pub llm: LlmConfig,
    /// The school's clock, if not the system's: the tests live on a fixed school day, and
    /// every node a test starts from this configuration reads the same clock. Not read
    /// from the environment.
    pub clock: Option<crate::clock::Clock>,
}

/// A key or token: never shown in logs or debug output.
#[derive(Clone, Default, PartialEq, Eq)]
pub struct Secret(pub String);

impl std::fmt::Debug for Secret {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str(if self.0.is_empty() {
            "(none)"
        } else {
            "(hidden)"
        })
    }
}

impl std::str::FromStr for Secret {
    type Err = std::convert::Infallible;
    fn from_str(s: &str) -> Result<Self, Self::Err> {
        Ok(Secret(s.trim().to_string()))
    }
}

/// Mobile money configuration (`SUKU_MOMO_*`, `SUKU_PAYGATE_*`, `SUKU_FEDAPAY_*`).
#[derive(Clone, Debug)]
pub struct MomoConfig {
    /// `paygate`, `fedapay` or `demo`; empty: parents pay at the desk only.
    pub provider: String,
    /// PayGate Global's base URL.
    pub paygate_url: String,
    /// PayGate Global's API key (`auth_token`).
    pub paygate_token: Secret,
    /// FedaPay's base URL (the sandbox until the school goes live).
    pub fedapay_url: String,
    /// FedaPay's secret API key.
    pub fedapay_key: Secret,
    /// FedaPay's webhook signing secret.
    pub fedapay_webhook_secret: Secret,
    /// Minutes a parent has to confirm on their phone before the attempt expires.
    pub expiry_minutes: i64,
    /// Seconds to wait for the provider's answer (a parent is waiting).
    pub timeout_secs: u64,
    /// The demo operator may be used (set by `suku demo`, never from the environment).
    pub demo_allowed: bool,
}

/// An OpenAI-compatible Chat Completions endpoint for the assistant: `SUKU_LLM_URL` (the
/// base URL, e.g. `http://127.0.0.1:8000/v1`), `SUKU_LLM_MODEL`, `SUKU_LLM_KEY` (optional).
/// No URL: the assistant answers without a model.
#[derive(Clone, Debug, Default)]
pub struct LlmConfig {
    pub url: String,
    pub model: String,
    pub key: Secret,
}

/// Text messages (`SUKU_SMS_*`, `SUKU_TWILIO_*`).
#[derive(Clone, Debug)]
pub struct SmsConfig {
    /// `twilio` or `http`; empty: no text messages.
    pub provider: String,
    /// The sender: a number in E.164 form, or an alphanumeric sender ID ("LUMIERE").
    pub from: String,
    /// Twilio's API base URL.
    pub twilio_url: String,
    pub twilio_sid: String,
    pub twilio_token: Secret,
    /// A gateway's address with `{to}`, `{from}` and `{text}` in it.
    pub url_template: String,
    pub timeout_secs: u64,
    /// The demo operator may be used (set by `suku demo`, never from the environment).
    pub demo_allowed: bool,
}

impl Default for SmsConfig {
    fn default() -> Self {
        SmsConfig {
            provider: String::new(),
            from: String::new(),
            twilio_url: "https://api.twilio.com".into(),
            twilio_sid: String::new(),
            twilio_token: Secret::default(),
            url_template: String::new(),
            timeout_secs: 15,
            demo_allowed: false,
        }
    }
}

impl Default for MomoConfig {
    fn default() -> Self {
        MomoConfig {
            provider: String::new(),
            paygate_url: "https://paygateglobal.com".into(),
            paygate_token: Secret::default(),
            fedapay_url: "https://sandbox-api.fedapay.com".into(),
            fedapay_key: Secret::default(),
            fedapay_webhook_secret: Secret::default(),
            expiry_minutes: 30,
            timeout_secs: 15,
            demo_allowed: false,
        }
    }
}

impl Config {
    /// Defaults that suit a single school server, for tests and the demo.
    pub fn new(database_url: impl Into<String>) -> Self {
        Config {
            addr: "127.0.0.1:8080".parse().expect("valid default address"),
            database_url: database_url.into(),
            public_url: "http://127.0.0.1:8080".into(),
            trust_proxy: false,
            session_idle_minutes: 120,
            session_absolute_hours: 12,
            remember_days: 30,
            login_max_per_account: 5,
            login_max_per_account_total: 20,
            login_max_per_ip: 300,
            login_window_minutes: 15,
            db_max_connections: if cfg!(feature = "postgres") { 16 } else { 8 },
            files_dir: "suku-files".into(),
            smtp_url: None,
            mail_from: "Suku <noreply@suku.local>".into(),
            vapid_private_key: None,
            push_allow_http: false,
            redis_url: None,
            chat_max_per_10s: 20,
            momo: MomoConfig::default(),
            s3: Default::default(),
            sms: SmsConfig::default(),
            llm: LlmConfig::default(),
            clock: None,
        }
    }

    /// Reads the optional variables that the command line does not set.
    pub fn with_env(mut self) -> anyhow::Result<Self> {
        fn var<T: std::str::FromStr>(name: &str, into: &mut T) -> anyhow::Result<()> {
            if let Ok(v) = std::env::var(name) {
                *into = v
                    .parse()
                    .map_err(|_| anyhow::anyhow!("{name}: invalid value {v:?}"))?;
            }
            Ok(())
        }
        var("SUKU_PUBLIC_URL", &mut self.public_url)?;
        var("SUKU_TRUST_PROXY", &mut self.trust_proxy)?;
        var("SUKU_SESSION_IDLE_MINUTES", &mut self.session_idle_minutes)?;
        var(
            "SUKU_SESSION_ABSOLUTE_HOURS",
            &mut self.session_absolute_hours,
        )?;
        var("SUKU_REMEMBER_DAYS", &mut self.remember_days)?;
        var(
            "SUKU_LOGIN_MAX_PER_ACCOUNT",
            &mut self.login_max_per_account,
        )?;
        var(
            "SUKU_LOGIN_MAX_PER_ACCOUNT_TOTAL",
            &mut self.login_max_per_account_total,
        )?;
        var("SUKU_LOGIN_MAX_PER_IP", &mut self.login_max_per_ip)?;
        var("SUKU_LOGIN_WINDOW_MINUTES", &mut self.login_window_minutes)?;
        var("SUKU_DB_MAX_CONNECTIONS", &mut self.db_max_connections)?;
        var("SUKU_FILES_DIR", &mut self.files_dir)?;
        var("SUKU_S3_BUCKET", &mut self.s3.bucket)?;
        var("SUKU_S3_ENDPOINT", &mut self.s3.endpoint)?;
        var("SUKU_S3_REGION", &mut self.s3.region)?;
        var("SUKU_S3_ACCESS_KEY_ID", &mut self.s3.access_key_id)?;
        var("SUKU_S3_SECRET_ACCESS_KEY", &mut self.s3.secret_access_key)?;
        self.smtp_url = std::env::var("SUKU_SMTP_URL")
            .ok()
            .filter(|v| !v.is_empty());
        var("SUKU_MAIL_FROM", &mut self.mail_from)?;
        var("SUKU_CHAT_MAX_PER_10S", &mut self.chat_max_per_10s)?;
        var("SUKU_PUSH_ALLOW_HTTP", &mut self.push_allow_http)?;
        var("SUKU_MOMO_PROVIDER", &mut self.momo.provider)?;
        var("SUKU_PAYGATE_URL", &mut self.momo.paygate_url)?;
        var("SUKU_PAYGATE_TOKEN", &mut self.momo.paygate_token)?;
        var("SUKU_FEDAPAY_URL", &mut self.momo.fedapay_url)?;
        var("SUKU_FEDAPAY_SECRET_KEY", &mut self.momo.fedapay_key)?;
        var(
            "SUKU_FEDAPAY_WEBHOOK_SECRET",
            &mut self.momo.fedapay_webhook_secret,
        )?;
        var("SUKU_MOMO_EXPIRY_MINUTES", &mut self.momo.expiry_minutes)?;
        var("SUKU_MOMO_TIMEOUT_SECS", &mut self.momo.timeout_secs)?;
        var("SUKU_SMS_PROVIDER", &mut self.sms.provider)?;
        var("SUKU_SMS_FROM", &mut self.sms.from)?;
        var("SUKU_TWILIO_URL", &mut self.sms.twilio_url)?;
        var("SUKU_TWILIO_ACCOUNT_SID", &mut self.sms.twilio_sid)?;
        var("SUKU_TWILIO_AUTH_TOKEN", &mut self.sms.twilio_token)?;
        var("SUKU_SMS_URL_TEMPLATE", &mut self.sms.url_template)?;
        var("SUKU_LLM_URL", &mut self.llm.url)?;
        var("SUKU_LLM_MODEL", &mut self.llm.model)?;
        var("SUKU_LLM_KEY", &mut self.llm.key)?;
        self.redis_url = std::env::var("REDIS_URL").ok().filter(|v| !v.is_empty());
        self.vapid_private_key = std::env::var("SUKU_VAPID_PRIVATE_KEY")
            .ok()
            .filter(|v| !v.is_empty());
        if let Some(k) = &self.vapid_private_key {
            crate::notifications::push::parse_key(k)
                .map_err(|e| anyhow::anyhow!("SUKU_VAPID_PRIVATE_KEY: {e}"))?;
        }
        Ok(self)
    }

    /// Cookies carry the Secure flag when the portal is served over HTTPS.
    pub fn secure_cookies(&self) -> bool {
        self.public_url.starts_with("https://")
    }
}
