//! Evidence: the numbers behind a finding and the records they came from. The SPA links each
//! message to these records; the guardrail accepts only numbers and names found here.

use chrono::NaiveDate;
use plumbline_engine::Currency;
use plumbline_engine::format;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// An exact amount of money.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Money {
    /// The amount in major units (pounds, dollars), exact.
    pub amount: Decimal,
    /// ISO currency code.
    pub currency: String,
}

impl Money {
    /// From minor units (the pipeline's pence and cents).
    pub fn from_minor(minor: i64, currency: &str) -> Money {
        Money { amount: Decimal::new(minor, 2), currency: currency.to_string() }
    }

    /// `£12,345.67`.
    pub fn display(&self) -> String {
        format::money(self.amount, &Currency::new(&self.currency))
    }
}

/// A fact's value.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "unit", content = "value", rename_all = "snake_case")]
pub enum Value {
    /// Money.
    Money(Money),
    /// A percentage in points, e.g. 41.5 for 41.5%.
    Percent(Decimal),
    /// A number of days.
    Days(i64),
    /// A count.
    Count(i64),
    /// A ratio such as pipeline coverage (1.8 times).
    Ratio(Decimal),
    /// A date.
    Date(NaiveDate),
    /// A label: a stage, a period, a kind of event.
    Text(String),
}

impl Value {
    /// A percentage from a fraction, to one decimal place.
    pub fn percent_of(fraction: Decimal) -> Value {
        Value::Percent((fraction * Decimal::ONE_HUNDRED).round_dp(1))
    }

    /// A percentage from an `f64` fraction (the pipeline's probabilities), to one decimal place.
    pub fn percent_f64(fraction: f64) -> Value {
        Value::Percent(decimal_f64(fraction * 100.0).round_dp(1))
    }

    /// How the templates print it.
    pub fn display(&self) -> String {
        match self {
            Value::Money(m) => m.display(),
            Value::Percent(p) => format!("{}%", p.normalize()),
            Value::Days(d) => format!("{d} days"),
            Value::Count(n) => n.to_string(),
            Value::Ratio(r) => format!("{}x", r.normalize()),
            Value::Date(d) => d.to_string(),
            Value::Text(t) => t.clone(),
        }
    }
}

/// An `f64` as a decimal (0 when not finite).
pub fn decimal_f64(x: f64) -> Decimal {
    Decimal::from_f64_retain(x).unwrap_or_default()
}

/// One number or label behind a finding.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Fact {
    /// Stable key, e.g. `days_in_stage`.
    pub key: String,
    /// What it is, in plain words.
    pub label: String,
    /// The value.
    pub value: Value,
}

/// What kind of record a finding points at.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum RecordKind {
    /// An opportunity (`/api/pipeline`).
    Opportunity,
    /// A client or account.
    Client,
    /// A person.
    Person,
    /// A statement (person and period, `/api/statements/{person}?period=`).
    Statement,
    /// A conduct event (`/api/people/{person}/conduct`).
    ConductEvent,
    /// A transaction.
    Transaction,
}

/// A record a finding came from.
#[derive(Debug, Clone, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RecordRef {
    /// What kind of record.
    pub kind: RecordKind,
    /// Its id (for a statement, `person_id/period`).
    pub id: String,
}

impl RecordRef {
    /// A reference.
    pub fn new(kind: RecordKind, id: impl Into<String>) -> RecordRef {
        RecordRef { kind, id: id.into() }
    }
}

/// Everything a finding rests on.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Evidence {
    /// The numbers and labels.
    pub facts: Vec<Fact>,
    /// The records they came from.
    pub records: Vec<RecordRef>,
    /// Names a text about this finding may use: the person, their accounts, stages, plans.
    pub names: Vec<String>,
}

impl Evidence {
    /// Adds a fact.
    pub fn fact(&mut self, key: &str, label: &str, value: Value) -> &mut Self {
        self.facts.push(Fact { key: key.to_string(), label: label.to_string(), value });
        self
    }

    /// Adds a record reference once.
    pub fn record(&mut self, kind: RecordKind, id: impl Into<String>) -> &mut Self {
        let r = RecordRef::new(kind, id);
        if !self.records.contains(&r) {
            self.records.push(r);
        }
        self
    }

    /// Adds a name once.
    pub fn name(&mut self, name: impl Into<String>) -> &mut Self {
        let name = name.into();
        if !name.is_empty() && !self.names.contains(&name) {
            self.names.push(name);
        }
        self
    }

    /// The fact with this key.
    pub fn get(&self, key: &str) -> Option<&Value> {
        self.facts.iter().find(|f| f.key == key).map(|f| &f.value)
    }

    /// The fact's value as printed, or an empty string; templates use only this.
    pub fn show(&self, key: &str) -> String {
        self.get(key).map(Value::display).unwrap_or_default()
    }

    /// Appends another evidence's facts, records and names (facts keyed with a prefix).
    pub fn extend(&mut self, prefix: &str, other: &Evidence) {
        for f in &other.facts {
            self.facts.push(Fact { key: format!("{prefix}{}", f.key), label: f.label.clone(), value: f.value.clone() });
        }
        for r in &other.records {
            self.record(r.kind, r.id.clone());
        }
        for n in &other.names {
            self.name(n.clone());
        }
    }
}
