//! Golden worked examples: every `tests/golden/*.json` states its inputs and the figures
//! computed by hand (the `working` notes show each step). The crate must reproduce every
//! stated figure exactly; a failure names the file and each difference.

use plumbline_engine::statement::Period;
use plumbline_engine::{Currency, RoundingRule};
use plumbline_regulation::accounting::{CommissionContract, ScheduleRow, amortisation_schedule};
use plumbline_regulation::deferral::{DeferralSchedule, Tranche};
use plumbline_regulation::document::ClawbackRule;
use plumbline_regulation::ledger::{Decision, Entry, LedgerEntry, apply_clawback, apply_malus, unvested};
use plumbline_regulation::{LineKind, RegulatedInputs, RegulatedPlan, packs, regulated_statement};
use rust_decimal::Decimal;
use serde::Deserialize;
use std::path::Path;

/// The issue asks for at least twenty hand-computed examples.
const AT_LEAST: usize = 20;

#[derive(Deserialize)]
#[serde(tag = "case", rename_all = "snake_case")]
enum Case {
    Statement {
        document: serde_json::Value,
        inputs: Box<RegulatedInputs<'static>>,
        period: String,
        expected: ExpectedStatement,
    },
    Deferral {
        #[serde(default)]
        schedule: Option<DeferralSchedule>,
        #[serde(default)]
        pack: Option<String>,
        currency: Currency,
        variable_pay: Decimal,
        granted_on: chrono::NaiveDate,
        expected: ExpectedDeferral,
    },
    Validation {
        document: serde_json::Value,
        expected_problems: Vec<String>,
    },
    Malus {
        ledger: Vec<LedgerEntry>,
        decision: Decision,
        expected: ExpectedDecision,
    },
    Clawback {
        look_back_months: u32,
        currency: Currency,
        ledger: Vec<LedgerEntry>,
        decision: Decision,
        expected: ExpectedDecision,
    },
    Accounting {
        contract: CommissionContract,
        expected_rows: Vec<ScheduleRow>,
    },
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct Header {
    description: String,
    working: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedLine {
    kind: LineKind,
    #[serde(default)]
    reference: Option<String>,
    amount: Decimal,
    #[serde(default)]
    explanation_contains: Vec<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedStatement {
    lines: Vec<ExpectedLine>,
    variable_pay: Decimal,
    deferred: Decimal,
    paid_now: Decimal,
    #[serde(default)]
    award_tranches: Option<Vec<Tranche>>,
    #[serde(default)]
    unvested_total: Option<Decimal>,
    #[serde(default)]
    summary: Option<String>,
}

#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedDeferral {
    deferred: Decimal,
    paid_now: Decimal,
    tranches: Vec<Tranche>,
}

/// Entries as (target, amount): the award@tranche for malus, the paid reference for clawback.
#[derive(Deserialize)]
#[serde(deny_unknown_fields)]
struct ExpectedDecision {
    #[serde(default)]
    entries: Vec<(String, Decimal)>,
    #[serde(default)]
    unvested_after: Option<Decimal>,
    #[serde(default)]
    error: Option<String>,
}

fn dec(d: Decimal) -> String {
    d.normalize().to_string()
}

fn show_tranches(tranches: &[Tranche]) -> String {
    format!("{:?}", tranches.iter().map(|t| (t.vests_on.to_string(), dec(t.amount))).collect::<Vec<_>>())
}

fn show_rows(rows: &[ScheduleRow]) -> String {
    rows.iter()
        .map(|r| {
            let figures = [r.opening, r.capitalised, r.expensed, r.amortised, r.closing].map(dec).join(" / ");
            format!("{}: {figures}\n", r.period)
        })
        .collect()
}

fn check(diffs: &mut Vec<String>, what: &str, want: String, got: String) {
    if want != got {
        diffs.push(format!("{what}: expected {want}, got {got}"));
    }
}

fn run_statement(
    document: serde_json::Value,
    inputs: RegulatedInputs<'static>,
    period: &str,
    want: ExpectedStatement,
    diffs: &mut Vec<String>,
) {
    let doc = match RegulatedPlan::from_json(&document.to_string()) {
        Ok(doc) => doc,
        Err(e) => return diffs.push(format!("document refused: {e}")),
    };
    let period = Period::parse_month(period).expect("period is YYYY-MM");
    let got = match regulated_statement(&doc, &inputs, &period) {
        Ok(s) => s,
        Err(e) => return diffs.push(format!("statement failed: {e}")),
    };
    check(diffs, "line count", want.lines.len().to_string(), got.lines.len().to_string());
    for (i, (w, g)) in want.lines.iter().zip(&got.lines).enumerate() {
        let at = format!("line {i} ({:?} {})", w.kind, g.reference);
        check(diffs, &format!("{at} kind"), format!("{:?}", w.kind), format!("{:?}", g.kind));
        if let Some(r) = &w.reference {
            check(diffs, &format!("{at} reference"), r.clone(), g.reference.clone());
        }
        check(diffs, &format!("{at} amount"), dec(w.amount), dec(g.amount));
        for phrase in &w.explanation_contains {
            if !g.explanation.contains(phrase.as_str()) {
                diffs.push(format!("{at} explanation lacks {phrase:?}: {}", g.explanation));
            }
        }
    }
    check(diffs, "variable_pay", dec(want.variable_pay), dec(got.variable_pay));
    check(diffs, "deferred", dec(want.deferred), dec(got.deferred));
    check(diffs, "paid_now", dec(want.paid_now), dec(got.paid_now));
    let sum: Decimal = got.lines.iter().map(|l| l.amount).sum();
    check(diffs, "lines sum to paid_now", dec(got.paid_now), dec(sum));
    if let Some(tranches) = want.award_tranches {
        let award = got.new_entries.iter().find_map(|e| match &e.entry {
            Entry::Award { tranches, .. } => Some(tranches.clone()),
            _ => None,
        });
        check(diffs, "award tranches", show_tranches(&tranches), show_tranches(&award.unwrap_or_default()));
    }
    if let Some(summary) = want.summary {
        check(diffs, "summary", summary, got.summary.clone());
    }
    if let Some(total) = want.unvested_total {
        check(diffs, "unvested_total", dec(total), dec(got.unvested_total));
    }
}

fn run_decision<E: std::fmt::Display>(
    result: Result<Vec<LedgerEntry>, E>,
    ledger: &[LedgerEntry],
    decision: &Decision,
    want: ExpectedDecision,
    diffs: &mut Vec<String>,
) {
    match (result, want.error) {
        (Err(e), Some(msg)) => check(diffs, "error", msg, e.to_string()),
        (Err(e), None) => diffs.push(format!("unexpected error: {e}")),
        (Ok(entries), Some(msg)) => diffs.push(format!("expected error {msg:?}, got {} entries", entries.len())),
        (Ok(entries), None) => {
            let got: Vec<(String, Decimal)> = entries
                .iter()
                .filter_map(|e| match &e.entry {
                    Entry::Malus { award_id, vests_on, amount, .. } => {
                        Some((format!("{award_id}@{vests_on}"), *amount))
                    }
                    Entry::Clawback { reference, amount, .. } => Some((reference.clone(), *amount)),
                    _ => None,
                })
                .collect();
            let show =
                |v: &[(String, Decimal)]| format!("{:?}", v.iter().map(|(r, a)| (r, dec(*a))).collect::<Vec<_>>());
            check(diffs, "entries", show(&want.entries), show(&got));
            if let Some(after) = want.unvested_after {
                let mut all = ledger.to_vec();
                all.extend(entries);
                let left: Decimal = unvested(&all, &decision.payee, decision.decided_on).iter().map(|u| u.amount).sum();
                check(diffs, "unvested after", dec(after), dec(left));
            }
        }
    }
}

fn run(path: &Path) -> Vec<String> {
    let text = std::fs::read_to_string(path).expect("golden file is readable");
    let header: Header = match serde_json::from_str::<serde_json::Value>(&text) {
        Ok(serde_json::Value::Object(mut map)) => {
            let pick = |map: &mut serde_json::Map<_, _>, k: &str| map.remove(k).unwrap_or(serde_json::Value::Null);
            let h =
                serde_json::json!({"description": pick(&mut map, "description"), "working": pick(&mut map, "working")});
            match serde_json::from_value(h) {
                Ok(h) => h,
                Err(e) => return vec![format!("description/working: {e}")],
            }
        }
        other => return vec![format!("not a JSON object: {other:?}")],
    };
    assert!(!header.description.is_empty() && !header.working.is_empty(), "{}: explain the case", path.display());
    let case: Case = match serde_json::from_str(&text) {
        Ok(c) => c,
        Err(e) => return vec![format!("malformed case: {e}")],
    };
    let mut diffs = Vec::new();
    match case {
        Case::Statement { document, inputs, period, expected } => {
            run_statement(document, *inputs, &period, expected, &mut diffs)
        }
        Case::Deferral { schedule, pack, currency, variable_pay, granted_on, expected } => {
            let schedule = schedule.or_else(|| pack.and_then(|p| packs::get(&p))).expect("a schedule or a known pack");
            assert!(schedule.validate().is_empty(), "{:?}", schedule.validate());
            let digits = currency.minor_digits();
            let split = schedule.split(variable_pay, digits, RoundingRule::HalfAwayFromZero);
            check(&mut diffs, "deferred", dec(expected.deferred), dec(split.deferred));
            check(&mut diffs, "paid_now", dec(expected.paid_now), dec(split.paid_now));
            let tranches = schedule.tranches(split.deferred, granted_on, digits);
            check(&mut diffs, "tranches", show_tranches(&expected.tranches), show_tranches(&tranches));
        }
        Case::Validation { document, expected_problems } => {
            let got: Vec<String> = match RegulatedPlan::from_json(&document.to_string()) {
                Ok(_) => Vec::new(),
                Err(plumbline_regulation::RegulationError::Invalid(problems)) => {
                    problems.iter().map(ToString::to_string).collect()
                }
                Err(e) => vec![format!("unexpected error: {e}")],
            };
            check(&mut diffs, "problems", format!("{expected_problems:#?}"), format!("{got:#?}"));
        }
        Case::Malus { ledger, decision, expected } => {
            run_decision(apply_malus(&decision, &ledger), &ledger, &decision, expected, &mut diffs)
        }
        Case::Clawback { look_back_months, currency, ledger, decision, expected } => {
            let rule = ClawbackRule { look_back_months };
            run_decision(apply_clawback(&decision, &ledger, &rule, &currency), &ledger, &decision, expected, &mut diffs)
        }
        Case::Accounting { contract, expected_rows } => match amortisation_schedule(&contract) {
            Ok(schedule) => {
                check(&mut diffs, "rows", show_rows(&expected_rows), show_rows(&schedule.rows));
                let total: Decimal = schedule.rows.iter().map(|r| r.amortised + r.expensed).sum();
                let paid =
                    contract.commission + contract.changes.iter().map(|c| c.additional_commission).sum::<Decimal>();
                let left = schedule.rows.last().map_or(Decimal::ZERO, |r| r.closing);
                check(&mut diffs, "expensed + amortised + left = commission", dec(paid), dec(total + left));
            }
            Err(e) => diffs.push(format!("schedule failed: {e}")),
        },
    }
    diffs
}

#[test]
fn every_golden_file_matches_its_hand_worked_figures() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir)
        .expect("golden directory")
        .map(|e| e.expect("entry").path())
        .filter(|p| p.extension().is_some_and(|x| x == "json"))
        .collect();
    files.sort();
    let failures: Vec<String> = files
        .iter()
        .flat_map(|f| run(f).into_iter().map(move |d| format!("{}: {d}", f.file_name().unwrap().to_string_lossy())))
        .collect();
    assert!(failures.is_empty(), "golden differences:\n{}", failures.join("\n"));
    assert!(files.len() >= AT_LEAST, "only {} golden files; at least {AT_LEAST} wanted", files.len());
}
