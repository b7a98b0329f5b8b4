//! The seal of the school's printed documents: a short code that proves a paper came from
//! the school (a receipt, a certificate, a student card), and the QR code of the public page
//! that checks it. One secret signs them all, made once and kept in the settings table, so
//! every node signs alike and a code printed years ago still verifies.

use hmac::{Hmac, Mac};
use sha2::Sha256;

use crate::db::Pool;

/// The setting that holds the secret (named after the first document that used it).
const KEY_SETTING: &str = "receipt_key";

/// The school's secret.
pub async fn key(db: &Pool) -> anyhow::Result<Vec<u8>> {
    let fresh: String = (0..32)
        .map(|_| format!("{:02x}", rand::random::<u8>()))
        .collect();
    let hex: String = crate::settings::keep_first(db, KEY_SETTING, &fresh).await?;
    Ok(hex.into_bytes())
}

/// The code of a document's facts (`"receipt:12:R2026-000012:10000"`): 16 hex digits.
pub fn code(key: &[u8], facts: &str) -> String {
    let mut mac = Hmac::<Sha256>::new_from_slice(key).expect("HMAC takes any key");
    mac.update(facts.as_bytes());
    mac.finalize().into_bytes()[..8]
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

/// Whether a code given in an address is the expected one (compared in constant time).
pub fn matches(expected: &str, given: &str) -> bool {
    expected.len() == given.len()
        && expected
            .bytes()
            .zip(given.bytes())
            .fold(0u8, |acc, (a, b)| acc | (a ^ b))
            == 0
}

/// The QR code of an address, as SVG.
pub fn qr_svg(url: &str) -> anyhow::Result<Vec<u8>> {
    let code = qrcode::QrCode::with_error_correction_level(url, qrcode::EcLevel::M)?;
    Ok(code
        .render::<qrcode::render::svg::Color>()
        .min_dimensions(200, 200)
        .quiet_zone(true)
        .build()
        .into_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn codes_differ_with_the_facts_and_compare_exactly() {
        let a = code(b"k", "doc:1:CS-2026-0001");
        assert_eq!(a.len(), 16);
        assert_ne!(a, code(b"k", "doc:2:CS-2026-0001"));
        assert_ne!(a, code(b"other", "doc:1:CS-2026-0001"));
        assert!(matches(&a, &a.clone()));
        assert!(!matches(&a, &a[..15]));
        assert!(!matches(&a, "0000000000000000"));
    }
}
