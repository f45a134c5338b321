//! Wire types of the API's planning routes (`POST /api/planning/...`), for the API and the
//! app to share: the request names a scope and the choices a designer makes; the server
//! builds the rest of the request from the firm's records (see [`crate::firm`]).

use crate::firm::{Scope, quota_request, territory_request};
use crate::{Method, Override, QuotaPlan, QuotaRequest, TerritoryProposal, TerritoryRequest};
use plumbline_firm::workflow::{AllocatedQuota, OwnerChange, ProposedChange};
use plumbline_firm::{Division, Firm};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// `POST /api/planning/quotas`: allocate next plan year's quotas for a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QuotaPlanRequest {
    /// Whose quotas: `{"kind": "division", "id": "wealth"}` or `{"kind": "team", "id": "T-WM-1"}`.
    pub scope: Scope,
    /// The data-driven method; the default blend when absent.
    #[serde(default)]
    pub method: Option<Method>,
    /// The top-down target; this year's quotas in scope summed when absent.
    #[serde(default)]
    pub target: Option<Decimal>,
    /// Manual quotas, each with a reason.
    #[serde(default)]
    pub overrides: Vec<Override>,
}

impl QuotaPlanRequest {
    /// The full library request: the scope's records from `firm` with these choices applied.
    pub fn build(&self, firm: &Firm) -> QuotaRequest {
        let mut request = quota_request(firm, &self.scope);
        if let Some(method) = &self.method {
            request.method = method.clone();
        }
        if let Some(target) = self.target {
            request.target = target;
        }
        request.overrides = self.overrides.clone();
        request
    }
}

/// `POST /api/planning/territories`: rebalance a scope's accounts for next plan year.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TerritoryPlanRequest {
    /// Whose accounts.
    pub scope: Scope,
    /// Largest share of the accounts that may change owner, 0 to 1 (`"0.1"` = 10%).
    pub max_moved_share: Decimal,
    /// Accounts that must stay with their owner.
    #[serde(default)]
    pub locked: Vec<String>,
    /// Objective cost of each move (0 when absent: only the cap limits moves).
    #[serde(default)]
    pub move_penalty: Option<f64>,
    /// Weight of workload balance against potential balance (0.5 when absent).
    #[serde(default)]
    pub workload_weight: Option<f64>,
}

impl TerritoryPlanRequest {
    /// The full library request: the scope's sellers and accounts with these choices applied.
    pub fn build(&self, firm: &Firm) -> TerritoryRequest {
        let mut request = territory_request(firm, &self.scope, self.max_moved_share);
        for account in request.accounts.iter_mut() {
            account.locked = self.locked.contains(&account.id);
        }
        if let Some(penalty) = self.move_penalty {
            request.move_penalty = penalty;
        }
        if let Some(weight) = self.workload_weight {
            request.workload_weight = weight;
        }
        request
    }
}

/// Which of a [`QuotaPlan`]'s two allocations is proposed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum AllocationChoice {
    /// The data-driven allocation (with its overrides).
    DataDriven,
    /// "Last year + x%".
    SpreadAround,
}

/// `POST /api/planning/quotas/proposals`: run the allocation and submit one of its two
/// results for approval as a `quota_allocation` proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct QuotaProposalRequest {
    /// The same request as `POST /api/planning/quotas`; the server runs it again.
    pub plan: QuotaPlanRequest,
    /// Which allocation becomes the quotas.
    pub allocation: AllocationChoice,
    /// Why, for the approvers.
    pub reason: String,
}

/// `POST /api/planning/territories/proposals`: balance the territories and submit the moves
/// for approval as a `territory_map` proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct TerritoryProposalRequest {
    /// The same request as `POST /api/planning/territories`; the server runs it again.
    pub plan: TerritoryPlanRequest,
    /// Why, for the approvers.
    pub reason: String,
}

/// A scope in words, e.g. `division wealth`, `team T-WM-1`.
pub fn scope_label(scope: &Scope) -> String {
    match scope {
        Scope::Division(Division::Wealth) => "division wealth".into(),
        Scope::Division(Division::AssetServicing) => "division asset servicing".into(),
        Scope::Team(id) => format!("team {id}"),
    }
}

/// The proposed change for the chosen allocation of `plan`, computed from `request`.
pub fn quota_change(
    request: &QuotaRequest,
    plan: &QuotaPlan,
    scope: &Scope,
    choice: AllocationChoice,
) -> ProposedChange {
    let allocation = match choice {
        AllocationChoice::DataDriven => &plan.data_driven,
        AllocationChoice::SpreadAround => &plan.spread_around,
    };
    ProposedChange::QuotaAllocation {
        year_start: request.plan_year_start,
        basis: format!("{}, {}, target {}", allocation.label, scope_label(scope), plan.target),
        quotas: allocation
            .lines
            .iter()
            .map(|l| AllocatedQuota { person_id: l.person_id.clone(), amount: l.quota })
            .collect(),
    }
}

/// The proposed change for a territory proposal's moves, computed from `request`.
pub fn territory_change(request: &TerritoryRequest, proposal: &TerritoryProposal, scope: &Scope) -> ProposedChange {
    ProposedChange::TerritoryMap {
        year_start: request.plan_year_start,
        basis: format!(
            "{}: {} of {} accounts move ({} locked)",
            scope_label(scope),
            proposal.summary.moved,
            proposal.summary.accounts,
            proposal.summary.locked
        ),
        moves: proposal
            .moves
            .iter()
            .map(|m| OwnerChange {
                client_id: m.account_id.clone(),
                from: m.from.clone(),
                to: m.to.clone(),
                reason: m.reason.clone(),
            })
            .collect(),
    }
}
