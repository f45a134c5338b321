//! Properties every plan and input must keep: splits sum to the original; payouts do not
//! depend on transaction order; caps are never exceeded; the year's statements sum to the
//! full-year calculation; plans, inputs and statements survive a JSON round trip; without
//! a decelerator, more credit never pays less; and a formula stating a flat rate pays what the
//! flat rate pays.

use chrono::NaiveDate;
use plumbline_engine::calc::PayeeInputs;
use plumbline_engine::credit::credit_transaction;
use plumbline_engine::expr::Formula;
use plumbline_engine::plan::{CurvePoint, Draw, DrawKind, Rollup};
use plumbline_engine::statement::{LineKind, Statement};
use plumbline_engine::transaction::Party;
use plumbline_engine::{
    Component, Crediting, Currency, Measure, Period, Plan, RoundingRule, Tier, TierMethod, Transaction, TxnKind,
    statement_for_period,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

const KINDS: [&[TxnKind]; 4] = [
    &[TxnKind::Booking],
    &[TxnKind::FeeRevenue, TxnKind::Trail],
    &[TxnKind::Inflow, TxnKind::Outflow],
    &[TxnKind::Trail],
];
const TXN_KINDS: [TxnKind; 5] =
    [TxnKind::Booking, TxnKind::FeeRevenue, TxnKind::Trail, TxnKind::Inflow, TxnKind::Outflow];

fn d(units: i64, scale: u32) -> Decimal {
    Decimal::new(units, scale)
}

fn date(month: u32, day: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, month, day).expect("a valid day")
}

/// A component from drawn numbers; `decelerate` allows falling tier rates and curves.
fn component(i: usize, spec: &(u8, u8, [u32; 4], [bool; 4]), decelerate: bool) -> Component {
    let (variant, kinds, n, flags) = spec;
    let measure = Measure::of(KINDS[*kinds as usize % KINDS.len()]);
    let id = format!("c{i}");
    let name = format!("Component {i}");
    let cap_amount = flags[0].then(|| d(i64::from(n[0] % 50_000 + 100), 0));
    match variant % 4 {
        0 => Component::Flat {
            id,
            name,
            measure,
            rate: d(i64::from(n[1] % 1000), 4),
            floor: flags[1].then_some(Decimal::ZERO),
            gate: None,
            cap_amount,
        },
        1 => {
            let mut rates = [n[1] % 900, n[2] % 900, n[3] % 900];
            if !decelerate {
                rates.sort();
            }
            let tiers = vec![
                Tier { up_to: Some(d(5, 1)), rate: d(i64::from(rates[0]), 4) },
                Tier { up_to: Some(d(1, 0)), rate: d(i64::from(rates[1]), 4) },
                Tier { up_to: None, rate: d(i64::from(rates[2]), 4) },
            ];
            Component::Tiered {
                id,
                name,
                measure,
                method: if flags[2] { TierMethod::Retroactive } else { TierMethod::Marginal },
                tiers,
                threshold: flags[1].then(|| d(i64::from(n[0] % 80), 2)),
                gate: None,
                cap_quota_multiple: flags[3].then(|| d(i64::from(n[3] % 20 + 1), 2)),
                cap_amount,
            }
        }
        2 => {
            let mut payouts = [n[1] % 150, n[2] % 150, n[3] % 250];
            if !decelerate {
                payouts.sort();
            }
            let curve = vec![
                CurvePoint { attainment: d(i64::from(n[0] % 60), 2), payout: d(i64::from(payouts[0]), 2) },
                CurvePoint { attainment: d(1, 0), payout: d(i64::from(payouts[1]), 2) },
                CurvePoint { attainment: d(15, 1), payout: d(i64::from(payouts[2]), 2) },
            ];
            Component::QuotaBonus {
                id,
                name,
                measure,
                target_incentive: Some(d(i64::from(n[2] % 20_000 + 1000), 0)),
                curve,
                gate: None,
                cap_amount,
            }
        }
        _ => {
            let from = date(n[1] % 12 + 1, 1);
            let to = date((n[1] % 12 + 1 + n[2] % 3).min(12), 28);
            let (rate, per_unit) = if flags[1] {
                (None, Some(d(i64::from(n[3] % 500), 0)))
            } else {
                (Some(d(i64::from(n[3] % 500), 4)), None)
            };
            Component::Spif { id, name, measure, from, to, rate, per_unit, gate: None, cap_amount }
        }
    }
}

type ComponentSpec = (u8, u8, [u32; 4], [bool; 4]);

fn component_spec() -> impl Strategy<Value = ComponentSpec> {
    (any::<u8>(), any::<u8>(), any::<[u32; 4]>(), any::<[bool; 4]>())
}

/// Plan-level options: owner share (tenths), a plan cap, a draw, banker's rounding, a gate.
type PlanSpec = (u8, Option<u32>, Option<(bool, u32)>, bool, bool);

fn plan_spec() -> impl Strategy<Value = PlanSpec> {
    (
        1u8..10,
        proptest::option::of(1000u32..200_000),
        proptest::option::of((any::<bool>(), 0u32..5000)),
        any::<bool>(),
        any::<bool>(),
    )
}

fn build_plan(components: &[ComponentSpec], spec: &PlanSpec, decelerate: bool, draws: bool) -> Plan {
    let (owner, cap, draw, half_even, gate) = spec;
    let mut components: Vec<Component> =
        components.iter().enumerate().map(|(i, c)| component(i, c, decelerate)).collect();
    // Gate the last component on the first one's measure when there are two or more.
    if *gate && components.len() > 1 {
        let g = plumbline_engine::plan::Gate {
            component: "c0".into(),
            min_attainment: None,
            min_amount: Some(d(50_000, 0)),
        };
        if let Some(
            Component::Flat { gate, .. }
            | Component::Tiered { gate, .. }
            | Component::QuotaBonus { gate, .. }
            | Component::Spif { gate, .. },
        ) = components.last_mut()
        {
            *gate = Some(g);
        }
    }
    Plan {
        id: "prop".into(),
        version: 1,
        name: "Property plan".into(),
        currency: Currency::new("GBP"),
        effective_from: date(1, 1),
        effective_to: None,
        year_start_month: 1,
        rounding: if *half_even { RoundingRule::HalfEven } else { RoundingRule::HalfAwayFromZero },
        crediting: Crediting {
            splits: BTreeMap::from([
                ("owner".into(), d(i64::from(*owner), 1)),
                ("co_owner".into(), d(i64::from(10 - owner), 1)),
            ]),
            overlays: vec!["specialist".into()],
            rollup: None,
        },
        components,
        cap_amount: cap.map(|c| d(i64::from(c), 0)),
        cap_fixed_pay_multiple: None,
        draw: draw.filter(|_| draws).map(|(recoverable, amount)| Draw {
            kind: if recoverable { DrawKind::Recoverable } else { DrawKind::NonRecoverable },
            amount: d(i64::from(amount), 0),
            from: None,
            to: None,
        }),
        calendar: None,
        fx_method: None,
    }
}

/// (kind, month, day, cents, co-owner B, specialist S, months recorded late).
type TxnSpec = (usize, u32, u32, i64, bool, bool, u32);

fn txn_spec() -> impl Strategy<Value = TxnSpec> {
    (0usize..5, 1u32..=12, 1u32..=28, 1i64..5_000_000, any::<bool>(), any::<bool>(), 0u32..3)
}

fn build_txns(specs: &[TxnSpec], late: bool) -> Vec<Transaction> {
    specs
        .iter()
        .enumerate()
        .map(|(i, (kind, month, day, cents, co, specialist, delay))| {
            let mut parties = vec![Party { payee: "A".into(), role: "owner".into() }];
            if *co {
                parties.push(Party { payee: "B".into(), role: "co_owner".into() });
            }
            if *specialist {
                parties.push(Party { payee: "A".into(), role: "specialist".into() });
            }
            let recorded = (late && *delay > 0).then(|| date((month + delay).min(12), 28));
            Transaction {
                // A long shared prefix, so ordering the listed credits cannot rely on the
                // first bytes of the ids alone.
                id: format!("TXN-2026-{i:03}"),
                date: date(*month, *day),
                kind: TXN_KINDS[*kind],
                amount: Decimal::new(*cents, 2),
                currency: Currency::new("GBP"),
                product: None,
                client_id: None,
                channel: None,
                origin: None,
                recorded_on: recorded,
                parties,
            }
        })
        .collect()
}

fn inputs(txns: &[Transaction], quota: u32) -> PayeeInputs<'_> {
    PayeeInputs { annual_quota: Some(d(i64::from(quota), 0)), ..PayeeInputs::new("A", txns) }
}

fn month(m: u32) -> Period {
    Period::month_of(date(m, 1))
}

fn year(plan: &Plan, inputs: &PayeeInputs) -> Vec<Statement> {
    (1..=12).map(|m| statement_for_period(plan, inputs, &month(m)).expect("statements compute")).collect()
}

/// A name a formula in component 0 of [`build_plan`]'s plans may read, or a number.
fn formula_operand() -> impl Strategy<Value = String> {
    prop_oneof![
        prop::sample::select(vec!["measured", "quota", "attainment", "target_incentive", "measured_c0", "0"])
            .prop_map(String::from),
        (0u64..u64::MAX, 0u32..20).prop_map(|(n, scale)| Decimal::new(n as i64 & i64::MAX, scale).to_string()),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 64, ..ProptestConfig::default() })]

    /// Split credits sum exactly to the transaction, in whole pennies, whichever roles are present.
    #[test]
    fn splits_sum_to_the_original(
        cents in -1_000_000_000i64..1_000_000_000,
        weights in proptest::collection::vec(1u32..100, 1..5),
        present in proptest::collection::vec(any::<bool>(), 5),
    ) {
        let roles: Vec<String> = (0..weights.len()).map(|i| format!("r{i}")).collect();
        let rules = Crediting {
            splits: roles.iter().cloned().zip(weights.iter().map(|w| d(i64::from(*w), 2))).collect(),
            overlays: vec![],
            rollup: Some(Rollup::default()),
        };
        let parties: Vec<Party> = roles
            .iter()
            .zip(&present)
            .enumerate()
            .filter(|(i, (_, p))| **p || *i == 0)
            .map(|(i, (r, _))| Party { payee: format!("P{i}"), role: r.clone() })
            .collect();
        let txn = Transaction {
            id: "T".into(), date: date(3, 3), kind: TxnKind::Booking, amount: Decimal::new(cents, 2),
            currency: Currency::new("GBP"), product: None, client_id: None, channel: None, origin: None,
            recorded_on: None, parties,
        };
        let credits = credit_transaction(&rules, &txn, 2);
        prop_assert_eq!(credits.iter().map(|c| c.amount).sum::<Decimal>(), txn.amount);
        for c in &credits {
            prop_assert_eq!(c.amount.round_dp(2), c.amount);
        }
    }

    /// Shuffling the transactions changes nothing on any statement, explanations included.
    #[test]
    fn payouts_do_not_depend_on_transaction_order(
        comps in proptest::collection::vec(component_spec(), 1..4),
        spec in plan_spec(),
        txns in proptest::collection::vec(txn_spec(), 0..40).prop_shuffle(),
        seed in any::<u64>(),
        quota in 10_000u32..2_000_000,
        m in 1u32..=12,
    ) {
        let plan = build_plan(&comps, &spec, true, true);
        let ordered = build_txns(&txns, true);
        let mut shuffled = ordered.clone();
        // A deterministic reshuffle of the same transactions.
        let mut state = seed;
        for i in (1..shuffled.len()).rev() {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            shuffled.swap(i, (state >> 33) as usize % (i + 1));
        }
        let a = statement_for_period(&plan, &inputs(&ordered, quota), &month(m)).unwrap();
        let b = statement_for_period(&plan, &inputs(&shuffled, quota), &month(m)).unwrap();
        prop_assert_eq!(a, b);
    }

    /// No component earns more than its caps to date, and the plan never more than its cap.
    #[test]
    fn caps_are_never_exceeded(
        comps in proptest::collection::vec(component_spec(), 1..4),
        spec in plan_spec(),
        txns in proptest::collection::vec(txn_spec(), 0..40),
        quota in 10_000u32..2_000_000,
    ) {
        let plan = build_plan(&comps, &spec, true, false);
        let txns = build_txns(&txns, false);
        let inputs = inputs(&txns, quota);
        let round = |x: Decimal| plan.rounding.round(x, 2);
        for statement in year(&plan, &inputs) {
            let mut components = Decimal::ZERO;
            let mut plan_cut = Decimal::ZERO;
            for line in &statement.lines {
                match line.kind {
                    LineKind::Component => {
                        components += line.earned_to_date;
                        let c = plan.component(&line.component_id).unwrap();
                        if let Some(cap) = c.cap_amount() {
                            prop_assert!(line.earned_to_date <= round(cap), "{} over its cap", line.component_id);
                        }
                        if let Component::Tiered { cap_quota_multiple: Some(m), .. } = c {
                            prop_assert!(line.earned_to_date <= round(m * Decimal::from(quota)));
                        }
                    }
                    LineKind::PlanCap => plan_cut += line.earned_to_date,
                    _ => {}
                }
            }
            if let Some(cap) = plan.cap_amount {
                prop_assert!(components + plan_cut <= cap, "{} over the plan cap {cap}", components + plan_cut);
            }
        }
    }

    /// Month by month true-ups (late transactions and draws included) add up to the year:
    /// the twelve totals equal everything earned to date on December's statement.
    #[test]
    fn ytd_true_ups_sum_to_the_full_year(
        comps in proptest::collection::vec(component_spec(), 1..4),
        spec in plan_spec(),
        txns in proptest::collection::vec(txn_spec(), 0..40),
        quota in 10_000u32..2_000_000,
    ) {
        let plan = build_plan(&comps, &spec, true, true);
        let txns = build_txns(&txns, true);
        let inputs = inputs(&txns, quota);
        let statements = year(&plan, &inputs);
        let paid: Decimal = statements.iter().map(|s| s.total).sum();
        let december = &statements[11];
        let full_year: Decimal = december
            .lines
            .iter()
            .filter(|l| l.kind != LineKind::Adjustment)
            .map(|l| l.earned_to_date)
            .sum();
        prop_assert_eq!(paid, full_year);
        for s in &statements {
            prop_assert_eq!(s.lines.iter().map(|l| l.amount).sum::<Decimal>(), s.total);
        }
    }

    /// Plans, inputs and statements come back from JSON unchanged.
    #[test]
    fn json_round_trips(
        comps in proptest::collection::vec(component_spec(), 1..4),
        spec in plan_spec(),
        txns in proptest::collection::vec(txn_spec(), 0..20),
        quota in 10_000u32..2_000_000,
        m in 1u32..=12,
    ) {
        let plan = build_plan(&comps, &spec, true, true);
        let text = serde_json::to_string(&plan).unwrap();
        prop_assert_eq!(&Plan::from_json(&text).unwrap(), &plan);
        let txns = build_txns(&txns, true);
        let inputs = inputs(&txns, quota);
        let back: PayeeInputs = serde_json::from_str(&serde_json::to_string(&inputs).unwrap()).unwrap();
        prop_assert_eq!(&back, &inputs);
        let statement = statement_for_period(&plan, &inputs, &month(m)).unwrap();
        let back: Statement = serde_json::from_str(&serde_json::to_string(&statement).unwrap()).unwrap();
        prop_assert_eq!(back, statement);
    }

    /// Without a decelerator, one more credited deal never lowers what the year has earned.
    #[test]
    fn more_credit_never_pays_less_without_a_decelerator(
        comps in proptest::collection::vec(component_spec(), 1..4),
        spec in plan_spec(),
        txns in proptest::collection::vec(txn_spec(), 0..30),
        extra in (0usize..4, 1u32..=12, 1u32..=28, 1i64..5_000_000, any::<bool>()),
        quota in 10_000u32..2_000_000,
    ) {
        let plan = build_plan(&comps, &spec, false, false);
        prop_assert!(!plan.has_decelerator());
        let base = build_txns(&txns, false);
        let mut more = base.clone();
        // Any kind but an outflow, which subtracts.
        let (kind, m, day, cents, co) = extra;
        more.extend(build_txns(&[(kind, m, day, cents, co, false, 0)], false).into_iter().map(|mut t| {
            t.id = "EXTRA".into();
            t
        }));
        let earned = |txns: &[Transaction]| -> Decimal {
            let s = statement_for_period(&plan, &inputs(txns, quota), &month(12)).unwrap();
            s.lines.iter().filter(|l| matches!(l.kind, LineKind::Component | LineKind::PlanCap)).map(|l| l.earned_to_date).sum()
        };
        prop_assert!(earned(&more) >= earned(&base));
    }
    /// A formula that states a flat rate (`measured * 0.0123`, or `max(measured * 1.23%, 0)`
    /// for a flat rate with a floor of 0) pays what the flat-rate component pays, every month,
    /// with the same gates, caps, draws and rounding around it.
    #[test]
    fn a_formula_stating_a_flat_rate_pays_the_flat_rate(
        comps in proptest::collection::vec(component_spec(), 0..3),
        spec in plan_spec(),
        flat in (0u8..4, any::<[u32; 4]>(), any::<[bool; 4]>()),
        as_percent in any::<bool>(),
        txns in proptest::collection::vec(txn_spec(), 0..30),
        quota in 10_000u32..2_000_000,
    ) {
        let (kinds, n, flags) = flat;
        let mut specs = vec![(0u8, kinds, n, flags)];
        specs.extend(comps);
        let flat_plan = build_plan(&specs, &spec, true, true);
        let mut formula_plan = flat_plan.clone();
        let Component::Flat { id, name, measure, rate, floor, gate, cap_amount } = flat_plan.components[0].clone() else {
            unreachable!("the first component is built flat");
        };
        let rate_text = if as_percent { format!("{}%", (rate * Decimal::ONE_HUNDRED).normalize()) } else { rate.to_string() };
        let expression = match floor {
            Some(f) => format!("max(measured * {rate_text}, {f})"),
            None => format!("measured * {rate_text}"),
        };
        formula_plan.components[0] = Component::Formula {
            id, name, measure, expression: Formula::new(expression), target_incentive: None, gate, cap_amount,
        };
        prop_assert!(formula_plan.validate().is_empty(), "{:?}", formula_plan.validate());
        let txns = build_txns(&txns, true);
        let inputs = inputs(&txns, quota);
        for (a, b) in year(&flat_plan, &inputs).iter().zip(year(&formula_plan, &inputs)) {
            let pay = |s: &Statement| s.lines.iter().map(|l| (l.component_id.clone(), l.earned_to_date, l.amount)).collect::<Vec<_>>();
            prop_assert_eq!(pay(a), pay(&b));
            prop_assert_eq!(a.total, b.total);
        }
    }
    /// Any formula text is either accepted or reported at `components[0].expression`; with an
    /// accepted one, statements compute or refuse with an error, and never panic.
    #[test]
    fn any_formula_is_reported_at_its_path_or_computes_without_panicking(
        source in prop_oneof![
            "\\PC{0,40}",
            (formula_operand(), formula_operand(), formula_operand(), 0usize..8).prop_map(|(a, b, c, shape)| match shape {
                0 => format!("{a} + {b} * {c}"),
                1 => format!("{a} / {b}"),
                2 => format!("min({a}, {b}) - max({b}, {c})"),
                3 => format!("if({a} > {b} and {c} != 0, {a} / {c}, -{b})"),
                4 => format!("clamp({a}, {b}, {c})"),
                5 => format!("round({a} * {b}, 2)"),
                6 => format!("abs({a} - {b}) * {c}"),
                _ => format!("{a} * {b} * {c}"),
            }),
        ],
        comps in proptest::collection::vec(component_spec(), 1..3),
        spec in plan_spec(),
        txns in proptest::collection::vec(txn_spec(), 0..20),
        quota in 10_000u32..2_000_000,
        m in 1u32..=12,
    ) {
        let mut plan = build_plan(&comps, &spec, true, true);
        let target_incentive = source.contains("target_incentive").then(|| Decimal::from(5000));
        plan.components.insert(0, Component::Formula {
            id: "f".into(),
            name: "Formula".into(),
            measure: Measure::of(&[TxnKind::Booking]),
            expression: Formula::new(source),
            target_incentive,
            gate: None,
            cap_amount: None,
        });
        let problems = plan.validate();
        let at_formula = |p: &str| p == "components[0].expression" || p == "components[0].target_incentive";
        prop_assert!(problems.iter().all(|p| at_formula(&p.path)), "{:?}", problems);
        if problems.is_empty() {
            let txns = build_txns(&txns, true);
            let _ = statement_for_period(&plan, &inputs(&txns, quota), &month(m));
        }
    }
}
