//! Column mapping files: how another system's CSV columns and values become our fields.
//!
//! A mapping names, for each of our fields, the source column (or a constant), an optional
//! table translating source values to ours, what to do when the cell is blank, and a fallback
//! used for blank cells. Fields it does not mention are read from the column of the same name.
//! The format is documented in docs/imports.md.

use crate::ImportKind;
use crate::problem::{ImportRejected, ProblemCode, Problems};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A column mapping for one kind of import.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// The kind of import the mapping is for.
    pub kind: ImportKind,
    /// What the source is, for people reading the file.
    #[serde(default)]
    pub description: String,
    /// Our field name to where its value comes from.
    pub fields: BTreeMap<String, FieldSpec>,
}

/// Where one field's value comes from.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct FieldSpec {
    /// The source column.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub column: Option<String>,
    /// A constant used for every row (instead of a column).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub value: Option<String>,
    /// Source value to our value (stages, ids in another system, typos).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub map: BTreeMap<String, String>,
    /// What to do with a value missing from `map`.
    #[serde(default)]
    pub unmapped: Unmapped,
    /// A chrono date format such as `%d/%m/%Y`, for date fields in another layout.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub format: Option<String>,
    /// Where the value comes from when this cell is blank.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fallback: Option<Box<FieldSpec>>,
    /// What to do when the value is still blank.
    #[serde(default)]
    pub if_blank: IfBlank,
}

/// What to do with a source value that the field's `map` does not list.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Unmapped {
    /// Report it as an error (the safe default: a new CRM stage must not slip through).
    #[default]
    Error,
    /// Use the source value unchanged.
    Keep,
}

/// What to do when a field's value is blank after the fallback.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum IfBlank {
    /// Required fields report an error; optional fields take their default.
    #[default]
    Error,
    /// Leave the row out; the report counts skipped rows by field.
    SkipRow,
}

impl FieldSpec {
    /// Reads the field from the column of the same name.
    pub(crate) fn same_name(field: &str) -> FieldSpec {
        FieldSpec { column: Some(field.to_string()), ..FieldSpec::default() }
    }

    /// Every source column the spec reads, the primary one first.
    pub(crate) fn columns(&self) -> Vec<&str> {
        let mut out: Vec<&str> = self.column.iter().map(String::as_str).collect();
        if let Some(f) = &self.fallback {
            out.extend(f.columns());
        }
        out
    }
}

impl Mapping {
    /// Parses a mapping file and checks it names only fields the kind has.
    pub fn from_json(file: &str, bytes: &[u8]) -> Result<Mapping, ImportRejected> {
        let mut problems = Problems::new(file);
        let mapping: Mapping = match serde_json::from_slice(bytes) {
            Ok(m) => m,
            Err(e) => {
                problems.push(Some(e.line() as u64), None, None, ProblemCode::BadMapping, e.to_string());
                return problems.into_result(Mapping::identity(ImportKind::Opportunities));
            }
        };
        let known = crate::fields(mapping.kind);
        for (field, spec) in &mapping.fields {
            if !known.iter().any(|f| f.name == field) {
                let names: Vec<&str> = known.iter().map(|f| f.name).collect();
                problems.push(
                    None,
                    Some(&format!("fields.{field}")),
                    None,
                    ProblemCode::BadMapping,
                    format!("{} imports have no field {field:?}; they have {}", mapping.kind, names.join(", ")),
                );
            }
            check_spec(&mut problems, &format!("fields.{field}"), spec);
        }
        problems.into_result(mapping)
    }

    /// The mapping that reads every field from the column of its own name.
    pub fn identity(kind: ImportKind) -> Mapping {
        Mapping { kind, description: "our own column names".into(), fields: BTreeMap::new() }
    }

    /// The built-in mapping for a Salesforce Opportunity report or Data Loader export.
    pub fn salesforce_opportunities() -> Mapping {
        // The file is part of the crate so the built-in shape and its documentation agree.
        serde_json::from_str(include_str!("salesforce-opportunities.mapping.json"))
            .unwrap_or_else(|e| unreachable!("the built-in Salesforce mapping is valid JSON: {e}"))
    }

    /// Where a field's value comes from.
    pub(crate) fn spec(&self, field: &str) -> FieldSpec {
        self.fields.get(field).cloned().unwrap_or_else(|| FieldSpec::same_name(field))
    }

    /// Whether the mapping says where the field comes from (rather than the default column).
    pub(crate) fn mentions(&self, field: &str) -> bool {
        self.fields.contains_key(field)
    }
}

fn check_spec(problems: &mut Problems, path: &str, spec: &FieldSpec) {
    if spec.column.is_some() == spec.value.is_some() {
        problems.push(
            None,
            Some(path),
            None,
            ProblemCode::BadMapping,
            "give exactly one of \"column\" (read from the file) or \"value\" (a constant)",
        );
    }
    if let Some(f) = &spec.fallback {
        check_spec(problems, &format!("{path}.fallback"), f);
    }
}
