//! Collecting problems for one file, each located precisely enough to fix it.

pub(crate) use plumbline_firm::imports::{ImportRejected, Problem, ProblemCode};

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
