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
use crate::error::{AppError, AppResult};
use crate::jobs::{Job, JobCtx, JobView};
use crate::settings::DocumentSettings;
use crate::web::{Ctx, FormErrors, PathId, html, html_status, redirect};

/// Routes of the export pages.
pub fn router() -> Router<AppState> {
    Router::new()
        .route("/admin/exports", get(exports_page))
        .route(
            "/admin/exports/modeles/nouveau",
            get(new_template).post(create_template),
        )
        .route(
            "/admin/exports/modeles/{id}",
            get(edit_template).post(update_template),
        )
        .route("/admin/exports/apercu", post(preview))
        .route("/admin/exports/modeles/{id}/fichier", get(download))
        .route("/admin/exports/modeles/{id}/lancement", post(launch))
        .route("/admin/exports/modeles/{id}/suppression", post(remove))
        .route("/admin/documents", get(documents_page).post(save_documents))
        .route("/admin/documents/apercu", post(preview_document))
}

fn form(body: &[u8]) -> Vec<(String, String)> {
    form_urlencoded::parse(body).into_owned().collect()
}

fn field<'a>(f: &'a [(String, String)], name: &str) -> &'a str {
    f.iter()
        .find(|(k, _)| k == name)
        .map(|(_, v)| v.as_str())
        .unwrap_or("")
}

/// The definition the editor's form describes.
fn parse_definition(f: &[(String, String)]) -> Definition {
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

fn admin(ctx: &Ctx) -> AppResult<&CurrentUser> {
    ctx.require(Portal::Admin)
}

/// The data set of a definition, if this user may read it.
fn readable(u: &CurrentUser, def: &Definition) -> AppResult<&'static Dataset> {
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
    let expiry = |j: &JobView| (j.state == "done").then(|| j.created_at + super::batch::RETENTION);
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

// ---------------------------------------------------------------- editor

#[derive(Template)]
#[template(path = "export/editor.html", blocks = ["preview_block"])]
struct Editor<'a> {
    ctx: &'a Ctx,
    id: Option<i64>,
    name: String,
    def: Definition,
    ds: &'static Dataset,
    errors: FormErrors,
    classes: Vec<crate::school::ClassRow>,
    levels: Vec<crate::school::Choice>,
    periods: Vec<crate::grades::repo::PeriodRow>,
    preview: Option<super::Table>,
    preview_total: i64,
}

impl Editor<'_> {
    /// The data set's columns in the definition's order (chosen first), each with what the
    /// form shows: (column, chosen, position, heading, format).
    fn rows(&self) -> Vec<(&'static datasets::Column, bool, usize, String, String)> {
        let mut out = Vec::new();
        for (pos, c) in self.def.columns.iter().enumerate() {
            if let Some((_, col)) = self.ds.column(&c.key) {
                out.push((col, true, pos + 1, c.label.clone(), c.format.clone()));
            }
        }
        let mut next = out.len();
        for col in self.ds.columns {
            if !self.def.columns.iter().any(|c| c.key == col.key) {
                next += 1;
                out.push((col, false, next, String::new(), String::new()));
            }
        }
        out
    }

    fn has(&self, f: Filter) -> bool {
        self.ds.has(f)
    }

    /// The preview's rows: each cell's text and whether it is a number (right-aligned),
    /// and whether the row is a subtotal or the total (in bold).
    fn preview_cells(&self) -> Vec<(Vec<(String, bool)>, bool)> {
        let Some(t) = self.preview.as_ref() else {
            return Vec::new();
        };
        let row = |r: &Vec<super::Cell>| {
            r.iter()
                .map(|c| (c.display(&self.ctx.t), c.is_number()))
                .collect::<Vec<_>>()
        };
        t.rows
            .iter()
            .enumerate()
            .map(|(i, r)| (row(r), t.emphasized.contains(&i)))
            .chain(t.totals.iter().map(|r| (row(r), true)))
            .collect()
    }

    fn preview_heads(&self) -> Vec<String> {
        self.preview
            .as_ref()
            .map(|t| t.columns.iter().map(|c| c.label.clone()).collect())
            .unwrap_or_default()
    }

    fn date(&self, d: &Option<chrono::NaiveDate>) -> String {
        d.map(|d| d.to_string()).unwrap_or_default()
    }

    fn is(&self, v: &Option<i64>, id: &i64) -> bool {
        *v == Some(*id)
    }
}

/// How many rows the preview shows.
const PREVIEW_ROWS: usize = 30;

async fn editor(
    app: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    name: String,
    def: Definition,
    errors: FormErrors,
) -> AppResult<Response> {
    let u = admin(ctx)?;
    let ds = readable(u, &def)?;
    let year = crate::school::current_year(&app.db).await?;
    let classes = match &year {
        Some(y) => crate::school::classes(&app.db, y.id).await?,
        None => Vec::new(),
    };
    let status = errors.status();
    let (preview, preview_total) = preview_of(app, ctx, &def).await?;
    let page = Editor {
        ctx,
        id,
        name,
        ds,
        errors,
        classes,
        levels: crate::school::levels(&app.db).await?,
        periods: crate::grades::repo::periods(&app.db).await?,
        preview,
        preview_total,
        def,
    };
    html_status(status, &page)
}

/// The table as the file will have it, cut to its first rows (none when the definition is
/// not valid yet).
async fn preview_of(
    app: &AppState,
    ctx: &Ctx,
    def: &Definition,
) -> AppResult<(Option<super::Table>, i64)> {
    if !def.validate().is_empty() {
        return Ok((None, 0));
    }
    let mut table = custom::table(app, &ctx.t, def).await?;
    let total = table.rows.len() as i64;
    table.rows.truncate(PREVIEW_ROWS);
    Ok((Some(table), total))
}

#[derive(Deserialize)]
struct NewQuery {
    #[serde(default)]
    jeu: String,
}

async fn new_template(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    admin(&ctx)?;
    let ds = datasets::find(&q.jeu).ok_or(AppError::NotFound)?;
    let mut def = Definition::of(ds);
    if ds.has(Filter::Period) {
        let periods = crate::grades::repo::periods(&app.db).await?;
        let today = chrono::Utc::now().date_naive();
        def.filters.period_id = crate::grades::repo::default_period(&periods, today).map(|p| p.id);
    }
    editor(&app, &ctx, None, String::new(), def, FormErrors::default()).await
}

async fn edit_template(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    admin(&ctx)?;
    let saved = custom::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let def = saved.def();
    editor(&app, &ctx, Some(id), saved.name, def, FormErrors::default()).await
}

async fn create_template(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    save_template(&app, &ctx, None, &body).await
}

async fn update_template(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    admin(&ctx)?;
    custom::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    save_template(&app, &ctx, Some(id), &body).await
}

async fn save_template(
    app: &AppState,
    ctx: &Ctx,
    id: Option<i64>,
    body: &[u8],
) -> AppResult<Response> {
    let u = admin(ctx)?;
    let f = form(body);
    let def = parse_definition(&f);
    readable(u, &def)?;
    let name = field(&f, "name").trim().to_owned();
    let mut errors = FormErrors::default();
    if name.is_empty() {
        errors.add("name", ctx.t.t("error-required"));
    } else if name.chars().count() > 80 {
        errors.add("name", ctx.t.t("error-too-long"));
    } else if custom::name_taken(&app.db, &name, id).await? {
        errors.add("name", ctx.t.t("error-template-name-taken"));
    }
    for (field, key) in def.validate() {
        errors.add(field, ctx.t.t(key));
    }
    if !errors.is_empty() {
        return editor(app, ctx, id, name, def, errors).await;
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    let saved = custom::save(&mut *tx, id, &name, &def, u.id).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "export_template",
        &saved.to_string(),
        if id.is_some() { "update" } else { "create" },
        None,
        Some(&name),
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "template-saved").await?;
    Ok(redirect(&format!("/admin/exports/modeles/{saved}")))
}

/// The live preview: the table the form describes, or what is still wrong with it.
async fn preview(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = admin(&ctx)?;
    let f = form(&body);
    let def = parse_definition(&f);
    let ds = readable(u, &def)?;
    let mut errors = FormErrors::default();
    for (field, key) in def.validate() {
        errors.add(field, ctx.t.t(key));
    }
    let (preview, preview_total) = preview_of(&app, &ctx, &def).await?;
    let page = Editor {
        ctx: &ctx,
        id: None,
        name: String::new(),
        ds,
        errors,
        classes: Vec::new(),
        levels: Vec::new(),
        periods: Vec::new(),
        preview,
        preview_total,
        def,
    };
    let mut res = axum::response::Html(page.as_preview_block().render()?).into_response();
    crate::web::vary_htmx(&mut res);
    Ok(res)
}

async fn saved_readable(app: &AppState, ctx: &Ctx, id: i64) -> AppResult<(Saved, Definition)> {
    let u = admin(ctx)?;
    let saved = custom::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let def = saved.def();
    readable(u, &def)?;
    Ok((saved, def))
}

/// The file of a saved template, made now.
async fn download(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let (_, def) = saved_readable(&app, &ctx, id).await?;
    let format = q.format()?.unwrap_or(Format::Xlsx);
    let table = custom::table(&app, &ctx.t, &def).await?;
    let frame = frame_of(&app, &ctx, &def).await;
    super::send_table(table, format, &ctx, frame).await
}

async fn frame_of(app: &AppState, ctx: &Ctx, def: &Definition) -> super::PdfFrame {
    let mut frame = super::frame(app, ctx).await;
    frame.header = def.header.clone();
    frame.footer = def.footer.clone();
    frame.orientation = def.orientation;
    if !def.logo {
        frame.logo = None;
    }
    frame
}

#[derive(Deserialize)]
struct LaunchForm {
    #[serde(default)]
    format: String,
}

/// The file of a saved template, made in the background (a year of payments).
async fn launch(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    axum::Form(f): axum::Form<LaunchForm>,
) -> AppResult<Response> {
    let (saved, def) = saved_readable(&app, &ctx, id).await?;
    let u = admin(&ctx)?;
    Format::parse(&f.format).ok_or(AppError::BadRequest("error-export-format"))?;
    let job = crate::jobs::enqueue(
        &app.db,
        TEMPLATE_KIND,
        &json!({
            "name": saved.name,
            "definition": def,
            "format": f.format,
            "lang": ctx.t.locale.code(),
        }),
        Some(u.id),
    )
    .await?;
    Ok(redirect(&format!("/taches/{job}")))
}

async fn remove(State(app): State<AppState>, ctx: Ctx, PathId(id): PathId) -> AppResult<Response> {
    let (saved, _) = saved_readable(&app, &ctx, id).await?;
    let u = admin(&ctx)?;
    let mut tx = crate::db::begin_write(&app.db).await?;
    custom::delete(&mut *tx, id).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "export_template",
        &id.to_string(),
        "delete",
        Some(&saved.definition),
        None,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "template-deleted").await?;
    Ok(redirect("/admin/exports"))
}

/// The kind of the job that makes a template's file.
pub const TEMPLATE_KIND: &str = "export.template";

/// Makes a template's file in the background; the definition travels with the job, so the
/// file is what was asked for even if the template changes meanwhile.
pub struct TemplateExport;

#[async_trait::async_trait]
impl Job for TemplateExport {
    fn kind(&self) -> &'static str {
        TEMPLATE_KIND
    }

    async fn run(&self, ctx: &JobCtx, payload: Value) -> anyhow::Result<Value> {
        let def: Definition = serde_json::from_value(payload["definition"].clone())?;
        let format = Format::parse(payload["format"].as_str().unwrap_or_default())
            .ok_or_else(|| anyhow::anyhow!("unknown format"))?;
        let t = crate::i18n::Tr::new(
            ctx.app.i18n.clone(),
            crate::i18n::Locale::parse(payload["lang"].as_str().unwrap_or_default())
                .unwrap_or_default(),
        );
        ctx.progress(0, 3, "job-msg-export-reading", json!({}))
            .await?;
        let table = custom::table(&ctx.app, &t, &def).await?;
        let rows = table.rows.len() as i64;
        ctx.progress(1, 3, "job-msg-export-writing", json!({ "count": rows }))
            .await?;
        let school = ctx.app.settings.school(&ctx.app.db).await?;
        let frame = super::PdfFrame {
            school: format!("{} · {}", school.name, school.city),
            header: def.header.clone(),
            footer: def.footer.clone(),
            orientation: def.orientation,
            logo: if def.logo {
                super::logo(&ctx.app, &school).await
            } else {
                None
            },
        };
        let name = super::file_name(
            payload["name"].as_str().unwrap_or("export"),
            format.extension(),
        );
        let bytes =
            tokio::task::spawn_blocking(move || super::write(&table, format, &t, &frame)).await??;
        ctx.progress(2, 3, "job-msg-export-saving", json!({}))
            .await?;
        let file_id = crate::files::save(
            &ctx.app.db,
            &ctx.app.files,
            ("export", ctx.id),
            &name,
            format.content_type(),
            &bytes,
            ctx.by,
        )
        .await?;
        ctx.progress(3, 3, "job-msg-export-done", json!({ "count": rows }))
            .await?;
        Ok(json!({
            "href": format!("/fichiers/{file_id}"),
            "label": "export-download",
            "file_id": file_id,
            "name": name,
            "rows": rows,
        }))
    }
}

// ---------------------------------------------------------------- official documents

#[derive(Template)]
#[template(path = "export/documents.html")]
struct DocumentsPage<'a> {
    ctx: &'a Ctx,
    docs: DocumentSettings,
    bulletin_source: String,
    receipt_source: String,
    errors: FormErrors,
}

fn documents_editor(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let u = admin(ctx)?;
    authz::require(authz::can_manage_records(u))?;
    Ok(u)
}

async fn documents_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    documents_editor(&ctx)?;
    let docs = crate::settings::documents(&app.db).await?;
    html(&DocumentsPage {
        ctx: &ctx,
        bulletin_source: docs
            .bulletin_source
            .clone()
            .unwrap_or_else(|| super::templates::BULLETIN.into()),
        receipt_source: docs
            .receipt_source
            .clone()
            .unwrap_or_else(|| super::templates::RECEIPT.into()),
        docs,
        errors: FormErrors::default(),
    })
}

/// A layout equal to Suku's (line endings aside) is not the school's own.
fn own(source: &str, ours: &str) -> Option<String> {
    let norm = |s: &str| s.replace("\r\n", "\n").trim().to_owned();
    let s = norm(source);
    (!s.is_empty() && s != norm(ours)).then_some(s)
}

async fn save_documents(State(app): State<AppState>, ctx: Ctx, body: Bytes) -> AppResult<Response> {
    let u = documents_editor(&ctx)?;
    let f = form(&body);
    let reset = field(&f, "reset");
    let docs = DocumentSettings {
        country: field(&f, "country").trim().to_owned(),
        motto: field(&f, "motto").trim().to_owned(),
        ministry: field(&f, "ministry").trim().to_owned(),
        region: field(&f, "region").trim().to_owned(),
        bulletin_source: if reset == "bulletin" {
            None
        } else {
            own(field(&f, "bulletin_source"), super::templates::BULLETIN)
        },
        receipt_source: if reset == "receipt" {
            None
        } else {
            own(field(&f, "receipt_source"), super::templates::RECEIPT)
        },
    };
    let mut errors = FormErrors::default();
    for (field, key) in docs.validate() {
        errors.add(field, ctx.t.t(key));
    }
    // A layout that does not compile is not saved: the school keeps printing.
    for (name, source, sample) in [
        ("bulletin_source", &docs.bulletin_source, Sample::Bulletin),
        ("receipt_source", &docs.receipt_source, Sample::Receipt),
    ] {
        if let Some(src) = source
            && let Err(e) = render_sample(&app, &ctx, sample, src.clone()).await?
        {
            errors.add(
                name,
                format!(
                    "{} — {}",
                    ctx.t
                        .t2("template-error-at", "line", e.line, "column", e.column),
                    e.message
                ),
            );
        }
    }
    if !errors.is_empty() {
        return html_status(
            errors.status(),
            &DocumentsPage {
                ctx: &ctx,
                bulletin_source: field(&f, "bulletin_source").to_owned(),
                receipt_source: field(&f, "receipt_source").to_owned(),
                docs,
                errors,
            },
        );
    }
    let mut tx = crate::db::begin_write(&app.db).await?;
    crate::settings::store(&mut *tx, "documents", &docs).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "settings",
        "documents",
        "update",
        None,
        Some(&serde_json::to_string(&docs).unwrap_or_default()),
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "documents-saved").await?;
    Ok(redirect("/admin/documents"))
}

#[derive(Clone, Copy)]
enum Sample {
    Bulletin,
    Receipt,
}

/// Renders a layout on real data: the first class's bulletins of the current period, or
/// the latest receipt.
async fn render_sample(
    app: &AppState,
    ctx: &Ctx,
    sample: Sample,
    source: String,
) -> AppResult<Result<Vec<u8>, super::pdf::TemplateError>> {
    let school = app.settings.school(&app.db).await?;
    let docs = crate::settings::documents(&app.db).await?;
    let logo = super::logo(app, &school).await;
    let letterhead = super::letterhead(&ctx.t, &school, &docs, logo.is_some());
    let mut assets: Vec<super::pdf::Asset> = logo
        .into_iter()
        .map(|bytes| super::pdf::Asset {
            path: "/logo",
            bytes,
        })
        .collect();
    let data = match sample {
        Sample::Bulletin => {
            let year = crate::school::current_year(&app.db)
                .await?
                .ok_or(AppError::NotFound)?;
            let class = crate::school::classes(&app.db, year.id)
                .await?
                .into_iter()
                .find(|c| c.student_count > 0)
                .ok_or(AppError::NotFound)?;
            let periods = crate::grades::repo::periods(&app.db).await?;
            let today = chrono::Utc::now().date_naive();
            let period = crate::grades::repo::default_period(&periods, today)
                .or(periods.first())
                .ok_or(AppError::NotFound)?;
            let mut cs = crate::bulletins::sheet::class_sheets(&app.db, class.id, period.id, None)
                .await?
                .ok_or(AppError::NotFound)?;
            cs.sheets.truncate(2);
            crate::bulletins::pdf::data(&ctx.t, &letterhead, &cs)
        }
        Sample::Receipt => {
            let (id,): (i64,) = sqlx::query_as("SELECT COALESCE(MAX(id), 0) FROM payments")
                .fetch_one(&app.db)
                .await?;
            let r = crate::fees::repo::receipt(&app.db, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let url = crate::fees::documents::verification_url(app, &r).await?;
            assets.push(super::pdf::Asset {
                path: "/qr.svg",
                bytes: crate::fees::documents::qr_svg(&url)?,
            });
            let lines = crate::fees::repo::allocations(&app.db, r.id).await?;
            let balance = crate::fees::repo::balance(&app.db, r.student_id).await?;
            crate::fees::documents::data(&ctx.t, &letterhead, &r, &lines, balance, &url)
        }
    };
    super::render_pdf(source, data, assets).await
}

/// The preview of a layout as typed (not saved): the PDF, or the page that says which line
/// is wrong.
async fn preview_document(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    documents_editor(&ctx)?;
    let f = form(&body);
    let (sample, source) = match field(&f, "document") {
        "receipt" => (Sample::Receipt, field(&f, "receipt_source")),
        _ => (Sample::Bulletin, field(&f, "bulletin_source")),
    };
    match render_sample(&app, &ctx, sample, source.to_owned()).await? {
        Ok(pdf) => Ok(super::download(pdf, "application/pdf", "apercu.pdf", true)),
        Err(e) => super::broken_template(&ctx, &e),
    }
}
