//! Students: list, search, create, edit, enroll, deactivate, link guardians.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use serde::Deserialize;

use super::{records_manager, repo as people};
use crate::app::AppState;
use crate::auth::Portal;
use crate::db;
use crate::domain::{self, Email, Phone, Sex};
use crate::error::{AppError, AppResult};
use crate::school::{self, ClassRow, GuardianRow, StudentInput, StudentRow};
use crate::web::pagination::ListQuery;
use crate::web::{Ctx, FormErrors, Pagination, PathId, PathIds, html, html_status, redirect};

const PER_PAGE: i64 = 25;

#[derive(Template)]
#[template(path = "admin/students.html", blocks = ["results"])]
struct Index<'a> {
    ctx: &'a Ctx,
    q: ListQuery,
    classes: Vec<ClassRow>,
    students: Vec<StudentRow>,
    pages: Pagination,
}

pub async fn index(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<ListQuery>,
    Query(export): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let class_id = q.filtre.parse::<i64>().ok();
    if let Some(format) = export.format()? {
        // Every student the search finds, not one page of them.
        use crate::export::{Cell, Table};
        let (students, _) =
            school::search_students(&app.db, &q.like(), class_id, i64::MAX, 0).await?;
        let t = &ctx.t;
        let mut table = Table::new(
            t.t("nav-students"),
            [
                t.t("matricule"),
                t.t("name"),
                t.t("sex"),
                t.t("birth-date"),
                t.t("birth-place"),
                t.t("class"),
            ],
        );
        table.subtitle = t.tn("export-row-count", "count", students.len() as i64);
        for s in &students {
            table.push(vec![
                Cell::Text(s.matricule.clone()),
                Cell::Text(s.list_name()),
                Cell::Text(s.sex.clone()),
                s.birth_date.map(Cell::Date).unwrap_or(Cell::Empty),
                s.birth_place.clone().into(),
                s.class_name.clone().into(),
            ]);
        }
        let frame = crate::export::frame(&ctx).await;
        return crate::export::send_table(table, format, &ctx, frame).await;
    }
    let page = q.page();
    let (students, total) = school::search_students(
        &app.db,
        &q.like(),
        class_id,
        PER_PAGE,
        (page - 1) * PER_PAGE,
    )
    .await?;
    let pages = Pagination::new(page, PER_PAGE, total, &q);
    // A page past the end (an old link, a hand-typed URL) shows the last page.
    let students = if pages.page == page {
        students
    } else {
        school::search_students(&app.db, &q.like(), class_id, PER_PAGE, pages.offset())
            .await?
            .0
    };
    let classes = match school::current_year(&app.db).await? {
        Some(y) => school::classes(&app.db, y.id).await?,
        None => Vec::new(),
    };
    let tpl = Index {
        ctx: &ctx,
        q,
        classes,
        students,
        pages,
    };
    if ctx.htmx.wants_fragment() {
        let mut res = axum::response::Html(tpl.as_results().render()?).into_response();
        crate::web::vary_htmx(&mut res);
        return Ok(res);
    }
    html(&tpl)
}

use axum::response::IntoResponse;

/// The student form's fields as typed.
#[derive(Clone, Debug, Default, Deserialize)]
pub struct StudentForm {
    #[serde(default)]
    matricule: String,
    #[serde(default)]
    first_name: String,
    #[serde(default)]
    last_name: String,
    #[serde(default)]
    sex: String,
    #[serde(default)]
    birth_date: String,
    #[serde(default)]
    birth_place: String,
    #[serde(default)]
    class_id: String,
}

impl StudentForm {
    fn from_row(s: &StudentRow) -> Self {
        StudentForm {
            matricule: s.matricule.clone(),
            first_name: s.first_name.clone(),
            last_name: s.last_name.clone(),
            sex: s.sex.clone(),
            birth_date: s.birth_date.map(|d| d.to_string()).unwrap_or_default(),
            birth_place: s.birth_place.clone().unwrap_or_default(),
            class_id: s.class_id.map(|c| c.to_string()).unwrap_or_default(),
        }
    }

    fn validate(&self, ctx: &Ctx) -> Result<StudentInput, FormErrors> {
        let mut e = FormErrors::default();
        let mut field = |name: &str, r: Result<String, &'static str>| match r {
            Ok(v) => v,
            Err(k) => {
                e.add(name, ctx.t.t(k));
                String::new()
            }
        };
        let matricule = field("matricule", domain::required_text(&self.matricule, 20));
        let first_name = field(
            "first_name",
            domain::required_text(&domain::person_name(&self.first_name), 80),
        );
        let last_name = field(
            "last_name",
            domain::required_text(&domain::person_name(&self.last_name), 80),
        );
        let sex = Sex::parse(&self.sex).map(|s| s.code()).unwrap_or_else(|k| {
            e.add("sex", ctx.t.t(k));
            "F"
        });
        let birth_date = if self.birth_date.trim().is_empty() {
            None
        } else {
            match domain::parse_date(&self.birth_date) {
                Ok(d) if d > ctx.today() => {
                    e.add("birth_date", ctx.t.t("error-date-future"));
                    None
                }
                Ok(d) => Some(d),
                Err(err) => {
                    e.add("birth_date", err.message(&ctx.t));
                    None
                }
            }
        };
        let birth_place = domain::optional_text(&self.birth_place, 80).unwrap_or_else(|k| {
            e.add("birth_place", ctx.t.t(k));
            None
        });
        if e.is_empty() {
            Ok(StudentInput {
                matricule: matricule.to_uppercase(),
                first_name,
                last_name,
                sex,
                birth_date,
                birth_place,
            })
        } else {
            Err(e)
        }
    }
}

#[derive(Template)]
#[template(path = "admin/student_form.html")]
struct FormPage<'a> {
    ctx: &'a Ctx,
    student: Option<StudentRow>,
    form: StudentForm,
    errors: FormErrors,
    classes: Vec<ClassRow>,
    guardians: Vec<GuardianRow>,
    can_edit: bool,
}

/// Enrolls a student in a class of the current year and, in the same transaction, bills
/// them the tranches of that class's level.
async fn enroll_and_bill(
    app: &AppState,
    tx: &mut crate::db::Tx<'_>,
    student: i64,
    class: i64,
    by: i64,
) -> AppResult<()> {
    school::enroll(&mut **tx, student, class, app.clock.now()).await?;
    crate::events::publish(
        &mut **tx,
        &crate::events::SchoolEvent::StudentEnrolled(crate::events::StudentEnrolled {
            student_id: student,
            class_id: class,
        }),
        Some(by),
        app.clock.now(),
    )
    .await?;
    if let Some(y) = school::current_year(&app.db).await? {
        crate::fees::bill_missing(tx, y.id, Some(student), None, Some(by), app.clock.now()).await?;
    }
    Ok(())
}

async fn current_classes(app: &AppState) -> AppResult<Vec<ClassRow>> {
    Ok(match school::current_year(&app.db).await? {
        Some(y) => school::classes(&app.db, y.id).await?,
        None => Vec::new(),
    })
}

pub async fn new(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    records_manager(&ctx)?;
    // The next free matricule in the school's pattern, ready to keep or to change.
    let form = StudentForm {
        matricule: school::next_matricule(&app.db).await?.unwrap_or_default(),
        ..Default::default()
    };
    html(&FormPage {
        ctx: &ctx,
        student: None,
        form,
        errors: FormErrors::default(),
        classes: current_classes(&app).await?,
        guardians: Vec::new(),
        can_edit: true,
    })
}

fn unique_error(ctx: &Ctx, err: &sqlx::Error) -> Option<FormErrors> {
    if db::is_unique_violation(err) {
        let mut e = FormErrors::default();
        e.add("matricule", ctx.t.t("error-matricule-taken"));
        Some(e)
    } else {
        None
    }
}

pub async fn create(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<StudentForm>,
) -> AppResult<Response> {
    let by = records_manager(&ctx)?.id;
    let classes = current_classes(&app).await?;
    let class_id = f
        .class_id
        .parse::<i64>()
        .ok()
        .filter(|id| classes.iter().any(|c| c.id == *id));
    let fail = |errors: FormErrors, form: StudentForm, classes: Vec<ClassRow>| {
        html_status(
            StatusCode::UNPROCESSABLE_ENTITY,
            &FormPage {
                ctx: &ctx,
                student: None,
                form,
                errors,
                classes,
                guardians: Vec::new(),
                can_edit: true,
            },
        )
    };
    let input = match f.validate(&ctx) {
        Ok(i) => i,
        Err(e) => return fail(e, f, classes),
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    let id = match school::insert_student(&mut *tx, &input, None, ctx.now).await {
        Ok(id) => id,
        Err(err) if db::is_unique_violation(&err) => {
            drop(tx);
            // Taken meanwhile (two secretaries at once): say which one is free now.
            let mut e = FormErrors::default();
            e.add(
                "matricule",
                match school::next_matricule(&app.db).await? {
                    Some(next) => ctx.t.t1("error-matricule-taken-next", "next", next),
                    None => ctx.t.t("error-matricule-taken"),
                },
            );
            return fail(e, f, classes);
        }
        Err(err) => return Err(err.into()),
    };
    if let Some(cid) = class_id {
        enroll_and_bill(&app, &mut tx, id, cid, by).await?;
    }
    tx.commit().await?;
    ctx.flash("success", "student-created").await?;
    Ok(redirect(&format!("/admin/eleves/{id}")))
}

pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let student = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    html(&FormPage {
        ctx: &ctx,
        form: StudentForm::from_row(&student),
        student: Some(student),
        errors: FormErrors::default(),
        classes: current_classes(&app).await?,
        guardians: school::guardians_of(&app.db, id).await?,
        can_edit: crate::authz::can_manage_records(u),
    })
}

pub async fn update(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<StudentForm>,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    let student = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let input = match f.validate(&ctx) {
        Ok(i) => i,
        Err(errors) => {
            return html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    ctx: &ctx,
                    student: Some(student),
                    form: f,
                    errors,
                    classes: current_classes(&app).await?,
                    guardians: school::guardians_of(&app.db, id).await?,
                    can_edit: true,
                },
            );
        }
    };
    if let Err(err) = school::update_student(&app.db, id, &input).await {
        return match unique_error(&ctx, &err) {
            Some(errors) => html_status(
                StatusCode::UNPROCESSABLE_ENTITY,
                &FormPage {
                    ctx: &ctx,
                    student: Some(student),
                    form: f,
                    errors,
                    classes: current_classes(&app).await?,
                    guardians: school::guardians_of(&app.db, id).await?,
                    can_edit: true,
                },
            ),
            None => Err(err.into()),
        };
    }
    ctx.flash("success", "saved").await?;
    Ok(redirect(&format!("/admin/eleves/{id}")))
}

#[derive(Deserialize)]
pub struct EnrollForm {
    #[serde(default)]
    class_id: String,
}

pub async fn enroll(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<EnrollForm>,
) -> AppResult<Response> {
    let by = records_manager(&ctx)?.id;
    school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let classes = current_classes(&app).await?;
    let Some(cid) = f
        .class_id
        .parse::<i64>()
        .ok()
        .filter(|c| classes.iter().any(|x| x.id == *c))
    else {
        return Err(AppError::BadRequest("error-class-unknown"));
    };
    let before = crate::chat::membership::current_class(&app.db, id).await?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    enroll_and_bill(&app, &mut tx, id, cid, by).await?;
    tx.commit().await?;
    crate::chat::membership::student_changed(&app, id, &[], before).await;
    ctx.flash("success", "student-enrolled").await?;
    Ok(redirect(&format!("/admin/eleves/{id}")))
}

pub async fn toggle_active(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    let s = school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    school::set_student_active(&app.db, id, !s.active).await?;
    crate::chat::membership::student_changed(&app, id, &[], None).await;
    ctx.flash(
        "success",
        if s.active {
            "student-deactivated"
        } else {
            "student-reactivated"
        },
    )
    .await?;
    Ok(redirect(&format!("/admin/eleves/{id}")))
}

#[derive(Deserialize)]
pub struct GuardianLinkForm {
    #[serde(default)]
    contact: String,
    #[serde(default)]
    relationship: String,
}

pub async fn link_guardian(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Form(f): Form<GuardianLinkForm>,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let relationship = match f.relationship.as_str() {
        "pere" | "mere" | "tuteur" => f.relationship.as_str(),
        _ => return Err(AppError::BadRequest("error-bad-request")),
    };
    let (email, phone) = if f.contact.contains('@') {
        (
            Email::parse(&f.contact)
                .ok()
                .map(|e| e.as_str().to_string()),
            None,
        )
    } else {
        (
            None,
            Phone::parse(&f.contact)
                .ok()
                .map(|p| p.as_str().to_string()),
        )
    };
    let found = if email.is_none() && phone.is_none() {
        None
    } else {
        people::find_by_contact(&app.db, email.as_deref(), phone.as_deref()).await?
    };
    let Some(p) = found else {
        ctx.flash("error", "guardian-not-found").await?;
        return Ok(redirect(&format!("/admin/eleves/{id}")));
    };
    let already = school::guardians_of(&app.db, id)
        .await?
        .iter()
        .any(|g| g.user_id == p.id);
    let mut tx = crate::db::begin_write(&app.db).await?;
    school::link_guardian(&mut *tx, id, p.id, relationship).await?;
    // A teacher or a secretary with a child at the school becomes a parent too; the role
    // lives in the session, so their sessions end and the next login shows both portals.
    let mut roles = p.role_list();
    let role_added = !roles.contains(&crate::auth::Role::Parent);
    if role_added {
        roles.push(crate::auth::Role::Parent);
        people::set_roles(&mut tx, p.id, &roles).await?;
        people::end_sessions(&mut *tx, p.id).await?;
    }
    tx.commit().await?;
    crate::chat::membership::student_changed(&app, id, &[], None).await;
    let key = match (already, role_added) {
        (true, _) => "guardian-already-linked",
        (false, true) => "guardian-linked-role-added",
        (false, false) => "guardian-linked",
    };
    ctx.flash("success", key).await?;
    Ok(redirect(&format!("/admin/eleves/{id}")))
}

pub async fn unlink_guardian(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(id, uid): PathIds,
) -> AppResult<Response> {
    records_manager(&ctx)?;
    school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    if school::unlink_guardian(&app.db, id, uid).await? == 0 {
        return Err(AppError::NotFound);
    }
    crate::chat::membership::student_changed(&app, id, &[uid], None).await;
    ctx.flash("success", "guardian-unlinked").await?;
    Ok(redirect(&format!("/admin/eleves/{id}")))
}
