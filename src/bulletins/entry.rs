//! The marks entry's follow-up before the council ("taux de saisie"): for each class and
//! subject of a period, the evaluations fully marked, the composition, the appreciations
//! written, as bars; and a reminder to the teacher of a subject still owed.

use askama::Template;
use axum::Form;
use axum::extract::{Query, State};
use axum::response::Response;
use serde::Deserialize;

use super::readiness::{self, Readiness};
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::grades::repo::PeriodRow;
use crate::web::{Ctx, html, redirect};

#[derive(Deserialize, Default)]
pub(super) struct EntryQuery {
    #[serde(default)]
    periode: String,
}

#[derive(Template)]
#[template(path = "bulletins/entry.html")]
struct EntryPage<'a> {
    ctx: &'a Ctx,
    periods: Vec<PeriodRow>,
    period: PeriodRow,
    readiness: Readiness,
}

pub(super) async fn page(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<EntryQuery>,
) -> AppResult<Response> {
    let periods = app.settings.periods(&app.db).await?;
    let period = q
        .periode
        .parse::<i64>()
        .ok()
        .and_then(|id| periods.iter().find(|p| p.id == id))
        .or_else(|| crate::grades::repo::default_period(&periods, ctx.today()))
        .or(periods.first())
        .cloned()
        .ok_or(AppError::NotFound)?;
    let readiness = readiness::for_period(&app.db, period.id).await?;
    html(&EntryPage {
        ctx: &ctx,
        periods,
        period,
        readiness,
    })
}

#[derive(Deserialize)]
pub(super) struct RemindForm {
    #[serde(default)]
    periode: String,
    #[serde(default)]
    class: String,
    #[serde(default)]
    subject: String,
}

/// Tells the teacher of a class's subject, in the app, that their marks or appreciations
/// are awaited before the council.
pub(super) async fn remind(
    State(app): State<AppState>,
    ctx: Ctx,
    Form(f): Form<RemindForm>,
) -> AppResult<Response> {
    let (Ok(class), Ok(subject)) = (f.class.parse::<i64>(), f.subject.parse::<i64>()) else {
        return Err(AppError::NotFound);
    };
    let c = crate::school::class(&app.db, class)
        .await?
        .ok_or(AppError::NotFound)?;
    let teachers: Vec<_> = crate::school::class_teachers(&app.db, class)
        .await?
        .into_iter()
        .filter(|t| t.subject_id == subject)
        .collect();
    let Some(first) = teachers.first() else {
        return Err(AppError::NotFound);
    };
    let mut tx = crate::db::begin_write(&app.db).await?;
    for t in &teachers {
        crate::notifications::tell(
            &mut tx,
            &crate::notifications::Note {
                user_id: t.teacher_user_id,
                kind: "system",
                key: "notif-marks-awaited",
                args: serde_json::json!({ "class": c.name, "subject": t.subject }),
                link: format!("/enseignant/classes/{class}/matieres/{subject}"),
            },
            ctx.now,
        )
        .await?;
    }
    tx.commit().await?;
    ctx.flash_text(
        "success",
        ctx.t.t1("entry-reminded", "teacher", &first.teacher),
    )
    .await?;
    let q = form_urlencoded::Serializer::new(String::new())
        .append_pair("periode", &f.periode)
        .finish();
    Ok(redirect(&format!("/admin/saisie?{q}#classe-{class}")))
}
