//! The director's page of the model (its quality with charts, its versions, training on
//! demand, what it may use and who is alerted) and the follow-up of a student at risk.

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::State;
use axum::response::Response;
use axum::routing::{get, post};
use std::collections::HashMap;

use super::train::Summary;
use super::{PredictionSettings, features, repo};
use crate::analytics::charts::{self, ChartView, Unit};
use crate::app::AppState;
use crate::authz::{self, Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::ml::cv::Evaluation;
use crate::web::{Ctx, FormErrors, PathId, html_status, redirect};

/// Routes of success prediction.
pub fn router() -> Router<AppState> {
    Router::new()
        .route(
            "/admin/prediction",
            get(model_page).allow(Rule::AnyOf(authz::SCHOOL_RISKS)),
        )
        .route(
            "/admin/prediction/reglages",
            post(save_settings).allow(Rule::AnyOf(authz::SCHOOL_RISKS)),
        )
        .route(
            "/admin/prediction/entrainer",
            post(train_now).allow(Rule::AnyOf(authz::SCHOOL_RISKS)),
        )
        .route(
            "/analytique/eleves/{id}/suivi",
            post(add_intervention).allow(Rule::AnyOf(authz::STAFF)),
        )
}

/// A model as the page shows it.
struct ModelView {
    row: repo::ModelRow,
    summary: Summary,
}

#[derive(Template)]
#[template(path = "prediction/model.html")]
struct ModelPage<'a> {
    ctx: &'a Ctx,
    current: Option<ModelView>,
    versions: Vec<repo::ModelRow>,
    settings: PredictionSettings,
    charts: Vec<ChartView>,
    /// Rows the history holds now, and imported ones.
    history_rows: i64,
    imported: i64,
    errors: FormErrors,
}

impl ModelPage<'_> {
    fn pct(&self, v: &f64) -> String {
        self.ctx.t.percent_hundredths((v * 10_000.0).round() as i64)
    }

    fn auc(&self, v: &f64) -> String {
        decimals3(&self.ctx.t, *v)
    }

    fn model_name(&self, code: &str) -> String {
        self.ctx.t.t(format!("ml-model-{code}"))
    }

    fn feature_name(&self, code: &str) -> String {
        self.ctx.t.t(super::feature_key(code))
    }

    fn kb(&self, bytes: &i64) -> String {
        self.ctx.t.int((bytes + 1023) / 1024)
    }

    fn all(&self, s: &Summary) -> Vec<Evaluation> {
        s.evaluations
            .iter()
            .chain(s.baseline.iter())
            .chain(s.handmade.iter())
            .cloned()
            .collect()
    }

    fn label_code(&self, l: &features::Label) -> &'static str {
        match l {
            features::Label::Decision => "ml-label-decision",
            features::Label::Average => "ml-label-average",
        }
    }

    fn sensitive_on(&self, name: &str) -> bool {
        self.settings.sensitive.names().contains(&name)
    }
}

/// A measure between 0 and 1 with three decimals, in the reader's way ("0,932").
fn decimals3(t: &crate::i18n::Tr, v: f64) -> String {
    let s = format!("{v:.3}");
    if t.locale.code() == "fr" {
        s.replace('.', ",")
    } else {
        s
    }
}

/// The metrics of every model side by side, and the chosen one's reliability.
fn charts_of(t: &crate::i18n::Tr, s: &Summary) -> Vec<ChartView> {
    let all: Vec<&Evaluation> = s
        .evaluations
        .iter()
        .chain(s.baseline.iter())
        .chain(s.handmade.iter())
        .collect();
    let names: Vec<String> = all
        .iter()
        .map(|e| t.t(format!("ml-model-{}", e.model)))
        .collect();
    let pct = |v: f64| Some((v * 1000.0).round() / 10.0);
    let series = vec![
        (
            t.t("ml-accuracy"),
            all.iter().map(|e| pct(e.accuracy)).collect(),
        ),
        (
            t.t("ml-balanced-accuracy"),
            all.iter().map(|e| pct(e.balanced_accuracy)).collect(),
        ),
        (
            t.t("ml-auc-percent"),
            all.iter().map(|e| pct(e.auc)).collect(),
        ),
    ];
    let metrics = ChartView {
        id: "model-metrics".into(),
        title: t.t("ml-chart-metrics"),
        option: charts::bars(Unit::Percent, &names, &series, false, Some(100.0)),
        head: vec![
            t.t("ml-model"),
            t.t("ml-accuracy"),
            t.t("ml-balanced-accuracy"),
            t.t("ml-auc"),
        ],
        rows: all
            .iter()
            .zip(&names)
            .map(|(e, n)| {
                vec![
                    n.clone(),
                    t.percent_hundredths((e.accuracy * 10_000.0).round() as i64),
                    t.percent_hundredths((e.balanced_accuracy * 10_000.0).round() as i64),
                    decimals3(t, e.auc),
                ]
            })
            .collect(),
        unit: Unit::Percent,
    };
    let mut out = vec![metrics];
    if let Some(chosen) = s.evaluations.first() {
        let bins = if s.calibrated.is_empty() {
            &chosen.reliability
        } else {
            &s.calibrated
        };
        let cats: Vec<String> = bins
            .iter()
            .map(|b| {
                format!(
                    "{}–{} %",
                    (b.lower * 100.0).round(),
                    (b.upper * 100.0).round()
                )
            })
            .collect();
        out.push(ChartView {
            id: "model-reliability".into(),
            title: t.t("ml-chart-reliability"),
            option: charts::lines(
                Unit::Percent,
                &cats,
                &[
                    (
                        t.t("ml-predicted"),
                        bins.iter().map(|b| pct(b.predicted)).collect(),
                    ),
                    (
                        t.t("ml-observed"),
                        bins.iter().map(|b| pct(b.observed)).collect(),
                    ),
                ],
                Some(0.0),
                Some(100.0),
            ),
            head: vec![
                t.t("ml-bin"),
                t.t("ml-predicted"),
                t.t("ml-observed"),
                t.t("ml-rows"),
            ],
            rows: bins
                .iter()
                .zip(&cats)
                .map(|(b, c)| {
                    vec![
                        c.clone(),
                        t.percent_hundredths((b.predicted * 10_000.0).round() as i64),
                        t.percent_hundredths((b.observed * 10_000.0).round() as i64),
                        t.int(b.count as i64),
                    ]
                })
                .collect(),
            unit: Unit::Percent,
        });
    }
    out
}

async fn model_view(app: &AppState, ctx: &Ctx, errors: FormErrors) -> AppResult<Response> {
    let settings = super::settings(&app.db).await?;
    let current = match repo::current_model(&app.db).await? {
        Some(row) => {
            let summary: Summary = serde_json::from_str(&row.summary).unwrap_or_default();
            Some(ModelView { row, summary })
        }
        None => None,
    };
    let charts = current
        .as_ref()
        .map(|m| charts_of(&ctx.t, &m.summary))
        .unwrap_or_default();
    let history_rows = repo::history_size(&app.db).await?;
    let status = errors.status();
    html_status(
        status,
        &ModelPage {
            ctx,
            current,
            versions: repo::models(&app.db, 10).await?,
            settings,
            charts,
            history_rows,
            imported: repo::history_count(&app.db).await?,
            errors,
        },
    )
}

async fn model_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    ctx.user()?;
    model_view(&app, &ctx, FormErrors::default()).await
}

async fn save_settings(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = ctx.user()?;
    let f: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let on = |k: &str| f.get(k).is_some_and(|v| v == "1");
    let int = |k: &str| f.get(k).and_then(|v| v.trim().parse::<i64>().ok());
    let s = PredictionSettings {
        label: match f.get("label").map(String::as_str) {
            Some("average") => features::Label::Average,
            _ => features::Label::Decision,
        },
        sensitive: features::Sensitive {
            sex: on("sex"),
            family: on("guardians"),
            fees: on("fees_paid"),
        },
        alert_at: int("alert_at").unwrap_or(-1),
        parents_see: on("parents_see"),
        parents_alerted: on("parents_alerted"),
        retrain_days: int("retrain_days").unwrap_or(-1),
    };
    let mut errors = FormErrors::default();
    for (field, key) in s.validate() {
        errors.add(field, ctx.t.t(key));
    }
    if !errors.is_empty() {
        return model_view(&app, &ctx, errors).await;
    }
    let before = super::settings(&app.db).await?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::settings::store(&mut *tx, super::SETTINGS, &s).await?;
    // What the model may use, or what it predicts, changed: the model in use goes (the
    // hand-made index stands in) and a new one is trained with the school's new choice.
    let retrain = before.sensitive != s.sensitive || before.label != s.label;
    if retrain && repo::current_model(&app.db).await?.is_some() {
        repo::retire_current(&mut *tx).await?;
        if crate::jobs::repo::pending_of_kind(&app.db, super::train::KIND).await? == 0 {
            crate::jobs::enqueue(&mut *tx, &super::train::TrainModel {}, Some(u.id), ctx.now)
                .await?;
        }
    }
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "settings",
        super::SETTINGS,
        "update",
        None,
        Some(&serde_json::to_string(&s).unwrap_or_default()),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "ml-settings-saved").await?;
    Ok(redirect("/admin/prediction"))
}

/// The least history worth training on.
pub const MIN_ROWS: usize = 40;

async fn train_now(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = ctx.user()?;
    if (repo::history_size(&app.db).await? as usize) < MIN_ROWS {
        let mut errors = FormErrors::default();
        errors.add(
            "train",
            ctx.t
                .tn("ml-error-too-little-history", "rows", MIN_ROWS as i64),
        );
        return model_view(&app, &ctx, errors).await;
    }
    if crate::jobs::repo::pending_of_kind(&app.db, super::train::KIND).await? > 0 {
        ctx.flash("success", "ml-training-pending").await?;
        return Ok(redirect("/admin/prediction"));
    }
    let job =
        crate::jobs::enqueue(&app.db, &super::train::TrainModel {}, Some(u.id), ctx.now).await?;
    Ok(redirect(&format!("/taches/{job}")))
}

/// Enqueues a training when the current model is older than the school's schedule (and
/// none is waiting): what the server checks every hour. Whether one was queued.
pub async fn train_if_due(app: &AppState) -> anyhow::Result<bool> {
    let s = super::settings(&app.db).await?;
    if s.retrain_days == 0 {
        return Ok(false);
    }
    let now = app.clock.now();
    let due = match repo::current_model(&app.db).await? {
        Some(m) => now - m.trained_at >= chrono::Duration::days(s.retrain_days),
        // A school with history but no model yet gets one.
        None => repo::history_size(&app.db).await? as usize >= MIN_ROWS,
    };
    if !due || crate::jobs::repo::pending_of_kind(&app.db, super::train::KIND).await? > 0 {
        return Ok(false);
    }
    crate::jobs::enqueue(&app.db, &super::train::TrainModel {}, None, now).await?;
    Ok(true)
}

// ---------------------------------------------------------------- follow-up

/// What may be done for a student at risk.
pub const ACTIONS: [&str; 6] = [
    "entretien_eleve",
    "rencontre_parents",
    "tutorat",
    "soutien",
    "orientation",
    "autre",
];

async fn add_intervention(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    let u = ctx.user()?;
    let student = crate::school::student(&app.db, id)
        .await?
        .ok_or(AppError::NotFound)?;
    let class = student.class_id.ok_or(AppError::NotFound)?;
    authz::require(authz::can_see_roster(&app.db, u, class).await?)?;
    let f: HashMap<String, String> = form_urlencoded::parse(&body).into_owned().collect();
    let action = f.get("action").map(|s| s.trim()).unwrap_or_default();
    let note: String = f
        .get("note")
        .map(|s| s.trim())
        .unwrap_or_default()
        .chars()
        .take(2000)
        .collect();
    let done_on = f
        .get("done_on")
        .and_then(|d| chrono::NaiveDate::parse_from_str(d.trim(), "%Y-%m-%d").ok());
    let Some(done_on) = done_on.filter(|d| *d <= ctx.today()) else {
        return Err(AppError::BadRequest("ml-error-date"));
    };
    if !ACTIONS.contains(&action) {
        return Err(AppError::BadRequest("ml-error-action"));
    }
    let Some(year) = crate::school::current_year(&app.db).await? else {
        return Err(AppError::NotFound);
    };
    let probability = repo::class_predictions(&app.db, year.id, class)
        .await?
        .into_iter()
        .find(|p| p.student_id == id)
        .map(|p| p.probability);
    let mut tx = crate::db::begin_write(&app.db).await?;
    repo::insert_intervention(
        &mut *tx,
        id,
        year.id,
        u.id,
        done_on,
        action,
        &note,
        probability,
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "ml-intervention-saved").await?;
    Ok(redirect(&format!("/analytique/eleves/{id}#suivi")))
}
