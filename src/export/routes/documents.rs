//! The official documents' page: the school's own wording and layout of its bulletins,
//! certificates and receipts, with a preview made from a real record.

use super::*;

#[derive(Template)]
#[template(path = "export/documents.html")]
pub(super) struct DocumentsPage<'a> {
    ctx: &'a Ctx,
    docs: DocumentSettings,
    bulletin_source: String,
    receipt_source: String,
    errors: FormErrors,
}

pub(super) fn documents_editor(ctx: &Ctx) -> AppResult<&CurrentUser> {
    let u = admin(ctx)?;
    authz::require(authz::can_manage_records(u))?;
    Ok(u)
}

pub(super) async fn documents_page(State(app): State<AppState>, ctx: Ctx) -> AppResult<Response> {
    documents_editor(&ctx)?;
    let docs = crate::settings::documents(&app.db).await?;
    html(&DocumentsPage {
        ctx: &ctx,
        bulletin_source: docs
            .bulletin_source
            .clone()
            .unwrap_or_else(|| crate::export::templates::BULLETIN.into()),
        receipt_source: docs
            .receipt_source
            .clone()
            .unwrap_or_else(|| crate::export::templates::RECEIPT.into()),
        docs,
        errors: FormErrors::default(),
    })
}

/// A layout equal to Suku's (line endings aside) is not the school's own.
pub(super) fn own(source: &str, ours: &str) -> Option<String> {
    let norm = |s: &str| s.replace("\r\n", "\n").trim().to_owned();
    let s = norm(source);
    (!s.is_empty() && s != norm(ours)).then_some(s)
}

pub(super) async fn save_documents(
    State(app): State<AppState>,
    ctx: Ctx,
    body: Bytes,
) -> AppResult<Response> {
    let u = documents_editor(&ctx)?;
    let f = form(&body);
    let reset = field(&f, "reset");
    let docs = DocumentSettings {
        country: field(&f, "country").trim().to_owned(),
        motto: field(&f, "motto").trim().to_owned(),
        ministry: field(&f, "ministry").trim().to_owned(),
        region: field(&f, "region").trim().to_owned(),
        signer_title: field(&f, "signer_title").trim().to_owned(),
        signer_name: field(&f, "signer_name").trim().to_owned(),
        bulletin_source: if reset == "bulletin" {
            None
        } else {
            own(
                field(&f, "bulletin_source"),
                crate::export::templates::BULLETIN,
            )
        },
        receipt_source: if reset == "receipt" {
            None
        } else {
            own(
                field(&f, "receipt_source"),
                crate::export::templates::RECEIPT,
            )
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
        ctx.now,
    )
    .await?;
    tx.commit().await?;
    ctx.flash("success", "documents-saved").await?;
    Ok(redirect("/admin/documents"))
}

#[derive(Clone, Copy)]
pub(super) enum Sample {
    Bulletin,
    Receipt,
}

/// Renders a layout on real data: the first class's bulletins of the current period, or
/// the latest receipt.
pub(super) async fn render_sample(
    app: &AppState,
    ctx: &Ctx,
    sample: Sample,
    source: String,
) -> AppResult<Result<Vec<u8>, crate::export::pdf::TemplateError>> {
    let school = app.settings.school(&app.db).await?;
    let docs = crate::settings::documents(&app.db).await?;
    let logo = crate::export::logo(&school).await;
    let letterhead = crate::export::letterhead(&ctx.t, &school, &docs, logo.is_some());
    let mut assets: Vec<crate::export::pdf::Asset> = logo
        .into_iter()
        .map(|bytes| crate::export::pdf::Asset {
            path: "/logo".into(),
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
            let today = ctx.today();
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
            let id = crate::fees::repo::last_payment_id(&app.db).await?;
            let r = crate::fees::repo::receipt(&app.db, id)
                .await?
                .ok_or(AppError::NotFound)?;
            let url = crate::fees::documents::verification_url(app, &r).await?;
            assets.push(crate::export::pdf::Asset {
                path: "/qr.svg".into(),
                bytes: crate::export::seal::qr_svg(&url)?,
            });
            let lines = crate::fees::repo::allocations(&app.db, r.id).await?;
            let balance = crate::fees::repo::balance(&app.db, r.student_id).await?;
            let parties = crate::fees::documents::parties(&app.db, &ctx.t, &r).await?;
            crate::fees::documents::data(&ctx.t, &letterhead, &r, &parties, &lines, balance, &url)
        }
    };
    crate::export::render_pdf(source, data, assets).await
}

/// The preview of a layout as typed (not saved): the PDF, or the page that says which line
/// is wrong.
pub(super) async fn preview_document(
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
        Ok(pdf) => Ok(crate::export::download(
            pdf,
            "application/pdf",
            "apercu.pdf",
            true,
        )),
        Err(e) => crate::export::broken_template(&ctx, &e),
    }
}
