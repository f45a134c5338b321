//! Golden template outputs: hand-written findings (tests/golden/templates.json) and the exact
//! text the deterministic writer must produce; the guardrail accepts each.

use plumbline_coach::{Finding, check, writer};
use serde::Deserialize;

#[derive(Deserialize)]
struct Case {
    name: String,
    finding: Finding,
    text: String,
}

#[derive(Deserialize)]
struct Golden {
    cases: Vec<Case>,
}

#[test]
fn templates_match_the_golden_texts() {
    let golden: Golden = serde_json::from_str(include_str!("../golden/templates.json")).unwrap();
    assert_eq!(golden.cases.len(), 3);
    for case in golden.cases {
        let text = writer::template(&case.finding);
        assert_eq!(text, case.text, "{}", case.name);
        check(&text, &case.finding.evidence, &["Priya Shah".to_string(), "Tom Baker".to_string()])
            .unwrap_or_else(|e| panic!("{}: {e:?}", case.name));
    }
}
