//! `POST /api/imports/{kind}`: the same import as `plumbline import`, for an uploaded file.

use super::{Body, Caller};
use crate::AppState;
use crate::authz;
use crate::error::ApiFailure;
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use plumbline_firm::api::ImportUpload;
use plumbline_import::{Actor, ImportKind, ImportRejected, ImportReport, ImportRequest, Mapping, NoProgress};

/// Largest upload accepted: the CRM sample is well under a megabyte; HR and finance files of
/// a large firm stay under this.
pub(super) const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

fn rejected(rejection: ImportRejected) -> ApiFailure {
    let (status, code, field) = match &rejection {
        ImportRejected::Invalid { file, .. } => {
            (StatusCode::UNPROCESSABLE_ENTITY, "import_invalid", Some(file.clone()))
        }
        ImportRejected::Forbidden { .. } => (StatusCode::FORBIDDEN, "forbidden", None),
        ImportRejected::Interrupted { file, .. } => (StatusCode::CONFLICT, "import_interrupted", Some(file.clone())),
        ImportRejected::Store { .. } => (StatusCode::SERVICE_UNAVAILABLE, "store_busy", None),
    };
    let message = match &rejection {
        ImportRejected::Invalid { file, problems } => {
            format!("{file} was rejected with {} problems; nothing was written", problems.len())
        }
        ImportRejected::Forbidden { role, kind } => format!("the {role} role may not import {kind}"),
        ImportRejected::Interrupted { file, applied_writes, message } => {
            format!("{file} stopped after {applied_writes} writes ({message}); send it again to complete it")
        }
        ImportRejected::Store { message } => format!("the store could not be read: {message}"),
    };
    ApiFailure::Rejected { status, code, message, field, details: serde_json::to_value(&rejection).unwrap_or_default() }
}

pub(super) async fn import(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(kind): Path<String>,
    Body(upload): Body<ImportUpload>,
) -> Result<Json<ImportReport>, ApiFailure> {
    if !authz::may_import(&who) {
        return Err(ApiFailure::forbidden("import data"));
    }
    let kind: ImportKind = kind.parse().map_err(|_| ApiFailure::not_found(format!("import kind {kind}")))?;
    let mapping: Option<Mapping> = upload
        .mapping
        .map(|m| serde_path_to_error::deserialize(&m))
        .transpose()
        .map_err(|e| ApiFailure::bad(&format!("mapping.{}", e.path()), e.inner().to_string()))?;
    let actor = Actor { id: who.person_id.clone(), role: who.role };
    let request = ImportRequest {
        kind,
        file_name: &upload.file_name,
        bytes: upload.content.as_bytes(),
        mapping: mapping.as_ref(),
        at: chrono::Utc::now(),
    };
    let report = plumbline_import::run(state.store.as_ref(), &actor, &request, &NoProgress).await.map_err(rejected)?;
    Ok(Json(report))
}
