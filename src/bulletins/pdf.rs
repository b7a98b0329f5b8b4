//! Bulletins as PDF: the sheets of `sheet.rs`, written with the texts the screen uses, and
//! given to the bulletin template (Suku's, or the school's own). One student, one class in
//! one file, or the whole school as a ZIP of per-class files (a background job).

use axum::extract::{Query, State};
use axum::response::Response;
use serde_json::{Value, json};

use super::sheet::{ClassSheets, Sheet};
use crate::app::AppState;
use crate::auth::Portal;
use crate::error::{AppError, AppResult};
use crate::export::{self, pdf::Asset};
use crate::i18n::Tr;
use crate::jobs::{Job, JobCtx, Payload};
use crate::web::{Ctx, PathId, PathIds};

/// The kind of the whole-school job.
pub const KIND: &str = BulletinsOf::KIND;

/// Every bulletin of the school for a period, in the language of who asked.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct BulletinsOf {
    pub period_id: i64,
    /// The language of the bulletins' words.
    #[serde(default)]
    pub lang: crate::i18n::Locale,
}

impl Payload for BulletinsOf {
    const KIND: &'static str = "export.bulletins";
}

/// The data of the bulletin template for these sheets. The template documents it.
pub fn data(t: &Tr, letterhead: &crate::export::Letterhead, cs: &ClassSheets) -> Value {
    let labels: serde_json::Map<String, Value> = [
        ("title", "bulletin-title"),
        ("name", "name"),
        ("matricule", "matricule"),
        ("born", "birth-date"),
        ("class", "class"),
        ("head_teacher", "head-teacher"),
        ("subject", "subject"),
        ("coefficient", "coefficient-short"),
        ("average", "average"),
        ("weighted", "weighted"),
        ("rank", "rank"),
        ("min", "class-min"),
        ("mean", "class-mean"),
        ("max", "class-max"),
        ("appreciation", "appreciation"),
        ("totals", "totals"),
        ("general", "general-average"),
        ("rank_in_class", "rank-in-class"),
        ("class_general", "class-general"),
        ("absences", "absences"),
        ("conduct", "conduct"),
        ("annual", "annual-average"),
        ("head_note", "head-note"),
        ("council_note", "council-note"),
        ("decision", "decision"),
        ("sign_head_teacher", "signature-head-teacher"),
        ("sign_director", "signature-director"),
        ("sign_parent", "signature-parent"),
        ("draft", "bulletin-not-published"),
        ("colon", "colon"),
    ]
    .into_iter()
    .map(|(k, key)| (k.to_owned(), Value::String(t.t(key))))
    .collect();
    json!({
        "lang": t.locale.code(),
        "labels": labels,
        "letterhead": letterhead,
        "year": t.t1("school-year", "year", &cs.year),
        "period": t.tn(cs.period.label_key(), "n", cs.period.ordinal),
        "published": cs.period.published,
        "students": cs.sheets.iter().map(|s| student_data(t, cs, s)).collect::<Vec<_>>(),
    })
}

fn student_data(t: &Tr, cs: &ClassSheets, s: &Sheet) -> Value {
    let b = &s.bulletin;
    let mut lines = Vec::new();
    for (i, ((line, st), app)) in b
        .lines
        .iter()
        .zip(&cs.stats)
        .zip(&s.appreciations)
        .enumerate()
    {
        lines.push(json!({
            "subtotal": false,
            "subject": line.subject.name,
            "coefficient": line.subject.coefficient.to_string(),
            "average": t.hundredths(line.average),
            "weighted": t.hundredths(line.weighted),
            "rank": t.rank(line.rank),
            "min": t.hundredths(st.min),
            "mean": t.hundredths(st.mean),
            "max": t.hundredths(st.max),
            "appreciation": app,
        }));
        if s.groups.len() > 1 {
            for (end, g) in &s.groups {
                if *end == i {
                    lines.push(json!({
                        "subtotal": true,
                        "subject": t.t1("group-subtotal", "group", t.t(g.key())),
                        "coefficient": g.coefficients.to_string(),
                        "average": t.hundredths(g.average),
                        "weighted": t.hundredths(Some(g.weighted)),
                    }));
                }
            }
        }
    }
    let a = &s.absences;
    let annual = cs.year_periods.as_ref().zip(s.annual.as_ref()).map(|(ps, y)| {
        json!({
            "periods": ps.iter().zip(&y.periods).map(|(p, v)| format!("{}{}{}", t.tn(p.label_key(), "n", p.ordinal), t.t("colon"), t.hundredths(*v))).collect::<Vec<_>>().join(" · "),
            "average": t.hundredths(y.annual),
            "rank": y.rank.map(|r| t.rank(Some(r))),
        })
    });
    let record = s.record.as_ref();
    json!({
        "id": s.student.id,
        "name": s.student.list_name(),
        "matricule": s.student.matricule,
        "born": s.student.birth_date.as_ref().map(|d| t.date(d)),
        "class": cs.class.name,
        "class_size": t.tn("students-count", "count", cs.class.student_count),
        "head_teacher": cs.class.head_teacher.clone().unwrap_or_else(|| "—".into()),
        "lines": lines,
        "coefficient_total": b.coefficient_total.to_string(),
        "weighted_total": t.hundredths(b.weighted_sum()),
        "general": t.hundredths(b.general),
        "rank": match b.rank {
            Some(r) => format!("{} / {}", t.rank(Some(r)), cs.ranked),
            None => t.rank(None),
        },
        "class_general": format!("{} · {} · {}", t.hundredths(cs.general_stats.min), t.hundredths(cs.general_stats.mean), t.hundredths(cs.general_stats.max)),
        "absences": format!("{} · {} · {}", t.tn("hours-unjustified", "hours", a.unjustified_hours()), t.tn("hours-justified", "hours", a.justified_hours()), t.tn("lates-count", "count", a.lates)),
        "mention": b.mention.map(|m| t.t(m.key())),
        "conduct": record.and_then(|r| r.conduct).map(|c| format!("{} / 20", t.hundredths(Some(c)))),
        "annual": annual,
        "head_note": record.and_then(|r| r.head_note.clone()),
        "council_note": record.and_then(|r| r.council_note.clone()),
        "decision": record.and_then(|r| r.decision_key()).map(|k| t.t(k)),
    })
}

/// Renders bulletins with the school's layout (or Suku's). The error is the template's,
/// for the administration to read.
pub async fn render(
    app: &AppState,
    t: &Tr,
    cs: &ClassSheets,
) -> AppResult<Result<Vec<u8>, export::pdf::TemplateError>> {
    let school = app.settings.school(&app.db).await?;
    let docs = crate::settings::documents(&app.db).await?;
    let logo = export::logo(&school).await;
    let letterhead = export::letterhead(t, &school, &docs, logo.is_some());
    let source = docs
        .bulletin_source
        .unwrap_or_else(|| export::templates::BULLETIN.to_owned());
    let assets = logo
        .into_iter()
        .map(|bytes| Asset {
            path: "/logo".into(),
            bytes,
        })
        .collect();
    export::render_pdf(source, data(t, &letterhead, cs), assets).await
}

fn pdf_response(
    ctx: &Ctx,
    bytes: Result<Vec<u8>, export::pdf::TemplateError>,
    name: &str,
) -> AppResult<Response> {
    match bytes {
        Ok(b) => Ok(export::download(b, "application/pdf", name, true)),
        Err(e) => export::broken_template(ctx, &e),
    }
}

/// One student's bulletin as a PDF, for whoever may see it on screen.
pub async fn student(
    State(app): State<AppState>,
    ctx: Ctx,
    PathIds(student_id, period_id): PathIds,
) -> AppResult<Response> {
    let (class_id, _) = super::routes::may_see(&app, &ctx, student_id, period_id).await?;
    let cs = super::sheet::class_sheets(&app.db, class_id, period_id, Some(student_id))
        .await?
        .ok_or(AppError::NotFound)?;
    let name = cs
        .sheets
        .first()
        .map(|s| format!("{} {}", s.student.list_name(), cs.period.ordinal))
        .unwrap_or_default();
    let bytes = render(&app, &ctx.t, &cs).await?;
    pdf_response(
        &ctx,
        bytes,
        &export::file_name(&format!("bulletin {name}"), "pdf"),
    )
}

#[derive(serde::Deserialize)]
pub struct PeriodQuery {
    #[serde(default)]
    periode: String,
}

/// Every bulletin of a class in one PDF, for the administration.
pub async fn class(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(class_id): PathId,
    Query(q): Query<PeriodQuery>,
) -> AppResult<Response> {
    ctx.require(Portal::Admin)?;
    let period_id = q.periode.parse::<i64>().map_err(|_| AppError::NotFound)?;
    let cs = super::sheet::class_sheets(&app.db, class_id, period_id, None)
        .await?
        .ok_or(AppError::NotFound)?;
    let name = format!("bulletins {} {}", cs.class.name, cs.period.ordinal);
    let bytes = render(&app, &ctx.t, &cs).await?;
    pdf_response(&ctx, bytes, &export::file_name(&name, "pdf"))
}

/// The administration starts the whole school's bulletins for a period.
pub async fn start_school(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(period_id): PathId,
) -> AppResult<Response> {
    let u = ctx.require(Portal::Admin)?;
    super::repo::period_state(&app.db, period_id)
        .await?
        .ok_or(AppError::NotFound)?;
    let id = crate::jobs::enqueue(
        &app.db,
        &BulletinsOf {
            period_id,
            lang: ctx.t.locale,
        },
        Some(u.id),
        ctx.now,
    )
    .await?;
    Ok(crate::web::redirect(&format!("/taches/{id}")))
}

/// Every bulletin of the school for a period: a ZIP with one PDF per class. Each class is
/// rendered, written to the archive on disk and dropped before the next: the whole school
/// is never held in memory.
pub struct SchoolBulletins;

#[async_trait::async_trait]
impl Job for SchoolBulletins {
    type Payload = BulletinsOf;

    async fn run(&self, ctx: &JobCtx, payload: BulletinsOf) -> anyhow::Result<Value> {
        let period_id = payload.period_id;
        let t = crate::i18n::Tr::new(ctx.app.i18n.clone(), payload.lang);
        let db = &ctx.app.db;
        let year = crate::school::current_year(db)
            .await?
            .ok_or_else(|| anyhow::anyhow!("no year"))?;
        let classes = crate::school::classes(db, year.id).await?;
        let total = classes.len() as i64;
        let mut zip = export::batch::ZipFile::create(&ctx.app, ctx.id).await?;
        let mut period_label = String::new();
        for (i, c) in classes.iter().enumerate() {
            ctx.progress(i as i64, total, "job-msg-class", json!({ "class": c.name }))
                .await?;
            let Some(cs) = super::sheet::class_sheets(db, c.id, period_id, None).await? else {
                anyhow::bail!("period {period_id} not found");
            };
            period_label = t.tn(cs.period.label_key(), "n", cs.period.ordinal);
            let pdf = render(&ctx.app, &t, &cs)
                .await
                .map_err(|e| anyhow::anyhow!("{e}"))?
                .map_err(|e| anyhow::anyhow!("template: {e}"))?;
            zip = zip.add(export::file_name(&c.name, "pdf"), pdf).await?;
        }
        ctx.progress(
            total,
            total,
            "job-msg-done-bulletins",
            json!({ "count": total }),
        )
        .await?;
        let name = export::file_name(&format!("bulletins {period_label}"), "zip");
        export::batch::finish(ctx, zip, &name, "application/zip").await
    }
}
