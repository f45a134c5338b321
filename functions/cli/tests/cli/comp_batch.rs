//! `plumbline calc` against the comp-batch reference job in ../shared/peers/comp-batch:
//! the same generated files must give byte-identical payouts to `reference.py`.

use plumbline_cli::calc::{CalcJobError, CalcOptions, Engine, run};
use std::path::{Path, PathBuf};
use std::process::Command;

fn workspace() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..").canonicalize().unwrap()
}

fn peers() -> PathBuf {
    let dir = workspace().join("../shared/peers/comp-batch");
    assert!(
        dir.join("reference.py").exists(),
        "the comp-batch reference must be beside the checkout at {}",
        dir.display()
    );
    dir
}

fn python(args: &[&str]) {
    let status = Command::new("python3").args(args).status().expect("python3 runs");
    assert!(status.success(), "python3 {args:?} failed");
}

fn options(data: &Path, out: &Path, threads: usize) -> CalcOptions {
    CalcOptions {
        plan: workspace().join("examples/comp-batch/plan.json"),
        data: data.to_path_buf(),
        out: out.to_path_buf(),
        year: None,
        threads: Some(threads),
        statements: None,
        engine: Engine::Auto,
    }
}

#[test]
fn payouts_are_byte_identical_to_the_reference_job() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    let peers = peers();
    python(&[peers.join("gen.py").to_str().unwrap(), "30000", "300", data.to_str().unwrap()]);
    let expected = dir.path().join("reference.csv");
    python(&[peers.join("reference.py").to_str().unwrap(), data.to_str().unwrap(), expected.to_str().unwrap()]);
    let expected = std::fs::read(expected).unwrap();
    // Several chunkings must all agree: the result cannot depend on how the file is split.
    for threads in [1, 2, 3, 7] {
        let out = dir.path().join(format!("ours-{threads}.csv"));
        let summary = run(&options(&data, &out, threads)).unwrap();
        assert_eq!(summary.transactions, 30000);
        assert!(std::fs::read(&out).unwrap() == expected, "payouts with {threads} threads differ from reference.py");
    }
}

fn write(dir: &Path, transactions: &str, quotas: &str) {
    std::fs::create_dir_all(dir).unwrap();
    std::fs::write(dir.join("transactions.csv"), transactions).unwrap();
    std::fs::write(dir.join("quotas.csv"), quotas).unwrap();
}

#[test]
fn bad_rows_are_reported_by_row_and_column_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write(
        &data,
        "id,owner,co_owner,date,amount\n\
         T1,P1,,2026-01-05,100.00\n\
         T2,P1,P2,2026-02-30,5.00\n\
         T3,P9,,2026-03-01,5.00\n\
         T4,P2,,2026-03-01,5.001\n\
         T5,P2,2026-03-01,5.00\n",
        "payee,annual_quota\nP1,1000.00\nP2,1000.00\n",
    );
    let out = dir.path().join("out.csv");
    let err = run(&options(&data, &out, 2)).unwrap_err();
    let CalcJobError::Input(problems) = &err else { panic!("expected input problems, got {err}") };
    let text: Vec<String> = problems.iter().map(ToString::to_string).collect();
    assert_eq!(
        text,
        vec![
            "transactions.csv row 3, column date: `2026-02-30` is not a date as YYYY-MM-DD",
            "transactions.csv row 4, column owner: payee P9 is not listed in quotas.csv",
            "transactions.csv row 5, column amount: `5.001` is not an amount with at most 2 decimals",
            "transactions.csv row 6: has 4 fields, the header has 5",
        ]
    );
    assert!(!out.exists(), "a rejected batch writes nothing");
}

#[test]
fn missing_columns_and_quotas_are_named() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write(&data, "id,owner,when,amount\nT1,P1,2026-01-05,1.00\n", "payee,annual_quota\nP1,1000\n");
    let err = run(&options(&data, &dir.path().join("o.csv"), 1)).unwrap_err().to_string();
    assert!(err.contains("transactions.csv row 1, column date: required column is missing"), "{err}");

    write(&data, "id,owner,date,amount\nT1,P1,2026-01-05,1.00\n", "payee,annual_quota\nP1,\nP1,-5\n");
    let err = run(&options(&data, &dir.path().join("o.csv"), 1)).unwrap_err().to_string();
    assert!(err.contains("quotas.csv row 3, column payee: P1 is listed twice"), "{err}");
    assert!(err.contains("quotas.csv row 3, column annual_quota: `-5` is not a positive amount"), "{err}");

    write(&data, "id,owner,date,amount\nT1,P1,2026-01-05,1.00\n", "payee,annual_quota\nP1,\n");
    let err = run(&options(&data, &dir.path().join("o.csv"), 1)).unwrap_err().to_string();
    assert!(err.contains("payee P1 has credit but no annual quota"), "{err}");
}

#[test]
fn several_plan_years_need_a_choice() {
    let dir = tempfile::tempdir().unwrap();
    let data = dir.path().join("data");
    write(
        &data,
        "id,owner,date,amount\nT1,P1,2025-12-31,100.00\nT2,P1,2026-01-01,200.00\n",
        "payee,annual_quota\nP1,1000\n",
    );
    let out = dir.path().join("o.csv");
    let err = run(&options(&data, &out, 1)).unwrap_err().to_string();
    assert!(err.contains("span plan years [2025, 2026]"), "{err}");
    let mut chosen = options(&data, &out, 1);
    chosen.year = Some(2026);
    run(&chosen).unwrap();
    // 200 of a 1000 quota: 200 x 2% = 4.00.
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "payee,month,payout\nP1,1,4.00\n");
}
