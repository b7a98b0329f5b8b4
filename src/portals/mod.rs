//! The homes of the student, teacher and parent portals.

use askama::Template;
use axum::Router;
use axum::extract::State;
use axum::response::Response;
use axum::routing::get;

use crate::app::AppState;
use crate::auth::Portal;
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::school::{self, ClassRow, GuardianRow, StudentRow, TeacherOfClass};
use crate::web::{Ctx, PathId, html, redirect};

/// Routes of the three family and teacher portals.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/eleve", get(student_dashboard).allow(Rule::STUDENT))
        .route("/eleve/notes", get(student_home).allow(Rule::STUDENT))
        .route("/enseignant", get(teacher_dashboard).allow(Rule::TEACHER))
        .route(
            "/enseignant/classes",
            get(teacher_home).allow(Rule::TEACHER),
        )
        .route(
            "/enseignant/classes/{id}",
            get(teacher_class).allow(Rule::TEACHER),
        )
        .route("/parent", get(parent_dashboard).allow(Rule::PARENT))
        .route("/parent/enfants", get(parent_home).allow(Rule::PARENT))
        .route(
            "/parent/enfants/{id}",
            get(parent_child).allow(Rule::PARENT),
        )
        .route("/parent/famille", get(family).allow(Rule::PARENT))
}

// Each portal's home is the user's dashboard of widgets (see `dashboard`); the pages that
// were the homes are one link away.
async fn student_dashboard(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    crate::dashboard::home(&app, &ctx, Portal::Student).await
}

async fn teacher_dashboard(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    crate::dashboard::home(&app, &ctx, Portal::Teacher).await
}

async fn parent_dashboard(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    crate::dashboard::home(&app, &ctx, Portal::Parent).await
}

#[derive(Template)]
#[template(path = "portals/student.html")]
struct StudentHome<'a> {
    ctx: &'a Ctx,
    marks: Option<MarksBlock>,
    student: Option<StudentRow>,
    teachers: Vec<TeacherOfClass>,
    absences: (
        Vec<crate::attendance::repo::AbsenceRow>,
        crate::attendance::Totals,
    ),
    justify: bool,
    news: Vec<crate::announcements::repo::Announcement>,
    todo: Vec<crate::todo::Item>,
    today: Option<crate::timetable::week::Upcoming>,
}

/// Today's lessons of a student's class (or the next day's), for the home card.
async fn class_today(
    app: &AppState,
    ctx: &Ctx,
    s: Option<&StudentRow>,
    href: String,
) -> AppResult<Option<crate::timetable::week::Upcoming>> {
    let Some(class) = s.and_then(|s| s.class_id) else {
        return Ok(None);
    };
    Ok(crate::timetable::week::upcoming(
        &app.db,
        crate::timetable::View::Class(class),
        ctx.today(),
        href,
    )
    .await?)
}

/// The next week's work of a student, for the home card.
async fn next_todo(
    app: &AppState,
    ctx: &Ctx,
    s: Option<&StudentRow>,
) -> AppResult<Vec<crate::todo::Item>> {
    let Some((student_id, class_id)) = s.and_then(|s| s.class_id.map(|c| (s.id, c))) else {
        return Ok(Vec::new());
    };
    let today = ctx.today();
    let ask = crate::todo::Ask {
        student_id,
        class_id,
        from: today,
        to: today + chrono::Duration::days(7),
    };
    let mut items = crate::todo::for_student(&app.db, ask).await?;
    items.truncate(5);
    Ok(items)
}

async fn student_home(
    State(app): State<AppState>,
    ctx: Ctx,
    axum::extract::Query(q): axum::extract::Query<PeriodQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Student)?;
    let student = school::student_by_user(&app.db, u.id).await?;
    let marks = match &student {
        Some(s) => {
            Some(marks_block(&app, s.id, q.periode.parse().ok(), "/eleve/notes".into()).await?)
        }
        None => None,
    };
    let teachers = match student.as_ref().and_then(|s| s.class_id) {
        Some(cid) => school::class_teachers(&app.db, cid).await?,
        None => Vec::new(),
    };
    let absences = match (&student, marks.as_ref().and_then(|m| m.range)) {
        (Some(s), Some((from, to))) => {
            crate::attendance::student_summary(&app.db, s.id, from, to).await?
        }
        _ => Default::default(),
    };
    let todo = next_todo(&app, &ctx, student.as_ref()).await?;
    let today = class_today(
        &app,
        &ctx,
        student.as_ref(),
        "/eleve/emploi-du-temps".into(),
    )
    .await?;
    html(&StudentHome {
        ctx: &ctx,
        today,
        todo,
        marks,
        student,
        teachers,
        absences,
        justify: false,
        news: crate::announcements::repo::for_reader(&app.db, u.id, false, 3).await?,
    })
}

#[derive(Template)]
#[template(path = "portals/teacher.html")]
struct TeacherHome<'a> {
    ctx: &'a Ctx,
    today: Option<crate::timetable::week::Upcoming>,
    year: Option<school::Year>,
    classes: Vec<(ClassRow, Vec<String>)>,
}

async fn teacher_home(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    let year = school::current_year(&app.db).await?;
    let mut classes = Vec::new();
    if let Some(y) = &year {
        let subjects = school::teacher_subjects(&app.db, u.id).await?;
        for c in school::teacher_classes(&app.db, y.id, u.id).await? {
            let mine = subjects
                .iter()
                .filter(|(id, _)| *id == c.id)
                .map(|(_, s)| s.clone())
                .collect();
            classes.push((c, mine));
        }
    }
    let today = crate::timetable::week::upcoming(
        &app.db,
        crate::timetable::View::Teacher(u.id),
        ctx.today(),
        "/enseignant/emploi-du-temps".into(),
    )
    .await?;
    html(&TeacherHome {
        ctx: &ctx,
        today,
        year,
        classes,
    })
}

#[derive(Template)]
#[template(path = "portals/teacher_class.html")]
struct TeacherClass<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    is_head: bool,
    teachers: Vec<TeacherOfClass>,
    students: Vec<StudentRow>,
}

async fn teacher_class(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::extract::Query(export): axum::extract::Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Teacher)?;
    let class = school::class(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_see_roster(&app.db, u, id).await?)?;
    let teachers = school::class_teachers(&app.db, id).await?;
    let students = school::roster(&app.db, id).await?;
    if let Some(format) = export.format()? {
        let table = school::roster_table(&ctx.t, &class, &students);
        let frame = crate::export::frame(&ctx).await;
        return crate::export::send_table(table, format, &ctx, frame).await;
    }
    html(&TeacherClass {
        ctx: &ctx,
        is_head: class.head_teacher_user_id == Some(u.id),
        class,
        teachers,
        students,
    })
}

/// The marks block of a family page: the chosen period and the marks by subject.
pub struct MarksBlock {
    period_id: i64,
    range: Option<(chrono::NaiveDate, chrono::NaiveDate)>,
    student_id: i64,
    published: bool,
    periods: Vec<crate::grades::repo::PeriodRow>,
    subjects: Vec<crate::grades::SubjectMarks>,
    /// Each subject's coefficient in the student's class.
    coefficients: std::collections::HashMap<i64, i64>,
    /// The moyenne générale so far (the subject averages weighted by their coefficients).
    general: Option<(i64, String)>,
    base: String,
}

impl MarksBlock {
    /// A subject's coefficient in the student's class.
    pub fn coefficient(&self, subject: &i64) -> i64 {
        self.coefficients.get(subject).copied().unwrap_or(1)
    }
}

async fn marks_block(
    app: &AppState,
    student_id: i64,
    wanted: Option<i64>,
    base: String,
) -> AppResult<MarksBlock> {
    let periods = app.settings.periods(&app.db).await?;
    let today = app.clock.today();
    let period = wanted
        .and_then(|id| periods.iter().find(|p| p.id == id))
        .or_else(|| crate::grades::repo::default_period(&periods, today))
        .cloned();
    let subjects = match &period {
        Some(p) => crate::grades::student_marks(&app.db, student_id, p.id).await?,
        None => Vec::new(),
    };
    let coefficients: std::collections::HashMap<i64, i64> =
        match crate::school::student(&app.db, student_id)
            .await?
            .and_then(|s| s.class_id)
        {
            Some(class) => crate::bulletins::repo::class_subjects(&app.db, class)
                .await?
                .into_iter()
                .map(|s| (s.id, s.coefficient))
                .collect(),
            None => Default::default(),
        };
    let general = crate::grades::calc::general_average(
        &subjects
            .iter()
            .map(|s| {
                (
                    s.average,
                    coefficients.get(&s.subject_id).copied().unwrap_or(1),
                )
            })
            .collect::<Vec<_>>(),
    );
    Ok(MarksBlock {
        coefficients,
        general,
        period_id: period.as_ref().map(|p| p.id).unwrap_or_default(),
        range: period.as_ref().map(|p| (p.starts_on, p.ends_on)),
        student_id,
        published: period.as_ref().is_some_and(|p| p.published),
        periods,
        subjects,
        base,
    })
}

#[derive(serde::Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    periode: String,
}

#[derive(Template)]
#[template(path = "portals/parent.html")]
struct ParentChild<'a> {
    ctx: &'a Ctx,
    marks: MarksBlock,
    absences: (
        Vec<crate::attendance::repo::AbsenceRow>,
        crate::attendance::Totals,
    ),
    justify: bool,
    children: Vec<StudentRow>,
    child: StudentRow,
    teachers: Vec<TeacherOfClass>,
    guardians: Vec<GuardianRow>,
    fees: ChildFees,
    news: Vec<crate::announcements::repo::Announcement>,
    todo: Vec<crate::todo::Item>,
    today: Option<crate::timetable::week::Upcoming>,
}

/// What the family owes for a child, and what it has paid.
struct ChildFees {
    invoices: Vec<crate::fees::repo::InvoiceLine>,
    receipts: Vec<crate::fees::repo::Receipt>,
    balance: i64,
    family: Vec<crate::fees::repo::FamilyBalance>,
    today: chrono::NaiveDate,
    /// The school takes mobile money.
    momo: bool,
    /// Mobile money payments still waiting for confirmation.
    momo_open: Vec<crate::mobile_money::Payment>,
}

impl ChildFees {
    fn family_total(&self) -> i64 {
        self.family.iter().map(|f| f.balance).sum()
    }
}

#[derive(Template)]
#[template(path = "portals/parent_empty.html")]
struct ParentEmpty<'a> {
    ctx: &'a Ctx,
}

async fn parent_home(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Parent)?;
    // The family's pages are kept while nothing under them changes (a child linked or
    // withdrawn is a change): see `web::page_cache`.
    app.pages
        .page(&app.db, &ctx, || async {
            let children = school::children(&app.db, u.id).await?;
            let first = school::default_child(&children).map(|c| c.id);
            match first.and_then(|id| children.iter().position(|c| c.id == id)) {
                Some(i) if children.len() == 1 => {
                    Ok(redirect(&format!("/parent/enfants/{}", children[i].id)))
                }
                Some(i) => show_child(&app, &ctx, children, i, None).await,
                None => html(&ParentEmpty { ctx: &ctx }),
            }
        })
        .await
}

async fn parent_child(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::extract::Query(q): axum::extract::Query<PeriodQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Parent)?;
    app.pages
        .page(&app.db, &ctx, || async {
            let children = school::children(&app.db, u.id).await?;
            // The parent portal shows the parent's own children only: another family's id
            // is refused even when the user could see it through another role.
            let idx = children.iter().position(|c| c.id == id);
            authz::require(idx.is_some())?;
            let idx = idx.unwrap_or_default();
            show_child(&app, &ctx, children, idx, q.periode.parse().ok()).await
        })
        .await
}

async fn show_child(
    app: &AppState,
    ctx: &Ctx,
    children: Vec<StudentRow>,
    idx: usize,
    period: Option<i64>,
) -> AppResult<Response> {
    let child = children[idx].clone();
    let marks = marks_block(
        app,
        child.id,
        period,
        format!("/parent/enfants/{}", child.id),
    )
    .await?;
    let absences = match &marks.range {
        Some((from, to)) => {
            crate::attendance::student_summary(&app.db, child.id, *from, *to).await?
        }
        None => Default::default(),
    };
    let teachers = match child.class_id {
        Some(cid) => school::class_teachers(&app.db, cid).await?,
        None => Vec::new(),
    };
    let guardians = school::guardians_of(&app.db, child.id).await?;
    let fees = ChildFees {
        invoices: crate::fees::repo::invoices_of(&app.db, child.id).await?,
        receipts: crate::fees::repo::receipts_of(&app.db, child.id).await?,
        balance: crate::fees::repo::balance(&app.db, child.id).await?,
        family: crate::fees::repo::guardian_balances(&app.db, ctx.user_id()).await?,
        today: ctx.today(),
        momo: app.momo.is_some(),
        momo_open: crate::mobile_money::of_student(&app.db, child.id)
            .await?
            .into_iter()
            .filter(|p| p.open())
            .collect(),
    };
    let todo = next_todo(app, ctx, Some(&child)).await?;
    let today = class_today(
        app,
        ctx,
        Some(&child),
        format!("/parent/enfants/{}/emploi-du-temps", child.id),
    )
    .await?;
    html(&ParentChild {
        today,
        todo,
        news: crate::announcements::repo::for_reader(&app.db, ctx.user_id(), false, 3).await?,
        fees,
        ctx,
        marks,
        absences,
        justify: true,
        children,
        child,
        teachers,
        guardians,
    })
}

// ---------------------------------------------------------------- the family at a glance

/// One child on the family's summary.
struct FamilyLine {
    child: StudentRow,
    /// The general average so far this period, with the class's coefficients.
    average: Option<i64>,
    /// This month's absences.
    absences: crate::attendance::Totals,
    /// What the family still owes for this child.
    balance: i64,
    /// The next work to do.
    next: Option<crate::todo::Item>,
}

#[derive(Template)]
#[template(path = "portals/family.html")]
struct FamilyPage<'a> {
    ctx: &'a Ctx,
    lines: Vec<FamilyLine>,
    /// What the family owes in all.
    total: i64,
}

/// A parent's children side by side: each one's average so far, absences this month,
/// balance and next homework, for families with several children at the school.
async fn family(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.require(Portal::Parent)?;
    let today = ctx.today();
    let month_start = chrono::Datelike::with_day(&today, 1).unwrap_or(today);
    let periods = app.settings.periods(&app.db).await?;
    let period = crate::grades::repo::default_period(&periods, today).cloned();
    let mut lines = Vec::new();
    for child in school::children(&app.db, u.id).await? {
        let average = match (&period, child.class_id) {
            (Some(p), Some(class)) => {
                let subjects = crate::grades::student_marks(&app.db, child.id, p.id).await?;
                let coefficients = crate::bulletins::repo::class_subjects(&app.db, class).await?;
                let pairs: Vec<(Option<i64>, i64)> = subjects
                    .iter()
                    .map(|s| {
                        let c = coefficients
                            .iter()
                            .find(|c| c.id == s.subject_id)
                            .map(|c| c.coefficient)
                            .unwrap_or(1);
                        (s.average, c)
                    })
                    .collect();
                crate::grades::calc::general_average(&pairs).map(|g| g.0)
            }
            _ => None,
        };
        let (_, absences) =
            crate::attendance::student_summary(&app.db, child.id, month_start, today).await?;
        let balance = crate::fees::repo::balance(&app.db, child.id).await?;
        let next = next_todo(&app, &ctx, Some(&child))
            .await?
            .into_iter()
            .next();
        lines.push(FamilyLine {
            child,
            average,
            absences,
            balance,
            next,
        });
    }
    html(&FamilyPage {
        ctx: &ctx,
        total: lines.iter().map(|l| l.balance.max(0)).sum(),
        lines,
    })
}
