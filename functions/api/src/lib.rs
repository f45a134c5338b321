//! The API function: every HTTP route of Plumbline as one axum router, served by Lambda in
//! AWS and by `plumbline serve` locally, over any [`plumbline_store::Store`].

pub mod auth;
pub mod authz;
pub mod error;
pub mod openapi;
pub mod pay;
pub mod routes;
pub mod write;

use auth::Auth;
use plumbline_store::Store;
use std::sync::Arc;

pub use error::ApiFailure;
pub use routes::{RouteDef, router, table};

/// What every handler shares: the store and the token validator. Built once per process.
#[derive(Clone)]
pub struct AppState {
    /// Where records live.
    pub store: Arc<dyn Store>,
    /// Token validation, and the development issuer when running locally.
    pub auth: Arc<Auth>,
}
