//! The import pages: upload, preview with every problem in words, confirmation, templates.

use askama::Template;
use axum::Router;
use axum::extract::{DefaultBodyLimit, Multipart, State};
use axum::http::{StatusCode, header};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};

use super::students::{self, COLUMNS, Checked};
use super::{ImportRow, table};
use crate::app::AppState;
use crate::auth::{CurrentUser, Portal};
use crate::authz;
use crate::authz::{Allow, Rule};
use crate::error::{AppError, AppResult};
use crate::web::{Ctx, PathId, html_status, redirect};

/// Routes of imports.
pub fn router() -> Router<AppState> {
    let records = Rule::RECORDS;
    Router::new()
        .route("/admin/import", get(index).allow(records))
        .route(
            "/admin/import/eleves",
            post(upload)
                .layer(DefaultBodyLimit::max(table::MAX_FILE + 64 * 1024))
                .allow(records),
        )
        .route(
            "/admin/import/modele-eleves.csv",
            get(template_csv).allow(records),
        )
        .route(
            "/admin/import/modele-eleves.xlsx",
            get(template_xlsx).allow(records),
        )
        .route("/admin/import/{id}", get(show).allow(records))
        .route(
            "/admin/import/{id}/confirmation",
            post(confirm).allow(records),
        )
}

fn manager(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let u = ctx.require(Portal::Admin)?;
    authz::require(authz::can_manage_records(u))?;
    Ok(u)
}

#[derive(Template)]
#[template(path = "import/index.html")]
struct Index<'a> {
    ctx: &'a Ctx,
    error: Option<String>,
    recent: Vec<ImportRow>,
}

async fn index_page(app: &AppState, ctx: &Ctx, error: Option<String>) -> AppResult<Response> {
    manager(ctx)?;
    let status = if error.is_some() {
        StatusCode::UNPROCESSABLE_ENTITY
    } else {
        StatusCode::OK
    };
    html_status(
        status,
        &Index {
            ctx,
            error,
            recent: super::recent(&app.db, 10).await?,
        },
    )
}

async fn index(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    index_page(&app, &ctx, None).await
}

#[derive(Template)]
#[template(path = "import/preview.html")]
struct Preview<'a> {
    ctx: &'a Ctx,
    import: ImportRow,
    checked: Checked,
}

fn preview(ctx: &Ctx, import: ImportRow) -> AppResult<Response> {
    let checked: Checked = serde_json::from_str(&import.checked).unwrap_or_default();
    let status = if checked.is_clean() {
        StatusCode::OK
    } else {
        StatusCode::UNPROCESSABLE_ENTITY
    };
    html_status(
        status,
        &Preview {
            ctx,
            import,
            checked,
        },
    )
}

async fn upload(State(app): State<AppState>, ctx: Ctx, mut form: Multipart) -> AppResult<Response> {
    let u = manager(&ctx)?;
    let mut file: Option<(String, Vec<u8>)> = None;
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|e| crate::import::table::form_error(&e))?
    {
        if field.name() == Some("file") {
            let name = field.file_name().unwrap_or("import").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|e| crate::import::table::form_error(&e))?;
            file = Some((name, bytes.to_vec()));
        }
    }
    let Some((filename, bytes)) = file.filter(|(_, b)| !b.is_empty()) else {
        return index_page(&app, &ctx, Some(ctx.t.t("import-error-no-file"))).await;
    };
    let t = match table::read_off_thread(&app.uploads, bytes).await? {
        Ok(t) => t,
        Err(e) => return index_page(&app, &ctx, Some(e.message(&ctx.t))).await,
    };
    let known = students::Known::load(&app.db, ctx.today()).await?;
    let checked = students::check(&t, &known, |_, _| {});
    let id = super::store(&app.db, &filename, &checked, u.id, ctx.now).await?;
    let import = super::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    preview(&ctx, import)
}

async fn show(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    manager(&ctx)?;
    let import = super::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    preview(&ctx, import)
}

/// Starts the writing job, once: a second click finds the job already there.
async fn confirm(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let u = manager(&ctx)?;
    let import = super::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    if let Some(job) = import.job_id {
        return Ok(redirect(&format!("/taches/{job}")));
    }
    let checked: Checked = serde_json::from_str(&import.checked).unwrap_or_default();
    if !checked.is_clean() {
        return Err(AppError::BadRequest("import-error-not-clean"));
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let job = crate::jobs::enqueue(
        &mut *tx,
        &super::WriteImport { import_id: id },
        Some(u.id),
        ctx.now,
    )
    .await?;
    if !super::repo::claim(&mut *tx, id, job).await? {
        // Someone confirmed at the same moment: theirs stands.
        drop(tx);
        let job = super::get(&app.db, id)
            .await?
            .and_then(|i| i.job_id)
            .ok_or(AppError::NotFound)?;
        return Ok(redirect(&format!("/taches/{job}")));
    }
    tx.commit().await?;
    Ok(redirect(&format!("/taches/{job}")))
}

/// The template's header and an example row, as French schools write them.
const TEMPLATE: [[&str; 12]; 2] = [
    [
        "Matricule",
        "Nom",
        "Prénoms",
        "Sexe",
        "Date de naissance",
        "Lieu de naissance",
        "Classe",
        "Nom du parent",
        "Prénoms du parent",
        "Téléphone du parent",
        "E-mail du parent",
        "Lien",
    ],
    [
        "NOUV-2027-001",
        "AMEGAN",
        "Kossi Elom",
        "M",
        "14/03/2014",
        "Lomé",
        "6e A",
        "AMEGAN",
        "Akossiwa",
        "90 12 34 56",
        "",
        "mère",
    ],
];

async fn template_csv(ctx: Ctx) -> AppResult<Response> {
    manager(&ctx)?;
    // A BOM so that Excel reads the accents as UTF-8; semicolons as French Excel expects.
    let mut out = String::from("\u{feff}");
    for row in TEMPLATE {
        out.push_str(&row.join(";"));
        out.push_str("\r\n");
    }
    Ok((
        [
            (header::CONTENT_TYPE, "text/csv; charset=utf-8"),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"modele-eleves.csv\"",
            ),
        ],
        out,
    )
        .into_response())
}

async fn template_xlsx(ctx: Ctx) -> AppResult<Response> {
    manager(&ctx)?;
    let bytes = (|| -> Result<Vec<u8>, rust_xlsxwriter::XlsxError> {
        let mut book = rust_xlsxwriter::Workbook::new();
        let bold = rust_xlsxwriter::Format::new().set_bold();
        let sheet = book.add_worksheet();
        sheet.set_name("Élèves")?;
        for (r, row) in TEMPLATE.iter().enumerate() {
            for (c, v) in row.iter().enumerate() {
                if r == 0 {
                    sheet.write_string_with_format(0, c as u16, *v, &bold)?;
                } else {
                    sheet.write_string(r as u32, c as u16, *v)?;
                }
                sheet.set_column_width(c as u16, 18)?;
            }
        }
        book.save_to_buffer()
    })()
    .map_err(|e| AppError::Internal(anyhow::anyhow!("xlsx: {e}")))?;
    Ok((
        [
            (
                header::CONTENT_TYPE,
                "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            ),
            (
                header::CONTENT_DISPOSITION,
                "attachment; filename=\"modele-eleves.xlsx\"",
            ),
        ],
        bytes,
    )
        .into_response())
}

/// The column names the help lists, with whether each is required.
pub fn columns() -> Vec<(&'static str, bool)> {
    COLUMNS.iter().map(|(n, _, r)| (*n, *r)).collect()
}
