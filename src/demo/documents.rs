//! The demo school's documents: the student cards of the demo student's class (with drawn
//! photos), certificates for the demo student and the demo parent's children, an exeat for
//! a student who left for Kara, and a certificate cancelled for a misspelt name.

use chrono::{DateTime, Duration, NaiveDate, TimeZone, Utc};

use crate::certificates::{self, Kind, Leaving};
use crate::db::{Pool, Tx};
use crate::school::{StudentRow, Year};

const STUDENT: &str = "SELECT s.id, s.matricule, s.first_name, s.last_name, s.sex, s.birth_date, \
    s.birth_place, s.active, c.id AS class_id, c.name AS class_name, c.room, \
    NULL AS head_teacher FROM students s \
    JOIN enrollments e ON e.student_id = s.id JOIN classes c ON c.id = e.class_id";

fn at(day: NaiveDate, hour: u32) -> DateTime<Utc> {
    Utc.from_utc_datetime(&day.and_hms_opt(hour, 0, 0).expect("a valid hour"))
}

pub(super) async fn seed(
    tx: &mut Tx<'_>,
    student_login: Option<&str>,
    parent_phone: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let (secretary,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'secretariat@lumiere.tg'")
            .fetch_one(&mut **tx)
            .await?;
    let year: Year =
        sqlx::query_as("SELECT id, label FROM school_years WHERE current = TRUE LIMIT 1")
            .fetch_one(&mut **tx)
            .await?;
    let Some(me): Option<StudentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STUDENT} JOIN users u ON u.id = s.user_id WHERE u.email = $1"
    )))
    .bind(student_login.unwrap_or(""))
    .fetch_optional(&mut **tx)
    .await?
    else {
        return Ok(());
    };
    let none = Leaving::default();
    // The class's cards, printed in the first week.
    let class: Vec<StudentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STUDENT} WHERE c.id = $1 ORDER BY s.sort_name, s.id"
    )))
    .bind(me.class_id)
    .fetch_all(&mut **tx)
    .await?;
    for s in &class {
        certificates::issue(
            tx,
            Kind::Carte,
            s,
            &year,
            &none,
            secretary,
            at(today - Duration::days(60), 9),
        )
        .await?;
    }
    certificates::issue(
        tx,
        Kind::Scolarite,
        &me,
        &year,
        &none,
        secretary,
        at(today - Duration::days(12), 10),
    )
    .await?;
    // The parent's children: an attestation each (for the family allowance).
    let children: Vec<StudentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STUDENT} JOIN student_guardians g ON g.student_id = s.id JOIN users p ON p.id = g.user_id \
         WHERE p.phone = $1 ORDER BY s.id"
    )))
    .bind(parent_phone.unwrap_or(""))
    .fetch_all(&mut **tx)
    .await?;
    for (i, s) in children.iter().enumerate() {
        certificates::issue(
            tx,
            Kind::Inscription,
            s,
            &year,
            &none,
            secretary,
            at(today - Duration::days(20 + i as i64), 11),
        )
        .await?;
    }
    // A certificate with a misspelt name, cancelled, then issued again.
    let mistake = certificates::issue(
        tx,
        Kind::Scolarite,
        &class[class.len() / 2],
        &year,
        &none,
        secretary,
        at(today - Duration::days(8), 9),
    )
    .await?;
    crate::certificates::repo::cancel(
        &mut **tx,
        mistake,
        secretary,
        "Nom mal orthographié",
        at(today - Duration::days(8), 10),
    )
    .await?;
    certificates::issue(
        tx,
        Kind::Scolarite,
        &class[class.len() / 2],
        &year,
        &none,
        secretary,
        at(today - Duration::days(8), 10),
    )
    .await?;
    // A student of another class who left for Kara: the exeat, and the student inactive.
    let leaver: Option<StudentRow> = sqlx::query_as(sqlx::AssertSqlSafe(format!(
        "{STUDENT} WHERE c.id <> $1 AND s.user_id IS NOT NULL ORDER BY s.id DESC LIMIT 1"
    )))
    .bind(me.class_id)
    .fetch_optional(&mut **tx)
    .await?;
    if let Some(l) = leaver {
        let left = today - Duration::days(5);
        certificates::issue(
            tx,
            Kind::Exeat,
            &l,
            &year,
            &Leaving {
                left_on: Some(left),
                reason: "Changement de résidence des parents".into(),
                destination: "Lycée de Kara".into(),
            },
            secretary,
            at(left, 15),
        )
        .await?;
        sqlx::query("UPDATE students SET active = FALSE WHERE id = $1")
            .bind(l.id)
            .execute(&mut **tx)
            .await?;
    }
    Ok(())
}

/// Drawn photos for the students of the demo student's class and the demo parent's
/// children (files go to the store, which the database transaction does not cover).
pub async fn photos(db: &Pool, files: &crate::files::Files) -> anyhow::Result<usize> {
    let ids: Vec<(i64, String)> = sqlx::query_as(
        "SELECT DISTINCT s.id, s.matricule FROM students s JOIN school_documents d ON d.student_id = s.id \
         WHERE d.kind IN ('carte', 'inscription') \
           AND NOT EXISTS (SELECT 1 FROM files f WHERE f.owner_kind = 'student_photo' AND f.owner_id = s.id) \
         ORDER BY s.id",
    )
    .fetch_all(db)
    .await?;
    for (id, matricule) in &ids {
        let bytes = crate::certificates::photo::drawn_portrait(*id as u64);
        crate::files::save(
            db,
            files,
            ("student_photo", *id),
            &format!("photo-{matricule}.jpg"),
            "image/jpeg",
            &bytes,
            None,
            Utc::now(),
        )
        .await?;
    }
    Ok(ids.len())
}
