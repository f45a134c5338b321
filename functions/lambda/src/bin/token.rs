//! Cognito's pre-token-generation trigger (event version 2): copies the user's
//! `custom:person_id` attribute into the access token, where the API reads it beside
//! `cognito:groups`. Cognito puts custom attributes in ID tokens only, and the API accepts
//! access tokens only. A user without a person id cannot sign in: failing here is the one
//! place that names the cause (see infra/README.md, "The first administrator").

use lambda_http::lambda_runtime::{self, LambdaEvent, service_fn};
use serde_json::{Value, json};

/// The claim (and user attribute) holding the Plumbline person id.
const PERSON_ID: &str = "custom:person_id";

/// Why a token was refused.
#[derive(Debug, thiserror::Error, PartialEq)]
enum TokenError {
    /// The event is not a version 2 pre-token-generation event.
    #[error("not a pre-token-generation V2 event: {0}")]
    Event(&'static str),
    /// The user has no person id, so no Plumbline data can be theirs.
    #[error("user {user} has no custom:person_id attribute; an administrator must set it")]
    NoPersonId { user: String },
}

/// The event with its response asking Cognito to add the person id to the access token.
fn add_person_id(mut event: Value) -> Result<Value, TokenError> {
    let user = event.get("userName").and_then(Value::as_str).unwrap_or("(unknown)").to_string();
    let attributes = event
        .pointer("/request/userAttributes")
        .and_then(Value::as_object)
        .ok_or(TokenError::Event("no request.userAttributes"))?;
    let person_id = attributes
        .get(PERSON_ID)
        .and_then(Value::as_str)
        .filter(|id| !id.trim().is_empty())
        .ok_or(TokenError::NoPersonId { user })?
        .to_string();
    let response = event.get_mut("response").and_then(Value::as_object_mut).ok_or(TokenError::Event("no response"))?;
    response.insert(
        "claimsAndScopeOverrideDetails".to_string(),
        json!({ "accessTokenGeneration": { "claimsToAddOrOverride": { PERSON_ID: person_id } } }),
    );
    Ok(event)
}

#[tokio::main]
async fn main() -> Result<(), lambda_runtime::Error> {
    plumbline_lambda::init_tracing();
    lambda_runtime::run(service_fn(|event: LambdaEvent<Value>| async move {
        add_person_id(event.payload).map_err(|e| {
            tracing::error!(error = %e, "token refused");
            lambda_runtime::Error::from(e.to_string())
        })
    }))
    .await
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A V2 event as Cognito sends it (trimmed to the fields read and echoed).
    fn event(attributes: Value) -> Value {
        json!({
            "version": "2",
            "triggerSource": "TokenGeneration_Authentication",
            "region": "eu-west-2",
            "userPoolId": "eu-west-2_example",
            "userName": "a1b2c3",
            "request": {
                "userAttributes": attributes,
                "groupConfiguration": { "groupsToOverride": ["manager"] },
                "scopes": ["openid", "email"]
            },
            "response": { "claimsAndScopeOverrideDetails": null }
        })
    }

    #[test]
    fn the_person_id_is_added_to_the_access_token_only() {
        let out = add_person_id(event(json!({ "sub": "a1b2c3", "custom:person_id": "P0042" }))).unwrap();
        assert_eq!(
            out["response"]["claimsAndScopeOverrideDetails"],
            json!({ "accessTokenGeneration": { "claimsToAddOrOverride": { "custom:person_id": "P0042" } } })
        );
        // Groups are left as Cognito has them; the request is echoed unchanged.
        assert_eq!(out["request"]["groupConfiguration"]["groupsToOverride"], json!(["manager"]));
    }

    #[test]
    fn a_user_without_a_person_id_is_refused_by_name() {
        for attributes in [json!({ "sub": "a1b2c3" }), json!({ "custom:person_id": "  " })] {
            let error = add_person_id(event(attributes)).unwrap_err();
            assert_eq!(error, TokenError::NoPersonId { user: "a1b2c3".into() });
            assert!(error.to_string().contains("custom:person_id"));
        }
    }

    #[test]
    fn an_event_of_another_shape_is_refused() {
        assert_eq!(add_person_id(json!({ "userName": "x" })), Err(TokenError::Event("no request.userAttributes")));
    }
}
