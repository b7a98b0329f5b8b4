//! The Web Push channel: each person's devices (browser push subscriptions), the pushes to
//! send, written with the notification they carry, and their delivery to the browser's push
//! service, encrypted for the device (RFC 8291) and signed with the school's VAPID key
//! (RFC 8292), with retries and never during the reader's quiet hours.
//!
//! The VAPID key comes from `SUKU_VAPID_PRIVATE_KEY` (base64url of the 32-byte P-256
//! scalar); without it, the server makes one the first time and keeps it in the settings,
//! so that devices stay subscribed across restarts and nodes.

use std::time::Duration as StdDuration;

use axum::http;
use base64::Engine;
use base64::engine::general_purpose::URL_SAFE_NO_PAD as B64;
use chrono::{DateTime, Utc};
use p256::ecdsa::SigningKey;
use p256::ecdsa::signature::Signer;
use serde::{Deserialize, Serialize};
use web_push_native::{Auth, WebPushBuilder};

use super::outbox::Outbox;
use super::repo::{self, PendingPush};
use crate::app::AppState;
use crate::db::{Pool, Tx};
use crate::i18n::{Locale, Tr};

const OUTBOX: Outbox = Outbox("push_outbox");

/// Devices one person may keep subscribed; the oldest goes when a new one comes.
pub const MAX_DEVICES: i64 = 10;

/// How long a push service keeps a push for a device that is off (the TTL header).
const TTL: StdDuration = StdDuration::from_secs(12 * 3600);

/// The settings section that keeps the generated VAPID key.
const SETTINGS_KEY: &str = "web_push";

#[derive(Serialize, Deserialize)]
struct StoredKey {
    private_key: String,
}

/// The school's VAPID key pair: from the configuration, else the stored one, else a new
/// one, stored (the first node to store it wins; the others read it back).
pub async fn key_pair(app: &AppState) -> anyhow::Result<SigningKey> {
    if let Some(k) = &app.config.vapid_private_key {
        return parse_key(k).map_err(|e| anyhow::anyhow!("SUKU_VAPID_PRIVATE_KEY: {e}"));
    }
    if let Some(stored) = crate::settings::load::<StoredKey>(&app.db, SETTINGS_KEY).await? {
        return parse_key(&stored.private_key);
    }
    // A random 32-byte scalar; one out of range (about 2^-32) is drawn again.
    let key = loop {
        let bytes: [u8; 32] = rand::random();
        if let Ok(k) = SigningKey::from_slice(&bytes) {
            break k;
        }
    };
    let fresh = StoredKey {
        private_key: B64.encode(key.to_bytes()),
    };
    crate::settings::store_if_absent(&app.db, SETTINGS_KEY, &fresh).await?;
    Box::pin(key_pair(app)).await
}

/// Reads a VAPID private key (base64url of the 32-byte scalar).
pub fn parse_key(b64: &str) -> anyhow::Result<SigningKey> {
    let bytes = B64.decode(b64.trim().trim_end_matches('='))?;
    SigningKey::from_slice(&bytes).map_err(|e| anyhow::anyhow!("invalid P-256 key: {e}"))
}

/// The public key browsers subscribe with (`applicationServerKey`), base64url of the
/// uncompressed point.
pub fn public_key(key: &SigningKey) -> String {
    B64.encode(key.verifying_key().to_encoded_point(false).as_bytes())
}

/// The `Authorization` of a push to `endpoint` (RFC 8292): `vapid t=<JWT>, k=<public key>`,
/// the JWT signed with ES256 for the push service's origin, valid `valid` from `now` (the
/// wall's time: the push service checks it with its own clock; at most 24 hours).
pub fn vapid(
    key: &SigningKey,
    endpoint: &http::Uri,
    contact: &str,
    now: DateTime<Utc>,
    valid: StdDuration,
) -> Option<String> {
    let scheme = endpoint.scheme_str()?;
    let authority = endpoint.authority()?;
    // The origin: a port only when it is not the scheme's own.
    let default_port = match scheme {
        "https" => Some(443),
        "http" => Some(80),
        _ => None,
    };
    let aud = match authority.port_u16() {
        Some(p) if Some(p) != default_port => format!("{scheme}://{}:{p}", authority.host()),
        _ => format!("{scheme}://{}", authority.host()),
    };
    let exp = now.timestamp() + valid.as_secs().min(24 * 3600) as i64;
    let head = B64.encode(br#"{"typ":"JWT","alg":"ES256"}"#);
    let claims = B64.encode(
        serde_json::json!({ "aud": aud, "exp": exp, "sub": contact })
            .to_string()
            .as_bytes(),
    );
    let signed = format!("{head}.{claims}");
    let signature: p256::ecdsa::Signature = key.sign(signed.as_bytes());
    Some(format!(
        "vapid t={signed}.{}, k={}",
        B64.encode(signature.to_bytes()),
        public_key(key)
    ))
}

/// The push services of the browsers people use (Chrome and Android, Firefox, Edge,
/// Safari), by domain.
pub const PUSH_SERVICES: [&str; 5] = [
    "fcm.googleapis.com",
    "android.googleapis.com",
    "push.services.mozilla.com",
    "notify.windows.com",
    "push.apple.com",
];

/// Why a subscription sent by a browser is refused.
#[derive(Debug, PartialEq, Eq)]
pub enum Refused {
    /// Not an https URL (or http, where allowed), or too long.
    Endpoint,
    /// The device key is not a P-256 point, or the secret not 16 bytes.
    Keys,
}

/// A checked subscription.
pub struct Device {
    endpoint: String,
    p256dh: String,
    auth: String,
}

/// Checks what `PushSubscription.toJSON()` gave: the push service's URL and the device's
/// keys. `allow_http` admits plain http (a push service on the school's network, tests).
pub fn check(
    endpoint: &str,
    p256dh: &str,
    auth: &str,
    allow_http: bool,
) -> Result<Device, Refused> {
    let endpoint = endpoint.trim();
    let uri: http::Uri = endpoint.parse().map_err(|_| Refused::Endpoint)?;
    let scheme_ok = match uri.scheme_str() {
        Some("https") => true,
        Some("http") => allow_http,
        _ => false,
    };
    let host = uri.host().unwrap_or("").to_ascii_lowercase();
    if !scheme_ok || host.is_empty() || endpoint.len() > 1000 {
        return Err(Refused::Endpoint);
    }
    // The server posts to this address: only the browsers' push services, never a host of
    // the school's network (unless allowed, for a push service of its own).
    let known = PUSH_SERVICES
        .iter()
        .any(|d| host == *d || host.ends_with(&format!(".{d}")));
    if !known && !allow_http {
        return Err(Refused::Endpoint);
    }
    let (p256dh, auth) = (p256dh.trim(), auth.trim());
    let key = B64
        .decode(p256dh.trim_end_matches('='))
        .map_err(|_| Refused::Keys)?;
    let secret = B64
        .decode(auth.trim_end_matches('='))
        .map_err(|_| Refused::Keys)?;
    if p256::PublicKey::from_sec1_bytes(&key).is_err() || secret.len() != 16 {
        return Err(Refused::Keys);
    }
    Ok(Device {
        endpoint: endpoint.to_string(),
        p256dh: B64.encode(key),
        auth: B64.encode(secret),
    })
}

/// Keeps `device` for `user` (a device that was someone else's, on a shared computer, is
/// now this user's); returns its id. At most [`MAX_DEVICES`] per person.
pub async fn subscribe(
    db: &Pool,
    user: i64,
    device: &Device,
    agent: &str,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let mut tx = crate::db::begin_write(db).await?;
    let agent: String = agent.chars().take(200).collect();
    let new = repo::NewDevice {
        endpoint: &device.endpoint,
        p256dh: &device.p256dh,
        auth: &device.auth,
        user_agent: &agent,
    };
    let id = repo::subscribe(&mut tx, user, &new, MAX_DEVICES, now).await?;
    tx.commit().await?;
    Ok(id)
}

/// Forgets one of `user`'s devices (by id or by endpoint); returns whether it was theirs.
pub async fn unsubscribe(
    db: &Pool,
    user: i64,
    id: Option<i64>,
    endpoint: Option<&str>,
) -> Result<bool, sqlx::Error> {
    Ok(repo::unsubscribe(db, user, id, endpoint).await? > 0)
}

/// How many devices `user` has subscribed.
pub async fn devices(db: &Pool, user: i64) -> Result<i64, sqlx::Error> {
    repo::devices(db, user).await
}

/// What the service worker shows.
#[derive(Serialize, Deserialize, Debug, PartialEq)]
pub struct Payload {
    /// The school's name.
    pub title: String,
    /// The notification's text, in the reader's language.
    pub body: String,
    /// The page to open (a path of this site).
    pub url: String,
    /// One notification per kind replaces the previous one on the device.
    pub tag: String,
}

/// Writes a push for each of `user`'s devices into the outbox, in the reader's language,
/// inside the notification's transaction. Messages are urgent; the rest is normal.
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
    let subs = repo::devices_of(&mut **tx, user).await?;
    let Some((_, locale)) = subs.first() else {
        return Ok(());
    };
    let t = Tr::new(app.i18n.clone(), Locale::parse(locale).unwrap_or_default());
    let payload = Payload {
        title: app.settings.school(&app.db).await?.name,
        body: t.tj(key, args).chars().take(300).collect(),
        url: link.to_string(),
        tag: kind.to_string(),
    };
    let payload = serde_json::to_string(&payload)?;
    let urgency = if kind == "message" { "high" } else { "normal" };
    for (sub, _) in &subs {
        let push = repo::NewPush {
            subscription_id: *sub,
            user_id: user,
            payload: &payload,
            urgency,
        };
        repo::queue_push(&mut **tx, &push, now).await?;
    }
    Ok(())
}

/// Sends pushes: the HTTP client and the school's key.
pub struct Pusher {
    client: reqwest::Client,
    key: SigningKey,
    contact: String,
}

impl Pusher {
    /// The pusher of `app`, with its VAPID key; the contact is the sender of e-mails.
    pub async fn new(app: &AppState) -> anyhow::Result<Pusher> {
        let from = &app.config.mail_from;
        let address = from
            .rsplit_once('<')
            .map(|(_, a)| a.trim_end_matches('>'))
            .unwrap_or(from)
            .trim();
        Ok(Pusher {
            client: reqwest::Client::builder()
                .timeout(StdDuration::from_secs(20))
                .redirect(reqwest::redirect::Policy::none())
                .build()?,
            key: key_pair(app).await?,
            contact: format!("mailto:{address}"),
        })
    }
}

/// What the push service said.
enum Outcome {
    Delivered,
    /// The device is gone (404, 410): its subscription is forgotten.
    Gone,
    /// The push itself is refused (400, 403, 413): not tried again.
    Refused(String),
    /// Later (429, 5xx, the network).
    Retry(String),
}

async fn deliver(pusher: &Pusher, m: &PendingPush) -> Outcome {
    let built = (|| {
        let key = B64.decode(&m.p256dh).ok()?;
        let ua = p256::PublicKey::from_sec1_bytes(&key).ok()?;
        let auth = B64.decode(&m.auth).ok().filter(|a| a.len() == 16)?;
        let endpoint: http::Uri = m.endpoint.parse().ok()?;
        let authorization = vapid(
            &pusher.key,
            &endpoint,
            &pusher.contact,
            crate::clock::wall(),
            TTL,
        )?;
        let request = WebPushBuilder::new(endpoint, ua, Auth::clone_from_slice(&auth))
            .with_valid_duration(TTL)
            .build(m.payload.as_bytes())
            .ok()?;
        let (mut parts, body) = request.into_parts();
        parts
            .headers
            .insert("urgency", http::HeaderValue::from_str(&m.urgency).ok()?);
        parts.headers.insert(
            http::header::AUTHORIZATION,
            http::HeaderValue::from_str(&authorization).ok()?,
        );
        reqwest::Request::try_from(http::Request::from_parts(parts, body)).ok()
    })();
    let Some(request) = built else {
        return Outcome::Refused("subscription cannot be encrypted for".into());
    };
    match pusher.client.execute(request).await {
        Ok(r) => {
            let status = r.status().as_u16();
            let text: String = r
                .text()
                .await
                .unwrap_or_default()
                .chars()
                .take(200)
                .collect();
            match status {
                200..=299 => Outcome::Delivered,
                404 | 410 => Outcome::Gone,
                400 | 403 | 413 => Outcome::Refused(format!("{status} {text}")),
                _ => Outcome::Retry(format!("{status} {text}")),
            }
        }
        Err(e) => Outcome::Retry(e.to_string()),
    }
}

/// Sends what is due in the push outbox; returns how many were delivered.
pub async fn send_due(app: &AppState, pusher: &Pusher, limit: i64) -> anyhow::Result<usize> {
    let now = app.clock.now();
    let due = repo::due_pushes(&app.db, now, limit).await?;
    let mut delivered = 0;
    for m in due {
        if !OUTBOX
            .take(&app.db, m.id, m.attempts, m.user_id, now)
            .await?
        {
            continue;
        }
        match deliver(pusher, &m).await {
            Outcome::Delivered => {
                OUTBOX.sent(&app.db, m.id, now).await?;
                repo::device_ok(&app.db, m.subscription_id, app.clock.now()).await?;
                delivered += 1;
            }
            Outcome::Gone => {
                tracing::info!(
                    subscription = m.subscription_id,
                    "push device gone; forgotten"
                );
                repo::forget_device(&app.db, m.subscription_id).await?;
            }
            Outcome::Refused(e) => {
                tracing::warn!(id = m.id, error = %e, "push refused; not retried");
                OUTBOX.give_up(&app.db, m.id, Some(e), now).await?;
            }
            Outcome::Retry(e) => {
                tracing::warn!(id = m.id, error = %e, "push not sent; will retry");
                OUTBOX.failed(&app.db, m.id, m.attempts, e, now).await?;
            }
        }
    }
    Ok(delivered)
}

#[cfg(test)]
mod tests {
    use super::*;

    const KEY: &str =
        "BCVxsr7N_eNgVRqvHtD0zTZsEc6-VV-JvLexhqUzORcxaOzi6-AYWXvTBHm4bjyPjs7Vd8pZGH6SRpkNtoIAiw4";
    const AUTH: &str = "BTBZMqHH6r4Tts7J_aSIgg";

    #[test]
    fn subscriptions_are_checked() {
        assert!(check("https://fcm.googleapis.com/fcm/send/a", KEY, AUTH, false).is_ok());
        assert!(
            check(
                "https://updates.push.services.mozilla.com/wpush/v2/a",
                KEY,
                AUTH,
                false
            )
            .is_ok()
        );
        assert!(check("https://web.push.apple.com/a", KEY, AUTH, false).is_ok());
        for bad in [
            "http://fcm.googleapis.com/a",
            "https://10.0.0.1/a",
            "https://localhost/a",
            "https://intranet.ecole.tg/a",
            "https://fcm.googleapis.com.evil.tg/a",
        ] {
            assert_eq!(
                check(bad, KEY, AUTH, false).err(),
                Some(Refused::Endpoint),
                "{bad}"
            );
        }
        assert!(check("http://127.0.0.1:9/a", KEY, AUTH, true).is_ok());
        assert_eq!(
            check("javascript:x", KEY, AUTH, true).err(),
            Some(Refused::Endpoint)
        );
        assert_eq!(
            check("https://fcm.googleapis.com/a", "AAAA", AUTH, false).err(),
            Some(Refused::Keys)
        );
        assert_eq!(
            check("https://fcm.googleapis.com/a", KEY, "AAAA", false).err(),
            Some(Refused::Keys)
        );
    }

    #[test]
    fn the_vapid_token_is_an_es256_jwt_for_the_push_services_origin() {
        use p256::ecdsa::signature::Verifier;
        let key = SigningKey::from_slice(&[3u8; 32]).unwrap();
        let now = chrono::DateTime::from_timestamp(1_800_000_000, 0).unwrap();
        let endpoint: http::Uri = "https://fcm.googleapis.com:443/fcm/send/abc"
            .parse()
            .unwrap();
        let h = vapid(&key, &endpoint, "mailto:a@b.tg", now, TTL).unwrap();
        let (t, k) = h
            .strip_prefix("vapid t=")
            .unwrap()
            .split_once(", k=")
            .unwrap();
        assert_eq!(k, public_key(&key));
        let parts: Vec<&str> = t.split('.').collect();
        let claims: serde_json::Value =
            serde_json::from_slice(&B64.decode(parts[1]).unwrap()).unwrap();
        assert_eq!(claims["aud"], "https://fcm.googleapis.com");
        assert_eq!(claims["exp"], 1_800_000_000 + 12 * 3600);
        assert_eq!(claims["sub"], "mailto:a@b.tg");
        let sig = p256::ecdsa::Signature::from_slice(&B64.decode(parts[2]).unwrap()).unwrap();
        key.verifying_key()
            .verify(format!("{}.{}", parts[0], parts[1]).as_bytes(), &sig)
            .unwrap();
        // A push service on another port is another origin.
        let local: http::Uri = "http://127.0.0.1:8443/p".parse().unwrap();
        let h = vapid(&key, &local, "mailto:a@b.tg", now, TTL).unwrap();
        let t = h.strip_prefix("vapid t=").unwrap();
        let claims: serde_json::Value =
            serde_json::from_slice(&B64.decode(t.split('.').nth(1).unwrap()).unwrap()).unwrap();
        assert_eq!(claims["aud"], "http://127.0.0.1:8443");
    }

    #[test]
    fn a_push_decrypts_on_the_device() {
        // The device's side, as a browser holds it.
        let ua_secret = p256::SecretKey::from_slice(&[7u8; 32]).unwrap();
        let ua_public = ua_secret.public_key();
        let auth = Auth::clone_from_slice(&[9u8; 16]);
        let body = web_push_native::encrypt(b"Bonjour".to_vec(), &ua_public, &auth).unwrap();
        // The header carries the record size and the sender's one-time public key.
        assert_eq!(body[20], 65);
        let plain = web_push_native::decrypt(body, &ua_secret, &auth).unwrap();
        assert_eq!(plain, b"Bonjour");
    }
}
