//! Consistency of what ships beside the code: paired migrations, translation catalogs, and
//! templates without user-visible literals.

use std::collections::BTreeSet;
use std::path::Path;

use suku::i18n::{I18n, Locale, catalog_sources};

fn names(dir: &str) -> BTreeSet<String> {
    std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join(dir))
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect()
}

#[test]
fn migrations_are_paired() {
    let sqlite = names("migrations/sqlite");
    let postgres = names("migrations/postgres");
    assert!(!sqlite.is_empty());
    assert_eq!(
        sqlite, postgres,
        "migrations/sqlite and migrations/postgres must hold the same versions and names"
    );
}

fn keys(src: &str) -> BTreeSet<String> {
    src.lines()
        .filter(|l| !l.starts_with(' ') && !l.starts_with('#') && !l.starts_with('}'))
        .filter_map(|l| {
            l.split_once(" = ")
                .or_else(|| l.split_once(" ="))
                .map(|(k, _)| k.trim().to_string())
        })
        .filter(|k| !k.is_empty())
        .collect()
}

#[test]
fn every_key_exists_in_every_locale() {
    let sources = catalog_sources();
    let mut by_locale: std::collections::HashMap<Locale, BTreeSet<String>> = Default::default();
    for (_, locale, src) in &sources {
        by_locale.entry(*locale).or_default().extend(keys(src));
    }
    let fr = &by_locale[&Locale::Fr];
    let en = &by_locale[&Locale::En];
    let only_fr: Vec<_> = fr.difference(en).collect();
    let only_en: Vec<_> = en.difference(fr).collect();
    assert!(only_fr.is_empty(), "keys missing in English: {only_fr:?}");
    assert!(only_en.is_empty(), "keys missing in French: {only_en:?}");
    // And the catalogs parse.
    I18n::load().expect("catalogs parse");
}

/// Every key the code and templates use exists in the catalogs.
#[test]
fn every_used_key_is_translated() {
    let i18n = I18n::load().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut used = BTreeSet::new();
    let re_call = regex_lite(r#"t[12n]?\(\s*"([a-z0-9-]+)""#);
    let re_flash = regex_lite(r#"flash\("[a-z]+",\s*"([a-z0-9-]+)""#);
    let re_flash_at = regex_lite(r#"flash_at\("[a-z]+",\s*"([a-z0-9-]+)""#);
    let re_err = regex_lite(r#"BadRequest\("([a-z0-9-]+)""#);
    for dir in ["src", "templates"] {
        for file in walk(&root.join(dir)) {
            let text = std::fs::read_to_string(&file).unwrap();
            for re in [&re_call, &re_flash, &re_flash_at, &re_err] {
                for k in re(&text) {
                    used.insert(k);
                }
            }
        }
    }
    assert!(
        used.len() > 50,
        "the scan found too few keys: {}",
        used.len()
    );
    for locale in Locale::ALL {
        let missing: Vec<_> = used.iter().filter(|k| !i18n.has(locale, k)).collect();
        assert!(
            missing.is_empty(),
            "keys used but missing in {}: {missing:?}",
            locale.code()
        );
    }
}

/// A tiny matcher for `prefix"(key)"` patterns, enough for the scans above without a regex
/// dependency: returns a function giving every capture.
fn regex_lite(pattern: &'static str) -> impl Fn(&str) -> Vec<String> {
    // The patterns all have the form LITERAL-PREFIX then `"([a-z0-9-]+)"`.
    let prefix: &'static str = match pattern {
        p if p.starts_with("t[12n]") => "t",
        p if p.starts_with("flash_at") => "flash_at(\"",
        p if p.starts_with("flash") => "flash(\"",
        _ => "BadRequest(\"",
    };
    move |text: &str| {
        let mut out = Vec::new();
        let bytes = text.as_bytes();
        let mut i = 0;
        while let Some(pos) = text[i..].find(prefix) {
            let start = i + pos;
            i = start + prefix.len();
            let mut j = i;
            if prefix == "t" {
                // t("…"), t1("…"), t2("…"), tn("…") preceded by a dot.
                if start == 0 || bytes[start - 1] != b'.' {
                    continue;
                }
                if j < bytes.len() && matches!(bytes[j], b'1' | b'2' | b'n') {
                    j += 1;
                }
                if !text[j..].starts_with("(\"") {
                    continue;
                }
                j += 2;
            } else if prefix.starts_with("flash") {
                // skip the kind argument
                let Some(q) = text[j..].find("\", \"") else {
                    continue;
                };
                if q > 10 {
                    continue;
                }
                j += q + 4;
            }
            let end = text[j..].find('"').map(|e| j + e).unwrap_or(j);
            let key = &text[j..end];
            if !key.is_empty()
                && key
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
            {
                out.push(key.to_string());
            }
        }
        out
    }
}

fn walk(dir: &Path) -> Vec<std::path::PathBuf> {
    let mut out = Vec::new();
    for e in std::fs::read_dir(dir).unwrap() {
        let p = e.unwrap().path();
        if p.is_dir() {
            out.extend(walk(&p));
        } else {
            out.push(p);
        }
    }
    out
}

/// Removes askama syntax (`{{ }}`, `{% %}`, `{# #}`) from a template.
fn strip_template_syntax(s: &str) -> String {
    let mut out = String::new();
    let mut rest = s;
    loop {
        let next = ["{{", "{%", "{#"]
            .iter()
            .filter_map(|m| rest.find(m).map(|i| (i, *m)))
            .min();
        let Some((i, open)) = next else {
            out.push_str(rest);
            break;
        };
        out.push_str(&rest[..i]);
        let close = match open {
            "{{" => "}}",
            "{%" => "%}",
            _ => "#}",
        };
        rest = match rest[i..].find(close) {
            Some(j) => &rest[i + j + 2..],
            None => "",
        };
        out.push(' ');
    }
    out
}

/// The text a person would read: no tags, no scripts, no template syntax.
fn visible_literals(template: &str) -> Vec<String> {
    let s = strip_template_syntax(template);
    let mut found = Vec::new();
    // Text between tags.
    let mut in_tag = false;
    let mut text = String::new();
    for c in s.chars() {
        match c {
            '<' => {
                in_tag = true;
                if text.chars().any(|c| c.is_alphabetic()) {
                    found.push(text.trim().to_string());
                }
                text.clear();
            }
            '>' => in_tag = false,
            c if !in_tag => text.push(c),
            _ => {}
        }
    }
    // Attributes people read.
    for attr in ["placeholder=\"", "title=\"", "alt=\"", "aria-label=\""] {
        let mut rest = s.as_str();
        while let Some(i) = rest.find(attr) {
            let v = &rest[i + attr.len()..];
            let end = v.find('"').unwrap_or(0);
            if v[..end].chars().any(|c| c.is_alphabetic()) {
                found.push(format!("{attr}{}", &v[..end]));
            }
            rest = &v[end..];
        }
    }
    found
}

#[test]
fn templates_have_no_visible_literals() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("templates");
    let mut problems = Vec::new();
    for file in walk(&root) {
        let text = std::fs::read_to_string(&file).unwrap();
        for lit in visible_literals(&text) {
            problems.push(format!("{}: {lit:?}", file.display()));
        }
    }
    assert!(
        problems.is_empty(),
        "user-visible text outside the catalogs:\n{}",
        problems.join("\n")
    );
}

#[test]
fn the_literal_check_catches_literals() {
    assert_eq!(
        visible_literals("<p>Bonjour {{ name }}</p>"),
        vec!["Bonjour".to_string()]
    );
    assert_eq!(
        visible_literals("<input placeholder=\"Nom\">"),
        vec!["placeholder=\"Nom".to_string()]
    );
    assert!(visible_literals("<p>{{ t.t(\"x\") }} · 12 –</p>").is_empty());
}

/// The keys the code names as string literals (error keys returned by validators, reasons,
/// labels) exist in both catalogs: a literal shaped like a key whose family (the part before
/// the first dash) is a family of the catalogs is a key, unless it is listed below.
#[test]
fn every_literal_key_in_the_code_is_translated() {
    let i18n = I18n::load().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let families: BTreeSet<String> = catalog_sources()
        .iter()
        .flat_map(|(_, _, src)| keys(src))
        .map(|k| k.split('-').next().unwrap_or_default().to_string())
        .collect();
    // Literals of the key shape that are not keys: header values and stored codes.
    let not_keys = [
        "no-cache",
        "no-store",
        "no-year",
        "mark-corrected",
        "retry-after",
        "retry-after-ms",
    ];
    let mut missing = BTreeSet::new();
    for file in walk(&root.join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        for lit in text.split('"').skip(1).step_by(2) {
            let shaped = lit.contains('-')
                && lit.starts_with(|c: char| c.is_ascii_lowercase())
                && !lit.ends_with('-')
                && !lit.contains("--")
                && lit
                    .chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-');
            let family = lit.split('-').next().unwrap_or_default();
            if shaped && families.contains(family) && !not_keys.contains(&lit) {
                for locale in Locale::ALL {
                    if !i18n.has(locale, lit) {
                        missing.insert(format!("{lit} ({})", locale.code()));
                    }
                }
            }
        }
    }
    assert!(
        missing.is_empty(),
        "keys named in src but not translated: {missing:?}"
    );
}

/// The audit log names each entry's kind and action through the catalogs
/// (`entity-…`, `action-…`): every kind and action the code writes has its words.
#[test]
fn every_audited_kind_and_action_is_translated() {
    let i18n = I18n::load().unwrap();
    let root = Path::new(env!("CARGO_MANIFEST_DIR"));
    let mut wanted = BTreeSet::new();
    for file in walk(&root.join("src")) {
        let text = std::fs::read_to_string(&file).unwrap();
        let mut rest = text.as_str();
        while let Some(at) = rest.find("audit::record(") {
            rest = &rest[at + "audit::record(".len()..];
            let args = top_level_args(rest);
            // The journal writes each (kind, action) as a sentence of its own.
            let lits = |i: usize| -> Vec<String> {
                args.get(i)
                    .map(|a| {
                        a.split('"')
                            .skip(1)
                            .step_by(2)
                            .map(str::to_string)
                            .collect()
                    })
                    .unwrap_or_default()
            };
            for entity in lits(2) {
                for action in lits(4) {
                    wanted.insert(format!("audit-{entity}-{action}"));
                }
            }
            for (i, family) in [(2, "entity"), (4, "action")] {
                for lit in args
                    .get(i)
                    .map(|a| a.split('"').skip(1).step_by(2))
                    .into_iter()
                    .flatten()
                {
                    wanted.insert(format!("{family}-{lit}"));
                }
            }
        }
    }
    assert!(wanted.len() > 20, "the scan found too few: {wanted:?}");
    let missing: Vec<_> = wanted
        .iter()
        .flat_map(|k| Locale::ALL.into_iter().map(move |l| (k, l)))
        .filter(|(k, l)| !i18n.has(*l, k))
        .map(|(k, l)| format!("{k} ({})", l.code()))
        .collect();
    assert!(missing.is_empty(), "audit words missing: {missing:?}");
}

/// The arguments of a call whose text starts just after its `(`, split at the commas that
/// are not inside brackets or strings.
fn top_level_args(s: &str) -> Vec<&str> {
    let (mut depth, mut in_str, mut start) = (0i32, false, 0);
    let mut out = Vec::new();
    let bytes = s.as_bytes();
    let mut i = 0;
    while i < bytes.len() {
        let c = bytes[i];
        if in_str {
            if c == b'\\' {
                i += 1;
            } else if c == b'"' {
                in_str = false;
            }
        } else {
            match c {
                b'"' => in_str = true,
                b'(' | b'[' | b'{' => depth += 1,
                b')' | b']' | b'}' if depth == 0 => {
                    out.push(s[start..i].trim());
                    return out;
                }
                b')' | b']' | b'}' => depth -= 1,
                b',' if depth == 0 => {
                    out.push(s[start..i].trim());
                    start = i + 1;
                }
                _ => {}
            }
        }
        i += 1;
    }
    out
}

/// The messages of a Fluent source that hold a straight apostrophe (`'`), as "key: line".
/// Comments are not shown to anyone and are left out.
fn straight_apostrophes(src: &str) -> Vec<String> {
    let mut key = String::new();
    let mut found = Vec::new();
    for line in src.lines() {
        if line.trim_start().starts_with('#') {
            continue;
        }
        let value = if !line.starts_with(' ') && !line.starts_with('}') {
            match line.split_once('=') {
                Some((k, v)) => {
                    key = k.trim().to_string();
                    v
                }
                None => line,
            }
        } else {
            line
        };
        if value.contains('\'') {
            found.push(format!("{key}: {}", line.trim()));
        }
    }
    found
}

/// French text uses the typographic apostrophe (’) everywhere, never the straight one: a
/// page mixing "l'école" and "l’école" looks careless to a parent.
#[test]
fn french_messages_use_the_typographic_apostrophe() {
    let mut problems = Vec::new();
    for (name, locale, src) in catalog_sources() {
        if locale == Locale::Fr {
            problems.extend(
                straight_apostrophes(src)
                    .into_iter()
                    .map(|p| format!("{name}: {p}")),
            );
        }
    }
    assert!(
        problems.is_empty(),
        "straight apostrophes in French messages (write ’):\n{}",
        problems.join("\n")
    );
    // The check sees them in values, continuation lines and variants, not in comments.
    assert_eq!(
        straight_apostrophes(
            "# l'école\na = l’école\nb = l'école\nc =\n    Aujourd'hui\nd = { $n ->\n   *[other] {$n} jusqu'à\n}\n"
        ),
        vec![
            "b: b = l'école".to_string(),
            "c: Aujourd'hui".to_string(),
            "d: *[other] {$n} jusqu'à".to_string()
        ]
    );
    // And the catalogs say it with the typographic one.
    let i18n = I18n::load().unwrap();
    assert!(i18n.tr(Locale::Fr, "back-home", &[]).contains("l’accueil"));
}
