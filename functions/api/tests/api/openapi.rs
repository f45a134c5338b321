//! The OpenAPI document: every route is in it and routed, every body has a field-level schema,
//! and real responses validate against their schemas; imports run in the background with
//! progress and end with their report or every problem (docs/api.md, docs/imports.md).

use crate::common::{Harness, harness};
use axum::http::StatusCode;
use plumbline_firm::{Division, Role};
use plumbline_store::audit::verify;
use serde_json::{Value, json};

/// The schema of a response: `route`'s success response in the document.
fn response_schema<'a>(doc: &'a Value, method: &str, path: &str) -> &'a Value {
    let op = &doc["paths"][format!("/api{path}")][method];
    let responses = op["responses"].as_object().unwrap_or_else(|| panic!("{method} {path} is not documented"));
    let (_, ok) = responses.iter().find(|(code, _)| code.starts_with('2')).expect("a success response");
    &ok["content"]["application/json"]["schema"]
}

/// A JSON Schema (2020-12) validator for the keywords schemars emits: `$ref`, `type`,
/// `properties`, `required`, `additionalProperties`, `items`, `prefixItems`, `enum`, `const`,
/// `oneOf`, `anyOf`, `allOf`, `minimum`, `maximum`. Formats and patterns are not checked.
/// Returns every violation with its JSON path.
fn validate(doc: &Value, schema: &Value, value: &Value, path: &str, errors: &mut Vec<String>) {
    if let Some(b) = schema.as_bool() {
        if !b {
            errors.push(format!("{path}: no value is allowed here"));
        }
        return;
    }
    if let Some(reference) = schema["$ref"].as_str() {
        let target = doc.pointer(reference.trim_start_matches('#'));
        match target {
            Some(t) => validate(doc, t, value, path, errors),
            None => errors.push(format!("{path}: dangling $ref {reference}")),
        }
    }
    if let Some(types) = schema.get("type") {
        let names: Vec<&str> = match types {
            Value::Array(a) => a.iter().filter_map(Value::as_str).collect(),
            other => other.as_str().into_iter().collect(),
        };
        let fits = |t: &str| match t {
            "null" => value.is_null(),
            "boolean" => value.is_boolean(),
            "object" => value.is_object(),
            "array" => value.is_array(),
            "string" => value.is_string(),
            "number" => value.is_number(),
            "integer" => value.is_i64() || value.is_u64(),
            _ => false,
        };
        if !names.iter().any(|t| fits(t)) {
            errors.push(format!("{path}: expected {names:?}, found {value}"));
            return;
        }
    }
    if let Some(options) = schema["enum"].as_array()
        && !options.contains(value)
    {
        errors.push(format!("{path}: {value} is not one of {options:?}"));
    }
    if let Some(c) = schema.get("const")
        && c != value
    {
        errors.push(format!("{path}: expected {c}, found {value}"));
    }
    if let Some(n) = value.as_f64()
        && (schema["minimum"].as_f64().is_some_and(|m| n < m) || schema["maximum"].as_f64().is_some_and(|m| n > m))
    {
        errors.push(format!("{path}: {n} is out of range"));
    }
    if let Some(object) = value.as_object() {
        let properties = schema["properties"].as_object();
        for name in schema["required"].as_array().into_iter().flatten().filter_map(Value::as_str) {
            if !object.contains_key(name) {
                errors.push(format!("{path}: required field {name} is missing"));
            }
        }
        for (name, v) in object {
            let child = format!("{path}.{name}");
            match properties.and_then(|p| p.get(name)) {
                Some(s) => validate(doc, s, v, &child, errors),
                None => match schema.get("additionalProperties") {
                    Some(Value::Bool(false)) => errors.push(format!("{child}: not a field of this type")),
                    Some(s) if s.is_object() => validate(doc, s, v, &child, errors),
                    _ => {}
                },
            }
        }
    }
    if let Some(array) = value.as_array() {
        let prefix = schema["prefixItems"].as_array();
        for (i, v) in array.iter().enumerate() {
            let child = format!("{path}[{i}]");
            match prefix.and_then(|p| p.get(i)) {
                Some(s) => validate(doc, s, v, &child, errors),
                None => {
                    if let Some(s) = schema.get("items") {
                        validate(doc, s, v, &child, errors);
                    }
                }
            }
        }
    }
    let passes = |s: &Value| {
        let mut e = Vec::new();
        validate(doc, s, value, path, &mut e);
        e
    };
    if let Some(all) = schema["allOf"].as_array() {
        for s in all {
            errors.extend(passes(s));
        }
    }
    if let Some(any) = schema["anyOf"].as_array() {
        let results: Vec<Vec<String>> = any.iter().map(passes).collect();
        if !results.iter().any(Vec::is_empty) {
            errors.push(format!("{path}: matches none of anyOf: {results:?}"));
        }
    }
    if let Some(one) = schema["oneOf"].as_array() {
        let results: Vec<Vec<String>> = one.iter().map(passes).collect();
        match results.iter().filter(|r| r.is_empty()).count() {
            1 => {}
            0 => errors.push(format!("{path}: matches none of oneOf: {results:?}")),
            n => errors.push(format!("{path}: matches {n} of oneOf")),
        }
    }
}

fn assert_valid(doc: &Value, method: &str, path: &str, value: &Value) {
    let mut errors = Vec::new();
    validate(doc, response_schema(doc, method, path), value, "$", &mut errors);
    assert!(errors.is_empty(), "{method} {path} does not match its schema:\n{}\n{value}", errors.join("\n"));
}

/// Every `$ref` anywhere under `value`.
fn refs<'a>(value: &'a Value, out: &mut Vec<&'a str>) {
    match value {
        Value::Object(m) => {
            if let Some(r) = m.get("$ref").and_then(Value::as_str) {
                out.push(r);
            }
            m.values().for_each(|v| refs(v, out));
        }
        Value::Array(a) => a.iter().for_each(|v| refs(v, out)),
        _ => {}
    }
}

#[test]
fn every_body_has_a_field_level_schema_and_every_ref_resolves() {
    let doc = plumbline_api::openapi::document(&plumbline_api::table());
    let mut all = Vec::new();
    refs(&doc, &mut all);
    assert!(all.len() > 100, "bodies are references to named schemas");
    let mut faults = std::collections::BTreeSet::new();
    for r in &all {
        let Some(target) = doc.pointer(r.trim_start_matches('#')) else {
            faults.insert(format!("dangling $ref {r}: add the type to `bodies!` in openapi.rs"));
            continue;
        };
        // A named schema is a record with its fields, or an enumeration of its values.
        let described = ["properties", "enum", "oneOf", "anyOf", "const"].iter().any(|k| target.get(k).is_some())
            || target["type"] == json!("string");
        if !described {
            faults.insert(format!("{r} has no fields or values: {target}"));
        }
    }
    // Field types, required-ness and enumerations come from the Rust types.
    let schemas = &doc["components"]["schemas"];
    let person = &schemas["Person"];
    assert!(person["required"].as_array().unwrap().contains(&json!("id")), "{person}");
    assert_eq!(person["properties"]["hire_date"]["format"], json!("date"));
    assert!(!person["required"].as_array().unwrap().contains(&json!("manager_id")), "optional fields are optional");
    let kinds: Vec<String> = plumbline_firm::imports::ImportKind::ALL.iter().map(|k| k.as_str().to_string()).collect();
    let kind_schema = serde_json::to_string(&schemas["ImportKind"]).unwrap();
    assert!(kinds.iter().all(|k| kind_schema.contains(&format!("\"{k}\""))), "{kind_schema}");
    assert!(schemas["Plan"]["properties"]["components"].is_object(), "the engine's plan is described field by field");
    let pay = &person["properties"]["fixed_pay"];
    assert_eq!(pay["type"], json!("string"), "money is a decimal string, never a number: {pay}");
    let upload = response_schema(&doc, "post", "/imports/{kind}");
    assert_eq!(upload["$ref"], json!("#/components/schemas/ImportJob"));
    assert!(doc["paths"]["/api/imports/{kind}"]["post"]["responses"]["202"].is_object());
    assert!(faults.is_empty(), "{}", faults.into_iter().collect::<Vec<_>>().join("\n"));
}

#[tokio::test]
async fn the_openapi_document_lists_every_route_and_every_documented_path_is_routed() {
    let h = harness().await;
    let doc = h.send("GET", "/api/openapi.json", None, None, None).await.json;
    assert_eq!(doc["openapi"], json!("3.1.0"));
    let table = plumbline_api::table();
    let mut count = 0;
    for route in &table {
        let op = &doc["paths"][format!("/api{}", route.path)][route.method.as_str().to_lowercase()];
        assert!(op.is_object(), "{} {} missing from the OpenAPI document", route.method, route.path);
        assert!(op["responses"][route.status.to_string()].is_object() && op["security"].is_array());
        count += 1;
    }
    let documented: usize = doc["paths"].as_object().unwrap().values().map(|p| p.as_object().unwrap().len()).sum();
    assert_eq!(documented, count, "nothing documented that is not routed");
    for path in doc["paths"].as_object().unwrap().keys() {
        let concrete = path.replace('{', "x").replace('}', "");
        let reply = h.send("GET", &concrete, None, None, None).await;
        assert!(reply.json["message"] != json!("route not found"), "{path} is documented but not routed");
    }
    for name in doc["components"]["schemas"].as_object().unwrap().keys() {
        assert!(!name.contains('<'), "schema names are plain: {name}");
    }
}

fn wealth_rep(h: &Harness) -> &'static plumbline_firm::Person {
    h.firm
        .people
        .iter()
        .find(|p| p.role == Role::Rep && p.division == Some(Division::Wealth) && p.manager_id.is_some())
        .unwrap()
}

#[tokio::test]
async fn responses_validate_against_their_schemas() {
    let h = harness().await;
    let doc = h.send("GET", "/api/openapi.json", None, None, None).await.json;
    let rep = wealth_rep(&h);
    let manager = rep.manager_id.clone().unwrap();
    let manager_token = h.token(&manager).await;
    let proposal = h
        .post(
            "/api/approvals",
            &manager_token,
            json!({ "change": { "kind": "quota_change", "person_id": rep.id, "year_start": "2026-01-01", "amount": "500000" }, "reason": "schema" }),
        )
        .await;
    assert_eq!(proposal.status, StatusCode::OK, "{}", proposal.json);
    assert_valid(&doc, "post", "/approvals", &proposal.json);
    let rep_token = h.token(&rep.id).await;
    let compliance = h.token(&h.first(Role::Compliance).id).await;
    let samples = [
        ("/statements/{person_id}", format!("/api/statements/{}?period=2026-10", rep.id), &rep_token),
        ("/people", "/api/people?limit=50".to_string(), &compliance),
        ("/people/{person_id}", format!("/api/people/{}", rep.id), &compliance),
        ("/approvals", "/api/approvals".to_string(), &manager_token),
        (
            "/approvals/{proposal_id}",
            format!("/api/approvals/{}", proposal.json["id"].as_str().unwrap()),
            &manager_token,
        ),
        ("/people/{person_id}/transactions", format!("/api/people/{}/transactions?limit=20", rep.id), &rep_token),
        ("/pipeline", "/api/pipeline?limit=20".to_string(), &rep_token),
        ("/org", "/api/org".to_string(), &rep_token),
        ("/audit", "/api/audit?limit=20".to_string(), &compliance),
        ("/me", "/api/me".to_string(), &rep_token),
    ];
    for (path, uri, token) in samples {
        let reply = h.get(&uri, token).await;
        assert_eq!(reply.status, StatusCode::OK, "{uri}: {}", reply.json);
        assert!(!reply.json.is_null());
        assert_valid(&doc, "get", path, &reply.json);
    }
    // The validator is not vacuous: a statement missing a field or with a wrong type fails.
    let mut statement = h.get(&format!("/api/statements/{}?period=2026-10", rep.id), &rep_token).await.json;
    let broken = statement.as_object_mut().unwrap();
    let (first, _) = broken.iter().next().map(|(k, v)| (k.clone(), v.clone())).unwrap();
    broken.remove(&first);
    let mut errors = Vec::new();
    validate(&doc, response_schema(&doc, "get", "/statements/{person_id}"), &statement, "$", &mut errors);
    assert!(!errors.is_empty(), "removing {first} must break the statement");
    let mut people = h.get("/api/people?limit=5", &compliance).await.json;
    people["items"][0]["hire_date"] = json!(20250101);
    let mut errors = Vec::new();
    validate(&doc, response_schema(&doc, "get", "/people"), &people, "$", &mut errors);
    assert!(errors.iter().any(|e| e.contains("hire_date")), "{errors:?}");
}

/// Polls an import job until it finishes, returning every state seen.
async fn follow(h: &Harness, token: &str, accepted: &Value) -> Vec<Value> {
    let id = accepted["id"].as_str().unwrap_or_else(|| panic!("no job id: {accepted}"));
    let mut seen = vec![accepted.clone()];
    for _ in 0..600 {
        let reply = h.get(&format!("/api/imports/jobs/{id}"), token).await;
        assert_eq!(reply.status, StatusCode::OK, "{}", reply.json);
        let done = reply.json.get("report").is_some() || reply.json.get("rejected").is_some();
        seen.push(reply.json);
        if done {
            return seen;
        }
        tokio::time::sleep(std::time::Duration::from_millis(20)).await;
    }
    panic!("import {id} did not finish: {:?}", seen.last());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_import_runs_in_the_background_reports_progress_and_a_corrupted_one_changes_nothing() {
    let h = harness().await;
    let doc = h.send("GET", "/api/openapi.json", None, None, None).await.json;
    let admin = h.token(&h.first(Role::Admin).id).await;
    let files = plumbline_demo::to_files(h.firm, crate::common::planted()).unwrap();
    let csv = String::from_utf8(files.iter().find(|(n, _)| n == "opportunities.csv").unwrap().1.clone()).unwrap();
    let mut lines: Vec<String> = csv.lines().take(401).map(String::from).collect();
    let header: Vec<&str> = lines[0].split(',').collect();
    let close = header.iter().position(|c| *c == "close_date").unwrap();
    let mut corrupted = lines.clone();
    let mut row: Vec<String> = corrupted[5].split(',').map(String::from).collect();
    row[close] = "2026-02-30".into();
    corrupted[5] = row.join(",");
    let before = verify(h.store.as_ref()).await.unwrap().records;

    let accepted = h
        .post("/api/imports/opportunities", &admin, json!({ "file_name": "bad.csv", "content": corrupted.join("\n") }))
        .await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.json);
    assert_valid(&doc, "post", "/imports/{kind}", &accepted.json);
    let refused = follow(&h, &admin, &accepted.json).await;
    let last = refused.last().unwrap();
    assert_valid(&doc, "get", "/imports/jobs/{job_id}", last);
    assert_eq!(last["rejected"]["reason"], json!("invalid"), "{last}");
    let problem = &last["rejected"]["problems"][0];
    assert_eq!((problem["row"].clone(), problem["column"].clone()), (json!(6), json!("close_date")), "{problem}");
    assert_eq!(verify(h.store.as_ref()).await.unwrap().records, before, "a rejected batch writes nothing");

    lines[3] = lines[3].replace(",proposal,", ",negotiation,");
    let body = json!({ "file_name": "opportunities.csv", "content": lines.join("\n") });
    let accepted = h.post("/api/imports/opportunities", &admin, body.clone()).await;
    assert_eq!(accepted.status, StatusCode::ACCEPTED, "{}", accepted.json);
    let states = follow(&h, &admin, &accepted.json).await;
    let last = states.last().unwrap();
    assert_valid(&doc, "get", "/imports/jobs/{job_id}", last);
    assert_eq!(last["report"]["records"], json!(400), "{last}");
    assert_eq!(last["step"], json!({ "step": "done" }));
    // Progress only moves forward, and counts records and writes against their totals.
    let mut done = 0;
    for state in &states {
        if state["step"]["step"] == json!("applying") {
            let (records, of) = (state["step"]["records"].as_u64().unwrap(), state["step"]["of"].as_u64().unwrap());
            assert!(records >= done && records <= of && of == 400, "{state}");
            done = records;
        }
    }
    // A finished job is kept in the store: it reads the same afterwards.
    let id = last["id"].as_str().unwrap();
    assert_eq!(&h.get(&format!("/api/imports/jobs/{id}"), &admin).await.json, last);

    let again = follow(&h, &admin, &h.post("/api/imports/opportunities", &admin, body).await.json).await;
    assert_eq!(again.last().unwrap()["report"]["already_imported"], json!(true), "re-sending changes nothing");
    assert!(verify(h.store.as_ref()).await.unwrap().ok);

    let rep = h.token(&wealth_rep(&h).id).await;
    let forbidden = h.post("/api/imports/opportunities", &rep, json!({ "file_name": "x.csv", "content": "" })).await;
    assert_eq!(forbidden.status, StatusCode::FORBIDDEN);
    assert_eq!(h.get(&format!("/api/imports/jobs/{id}"), &rep).await.status, StatusCode::FORBIDDEN);
    let unknown = h.post("/api/imports/spreadsheets", &admin, json!({ "file_name": "x.csv", "content": "" })).await;
    assert_eq!(unknown.status, StatusCode::NOT_FOUND);
    assert_eq!(h.get("/api/imports/jobs/import-none", &admin).await.status, StatusCode::NOT_FOUND);
}
