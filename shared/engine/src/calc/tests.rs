//! Unit tests of the period calculation; worked examples live in tests/golden.

use super::*;
use crate::money::Currency;
use crate::transaction::Party;
use rust_decimal_macros::dec;

fn plan() -> Plan {
    Plan::from_json(
        r#"{"id": "batch", "version": 1, "name": "Batch", "currency": "USD", "effective_from": "2026-01-01",
            "crediting": {"splits": {"owner": "0.7", "co_owner": "0.3"}},
            "components": [{"type": "tiered", "id": "commission", "name": "Commission",
              "measure": {"kinds": ["booking"]}, "method": "marginal", "cap_quota_multiple": "0.12",
              "tiers": [{"up_to": "0.5", "rate": "0.02"}, {"up_to": "1", "rate": "0.04"}, {"rate": "0.08"}]}]}"#,
    )
    .unwrap()
}

fn txn(id: &str, date: &str, amount: Decimal, co_owner: Option<&str>) -> Transaction {
    let mut parties = vec![Party { payee: "A".into(), role: "owner".into() }];
    if let Some(c) = co_owner {
        parties.push(Party { payee: c.into(), role: "co_owner".into() });
    }
    Transaction {
        id: id.into(),
        date: date.parse().unwrap(),
        kind: TxnKind::Booking,
        amount,
        currency: Currency::new("USD"),
        product: None,
        client_id: None,
        channel: None,
        origin: None,
        recorded_on: None,
        parties,
    }
}

#[test]
fn marginal_tiers_true_up_against_earlier_months() {
    // Quota 1,000. Jan: 400 credited -> 400 x 2% = 8.00.
    // Feb: +300 (70% of 428.57 = 300.00 after the split) -> YTD 700:
    // 500 x 2% + 200 x 4% = 18.00 earned to date, 8.00 before, 10.00 this period.
    let txns = vec![txn("t1", "2026-01-15", dec!(400), None), txn("t2", "2026-02-03", dec!(428.57), Some("B"))];
    let inputs = PayeeInputs { annual_quota: Some(dec!(1000)), ..PayeeInputs::new("A", &txns) };
    let feb = statement_for_period(&plan(), &inputs, &Period::parse_month("2026-02").unwrap()).unwrap();
    let line = &feb.lines[0];
    assert_eq!(line.measure_ytd, dec!(700.00));
    assert_eq!(line.earned_to_date, dec!(18.00));
    assert_eq!(line.paid_before, dec!(8.00));
    assert_eq!(feb.total, dec!(10.00));
    assert_eq!(line.credits.len(), 1);
    assert!(line.explanation.contains("$200.00 in the band $500.00–$1,000.00 pays 4%: $8.00"), "{}", line.explanation);
}

#[test]
fn cap_limits_the_year() {
    let txns = vec![txn("t1", "2026-03-01", dec!(5000), None)];
    let inputs = PayeeInputs { annual_quota: Some(dec!(1000)), ..PayeeInputs::new("A", &txns) };
    let mar = statement_for_period(&plan(), &inputs, &Period::parse_month("2026-03").unwrap()).unwrap();
    assert_eq!(mar.total, dec!(120.00));
    assert!(mar.lines[0].capped);
}

#[test]
fn unmeasured_transactions_in_another_currency_are_ignored() {
    let mut fee = txn("f1", "2026-03-01", dec!(100), None);
    fee.kind = TxnKind::FeeRevenue;
    fee.currency = Currency::new("GBP");
    let txns = vec![txn("t1", "2026-03-01", dec!(100), None), fee.clone()];
    let inputs = PayeeInputs { annual_quota: Some(dec!(1000)), ..PayeeInputs::new("A", &txns) };
    let march = Period::parse_month("2026-03").unwrap();
    assert_eq!(statement_for_period(&plan(), &inputs, &march).unwrap().total, dec!(2.00));
    fee.kind = TxnKind::Booking;
    let txns = vec![fee];
    let inputs = PayeeInputs { annual_quota: Some(dec!(1000)), ..PayeeInputs::new("A", &txns) };
    let err = statement_for_period(&plan(), &inputs, &march).unwrap_err();
    assert!(matches!(err, CalcError::CurrencyMismatch { .. }), "a measured one in GBP is still refused");
}

#[test]
fn a_floor_stops_net_outflows_from_owing_pay() {
    let plan = Plan::from_json(
        r#"{"id": "nna", "version": 1, "name": "NNA", "currency": "USD", "effective_from": "2026-01-01",
            "components": [{"type": "flat", "id": "nna", "name": "Net new assets", "rate": "0.001", "floor": "0",
              "measure": {"kinds": ["inflow", "outflow"]}}]}"#,
    )
    .unwrap();
    let mut out = txn("o1", "2026-01-10", dec!(50000), None);
    out.kind = TxnKind::Outflow;
    let mut inflow = txn("i1", "2026-02-10", dec!(80000), None);
    inflow.kind = TxnKind::Inflow;
    let txns = vec![out, inflow];
    let inputs = PayeeInputs::new("A", &txns);
    let jan = statement_for_period(&plan, &inputs, &Period::parse_month("2026-01").unwrap()).unwrap();
    assert_eq!(jan.total, dec!(0.00), "-50,000 x 0.1% is floored at 0");
    assert!(jan.lines[0].floored && jan.lines[0].explanation.contains("The floor applies"));
    // YTD +30,000 x 0.1% = 30.00; nothing was paid in January.
    let feb = statement_for_period(&plan, &inputs, &Period::parse_month("2026-02").unwrap()).unwrap();
    assert_eq!(feb.total, dec!(30.00));
    assert!(!feb.lines[0].floored);
}

#[test]
fn a_missing_quota_is_an_error_not_a_panic() {
    let inputs = PayeeInputs::new("A", &[]);
    let err = statement_for_period(&plan(), &inputs, &Period::parse_month("2026-03").unwrap()).unwrap_err();
    assert!(matches!(err, CalcError::MissingQuota { .. }));
}

fn fee(id: &str, date: &str, amount: Decimal) -> Transaction {
    let mut t = txn(id, date, amount, None);
    t.kind = TxnKind::FeeRevenue;
    t.currency = Currency::new("GBP");
    t
}

fn plan_json(components: &str, extra: &str) -> Plan {
    Plan::from_json(&format!(
        r#"{{"id": "p", "version": 1, "name": "P", "currency": "GBP", "effective_from": "2026-01-01"{extra},
            "components": [{components}]}}"#
    ))
    .unwrap()
}

const FLAT_FEES: &str =
    r#"{"type": "flat", "id": "fees", "name": "Fees", "measure": {"kinds": ["fee_revenue"]}, "rate": "0.05"}"#;

fn month(label: &str) -> Period {
    Period::parse_month(label).unwrap()
}

#[test]
fn a_closed_period_rerun_reproduces_what_was_paid() {
    // T2 is dated in February but recorded in March: February's statement, run again in
    // April, must not show it; March's carries it as an adjustment (golden example 29).
    let mut late = fee("T2", "2026-02-14", dec!(4000));
    late.recorded_on = Some("2026-03-03".parse().unwrap());
    let txns = vec![fee("T1", "2026-01-10", dec!(10000)), late];
    let inputs = PayeeInputs::new("A", &txns);
    let plan = plan_json(FLAT_FEES, "");
    let feb = statement_for_period(&plan, &inputs, &month("2026-02")).unwrap();
    assert_eq!((feb.total, feb.lines[0].earned_to_date), (dec!(0), dec!(500.00)));
    let mar = statement_for_period(&plan, &inputs, &month("2026-03")).unwrap();
    assert_eq!(mar.lines[1].kind, crate::statement::LineKind::Adjustment);
    assert_eq!(mar.total, dec!(200.00));
}

#[test]
fn inputs_that_cannot_work_are_errors_with_their_data() {
    let plan = plan_json(FLAT_FEES, "");
    let txns = vec![fee("T1", "2026-01-10", dec!(1000000000000000.01))];
    let jan = month("2026-01");
    let err = statement_for_period(&plan, &PayeeInputs::new("A", &txns), &jan).unwrap_err();
    assert!(matches!(err, CalcError::OutOfRange { ref what, .. } if what == "transaction T1 amount"), "{err}");

    let bonus = r#"{"type": "quota_bonus", "id": "b", "name": "B", "measure": {"kinds": ["booking"]},
        "curve": [{"attainment": "1", "payout": "1"}]}"#;
    let inputs = PayeeInputs { annual_quota: Some(dec!(100)), ..PayeeInputs::new("A", &[]) };
    let err = statement_for_period(&plan_json(bonus, ""), &inputs, &jan).unwrap_err();
    assert_eq!(err, CalcError::MissingTarget { payee: "A".into(), component: "b".into() });

    let err =
        statement_for_period(&plan_json(FLAT_FEES, r#", "cap_fixed_pay_multiple": "1""#), &inputs, &jan).unwrap_err();
    assert!(matches!(err, CalcError::MissingFixedPay { .. }));

    let card = r#"{"type": "scorecard", "id": "s", "name": "S", "target_incentive": "100",
        "kpis": [{"id": "k", "name": "K", "weight": "1", "scale": "5"}]}"#;
    let score = |s: Decimal, day: &str| Score { kpi: "k".into(), score: s, as_of: day.parse().unwrap() };
    let inputs = PayeeInputs { scores: vec![score(dec!(6), "2026-01-31")], ..PayeeInputs::new("A", &[]) };
    let err = statement_for_period(&plan_json(card, ""), &inputs, &jan).unwrap_err();
    assert!(matches!(err, CalcError::ScoreOutOfRange { ref kpi, .. } if kpi == "k"), "{err}");
    let inputs = PayeeInputs {
        scores: vec![score(dec!(3), "2026-01-31"), score(dec!(4), "2026-01-31")],
        ..PayeeInputs::new("A", &[])
    };
    let err = statement_for_period(&plan_json(card, ""), &inputs, &jan).unwrap_err();
    assert!(matches!(err, CalcError::DuplicateScore { .. }));

    let assigned = |from: &str, to: Option<&str>| PayeeInputs {
        assignments: vec![Assignment { from: from.parse().unwrap(), to: to.map(|t| t.parse().unwrap()) }],
        ..PayeeInputs::new("A", &[])
    };
    let err = statement_for_period(&plan, &assigned("2026-05-01", Some("2026-04-01")), &jan).unwrap_err();
    assert!(matches!(err, CalcError::InvalidAssignment { .. }));
    let err = statement_for_period(&plan, &assigned("2027-01-01", None), &jan).unwrap_err();
    assert!(matches!(err, CalcError::NotAssigned { .. }));

    // One day on the plan prorates a one-penny quota to nothing: refused, not divided by.
    let tiered = r#"{"type": "tiered", "id": "t", "name": "T", "measure": {"kinds": ["booking"]},
        "method": "marginal", "tiers": [{"rate": "0.1"}]}"#;
    let inputs = PayeeInputs { annual_quota: Some(dec!(0.01)), ..assigned("2026-12-31", None) };
    let err = statement_for_period(&plan_json(tiered, ""), &inputs, &month("2026-12")).unwrap_err();
    assert!(matches!(err, CalcError::NonPositiveQuota { .. }), "{err}");

    let mut invalid = plan.clone();
    invalid.year_start_month = 13;
    let err = statement_for_period(&invalid, &PayeeInputs::new("A", &[]), &jan).unwrap_err();
    assert!(matches!(err, CalcError::InvalidPlan(_)));
    let backwards = Period { start: jan.end, end: jan.start, label: "x".into() };
    let err = statement_for_period(&plan, &PayeeInputs::new("A", &[]), &backwards).unwrap_err();
    assert!(matches!(err, CalcError::InvalidPeriod { .. }));
}

#[test]
fn the_extreme_dates_do_not_panic() {
    let plan = plan_json(FLAT_FEES, "");
    for day in [NaiveDate::MIN, NaiveDate::MAX] {
        let txns = vec![Transaction { date: day, ..fee("T1", "2026-01-10", dec!(10)) }];
        let _ = statement_for_period(&plan, &PayeeInputs::new("A", &txns), &Period::month_of(day));
    }
}

#[test]
fn currencies_never_mix_silently() {
    let plan = plan_json(FLAT_FEES, "");
    let march = month("2026-03");
    let txns = vec![Transaction { currency: Currency::new("USD"), ..fee("T1", "2026-03-10", dec!(100)) }];
    // Without rates: refused, naming the transaction.
    let err = statement_for_period(&plan, &PayeeInputs::new("A", &txns), &march).unwrap_err();
    assert!(matches!(err, CalcError::CurrencyMismatch { ref txn, .. } if txn == "T1"), "{err}");
    // With rates that start after the transaction: a missing rate is an error, not a zero.
    let rate = |date: &str| crate::fx::FxRate {
        date: date.parse().unwrap(),
        from: Currency::new("USD"),
        to: Currency::new("GBP"),
        rate: dec!(0.8),
    };
    let late_rates = FxInputs { rates: vec![rate("2026-03-11")], method: FxMethod::AsOfTransactionDate };
    let inputs = PayeeInputs { fx: Some(late_rates), ..PayeeInputs::new("A", &txns) };
    let err = statement_for_period(&plan, &inputs, &march).unwrap_err();
    assert!(matches!(err, CalcError::Fx { ref txn, .. } if txn == "T1"), "{err}");
    assert!(err.to_string().contains("no USD/GBP rate (or GBP/USD rate to invert) on or before 2026-03-10"), "{err}");
    // A transaction no statement line counts needs no rate.
    let later = vec![Transaction { currency: Currency::new("USD"), ..fee("T2", "2026-04-10", dec!(100)) }];
    let inputs =
        PayeeInputs { fx: Some(FxInputs { rates: vec![], ..FxInputs::default() }), ..PayeeInputs::new("A", &later) };
    assert_eq!(statement_for_period(&plan, &inputs, &march).unwrap().total, Decimal::ZERO);
}

#[test]
fn a_formula_the_numbers_break_refuses_the_statement_with_the_character() {
    let plan = |expression: &str| {
        Plan::from_json(&format!(
            r#"{{"id": "f", "version": 1, "name": "F", "currency": "USD", "effective_from": "2026-01-01",
                "components": [{{"type": "formula", "id": "ratio", "name": "Ratio",
                  "measure": {{"kinds": ["booking"]}}, "expression": "{expression}"}}]}}"#
        ))
        .unwrap()
    };
    let feb = Period::parse_month("2026-02").unwrap();
    let none = PayeeInputs::new("A", &[]);
    let err = statement_for_period(&plan("1000 / measured"), &none, &feb).unwrap_err();
    assert_eq!(
        err.to_string(),
        "component `ratio` for payee A to 2026-02-28: at char 8: division by zero: 'measured' is 0"
    );
    let guarded = statement_for_period(&plan("if(measured > 0, 1000 / measured, 0)"), &none, &feb).unwrap();
    assert_eq!(guarded.total, dec!(0));
    let err = statement_for_period(
        &plan("measured * 10000000000000000"),
        &PayeeInputs::new("A", &[txn("t", "2026-01-05", dec!(1000), None)]),
        &feb,
    )
    .unwrap_err();
    assert!(
        err.to_string().ends_with("beyond the largest amount a component may pay (1000000000000000 either way)"),
        "{err}"
    );
    let err = statement_for_period(&plan("attainment * 100"), &none, &feb).unwrap_err();
    assert!(matches!(err, CalcError::MissingQuota { .. }), "{err}");
}
