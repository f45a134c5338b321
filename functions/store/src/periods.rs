//! Period close: each payee's statement for a period frozen as paid, and the close record
//! that makes the frozen statements count.
//!
//! A firm closes its periods one after another. Closing one is too large for one store
//! transaction (a statement per payee), so it is two steps: [`stage_paid`] writes the frozen
//! statements under the close's own id (`PAID#{person}` / `{period}#{close id}`), then
//! [`close_writes`] commits the close record and the closed range naming that id, in one
//! transaction with the audit record. Until it commits the staged statements count for
//! nothing; a close that stopped part-way, or lost a race, leaves statements no range names.

use crate::{Condition, Item, Store, StoreError, Write, keys, query_all};
use serde::de::DeserializeOwned;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The closed periods: every period label from `first` to `last`, inclusive, in order.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClosedRange {
    /// The first period ever closed.
    pub first: String,
    /// The latest period closed.
    pub last: String,
    /// The id of the close of each period, naming its frozen statements.
    pub closes: BTreeMap<String, String>,
}

impl ClosedRange {
    /// Whether the period labelled `label` is closed (labels sort in time order).
    pub fn contains(&self, label: &str) -> bool {
        self.first.as_str() <= label && label <= self.last.as_str()
    }

    /// Whether `sk` is the sort key of a frozen statement of a closed period; its period.
    fn period_of<'a>(&self, sk: &'a str) -> Option<&'a str> {
        let (period, id) = sk.split_once('#')?;
        (self.closes.get(period).map(String::as_str) == Some(id)).then_some(period)
    }
}

/// The closed range as stored, with the version a close must find unchanged.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Closed {
    /// The range.
    pub range: ClosedRange,
    /// The stored item's version.
    pub version: u64,
}

/// The closed periods, if any period was ever closed.
pub async fn closed(store: &dyn Store) -> Result<Option<Closed>, StoreError> {
    let Some(item) = store.get(keys::FIRM, keys::CLOSED_RANGE).await? else { return Ok(None) };
    Ok(Some(Closed { range: item.decode()?, version: item.version }))
}

/// Writes the frozen statements of `period` for the close `close_id`, one per payee, ahead
/// of [`close_writes`].
pub async fn stage_paid<T: Serialize>(
    store: &dyn Store,
    period: &str,
    close_id: &str,
    paid: &[(String, T)],
) -> Result<(), StoreError> {
    let sk = format!("{period}#{close_id}");
    let items =
        paid.iter().map(|(person, record)| Item::new(keys::paid(person), &sk, record)).collect::<Result<_, _>>()?;
    store.put_many(items).await
}

/// The writes that close `period` as `close_id`: its close record (refused if the period has
/// one) and the closed range moved to it, conditional on the range read (`previous`), so two
/// closes racing cannot both succeed. The caller commits them with the audit record.
pub fn close_writes<T: Serialize>(
    period: &str,
    close_id: &str,
    record: &T,
    previous: Option<&Closed>,
) -> Result<Vec<Write>, StoreError> {
    let mut closes = previous.map(|c| c.range.closes.clone()).unwrap_or_default();
    closes.insert(period.to_string(), close_id.to_string());
    let range = ClosedRange {
        first: previous.map_or_else(|| period.to_string(), |c| c.range.first.clone()),
        last: period.to_string(),
        closes,
    };
    let mut range_item = Item::new(keys::FIRM, keys::CLOSED_RANGE, &range)?;
    range_item.version = previous.map_or(1, |c| c.version + 1);
    Ok(vec![
        Write::Put { item: Item::new(keys::CLOSES, period, record)?, condition: Condition::NotExists },
        Write::Put {
            item: range_item,
            condition: previous.map_or(Condition::NotExists, |c| Condition::VersionIs(c.version)),
        },
    ])
}

/// The close record of `period`, if it is closed.
pub async fn close_record<T: DeserializeOwned>(store: &dyn Store, period: &str) -> Result<Option<T>, StoreError> {
    store.get(keys::CLOSES, period).await?.map(|i| i.decode()).transpose()
}

/// A person's frozen statement for the closed period `period`, if its close froze one.
pub async fn paid_for<T: DeserializeOwned>(
    store: &dyn Store,
    closed: &ClosedRange,
    person_id: &str,
    period: &str,
) -> Result<Option<T>, StoreError> {
    let Some(id) = closed.closes.get(period) else { return Ok(None) };
    store.get(&keys::paid(person_id), &format!("{period}#{id}")).await?.map(|i| i.decode()).transpose()
}

/// A person's frozen statements for the closed periods from `from` on, in period order.
pub async fn paid_in<T: DeserializeOwned>(
    store: &dyn Store,
    closed: &ClosedRange,
    person_id: &str,
    from: &str,
) -> Result<Vec<(String, T)>, StoreError> {
    let items = query_all(store, &keys::paid(person_id), "").await?;
    let mut out = Vec::new();
    for item in items {
        if let Some(period) = closed.period_of(&item.sk).filter(|p| *p >= from) {
            out.push((period.to_string(), item.decode()?));
        }
    }
    Ok(out)
}
