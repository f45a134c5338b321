//! The OpenAPI 3.1 document, generated from the route table that also builds the router, so
//! a route cannot exist without being documented. Body types are named schemas pointing at
//! their Rust definitions (`plumbline_firm::api`, the engine's plan and statement); lists,
//! pages and the error body are spelled out.

use crate::authz::Access;
use crate::routes::RouteDef;
use serde_json::{Map, Value, json};
use std::collections::BTreeSet;

/// Where each named type is defined, for the schema descriptions.
fn origin(name: &str) -> &'static str {
    match name {
        "Plan" | "Statement" => "plumbline_engine (docs/plans.md)",
        "Person" | "Team" | "Quota" | "PlanAssignment" | "ComplianceEvent" | "Opportunity" => "plumbline_firm::records",
        "Proposal" | "Dispute" | "ApprovalPolicy" => "plumbline_firm::workflow",
        "AuditRecord" | "Verification" => "plumbline_firm::audit",
        "ImportReport" => "plumbline_firm::imports (docs/imports.md)",
        "JwkSet" => "RFC 7517 JSON Web Key Set",
        "OpenApi" => "this document",
        "RegulatedStatementResponse" | "PayDecisionRequest" | "PayDecisionResponse" => {
            "plumbline_regulation::api (docs/regulation.md)"
        }
        "QuotaPlanRequest" | "TerritoryPlanRequest" | "QuotaProposalRequest" | "TerritoryProposalRequest" => {
            "plumbline_planning::api (docs/planning.md)"
        }
        "QuotaPlan" | "TerritoryProposal" => "plumbline_planning (docs/planning.md)",
        _ => "plumbline_firm::api",
    }
}

/// The schema of a type expression such as `Page<PersonView>`, `Vec<Team>` or `Persona`,
/// collecting the named types it refers to.
fn schema(type_name: &str, named: &mut BTreeSet<String>) -> Value {
    if let Some(inner) = type_name.strip_prefix("Vec<").and_then(|t| t.strip_suffix('>')) {
        return json!({ "type": "array", "items": schema(inner, named) });
    }
    if let Some(inner) = type_name.strip_prefix("Page<").and_then(|t| t.strip_suffix('>')) {
        return json!({
            "type": "object",
            "required": ["items"],
            "properties": {
                "items": { "type": "array", "items": schema(inner, named) },
                "next": { "type": "string", "description": "pass as `cursor` for the next page; absent on the last" }
            }
        });
    }
    named.insert(type_name.to_string());
    json!({ "$ref": format!("#/components/schemas/{type_name}") })
}

fn parameters(route: &RouteDef) -> Vec<Value> {
    let mut out = Vec::new();
    for segment in route.path.split('/') {
        if let Some(name) = segment.strip_prefix('{').and_then(|s| s.strip_suffix('}')) {
            out.push(json!({ "name": name, "in": "path", "required": true, "schema": { "type": "string" } }));
        }
    }
    for (name, description) in route.query {
        out.push(json!({ "name": name, "in": "query", "required": false, "description": description, "schema": { "type": "string" } }));
    }
    out
}

fn operation(route: &RouteDef, named: &mut BTreeSet<String>) -> Value {
    let error = json!({ "content": { "application/json": { "schema": { "$ref": "#/components/schemas/ApiError" } } } });
    let mut responses = Map::new();
    responses.insert(
        "200".into(),
        json!({ "description": "OK", "content": { "application/json": { "schema": schema(route.response, named) } } }),
    );
    let mut errors = vec![("400", "Malformed request; `field` names the parameter or JSON path")];
    if let Access::Roles(_) = route.access {
        errors.push(("401", "No valid bearer token"));
        errors.push(("403", "The caller's role may not do this"));
    }
    errors.push(("404", "Not found, or not visible to the caller"));
    if route.request.is_some() {
        errors.push(("409", "Conflict: changed concurrently, or the Idempotency-Key was used for another request"));
        errors.push(("422", "Fails validation; `field` names the path at fault"));
    }
    for (code, description) in errors {
        let mut e = error.clone();
        e["description"] = json!(description);
        responses.insert(code.into(), e);
    }
    let path_id: String = route.path.chars().map(|c| if c.is_ascii_alphanumeric() { c } else { '_' }).collect();
    let mut op = json!({
        "operationId": format!("{}{}", route.method.as_str().to_lowercase(), path_id),
        "summary": route.summary,
        "tags": [route.path.split('/').nth(1).unwrap_or("api")],
        "parameters": parameters(route),
        "responses": responses,
    });
    match route.access {
        Access::Public => op["security"] = json!([]),
        Access::Development => {
            op["security"] = json!([]);
            op["x-plumbline-access"] = json!("development issuer only (plumbline serve)");
        }
        Access::Roles(roles) => {
            op["security"] = json!([{ "bearer": [] }]);
            op["x-plumbline-roles"] = json!(roles.iter().map(|r| r.as_str()).collect::<Vec<_>>());
        }
    }
    if let Some(request) = route.request {
        op["requestBody"] =
            json!({ "required": true, "content": { "application/json": { "schema": schema(request, named) } } });
        if route.method != axum::http::Method::GET {
            let header = json!({ "name": "Idempotency-Key", "in": "header", "required": false, "schema": { "type": "string" },
                "description": "Same key and body returns the first result; same key, other body: 409" });
            if let Some(parameters) = op["parameters"].as_array_mut() {
                parameters.push(header);
            }
        }
    }
    op
}

/// The OpenAPI document of these routes (paths under `/api`).
pub fn document(routes: &[RouteDef]) -> Value {
    let mut named = BTreeSet::new();
    let mut paths = Map::new();
    for route in routes {
        let entry = paths.entry(format!("/api{}", route.path)).or_insert_with(|| json!({}));
        entry[route.method.as_str().to_lowercase()] = operation(route, &mut named);
    }
    let mut schemas = Map::new();
    for name in named {
        schemas.insert(
            name.clone(),
            json!({ "type": "object", "description": format!("`{name}` as defined in {}", origin(&name)) }),
        );
    }
    schemas.insert(
        "ApiError".into(),
        json!({
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": { "type": "string", "description": "stable machine-readable code, e.g. not_found" },
                "message": { "type": "string" },
                "field": { "type": "string", "description": "the parameter, header or JSON path at fault" }
            }
        }),
    );
    json!({
        "openapi": "3.1.0",
        "info": { "title": "Plumbline API", "version": env!("CARGO_PKG_VERSION"),
                  "description": "Sales performance management. Money is a decimal string. See docs/api.md." },
        "paths": paths,
        "components": {
            "schemas": schemas,
            "securitySchemes": { "bearer": { "type": "http", "scheme": "bearer", "bearerFormat": "JWT" } }
        }
    })
}
