//! The template editor: a template's columns, filters, grouping and layout, its live
//! preview, saving, and running it (a download, or a background job for a large one).

use super::*;

#[derive(Template)]
#[template(path = "export/editor.html", blocks = ["preview_block"])]
pub(super) struct Editor<'a> {
    ctx: &'a Ctx,
    id: Option<i64>,
    name: String,
    def: Definition,
    ds: &'static Dataset,
    errors: FormErrors,
    classes: Vec<crate::school::ClassRow>,
    levels: Vec<crate::school::Choice>,
    periods: Vec<crate::grades::repo::PeriodRow>,
    preview: Option<crate::export::Table>,
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
        let row = |r: &Vec<crate::export::Cell>| {
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
pub(super) const PREVIEW_ROWS: usize = 30;

pub(super) async fn editor(
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
pub(super) async fn preview_of(
    app: &AppState,
    ctx: &Ctx,
    def: &Definition,
) -> AppResult<(Option<crate::export::Table>, i64)> {
    if !def.validate().is_empty() {
        return Ok((None, 0));
    }
    let mut table = custom::table(app, &ctx.t, def).await?;
    let total = table.rows.len() as i64;
    table.rows.truncate(PREVIEW_ROWS);
    Ok((Some(table), total))
}

#[derive(Deserialize)]
pub(super) struct NewQuery {
    #[serde(default)]
    jeu: String,
}

pub(super) async fn new_template(
    State(app): State<AppState>,
    ctx: Ctx,
    Query(q): Query<NewQuery>,
) -> AppResult<Response> {
    admin(&ctx)?;
    let ds = datasets::find(&q.jeu).ok_or(AppError::NotFound)?;
    let mut def = Definition::of(ds);
    if ds.has(Filter::Period) {
        let periods = crate::grades::repo::periods(&app.db).await?;
        let today = ctx.today();
        def.filters.period_id = crate::grades::repo::default_period(&periods, today).map(|p| p.id);
    }
    editor(&app, &ctx, None, String::new(), def, FormErrors::default()).await
}

pub(super) async fn edit_template(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
    admin(&ctx)?;
    let saved = custom::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let def = saved.def();
    editor(&app, &ctx, Some(id), saved.name, def, FormErrors::default()).await
}

pub(super) async fn create_template(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    save_template(&app, &ctx, None, &body).await
}

pub(super) async fn update_template(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    body: Bytes,
) -> AppResult<Response> {
    admin(&ctx)?;
    custom::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    save_template(&app, &ctx, Some(id), &body).await
}

pub(super) async fn save_template(
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
    let saved = custom::save(&mut *tx, id, &name, &def, u.id, ctx.now).await?;
    crate::audit::record(
        &mut *tx,
        Some(u.id),
        "export_template",
        &saved.to_string(),
        if id.is_some() { "update" } else { "create" },
        None,
        Some(&name),
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "template-saved").await?;
    Ok(redirect(&format!("/admin/exports/modeles/{saved}")))
}

/// The live preview: the table the form describes, or what is still wrong with it.
pub(super) async fn preview(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
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

pub(super) async fn saved_readable(
    app: &AppState,
    ctx: &Ctx,
    id: i64,
) -> AppResult<(Saved, Definition)> {
    let u = admin(ctx)?;
    let saved = custom::get(&app.db, id).await?.ok_or(AppError::NotFound)?;
    let def = saved.def();
    readable(u, &def)?;
    Ok((saved, def))
}

/// The file of a saved template, made now.
pub(super) async fn download(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
    Query(q): Query<ExportQuery>,
) -> AppResult<Response> {
    let (_, def) = saved_readable(&app, &ctx, id).await?;
    let format = q.format()?.unwrap_or(Format::Xlsx);
    let table = custom::table(&app, &ctx.t, &def).await?;
    let frame = frame_of(&ctx, &def).await;
    crate::export::send_table(table, format, &ctx, frame).await
}

pub(super) async fn frame_of(ctx: &Ctx, def: &Definition) -> crate::export::PdfFrame {
    let mut frame = crate::export::frame(ctx).await;
    frame.header = def.header.clone();
    frame.footer = def.footer.clone();
    frame.orientation = def.orientation;
    if !def.logo {
        frame.logo = None;
    }
    frame
}

#[derive(Deserialize)]
pub(super) struct LaunchForm {
    #[serde(default)]
    format: String,
}

/// The file of a saved template, made in the background (a year of payments).
pub(super) async fn launch(
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
        &TemplateFile {
            name: saved.name,
            definition: def,
            format: f.format,
            lang: ctx.t.locale,
        },
        Some(u.id),
        ctx.now,
    )
    .await?;
    Ok(redirect(&format!("/taches/{job}")))
}

pub(super) async fn remove(
    State(app): State<AppState>,
    ctx: Ctx,
    PathId(id): PathId,
) -> AppResult<Response> {
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
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "template-deleted").await?;
    Ok(redirect("/admin/exports"))
}

/// A template's file to make: the definition travels with the job, so the file is what
/// was asked for even if the template changes meanwhile.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub struct TemplateFile {
    /// The template's name, for the file's.
    pub name: String,
    /// What to export.
    pub definition: Definition,
    /// xlsx, csv or pdf.
    pub format: String,
    /// The language of the headings.
    #[serde(default)]
    pub lang: crate::i18n::Locale,
}

impl crate::jobs::Payload for TemplateFile {
    const KIND: &'static str = "export.template";
}

/// Makes a template's file in the background; the definition travels with the job, so the
/// file is what was asked for even if the template changes meanwhile.
pub struct TemplateExport;

#[async_trait::async_trait]
impl Job for TemplateExport {
    type Payload = TemplateFile;

    async fn run(&self, ctx: &JobCtx, payload: TemplateFile) -> anyhow::Result<Value> {
        let def = payload.definition;
        let format =
            Format::parse(&payload.format).ok_or_else(|| anyhow::anyhow!("unknown format"))?;
        let t = crate::i18n::Tr::new(ctx.app.i18n.clone(), payload.lang);
        ctx.progress(0, 3, "job-msg-export-reading", json!({}))
            .await?;
        let table = custom::table(&ctx.app, &t, &def).await?;
        let rows = table.rows.len() as i64;
        ctx.progress(1, 3, "job-msg-export-writing", json!({ "count": rows }))
            .await?;
        let school = ctx.app.settings.school(&ctx.app.db).await?;
        let frame = crate::export::PdfFrame {
            school: format!("{} · {}", school.name, school.city),
            header: def.header.clone(),
            footer: def.footer.clone(),
            orientation: def.orientation,
            logo: if def.logo {
                crate::export::logo(&school).await
            } else {
                None
            },
        };
        let name = crate::export::file_name(&payload.name, format.extension());
        let bytes =
            tokio::task::spawn_blocking(move || crate::export::write(&table, format, &t, &frame))
                .await??;
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
            ctx.app.clock.now(),
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
