//! On the demo firm, a conduct-flagged adviser's regulated statement shows the conduct gate,
//! the deferral and the clawback, each explained, and the lines sum to what is paid.

use plumbline_demo::{DemoOptions, generate, regulated_inputs, regulation};
use plumbline_regulation::ledger::{Entry, unvested};
use plumbline_regulation::{LineKind, regulated_statement};
use rust_decimal::Decimal;

#[test]
fn a_flagged_advisers_statement_shows_conduct_deferral_and_clawback() {
    let (firm, planted) = generate(&DemoOptions::default());
    let demo = regulation(&firm).expect("the demo's statements compute").expect("the demo plants a clawback");
    assert!(demo.plan.validate().is_empty(), "{:?}", demo.plan.validate());
    let clawback = &demo.clawback;
    let payee = clawback.decision.payee.as_str();
    assert!(planted.conduct_flagged_reps.iter().any(|r| r == payee), "{payee} is conduct-flagged");

    // Recompute the statement from the firm's data and the ledger, as the API would.
    let inputs = regulated_inputs(&firm, &demo.plan, payee, &clawback.period, clawback.ledger.clone());
    let statement = regulated_statement(&demo.plan, &inputs, &clawback.period).expect("statement");
    let line = |kind| statement.lines.iter().find(|l| l.kind == kind).unwrap_or_else(|| panic!("no {kind:?} line"));

    let conduct = line(LineKind::Conduct);
    assert!(conduct.amount < Decimal::ZERO);
    assert_eq!(conduct.reference, clawback.event_id);
    assert!(conduct.explanation.contains("conduct rule `minor-breach`"), "{}", conduct.explanation);

    let deferral = line(LineKind::Deferral);
    assert!(deferral.amount < Decimal::ZERO);
    assert_eq!(-deferral.amount, statement.deferred);
    assert!(deferral.explanation.contains("UK banking remuneration rules"), "{}", deferral.explanation);

    let recovered = line(LineKind::Clawback);
    assert_eq!(recovered.amount, -clawback.decision.amount);
    assert!(recovered.explanation.contains(&clawback.decision.id), "{}", recovered.explanation);

    // The pay lines, less conduct, are the variable pay; the deferral is 40% of it (below
    // £660,000 a year) against the year to date; the lines sum to what is paid.
    let sum: Decimal = statement.lines.iter().map(|l| l.amount).sum();
    assert_eq!(sum, statement.paid_now);
    assert_eq!(
        statement.paid_now,
        statement.variable_pay - statement.deferred + vested(&statement) - clawback.decision.amount
    );

    // The new award vests pro rata over four years and the payee's unvested balance grows by it.
    let award = statement.new_entries.iter().find_map(|e| match &e.entry {
        Entry::Award { tranches, amount, .. } => Some((tranches.clone(), *amount)),
        _ => None,
    });
    let (tranches, amount) = award.expect("an award is deferred");
    assert_eq!(tranches.len(), 4);
    assert_eq!(tranches.iter().map(|t| t.amount).sum::<Decimal>(), amount);
    let before: Decimal = unvested(&clawback.ledger, payee, clawback.period.end).iter().map(|u| u.amount).sum();
    assert_eq!(statement.unvested_total, before + amount);
}

fn vested(statement: &plumbline_regulation::RegulatedStatement) -> Decimal {
    statement.lines.iter().filter(|l| l.kind == LineKind::Vesting).map(|l| l.amount).sum()
}

#[test]
fn re_running_a_stored_statement_changes_nothing() {
    let (firm, _) = generate(&DemoOptions::default());
    let demo = regulation(&firm).expect("the demo's statements compute").expect("the demo plants a clawback");
    let (payee, period) = (demo.clawback.decision.payee.as_str(), &demo.clawback.period);
    let first = regulated_statement(
        &demo.plan,
        &regulated_inputs(&firm, &demo.plan, payee, period, demo.clawback.ledger.clone()),
        period,
    )
    .expect("statement");
    // The entries are stored; the statement is run again for the same closed period.
    let mut stored = demo.clawback.ledger.clone();
    stored.extend(first.new_entries.iter().cloned());
    let again = regulated_statement(&demo.plan, &regulated_inputs(&firm, &demo.plan, payee, period, stored), period)
        .expect("statement");
    assert_eq!(again, first);
}
