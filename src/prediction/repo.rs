//! The SQL of success prediction: what a year's records say of each student (enrolments,
//! absences, missed evaluations, repeats, fees), the models, the predictions, the alerts,
//! the follow-up and the imported history.

use chrono::{DateTime, NaiveDate, Utc};

use crate::db::{Db, Pool};
use crate::grades::repo::PeriodRow;

/// The periods of a school year, in order.
pub async fn periods_of_year(db: &Pool, year: i64) -> Result<Vec<PeriodRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, ordinal, kind, starts_on, ends_on, closed, published FROM periods \
         WHERE school_year_id = $1 ORDER BY ordinal",
    )
    .bind(year)
    .fetch_all(db)
    .await
}

/// A student enrolled in a year, with what the features need of them.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct Enrolled {
    pub student_id: i64,
    pub class_id: i64,
    pub level_id: i64,
    pub birth_date: Option<NaiveDate>,
    pub sex: String,
    /// Enrolments in an earlier year at the same level.
    pub repeats: i64,
    /// Guardians on record.
    pub guardians: i64,
}

/// Everyone enrolled in `year`; with `active_only`, those still at the school (the current
/// year: a past year counts those who left since).
pub async fn enrolled(
    db: &Pool,
    year: i64,
    active_only: bool,
) -> Result<Vec<Enrolled>, sqlx::Error> {
    sqlx::query_as(
        "SELECT e.student_id, e.class_id, c.level_id, st.birth_date, st.sex, \
         (SELECT COUNT(*) FROM enrollments e2 JOIN classes c2 ON c2.id = e2.class_id \
            JOIN school_years y2 ON y2.id = e2.school_year_id \
            WHERE e2.student_id = e.student_id AND c2.level_id = c.level_id AND y2.starts_on < y.starts_on) AS repeats, \
         (SELECT COUNT(*) FROM student_guardians g WHERE g.student_id = e.student_id) AS guardians \
         FROM enrollments e JOIN classes c ON c.id = e.class_id JOIN students st ON st.id = e.student_id \
         JOIN school_years y ON y.id = e.school_year_id \
         WHERE e.school_year_id = $1 AND (st.active = TRUE OR NOT $2) ORDER BY e.class_id, e.student_id",
    )
    .bind(year)
    .bind(active_only)
    .fetch_all(db)
    .await
}

/// Per student of `year`, from its start to `until`: (student, unjustified minutes,
/// justified minutes, latenesses).
pub async fn absences(
    db: &Pool,
    year: i64,
    until: NaiveDate,
) -> Result<Vec<(i64, i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT a.student_id, \
         CAST(COALESCE(SUM(CASE WHEN a.kind = 'absence' AND a.state <> 'accepted' THEN a.minutes ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN a.kind = 'absence' AND a.state = 'accepted' THEN a.minutes ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN a.kind = 'retard' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM absences a JOIN roll_calls r ON r.id = a.roll_call_id JOIN classes c ON c.id = r.class_id \
         WHERE c.school_year_id = $1 AND r.held_on <= $2 GROUP BY a.student_id",
    )
    .bind(year)
    .bind(until)
    .fetch_all(db)
    .await
}

/// Per student of `year`: the evaluations of their class held by `until` that they missed (marked absent without excuse, or left without a mark while
/// classmates have theirs: an evaluation nobody is marked in yet is not missed).
pub async fn missed(
    db: &Pool,
    year: i64,
    until: NaiveDate,
) -> Result<Vec<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT en.student_id, \
         CAST(COALESCE(SUM(CASE WHEN m.student_id IS NULL OR m.status = 'absent' THEN 1 ELSE 0 END), 0) AS BIGINT) \
         FROM evaluations e JOIN enrollments en ON en.class_id = e.class_id \
         LEFT JOIN marks m ON m.evaluation_id = e.id AND m.student_id = en.student_id \
         WHERE en.school_year_id = $1 AND e.held_on <= $2 \
           AND EXISTS (SELECT 1 FROM marks m2 WHERE m2.evaluation_id = e.id) GROUP BY en.student_id",
    )
    .bind(year)
    .bind(until)
    .fetch_all(db)
    .await
}

/// Per student of `year`: (student, fees invoiced less discounts, paid less reversals) between
/// the two instants, in XOF.
pub async fn fees(
    db: &Pool,
    year: i64,
    from: DateTime<Utc>,
    until: DateTime<Utc>,
) -> Result<Vec<(i64, i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT l.student_id, \
         CAST(COALESCE(SUM(CASE WHEN l.kind IN ('invoice', 'discount') THEN l.amount ELSE 0 END), 0) AS BIGINT), \
         CAST(COALESCE(SUM(CASE WHEN l.kind IN ('payment', 'reversal') THEN -l.amount ELSE 0 END), 0) AS BIGINT) \
         FROM ledger_entries l JOIN enrollments en ON en.student_id = l.student_id AND en.school_year_id = $1 \
         WHERE l.at >= $2 AND l.at <= $3 GROUP BY l.student_id",
    )
    .bind(year)
    .bind(from)
    .bind(until)
    .fetch_all(db)
    .await
}

/// The council's decisions of `year` (passe, redouble, exclu), the last period's first.
pub async fn decisions(db: &Pool, year: i64) -> Result<Vec<(i64, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT cr.student_id, cr.decision FROM council_records cr JOIN periods p ON p.id = cr.period_id \
         WHERE p.school_year_id = $1 AND cr.decision IS NOT NULL ORDER BY p.ordinal DESC",
    )
    .bind(year)
    .fetch_all(db)
    .await
}

// ---------------------------------------------------------------- models

/// A trained model as listed (without its weights).
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ModelRow {
    pub id: i64,
    pub trained_at: DateTime<Utc>,
    pub trained_by: Option<i64>,
    pub algorithm: String,
    pub rows_used: i64,
    pub students: i64,
    pub summary: String,
    pub size_bytes: i64,
    pub current: bool,
}

const MODEL_SELECT: &str = "SELECT id, trained_at, trained_by, algorithm, rows_used, students, \
    summary, size_bytes, current FROM prediction_models";

/// A model to store.
pub struct NewModel<'a> {
    pub trained_at: DateTime<Utc>,
    pub trained_by: Option<i64>,
    pub algorithm: &'a str,
    pub rows_used: i64,
    pub students: i64,
    pub summary: &'a str,
    pub model: &'a str,
}

/// Stores a model and makes it the current one; returns its id (its version).
pub async fn insert_current(
    tx: &mut crate::db::Tx<'_>,
    m: &NewModel<'_>,
) -> Result<i64, sqlx::Error> {
    sqlx::query("UPDATE prediction_models SET current = FALSE WHERE current = TRUE")
        .execute(&mut **tx)
        .await?;
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO prediction_models (trained_at, trained_by, algorithm, rows_used, students, summary, model, size_bytes, current) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8, TRUE) RETURNING id",
    )
    .bind(m.trained_at)
    .bind(m.trained_by)
    .bind(m.algorithm)
    .bind(m.rows_used)
    .bind(m.students)
    .bind(m.summary)
    .bind(m.model)
    .bind(m.model.len() as i64)
    .fetch_one(&mut **tx)
    .await?;
    Ok(id)
}

/// The current model, without its weights.
pub async fn current_model(db: &Pool) -> Result<Option<ModelRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{MODEL_SELECT} WHERE current = TRUE"))
        .fetch_optional(db)
        .await
}

/// The models trained, newest first.
pub async fn models(db: &Pool, limit: i64) -> Result<Vec<ModelRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{MODEL_SELECT} ORDER BY id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(db)
        .await
}

/// The current model's id and weights (JSON).
pub async fn current_weights(db: &Pool) -> Result<Option<(i64, String)>, sqlx::Error> {
    sqlx::query_as("SELECT id, model FROM prediction_models WHERE current = TRUE")
        .fetch_optional(db)
        .await
}

// ---------------------------------------------------------------- predictions

/// A stored prediction.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct PredictionRow {
    pub student_id: i64,
    pub class_id: i64,
    pub model_id: i64,
    /// Probability of failing, ten-thousandths.
    pub probability: i64,
    pub stage: i64,
    /// JSON.
    pub reasons: String,
    pub computed_at: DateTime<Utc>,
}

/// Writes (or replaces) a student's prediction for the year; returns the probability it
/// replaced, if any.
#[allow(clippy::too_many_arguments)]
pub async fn upsert_prediction<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    year: i64,
    p: &PredictionRow,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO risk_predictions (student_id, school_year_id, model_id, class_id, probability, stage, reasons, computed_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) \
         ON CONFLICT (student_id, school_year_id) DO UPDATE SET model_id = excluded.model_id, \
         class_id = excluded.class_id, probability = excluded.probability, stage = excluded.stage, \
         reasons = excluded.reasons, computed_at = excluded.computed_at",
    )
    .bind(p.student_id)
    .bind(year)
    .bind(p.model_id)
    .bind(p.class_id)
    .bind(p.probability)
    .bind(p.stage)
    .bind(&p.reasons)
    .bind(p.computed_at)
    .execute(db)
    .await?;
    Ok(())
}

/// The predictions of a class's students this year (by their enrolment today, whatever
/// class they were predicted in).
pub async fn class_predictions(
    db: &Pool,
    year: i64,
    class_id: i64,
) -> Result<Vec<PredictionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT p.student_id, e.class_id, p.model_id, p.probability, p.stage, p.reasons, p.computed_at \
         FROM risk_predictions p JOIN enrollments e ON e.student_id = p.student_id AND e.school_year_id = p.school_year_id \
         WHERE p.school_year_id = $1 AND e.class_id = $2",
    )
    .bind(year)
    .bind(class_id)
    .fetch_all(db)
    .await
}

// ---------------------------------------------------------------- alerts

/// The open alert of a student this year: (id, probability when raised).
pub async fn open_alert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
    year: i64,
) -> Result<Option<(i64, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT id, probability FROM risk_alerts WHERE student_id = $1 AND school_year_id = $2 AND cleared_at IS NULL",
    )
    .bind(student)
    .bind(year)
    .fetch_optional(db)
    .await
}

/// Opens an alert; its id, or `None` when one is open already (another node raised it).
pub async fn raise_alert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
    year: i64,
    probability: i64,
    at: DateTime<Utc>,
) -> Result<Option<i64>, sqlx::Error> {
    let id: Option<(i64,)> = sqlx::query_as(
        "INSERT INTO risk_alerts (student_id, school_year_id, probability, raised_at) VALUES ($1, $2, $3, $4) \
         ON CONFLICT (student_id, school_year_id) WHERE cleared_at IS NULL DO NOTHING RETURNING id",
    )
    .bind(student)
    .bind(year)
    .bind(probability)
    .bind(at)
    .fetch_optional(db)
    .await?;
    Ok(id.map(|r| r.0))
}

/// Starts the year's predictions afresh (those who left are not predicted any more).
pub async fn clear_predictions<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    year: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM risk_predictions WHERE school_year_id = $1")
        .bind(year)
        .execute(db)
        .await?;
    Ok(())
}

/// Closes the open alerts of students without a prediction this year (they left).
pub async fn clear_orphan_alerts<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    year: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "UPDATE risk_alerts SET cleared_at = $1 WHERE school_year_id = $2 AND cleared_at IS NULL \
         AND student_id NOT IN (SELECT student_id FROM risk_predictions WHERE school_year_id = $2)",
    )
    .bind(at)
    .bind(year)
    .execute(db)
    .await?;
    Ok(())
}

/// The periods of a year with at least one mark.
pub async fn periods_with_marks(db: &Pool, year: i64) -> Result<Vec<i64>, sqlx::Error> {
    let rows: Vec<(i64,)> = sqlx::query_as(
        "SELECT p.id FROM periods p WHERE p.school_year_id = $1 AND EXISTS \
         (SELECT 1 FROM evaluations e JOIN marks m ON m.evaluation_id = e.id WHERE e.period_id = p.id)",
    )
    .bind(year)
    .fetch_all(db)
    .await?;
    Ok(rows.into_iter().map(|r| r.0).collect())
}

/// Takes the current model out of use (the school changed what it may use): the risk list
/// goes back to the hand-made index until the next training.
pub async fn retire_current<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE prediction_models SET current = FALSE WHERE current = TRUE")
        .execute(db)
        .await?;
    Ok(())
}

/// Closes an alert: the risk fell back under the threshold.
pub async fn clear_alert<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    at: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE risk_alerts SET cleared_at = $1 WHERE id = $2 AND cleared_at IS NULL")
        .bind(at)
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}

/// The alerts of a student (newest first): (raised, cleared, probability).
pub async fn alerts_of(
    db: &Pool,
    student: i64,
    year: i64,
) -> Result<Vec<(DateTime<Utc>, Option<DateTime<Utc>>, i64)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT raised_at, cleared_at, probability FROM risk_alerts WHERE student_id = $1 AND school_year_id = $2 ORDER BY id DESC",
    )
    .bind(student)
    .bind(year)
    .fetch_all(db)
    .await
}

/// Who hears of a student's alert: the professeur principal of their class this year and the
/// directors; with `parents`, their guardians too. (user, is a guardian).
pub async fn alert_audience<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
    year: i64,
    parents: bool,
) -> Result<Vec<(i64, bool)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT c.head_teacher_user_id, FALSE FROM enrollments e JOIN classes c ON c.id = e.class_id \
           WHERE e.student_id = $1 AND e.school_year_id = $2 AND c.head_teacher_user_id IS NOT NULL \
         UNION SELECT ur.user_id, FALSE FROM user_roles ur JOIN users u ON u.id = ur.user_id \
           WHERE ur.role = 'director' AND u.active = TRUE \
         UNION SELECT g.user_id, TRUE FROM student_guardians g WHERE g.student_id = $1 AND $3",
    )
    .bind(student)
    .bind(year)
    .bind(parents)
    .fetch_all(db)
    .await
}

// ---------------------------------------------------------------- follow-up

/// A follow-up recorded.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct InterventionRow {
    pub id: i64,
    pub done_on: NaiveDate,
    pub action: String,
    pub note: String,
    pub probability: Option<i64>,
    pub author: String,
}

/// Records what was done for a student.
#[allow(clippy::too_many_arguments)]
pub async fn insert_intervention<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
    year: i64,
    author: i64,
    done_on: NaiveDate,
    action: &str,
    note: &str,
    probability: Option<i64>,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO risk_interventions (student_id, school_year_id, author_id, done_on, action, note, probability, created_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7, $8) RETURNING id",
    )
    .bind(student)
    .bind(year)
    .bind(author)
    .bind(done_on)
    .bind(action)
    .bind(note)
    .bind(probability)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

/// The follow-up of a student, newest first.
pub async fn interventions(
    db: &Pool,
    student: i64,
    year: i64,
) -> Result<Vec<InterventionRow>, sqlx::Error> {
    sqlx::query_as(
        "SELECT i.id, i.done_on, i.action, i.note, i.probability, u.first_name || ' ' || u.last_name AS author \
         FROM risk_interventions i JOIN users u ON u.id = i.author_id WHERE i.student_id = $1 AND i.school_year_id = $2 \
         ORDER BY i.done_on DESC, i.id DESC",
    )
    .bind(student)
    .bind(year)
    .fetch_all(db)
    .await
}

// ---------------------------------------------------------------- imported history

/// An imported row: (features JSON, passed, student key).
pub async fn history(db: &Pool) -> Result<Vec<(String, bool, String)>, sqlx::Error> {
    sqlx::query_as("SELECT features, passed, student_key FROM prediction_history ORDER BY id")
        .fetch_all(db)
        .await
}

/// Rows imported, and their sources.
pub async fn history_count(db: &Pool) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as("SELECT COUNT(*) FROM prediction_history")
        .fetch_one(db)
        .await?;
    Ok(n)
}

/// Adds an imported row.
#[allow(clippy::too_many_arguments)]
pub async fn insert_history<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    source: &str,
    year_label: &str,
    student_key: &str,
    features: &str,
    passed: bool,
    by: i64,
    now: DateTime<Utc>,
) -> Result<(), sqlx::Error> {
    sqlx::query(
        "INSERT INTO prediction_history (source, year_label, student_key, features, passed, imported_by, imported_at) \
         VALUES ($1, $2, $3, $4, $5, $6, $7)",
    )
    .bind(source)
    .bind(year_label)
    .bind(student_key)
    .bind(features)
    .bind(passed)
    .bind(by)
    .bind(now)
    .execute(db)
    .await?;
    Ok(())
}

/// A student's name ("NOM Prénom") and class in a year.
pub async fn student_in_year<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    student: i64,
    year: i64,
) -> Result<Option<(String, String)>, sqlx::Error> {
    sqlx::query_as(
        "SELECT UPPER(st.last_name) || ' ' || st.first_name, c.name FROM students st \
         JOIN enrollments e ON e.student_id = st.id AND e.school_year_id = $2 \
         JOIN classes c ON c.id = e.class_id WHERE st.id = $1",
    )
    .bind(student)
    .bind(year)
    .fetch_optional(db)
    .await
}

/// When the marks, the periods' closing or the absences last changed, against when the
/// predictions were last made: (latest record change, latest prediction).
pub async fn staleness(
    db: &Pool,
    year: i64,
) -> Result<(Option<DateTime<Utc>>, Option<DateTime<Utc>>), sqlx::Error> {
    let (marks,): (Option<DateTime<Utc>>,) = sqlx::query_as(
        "SELECT MAX(m.updated_at) FROM marks m JOIN evaluations e ON e.id = m.evaluation_id \
         JOIN periods p ON p.id = e.period_id WHERE p.school_year_id = $1",
    )
    .bind(year)
    .fetch_one(db)
    .await?;
    let (made,): (Option<DateTime<Utc>>,) =
        sqlx::query_as("SELECT MAX(computed_at) FROM risk_predictions WHERE school_year_id = $1")
            .bind(year)
            .fetch_one(db)
            .await?;
    Ok((marks, made))
}

/// Whether some prediction of the year was made by a model no longer in use.
pub async fn stale_model(db: &Pool, year: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM risk_predictions p JOIN prediction_models m ON m.id = p.model_id \
         WHERE p.school_year_id = $1 AND m.current = FALSE",
    )
    .bind(year)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Whether some prediction of the year was made at another stage than `stage`.
pub async fn stage_changed(db: &Pool, year: i64, stage: i64) -> Result<bool, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT COUNT(*) FROM risk_predictions WHERE school_year_id = $1 AND stage <> $2",
    )
    .bind(year)
    .bind(stage)
    .fetch_one(db)
    .await?;
    Ok(n > 0)
}

/// Student-years the history holds: enrolments of past years and imported rows (a cheap
/// count, before reading any record).
pub async fn history_size(db: &Pool) -> Result<i64, sqlx::Error> {
    let (n,): (i64,) = sqlx::query_as(
        "SELECT (SELECT COUNT(*) FROM enrollments e JOIN school_years y ON y.id = e.school_year_id \
           WHERE y.current = FALSE AND y.starts_on < COALESCE((SELECT MAX(starts_on) FROM school_years WHERE current = TRUE), y.starts_on)) \
         + (SELECT COUNT(*) FROM prediction_history)",
    )
    .fetch_one(db)
    .await?;
    Ok(n)
}

// ---------------------------------------------------------------- spreadsheet uploads

/// An upload waiting for (or done with) its column mapping.
#[derive(Clone, Debug, sqlx::FromRow)]
pub struct ImportRow {
    pub id: i64,
    pub filename: String,
    /// JSON list of titles.
    pub header: String,
    /// JSON list of (line, cells).
    pub body: String,
    pub row_count: i64,
    pub uploaded_at: DateTime<Utc>,
    pub imported: Option<i64>,
}

/// Keeps an uploaded table until its mapping; returns its id.
pub async fn insert_import(
    db: &Pool,
    filename: &str,
    header: &str,
    body: &str,
    row_count: i64,
    by: i64,
    now: DateTime<Utc>,
) -> Result<i64, sqlx::Error> {
    let (id,): (i64,) = sqlx::query_as(
        "INSERT INTO prediction_imports (filename, header, body, row_count, uploaded_by, uploaded_at) \
         VALUES ($1, $2, $3, $4, $5, $6) RETURNING id",
    )
    .bind(filename)
    .bind(header)
    .bind(body)
    .bind(row_count)
    .bind(by)
    .bind(now)
    .fetch_one(db)
    .await?;
    Ok(id)
}

const IMPORT_SELECT: &str =
    "SELECT id, filename, header, body, row_count, uploaded_at, imported FROM prediction_imports";

pub async fn import(db: &Pool, id: i64) -> Result<Option<ImportRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{IMPORT_SELECT} WHERE id = $1"))
        .bind(id)
        .fetch_optional(db)
        .await
}

/// The uploads, newest first.
pub async fn imports(db: &Pool, limit: i64) -> Result<Vec<ImportRow>, sqlx::Error> {
    sqlx::query_as(crate::sql!("{IMPORT_SELECT} ORDER BY id DESC LIMIT $1"))
        .bind(limit)
        .fetch_all(db)
        .await
}

/// Marks an upload imported (its rows written in the same transaction), once: false when it
/// already was.
pub async fn mark_imported<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
    rows: i64,
    now: DateTime<Utc>,
) -> Result<bool, sqlx::Error> {
    let r = sqlx::query(
        "UPDATE prediction_imports SET imported = $1, imported_at = $2 WHERE id = $3 AND imported IS NULL",
    )
    .bind(rows)
    .bind(now)
    .bind(id)
    .execute(db)
    .await?;
    Ok(r.rows_affected() == 1)
}

/// Takes an import's rows out of the history (the upload stays, to map again).
pub async fn remove_import<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    source: &str,
) -> Result<(), sqlx::Error> {
    sqlx::query("DELETE FROM prediction_history WHERE source = $1")
        .bind(source)
        .execute(db)
        .await?;
    Ok(())
}

/// Forgets that an upload was imported (after its rows were taken out).
pub async fn unmark_imported<'e>(
    db: impl sqlx::Executor<'e, Database = Db>,
    id: i64,
) -> Result<(), sqlx::Error> {
    sqlx::query("UPDATE prediction_imports SET imported = NULL, imported_at = NULL WHERE id = $1")
        .bind(id)
        .execute(db)
        .await?;
    Ok(())
}
