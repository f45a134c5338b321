//! The audit log's records as plain data; the store computes and checks their hashes.

use serde::{Deserialize, Serialize};

/// What one audited change records: who, what, to what, when, why, and the states' hashes.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditEntry {
    /// When, as RFC 3339.
    pub at: String,
    /// Who: a person id, or `system`.
    pub actor: String,
    /// The actor's role when acting.
    pub role: String,
    /// What happened, e.g. `firm.seeded`.
    pub action: String,
    /// What it happened to, e.g. `plan/wm-adviser`.
    pub entity: String,
    /// Hash of the state before, if there was one.
    pub before_hash: Option<String>,
    /// Hash of the state after, if there is one.
    pub after_hash: Option<String>,
    /// Why, in the actor's words.
    pub reason: String,
}

/// An entry as written in the chain: its position and the links.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AuditRecord {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// The audited change (stored flat beside the chain fields).
    #[serde(flatten)]
    pub entry: AuditEntry,
    /// Hash of the previous record.
    pub prev_hash: String,
    /// SHA-256 over this record's fields and `prev_hash`.
    pub hash: String,
}

/// The outcome of re-computing the chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Verification {
    /// Records checked.
    pub records: u64,
    /// Whether every link and hash holds.
    pub ok: bool,
    /// The first record whose link or hash is wrong, and why.
    pub first_broken: Option<BrokenLink>,
}

/// Where and how the chain breaks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BrokenLink {
    /// The sequence number expected at this position.
    pub seq: u64,
    /// What is wrong.
    pub reason: String,
}
