//! Hand-worked examples in `tests/golden/*.json`: each holds a request, the expected parts of
//! the answer (a subset of its JSON) and the working behind every figure.

use serde_json::Value;
use std::path::Path;

/// Checks every field of `expected` against `actual`; numbers within `tolerance`, strings
/// (decimals) exactly; arrays element by element.
fn check(expected: &Value, actual: &Value, path: &str, tolerance: f64, errors: &mut Vec<String>) {
    match (expected, actual) {
        (Value::Object(e), Value::Object(a)) => {
            for (k, v) in e {
                match a.get(k) {
                    Some(av) => check(v, av, &format!("{path}.{k}"), tolerance, errors),
                    None => errors.push(format!("{path}.{k}: missing")),
                }
            }
        }
        (Value::Array(e), Value::Array(a)) => {
            for (i, v) in e.iter().enumerate() {
                match a.get(i) {
                    Some(av) => check(v, av, &format!("{path}[{i}]"), tolerance, errors),
                    None => errors.push(format!("{path}[{i}]: missing")),
                }
            }
        }
        (Value::Number(e), Value::Number(a)) => {
            let (e, a) = (e.as_f64().unwrap(), a.as_f64().unwrap());
            if (e - a).abs() > tolerance {
                errors.push(format!("{path}: expected {e}, got {a}"));
            }
        }
        (e, a) if e != a => errors.push(format!("{path}: expected {e}, got {a}")),
        _ => {}
    }
}

#[test]
fn golden_examples() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden");
    let mut files: Vec<_> = std::fs::read_dir(&dir).unwrap().map(|e| e.unwrap().path()).collect();
    files.sort();
    assert!(files.len() >= 5, "golden files missing");
    let mut errors = Vec::new();
    for file in files {
        let case: Value = serde_json::from_str(&std::fs::read_to_string(&file).unwrap()).unwrap();
        let request = case["request"].clone();
        let actual = match case["kind"].as_str().unwrap() {
            "quota" => serde_json::to_value(
                plumbline_planning::plan_quotas(&serde_json::from_value(request).unwrap()).unwrap(),
            ),
            "territory" => serde_json::to_value(
                plumbline_planning::balance_territories(&serde_json::from_value(request).unwrap()).unwrap(),
            ),
            other => panic!("unknown kind {other}"),
        }
        .unwrap();
        let tolerance = case.get("tolerance").and_then(Value::as_f64).unwrap_or(1e-9);
        let name = file.file_name().unwrap().to_string_lossy().to_string();
        check(&case["expected"], &actual, &name, tolerance, &mut errors);
    }
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
