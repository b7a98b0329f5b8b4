//! Forms that may carry one file: a multipart form from a phone's camera or file picker,
//! or a plain form without the file.

use std::collections::HashMap;

use axum::extract::{FromRequest, Request};

use crate::app::AppState;
use crate::error::{AppError, AppResult};

/// A form's text fields, and the file of field `file_field` if one came (name, bytes).
pub struct Upload {
    /// Text fields by name.
    pub fields: HashMap<String, String>,
    /// The file, if one was chosen.
    pub file: Option<(String, Vec<u8>)>,
}

impl Upload {
    /// A text field, or "".
    pub fn field(&self, name: &str) -> &str {
        self.fields.get(name).map(String::as_str).unwrap_or("")
    }

    /// The file, if a non-empty one came, when it is an image or a PDF recognised from its
    /// content; for anything else, the catalog key that says so.
    pub fn attachment(&self) -> Result<Option<crate::files::Received>, &'static str> {
        match &self.file {
            Some((name, bytes)) if !bytes.is_empty() => match crate::chat::attachment_type(bytes) {
                Some(ct) => Ok(Some((name.clone(), ct, bytes.clone()))),
                None => Err("lesson-error-file-type"),
            },
            _ => Ok(None),
        }
    }
}

/// Reads the form. A body over the route's limit is `too_large` (a catalog key).
pub async fn read(
    app: &AppState,
    req: Request,
    file_field: &str,
    too_large: &'static str,
) -> AppResult<Upload> {
    let multipart = req
        .headers()
        .get(axum::http::header::CONTENT_TYPE)
        .and_then(|v| v.to_str().ok())
        .is_some_and(|ct| ct.starts_with("multipart/form-data"));
    if !multipart {
        let bytes = axum::body::Bytes::from_request(req, app)
            .await
            .map_err(|_| AppError::BadRequest(too_large))?;
        let fields = form_urlencoded::parse(&bytes).into_owned().collect();
        return Ok(Upload { fields, file: None });
    }
    let mut form = axum::extract::Multipart::from_request(req, app)
        .await
        .map_err(|_| AppError::BadRequest("error-bad-request"))?;
    let mut up = Upload {
        fields: HashMap::new(),
        file: None,
    };
    while let Some(field) = form
        .next_field()
        .await
        .map_err(|_| AppError::BadRequest(too_large))?
    {
        let name = field.name().unwrap_or("").to_string();
        if name == file_field {
            let file_name = field.file_name().unwrap_or("fichier").to_string();
            let bytes = field
                .bytes()
                .await
                .map_err(|_| AppError::BadRequest(too_large))?;
            if !bytes.is_empty() {
                up.file = Some((file_name, bytes.to_vec()));
            }
        } else {
            let text = field
                .text()
                .await
                .map_err(|_| AppError::BadRequest(too_large))?;
            up.fields.insert(name, text);
        }
    }
    Ok(up)
}
