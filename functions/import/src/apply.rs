//! The IO half: read the firm's reference data, validate the whole file, then commit it in
//! audited transactions of at most 100 writes, ending with the batch record.

use crate::plan;
use crate::problem::{ProblemCode, Problems};
use crate::{Actor, FirmIndex, ImportKind, ImportRejected, ImportReport, Mapping, Progress, Step, content_hash, parse};
use chrono::{DateTime, SecondsFormat, Utc};
use plumbline_engine::Plan;
use plumbline_firm::{Client, Opportunity, Person, StoredSettings, Team};
use plumbline_regulation::document::Regulation;
use plumbline_store::audit::{AuditEntry, append_with, hash_json};
use plumbline_store::{
    Condition, Item, MAX_TRANSACTION_WRITES, Store, StoreError, Write, keys, query_all, query_kind_all,
};
use std::collections::BTreeMap;

/// Partition of the batch records: one item per applied batch, sorted by kind then hash.
pub const IMPORTS: &str = "IMPORT";

/// Sort key of a batch record.
pub fn batch_key(kind: ImportKind, content_hash: &str) -> String {
    format!("{kind}#{content_hash}")
}

/// Every transaction carries the audit record and the chain head besides the batch's writes,
/// and the last one the batch record too.
const WRITES_PER_TRANSACTION: usize = MAX_TRANSACTION_WRITES - 3;

/// One file to import.
#[derive(Debug, Clone, Copy)]
pub struct ImportRequest<'a> {
    /// What the file holds.
    pub kind: ImportKind,
    /// The file's name, for messages and the audit log.
    pub file_name: &'a str,
    /// Its content.
    pub bytes: &'a [u8],
    /// How its columns map to ours, when they are not our own names.
    pub mapping: Option<&'a Mapping>,
    /// Now: stamps the audit records and dates opportunity changes the file does not date.
    pub at: DateTime<Utc>,
}

fn store_error(e: StoreError) -> ImportRejected {
    ImportRejected::Store { message: e.to_string() }
}

/// Reads the reference data an import validates against: settings, people, teams, plan
/// versions and regulated plans' rules, and every person's clients and opportunities.
pub async fn load_index(store: &dyn Store) -> Result<FirmIndex, StoreError> {
    let settings =
        store.get(keys::FIRM, keys::FIRM_SETTINGS).await?.map(|i| i.decode::<StoredSettings>()).transpose()?;
    let people = decode_all::<Person>(query_all(store, keys::PEOPLE, "").await?)?;
    let teams = decode_all::<Team>(query_all(store, keys::TEAMS, "").await?)?;
    // Both live under their owner (docs/store.md): read by kind, a page at a time for the firm.
    let clients = decode_all::<Client>(query_kind_all(store, keys::kind::CLIENTS).await?)?;
    let opportunities = decode_all::<Opportunity>(query_kind_all(store, keys::kind::OPPORTUNITIES).await?)?;
    let plans = decode_all::<Plan>(query_all(store, keys::PLANS, "").await?)?;
    let regulations = query_all(store, keys::REGULATION, "")
        .await?
        .iter()
        .map(|i| Ok((i.sk.clone(), i.decode::<Regulation>()?)))
        .collect::<Result<_, StoreError>>()?;
    let index = FirmIndex::new(settings.map(|s| s.base_currency), people, teams, clients, opportunities);
    Ok(index.with_plans(plans, regulations))
}

fn decode_all<T: serde::de::DeserializeOwned>(items: Vec<Item>) -> Result<Vec<T>, StoreError> {
    items.iter().map(Item::decode).collect()
}

/// Validates the file completely, then applies it; see docs/imports.md.
///
/// A file that fails validation writes nothing. A file applied before (same kind, bytes and
/// mapping) writes nothing and returns the earlier report. Otherwise the changes are committed
/// in transactions of at most 100 writes, each with its audit record; the last also writes the
/// batch record. If something stops it part-way, re-sending the file completes it.
pub async fn run(
    store: &dyn Store,
    actor: &Actor,
    request: &ImportRequest<'_>,
    progress: &dyn Progress,
) -> Result<ImportReport, ImportRejected> {
    let kind = request.kind;
    if !kind.allows(actor.role) {
        return Err(ImportRejected::Forbidden { role: actor.role.as_str().into(), kind: kind.as_str().into() });
    }
    progress.update(&Step::Loading);
    let hash = content_hash(kind, request.bytes, request.mapping);
    if let Some(item) = store.get(IMPORTS, &batch_key(kind, &hash)).await.map_err(store_error)? {
        let mut report: ImportReport = item.decode().map_err(store_error)?;
        report.already_imported = true;
        progress.update(&Step::Done);
        return Ok(report);
    }
    let index = load_index(store).await.map_err(store_error)?;
    let batch = parse(kind, request.file_name, request.bytes, request.mapping, &index)?;
    progress.update(&Step::Validated { rows: batch.rows, records: batch.records.len() });

    let people: Vec<String> = index.people.keys().cloned().collect();
    let mut existing = Vec::new();
    for pk in plan::partitions(&batch, &people) {
        existing.extend(query_all(store, &pk, "").await.map_err(store_error)?);
    }
    let plan = plan::plan(&batch, &existing, request.at.date_naive()).map_err(store_error)?;
    if let Some(big) = plan.groups.iter().find(|g| g.len() > WRITES_PER_TRANSACTION) {
        let (pk, sk) = big[0].key();
        let mut problems = Problems::new(request.file_name);
        problems.push(
            None,
            None,
            Some(&format!("{pk} / {sk}")),
            ProblemCode::BadValue,
            format!("one record needs {} writes; a transaction holds {WRITES_PER_TRANSACTION}", big.len()),
        );
        return Err(ImportRejected::Invalid { file: problems.file, problems: problems.list });
    }

    let at = request.at.to_rfc3339_opts(SecondsFormat::Secs, true);
    let mut report = ImportReport {
        kind,
        file: request.file_name.to_string(),
        content_hash: hash.clone(),
        actor: actor.clone(),
        at: at.clone(),
        rows: batch.rows,
        records: batch.records.len(),
        counts: plan.counts,
        skipped: batch.skipped.clone(),
        defaulted: batch.defaulted.clone(),
        writes: plan.writes() + 1,
        transactions: 0,
        audit_seqs: (0, 0),
        already_imported: false,
    };
    let chunks = pack(plan.groups);
    report.transactions = chunks.len();
    let of = report.records;
    // Unchanged records need no write: they are done as soon as the batch is planned.
    let mut records = plan.counts.unchanged;
    let by_key: BTreeMap<(&str, &str), &Item> = existing.iter().map(|i| ((i.pk.as_str(), i.sk.as_str()), i)).collect();
    let total = report.writes;
    let mut written = 0;
    let count = chunks.len();
    for (i, (groups, mut writes)) in chunks.into_iter().enumerate() {
        let last = i + 1 == count;
        if last {
            writes.push(Write::Put {
                item: Item::new(IMPORTS, batch_key(kind, &hash), &report).map_err(store_error)?,
                condition: Condition::NotExists,
            });
        }
        let entry = audit_entry(actor, &at, &report, &writes, &by_key, i + 1, count);
        let n = writes.len();
        match append_with(store, writes, entry).await {
            Ok(record) => {
                if i == 0 {
                    report.audit_seqs.0 = record.seq;
                }
                report.audit_seqs.1 = record.seq;
            }
            Err(e) => {
                return Err(ImportRejected::Interrupted {
                    file: request.file_name.to_string(),
                    applied_writes: written,
                    message: e.to_string(),
                });
            }
        }
        written += n;
        records += groups;
        progress.update(&Step::Applying { records: records.min(of), of, written, total });
    }
    progress.update(&Step::Done);
    Ok(report)
}

/// Packs whole groups into transactions, in file order, each with the number of groups (records)
/// it holds; always at least one transaction (the batch record is written even when nothing
/// changed).
fn pack(groups: Vec<Vec<Write>>) -> Vec<(usize, Vec<Write>)> {
    let mut chunks: Vec<(usize, Vec<Write>)> = vec![(0, Vec::new())];
    for group in groups {
        if chunks.last().is_some_and(|(_, c)| c.len() + group.len() > WRITES_PER_TRANSACTION) {
            chunks.push((0, Vec::new()));
        }
        if let Some((n, c)) = chunks.last_mut() {
            *n += 1;
            c.extend(group);
        }
    }
    chunks
}

/// The audit record of one transaction: who, which file (name and hash), this part's writes
/// and the batch's counts, with hashes of the items replaced and written.
fn audit_entry(
    actor: &Actor,
    at: &str,
    report: &ImportReport,
    writes: &[Write],
    existing: &BTreeMap<(&str, &str), &Item>,
    part: usize,
    parts: usize,
) -> AuditEntry {
    let before: Vec<&serde_json::Value> =
        writes.iter().filter_map(|w| existing.get(&w.key()).map(|i| &i.data)).collect();
    let after: Vec<serde_json::Value> = writes
        .iter()
        .map(|w| match w {
            Write::Put { item, .. } => serde_json::json!([item.pk, item.sk, item.data]),
            Write::Delete { pk, sk, .. } => serde_json::json!([pk, sk, null]),
        })
        .collect();
    let c = &report.counts;
    let skipped: usize = report.skipped.iter().map(|s| s.count).sum();
    AuditEntry {
        at: at.to_string(),
        actor: actor.id.clone(),
        role: actor.role.as_str().to_string(),
        action: format!("import.{}", report.kind),
        entity: format!("import/{}/{}", report.kind, report.content_hash),
        before_hash: (!before.is_empty()).then(|| hash_json(&serde_json::json!(before))),
        after_hash: Some(hash_json(&serde_json::Value::Array(after))),
        reason: format!(
            "{} (sha256 {}), part {part} of {parts}: {} writes; batch: {} rows, {} created, {} updated, {} unchanged, {} history entries, {skipped} rows skipped",
            report.file,
            report.content_hash,
            writes.len(),
            report.rows,
            c.created,
            c.updated,
            c.unchanged,
            c.history
        ),
    }
}
