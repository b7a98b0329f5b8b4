//! Bulletin pages: one student's bulletin (printable, A4), a class's results, and the
//! administration's closing and publishing of periods.

use askama::Template;
use axum::Router;
use axum::extract::{Query, State};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::compute::{Bulletin, Stats, Subject};
use super::repo;
use crate::app::AppState;
use crate::auth::{Portal, Role};
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::grades::repo::PeriodRow;
use crate::school::{self, ClassRow, StudentRow};
use crate::web::{Ctx, PathId, PathIds, html, redirect};

/// Routes of bulletins.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/bulletins/{student}/{period}",
            get(show).allow(Rule::SignedIn),
        )
        .route(
            "/bulletins/{student}/{period}/pdf",
            get(super::pdf::student).allow(Rule::SignedIn),
        )
        .route(
            "/admin/classes/{id}/bulletins/pdf",
            get(super::pdf::class).allow(Rule::ADMIN),
        )
        .route(
            "/admin/periodes/{id}/bulletins",
            post(super::pdf::start_school).allow(Rule::ADMIN),
        )
        .route(
            "/admin/classes/{id}/bulletins",
            get(class_results).allow(Rule::ADMIN),
        )
        .route("/admin/periodes", get(periods).allow(Rule::ADMIN))
        .route(
            "/admin/saisie",
            get(super::entry::page).allow(Rule::RECORDS),
        )
        .route(
            "/admin/saisie/relance",
            post(super::entry::remind).allow(Rule::RECORDS),
        )
        .route(
            "/admin/periodes/{id}/cloture",
            post(toggle_closed).allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/periodes/{id}/publication",
            get(confirm_publication)
                .post(set_published)
                .allow(Rule::DIRECTOR),
        )
        .route(
            "/admin/periodes/{id}/resultats",
            post(super::school::start).allow(Rule::ADMIN),
        )
        .route(
            "/admin/resultats/{id}",
            get(super::school::show).allow(Rule::ADMIN),
        )
}

#[derive(Template)]
#[template(path = "bulletins/bulletin.html")]
struct Page<'a> {
    ctx: &'a Ctx,
    student: StudentRow,
    class: ClassRow,
    period: PeriodRow,
    year: String,
    bulletin: Bulletin,
    stats: Vec<Stats>,
    general_stats: Stats,
    ranked: i64,
    absences: crate::attendance::Totals,
    /// The teachers' appreciations, one per line of the bulletin.
    appreciations: Vec<String>,
    /// Subtotals per subject group, each with the index of its last line.
    groups: Vec<(usize, super::compute::GroupTotal)>,
    /// What the council recorded.
    record: Option<crate::council::repo::Record>,
    /// At the last period: every period of the year and the student's year.
    annual: Option<(Vec<PeriodRow>, crate::council::Year)>,
    /// The school's letterhead, as the PDF has it.
    letterhead: crate::export::Letterhead,
}

/// Whether the user may see this student's bulletin for this period, on screen or on
/// paper; gives the student's class.
pub(crate) async fn may_see(
    app: &AppState,
    ctx: &Ctx,
    student_id: i64,
    period_id: i64,
) -> AppResult<(i64, bool)> {
    let u = ctx.user()?;
    let student = school::student(&app.db, student_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let (_, published) = repo::period_state(&app.db, period_id)
        .await?
        .ok_or(AppError::NotFound)?;
    authz::require(authz::can_see_student(&app.db, u, student_id).await?)?;
    // Families see a bulletin once the administration has published it; staff see it as
    // it is being prepared.
    let staff =
        u.is_admin() || u.has(Role::Teacher) && !is_family_of(app, u.id, student_id).await?;
    authz::require(staff || published)?;
    Ok((student.class_id.ok_or(AppError::NotFound)?, published))
}

async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(student_id, period_id): PathIds,
) -> AppResult<Response> {
    let (class_id, _) = may_see(&app, &ctx, student_id, period_id).await?;
    let _turn = app.heavy.turn().await;
    let sheets = super::sheet::class_sheets(&app.db, class_id, period_id, Some(student_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let super::sheet::ClassSheets {
        class,
        period,
        year_periods,
        year,
        stats,
        general_stats,
        ranked,
        sheets,
    } = sheets;
    let sheet = sheets.into_iter().next().ok_or(AppError::NotFound)?;
    let docs = crate::settings::documents(&app.db).await?;
    let letterhead =
        crate::export::letterhead(&ctx.t, &ctx.school, &docs, ctx.school.logo.is_some());
    html(&Page {
        letterhead,
        groups: sheet.groups,
        appreciations: sheet.appreciations,
        record: sheet.record,
        annual: year_periods.zip(sheet.annual),
        absences: sheet.absences,
        ctx: &ctx,
        student: sheet.student,
        class,
        period,
        year,
        bulletin: sheet.bulletin,
        stats,
        general_stats,
        ranked,
    })
}

async fn is_family_of(app: &AppState, user_id: i64, student_id: i64) -> AppResult<bool> {
    Ok(school::children(&app.db, user_id)
        .await?
        .iter()
        .any(|c| c.id == student_id)
        || school::student_by_user(&app.db, user_id)
            .await?
            .is_some_and(|s| s.id == student_id))
}

#[derive(Deserialize)]
struct PeriodQuery {
    #[serde(default)]
    periode: String,
}

#[derive(Template)]
#[template(path = "bulletins/class.html")]
struct ClassPage<'a> {
    ctx: &'a Ctx,
    class: ClassRow,
    periods: Vec<PeriodRow>,
    period: PeriodRow,
    subjects: Vec<Subject>,
    rows: Vec<(StudentRow, Bulletin)>,
    stats: Vec<Stats>,
    general_stats: Stats,
    ranked: i64,
    /// The council's sheet and annual results open to this user (the links show only then).
    may_hold_council: bool,
}

async fn class_results(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<PeriodQuery>,
    Query(export): Query<crate::export::ExportQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let format = export.format()?;
    let class = school::class(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let may_hold_council = crate::authz::may_hold_council(u, class.head_teacher_user_id);
    let periods = crate::grades::repo::periods(&app.db).await?;
    let today = ctx.today();
    let period = q
        .periode
        .parse::<i64>()
        .ok()
        .and_then(|p| periods.iter().find(|x| x.id == p))
        .or_else(|| crate::grades::repo::default_period(&periods, today))
        .cloned()
        .ok_or(AppError::NotFound)?;
    let students = school::roster(&app.db, id).await?;
    let ids: Vec<i64> = students.iter().map(|s| s.id).collect();
    let (subjects, computed) = super::for_class(&app.db, id, period.id, &ids).await?;
    let stats = subjects
        .iter()
        .map(|s| {
            computed
                .subject_stats
                .get(&s.id)
                .copied()
                .unwrap_or_default()
        })
        .collect();
    let mut rows: Vec<(StudentRow, Bulletin)> =
        students.into_iter().zip(computed.bulletins).collect();
    // By rank, unranked last, then by name.
    rows.sort_by_key(|(s, b)| {
        (
            b.rank.map(|r| r.position).unwrap_or(usize::MAX),
            s.last_name.clone(),
        )
    });
    if let Some(format) = format {
        use crate::export::{Cell, Table};
        let t = &ctx.t;
        let mut heads = vec![t.t("rank"), t.t("name"), t.t("matricule")];
        heads.extend(
            subjects
                .iter()
                .map(|s| format!("{} ({})", s.name, s.coefficient)),
        );
        heads.extend([t.t("general-average"), t.t("mention")]);
        let mut table = Table::new(format!("{} · {}", t.t("class-results"), class.name), heads);
        table.subtitle = t.tn(period.label_key(), "n", period.ordinal);
        for (s, b) in &rows {
            let mut row = vec![
                b.rank
                    .map(|r| Cell::Text(t.rank(Some(r))))
                    .unwrap_or(Cell::Empty),
                Cell::Text(s.list_name()),
                Cell::Text(s.matricule.clone()),
            ];
            row.extend(b.lines.iter().map(|l| Cell::hundredths(l.average)));
            row.push(Cell::hundredths(b.general));
            row.push(
                b.mention
                    .map(|m| Cell::Text(t.t(m.key())))
                    .unwrap_or(Cell::Empty),
            );
            table.push(row);
        }
        let mut mean = vec![Cell::Empty, Cell::Text(t.t("class-mean")), Cell::Empty];
        mean.extend(
            subjects
                .iter()
                .map(|s| Cell::hundredths(computed.subject_stats.get(&s.id).and_then(|x| x.mean))),
        );
        mean.push(Cell::hundredths(computed.general_stats.mean));
        mean.push(Cell::Empty);
        table.totals = Some(mean);
        let mut frame = crate::export::frame(&ctx).await;
        frame.orientation = crate::export::Orientation::Landscape;
        return crate::export::send_table(table, format, &ctx, frame).await;
    }
    html(&ClassPage {
        ctx: &ctx,
        class,
        periods,
        period,
        subjects,
        rows,
        stats,
        general_stats: computed.general_stats,
        ranked: computed.ranked as i64,
        may_hold_council,
    })
}

#[derive(Template)]
#[template(path = "bulletins/periods.html")]
struct PeriodsPage<'a> {
    ctx: &'a Ctx,
    periods: Vec<PeriodRow>,
    can_edit: bool,
    /// The latest computed school results of each period (period id → job id).
    results: std::collections::HashMap<i64, i64>,
    /// The period whose publication is prepared below the table, and its classes.
    period: Option<PeriodRow>,
    readiness: super::readiness::Readiness,
    /// Whether the council cells link to the council (whoever may hold it in any class).
    may_hold_council: bool,
}

async fn periods(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    let can_edit = authz::can_manage_accounts(u);
    let periods = crate::grades::repo::periods(&app.db).await?;
    let period = q
        .periode
        .parse::<i64>()
        .ok()
        .and_then(|p| periods.iter().find(|x| x.id == p))
        .or_else(|| crate::grades::repo::default_period(&periods, ctx.today()))
        .cloned();
    let readiness = match &period {
        Some(p) => super::readiness::for_period(&app.db, p.id).await?,
        None => Default::default(),
    };
    html(&PeriodsPage {
        ctx: &ctx,
        periods,
        can_edit,
        results: super::school::latest(&app.db).await?,
        period,
        readiness,
        may_hold_council: authz::may_hold_council(u, None),
    })
}

#[derive(Template)]
#[template(path = "bulletins/publish.html")]
struct PublishPage<'a> {
    ctx: &'a Ctx,
    period: PeriodRow,
    /// Distinct guardians who will be told.
    guardians: i64,
    /// Students with an account who will be told.
    students: i64,
    readiness: super::readiness::Readiness,
}

impl PublishPage<'_> {
    /// "Quarante-deux (42) parents ou tuteurs seront prévenus."
    fn guardians_sentence(&self) -> String {
        let t = &self.ctx.t;
        let mut words = t.words(self.guardians);
        if let Some(first) = words.get(..1) {
            words = format!("{}{}", first.to_uppercase(), &words[1..]);
        }
        t.tj(
            "publish-confirm-guardians",
            serde_json::json!({ "count": self.guardians, "shown": t.int(self.guardians), "words": words }),
        )
    }

    /// How many classes are not ready.
    fn not_ready_count(&self) -> i64 {
        self.readiness.not_ready().len() as i64
    }

    /// The classes not ready, by name.
    fn not_ready_names(&self) -> String {
        self.readiness
            .not_ready()
            .iter()
            .map(|c| c.name.as_str())
            .collect::<Vec<_>>()
            .join(", ")
    }
}

async fn period_row(app: &AppState, id: i64) -> AppResult<PeriodRow> {
    crate::grades::repo::periods(&app.db)
        .await?
        .into_iter()
        .find(|p| p.id == id)
        .ok_or(AppError::NotFound)
}

/// The last step before publishing: who will be told, in words, and what is not ready.
async fn confirm_publication(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    director(&ctx)?;
    let period = period_row(&app, id).await?;
    let (guardians, students) = repo::audience_count(&app.db, id).await?;
    let readiness = super::readiness::for_period(&app.db, id).await?;
    html(&PublishPage {
        ctx: &ctx,
        period,
        guardians,
        students,
        readiness,
    })
}

fn director(ctx: &Ctx) -> AppResult<i64> {
    let u = ctx.require(Portal::Admin)?;
    authz::require(authz::can_manage_accounts(u))?;
    Ok(u.id)
}

async fn toggle_closed(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    let by = director(&ctx)?;
    let (closed, _) = repo::period_state(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    repo::set_closed(&app.db, id, !closed).await?;
    app.settings.forget_periods().await;
    crate::audit::record(
        &app.db,
        Some(by),
        "period",
        &id.to_string(),
        if closed { "reopen" } else { "close" },
        None,
        None,
        ctx.now,
    )
    .await?;
    ctx.flash(
        "success",
        if closed {
            "period-reopened"
        } else {
            "period-closed"
        },
    )
    .await?;
    Ok(redirect(&format!("/admin/periodes?periode={id}")))
}

#[derive(Deserialize)]
struct PublishForm {
    /// "publish" (sent by the confirmation page) or "withdraw".
    #[serde(default)]
    action: String,
}

/// Publishes (once confirmed) or withdraws a period's bulletins. Anything else, such as a
/// form from before the confirmation step, leads to the confirmation page.
async fn set_published(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::Form(f): axum::Form<PublishForm>,
) -> AppResult<Response> {
    let by = director(&ctx)?;
    let (closed, published) = repo::period_state(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let publish = match f.action.as_str() {
        "publish" => true,
        "withdraw" => false,
        _ => return Ok(redirect(&format!("/admin/periodes/{id}/publication"))),
    };
    if publish == published {
        // Already done (a form sent twice): nobody is told twice.
        return Ok(redirect(&format!("/admin/periodes?periode={id}")));
    }
    if publish && !closed {
        ctx.flash("error", "error-publish-open-period").await?;
        return Ok(redirect(&format!("/admin/periodes?periode={id}")));
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    if repo::set_published(&mut *tx, id, publish).await? == 0 {
        // Changed meanwhile by another request: nobody is told twice.
        tx.rollback().await?;
        return Ok(redirect(&format!("/admin/periodes?periode={id}")));
    }
    if publish {
        crate::events::publish(
            &mut *tx,
            &crate::events::SchoolEvent::BulletinPublished(crate::events::BulletinPublished {
                period_id: id,
            }),
            Some(by),
            ctx.now,
        )
        .await?;
    }
    crate::audit::record(
        &mut *tx,
        Some(by),
        "period",
        &id.to_string(),
        if publish { "publish" } else { "unpublish" },
        None,
        None,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    app.settings.forget_periods().await;
    ctx.flash(
        "success",
        if publish {
            "bulletins-published"
        } else {
            "bulletins-withdrawn"
        },
    )
    .await?;
    Ok(redirect(&format!("/admin/periodes?periode={id}")))
}
