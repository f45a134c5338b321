//! `plumbline import` on the real CRM sample (../shared/data/crm-sales-opportunities) through
//! examples/imports/crm-sales-opportunities.mapping.json, run as the real binary against a
//! temporary data dir holding the demo firm's people and clients: the import, a no-op re-import, corrupted copies
//! rejected with row-level errors and no change (whole-store dumps compared), and an
//! incremental file that appends stage, close-date and amount history.

#[path = "../../../import/tests/import/support/mod.rs"]
mod support;

use plumbline_firm::OpportunityField;
use plumbline_store::{EmbeddedStore, Item, Store, keys, seed};
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

fn root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../..")
}

fn dataset() -> PathBuf {
    let dir = root().join("../shared/data/crm-sales-opportunities");
    assert!(dir.join("sales_pipeline.csv").exists(), "the CRM sample is expected at {}", dir.display());
    dir
}

fn mapping() -> PathBuf {
    root().join("examples/imports/crm-sales-opportunities.mapping.json")
}

fn import(data_dir: &Path, file: &Path) -> Output {
    Command::new(env!("CARGO_BIN_EXE_plumbline"))
        .args(["import", "opportunities", "--json", "--actor", "test-admin", "--file"])
        .arg(file)
        .arg("--mapping")
        .arg(mapping())
        .arg("--data-dir")
        .arg(data_dir)
        .output()
        .expect("run plumbline")
}

fn report(out: &Output) -> serde_json::Value {
    assert!(out.status.success(), "import failed: {}", String::from_utf8_lossy(&out.stderr));
    serde_json::from_slice(&out.stdout).expect("JSON report")
}

fn store(data_dir: &Path) -> EmbeddedStore {
    EmbeddedStore::open(&data_dir.join("plumbline.redb")).expect("open store")
}

async fn dump(data_dir: &Path, ids: &BTreeSet<String>) -> Vec<Item> {
    // Opened and dropped here so the binary can open the file next.
    support::dump(&store(data_dir), ids).await
}

/// The sample's rows with one field changed by `edit(row_index, fields)`.
fn edited(edit: impl Fn(usize, &mut Vec<String>)) -> String {
    let text = std::fs::read_to_string(dataset().join("sales_pipeline.csv")).unwrap();
    let mut out = String::new();
    for (i, line) in text.lines().enumerate() {
        let mut fields: Vec<String> = line.split(',').map(str::to_string).collect();
        edit(i, &mut fields);
        out.push_str(&fields.join(","));
        out.push('\n');
    }
    out
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn the_crm_sample_imports_through_the_mapping_and_bad_copies_change_nothing() {
    let tmp = tempfile::tempdir().unwrap();
    let data_dir = tmp.path().join("data");
    std::fs::create_dir_all(&data_dir).unwrap();
    let options = plumbline_demo::DemoOptions {
        seed: plumbline_demo::DEFAULT_SEED,
        as_of: plumbline_demo::DEFAULT_AS_OF.parse().unwrap(),
    };
    let (mut firm, _) = plumbline_demo::generate(&options);
    // The demo firm's organisation and clients, which the mapping refers to; its activity
    // records are left out so seeding and whole-store dumps stay quick.
    firm.aum.clear();
    firm.flows.clear();
    firm.transactions.clear();
    firm.opportunities.clear();
    firm.opportunity_history.clear();
    firm.activities.clear();
    firm.compliance_events.clear();
    seed::seed_firm(&store(&data_dir), &firm, "2026-11-20T00:00:00Z", "demo firm").await.unwrap();

    let pipeline = dataset().join("sales_pipeline.csv");
    let text = std::fs::read_to_string(&pipeline).unwrap();
    let ids: BTreeSet<String> = text.lines().skip(1).map(|l| l.split(',').next().unwrap().to_string()).collect();

    // 8,800 rows: 1,425 have no account and 163 more (Prospecting) no engage date, so
    // 7,212 opportunities (4,238 won, 2,473 lost, 501 engaging), each with one history entry.
    let first = report(&import(&data_dir, &pipeline));
    assert_eq!(first["rows"], 8800);
    assert_eq!(first["records"], 7212);
    assert_eq!(first["counts"]["created"], 7212);
    assert_eq!(first["counts"]["history"], 7212);
    assert_eq!(first["skipped"][0]["reason"], "client_id");
    assert_eq!(first["skipped"][0]["count"], 1425);
    assert_eq!(first["skipped"][1]["reason"], "created");
    assert_eq!(first["skipped"][1]["count"], 163);
    // 14,424 writes plus the batch record. A transaction takes 97 besides the audit record
    // and head, and never splits an opportunity from its history: 48 opportunities each,
    // so 151 transactions (150 full, then 12).
    assert_eq!(first["writes"], 14425);
    assert_eq!(first["transactions"], 151);
    let s = store(&data_dir);
    let won: Item = s.get(&keys::opportunities("P0071"), "Z063OYW0").await.unwrap().expect("Darcel's deal at Isdom");
    assert_eq!(won.data["stage"], "closed_won");
    assert_eq!(won.data["amount"], "4514");
    assert_eq!(won.data["product"], "GTX Pro");
    assert!(plumbline_store::audit::verify(&s).await.unwrap().ok);
    drop(s);

    let before = dump(&data_dir, &ids).await;
    let again = report(&import(&data_dir, &pipeline));
    assert_eq!(again["already_imported"], true);
    assert_eq!(dump(&data_dir, &ids).await, before, "re-import changed the store");

    // Row 3 gets 30 February; row 6 repeats row 2's id.
    let bad = tmp.path().join("bad_pipeline.csv");
    std::fs::write(
        &bad,
        edited(|i, f| match i {
            2 => f[6] = "2017-02-30".into(),
            5 => f[0] = "1C1I7A6R".into(),
            _ => {}
        }),
    )
    .unwrap();
    let out = import(&data_dir, &bad);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    let problems: Vec<&str> = stderr.lines().filter(|l| l.starts_with("bad_pipeline.csv")).collect();
    assert_eq!(
        problems,
        [
            "bad_pipeline.csv, row 3, column close_date: not a date: expected YYYY-MM-DD, a real calendar day (found \"2017-02-30\")",
            "bad_pipeline.csv, row 6, column opportunity_id: appears again; first at row 2 (found \"1C1I7A6R\")",
        ],
        "{stderr}"
    );
    assert!(stderr.contains("2 problem(s); nothing was imported"), "{stderr}");

    // Without the deal_stage column.
    let cut = tmp.path().join("no_stage.csv");
    std::fs::write(&cut, edited(|_, f| drop(f.remove(4)))).unwrap();
    let out = import(&data_dir, &cut);
    assert!(!out.status.success());
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        stderr.contains("no_stage.csv, row 1, column deal_stage: required column is missing from the header"),
        "{stderr}"
    );
    assert_eq!(dump(&data_dir, &ids).await, before, "a rejected file changed the store");

    // UP409DSB was engaging (close date and value from the mapping's fallbacks: 2017-12-31
    // and MG Advanced's list price 3393); now it is won on 2017-12-20 for 3100.
    // 1C1I7A6R is as before.
    let update = tmp.path().join("update.csv");
    std::fs::write(
        &update,
        "opportunity_id,sales_agent,product,account,deal_stage,engage_date,close_date,close_value\n\
         UP409DSB,Maureen Marcano,MG Advanced,Ganjaflex,Won,2016-11-10,2017-12-20,3100\n\
         1C1I7A6R,Moses Frase,GTX Plus Basic,Cancity,Won,2016-10-20,2017-03-01,1054\n",
    )
    .unwrap();
    let today = chrono::Utc::now().date_naive().to_string();
    let inc = report(&import(&data_dir, &update));
    assert_eq!(inc["counts"]["updated"], 1);
    assert_eq!(inc["counts"]["unchanged"], 1);
    assert_eq!(inc["counts"]["history"], 3);
    let s = store(&data_dir);
    let history = support::history(&s, "UP409DSB").await;
    assert_eq!(
        history,
        [
            ("2016-11-10".into(), OpportunityField::Stage, String::new(), "qualification".into()),
            (today.clone(), OpportunityField::Stage, "qualification".into(), "closed_won".into()),
            (today.clone(), OpportunityField::CloseDate, "2017-12-31".into(), "2017-12-20".into()),
            (today, OpportunityField::Amount, "3393".into(), "3100".into()),
        ]
    );
    assert!(plumbline_store::audit::verify(&s).await.unwrap().ok);
}
