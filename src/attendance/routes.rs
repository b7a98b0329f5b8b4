//! Roll call (teacher), justification (parent), validation (administration).

use std::collections::HashMap;

use askama::Template;
use axum::Form;
use axum::Router;
use axum::extract::State;
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::repo::{self, AbsenceRow, NewRollCall, RollCallRow};
use super::{Presence, RollCallError, record_roll_call};
use crate::app::AppState;
use crate::auth::Portal;
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::domain;
use crate::error::{AppError, AppResult};
use crate::school::{self, ClassRow, StudentRow, TeacherOfClass};
use crate::web::pagination::ListQuery;
use crate::web::{Ctx, FormErrors, Pagination, PathId, html_status, redirect};

/// Justifications per page of the waiting list: each may carry a photo to look at.
const PENDING_PER_PAGE: i64 = 20;

/// Routes of attendance.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/enseignant/classes/{id}/appel",
            get(roll_call_form).post(roll_call).allow(Rule::TEACHER),
        )
        .route("/enseignant/appel", get(roll_call_now).allow(Rule::TEACHER))
        .route(
            "/parent/absences/{id}/justification",
            post(justify).allow(Rule::PARENT),
        )
        .route("/admin/absences", get(pending).allow(Rule::ADMIN))
        .route("/admin/absences/saisie", post(note).allow(Rule::RECORDS))
        .route(
            "/admin/absences/{id}/validation",
            post(review).allow(Rule::RECORDS),
        )
}

#[derive(Template)]
#[template(path = "attendance/roll_call.html")]
struct RollCallPage<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    subjects: Vec<TeacherOfClass>,
    students: Vec<(StudentRow, String, String)>,
    form: RollCallForm,
    errors: FormErrors,
    recent: Vec<RollCallRow>,
}

/// The header of the roll call form.
#[derive(Clone, Debug, Default)]
pub struct RollCallForm {
    held_on: String,
    starts_at: String,
    minutes: String,
    subject_id: String,
}

async fn page(
    app: &AppState,
    ctx: &Ctx,
    class_id: i64,
    form: RollCallForm,
    typed: HashMap<i64, (String, String)>,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    let class = school::class(&app.db, class_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_see_roster(&app.db, u, class_id).await?)?;
    let subjects = school::class_teachers(&app.db, class_id)
        .await?
        .into_iter()
        .filter(|t| t.teacher_user_id == u.id)
        .collect();
    let students = school::roster(&app.db, class_id)
        .await?
        .into_iter()
        .map(|s| {
            let (state, late) = typed
                .get(&s.id)
                .cloned()
                .unwrap_or_else(|| ("present".into(), String::new()));
            (s, state, late)
        })
        .collect();
    let recent = repo::recent(&app.db, class_id, 5).await?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &RollCallPage {
            ctx,
            class,
            subjects,
            students,
            form,
            errors,
            recent,
        },
    )
}

async fn roll_call_form(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    let now = ctx.now;
    let mut form = RollCallForm {
        held_on: now.date_naive().to_string(),
        starts_at: now.format("%H:00").to_string(),
        minutes: "55".into(),
        subject_id: String::new(),
    };
    // The lesson of the hour in the published timetable, when it is this class's.
    let time = now.format("%H:%M").to_string();
    if let Some((from, to, lesson)) =
        crate::timetable::week::lesson_now(&app.db, u.id, now.date_naive(), &time).await?
        && lesson.class_id == id
    {
        form.starts_at = from.clone();
        form.minutes = crate::timetable::week::minutes_between(&from, &to).to_string();
        form.subject_id = lesson.subject_id.to_string();
    }
    page(&app, &ctx, id, form, HashMap::new(), FormErrors::default()).await
}

/// The roll call of the lesson the teacher gives now (by the published timetable), or the
/// teacher's classes when there is none.
async fn roll_call_now(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    let now = ctx.now;
    let time = now.format("%H:%M").to_string();
    match crate::timetable::week::lesson_now(&app.db, u.id, now.date_naive(), &time).await? {
        Some((_, _, lesson)) => Ok(redirect(&format!(
            "/enseignant/classes/{}/appel",
            lesson.class_id
        ))),
        None => {
            ctx.flash("info", "timetable-no-lesson-now").await?;
            Ok(redirect("/enseignant"))
        }
    }
}

fn parse_time(s: &str) -> Option<String> {
    let (h, m) = s.trim().split_once([':', 'h'])?;
    let (h, m): (u32, u32) = (
        h.parse().ok()?,
        if m.is_empty() { 0 } else { m.parse().ok()? },
    );
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

/// A class session as typed: its day (not in the future), its start ("7h", "07:00") and
/// its length in minutes; each problem goes into `errors`.
fn parse_session(
    t: &crate::i18n::Tr,
    held_on: &str,
    starts_at: &str,
    minutes: &str,
    today: chrono::NaiveDate,
    errors: &mut FormErrors,
) -> (Option<chrono::NaiveDate>, Option<String>, Option<i64>) {
    let day = match domain::parse_date(held_on) {
        Ok(d) if d > today => {
            errors.add("held_on", t.t("error-date-future"));
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            errors.add("held_on", e.message(t));
            None
        }
    };
    let start = parse_time(starts_at);
    if start.is_none() {
        errors.add("starts_at", t.t("error-time-format"));
    }
    let length = minutes
        .trim()
        .parse::<i64>()
        .ok()
        .filter(|m| (1..=480).contains(m));
    if length.is_none() {
        errors.add("minutes", t.t("error-minutes"));
    }
    (day, start, length)
}

/// Records the roll call. Every student not marked otherwise is present.
async fn roll_call(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: axum::body::Bytes,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    authz::require(authz::can_see_roster(&app.db, u, id).await?)?;
    let uid = u.id;
    let fields: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let get = |k: &str| fields.get(k).cloned().unwrap_or_default();
    let form = RollCallForm {
        held_on: get("held_on"),
        starts_at: get("starts_at"),
        minutes: get("minutes"),
        subject_id: get("subject_id"),
    };
    let mut errors = FormErrors::default();
    let (held_on, starts_at, minutes) = parse_session(
        &ctx.t,
        &form.held_on,
        &form.starts_at,
        &form.minutes,
        ctx.today(),
        &mut errors,
    );
    let mine: Vec<i64> = school::class_teachers(&app.db, id)
        .await?
        .iter()
        .filter(|t| t.teacher_user_id == uid)
        .map(|t| t.subject_id)
        .collect();
    let subject_id = form
        .subject_id
        .parse::<i64>()
        .ok()
        .filter(|s| mine.contains(s));
    let roster = school::roster(&app.db, id).await?;
    let mut typed = HashMap::new();
    let mut marks = Vec::new();
    for s in &roster {
        let state = fields
            .get(&format!("etat_{}", s.id))
            .cloned()
            .unwrap_or_else(|| "present".into());
        let late = get(&format!("retard_{}", s.id));
        let presence = match state.as_str() {
            "absent" => Some(Presence::Absent),
            "retard" => match late
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|m| (1..=240).contains(m))
            {
                Some(m) => Some(Presence::Late(m)),
                None => {
                    errors.add(&format!("retard_{}", s.id), ctx.t.t("error-late-minutes"));
                    None
                }
            },
            _ => Some(Presence::Present),
        };
        if let Some(p) = presence {
            marks.push((s.id, p));
        }
        typed.insert(s.id, (state, late));
    }
    let (Some(held_on), Some(starts_at), Some(minutes), true) =
        (held_on, starts_at.clone(), minutes, errors.is_empty())
    else {
        return page(&app, &ctx, id, form, typed, errors).await;
    };
    let call = NewRollCall {
        class_id: id,
        subject_id,
        held_on,
        starts_at,
        minutes,
    };
    match record_roll_call(&app.db, uid, &call, &marks, ctx.now).await {
        Ok(_) => {
            ctx.flash("success", "roll-call-saved").await?;
            Ok(redirect(&format!("/enseignant/classes/{id}/appel")))
        }
        Err(RollCallError::AlreadyTaken) => {
            let mut errors = FormErrors::default();
            errors.add("starts_at", ctx.t.t("error-roll-call-taken"));
            page(&app, &ctx, id, form, typed, errors).await
        }
        Err(RollCallError::Db(e)) => Err(e.into()),
    }
}

/// The reason, and the photo of the note if one came (a multipart form from a phone's
/// camera, or a plain form without a photo).
async fn read_justification(
    app: &AppState,
    req: axum::extract::Request,
) -> AppResult<(String, Option<(String, Vec<u8>)>)> {
    let up = crate::web::upload::read(app, req, "photo", "error-too-large").await?;
    Ok((up.field("reason").to_string(), up.file))
}

/// A parent explains an absence of their child, with a photo of the note if they have one.
async fn justify(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    req: axum::extract::Request,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Parent)?;
    let absence = repo::absence(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::is_guardian_of(&app.db, u, absence.student_id).await?)?;
    let uid = u.id;
    let back = format!("/parent/enfants/{}#absences", absence.student_id);
    let (reason, photo) = read_justification(&app, req).await?;
    let reason = match domain::required_text(&reason, 500) {
        Ok(r) => r,
        Err(k) => {
            ctx.flash_at("error", k, "absences").await?;
            return Ok(redirect(&back));
        }
    };
    // Only photos, recognised from their content.
    let photo = match photo {
        Some((name, bytes)) => match crate::files::image_type(&bytes) {
            Some(ct) => Some((name, ct, bytes)),
            None => {
                ctx.flash_at("error", "error-photo-type", "absences")
                    .await?;
                return Ok(redirect(&back));
            }
        },
        None => None,
    };
    // The reason and its photo are recorded together, or neither is.
    let mut tx = crate::db::begin_write(&app.db).await?;
    if !absence.can_justify() || repo::submit_reason(&mut *tx, id, &reason).await? == 0 {
        drop(tx);
        ctx.flash_at("error", "error-justification-closed", "absences")
            .await?;
        return Ok(redirect(&back));
    }
    if let Some((name, ct, bytes)) = photo {
        crate::files::save(
            &mut *tx,
            &app.files,
            ("absence", id),
            &name,
            ct,
            &bytes,
            Some(uid),
            ctx.now,
        )
        .await
        .map_err(AppError::Internal)?;
    }
    tx.commit().await?;
    ctx.flash_at("success", "justification-sent", "absences")
        .await?;
    Ok(redirect(&back))
}

#[derive(Template)]
#[template(path = "attendance/pending.html")]
struct Pending<'a> {
    ctx: &'a Ctx,
    rows: Vec<AbsenceRow>,
    pages: Pagination,
    form: NoteForm,
    errors: FormErrors,
    can_note: bool,
}

/// The school's entry of an absence or a lateness, as typed.
#[derive(Clone, Debug, Default, Deserialize)]
struct NoteForm {
    #[serde(default)]
    matricule: String,
    #[serde(default)]
    held_on: String,
    #[serde(default)]
    starts_at: String,
    #[serde(default)]
    minutes: String,
    #[serde(default)]
    kind: String,
    #[serde(default)]
    late: String,
}

async fn pending_page(
    app: &AppState,
    ctx: &Ctx,
    q: &ListQuery,
    form: NoteForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let status = if errors.is_empty() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    // A page past the end (the last one emptied by decisions) shows the last page.
    let pages = Pagination::new(
        q.page(),
        PENDING_PER_PAGE,
        repo::submitted_count(&app.db).await?,
        q,
    );
    html_status(
        status,
        &Pending {
            ctx,
            rows: repo::submitted(&app.db, pages.per_page, pages.offset()).await?,
            pages,
            form,
            errors,
            can_note: authz::can_manage_records(u),
        },
    )
}

async fn pending(
    State(app): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<ListQuery>,
) -> AppResult<Response> {
    let now = ctx.now;
    let form = NoteForm {
        held_on: now.date_naive().to_string(),
        starts_at: "07:00".into(),
        minutes: "55".into(),
        kind: "retard".into(),
        ..Default::default()
    };
    pending_page(&app, &ctx, &q, form, FormErrors::default()).await
}

/// The surveillant (the director or the secretary) notes an absence or a lateness at the
/// gate, outside a teacher's roll call.
async fn note(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<NoteForm>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    authz::require(authz::can_manage_records(u))?;
    let uid = u.id;
    let mut errors = FormErrors::default();
    let student = match school::student_by_matricule(&app.db, f.matricule.trim()).await? {
        Some(s) if s.class_id.is_some() => Some(s),
        _ => {
            errors.add("matricule", ctx.t.t("error-matricule-unknown"));
            None
        }
    };
    let (held_on, starts_at, minutes) = parse_session(
        &ctx.t,
        &f.held_on,
        &f.starts_at,
        &f.minutes,
        ctx.today(),
        &mut errors,
    );
    let presence = match f.kind.as_str() {
        "absence" => Some(Presence::Absent),
        "retard" => match f
            .late
            .trim()
            .parse::<i64>()
            .ok()
            .filter(|m| (1..=240).contains(m))
        {
            Some(m) => Some(Presence::Late(m)),
            None => {
                errors.add("late", ctx.t.t("error-late-minutes"));
                None
            }
        },
        _ => {
            errors.add("kind", ctx.t.t("error-choose"));
            None
        }
    };
    let (Some(s), Some(held_on), Some(starts_at), Some(minutes), Some(presence), true) = (
        student,
        held_on,
        starts_at,
        minutes,
        presence,
        errors.is_empty(),
    ) else {
        return pending_page(&app, &ctx, &ListQuery::default(), f, errors).await;
    };
    let call = NewRollCall {
        class_id: s.class_id.unwrap_or_default(),
        subject_id: None,
        held_on,
        starts_at,
        minutes,
    };
    match super::note_absence(&app.db, uid, &call, s.id, presence, ctx.now).await {
        Ok(_) => {
            ctx.flash_text("success", ctx.t.t1("absence-noted", "name", s.list_name()))
                .await?;
            Ok(redirect("/admin/absences"))
        }
        Err(super::NoteError::AlreadyNoted) => {
            errors.add("matricule", ctx.t.t("error-already-noted"));
            pending_page(&app, &ctx, &ListQuery::default(), f, errors).await
        }
        Err(super::NoteError::Db(e)) => Err(e.into()),
    }
}

#[derive(Deserialize)]
struct Decision {
    #[serde(default)]
    decision: String,
    /// The page of the waiting list the decision was taken on, to come back to it.
    #[serde(default)]
    page: String,
}

/// The school accepts or refuses a justification.
async fn review(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<Decision>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    authz::require(authz::can_manage_records(u))?;
    let accepted = match f.decision.as_str() {
        "accepter" => true,
        "refuser" => false,
        _ => return Err(AppError::BadRequest("error-bad-request")),
    };
    repo::absence(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    if repo::review(&mut *tx, id, accepted, u.id).await? == 0 {
        return Err(AppError::NotFound);
    }
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "absence",
        &id.to_string(),
        if accepted { "accept" } else { "refuse" },
        Some(repo::Justification::Submitted.as_str()),
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash(
        "success",
        if accepted {
            "justification-accepted-flash"
        } else {
            "justification-refused-flash"
        },
    )
    .await?;
    let page = ListQuery {
        page: Some(f.page),
        ..Default::default()
    }
    .page();
    Ok(redirect(&if page > 1 {
        format!("/admin/absences?page={page}")
    } else {
        "/admin/absences".to_string()
    }))
}

#[cfg(test)]
mod tests {
    #[test]
    fn times_as_schools_write_them() {
        assert_eq!(super::parse_time("7:00").as_deref(), Some("07:00"));
        assert_eq!(super::parse_time("14h30").as_deref(), Some("14:30"));
        assert_eq!(super::parse_time("15h").as_deref(), Some("15:00"));
        assert_eq!(super::parse_time("25:00"), None);
        assert_eq!(super::parse_time("abc"), None);
    }
}
