//! The demo firm's planted ground truth is found: stale deals, pushed close dates and the
//! over-optimistic reps, with few false alarms.

use plumbline_demo::{DemoOptions, Planted, generate};
use plumbline_pipeline::{AnalysisOptions, DealEvidence, Pipeline, analyse, pipeline_from_firm};
use std::collections::BTreeSet;

fn check(pipeline: &Pipeline, planted: &Planted) {
    let analysis = analyse(pipeline, &AnalysisOptions { trials: 500, ..AnalysisOptions::default() });
    let found = |pred: fn(&DealEvidence) -> bool| -> BTreeSet<String> {
        analysis.flags.iter().filter(|f| pred(&f.evidence)).map(|f| f.deal_id.clone()).collect()
    };
    let stale = found(|e| matches!(e, DealEvidence::Stale { .. }));
    let pushed = found(|e| matches!(e, DealEvidence::RepeatedlyPushed { .. }));
    let reps: BTreeSet<String> = analysis.reps.iter().filter(|r| r.over_optimistic).map(|r| r.rep.clone()).collect();
    let report = |name: &str, found: &BTreeSet<String>, truth: &[String]| {
        let truth: BTreeSet<String> = truth.iter().cloned().collect();
        let hit = found.intersection(&truth).count() as f64;
        let (recall, precision) = (hit / truth.len() as f64, hit / found.len().max(1) as f64);
        eprintln!(
            "{name}: {} found, {} planted, recall {recall:.2}, precision {precision:.2}",
            found.len(),
            truth.len()
        );
        (recall, precision)
    };
    let (r, p) = report("stale", &stale, &planted.stale_opportunities);
    assert!(r == 1.0 && p >= 0.8, "stale recall {r} precision {p}");
    let (r, p) = report("pushed", &pushed, &planted.pushed_opportunities);
    assert!(r == 1.0 && p == 1.0, "pushed recall {r} precision {p}");
    for r in analysis.reps.iter().filter(|r| r.over_optimistic || planted.over_optimistic_reps.contains(&r.rep)) {
        eprintln!("{} planted={}: {}", r.rep, planted.over_optimistic_reps.contains(&r.rep), r.reason);
    }
    let (r, p) = report("over-optimistic", &reps, &planted.over_optimistic_reps);
    assert!(r == 1.0 && p >= 0.75, "optimists recall {r} precision {p}");
    for f in analysis.flags.iter().take(3) {
        eprintln!("{}: {}", f.deal_id, f.reason);
    }
    for r in analysis.reps.iter().filter(|r| r.over_optimistic) {
        eprintln!("{}: {}", r.rep, r.reason);
    }
    let planted_optimists: BTreeSet<&String> = planted.over_optimistic_reps.iter().collect();
    for r in analysis.reps.iter().filter(|r| !planted_optimists.contains(&r.rep)).take(3) {
        eprintln!("(not flagged) {}: {}", r.rep, r.reason);
    }
}

#[test]
fn planted_patterns_are_found_in_the_default_demo_firm() {
    let (firm, planted) = generate(&DemoOptions::default());
    check(&pipeline_from_firm(&firm), &planted);
}

#[test]
fn planted_patterns_are_found_for_another_seed_and_date() {
    let (firm, planted) = generate(&DemoOptions { seed: 3, as_of: "2025-06-30".parse().unwrap() });
    check(&pipeline_from_firm(&firm), &planted);
}
