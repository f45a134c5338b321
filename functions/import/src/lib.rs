//! Data sync: files from the CRM, HR, finance, compliance and calendars, validated completely
//! and then applied to the store with an audit record in every transaction.
//!
//! [`parse`] is pure: bytes, an optional [`Mapping`] and the firm's reference data
//! ([`FirmIndex`]) in, records or every problem out. [`plan::plan`] is pure too: records and the
//! stored items they replace in, groups of conditional writes out. [`run`] does the IO: reads
//! the reference data, parses, plans, and commits. The design is in docs/imports.md.

mod documents;
mod ics;
pub mod index;
mod kinds;
pub mod mapping;
pub mod plan;
mod problem;
mod table;
mod values;

mod apply;

pub use apply::{IMPORTS, ImportRequest, batch_key, load_index, run};
pub use index::FirmIndex;
pub use mapping::{FieldSpec, IfBlank, Mapping, Unmapped};
pub use plumbline_firm::imports::{
    Actor, Counts, ImportJob, ImportKind, ImportRejected, ImportReport, Problem, ProblemCode, Skipped, Step,
};
pub use table::FieldDef;

use chrono::NaiveDate;
use plumbline_engine::{Plan, Transaction};
use plumbline_firm::{
    Activity, AumSnapshot, Client, ComplianceEvent, Flow, Opportunity, Person, PlanAssignment, Quota, StoredSettings,
    Team,
};
use plumbline_regulation::document::Regulation;
use serde::{Deserialize, Serialize};
use sha2::{Digest, Sha256};

/// Our fields for a kind of import (CSV kinds; the calendar and JSON documents have none).
pub fn fields(kind: ImportKind) -> &'static [FieldDef] {
    match kind {
        ImportKind::Opportunities => kinds::OPPORTUNITY,
        ImportKind::People => kinds::PERSON,
        ImportKind::Transactions => kinds::TRANSACTION,
        ImportKind::Aum => kinds::AUM,
        ImportKind::Flows => kinds::FLOW,
        ImportKind::Compliance => kinds::COMPLIANCE,
        ImportKind::Activities => kinds::ACTIVITY,
        ImportKind::Teams => kinds::TEAM,
        ImportKind::Clients => kinds::CLIENT,
        ImportKind::Quotas => kinds::QUOTA,
        ImportKind::Assignments => kinds::ASSIGNMENT,
        ImportKind::Calendar | ImportKind::Settings | ImportKind::Plans => &[],
    }
}

/// An opportunity as read, with the day the source last changed it (dates its history).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ImportedOpportunity {
    /// The opportunity.
    pub record: Opportunity,
    /// When the source system last modified it, if the file says.
    pub modified: Option<NaiveDate>,
}

/// A plan version as imported, with its financial-services rules when the file is a regulated
/// plan document (`{"plan": ..., "regulation": ...}`, docs/regulation.md).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PlanDocument {
    /// The plan version.
    pub plan: Plan,
    /// The rules of a regulated plan; they apply to every version of it.
    pub regulation: Option<Regulation>,
}

/// Valid records of one file, each with the line it came from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Records {
    /// Opportunities.
    Opportunities(Vec<(u64, ImportedOpportunity)>),
    /// People.
    People(Vec<(u64, Person)>),
    /// Transactions.
    Transactions(Vec<(u64, Transaction)>),
    /// AUM positions.
    Aum(Vec<(u64, AumSnapshot)>),
    /// Flows.
    Flows(Vec<(u64, Flow)>),
    /// Compliance events.
    Compliance(Vec<(u64, ComplianceEvent)>),
    /// Activities (CSV or calendar).
    Activities(Vec<(u64, Activity)>),
    /// The firm's settings (one document).
    Settings(Vec<(u64, StoredSettings)>),
    /// A plan version (one document).
    Plans(Vec<(u64, PlanDocument)>),
    /// Teams.
    Teams(Vec<(u64, Team)>),
    /// Clients.
    Clients(Vec<(u64, Client)>),
    /// Quotas.
    Quotas(Vec<(u64, Quota)>),
    /// Plan assignments.
    Assignments(Vec<(u64, PlanAssignment)>),
}

impl Records {
    /// Number of records.
    pub fn len(&self) -> usize {
        match self {
            Records::Opportunities(r) => r.len(),
            Records::People(r) => r.len(),
            Records::Transactions(r) => r.len(),
            Records::Aum(r) => r.len(),
            Records::Flows(r) => r.len(),
            Records::Compliance(r) => r.len(),
            Records::Activities(r) => r.len(),
            Records::Settings(r) => r.len(),
            Records::Plans(r) => r.len(),
            Records::Teams(r) => r.len(),
            Records::Clients(r) => r.len(),
            Records::Quotas(r) => r.len(),
            Records::Assignments(r) => r.len(),
        }
    }

    /// Whether there are none.
    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }
}

/// Counts rows skipped for one reason, keeping the first ten line numbers.
fn skipped(reason: &str, rows: Vec<u64>) -> Skipped {
    Skipped { reason: reason.to_string(), count: rows.len(), first_rows: rows.into_iter().take(10).collect() }
}

/// A validated file: everything [`plan::plan`] needs.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Batch {
    /// What it holds.
    pub kind: ImportKind,
    /// The file name as given.
    pub file: String,
    /// SHA-256 of the kind, the bytes and the mapping: the batch's identity.
    pub content_hash: String,
    /// Data rows (CSV) or events (calendar) read.
    pub rows: usize,
    /// The valid records.
    pub records: Records,
    /// Rows left out on purpose.
    pub skipped: Vec<Skipped>,
    /// Optional fields whose column is absent, so every row took the default.
    pub defaulted: Vec<String>,
}

/// The identity of a batch: the same kind, bytes and mapping always give the same hash.
pub fn content_hash(kind: ImportKind, bytes: &[u8], mapping: Option<&Mapping>) -> String {
    let mut h = Sha256::new();
    h.update(kind.as_str().as_bytes());
    h.update([0]);
    h.update((bytes.len() as u64).to_be_bytes());
    h.update(bytes);
    if let Some(m) = mapping {
        // Canonical JSON (sorted maps), so formatting of the mapping file does not matter.
        h.update(serde_json::to_vec(m).unwrap_or_default());
    }
    hex::encode(h.finalize())
}

/// Parses and validates a file completely; pure. Returns every problem when any is found.
pub fn parse(
    kind: ImportKind,
    file: &str,
    bytes: &[u8],
    mapping: Option<&Mapping>,
    index: &FirmIndex,
) -> Result<Batch, ImportRejected> {
    let mut problems = problem::Problems::new(file);
    let mut skipped = Vec::new();
    if let Some(m) = mapping
        && m.kind != kind
    {
        problems.push(
            None,
            Some("kind"),
            Some(m.kind.as_str()),
            ProblemCode::BadMapping,
            format!("the mapping is for {} imports, not {kind}", m.kind),
        );
        return problems.into_result(empty(kind, file));
    }
    let documents = [ImportKind::Calendar, ImportKind::Settings, ImportKind::Plans];
    if documents.contains(&kind) && mapping.is_some() {
        problems.push(None, None, None, ProblemCode::BadMapping, format!("{kind} files take no mapping"));
    }
    let (records, rows, defaulted) = if kind == ImportKind::Calendar {
        let (records, rows) = ics::activities(bytes, index, &mut problems, &mut skipped);
        (records, rows, Vec::new())
    } else if kind == ImportKind::Settings {
        (documents::settings(bytes, &mut problems), 1, Vec::new())
    } else if kind == ImportKind::Plans {
        (documents::plan(bytes, index, &mut problems), 1, Vec::new())
    } else {
        let chosen = match mapping {
            Some(m) => m.clone(),
            None if kind == ImportKind::Opportunities && looks_like_salesforce(bytes) => {
                Mapping::salesforce_opportunities()
            }
            None => Mapping::identity(kind),
        };
        let Some(t) = table::Table::read(bytes, fields(kind), &chosen, &mut problems) else {
            return problems.into_result(empty(kind, file));
        };
        let read = match kind {
            ImportKind::Opportunities => kinds::opportunities,
            ImportKind::People => kinds::people,
            ImportKind::Transactions => kinds::transactions,
            ImportKind::Aum => kinds::aum,
            ImportKind::Flows => kinds::flows,
            ImportKind::Compliance => kinds::compliance,
            ImportKind::Teams => kinds::teams,
            ImportKind::Clients => kinds::clients,
            ImportKind::Quotas => kinds::quotas,
            ImportKind::Assignments => kinds::assignments,
            ImportKind::Activities | ImportKind::Calendar | ImportKind::Settings | ImportKind::Plans => {
                kinds::activities
            }
        };
        let records = read(&t, file, index, &mut problems, &mut skipped);
        (records, t.len(), t.defaulted.clone())
    };
    let batch = Batch {
        kind,
        file: file.to_string(),
        content_hash: content_hash(kind, bytes, mapping),
        rows,
        records,
        skipped,
        defaulted,
    };
    problems.into_result(batch)
}

fn empty(kind: ImportKind, file: &str) -> Batch {
    Batch {
        kind,
        file: file.to_string(),
        content_hash: String::new(),
        rows: 0,
        records: Records::Activities(Vec::new()),
        skipped: Vec::new(),
        defaulted: Vec::new(),
    }
}

/// A Salesforce export names its columns with API names such as `StageName`.
fn looks_like_salesforce(bytes: &[u8]) -> bool {
    let first = bytes.split(|b| *b == b'\n').next().unwrap_or_default();
    String::from_utf8_lossy(first).split(',').any(|h| h.trim().trim_matches('"') == "StageName")
}

/// Receives progress; the CLI prints it, the API can keep the latest for polling.
pub trait Progress: Sync {
    /// Called at each step, and after every committed transaction while applying.
    fn update(&self, step: &Step);
}

/// Progress that goes nowhere.
pub struct NoProgress;

impl Progress for NoProgress {
    fn update(&self, _step: &Step) {}
}
