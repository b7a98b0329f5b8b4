//! The editor's steps as the form sends them, new steps to adapt, and the values the
//! condition builder writes.

use super::super::expr;
use super::super::{Audience, MAX_STEPS, Step, Text};
use crate::web::field;

/// The steps as the form sends them (`step_{i}_{part}`).
pub(super) fn read_steps(f: &[(String, String)]) -> Vec<Step> {
    let mut out = Vec::new();
    for i in 0..MAX_STEPS {
        let get = |part: &str| field(f, &format!("step_{i}_{part}")).to_string();
        let to = get("to").parse::<Audience>().unwrap_or(Audience::Parents);
        let text = Text {
            fr: get("fr").trim().to_string(),
            en: get("en").trim().to_string(),
        };
        let step = match get("type").as_str() {
            "notify" => Step::Notify { to, text },
            "task" => Step::Task { to, text },
            "webhook" => Step::Webhook {
                url: get("url").trim().to_string(),
                secret: get("secret").trim().to_string(),
            },
            "wait" => Step::Wait {
                minutes: get("minutes").trim().parse().unwrap_or(0),
            },
            "chat" => Step::Chat {
                channel: get("channel")
                    .parse()
                    .unwrap_or(super::super::Channel::Class),
                text,
            },
            "points" => Step::Points {
                points: get("points").trim().parse().unwrap_or(0),
                text,
            },
            "note" => Step::Note { text },
            "document" => Step::Document {
                document: get("document")
                    .parse()
                    .unwrap_or(crate::certificates::Kind::Scolarite),
                to,
                text,
            },
            "branch" => Step::Branch {
                condition: get("condition").trim().to_string(),
                skip: get("skip").trim().parse().unwrap_or(0),
            },
            _ => continue,
        };
        out.push(step);
    }
    out
}

/// A new step of a type, with texts to adapt.
pub(super) fn blank(kind: &str, t: &crate::i18n::Tr) -> Option<Step> {
    let text = || Text {
        fr: t.t("wf-blank-text"),
        en: String::new(),
    };
    Some(match kind {
        "notify" => Step::Notify {
            to: Audience::Parents,
            text: text(),
        },
        "task" => Step::Task {
            to: Audience::HeadTeacher,
            text: text(),
        },
        "webhook" => Step::Webhook {
            url: "https://".into(),
            secret: String::new(),
        },
        "wait" => Step::Wait { minutes: 60 },
        "chat" => Step::Chat {
            channel: super::super::Channel::ClassParents,
            text: text(),
        },
        "points" => Step::Points {
            points: 5,
            text: text(),
        },
        "note" => Step::Note { text: text() },
        "document" => Step::Document {
            document: crate::certificates::Kind::Inscription,
            to: Audience::Parents,
            text: text(),
        },
        "branch" => Step::Branch {
            condition: "hour < 12".into(),
            skip: 1,
        },
        _ => return None,
    })
}

/// Writes a value for a condition: a number as typed, or a text in quotes.
pub(super) fn literal(sample: &expr::Value, typed: &str) -> Option<String> {
    let typed = typed.trim();
    match sample {
        expr::Value::Number(_) => {
            let ok = !typed.is_empty()
                && typed
                    .chars()
                    .all(|c| c.is_ascii_digit() || c == ',' || c == '.');
            ok.then(|| typed.to_string())
        }
        expr::Value::Bool(_) => matches!(typed, "true" | "false").then(|| typed.to_string()),
        expr::Value::Text(_) => {
            (!typed.contains('\'') && typed.chars().count() <= 100).then(|| format!("'{typed}'"))
        }
    }
}
