//! Validated values shared by several features: they can only be built valid.

use std::fmt;

/// A Togolese phone number, always stored as `+228` followed by 8 digits.
#[derive(Clone, Debug, PartialEq, Eq, Hash)]
pub struct Phone(String);

impl Phone {
    /// Accepts "90 12 34 56", "90123456", "+228 90123456", "00228 90-12-34-56", "228…".
    /// Returns the catalog key of the problem otherwise.
    pub fn parse(input: &str) -> Result<Phone, &'static str> {
        let trimmed = input.trim();
        if trimmed.is_empty() {
            return Err("error-phone-format");
        }
        if trimmed.chars().any(|c| {
            !(c.is_ascii_digit() || matches!(c, ' ' | '-' | '.' | '+' | '(' | ')' | '\u{a0}'))
        }) {
            return Err("error-phone-format");
        }
        let plus = trimmed.starts_with('+');
        let digits: String = trimmed.chars().filter(|c| c.is_ascii_digit()).collect();
        let local = if let Some(rest) = digits.strip_prefix("00228") {
            rest
        } else if let Some(rest) = digits.strip_prefix("228").filter(|r| plus || r.len() == 8) {
            rest
        } else if plus {
            return Err("error-phone-country");
        } else {
            digits.as_str()
        };
        if local.len() != 8 {
            return Err("error-phone-format");
        }
        // Togolese mobile and fixed numbers start with 2 (fixed), 7 or 9 (mobile).
        if !matches!(local.as_bytes()[0], b'2' | b'7' | b'9') {
            return Err("error-phone-format");
        }
        Ok(Phone(format!("+228{local}")))
    }

    /// The normalized form, `+22890123456`.
    pub fn as_str(&self) -> &str {
        &self.0
    }

    /// The readable form, `+228 90 12 34 56`.
    pub fn display(&self) -> String {
        let l = &self.0[4..];
        format!("+228 {} {} {} {}", &l[0..2], &l[2..4], &l[4..6], &l[6..8])
    }
}

impl fmt::Display for Phone {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.display())
    }
}

/// A stored phone as a printed paper may show it: the operator's prefix and the last two
/// digits, "+228 99 •• •• 74" (enough for the family to know their number, not enough for
/// whoever finds the paper). Anything unexpected is hidden whole but its last two digits.
pub fn masked_phone(stored: &str) -> String {
    match Phone::parse(stored) {
        Ok(p) => {
            let l = &p.0[4..];
            format!("+228 {} •• •• {}", &l[0..2], &l[6..8])
        }
        Err(_) => {
            let digits: Vec<char> = stored.chars().filter(|c| c.is_ascii_digit()).collect();
            let tail: String = digits[digits.len().saturating_sub(2)..].iter().collect();
            format!("•• •• {tail}")
        }
    }
}

/// Formats a stored phone for display, leaving anything unexpected as it is.
pub fn display_phone(stored: &str) -> String {
    Phone::parse(stored)
        .map(|p| p.display())
        .unwrap_or_else(|_| stored.to_string())
}

/// The WhatsApp chat address of a stored phone ("https://wa.me/22890112233"): staff write
/// to families where families already are.
pub fn wa_me(stored: &str) -> String {
    let digits: String = stored.chars().filter(|c| c.is_ascii_digit()).collect();
    format!("https://wa.me/{digits}")
}

/// An e-mail address, trimmed and lowercased, checked for a plausible shape.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Email(String);

impl Email {
    /// Parses an address; the catalog key of the problem otherwise.
    pub fn parse(input: &str) -> Result<Email, &'static str> {
        let s = input.trim().to_lowercase();
        if s.len() > 254 {
            return Err("error-too-long");
        }
        let Some((local, domain)) = s.split_once('@') else {
            return Err("error-email-format");
        };
        let ok = !local.is_empty()
            && domain.contains('.')
            && !domain.starts_with('.')
            && !domain.ends_with('.')
            && !s.chars().any(|c| c.is_whitespace() || c == '<' || c == '>');
        if ok {
            Ok(Email(s))
        } else {
            Err("error-email-format")
        }
    }

    /// The normalized address.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// A required text field of at most `max` characters, trimmed.
pub fn required_text(input: &str, max: usize) -> Result<String, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        Err("error-required")
    } else if s.chars().count() > max {
        Err("error-too-long")
    } else {
        Ok(s.to_string())
    }
}

/// An optional text field of at most `max` characters: empty becomes `None`.
pub fn optional_text(input: &str, max: usize) -> Result<Option<String>, &'static str> {
    let s = input.trim();
    if s.is_empty() {
        Ok(None)
    } else if s.chars().count() > max {
        Err("error-too-long")
    } else {
        Ok(Some(s.to_string()))
    }
}

/// Folds text for sorting and searching: lowercase, without accents (French and Ewe
/// letters alike), apostrophes dropped, hyphens and runs of spaces as one space.
/// "D'Almeida" → "dalmeida", "Essowèda" → "essoweda", "Ɖɔkɔ" → "doko".
pub fn fold(input: &str) -> String {
    let mut out = String::with_capacity(input.len());
    for c in input.chars().flat_map(char::to_lowercase) {
        let mapped: &str = match c {
            'à' | 'â' | 'ä' | 'á' | 'ã' | 'å' => "a",
            'ç' => "c",
            'è' | 'é' | 'ê' | 'ë' | 'ɛ' => "e",
            'ì' | 'í' | 'î' | 'ï' => "i",
            'ñ' | 'ŋ' => "n",
            'ò' | 'ó' | 'ô' | 'ö' | 'õ' | 'ɔ' => "o",
            'ù' | 'ú' | 'û' | 'ü' => "u",
            'ý' | 'ÿ' => "y",
            'œ' => "oe",
            'æ' => "ae",
            'ɖ' => "d",
            'ƒ' => "f",
            'ʋ' => "v",
            'ɣ' => "g",
            '\'' | '’' | '`' => "",
            '-' | '_' | '\u{a0}' => " ",
            c if c.is_whitespace() => " ",
            _ => {
                out.push(c);
                continue;
            }
        };
        out.push_str(mapped);
    }
    out.split_whitespace().collect::<Vec<_>>().join(" ")
}

/// The key people are sorted by: surname then given names, folded.
pub fn sort_name(last: &str, first: &str) -> String {
    format!("{} {}", fold(last), fold(first))
}

/// What a search matches: the names in both orders, and any extra identifiers (matricule,
/// e-mail, the 8 digits of the phone), all folded.
pub fn search_key(last: &str, first: &str, extra: &[&str]) -> String {
    let mut key = format!(
        "{} {} | {} {}",
        fold(last),
        fold(first),
        fold(first),
        fold(last)
    );
    for e in extra {
        key.push_str(" | ");
        key.push_str(&fold(e));
    }
    key
}

/// The `LIKE` pattern for a search typed by a person: folded, and a phone number written
/// any common way reduced to its 8 digits.
pub fn search_pattern(q: &str) -> String {
    let q = q.trim();
    let digits: String = q.chars().filter(|c| c.is_ascii_digit()).collect();
    let phone_like =
        digits.len() >= 4 && q.chars().all(|c| c.is_ascii_digit() || " +-.".contains(c));
    let needle = if phone_like {
        let d = digits
            .strip_prefix("00228")
            .or_else(|| digits.strip_prefix("228").filter(|r| r.len() == 8))
            .unwrap_or(&digits);
        d.to_string()
    } else {
        fold(q).replace(['%', '_'], "")
    };
    format!("%{needle}%")
}

/// A person's name as the school writes it: spaces tidied, and a name typed all in lower
/// or all in upper case given capitals ("d'almeida" → "D'Almeida", "AMA" → "Ama").
/// Names typed with mixed case are kept as typed ("McKenzie", "de Souza").
pub fn person_name(input: &str) -> String {
    let tidy = input.split_whitespace().collect::<Vec<_>>().join(" ");
    let letters: Vec<char> = tidy.chars().filter(|c| c.is_alphabetic()).collect();
    let all_lower = letters.iter().all(|c| !c.is_uppercase());
    let all_upper = letters.iter().all(|c| !c.is_lowercase());
    if !(all_lower || all_upper) {
        return tidy;
    }
    let mut out = String::with_capacity(tidy.len());
    let mut start = true;
    for c in tidy.chars() {
        if start {
            out.extend(c.to_uppercase());
        } else {
            out.extend(c.to_lowercase());
        }
        start = matches!(c, ' ' | '-' | '\'' | '’');
    }
    out
}

/// A sex as recorded by the school.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Sex {
    F,
    M,
}

impl Sex {
    /// Parses `F` or `M`.
    pub fn parse(s: &str) -> Result<Sex, &'static str> {
        match s.trim() {
            "F" | "f" => Ok(Sex::F),
            "M" | "m" => Ok(Sex::M),
            _ => Err("error-sex"),
        }
    }

    /// The stored letter.
    pub fn code(self) -> &'static str {
        match self {
            Sex::F => "F",
            Sex::M => "M",
        }
    }
}

/// Why a typed date was refused: it does not read as a date, or it reads as one that the
/// calendar does not have. A secretary told "31/02/2014 illisible" looks for a typo that is
/// not there; told "le 31/02/2014 n'existe pas", she checks the birth certificate.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum DateError {
    /// Not written as a day, a month and a year ("demain", "14/03", "14/03/14").
    Unreadable,
    /// Written as one, but no such day exists ("31/02/2014", "29/02/2015", "12/13/2014"):
    /// the day as typed, written `dd/mm/yyyy`.
    NoSuchDay(String),
}

impl DateError {
    /// The message in the reader's language.
    pub fn message(&self, t: &crate::i18n::Tr) -> String {
        match self {
            DateError::Unreadable => t.t("error-date-format"),
            DateError::NoSuchDay(d) => t.t1("error-date-nonexistent", "date", d),
        }
    }
}

/// A date typed in a form or read from an imported file: ISO (`2012-05-31`, what
/// `<input type=date>` sends, with or without a time after it) or day first (`31/05/2012`,
/// `31-05-2012`, `31.05.2012`, `1/6/2012`). The year has four digits.
pub fn parse_date(input: &str) -> Result<chrono::NaiveDate, DateError> {
    let s = input.trim();
    // "2012-05-31T00:00:00" (a spreadsheet's ISO date): the day is what counts.
    let s = match s.split_once(['T', ' ']) {
        Some((day, _)) if day.len() == 10 && day.as_bytes().get(4) == Some(&b'-') => day,
        _ => s,
    };
    let Some(sep) = s.chars().find(|c| matches!(c, '/' | '-' | '.')) else {
        return Err(DateError::Unreadable);
    };
    let parts: Vec<&str> = s.split(sep).collect();
    let number = |p: &str, widths: std::ops::RangeInclusive<usize>| {
        (widths.contains(&p.len()) && p.chars().all(|c| c.is_ascii_digit()))
            .then(|| p.parse::<u32>().ok())
            .flatten()
    };
    let [a, b, c] = parts.as_slice() else {
        return Err(DateError::Unreadable);
    };
    let (year, month, day) = if a.len() == 4 {
        (number(a, 4..=4), number(b, 1..=2), number(c, 1..=2))
    } else {
        (number(c, 4..=4), number(b, 1..=2), number(a, 1..=2))
    };
    let (Some(year), Some(month), Some(day)) = (year, month, day) else {
        return Err(DateError::Unreadable);
    };
    chrono::NaiveDate::from_ymd_opt(year as i32, month, day)
        .ok_or_else(|| DateError::NoSuchDay(format!("{day:02}/{month:02}/{year:04}")))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_printed_phone_keeps_its_prefix_and_last_digits() {
        assert_eq!(masked_phone("+22899729274"), "+228 99 •• •• 74");
        assert_eq!(masked_phone("90 12 34 56"), "+228 90 •• •• 56");
        assert_eq!(masked_phone("12345"), "•• •• 45");
    }

    #[test]
    fn phones_are_normalized_to_plus_228() {
        for input in [
            "90 12 34 56",
            "90123456",
            "+228 90123456",
            "+228 90 12 34 56",
            "0022890123456",
            "00228 90-12-34-56",
            "22890123456",
        ] {
            assert_eq!(
                Phone::parse(input).unwrap().as_str(),
                "+22890123456",
                "{input}"
            );
        }
        assert_eq!(
            Phone::parse("90123456").unwrap().display(),
            "+228 90 12 34 56"
        );
    }

    #[test]
    fn bad_phones_are_refused() {
        assert_eq!(Phone::parse("+233 24 123 4567"), Err("error-phone-country"));
        for input in ["", "9012345", "901234567", "abc", "50123456", "90 12 34 5x"] {
            assert!(Phone::parse(input).is_err(), "{input}");
        }
    }

    #[test]
    fn emails() {
        assert_eq!(
            Email::parse(" A.B@Ecole.TG ").unwrap().as_str(),
            "a.b@ecole.tg"
        );
        assert!(Email::parse("nope").is_err());
        assert!(Email::parse("a@b").is_err());
        assert!(Email::parse("a b@c.tg").is_err());
    }

    #[test]
    fn folding_sorts_and_searches_like_people_expect() {
        assert_eq!(fold("D'ALMEIDA"), "dalmeida");
        assert_eq!(fold("Essowèda  Aïcha"), "essoweda aicha");
        assert_eq!(fold("Ouro-Sama"), "ouro sama");
        assert_eq!(fold("Ɖɔkɔ Ŋɔti"), "doko noti");
        let mut names = [
            sort_name("Tsogbe", "Yao"),
            sort_name("d'Almeida", "Abdou"),
            sort_name("Adzoh", "Aïcha"),
            sort_name("Adzoh", "Akossiwa"),
        ];
        names.sort();
        assert_eq!(names[0], "adzoh aicha");
        assert_eq!(names[2], "dalmeida abdou");
        assert!(search_key("Afeto", "Grâce", &["+22896816999"]).contains("grace afeto"));
        assert_eq!(search_pattern("ESSOWEDA"), "%essoweda%");
        assert_eq!(search_pattern("96 81 69 99"), "%96816999%");
        assert_eq!(search_pattern("+228 96 81 69 99"), "%96816999%");
        assert_eq!(search_pattern("50%_"), "%50%");
    }

    #[test]
    fn names_get_capitals_when_typed_in_one_case() {
        assert_eq!(person_name("  ama   ésaïe "), "Ama Ésaïe");
        assert_eq!(person_name("d'almeida"), "D'Almeida");
        assert_eq!(person_name("OURO-SAMA"), "Ouro-Sama");
        assert_eq!(person_name("de Souza"), "de Souza");
    }

    #[test]
    fn texts_and_dates() {
        assert_eq!(required_text("  Kossi ", 10), Ok("Kossi".into()));
        assert_eq!(required_text("   ", 10), Err("error-required"));
        assert_eq!(required_text("abcdefghijk", 10), Err("error-too-long"));
        assert_eq!(optional_text(" ", 10), Ok(None));
        assert_eq!(
            parse_date("31/05/2012").unwrap(),
            chrono::NaiveDate::from_ymd_opt(2012, 5, 31).unwrap()
        );
        assert!(parse_date("2012-02-30").is_err());
    }

    #[test]
    fn a_date_that_does_not_exist_is_told_apart_from_an_unreadable_one() {
        let d = |y, m, dd| chrono::NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        for (input, want) in [
            ("2012-05-31", d(2012, 5, 31)),
            (" 31/05/2012 ", d(2012, 5, 31)),
            ("1/6/2012", d(2012, 6, 1)),
            ("31-05-2012", d(2012, 5, 31)),
            ("31.05.2012", d(2012, 5, 31)),
            ("2012-05-31T00:00:00", d(2012, 5, 31)),
            ("29/02/2016", d(2016, 2, 29)),
        ] {
            assert_eq!(parse_date(input), Ok(want), "{input}");
        }
        for (input, shown) in [
            ("31/02/2014", "31/02/2014"),
            ("2014-02-31", "31/02/2014"),
            ("29/2/2015", "29/02/2015"),
            ("12/13/2014", "12/13/2014"),
            ("00/01/2014", "00/01/2014"),
            ("32/01/2014", "32/01/2014"),
        ] {
            assert_eq!(
                parse_date(input),
                Err(DateError::NoSuchDay(shown.into())),
                "{input}"
            );
        }
        for input in [
            "",
            "demain",
            "14/03",
            "14/03/14",
            "14/03/2014/1",
            "1x/03/2014",
            "14/003/2014",
            "14/03-2014",
            "2014-03",
            "+14/03/2014",
        ] {
            assert_eq!(parse_date(input), Err(DateError::Unreadable), "{input}");
        }
    }
}
