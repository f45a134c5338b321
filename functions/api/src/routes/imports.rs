//! `POST /api/imports/{kind}` accepts a file and imports it in the background (the same import
//! as `plumbline import`); `GET /api/imports/jobs/{job_id}` reports its progress, then its
//! report or every problem. The batch stays all-or-nothing: the job only watches it.

use super::{Body, Caller};
use crate::AppState;
use crate::authz;
use crate::error::ApiFailure;
use crate::write::{new_id, now};
use axum::Json;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use plumbline_firm::api::ImportUpload;
use plumbline_import::{Actor, ImportJob, ImportKind, ImportRequest, Mapping, Progress, Step};
use plumbline_store::{Item, Store, StoreError};
use std::collections::HashMap;
use std::sync::{Arc, LazyLock, Mutex};

/// Largest upload accepted: the CRM sample is well under a megabyte; HR and finance files of
/// a large firm stay under this.
pub(super) const MAX_UPLOAD_BYTES: usize = 64 * 1024 * 1024;

/// Partition of finished jobs. Job records are progress reports, not firm data: the import's
/// own transactions carry the audit records.
const JOBS: &str = "IMPORT_JOB";

/// Jobs still running in this process, with their latest step. A finished job moves to the
/// store, so any instance can report it.
static RUNNING: LazyLock<Mutex<HashMap<String, ImportJob>>> = LazyLock::new(Default::default);

fn running() -> std::sync::MutexGuard<'static, HashMap<String, ImportJob>> {
    // A panic while holding the lock leaves the map usable: every update is one assignment.
    RUNNING.lock().unwrap_or_else(|poisoned| poisoned.into_inner())
}

/// Copies each step into the running job.
struct Track(String);

impl Progress for Track {
    fn update(&self, step: &Step) {
        if let Some(job) = running().get_mut(&self.0) {
            job.step = step.clone();
        }
    }
}

pub(super) async fn start(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(kind): Path<String>,
    Body(upload): Body<ImportUpload>,
) -> Result<(StatusCode, Json<ImportJob>), ApiFailure> {
    if !authz::may_import(&who) {
        return Err(ApiFailure::forbidden("import data"));
    }
    let kind: ImportKind = kind.parse().map_err(|_| ApiFailure::not_found(format!("import kind {kind}")))?;
    let mapping: Option<Mapping> = upload
        .mapping
        .map(|m| serde_path_to_error::deserialize(&m))
        .transpose()
        .map_err(|e| ApiFailure::bad(&format!("mapping.{}", e.path()), e.inner().to_string()))?;
    let job = ImportJob {
        id: new_id("import"),
        kind,
        file: upload.file_name,
        actor: Actor { id: who.person_id.clone(), role: who.role },
        started: now(),
        step: Step::Loading,
        report: None,
        rejected: None,
    };
    running().insert(job.id.clone(), job.clone());
    let work = finish(state.store.clone(), job.clone(), upload.content, mapping);
    // A Lambda is frozen between invocations, so work left running after the response would
    // stall: there the job finishes before answering (API Gateway caps uploads at 10 MB anyway).
    if std::env::var_os("AWS_LAMBDA_RUNTIME_API").is_some() {
        return Ok((StatusCode::ACCEPTED, Json(work.await)));
    }
    tokio::spawn(work);
    Ok((StatusCode::ACCEPTED, Json(job)))
}

/// Runs the import to its end and records how it ended.
async fn finish(store: Arc<dyn Store>, mut job: ImportJob, content: String, mapping: Option<Mapping>) -> ImportJob {
    let request = ImportRequest {
        kind: job.kind,
        file_name: &job.file,
        bytes: content.as_bytes(),
        mapping: mapping.as_ref(),
        at: chrono::Utc::now(),
    };
    let outcome = plumbline_import::run(store.as_ref(), &job.actor, &request, &Track(job.id.clone())).await;
    job.step = running().get(&job.id).map_or(Step::Done, |j| j.step.clone());
    match outcome {
        Ok(report) => job.report = Some(report),
        Err(rejected) => job.rejected = Some(rejected),
    }
    match save(store.as_ref(), &job).await {
        Ok(()) => {
            running().remove(&job.id);
        }
        Err(e) => {
            // Keep it in memory, so this process can still report it.
            tracing::error!(job = %job.id, error = %e, "could not store the finished import job");
            running().insert(job.id.clone(), job.clone());
        }
    }
    job
}

async fn save(store: &dyn Store, job: &ImportJob) -> Result<(), StoreError> {
    store.put_many(vec![Item::new(JOBS, &job.id, job)?]).await
}

pub(super) async fn job(
    State(state): State<AppState>,
    Caller(who): Caller,
    Path(job_id): Path<String>,
) -> Result<Json<ImportJob>, ApiFailure> {
    if !authz::may_import(&who) {
        return Err(ApiFailure::forbidden("read imports"));
    }
    if let Some(job) = running().get(&job_id) {
        return Ok(Json(job.clone()));
    }
    let item =
        state.store.get(JOBS, &job_id).await?.ok_or_else(|| ApiFailure::not_found(format!("import job {job_id}")))?;
    Ok(Json(item.decode()?))
}
