//! The regulated plan document: an engine plan plus the financial-services rules around it,
//! as JSON data validated with JSON paths.

use crate::deferral::DeferralSchedule;
use crate::packs;
use crate::validate;
use plumbline_engine::TxnKind;
use plumbline_engine::plan::{Plan, PlanProblem};
use plumbline_firm::{ComplianceKind, Severity};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::borrow::Cow;
use std::collections::{BTreeMap, BTreeSet};

/// A plan for a regulated role: the engine plan and the rules that adjust, defer and check it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RegulatedPlan {
    /// The engine plan (`docs/plans.md`).
    pub plan: Plan,
    /// The financial-services rules.
    pub regulation: Regulation,
}

/// The financial-services rules of a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Regulation {
    /// The role the plan is for and its regulatory flags.
    pub role: RegulatedRole,
    /// On-target annual pay of components without a target incentive (commission components),
    /// by component id; weighs the balanced-scorecard check.
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub on_target: BTreeMap<String, Decimal>,
    /// Conduct gates: how compliance events reduce or remove variable pay. The first rule
    /// matching an event applies.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub conduct: Vec<ConductRule>,
    /// A shipped deferral pack by id, e.g. `uk-banking-2025`; or give `deferral`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferral_pack: Option<String>,
    /// A deferral schedule written out; or name a pack in `deferral_pack`.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub deferral: Option<DeferralSchedule>,
    /// Commission chargebacks on cancellation or early surrender.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub chargeback: Option<ChargebackRule>,
    /// How far back a clawback may reach.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub clawback: Option<ClawbackRule>,
    /// Transaction kinds that are third-party payments (trails, inducements): under MiFID II
    /// independent advice or portfolio management they are credited to the client.
    #[serde(default = "default_third_party_kinds")]
    pub third_party_kinds: Vec<TxnKind>,
}

fn default_third_party_kinds() -> Vec<TxnKind> {
    vec![TxnKind::Trail]
}

/// The role a plan is for, with the regulatory flags that decide which checks apply.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct RegulatedRole {
    /// The role's name, e.g. `Wealth adviser`.
    pub name: String,
    /// A US broker-dealer role under Regulation Best Interest.
    #[serde(default)]
    pub us_broker_dealer: bool,
    /// The MiFID II investment service the role provides, if any.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mifid_service: Option<MifidService>,
    /// A client-facing regulated role, subject to the balanced-scorecard minimum.
    #[serde(default)]
    pub client_facing_regulated: bool,
    /// Least share of on-target variable pay that non-financial measures must carry.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub min_non_financial_weight: Option<Decimal>,
    /// Most variable pay a year may be, as a multiple of fixed pay (1 = 100%).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub max_variable_to_fixed: Option<Decimal>,
}

/// MiFID II investment services that matter for pay.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MifidService {
    /// Independent investment advice (Art. 24(7)): no third-party inducements kept.
    IndependentAdvice,
    /// Portfolio management (Art. 24(8)): no third-party inducements kept.
    PortfolioManagement,
    /// Restricted (non-independent) advice: inducements allowed if they enhance quality.
    RestrictedAdvice,
    /// Execution only.
    ExecutionOnly,
}

impl MifidService {
    /// Whether third-party commissions must be passed to the client.
    pub fn passes_inducements_to_client(self) -> bool {
        matches!(self, MifidService::IndependentAdvice | MifidService::PortfolioManagement)
    }

    /// The article that says so, for explanations.
    pub fn article(self) -> &'static str {
        match self {
            MifidService::IndependentAdvice => "MiFID II Art. 24(7) (independent advice)",
            MifidService::PortfolioManagement => "MiFID II Art. 24(8) (portfolio management)",
            MifidService::RestrictedAdvice => "MiFID II Art. 24(9) (restricted advice)",
            MifidService::ExecutionOnly => "MiFID II (execution only)",
        }
    }
}

/// A conduct gate: which compliance events it catches and what they do to pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ConductRule {
    /// Stable id, named on statement lines.
    pub id: String,
    /// The rule in words, e.g. `Minor breach: 25% off the scorecard`.
    pub name: String,
    /// The severity it applies to.
    pub severity: Severity,
    /// The kinds of event it applies to; every kind when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<ComplianceKind>,
    /// What it does.
    pub action: ConductAction,
    /// How many pay periods (months) it affects, from the event's month; 1 by default.
    #[serde(default = "one")]
    pub periods: u32,
}

fn one() -> u32 {
    1
}

/// What a conduct gate does to a period's pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum ConductAction {
    /// Takes a fraction of one component's pay for the period (e.g. 25% of the scorecard).
    ReduceComponent {
        /// The component.
        component: String,
        /// The fraction removed, between 0 and 1.
        fraction: Decimal,
    },
    /// Forfeits all of the period's variable pay.
    ForfeitVariablePay,
}

/// Commission chargebacks: a cancellation or early surrender within the window reverses the
/// commission paid on the transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ChargebackRule {
    /// Months from the transaction's date in which a cancellation is charged back.
    pub window_months: u32,
    /// Reverse only the unexpired part of the window (whole months not yet completed / window).
    #[serde(default)]
    pub pro_rata: bool,
    /// Transaction kinds subject to chargeback; every kind when empty.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub kinds: Vec<TxnKind>,
}

/// How far back a clawback may recover paid variable pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ClawbackRule {
    /// Months before the decision in which paid awards may be recovered (84 = 7 years).
    pub look_back_months: u32,
}

/// Why a regulated plan, or a calculation on it, could not be used.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum RegulationError {
    /// The document is not valid JSON for a regulated plan.
    #[error("regulated plan JSON is malformed at line {line}, column {column}: {message}")]
    Malformed {
        /// 1-based line.
        line: usize,
        /// 1-based column.
        column: usize,
        /// The parser's message.
        message: String,
    },
    /// The document parsed but breaks rules; every problem is listed with its JSON path.
    #[error("regulated plan is invalid: {}", .0.iter().map(|p| p.to_string()).collect::<Vec<_>>().join("; "))]
    Invalid(Vec<PlanProblem>),
    /// The engine refused the calculation.
    #[error(transparent)]
    Calc(#[from] plumbline_engine::CalcError),
    /// A cancellation names a transaction the payee's inputs do not hold.
    #[error("cancellation of transaction {txn} for payee {payee}: no such transaction in the inputs")]
    UnknownTransaction {
        /// The payee.
        payee: String,
        /// The transaction named.
        txn: String,
    },
    /// A cancellation is dated before the transaction it cancels.
    #[error("cancellation of transaction {txn} is dated {cancelled_on}, before the transaction ({date})")]
    CancelledBeforeDate {
        /// The transaction.
        txn: String,
        /// The cancellation date.
        cancelled_on: chrono::NaiveDate,
        /// The transaction date.
        date: chrono::NaiveDate,
    },
    /// Cancellations are given but the plan has no chargeback rule.
    #[error("cancellations were given but plan `{plan}` has no chargeback rule")]
    NoChargebackRule {
        /// The plan.
        plan: String,
    },
}

impl RegulatedPlan {
    /// Parses and validates a regulated plan document.
    pub fn from_json(text: &str) -> Result<RegulatedPlan, RegulationError> {
        let doc: RegulatedPlan = serde_json::from_str(text).map_err(|e| RegulationError::Malformed {
            line: e.line(),
            column: e.column(),
            message: e.to_string(),
        })?;
        doc.check()?;
        Ok(doc)
    }

    /// The validation result as an error, so calculations refuse an invalid document.
    pub fn check(&self) -> Result<(), RegulationError> {
        let problems = self.validate();
        if problems.is_empty() { Ok(()) } else { Err(RegulationError::Invalid(problems)) }
    }

    /// Every rule the document breaks, each with its JSON path; empty when it is valid.
    pub fn validate(&self) -> Vec<PlanProblem> {
        let mut problems: Vec<PlanProblem> = self
            .plan
            .validate()
            .into_iter()
            .map(|p| PlanProblem { path: format!("plan.{}", p.path), message: p.message })
            .collect();
        let mut add = |path: String, message: String| problems.push(PlanProblem { path, message });
        let r = &self.regulation;
        if r.role.name.trim().is_empty() {
            add("regulation.role.name".into(), "must not be empty".into());
        }
        for (id, amount) in &r.on_target {
            if self.plan.component(id).is_none() {
                add(format!("regulation.on_target.{id}"), format!("no component has the id `{id}`"));
            } else if *amount < Decimal::ZERO {
                add(format!("regulation.on_target.{id}"), "must not be negative".into());
            }
        }
        let mut ids = BTreeSet::new();
        for (i, rule) in r.conduct.iter().enumerate() {
            let at = format!("regulation.conduct[{i}]");
            if rule.id.trim().is_empty() {
                add(format!("{at}.id"), "must not be empty".into());
            } else if !ids.insert(rule.id.as_str()) {
                add(format!("{at}.id"), "must be unique among the conduct rules".into());
            }
            if rule.periods == 0 {
                add(format!("{at}.periods"), "must be 1 or more".into());
            }
            if let ConductAction::ReduceComponent { component, fraction } = &rule.action {
                if self.plan.component(component).is_none() {
                    add(format!("{at}.action.component"), format!("no component has the id `{component}`"));
                }
                if *fraction <= Decimal::ZERO || *fraction > Decimal::ONE {
                    add(format!("{at}.action.fraction"), "must be more than 0 and at most 1".into());
                }
            }
        }
        match (&r.deferral_pack, &r.deferral) {
            (Some(_), Some(_)) => {
                add("regulation.deferral".into(), "give either deferral_pack or deferral, not both".into())
            }
            (Some(id), None) if packs::get(id).is_none() => add(
                "regulation.deferral_pack".into(),
                format!("no shipped pack has the id `{id}` (shipped: {})", packs::ids().join(", ")),
            ),
            (None, Some(schedule)) => {
                for p in schedule.validate() {
                    add(format!("regulation.deferral.{}", p.path), p.message);
                }
            }
            _ => {}
        }
        if let Some(schedule) = self.deferral_schedule()
            && let Some(currency) = &schedule.currency
            && *currency != self.plan.currency
        {
            add(
                "regulation.deferral.currency".into(),
                format!("the schedule is in {currency}, the plan pays in {}", self.plan.currency),
            );
        }
        if r.chargeback.as_ref().is_some_and(|c| c.window_months == 0) {
            add("regulation.chargeback.window_months".into(), "must be 1 or more".into());
        }
        if r.clawback.as_ref().is_some_and(|c| c.look_back_months == 0) {
            add("regulation.clawback.look_back_months".into(), "must be 1 or more".into());
        }
        problems.extend(validate::role_problems(&self.plan, r));
        problems
    }

    /// The deferral schedule in force: the named pack or the one written out.
    pub fn deferral_schedule(&self) -> Option<Cow<'_, DeferralSchedule>> {
        match (&self.regulation.deferral, &self.regulation.deferral_pack) {
            (Some(schedule), _) => Some(Cow::Borrowed(schedule)),
            (None, Some(id)) => packs::get(id).map(Cow::Owned),
            (None, None) => None,
        }
    }
}
