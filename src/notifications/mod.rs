//! Notifications: "tell user U about X". One subscriber of the school events turns what
//! happened (a mark, an absence, a published bulletin, a payment, a direct message, an
//! announcement) into notifications for the people concerned, after their preferences;
//! the bell in the header is pushed live, unless the person is in their quiet hours.
//!
//! Texts are catalog keys with arguments, rendered in the reader's language, short enough
//! for an SMS.

pub mod email;
pub mod outbox;
pub mod push;
pub mod routes;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use serde_json::{Value, json};
use sqlx::FromRow;

use crate::app::AppState;
use crate::db::{Pool, Tx};
use crate::events::{AbsenceKind, Event, SchoolEvent, Subscriber};

/// The kinds a person can choose to hear about, in the order of the preferences page.
pub const KINDS: [&str; 7] = [
    "mark",
    "absence",
    "bulletin",
    "payment",
    "message",
    "announcement",
    "challenge",
];

/// The channels, in the order of the preferences page. E-mail and Web Push are offered
/// once the server is configured for them.
pub const CHANNELS: [&str; 3] = ["in_app", "email", "push"];

/// What a notification says and where it leads.
#[derive(Clone, Debug)]
pub struct Note {
    /// Who is told.
    pub user_id: i64,
    /// What kind of news (one of [`KINDS`]).
    pub kind: &'static str,
    /// The catalog key of the text.
    pub key: &'static str,
    pub args: Value,
    /// The page to open.
    pub link: String,
}

/// The quiet hours of a user, if they are in them now: (end, start) as "07h00".
pub async fn quiet_now(
    db: &Pool,
    user: i64,
    now: DateTime<Utc>,
) -> Result<Option<(String, String)>, sqlx::Error> {
    let row: Option<(i64, i64)> = sqlx::query_as(
        "SELECT CAST(start_minute AS BIGINT), CAST(end_minute AS BIGINT) FROM quiet_hours WHERE user_id = $1",
    )
    .bind(user)
    .fetch_optional(db)
    .await?;
    let Some((start, end)) = row else {
        return Ok(None);
    };
    // Lomé is on UTC all year.
    let minute = i64::from(now.hour() * 60 + now.minute());
    Ok(in_quiet(minute, start, end).then(|| (hhmm(end), hhmm(start))))
}

/// Whether `minute` of the day falls in [start, end), which may span midnight.
pub fn in_quiet(minute: i64, start: i64, end: i64) -> bool {
    if start == end {
        false
    } else if start < end {
        (start..end).contains(&minute)
    } else {
        minute >= start || minute < end
    }
}

/// "07h00" for 420.
pub fn hhmm(minute: i64) -> String {
    format!("{:02}h{:02}", minute / 60, minute % 60)
}

/// Parses "21h30", "21:30" or "21" into minutes after midnight.
pub fn parse_hhmm(s: &str) -> Option<i64> {
    let s = s.trim().to_lowercase().replace(':', "h");
    let (h, m) = match s.split_once('h') {
        Some((h, m)) => (h, if m.is_empty() { "0" } else { m }),
        None => (s.as_str(), "0"),
    };
    let (h, m) = (h.parse::<i64>().ok()?, m.parse::<i64>().ok()?);
    ((0..24).contains(&h) && (0..60).contains(&m)).then_some(h * 60 + m)
}

/// Whether `user` wants `kind` through `channel` (in-app is on unless turned off; the others
/// are off unless turned on).
pub async fn wants<'e>(
    db: impl sqlx::Executor<'e, Database = crate::db::Db>,
    user: i64,
    kind: &str,
    channel: &str,
) -> Result<bool, sqlx::Error> {
    let row: Option<(bool,)> = sqlx::query_as(
        "SELECT enabled FROM notification_prefs WHERE user_id = $1 AND kind = $2 AND channel = $3",
    )
    .bind(user)
    .bind(kind)
    .bind(channel)
    .fetch_optional(db)
    .await?;
    Ok(row.map(|r| r.0).unwrap_or(channel == "in_app"))
}

/// A student and the people told about them: their own account and their guardians'.
#[derive(FromRow)]
struct Concerned {
    user_id: i64,
    is_guardian: bool,
    student_name: String,
}

async fn concerned(tx: &mut Tx<'_>, student: i64) -> Result<Vec<Concerned>, sqlx::Error> {
    sqlx::query_as(
        "SELECT g.user_id, TRUE AS is_guardian, s.first_name AS student_name FROM student_guardians g \
           JOIN students s ON s.id = g.student_id WHERE g.student_id = $1 \
         UNION SELECT s.user_id, FALSE, s.first_name FROM students s WHERE s.id = $1 AND s.user_id IS NOT NULL",
    )
    .bind(student)
    .fetch_all(&mut **tx)
    .await
}

async fn student_name(tx: &mut Tx<'_>, student: i64) -> Result<String, sqlx::Error> {
    let (name,): (String,) = sqlx::query_as("SELECT first_name FROM students WHERE id = $1")
        .bind(student)
        .fetch_one(&mut **tx)
        .await?;
    Ok(name)
}

/// The active bursars, who hear of money that came in or went wrong without them.
async fn bursars(tx: &mut Tx<'_>) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'bursar' WHERE u.active = TRUE",
    )
    .fetch_all(&mut **tx)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

fn child_link(c: &Concerned, student: i64) -> String {
    if c.is_guardian {
        format!("/parent/enfants/{student}")
    } else {
        "/eleve".into()
    }
}

/// The students whose bulletins a period's publication announces (every student enrolled
/// that year), from a period `pe`: the notifier and the count read before publishing share it.
const BULLETIN_STUDENTS: &str = "FROM periods pe JOIN classes c ON c.school_year_id = pe.school_year_id \
    JOIN enrollments e ON e.class_id = c.id JOIN students s ON s.id = e.student_id";

/// Who will be told when a period's bulletins are published: the distinct guardians of the
/// year's students, and the students who have an account of their own.
pub async fn bulletin_audience(db: &Pool, period_id: i64) -> Result<(i64, i64), sqlx::Error> {
    let (guardians,): (i64,) = sqlx::query_as(crate::sql!(
        "SELECT COUNT(DISTINCT g.user_id) {BULLETIN_STUDENTS} \
         JOIN student_guardians g ON g.student_id = s.id WHERE pe.id = $1"
    ))
    .bind(period_id)
    .fetch_one(db)
    .await?;
    let (students,): (i64,) = sqlx::query_as(crate::sql!(
        "SELECT COUNT(DISTINCT s.user_id) {BULLETIN_STUDENTS} WHERE pe.id = $1 AND s.user_id IS NOT NULL"
    ))
    .bind(period_id)
    .fetch_one(db)
    .await?;
    Ok((guardians, students))
}

/// Who is told what about an event.
async fn notes_for(tx: &mut Tx<'_>, event: &Event) -> anyhow::Result<Vec<Note>> {
    let mut notes = Vec::new();
    match &event.what {
        SchoolEvent::MarkRecorded(m) => {
            let Some(points) = m.points else {
                return Ok(notes);
            };
            let (subject, scale): (String, i64) = sqlx::query_as(
                "SELECT s.name, CAST(e.scale AS BIGINT) FROM evaluations e JOIN subjects s ON s.id = e.subject_id WHERE e.id = $1",
            )
            .bind(m.evaluation_id)
            .fetch_one(&mut **tx)
            .await?;
            for c in concerned(tx, m.student_id).await? {
                notes.push(Note {
                    user_id: c.user_id,
                    kind: "mark",
                    key: "notif-mark",
                    args: json!({ "student": c.student_name, "subject": subject,
                        "mark": { "points": points }, "scale": scale }),
                    link: child_link(&c, m.student_id),
                });
            }
        }
        SchoolEvent::AbsenceRecorded(a) => {
            let date = a.held_on.format("%d/%m").to_string();
            for c in concerned(tx, a.student_id)
                .await?
                .into_iter()
                .filter(|c| c.is_guardian)
            {
                let (key, args) = match a.kind {
                    AbsenceKind::Absence => (
                        "notif-absence",
                        json!({ "student": c.student_name, "date": date }),
                    ),
                    AbsenceKind::Retard => (
                        "notif-late",
                        json!({ "student": c.student_name, "date": date, "minutes": a.minutes }),
                    ),
                };
                notes.push(Note {
                    user_id: c.user_id,
                    kind: "absence",
                    key,
                    args,
                    link: child_link(&c, a.student_id),
                });
            }
        }
        SchoolEvent::BulletinPublished(b) => {
            let period = b.period_id;
            let rows: Vec<(i64, i64, String, i64, String)> = sqlx::query_as(crate::sql!(
                "SELECT s.id, g.user_id, s.first_name, pe.ordinal, pe.kind {BULLETIN_STUDENTS} \
                   JOIN student_guardians g ON g.student_id = s.id WHERE pe.id = $1 \
                 UNION SELECT s.id, s.user_id, s.first_name, pe.ordinal, pe.kind {BULLETIN_STUDENTS} \
                   WHERE pe.id = $1 AND s.user_id IS NOT NULL"
            ))
            .bind(period)
            .fetch_all(&mut **tx)
            .await?;
            for (student, user, name, n, kind) in rows {
                notes.push(Note {
                    user_id: user,
                    kind: "bulletin",
                    key: if kind == "semestre" {
                        "notif-bulletin-semestre"
                    } else {
                        "notif-bulletin-trimestre"
                    },
                    args: json!({ "student": name, "n": n }),
                    link: format!("/bulletins/{student}/{period}"),
                });
            }
        }
        SchoolEvent::PaymentRecorded(p) => {
            for c in concerned(tx, p.student_id)
                .await?
                .into_iter()
                .filter(|c| c.is_guardian)
            {
                notes.push(Note {
                    user_id: c.user_id,
                    kind: "payment",
                    key: "notif-payment",
                    args: json!({ "student": c.student_name, "amount": p.amount, "receipt": p.receipt_no }),
                    link: child_link(&c, p.student_id),
                });
            }
            // Money that came in without the bursar: they hear of it.
            if p.method == "mobile_money" {
                let name = student_name(tx, p.student_id).await?;
                for user in bursars(tx).await? {
                    notes.push(Note {
                        user_id: user,
                        kind: "payment",
                        key: "notif-momo-paid",
                        args: json!({ "student": name, "amount": p.amount, "receipt": p.receipt_no }),
                        link: "/admin/mobile-money".into(),
                    });
                }
            }
        }
        SchoolEvent::MomoFailed(f) => {
            let name = student_name(tx, f.student_id).await?;
            notes.push(Note {
                user_id: f.user_id,
                kind: "payment",
                key: "notif-momo-failed",
                args: json!({ "student": name, "amount": f.amount }),
                link: format!("/paiements/{}", f.momo_id),
            });
            for user in bursars(tx).await? {
                notes.push(Note {
                    user_id: user,
                    kind: "payment",
                    key: "notif-momo-failed",
                    args: json!({ "student": name, "amount": f.amount }),
                    link: format!("/admin/mobile-money/{}", f.momo_id),
                });
            }
        }
        SchoolEvent::MomoReview(r) => {
            let name = student_name(tx, r.student_id).await?;
            for user in bursars(tx).await? {
                notes.push(Note {
                    user_id: user,
                    kind: "payment",
                    key: "notif-momo-review",
                    args: json!({ "student": name, "amount": r.amount }),
                    link: format!("/admin/mobile-money/{}", r.momo_id),
                });
            }
        }
        SchoolEvent::MessageSent(m) => {
            // Direct messages only: channels show their unread counts instead.
            if m.kind != "direct" {
                return Ok(notes);
            }
            let Some(author) = event.actor_user_id else {
                return Ok(notes);
            };
            let conv = m.conversation_id;
            let (name,): (String,) =
                sqlx::query_as("SELECT first_name || ' ' || last_name FROM users WHERE id = $1")
                    .bind(author)
                    .fetch_one(&mut **tx)
                    .await?;
            let others: Vec<(i64,)> = sqlx::query_as(
                "SELECT user_id FROM conversation_members WHERE conversation_id = $1 AND user_id <> $2",
            )
            .bind(conv)
            .bind(author)
            .fetch_all(&mut **tx)
            .await?;
            for (user,) in others {
                notes.push(Note {
                    user_id: user,
                    kind: "message",
                    key: "notif-message",
                    args: json!({ "author": name }),
                    link: format!("/messages/{conv}"),
                });
            }
        }
        SchoolEvent::ChallengeSettled(c) => {
            // Each participant and their family hear how it ended.
            let id = c.challenge_id;
            let title: String = c.title.chars().take(80).collect();
            let members: Vec<(i64, Option<bool>)> = sqlx::query_as(
                "SELECT student_id, won FROM challenge_members WHERE challenge_id = $1",
            )
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
            for (student, won) in members {
                for c in concerned(tx, student).await? {
                    notes.push(Note {
                        user_id: c.user_id,
                        kind: "challenge",
                        key: if won == Some(true) {
                            "notif-challenge-won"
                        } else {
                            "notif-challenge-over"
                        },
                        args: json!({ "title": title, "student": c.student_name }),
                        link: format!("/defis/{id}"),
                    });
                }
            }
        }
        SchoolEvent::AnnouncementPublished(a) => {
            let id = a.announcement_id;
            let title: String = a.title.chars().take(80).collect();
            let users: Vec<(i64,)> = sqlx::query_as(crate::sql!(
                "SELECT u.id FROM announcements a JOIN users u ON u.active = TRUE \
                 WHERE a.id = $1 AND u.id <> a.author_id AND {}",
                crate::announcements::repo::receives().replace("$1", "u.id")
            ))
            .bind(id)
            .fetch_all(&mut **tx)
            .await?;
            for (user,) in users {
                notes.push(Note {
                    user_id: user,
                    kind: "announcement",
                    key: "notif-announcement",
                    args: json!({ "title": title }),
                    link: format!("/annonces/{id}"),
                });
            }
        }
        SchoolEvent::InvoiceCreated(_) | SchoolEvent::PaymentReversed(_) => {}
    }
    Ok(notes)
}

/// The subscriber that writes notifications (and queues their e-mails when the server can
/// send e-mail, and their pushes to the reader's devices); it remembers whom to ring once
/// committed.
#[derive(Default)]
pub struct Notifier {
    rung: Mutex<Vec<i64>>,
    app: Option<AppState>,
}

impl Notifier {
    /// The notifier of `app`: e-mails are queued if `app` is configured for SMTP.
    pub fn new(app: &AppState) -> Self {
        Notifier {
            rung: Mutex::default(),
            app: Some(app.clone()),
        }
    }

    fn mail_app(&self) -> Option<&AppState> {
        self.app.as_ref().filter(|a| a.config.smtp_url.is_some())
    }
}

#[async_trait::async_trait]
impl Subscriber for Notifier {
    fn name(&self) -> &'static str {
        "notifications"
    }

    async fn handle(&self, tx: &mut Tx<'_>, event: &Event) -> anyhow::Result<()> {
        let notes = notes_for(tx, event).await?;
        let mut rung = Vec::new();
        for n in notes {
            if let Some(app) = self.mail_app()
                && wants(&mut **tx, n.user_id, n.kind, "email").await?
            {
                email::queue(tx, app, n.user_id, n.kind, n.key, &n.args, &n.link).await?;
            }
            if let Some(app) = &self.app
                && wants(&mut **tx, n.user_id, n.kind, "push").await?
            {
                push::queue(tx, app, n.user_id, n.kind, n.key, &n.args, &n.link).await?;
            }
            if !wants(&mut **tx, n.user_id, n.kind, "in_app").await? {
                continue;
            }
            sqlx::query(
                "INSERT INTO notifications (user_id, kind, text_key, args, link, event_id, created_at) \
                 VALUES ($1, $2, $3, $4, $5, $6, $7) ON CONFLICT DO NOTHING",
            )
            .bind(n.user_id)
            .bind(n.kind)
            .bind(n.key)
            .bind(n.args.to_string())
            .bind(&n.link)
            .bind(event.id)
            .bind(event.occurred_at)
            .execute(&mut **tx)
            .await?;
            rung.push(n.user_id);
        }
        self.rung
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(rung);
        Ok(())
    }
}

/// Unread notifications of a user.
pub async fn unread(db: &Pool, user: i64) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) =
        sqlx::query_as("SELECT COUNT(*) FROM notifications WHERE user_id = $1 AND read_at IS NULL")
            .bind(user)
            .fetch_one(db)
            .await?;
    Ok(n)
}

/// Hands new school events to the notifier, then rings the bells of those told (not in
/// their quiet hours). Runs until the process stops; a failure is logged and retried.
pub async fn run(app: AppState) {
    let notifier = Arc::new(Notifier::new(&app));
    let mailer = match email::Mailer::from_config(&app) {
        Ok(m) => m,
        Err(e) => {
            tracing::error!(error = %e, "SUKU_SMTP_URL or SUKU_MAIL_FROM is invalid: no e-mail");
            None
        }
    };
    // Without a pusher (its key cannot be read yet), everything else goes on; it is tried
    // again every minute.
    let mut pusher: Option<push::Pusher> = None;
    let mut pusher_tried: Option<std::time::Instant> = None;
    while let Err(e) = crate::events::subscribe_from_now(&app.db, notifier.name()).await {
        tracing::warn!(error = %e, "notifications: cannot start");
        tokio::time::sleep(Duration::from_secs(5)).await;
    }
    loop {
        let handled =
            match crate::events::dispatch(&app.db, notifier.as_ref(), 200, app.clock.now()).await {
                Ok(n) => n,
                Err(e) => {
                    tracing::warn!(error = %e, "notifications: dispatch failed");
                    0
                }
            };
        ring(&app, &notifier).await;
        if let Some(m) = &mailer
            && let Err(e) = email::send_due(&app, m, 20).await
        {
            tracing::warn!(error = %e, "notifications: e-mail outbox");
        }
        if pusher.is_none() && pusher_tried.is_none_or(|t| t.elapsed() > Duration::from_secs(60)) {
            pusher_tried = Some(std::time::Instant::now());
            match push::Pusher::new(&app).await {
                Ok(p) => pusher = Some(p),
                Err(e) => tracing::error!(error = %e, "Web Push cannot start"),
            }
        }
        if let Some(p) = &pusher
            && let Err(e) = push::send_due(&app, p, 50).await
        {
            tracing::warn!(error = %e, "notifications: push outbox");
        }
        if handled < 200 {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// Pushes the new count to the bells of the people just told.
pub async fn ring(app: &AppState, notifier: &Notifier) {
    let mut users = std::mem::take(&mut *notifier.rung.lock().unwrap_or_else(|e| e.into_inner()));
    users.sort_unstable();
    users.dedup();
    for user in users {
        match quiet_now(&app.db, user, app.clock.now()).await {
            Ok(Some(_)) => continue,
            Ok(None) => {}
            Err(e) => tracing::warn!(error = %e, "quiet hours"),
        }
        match unread(&app.db, user).await {
            Ok(n) => app
                .realtime
                .to_user(user, "notification", &json!({ "unread": n })),
            Err(e) => tracing::warn!(error = %e, "unread notifications"),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quiet_hours_may_span_midnight() {
        let (night, morning) = (21 * 60, 7 * 60);
        assert!(in_quiet(22 * 60, night, morning));
        assert!(in_quiet(3 * 60, night, morning));
        assert!(!in_quiet(7 * 60, night, morning));
        assert!(!in_quiet(12 * 60, night, morning));
        assert!(in_quiet(13 * 60, 12 * 60, 14 * 60));
        assert!(!in_quiet(14 * 60, 12 * 60, 14 * 60));
        assert!(!in_quiet(0, 600, 600));
    }

    #[test]
    fn times_are_read_as_people_type_them() {
        assert_eq!(parse_hhmm("21h30"), Some(21 * 60 + 30));
        assert_eq!(parse_hhmm("07:05"), Some(425));
        assert_eq!(parse_hhmm("7h"), Some(420));
        assert_eq!(parse_hhmm("6"), Some(360));
        assert_eq!(parse_hhmm("24h00"), None);
        assert_eq!(parse_hhmm("soir"), None);
        assert_eq!(hhmm(425), "07h05");
    }
}
