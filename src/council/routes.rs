//! Pages of the conseil de classe: the teacher's appreciations of a subject, the council's
//! sheet (professeur principal or director), and the annual results.

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use serde::Deserialize;

use super::repo::{self, Record};
use super::{DECISIONS, Year};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::bulletins::compute::Bulletin;
use crate::error::{AppError, AppResult};
use crate::grades::repo::PeriodRow;
use crate::school::{self, ClassRow, StudentRow};
use crate::web::{Ctx, FormErrors, PathId, PathIds, html_status, redirect};

/// Routes of the council.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/enseignant/classes/{class}/matieres/{subject}/appreciations",
            get(appreciations)
                .post(save_appreciations)
                .allow(Rule::TEACHER),
        )
        .route(
            "/enseignant/classes/{class}/matieres/{subject}/appreciations/{student}",
            axum::routing::post(save_appreciation).allow(Rule::TEACHER),
        )
        .route(
            "/conseil/classes/{id}",
            get(council)
                .post(save_council)
                .allow(Rule::AnyOf(authz::COUNCIL)),
        )
        .route(
            "/conseil/classes/{id}/annuel",
            get(annual).allow(Rule::AnyOf(authz::COUNCIL)),
        )
}

#[derive(Deserialize, Default)]
struct PeriodQuery {
    #[serde(default)]
    periode: String,
}

async fn pick_period(app: &AppState, q: &PeriodQuery) -> AppResult<(Vec<PeriodRow>, PeriodRow)> {
    let periods = crate::grades::repo::periods(&app.db).await?;
    let today = app.clock.today();
    let period = q
        .periode
        .parse::<i64>()
        .ok()
        .and_then(|p| periods.iter().find(|x| x.id == p))
        .or_else(|| crate::grades::repo::default_period(&periods, today))
        .cloned()
        .ok_or(AppError::NotFound)?;
    Ok((periods, period))
}

fn fields(body: &[u8]) -> HashMap<String, String> {
    form_urlencoded::parse(body).into_owned().collect()
}

// ------------------------------------------------------------ a subject's appreciations

#[derive(Template)]
#[template(path = "council/appreciations.html")]
struct Appreciations<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    subject_id: i64,
    subject: String,
    periods: Vec<PeriodRow>,
    period: PeriodRow,
    rows: Vec<(StudentRow, Option<i64>, String)>,
    errors: FormErrors,
}

#[allow(clippy::too_many_arguments)]
async fn appreciations_page(
    app: &AppState,
    ctx: &Ctx,
    class_id: i64,
    subject_id: i64,
    q: &PeriodQuery,
    typed: Option<HashMap<String, String>>,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.require(crate::auth::Portal::Teacher)?;
    authz::require(authz::can_grade(&app.db, u, class_id, subject_id).await?)?;
    let class = school::class(&app.db, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let subject = crate::grades::repo::subject_name(&app.db, subject_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (periods, period) = pick_period(app, q).await?;
    let students = school::roster(&app.db, class_id).await?;
    let ids: Vec<i64> = students.iter().map(|s| s.id).collect();
    let (_, computed) = crate::bulletins::for_class(&app.db, class_id, period.id, &ids).await?;
    let saved = repo::subject_appreciations(&app.db, class_id, period.id, subject_id).await?;
    let rows = students
        .into_iter()
        .zip(computed.bulletins)
        .map(|(s, b)| {
            let avg = b
                .lines
                .iter()
                .find(|l| l.subject.id == subject_id)
                .and_then(|l| l.average);
            let text = match &typed {
                Some(t) => t.get(&format!("app_{}", s.id)).cloned().unwrap_or_default(),
                None => saved.get(&s.id).cloned().unwrap_or_default(),
            };
            (s, avg, text)
        })
        .collect();
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &Appreciations {
            ctx,
            class,
            subject_id,
            subject,
            periods,
            period,
            rows,
            errors,
        },
    )
}

async fn appreciations(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(class_id, subject_id): PathIds,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    appreciations_page(
        &app,
        &ctx,
        class_id,
        subject_id,
        &q,
        None,
        FormErrors::default(),
    )
    .await
}

/// Saves the whole column at once, or nothing; a closed period refuses it.
async fn save_appreciations(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(class_id, subject_id): PathIds,
    Query(q): Query<PeriodQuery>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let u = ctx.require(crate::auth::Portal::Teacher)?;
    authz::require(authz::can_grade(&app.db, u, class_id, subject_id).await?)?;
    let uid = u.id;
    let (_, period) = pick_period(&app, &q).await?;
    let f = fields(&body);
    let roster = school::roster(&app.db, class_id).await?;
    let mut errors = FormErrors::default();
    let mut texts = Vec::new();
    for s in &roster {
        let key = format!("app_{}", s.id);
        match crate::domain::optional_text(f.get(&key).map(String::as_str).unwrap_or(""), 200) {
            Ok(t) => texts.push((s.id, t)),
            Err(k) => errors.add(&key, ctx.t.t(k)),
        }
    }
    let q = PeriodQuery {
        periode: period.id.to_string(),
    };
    if !errors.is_empty() {
        return appreciations_page(&app, &ctx, class_id, subject_id, &q, Some(f), errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let (closed, _) = repo::period_state_tx(&mut *tx, period.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if closed {
        drop(tx);
        errors.add("period", ctx.t.t("error-period-closed"));
        return appreciations_page(&app, &ctx, class_id, subject_id, &q, Some(f), errors).await;
    }
    for (student, text) in &texts {
        repo::set_appreciation(
            &mut *tx,
            *student,
            period.id,
            subject_id,
            text.as_deref(),
            uid,
            ctx.now,
        )
        .await?;
    }
    crate::audit::record(
        &mut *tx,
        Some(uid),
        "appreciation",
        &format!("{class_id}/{subject_id}/{}", period.id),
        "update",
        None,
        Some(&format!(
            "{} appreciations",
            texts.iter().filter(|t| t.1.is_some()).count()
        )),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "appreciations-saved").await?;
    Ok(redirect(&format!(
        "/enseignant/classes/{class_id}/matieres/{subject_id}/appreciations?periode={}",
        period.id
    )))
}

#[derive(Template)]
#[template(path = "council/_state.html")]
struct FieldState {
    ok: bool,
    message: String,
}

/// Saves one appreciation as it is typed (htmx, after a pause in the typing or on leaving
/// the field, like a mark), and answers the small state shown beside it. htmx posts the
/// whole form; only this student's field (`app_<id>`) is read. The page's button still
/// saves the whole column (without JavaScript).
async fn save_appreciation(
    State(app): State<AppState>,
    ctx: Ctx,
    axum::extract::Path((class, subject, student)): axum::extract::Path<(String, String, String)>,
    Query(q): Query<PeriodQuery>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let id = |s: &str| s.parse::<i64>().ok().filter(|n| *n > 0);
    let (Some(class_id), Some(subject_id), Some(student_id)) =
        (id(&class), id(&subject), id(&student))
    else {
        return Err(AppError::NotFound);
    };
    let u = ctx.require(crate::auth::Portal::Teacher)?;
    authz::require(authz::can_grade(&app.db, u, class_id, subject_id).await?)?;
    let uid = u.id;
    let state = |status: StatusCode, ok: bool, message: String| -> AppResult<Response> {
        let body = FieldState { ok, message }.render()?;
        Ok((status, axum::response::Html(body)).into_response())
    };
    let (_, period) = pick_period(&app, &q).await?;
    let roster = school::roster(&app.db, class_id).await?;
    if !roster.iter().any(|s| s.id == student_id) {
        return Err(AppError::NotFound);
    }
    let key = format!("app_{student_id}");
    let typed = form_urlencoded::parse(&body)
        .find(|(k, _)| *k == key)
        .map(|(_, v)| v.into_owned())
        .unwrap_or_default();
    let text = match crate::domain::optional_text(&typed, 200) {
        Ok(t) => t,
        Err(k) => return state(StatusCode::UNPROCESSABLE_ENTITY, false, ctx.t.t(k)),
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    let (closed, _) = repo::period_state_tx(&mut *tx, period.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if closed {
        drop(tx);
        return state(StatusCode::CONFLICT, false, ctx.t.t("error-period-closed"));
    }
    let before = repo::appreciation_tx(&mut *tx, student_id, period.id, subject_id).await?;
    // A pause and then leaving the field send the same text twice: written (and audited)
    // once.
    if before.as_deref() != text.as_deref() {
        repo::set_appreciation(
            &mut *tx,
            student_id,
            period.id,
            subject_id,
            text.as_deref(),
            uid,
            ctx.now,
        )
        .await?;
        let action = match (&before, &text) {
            (None, _) => "create",
            (_, None) => "delete",
            _ => "update",
        };
        crate::audit::record(
            &mut *tx,
            Some(uid),
            "student_appreciation",
            &format!("{class_id}/{subject_id}/{}/{student_id}", period.id),
            action,
            before.as_deref(),
            text.as_deref(),
            ctx.now,
        )
        .await?;
    }
    tx.commit().await?;
    state(StatusCode::OK, true, ctx.t.t("appreciation-saved"))
}

// ------------------------------------------------------------ the council's sheet

/// The director, or the class's professeur principal.
async fn council_member<'a>(
    app: &AppState,
    ctx: &'a Ctx,
    class_id: i64,
) -> AppResult<(&'a CurrentUser, ClassRow)> {
    let u = ctx.user()?;
    let class = school::class(&app.db, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::may_hold_council(u, class.head_teacher_user_id))?;
    Ok((u, class))
}

/// One student's line on the council's sheet.
pub struct CouncilRow {
    student: StudentRow,
    bulletin: Bulletin,
    record: Record,
    year: Option<Year>,
    typed: Option<[String; 4]>,
    /// The conduct mark the vie scolaire proposes, and why ("" for a clear record).
    proposal: (i64, String),
}

impl CouncilRow {
    /// The proposal, shown under the mark while the council has not set another.
    fn proposal_note(&self) -> Option<(String, &str)> {
        (self.record.conduct != Some(self.proposal.0)).then(|| {
            (
                crate::grades::model::show_points(self.proposal.0),
                self.proposal.1.as_str(),
            )
        })
    }

    fn value(&self, i: usize) -> String {
        if let Some(t) = &self.typed {
            return t[i].clone();
        }
        match i {
            // The vie scolaire's proposal until the council sets a mark.
            0 => crate::grades::model::show_points(self.record.conduct.unwrap_or(self.proposal.0)),
            1 => self.record.head_note.clone().unwrap_or_default(),
            2 => self.record.council_note.clone().unwrap_or_default(),
            _ => self
                .record
                .decision
                .clone()
                .or_else(|| {
                    self.year
                        .as_ref()
                        .and_then(|y| y.proposed())
                        .map(String::from)
                })
                .unwrap_or_default(),
        }
    }
}

#[derive(Template)]
#[template(path = "council/council.html")]
struct Council<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    periods: Vec<PeriodRow>,
    period: PeriodRow,
    last: bool,
    rows: Vec<CouncilRow>,
    ranked: i64,
    errors: FormErrors,
}

async fn council_page(
    app: &AppState,
    ctx: &Ctx,
    class_id: i64,
    q: &PeriodQuery,
    typed: Option<HashMap<String, String>>,
    errors: FormErrors,
) -> AppResult<Response> {
    let (_, class) = council_member(app, ctx, class_id).await?;
    let (periods, period) = pick_period(app, q).await?;
    let last = periods.last().is_some_and(|p| p.id == period.id);
    let students = school::roster(&app.db, class_id).await?;
    let ids: Vec<i64> = students.iter().map(|s| s.id).collect();
    let (_, computed) = crate::bulletins::for_class(&app.db, class_id, period.id, &ids).await?;
    let mut records = repo::class_records(&app.db, class_id, period.id).await?;
    let rules = crate::settings::conduct(&app.db).await?;
    let mut facts =
        crate::conduct::class_facts(&app.db, class_id, period.starts_on, period.ends_on).await?;
    let years = if last {
        Some(super::class_year(&app.db, class_id, &ids).await?.1)
    } else {
        None
    };
    let mut rows: Vec<CouncilRow> = students
        .into_iter()
        .zip(computed.bulletins)
        .enumerate()
        .map(|(i, (s, b))| CouncilRow {
            typed: typed.as_ref().map(|t| {
                ["conduct", "head", "council", "decision"]
                    .map(|k| t.get(&format!("{k}_{}", s.id)).cloned().unwrap_or_default())
            }),
            record: records.remove(&s.id).unwrap_or_default(),
            proposal: {
                let f = facts.remove(&s.id).unwrap_or_default();
                (
                    crate::conduct::propose(&rules, &f),
                    crate::conduct::why(&ctx.t, &f),
                )
            },
            year: years.as_ref().and_then(|y| y.get(i).cloned()),
            student: s,
            bulletin: b,
        })
        .collect();
    rows.sort_by_key(|r| {
        (
            r.bulletin.rank.map(|x| x.position).unwrap_or(usize::MAX),
            r.student.last_name.clone(),
        )
    });
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &Council {
            ctx,
            class,
            periods,
            period,
            last,
            rows,
            ranked: computed.ranked as i64,
            errors,
        },
    )
}

async fn council(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    council_page(&app, &ctx, id, &q, None, FormErrors::default()).await
}

/// Saves the whole sheet, or nothing. Once the bulletins are published it is read-only.
async fn save_council(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<PeriodQuery>,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let (u, _) = council_member(&app, &ctx, id).await?;
    let uid = u.id;
    let (periods, period) = pick_period(&app, &q).await?;
    let last = periods.last().is_some_and(|p| p.id == period.id);
    let f = fields(&body);
    let get = |k: &str| f.get(k).map(String::as_str).unwrap_or("");
    let roster = school::roster(&app.db, id).await?;
    let mut errors = FormErrors::default();
    let mut records = Vec::new();
    for s in &roster {
        let conduct = super::parse_conduct(get(&format!("conduct_{}", s.id))).unwrap_or_else(|k| {
            errors.add(&format!("conduct_{}", s.id), ctx.t.t(k));
            None
        });
        let mut note = |k: &str| {
            crate::domain::optional_text(get(&format!("{k}_{}", s.id)), 300).unwrap_or_else(|e| {
                errors.add(&format!("{k}_{}", s.id), ctx.t.t(e));
                None
            })
        };
        let (head_note, council_note) = (note("head"), note("council"));
        let decision = match get(&format!("decision_{}", s.id)) {
            "" => None,
            d if last && DECISIONS.contains(&d) => Some(d.to_string()),
            _ => {
                errors.add(&format!("decision_{}", s.id), ctx.t.t("error-choose"));
                None
            }
        };
        records.push(Record {
            student_id: s.id,
            conduct,
            head_note,
            council_note,
            decision,
        });
    }
    let q = PeriodQuery {
        periode: period.id.to_string(),
    };
    if !errors.is_empty() {
        return council_page(&app, &ctx, id, &q, Some(f), errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let (_, published) = repo::period_state_tx(&mut *tx, period.id)
        .await?
        .ok_or(AppError::NotFound)?;
    if published {
        drop(tx);
        errors.add("period", ctx.t.t("error-council-published"));
        return council_page(&app, &ctx, id, &q, Some(f), errors).await;
    }
    for r in &records {
        repo::set_record(&mut *tx, period.id, r, uid, ctx.now).await?;
    }
    crate::audit::record(
        &mut *tx,
        Some(uid),
        "council",
        &format!("{id}/{}", period.id),
        "update",
        None,
        Some(&format!(
            "{} decisions",
            records.iter().filter(|r| r.decision.is_some()).count()
        )),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "council-saved").await?;
    Ok(redirect(&format!(
        "/conseil/classes/{id}?periode={}",
        period.id
    )))
}

// ------------------------------------------------------------ annual results

#[derive(Template)]
#[template(path = "council/annual.html")]
struct Annual<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    periods: Vec<PeriodRow>,
    rows: Vec<(StudentRow, Year, Option<String>)>,
}

async fn annual(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    // The annual results are the council's sheet for the year: the same people see them.
    let (_, class) = council_member(&app, &ctx, id).await?;
    let students = school::roster(&app.db, id).await?;
    let ids: Vec<i64> = students.iter().map(|s| s.id).collect();
    let (periods, years) = super::class_year(&app.db, id, &ids).await?;
    let mut decisions = match periods.last() {
        Some(p) => repo::class_records(&app.db, id, p.id).await?,
        None => HashMap::new(),
    };
    let mut rows: Vec<(StudentRow, Year, Option<String>)> = students
        .into_iter()
        .zip(years)
        .map(|(s, y)| {
            let d = decisions.remove(&s.id).and_then(|r| r.decision);
            (s, y, d)
        })
        .collect();
    rows.sort_by_key(|(s, y, _)| {
        (
            y.rank.map(|r| r.position).unwrap_or(usize::MAX),
            s.last_name.clone(),
        )
    });
    html_status(
        StatusCode::OK,
        &Annual {
            ctx: &ctx,
            class,
            periods,
            rows,
        },
    )
}
