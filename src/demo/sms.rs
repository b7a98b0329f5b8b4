//! The demo school's text messages: the demo parent gets marks and absences by SMS, and a
//! week of messages sits in the SMS page (absences, marks, a fees reminder, a reset code),
//! sent by the demo operator, which keeps them instead of sending them.

use chrono::{Duration, NaiveDate, TimeZone, Utc};

use crate::db::Tx;

pub(super) async fn seed(
    tx: &mut Tx<'_>,
    parent_phone: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let Some(phone) = parent_phone else {
        return Ok(());
    };
    let (parent, child): (i64, String) = sqlx::query_as(
        "SELECT u.id, s.first_name FROM users u JOIN student_guardians g ON g.user_id = u.id \
         JOIN students s ON s.id = g.student_id WHERE u.phone = $1 ORDER BY s.id LIMIT 1",
    )
    .bind(phone)
    .fetch_one(&mut **tx)
    .await?;
    for (kind, channel) in [
        ("mark", "in_app"),
        ("mark", "sms"),
        ("absence", "in_app"),
        ("absence", "sms"),
    ] {
        sqlx::query("INSERT INTO notification_prefs (user_id, kind, channel, enabled) VALUES ($1, $2, $3, TRUE)")
            .bind(parent)
            .bind(kind)
            .bind(channel)
            .execute(&mut **tx)
            .await?;
    }
    let others: Vec<(i64, String)> = sqlx::query_as(
        "SELECT u.id, u.phone FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'parent' \
         WHERE u.phone IS NOT NULL AND u.id <> $1 ORDER BY u.id LIMIT 3",
    )
    .bind(parent)
    .fetch_all(&mut **tx)
    .await?;
    let school = "Complexe scolaire La Lumière";
    let mut messages: Vec<(i64, String, String, &str, i64)> = vec![
        (
            parent,
            phone.to_string(),
            format!("{school} : {child} a eu 14,5/20 en Mathématiques (Devoir n° 2)."),
            "notification",
            6,
        ),
        (
            parent,
            phone.to_string(),
            format!("{school} : {child} était absent(e) ce matin de 8h à 10h."),
            "notification",
            3,
        ),
        (
            parent,
            phone.to_string(),
            format!("{school} : {child} a eu 11/20 en Anglais (Interrogation écrite)."),
            "notification",
            1,
        ),
    ];
    for (i, (id, p)) in others.iter().enumerate() {
        messages.push((
            *id,
            p.clone(),
            format!("{school} : rappel, la 2e tranche de scolarité (25 000 F CFA) est due le 15/01. Payez par Flooz ou T-Money depuis le portail."),
            "reminder",
            5 - i as i64,
        ));
    }
    if let Some((id, p)) = others.first() {
        messages.push((
            *id,
            p.clone(),
            format!(
                "{school} : votre code pour changer de mot de passe est 482913. Valable 10 minutes."
            ),
            "reset",
            2,
        ));
    }
    for (user, to, body, purpose, days_ago) in messages {
        let at = Utc.from_utc_datetime(
            &(today - Duration::days(days_ago))
                .and_hms_opt(10, 15, 0)
                .unwrap_or_default(),
        );
        let body = crate::sms::to_gsm(&body);
        let (_, segments) = crate::sms::segments(&body);
        let id = crate::sms::repo::insert(&mut **tx, Some(user), &to, &body, segments, purpose, at)
            .await?;
        sqlx::query("UPDATE sms_outbox SET sent_at = $1, attempts = 1 WHERE id = $2")
            .bind(at + Duration::seconds(4))
            .bind(id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}
