//! Whole numbers in words, as a receipt states its amount ("Arrêté le présent reçu à la
//! somme de cent vingt-cinq mille francs CFA"). French in the traditional spelling that
//! Togolese schools write: hyphens below one hundred, "et" in 21…71, "quatre-vingts" and
//! "cents" plural only at the end of the number or before "millions".

use super::Locale;

/// `n` in words in the given language.
pub fn in_words(locale: Locale, n: i64) -> String {
    match locale {
        Locale::Fr => fr(n),
        Locale::En => en(n),
    }
}

const FR_UNITS: [&str; 17] = [
    "zéro", "un", "deux", "trois", "quatre", "cinq", "six", "sept", "huit", "neuf", "dix", "onze",
    "douze", "treize", "quatorze", "quinze", "seize",
];
const FR_TENS: [&str; 7] = [
    "",
    "dix",
    "vingt",
    "trente",
    "quarante",
    "cinquante",
    "soixante",
];

/// 0..=99; `end` says whether nothing follows (for the plural of "quatre-vingts").
fn fr_below_100(n: i64, end: bool) -> String {
    match n {
        0..=16 => FR_UNITS[n as usize].to_string(),
        17..=19 => format!("dix-{}", FR_UNITS[(n - 10) as usize]),
        20..=69 => {
            let (t, u) = (n / 10, n % 10);
            match u {
                0 => FR_TENS[t as usize].to_string(),
                1 => format!("{} et un", FR_TENS[t as usize]),
                _ => format!("{}-{}", FR_TENS[t as usize], FR_UNITS[u as usize]),
            }
        }
        70..=79 => match n {
            71 => "soixante et onze".to_string(),
            _ => format!("soixante-{}", fr_below_100(n - 60, false)),
        },
        80 => if end { "quatre-vingts" } else { "quatre-vingt" }.to_string(),
        _ => format!("quatre-vingt-{}", fr_below_100(n - 80, false)),
    }
}

/// 0..=999 (0 gives an empty string).
fn fr_below_1000(n: i64, end: bool) -> String {
    let (h, r) = (n / 100, n % 100);
    let rest = if r == 0 {
        String::new()
    } else {
        fr_below_100(r, end)
    };
    let hundreds = match h {
        0 => String::new(),
        1 => "cent".to_string(),
        _ if r == 0 && end => format!("{} cents", FR_UNITS[h as usize]),
        _ => format!("{} cent", FR_UNITS[h as usize]),
    };
    match (hundreds.is_empty(), rest.is_empty()) {
        (true, _) => rest,
        (false, true) => hundreds,
        (false, false) => format!("{hundreds} {rest}"),
    }
}

fn fr(n: i64) -> String {
    if n == 0 {
        return "zéro".into();
    }
    if n < 0 {
        return format!("moins {}", fr(-n));
    }
    let mut parts = Vec::new();
    let billions = n / 1_000_000_000;
    let millions = n / 1_000_000 % 1000;
    let thousands = n / 1000 % 1000;
    let units = n % 1000;
    if billions > 0 {
        let w = fr_below_1000(billions, true);
        parts.push(format!(
            "{w} milliard{}",
            if billions > 1 { "s" } else { "" }
        ));
    }
    if millions > 0 {
        // "Million" is a noun: "deux cents millions", "quatre-vingts millions".
        let w = fr_below_1000(millions, true);
        parts.push(format!(
            "{w} million{}",
            if millions > 1 { "s" } else { "" }
        ));
    }
    if thousands > 0 {
        // "Mille" is an adjective: invariable, and it keeps "cent" and "quatre-vingt" bare.
        parts.push(if thousands == 1 {
            "mille".to_string()
        } else {
            format!("{} mille", fr_below_1000(thousands, false))
        });
    }
    if units > 0 {
        parts.push(fr_below_1000(units, true));
    }
    parts.join(" ")
}

const EN_UNITS: [&str; 20] = [
    "zero",
    "one",
    "two",
    "three",
    "four",
    "five",
    "six",
    "seven",
    "eight",
    "nine",
    "ten",
    "eleven",
    "twelve",
    "thirteen",
    "fourteen",
    "fifteen",
    "sixteen",
    "seventeen",
    "eighteen",
    "nineteen",
];
const EN_TENS: [&str; 10] = [
    "", "ten", "twenty", "thirty", "forty", "fifty", "sixty", "seventy", "eighty", "ninety",
];

fn en_below_1000(n: i64) -> String {
    let (h, r) = (n / 100, n % 100);
    let rest = match r {
        0 => String::new(),
        1..=19 => EN_UNITS[r as usize].to_string(),
        _ if r % 10 == 0 => EN_TENS[(r / 10) as usize].to_string(),
        _ => format!(
            "{}-{}",
            EN_TENS[(r / 10) as usize],
            EN_UNITS[(r % 10) as usize]
        ),
    };
    match (h, rest.is_empty()) {
        (0, _) => rest,
        (_, true) => format!("{} hundred", EN_UNITS[h as usize]),
        _ => format!("{} hundred {rest}", EN_UNITS[h as usize]),
    }
}

fn en(n: i64) -> String {
    if n == 0 {
        return "zero".into();
    }
    if n < 0 {
        return format!("minus {}", en(-n));
    }
    let scales = [
        (1_000_000_000, " billion"),
        (1_000_000, " million"),
        (1000, " thousand"),
        (1, ""),
    ];
    scales
        .iter()
        .filter_map(|(size, name)| {
            let part = n / size % 1000;
            (part > 0).then(|| format!("{}{name}", en_below_1000(part)))
        })
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn french_as_a_bursar_writes_it() {
        let cases = [
            (1, "un"),
            (17, "dix-sept"),
            (21, "vingt et un"),
            (71, "soixante et onze"),
            (72, "soixante-douze"),
            (80, "quatre-vingts"),
            (81, "quatre-vingt-un"),
            (91, "quatre-vingt-onze"),
            (99, "quatre-vingt-dix-neuf"),
            (100, "cent"),
            (101, "cent un"),
            (200, "deux cents"),
            (280, "deux cent quatre-vingts"),
            (1000, "mille"),
            (1001, "mille un"),
            (2000, "deux mille"),
            (80_000, "quatre-vingt mille"),
            (125_000, "cent vingt-cinq mille"),
            (200_000, "deux cent mille"),
            (35_500, "trente-cinq mille cinq cents"),
            (1_000_000, "un million"),
            (2_500_000, "deux millions cinq cent mille"),
            (80_000_000, "quatre-vingts millions"),
            (200_000_000, "deux cents millions"),
            (0, "zéro"),
        ];
        for (n, w) in cases {
            assert_eq!(fr(n), w, "{n}");
        }
    }

    #[test]
    fn english() {
        assert_eq!(en(125_000), "one hundred twenty-five thousand");
        assert_eq!(en(2_500_015), "two million five hundred thousand fifteen");
        assert_eq!(en(40), "forty");
    }
}
