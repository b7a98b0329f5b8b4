//! School documents: the certificat de scolarité, the attestation d'inscription, the exeat
//! (certificat de radiation) and the student card. Each is numbered per kind and school
//! year ("CS-2026-0012"), written in the register, and printed through the export engine
//! with a QR code to a public page that says whether the school issued it and whether it
//! still holds. They are issued one by one from a student's page, or for a whole class as
//! a job (one PDF to print). The exam office's candidate lists (BEPC, BAC I, BAC II) come
//! out as workbooks.

pub mod photo;
pub mod render;
pub mod repo;
pub mod routes;

pub use routes::router;

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::Tx;
use crate::school::{StudentRow, Year};

crate::text_enum! {
    /// The kinds of documents the school issues.
    pub enum Kind {
        Scolarite = "scolarite",
        Inscription = "inscription",
        Exeat = "exeat",
        Carte = "carte",
    }
}

impl Kind {
    /// The letters that start its numbers.
    pub fn prefix(self) -> &'static str {
        match self {
            Kind::Scolarite => "CS",
            Kind::Inscription => "AI",
            Kind::Exeat => "EX",
            Kind::Carte => "CE",
        }
    }

    /// Its name in the catalog.
    pub fn label_key(self) -> String {
        format!("doc-kind-{}", self.as_str())
    }

    /// The kinds issued for a whole class at once (an exeat is one student's).
    pub const FOR_CLASS: [Kind; 3] = [Kind::Scolarite, Kind::Inscription, Kind::Carte];
}

/// A document's number: its kind's letters, the year it starts, and its rank that year.
pub fn number(kind: Kind, year_label: &str, n: i64) -> String {
    let start: String = year_label
        .chars()
        .take_while(char::is_ascii_digit)
        .collect();
    let start = if start.is_empty() { "0000" } else { &start };
    format!("{}-{start}-{n:04}", kind.prefix())
}

/// What an exeat says besides the student.
#[derive(Clone, Debug, Default)]
pub struct Leaving {
    /// The day the student left.
    pub left_on: Option<NaiveDate>,
    pub reason: String,
    /// The school they go to, if known.
    pub destination: String,
}

/// Why a document cannot be issued.
#[derive(Debug, thiserror::Error)]
pub enum Refused {
    /// The student is in no class this year: there is nothing to certify.
    #[error("not enrolled")]
    NotEnrolled,
    #[error(transparent)]
    Db(#[from] sqlx::Error),
}

impl Refused {
    pub fn key(&self) -> &'static str {
        match self {
            Refused::NotEnrolled => "error-doc-not-enrolled",
            Refused::Db(_) => "error-internal",
        }
    }
}

/// Issues a document in the caller's transaction: takes its number, writes it in the
/// register and in the journal. Returns its id. A student has one card a year: asking
/// again reprints the card that holds (a lost card is cancelled first, then issued anew).
pub async fn issue(
    tx: &mut Tx<'_>,
    kind: Kind,
    student: &StudentRow,
    year: &Year,
    leaving: &Leaving,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, Refused> {
    let Some(class_name) = student.class_name.as_deref() else {
        return Err(Refused::NotEnrolled);
    };
    if kind == Kind::Carte
        && let Some(card) = repo::valid_card(&mut **tx, student.id, year.id).await?
    {
        return Ok(card);
    }
    let n = repo::next_no(&mut **tx, year.id, kind.as_str()).await?;
    let number = number(kind, &year.label, n);
    let id = repo::insert(
        &mut **tx,
        &repo::NewDocument {
            kind: kind.as_str(),
            number: &number,
            student_id: student.id,
            year: year.id,
            class_name,
            left_on: leaving.left_on,
            reason: &leaving.reason,
            destination: &leaving.destination,
            issued_by: by,
        },
        now,
    )
    .await?;
    crate::audit::record(
        &mut **tx,
        Some(by),
        "school_document",
        &id.to_string(),
        "issue",
        None,
        Some(&number),
        now,
    )
    .await?;
    Ok(id)
}

/// The exams whose candidate lists the school sends: the level that sits each.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Exam {
    Cepd,
    Bepc,
    Bac1,
    Bac2,
}

impl Exam {
    pub const ALL: [Exam; 4] = [Exam::Cepd, Exam::Bepc, Exam::Bac1, Exam::Bac2];

    /// Its name in addresses.
    pub fn slug(self) -> &'static str {
        match self {
            Exam::Cepd => "cepd",
            Exam::Bepc => "bepc",
            Exam::Bac1 => "bac1",
            Exam::Bac2 => "bac2",
        }
    }

    pub fn parse(s: &str) -> Option<Exam> {
        Exam::ALL.into_iter().find(|e| e.slug() == s)
    }

    /// The code of the level that sits it.
    pub fn level_code(self) -> &'static str {
        match self {
            Exam::Cepd => "CM2",
            Exam::Bepc => "3e",
            Exam::Bac1 => "1ère",
            Exam::Bac2 => "Tle",
        }
    }

    /// Whether candidates are listed by série.
    pub fn by_serie(self) -> bool {
        matches!(self, Exam::Bac1 | Exam::Bac2)
    }

    pub fn label_key(self) -> String {
        format!("exam-{}", self.slug())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn numbers_carry_kind_year_and_rank() {
        assert_eq!(number(Kind::Scolarite, "2026-2027", 12), "CS-2026-0012");
        assert_eq!(number(Kind::Carte, "2026-2027", 12345), "CE-2026-12345");
        assert_eq!(number(Kind::Exeat, "", 1), "EX-0000-0001");
    }

    #[test]
    fn the_kinds_are_what_the_database_allows() {
        use crate::db::text_enum::{checked_words, migrations_text};
        let words: Vec<&str> = Kind::ALL.iter().map(|k| k.as_str()).collect();
        assert_eq!(
            checked_words(&migrations_text(), "school_documents", "kind"),
            words
        );
    }

    #[test]
    fn exams_by_their_address() {
        for e in Exam::ALL {
            assert_eq!(Exam::parse(e.slug()), Some(e));
        }
        assert_eq!(Exam::parse("bts"), None);
    }
}
