//! Password hashing with argon2id, off the async threads (a hash takes tens of milliseconds).

use argon2::Argon2;
use argon2::password_hash::{PasswordHash, PasswordHasher, PasswordVerifier, SaltString};
use rand::Rng;

/// The shortest password accepted.
pub const MIN_LEN: usize = 8;
/// The longest password accepted (hashing very long inputs is a denial-of-service vector).
pub const MAX_LEN: usize = 128;

/// Hashes a password into a PHC string.
pub fn hash_blocking(password: &str) -> anyhow::Result<String> {
    let bytes: [u8; 16] = rand::rng().random();
    let salt = SaltString::encode_b64(&bytes).map_err(|e| anyhow::anyhow!("salt: {e}"))?;
    Ok(Argon2::default()
        .hash_password(password.as_bytes(), &salt)
        .map_err(|e| anyhow::anyhow!("hash: {e}"))?
        .to_string())
}

/// Hashes on the blocking pool.
pub async fn hash(password: String) -> anyhow::Result<String> {
    tokio::task::spawn_blocking(move || hash_blocking(&password)).await?
}

/// Checks a password against a PHC string, on the blocking pool. A malformed hash never
/// matches.
pub async fn verify(password: String, phc: String) -> bool {
    tokio::task::spawn_blocking(move || {
        PasswordHash::new(&phc)
            .map(|h| {
                Argon2::default()
                    .verify_password(password.as_bytes(), &h)
                    .is_ok()
            })
            .unwrap_or(false)
    })
    .await
    .unwrap_or(false)
}

/// A hash that no password matches, verified against when the account does not exist so that
/// timing does not reveal which logins are real.
pub fn dummy_hash() -> &'static str {
    "$argon2id$v=19$m=19456,t=2,p=1$c3VrdWR1bW15c2FsdA$Rr7i2W6oZbFz2TpnZP9mQmVYGcn1i0vO2uCw7n1tqXc"
}

/// Checks a new password's length; returns the catalog key of the problem.
pub fn check_new(password: &str) -> Result<(), &'static str> {
    // The passwords tried first by anyone guessing, whatever their length.
    const COMMON: &[&str] = &[
        "12345678",
        "123456789",
        "1234567890",
        "87654321",
        "00000000",
        "11111111",
        "12341234",
        "password",
        "motdepasse",
        "azertyui",
        "azertyuiop",
        "qwertyui",
        "qwertyuiop",
        "iloveyou",
        "bonjour1",
        "togo2026",
        "lome2026",
        "password1",
        "motdepasse1",
    ];
    let n = password.chars().count();
    let first = password.chars().next().unwrap_or(' ');
    if n < MIN_LEN {
        Err("error-password-short")
    } else if n > MAX_LEN {
        Err("error-too-long")
    } else if COMMON.contains(&password.to_lowercase().as_str())
        || password.chars().all(|c| c == first)
    {
        Err("error-password-common")
    } else {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[tokio::test]
    async fn hash_then_verify() {
        let h = hash("kpalimé-2026".into()).await.unwrap();
        assert!(h.starts_with("$argon2id$"));
        assert!(verify("kpalimé-2026".into(), h.clone()).await);
        assert!(!verify("kpalime-2026".into(), h).await);
        assert!(!verify("x".into(), "garbage".into()).await);
        assert!(!verify("x".into(), dummy_hash().into()).await);
    }

    #[test]
    fn new_password_rules() {
        assert_eq!(check_new("court"), Err("error-password-short"));
        assert!(check_new("assez-long").is_ok());
        assert_eq!(check_new(&"x".repeat(129)), Err("error-too-long"));
        assert_eq!(check_new("12345678"), Err("error-password-common"));
        assert_eq!(check_new("aaaaaaaaaa"), Err("error-password-common"));
    }
}
