//! Compensation set-up: the two plans, quotas and plan assignments.

use crate::dates::ymd;
use crate::org::Org;
use crate::world::{Ccy, Ctx, World, money, round_to};
use chrono::{Datelike, NaiveDate};
use plumbline_engine::{Component, Crediting, Measure, Plan, RoundingRule, Tier, TierMethod, TxnKind};
use plumbline_firm::{Division, Person, PlanAssignment, Quota};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The wealth advisers' plan id.
pub(crate) const WEALTH_PLAN: &str = "wm-adviser";
/// The asset-servicing sellers' plan id.
pub(crate) const SERVICING_PLAN: &str = "as-seller";

fn d(units: i64, scale: u32) -> Decimal {
    Decimal::new(units, scale)
}

fn tier(up_to: Option<Decimal>, rate: Decimal) -> Tier {
    Tier { up_to, rate }
}

/// The plan versions in force; both start with the previous plan year.
pub(crate) fn plans(ctx: &Ctx) -> Vec<Plan> {
    let wealth = Plan {
        id: WEALTH_PLAN.into(),
        version: 1,
        name: "Wealth Adviser Incentive Plan".into(),
        currency: Ccy::Gbp.currency(),
        effective_from: ctx.prev_year_start,
        effective_to: None,
        year_start_month: 1,
        rounding: RoundingRule::HalfAwayFromZero,
        crediting: Crediting {
            splits: BTreeMap::from([("owner".to_string(), d(8, 1)), ("specialist".to_string(), d(2, 1))]),
            overlays: Vec::new(),
            rollup: None,
        },
        components: vec![
            Component::Tiered {
                id: "fee-revenue".into(),
                name: "Fee revenue".into(),
                measure: Measure::of(&[TxnKind::FeeRevenue, TxnKind::Trail]),
                method: TierMethod::Marginal,
                tiers: vec![tier(Some(d(5, 1)), d(2, 2)), tier(Some(d(1, 0)), d(4, 2)), tier(None, d(7, 2))],
                threshold: None,
                gate: None,
                cap_quota_multiple: Some(d(8, 2)),
                cap_amount: None,
            },
            Component::Flat {
                id: "net-new-assets".into(),
                name: "Net new assets".into(),
                measure: Measure::of(&[TxnKind::Inflow, TxnKind::Outflow]),
                rate: d(1, 3),
                floor: Some(Decimal::ZERO),
                gate: None,
                cap_amount: None,
            },
        ],
        cap_amount: None,
        cap_fixed_pay_multiple: None,
        draw: None,
        calendar: None,
        fx_method: None,
    };
    let servicing = Plan {
        id: SERVICING_PLAN.into(),
        version: 1,
        name: "Asset Servicing Sales Plan".into(),
        currency: Ccy::Usd.currency(),
        effective_from: ctx.prev_year_start,
        effective_to: None,
        year_start_month: 1,
        rounding: RoundingRule::HalfAwayFromZero,
        crediting: Crediting {
            splits: BTreeMap::from([
                ("owner".to_string(), d(6, 1)),
                ("product_specialist".to_string(), d(3, 1)),
                ("referrer".to_string(), d(1, 1)),
            ]),
            overlays: Vec::new(),
            rollup: None,
        },
        components: vec![Component::Tiered {
            id: "bookings".into(),
            name: "Bookings".into(),
            measure: Measure::of(&[TxnKind::Booking]),
            method: TierMethod::Marginal,
            tiers: vec![tier(Some(d(1, 0)), d(8, 2)), tier(None, d(12, 2))],
            threshold: None,
            gate: None,
            cap_quota_multiple: Some(d(25, 2)),
            cap_amount: None,
        }],
        cap_amount: None,
        cap_fixed_pay_multiple: None,
        draw: None,
        calendar: None,
        fx_method: None,
    };
    vec![wealth, servicing]
}

/// Every seller on their division's plan from when they joined or the plan began.
pub(crate) fn assignments(ctx: &Ctx, org: &Org, people: &[Person]) -> Vec<PlanAssignment> {
    org.reps
        .iter()
        .map(|r| PlanAssignment {
            person_id: people[r.person].id.clone(),
            plan_id: match r.division {
                Division::Wealth => WEALTH_PLAN.into(),
                Division::AssetServicing => SERVICING_PLAN.into(),
            },
            plan_version: 1,
            from: people[r.person].hire_date.max(ctx.prev_year_start),
            to: None,
        })
        .collect()
}

/// Annual quotas for the previous and current plan years.
pub(crate) fn quotas(ctx: &Ctx, org: &Org, world: &mut World) {
    let prev_end = ymd(ctx.prev_year_start.year(), 12, 31);
    // Each adviser's own fee revenue and trail last year, before any split.
    let mut revenue: BTreeMap<usize, i64> = BTreeMap::new();
    for t in &world.txns {
        if matches!(t.kind, TxnKind::FeeRevenue | TxnKind::Trail) && t.date >= ctx.prev_year_start && t.date <= prev_end
        {
            *revenue.entry(t.parties[0].0).or_default() += t.cents;
        }
    }
    // What joiners brought over, for their ramp quotas.
    let mut transfers: BTreeMap<&str, i64> = BTreeMap::new();
    for f in &world.flows {
        if f.product == Some("Transfer In") {
            *transfers.entry(world.clients[f.client].owner_id.as_str()).or_default() += f.cents;
        }
    }
    let mut quotas = Vec::new();
    for rep in &org.reps {
        let mut rng = ctx.rng("quota", rep.person);
        let person = &world.people[rep.person];
        let quota = |year_start, cents| Quota {
            person_id: person.id.clone(),
            year_start,
            amount: money(cents),
            currency: person.currency.clone(),
        };
        // A joiner's quota is a full-year figure, reduced while they ramp up in the year they
        // join; the engine prorates it by the days their plan assignment covers, so storing a
        // part-year figure here would prorate it twice.
        let ramped = |year_start: NaiveDate, annual: f64| -> Option<f64> {
            let next = ymd(year_start.year() + 1, 1, 1);
            let ramp = if person.hire_date >= year_start { 0.6 } else { 0.9 };
            (person.hire_date < next).then_some(annual * ramp)
        };
        let years = [ctx.prev_year_start, ctx.year_start];
        match (rep.division, rep.new_hire) {
            (Division::Wealth, false) => {
                let modelled = world.modelled_revenue.get(&rep.person).copied().unwrap_or(0) as f64;
                quotas.push(quota(ctx.prev_year_start, round_to(modelled * rng.uniform(0.97, 1.05), 100_000)));
                let last_year = revenue.get(&rep.person).copied().unwrap_or(0) as f64;
                quotas.push(quota(ctx.year_start, round_to(last_year * rng.uniform(1.05, 1.15), 100_000)));
            }
            (Division::Wealth, true) => {
                // Run-rate revenue of the book the joiner brought, at a typical fee rate.
                let book = transfers.get(person.id.as_str()).copied().unwrap_or(0) as f64 * 0.0085;
                for y in years {
                    if let Some(cents) = ramped(y, book) {
                        quotas.push(quota(y, round_to(cents, 100_000).max(1_000_000)));
                    }
                }
            }
            (Division::AssetServicing, false) => {
                let prev = (rep.capacity * rng.uniform(0.95, 1.08)).clamp(1e6, 3e6);
                quotas.push(quota(ctx.prev_year_start, round_to(prev * 100.0, 1_000_000)));
                let cur = (rep.capacity * rng.uniform(1.0, 1.1)).clamp(1e6, 3e6);
                quotas.push(quota(ctx.year_start, round_to(cur * 100.0, 1_000_000)));
            }
            (Division::AssetServicing, true) => {
                for y in years {
                    if let Some(dollars) = ramped(y, rep.capacity) {
                        quotas.push(quota(y, round_to(dollars * 100.0, 1_000_000).max(10_000_000)));
                    }
                }
            }
        }
    }
    world.quotas = quotas;
}
