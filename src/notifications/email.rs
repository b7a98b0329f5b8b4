//! The e-mail channel: an outbox written with the notification, sent over SMTP (any
//! provider; `SUKU_SMTP_URL` as `smtps://user:pass@host`, or `smtp://…?tls=required`), with
//! retries, and never during the reader's quiet hours.

use chrono::{DateTime, Duration, Utc};
use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};
use sqlx::FromRow;

use crate::app::AppState;
use crate::db::Tx;
use crate::i18n::{Locale, Tr};

/// An SMTP connection and the sender's address.
#[derive(Clone)]
pub struct Mailer {
    transport: AsyncSmtpTransport<Tokio1Executor>,
    from: Mailbox,
}

impl Mailer {
    /// The mailer the configuration asks for, if any.
    pub fn from_config(app: &AppState) -> anyhow::Result<Option<Mailer>> {
        let Some(url) = &app.config.smtp_url else {
            return Ok(None);
        };
        let transport = AsyncSmtpTransport::<Tokio1Executor>::from_url(url)?
            .timeout(Some(std::time::Duration::from_secs(20)))
            .build();
        Ok(Some(Mailer {
            transport,
            from: app.config.mail_from.parse()?,
        }))
    }
}

/// Writes the e-mail of a notification into the outbox, in the reader's language, inside
/// the notification's transaction.
pub async fn queue(
    tx: &mut Tx<'_>,
    app: &AppState,
    user: i64,
    kind: &str,
    key: &str,
    args: &serde_json::Value,
    link: &str,
) -> anyhow::Result<()> {
    let row: Option<(Option<String>, String)> =
        sqlx::query_as("SELECT email, locale FROM users WHERE id = $1 AND active = TRUE")
            .bind(user)
            .fetch_optional(&mut **tx)
            .await?;
    let Some((Some(to), locale)) = row else {
        return Ok(());
    };
    let t = Tr::new(app.i18n.clone(), Locale::parse(&locale).unwrap_or_default());
    let school = app.settings.school(&app.db).await?.name;
    let subject = t.t2(
        "notif-email-subject",
        "school",
        &school,
        "kind",
        t.t(format!("notif-kind-{kind}")),
    );
    let body = t.tj(
        "notif-email-body",
        serde_json::json!({
            "text": t.tj(key, args),
            "link": format!("{}{link}", app.config.public_url.trim_end_matches('/')),
            "school": school,
        }),
    );
    let now = Utc::now();
    sqlx::query(
        "INSERT INTO email_outbox (user_id, to_addr, subject, body, created_at, next_try_at) VALUES ($1, $2, $3, $4, $5, $5)",
    )
    .bind(user)
    .bind(to)
    .bind(subject)
    .bind(body)
    .bind(now)
    .execute(&mut **tx)
    .await?;
    Ok(())
}

#[derive(FromRow)]
struct Pending {
    id: i64,
    user_id: i64,
    to_addr: String,
    subject: String,
    body: String,
    attempts: i64,
}

/// After this many failures an e-mail is no longer tried (about three days).
pub const MAX_ATTEMPTS: i64 = 20;

/// The wait before attempt `n + 1`: 1, 2, 4 … minutes, at most 6 hours.
pub fn backoff(attempts: i64) -> Duration {
    Duration::minutes((1i64 << attempts.clamp(0, 20)).min(360))
}

/// Sends what is due in the outbox; returns how many went. A refused or failed send is
/// tried again later; a reader in quiet hours gets it when they end.
pub async fn send_due(app: &AppState, mailer: &Mailer, limit: i64) -> anyhow::Result<usize> {
    let now = Utc::now();
    let due: Vec<Pending> = sqlx::query_as(
        "SELECT id, user_id, to_addr, subject, body, CAST(attempts AS BIGINT) AS attempts FROM email_outbox \
         WHERE sent_at IS NULL AND next_try_at <= $1 ORDER BY id LIMIT $2",
    )
    .bind(now)
    .bind(limit)
    .fetch_all(&app.db)
    .await?;
    let mut sent = 0;
    for m in due {
        // Claim the row for a while: another node looking at the same moment skips it,
        // and a crash between the send and the record only delays a retry.
        let claimed = sqlx::query(
            "UPDATE email_outbox SET next_try_at = $1 WHERE id = $2 AND sent_at IS NULL AND next_try_at <= $3",
        )
        .bind(now + Duration::minutes(5))
        .bind(m.id)
        .bind(now)
        .execute(&app.db)
        .await?
        .rows_affected();
        if claimed == 0 {
            continue;
        }
        if m.attempts >= MAX_ATTEMPTS {
            // Kept, with its last error, for the administration to see; not retried.
            postpone(app, m.id, m.attempts, now + Duration::days(3650), None).await?;
            continue;
        }
        if super::quiet_now(&app.db, m.user_id).await?.is_some() {
            postpone(app, m.id, m.attempts, now + Duration::minutes(10), None).await?;
            continue;
        }
        let result = async {
            let email = Message::builder()
                .from(mailer.from.clone())
                .to(m.to_addr.parse()?)
                .subject(&m.subject)
                .body(m.body.clone())?;
            mailer.transport.send(email).await?;
            anyhow::Ok(())
        }
        .await;
        match result {
            Ok(()) => {
                sqlx::query(
                    "UPDATE email_outbox SET sent_at = $1, attempts = attempts + 1 WHERE id = $2",
                )
                .bind(Utc::now())
                .bind(m.id)
                .execute(&app.db)
                .await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(id = m.id, error = %e, "e-mail not sent; will retry");
                let next = now + backoff(m.attempts);
                postpone(app, m.id, m.attempts + 1, next, Some(e.to_string())).await?;
            }
        }
    }
    Ok(sent)
}

async fn postpone(
    app: &AppState,
    id: i64,
    attempts: i64,
    next: DateTime<Utc>,
    error: Option<String>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE email_outbox SET attempts = $1, next_try_at = $2, last_error = COALESCE($3, last_error) WHERE id = $4",
    )
    .bind(attempts)
    .bind(next)
    .bind(error)
    .bind(id)
    .execute(&app.db)
    .await?;
    Ok(())
}

#[cfg(test)]
mod tests {
    #[test]
    fn retries_back_off_to_six_hours() {
        assert_eq!(super::backoff(0).num_minutes(), 1);
        assert_eq!(super::backoff(3).num_minutes(), 8);
        assert_eq!(super::backoff(30).num_minutes(), 360);
    }
}
