//! Text messages, the channel Togolese families read: notifications a parent chose to get
//! by SMS, password reset codes, reminders of fees. A message is written to the outbox in
//! the transaction of what it tells, counted in segments (160 GSM characters, or 70 when
//! the text needs Unicode; 153 and 67 per part when it is split), and refused when it would
//! pass the school's monthly budget or a person's daily cap. The sender (`provider.rs`) is
//! Twilio, a URL gateway, or the demo operator.

pub mod provider;
pub mod repo;
pub mod routes;

pub use provider::Sender;
pub use routes::router;

use chrono::{DateTime, Datelike, TimeZone, Utc};

use crate::app::AppState;
use crate::db::Tx;
use crate::notifications::outbox::Outbox;

/// GSM 03.38's basic character set: one septet each.
const GSM_BASIC: &str = "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ !\"#¤%&'()*+,-./0123456789:;<=>?¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§¿abcdefghijklmnopqrstuvwxyzäöñüà";
/// Its extension table: two septets each (an escape, then the character).
const GSM_EXTENDED: &str = "^{}\\[~]|€\x0c";

/// How a text travels: GSM 7-bit when every character is in the GSM alphabet, UCS-2 else.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Encoding {
    Gsm,
    Ucs2,
}

/// The encoding of `text` and the number of segments it takes.
pub fn segments(text: &str) -> (Encoding, i64) {
    let mut septets = 0i64;
    let mut gsm = true;
    for c in text.chars() {
        if GSM_BASIC.contains(c) {
            septets += 1;
        } else if GSM_EXTENDED.contains(c) {
            septets += 2;
        } else {
            gsm = false;
            break;
        }
    }
    if gsm {
        let n = if septets <= 160 {
            1
        } else {
            (septets + 152) / 153
        };
        return (Encoding::Gsm, n.max(1));
    }
    // UCS-2 counts UTF-16 units: a character outside the BMP (an emoji) takes two.
    let units = text.encode_utf16().count() as i64;
    let n = if units <= 70 { 1 } else { (units + 66) / 67 };
    (Encoding::Ucs2, n.max(1))
}

/// Replaces the typographic characters that would force Unicode (and cut a message to 70
/// characters) by their GSM look-alikes: French keeps its accents that GSM has (é, è, à,
/// ù…), loses the others' accents (ê → e, ç → c, ô → o).
pub fn to_gsm(text: &str) -> String {
    text.chars()
        .map(|c| match c {
            '’' | '‘' => '\'',
            '“' | '”' | '«' | '»' => '"',
            '–' | '—' => '-',
            '\u{a0}' | '\u{202f}' => ' ',
            'ê' | 'ë' => 'e',
            'â' => 'a',
            'î' | 'ï' => 'i',
            'ô' => 'o',
            'û' => 'u',
            'ç' => 'c',
            'Ê' | 'Ë' | 'È' => 'E',
            'À' | 'Â' => 'A',
            'Î' => 'I',
            'Ô' => 'O',
            'Û' | 'Ù' => 'U',
            c => c,
        })
        .collect()
}

/// Why a message was not queued.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Refused {
    /// The school's budget for the month is spent.
    Budget,
    /// This person had their share of messages today.
    DailyCap,
    /// Longer than the school allows one message to be.
    TooLong,
}

/// A message to queue.
pub struct Outgoing<'a> {
    pub user_id: Option<i64>,
    pub to: &'a str,
    pub body: &'a str,
    /// `notification`, `reset` or `reminder`.
    pub purpose: &'static str,
    /// The student a fees reminder is about.
    pub student_id: Option<i64>,
}

/// The most segments one message may take (a notification is one or two).
pub const MAX_SEGMENTS: i64 = 3;

/// The first instant of the month `now` is in.
fn month_start(now: DateTime<Utc>) -> DateTime<Utc> {
    Utc.with_ymd_and_hms(now.year(), now.month(), 1, 0, 0, 0)
        .single()
        .unwrap_or(now)
}

/// Queues a message in the caller's transaction, after the budget and the cap. A message
/// the budget refuses tells the director, once a month, that the budget is spent.
pub async fn queue(
    tx: &mut Tx<'_>,
    app: &AppState,
    m: &Outgoing<'_>,
    now: DateTime<Utc>,
) -> anyhow::Result<Result<i64, Refused>> {
    let body = to_gsm(m.body);
    let (_, n) = segments(&body);
    if n > MAX_SEGMENTS {
        return Ok(Err(Refused::TooLong));
    }
    let settings = crate::settings::sms_in(&mut **tx).await?;
    let used = repo::segments_since(&mut **tx, month_start(now)).await?;
    if used + n > settings.monthly_budget {
        budget_spent(tx, app, now).await?;
        return Ok(Err(Refused::Budget));
    }
    // Reset codes are rate-limited on their own; the cap is for what the school sends.
    if m.purpose != "reset"
        && let Some(user) = m.user_id
    {
        let today = now - chrono::Duration::hours(24);
        if repo::count_to_user_since(&mut **tx, user, today).await? >= settings.daily_per_person {
            return Ok(Err(Refused::DailyCap));
        }
    }
    let id = repo::insert(&mut **tx, m.user_id, m.to, &body, n, m.purpose, now).await?;
    if let Some(student) = m.student_id {
        repo::set_student(&mut **tx, id, student).await?;
    }
    Ok(Ok(id))
}

/// Tells the director (in the app) that this month's budget is spent, once a month.
async fn budget_spent(tx: &mut Tx<'_>, app: &AppState, now: DateTime<Utc>) -> anyhow::Result<()> {
    let month = now.format("%Y-%m").to_string();
    let told = crate::settings::raw(&mut **tx, "sms_budget_spent").await?;
    if told.as_deref() == Some(serde_json::to_string(&month)?.as_str()) {
        return Ok(());
    }
    crate::settings::store(&mut **tx, "sms_budget_spent", &month).await?;
    tracing::warn!(%month, "SMS budget spent");
    for director in crate::school::repo::directors(&mut **tx).await? {
        crate::notifications::tell(
            tx,
            &crate::notifications::Note {
                user_id: director,
                kind: "system",
                key: "sms-budget-spent",
                args: serde_json::json!({}),
                link: "/admin/sms".into(),
            },
            now,
        )
        .await?;
    }
    let _ = app;
    Ok(())
}

const OUTBOX: Outbox = Outbox("sms_outbox");

/// Sends what is due; returns how many went. A refused message is kept with its error and
/// not tried again; a failed one is retried with backoff. Notifications wait for the end
/// of the reader's quiet hours; a reset code goes at once.
pub async fn send_due(app: &AppState, sender: &dyn Sender, limit: i64) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let due = repo::due(&app.db, now, limit).await?;
    let mut sent = 0;
    for m in due {
        let taken = match (m.purpose.as_str(), m.user_id) {
            ("notification", Some(user)) => {
                OUTBOX.take(&app.db, m.id, m.attempts, user, now).await?
            }
            _ => OUTBOX.claim(&app.db, m.id, now).await?,
        };
        if !taken {
            continue;
        }
        match sender.send(&m.to_phone, &m.body).await {
            Ok(reference) => {
                OUTBOX.sent(&app.db, m.id, now).await?;
                repo::set_reference(&app.db, m.id, reference.as_deref()).await?;
                sent += 1;
            }
            Err(e) if e.retry => {
                tracing::warn!(id = m.id, error = %e.message, "SMS not sent; will retry");
                OUTBOX
                    .failed(&app.db, m.id, m.attempts, e.message, now)
                    .await?;
            }
            Err(e) => {
                tracing::warn!(id = m.id, error = %e.message, "SMS refused by the provider");
                OUTBOX.give_up(&app.db, m.id, Some(e.message), now).await?;
            }
        }
    }
    Ok(sent)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn texts_are_counted_in_gsm_or_unicode_segments() {
        assert_eq!(segments("Bonjour"), (Encoding::Gsm, 1));
        assert_eq!(segments(&"a".repeat(160)), (Encoding::Gsm, 1));
        assert_eq!(segments(&"a".repeat(161)), (Encoding::Gsm, 2));
        assert_eq!(segments(&"a".repeat(306)), (Encoding::Gsm, 2));
        assert_eq!(segments(&"a".repeat(307)), (Encoding::Gsm, 3));
        // The euro sign takes two septets.
        assert_eq!(segments(&"€".repeat(80)), (Encoding::Gsm, 1));
        assert_eq!(segments(&"€".repeat(81)), (Encoding::Gsm, 2));
        // "ê" is not GSM: the whole text goes as Unicode.
        assert_eq!(segments("Fête"), (Encoding::Ucs2, 1));
        assert_eq!(segments(&"ê".repeat(71)), (Encoding::Ucs2, 2));
        assert_eq!(segments(&"😀".repeat(35)), (Encoding::Ucs2, 1));
        assert_eq!(segments(&"😀".repeat(36)), (Encoding::Ucs2, 2));
    }

    #[test]
    fn french_typography_is_kept_within_gsm() {
        let t = to_gsm("L’élève a reçu « très bien » – fête à 10 h");
        assert_eq!(t, "L'élève a recu \" très bien \" - fete à 10 h");
        assert_eq!(segments(&t).0, Encoding::Gsm);
    }
}
