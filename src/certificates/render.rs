//! The documents on paper: the data of the certificate and card templates
//! (`export/typ/certificate.typ`, `export/typ/cards.typ`), their QR codes and photos, and
//! the public address each QR code holds.

use serde_json::{Value, json};

use super::Kind;
use super::repo::Document;
use crate::app::AppState;
use crate::error::{AppError, AppResult};
use crate::export::{self, pdf::Asset, seal};
use crate::i18n::Tr;
use crate::jobs::JobCtx;

/// The code printed with a document: it proves the school issued this number to this
/// student.
pub fn code(key: &[u8], d: &Document) -> String {
    seal::code(
        key,
        &format!("document:{}:{}:{}", d.id, d.number, d.student_id),
    )
}

/// The public address that verifies a document.
pub fn verification_url(app: &AppState, key: &[u8], d: &Document) -> String {
    format!(
        "{}/verifier/documents/{}/{}",
        app.config.public_url.trim_end_matches('/'),
        d.id,
        code(key, d)
    )
}

/// The student's photo, when one was taken.
pub async fn photo(app: &AppState, student: i64) -> anyhow::Result<Option<Vec<u8>>> {
    match crate::files::of_owner(&app.db, "student_photo", student)
        .await?
        .pop()
    {
        Some(f) => Ok(Some(app.files.get(&f.storage_key).await?)),
        None => Ok(None),
    }
}

/// "née le 12/03/2011 à Lomé", as the certificates write it after the name (or "").
fn born(t: &Tr, d: &Document) -> String {
    match (&d.birth_date, d.birth_place.as_deref().map(str::trim)) {
        (Some(date), Some(place)) if !place.is_empty() => t.tj(
            "doc-born",
            json!({ "sex": d.sex, "date": t.date(date), "place": place }),
        ),
        (Some(date), _) => t.tj(
            "doc-born-date",
            json!({ "sex": d.sex, "date": t.date(date) }),
        ),
        _ => String::new(),
    }
}

/// What a template is given: its source, its data and its files.
pub struct Prepared {
    pub source: &'static str,
    pub data: Value,
    pub assets: Vec<Asset>,
}

/// Prepares documents of one kind for printing (certificates one page each, cards ten to a
/// sheet), telling a job how far it got when one is given.
pub async fn prepare(
    app: &AppState,
    t: &Tr,
    docs: &[Document],
    job: Option<&JobCtx>,
) -> anyhow::Result<Prepared> {
    let school = app.settings.school(&app.db).await?;
    let settings = crate::settings::documents(&app.db).await?;
    let logo = export::logo(&school).await;
    let letterhead = export::letterhead(t, &school, &settings, logo.is_some());
    let key = seal::key(&app.db).await?;
    let mut assets: Vec<Asset> = logo
        .map(|bytes| Asset {
            path: "/logo".into(),
            bytes,
        })
        .into_iter()
        .collect();
    let cards = docs.first().is_some_and(|d| d.kind == Kind::Carte);
    let total = docs.len() as i64;
    let mut items = Vec::with_capacity(docs.len());
    for (i, d) in docs.iter().enumerate() {
        if let Some(job) = job {
            job.progress(
                i as i64,
                total,
                "job-msg-doc-student",
                json!({ "name": d.list_name() }),
            )
            .await?;
        }
        let url = verification_url(app, &key, d);
        let qr = format!("/qr/{i}.svg");
        assets.push(Asset {
            path: qr.clone(),
            bytes: seal::qr_svg(&url)?,
        });
        if cards {
            let photo = match photo(app, d.student_id).await? {
                Some(bytes) => {
                    let path = format!("/photos/{}", d.student_id);
                    assets.push(Asset {
                        path: path.clone(),
                        bytes,
                    });
                    Some(path)
                }
                None => None,
            };
            items.push(json!({
                "last_name": d.last_name,
                "first_name": d.first_name,
                "born": d.birth_date.map(|b| t.date(&b)),
                "class": d.class_name,
                "matricule": d.matricule,
                "number": d.number,
                "year": d.year_label,
                "photo": photo,
                "qr": qr,
                "cancelled": d.cancelled_at.is_some(),
            }));
        } else {
            items.push(page(t, &school, &settings, d, &qr, &url));
        }
    }
    if let Some(job) = job {
        job.progress(
            total,
            total,
            "job-msg-doc-printing",
            json!({ "count": total }),
        )
        .await?;
    }
    let labels = |keys: &[(&str, &str)]| -> Value {
        keys.iter()
            .map(|(k, key)| (k.to_string(), Value::String(t.t(key))))
            .collect::<serde_json::Map<_, _>>()
            .into()
    };
    Ok(if cards {
        let mut card_labels = labels(&[
            ("title", "doc-card-title"),
            ("year", "doc-card-year"),
            ("born", "doc-card-born"),
            ("class", "doc-card-class"),
            ("matricule", "doc-card-matricule"),
            ("number", "doc-number"),
            ("no_photo", "doc-card-no-photo"),
            ("cancelled", "doc-card-cancelled"),
            ("found", "doc-card-found"),
            ("signature", "doc-card-signature"),
        ]);
        if !settings.signer_title.trim().is_empty() {
            card_labels["signature"] = Value::String(settings.signer_title.trim().to_owned());
        }
        Prepared {
            source: export::templates::CARDS,
            data: json!({
                "lang": t.locale.code(),
                "letterhead": letterhead,
                "labels": card_labels,
                "cards": items,
            }),
            assets,
        }
    } else {
        Prepared {
            source: export::templates::CERTIFICATE,
            data: json!({
                "lang": t.locale.code(),
                "letterhead": letterhead,
                "labels": labels(&[
                    ("number", "doc-number"),
                    ("verify", "doc-verify-qr"),
                    ("colon", "colon"),
                ]),
                "pages": items,
            }),
            assets,
        }
    })
}

/// One certificate's page.
fn page(
    t: &Tr,
    school: &crate::settings::SchoolSettings,
    settings: &crate::settings::DocumentSettings,
    d: &Document,
    qr: &str,
    url: &str,
) -> Value {
    let kind = d.kind;
    let signer_title = if settings.signer_title.trim().is_empty() {
        t.t("doc-signer-default")
    } else {
        settings.signer_title.trim().to_owned()
    };
    let args = json!({
        "role": signer_title,
        "school": school.name,
        "name": d.list_name(),
        "born": born(t, d),
        "sex": d.sex,
        "matricule": d.matricule,
        "class": d.class_name,
        "year": d.year_label,
        "left": d.left_on.map(|l| t.date(&l)).unwrap_or_default(),
    });
    let mut details = Vec::new();
    if kind == Kind::Exeat {
        if !d.reason.trim().is_empty() {
            details.push(json!([t.t("doc-detail-reason"), d.reason]));
        }
        if !d.destination.trim().is_empty() {
            details.push(json!([t.t("doc-detail-destination"), d.destination]));
        }
    }
    let issued = d.issued_at.date_naive();
    json!({
        "title": t.t(format!("doc-title-{}", kind.as_str())),
        "number": d.number,
        "year": d.year_label,
        "body": [t.tj(format!("doc-body-{}", kind.as_str()), &args)],
        "details": details,
        "closing": t.tj(format!("doc-closing-{}", kind.as_str()), &args),
        "place_date": t.t2("doc-place-date", "city", &school.city, "date", t.date(&issued)),
        "signer_title": signer_title,
        "signer_name": settings.signer_name.trim(),
        "qr": qr,
        "url": url,
        "cancelled": d.cancelled_at.map(|at| t.t2(
            "doc-cancelled-notice",
            "date",
            t.date(&at.date_naive()),
            "reason",
            &d.cancel_reason,
        )),
    })
}

/// Renders prepared documents (off the request's thread).
pub async fn pdf(p: Prepared) -> AppResult<Vec<u8>> {
    export::render_pdf(p.source.to_owned(), p.data, p.assets)
        .await?
        .map_err(|e| AppError::Internal(anyhow::anyhow!("template: {e}")))
}
