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
        /// A subject's average (from a mark), first below the condition's line in a period.
        AverageLow = "average_low",
        /// The hours of unjustified absence in the period (from an absence).
        UnjustifiedHours = "unjustified_hours",
        /// The student's risk level (from a mark or an absence), once per level and period.
        RiskAlert = "risk",
        /// On the tableau d'honneur when a period's bulletins are published: a run per student.
        HonourRoll = "honour_roll",
        /// A student enrolled.
        Enrolled = "enrolled",
        /// A chat message reported to the administration.
        MessageReported = "message_reported",
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
            TriggerKind::Bulletin | TriggerKind::HonourRoll => stored::BULLETIN_PUBLISHED,
            TriggerKind::AverageLow => stored::MARK_RECORDED,
            TriggerKind::UnjustifiedHours => stored::ABSENCE_RECORDED,
            // The dry run tries it on an absence (a mark would do as well).
            TriggerKind::RiskAlert => stored::ABSENCE_RECORDED,
            TriggerKind::Enrolled => stored::STUDENT_ENROLLED,
            TriggerKind::MessageReported => stored::MESSAGE_REPORTED,
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

    /// Its runs are its event's (one per workflow and event); the honour roll's are each
    /// student's, known by their keys.
    pub fn one_run_per_event(self) -> bool {
        self != TriggerKind::HonourRoll
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
            TriggerKind::AverageLow => {
                f.extend(student.clone());
                f.extend([
                    ("average", Value::Number(800)),
                    ("subject", text("Mathématiques")),
                ]);
            }
            TriggerKind::UnjustifiedHours => {
                f.extend(student.clone());
                f.push(("hours", Value::int(10)));
            }
            TriggerKind::RiskAlert => {
                f.extend(student.clone());
                f.extend([("risk", text("high")), ("score", Value::int(60))]);
            }
            TriggerKind::HonourRoll => {
                f.extend(student.clone());
                f.extend([("average", Value::Number(1400)), ("period", Value::int(1))]);
            }
            TriggerKind::Enrolled => f.extend(student.clone()),
            TriggerKind::MessageReported => f.push(("channel", text("class"))),
            TriggerKind::TrancheDue | TriggerKind::TrancheOverdue => {
                f.extend(student.clone());
                f.push(("amount", Value::int(25_000)));
            }
            TriggerKind::Schedule | TriggerKind::Manual => f.push(("day", Value::int(1))),
        }
        f.into_iter().map(|(k, v)| (k.to_string(), v)).collect()
    }

    /// The `{places}` its texts may use.
    pub fn places(self) -> &'static [&'static str] {
        use TriggerKind as K;
        match self {
            K::Absence => &["eleve", "prenom", "classe", "date", "minutes", "nature"],
            K::Mark => &["eleve", "prenom", "classe", "date", "note", "matiere"],
            K::Sanction => &["eleve", "prenom", "classe", "date", "sanction"],
            K::Invoice | K::MomoFailed => &["eleve", "prenom", "classe", "date", "montant"],
            K::Payment => &["eleve", "prenom", "classe", "date", "montant", "recu"],
            K::AverageLow => &["eleve", "prenom", "classe", "date", "moyenne", "matiere"],
            K::UnjustifiedHours => &["eleve", "prenom", "classe", "date", "heures"],
            K::RiskAlert => &["eleve", "prenom", "classe", "date", "risque", "score"],
            K::HonourRoll => &["eleve", "prenom", "classe", "date", "moyenne"],
            K::Enrolled => &["eleve", "prenom", "classe", "date"],
            K::TrancheDue | K::TrancheOverdue => &[
                "eleve", "prenom", "classe", "date", "montant", "tranche", "echeance",
            ],
            K::Bulletin | K::MessageReported | K::Schedule | K::Manual => &["date"],
        }
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
            TriggerKind::Bulletin | TriggerKind::HonourRoll => "bulletin",
            TriggerKind::AverageLow | TriggerKind::RiskAlert => "mark",
            TriggerKind::UnjustifiedHours => "absence",
            TriggerKind::MessageReported => "message",
            TriggerKind::Enrolled | TriggerKind::Schedule | TriggerKind::Manual => "announcement",
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
    /// Posts a message in a chat channel of the student's class (or the whole school's),
    /// in the name of the workflow's author.
    Chat { channel: Channel, text: Text },
    /// Awards points to the student, with the text as the reason.
    Points { points: i64, text: Text },
    /// Adds a note to the student's file (their vie scolaire page).
    Note { text: Text },
    /// Goes on only if a condition holds; otherwise skips the next `skip` steps.
    Branch { condition: String, skip: i64 },
    /// Issues a school document for the student (numbered, in the register) and sends it
    /// to people: their message opens its PDF, printed by the export engine.
    Document {
        document: crate::certificates::Kind,
        to: Audience,
        text: Text,
    },
}

crate::text_enum! {
    /// Where a chat step posts.
    pub enum Channel {
        /// The class's channel (its students and teachers).
        Class = "class",
        /// The class's parents' channel.
        ClassParents = "class_parents",
        /// The school's announcements channel.
        Broadcast = "broadcast",
    }
}

impl Channel {
    pub fn label_key(self) -> String {
        format!("wf-channel-{}", self.as_str())
    }
}

impl Step {
    pub fn kind(&self) -> &'static str {
        match self {
            Step::Notify { .. } => "notify",
            Step::Task { .. } => "task",
            Step::Webhook { .. } => "webhook",
            Step::Wait { .. } => "wait",
            Step::Chat { .. } => "chat",
            Step::Points { .. } => "points",
            Step::Note { .. } => "note",
            Step::Branch { .. } => "branch",
            Step::Document { .. } => "document",
        }
    }

    /// Every kind, in the order the editor offers them.
    pub const KINDS: [&'static str; 9] = [
        "notify", "task", "chat", "points", "note", "document", "branch", "webhook", "wait",
    ];

    /// Its text, if it has one.
    pub fn text(&self) -> Option<&Text> {
        match self {
            Step::Notify { text, .. }
            | Step::Task { text, .. }
            | Step::Chat { text, .. }
            | Step::Points { text, .. }
            | Step::Document { text, .. }
            | Step::Note { text } => Some(text),
            _ => None,
        }
    }

    pub fn label_key(&self) -> String {
        format!("wf-step-{}", self.kind())
    }

    /// Only writes to the database (done in one transaction with its record).
    pub fn is_local(&self) -> bool {
        matches!(
            self,
            Step::Notify { .. }
                | Step::Task { .. }
                | Step::Points { .. }
                | Step::Note { .. }
                | Step::Document { .. }
        )
    }

    /// Checks a step as typed; returns the catalog key of its first problem.
    pub fn check(&self) -> Result<(), &'static str> {
        if let Some(text) = self.text() {
            if text.fr.trim().is_empty() {
                return Err("error-required");
            }
            if text.fr.chars().count() > 500 || text.en.chars().count() > 500 {
                return Err("error-too-long");
            }
        }
        match self {
            Step::Webhook { url, secret } => {
                if !(url.starts_with("https://") || url.starts_with("http://")) || url.len() > 300 {
                    return Err("wf-error-url");
                }
                if secret.len() < 16 {
                    return Err("wf-error-secret");
                }
            }
            Step::Wait { minutes } if !(1..=60 * 24 * 14).contains(minutes) => {
                return Err("wf-error-wait");
            }
            Step::Points { points, .. } if !(1..=100).contains(points) => {
                return Err("wf-error-points");
            }
            // The exeat needs a date and a reason, and a card is printed at the desk.
            Step::Document { document, .. }
                if !matches!(
                    document,
                    crate::certificates::Kind::Scolarite | crate::certificates::Kind::Inscription
                ) =>
            {
                return Err("wf-error-document");
            }
            Step::Branch { condition, skip } => {
                if condition.trim().is_empty() {
                    return Err("error-required");
                }
                if !(1..MAX_STEPS as i64).contains(skip) {
                    return Err("wf-error-skip");
                }
            }
            _ => {}
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
    fn the_templates_use_only_their_triggers_places() {
        for t in templates::ALL.iter() {
            for step in (t.steps)() {
                let Some(text) = step.text() else { continue };
                for src in [&text.fr, &text.en] {
                    let mut rest = src.as_str();
                    while let Some(i) = rest.find('{') {
                        let after = &rest[i + 1..];
                        let j = after.find('}').expect("a closed place");
                        let name = &after[..j];
                        assert!(
                            t.trigger.places().contains(&name),
                            "{} uses {{{name}}}",
                            t.key
                        );
                        rest = &after[j + 1..];
                    }
                }
            }
        }
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
