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
pub mod repo;
pub mod routes;

pub use routes::router;

use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{DateTime, Timelike, Utc};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::db::{Pool, Tx};
use crate::events::{AbsenceKind, Event, SchoolEvent, Subscriber};
use crate::school::repo::{self as school, Concerned};

/// The kinds a person can choose to hear about, in the order of the preferences page.
pub const KINDS: [&str; 8] = [
    "mark",
    "absence",
    "conduct",
    "bulletin",
    "payment",
    "message",
    "announcement",
    "challenge",
];

/// The channels, in the order of the preferences page. SMS and e-mail are offered once the
/// server is configured for them.
pub const CHANNELS: [&str; 4] = ["in_app", "sms", "email", "push"];

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
    let Some((start, end)) = repo::quiet_hours(db, user).await? else {
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

fn child_link(c: &Concerned, student: i64) -> String {
    if c.is_guardian {
        format!("/parent/enfants/{student}")
    } else {
        "/eleve".into()
    }
}

/// Who is told what about an event. Each feature answers who hears of its events (its
/// audience); this turns them into texts.
async fn notes_for(tx: &mut Tx<'_>, event: &Event) -> anyhow::Result<Vec<Note>> {
    Ok(match &event.what {
        SchoolEvent::MarkRecorded(m) => match m.points {
            Some(points) => mark_notes(tx, m, points).await?,
            None => Vec::new(),
        },
        SchoolEvent::AbsenceRecorded(a) => absence_notes(tx, a).await?,
        SchoolEvent::BulletinPublished(b) => bulletin_notes(tx, b.period_id).await?,
        SchoolEvent::PaymentRecorded(p) => payment_notes(tx, p).await?,
        SchoolEvent::MomoFailed(f) => {
            // The payer, and the bursars (mobile money's audience, read from the school).
            let name = school::student_first_name(&mut **tx, f.student_id).await?;
            let args = json!({ "student": name, "amount": f.amount });
            let mut notes = vec![Note {
                user_id: f.user_id,
                kind: "payment",
                key: "notif-momo-failed",
                args: args.clone(),
                link: format!("/paiements/{}", f.momo_id),
            }];
            let link = format!("/admin/mobile-money/{}", f.momo_id);
            notes.extend(bursar_notes(tx, "notif-momo-failed", &args, &link).await?);
            notes
        }
        SchoolEvent::MomoReview(r) => {
            let name = school::student_first_name(&mut **tx, r.student_id).await?;
            let args = json!({ "student": name, "amount": r.amount });
            let link = format!("/admin/mobile-money/{}", r.momo_id);
            bursar_notes(tx, "notif-momo-review", &args, &link).await?
        }
        // Direct messages only: channels show their unread counts instead.
        SchoolEvent::MessageSent(m) => match event.actor_user_id {
            Some(author) if m.kind == "direct" => message_notes(tx, m, author).await?,
            _ => Vec::new(),
        },
        SchoolEvent::ChallengeSettled(c) => challenge_notes(tx, c).await?,
        SchoolEvent::AnnouncementPublished(a) => {
            let id = a.announcement_id;
            let title: String = a.title.chars().take(80).collect();
            crate::announcements::repo::audience(&mut **tx, id)
                .await?
                .into_iter()
                .map(|user| Note {
                    user_id: user,
                    kind: "announcement",
                    key: "notif-announcement",
                    args: json!({ "title": title }),
                    link: format!("/annonces/{id}"),
                })
                .collect()
        }
        SchoolEvent::SanctionGiven(s) => sanction_notes(tx, s).await?,
        SchoolEvent::TeacherAbsent(a) => teacher_absence_notes(tx, a).await?,
        SchoolEvent::TimetableChanged(c) => {
            announcement_notes(crate::timetable::notify::changed(tx, c).await?)
        }
        SchoolEvent::TimetablePublished(p) => {
            announcement_notes(crate::timetable::notify::published(tx, p).await?)
        }
        // Told through the workflows the school sets up, if it wants.
        SchoolEvent::InvoiceCreated(_)
        | SchoolEvent::PaymentReversed(_)
        | SchoolEvent::StudentEnrolled(_)
        | SchoolEvent::MessageReported(_) => Vec::new(),
        // A student's own progress: shown on their pages and their parents', not pushed.
        SchoolEvent::CourseLessonCompleted(_) | SchoolEvent::AssignmentSubmitted(_) => Vec::new(),
        SchoolEvent::AssignmentDueSoon(d) => {
            announcement_notes(crate::courses::assignment::remind::reminder_notes(tx, d).await?)
        }
        // The administration reads a flagged conversation (what it says stays out of the note).
        SchoolEvent::AssistantFlagged(f) => school::records_staff(&mut **tx)
            .await?
            .into_iter()
            .map(|user_id| Note {
                user_id,
                kind: "message",
                key: "notif-assistant-flagged",
                args: json!({ "reason": format!("@asst-flag-{}", f.reason) }),
                link: format!("/admin/assistant/conversations/{}", f.conversation_id),
            })
            .collect(),
        SchoolEvent::RiskRaised(r) => crate::prediction::predict::alert_notes(tx, r)
            .await?
            .into_iter()
            .map(|(user_id, key, args, link)| Note {
                user_id,
                kind: "bulletin",
                key,
                args,
                link,
            })
            .collect(),
    })
}

async fn mark_notes(
    tx: &mut Tx<'_>,
    m: &crate::events::MarkRecorded,
    points: i64,
) -> Result<Vec<Note>, sqlx::Error> {
    let audience = crate::grades::repo::mark_audience(tx, m.evaluation_id, m.student_id).await?;
    Ok(audience
        .people
        .iter()
        .map(|c| Note {
            user_id: c.user_id,
            kind: "mark",
            key: "notif-mark",
            args: json!({ "student": c.student_name, "subject": audience.subject,
                "mark": { "points": points }, "scale": audience.scale }),
            link: child_link(c, m.student_id),
        })
        .collect())
}

async fn sanction_notes(
    tx: &mut Tx<'_>,
    s: &crate::events::SanctionGiven,
) -> Result<Vec<Note>, sqlx::Error> {
    let Some(sanction) = crate::conduct::repo::sanction_in(&mut **tx, s.sanction_id).await? else {
        return Ok(Vec::new());
    };
    let audience = crate::conduct::repo::sanction_audience(&mut **tx, s.student_id).await?;
    Ok(audience
        .iter()
        .map(|c| Note {
            user_id: c.user_id,
            kind: "conduct",
            key: "notif-sanction",
            args: json!({
                "student": c.student_name,
                "kind": format!("@conduct-kind-{}", sanction.0),
                "reason": sanction.1.chars().take(80).collect::<String>(),
            }),
            link: format!("/vie-scolaire/eleves/{}", s.student_id),
        })
        .collect())
}

/// Notes of the "announcement" kind from (user, catalog key, arguments, link) lines.
fn announcement_notes(told: Vec<(i64, &'static str, Value, String)>) -> Vec<Note> {
    told.into_iter()
        .map(|(user_id, key, args, link)| Note {
            user_id,
            kind: "announcement",
            key,
            args,
            link,
        })
        .collect()
}

async fn teacher_absence_notes(
    tx: &mut Tx<'_>,
    a: &crate::events::TeacherAbsent,
) -> Result<Vec<Note>, sqlx::Error> {
    let Some((teacher, from, to)) =
        crate::conduct::repo::teacher_absence_in(&mut **tx, a.absence_id).await?
    else {
        return Ok(Vec::new());
    };
    let audience =
        crate::conduct::repo::teacher_absence_audience(&mut **tx, a.teacher_user_id).await?;
    Ok(audience
        .into_iter()
        .map(|(user, class)| Note {
            user_id: user,
            kind: "announcement",
            key: "notif-teacher-absent",
            args: json!({
                "teacher": teacher,
                "class": class,
                "from": from.format("%d/%m").to_string(),
                "to": to.format("%d/%m").to_string(),
            }),
            link: "/annonces".into(),
        })
        .collect())
}

async fn absence_notes(
    tx: &mut Tx<'_>,
    a: &crate::events::AbsenceRecorded,
) -> Result<Vec<Note>, sqlx::Error> {
    let date = a.held_on.format("%d/%m").to_string();
    let mut guardians = crate::attendance::repo::absence_audience(&mut **tx, a.student_id).await?;
    // The school's absence workflow, when on, tells the parents in its own words instead.
    if a.kind == AbsenceKind::Absence
        && crate::workflows::replaces(tx, crate::workflows::templates::ABSENCE_PARENTS).await?
    {
        guardians.retain(|c| !c.is_guardian);
    }
    Ok(guardians
        .iter()
        .map(|c| {
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
            Note {
                user_id: c.user_id,
                kind: "absence",
                key,
                args,
                link: child_link(c, a.student_id),
            }
        })
        .collect())
}

async fn bulletin_notes(tx: &mut Tx<'_>, period: i64) -> Result<Vec<Note>, sqlx::Error> {
    let readers = crate::bulletins::repo::publication_audience(&mut **tx, period).await?;
    Ok(readers
        .into_iter()
        .map(|r| Note {
            user_id: r.user_id,
            kind: "bulletin",
            key: if r.period_kind == "semestre" {
                "notif-bulletin-semestre"
            } else {
                "notif-bulletin-trimestre"
            },
            args: json!({ "student": r.student_name, "n": r.ordinal }),
            link: format!("/bulletins/{}/{period}", r.student_id),
        })
        .collect())
}

async fn payment_notes(
    tx: &mut Tx<'_>,
    p: &crate::events::PaymentMade,
) -> Result<Vec<Note>, sqlx::Error> {
    let audience = crate::fees::repo::payment_audience(tx, p.student_id, &p.method).await?;
    let mut notes: Vec<Note> = audience
        .guardians
        .iter()
        .map(|c| Note {
            user_id: c.user_id,
            kind: "payment",
            key: "notif-payment",
            args: json!({ "student": c.student_name, "amount": p.amount, "receipt": p.receipt_no }),
            link: child_link(c, p.student_id),
        })
        .collect();
    // Money that came in without the bursar: they hear of it.
    let args = json!({ "student": audience.student, "amount": p.amount, "receipt": p.receipt_no });
    notes.extend(audience.bursars.into_iter().map(|user| Note {
        user_id: user,
        kind: "payment",
        key: "notif-momo-paid",
        args: args.clone(),
        link: "/admin/mobile-money".into(),
    }));
    Ok(notes)
}

/// The same payment news for every active bursar.
async fn bursar_notes(
    tx: &mut Tx<'_>,
    key: &'static str,
    args: &Value,
    link: &str,
) -> Result<Vec<Note>, sqlx::Error> {
    Ok(school::bursars(&mut **tx)
        .await?
        .into_iter()
        .map(|user| Note {
            user_id: user,
            kind: "payment",
            key,
            args: args.clone(),
            link: link.to_string(),
        })
        .collect())
}

async fn message_notes(
    tx: &mut Tx<'_>,
    m: &crate::events::MessageSent,
    author: i64,
) -> Result<Vec<Note>, sqlx::Error> {
    let conv = m.conversation_id;
    let audience = crate::chat::repo::message_audience(tx, conv, author).await?;
    Ok(audience
        .recipients
        .into_iter()
        .map(|user| Note {
            user_id: user,
            kind: "message",
            key: "notif-message",
            args: json!({ "author": audience.author }),
            link: format!("/messages/{conv}"),
        })
        .collect())
}

/// Each participant and their family hear how a challenge ended.
async fn challenge_notes(
    tx: &mut Tx<'_>,
    c: &crate::events::ChallengeSettled,
) -> Result<Vec<Note>, sqlx::Error> {
    let id = c.challenge_id;
    let title: String = c.title.chars().take(80).collect();
    let mut notes = Vec::new();
    for (student, won) in repo::challenge_members(&mut **tx, id).await? {
        for c in school::concerned(&mut **tx, student).await? {
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
            if deliver(tx, self.app.as_ref(), &n, Some(event.id), event.occurred_at).await? {
                rung.push(n.user_id);
            }
        }
        self.rung
            .lock()
            .unwrap_or_else(|e| e.into_inner())
            .extend(rung);
        Ok(())
    }
}

/// Delivers a note through the channels its reader chose for its kind: e-mail, SMS and
/// Web Push as the server is configured for them, and the app. A note of a school event
/// carries its id (a delivery retried writes it once). Returns whether it went into the
/// app (the reader's bell should ring).
pub async fn deliver(
    tx: &mut Tx<'_>,
    app: Option<&AppState>,
    n: &Note,
    event: Option<i64>,
    at: DateTime<Utc>,
) -> anyhow::Result<bool> {
    // One read for every channel of this kind of news.
    let chosen = repo::kind_prefs(&mut **tx, n.user_id, n.kind).await?;
    let wants = |channel: &str| {
        chosen
            .iter()
            .find(|(c, _)| c == channel)
            .map_or(channel == "in_app", |(_, on)| *on)
    };
    if let Some(app) = app.filter(|a| a.config.smtp_url.is_some())
        && wants("email")
    {
        email::queue(tx, app, n.user_id, n.kind, n.key, &n.args, &n.link).await?;
    }
    if let Some(app) = app.filter(|a| a.sms.is_some())
        && wants("sms")
    {
        queue_sms(tx, app, n, at).await?;
    }
    if let Some(app) = app
        && wants("push")
    {
        push::queue(tx, app, n.user_id, n.kind, n.key, &n.args, &n.link).await?;
    }
    if !wants("in_app") {
        return Ok(false);
    }
    match event {
        Some(id) => repo::insert(&mut **tx, n, id, at).await?,
        None => repo::insert_direct(&mut **tx, n, at).await?,
    }
    Ok(true)
}

/// Tells `n.user_id` in the app, outside any school event (its bell rings at its next
/// page).
pub async fn tell(tx: &mut Tx<'_>, n: &Note, now: DateTime<Utc>) -> Result<(), sqlx::Error> {
    repo::insert_direct(&mut **tx, n, now).await
}

/// Writes the text message of a notification: the school's name and the text, in the
/// reader's language, to their phone. Over the budget or the reader's daily cap, the
/// message is not sent (the app still has it).
async fn queue_sms(
    tx: &mut Tx<'_>,
    app: &AppState,
    n: &Note,
    now: DateTime<Utc>,
) -> anyhow::Result<()> {
    let Some(to) = school::user_phone(&mut **tx, n.user_id).await? else {
        return Ok(());
    };
    let locale = school::addressee(&mut **tx, n.user_id)
        .await?
        .map(|a| a.locale)
        .unwrap_or_default();
    let t = crate::i18n::Tr::new(
        app.i18n.clone(),
        crate::i18n::Locale::parse(&locale).unwrap_or_default(),
    );
    let school_name = app.settings.school(&app.db).await?.name;
    let body = format!("{school_name} : {}", t.tj(n.key, &n.args));
    let m = crate::sms::Outgoing {
        user_id: Some(n.user_id),
        to: &to,
        body: &body,
        purpose: "notification",
        student_id: None,
    };
    if let Err(refused) = crate::sms::queue(tx, app, &m, now).await? {
        tracing::info!(user = n.user_id, ?refused, "notification SMS not queued");
    }
    Ok(())
}

/// Unread notifications of a user.
pub async fn unread(db: &Pool, user: i64) -> Result<i64, sqlx::Error> {
    repo::unread(db, user).await
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
        if let Some(s) = &app.sms
            && let Err(e) = crate::sms::send_due(&app, s.as_ref(), 50).await
        {
            tracing::warn!(error = %e, "notifications: SMS outbox");
        }
        if handled < 200 {
            tokio::time::sleep(Duration::from_millis(250)).await;
        }
    }
}

/// Pushes the new count to the bells of the people just told.
pub async fn ring(app: &AppState, notifier: &Notifier) {
    let users = std::mem::take(&mut *notifier.rung.lock().unwrap_or_else(|e| e.into_inner()));
    ring_users(app, users).await;
}

/// Rings the bells of these users' open pages (with their unread count), outside quiet
/// hours.
pub async fn ring_users(app: &AppState, mut users: Vec<i64>) {
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
