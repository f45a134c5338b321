//! Hand-worked hygiene examples: every number in `golden/*.json` is worked in its `working` notes.

use plumbline_pipeline::{DealEvidence, HygieneConfig, Norms, Pipeline, deal_flags};
use serde::Deserialize;

#[derive(Deserialize)]
struct Expected {
    deal_id: String,
    owner: String,
    evidence: DealEvidence,
}

#[derive(Deserialize)]
struct Golden {
    pipeline: Pipeline,
    expected: Vec<Expected>,
}

#[test]
fn hygiene_small() {
    let g: Golden = serde_json::from_str(include_str!("../golden/hygiene_small.json")).expect("valid golden file");
    let config = HygieneConfig::default();
    let norms = Norms::learn(&g.pipeline.deals, g.pipeline.as_of, &config);
    let flags = deal_flags(&g.pipeline, &norms, &config);
    let got: Vec<(&str, &str, &DealEvidence)> =
        flags.iter().map(|f| (f.deal_id.as_str(), f.owner.as_str(), &f.evidence)).collect();
    let want: Vec<(&str, &str, &DealEvidence)> =
        g.expected.iter().map(|e| (e.deal_id.as_str(), e.owner.as_str(), &e.evidence)).collect();
    assert_eq!(got, want);
    for f in &flags {
        assert!(!f.reason.is_empty());
    }
}
