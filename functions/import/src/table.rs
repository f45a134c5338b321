//! A CSV file read through a mapping: header checks once, then typed cells per row, every
//! problem recorded with its row and source column.

use crate::mapping::{FieldSpec, IfBlank, Mapping, Unmapped};
use crate::problem::{ProblemCode, Problems};
use crate::values;
use chrono::NaiveDate;
use plumbline_engine::Currency;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// One of our fields for a kind of import.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct FieldDef {
    /// Our name for it.
    pub name: &'static str,
    /// Whether every row must have it.
    pub required: bool,
}

/// The rows of a CSV file and how to find each field in them.
pub(crate) struct Table {
    header: Vec<String>,
    rows: Vec<(u64, csv::StringRecord)>,
    specs: BTreeMap<&'static str, FieldSpec>,
    /// Optional fields whose column is absent, so they take their default.
    pub(crate) defaulted: Vec<String>,
}

impl Table {
    /// Reads the file and checks the header against the mapping. Returns `None` when the file
    /// cannot be read at all or required columns are missing (each reported once, row 1).
    pub(crate) fn read(bytes: &[u8], fields: &[FieldDef], mapping: &Mapping, problems: &mut Problems) -> Option<Table> {
        // Spreadsheet exports often start with a byte-order mark.
        let bytes = bytes.strip_prefix(b"\xEF\xBB\xBF").unwrap_or(bytes);
        let mut reader = csv::ReaderBuilder::new().has_headers(false).flexible(true).from_reader(bytes);
        let mut records = Vec::new();
        for result in reader.records() {
            match result {
                Ok(record) => {
                    let line = record.position().map_or(0, |p| p.line());
                    records.push((line, record));
                }
                Err(e) => {
                    let line = e.position().map(|p| p.line());
                    problems.push(line, None, None, ProblemCode::Malformed, format!("not readable as CSV: {e}"));
                }
            }
        }
        if records.is_empty() {
            problems.push(None, None, None, ProblemCode::Malformed, "the file is empty: expected a header row");
            return None;
        }
        let (header_line, header_record) = records.remove(0);
        let header: Vec<String> = header_record.iter().map(|h| h.trim().to_string()).collect();
        for (i, name) in header.iter().enumerate() {
            if !name.is_empty() && header[..i].contains(name) {
                problems.push(
                    Some(header_line),
                    Some(name),
                    None,
                    ProblemCode::Malformed,
                    "the header names this column twice",
                );
            }
        }
        let mut specs = BTreeMap::new();
        let mut defaulted = Vec::new();
        let mut missing = false;
        for field in fields {
            let spec = mapping.spec(field.name);
            let absent: Vec<&str> = spec.columns().into_iter().filter(|c| !header.iter().any(|h| h == c)).collect();
            let primary_absent = spec.column.as_deref().is_some_and(|c| absent.contains(&c));
            if field.required && primary_absent && spec.fallback.is_none() {
                let via = if mapping.mentions(field.name) {
                    format!(" (the mapping's column for {})", field.name)
                } else {
                    String::new()
                };
                problems.push(
                    Some(header_line),
                    spec.column.as_deref(),
                    None,
                    ProblemCode::MissingColumn,
                    format!("required column is missing from the header{via}"),
                );
                missing = true;
            } else if mapping.mentions(field.name) && !absent.is_empty() && field.required {
                for column in absent {
                    problems.push(
                        Some(header_line),
                        Some(column),
                        None,
                        ProblemCode::MissingColumn,
                        format!("the mapping reads {} from this column, which is not in the header", field.name),
                    );
                    missing = true;
                }
            } else if !field.required && primary_absent && spec.fallback.is_none() {
                defaulted.push(field.name.to_string());
            }
            specs.insert(field.name, spec);
        }
        let width = header.len();
        for (line, record) in &records {
            if record.len() != width && !(record.len() == 1 && record[0].trim().is_empty()) {
                problems.push(
                    Some(*line),
                    None,
                    None,
                    ProblemCode::Malformed,
                    format!("row has {} columns; the header has {width}", record.len()),
                );
            }
        }
        // Blank lines (a single empty field) carry no data.
        records.retain(|(_, r)| !(r.len() == 1 && r[0].trim().is_empty()));
        if missing {
            return None;
        }
        Some(Table { header, rows: records, specs, defaulted })
    }

    /// Number of data rows.
    pub(crate) fn len(&self) -> usize {
        self.rows.len()
    }

    /// The data rows, each with its line number.
    pub(crate) fn rows(&self) -> impl Iterator<Item = RowRef<'_>> {
        self.rows.iter().map(move |(line, record)| RowRef { table: self, line: *line, record })
    }

    /// The source column a field is read from, for messages.
    pub(crate) fn source_column(&self, field: &str) -> String {
        match self.specs.get(field) {
            Some(FieldSpec { column: Some(c), .. }) => c.clone(),
            Some(FieldSpec { value: Some(_), .. }) => format!("({field} constant)"),
            _ => field.to_string(),
        }
    }

    fn column_index(&self, name: &str) -> Option<usize> {
        self.header.iter().position(|h| h == name)
    }
}

/// One data row of a [`Table`].
#[derive(Clone, Copy)]
pub(crate) struct RowRef<'a> {
    table: &'a Table,
    /// Line number in the file.
    pub(crate) line: u64,
    record: &'a csv::StringRecord,
}

/// A row being read: its problems are kept apart until the row is known not to be skipped.
pub(crate) struct Row<'a> {
    row: RowRef<'a>,
    problems: Problems,
    /// The field whose blank value skips the row, if any.
    pub(crate) skipped_by: Option<&'static str>,
}

impl<'a> Row<'a> {
    pub(crate) fn new(row: RowRef<'a>, file: &str) -> Row<'a> {
        Row { row, problems: Problems::new(file), skipped_by: None }
    }

    /// Line number in the file.
    pub(crate) fn line(&self) -> u64 {
        self.row.line
    }

    /// Hands the row's problems to the file's list, unless the row is skipped.
    pub(crate) fn finish(self, into: &mut Problems) -> Option<&'static str> {
        if self.skipped_by.is_none() {
            into.list.extend(self.problems.list);
        }
        self.skipped_by
    }

    /// Whether reading the row found a problem.
    pub(crate) fn failed(&self) -> bool {
        !self.problems.list.is_empty() || self.skipped_by.is_some()
    }

    /// Records a problem at this row.
    pub(crate) fn problem(&mut self, column: &str, value: Option<&str>, code: ProblemCode, message: impl Into<String>) {
        self.problems.push(Some(self.row.line), Some(column), value, code, message);
    }

    /// The source column a field is read from, for messages.
    pub(crate) fn column_of(&self, field: &str) -> String {
        self.row.table.source_column(field)
    }

    /// The field's text after the mapping, with the column it came from; `Ok(None)` when
    /// blank, `Err` when a problem was recorded (a value the mapping does not list).
    fn cell(&mut self, field: &'static str) -> Result<Option<(String, String)>, ()> {
        let Some(spec) = self.row.table.specs.get(field) else { return Ok(None) };
        let mut current = Some(spec);
        while let Some(s) = current {
            let (raw, column) = match (&s.column, &s.value) {
                (Some(c), _) => {
                    let text = self.row.table.column_index(c).and_then(|i| self.row.record.get(i)).unwrap_or("");
                    (text.trim().to_string(), c.clone())
                }
                (None, Some(v)) => (v.clone(), format!("({field} constant)")),
                (None, None) => (String::new(), field.to_string()),
            };
            if !raw.is_empty() {
                if s.map.is_empty() {
                    return Ok(Some((raw, column)));
                }
                return match s.map.get(&raw) {
                    Some(mapped) => Ok(Some((mapped.clone(), column))),
                    None if s.unmapped == Unmapped::Keep => Ok(Some((raw, column))),
                    None => {
                        let known: Vec<&str> = s.map.keys().map(String::as_str).collect();
                        self.problem(
                            &column,
                            Some(&raw),
                            ProblemCode::BadValue,
                            format!("value is not in the mapping for {field}; it lists {}", known.join(", ")),
                        );
                        Err(())
                    }
                };
            }
            current = s.fallback.as_deref();
        }
        Ok(None)
    }

    /// The field's value and source column; a blank is reported (required) or skips the row
    /// (when the mapping says so).
    fn value(&mut self, field: &'static str, required: bool) -> Option<(String, String)> {
        match self.cell(field) {
            Ok(Some(v)) => Some(v),
            Ok(None) => {
                self.blank(field, required);
                None
            }
            Err(()) => None,
        }
    }

    /// The date format the field's mapping gives, if any.
    fn format(&self, field: &str) -> Option<String> {
        self.row.table.specs.get(field).and_then(|s| s.format.clone())
    }

    fn blank(&mut self, field: &'static str, required: bool) {
        let skips = self.row.table.specs.get(field).is_some_and(|s| s.if_blank == IfBlank::SkipRow);
        if skips {
            if self.skipped_by.is_none() {
                self.skipped_by = Some(field);
            }
        } else if required {
            let column = self.column_of(field);
            self.problem(&column, None, ProblemCode::Blank, format!("{field} is required but blank"));
        }
    }

    /// An optional text field.
    pub(crate) fn text(&mut self, field: &'static str) -> Option<String> {
        self.value(field, false).map(|(v, _)| v)
    }

    /// A required text field.
    pub(crate) fn req(&mut self, field: &'static str) -> Option<String> {
        self.value(field, true).map(|(v, _)| v)
    }

    /// A date field.
    pub(crate) fn date(&mut self, field: &'static str, required: bool) -> Option<NaiveDate> {
        let (text, column) = self.value(field, required)?;
        let format = self.format(field);
        match values::parse_date(&text, format.as_deref()) {
            Ok(d) => Some(d),
            Err(message) => {
                self.problem(&column, Some(&text), ProblemCode::BadDate, message);
                None
            }
        }
    }

    /// An exact amount in `currency`'s minor units.
    pub(crate) fn money(
        &mut self,
        field: &'static str,
        currency: Option<&Currency>,
        sign: values::Sign,
    ) -> Option<Decimal> {
        let (text, column) = self.value(field, true)?;
        match values::parse_money(&text, currency, sign) {
            Ok(d) => Some(d),
            Err(message) => {
                self.problem(&column, Some(&text), ProblemCode::BadAmount, message);
                None
            }
        }
    }

    /// A value of one of our enums, written as its snake_case name.
    pub(crate) fn choice<T: serde::de::DeserializeOwned>(
        &mut self,
        field: &'static str,
        options: &str,
        required: bool,
    ) -> Option<T> {
        let (text, column) = self.value(field, required)?;
        match serde_json::from_value(serde_json::Value::String(text.clone())) {
            Ok(v) => Some(v),
            Err(_) => {
                self.problem(&column, Some(&text), ProblemCode::BadValue, format!("{field} must be one of {options}"));
                None
            }
        }
    }

    /// A yes/no field.
    pub(crate) fn flag(&mut self, field: &'static str) -> Option<bool> {
        let (text, column) = self.value(field, true)?;
        match text.to_ascii_lowercase().as_str() {
            "true" | "yes" | "y" | "1" => Some(true),
            "false" | "no" | "n" | "0" => Some(false),
            _ => {
                self.problem(&column, Some(&text), ProblemCode::BadValue, format!("{field} must be true or false"));
                None
            }
        }
    }

    /// A currency code; blank means the firm's base currency.
    pub(crate) fn currency(&mut self, field: &'static str, base: Option<&Currency>) -> Option<Currency> {
        match self.cell(field) {
            Ok(Some((text, column))) => {
                if text.len() == 3 && text.chars().all(|c| c.is_ascii_alphabetic()) {
                    Some(Currency::new(&text))
                } else {
                    self.problem(
                        &column,
                        Some(&text),
                        ProblemCode::BadValue,
                        "currency must be a three-letter ISO 4217 code",
                    );
                    None
                }
            }
            Ok(None) => match base {
                Some(b) => Some(b.clone()),
                None => {
                    self.blank(field, true);
                    None
                }
            },
            Err(()) => None,
        }
    }
}
