//! Bad requests are refused with the JSON path of the offending input.

use plumbline_planning::{PlanningError, balance_territories, plan_quotas};
use serde_json::json;

fn quota(patch: impl FnOnce(&mut serde_json::Value)) -> PlanningError {
    let mut req = json!({
        "target": "1000.00", "plan_year_start": "2027-01-01", "history_end": "2026-12-01",
        "sellers": [
            { "id": "A", "name": "Ann", "regions": ["North"], "hire_date": "2020-01-01" },
            { "id": "B", "name": "Bo", "regions": ["North"], "hire_date": "2020-01-01" }
        ],
        "accounts": [ { "id": "a", "name": "Alder", "owner_id": "A", "region": "North", "potential": "10", "workload": "1" } ],
        "history": [], "simulation": { "runs": 5, "seed": 1 }
    });
    patch(&mut req);
    plan_quotas(&serde_json::from_value(req).unwrap()).unwrap_err()
}

#[test]
fn quota_requests_name_the_bad_field() {
    let e = quota(|r| r["overrides"] = json!([{ "person_id": "B", "amount": "10.00", "reason": " " }]));
    assert_eq!(e.to_string(), "overrides[0].reason: an override needs a reason");
    let e = quota(|r| r["overrides"] = json!([{ "person_id": "Z", "amount": "10.00", "reason": "x" }]));
    assert_eq!(e.to_string(), "overrides[0].person_id: Z is not a seller in scope");
    let e = quota(|r| r["overrides"] = json!([{ "person_id": "A", "amount": "1000.01", "reason": "x" }]));
    assert_eq!(e.to_string(), "overrides: they total 1000.01, more than the target 1000.00");
    let e = quota(|r| r["accounts"][0]["owner_id"] = json!("Q"));
    assert_eq!(e.to_string(), "accounts[0].owner_id: Q is not a seller in scope");
    let e = quota(|r| r["sellers"][1]["fte"] = json!("1.5"));
    assert_eq!(e.to_string(), "sellers[1].fte: 1.5 is not between 0 and 1");
    let e = quota(|r| r["method"] = json!({ "kind": "blend", "potential": "0", "history": "0", "capacity": "0" }));
    assert_eq!(e, PlanningError::BadWeights);
    let e = quota(|r| r["pipeline"] = json!([{ "id": "O1", "person_id": "A", "value": "5", "probability": 101 }]));
    assert_eq!(e.to_string(), "pipeline[0].probability: 101 is above 100");
    // A's potential is the only basis left once A is overridden: B has none, so nothing splits the rest.
    let e = quota(|r| {
        r["method"] = json!({ "kind": "potential" });
        r["overrides"] = json!([{ "person_id": "A", "amount": "100.00", "reason": "x" }]);
    });
    assert_eq!(
        e.to_string(),
        "method: every seller left to allocate to has zero potential weight, so 900.00 cannot be split"
    );
}

#[test]
fn territory_requests_name_the_bad_field() {
    let req = json!({
        "plan_year_start": "2027-01-01", "max_moved_share": "1.5",
        "sellers": [ { "id": "A", "name": "Ann", "regions": ["North"], "hire_date": "2020-01-01" } ],
        "accounts": [ { "id": "a", "name": "Alder", "owner_id": "A", "region": "North", "potential": "10", "workload": "1" } ]
    });
    let e = balance_territories(&serde_json::from_value(req).unwrap()).unwrap_err();
    assert_eq!(e.to_string(), "max_moved_share: 1.5 is not between 0 and 1");
}
