//! What the Lambda binaries share: configuration from the environment, read once per cold
//! start. The handlers themselves are the API's ordinary async functions (`plumbline_api`).

use jsonwebtoken::jwk::JwkSet;
use plumbline_api::auth::{Auth, TokenValidator};
use plumbline_store::DynamoStore;

/// Why a function could not start.
#[derive(Debug, thiserror::Error)]
pub enum ConfigError {
    /// A required environment variable is missing.
    #[error("environment variable {0} is not set")]
    Missing(&'static str),
    /// The key set could not be fetched or read.
    #[error("could not load the token signing keys from {source_name}: {message}")]
    Jwks {
        /// Where they were read from.
        source_name: String,
        /// What went wrong.
        message: String,
    },
}

fn required(name: &'static str) -> Result<String, ConfigError> {
    std::env::var(name).ok().filter(|v| !v.is_empty()).ok_or(ConfigError::Missing(name))
}

/// JSON logs for CloudWatch, filtered by `RUST_LOG` (default `info`).
pub fn init_tracing() {
    tracing_subscriber::fmt()
        .json()
        .with_env_filter(tracing_subscriber::EnvFilter::try_from_default_env().unwrap_or_else(|_| "info".into()))
        .without_time()
        .init();
}

/// The DynamoDB store named by `PLUMBLINE_TABLE`, with the client from the Lambda's role.
pub async fn store_from_env() -> Result<DynamoStore, ConfigError> {
    let table = required("PLUMBLINE_TABLE")?;
    Ok(DynamoStore::new(DynamoStore::client_from_env().await, table))
}

/// The AWS configuration of the function's role and region, over the same HTTPS client as the
/// store (rustls with ring), for the S3 and Bedrock clients.
pub async fn aws_config() -> aws_config::SdkConfig {
    aws_config::defaults(aws_config::BehaviorVersion::latest())
        .http_client(plumbline_store::dynamo::https_client())
        .load()
        .await
}

/// The token validator: issuer `PLUMBLINE_ISSUER` (the Cognito user pool URL), client
/// `PLUMBLINE_CLIENT_ID`, keys from `PLUMBLINE_JWKS` (inline JSON) or else fetched from
/// `<issuer>/.well-known/jwks.json`.
pub async fn auth_from_env() -> Result<Auth, ConfigError> {
    let issuer = required("PLUMBLINE_ISSUER")?;
    let client_id = required("PLUMBLINE_CLIENT_ID")?;
    let keys = match std::env::var("PLUMBLINE_JWKS") {
        Ok(text) if !text.is_empty() => parse_jwks("PLUMBLINE_JWKS", text.as_bytes())?,
        _ => fetch_jwks(&format!("{}/.well-known/jwks.json", issuer.trim_end_matches('/'))).await?,
    };
    Ok(Auth { validator: TokenValidator::new(&issuer, &client_id, keys), dev_issuer: None })
}

fn parse_jwks(source_name: &str, bytes: &[u8]) -> Result<JwkSet, ConfigError> {
    serde_json::from_slice(bytes)
        .map_err(|e| ConfigError::Jwks { source_name: source_name.to_string(), message: e.to_string() })
}

async fn fetch_jwks(url: &str) -> Result<JwkSet, ConfigError> {
    use http_body_util::BodyExt;
    let fail = |message: String| ConfigError::Jwks { source_name: url.to_string(), message };
    let https = hyper_rustls::HttpsConnectorBuilder::new()
        .with_native_roots()
        .map_err(|e| fail(e.to_string()))?
        .https_only()
        .enable_http1()
        .build();
    let client: hyper_util::client::legacy::Client<_, http_body_util::Empty<&'static [u8]>> =
        hyper_util::client::legacy::Client::builder(hyper_util::rt::TokioExecutor::new()).build(https);
    let uri: lambda_http::http::Uri =
        url.parse().map_err(|e: lambda_http::http::uri::InvalidUri| fail(e.to_string()))?;
    let response = client.get(uri).await.map_err(|e| fail(e.to_string()))?;
    if !response.status().is_success() {
        return Err(fail(format!("HTTP {}", response.status())));
    }
    let body = response.into_body().collect().await.map_err(|e| fail(e.to_string()))?.to_bytes();
    parse_jwks(url, &body)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn an_inline_key_set_is_read_and_a_bad_one_is_named() {
        let issuer = plumbline_api::auth::DevIssuer::generate("iss", "client");
        let text = serde_json::to_vec(&issuer.jwks()).unwrap();
        assert_eq!(parse_jwks("PLUMBLINE_JWKS", &text).unwrap().keys.len(), 1);
        let error = parse_jwks("PLUMBLINE_JWKS", b"{").unwrap_err().to_string();
        assert!(error.contains("PLUMBLINE_JWKS"), "{error}");
    }
}
