//! Plans are data: a versioned JSON document that a comp designer can read.

use crate::money::{Currency, RoundingRule};
use crate::transaction::TxnKind;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;
use std::fmt;

/// An incentive plan version.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Plan {
    /// Stable id shared by all versions of this plan.
    pub id: String,
    /// Version number, starting at 1.
    pub version: u32,
    /// Name shown on statements.
    pub name: String,
    /// Currency the plan pays in.
    pub currency: Currency,
    /// First day the plan applies.
    pub effective_from: NaiveDate,
    /// Last day the plan applies, if it ends.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub effective_to: Option<NaiveDate>,
    /// Month (1-12) in which the plan year starts; 4 for a UK April-March year.
    #[serde(default = "default_year_start")]
    pub year_start_month: u32,
    /// How money is rounded; applied to each cumulative component earning per period.
    #[serde(default)]
    pub rounding: RoundingRule,
    /// Who gets credit for a transaction.
    #[serde(default)]
    pub crediting: Crediting,
    /// What the plan pays for.
    pub components: Vec<Component>,
}

fn default_year_start() -> u32 {
    1
}

/// Crediting rules: shares by role, and overlay roles credited in full.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Crediting {
    /// Share of a transaction by crediting role. The shares of the roles present on a
    /// transaction are rescaled to sum to one, so an owner alone receives the whole amount.
    pub splits: BTreeMap<String, Decimal>,
    /// Roles credited 100% on top of the split, without reducing anyone else.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub overlays: Vec<String>,
}

impl Default for Crediting {
    fn default() -> Self {
        Crediting { splits: BTreeMap::from([("owner".to_string(), Decimal::ONE)]), overlays: Vec::new() }
    }
}

/// Which credited transactions a component measures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Measure {
    /// Transaction kinds counted; outflows count negatively.
    pub kinds: Vec<TxnKind>,
    /// Only these products, when given.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub products: Option<Vec<String>>,
}

/// How tier rates apply to the measured amount.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TierMethod {
    /// Each band of the amount pays its own rate.
    Marginal,
    /// The whole amount pays the rate of the highest band reached.
    Retroactive,
}

/// A band of attainment (measure / quota) and its rate.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct Tier {
    /// Upper edge of the band as a fraction of quota; the last band has none.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub up_to: Option<Decimal>,
    /// Rate paid on the measured amount in this band, between 0 and 1.
    pub rate: Decimal,
}

/// One thing the plan pays for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum Component {
    /// A single rate on the year-to-date measure.
    Flat {
        /// Stable id used in statements.
        id: String,
        /// Name shown on statements.
        name: String,
        /// What is measured.
        measure: Measure,
        /// Rate between 0 and 1.
        rate: Decimal,
        /// Year-to-date earnings never fall below this (e.g. 0, so net outflows earn nothing
        /// rather than owing pay back).
        #[serde(default, skip_serializing_if = "Option::is_none")]
        floor: Option<Decimal>,
    },
    /// Rates by attainment band against the annual quota.
    Tiered {
        /// Stable id used in statements.
        id: String,
        /// Name shown on statements.
        name: String,
        /// What is measured.
        measure: Measure,
        /// Marginal or retroactive.
        method: TierMethod,
        /// Bands in increasing order.
        tiers: Vec<Tier>,
        /// Cap on the year's earnings from this component as a fraction of the annual quota.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        cap_quota_multiple: Option<Decimal>,
    },
}

impl Component {
    /// The component's stable id.
    pub fn id(&self) -> &str {
        match self {
            Component::Flat { id, .. } | Component::Tiered { id, .. } => id,
        }
    }

    /// The component's display name.
    pub fn name(&self) -> &str {
        match self {
            Component::Flat { name, .. } | Component::Tiered { name, .. } => name,
        }
    }

    /// What the component measures.
    pub fn measure(&self) -> &Measure {
        match self {
            Component::Flat { measure, .. } | Component::Tiered { measure, .. } => measure,
        }
    }
}

/// One problem found in a plan, at a JSON path.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct PlanProblem {
    /// Where the problem is, e.g. `components[2].tiers[1].rate`.
    pub path: String,
    /// What is wrong, in plain words.
    pub message: String,
}

impl fmt::Display for PlanProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.path, self.message)
    }
}

/// Why a plan could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum PlanError {
    /// The document is not valid JSON for a plan.
    #[error("plan JSON is malformed at line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The plan parsed but breaks rules; every problem is listed.
    #[error("plan is invalid: {}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<PlanProblem>),
}

impl Plan {
    /// Parses and validates a plan document.
    pub fn from_json(text: &str) -> Result<Plan, PlanError> {
        let plan: Plan = serde_json::from_str(text).map_err(|e| PlanError::Malformed {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        let problems = plan.validate();
        if problems.is_empty() { Ok(plan) } else { Err(PlanError::Invalid(problems)) }
    }

    /// Every rule the plan breaks, each with its JSON path; empty when the plan is valid.
    pub fn validate(&self) -> Vec<PlanProblem> {
        let mut problems = Vec::new();
        let mut problem =
            |path: String, message: &str| problems.push(PlanProblem { path, message: message.to_string() });
        if self.id.trim().is_empty() {
            problem("id".into(), "must not be empty");
        }
        if self.version == 0 {
            problem("version".into(), "must be 1 or more");
        }
        if self.currency.0.len() != 3 || !self.currency.0.chars().all(|c| c.is_ascii_uppercase()) {
            problem("currency".into(), "must be a three-letter ISO 4217 code such as GBP");
        }
        if !(1..=12).contains(&self.year_start_month) {
            problem("year_start_month".into(), "must be a month number from 1 to 12");
        }
        if let Some(to) = self.effective_to
            && to < self.effective_from
        {
            problem("effective_to".into(), "must not be before effective_from");
        }
        if self.crediting.splits.is_empty() {
            problem("crediting.splits".into(), "must name at least one role");
        }
        for (role, share) in &self.crediting.splits {
            if *share <= Decimal::ZERO || *share > Decimal::ONE {
                problem(format!("crediting.splits.{role}"), "must be more than 0 and at most 1");
            }
        }
        for (i, role) in self.crediting.overlays.iter().enumerate() {
            if self.crediting.splits.contains_key(role) {
                problem(format!("crediting.overlays[{i}]"), "a role cannot be both split and overlay");
            }
        }
        if self.components.is_empty() {
            problem("components".into(), "must have at least one component");
        }
        let mut seen = std::collections::BTreeSet::new();
        for (c, component) in self.components.iter().enumerate() {
            let at = format!("components[{c}]");
            if component.id().trim().is_empty() {
                problem(format!("{at}.id"), "must not be empty");
            } else if !seen.insert(component.id()) {
                problem(format!("{at}.id"), "must be unique within the plan");
            }
            if component.measure().kinds.is_empty() {
                problem(format!("{at}.measure.kinds"), "must name at least one transaction kind");
            }
            match component {
                Component::Flat { rate, .. } => {
                    if !is_rate(*rate) {
                        problem(format!("{at}.rate"), "must be between 0 and 1");
                    }
                }
                Component::Tiered { tiers, cap_quota_multiple, .. } => {
                    if tiers.is_empty() {
                        problem(format!("{at}.tiers"), "must have at least one tier");
                    }
                    let mut previous = Decimal::ZERO;
                    for (t, tier) in tiers.iter().enumerate() {
                        if !is_rate(tier.rate) {
                            problem(format!("{at}.tiers[{t}].rate"), "must be between 0 and 1");
                        }
                        let last = t + 1 == tiers.len();
                        match (tier.up_to, last) {
                            (Some(up_to), _) if up_to <= previous => problem(
                                format!("{at}.tiers[{t}].up_to"),
                                "must be greater than the previous tier's up_to",
                            ),
                            (Some(up_to), _) => previous = up_to,
                            (None, false) => {
                                problem(format!("{at}.tiers[{t}].up_to"), "only the last tier may be open-ended")
                            }
                            (None, true) => {}
                        }
                    }
                    if let Some(cap) = cap_quota_multiple
                        && *cap < Decimal::ZERO
                    {
                        problem(format!("{at}.cap_quota_multiple"), "must not be negative");
                    }
                }
            }
        }
        problems
    }
}

fn is_rate(rate: Decimal) -> bool {
    rate >= Decimal::ZERO && rate <= Decimal::ONE
}

#[cfg(test)]
mod tests {
    use super::*;

    const GOOD: &str = r#"{
        "id": "p", "version": 1, "name": "P", "currency": "GBP", "effective_from": "2026-01-01",
        "components": [{"type": "tiered", "id": "c", "name": "C", "measure": {"kinds": ["booking"]},
            "method": "marginal", "tiers": [{"up_to": "0.5", "rate": "0.02"}, {"rate": "0.04"}]}]
    }"#;

    #[test]
    fn a_good_plan_parses() {
        let plan = Plan::from_json(GOOD).unwrap();
        assert_eq!(plan.crediting.splits.len(), 1);
    }

    #[test]
    fn every_problem_is_reported_with_its_path() {
        let bad = GOOD.replace("\"0.04\"", "\"1.5\"").replace("\"0.5\"", "\"-1\"");
        let PlanError::Invalid(problems) = Plan::from_json(&bad).unwrap_err() else {
            panic!("expected validation problems")
        };
        let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
        assert_eq!(
            text,
            vec![
                "components[0].tiers[0].up_to: must be greater than the previous tier's up_to",
                "components[0].tiers[1].rate: must be between 0 and 1",
            ]
        );
    }

    #[test]
    fn malformed_json_names_line_and_column() {
        let err = Plan::from_json("{\n  \"id\": }").unwrap_err();
        assert!(matches!(err, PlanError::Malformed { line: 2, .. }), "{err}");
    }
}
