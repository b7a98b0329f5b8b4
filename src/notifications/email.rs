//! The e-mail channel: an outbox written with the notification, sent over SMTP (any
//! provider; `SUKU_SMTP_URL` as `smtps://user:pass@host`, or `smtp://…?tls=required`), with
//! retries, and never during the reader's quiet hours.

use lettre::message::Mailbox;
use lettre::{AsyncSmtpTransport, AsyncTransport, Message, Tokio1Executor};

use super::outbox::Outbox;
use super::repo;
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
    let now = app.clock.now();
    let Some(crate::school::repo::Addressee {
        email: Some(to),
        locale,
    }) = crate::school::repo::addressee(&mut **tx, user).await?
    else {
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
    let mail = repo::NewEmail {
        user_id: user,
        to: &to,
        subject: &subject,
        body: &body,
    };
    repo::queue_email(&mut **tx, &mail, now).await?;
    Ok(())
}

const OUTBOX: Outbox = Outbox("email_outbox");

/// Sends what is due in the outbox; returns how many went. A refused or failed send is
/// tried again later; a reader in quiet hours gets it when they end.
pub async fn send_due(app: &AppState, mailer: &Mailer, limit: i64) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let due = repo::due_emails(&app.db, now, limit).await?;
    let mut sent = 0;
    for m in due {
        if !OUTBOX
            .take(&app.db, m.id, m.attempts, m.user_id, now)
            .await?
        {
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
                OUTBOX.sent(&app.db, m.id, now).await?;
                sent += 1;
            }
            Err(e) => {
                tracing::warn!(id = m.id, error = %e, "e-mail not sent; will retry");
                OUTBOX
                    .failed(&app.db, m.id, m.attempts, e.to_string(), now)
                    .await?;
            }
        }
    }
    Ok(sent)
}
