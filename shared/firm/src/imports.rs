//! Wire types of data imports (docs/imports.md): what was asked, what went wrong and where,
//! and what was done. The parsing and applying live in `functions/import`.

use crate::records::Role;
use serde::{Deserialize, Serialize};
use std::fmt;
use std::str::FromStr;

/// What a file holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ImportKind {
    /// CRM opportunities (our columns, a Salesforce Opportunity export, or any CSV via a mapping).
    Opportunities,
    /// The HR roster and its reporting hierarchy.
    People,
    /// Finance transactions that earn credit.
    Transactions,
    /// Month-end AUM positions per client.
    Aum,
    /// Client deposits and withdrawals.
    Flows,
    /// Conduct and compliance events.
    Compliance,
    /// A CRM activity export (CSV).
    Activities,
    /// Calendar events (iCalendar `.ics`) as activities.
    Calendar,
    /// The firm's settings (JSON): name, base currency, fiscal year start, optional as-of date.
    Settings,
    /// One compensation plan version (JSON), validated as the engine validates plans.
    Plans,
    /// Sales teams and regions.
    Teams,
    /// Clients and institutions with their relationship owner.
    Clients,
    /// Annual quotas per person and plan year.
    Quotas,
    /// Effective-dated plan assignments.
    Assignments,
}

impl ImportKind {
    /// Every kind, in documentation order.
    pub const ALL: [ImportKind; 14] = [
        ImportKind::Opportunities,
        ImportKind::People,
        ImportKind::Transactions,
        ImportKind::Aum,
        ImportKind::Flows,
        ImportKind::Compliance,
        ImportKind::Activities,
        ImportKind::Calendar,
        ImportKind::Settings,
        ImportKind::Plans,
        ImportKind::Teams,
        ImportKind::Clients,
        ImportKind::Quotas,
        ImportKind::Assignments,
    ];

    /// The order that loads an empty firm: each kind refers only to kinds before it
    /// (settings give the base currency blank currency cells take; assignments name people and
    /// plan versions; transactions name people and clients). A team's manager is the one
    /// reference that points forward (teams come before the people who belong to them).
    pub const LOAD_ORDER: [ImportKind; 14] = [
        ImportKind::Settings,
        ImportKind::Plans,
        ImportKind::Teams,
        ImportKind::People,
        ImportKind::Clients,
        ImportKind::Quotas,
        ImportKind::Assignments,
        ImportKind::Transactions,
        ImportKind::Aum,
        ImportKind::Flows,
        ImportKind::Opportunities,
        ImportKind::Activities,
        ImportKind::Calendar,
        ImportKind::Compliance,
    ];

    /// The kind's name in URLs, the CLI and mapping files.
    pub fn as_str(self) -> &'static str {
        match self {
            ImportKind::Opportunities => "opportunities",
            ImportKind::People => "people",
            ImportKind::Transactions => "transactions",
            ImportKind::Aum => "aum",
            ImportKind::Flows => "flows",
            ImportKind::Compliance => "compliance",
            ImportKind::Activities => "activities",
            ImportKind::Calendar => "calendar",
            ImportKind::Settings => "settings",
            ImportKind::Plans => "plans",
            ImportKind::Teams => "teams",
            ImportKind::Clients => "clients",
            ImportKind::Quotas => "quotas",
            ImportKind::Assignments => "assignments",
        }
    }

    /// Whether a person in this role may import this kind: admins import everything (the firm's
    /// settings, plans, quotas and assignments only they); compliance officers may also import
    /// compliance events.
    pub fn allows(self, role: Role) -> bool {
        role == Role::Admin || (self == ImportKind::Compliance && role == Role::Compliance)
    }
}

impl fmt::Display for ImportKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(self.as_str())
    }
}

impl FromStr for ImportKind {
    type Err = String;

    fn from_str(s: &str) -> Result<Self, Self::Err> {
        ImportKind::ALL.into_iter().find(|k| k.as_str() == s).ok_or_else(|| {
            let names: Vec<&str> = ImportKind::ALL.iter().map(|k| k.as_str()).collect();
            format!("unknown import kind {s:?}; expected one of {}", names.join(", "))
        })
    }
}

/// Who is importing.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Actor {
    /// A person id, or a system name such as `cli`.
    pub id: String,
    /// The role they act in.
    pub role: Role,
}

/// The kind of problem, as a stable machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProblemCode {
    /// The file is not readable as the expected format (bad CSV quoting, not UTF-8, no header).
    Malformed,
    /// A column the import needs is not in the header.
    MissingColumn,
    /// A required value is blank.
    Blank,
    /// A date that does not parse.
    BadDate,
    /// An amount that is not an exact decimal in the currency's minor units.
    BadAmount,
    /// A value outside what the field accepts (unknown stage, probability over 100, ...).
    BadValue,
    /// The same id twice in one file.
    DuplicateId,
    /// An id that names no known person, client, opportunity or team.
    UnknownReference,
    /// A manager chain that loops back on itself.
    HierarchyCycle,
    /// The mapping file itself is wrong.
    BadMapping,
}

/// One problem: file, row, column, the offending value and what is wrong.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Problem {
    /// The file name as given.
    pub file: String,
    /// Line number in the file, header = 1; `None` when the problem is the whole file.
    pub row: Option<u64>,
    /// The column (CSV) or property (iCalendar) at fault, as named in the file.
    pub column: Option<String>,
    /// The offending value, when there is one.
    pub value: Option<String>,
    /// Stable code.
    pub code: ProblemCode,
    /// What is wrong, in plain language.
    pub message: String,
}

impl fmt::Display for Problem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.file)?;
        if let Some(row) = self.row {
            write!(f, ", row {row}")?;
        }
        if let Some(column) = &self.column {
            write!(f, ", column {column}")?;
        }
        write!(f, ": {}", self.message)?;
        if let Some(value) = &self.value {
            write!(f, " (found {value:?})")?;
        }
        Ok(())
    }
}

/// Why an import did not complete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ImportRejected {
    /// The batch failed validation; nothing was written. Every problem found is listed.
    Invalid {
        /// The file.
        file: String,
        /// Every problem, in file order.
        problems: Vec<Problem>,
    },
    /// The actor's role may not import this kind; nothing was written.
    Forbidden {
        /// The actor's role.
        role: String,
        /// The kind asked for.
        kind: String,
    },
    /// Someone changed a record between validation and writing, or the store failed part-way.
    /// `applied_writes` writes were committed in complete, audited transactions; re-sending
    /// the same file validates against the new state and completes the batch.
    Interrupted {
        /// The file.
        file: String,
        /// Writes already committed.
        applied_writes: usize,
        /// What stopped it.
        message: String,
    },
    /// The store could not be read before anything was written.
    Store {
        /// The store's message.
        message: String,
    },
}

impl fmt::Display for ImportRejected {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ImportRejected::Invalid { file, problems } => {
                write!(f, "{file}: {} problem(s); nothing was imported", problems.len())
            }
            ImportRejected::Forbidden { role, kind } => write!(f, "role {role} may not import {kind}"),
            ImportRejected::Interrupted { file, applied_writes, message } => {
                write!(f, "{file}: stopped after {applied_writes} writes: {message}; re-send the file to complete it")
            }
            ImportRejected::Store { message } => write!(f, "store unavailable: {message}"),
        }
    }
}

impl std::error::Error for ImportRejected {}

/// Rows left out on purpose (the mapping skips blanks, internal meetings, cancelled events).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Skipped {
    /// Why: the blank field, or the calendar reason.
    pub reason: String,
    /// How many rows.
    pub count: usize,
    /// The first few of them (line numbers).
    pub first_rows: Vec<u64>,
}

/// How a batch's records compare with what is stored.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Counts {
    /// New records.
    pub created: usize,
    /// Records that differ from what is stored.
    pub updated: usize,
    /// Records identical to what is stored (no write).
    pub unchanged: usize,
    /// Opportunity history entries appended.
    pub history: usize,
}

/// What an import did.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportReport {
    /// What the file held.
    pub kind: ImportKind,
    /// The file name.
    pub file: String,
    /// The batch's identity (SHA-256 of kind, content and mapping).
    pub content_hash: String,
    /// Who imported it.
    pub actor: Actor,
    /// When it was applied, RFC 3339.
    pub at: String,
    /// Rows (or calendar events) read.
    pub rows: usize,
    /// Valid records in the file.
    pub records: usize,
    /// Created, updated, unchanged and history counts.
    pub counts: Counts,
    /// Rows left out on purpose, by reason.
    pub skipped: Vec<Skipped>,
    /// Optional fields whose column was absent, so every row took the default.
    pub defaulted: Vec<String>,
    /// Writes committed (records, history and the batch record; audit records not counted).
    pub writes: usize,
    /// Transactions committed, each with its own audit record.
    pub transactions: usize,
    /// Sequence numbers of the audit records written, first and last.
    pub audit_seqs: (u64, u64),
    /// True when this exact batch had been applied before, so nothing was written now.
    pub already_imported: bool,
}

/// Where an import has got to, for progress bars and polling.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "step", rename_all = "snake_case")]
pub enum Step {
    /// Reading the firm's reference data from the store.
    Loading,
    /// The file is parsed and validated.
    Validated {
        /// Rows or events read.
        rows: usize,
        /// Valid records.
        records: usize,
    },
    /// Records done so far (committed, or found unchanged) and writes committed, of the totals.
    Applying {
        /// Records committed or found unchanged.
        records: usize,
        /// Valid records in the batch.
        of: usize,
        /// Writes committed.
        written: usize,
        /// Writes the batch needs.
        total: usize,
    },
    /// Finished.
    Done,
}

/// An import accepted by the API and processed in the background (`GET /api/imports/jobs/{id}`):
/// where it has got to and, once finished, its report or every problem.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportJob {
    /// The job's id, for polling.
    pub id: String,
    /// What the file holds.
    pub kind: ImportKind,
    /// The file name.
    pub file: String,
    /// Who sent it.
    pub actor: Actor,
    /// When it was accepted, RFC 3339.
    pub started: String,
    /// The latest progress.
    pub step: Step,
    /// What was done, once applied (or found applied before).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub report: Option<ImportReport>,
    /// Why it stopped, once refused (nothing written) or interrupted (see [`ImportRejected`]).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub rejected: Option<ImportRejected>,
}

impl ImportJob {
    /// Whether it has finished, applied or refused.
    pub fn finished(&self) -> bool {
        self.report.is_some() || self.rejected.is_some()
    }
}
