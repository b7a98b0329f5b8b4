//! The censeur's screens for what the solver reads: the week grid, the weekly hours of each
//! level and class, and the constraints (hard, or soft with a weight).

use std::collections::HashMap;

use askama::Template;
use axum::Router;
use axum::extract::{Query, State as AxState};
use axum::response::Response;
use axum::routing::{get, post};
use serde::Deserialize;

use super::build::{DAYS, Inputs, minutes, parse_slots};
use super::parallel::ParallelLine;
use super::repo::{self, NewConstraint, SubjectHoursRow};
use super::views::Pick;
use super::{ConstraintKind, Target};
use crate::app::AppState;
use crate::auth::Portal;
use crate::authz::{Allow, Rule};
use crate::error::AppResult;
use crate::web::{Ctx, FormErrors, PathId, html_status, redirect};

const PAGE: &str = "/admin/emplois-du-temps/donnees";
const ROOM_KINDS: &[&str] = &["lab", "computer", "workshop", "hall", "sports"];

pub fn router() -> Router<AppState> {
    let director = Rule::DIRECTOR;
    Router::new()
        .route(PAGE, get(page).allow(director))
        .route(
            "/admin/emplois-du-temps/grille",
            post(save_grid).allow(director),
        )
        .route(
            "/admin/emplois-du-temps/horaires",
            post(save_hours).allow(director),
        )
        .route(
            "/admin/emplois-du-temps/horaires-classe",
            post(save_class_hours).allow(director),
        )
        .route(
            "/admin/emplois-du-temps/contraintes",
            post(add_constraint).allow(director),
        )
        .route(
            "/admin/emplois-du-temps/contraintes/{id}/suppression",
            post(remove_constraint).allow(director),
        )
}

/// One row of a level's hours: a subject in a série (0: every série).
#[derive(Clone, Debug)]
pub struct HoursRow {
    pub series_key: i64,
    pub series: String,
    pub subject_id: i64,
    pub subject: String,
    pub hours: String,
    pub doubles: String,
    pub room_kind: String,
    pub required: bool,
}

impl HoursRow {
    pub fn field(&self, prefix: &str) -> String {
        format!("{prefix}_{}_{}", self.series_key, self.subject_id)
    }
}

/// A constraint as listed.
#[derive(Clone, Debug)]
pub struct ConstraintLine {
    pub id: i64,
    pub text: String,
    pub hard: bool,
    pub weight: i64,
}

#[derive(Template)]
#[template(path = "timetable/inputs.html")]
struct InputsPage<'a> {
    ctx: &'a Ctx,
    periods: Vec<repo::PeriodRow>,
    closed: Vec<(i64, i64)>,
    levels: Vec<Pick>,
    level: i64,
    rows: Vec<HoursRow>,
    classes: Vec<Pick>,
    teachers: Vec<Pick>,
    subjects: Vec<Pick>,
    constraints: Vec<ConstraintLine>,
    parallel: Vec<ParallelLine>,
    errors: FormErrors,
}

impl InputsPage<'_> {
    fn days(&self) -> Vec<i64> {
        (0..DAYS as i64).collect()
    }

    fn day_name(&self, d: &i64) -> String {
        self.ctx.t.t(format!("timetable-day-{d}"))
    }

    fn is_closed(&self, d: &i64, o: &i64) -> bool {
        self.closed.contains(&(*d, *o))
    }

    fn kinds(&self) -> &'static [&'static str] {
        ROOM_KINDS
    }

    fn constraint_kinds(&self) -> &'static [ConstraintKind] {
        ConstraintKind::ALL
    }

    fn targets(&self) -> &'static [Target] {
        Target::ALL
    }

    /// The member rows of the parallel group form.
    fn members(&self) -> Vec<usize> {
        (1..=super::parallel::MEMBERS).collect()
    }

    /// Empty rows after the grid's periods, to add some.
    fn spare(&self) -> Vec<i64> {
        let next = self
            .periods
            .iter()
            .map(|p| p.ordinal + 1)
            .max()
            .unwrap_or(0);
        (next..(next + 2).min(16)).collect()
    }
}

#[derive(Clone, Debug, Default, Deserialize)]
pub struct LevelQuery {
    #[serde(default)]
    pub niveau: Option<i64>,
}

pub(super) async fn render(
    app: &AppState,
    ctx: &Ctx,
    level: Option<i64>,
    errors: FormErrors,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let year = crate::school::current_year(&app.db)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    let inputs = Inputs::load(&app.db, year.id).await?;
    let built = super::build::build(&inputs, &[]);
    let levels: Vec<crate::school::Choice> = crate::school::levels(&app.db).await?;
    let level = level
        .filter(|l| levels.iter().any(|x| x.id == *l))
        .or_else(|| levels.first().map(|l| l.id))
        .unwrap_or(0);
    let subjects = crate::school::subjects(&app.db).await?;
    let series = crate::school::series(&app.db).await?;
    // The séries of the level: those its classes have (none: every série at once).
    let mut keys: Vec<(i64, String)> = inputs
        .classes
        .iter()
        .filter(|c| c.level_id == level)
        .filter_map(|c| c.series_id)
        .map(|s| {
            (
                s,
                series
                    .iter()
                    .find(|x| x.id == s)
                    .map(|x| x.code.clone())
                    .unwrap_or_default(),
            )
        })
        .collect();
    keys.sort();
    keys.dedup();
    if keys.is_empty() {
        keys.push((0, String::new()));
    }
    // Subjects taught at the level, then those with hours already.
    let taught: Vec<i64> = inputs
        .assignments
        .iter()
        .filter(|a| {
            inputs
                .classes
                .iter()
                .any(|c| c.id == a.class_id && c.level_id == level)
        })
        .map(|a| a.subject_id)
        .collect();
    let mut rows = Vec::new();
    for (key, code) in &keys {
        for s in &subjects {
            let found = inputs
                .subject_hours
                .iter()
                .find(|h| h.level_id == level && h.series_key == *key && h.subject_id == s.id);
            if found.is_none() && !taught.contains(&s.id) {
                continue;
            }
            rows.push(HoursRow {
                series_key: *key,
                series: code.clone(),
                subject_id: s.id,
                subject: s.name.clone(),
                hours: found.map(|h| h.hours.to_string()).unwrap_or_default(),
                doubles: found.map(|h| h.doubles.to_string()).unwrap_or_default(),
                room_kind: found.and_then(|h| h.room_kind.clone()).unwrap_or_default(),
                required: found.is_some_and(|h| h.room_required),
            });
        }
    }
    let names: HashMap<i64, String> = built
        .teacher_ids
        .iter()
        .copied()
        .zip(built.problem.teachers.iter().cloned())
        .collect();
    let constraints = inputs
        .constraints
        .iter()
        .map(|c| ConstraintLine {
            id: c.id,
            text: describe_constraint(ctx, c, &inputs, &names, &subjects),
            hard: c.weight.is_none(),
            weight: c.weight.unwrap_or(0),
        })
        .collect();
    let status = errors.status();
    html_status(
        status,
        &InputsPage {
            periods: inputs.periods.clone(),
            closed: inputs.closed.clone(),
            levels: levels
                .iter()
                .map(|l| (l.id.to_string(), l.name.clone()))
                .collect(),
            level,
            rows,
            classes: inputs
                .classes
                .iter()
                .map(|c| (c.id.to_string(), c.name.clone()))
                .collect(),
            teachers: {
                let mut v: Vec<Pick> = names
                    .iter()
                    .map(|(id, n)| (id.to_string(), n.clone()))
                    .collect();
                v.sort_by(|a, b| a.1.cmp(&b.1));
                v
            },
            subjects: subjects
                .iter()
                .map(|s| (s.id.to_string(), s.name.clone()))
                .collect(),
            constraints,
            parallel: super::parallel::lines(&inputs, &subjects),
            errors,
            ctx,
        },
    )
}

fn describe_constraint(
    ctx: &Ctx,
    c: &repo::ConstraintRow,
    inputs: &Inputs,
    teachers: &HashMap<i64, String>,
    subjects: &[crate::school::Choice],
) -> String {
    let t = &ctx.t;
    let who = match c.applies_to.parse::<Target>() {
        Ok(Target::Teacher) => c
            .teacher_user_id
            .and_then(|id| teachers.get(&id).cloned())
            .unwrap_or_default(),
        Ok(Target::Class) => c
            .class_id
            .and_then(|id| {
                inputs
                    .classes
                    .iter()
                    .find(|x| x.id == id)
                    .map(|x| x.name.clone())
            })
            .unwrap_or_default(),
        Ok(Target::Subject) => c
            .subject_id
            .and_then(|id| subjects.iter().find(|x| x.id == id).map(|x| x.name.clone()))
            .unwrap_or_default(),
        Ok(target) => t.t(format!(
            "timetable-target-{}",
            target.as_str().replace('_', "-")
        )),
        Err(_) => String::new(),
    };
    let slots = parse_slots(&c.slots);
    let when = slots
        .iter()
        .map(|(d, o)| {
            let time = inputs
                .periods
                .iter()
                .find(|p| p.ordinal == *o)
                .map(|p| p.starts_at.clone())
                .unwrap_or_default();
            format!("{} {time}", t.t(format!("timetable-day-{d}")))
        })
        .collect::<Vec<_>>()
        .join(", ");
    t.tj(
        format!("timetable-constraint-{}", c.kind.replace('_', "-")),
        serde_json::json!({ "who": who, "value": c.value, "slots": when }),
    )
}

async fn page(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    Query(q): Query<LevelQuery>,
) -> AppResult<Response> {
    render(&app, &ctx, q.niveau, FormErrors::default()).await
}

/// The grid: `start_N`, `end_N` per period ordinal N (both empty: no such period), and
/// `closed_D_N` for an hour without lessons.
async fn save_grid(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let get = |k: String| {
        f.iter()
            .find(|(x, _)| *x == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = FormErrors::default();
    let mut periods: Vec<(i64, String, String)> = Vec::new();
    for o in 0..16i64 {
        let (a, b) = (get(format!("start_{o}")), get(format!("end_{o}")));
        if a.is_empty() && b.is_empty() {
            continue;
        }
        match (hhmm(&a), hhmm(&b)) {
            (Some(a), Some(b)) if minutes(&b) > minutes(&a) => {
                if periods.last().is_some_and(|p| minutes(&p.2) > minutes(&a)) {
                    errors.add("grid", ctx.t.t1("timetable-error-overlap", "time", &a));
                }
                periods.push((o, a, b));
            }
            _ => errors.add("grid", ctx.t.t1("timetable-error-period", "n", o + 1)),
        }
    }
    if periods.is_empty() {
        errors.add("grid", ctx.t.t("timetable-error-no-period"));
    }
    let closed: Vec<(i64, i64)> = f
        .iter()
        .filter(|(_, v)| v == "1")
        .filter_map(|(k, _)| {
            let rest = k.strip_prefix("closed_")?;
            let (d, o) = rest.split_once('_')?;
            Some((d.parse().ok()?, o.parse().ok()?))
        })
        .filter(|(d, o)| (0..DAYS as i64).contains(d) && periods.iter().any(|p| p.0 == *o))
        .collect();
    if !errors.is_empty() {
        return render(&app, &ctx, None, errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::set_grid(&mut tx, &periods, &closed).await?;
    tx.commit().await?;
    ctx.flash("success", "timetable-saved").await?;
    Ok(redirect(&format!("{PAGE}#grille")))
}

/// "7h", "7:00", "07:00" → "07:00".
fn hhmm(s: &str) -> Option<String> {
    let (h, m) = s.trim().split_once([':', 'h'])?;
    let h: u32 = h.parse().ok()?;
    let m: u32 = if m.is_empty() { 0 } else { m.parse().ok()? };
    (h < 24 && m < 60).then(|| format!("{h:02}:{m:02}"))
}

fn hours_pair(h: &str, d: &str) -> Result<Option<(i64, i64)>, &'static str> {
    if h.trim().is_empty() {
        return Ok(None);
    }
    let hours: i64 = h.trim().parse().map_err(|_| "timetable-error-hours")?;
    let doubles: i64 = if d.trim().is_empty() {
        0
    } else {
        d.trim().parse().map_err(|_| "timetable-error-doubles")?
    };
    if !(0..=30).contains(&hours) {
        return Err("timetable-error-hours");
    }
    if doubles < 0 || doubles * 2 > hours {
        return Err("timetable-error-doubles");
    }
    Ok(Some((hours, doubles)))
}

/// A level's hours: `h_S_J`, `d_S_J`, `k_S_J`, `r_S_J` for série S and subject J.
async fn save_hours(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let get = |k: &str| {
        f.iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.clone())
            .unwrap_or_default()
    };
    let level: i64 = get("level")
        .parse()
        .map_err(|_| crate::error::AppError::NotFound)?;
    let mut errors = FormErrors::default();
    let mut rows = Vec::new();
    for (k, v) in &f {
        let Some(rest) = k.strip_prefix("h_") else {
            continue;
        };
        let Some((s, j)) = rest.split_once('_') else {
            continue;
        };
        let (Ok(series_key), Ok(subject_id)) = (s.parse::<i64>(), j.parse::<i64>()) else {
            continue;
        };
        match hours_pair(v, &get(&format!("d_{rest}"))) {
            Ok(Some((hours, doubles))) => {
                let kind = get(&format!("k_{rest}"));
                rows.push(SubjectHoursRow {
                    level_id: level,
                    series_key,
                    subject_id,
                    hours,
                    doubles,
                    room_kind: ROOM_KINDS.contains(&kind.as_str()).then_some(kind),
                    room_required: get(&format!("r_{rest}")) == "1",
                });
            }
            Ok(None) => {}
            Err(key) => errors.add("hours", ctx.t.t(key)),
        }
    }
    if !errors.is_empty() {
        return render(&app, &ctx, Some(level), errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    for r in &rows {
        repo::upsert_subject_hours(&mut *tx, r).await?;
    }
    tx.commit().await?;
    ctx.flash("success", "timetable-saved").await?;
    Ok(redirect(&format!("{PAGE}?niveau={level}#horaires")))
}

#[derive(Clone, Debug, Deserialize)]
pub struct ClassHoursForm {
    pub class: i64,
    pub subject: i64,
    #[serde(default)]
    pub hours: String,
    #[serde(default)]
    pub doubles: String,
}

/// A class's own hours for a subject (empty: back to its level's).
async fn save_class_hours(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<ClassHoursForm>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    crate::school::class(&app.db, f.class)
        .await?
        .ok_or(crate::error::AppError::NotFound)?;
    if !crate::school::subjects(&app.db)
        .await?
        .iter()
        .any(|x| x.id == f.subject)
    {
        return Err(crate::error::AppError::NotFound);
    }
    match hours_pair(&f.hours, &f.doubles) {
        Ok(hours) => {
            let mut tx = crate::db::begin_write(&app.db).await?;
            repo::set_class_hours(&mut *tx, f.class, f.subject, hours).await?;
            tx.commit().await?;
            ctx.flash("success", "timetable-saved").await?;
            Ok(redirect(&format!("{PAGE}#classe")))
        }
        Err(key) => {
            let mut errors = FormErrors::default();
            errors.add("class_hours", ctx.t.t(key));
            render(&app, &ctx, None, errors).await
        }
    }
}

/// A new constraint: its kind, whom it binds, a number, the hours it names (`slot_D_N`),
/// and a weight (empty: required).
async fn add_constraint(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    axum::Form(f): axum::Form<Vec<(String, String)>>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let get = |k: &str| {
        f.iter()
            .find(|(x, _)| x == k)
            .map(|(_, v)| v.trim().to_string())
            .unwrap_or_default()
    };
    let mut errors = FormErrors::default();
    let kind = get("kind").parse::<ConstraintKind>().ok();
    let target = get("applies_to").parse::<Target>().ok();
    if kind.is_none() || target.is_none() {
        errors.add("constraint", ctx.t.t("error-choose"));
    }
    let id_of = |k: &str| get(k).parse::<i64>().ok();
    let (teacher, class, subject) = match target {
        Some(Target::Teacher) => (id_of("teacher"), None, None),
        Some(Target::Class) => (None, id_of("class"), None),
        Some(Target::Subject) => (None, None, id_of("subject")),
        _ => (None, None, None),
    };
    if matches!(target, Some(Target::Teacher)) && teacher.is_none()
        || matches!(target, Some(Target::Class)) && class.is_none()
        || matches!(target, Some(Target::Subject)) && subject.is_none()
    {
        errors.add("constraint", ctx.t.t("timetable-error-who"));
    }
    // Who the kind may bind: a subject's rules bind subjects (or every class's subjects).
    let per_subject = matches!(kind, Some(ConstraintKind::MinDays | ConstraintKind::NotIn));
    if kind.is_some()
        && target.is_some()
        && per_subject != matches!(target, Some(Target::Subject | Target::AllClasses))
    {
        errors.add("constraint", ctx.t.t("timetable-error-kind-target"));
    }
    if per_subject
        && matches!(kind, Some(ConstraintKind::NotIn))
        && !matches!(target, Some(Target::Subject))
    {
        errors.add("constraint", ctx.t.t("timetable-error-kind-target"));
    }
    // The records named exist (a hand-edited form gets a message, not a database error).
    if let Some(t) = teacher
        && crate::school::user_name(&app.db, t).await?.is_none()
    {
        errors.add("constraint", ctx.t.t("timetable-error-who"));
    }
    if let Some(c) = class
        && crate::school::class(&app.db, c).await?.is_none()
    {
        errors.add("constraint", ctx.t.t("timetable-error-who"));
    }
    if let Some(j) = subject
        && !crate::school::subjects(&app.db)
            .await?
            .iter()
            .any(|x| x.id == j)
    {
        errors.add("constraint", ctx.t.t("timetable-error-who"));
    }
    let value: i64 = match get("value").as_str() {
        "" => 0,
        v => match v.parse() {
            Ok(n) if (0..=100).contains(&n) => n,
            _ => {
                errors.add("constraint", ctx.t.t("timetable-error-value"));
                0
            }
        },
    };
    let weight: Option<i64> = match get("weight").as_str() {
        "" => None,
        v => match v.parse() {
            Ok(n) if (1..=100).contains(&n) => Some(n),
            _ => {
                errors.add("constraint", ctx.t.t("timetable-error-weight"));
                None
            }
        },
    };
    let slots: Vec<String> = f
        .iter()
        .filter(|(_, v)| v == "1")
        .filter_map(|(k, _)| {
            let (d, o) = k.strip_prefix("slot_")?.split_once('_')?;
            let (d, o): (i64, i64) = (d.parse().ok()?, o.parse().ok()?);
            ((0..DAYS as i64).contains(&d) && (0..16).contains(&o)).then(|| format!("{d}.{o}"))
        })
        .collect();
    if matches!(
        kind,
        Some(ConstraintKind::Unavailable | ConstraintKind::NotIn)
    ) && slots.is_empty()
    {
        errors.add("constraint", ctx.t.t("timetable-error-slots"));
    }
    let (Some(kind), Some(target), true) = (kind, target, errors.is_empty()) else {
        return render(&app, &ctx, None, errors).await;
    };
    let c = NewConstraint {
        kind: kind.as_str().into(),
        applies_to: target.as_str().into(),
        teacher_user_id: teacher,
        class_id: class,
        subject_id: subject,
        value,
        slots: slots.join(","),
        weight,
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::insert_constraint(&mut *tx, &c, ctx.now).await?;
    tx.commit().await?;
    ctx.flash("success", "timetable-saved").await?;
    Ok(redirect(&format!("{PAGE}#contraintes")))
}

async fn remove_constraint(
    AxState(app): AxState<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    if repo::delete_constraint(&app.db, id).await? == 0 {
        return Err(crate::error::AppError::NotFound);
    }
    ctx.flash("success", "timetable-constraint-removed").await?;
    Ok(redirect(&format!("{PAGE}#contraintes")))
}
