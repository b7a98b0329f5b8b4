//! The log as a director reads it: each line a sentence with names, not ids ("Fati Atcha a
//! saisi 16/20 à KPODAR Samuel, Dissertation n° 1, Français, 1ère D 1"). The stored line
//! keeps ids and raw values (so that it never lies after a rename); the names are looked
//! up when the page is read, once per thing named on the page.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::Entry;
use crate::db::Pool;
use crate::i18n::Tr;

/// One line of the log, written for people.
#[derive(Clone, Debug)]
pub struct Line {
    pub at: chrono::DateTime<chrono::Utc>,
    pub sentence: String,
    /// What kind of record, in words (for the eye scanning the list).
    pub kind: String,
}

/// Writes each entry as a sentence.
pub async fn describe(db: &Pool, t: &Tr, entries: &[Entry]) -> Result<Vec<Line>, sqlx::Error> {
    let mut names = Names::default();
    let mut out = Vec::with_capacity(entries.len());
    for e in entries {
        let mut args = Map::new();
        let actor = e.actor.clone().unwrap_or_else(|| t.t("audit-system"));
        args.insert("actor".into(), json!(actor));
        let known = fill(db, t, &mut names, e, &mut args).await?;
        let key = format!("audit-{}-{}", e.entity, e.action);
        let sentence = if known && t.has(&key) {
            t.tj(&key, Value::Object(args))
        } else {
            // A kind this version has no words for (a newer node wrote it): still readable.
            t.tj(
                "audit-other",
                json!({
                    "actor": actor,
                    "kind": t.t(format!("entity-{}", e.entity)),
                    "action": t.t(format!("action-{}", e.action)),
                }),
            )
        };
        out.push(Line {
            at: e.at,
            sentence,
            kind: t.t(format!("entity-{}", e.entity)),
        });
    }
    Ok(out)
}

/// Names already looked up for this page.
#[derive(Default)]
struct Names {
    students: HashMap<i64, String>,
    users: HashMap<i64, String>,
    evaluations: HashMap<i64, Option<(String, String, String)>>,
    classes: HashMap<i64, String>,
    subjects: HashMap<i64, String>,
    periods: HashMap<i64, String>,
}

impl Names {
    async fn student(&mut self, db: &Pool, id: i64) -> Result<String, sqlx::Error> {
        if let Some(n) = self.students.get(&id) {
            return Ok(n.clone());
        }
        let n = crate::school::student(db, id)
            .await?
            .map(|s| format!("{} {}", s.last_name.to_uppercase(), s.first_name))
            .unwrap_or_else(|| format!("#{id}"));
        self.students.insert(id, n.clone());
        Ok(n)
    }

    async fn user(&mut self, db: &Pool, id: i64) -> Result<String, sqlx::Error> {
        if let Some(n) = self.users.get(&id) {
            return Ok(n.clone());
        }
        let n = crate::school::user_name(db, id)
            .await?
            .unwrap_or_else(|| format!("#{id}"));
        self.users.insert(id, n.clone());
        Ok(n)
    }

    /// (title, subject, class) of an evaluation.
    async fn evaluation(
        &mut self,
        db: &Pool,
        id: i64,
    ) -> Result<Option<(String, String, String)>, sqlx::Error> {
        if let Some(n) = self.evaluations.get(&id) {
            return Ok(n.clone());
        }
        let row = match crate::grades::repo::evaluation(db, id).await? {
            Some(e) => Some((
                e.title,
                self.subject(db, e.subject_id).await?,
                self.class(db, e.class_id).await?,
            )),
            None => None,
        };
        self.evaluations.insert(id, row.clone());
        Ok(row)
    }

    async fn class(&mut self, db: &Pool, id: i64) -> Result<String, sqlx::Error> {
        if let Some(n) = self.classes.get(&id) {
            return Ok(n.clone());
        }
        let n = crate::school::class(db, id)
            .await?
            .map(|c| c.name)
            .unwrap_or_else(|| format!("#{id}"));
        self.classes.insert(id, n.clone());
        Ok(n)
    }

    async fn subject(&mut self, db: &Pool, id: i64) -> Result<String, sqlx::Error> {
        if let Some(n) = self.subjects.get(&id) {
            return Ok(n.clone());
        }
        let n = crate::school::subject_name(db, id)
            .await?
            .unwrap_or_else(|| format!("#{id}"));
        self.subjects.insert(id, n.clone());
        Ok(n)
    }

    async fn period(&mut self, db: &Pool, t: &Tr, id: i64) -> Result<String, sqlx::Error> {
        if let Some(n) = self.periods.get(&id) {
            return Ok(n.clone());
        }
        let n = crate::school::period_label(db, id)
            .await?
            .map(|(kind, n, year)| format!("{} {year}", t.tn(format!("period-{kind}"), "n", n)))
            .unwrap_or_else(|| format!("#{id}"));
        self.periods.insert(id, n.clone());
        Ok(n)
    }
}

/// A mark as stored in the log ("13,5/20", "abs/20", "disp/20"), as the reader writes it.
fn mark(t: &Tr, stored: &str) -> String {
    let (value, scale) = stored.split_once('/').unwrap_or((stored, ""));
    let value = match value {
        "abs" => return t.t("audit-mark-absent"),
        "disp" => return t.t("audit-mark-excused"),
        v => match t.locale {
            crate::i18n::Locale::En => v.replace(',', "."),
            crate::i18n::Locale::Fr => v.replace('.', ","),
        },
    };
    if scale.is_empty() {
        value
    } else {
        format!("{value}/{scale}")
    }
}

/// The leading whole number of a stored value ("50000 especes" → 50000).
fn leading_int(s: &str) -> Option<i64> {
    s.split_whitespace().next()?.parse().ok()
}

/// The whole numbers of a stored value, in order ("12 up, 3 repeating" → [12, 3]).
fn ints(s: &str) -> Vec<i64> {
    s.split(|c: char| !c.is_ascii_digit())
        .filter(|p| !p.is_empty())
        .filter_map(|p| p.parse().ok())
        .collect()
}

/// Adds the names and values of one entry's sentence; false when the entry cannot be
/// read (an id that is not a number, a kind this version does not know).
async fn fill(
    db: &Pool,
    t: &Tr,
    names: &mut Names,
    e: &Entry,
    args: &mut Map<String, Value>,
) -> Result<bool, sqlx::Error> {
    let id = e.entity_id.as_str();
    let old = e.old_value.as_deref().unwrap_or("");
    let new = e.new_value.as_deref().unwrap_or("");
    let mut put = |k: &str, v: String| {
        args.insert(k.into(), Value::String(v));
    };
    match e.entity.as_str() {
        "mark" => {
            let Some((eval, student)) = id.split_once(':') else {
                return Ok(false);
            };
            let (Ok(eval), Ok(student)) = (eval.parse(), student.parse()) else {
                return Ok(false);
            };
            put("student", names.student(db, student).await?);
            let (title, subject, class) = names
                .evaluation(db, eval)
                .await?
                .unwrap_or_else(|| (format!("#{eval}"), "—".into(), "—".into()));
            put("evaluation", title);
            put("subject", subject);
            put("class", class);
            put("before", mark(t, old));
            put("after", mark(t, new));
        }
        "absence" => {
            let Ok(id) = id.parse::<i64>() else {
                return Ok(false);
            };
            let row = crate::attendance::repo::absence(db, id)
                .await?
                .map(|a| (a.student_id, a.held_on, a.starts_at, a.kind, a.minutes));
            let Some((student, day, starts, kind, minutes)) = row else {
                return Ok(false);
            };
            put("student", names.student(db, student).await?);
            put("date", t.date(&day));
            put("time", t.clock(&starts));
            put(
                "what",
                t.tj(
                    format!("audit-absence-{kind}"),
                    json!({ "minutes": minutes }),
                ),
            );
            put(
                "where",
                if new.contains("surveillance") {
                    format!(" {}", t.t("audit-absence-desk"))
                } else {
                    String::new()
                },
            );
        }
        "payment" => {
            let row = crate::fees::repo::payment_by_receipt_no(db, id).await?;
            let Some((student, amount, method)) = row else {
                return Ok(false);
            };
            put("student", names.student(db, student).await?);
            put("receipt", id.to_string());
            put("amount", t.xof(amount.abs()));
            put("method", t.t(format!("payment-method-{method}")));
            // A reversal's stored value is "R…: why".
            put(
                "reason",
                new.split_once(": ").map(|x| x.1).unwrap_or("").to_string(),
            );
        }
        "fee" => {
            let Ok(student) = id.parse::<i64>() else {
                return Ok(false);
            };
            put("student", names.student(db, student).await?);
            let (kind, total) = new.split_once(' ').unwrap_or(("", new));
            put("discount", kind.to_string());
            put("amount", t.xof(leading_int(total).unwrap_or(0)));
        }
        "period" => {
            let Ok(id) = id.parse::<i64>() else {
                return Ok(false);
            };
            put("period", names.period(db, t, id).await?);
        }
        "coefficient" => {
            let parts: Vec<i64> = id.split(':').filter_map(|p| p.parse().ok()).collect();
            let [level, series, subject] = parts[..] else {
                return Ok(false);
            };
            let level = crate::school::level_name(db, level).await?;
            let series = crate::school::series_name(db, series).await?;
            let level = level.unwrap_or_default();
            put(
                "level",
                match series {
                    Some(s) => format!("{level} {s}"),
                    None => level,
                },
            );
            put("subject", names.subject(db, subject).await?);
            put("before", old.to_string());
            put("after", new.to_string());
        }
        "appreciation" => {
            let parts: Vec<i64> = id.split('/').filter_map(|p| p.parse().ok()).collect();
            let [class, subject, period] = parts[..] else {
                return Ok(false);
            };
            put("class", names.class(db, class).await?);
            put("subject", names.subject(db, subject).await?);
            put("period", names.period(db, t, period).await?);
            put("count", t.int(leading_int(new).unwrap_or(0)));
        }
        "student_appreciation" => {
            let parts: Vec<i64> = id.split('/').filter_map(|p| p.parse().ok()).collect();
            let [class, subject, period, student] = parts[..] else {
                return Ok(false);
            };
            put("student", names.student(db, student).await?);
            put("class", names.class(db, class).await?);
            put("subject", names.subject(db, subject).await?);
            put("period", names.period(db, t, period).await?);
            put("before", old.to_string());
            put("after", new.to_string());
        }
        "council" => {
            let parts: Vec<i64> = id.split('/').filter_map(|p| p.parse().ok()).collect();
            let [class, period] = parts[..] else {
                return Ok(false);
            };
            put("class", names.class(db, class).await?);
            put("period", names.period(db, t, period).await?);
            put("count", t.int(leading_int(new).unwrap_or(0)));
        }
        "settings" => {
            put("which", t.t(format!("audit-settings-{id}")));
        }
        "year" => {
            put("year", id.to_string());
            let n = ints(new);
            for (k, v) in ["up", "again", "left"].iter().zip(n) {
                put(k, t.int(v));
            }
            put("previous", old.to_string());
        }
        "import" => {
            let n = ints(new);
            for (k, v) in ["students", "guardians"].iter().zip(n) {
                put(k, t.int(v));
            }
        }
        "fee_reminder" => put("count", new.to_string()),
        "sanction" => {
            let Ok(sid) = id.parse() else {
                return Ok(false);
            };
            let Some(s) = crate::conduct::repo::sanction(db, sid).await? else {
                return Ok(false);
            };
            put("student", names.student(db, s.student_id).await?);
            put("kind", t.t(format!("conduct-kind-{}", s.kind)));
        }
        "workflow" => {
            let Ok(wid) = id.parse() else {
                return Ok(false);
            };
            let Some(w) = crate::workflows::repo::workflow(db, wid).await? else {
                return Ok(false);
            };
            put("name", w.name);
        }
        "school_document" => {
            let Ok(did) = id.parse() else {
                return Ok(false);
            };
            let Some(d) = crate::certificates::repo::document(db, did).await? else {
                return Ok(false);
            };
            put("student", names.student(db, d.student_id).await?);
            put("kind", t.t(d.kind.label_key()));
            put("number", d.number);
        }
        "user" => {
            let Ok(user) = id.parse() else {
                return Ok(false);
            };
            put("person", names.user(db, user).await?);
        }
        "momo" => {
            let row = crate::mobile_money::repo::journal_facts(db, id).await?;
            let Some((student, amount, network)) = row else {
                return Ok(false);
            };
            put("student", names.student(db, student).await?);
            put("amount", t.xof(leading_int(new).unwrap_or(amount)));
            put("network", t.t(format!("momo-network-{network}")));
            put(
                "note",
                new.split_once(' ').map(|x| x.1).unwrap_or(new).to_string(),
            );
        }
        "point_award" => {
            let Ok(id) = id.parse::<i64>() else {
                return Ok(false);
            };
            let row = crate::gamification::repo::journal::award(db, id).await?;
            let Some((student, points)) = row else {
                return Ok(false);
            };
            put("student", names.student(db, student).await?);
            put("points", t.int(points));
            put("reason", new.to_string());
        }
        "badge_award" => {
            let Some((badge, student)) = id.split_once(':') else {
                return Ok(false);
            };
            let (Ok(badge), Ok(student)) = (badge.parse::<i64>(), student.parse()) else {
                return Ok(false);
            };
            let name = crate::gamification::repo::journal::badge_name(db, badge).await?;
            put("badge", name.unwrap_or_default());
            put("student", names.student(db, student).await?);
        }
        "badge" | "export_template" => put("name", new.to_string()),
        "challenge" => {
            let title = if new.is_empty() {
                let id: i64 = id.parse().unwrap_or(0);
                crate::gamification::repo::journal::challenge_title(db, id)
                    .await?
                    .unwrap_or_default()
            } else {
                new.to_string()
            };
            put("name", title);
        }
        "behaviour" => {
            let label = match id.parse::<i64>() {
                Ok(n) => crate::gamification::repo::journal::behaviour_label(db, n)
                    .await?
                    .unwrap_or_default(),
                Err(_) => id.to_string(),
            };
            put("name", label);
            put("points", new.to_string());
        }
        "message" => {
            let Ok(id) = id.parse::<i64>() else {
                return Ok(false);
            };
            let author = match crate::chat::repo::message_author(db, id).await? {
                Some(u) => names.user(db, u).await?,
                None => "—".into(),
            };
            put("author", author);
        }
        "mute" => {
            let Ok(user) = id.parse::<i64>() else {
                return Ok(false);
            };
            put("person", names.user(db, user).await?);
            put(
                "minutes",
                t.duration(ints(new).last().copied().unwrap_or(0)),
            );
        }
        "gamification_rules" | "gamification_levels" | "api_token" => {}
        "dashboard_default" => put("role", t.t(format!("role-{id}"))),
        _ => return Ok(false),
    }
    Ok(true)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stored_values_read_as_words() {
        assert_eq!(ints("12 up, 3 repeating, 0 not enrolled"), vec![12, 3, 0]);
        assert_eq!(leading_int("50000 especes"), Some(50_000));
        assert_eq!(leading_int("especes"), None);
    }
}
