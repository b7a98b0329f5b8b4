//! Who hears of a timetable change: the class's students and their parents, and the
//! teachers concerned. The notification layer turns these into texts; this answers whom.

use serde_json::{Value, json};

use super::repo;
use crate::db::Tx;
use crate::events::{TimetableChanged, TimetablePublished};

/// (user, link, class name) for each person concerned by a class's timetable.
async fn class_people(tx: &mut Tx<'_>, class_id: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    Ok(repo::class_audience(&mut **tx, class_id)
        .await?
        .into_iter()
        .map(|c| {
            let link = if c.is_guardian {
                format!("/parent/enfants/{}/emploi-du-temps", c.student_id)
            } else {
                "/eleve/emploi-du-temps".to_string()
            };
            (c.user_id, link)
        })
        .collect())
}

/// A lesson moved: (user, catalog key, arguments, link) for each person told.
pub async fn changed(
    tx: &mut Tx<'_>,
    c: &TimetableChanged,
) -> Result<Vec<(i64, &'static str, Value, String)>, sqlx::Error> {
    let Some((class, subject)) = repo::lesson_facts(&mut **tx, c.lesson_id).await? else {
        return Ok(Vec::new());
    };
    let args = json!({
        "class": class,
        "subject": subject,
        "from_day": format!("@timetable-day-{}", c.from.0),
        "from_time": repo::period_start(&mut **tx, c.from.1).await?,
        "to_day": format!("@timetable-day-{}", c.to.0),
        "to_time": repo::period_start(&mut **tx, c.to.1).await?,
    });
    let mut out: Vec<(i64, &'static str, Value, String)> = class_people(tx, c.class_id)
        .await?
        .into_iter()
        .map(|(u, link)| (u, "notif-timetable-changed", args.clone(), link))
        .collect();
    out.push((
        c.teacher_user_id,
        "notif-timetable-changed",
        args,
        "/enseignant/emploi-du-temps".into(),
    ));
    Ok(out)
}

/// A version published: everyone whose week differs from the version before (everyone
/// with lessons, for the first one).
pub async fn published(
    tx: &mut Tx<'_>,
    p: &TimetablePublished,
) -> Result<Vec<(i64, &'static str, Value, String)>, sqlx::Error> {
    let now = repo::lessons_in(&mut **tx, p.timetable_id).await?;
    let before = match p.previous_id {
        Some(prev) => repo::lessons_in(&mut **tx, prev).await?,
        None => Vec::new(),
    };
    let changes = super::edit::compare(&before, &now);
    let mut classes: Vec<(i64, String)> = Vec::new();
    let mut teachers: Vec<i64> = Vec::new();
    for l in now.iter().chain(before.iter()) {
        let moved = changes.iter().any(|c| {
            c.class_name == l.class_name && c.subject == l.subject && c.teacher == l.teacher
        });
        if moved {
            if !classes.iter().any(|(id, _)| *id == l.class_id) {
                classes.push((l.class_id, l.class_name.clone()));
            }
            if !teachers.contains(&l.teacher_user_id) {
                teachers.push(l.teacher_user_id);
            }
        }
    }
    let mut out = Vec::new();
    for (class_id, name) in classes {
        for (u, link) in class_people(tx, class_id).await? {
            out.push((
                u,
                "notif-timetable-published",
                json!({ "class": name }),
                link,
            ));
        }
    }
    for t in teachers {
        out.push((
            t,
            "notif-timetable-published-teacher",
            json!({}),
            "/enseignant/emploi-du-temps".into(),
        ));
    }
    Ok(out)
}
