//! Marks as typed by a teacher: "12", "12,5", "abs", "disp", or nothing.

use super::calc::MarkValue;

/// What a teacher typed in a mark cell.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum MarkInput {
    /// The cell was emptied: no mark.
    Clear,
    /// A mark or an absence, with points in hundredths on the evaluation's scale.
    Set(MarkValue),
}

/// Parses a cell for an evaluation marked out of `scale`. Accepts a decimal comma or point
/// and up to two decimals; "abs"/"a" is an absence, "disp"/"d"/"exc" is excused.
pub fn parse_mark(input: &str, scale: i64) -> Result<MarkInput, &'static str> {
    let s = input.trim().to_lowercase();
    match s.as_str() {
        "" => return Ok(MarkInput::Clear),
        "a" | "abs" | "absent" => return Ok(MarkInput::Set(MarkValue::Absent)),
        "d" | "disp" | "dispensé" | "exc" | "excusé" | "e" => {
            return Ok(MarkInput::Set(MarkValue::Excused));
        }
        _ => {}
    }
    let s = s.replace(',', ".");
    let (int, frac) = match s.split_once('.') {
        Some((i, f)) => (i, f),
        None => (s.as_str(), ""),
    };
    if int.is_empty()
        || int.len() > 3
        || frac.len() > 2
        || !int.chars().all(|c| c.is_ascii_digit())
        || !frac.chars().all(|c| c.is_ascii_digit())
    {
        return Err("error-mark-format");
    }
    let whole: i64 = int.parse().map_err(|_| "error-mark-format")?;
    let cents: i64 = if frac.is_empty() {
        0
    } else {
        format!("{frac:0<2}")
            .parse()
            .map_err(|_| "error-mark-format")?
    };
    let points = whole * 100 + cents;
    if points > scale * 100 {
        return Err("error-mark-range");
    }
    Ok(MarkInput::Set(MarkValue::Score(points)))
}

/// Shows stored points the French way: 1250 → "12,5", 1200 → "12", 1225 → "12,25".
pub fn show_points(points: i64) -> String {
    let (w, c) = (points / 100, points % 100);
    match c {
        0 => w.to_string(),
        c if c % 10 == 0 => format!("{w},{}", c / 10),
        c => format!("{w},{c:02}"),
    }
}

/// The catalog key of the word that stands for a mark that is not a number ("Absent",
/// "Dispensé"), or `None` for a score.
pub fn mark_word_key(value: MarkValue) -> Option<&'static str> {
    match value {
        MarkValue::Score(_) => None,
        MarkValue::Absent => Some("mark-absent"),
        MarkValue::Excused => Some("mark-excused"),
    }
}

/// Points in the reader's locale: "12,5" in French, "12.5" in English.
pub fn points_text(t: &crate::i18n::Tr, points: i64) -> String {
    let shown = show_points(points);
    match t.locale {
        crate::i18n::Locale::En => shown.replace(',', "."),
        crate::i18n::Locale::Fr => shown,
    }
}

/// A mark as families, documents and messages read it: "12,5/20" for a score, the word
/// alone for an absence or an excused student ("Absent", "Dispensé"), never "abs/20".
pub fn mark_text(t: &crate::i18n::Tr, value: MarkValue, scale: i64) -> String {
    match (value, mark_word_key(value)) {
        (MarkValue::Score(p), _) => format!("{}/{scale}", points_text(t, p)),
        (_, Some(k)) => t.t(k),
        (_, None) => String::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn teachers_write_marks_many_ways() {
        assert_eq!(
            parse_mark("12", 20),
            Ok(MarkInput::Set(MarkValue::Score(1200)))
        );
        assert_eq!(
            parse_mark(" 12,5 ", 20),
            Ok(MarkInput::Set(MarkValue::Score(1250)))
        );
        assert_eq!(
            parse_mark("12.25", 20),
            Ok(MarkInput::Set(MarkValue::Score(1225)))
        );
        assert_eq!(parse_mark("0", 20), Ok(MarkInput::Set(MarkValue::Score(0))));
        assert_eq!(parse_mark("ABS", 20), Ok(MarkInput::Set(MarkValue::Absent)));
        assert_eq!(
            parse_mark("disp", 20),
            Ok(MarkInput::Set(MarkValue::Excused))
        );
        assert_eq!(parse_mark("", 20), Ok(MarkInput::Clear));
        assert_eq!(
            parse_mark("35", 40),
            Ok(MarkInput::Set(MarkValue::Score(3500)))
        );
    }

    #[test]
    fn bad_marks_are_refused() {
        assert_eq!(parse_mark("21", 20), Err("error-mark-range"));
        assert_eq!(parse_mark("20,01", 20), Err("error-mark-range"));
        assert_eq!(parse_mark("-1", 20), Err("error-mark-format"));
        assert_eq!(parse_mark("12,345", 20), Err("error-mark-format"));
        assert_eq!(parse_mark("douze", 20), Err("error-mark-format"));
        assert_eq!(parse_mark("1e3", 20), Err("error-mark-format"));
        assert_eq!(parse_mark(",5", 20), Err("error-mark-format"));
    }

    #[test]
    fn absent_and_excused_marks_read_as_words_without_a_scale() {
        let i18n = std::sync::Arc::new(crate::i18n::I18n::load().unwrap());
        let fr = crate::i18n::Tr::new(i18n.clone(), crate::i18n::Locale::Fr);
        let en = crate::i18n::Tr::new(i18n, crate::i18n::Locale::En);
        assert_eq!(mark_text(&fr, MarkValue::Score(1250), 20), "12,5/20");
        assert_eq!(mark_text(&en, MarkValue::Score(1250), 20), "12.5/20");
        assert_eq!(mark_text(&fr, MarkValue::Absent, 20), "Absent");
        assert_eq!(mark_text(&fr, MarkValue::Excused, 20), "Dispensé");
        assert_eq!(mark_text(&en, MarkValue::Excused, 40), "Excused");
    }

    #[test]
    fn points_are_shown_with_a_comma() {
        assert_eq!(show_points(1250), "12,5");
        assert_eq!(show_points(1200), "12");
        assert_eq!(show_points(1225), "12,25");
        assert_eq!(show_points(5), "0,05");
    }
}
