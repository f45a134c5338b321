//! Storage for Plumbline: one narrow interface, an embedded file-backed implementation, a
//! DynamoDB implementation, and the tamper-evident audit chain written in the same transaction
//! as every change.
//!
//! The interface is shaped like a single DynamoDB table (partition key, sort key, a version
//! for optimistic concurrency, a JSON body) so that every implementation can honour it exactly.

pub mod audit;
pub mod conformance;
pub mod dynamo;
pub mod embedded;
pub mod keys;
pub mod periods;
pub mod retry;
pub mod seed;

use async_trait::async_trait;
use serde::{Deserialize, Serialize};

pub use dynamo::DynamoStore;
pub use embedded::EmbeddedStore;

/// One stored item.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Item {
    /// Partition key, e.g. `PERSON`.
    pub pk: String,
    /// Sort key within the partition.
    pub sk: String,
    /// Incremented on every change; conditions compare against it.
    pub version: u64,
    /// The record.
    pub data: serde_json::Value,
}

impl Item {
    /// Builds an item at version 1 from any serialisable record.
    pub fn new(pk: impl Into<String>, sk: impl Into<String>, record: &impl Serialize) -> Result<Item, StoreError> {
        let data = serde_json::to_value(record).map_err(|e| StoreError::Encode(e.to_string()))?;
        Ok(Item { pk: pk.into(), sk: sk.into(), version: 1, data })
    }

    /// Decodes the record.
    pub fn decode<T: serde::de::DeserializeOwned>(&self) -> Result<T, StoreError> {
        serde_json::from_value(self.data.clone()).map_err(|e| StoreError::Decode {
            pk: self.pk.clone(),
            sk: self.sk.clone(),
            message: e.to_string(),
        })
    }
}

/// A precondition on the item a write replaces.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Condition {
    /// Write unconditionally.
    None,
    /// The item must not exist yet.
    NotExists,
    /// The item must exist at exactly this version.
    VersionIs(u64),
}

/// One write in a transaction.
#[derive(Debug, Clone, PartialEq)]
pub enum Write {
    /// Create or replace an item.
    Put {
        /// The new item.
        item: Item,
        /// What must hold first.
        condition: Condition,
    },
    /// Remove an item.
    Delete {
        /// Partition key.
        pk: String,
        /// Sort key.
        sk: String,
        /// What must hold first.
        condition: Condition,
    },
}

impl Write {
    /// The key this write touches.
    pub fn key(&self) -> (&str, &str) {
        match self {
            Write::Put { item, .. } => (&item.pk, &item.sk),
            Write::Delete { pk, sk, .. } => (pk, sk),
        }
    }
}

/// A page of query results.
#[derive(Debug, Clone, PartialEq)]
pub struct Page {
    /// Items in sort-key order.
    pub items: Vec<Item>,
    /// Pass as `after` to get the next page; `None` on the last page.
    pub next: Option<String>,
}

/// Why a store call failed.
#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    /// A write's condition did not hold; nothing in the transaction was applied.
    #[error("condition failed on {pk} / {sk}")]
    ConditionFailed {
        /// Partition key.
        pk: String,
        /// Sort key.
        sk: String,
    },
    /// A transaction names the same key twice.
    #[error("transaction writes {pk} / {sk} more than once")]
    DuplicateKey {
        /// Partition key.
        pk: String,
        /// Sort key.
        sk: String,
    },
    /// A transaction is larger than every implementation accepts.
    #[error("transaction has {0} writes; the limit is {MAX_TRANSACTION_WRITES}")]
    TooManyWrites(usize),
    /// A record could not be encoded.
    #[error("could not encode record: {0}")]
    Encode(String),
    /// A stored record could not be decoded.
    #[error("could not decode {pk} / {sk}: {message}")]
    Decode {
        /// Partition key.
        pk: String,
        /// Sort key.
        sk: String,
        /// Decoder message.
        message: String,
    },
    /// The backend is throttling or briefly unavailable; the call may be retried.
    #[error("store busy, retry: {0}")]
    Retryable(String),
    /// The backend failed.
    #[error("store backend failed: {0}")]
    Backend(String),
}

/// DynamoDB's TransactWriteItems limit; the embedded store enforces the same.
pub const MAX_TRANSACTION_WRITES: usize = 100;

/// The storage interface every backend implements.
#[async_trait]
pub trait Store: Send + Sync {
    /// Reads one item.
    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError>;

    /// Reads items of a partition whose sort key starts with `prefix`, in sort-key order,
    /// at most `limit` of them, starting after the sort key `after`.
    async fn query(&self, pk: &str, prefix: &str, limit: usize, after: Option<&str>) -> Result<Page, StoreError>;

    /// Applies up to [`MAX_TRANSACTION_WRITES`] writes atomically: all conditions hold and all
    /// writes apply, or nothing changes.
    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError>;

    /// Reads the items of every partition named `{kind}#...` (every person's clients for
    /// `CLIENT`), in partition then sort-key order, at most `limit` of them, starting after
    /// `after` (the `next` of the previous page). A firm-wide read takes pages, not a query per
    /// partition; on DynamoDB it reads the `by_kind` index, eventually consistent (docs/store.md).
    async fn query_kind(&self, kind: &str, limit: usize, after: Option<&str>) -> Result<Page, StoreError>;

    /// Writes many items without conditions, for seeding and staged imports. Not atomic
    /// across the whole batch; callers make the result visible with a later transaction.
    async fn put_many(&self, items: Vec<Item>) -> Result<(), StoreError>;

    /// A lock that queues this process's audited writers, so that many concurrent appends
    /// take turns instead of racing for the head and retrying. Correctness never depends on
    /// it: other processes are kept off the chain by the head's version condition.
    fn append_gate(&self) -> Option<&tokio::sync::Mutex<()>> {
        None
    }
}

/// Reads every item of a partition with the prefix, following pages.
pub async fn query_all(store: &dyn Store, pk: &str, prefix: &str) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.query(pk, prefix, 1000, after.as_deref()).await?;
        items.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(items),
        }
    }
}

/// The record kind of a partition key: the text before `#` (`CLIENT` for `CLIENT#P0001`);
/// partitions without one hold a single kind already.
pub fn kind_of(pk: &str) -> Option<&str> {
    pk.split_once('#').map(|(kind, _)| kind)
}

/// A position in a [`Store::query_kind`] listing: partition and sort key, joined by a unit
/// separator, which sorts below every printable character so positions sort as the pairs do.
pub fn kind_position(pk: &str, sk: &str) -> String {
    format!("{pk}\u{1f}{sk}")
}

/// The partition and sort key of a [`kind_position`].
pub fn split_kind_position(position: &str) -> Option<(&str, &str)> {
    position.split_once('\u{1f}')
}

/// Reads every item of every partition of `kind`, following pages.
pub async fn query_kind_all(store: &dyn Store, kind: &str) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    let mut after: Option<String> = None;
    loop {
        let page = store.query_kind(kind, 1000, after.as_deref()).await?;
        items.extend(page.items);
        match page.next {
            Some(next) => after = Some(next),
            None => return Ok(items),
        }
    }
}
