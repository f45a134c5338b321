//! The audit log and its verification.

use super::{Params, page_size};
use crate::AppState;
use crate::error::ApiFailure;
use axum::Json;
use axum::extract::State;
use plumbline_firm::api::Page;
use plumbline_store::audit::{self, AuditRecord, Verification};
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct AuditQuery {
    after: Option<u64>,
    cursor: Option<String>,
    limit: Option<usize>,
}

pub(super) async fn list(
    State(state): State<AppState>,
    Params(q): Params<AuditQuery>,
) -> Result<Json<Page<AuditRecord>>, ApiFailure> {
    let limit = page_size(q.limit)?;
    let after = match (&q.cursor, q.after) {
        (Some(c), _) => c.parse().map_err(|_| ApiFailure::bad("cursor", "not a cursor this list returned"))?,
        (None, a) => a.unwrap_or(0),
    };
    let (items, more) = audit::page(state.store.as_ref(), after, limit).await?;
    let next = if more { items.last().map(|r| r.seq.to_string()) } else { None };
    Ok(Json(Page { items, next }))
}

pub(super) async fn verify(State(state): State<AppState>) -> Result<Json<Verification>, ApiFailure> {
    Ok(Json(audit::verify(state.store.as_ref()).await?))
}
