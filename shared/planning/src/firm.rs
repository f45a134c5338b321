//! Planning requests built from a firm's records.
//!
//! A scope is one division or one team, so every figure is in one currency. The measure is the
//! one each division's plan sets quotas on: fee revenue and trail for wealth, bookings for asset
//! servicing, credited in full to the transaction's `owner` party.

use crate::capacity::{Ramp, month_start};
use crate::model::{Account, MonthlyResult, PipelineDeal, PriorQuota, Seller};
use crate::quota::{Method, QuotaRequest, Simulation};
use crate::territory::TerritoryRequest;
use chrono::{Datelike, Months, NaiveDate};
use plumbline_engine::TxnKind;
use plumbline_firm::{Client, Division, Firm, Person, Role, Stage};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// The licence wealth clients require: advice to private clients is a regulated activity.
pub const REGULATED: &str = "regulated";

/// Whose quotas or territories are planned.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", content = "id", rename_all = "snake_case")]
pub enum Scope {
    /// Every seller of a division.
    Division(Division),
    /// Every seller of one team.
    Team(String),
}

impl Scope {
    fn includes(&self, p: &Person) -> bool {
        p.role == Role::Rep
            && match self {
                Scope::Division(d) => p.division == Some(*d),
                Scope::Team(t) => p.team_id.as_deref() == Some(t.as_str()),
            }
    }
}

impl From<&Person> for Seller {
    /// A person as a seller: their own region, the regulated licence if they hold a regulated
    /// role, full time and no planned leave (the firm's records do not hold either yet).
    fn from(p: &Person) -> Seller {
        Seller {
            id: p.id.clone(),
            name: p.name.clone(),
            team_id: p.team_id.clone(),
            regions: vec![p.region.clone()],
            licences: if p.regulated { vec![REGULATED.to_string()] } else { Vec::new() },
            hire_date: p.hire_date,
            fte: Decimal::ONE,
            leave_days: 0,
        }
    }
}

/// The first plan year starting after the firm's as-of date.
pub fn next_plan_year(firm: &Firm) -> NaiveDate {
    let s = &firm.settings;
    let this_year = NaiveDate::from_ymd_opt(s.as_of.year(), s.fiscal_year_start_month, 1).expect("a valid month");
    if this_year > s.as_of { this_year } else { this_year + Months::new(12) }
}

fn measure(division: Division) -> &'static [TxnKind] {
    match division {
        Division::Wealth => &[TxnKind::FeeRevenue, TxnKind::Trail],
        Division::AssetServicing => &[TxnKind::Booking],
    }
}

fn sellers_in(firm: &Firm, scope: &Scope) -> Vec<Seller> {
    firm.people.iter().filter(|p| scope.includes(p)).map(Seller::from).collect()
}

/// Activities logged with each client in the year before the as-of date (at least 1 each, so
/// every account costs something to serve).
fn workload(firm: &Firm) -> BTreeMap<&str, Decimal> {
    let from = firm.settings.as_of - Months::new(12);
    let mut counts: BTreeMap<&str, Decimal> = BTreeMap::new();
    for a in firm.activities.iter().filter(|a| a.date > from && a.date <= firm.settings.as_of) {
        *counts.entry(a.client_id.as_str()).or_default() += Decimal::ONE;
    }
    counts
}

fn account(c: &Client, workload: &BTreeMap<&str, Decimal>) -> Account {
    Account {
        id: c.id.clone(),
        name: c.name.clone(),
        owner_id: c.owner_id.clone(),
        region: c.region.clone(),
        potential: c.wallet_estimate,
        workload: workload.get(c.id.as_str()).copied().unwrap_or_default().max(Decimal::ONE),
        required_licences: match c.division {
            Division::Wealth => vec![REGULATED.to_string()],
            Division::AssetServicing => Vec::new(),
        },
        locked: false,
    }
}

fn accounts_of(firm: &Firm, sellers: &[Seller]) -> Vec<Account> {
    let ids: BTreeSet<&str> = sellers.iter().map(|s| s.id.as_str()).collect();
    let workload = workload(firm);
    firm.clients.iter().filter(|c| ids.contains(c.owner_id.as_str())).map(|c| account(c, &workload)).collect()
}

/// The scope's division (a team's, for a team scope).
fn division_of(firm: &Firm, scope: &Scope) -> Option<Division> {
    match scope {
        Scope::Division(d) => Some(*d),
        Scope::Team(t) => firm.teams.iter().find(|team| &team.id == t).map(|team| team.division),
    }
}

/// Fewest closed deals before a seller's own win rate is trusted over their stated probabilities.
const MIN_CLOSED_FOR_CALIBRATION: usize = 5;

/// Per seller, how far to scale stated probabilities: their win rate over deals closed in the
/// 24 months of history, over the mean probability they state on their open deals. Sellers who
/// state 70% and win 20% have their pipeline counted at about 20%.
fn calibration<'a>(firm: &'a Firm, ids: &BTreeSet<&str>, history_end: NaiveDate) -> BTreeMap<&'a str, Decimal> {
    let from = history_end - Months::new(24);
    let mut closed: BTreeMap<&str, (usize, usize)> = BTreeMap::new();
    let mut stated: BTreeMap<&str, (u32, u32)> = BTreeMap::new();
    for o in firm.opportunities.iter().filter(|o| ids.contains(o.owner_id.as_str())) {
        if o.stage.is_open() {
            let entry = stated.entry(o.owner_id.as_str()).or_default();
            *entry = (entry.0 + u32::from(o.probability), entry.1 + 1);
        } else if o.close_date >= from && o.close_date < history_end {
            let entry = closed.entry(o.owner_id.as_str()).or_default();
            *entry = (entry.0 + usize::from(o.stage == Stage::ClosedWon), entry.1 + 1);
        }
    }
    closed
        .into_iter()
        .filter(|(_, (_, n))| *n >= MIN_CLOSED_FOR_CALIBRATION)
        .filter_map(|(id, (won, n))| {
            let (sum, count) = stated.get(id).copied().filter(|(sum, _)| *sum > 0)?;
            let win_rate = Decimal::from(won as u64) / Decimal::from(n as u64);
            let mean_stated = Decimal::from(sum) / Decimal::from(count) / Decimal::ONE_HUNDRED;
            Some((id, (win_rate / mean_stated).round_dp(6)))
        })
        .collect()
}

/// The quota request for a scope's next plan year: target equal to last year's quotas (set
/// `target` to the growth you want), the default blend, ramp and simulation.
///
/// Stated probabilities are calibrated by each seller's record (see [`calibration`]). The open
/// pipeline is valued in the quota measure: asset-servicing deals count their amount
/// when they close inside the plan year; wealth deals are new assets, counted as the fee revenue
/// they earn for the rest of the plan year at the scope's fee rate (last year's fee revenue over
/// the latest month-end AUM of the same clients).
pub fn quota_request(firm: &Firm, scope: &Scope) -> QuotaRequest {
    let sellers = sellers_in(firm, scope);
    let ids: BTreeSet<&str> = sellers.iter().map(|s| s.id.as_str()).collect();
    let plan_year_start = next_plan_year(firm);
    let plan_year_end = plan_year_start + Months::new(12);
    let history_end = month_start(firm.settings.as_of, 0);
    let kinds = division_of(firm, scope).map_or(&[][..], measure);
    let mut monthly: BTreeMap<(&str, NaiveDate), Decimal> = BTreeMap::new();
    let mut fee_clients: BTreeSet<&str> = BTreeSet::new();
    let mut last_year_fees = Decimal::ZERO;
    for t in firm.transactions.iter().filter(|t| kinds.contains(&t.kind)) {
        if let Some(owner) = t.parties.iter().find(|p| p.role == "owner" && ids.contains(p.payee.as_str())) {
            *monthly.entry((owner.payee.as_str(), month_start(t.date, 0))).or_default() += t.amount;
            if t.date >= history_end - Months::new(12) && t.date < history_end {
                last_year_fees += t.amount;
                fee_clients.extend(t.client_id.as_deref());
            }
        }
    }
    let history = monthly
        .into_iter()
        .map(|((person, month), amount)| MonthlyResult { person_id: person.to_string(), month, amount })
        .collect();
    let mut latest_aum: BTreeMap<&str, (NaiveDate, Decimal)> = BTreeMap::new();
    for s in firm.aum.iter().filter(|s| fee_clients.contains(s.client_id.as_str())) {
        let entry = latest_aum.entry(s.client_id.as_str()).or_insert((s.date, s.aum));
        if s.date >= entry.0 {
            *entry = (s.date, s.aum);
        }
    }
    let aum: Decimal = latest_aum.values().map(|(_, a)| *a).sum();
    let fee_rate = if aum.is_zero() { Decimal::ZERO } else { last_year_fees / aum };
    let wealth = division_of(firm, scope) == Some(Division::Wealth);
    let calibration = calibration(firm, &ids, history_end);
    let pipeline = firm
        .opportunities
        .iter()
        .filter(|o| o.stage.is_open() && ids.contains(o.owner_id.as_str()) && o.close_date < plan_year_end)
        .filter_map(|o| {
            let value = if wealth {
                let earning_from = o.close_date.max(plan_year_start);
                let days = Decimal::from((plan_year_end - earning_from).num_days());
                let year = Decimal::from((plan_year_end - plan_year_start).num_days());
                o.amount * fee_rate * days / year
            } else if o.close_date >= plan_year_start {
                o.amount
            } else {
                return None;
            };
            Some(PipelineDeal {
                id: o.id.clone(),
                person_id: o.owner_id.clone(),
                value: value.round_dp(2),
                probability: calibration.get(o.owner_id.as_str()).map_or(o.probability, |c| {
                    (Decimal::from(o.probability) * c)
                        .round()
                        .clamp(Decimal::ZERO, Decimal::ONE_HUNDRED)
                        .to_u8()
                        .unwrap_or(0)
                }),
            })
        })
        .collect();
    let current_year = plan_year_start - Months::new(12);
    let prior_quotas: Vec<PriorQuota> = firm
        .quotas
        .iter()
        .filter(|q| q.year_start == current_year && ids.contains(q.person_id.as_str()))
        .map(|q| PriorQuota { person_id: q.person_id.clone(), amount: q.amount })
        .collect();
    QuotaRequest {
        target: prior_quotas.iter().map(|q| q.amount).sum(),
        minor_digits: 2,
        plan_year_start,
        history_end,
        accounts: accounts_of(firm, &sellers),
        sellers,
        history,
        pipeline,
        prior_quotas,
        method: Method::default(),
        ramp: Ramp::default(),
        overrides: Vec::new(),
        simulation: Simulation::default(),
    }
}

/// The territory request for a scope's next plan year, with no account locked and at most
/// `max_moved_share` of accounts moving; lock named accounts by setting their `locked` flag.
pub fn territory_request(firm: &Firm, scope: &Scope, max_moved_share: Decimal) -> TerritoryRequest {
    let sellers = sellers_in(firm, scope);
    TerritoryRequest {
        accounts: accounts_of(firm, &sellers),
        sellers,
        plan_year_start: next_plan_year(firm),
        ramp: Ramp::default(),
        max_moved_share,
        move_penalty: 0.0,
        workload_weight: 0.5,
    }
}
