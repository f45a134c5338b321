//! Wire types of the API's planning routes (`POST /api/planning/...`), for the API and the
//! app to share: the request names a scope and the choices a designer makes; the server
//! builds the rest of the request from the firm's records (see [`crate::firm`]).

use crate::firm::{Scope, quota_request, territory_request};
use crate::{Method, Override, QuotaRequest, TerritoryRequest};
use plumbline_firm::Firm;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// `POST /api/planning/quotas`: allocate next plan year's quotas for a scope.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
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
