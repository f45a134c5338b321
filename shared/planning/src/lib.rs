//! Planning from data: quota allocation with fairness reports, and territory balancing.
//!
//! Pure functions over plain serde data, so the same code runs behind an API route and live in
//! the browser. Each feature is one call: [`plan_quotas`] takes a [`QuotaRequest`] and returns a
//! [`QuotaPlan`] (the data-driven allocation beside "last year + x%", both with fairness
//! reports); [`balance_territories`] takes a [`TerritoryRequest`] and returns a
//! [`TerritoryProposal`]. [`firm`] builds both requests from a firm's records. Methods,
//! formulas and the heuristic's measured optimality gap are in docs/planning.md.

pub mod api;
pub mod capacity;
mod error;
mod fairness;
pub mod firm;
pub mod history;
pub mod model;
pub mod quota;
pub mod stats;
pub mod territory;

pub use capacity::{Capacity, Ramp};
pub use error::PlanningError;
pub use fairness::{AttainmentBucket, AttainmentReport, Fairness, SellerFairness};
pub use model::{Account, MonthlyResult, PipelineDeal, PriorQuota, Seller};
pub use quota::{Allocation, Comparison, Method, Override, QuotaPlan, QuotaRequest, Simulation, plan_quotas};
pub use territory::{TerritoryProposal, TerritoryRequest, balance_territories};

use rust_decimal::Decimal;

/// Checks what both features rely on: sellers exist once each with a sane FTE, and accounts
/// exist once each, owned by a seller in scope, with non-negative figures.
fn validate_people(sellers: &[Seller], accounts: &[Account]) -> Result<(), PlanningError> {
    if sellers.is_empty() {
        return Err(PlanningError::NoSellers);
    }
    let mut ids = std::collections::BTreeSet::new();
    for (index, s) in sellers.iter().enumerate() {
        if !ids.insert(s.id.as_str()) {
            return Err(PlanningError::DuplicateSeller { index, id: s.id.clone() });
        }
        if s.fte < Decimal::ZERO || s.fte > Decimal::ONE {
            return Err(PlanningError::BadFte { index, fte: s.fte });
        }
    }
    let mut account_ids = std::collections::BTreeSet::new();
    for (index, a) in accounts.iter().enumerate() {
        if !account_ids.insert(a.id.as_str()) {
            return Err(PlanningError::DuplicateAccount { index, id: a.id.clone() });
        }
        if !ids.contains(a.owner_id.as_str()) {
            return Err(PlanningError::UnknownOwner { index, owner: a.owner_id.clone() });
        }
        for (field, value) in [("potential", a.potential), ("workload", a.workload)] {
            if value < Decimal::ZERO {
                return Err(PlanningError::NegativeAccountValue { index, field, value });
            }
        }
    }
    Ok(())
}
