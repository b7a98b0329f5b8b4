//! Ready-made workflows a school turns on with one click (and then adapts).

use chrono::{DateTime, Utc};

use super::repo::{self, NewWorkflow};
use super::{Audience, Step, Text, TriggerKind};
use crate::db::Tx;

/// The template that tells parents of an absence (on by default: it took over the
/// built-in absence notice to parents).
pub const ABSENCE_PARENTS: &str = "absence_parents";

/// A ready-made workflow.
pub struct Template {
    /// Made and turned on when the school starts (a built-in notice it replaces).
    pub default_on: bool,
    /// Its stable key (kept on the workflow made from it).
    pub key: &'static str,
    pub trigger: TriggerKind,
    pub condition: &'static str,
    pub steps: fn() -> Vec<Step>,
    /// The clock's pattern, for the clock's triggers ("" otherwise).
    pub schedule: &'static str,
    /// Days from a tranche's due date.
    pub days: i64,
}

impl Template {
    pub fn name_key(&self) -> String {
        format!("wf-template-{}", self.key)
    }

    pub fn help_key(&self) -> String {
        format!("wf-template-{}-help", self.key)
    }
}

fn text(fr: &str, en: &str) -> Text {
    Text {
        fr: fr.into(),
        en: en.into(),
    }
}

/// Every template, in the order the page offers them.
pub const ALL: [Template; 9] = [
    Template {
        default_on: true,
        key: ABSENCE_PARENTS,
        trigger: TriggerKind::Absence,
        condition: "kind == 'absence'",
        schedule: "",
        days: 0,
        steps: || {
            vec![Step::Notify {
                to: Audience::Parents,
                text: text(
                    "{eleve} ({classe}) est absent·e ce {date} ({minutes}). Merci de justifier l’absence depuis Suku ou auprès de l’établissement.",
                    "{eleve} ({classe}) is absent on {date} ({minutes}). Please explain the absence in Suku or to the school.",
                ),
            }]
        },
    },
    Template {
        default_on: false,
        key: "sanction_head_teacher",
        trigger: TriggerKind::Sanction,
        condition: "kind in ['blame', 'exclusion']",
        schedule: "",
        days: 0,
        steps: || {
            vec![
                Step::Task {
                    to: Audience::HeadTeacher,
                    text: text(
                        "Recevoir la famille de {eleve} ({classe}) après : {sanction}.",
                        "Meet the family of {eleve} ({classe}) after: {sanction}.",
                    ),
                },
                Step::Note {
                    text: text(
                        "Sanction : {sanction}, le {date} ; le professeur principal reçoit la famille.",
                        "Sanction: {sanction}, on {date}; the head teacher meets the family.",
                    ),
                },
            ]
        },
    },
    Template {
        default_on: false,
        key: "low_mark_head_teacher",
        trigger: TriggerKind::Mark,
        condition: "mark < 6",
        schedule: "",
        days: 0,
        steps: || {
            vec![Step::Notify {
                to: Audience::HeadTeacher,
                text: text(
                    "{eleve} ({classe}) vient d’avoir {note}.",
                    "{eleve} ({classe}) has just got {note}.",
                ),
            }]
        },
    },
    Template {
        default_on: false,
        key: "fee_reminder_before",
        trigger: TriggerKind::TrancheDue,
        condition: "",
        schedule: "0 7 * * *",
        days: 3,
        steps: || {
            vec![Step::Notify {
                to: Audience::Parents,
                text: text(
                    "Rappel : {tranche} de {eleve} ({montant} restant) arrive à échéance le {echeance}. Vous pouvez payer par Flooz ou T-Money depuis Suku.",
                    "Reminder: {tranche} for {eleve} ({montant} left) is due on {echeance}. You can pay by Flooz or T-Money in Suku.",
                ),
            }]
        },
    },
    Template {
        default_on: false,
        key: "fee_reminder_after",
        trigger: TriggerKind::TrancheOverdue,
        condition: "",
        schedule: "0 7 * * *",
        days: 1,
        steps: || {
            vec![Step::Notify {
                to: Audience::Parents,
                text: text(
                    "{tranche} de {eleve} était due le {echeance} : il reste {montant} à payer. Merci de régulariser, ou de passer voir l’économe.",
                    "{tranche} for {eleve} was due on {echeance}: {montant} is still to pay. Please settle it, or see the bursar.",
                ),
            }]
        },
    },
    Template {
        default_on: false,
        key: "risk_head_teacher",
        trigger: TriggerKind::RiskAlert,
        condition: "risk == 'high'",
        schedule: "",
        days: 0,
        steps: || {
            vec![
                Step::Task {
                    to: Audience::HeadTeacher,
                    text: text(
                        "{eleve} ({classe}) est passé·e en risque {risque} (score {score}) : faire le point avec l’élève et sa famille.",
                        "{eleve} ({classe}) is now at {risque} risk (score {score}): talk it over with the student and the family.",
                    ),
                },
                Step::Note {
                    text: text(
                        "Alerte de risque {risque} (score {score}) le {date} ; le professeur principal est chargé du suivi.",
                        "Risk alert {risque} (score {score}) on {date}; the head teacher follows it up.",
                    ),
                },
            ]
        },
    },
    Template {
        default_on: false,
        key: "honour_roll_congrats",
        trigger: TriggerKind::HonourRoll,
        condition: "",
        schedule: "",
        days: 0,
        steps: || {
            vec![
                Step::Notify {
                    to: Audience::Parents,
                    text: text(
                        "Félicitations : {eleve} ({classe}) est inscrit·e au tableau d’honneur avec {moyenne} de moyenne générale.",
                        "Congratulations: {eleve} ({classe}) is on the honour roll with a general average of {moyenne}.",
                    ),
                },
                Step::Notify {
                    to: Audience::Student,
                    text: text(
                        "Bravo {prenom} ! Tu es au tableau d’honneur ({moyenne}).",
                        "Well done {prenom}! You are on the honour roll ({moyenne}).",
                    ),
                },
                Step::Points {
                    points: 20,
                    text: text("Tableau d’honneur", "Honour roll"),
                },
            ]
        },
    },
    Template {
        default_on: false,
        key: "enrolled_attestation",
        trigger: TriggerKind::Enrolled,
        condition: "",
        schedule: "",
        days: 0,
        steps: || {
            vec![Step::Document {
                document: crate::certificates::Kind::Inscription,
                to: Audience::Parents,
                text: text(
                    "Bienvenue à {eleve} en {classe} ! Son attestation d’inscription est prête : touchez ce message pour l’ouvrir.",
                    "Welcome to {eleve} in {classe}! The enrollment certificate is ready: tap this message to open it.",
                ),
            }]
        },
    },
    Template {
        default_on: false,
        key: "reported_message_directors",
        trigger: TriggerKind::MessageReported,
        condition: "",
        schedule: "",
        days: 0,
        steps: || {
            vec![Step::Notify {
                to: Audience::Directors,
                text: text(
                    "Un message a été signalé dans une discussion : à examiner dans les signalements.",
                    "A message was reported in a chat: see the reports.",
                ),
            }]
        },
    },
];

/// The template of a key.
pub fn get(key: &str) -> Option<&'static Template> {
    ALL.iter().find(|t| t.key == key)
}

/// Makes a school's workflow of a template (or finds the one made before); returns its id.
pub async fn install(
    tx: &mut Tx<'_>,
    t: &Template,
    name: &str,
    enabled: bool,
    by: Option<i64>,
    now: DateTime<Utc>,
) -> anyhow::Result<i64> {
    if let Some(id) = repo::of_template(&mut **tx, t.key).await? {
        return Ok(id);
    }
    let steps = serde_json::to_string(&(t.steps)())?;
    Ok(repo::insert(
        &mut **tx,
        &NewWorkflow {
            name,
            template: Some(t.key),
            trigger_kind: t.trigger,
            condition: t.condition,
            steps: &steps,
            enabled,
            schedule: t.schedule,
            days: t.days,
        },
        by,
        now,
    )
    .await?)
}

/// Makes the templates that are on by default, once: a school that turned one off keeps it
/// off. Returns how many were made.
pub async fn ensure_defaults(
    db: &crate::db::Pool,
    i18n: &crate::i18n::I18n,
    now: DateTime<Utc>,
) -> anyhow::Result<usize> {
    let mut made = 0;
    for t in ALL.iter().filter(|t| t.default_on) {
        let mut tx = crate::db::begin_write(db).await?;
        if repo::of_template(&mut *tx, t.key).await?.is_none() {
            let name = i18n.tr(crate::i18n::Locale::Fr, &t.name_key(), &[]);
            install(&mut tx, t, &name, true, None, now).await?;
            made += 1;
        }
        tx.commit().await?;
    }
    Ok(made)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_template_is_valid() {
        for t in &ALL {
            if let Some(e) = crate::workflows::expr::parse(t.condition).unwrap() {
                crate::workflows::expr::check(&e, &t.trigger.fields()).unwrap();
            }
            assert_eq!(t.trigger.timed(), !t.schedule.is_empty(), "{}", t.key);
            if t.trigger.timed() {
                crate::workflows::schedule::parse(t.schedule).unwrap();
            }
            for s in (t.steps)() {
                s.check().unwrap();
            }
        }
    }
}
