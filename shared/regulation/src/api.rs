//! Wire types of the API routes over regulated pay, for the API and the app to share.

use crate::RegulatedStatement;
use plumbline_firm::api::StatementResponse;
use serde::{Deserialize, Serialize};

/// `GET /api/statements/{person_id}`: the statement response as before, plus the regulated
/// statement when the payee's plan has a regulation section (conduct lines, deferral,
/// vesting, malus, clawback, paid now, unvested balances).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RegulatedStatementResponse {
    /// Every field of the plain statement response, unchanged.
    #[serde(flatten)]
    pub response: StatementResponse,
    /// The regulated statement; absent when the plan is not regulated.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub regulated: Option<RegulatedStatement>,
}

/// Whether a decision cuts unvested deferred pay or recovers pay already paid.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DecisionKind {
    /// Reduce unvested tranches (`apply_malus`).
    Malus,
    /// Recover paid cash or vested tranches within the look-back window (`apply_clawback`).
    Clawback,
}

/// `POST /api/pay-decisions`: compliance decides malus or clawback on a regulated payee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct PayDecisionRequest {
    /// Malus or clawback.
    pub kind: DecisionKind,
    /// Whose pay.
    pub person_id: String,
    /// How much, in whole minor units of the plan's currency.
    pub amount: rust_decimal::Decimal,
    /// Why.
    pub reason: String,
    /// Malus: one award id; clawback: one paid item (`<cash entry id>` or `<award id>@<vesting date>`).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
    /// The decision day; the firm's today when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub decided_on: Option<chrono::NaiveDate>,
}

/// The stored decision and the ledger entries it wrote.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PayDecisionResponse {
    /// Malus or clawback.
    pub kind: DecisionKind,
    /// The decision as stored.
    pub decision: crate::Decision,
    /// Its ledger entries (one per tranche or paid item it acts on).
    pub entries: Vec<crate::LedgerEntry>,
}
