//! From validated records and the items they replace to groups of conditional writes; pure.
//!
//! A record is matched to what is stored by its identity (its id; AUM by client and date),
//! not by key, so an opportunity that changed owner or a transaction that changed date
//! replaces its old item instead of leaving a copy. Unchanged records produce no write, which
//! is what makes re-sending a file (or completing an interrupted one) change nothing twice.
//! Each group holds everything one record needs (its items, the old keys it leaves, its
//! history) and is always committed inside one transaction.

use crate::{Batch, Counts, PlanDocument, Records};
use chrono::NaiveDate;
use plumbline_engine::{Plan as PlanVersion, Transaction};
use plumbline_firm::{
    Activity, AumSnapshot, Client, ComplianceEvent, Flow, Opportunity, OpportunityChange, OpportunityField, Person,
    PlanAssignment, Quota, Stage, StoredSettings, Team,
};
use plumbline_store::{Condition, Item, StoreError, Write, keys};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::collections::BTreeMap;

/// A record type as the store keeps it.
pub trait Stored: Serialize + DeserializeOwned {
    /// What identifies the record across files.
    fn identity(&self) -> String;
    /// The items' keys (several for a transaction with several payees).
    fn keys(&self) -> Vec<(String, String)>;
}

impl Stored for Opportunity {
    fn identity(&self) -> String {
        self.id.clone()
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::opportunities(&self.owner_id), self.id.clone())]
    }
}

impl Stored for Person {
    fn identity(&self) -> String {
        self.id.clone()
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::PEOPLE.to_string(), self.id.clone())]
    }
}

impl Stored for Transaction {
    fn identity(&self) -> String {
        self.id.clone()
    }
    fn keys(&self) -> Vec<(String, String)> {
        let mut out: Vec<(String, String)> = Vec::new();
        for p in &self.parties {
            let key = (keys::transactions(&p.payee), keys::dated(self.date, &self.id));
            if !out.contains(&key) {
                out.push(key);
            }
        }
        out
    }
}

impl Stored for AumSnapshot {
    fn identity(&self) -> String {
        format!("{}#{}", self.client_id, self.date)
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::aum(&self.client_id), self.date.to_string())]
    }
}

impl Stored for Flow {
    fn identity(&self) -> String {
        self.id.clone()
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::flows(&self.client_id), keys::dated(self.date, &self.id))]
    }
}

impl Stored for ComplianceEvent {
    fn identity(&self) -> String {
        self.id.clone()
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::conduct(&self.person_id), keys::dated(self.date, &self.id))]
    }
}

impl Stored for Activity {
    fn identity(&self) -> String {
        self.id.clone()
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::activities(&self.person_id), keys::dated(self.date, &self.id))]
    }
}

impl Stored for StoredSettings {
    fn identity(&self) -> String {
        keys::FIRM_SETTINGS.to_string()
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::FIRM.to_string(), keys::FIRM_SETTINGS.to_string())]
    }
}

impl Stored for PlanVersion {
    fn identity(&self) -> String {
        keys::plan_version(&self.id, self.version)
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::PLANS.to_string(), keys::plan_version(&self.id, self.version))]
    }
}

impl Stored for Team {
    fn identity(&self) -> String {
        self.id.clone()
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::TEAMS.to_string(), self.id.clone())]
    }
}

impl Stored for Client {
    fn identity(&self) -> String {
        self.id.clone()
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::clients(&self.owner_id), self.id.clone())]
    }
}

impl Stored for Quota {
    fn identity(&self) -> String {
        format!("{}#{}", self.person_id, self.year_start)
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::quotas(&self.person_id), self.year_start.to_string())]
    }
}

impl Stored for PlanAssignment {
    fn identity(&self) -> String {
        format!("{}#{}", self.person_id, self.from)
    }
    fn keys(&self) -> Vec<(String, String)> {
        vec![(keys::assignments(&self.person_id), self.from.to_string())]
    }
}

/// The writes a batch needs, grouped so that each group is committed whole.
#[derive(Debug, Clone, PartialEq)]
pub struct Plan {
    /// One group per created or changed record.
    pub groups: Vec<Vec<Write>>,
    /// What the groups amount to.
    pub counts: Counts,
}

impl Plan {
    /// Total writes over all groups.
    pub fn writes(&self) -> usize {
        self.groups.iter().map(Vec::len).sum()
    }
}

/// The partitions whose items a batch may replace: where its records go, plus every
/// opportunity (client) partition for opportunities (clients): an owner change moves the item.
pub fn partitions(batch: &Batch, people: &[String]) -> Vec<String> {
    let mut out: Vec<String> = match &batch.records {
        Records::Opportunities(_) => people.iter().map(|p| keys::opportunities(p)).collect(),
        Records::Clients(_) => people.iter().map(|p| keys::clients(p)).collect(),
        Records::Settings(_) => vec![keys::FIRM.to_string()],
        Records::Plans(_) => vec![keys::PLANS.to_string(), keys::REGULATION.to_string()],
        Records::Teams(_) => vec![keys::TEAMS.to_string()],
        Records::Quotas(r) => pks(r),
        Records::Assignments(r) => pks(r),
        Records::People(_) => vec![keys::PEOPLE.to_string()],
        Records::Transactions(r) => pks(r),
        Records::Aum(r) => pks(r),
        Records::Flows(r) => pks(r),
        Records::Compliance(r) => pks(r),
        Records::Activities(r) => pks(r),
    };
    out.sort();
    out.dedup();
    out
}

fn pks<T: Stored>(records: &[(u64, T)]) -> Vec<String> {
    records.iter().flat_map(|(_, r)| r.keys().into_iter().map(|(pk, _)| pk)).collect()
}

/// Compares the batch with the stored items of [`partitions`] and returns the writes.
/// `today` dates opportunity changes whose file gives no modification date.
pub fn plan(batch: &Batch, existing: &[Item], today: NaiveDate) -> Result<Plan, StoreError> {
    let history_tag = &batch.content_hash[..batch.content_hash.len().min(12)];
    match &batch.records {
        Records::Opportunities(r) => {
            let plain: Vec<(u64, Opportunity)> = r.iter().map(|(l, o)| (*l, o.record.clone())).collect();
            let modified: BTreeMap<&str, Option<NaiveDate>> =
                r.iter().map(|(_, o)| (o.record.id.as_str(), o.modified)).collect();
            diff(&plain, existing, |old, new| {
                let changed_on = modified.get(new.id.as_str()).copied().flatten().unwrap_or(today);
                history(old, new, changed_on, history_tag)
            })
        }
        Records::People(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Transactions(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Aum(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Flows(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Compliance(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Activities(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Settings(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Plans(r) => plan_documents(r, existing),
        Records::Teams(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Clients(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Quotas(r) => diff(r, existing, |_, _| Ok(Vec::new())),
        Records::Assignments(r) => diff(r, existing, |_, _| Ok(Vec::new())),
    }
}

/// Plan versions compared as records; a regulated plan's rules (stored once per plan id) are
/// written with the version when not stored yet. Parsing has refused rules that differ from
/// the stored ones.
fn plan_documents(documents: &[(u64, PlanDocument)], existing: &[Item]) -> Result<Plan, StoreError> {
    let plans: Vec<(u64, PlanVersion)> = documents.iter().map(|(l, d)| (*l, d.plan.clone())).collect();
    let mut out = diff(&plans, existing, |_, _| Ok(Vec::new()))?;
    for (_, doc) in documents {
        let Some(regulation) = &doc.regulation else { continue };
        if existing.iter().any(|i| i.pk == keys::REGULATION && i.sk == doc.plan.id) {
            continue;
        }
        let write = Write::Put {
            item: Item::new(keys::REGULATION, &doc.plan.id, regulation)?,
            condition: Condition::NotExists,
        };
        let version = keys::plan_version(&doc.plan.id, doc.plan.version);
        let group = out.groups.iter_mut().find(|g| g.iter().any(|w| w.key() == (keys::PLANS, version.as_str())));
        match group {
            Some(group) => group.push(write),
            None => {
                // The version was stored before without its rules: the document now adds them.
                out.counts.unchanged -= 1;
                out.counts.updated += 1;
                out.groups.push(vec![write]);
            }
        }
    }
    Ok(out)
}

/// The generic comparison; `extra` adds writes for a created (`old` = None) or changed record.
fn diff<T: Stored>(
    records: &[(u64, T)],
    existing: &[Item],
    mut extra: impl FnMut(Option<&T>, &T) -> Result<Vec<Write>, StoreError>,
) -> Result<Plan, StoreError> {
    // Stored items by identity; an item that does not decode as T is not one of ours.
    let mut stored: BTreeMap<String, Vec<(&Item, T)>> = BTreeMap::new();
    for item in existing {
        if let Ok(record) = item.decode::<T>() {
            stored.entry(record.identity()).or_default().push((item, record));
        }
    }
    let mut counts = Counts::default();
    let mut groups = Vec::new();
    for (_, record) in records {
        let data = serde_json::to_value(record).map_err(|e| StoreError::Encode(e.to_string()))?;
        let new_keys = record.keys();
        let old = stored.get(&record.identity()).map(Vec::as_slice).unwrap_or_default();
        let same = old.len() == new_keys.len()
            && old
                .iter()
                .all(|(item, _)| new_keys.iter().any(|(pk, sk)| *pk == item.pk && *sk == item.sk) && item.data == data);
        if same {
            counts.unchanged += 1;
            continue;
        }
        let mut group = Vec::new();
        for (item, _) in old {
            if !new_keys.iter().any(|(pk, sk)| *pk == item.pk && *sk == item.sk) {
                group.push(Write::Delete {
                    pk: item.pk.clone(),
                    sk: item.sk.clone(),
                    condition: Condition::VersionIs(item.version),
                });
            }
        }
        for (pk, sk) in new_keys {
            let at = old.iter().find(|(item, _)| item.pk == pk && item.sk == sk);
            match at {
                Some((item, _)) if item.data == data => {}
                Some((item, _)) => group.push(Write::Put {
                    item: Item { pk, sk, version: item.version + 1, data: data.clone() },
                    condition: Condition::VersionIs(item.version),
                }),
                None => group.push(Write::Put {
                    item: Item { pk, sk, version: 1, data: data.clone() },
                    condition: Condition::NotExists,
                }),
            }
        }
        let before = old.first().map(|(_, r)| r);
        let added = extra(before, record)?;
        counts.history += added.len();
        group.extend(added);
        if old.is_empty() {
            counts.created += 1;
        } else {
            counts.updated += 1;
        }
        groups.push(group);
    }
    Ok(Plan { groups, counts })
}

fn stage_name(stage: Stage) -> String {
    serde_json::to_value(stage).ok().and_then(|v| v.as_str().map(str::to_string)).unwrap_or_default()
}

/// The history entries an opportunity's change needs: stage, close date and amount moves.
/// A new opportunity gets one entry for the stage it arrives in, dated when it was created
/// (open) or closed (won or lost); earlier stages the file does not show are not invented.
fn history(old: Option<&Opportunity>, new: &Opportunity, date: NaiveDate, tag: &str) -> Result<Vec<Write>, StoreError> {
    let mut changes = Vec::new();
    let change = |date, field, from: String, to: String| OpportunityChange {
        opportunity_id: new.id.clone(),
        date,
        field,
        from,
        to,
    };
    match old {
        None => {
            let at = if new.stage.is_open() { new.created } else { new.close_date };
            changes.push(change(at, OpportunityField::Stage, String::new(), stage_name(new.stage)));
        }
        Some(old) => {
            if old.stage != new.stage {
                changes.push(change(date, OpportunityField::Stage, stage_name(old.stage), stage_name(new.stage)));
            }
            if old.close_date != new.close_date {
                changes.push(change(
                    date,
                    OpportunityField::CloseDate,
                    old.close_date.to_string(),
                    new.close_date.to_string(),
                ));
            }
            if old.amount != new.amount {
                changes.push(change(date, OpportunityField::Amount, old.amount.to_string(), new.amount.to_string()));
            }
        }
    }
    changes
        .iter()
        .enumerate()
        .map(|(k, c)| {
            // The batch's hash in the key makes a re-sent batch write the same keys, and sorts
            // imported changes after the seeded ones (digits) of the same day.
            let sk = format!("{}#i{tag}-{k}", c.date);
            Ok(Write::Put {
                item: Item::new(keys::opportunity_history(&c.opportunity_id), sk, c)?,
                condition: Condition::NotExists,
            })
        })
        .collect()
}
