//! What can be wrong with an import, located precisely enough to fix it.

use serde::{Deserialize, Serialize};
use std::fmt;

/// The kind of problem, as a stable machine-readable code.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
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
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, thiserror::Error)]
#[serde(tag = "reason", rename_all = "snake_case")]
pub enum ImportRejected {
    /// The batch failed validation; nothing was written. Every problem found is listed.
    #[error("{file}: {} problem(s); nothing was imported", problems.len())]
    Invalid {
        /// The file.
        file: String,
        /// Every problem, in file order.
        problems: Vec<Problem>,
    },
    /// The actor's role may not import this kind; nothing was written.
    #[error("role {role} may not import {kind}")]
    Forbidden {
        /// The actor's role.
        role: String,
        /// The kind asked for.
        kind: String,
    },
    /// Someone changed a record between validation and writing, or the store failed part-way.
    /// `applied_writes` writes were committed in complete, audited transactions; re-sending
    /// the same file validates against the new state and completes the batch.
    #[error("{file}: stopped after {applied_writes} writes: {message}; re-send the file to complete it")]
    Interrupted {
        /// The file.
        file: String,
        /// Writes already committed.
        applied_writes: usize,
        /// What stopped it.
        message: String,
    },
    /// The store could not be read before anything was written.
    #[error("store unavailable: {message}")]
    Store {
        /// The store's message.
        message: String,
    },
}

/// Collects problems for one file.
#[derive(Debug, Clone)]
pub(crate) struct Problems {
    pub(crate) file: String,
    pub(crate) list: Vec<Problem>,
}

impl Problems {
    pub(crate) fn new(file: &str) -> Problems {
        Problems { file: file.to_string(), list: Vec::new() }
    }

    pub(crate) fn push(
        &mut self,
        row: Option<u64>,
        column: Option<&str>,
        value: Option<&str>,
        code: ProblemCode,
        message: impl Into<String>,
    ) {
        self.list.push(Problem {
            file: self.file.clone(),
            row,
            column: column.map(str::to_string),
            value: value.map(str::to_string),
            code,
            message: message.into(),
        });
    }

    pub(crate) fn into_result<T>(mut self, ok: T) -> Result<T, ImportRejected> {
        if self.list.is_empty() {
            Ok(ok)
        } else {
            // File order: whole-file problems first, then by row.
            self.list.sort_by_key(|p| p.row.unwrap_or(0));
            Err(ImportRejected::Invalid { file: self.file, problems: self.list })
        }
    }
}
