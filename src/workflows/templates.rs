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
pub const ALL: [Template; 3] = [
    Template {
        default_on: true,
        key: ABSENCE_PARENTS,
        trigger: TriggerKind::Absence,
        condition: "kind == 'absence'",
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
        steps: || {
            vec![Step::Task {
                to: Audience::HeadTeacher,
                text: text(
                    "Recevoir la famille de {eleve} ({classe}) après : {sanction}.",
                    "Meet the family of {eleve} ({classe}) after: {sanction}.",
                ),
            }]
        },
    },
    Template {
        default_on: false,
        key: "low_mark_head_teacher",
        trigger: TriggerKind::Mark,
        condition: "mark < 6",
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
            let e = crate::workflows::expr::parse(t.condition).unwrap().unwrap();
            crate::workflows::expr::check(&e, &t.trigger.fields()).unwrap();
            for s in (t.steps)() {
                s.check().unwrap();
            }
        }
    }
}
