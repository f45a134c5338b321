//! `plumbline calc` through the statement engine: plans the fast batch scan cannot run, the
//! `--statements` output, and agreement between the two paths on the comp-batch files.

use plumbline_cli::calc::{CalcJobError, CalcOptions, Engine, run};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn options(plan: &Path, data: &Path, out: &Path) -> CalcOptions {
    CalcOptions {
        plan: plan.to_path_buf(),
        data: data.to_path_buf(),
        out: out.to_path_buf(),
        year: None,
        threads: Some(2),
        statements: None,
        engine: Engine::Auto,
    }
}

/// A plan batch crediting refuses on several counts: a quota bonus, a channel filter,
/// roll-up to managers and a guarantee.
const PLAN: &str = r#"{
  "id": "mixed", "version": 1, "name": "Mixed", "currency": "GBP", "effective_from": "2026-01-01",
  "crediting": {"splits": {"owner": "1"}, "rollup": {"levels": 1}},
  "components": [
    {"type": "quota_bonus", "id": "qb", "name": "Quota bonus", "measure": {"kinds": ["booking"]},
     "curve": [{"attainment": "0", "payout": "0"}, {"attainment": "1", "payout": "1"}]},
    {"type": "flat", "id": "advised", "name": "Advised bookings",
     "measure": {"kinds": ["booking"], "channels": ["advised"]}, "rate": "0.01"}
  ],
  "draw": {"type": "non_recoverable", "amount": "600", "from": "2026-01-01", "to": "2026-02-28"}
}"#;

fn mixed(dir: &Path) -> (PathBuf, PathBuf) {
    let data = dir.join("data");
    std::fs::create_dir_all(&data).unwrap();
    std::fs::write(
        data.join("transactions.csv"),
        "id,owner,date,amount,channel\nT1,R1,2026-01-10,5000.00,advised\nT2,R1,2026-03-05,2000.00,direct\n",
    )
    .unwrap();
    std::fs::write(data.join("quotas.csv"), "payee,annual_quota,target_incentive\nR1,10000,1000\nM1,20000,1000\n")
        .unwrap();
    std::fs::write(data.join("org.csv"), "manager,report,from,to\nM1,R1,2026-01-01,\n").unwrap();
    let plan = dir.join("plan.json");
    std::fs::write(&plan, PLAN).unwrap();
    (plan, data)
}

#[test]
fn plans_the_fast_path_refuses_run_through_statements_with_explained_output() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, data) = mixed(dir.path());
    let out = dir.path().join("payouts.csv");
    let statements = dir.path().join("statements.jsonl");
    let summary = run(&CalcOptions { statements: Some(statements.clone()), ..options(&plan, &data, &out) }).unwrap();
    // R1, quota 10,000, target 1,000 on a straight-line curve:
    //   Jan: 5,000 booked = 50% -> 500; advised 5,000 x 1% = 50; 550 < 600 guarantee -> 600.
    //   Feb: nothing earned; the guarantee tops up 600 (a row with no credit).
    //   Mar: 7,000 = 70% -> 700, 200 more; the guarantee has ended -> 200.
    // M1 (R1's manager, quota 20,000) gets R1's credit rolled up:
    //   Jan: 25% -> 250, advised 50: 300 -> topped up to 600. Feb: 600. Mar: 35% -> 350: 100.
    assert_eq!(
        std::fs::read_to_string(&out).unwrap(),
        "payee,month,payout\nM1,1,600.00\nM1,2,600.00\nM1,3,100.00\nR1,1,600.00\nR1,2,600.00\nR1,3,200.00\n"
    );
    assert_eq!(summary.rows, 6);
    let lines: Vec<Value> = std::fs::read_to_string(&statements)
        .unwrap()
        .lines()
        .map(|l| serde_json::from_str(l).expect("each line is one JSON statement"))
        .collect();
    let keys: Vec<(String, String, String)> = lines
        .iter()
        .map(|s| {
            (
                s["payee"].as_str().unwrap().into(),
                s["period"]["label"].as_str().unwrap().into(),
                s["total"].as_str().unwrap().into(),
            )
        })
        .collect();
    let key = |p: &str, m: &str, t: &str| (p.to_string(), m.to_string(), t.to_string());
    assert_eq!(
        keys,
        vec![
            key("M1", "2026-01", "600.00"),
            key("M1", "2026-02", "600.00"),
            key("M1", "2026-03", "100.00"),
            key("R1", "2026-01", "600.00"),
            key("R1", "2026-02", "600.00"),
            key("R1", "2026-03", "200.00"),
        ]
    );
    // Each line names its source transactions and credits and explains itself.
    let r1_jan = &lines[3];
    let bonus = &r1_jan["lines"][0];
    assert_eq!(bonus["component_id"], "qb");
    assert_eq!(bonus["amount"], "500.00");
    assert_eq!(bonus["credits"][0]["txn_id"], "T1");
    assert_eq!(bonus["credits"][0]["amount"], "5000.00");
    assert!(bonus["explanation"].as_str().unwrap().contains("50% of your £10,000.00 quota"), "{bonus}");
    let guarantee = &r1_jan["lines"][2];
    assert_eq!((guarantee["kind"].as_str(), guarantee["amount"].as_str()), (Some("guarantee"), Some("50.00")));
    let m1_mar = &lines[2];
    assert_eq!(m1_mar["lines"][0]["credits"][0]["role"], "rollup");
    assert_eq!(m1_mar["lines"][0]["credits"][0]["txn_id"], "T2");
}

#[test]
fn a_payee_the_engine_cannot_pay_is_named_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let (plan, data) = mixed(dir.path());
    std::fs::write(data.join("quotas.csv"), "payee,annual_quota\nR1,10000\nM1,20000\n").unwrap();
    let out = dir.path().join("payouts.csv");
    let err = run(&options(&plan, &data, &out)).unwrap_err();
    assert!(matches!(err, CalcJobError::Payee { .. }), "{err}");
    assert!(err.to_string().contains("component `qb` needs a target incentive for payee"), "{err}");
    assert!(!out.exists(), "a rejected batch writes nothing");

    std::fs::write(data.join("transactions.csv"), "id,owner,date,amount,channel\nT1,R9,2026-01-10,1.00,advised\n")
        .unwrap();
    let err = run(&options(&plan, &data, &out)).unwrap_err().to_string();
    assert!(err.contains("transactions.csv row 2, column owner: payee R9 is not listed in quotas.csv"), "{err}");
}

#[test]
fn a_formula_reads_the_roster_target_incentive() {
    let dir = tempfile::tempdir().unwrap();
    let (_, data) = mixed(dir.path());
    let plan = dir.path().join("formula.json");
    std::fs::write(
        &plan,
        r#"{
  "id": "f", "version": 1, "name": "Formula", "currency": "GBP", "effective_from": "2026-01-01",
  "crediting": {"splits": {"owner": "1"}},
  "components": [
    {"type": "formula", "id": "bonus", "name": "Bonus", "measure": {"kinds": ["booking"]},
     "expression": "min(attainment, 1) * target_incentive"}
  ]
}"#,
    )
    .unwrap();
    let out = dir.path().join("payouts.csv");
    run(&options(&plan, &data, &out)).unwrap();
    // R1, quota 10,000, target incentive 1,000 from quotas.csv: Jan 5,000 booked = 50% -> 500;
    // Mar 7,000 to date = 70% -> 700, 200 more. M1 has no credit without roll-up.
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "payee,month,payout\nR1,1,500.00\nR1,3,200.00\n");
}

#[test]
fn both_paths_give_the_reference_payouts_byte_for_byte() {
    let peers = workspace().join("../shared/peers/comp-batch");
    assert!(peers.join("reference.py").exists(), "the comp-batch reference must be at {}", peers.display());
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let python = |args: &[&str]| assert!(Command::new("python3").args(args).status().unwrap().success());
    python(&[peers.join("gen.py").to_str().unwrap(), "4000", "60", data.to_str().unwrap()]);
    let expected = dir.path().join("reference.csv");
    python(&[peers.join("reference.py").to_str().unwrap(), data.to_str().unwrap(), expected.to_str().unwrap()]);
    let plan = workspace().join("examples/comp-batch/plan.json");
    let out = dir.path().join("statements-path.csv");
    let summary = run(&CalcOptions { engine: Engine::Statements, ..options(&plan, &data, &out) }).unwrap();
    assert_eq!(summary.transactions, 4000);
    assert!(std::fs::read(&out).unwrap() == std::fs::read(&expected).unwrap(), "the statement path differs");
}
