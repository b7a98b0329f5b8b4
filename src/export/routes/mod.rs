//! The administration's export pages: the exports page (files being made and made), the
//! template editor with its live preview, and the official documents' settings (header block
//! and the school's own Typst layouts, with a preview).

use askama::Template;
use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use serde::Deserialize;
use serde_json::{Value, json};

use super::custom::{self, ColumnChoice, Definition, Saved};
use super::datasets::{self, Dataset, Filter};
use super::{ExportQuery, Format, Orientation};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::jobs::{Job, JobCtx, JobState, JobView};
use crate::settings::DocumentSettings;
use crate::web::{Ctx, FormErrors, PathId, field, form, html, html_status, redirect};

// The editor and the documents' page have their files; what they share (reading a posted
// definition, who may read a data set) stays here.
mod documents;
mod editor;

use documents::*;
pub use editor::*;

/// Routes of the export pages.
pub fn router() -> Router<AppState> {
    // The administration exports what each role may read (each data set says); the school's
    // documents are the records managers'.
    let (admin, records) = (Rule::ADMIN, Rule::RECORDS);
    Router::new()
        .route("/admin/exports", get(exports_page).allow(admin))
        .route(
            "/admin/exports/modeles/nouveau",
            get(new_template).post(create_template).allow(admin),
        )
        .route(
            "/admin/exports/modeles/{id}",
            get(edit_template).post(update_template).allow(admin),
        )
        .route("/admin/exports/apercu", post(preview).allow(admin))
        .route(
            "/admin/exports/modeles/{id}/fichier",
            get(download).allow(admin),
        )
        .route(
            "/admin/exports/modeles/{id}/lancement",
            post(launch).allow(admin),
        )
        .route(
            "/admin/exports/modeles/{id}/suppression",
            post(remove).allow(admin),
        )
        .route(
            "/admin/documents",
            get(documents_page).post(save_documents).allow(records),
        )
        .route(
            "/admin/documents/apercu",
            post(preview_document).allow(records),
        )
}

/// The definition the editor's form describes.
pub(super) fn parse_definition(f: &[(String, String)]) -> Definition {
    let dataset = field(f, "dataset").to_owned();
    let ds = datasets::find(&dataset);
    let mut columns: Vec<(i64, usize, ColumnChoice)> = ds
        .map(|ds| ds.columns)
        .unwrap_or_default()
        .iter()
        .enumerate()
        .filter(|(_, c)| field(f, &format!("use_{}", c.key)) == "1")
        .map(|(i, c)| {
            let pos = field(f, &format!("pos_{}", c.key))
                .trim()
                .parse::<i64>()
                .unwrap_or(i as i64 + 1);
            (
                pos,
                i,
                ColumnChoice {
                    key: c.key.into(),
                    label: field(f, &format!("label_{}", c.key)).trim().to_owned(),
                    format: field(f, &format!("format_{}", c.key)).to_owned(),
                },
            )
        })
        .collect();
    columns.sort_by_key(|(pos, i, _)| (*pos, *i));
    let id = |name: &str| field(f, name).trim().parse::<i64>().ok();
    let day = |name: &str| crate::domain::parse_date(field(f, name)).ok();
    Definition {
        dataset,
        columns: columns.into_iter().map(|(_, _, c)| c).collect(),
        filters: datasets::Filters {
            class_id: id("class_id"),
            level_id: id("level_id"),
            period_id: id("period_id"),
            from: day("from"),
            to: day("to"),
        },
        group_by: field(f, "group_by").to_owned(),
        sort_by: field(f, "sort_by").to_owned(),
        descending: field(f, "descending") == "1",
        title: field(f, "title").trim().to_owned(),
        header: field(f, "header").trim().to_owned(),
        footer: field(f, "footer").trim().to_owned(),
        orientation: if field(f, "orientation") == "landscape" {
            Orientation::Landscape
        } else {
            Orientation::Portrait
        },
        logo: field(f, "logo") == "1",
    }
}

pub(super) fn admin(ctx: &Ctx) -> AppResult<&CurrentUser> {
    ctx.require(Portal::Admin)
}

/// The data set of a definition, if this user may read it.
pub(super) fn readable(u: &CurrentUser, def: &Definition) -> AppResult<&'static Dataset> {
    let ds = def.dataset().ok_or(AppError::NotFound)?;
    authz::require(ds.readable_by(u))?;
    Ok(ds)
}

// ---------------------------------------------------------------- exports page

#[derive(Template)]
#[template(path = "export/exports.html")]
struct ExportsPage<'a> {
    ctx: &'a Ctx,
    jobs: Vec<(JobView, Option<chrono::DateTime<chrono::Utc>>)>,
    templates: Vec<Saved>,
    datasets: Vec<&'static Dataset>,
    can_edit_documents: bool,
}

impl ExportsPage<'_> {
    /// Some export is still being made: the list refreshes itself.
    fn any_active(&self) -> bool {
        self.jobs.iter().any(|(j, _)| j.active())
    }
}

async fn exports_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    let u = admin(&ctx)?;
    let jobs = crate::jobs::repo::of_user(&app.db, u.id, "export.", 30).await?;
    let expiry =
        |j: &JobView| (j.state == JobState::Done).then(|| j.created_at + super::batch::RETENTION);
    let datasets: Vec<&'static Dataset> =
        datasets::ALL.iter().filter(|d| d.readable_by(u)).collect();
    let templates = custom::list(&app.db)
        .await?
        .into_iter()
        .filter(|t| datasets.iter().any(|d| d.key == t.dataset))
        .collect();
    html(&ExportsPage {
        ctx: &ctx,
        jobs: jobs
            .into_iter()
            .map(|j| {
                let e = expiry(&j);
                (j, e)
            })
            .collect(),
        templates,
        datasets,
        can_edit_documents: authz::can_manage_records(u),
    })
}
