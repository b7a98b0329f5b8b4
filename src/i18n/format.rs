//! Number, money and date formatting as French and English readers expect them.

use super::Locale;

/// Groups thousands: a narrow no-break space in French ("125 000"), a comma in English.
pub fn format_int(locale: Locale, n: i64) -> String {
    let sep = match locale {
        Locale::Fr => '\u{202f}',
        Locale::En => ',',
    };
    let digits = n.unsigned_abs().to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3 + 1);
    if n < 0 {
        out.push('-');
    }
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(sep);
        }
        out.push(c);
    }
    out
}

/// An amount of francs CFA, which have no minor unit: "125 000 FCFA".
pub fn format_xof(locale: Locale, n: i64) -> String {
    format!("{}\u{a0}FCFA", format_int(locale, n))
}

/// A length of time as people say it, from minutes: "45 min", "5 h", "1 h 30" in French
/// ("1 h 30 min" in English), the unit kept on the number's line. Every duration the portal
/// shows (a missed session, a lateness) is written by this one function.
pub fn format_duration(locale: Locale, minutes: i64) -> String {
    let sign = if minutes < 0 { "-" } else { "" };
    let m = minutes.unsigned_abs();
    let (h, rest) = (m / 60, m % 60);
    let hours = format_int(locale, h as i64);
    let text = match (h, rest, locale) {
        (0, r, _) => format!("{r}\u{a0}min"),
        (_, 0, _) => format!("{hours}\u{a0}h"),
        (_, r, Locale::Fr) => format!("{hours}\u{a0}h\u{a0}{r:02}"),
        (_, r, Locale::En) => format!("{hours}\u{a0}h\u{a0}{r:02}\u{a0}min"),
    };
    format!("{sign}{text}")
}

/// A date as written in Togo, day first, in both languages: "24/11/2026".
pub fn format_date(_locale: Locale, d: &chrono::NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn groups_thousands_per_locale() {
        assert_eq!(format_int(Locale::Fr, 0), "0");
        assert_eq!(format_int(Locale::Fr, 999), "999");
        assert_eq!(format_int(Locale::Fr, 125_000), "125\u{202f}000");
        assert_eq!(
            format_int(Locale::Fr, -1_234_567),
            "-1\u{202f}234\u{202f}567"
        );
        assert_eq!(format_int(Locale::En, 2045), "2,045");
    }

    #[test]
    fn money_is_whole_francs() {
        assert_eq!(format_xof(Locale::Fr, 125_000), "125\u{202f}000\u{a0}FCFA");
    }

    #[test]
    fn durations_read_as_people_say_them() {
        let fr = |m| format_duration(Locale::Fr, m).replace('\u{a0}', " ");
        let en = |m| format_duration(Locale::En, m).replace('\u{a0}', " ");
        assert_eq!(fr(300), "5 h");
        assert_eq!(fr(90), "1 h 30");
        assert_eq!(fr(45), "45 min");
        assert_eq!(fr(65), "1 h 05");
        assert_eq!(fr(0), "0 min");
        assert_eq!(fr(55), "55 min");
        assert_eq!(en(90), "1 h 30 min");
        assert_eq!(en(300), "5 h");
        // The unit never leaves its number.
        assert_eq!(format_duration(Locale::Fr, 90), "1\u{a0}h\u{a0}30");
    }

    #[test]
    fn dates_are_day_first() {
        let d = chrono::NaiveDate::from_ymd_opt(2026, 11, 24).unwrap();
        assert_eq!(format_date(Locale::Fr, &d), "24/11/2026");
    }

    #[test]
    fn accept_language_prefers_highest_q() {
        assert_eq!(
            Locale::from_accept_language("en-US,en;q=0.9,fr;q=0.8"),
            Locale::En
        );
        assert_eq!(
            Locale::from_accept_language("de,fr;q=0.5,en;q=0.4"),
            Locale::Fr
        );
        assert_eq!(Locale::from_accept_language("de"), Locale::Fr);
        assert_eq!(Locale::from_accept_language(""), Locale::Fr);
    }
}
