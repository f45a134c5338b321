//! `plumbline plan-quotas` and `plumbline balance-territories` run as real processes on the demo firm.

use serde_json::Value;
use std::process::Command;

fn run(args: &[&str]) -> (bool, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_plumbline")).args(args).output().unwrap();
    (out.status.success(), String::from_utf8(out.stdout).unwrap(), String::from_utf8(out.stderr).unwrap())
}

fn decimal(v: &Value) -> rust_decimal::Decimal {
    v.as_str().unwrap().parse().unwrap()
}

#[test]
fn plan_quotas_prints_both_allocations_summing_to_the_target() {
    let (ok, out, err) = run(&["plan-quotas", "--scope", "T-WM-1", "--growth", "10", "--json"]);
    assert!(ok, "{err}");
    let plan: Value = serde_json::from_str(&out).unwrap();
    let target = decimal(&plan["target"]);
    for allocation in ["data_driven", "spread_around"] {
        let lines = plan[allocation]["lines"].as_array().unwrap();
        assert_eq!(lines.len(), 10, "T-WM-1 has ten advisers");
        assert_eq!(lines.iter().map(|l| decimal(&l["quota"])).sum::<rust_decimal::Decimal>(), target);
    }
    assert_eq!(decimal(&plan["implied_uplift"]), rust_decimal::Decimal::new(1, 1));

    let (ok, text, err) = run(&["plan-quotas", "--method", "potential"]);
    assert!(ok, "{err}");
    assert!(text.contains("Gini of quota / potential") && text.contains("last yr + x%"), "{text}");
}

#[test]
fn balance_territories_moves_at_most_the_cap_and_narrows_the_spread() {
    let (ok, out, err) = run(&["balance-territories", "--scope", "asset-servicing", "--max-moved", "5", "--json"]);
    assert!(ok, "{err}");
    let proposal: Value = serde_json::from_str(&out).unwrap();
    let summary = &proposal["summary"];
    let (moved, accounts) = (summary["moved"].as_u64().unwrap(), summary["accounts"].as_u64().unwrap());
    assert!(moved > 0 && moved * 100 <= accounts * 5, "{moved} of {accounts}");
    assert!(summary["potential_after"]["variation"].as_f64() < summary["potential_before"]["variation"].as_f64());

    let (ok, text, _) = run(&["balance-territories", "--show-moves", "1"]);
    assert!(ok);
    assert!(text.contains("uhnw") && text.contains(" moves from "), "{text}");

    let (ok, _, err) = run(&["balance-territories", "--scope", "Atlantis"]);
    assert!(!ok && err.contains("--scope: Atlantis"), "{err}");
}
