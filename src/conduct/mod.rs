//! Vie scolaire: incidents (who, when, where, what, witnesses) and the sanctions of the
//! school's scale (avertissement, blâme, retenue with its slip, exclusion temporaire). A
//! student's conduct record is read by the staff who see them, their parents and
//! themself; a sanction tells the family (in the app, and by SMS for a parent who chose it).

pub mod repo;
pub mod routes;

pub use routes::router;

use crate::auth::{CurrentUser, Role};

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
    /// Who may give it: a teacher gives an avertissement (and reports incidents); the
    /// director and the secretary (the surveillant général's desk) give blâmes and
    /// retenues; an exclusion is the director's decision.
    pub fn givers(self) -> &'static [Role] {
        match self {
            Kind::Avertissement => &[Role::Director, Role::Secretary, Role::Teacher],
            Kind::Blame | Kind::Retenue => &[Role::Director, Role::Secretary],
            Kind::Exclusion => &[Role::Director],
        }
    }

    pub fn may_give(self, u: &CurrentUser) -> bool {
        self.givers().iter().any(|r| u.has(*r))
    }

    pub fn label_key(self) -> String {
        format!("conduct-kind-{}", self.as_str())
    }
}

/// Who records incidents and gives sanctions at all: the staff who teach or run the school.
pub const STAFF_WHO_SANCTION: &[Role] = &[Role::Director, Role::Secretary, Role::Teacher];

#[cfg(test)]
mod tests {
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
