//! The assistant: a chat panel on every page that answers from the asking person's own
//! school data. Without a language model (nothing configured, or the endpoint down) it
//! recognises the frequent questions and answers from the same tools and the school's FAQ
//! (see [`local`]). Each person keeps their conversations; a daily budget and a rate limit
//! bound the use; what the safety rules catch, or what a person reports, is flagged to the
//! administration.

pub mod intent;
pub mod local;
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
}

impl Default for AssistantSettings {
    fn default() -> Self {
        AssistantSettings {
            daily_messages: 60,
            per_minute: 8,
            blocked_topics: vec!["politique".into(), "religion".into()],
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
        e
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
#[derive(Clone, Copy, Default)]
pub struct Limits<'a> {
    pub token: Option<&'a crate::dashboard::tokens::TokenAuth>,
}

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

/// The same for a program, within its token's scopes.
pub async fn ask_with(
    app: &AppState,
    user: &CurrentUser,
    role: Role,
    t: &Tr,
    question: &str,
    limits: Limits<'_>,
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
    let (answer, mode) = if distress {
        (t.t("asst-distress"), "refused")
    } else if blocked {
        (t.t("asst-blocked"), "refused")
    } else {
        let asker = tools::Asker {
            app,
            user,
            role,
            t,
            scopes: limits.token.map(|a| a.scopes.as_slice()),
        };
        let faq = repo::faq(&app.db).await?;
        (local::answer(&asker, question, &faq).await?, "local")
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
    }
    let conversation = match repo::latest_conversation(&mut *tx, user.id, role.code()).await? {
        Some(c) => c,
        None => repo::start(&mut *tx, user.id, role.code(), now).await?,
    };
    let question_id = repo::add(&mut *tx, conversation, "user", question, mode, 0, now).await?;
    let answer_id = repo::add(&mut *tx, conversation, "assistant", &answer, mode, 0, now).await?;
    repo::count(&mut *tx, user.id, today, 0).await?;
    if distress {
        repo::flag(&mut *tx, conversation, "safety", question, None, now).await?;
    }
    tx.commit().await?;
    Ok(Reply {
        conversation,
        question_id,
        answer_id,
        answer,
    })
}
