//! The dashboards: the administration's (the whole school), a class's for its teachers, a
//! student's for their family, and the list of students at risk.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::charts::ChartView;
use super::dashboards as d;
use super::risk::{self, Risk, RiskSettings};
use crate::app::AppState;
use crate::auth::{CurrentUser, Role};
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

/// Routes of analytics.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/analytique", get(admin_dashboard).allow(Rule::ADMIN))
        .route(
            "/admin/analytique/seuils",
            post(save_settings).allow(Rule::AnyOf(authz::SCHOOL_RISKS)),
        )
        .route(
            "/analytique/risques",
            get(risks_page).allow(Rule::AnyOf(authz::STAFF)),
        )
        .route(
            "/analytique/classes/{id}",
            get(class_dashboard).allow(Rule::AnyOf(authz::STAFF)),
        )
        .route(
            "/analytique/eleves/{id}",
            get(student_dashboard).allow(Rule::SignedIn),
        )
}

fn may_administer(u: &CurrentUser) -> bool {
    authz::may_follow_school_risks(u)
}

/// May `u` open the risk list? The route asks this, and a page links to the list only when
/// it says yes: those who follow the whole school, and a professeur principal.
pub async fn may_open_risk_list(app: &AppState, u: &CurrentUser) -> AppResult<bool> {
    Ok(authz::may_follow_school_risks(u) || !risk_classes(app, u).await?.is_empty())
}

/// What the administration's dashboard shows.
pub struct AdminData {
    pub students: i64,
    /// Attendance over the year, hundredths of a percent.
    pub attendance: Option<i64>,
    /// Fees fallen due by today (less discounts): what could have been collected by now.
    pub due_to_date: i64,
    /// Fees due over the whole year.
    pub due_in_year: i64,
    pub collected: i64,
    /// Students at high risk.
    pub high_risk: usize,
    /// The five of them most at risk.
    pub top_risks: Vec<Risk>,
    pub charts: Vec<ChartView>,
    /// The best classes, then the weakest (name, mean).
    pub top: Vec<(String, Option<i64>)>,
    /// The weakest classes.
    pub bottom: Vec<(String, Option<i64>)>,
}

async fn admin_data(app: &AppState, t: &crate::i18n::Tr) -> anyhow::Result<AdminData> {
    let db = &app.db;
    let today = app.clock.today();
    let (enrollment, students) = d::enrollment_chart(db, t).await?;
    let weeks = d::attendance_by_week(db, None, None).await?;
    let (scheduled, missed) = weeks.iter().fold((0, 0), |a, w| (a.0 + w.1, a.1 + w.2));
    let attendance = d::attendance_chart(t, "chart-attendance", &weeks);
    let (fees, money) = d::fees_chart(db, t, today).await?;
    let mut charts = vec![enrollment, attendance];
    let (mut top, mut bottom) = (Vec::new(), Vec::new());
    let mut high_risk = Vec::new();
    if let Some((period, previous)) = risk::current_period(db, today).await? {
        let results = d::class_results(db, period.id).await?;
        let (classes, subjects) = d::averages_charts(t, &results);
        charts.push(classes);
        charts.push(subjects);
        let mut ranked: Vec<&d::ClassResult> =
            results.iter().filter(|r| r.mean.is_some()).collect();
        ranked.sort_by_key(|r| std::cmp::Reverse(r.mean));
        let show = |r: &&d::ClassResult| (r.name.clone(), r.mean);
        top = ranked.iter().take(5).map(show).collect();
        bottom = ranked.iter().rev().take(5).map(show).collect();
        let s = risk::settings(db).await?;
        for r in &results {
            high_risk.extend(
                risk::class_risks(db, r.class_id, &period, previous.as_ref(), today, &s)
                    .await?
                    .into_iter()
                    .filter(|x| x.level == "high"),
            );
        }
    }
    charts.push(fees);
    Ok(AdminData {
        students,
        attendance: d::rate(scheduled, missed),
        due_to_date: money.due_to_date,
        due_in_year: money.due_in_year,
        collected: money.collected,
        high_risk: high_risk.len(),
        top_risks: {
            high_risk.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
            high_risk.truncate(5);
            high_risk
        },
        charts,
        top,
        bottom,
    })
}

#[derive(Template)]
#[template(path = "analytics/admin.html")]
struct AdminPage<'a> {
    ctx: &'a Ctx,
    data: std::sync::Arc<AdminData>,
    settings: RiskSettings,
    may_edit: bool,
    /// The risk list opens for this user (its links show only then).
    may_see_risks: bool,
    errors: FormErrors,
}

impl AdminPage<'_> {
    fn pct(&self, v: &Option<i64>) -> String {
        v.map(|x| self.ctx.t.percent_hundredths(x))
            .unwrap_or_else(|| "—".into())
    }

    fn mark(&self, v: &i64) -> String {
        crate::grades::calc::fmt_hundredths(*v)
    }
}

/// The whole school's numbers, computed at most once a minute for everyone (the
/// administration's dashboard and its widgets).
pub async fn school_overview(
    app: &AppState,
    t: &crate::i18n::Tr,
) -> anyhow::Result<std::sync::Arc<AdminData>> {
    let key = format!("admin:{:?}", t.locale);
    let (owned, t) = (app.clone(), t.clone());
    app.analytics
        .get_or(key, move || async move { admin_data(&owned, &t).await })
        .await
}

async fn admin_view(app: &AppState, ctx: &Ctx, errors: FormErrors) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(u.is_admin())?;
    let data = school_overview(app, &ctx.t).await?;
    let status = errors.status();
    html_status(
        status,
        &AdminPage {
            ctx,
            data,
            settings: risk::settings(&app.db).await?,
            may_edit: may_administer(u),
            may_see_risks: may_open_risk_list(app, u).await?,
            errors,
        },
    )
}

async fn admin_dashboard(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    admin_view(&app, &ctx, FormErrors::default()).await
}

async fn save_settings(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    authz::require(may_administer(u))?;
    let f: std::collections::HashMap<String, String> =
        form_urlencoded::parse(&body).into_owned().collect();
    let mut errors = FormErrors::default();
    let mark = |k: &str| {
        f.get(k)
            .map(|v| v.trim().replace(',', "."))
            .and_then(|v| v.parse::<f64>().ok())
            .filter(|v| v.is_finite())
            .map(|v| (v * 100.0).round() as i64)
    };
    let int = |k: &str| f.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let s = RiskSettings {
        average_below: mark("average_below").unwrap_or(-1),
        drop: mark("drop").unwrap_or(-1),
        absence_hours: int("absence_hours").unwrap_or(-1),
        missing: int("missing").unwrap_or(-1),
        medium: int("medium").unwrap_or(-1),
        high: int("high").unwrap_or(-1),
    };
    for (field, key) in s.validate() {
        errors.add(field, ctx.t.t(key));
    }
    if !errors.is_empty() {
        return admin_view(&app, &ctx, errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::settings::store(&mut *tx, "risk", &s).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "settings",
        "risk",
        "update",
        None,
        Some(&serde_json::to_string(&s).unwrap_or_default()),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "risk-saved").await?;
    Ok(redirect("/admin/analytique"))
}

// ---------------------------------------------------------------- risks

#[derive(Template)]
#[template(path = "analytics/risks.html")]
struct RisksPage<'a> {
    ctx: &'a Ctx,
    risks: Vec<Risk>,
    all: bool,
    /// The school's trained model gives the risks (probabilities, in percent).
    predicted: bool,
}

impl RisksPage<'_> {
    fn reason(&self, r: &(&'static str, serde_json::Value)) -> String {
        self.ctx.t.tj(r.0, &r.1)
    }
}

/// The classes whose risks `u` sees: every class for the director and the secretary, the
/// classes they head for a professeur principal.
/// The classes whose risks `u` follows: every class for those who follow the whole
/// school, the classes they head for a professeur principal.
pub async fn risk_classes(app: &AppState, u: &CurrentUser) -> AppResult<Vec<i64>> {
    let all = may_administer(u);
    Ok(crate::school::current_classes_headed(&app.db, all, u.id).await?)
}

/// The students of `classes` at medium or high risk, most at risk first.
pub async fn risks_for(app: &AppState, classes: &[i64]) -> anyhow::Result<Vec<Risk>> {
    let today = app.clock.today();
    let Some((period, previous)) = risk::current_period(&app.db, today).await? else {
        return Ok(Vec::new());
    };
    let s = risk::settings(&app.db).await?;
    let mut out = Vec::new();
    for c in classes {
        out.extend(risk::class_risks(&app.db, *c, &period, previous.as_ref(), today, &s).await?);
    }
    out.retain(|r| r.level != "low");
    out.sort_by(|a, b| b.score.cmp(&a.score).then_with(|| a.name.cmp(&b.name)));
    Ok(out)
}

#[derive(Debug, Default, Deserialize)]
struct RisksQuery {
    #[serde(default)]
    tous: String,
}

async fn risks_page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<RisksQuery>,
    Query(export): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let export = export.format()?;
    authz::require(may_open_risk_list(&app, u).await?)?;
    let classes = risk_classes(&app, u).await?;
    let mut risks = risks_for(&app, &classes).await?;
    let all = q.tous == "1";
    if !all {
        risks.retain(|r| r.level == "high");
    }
    if let Some(format) = export {
        use crate::export::{Cell, Table};
        let t = &ctx.t;
        let mut table = Table::new(
            t.t("risk-list"),
            [
                t.t("student"),
                t.t("class"),
                t.t("risk-score"),
                t.t("risk-level"),
                t.t("risk-why"),
            ],
        );
        for r in &risks {
            table.push(vec![
                Cell::Text(r.name.clone()),
                Cell::Text(r.class_name.clone()),
                Cell::Int(r.score),
                Cell::Text(t.t(format!("risk-level-{}", r.level))),
                Cell::Text(t.semicolons(r.reasons.iter().map(|(k, v)| t.tj(k, v)))),
            ]);
        }
        let frame = crate::export::frame(&ctx).await;
        return crate::export::send_table(table, format, &ctx, frame).await;
    }
    html(&RisksPage {
        ctx: &ctx,
        risks,
        all,
        predicted: crate::prediction::repo::current_model(&app.db)
            .await?
            .is_some(),
    })
}

// ---------------------------------------------------------------- a class

#[derive(Debug, Default, Deserialize)]
struct ClassQuery {
    #[serde(default)]
    evaluation: String,
}

#[derive(Template)]
#[template(path = "analytics/class.html")]
struct ClassPage<'a> {
    ctx: &'a Ctx,
    class: crate::school::ClassRow,
    charts: Vec<ChartView>,
    evaluations: Vec<(i64, String)>,
    chosen: i64,
    risks: Vec<Risk>,
    predicted: bool,
}

impl ClassPage<'_> {
    fn reason(&self, r: &(&'static str, serde_json::Value)) -> String {
        self.ctx.t.tj(r.0, &r.1)
    }
}

async fn class_dashboard(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<ClassQuery>,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let Some(class) = crate::school::class(&app.db, id).await? else {
        return Err(AppError::NotFound);
    };
    // Its teachers and the administration.
    authz::require(authz::can_see_roster(&app.db, u, id).await?)?;
    let evaluations = crate::grades::repo::class_evaluations_latest_first(&app.db, id).await?;
    let chosen = q
        .evaluation
        .parse::<i64>()
        .ok()
        .filter(|e| evaluations.iter().any(|x| x.0 == *e))
        .or(evaluations.first().map(|e| e.0))
        .unwrap_or(0);
    let mut charts = Vec::new();
    if let Some(e) = evaluations.iter().find(|e| e.0 == chosen) {
        let marks = crate::grades::repo::evaluation_scores(&app.db, chosen).await?;
        let on20: Vec<i64> = marks
            .iter()
            .map(|(p, s)| crate::grades::calc::to_twenty(*p, *s))
            .collect();
        charts.push(d::distribution_chart(
            &ctx.t,
            &format!("{} · {} · {}", e.3, e.1, ctx.t.date(&e.2)),
            &on20,
        ));
    }
    charts.push(d::subject_trend_chart(&app.db, &ctx.t, id).await?);
    let weeks = d::attendance_by_week(&app.db, Some(id), None).await?;
    charts.push(d::attendance_chart(&ctx.t, "chart-attendance", &weeks));
    let mut risks = risks_for(&app, &[id]).await?;
    risks.truncate(15);
    html(&ClassPage {
        ctx: &ctx,
        class,
        charts,
        evaluations: evaluations
            .into_iter()
            .map(|(i, t, day, s)| (i, format!("{} · {s} · {t}", ctx.t.date(&day))))
            .collect(),
        chosen,
        risks,
        predicted: crate::prediction::repo::current_model(&app.db)
            .await?
            .is_some(),
    })
}

// ---------------------------------------------------------------- a student

#[derive(Template)]
#[template(path = "analytics/student.html")]
struct StudentPage<'a> {
    ctx: &'a Ctx,
    student: crate::school::StudentRow,
    charts: Vec<ChartView>,
    risk: Option<Risk>,
    /// The risk comes from the trained model (a probability).
    predicted: bool,
    followup: Option<Followup>,
}

/// The follow-up of a student, for the staff who teach them and the administration.
struct Followup {
    interventions: Vec<crate::prediction::repo::InterventionRow>,
    /// (raised, cleared, probability in ten-thousandths).
    alerts: Vec<(
        chrono::DateTime<chrono::Utc>,
        Option<chrono::DateTime<chrono::Utc>>,
        i64,
    )>,
    /// The general average of each period of the year so far.
    periods: Vec<(i64, Option<i64>)>,
}

impl StudentPage<'_> {
    fn reason(&self, r: &(&'static str, serde_json::Value)) -> String {
        self.ctx.t.tj(r.0, &r.1)
    }

    fn ten_thousandths(&self, p: &i64) -> String {
        self.ctx.t.percent_hundredths(*p)
    }

    fn action_name(&self, a: &str) -> String {
        self.ctx.t.t(format!("ml-action-{a}"))
    }
}

async fn student_dashboard(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let student = crate::gamification::routes::seen_student(&app.db, u, id).await?;
    let today = ctx.today();
    let mut charts = Vec::new();
    let mut own_risk = None;
    let mut followup = None;
    let settings = crate::prediction::settings(&app.db).await?;
    if let Some(class) = student.class_id
        && let Some((period, previous)) = risk::current_period(&app.db, today).await?
    {
        // The staff of the student's class this year and the administration.
        let staff = u.is_admin() || authz::can_see_roster(&app.db, u, class).await?;
        charts.push(d::child_subjects_chart(&app.db, &ctx.t, class, period.id, id).await?);
        // The staff see the risk, the family when the school chooses; the student sees their
        // own results only.
        if staff || (u.has(Role::Parent) && settings.parents_see) {
            let s = risk::settings(&app.db).await?;
            own_risk = risk::class_risks(&app.db, class, &period, previous.as_ref(), today, &s)
                .await?
                .into_iter()
                .find(|r| r.student_id == id && r.level != "low");
        }
        if staff && let Some(year_id) = crate::school::current_year(&app.db).await?.map(|y| y.id) {
            let (periods, years) = crate::council::class_year(&app.db, class, &[id]).await?;
            let year = years.into_iter().next().unwrap_or_default();
            followup = Some(Followup {
                interventions: crate::prediction::repo::interventions(&app.db, id, year_id).await?,
                alerts: crate::prediction::repo::alerts_of(&app.db, id, year_id).await?,
                periods: periods
                    .iter()
                    .zip(year.periods.iter().chain(std::iter::repeat(&None)))
                    .filter(|(p, _)| p.starts_on <= today)
                    .map(|(p, g)| (p.ordinal, *g))
                    .collect(),
            });
        }
    }
    let weeks = d::attendance_by_week(&app.db, student.class_id, Some(id)).await?;
    charts.push(d::attendance_chart(&ctx.t, "chart-attendance", &weeks));
    html(&StudentPage {
        ctx: &ctx,
        student,
        charts,
        risk: own_risk,
        predicted: crate::prediction::repo::current_model(&app.db)
            .await?
            .is_some(),
        followup,
    })
}
