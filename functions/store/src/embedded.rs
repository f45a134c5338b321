//! The embedded store: one redb file, ACID transactions, the default for local use.

use crate::{
    Condition, Item, MAX_TRANSACTION_WRITES, Page, Store, StoreError, Write, kind_position, split_kind_position,
};
use async_trait::async_trait;
use redb::{Database, ReadableDatabase, ReadableTable, TableDefinition};
use serde::{Deserialize, Serialize};
use std::collections::BTreeSet;
use std::ops::Bound;
use std::path::Path;
use std::sync::Arc;

const ITEMS: TableDefinition<(&str, &str), &[u8]> = TableDefinition::new("items");

/// A durable store in a single file, safe for concurrent use from one process.
#[derive(Clone)]
pub struct EmbeddedStore {
    db: Arc<Database>,
    gate: Arc<tokio::sync::Mutex<()>>,
}

#[derive(Serialize, Deserialize)]
struct Stored {
    version: u64,
    data: serde_json::Value,
}

fn backend(e: impl std::fmt::Display) -> StoreError {
    StoreError::Backend(e.to_string())
}

fn encode(item: &Item) -> Result<Vec<u8>, StoreError> {
    serde_json::to_vec(&Stored { version: item.version, data: item.data.clone() })
        .map_err(|e| StoreError::Encode(e.to_string()))
}

fn decode(pk: &str, sk: &str, bytes: &[u8]) -> Result<Item, StoreError> {
    let stored: Stored = serde_json::from_slice(bytes).map_err(|e| StoreError::Decode {
        pk: pk.to_string(),
        sk: sk.to_string(),
        message: e.to_string(),
    })?;
    Ok(Item { pk: pk.to_string(), sk: sk.to_string(), version: stored.version, data: stored.data })
}

impl EmbeddedStore {
    /// Opens the store file at `path`, creating it if needed.
    pub fn open(path: &Path) -> Result<EmbeddedStore, StoreError> {
        let db = Database::create(path).map_err(backend)?;
        let txn = db.begin_write().map_err(backend)?;
        txn.open_table(ITEMS).map_err(backend)?;
        txn.commit().map_err(backend)?;
        Ok(EmbeddedStore { db: Arc::new(db), gate: Arc::default() })
    }

    async fn blocking<T: Send + 'static>(
        &self,
        work: impl FnOnce(&Database) -> Result<T, StoreError> + Send + 'static,
    ) -> Result<T, StoreError> {
        let db = self.db.clone();
        tokio::task::spawn_blocking(move || work(&db)).await.map_err(backend)?
    }
}

#[async_trait]
impl Store for EmbeddedStore {
    fn append_gate(&self) -> Option<&tokio::sync::Mutex<()>> {
        Some(&self.gate)
    }

    async fn get(&self, pk: &str, sk: &str) -> Result<Option<Item>, StoreError> {
        let (pk, sk) = (pk.to_string(), sk.to_string());
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(backend)?;
            let table = txn.open_table(ITEMS).map_err(backend)?;
            match table.get((pk.as_str(), sk.as_str())).map_err(backend)? {
                Some(v) => Ok(Some(decode(&pk, &sk, v.value())?)),
                None => Ok(None),
            }
        })
        .await
    }

    async fn query(&self, pk: &str, prefix: &str, limit: usize, after: Option<&str>) -> Result<Page, StoreError> {
        let (pk, prefix, after) = (pk.to_string(), prefix.to_string(), after.map(str::to_string));
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(backend)?;
            let table = txn.open_table(ITEMS).map_err(backend)?;
            let start = match &after {
                Some(a) if a.as_str() >= prefix.as_str() => Bound::Excluded((pk.as_str(), a.as_str())),
                _ => Bound::Included((pk.as_str(), prefix.as_str())),
            };
            let mut items = Vec::new();
            let mut more = false;
            for entry in table.range::<(&str, &str)>((start, Bound::Unbounded)).map_err(backend)? {
                let (k, v) = entry.map_err(backend)?;
                let (kpk, ksk) = k.value();
                if kpk != pk || !ksk.starts_with(prefix.as_str()) {
                    break;
                }
                if items.len() == limit {
                    more = true;
                    break;
                }
                items.push(decode(kpk, ksk, v.value())?);
            }
            let next = if more { items.last().map(|i: &Item| i.sk.clone()) } else { None };
            Ok(Page { items, next })
        })
        .await
    }

    async fn query_kind(&self, kind: &str, limit: usize, after: Option<&str>) -> Result<Page, StoreError> {
        let prefix = format!("{kind}#");
        let after = match after {
            Some(a) => Some(
                split_kind_position(a)
                    .map(|(pk, sk)| (pk.to_string(), sk.to_string()))
                    .ok_or_else(|| StoreError::Backend(format!("`{a}` is not a position in a listing by kind")))?,
            ),
            None => None,
        };
        self.blocking(move |db| {
            let txn = db.begin_read().map_err(backend)?;
            let table = txn.open_table(ITEMS).map_err(backend)?;
            let start = match &after {
                Some((pk, sk)) => Bound::Excluded((pk.as_str(), sk.as_str())),
                None => Bound::Included((prefix.as_str(), "")),
            };
            let mut items = Vec::new();
            let mut more = false;
            for entry in table.range::<(&str, &str)>((start, Bound::Unbounded)).map_err(backend)? {
                let (k, v) = entry.map_err(backend)?;
                let (kpk, ksk) = k.value();
                if !kpk.starts_with(prefix.as_str()) {
                    break;
                }
                if items.len() == limit {
                    more = true;
                    break;
                }
                items.push(decode(kpk, ksk, v.value())?);
            }
            let next = if more { items.last().map(|i: &Item| kind_position(&i.pk, &i.sk)) } else { None };
            Ok(Page { items, next })
        })
        .await
    }

    async fn transact(&self, writes: Vec<Write>) -> Result<(), StoreError> {
        if writes.len() > MAX_TRANSACTION_WRITES {
            return Err(StoreError::TooManyWrites(writes.len()));
        }
        let mut keys = BTreeSet::new();
        for w in &writes {
            let (pk, sk) = w.key();
            if !keys.insert((pk.to_string(), sk.to_string())) {
                return Err(StoreError::DuplicateKey { pk: pk.to_string(), sk: sk.to_string() });
            }
        }
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(backend)?;
            {
                let mut table = txn.open_table(ITEMS).map_err(backend)?;
                for w in &writes {
                    let (pk, sk) = w.key();
                    let condition = match w {
                        Write::Put { condition, .. } | Write::Delete { condition, .. } => *condition,
                    };
                    let current =
                        table.get((pk, sk)).map_err(backend)?.map(|v| decode(pk, sk, v.value())).transpose()?;
                    let holds = match condition {
                        Condition::None => true,
                        Condition::NotExists => current.is_none(),
                        Condition::VersionIs(v) => current.is_some_and(|c| c.version == v),
                    };
                    if !holds {
                        // Dropping the uncommitted transaction discards every earlier write.
                        return Err(StoreError::ConditionFailed { pk: pk.to_string(), sk: sk.to_string() });
                    }
                }
                for w in &writes {
                    match w {
                        Write::Put { item, .. } => {
                            table
                                .insert((item.pk.as_str(), item.sk.as_str()), encode(item)?.as_slice())
                                .map_err(backend)?;
                        }
                        Write::Delete { pk, sk, .. } => {
                            table.remove((pk.as_str(), sk.as_str())).map_err(backend)?;
                        }
                    }
                }
            }
            txn.commit().map_err(backend)
        })
        .await
    }

    async fn put_many(&self, items: Vec<Item>) -> Result<(), StoreError> {
        self.blocking(move |db| {
            let txn = db.begin_write().map_err(backend)?;
            {
                let mut table = txn.open_table(ITEMS).map_err(backend)?;
                for item in &items {
                    table.insert((item.pk.as_str(), item.sk.as_str()), encode(item)?.as_slice()).map_err(backend)?;
                }
            }
            txn.commit().map_err(backend)
        })
        .await
    }
}
