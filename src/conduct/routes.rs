//! A student's conduct record, its forms (an incident; a sanction), and a retenue's slip.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use axum::{Form, Router};
use chrono::NaiveDate;
use serde::Deserialize;

use super::repo::{self, Incident, NewIncident, NewSanction, Sanction};
use super::{Kind, STAFF_WHO_SANCTION};
use crate::app::AppState;
use crate::auth::CurrentUser;
use crate::authz::{self, Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::school::{self, StudentRow};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

pub fn router() -> Router<AppState> {
    // The record is read by whoever sees the student (checked per student); the staff who
    // teach or run the school write in it, each sanction by the roles of the scale.
    let staff = Rule::AnyOf(STAFF_WHO_SANCTION);
    Router::new()
        .route(
            "/vie-scolaire/eleves/{id}",
            get(record).allow(Rule::SignedIn),
        )
        .route(
            "/vie-scolaire/eleves/{id}/incidents",
            post(report).allow(staff),
        )
        .route(
            "/vie-scolaire/eleves/{id}/sanctions",
            post(sanction).allow(staff),
        )
        .route(
            "/vie-scolaire/sanctions/{id}/billet",
            get(slip).allow(staff),
        )
        .route(
            "/admin/vie-scolaire",
            get(super::rules::page).allow(Rule::RECORDS),
        )
        .route(
            "/admin/vie-scolaire",
            post(super::rules::save).allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/absences-enseignants",
            get(teacher_absences)
                .post(record_teacher_absence)
                .allow(Rule::RECORDS),
        )
}

/// The student, if `u` may see them.
async fn seen(app: &AppState, u: &CurrentUser, id: i64) -> AppResult<StudentRow> {
    let s = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_see_student(&app.db, u, id).await?)?;
    Ok(s)
}

/// The forms as typed (kept on errors).
#[derive(Clone, Debug, Default, Deserialize)]
pub struct IncidentForm {
    #[serde(default)]
    pub occurred_on: String,
    #[serde(default)]
    pub place: String,
    #[serde(default)]
    pub description: String,
    #[serde(default)]
    pub witnesses: String,
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct SanctionForm {
    #[serde(default)]
    pub kind: String,
    #[serde(default)]
    pub reason: String,
    #[serde(default)]
    pub retenue_on: String,
    #[serde(default)]
    pub retenue_at: String,
    #[serde(default)]
    pub retenue_minutes: String,
    #[serde(default)]
    pub exclusion_from: String,
    #[serde(default)]
    pub exclusion_days: String,
}

#[derive(Template)]
#[template(path = "conduct/record.html")]
struct RecordPage<'a> {
    ctx: &'a Ctx,
    student: StudentRow,
    incidents: Vec<Incident>,
    sanctions: Vec<Sanction>,
    /// The notes in the student's file (staff only).
    notes: Vec<repo::StudentNote>,
    /// Whether this user reports incidents here (staff who see the student).
    can_report: bool,
    /// The sanctions this user may give.
    kinds: Vec<Kind>,
    incident: IncidentForm,
    sanction: SanctionForm,
    errors: FormErrors,
    /// The family's view links back to the child's page.
    back: String,
}

impl RecordPage<'_> {
    fn kind_label(&self, s: &Sanction) -> String {
        self.ctx.t.t(format!("conduct-kind-{}", s.kind))
    }

    /// When a retenue is held, or an exclusion runs.
    fn when(&self, s: &Sanction) -> Option<String> {
        let t = &self.ctx.t;
        if let Some(d) = s.retenue_on {
            return Some(t.tj(
                "conduct-retenue-when",
                serde_json::json!({
                    "date": t.date(&d),
                    "at": s.retenue_at.clone().unwrap_or_default(),
                    "length": s.retenue_minutes.unwrap_or_default().to_string(),
                }),
            ));
        }
        s.exclusion_from.map(|d| {
            t.tj(
                "conduct-exclusion-when",
                serde_json::json!({ "date": t.date(&d), "days": s.exclusion_days.unwrap_or_default() }),
            )
        })
    }
}

async fn render(
    app: &AppState,
    ctx: &Ctx,
    student: StudentRow,
    incident: IncidentForm,
    sanction: SanctionForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let staff = STAFF_WHO_SANCTION.iter().any(|r| u.has(*r));
    let rules = crate::settings::conduct(&app.db).await?;
    let back = if authz::is_guardian_of(&app.db, u, student.id).await? {
        format!("/parent/enfants/{}", student.id)
    } else if u.has(crate::auth::Role::Student) && !staff {
        "/eleve".into()
    } else if u.is_admin() {
        format!("/admin/eleves/{}", student.id)
    } else {
        "/enseignant".into()
    };
    html_status(
        errors.status(),
        &RecordPage {
            ctx,
            incidents: repo::incidents(&app.db, student.id).await?,
            sanctions: repo::sanctions(&app.db, student.id).await?,
            notes: if staff {
                repo::notes(&app.db, student.id).await?
            } else {
                Vec::new()
            },
            can_report: staff,
            kinds: Kind::ALL
                .iter()
                .copied()
                .filter(|k| k.may_give(&rules, u))
                .collect(),
            student,
            incident,
            sanction,
            errors,
            back,
        },
    )
}

async fn record(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    let student = seen(&app, u, id).await?;
    let incident = IncidentForm {
        occurred_on: ctx.today().to_string(),
        ..Default::default()
    };
    let sanction = SanctionForm {
        retenue_on: ctx.today().to_string(),
        retenue_at: "14:00".into(),
        retenue_minutes: "120".into(),
        exclusion_from: ctx.today().to_string(),
        exclusion_days: "1".into(),
        ..Default::default()
    };
    render(
        &app,
        &ctx,
        student,
        incident,
        sanction,
        FormErrors::default(),
    )
    .await
}

fn date(ctx: &Ctx, errors: &mut FormErrors, field: &'static str, s: &str) -> Option<NaiveDate> {
    match crate::domain::parse_date(s) {
        Ok(d) => Some(d),
        Err(e) => {
            errors.add(field, e.message(&ctx.t));
            None
        }
    }
}

async fn report(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<IncidentForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let student = seen(&app, u, id).await?;
    let mut errors = FormErrors::default();
    let on = date(&ctx, &mut errors, "occurred_on", &f.occurred_on);
    if on.is_some_and(|d| d > ctx.today()) {
        errors.add("occurred_on", ctx.t.t("conduct-error-future"));
    }
    let description = crate::domain::required_text(&f.description, 2000).unwrap_or_else(|k| {
        errors.add("description", ctx.t.t(k));
        String::new()
    });
    for (field, v) in [("place", &f.place), ("witnesses", &f.witnesses)] {
        if v.chars().count() > 300 {
            errors.add(field, ctx.t.t("error-too-long"));
        }
    }
    let Some(on) = on.filter(|_| errors.is_empty()) else {
        return render(&app, &ctx, student, f, SanctionForm::default(), errors).await;
    };
    repo::insert_incident(
        &app.db,
        &NewIncident {
            student_id: id,
            occurred_on: on,
            place: f.place.trim(),
            description: &description,
            witnesses: f.witnesses.trim(),
            reported_by: u.id,
        },
        ctx.now,
    )
    .await?;
    ctx.flash("success", "conduct-incident-saved").await?;
    Ok(redirect(&format!("/vie-scolaire/eleves/{id}")))
}

async fn sanction(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<SanctionForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let student = seen(&app, u, id).await?;
    let Ok(kind) = f.kind.parse::<Kind>() else {
        let mut errors = FormErrors::default();
        errors.add("kind", ctx.t.t("error-choose"));
        return render(&app, &ctx, student, IncidentForm::default(), f, errors).await;
    };
    // The scale says who gives what: a teacher's form offers no blâme; a forged one is refused.
    let rules = crate::settings::conduct(&app.db).await?;
    authz::require(kind.may_give(&rules, u))?;
    let mut errors = FormErrors::default();
    let reason = crate::domain::required_text(&f.reason, 500).unwrap_or_else(|k| {
        errors.add("reason", ctx.t.t(k));
        String::new()
    });
    let (mut retenue, mut exclusion) = (None, None);
    match kind {
        Kind::Retenue => {
            let on = date(&ctx, &mut errors, "retenue_on", &f.retenue_on);
            if on.is_some_and(|d| d < ctx.today()) {
                errors.add("retenue_on", ctx.t.t("conduct-error-past"));
            }
            let at = crate::notifications::parse_hhmm(&f.retenue_at);
            if at.is_none() {
                errors.add("retenue_at", ctx.t.t("conduct-error-time"));
            }
            let minutes = f
                .retenue_minutes
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|m| (30..=480).contains(m));
            if minutes.is_none() {
                errors.add("retenue_minutes", ctx.t.t("conduct-error-minutes"));
            }
            if let (Some(on), Some(at), Some(m)) = (on, at, minutes) {
                retenue = Some((on, format!("{:02}:{:02}", at / 60, at % 60), m));
            }
        }
        Kind::Exclusion => {
            let from = date(&ctx, &mut errors, "exclusion_from", &f.exclusion_from);
            let days = f
                .exclusion_days
                .trim()
                .parse::<i64>()
                .ok()
                .filter(|d| (1..=15).contains(d));
            if days.is_none() {
                errors.add("exclusion_days", ctx.t.t("conduct-error-days"));
            }
            if let (Some(from), Some(days)) = (from, days) {
                exclusion = Some((from, days));
            }
        }
        Kind::Avertissement | Kind::Blame => {}
    }
    if !errors.is_empty() {
        return render(&app, &ctx, student, IncidentForm::default(), f, errors).await;
    }
    // The sanction and the news of it are written together.
    let mut tx = crate::db::begin_write(&app.db).await?;
    let sid = repo::insert_sanction(
        &mut *tx,
        &NewSanction {
            student_id: id,
            kind: kind.as_str(),
            reason: &reason,
            decided_by: u.id,
            decided_on: ctx.today(),
            retenue,
            exclusion,
        },
        ctx.now,
    )
    .await?;
    crate::events::publish(
        &mut *tx,
        &crate::events::SchoolEvent::SanctionGiven(crate::events::SanctionGiven {
            sanction_id: sid,
            student_id: id,
            kind: kind.as_str().into(),
        }),
        Some(u.id),
        ctx.now,
    )
    .await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "sanction",
        &sid.to_string(),
        "create",
        None,
        Some(kind.as_str()),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "conduct-sanction-saved").await?;
    Ok(redirect(&format!("/vie-scolaire/eleves/{id}")))
}

#[derive(Template)]
#[template(path = "conduct/slip.html")]
struct SlipPage<'a> {
    ctx: &'a Ctx,
    s: Sanction,
    student: StudentRow,
}

/// A retenue's slip, to print: the student brings it home signed.
async fn slip(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = ctx.user()?;
    let s = repo::sanction(&app.db, id)
        .await?
        .filter(|s| s.kind == Kind::Retenue.as_str())
        .ok_or(AppError::NotFound)?;
    let student = seen(&app, u, s.student_id).await?;
    html(&SlipPage {
        ctx: &ctx,
        s,
        student,
    })
}

// ---------------------------------------------------------------- teachers' absences

#[derive(Clone, Debug, Default, Deserialize)]
pub struct TeacherAbsenceForm {
    #[serde(default)]
    pub teacher: String,
    #[serde(default)]
    pub from_date: String,
    #[serde(default)]
    pub to_date: String,
    #[serde(default)]
    pub reason: String,
}

/// A class and subject whose lessons an absence costs: (class id, class, subject).
type Lost = (i64, String, String);

#[derive(Template)]
#[template(path = "conduct/teacher_absences.html")]
struct TeacherAbsencesPage<'a> {
    ctx: &'a Ctx,
    absences: Vec<(repo::TeacherAbsence, Vec<Lost>)>,
    teachers: Vec<(i64, String)>,
    form: TeacherAbsenceForm,
    errors: FormErrors,
}

async fn absences_page(
    app: &AppState,
    ctx: &Ctx,
    form: TeacherAbsenceForm,
    errors: FormErrors,
) -> AppResult<Response> {
    let mut absences = Vec::new();
    for a in repo::teacher_absences(&app.db, ctx.today()).await? {
        let teacher_id = repo::teacher_of_absence(&app.db, a.id).await?;
        absences.push((a, repo::affected(&app.db, teacher_id).await?));
    }
    html_status(
        errors.status(),
        &TeacherAbsencesPage {
            ctx,
            absences,
            teachers: crate::admin::repo::teachers(&app.db).await?,
            form,
            errors,
        },
    )
}

/// The teachers' absences to come, each with the classes and subjects it costs, and the
/// form to record one (the families of those classes are told).
async fn teacher_absences(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let form = TeacherAbsenceForm {
        from_date: ctx.today().to_string(),
        to_date: ctx.today().to_string(),
        ..Default::default()
    };
    absences_page(&app, &ctx, form, FormErrors::default()).await
}

async fn record_teacher_absence(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<TeacherAbsenceForm>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let mut errors = FormErrors::default();
    let teachers = crate::admin::repo::teachers(&app.db).await?;
    let teacher = f
        .teacher
        .parse::<i64>()
        .ok()
        .filter(|t| teachers.iter().any(|(id, _)| id == t));
    if teacher.is_none() {
        errors.add("teacher", ctx.t.t("error-choose"));
    }
    let from = date(&ctx, &mut errors, "from_date", &f.from_date);
    let to = date(&ctx, &mut errors, "to_date", &f.to_date);
    if let (Some(a), Some(b)) = (from, to)
        && b < a
    {
        errors.add("to_date", ctx.t.t("conduct-error-to-before"));
    }
    if f.reason.chars().count() > 300 {
        errors.add("reason", ctx.t.t("error-too-long"));
    }
    let (Some(teacher), Some(from), Some(to), true) = (teacher, from, to, errors.is_empty()) else {
        return absences_page(&app, &ctx, f, errors).await;
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id =
        repo::insert_teacher_absence(&mut *tx, teacher, from, to, f.reason.trim(), u.id, ctx.now)
            .await?;
    crate::events::publish(
        &mut *tx,
        &crate::events::SchoolEvent::TeacherAbsent(crate::events::TeacherAbsent {
            absence_id: id,
            teacher_user_id: teacher,
        }),
        Some(u.id),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "conduct-teacher-absence-saved")
        .await?;
    Ok(redirect("/admin/absences-enseignants"))
}
