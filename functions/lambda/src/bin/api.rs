//! The API function: the same axum router as `plumbline serve`, over DynamoDB, with tokens
//! checked against Cognito. Configuration is read once per cold start (see README.md).

use plumbline_api::{AppState, Clock};
use std::sync::Arc;

#[tokio::main]
async fn main() -> Result<(), lambda_http::Error> {
    plumbline_lambda::init_tracing();
    let store = plumbline_lambda::store_from_env().await?;
    let auth = plumbline_lambda::auth_from_env().await?;
    let state = AppState { store: Arc::new(store), auth: Arc::new(auth), clock: Clock::System };
    lambda_http::run(plumbline_api::router(state)).await
}
