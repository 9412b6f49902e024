//! Reading multipart/form-data bodies, for the report forms and the API endpoints that
//! take files: text fields by name, files sent as `attachments`, and files of other inputs.

use std::collections::HashMap;

use axum::extract::Multipart;
use axum::extract::multipart::MultipartRejection;

use crate::error::{AppError, HttpError};
use tocsin_app::service::reports::Upload;

/// A multipart form, read whole: text fields by name (the first of each name), the files
/// sent as `attachments`, and files sent under other names.
#[derive(Default)]
pub struct MultipartForm {
    fields: HashMap<String, String>,
    /// The files, without the empty part a browser sends when none was chosen.
    pub files: Vec<Upload>,
    /// Files of other inputs (e.g. the phishing form's `.eml`), by input name.
    other_files: Vec<(String, Upload)>,
}

impl MultipartForm {
    /// A text field, or empty.
    pub fn get(&self, name: &str) -> String {
        self.fields.get(name).cloned().unwrap_or_default()
    }

    /// The text fields as a JSON object, for deserializing a form into an input type.
    pub fn fields_json(&self) -> serde_json::Value {
        serde_json::Value::Object(
            self.fields
                .iter()
                .map(|(k, v)| (k.clone(), serde_json::Value::String(v.clone())))
                .collect(),
        )
    }

    /// Takes the first file sent as `name` (not `attachments`), if any.
    pub fn take_file(&mut self, name: &str) -> Option<Upload> {
        let i = self.other_files.iter().position(|(n, _)| n == name)?;
        Some(self.other_files.remove(i).1)
    }
}

/// Reads a multipart body. The whole body is bounded by the server's body limit; a
/// malformed body is a 400.
pub async fn read_multipart(
    mp: Result<Multipart, MultipartRejection>,
) -> Result<MultipartForm, HttpError> {
    let bad = |e: &dyn std::fmt::Display| AppError::BadRequest(format!("multipart: {e}"));
    let mut mp = mp.map_err(|e| bad(&e))?;
    let mut form = MultipartForm::default();
    while let Some(field) = mp.next_field().await.map_err(|e| bad(&e))? {
        let name = field.name().unwrap_or_default().to_string();
        if let Some(filename) = field.file_name().map(str::to_string) {
            let content_type = field.content_type().unwrap_or_default().to_string();
            let bytes = field.bytes().await.map_err(|e| bad(&e))?;
            if filename.is_empty() && bytes.is_empty() {
                continue;
            }
            let upload = Upload {
                filename,
                content_type,
                bytes: bytes.to_vec(),
            };
            if name == "attachments" {
                form.files.push(upload);
            } else {
                form.other_files.push((name, upload));
            }
        } else {
            let text = field.text().await.map_err(|e| bad(&e))?;
            form.fields.entry(name).or_insert(text);
        }
    }
    Ok(form)
}
