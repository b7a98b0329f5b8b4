//! Workflows: things the school wants to happen by themselves. A workflow has a trigger (a
//! school event, or a person's click), a condition over the event's fields (`expr`), and
//! steps: tell people (in the app, and by e-mail, push or SMS as each person chose), give a
//! member of staff a follow-up task, call an outside address, wait.
//!
//! The engine is a subscriber of the school events: for each event, each enabled workflow
//! of its kind whose condition holds gets a run, written with the job that carries it out
//! in the same transaction (so a trigger fires exactly once). The job runs the steps in
//! order on the shared job runner; each step done is written with its effect, and its row
//! is its idempotency key: a run taken up again after a crash skips what it finds done.

pub mod expr;
pub mod repo;
pub mod routes;
pub mod run;
pub mod schedule;
pub mod templates;

pub use routes::router;
pub use run::{Engine, RunJob};

use serde::{Deserialize, Serialize};

use expr::{Facts, Value};

crate::text_enum! {
    /// What starts a workflow.
    pub enum TriggerKind {
        Absence = "absence",
        Mark = "mark",
        Sanction = "sanction",
        Invoice = "invoice",
        Payment = "payment",
        MomoFailed = "momo_failed",
        Bulletin = "bulletin",
        /// At the hours of a schedule.
        Schedule = "schedule",
        /// A tranche due in N days (checked at the schedule's hours).
        TrancheDue = "tranche_due",
        /// A tranche overdue by N days.
        TrancheOverdue = "tranche_overdue",
        Manual = "manual",
    }
}

impl TriggerKind {
    pub fn label_key(self) -> String {
        format!("wf-trigger-{}", self.as_str())
    }

    /// The stored kind of the school events it starts on (none for a manual run).
    pub fn event_kind(self) -> Option<&'static str> {
        use crate::events::stored;
        Some(match self {
            TriggerKind::Absence => stored::ABSENCE_RECORDED,
            TriggerKind::Mark => stored::MARK_RECORDED,
            TriggerKind::Sanction => stored::SANCTION_GIVEN,
            TriggerKind::Invoice => stored::INVOICE_CREATED,
            TriggerKind::Payment => stored::PAYMENT_RECORDED,
            TriggerKind::MomoFailed => stored::MOMO_FAILED,
            TriggerKind::Bulletin => stored::BULLETIN_PUBLISHED,
            TriggerKind::Schedule
            | TriggerKind::TrancheDue
            | TriggerKind::TrancheOverdue
            | TriggerKind::Manual => return None,
        })
    }

    /// Started by the clock (a schedule, the fees' calendar).
    pub fn timed(self) -> bool {
        matches!(
            self,
            TriggerKind::Schedule | TriggerKind::TrancheDue | TriggerKind::TrancheOverdue
        )
    }

    /// Counts days from a tranche's due date.
    pub fn counts_days(self) -> bool {
        matches!(self, TriggerKind::TrancheDue | TriggerKind::TrancheOverdue)
    }

    /// The fields its events give a condition, each with a sample value (its type), in the
    /// order the editor offers them.
    pub fn fields(self) -> Facts {
        let text = |s: &str| Value::Text(s.into());
        let mut f: Vec<(&str, Value)> = vec![("hour", Value::int(7)), ("weekday", Value::int(1))];
        let student = [
            ("class", text("6e A")),
            ("level", text("6e")),
            ("serie", text("")),
        ];
        match self {
            TriggerKind::Absence => {
                f.extend(student.clone());
                f.extend([("kind", text("absence")), ("minutes", Value::int(60))]);
            }
            TriggerKind::Mark => {
                f.extend(student.clone());
                f.extend([
                    ("mark", Value::Number(1000)),
                    ("subject", text("Mathématiques")),
                ]);
            }
            TriggerKind::Sanction => {
                f.extend(student.clone());
                f.push(("kind", text("blame")));
            }
            TriggerKind::Invoice | TriggerKind::Payment | TriggerKind::MomoFailed => {
                f.extend(student.clone());
                f.push(("amount", Value::int(25_000)));
            }
            TriggerKind::Bulletin => f.push(("period", Value::int(1))),
            TriggerKind::TrancheDue | TriggerKind::TrancheOverdue => {
                f.extend(student.clone());
                f.push(("amount", Value::int(25_000)));
            }
            TriggerKind::Schedule | TriggerKind::Manual => f.push(("day", Value::int(1))),
        }
        f.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// The kind of news its notifications are (what people choose to hear about).
    pub fn news_kind(self) -> &'static str {
        match self {
            TriggerKind::Absence => "absence",
            TriggerKind::Mark => "mark",
            TriggerKind::Sanction => "conduct",
            TriggerKind::Invoice
            | TriggerKind::Payment
            | TriggerKind::MomoFailed
            | TriggerKind::TrancheDue
            | TriggerKind::TrancheOverdue => "payment",
            TriggerKind::Bulletin => "bulletin",
            TriggerKind::Schedule | TriggerKind::Manual => "announcement",
        }
    }
}

crate::text_enum! {
    /// Who a step is for, from the people the event concerns.
    pub enum Audience {
        Parents = "parents",
        Student = "student",
        HeadTeacher = "head_teacher",
        Directors = "directors",
    }
}

impl Audience {
    pub fn label_key(self) -> String {
        format!("wf-to-{}", self.as_str())
    }
}

/// A text in each language of the school; `{name}` places take the event's values.
#[derive(Clone, Debug, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Text {
    pub fr: String,
    pub en: String,
}

impl Text {
    /// The text in a language, its places filled.
    pub fn render(&self, locale: crate::i18n::Locale, places: &[(String, String)]) -> String {
        let src = match locale {
            crate::i18n::Locale::En if !self.en.trim().is_empty() => &self.en,
            _ => &self.fr,
        };
        fill(src, places)
    }
}

/// Replaces each `{name}` of `src` by its value; an unknown place stays as it is. The text
/// is only text: nothing in it is run.
pub fn fill(src: &str, places: &[(String, String)]) -> String {
    let mut out = String::with_capacity(src.len());
    let mut rest = src;
    while let Some(open) = rest.find('{') {
        out.push_str(&rest[..open]);
        let after = &rest[open + 1..];
        match after.find('}') {
            Some(close) if close <= 20 => {
                let name = &after[..close];
                match places.iter().find(|(k, _)| k == name) {
                    Some((_, v)) => out.push_str(v),
                    None => {
                        out.push('{');
                        out.push_str(name);
                        out.push('}');
                    }
                }
                rest = &after[close + 1..];
            }
            _ => {
                out.push('{');
                rest = after;
            }
        }
    }
    out.push_str(rest);
    out
}

/// One step of a workflow.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Step {
    /// Tells people, through the channels each chose for this kind of news.
    Notify { to: Audience, text: Text },
    /// Gives each person a follow-up task to tick.
    Task { to: Audience, text: Text },
    /// Posts the run's facts to an outside address, signed with HMAC-SHA256.
    Webhook { url: String, secret: String },
    /// Waits before the next step.
    Wait { minutes: i64 },
}

impl Step {
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Notify { .. } => "notify",
            Step::Task { .. } => "task",
            Step::Webhook { .. } => "webhook",
            Step::Wait { .. } => "wait",
        }
    }

    pub fn label_key(&self) -> String {
        format!("wf-step-{}", self.kind())
    }

    /// Checks a step as typed; returns the catalog key of its first problem.
    pub fn check(&self) -> Result<(), &'static str> {
        match self {
            Step::Notify { text, .. } | Step::Task { text, .. } => {
                if text.fr.trim().is_empty() {
                    return Err("error-required");
                }
                if text.fr.chars().count() > 500 || text.en.chars().count() > 500 {
                    return Err("error-too-long");
                }
            }
            Step::Webhook { url, secret } => {
                if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 300 {
                    return Err("wf-error-url");
                }
                if secret.len() < 16 {
                    return Err("wf-error-secret");
                }
            }
            Step::Wait { minutes } => {
                if !(1..=60 * 24 * 14).contains(minutes) {
                    return Err("wf-error-wait");
                }
            }
        }
        Ok(())
    }
}

/// Whether an enabled workflow made from a template does the work a built-in notice did
/// (the notice then stays silent, so that nobody is told twice).
pub async fn replaces(tx: &mut crate::db::Tx<'_>, template: &str) -> Result<bool, sqlx::Error> {
    repo::template_enabled(&mut **tx, template).await
}

/// The most steps a workflow holds.
pub const MAX_STEPS: usize = 12;

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn places_are_filled_and_nothing_else() {
        let places = vec![
            ("eleve".to_string(), "Kofi".to_string()),
            ("minutes".to_string(), "2 h".to_string()),
        ];
        assert_eq!(
            fill("{eleve} absent ({minutes}) {inconnu} {", &places),
            "Kofi absent (2 h) {inconnu} {"
        );
        let t = Text {
            fr: "Bonjour {eleve}".into(),
            en: String::new(),
        };
        assert_eq!(t.render(crate::i18n::Locale::En, &places), "Bonjour Kofi");
    }

    #[test]
    fn the_kinds_are_what_the_database_allows() {
        use crate::db::text_enum::{checked_words, migrations_text};
        let words: Vec<String> = checked_words(&migrations_text(), "workflow_runs", "state");
        assert_eq!(
            words,
            ["queued", "running", "waiting", "done", "failed", "skipped"]
        );
    }

    #[test]
    fn steps_are_checked() {
        assert!(Step::Wait { minutes: 0 }.check().is_err());
        assert!(
            Step::Webhook {
                url: "ftp://x".into(),
                secret: "0123456789abcdef".into()
            }
            .check()
            .is_err()
        );
        let json = serde_json::to_string(&Step::Wait { minutes: 5 }).unwrap();
        assert_eq!(json, r#"{"type":"wait","minutes":5}"#);
    }
}
