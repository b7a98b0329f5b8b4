//! The results of the whole school for a period: every class's bulletins computed on the
//! job runner (with progress), summed up per class for the director.

use askama::Template;
use axum::extract::State;
use axum::response::Response;
use serde::{Deserialize, Serialize};
use serde_json::{Value, json};

use crate::app::AppState;
use crate::auth::Portal;
use crate::error::{AppError, AppResult};
use crate::grades::calc::Mention;
use crate::jobs::{Job, JobCtx, Payload};
use crate::web::{Ctx, PathId, html, redirect};

/// The job kind.
pub const KIND: &str = ResultsOf::KIND;

/// The school's results for a period, computed in the background.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct ResultsOf {
    pub period_id: i64,
}

impl Payload for ResultsOf {
    const KIND: &'static str = "bulletins.school";
}

/// One class's results for the period.
#[derive(Clone, Debug, Default, Serialize, Deserialize)]
pub struct ClassSummary {
    pub id: i64,
    pub name: String,
    /// Students on the roll.
    pub students: i64,
    /// Students with a moyenne générale.
    pub ranked: i64,
    /// Class mean, hundredths.
    pub mean: Option<i64>,
    /// Lowest, hundredths.
    pub min: Option<i64>,
    /// Highest, hundredths.
    pub max: Option<i64>,
    /// Students at 10 or more.
    pub passed: i64,
    /// On the tableau d'honneur (with encouragements and félicitations).
    pub honours: i64,
    /// With an avertissement or a blâme.
    pub warnings: i64,
}

impl ClassSummary {
    /// Share of ranked students at 10 or more, in percent.
    pub fn pass_rate(&self) -> i64 {
        if self.ranked == 0 {
            0
        } else {
            self.passed * 100 / self.ranked
        }
    }

    /// The mean as a bar width (0–100 % of 20).
    pub fn bar(&self) -> i64 {
        self.mean.map(|m| (m / 20).clamp(0, 100)).unwrap_or(0)
    }
}

/// Computes every bulletin of the school for a period.
pub struct SchoolResults;

#[async_trait::async_trait]
impl Job for SchoolResults {
    type Payload = ResultsOf;

    async fn run(&self, ctx: &JobCtx, payload: ResultsOf) -> anyhow::Result<Value> {
        let period = payload.period_id;
        let db = &ctx.app.db;
        let year = crate::school::current_year(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no year"))?;
        let classes = crate::school::classes(db, year.id).await?;
        let total = classes.len() as i64;
        let mut out = Vec::new();
        for (i, c) in classes.iter().enumerate() {
            ctx.progress(i as i64, total, "job-msg-class", json!({ "class": c.name }))
                .await?;
            let roster: Vec<i64> = crate::school::roster(db, c.id)
                .await?
                .iter()
                .map(|s| s.id)
                .collect();
            let (_, computed) = super::for_class(db, c.id, period, &roster).await?;
            let b = &computed.bulletins;
            out.push(ClassSummary {
                id: c.id,
                name: c.name.clone(),
                students: roster.len() as i64,
                ranked: computed.ranked as i64,
                mean: computed.general_stats.mean,
                min: computed.general_stats.min,
                max: computed.general_stats.max,
                passed: b
                    .iter()
                    .filter(|x| x.general.is_some_and(|g| g >= 1000))
                    .count() as i64,
                honours: b
                    .iter()
                    .filter(|x| {
                        matches!(
                            x.mention,
                            Some(
                                Mention::HonourRoll
                                    | Mention::Encouragement
                                    | Mention::Congratulations
                            )
                        )
                    })
                    .count() as i64,
                warnings: b
                    .iter()
                    .filter(|x| matches!(x.mention, Some(Mention::Warning | Mention::Reprimand)))
                    .count() as i64,
            });
        }
        ctx.progress(
            total,
            total,
            "job-msg-done-classes",
            json!({ "count": total }),
        )
        .await?;
        Ok(json!({
            "href": format!("/admin/resultats/{}", ctx.id),
            "label": "school-results-see",
            "period_id": period,
            "classes": out,
        }))
    }
}

/// The latest finished computation of each period: period id → job id.
pub async fn latest(
    db: &crate::db::Pool,
) -> Result<std::collections::HashMap<i64, i64>, sqlx::Error> {
    let rows = crate::jobs::repo::done_payloads(db, KIND).await?;
    Ok(rows
        .into_iter()
        .filter_map(|(id, p)| {
            let v: Value = serde_json::from_str(&p).ok()?;
            Some((v["period_id"].as_i64()?, id))
        })
        .collect())
}

/// The director starts the computation for a period.
pub async fn start(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(period): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    super::repo::period_state(&app.db, period)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = crate::jobs::enqueue(
        &app.db,
        &ResultsOf { period_id: period },
        Some(u.id),
        ctx.now,
    )
    .await?;
    Ok(redirect(&format!("/taches/{id}")))
}

#[derive(Template)]
#[template(path = "bulletins/school.html")]
struct SchoolPage<'a> {
    ctx: &'a Ctx,
    period: crate::grades::repo::PeriodRow,
    classes: Vec<ClassSummary>,
    computed_at: chrono::DateTime<chrono::Utc>,
}

impl SchoolPage<'_> {
    fn total(&self, f: impl Fn(&ClassSummary) -> i64) -> i64 {
        self.classes.iter().map(f).sum()
    }

    fn students(&self) -> i64 {
        self.total(|c| c.ranked)
    }

    fn passed(&self) -> i64 {
        self.total(|c| c.passed)
    }

    fn honours(&self) -> i64 {
        self.total(|c| c.honours)
    }

    fn pass_rate(&self) -> i64 {
        let n = self.students();
        if n == 0 { 0 } else { self.passed() * 100 / n }
    }
}

/// The results a finished job computed.
pub async fn show(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(job_id): PathId,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let job = crate::jobs::get(&app.db, job_id)
        .await?
        .ok_or(AppError::NotFound)?;
    if job.kind != KIND || job.state != crate::jobs::JobState::Done {
        return Err(AppError::NotFound);
    }
    let result: Value =
        serde_json::from_str(job.result.as_deref().unwrap_or("null")).unwrap_or(Value::Null);
    let classes: Vec<ClassSummary> =
        serde_json::from_value(result["classes"].clone()).unwrap_or_default();
    let period_id = result["period_id"].as_i64().unwrap_or_default();
    let period = crate::grades::repo::periods(&app.db)
        .await?
        .into_iter()
        .find(|p| p.id == period_id)
        .ok_or(AppError::NotFound)?;
    html(&SchoolPage {
        ctx: &ctx,
        period,
        classes,
        computed_at: job.created_at,
    })
}
