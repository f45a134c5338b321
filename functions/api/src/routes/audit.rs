//! The audit log and its verification.

use super::{Params, page_size};
use crate::AppState;
use crate::error::ApiFailure;
use axum::Json;
use axum::extract::State;
use plumbline_firm::api::Page;
use plumbline_store::audit::{self, AuditRecord, Verification};
use plumbline_store::keys;
use serde::Deserialize;

#[derive(Debug, Deserialize)]
pub(super) struct AuditQuery {
    after: Option<u64>,
    before: Option<u64>,
    cursor: Option<String>,
    limit: Option<usize>,
    order: Option<String>,
}

/// The part of the chain's head item a newest-first page starts from.
#[derive(Deserialize)]
struct Head {
    seq: u64,
}

/// `GET /audit`: chain order from `after` (or `cursor`) by default; with `order=newest`, newest
/// first from below `before` (or `cursor`, else from the head), the cursor being the lowest
/// sequence number shown.
pub(super) async fn list(
    State(state): State<AppState>,
    Params(q): Params<AuditQuery>,
) -> Result<Json<Page<AuditRecord>>, ApiFailure> {
    let limit = page_size(q.limit)?;
    let cursor = q
        .cursor
        .as_deref()
        .map(|c| c.parse::<u64>().map_err(|_| ApiFailure::bad("cursor", "not a cursor this list returned")))
        .transpose()?;
    let store = state.store.as_ref();
    match q.order.as_deref() {
        None | Some("chain") => {
            let after = cursor.or(q.after).unwrap_or(0);
            let (items, more) = audit::page(store, after, limit).await?;
            let next = if more { items.last().map(|r| r.seq.to_string()) } else { None };
            Ok(Json(Page::new(items, next)))
        }
        Some("newest") => {
            let below = match cursor.or(q.before) {
                Some(b) => b,
                None => {
                    store
                        .get(keys::AUDIT, keys::AUDIT_HEAD)
                        .await?
                        .map_or(Ok(0), |h| h.decode::<Head>().map(|h| h.seq))?
                        + 1
                }
            };
            let (after, count) = newest_window(below, limit);
            let (mut items, _) =
                if count == 0 { (Vec::new(), false) } else { audit::page(store, after, count).await? };
            items.reverse();
            let next = (after > 0).then(|| (after + 1).to_string());
            Ok(Json(Page::new(items, next)))
        }
        Some(other) => Err(ApiFailure::bad("order", format!("order is `chain` or `newest`, got `{other}`"))),
    }
}

/// The records below sequence number `below`, at most `limit` of them, as the chain-order page
/// that holds them: the sequence number to start after and how many to read. Sequence numbers
/// run from 1 without gaps, so the window needs no search.
fn newest_window(below: u64, limit: usize) -> (u64, usize) {
    let top = below.saturating_sub(1);
    let after = top.saturating_sub(limit as u64);
    (after, (top - after) as usize)
}

pub(super) async fn verify(State(state): State<AppState>) -> Result<Json<Verification>, ApiFailure> {
    Ok(Json(audit::verify(state.store.as_ref()).await?))
}

#[cfg(test)]
mod tests {
    use super::newest_window;

    #[test]
    fn newest_windows_cover_the_chain_without_overlap() {
        // 250 records, pages of 100: 151-250, 51-150, 1-50.
        assert_eq!(newest_window(251, 100), (150, 100));
        assert_eq!(newest_window(151, 100), (50, 100));
        assert_eq!(newest_window(51, 100), (0, 50));
        assert_eq!(newest_window(1, 100), (0, 0));
        assert_eq!(newest_window(0, 100), (0, 0));
    }
}
