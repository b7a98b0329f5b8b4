//! Translations (Fluent catalogs in `locales/`) and French/English formatting of numbers,
//! money and dates.

use std::collections::HashMap;
use std::sync::Arc;

use fluent_bundle::concurrent::FluentBundle;
use fluent_bundle::{FluentArgs, FluentResource, FluentValue};
use serde::{Deserialize, Serialize};

mod format;
pub mod words;
pub use format::{format_date, format_duration, format_int, format_xof};

/// A language the portal speaks.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Hash, Serialize, Deserialize, Default)]
pub enum Locale {
    /// French, the default.
    #[default]
    #[serde(rename = "fr")]
    Fr,
    #[serde(rename = "en")]
    En,
}

impl Locale {
    /// Every locale, default first.
    pub const ALL: [Locale; 2] = [Locale::Fr, Locale::En];

    /// The BCP 47 code.
    pub fn code(self) -> &'static str {
        match self {
            Locale::Fr => "fr",
            Locale::En => "en",
        }
    }

    /// Parses a code such as `fr`, `en-GB`; unknown codes give `None`.
    pub fn parse(s: &str) -> Option<Locale> {
        let primary = s.trim().split(['-', '_']).next()?.to_ascii_lowercase();
        match primary.as_str() {
            "fr" => Some(Locale::Fr),
            "en" => Some(Locale::En),
            _ => None,
        }
    }

    /// Chooses from an `Accept-Language` header, honouring q-values; French when nothing fits.
    pub fn from_accept_language(header: &str) -> Locale {
        let mut best: Option<(f32, Locale)> = None;
        for part in header.split(',') {
            let mut it = part.split(';');
            let tag = it.next().unwrap_or("");
            let q = it
                .find_map(|p| p.trim().strip_prefix("q="))
                .and_then(|q| q.parse::<f32>().ok())
                .unwrap_or(1.0);
            if let Some(l) = Locale::parse(tag)
                && best.is_none_or(|(bq, _)| q > bq)
            {
                best = Some((q, l));
            }
        }
        best.map(|(_, l)| l).unwrap_or_default()
    }
}

/// The catalog files, embedded so that the binary runs from anywhere. Each feature adds its
/// file here, in both languages (a test checks that every key exists in both).
const CATALOGS: &[(&str, &str, &str)] = &[
    (
        "main",
        include_str!("../../locales/fr/main.ftl"),
        include_str!("../../locales/en/main.ftl"),
    ),
    (
        "admin",
        include_str!("../../locales/fr/admin.ftl"),
        include_str!("../../locales/en/admin.ftl"),
    ),
    (
        "fees",
        include_str!("../../locales/fr/fees.ftl"),
        include_str!("../../locales/en/fees.ftl"),
    ),
    (
        "import",
        include_str!("../../locales/fr/import.ftl"),
        include_str!("../../locales/en/import.ftl"),
    ),
    (
        "chat",
        include_str!("../../locales/fr/chat.ftl"),
        include_str!("../../locales/en/chat.ftl"),
    ),
    (
        "momo",
        include_str!("../../locales/fr/momo.ftl"),
        include_str!("../../locales/en/momo.ftl"),
    ),
    (
        "analytics",
        include_str!("../../locales/fr/analytics.ftl"),
        include_str!("../../locales/en/analytics.ftl"),
    ),
    (
        "gamification",
        include_str!("../../locales/fr/gamification.ftl"),
        include_str!("../../locales/en/gamification.ftl"),
    ),
    (
        "export",
        include_str!("../../locales/fr/export.ftl"),
        include_str!("../../locales/en/export.ftl"),
    ),
    (
        "conduct",
        include_str!("../../locales/fr/conduct.ftl"),
        include_str!("../../locales/en/conduct.ftl"),
    ),
    (
        "sms",
        include_str!("../../locales/fr/sms.ftl"),
        include_str!("../../locales/en/sms.ftl"),
    ),
    (
        "lessons",
        include_str!("../../locales/fr/lessons.ftl"),
        include_str!("../../locales/en/lessons.ftl"),
    ),
    (
        "certificates",
        include_str!("../../locales/fr/certificates.ftl"),
        include_str!("../../locales/en/certificates.ftl"),
    ),
    (
        "workflows",
        include_str!("../../locales/fr/workflows.ftl"),
        include_str!("../../locales/en/workflows.ftl"),
    ),
    (
        "timetable",
        include_str!("../../locales/fr/timetable.ftl"),
        include_str!("../../locales/en/timetable.ftl"),
    ),
    (
        "courses",
        include_str!("../../locales/fr/courses.ftl"),
        include_str!("../../locales/en/courses.ftl"),
    ),
    (
        "prediction",
        include_str!("../../locales/fr/prediction.ftl"),
        include_str!("../../locales/en/prediction.ftl"),
    ),
    (
        "dashboard",
        include_str!("../../locales/fr/dashboard.ftl"),
        include_str!("../../locales/en/dashboard.ftl"),
    ),
    (
        "assistant",
        include_str!("../../locales/fr/assistant.ftl"),
        include_str!("../../locales/en/assistant.ftl"),
    ),
];

/// The source text of every catalog file, per locale, for the consistency tests.
pub fn catalog_sources() -> Vec<(&'static str, Locale, &'static str)> {
    CATALOGS
        .iter()
        .flat_map(|(name, fr, en)| [(*name, Locale::Fr, *fr), (*name, Locale::En, *en)])
        .collect()
}

fn number(locale: Locale, v: &FluentValue) -> Option<String> {
    match v {
        FluentValue::Number(n) if n.value.fract() == 0.0 && n.value.abs() < 1e15 => {
            Some(format_int(locale, n.value as i64))
        }
        _ => None,
    }
}

fn number_fr<M>(v: &FluentValue, _: &M) -> Option<String> {
    number(Locale::Fr, v)
}

fn number_en<M>(v: &FluentValue, _: &M) -> Option<String> {
    number(Locale::En, v)
}

/// Every loaded catalog, shared by all requests.
pub struct I18n {
    bundles: HashMap<Locale, FluentBundle<FluentResource>>,
}

impl std::fmt::Debug for I18n {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("I18n")
    }
}

impl I18n {
    /// Parses the embedded catalogs; a syntax error is a programming error caught by tests.
    pub fn load() -> anyhow::Result<Self> {
        let mut bundles = HashMap::new();
        for locale in Locale::ALL {
            let langid: unic_langid::LanguageIdentifier = locale.code().parse()?;
            let mut bundle = FluentBundle::new_concurrent(vec![langid]);
            bundle.set_use_isolating(false);
            // Numbers in every text are written as the reader writes them ("2 045 élèves",
            // "2,045 students"); plural rules still see the number.
            bundle.set_formatter(Some(match locale {
                Locale::Fr => number_fr,
                Locale::En => number_en,
            }));
            for (name, fr, en) in CATALOGS {
                let src = if locale == Locale::Fr { fr } else { en };
                let res = FluentResource::try_new(src.to_string()).map_err(|(_, errs)| {
                    anyhow::anyhow!("locales/{}/{name}.ftl: {errs:?}", locale.code())
                })?;
                bundle
                    .add_resource(res)
                    .map_err(|e| anyhow::anyhow!("locales/{}/{name}.ftl: {e:?}", locale.code()))?;
            }
            bundles.insert(locale, bundle);
        }
        Ok(I18n { bundles })
    }

    /// True when `key` exists in `locale`.
    pub fn has(&self, locale: Locale, key: &str) -> bool {
        self.bundles[&locale].has_message(key)
    }

    /// Translates `key` with named arguments. A missing key shows the key itself and is
    /// logged, so that a gap is visible rather than fatal.
    pub fn tr(&self, locale: Locale, key: &str, args: &[(&str, FluentValue<'_>)]) -> String {
        let bundle = &self.bundles[&locale];
        let Some(pattern) = bundle.get_message(key).and_then(|m| m.value()) else {
            tracing::warn!(key, locale = locale.code(), "missing translation");
            return key.to_string();
        };
        let fargs = if args.is_empty() {
            None
        } else {
            let mut a = FluentArgs::new();
            for (k, v) in args {
                a.set(*k, v.clone());
            }
            Some(a)
        };
        let mut errors = Vec::new();
        let s = bundle.format_pattern(pattern, fargs.as_ref(), &mut errors);
        if !errors.is_empty() {
            tracing::warn!(key, ?errors, "translation formatting error");
        }
        s.into_owned()
    }
}

/// A translator bound to one request's language: what templates call as `t.t(…)`.
#[derive(Clone, Debug)]
pub struct Tr {
    i18n: Arc<I18n>,
    /// The language of this request.
    pub locale: Locale,
}

impl Tr {
    /// Binds `i18n` to `locale`.
    pub fn new(i18n: Arc<I18n>, locale: Locale) -> Self {
        Tr { i18n, locale }
    }

    /// Whether the catalog has `key` in this language.
    pub fn has(&self, key: &str) -> bool {
        self.i18n.has(self.locale, key)
    }

    /// The text of `key`.
    pub fn t(&self, key: impl AsRef<str>) -> String {
        self.i18n.tr(self.locale, key.as_ref(), &[])
    }

    /// The text of `key` with one argument.
    pub fn t1(&self, key: impl AsRef<str>, name: &str, value: impl ToString) -> String {
        self.i18n.tr(
            self.locale,
            key.as_ref(),
            &[(name, FluentValue::from(value.to_string()))],
        )
    }

    /// The text of `key` with a numeric argument (drives plural forms).
    pub fn tn(&self, key: impl AsRef<str>, name: &str, value: impl Int) -> String {
        self.i18n.tr(
            self.locale,
            key.as_ref(),
            &[(name, FluentValue::from(value.int()))],
        )
    }

    /// The text of `key` for a count: `$count` chooses the plural form, `$shown` is the
    /// number written with the locale's grouping ("2 000").
    pub fn count(&self, key: impl AsRef<str>, n: impl Int) -> String {
        let n = n.int();
        self.i18n.tr(
            self.locale,
            key.as_ref(),
            &[
                ("count", FluentValue::from(n)),
                ("shown", FluentValue::from(self.int(n))),
            ],
        )
    }

    /// The text of `key` with arguments from a JSON object (numbers stay numbers, for
    /// plurals; a string "@other-key" becomes the text of that key; a number named
    /// `minutes` is a duration, "1 h 30", through [`Tr::duration`]).
    pub fn tj(
        &self,
        key: impl AsRef<str>,
        args: impl std::borrow::Borrow<serde_json::Value>,
    ) -> String {
        let args = args.borrow();
        let owned: Vec<(String, FluentValue<'_>)> = args
            .as_object()
            .map(|o| {
                o.iter()
                    .map(|(k, v)| {
                        let fv = match v {
                            // An argument named "minutes" is a duration, written as people
                            // say it ("1 h 30"), in stored notifications old and new alike.
                            serde_json::Value::Number(n) if k == "minutes" => {
                                FluentValue::from(self.duration(n.as_i64().unwrap_or(0)))
                            }
                            serde_json::Value::Number(n) => match n.as_i64() {
                                Some(i) => FluentValue::from(i),
                                None => FluentValue::from(n.to_string()),
                            },
                            // "@key" stands for the text of another catalog key, so that a
                            // stored message can name a column or a kind in any language.
                            serde_json::Value::String(s) => match s.strip_prefix('@') {
                                Some(k) => FluentValue::from(self.t(k)),
                                None => FluentValue::from(s.clone()),
                            },
                            // {"points": 1550}: a mark in hundredths, "15,5" / "15.5".
                            serde_json::Value::Object(o) if o.contains_key("points") => {
                                let p = o["points"].as_i64().unwrap_or(0);
                                FluentValue::from(crate::grades::model::points_text(self, p))
                            }
                            other => FluentValue::from(other.to_string()),
                        };
                        (k.clone(), fv)
                    })
                    .collect()
            })
            .unwrap_or_default();
        let args: Vec<(&str, FluentValue<'_>)> =
            owned.iter().map(|(k, v)| (k.as_str(), v.clone())).collect();
        self.i18n.tr(self.locale, key.as_ref(), &args)
    }

    /// The text of `key` with two arguments.
    pub fn t2(
        &self,
        key: &str,
        n1: &str,
        v1: impl ToString,
        n2: &str,
        v2: impl ToString,
    ) -> String {
        self.i18n.tr(
            self.locale,
            key.as_ref(),
            &[
                (n1, FluentValue::from(v1.to_string())),
                (n2, FluentValue::from(v2.to_string())),
            ],
        )
    }

    /// A whole number with the locale's grouping ("2 045" / "2,045").
    pub fn int(&self, n: impl Int) -> String {
        format_int(self.locale, n.int())
    }

    /// A percentage, kept on one line: "85 %" in French (a narrow no-break space), "85%".
    pub fn percent(&self, n: impl Int) -> String {
        match self.locale {
            Locale::Fr => format!("{}\u{202f}%", format_int(self.locale, n.int())),
            Locale::En => format!("{}%", format_int(self.locale, n.int())),
        }
    }

    /// A percentage given in hundredths of a percent, without needless decimals: "95 %",
    /// "87,5 %" in French, "95%", "87.5%" in English.
    pub fn percent_hundredths(&self, h: i64) -> String {
        let sign = if h < 0 { "-" } else { "" };
        let digits = self.hundredths(Some(h.abs()));
        let s = format!(
            "{sign}{}",
            digits.trim_end_matches('0').trim_end_matches([',', '.'])
        );
        match self.locale {
            Locale::Fr => format!("{s}\u{202f}%"),
            Locale::En => format!("{s}%"),
        }
    }

    /// Items in one cell, separated as the language does: "a ; b" (a narrow no-break
    /// space before the semicolon) in French, "a; b" in English.
    pub fn semicolons(&self, items: impl IntoIterator<Item = String>) -> String {
        let sep = match self.locale {
            Locale::Fr => "\u{202f}; ",
            Locale::En => "; ",
        };
        items.into_iter().collect::<Vec<_>>().join(sep)
    }

    /// A duration from minutes, as people say it: "45 min", "5 h", "1 h 30".
    pub fn duration(&self, minutes: impl Int) -> String {
        format_duration(self.locale, minutes.int())
    }

    /// An amount in francs CFA ("125 000 FCFA").
    pub fn xof(&self, n: impl Int) -> String {
        format_xof(self.locale, n.int())
    }

    /// A whole number in words, for receipts ("cent vingt-cinq mille").
    pub fn words(&self, n: impl Int) -> String {
        words::in_words(self.locale, n.int())
    }

    /// The time of day as the school writes it: "14h30" (or "14:30").
    pub fn time(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        match self.locale {
            Locale::Fr => at.format("%Hh%M").to_string(),
            Locale::En => at.format("%H:%M").to_string(),
        }
    }

    /// A time of day kept as "HH:MM" (a roll call's start), written as `time` writes
    /// one: "07h30" (or "07:30"). Anything else is shown as it is.
    pub fn clock(&self, hhmm: &str) -> String {
        match (self.locale, hhmm.split_once(':')) {
            (Locale::Fr, Some((h, m))) if h.len() == 2 && m.len() == 2 => format!("{h}h{m}"),
            _ => hhmm.to_string(),
        }
    }

    /// A moment in Lomé time as the school writes it: "24/11/2026 14h30" (UTC+0, no DST).
    pub fn datetime(&self, at: &chrono::DateTime<chrono::Utc>) -> String {
        match self.locale {
            Locale::Fr => at.format("%d/%m/%Y %Hh%M").to_string(),
            Locale::En => at.format("%d/%m/%Y %H:%M").to_string(),
        }
    }

    /// A rank in class: "1er", "3e", "3e ex" (ex aequo); in English "1st", "3rd", "3rd=".
    pub fn rank(
        &self,
        rank: impl std::borrow::Borrow<Option<crate::grades::calc::Rank>>,
    ) -> String {
        let Some(r) = rank.borrow() else {
            return "—".into();
        };
        let n = r.position;
        match self.locale {
            Locale::Fr => {
                let base = if n == 1 {
                    "1er".to_string()
                } else {
                    format!("{n}e")
                };
                if r.tied { format!("{base} ex") } else { base }
            }
            Locale::En => {
                let suffix = match (n % 10, n % 100) {
                    (1, x) if x != 11 => "st",
                    (2, x) if x != 12 => "nd",
                    (3, x) if x != 13 => "rd",
                    _ => "th",
                };
                format!("{n}{suffix}{}", if r.tied { "=" } else { "" })
            }
        }
    }

    /// Hundredths with the locale's decimal separator: "13,33" or "13.33".
    pub fn hundredths(&self, v: impl OptInt) -> String {
        match &v.opt() {
            Some(v) => {
                let s = crate::grades::calc::fmt_hundredths(*v);
                if self.locale == Locale::En {
                    s.replace(',', ".")
                } else {
                    s
                }
            }
            None => "—".into(),
        }
    }

    /// A date as the school writes it ("24/11/2026").
    pub fn date(&self, d: &chrono::NaiveDate) -> String {
        format_date(self.locale, d)
    }

    /// An optional date, or a dash.
    pub fn odate(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.as_ref()
            .map(|d| self.date(d))
            .unwrap_or_else(|| "—".into())
    }
}

/// A whole number however deeply templates borrow it (`i64`, `&i64`, `&&i64`).
pub trait Int {
    /// The number.
    fn int(&self) -> i64;
}

impl Int for i64 {
    fn int(&self) -> i64 {
        *self
    }
}

impl<T: Int + ?Sized> Int for &T {
    fn int(&self) -> i64 {
        (**self).int()
    }
}

/// An optional whole number however deeply templates borrow it.
pub trait OptInt {
    fn opt(&self) -> Option<i64>;
}

impl OptInt for Option<i64> {
    fn opt(&self) -> Option<i64> {
        *self
    }
}

impl OptInt for i64 {
    fn opt(&self) -> Option<i64> {
        Some(*self)
    }
}

impl<T: OptInt + ?Sized> OptInt for &T {
    fn opt(&self) -> Option<i64> {
        (**self).opt()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn tr(locale: Locale) -> Tr {
        Tr::new(Arc::new(I18n::load().unwrap()), locale)
    }

    #[test]
    fn numbers_in_texts_follow_the_readers_locale_and_keep_their_units_on_the_line() {
        let (fr, en) = (tr(Locale::Fr), tr(Locale::En));
        assert_eq!(fr.percent_hundredths(5_000), "50\u{202f}%");
        assert_eq!(fr.percent_hundredths(8_750), "87,5\u{202f}%");
        assert_eq!(en.percent_hundredths(8_750), "87.5%");
        assert_eq!(fr.percent_hundredths(-1_250), "-12,5\u{202f}%");
        assert_eq!(fr.percent(85), "85\u{202f}%");
        // A number given to a text is grouped as the reader groups it, its unit kept on the
        // same line.
        let args = serde_json::json!({ "student": "Sena", "amount": 30000, "receipt": "R1" });
        let text = fr.tj("notif-payment", &args);
        assert!(text.contains("30\u{202f}000\u{a0}FCFA"), "{text}");
        let text = en.tj("notif-payment", &args);
        assert!(text.contains("30,000\u{a0}FCFA"), "{text}");
        assert_eq!(en.hundredths(Some(925)), "9.25");
        // Reasons in one cell: no French space before an English semicolon.
        let two = || ["a".to_string(), "b".to_string()];
        assert_eq!(fr.semicolons(two()), "a\u{202f}; b");
        assert_eq!(en.semicolons(two()), "a; b");
        // One way to write a time of day, whether it was kept as a moment or as text.
        let at = chrono::DateTime::parse_from_rfc3339("2026-12-02T07:30:00Z")
            .unwrap()
            .to_utc();
        assert_eq!(fr.clock("07:30"), fr.time(&at));
        assert_eq!(en.clock("07:30"), en.time(&at));
    }
}
