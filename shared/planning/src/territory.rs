//! Territory balancing: move accounts between sellers so potential and workload follow capacity,
//! with few moves, never breaking a region, licence or named-account lock.
//!
//! The heuristic (documented with its measured optimality gap in docs/planning.md): steepest
//! single moves while they lower the objective and the move budget lasts, then first-improvement
//! swaps of two accounts, repeated until neither helps.

use crate::capacity::{Ramp, capacity};
use crate::error::PlanningError;
use crate::model::{Account, Seller};
use crate::stats::Distribution;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};

/// Improvements smaller than this are rounding noise, not progress.
const EPSILON: f64 = 1e-12;
/// Swap passes are the costly part; a few passes capture nearly all of their gain.
const MAX_ROUNDS: usize = 8;

/// Everything needed to balance one set of territories: one call, plain data.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TerritoryRequest {
    /// The sellers, with regions, licences and capacity inputs.
    pub sellers: Vec<Seller>,
    /// The accounts, owned by those sellers.
    pub accounts: Vec<Account>,
    /// First day of the plan year, for capacity.
    pub plan_year_start: NaiveDate,
    /// New hires' ramp.
    #[serde(default)]
    pub ramp: Ramp,
    /// Largest share of all accounts that may change owner (0.1 = 10%).
    pub max_moved_share: Decimal,
    /// Objective cost of each moved account (0: only the cap limits moves).
    #[serde(default)]
    pub move_penalty: f64,
    /// Weight of workload balance against potential balance (potential weighs 1).
    #[serde(default = "half")]
    pub workload_weight: f64,
}

fn half() -> f64 {
    0.5
}

/// One seller before and after.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SellerBalance {
    /// The seller.
    pub person_id: String,
    /// Display name.
    pub name: String,
    /// Fair share of potential and workload: their capacity over everyone's.
    pub fair_share: f64,
    /// Accounts owned before.
    pub accounts_before: usize,
    /// Accounts owned after.
    pub accounts_after: usize,
    /// Potential owned before.
    pub potential_before: Decimal,
    /// Potential owned after.
    pub potential_after: Decimal,
    /// Workload before.
    pub workload_before: Decimal,
    /// Workload after.
    pub workload_after: Decimal,
    /// Potential as a multiple of the fair share before (1 = exactly fair).
    pub potential_index_before: f64,
    /// Potential as a multiple of the fair share after.
    pub potential_index_after: f64,
}

/// An account that changes owner, and why.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccountMove {
    /// The account.
    pub account_id: String,
    /// Its name.
    pub account_name: String,
    /// Owner before.
    pub from: String,
    /// Owner after.
    pub to: String,
    /// Its potential.
    pub potential: Decimal,
    /// Its workload.
    pub workload: Decimal,
    /// Why, in a sentence.
    pub reason: String,
}

/// Who owns each account in the proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AccountAssignment {
    /// The account.
    pub account_id: String,
    /// Owner before.
    pub owner_before: String,
    /// Owner after.
    pub owner_after: String,
}

/// Headline figures of a proposal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct BalanceSummary {
    /// Accounts in scope.
    pub accounts: usize,
    /// Accounts that are locked.
    pub locked: usize,
    /// Most accounts allowed to move.
    pub max_moves: usize,
    /// Accounts that move.
    pub moved: usize,
    /// `moved / accounts`.
    pub moved_share: f64,
    /// Potential index (potential over fair share) across sellers, before.
    pub potential_before: Distribution,
    /// The same, after.
    pub potential_after: Distribution,
    /// Workload index across sellers, before.
    pub workload_before: Distribution,
    /// The same, after.
    pub workload_after: Distribution,
    /// Objective (imbalance plus move penalties) before.
    pub objective_before: f64,
    /// Objective after.
    pub objective_after: f64,
}

/// The answer to a [`TerritoryRequest`]: a proposal for approval.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TerritoryProposal {
    /// Every account's owner before and after, in request order.
    pub assignments: Vec<AccountAssignment>,
    /// Every seller before and after, in request order.
    pub sellers: Vec<SellerBalance>,
    /// The accounts that move, with reasons.
    pub moves: Vec<AccountMove>,
    /// Headline figures.
    pub summary: BalanceSummary,
}

/// The balancing problem in plain numbers: shares of potential and workload, fair shares and
/// who may own what. Public so tests and tools can evaluate any assignment with the same objective.
#[derive(Debug, Clone)]
pub struct Problem {
    /// Each account's share of all potential.
    pub potential: Vec<f64>,
    /// Each account's share of all workload.
    pub workload: Vec<f64>,
    /// Each seller's fair share (capacity over all capacity).
    pub fair: Vec<f64>,
    /// Owner at the start, per account.
    pub original: Vec<usize>,
    /// Sellers each account may move to (its owner aside); empty for locked accounts.
    pub allowed: Vec<Vec<usize>>,
    /// Workload weight.
    pub workload_weight: f64,
    /// Cost per moved account.
    pub move_penalty: f64,
    /// Most accounts that may move.
    pub max_moves: usize,
}

/// Running totals of an assignment, so a move is evaluated in constant time.
#[derive(Debug, Clone)]
struct State {
    owner: Vec<usize>,
    potential: Vec<f64>,
    workload: Vec<f64>,
    moves: usize,
}

impl Problem {
    /// Builds the problem from a validated request.
    fn new(req: &TerritoryRequest) -> Problem {
        let caps: Vec<f64> = req
            .sellers
            .iter()
            .map(|s| f64::try_from(capacity(s, req.plan_year_start, &req.ramp).total).unwrap_or(0.0))
            .collect();
        let total_cap: f64 = caps.iter().sum();
        let fair = caps.iter().map(|c| if total_cap > 0.0 { c / total_cap } else { 1.0 / caps.len() as f64 }).collect();
        let shares = |values: Vec<f64>| -> Vec<f64> {
            let total: f64 = values.iter().sum();
            values.iter().map(|v| if total > 0.0 { v / total } else { 0.0 }).collect()
        };
        let potential = shares(req.accounts.iter().map(|a| f64::try_from(a.potential).unwrap_or(0.0)).collect());
        let workload = shares(req.accounts.iter().map(|a| f64::try_from(a.workload).unwrap_or(0.0)).collect());
        let index_of = |id: &str| req.sellers.iter().position(|s| s.id == id).expect("owners are validated");
        let original = req.accounts.iter().map(|a| index_of(&a.owner_id)).collect::<Vec<_>>();
        let allowed = req
            .accounts
            .iter()
            .zip(&original)
            .map(|(a, owner)| {
                if a.locked {
                    return Vec::new();
                }
                (0..req.sellers.len())
                    .filter(|t| *t != *owner && caps[*t] > 0.0 && may_own(&req.sellers[*t], a))
                    .collect()
            })
            .collect();
        let max_moves = (req.max_moved_share * Decimal::from(req.accounts.len())).floor();
        Problem {
            potential,
            workload,
            fair,
            original,
            allowed,
            workload_weight: req.workload_weight,
            move_penalty: req.move_penalty,
            max_moves: max_moves.to_usize().unwrap_or(0),
        }
    }

    /// One seller's imbalance: squared distance from fair share, relative to it.
    fn term(&self, seller: usize, potential: f64, workload: f64) -> f64 {
        let f = self.fair[seller];
        if f <= 0.0 {
            return 0.0;
        }
        ((potential - f).powi(2) + self.workload_weight * (workload - f).powi(2)) / f
    }

    /// The objective of an assignment (owner per account): imbalance plus move penalties.
    pub fn objective(&self, owner: &[usize]) -> f64 {
        let state = self.state(owner.to_vec());
        self.total(&state)
    }

    /// Whether an assignment keeps every hard constraint and the move cap.
    pub fn feasible(&self, owner: &[usize]) -> bool {
        let moves = owner.iter().zip(&self.original).filter(|(a, b)| a != b).count();
        moves <= self.max_moves
            && owner.iter().enumerate().all(|(a, o)| *o == self.original[a] || self.allowed[a].contains(o))
    }

    fn state(&self, owner: Vec<usize>) -> State {
        let mut potential = vec![0.0; self.fair.len()];
        let mut workload = vec![0.0; self.fair.len()];
        for (a, o) in owner.iter().enumerate() {
            potential[*o] += self.potential[a];
            workload[*o] += self.workload[a];
        }
        let moves = owner.iter().zip(&self.original).filter(|(a, b)| a != b).count();
        State { owner, potential, workload, moves }
    }

    fn total(&self, s: &State) -> f64 {
        (0..self.fair.len()).map(|k| self.term(k, s.potential[k], s.workload[k])).sum::<f64>()
            + self.move_penalty * s.moves as f64
    }

    /// Change in moves if account `a` goes to `to`.
    fn move_delta(&self, s: &State, a: usize, to: usize) -> isize {
        let before = isize::from(s.owner[a] != self.original[a]);
        let after = isize::from(to != self.original[a]);
        after - before
    }

    /// Change in one seller's term if their shares of potential and workload change by these amounts.
    fn seller_delta(&self, s: &State, seller: usize, potential: f64, workload: f64) -> f64 {
        self.term(seller, s.potential[seller] + potential, s.workload[seller] + workload)
            - self.term(seller, s.potential[seller], s.workload[seller])
    }

    fn can_go(&self, a: usize, to: usize) -> bool {
        to == self.original[a] || self.allowed[a].binary_search(&to).is_ok()
    }

    fn apply(&self, s: &mut State, a: usize, to: usize) {
        let from = s.owner[a];
        s.moves = (s.moves as isize + self.move_delta(s, a, to)) as usize;
        s.potential[from] -= self.potential[a];
        s.workload[from] -= self.workload[a];
        s.potential[to] += self.potential[a];
        s.workload[to] += self.workload[a];
        s.owner[a] = to;
    }

    /// The best single move, if one lowers the objective within the move cap.
    fn best_move(&self, s: &State) -> Option<(usize, usize)> {
        let mut best: Option<(f64, usize, usize)> = None;
        for a in 0..s.owner.len() {
            let from = s.owner[a];
            let targets = self.allowed[a].iter().copied().chain((from != self.original[a]).then_some(self.original[a]));
            for to in targets.filter(|t| *t != from) {
                if s.moves as isize + self.move_delta(s, a, to) > self.max_moves as isize {
                    continue;
                }
                let delta = self.delta(s, a, to);
                if delta < -EPSILON && best.is_none_or(|(b, _, _)| delta < b) {
                    best = Some((delta, a, to));
                }
            }
        }
        best.map(|(_, a, to)| (a, to))
    }

    /// One pass of first-improvement swaps; whether any was made.
    fn swap_pass(&self, s: &mut State) -> bool {
        let mut improved = false;
        for a in 0..s.owner.len() {
            if self.allowed[a].is_empty() {
                continue;
            }
            for b in (a + 1)..s.owner.len() {
                let (sa, sb) = (s.owner[a], s.owner[b]);
                if sa == sb || self.allowed[b].is_empty() || !self.can_go(a, sb) || !self.can_go(b, sa) {
                    continue;
                }
                let dm = self.move_delta(s, a, sb) + self.move_delta(s, b, sa);
                if s.moves as isize + dm > self.max_moves as isize {
                    continue;
                }
                let (dp, dw) = (self.potential[b] - self.potential[a], self.workload[b] - self.workload[a]);
                let delta = self.seller_delta(s, sa, dp, dw)
                    + self.seller_delta(s, sb, -dp, -dw)
                    + self.move_penalty * dm as f64;
                if delta < -EPSILON {
                    self.apply(s, a, sb);
                    self.apply(s, b, sa);
                    improved = true;
                }
            }
        }
        improved
    }

    /// One pass of two-step chains: account `a` moves to `t` while an account of `t` moves on
    /// to `u`. This reaches balances that single moves and swaps cannot when licences and regions
    /// make the constraints one-way. Whether any chain was made.
    fn chain_pass(&self, s: &mut State, owned: &mut [Vec<usize>]) -> bool {
        let mut improved = false;
        for a in 0..s.owner.len() {
            let from = s.owner[a];
            let targets: Vec<usize> = self.allowed[a]
                .iter()
                .copied()
                .chain(std::iter::once(self.original[a]))
                .filter(|t| *t != from)
                .collect();
            for t in targets {
                let first = self.delta(s, a, t);
                self.apply(s, a, t);
                let mut best: Option<(f64, usize, usize)> = None;
                for &b in owned[t].iter().filter(|b| **b != a) {
                    let options = self.allowed[b].iter().copied().chain(std::iter::once(self.original[b]));
                    for u in options.filter(|u| *u != t) {
                        if s.moves as isize + self.move_delta(s, b, u) > self.max_moves as isize {
                            continue;
                        }
                        let d = first + self.delta(s, b, u);
                        if d < -EPSILON && best.is_none_or(|(x, _, _)| d < x) {
                            best = Some((d, b, u));
                        }
                    }
                }
                match best {
                    Some((_, b, u)) => {
                        self.apply(s, b, u);
                        owned[from].retain(|x| *x != a);
                        owned[t].push(a);
                        owned[t].retain(|x| *x != b);
                        owned[u].push(b);
                        improved = true;
                        break;
                    }
                    _ => self.apply(s, a, from),
                }
            }
        }
        improved
    }

    /// Change in the objective if account `a` moves to `to`.
    fn delta(&self, s: &State, a: usize, to: usize) -> f64 {
        let from = s.owner[a];
        self.seller_delta(s, from, -self.potential[a], -self.workload[a])
            + self.seller_delta(s, to, self.potential[a], self.workload[a])
            + self.move_penalty * self.move_delta(s, a, to) as f64
    }

    /// The heuristic: steepest moves and a pass of swaps; when they are stuck, a pass of chains;
    /// until none improves.
    pub fn solve(&self) -> Vec<usize> {
        let mut s = self.state(self.original.clone());
        for _ in 0..MAX_ROUNDS {
            let mut improved = false;
            while let Some((a, to)) = self.best_move(&s) {
                self.apply(&mut s, a, to);
                improved = true;
            }
            improved |= self.swap_pass(&mut s);
            // Chains cost far more than moves and swaps: only try them once those are stuck.
            if !improved {
                let mut owned = vec![Vec::new(); self.fair.len()];
                for (a, o) in s.owner.iter().enumerate() {
                    owned[*o].push(a);
                }
                improved = self.chain_pass(&mut s, &mut owned);
            }
            if !improved {
                break;
            }
        }
        s.owner
    }
}

/// Whether `seller` may own `account`: covers its region and holds its licences.
pub fn may_own(seller: &Seller, account: &Account) -> bool {
    seller.regions.contains(&account.region) && account.required_licences.iter().all(|l| seller.licences.contains(l))
}

fn index(value: f64, fair: f64) -> f64 {
    if fair > 0.0 { value / fair } else { 0.0 }
}

fn percent(x: f64) -> String {
    format!("{:.0}%", x * 100.0)
}

/// Balances the territories: the one call an API route or the browser makes.
pub fn balance_territories(req: &TerritoryRequest) -> Result<TerritoryProposal, PlanningError> {
    crate::validate_people(&req.sellers, &req.accounts)?;
    if req.max_moved_share < Decimal::ZERO || req.max_moved_share > Decimal::ONE {
        return Err(PlanningError::BadShare { field: "max_moved_share", value: req.max_moved_share });
    }
    let problem = Problem::new(req);
    let owner = problem.solve();
    let before = problem.state(problem.original.clone());
    let after = problem.state(owner.clone());
    let n_sellers = req.sellers.len();
    let sum = |owners: &[usize], k: usize, value: fn(&Account) -> Decimal| -> Decimal {
        req.accounts.iter().zip(owners).filter(|(_, o)| **o == k).map(|(a, _)| value(a)).sum()
    };
    let sellers: Vec<SellerBalance> = (0..n_sellers)
        .map(|k| SellerBalance {
            person_id: req.sellers[k].id.clone(),
            name: req.sellers[k].name.clone(),
            fair_share: problem.fair[k],
            accounts_before: problem.original.iter().filter(|o| **o == k).count(),
            accounts_after: owner.iter().filter(|o| **o == k).count(),
            potential_before: sum(&problem.original, k, |a| a.potential),
            potential_after: sum(&owner, k, |a| a.potential),
            workload_before: sum(&problem.original, k, |a| a.workload),
            workload_after: sum(&owner, k, |a| a.workload),
            potential_index_before: index(before.potential[k], problem.fair[k]),
            potential_index_after: index(after.potential[k], problem.fair[k]),
        })
        .collect();
    let moves = req
        .accounts
        .iter()
        .enumerate()
        .filter(|(a, _)| owner[*a] != problem.original[*a])
        .map(|(a, account)| {
            let (from, to) = (problem.original[a], owner[a]);
            let licences = if account.required_licences.is_empty() {
                String::new()
            } else {
                format!(" and holds {}", account.required_licences.join(", "))
            };
            // Judge the move against the proposal with only this account left where it was.
            let (p, w) = (problem.potential[a], problem.workload[a]);
            let change = |k: usize, sign: f64| {
                let pct = |share: f64| percent(index(share, problem.fair[k]));
                format!(
                    "{}'s potential goes from {} to {} of fair share (workload {} to {})",
                    req.sellers[k].name,
                    pct(after.potential[k] + sign * p),
                    pct(after.potential[k]),
                    pct(after.workload[k] + sign * w),
                    pct(after.workload[k])
                )
            };
            AccountMove {
                account_id: account.id.clone(),
                account_name: account.name.clone(),
                from: req.sellers[from].id.clone(),
                to: req.sellers[to].id.clone(),
                potential: account.potential,
                workload: account.workload,
                reason: format!(
                    "{} (potential {}, workload {}) moves from {} to {}: {}; {}. {} covers {}{}.",
                    account.name,
                    account.potential,
                    account.workload,
                    req.sellers[from].name,
                    req.sellers[to].name,
                    change(from, 1.0),
                    change(to, -1.0),
                    req.sellers[to].name,
                    account.region,
                    licences
                ),
            }
        })
        .collect::<Vec<_>>();
    let indexes = |s: &State, workload: bool| -> Distribution {
        let values: Vec<f64> = (0..n_sellers)
            .filter(|k| problem.fair[*k] > 0.0)
            .map(|k| index(if workload { s.workload[k] } else { s.potential[k] }, problem.fair[k]))
            .collect();
        Distribution::of(&values)
    };
    let summary = BalanceSummary {
        accounts: req.accounts.len(),
        locked: req.accounts.iter().filter(|a| a.locked).count(),
        max_moves: problem.max_moves,
        moved: moves.len(),
        moved_share: if req.accounts.is_empty() { 0.0 } else { moves.len() as f64 / req.accounts.len() as f64 },
        potential_before: indexes(&before, false),
        potential_after: indexes(&after, false),
        workload_before: indexes(&before, true),
        workload_after: indexes(&after, true),
        objective_before: problem.total(&before),
        objective_after: problem.total(&after),
    };
    let assignments = req
        .accounts
        .iter()
        .zip(&owner)
        .map(|(a, o)| AccountAssignment {
            account_id: a.id.clone(),
            owner_before: a.owner_id.clone(),
            owner_after: req.sellers[*o].id.clone(),
        })
        .collect();
    Ok(TerritoryProposal { assignments, sellers, moves, summary })
}

/// The problem a request poses, for tests and tools that compare solvers.
pub fn problem_of(req: &TerritoryRequest) -> Result<Problem, PlanningError> {
    crate::validate_people(&req.sellers, &req.accounts)?;
    Ok(Problem::new(req))
}
