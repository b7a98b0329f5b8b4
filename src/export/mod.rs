//! The export engine: one place that turns what the portal shows into files. Tables become
//! CSV, Excel or PDF (`table`); documents (bulletins, receipts, statements) are Typst
//! templates given their data as JSON (`pdf`, `templates`). Long exports run as jobs and
//! leave their file on the "exports" page (`batch`).

use axum::http::{HeaderValue, header};
use axum::response::{IntoResponse, Response};
use serde::Deserialize;

use crate::error::{AppError, AppResult};
use crate::web::Ctx;

pub mod batch;
pub mod custom;
pub mod datasets;
pub mod pdf;
pub mod repo;
pub mod routes;
pub mod seal;
pub mod table;
pub mod templates;

pub use routes::router;

pub use table::{Cell, Orientation, PdfFrame, Separator, Table};

/// The formats a list can be exported to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Format {
    /// CSV with `;`, decimal comma and a byte-order mark (French Excel).
    Csv,
    /// CSV with `,` and decimal point.
    CsvComma,
    /// Excel workbook.
    Xlsx,
    Pdf,
}

impl Format {
    /// The format named in a query (`csv`, `csv-comma`, `xlsx`, `pdf`).
    pub fn parse(s: &str) -> Option<Format> {
        Some(match s {
            "csv" => Format::Csv,
            "csv-comma" => Format::CsvComma,
            "xlsx" => Format::Xlsx,
            "pdf" => Format::Pdf,
            _ => return None,
        })
    }

    /// Every format, with its query value and catalog key, for the export menus.
    pub const ALL: [(&'static str, &'static str); 4] = [
        ("xlsx", "export-xlsx"),
        ("csv", "export-csv"),
        ("csv-comma", "export-csv-comma"),
        ("pdf", "export-pdf"),
    ];

    /// The file name's extension.
    pub fn extension(self) -> &'static str {
        match self {
            Format::Csv | Format::CsvComma => "csv",
            Format::Xlsx => "xlsx",
            Format::Pdf => "pdf",
        }
    }

    /// The MIME type.
    pub fn content_type(self) -> &'static str {
        match self {
            Format::Csv | Format::CsvComma => "text/csv; charset=utf-8",
            Format::Xlsx => "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
            Format::Pdf => "application/pdf",
        }
    }
}

/// `?format=…` on a list page: absent shows the page, present downloads the list.
#[derive(Debug, Default, Deserialize)]
pub struct ExportQuery {
    /// The format asked for.
    #[serde(default)]
    pub format: String,
}

impl ExportQuery {
    /// The format asked for: `None` for the page itself, an error for an unknown format.
    pub fn format(&self) -> AppResult<Option<Format>> {
        if self.format.is_empty() {
            return Ok(None);
        }
        Format::parse(&self.format)
            .map(Some)
            .ok_or(AppError::BadRequest("error-export-format"))
    }
}

/// A file name from a title: letters, digits and dashes, and the extension.
pub fn file_name(title: &str, ext: &str) -> String {
    let mut out = String::new();
    for c in title.chars() {
        let c = match c {
            'à' | 'â' | 'ä' => 'a',
            'é' | 'è' | 'ê' | 'ë' => 'e',
            'î' | 'ï' => 'i',
            'ô' | 'ö' => 'o',
            'ù' | 'û' | 'ü' => 'u',
            'ç' => 'c',
            'À' | 'Â' => 'A',
            'É' | 'È' | 'Ê' => 'E',
            'Ç' => 'C',
            c => c,
        };
        if c.is_ascii_alphanumeric() {
            out.push(c);
        } else if !out.ends_with('-') && !out.is_empty() {
            out.push('-');
        }
    }
    let out = out.trim_end_matches('-');
    let out: String = out.chars().take(80).collect();
    format!("{}.{ext}", if out.is_empty() { "export" } else { &out })
}

/// A download: the bytes, their type and a file name; never cached by a shared cache.
pub fn download(bytes: Vec<u8>, content_type: &str, name: &str, inline: bool) -> Response {
    let mut res = bytes.into_response();
    let h = res.headers_mut();
    if let Ok(v) = HeaderValue::from_str(content_type) {
        h.insert(header::CONTENT_TYPE, v);
    }
    h.insert(
        header::CONTENT_DISPOSITION,
        crate::web::content_disposition(inline, name),
    );
    h.insert(
        header::CACHE_CONTROL,
        HeaderValue::from_static("private, no-store"),
    );
    res
}

/// What frames a PDF of this school: its name, city and logo.
pub async fn frame(ctx: &Ctx) -> PdfFrame {
    PdfFrame {
        school: format!("{} · {}", ctx.school.name, ctx.school.city),
        logo: logo(&ctx.school).await,
        ..Default::default()
    }
}

/// The school's logo bytes, when it has one the documents can show.
pub async fn logo(school: &crate::settings::SchoolSettings) -> Option<Vec<u8>> {
    let path = school.logo.as_deref()?;
    let rel = path.strip_prefix("/static/")?;
    if rel.split('/').any(|p| p.is_empty() || p == "..") {
        return None;
    }
    tokio::fs::read(std::path::Path::new(&crate::app::static_dir()).join(rel))
        .await
        .ok()
}

/// The header block of the school's documents (printed or on screen): the country, motto,
/// ministry and regional direction (the school's settings, or the catalog's defaults), and
/// the school itself.
#[derive(Clone, Debug, serde::Serialize)]
pub struct Letterhead {
    /// "République togolaise".
    pub country: String,
    /// The national motto.
    pub motto: String,
    /// The ministry the school answers to.
    pub ministry: String,
    /// The regional direction, or "".
    pub region: String,
    /// The school's name.
    pub school: String,
    pub city: String,
    /// Its phone as written in Togo, or "".
    pub phone: String,
    /// Whether the document carries the school's logo.
    pub logo: bool,
}

/// The school's letterhead, in the reader's language where the school left a field empty.
pub fn letterhead(
    t: &crate::i18n::Tr,
    school: &crate::settings::SchoolSettings,
    docs: &crate::settings::DocumentSettings,
    logo: bool,
) -> Letterhead {
    let or = |v: &str, key: &str| {
        if v.trim().is_empty() {
            t.t(key)
        } else {
            v.trim().to_owned()
        }
    };
    Letterhead {
        country: or(&docs.country, "bulletin-country"),
        motto: or(&docs.motto, "bulletin-motto"),
        ministry: or(&docs.ministry, "document-ministry"),
        region: docs.region.trim().to_owned(),
        school: school.name.clone(),
        city: school.city.clone(),
        phone: if school.phone.trim().is_empty() {
            String::new()
        } else {
            crate::domain::display_phone(&school.phone)
        },
        logo,
    }
}

#[derive(askama::Template)]
#[template(path = "export/broken.html")]
struct Broken<'a> {
    ctx: &'a Ctx,
    error: &'a pdf::TemplateError,
}

/// The page a broken school template gives instead of a document: the message and the line,
/// for whoever adapts the template (422, never a server error).
pub fn broken_template(ctx: &Ctx, error: &pdf::TemplateError) -> AppResult<Response> {
    crate::web::html_status(
        axum::http::StatusCode::UNPROCESSABLE_ENTITY,
        &Broken { ctx, error },
    )
}

/// Writes a table in a format and sends it.
pub async fn send_table(
    table: Table,
    format: Format,
    ctx: &Ctx,
    frame: PdfFrame,
) -> AppResult<Response> {
    let name = file_name(&table.title, format.extension());
    let t = ctx.t.clone();
    let bytes = tokio::task::spawn_blocking(move || write(&table, format, &t, &frame))
        .await
        .map_err(|e| AppError::Internal(e.into()))?
        .map_err(AppError::Internal)?;
    Ok(download(bytes, format.content_type(), &name, false))
}

/// Writes a table in a format (CPU-bound: off the async runtime).
pub fn write(
    table: &Table,
    format: Format,
    t: &crate::i18n::Tr,
    frame: &PdfFrame,
) -> anyhow::Result<Vec<u8>> {
    Ok(match format {
        Format::Csv => table.to_csv(Separator::Semicolon),
        Format::CsvComma => table.to_csv(Separator::Comma),
        Format::Xlsx => table.to_xlsx()?,
        Format::Pdf => table.to_pdf(t, frame)?,
    })
}

/// Renders a document template off the request's thread.
pub async fn render_pdf(
    source: String,
    data: serde_json::Value,
    assets: Vec<pdf::Asset>,
) -> AppResult<Result<Vec<u8>, pdf::TemplateError>> {
    tokio::task::spawn_blocking(move || pdf::render(&source, &data, assets))
        .await
        .map_err(|e| AppError::Internal(e.into()))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_are_plain() {
        assert_eq!(
            file_name("Impayés au 24/11/2026", "xlsx"),
            "Impayes-au-24-11-2026.xlsx"
        );
        assert_eq!(file_name("«  »", "pdf"), "export.pdf");
        assert_eq!(Format::parse("csv-comma"), Some(Format::CsvComma));
        assert_eq!(Format::parse("exe"), None);
    }
}
