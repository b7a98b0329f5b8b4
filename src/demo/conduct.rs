//! The demo school's vie scolaire: a few weeks of incidents and the sanctions that
//! followed, one of them a retenue with its slip, for the demo student and others.

use chrono::{Datelike, Duration, NaiveDate};

use crate::conduct::repo::{self, NewIncident, NewSanction};
use crate::db::Tx;

/// Days ago, place, what happened, witnesses, the sanction that followed and its reason.
type Case = (
    i64,
    &'static str,
    &'static str,
    &'static str,
    Option<&'static str>,
    &'static str,
);

pub(super) async fn seed(
    tx: &mut Tx<'_>,
    student_login: Option<&str>,
    today: NaiveDate,
) -> anyhow::Result<()> {
    let (director,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'directeur@lumiere.tg'")
            .fetch_one(&mut **tx)
            .await?;
    let (secretary,): (i64,) =
        sqlx::query_as("SELECT id FROM users WHERE email = 'secretariat@lumiere.tg'")
            .fetch_one(&mut **tx)
            .await?;
    // The demo student first, then students of other classes.
    let students: Vec<(i64, i64)> = sqlx::query_as(
        "SELECT s.id, COALESCE((SELECT t.teacher_user_id FROM teaching_assignments t \
           WHERE t.class_id = e.class_id ORDER BY t.subject_id LIMIT 1), 0) \
         FROM students s JOIN enrollments e ON e.student_id = s.id \
         LEFT JOIN users u ON u.id = s.user_id \
         ORDER BY CASE WHEN u.email = $1 THEN 0 ELSE 1 END, s.id LIMIT 6",
    )
    .bind(student_login.unwrap_or(""))
    .fetch_all(&mut **tx)
    .await?;
    let cases: [Case; 6] = [
        (
            9,
            "Salle de classe",
            "Bavardages répétés pendant le cours malgré deux rappels.",
            "",
            Some("avertissement"),
            "Bavardages répétés",
        ),
        (
            6,
            "Cour de récréation",
            "Bousculade avec un camarade à la sortie de la récréation ; aucun blessé.",
            "M. Kodjo, surveillant",
            Some("retenue"),
            "Bousculade à la récréation",
        ),
        (
            14,
            "Portail",
            "Arrivé à 8 h 20 sans justificatif, troisième retard du mois.",
            "",
            Some("avertissement"),
            "Retards répétés",
        ),
        (
            4,
            "Laboratoire",
            "Téléphone utilisé pendant le TP de physique.",
            "Mme Amouzou",
            Some("blame"),
            "Téléphone en classe",
        ),
        (
            11,
            "Salle de classe",
            "Devoir non rendu et attitude insolente envers le professeur.",
            "",
            None,
            "",
        ),
        (
            2,
            "Cour",
            "Dégradation d'une table (inscriptions au marqueur).",
            "Deux élèves de la classe",
            Some("retenue"),
            "Dégradation de matériel",
        ),
    ];
    for ((student, teacher), (days_ago, place, what, witnesses, sanction, reason)) in
        students.into_iter().zip(cases)
    {
        let on = today - Duration::days(days_ago);
        let reporter = if teacher > 0 { teacher } else { secretary };
        let at = on.and_hms_opt(16, 0, 0).unwrap_or_default().and_utc();
        repo::insert_incident(
            &mut **tx,
            &NewIncident {
                student_id: student,
                occurred_on: on,
                place,
                description: what,
                witnesses,
                reported_by: reporter,
            },
            at,
        )
        .await?;
        let Some(kind) = sanction else { continue };
        let retenue =
            (kind == "retenue").then(|| (on + Duration::days(3), "14:00".to_string(), 120));
        let decided_by = if kind == "avertissement" {
            reporter
        } else {
            director
        };
        repo::insert_sanction(
            &mut **tx,
            &NewSanction {
                student_id: student,
                kind,
                reason,
                decided_by,
                decided_on: on,
                retenue,
                exclusion: None,
            },
            at,
        )
        .await?;
    }
    // A teacher away at a training in Kara next week: the administration's list shows the
    // lessons lost.
    let teacher: Option<(i64,)> = sqlx::query_as(
        "SELECT u.id FROM users u JOIN user_roles r ON r.user_id = u.id AND r.role = 'teacher' \
         WHERE u.email = 'fati.atcha@lumiere.tg'",
    )
    .fetch_optional(&mut **tx)
    .await?;
    if let Some((teacher,)) = teacher {
        let monday = today + Duration::days(7 - i64::from(today.weekday().num_days_from_monday()));
        repo::insert_teacher_absence(
            &mut **tx,
            teacher,
            monday,
            monday + Duration::days(1),
            "Formation pédagogique à Kara",
            director,
            today.and_hms_opt(11, 0, 0).unwrap_or_default().and_utc(),
        )
        .await?;
    }
    Ok(())
}
