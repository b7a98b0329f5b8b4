//! Vie scolaire: incidents (who, when, where, what, witnesses) and the sanctions of the
//! school's scale (avertissement, blâme, retenue with its slip, exclusion temporaire). A
//! student's conduct record is read by the staff who see them, their parents and
//! themself; a sanction tells the family (in the app, and by SMS for a parent who chose it).

pub mod repo;
pub mod routes;
pub mod rules;

pub use routes::router;

use crate::auth::{CurrentUser, Role};
use crate::settings::ConductSettings;

crate::text_enum! {
    /// The school's scale of sanctions, lightest first.
    pub enum Kind {
        Avertissement = "avertissement",
        Blame = "blame",
        Retenue = "retenue",
        Exclusion = "exclusion",
    }
}

impl Kind {
    /// Whether `u` may give it under the school's rules (the kinds the school does not use
    /// are given by no one).
    pub fn may_give(self, rules: &ConductSettings, u: &CurrentUser) -> bool {
        let r = rules.rule(self);
        r.used && r.givers.iter().any(|g| u.has(*g))
    }

    pub fn label_key(self) -> String {
        format!("conduct-kind-{}", self.as_str())
    }
}

/// Who records incidents and gives sanctions at all: the staff who teach or run the school
/// (the school's rules choose among them who gives each sanction).
pub const STAFF_WHO_SANCTION: &[Role] = &[Role::Director, Role::Secretary, Role::Teacher];

/// What a student's record holds over a period, for the conduct mark.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Facts {
    /// Sanctions of each kind.
    pub sanctions: Vec<(Kind, i64)>,
    /// Incidents no sanction followed.
    pub bare_incidents: i64,
    /// Minutes of absence not justified.
    pub unjustified_minutes: i64,
    pub lates: i64,
}

impl Facts {
    /// Nothing on the record.
    pub fn is_clear(&self) -> bool {
        self.sanctions.iter().all(|(_, n)| *n == 0)
            && self.bare_incidents == 0
            && self.unjustified_minutes == 0
            && self.lates == 0
    }
}

/// The conduct mark proposed to the council (hundredths out of 20): the school's base, less
/// each sanction, incident without sanction, hour of unjustified absence and late arrival,
/// rounded to the nearest half point, never below 0.
pub fn propose(rules: &ConductSettings, f: &Facts) -> i64 {
    let mut off = f.bare_incidents * rules.incident
        + f.unjustified_minutes * rules.unjustified_hour / 60
        + f.lates * rules.late;
    for (kind, n) in &f.sanctions {
        off += n * rules.rule(*kind).deduction;
    }
    let mark = (rules.base - off).clamp(0, 2000);
    // To the nearest half point, halves up.
    (mark + 25) / 50 * 50
}

/// Why: the record's facts in words, for the council ("1 blâme, 6 h d'absence non
/// justifiée, 3 retards"), or "" for a clear record.
pub fn why(t: &crate::i18n::Tr, f: &Facts) -> String {
    let mut parts = Vec::new();
    for (kind, n) in &f.sanctions {
        if *n > 0 {
            parts.push(t.count(format!("conduct-count-{}", kind.as_str()), *n));
        }
    }
    if f.bare_incidents > 0 {
        parts.push(t.count("conduct-count-incident", f.bare_incidents));
    }
    if f.unjustified_minutes > 0 {
        parts.push(t.t1(
            "conduct-count-unjustified",
            "hours",
            t.duration(f.unjustified_minutes),
        ));
    }
    if f.lates > 0 {
        parts.push(t.count("conduct-count-late", f.lates));
    }
    parts.join(", ")
}

/// The facts of each student of a class over a period (those with nothing are absent).
pub async fn class_facts(
    db: &crate::db::Pool,
    class_id: i64,
    from: chrono::NaiveDate,
    to: chrono::NaiveDate,
) -> Result<std::collections::HashMap<i64, Facts>, sqlx::Error> {
    let mut out: std::collections::HashMap<i64, Facts> = std::collections::HashMap::new();
    for (student, kind, n) in repo::class_sanction_counts(db, class_id, from, to).await? {
        out.entry(student).or_default().sanctions.push((kind, n));
    }
    for (student, n) in repo::class_bare_incidents(db, class_id, from, to).await? {
        out.entry(student).or_default().bare_incidents = n;
    }
    for (student, t) in crate::attendance::class_totals(db, class_id, from, to).await? {
        let f = out.entry(student).or_default();
        f.unjustified_minutes = t.unjustified_minutes;
        f.lates = t.lates;
    }
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_proposal_takes_off_what_the_record_holds() {
        let rules = ConductSettings::default();
        assert_eq!(propose(&rules, &Facts::default()), 1800);
        let f = Facts {
            sanctions: vec![(Kind::Blame, 1), (Kind::Avertissement, 2)],
            bare_incidents: 1,
            // 6 h: −1,5.
            unjustified_minutes: 360,
            lates: 3,
        };
        // 18 − 2 − 2 − 0,5 − 1,5 − 0,3 = 11,7, to the nearest half point: 11,5.
        assert_eq!(propose(&rules, &f), 1150);
        let heavy = Facts {
            sanctions: vec![(Kind::Exclusion, 9)],
            ..Default::default()
        };
        assert_eq!(propose(&rules, &heavy), 0, "never below 0");
        let school = ConductSettings {
            base: 2000,
            ..Default::default()
        };
        assert_eq!(propose(&school, &Facts::default()), 2000);
    }

    #[test]
    fn the_school_chooses_who_gives_what() {
        let mut rules = ConductSettings::default();
        let teacher = CurrentUser {
            id: 1,
            first_name: "A".into(),
            last_name: "B".into(),
            locale: Default::default(),
            roles: vec![Role::Teacher],
            active_role: Role::Teacher,
            must_change_password: false,
        };
        assert!(Kind::Avertissement.may_give(&rules, &teacher));
        assert!(!Kind::Blame.may_give(&rules, &teacher));
        rules.sanctions[1].givers.push(Role::Teacher);
        assert!(Kind::Blame.may_give(&rules, &teacher));
        rules.sanctions[0].used = false;
        assert!(
            !Kind::Avertissement.may_give(&rules, &teacher),
            "a sanction the school does not use"
        );
    }

    #[test]
    fn the_scale_is_what_the_database_allows() {
        use crate::db::text_enum::{checked_words, migrations_text};
        let words: Vec<&str> = super::Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            checked_words(&migrations_text(), "sanctions", "kind"),
            words
        );
    }
}
