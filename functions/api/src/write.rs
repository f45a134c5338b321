//! Every state change goes through [`commit`]: the change, its audit record and the
//! idempotency record of the request are one store transaction.
//!
//! Idempotency: a write sent with an `Idempotency-Key` header stores the key with a hash of
//! the request and the response it produced. The same key and body again returns that first
//! response without changing anything; the same key with another body is a 409.

use crate::AppState;
use crate::auth::Principal;
use crate::error::ApiFailure;
use axum::http::HeaderMap;
use plumbline_store::audit::{AuditEntry, append_with, hash_json};
use plumbline_store::{Condition, Item, StoreError, Write, keys};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};

/// The header carrying a client's idempotency key.
pub const IDEMPOTENCY_HEADER: &str = "idempotency-key";

/// A write request's idempotency key and the hash of what it asks.
pub struct Idempotency {
    key: Option<String>,
    actor: String,
    request_hash: String,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    request_hash: String,
    response: serde_json::Value,
}

impl Idempotency {
    /// Reads the key from the headers and hashes the route and body it is used with.
    pub fn new(
        headers: &HeaderMap,
        who: &Principal,
        route: &str,
        body: &impl Serialize,
    ) -> Result<Idempotency, ApiFailure> {
        let key = match headers.get(IDEMPOTENCY_HEADER) {
            None => None,
            Some(v) => {
                let key = v.to_str().map_err(|_| ApiFailure::bad("Idempotency-Key", "must be visible ASCII"))?;
                if key.is_empty() || key.len() > 200 {
                    return Err(ApiFailure::bad("Idempotency-Key", "must be 1 to 200 characters"));
                }
                Some(key.to_string())
            }
        };
        let body = serde_json::to_value(body).map_err(|e| ApiFailure::bad("body", e.to_string()))?;
        Ok(Idempotency {
            key,
            actor: who.person_id.clone(),
            request_hash: hash_json(&serde_json::json!({ "route": route, "body": body })),
        })
    }

    /// The response stored for this key, if the key was used before with the same request;
    /// a conflict if it was used with another.
    pub async fn replay<T: DeserializeOwned>(&self, state: &AppState) -> Result<Option<T>, ApiFailure> {
        let Some(key) = &self.key else { return Ok(None) };
        let Some(item) = state.store.get(&keys::idempotency(&self.actor), key).await? else { return Ok(None) };
        let stored: Stored = item.decode()?;
        if stored.request_hash != self.request_hash {
            return Err(ApiFailure::Conflict {
                code: "idempotency_key_reused",
                message: format!("Idempotency-Key `{key}` was already used for a different request"),
            });
        }
        let response = serde_json::from_value(stored.response).map_err(|e| StoreError::Decode {
            pk: item.pk.clone(),
            sk: item.sk.clone(),
            message: e.to_string(),
        })?;
        Ok(Some(response))
    }

    fn record(&self, response: &impl Serialize) -> Result<Option<Write>, ApiFailure> {
        let Some(key) = &self.key else { return Ok(None) };
        let stored = Stored {
            request_hash: self.request_hash.clone(),
            response: serde_json::to_value(response).map_err(|e| StoreError::Encode(e.to_string()))?,
        };
        Ok(Some(Write::Put {
            item: Item::new(keys::idempotency(&self.actor), key, &stored)?,
            condition: Condition::NotExists,
        }))
    }
}

/// Now, as RFC 3339 to the second.
pub fn now() -> String {
    chrono::Utc::now().to_rfc3339_opts(chrono::SecondsFormat::Millis, true)
}

/// A new id: the time first so ids sort by creation, then randomness so they never collide.
pub fn new_id(prefix: &str) -> String {
    let time = chrono::Utc::now().format("%Y%m%d%H%M%S%3f");
    format!("{prefix}-{time}-{:08x}", rand::random::<u32>())
}

/// What a state change records about itself in the audit log.
pub struct Change<'a> {
    /// The caller.
    pub who: &'a Principal,
    /// What happened, e.g. `dispute.raised`.
    pub action: &'a str,
    /// To what, e.g. `dispute/D-...`.
    pub entity: String,
    /// The state before, if any.
    pub before: Option<serde_json::Value>,
    /// The state after, if any.
    pub after: Option<serde_json::Value>,
    /// Why.
    pub reason: String,
}

/// JSON of a record, for audit hashes.
pub fn json(value: &impl Serialize) -> Option<serde_json::Value> {
    serde_json::to_value(value).ok()
}

/// Applies `writes`, the audit record of `change` and the idempotency record of the request
/// atomically, and returns `response`. A concurrent request with the same key that won the
/// race gets the winner's response; a write whose condition no longer holds is a conflict.
pub async fn commit<T: Serialize + DeserializeOwned>(
    state: &AppState,
    idempotency: &Idempotency,
    mut writes: Vec<Write>,
    change: Change<'_>,
    response: T,
) -> Result<T, ApiFailure> {
    writes.extend(idempotency.record(&response)?);
    let entry = AuditEntry {
        at: now(),
        actor: change.who.person_id.clone(),
        role: change.who.role.as_str().to_string(),
        action: change.action.to_string(),
        entity: change.entity,
        before_hash: change.before.as_ref().map(hash_json),
        after_hash: change.after.as_ref().map(hash_json),
        reason: change.reason,
    };
    match append_with(state.store.as_ref(), writes, entry).await {
        Ok(_) => Ok(response),
        Err(StoreError::ConditionFailed { pk, .. }) if pk.starts_with("IDEMP#") => idempotency
            .replay(state)
            .await?
            .ok_or_else(|| ApiFailure::Conflict { code: "conflict", message: "a concurrent request won".into() }),
        Err(StoreError::ConditionFailed { pk, sk }) => Err(ApiFailure::Conflict {
            code: "conflict",
            message: format!("{pk}/{sk} changed while this request ran; reload and try again"),
        }),
        Err(e) => Err(e.into()),
    }
}

/// A put that must find the item absent.
pub fn create(pk: impl Into<String>, sk: impl Into<String>, record: &impl Serialize) -> Result<Write, ApiFailure> {
    Ok(Write::Put { item: Item::new(pk, sk, record)?, condition: Condition::NotExists })
}

/// A put replacing the item read at `version` (or creating it when `version` is `None`).
pub fn replace(
    pk: impl Into<String>,
    sk: impl Into<String>,
    record: &impl Serialize,
    version: Option<u64>,
) -> Result<Write, ApiFailure> {
    let mut item = Item::new(pk, sk, record)?;
    item.version = version.map_or(1, |v| v + 1);
    Ok(Write::Put { item, condition: version.map_or(Condition::NotExists, Condition::VersionIs) })
}
