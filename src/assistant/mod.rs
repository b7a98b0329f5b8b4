//! The assistant: a chat panel on every page that answers from the asking person's own
//! school data. Without a language model (nothing configured, or the endpoint down) it
//! recognises the frequent questions and answers from the same tools and the school's FAQ
//! (see [`local`]). Each person keeps their conversations; a daily budget and a rate limit
//! bound the use; what the safety rules catch, or what a person reports, is flagged to the
//! administration.

pub mod intent;
pub mod llm;
pub mod local;
pub mod model;
pub mod repo;
mod routes;
pub mod tools;

pub use routes::router;

use serde::{Deserialize, Serialize};

use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::error::AppError;
use crate::i18n::Tr;

/// The school's choices for the assistant (defaults when none are stored).
#[derive(Clone, Debug, Serialize, Deserialize, PartialEq, Eq)]
#[serde(default)]
pub struct AssistantSettings {
    /// Messages a person may send a day.
    pub daily_messages: i64,
    /// Messages a person may send a minute.
    pub per_minute: i64,
    /// Topics the assistant does not discuss (one per line), beside the safety rules.
    pub blocked_topics: Vec<String>,
    /// Tokens of the model a person may use a day (then it answers without the model).
    pub daily_tokens: i64,
    /// With a model, students get hints and questions on their homework, never the answers;
    /// off: the model declines homework and sends them to their teacher.
    pub homework_hints: bool,
    /// The model's endpoint as the director set it (empty: the server's `SUKU_LLM_URL`).
    pub llm_url: String,
    pub llm_model: String,
    /// Its key (never shown back).
    pub llm_key: String,
    /// The longest wait, in seconds, for the model's next word.
    pub llm_wait_seconds: i64,
}

impl Default for AssistantSettings {
    fn default() -> Self {
        AssistantSettings {
            daily_messages: 60,
            per_minute: 8,
            blocked_topics: vec!["politique".into(), "religion".into()],
            daily_tokens: 20_000,
            homework_hints: true,
            llm_url: String::new(),
            llm_model: String::new(),
            llm_key: String::new(),
            llm_wait_seconds: 20,
        }
    }
}

impl AssistantSettings {
    /// Invalid fields: (field, catalog key).
    pub fn validate(&self) -> Vec<(&'static str, &'static str)> {
        let mut e = Vec::new();
        if !(1..=1000).contains(&self.daily_messages) {
            e.push(("daily_messages", "asst-error-daily"));
        }
        if !(1..=60).contains(&self.per_minute) {
            e.push(("per_minute", "asst-error-per-minute"));
        }
        if !(0..=1_000_000).contains(&self.daily_tokens) {
            e.push(("daily_tokens", "asst-error-daily-tokens"));
        }
        e
    }

    /// Invalid fields of the model's connection.
    pub fn validate_model(&self) -> Vec<(&'static str, &'static str)> {
        let mut e = Vec::new();
        let url = self.llm_url.trim();
        if !(url.is_empty() || url.starts_with("http://") || url.starts_with("https://")) {
            e.push(("llm_url", "asst-error-url"));
        }
        if !url.is_empty() && self.llm_model.trim().is_empty() {
            e.push(("llm_model", "asst-error-model"));
        }
        if !(2..=120).contains(&self.llm_wait_seconds) {
            e.push(("llm_wait_seconds", "asst-error-wait"));
        }
        e
    }

    /// The model to use: the director's, else the server's; `None`: answers without one.
    pub fn endpoint(&self, config: &crate::config::LlmConfig) -> Option<llm::Endpoint> {
        let wait = self.llm_wait_seconds.clamp(2, 120) as u64;
        if self.llm_url.trim().is_empty() {
            llm::Endpoint::new(&config.url, &config.model, &config.key.0, wait)
        } else {
            llm::Endpoint::new(&self.llm_url, &self.llm_model, &self.llm_key, wait)
        }
    }
}

pub async fn settings(app: &AppState) -> anyhow::Result<AssistantSettings> {
    Ok(crate::settings::load(&app.db, "assistant")
        .await?
        .unwrap_or_default())
}

/// The longest message taken.
pub const MAX_MESSAGE: usize = 1000;

/// Why a message was not answered.
#[derive(Debug)]
pub enum Refusal {
    /// Empty or too long: the catalog key.
    Invalid(&'static str),
    /// Too many messages this minute.
    TooFast,
    /// The day's budget is spent.
    Budget,
    Other(AppError),
}

impl From<AppError> for Refusal {
    fn from(e: AppError) -> Self {
        Refusal::Other(e)
    }
}

impl From<sqlx::Error> for Refusal {
    fn from(e: sqlx::Error) -> Self {
        Refusal::Other(e.into())
    }
}

impl Refusal {
    /// The status and catalog key of the refusal.
    pub fn status_key(&self) -> (axum::http::StatusCode, &'static str) {
        use axum::http::StatusCode as S;
        match self {
            Refusal::Invalid(k) => (S::UNPROCESSABLE_ENTITY, k),
            Refusal::TooFast => (S::TOO_MANY_REQUESTS, "asst-too-fast"),
            Refusal::Budget => (S::TOO_MANY_REQUESTS, "asst-budget"),
            Refusal::Other(_) => (S::INTERNAL_SERVER_ERROR, "error-title-500"),
        }
    }
}

/// An answered message.
pub struct Reply {
    pub conversation: i64,
    pub question_id: i64,
    pub answer_id: i64,
    pub answer: String,
    /// The answer is still to be written by the model ([`complete`]).
    pub pending: bool,
}

/// The safety rules: words that mean a child may be in danger or in distress. The
/// assistant then answers with who to talk to, and flags the conversation.
const DISTRESS: &[&str] = &[
    "suicide",
    "suicider",
    "mourir",
    "tuer",
    "frappe",
    "frapper",
    "battu",
    "viol",
    "violee",
    "harcele",
    "harcelement",
    "kill",
    "die",
    "hurt",
    "beaten",
    "abuse",
    "bullied",
    "suicidal",
];

/// Does the text say one of the distress words (as written, folded: a slip must not hand a
/// private conversation to the school)?
fn distressed(text: &str) -> bool {
    intent::words(text)
        .iter()
        .any(|w| DISTRESS.contains(&w.as_str()))
}

/// Does the text touch one of the blocked topics: every word of a topic of more than two
/// letters is there ("fin de vie" needs "fin" and "vie", not "de").
fn blocked(text: &str, topics: &[String]) -> bool {
    let words = intent::words(text);
    topics.iter().any(|topic| {
        let keys: Vec<String> = intent::words(topic)
            .into_iter()
            .filter(|k| k.chars().count() > 2)
            .collect();
        !keys.is_empty()
            && keys
                .iter()
                .all(|k| words.iter().any(|w| intent::matches(w, k)))
    })
}

/// What a program's personal access token lets the assistant read for it: the widgets of
/// its scopes, nothing else of the person's (the session reads all the person may see).
#[derive(Clone, Debug, Default)]
pub struct Limits {
    /// The token's scopes (`None`: a person in their session).
    pub scopes: Option<Vec<String>>,
}

impl Limits {
    /// The limits of a request: its token's, if it came with one.
    pub fn of(token: Option<&crate::dashboard::tokens::TokenAuth>) -> Limits {
        Limits {
            scopes: token.map(|a| a.scopes.clone()),
        }
    }

    /// Who asks, as `role`, within these limits.
    fn asker<'b>(
        &'b self,
        app: &'b AppState,
        user: &'b CurrentUser,
        role: Role,
        t: &'b Tr,
    ) -> tools::Asker<'b> {
        tools::Asker {
            app,
            user,
            role,
            t,
            scopes: self.scopes.as_deref(),
        }
    }
}

/// The longest an answer may take while the person waits for the whole of it (under the
/// router's 30 seconds), and while it streams.
const WHOLE_ANSWER: std::time::Duration = std::time::Duration::from_secs(25);
const STREAMED_ANSWER: std::time::Duration = std::time::Duration::from_secs(90);
/// An answer still being written after this long was lost (a restart): it may be taken over.
const LOST_AFTER: chrono::Duration = chrono::Duration::minutes(3);
/// Answers a person may have waiting at once.
const UNFINISHED: i64 = 3;

/// Answers `question` from `user` as `role` in their current conversation (their latest as
/// that role, or a new one), within their budget and rate.
pub async fn ask(
    app: &AppState,
    user: &CurrentUser,
    role: Role,
    t: &Tr,
    question: &str,
) -> Result<Reply, Refusal> {
    ask_with(app, user, role, t, question, Limits::default()).await
}

/// The same for a program, within its token's scopes: the whole answer at once.
pub async fn ask_with(
    app: &AppState,
    user: &CurrentUser,
    role: Role,
    t: &Tr,
    question: &str,
    limits: Limits,
) -> Result<Reply, Refusal> {
    let mut r = begin(app, user, role, t, question, &limits, false).await?;
    if r.pending {
        // Taken by this request at once (nobody else may), and written in a task of its
        // own: a client gone mid-answer does not leave it unwritten.
        let (app, user, t) = (app.clone(), user.clone(), t.clone());
        let (id, conversation) = (r.answer_id, r.conversation);
        r.answer = detached(async move {
            let claimed = repo::Claimed {
                conversation,
                role: role.code().to_string(),
            };
            write(
                &app,
                &user,
                &t,
                id,
                claimed,
                &limits,
                WHOLE_ANSWER,
                &mut |_| {},
            )
            .await
        })
        .await?;
        r.pending = false;
    }
    Ok(r)
}

/// Runs an answer's writing in a task of its own and waits for it.
pub async fn detached(
    f: impl std::future::Future<Output = Result<String, Refusal>> + Send + 'static,
) -> Result<String, Refusal> {
    tokio::spawn(f)
        .await
        .unwrap_or_else(|e| Err(Refusal::Other(anyhow::anyhow!("{e}").into())))
}

/// Takes a question: refused, or answered without a model at once, or (with a model) kept
/// with its answer to write: `streamed`, pending for [`complete`] (the panel reads it as it
/// is written); else already taken by the caller.
pub async fn begin(
    app: &AppState,
    user: &CurrentUser,
    role: Role,
    t: &Tr,
    question: &str,
    limits: &Limits,
    streamed: bool,
) -> Result<Reply, Refusal> {
    let question = question.trim();
    if question.is_empty() {
        return Err(Refusal::Invalid("asst-error-empty"));
    }
    if question.chars().count() > MAX_MESSAGE {
        return Err(Refusal::Invalid("asst-error-long"));
    }
    let s = settings(app).await.map_err(AppError::from)?;
    let now = app.clock.now();
    let today = app.clock.today();
    // Distress is answered and flagged whatever the limits.
    let distress = distressed(question);
    let blocked = !distress && blocked(question, &s.blocked_topics);
    let model = s.endpoint(&app.config.llm).is_some();
    let tokens_left = repo::usage(&app.db, user.id, today).await?.1 < s.daily_tokens;
    let writing = if streamed { "pending" } else { "running" };
    let (answer, mode) = if distress {
        (t.t("asst-distress"), "refused")
    } else if blocked {
        (t.t("asst-blocked"), "refused")
    } else if model && tokens_left {
        (String::new(), writing)
    } else {
        let asker = limits.asker(app, user, role, t);
        let faq = repo::faq(&app.db).await?;
        let local = local::answer(&asker, question, &faq).await?;
        if model {
            (format!("{}\n\n{local}", t.t("asst-token-budget")), "local")
        } else {
            (local, "local")
        }
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    // The limits are read in the transaction that counts the message, under the person's
    // lock: two messages at once cannot both pass the last place.
    repo::lock(&mut tx, user.id).await?;
    if !distress {
        if repo::sent_since(&mut *tx, user.id, now - chrono::Duration::seconds(60)).await?
            >= s.per_minute
        {
            return Err(Refusal::TooFast);
        }
        if repo::usage(&mut *tx, user.id, today).await?.0 >= s.daily_messages {
            return Err(Refusal::Budget);
        }
        // Answers asked and never read pile up no further (nor spend the model's tokens).
        if mode == writing
            && repo::unfinished(&mut *tx, user.id, now - LOST_AFTER).await? >= UNFINISHED
        {
            return Err(Refusal::TooFast);
        }
    }
    let conversation = match repo::latest_conversation(&mut *tx, user.id, role.code()).await? {
        Some(c) => c,
        None => repo::start(&mut *tx, user.id, role.code(), now).await?,
    };
    let asked_mode = if mode == writing { "model" } else { mode };
    let question_id =
        repo::add(&mut *tx, conversation, "user", question, asked_mode, 0, now).await?;
    let answer_id = repo::add(&mut *tx, conversation, "assistant", &answer, mode, 0, now).await?;
    repo::count(&mut *tx, user.id, today, 1, 0).await?;
    if distress {
        flag(&mut tx, conversation, "safety", question, None, now).await?;
    }
    tx.commit().await?;
    Ok(Reply {
        conversation,
        question_id,
        answer_id,
        answer,
        pending: mode == writing,
    })
}

/// Writes a pending answer with the model, telling `progress` its text as it comes; when
/// the model fails, says why and answers without it. The answer is claimed first, so that
/// it is written once (a page opened twice waits for it, see [`wait`]); one left unwritten
/// longer than [`LOST_AFTER`] (a restart) is taken over.
pub async fn complete(
    app: &AppState,
    user: &CurrentUser,
    t: &Tr,
    answer_id: i64,
    limits: &Limits,
    within: std::time::Duration,
    progress: &mut (dyn FnMut(model::Progress<'_>) + Send),
) -> Result<String, Refusal> {
    let lost = app.clock.now() - LOST_AFTER;
    let Some(claimed) = repo::claim(&app.db, answer_id, user.id, lost).await? else {
        return Err(Refusal::Other(AppError::Conflict("asst-answer-taken")));
    };
    write(app, user, t, answer_id, claimed, limits, within, progress).await
}

/// Writes a claimed answer; whatever fails, the answer is not left unwritten.
#[allow(clippy::too_many_arguments)]
async fn write(
    app: &AppState,
    user: &CurrentUser,
    t: &Tr,
    answer_id: i64,
    claimed: repo::Claimed,
    limits: &Limits,
    within: std::time::Duration,
    progress: &mut (dyn FnMut(model::Progress<'_>) + Send),
) -> Result<String, Refusal> {
    let r = write_claimed(app, user, t, answer_id, claimed, limits, within, progress).await;
    if r.is_err() {
        let _ = repo::finish(&app.db, answer_id, &t.t("asst-model-lost"), "local", 0).await;
    }
    r
}

#[allow(clippy::too_many_arguments)]
async fn write_claimed(
    app: &AppState,
    user: &CurrentUser,
    t: &Tr,
    answer_id: i64,
    claimed: repo::Claimed,
    limits: &Limits,
    within: std::time::Duration,
    progress: &mut (dyn FnMut(model::Progress<'_>) + Send),
) -> Result<String, Refusal> {
    let role = Role::parse(&claimed.role)
        .filter(|r| user.has(*r))
        .ok_or(Refusal::Other(AppError::Forbidden))?;
    let s = settings(app).await.map_err(AppError::from)?;
    let asker = limits.asker(app, user, role, t);
    let faq = repo::faq(&app.db).await?;
    let messages = repo::messages(&app.db, claimed.conversation).await?;
    let at = messages.iter().position(|m| m.id == answer_id).unwrap_or(0);
    let question = at
        .checked_sub(1)
        .and_then(|i| messages.get(i))
        .map(|m| m.body.clone())
        .unwrap_or_default();
    // The conversation so far: the person's questions and the model's own answers, never
    // the stored texts the answers without it quoted (FAQ, announcements, homework); none
    // for a program's token, which must not read back what the session was told.
    let history: Vec<repo::Message> = if limits.scopes.is_some() {
        Vec::new()
    } else {
        messages[..at.saturating_sub(1)]
            .iter()
            .filter(|m| m.author == "user" || m.mode == "model")
            .cloned()
            .collect()
    };
    // The day's tokens, read again: answers asked together spend the same budget.
    let spent_today = repo::usage(&app.db, user.id, app.clock.today()).await?.1;
    let endpoint = s
        .endpoint(&app.config.llm)
        .filter(|_| spent_today < s.daily_tokens);
    let mut seen = String::new();
    let mut spent = 0i64;
    let outcome = match &endpoint {
        None => Err(model::Failed {
            partial: String::new(),
            tokens: 0,
            error: if s.endpoint(&app.config.llm).is_some() {
                llm::LlmError::Budget
            } else {
                llm::LlmError::Down("no model".into())
            },
        }),
        Some(ep) => {
            let mut on = |p: model::Progress<'_>| {
                match &p {
                    model::Progress::Text(x) => seen.push_str(x),
                    model::Progress::Tokens(n) => spent += *n as i64,
                    model::Progress::Tool(_) => {}
                }
                progress(p)
            };
            let run = model::answer(
                &asker,
                &app.llm,
                ep,
                s.homework_hints,
                &s.blocked_topics,
                &history,
                &question,
                &faq,
                &mut on,
            );
            match tokio::time::timeout(within, run).await {
                Ok(r) => r,
                Err(_) => Err(model::Failed {
                    partial: std::mem::take(&mut seen),
                    tokens: spent,
                    error: llm::LlmError::Down("timeout".into()),
                }),
            }
        }
    };
    let (body, mode, tokens) = match outcome {
        Ok(a) => (a.text.trim().to_string(), "model", a.tokens),
        Err(f) => {
            tracing::warn!(error = %f.error.detail(), "assistant: the model failed");
            let cut =
                !f.partial.trim().is_empty() && !matches!(f.error, llm::LlmError::Protocol(_));
            if cut {
                (
                    format!("{}\n\n{}", f.partial.trim(), t.t("asst-model-cut")),
                    "model",
                    f.tokens,
                )
            } else {
                let local = local::answer(&asker, &question, &faq).await?;
                (
                    format!("{}\n\n{local}", t.t(f.error.key())),
                    "local",
                    f.tokens,
                )
            }
        }
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::finish(&mut *tx, answer_id, &body, mode, tokens).await?;
    repo::count(&mut *tx, user.id, app.clock.today(), 0, tokens).await?;
    tx.commit().await?;
    Ok(body)
}

/// Flags a conversation to the administration, and tells them (a school event).
pub async fn flag(
    tx: &mut crate::db::Tx<'_>,
    conversation: i64,
    reason: &str,
    note: &str,
    by: Option<i64>,
    at: chrono::DateTime<chrono::Utc>,
) -> Result<(), sqlx::Error> {
    repo::flag(&mut **tx, conversation, reason, note, by, at).await?;
    let event = crate::events::SchoolEvent::AssistantFlagged(crate::events::AssistantFlagged {
        conversation_id: conversation,
        reason: reason.into(),
    });
    crate::events::publish(&mut **tx, &event, by, at).await?;
    Ok(())
}

/// Waits for an answer being written elsewhere (the same page opened twice, a lost
/// connection opened again): its text once written, or `None` after `within` or once
/// `gone` says nobody waits any more.
pub async fn wait(
    app: &AppState,
    user: &CurrentUser,
    answer_id: i64,
    within: std::time::Duration,
    gone: &(dyn Fn() -> bool + Send + Sync),
) -> crate::error::AppResult<Option<repo::Message>> {
    let until = tokio::time::Instant::now() + within;
    loop {
        let m = repo::message_of(&app.db, answer_id, user.id)
            .await?
            .ok_or(AppError::NotFound)?;
        if !matches!(m.mode.as_str(), "pending" | "running") {
            return Ok(Some(m));
        }
        if tokio::time::Instant::now() >= until || gone() {
            return Ok(None);
        }
        tokio::time::sleep(std::time::Duration::from_millis(500)).await;
    }
}

/// How long an answer may take while the person waits for the whole of it.
pub fn whole_within() -> std::time::Duration {
    WHOLE_ANSWER
}

/// How long a streamed answer may take.
pub fn streamed_within() -> std::time::Duration {
    STREAMED_ANSWER
}
