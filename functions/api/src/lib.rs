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

/// What every handler shares: the store, the token validator and the clock. Built once per
/// process.
#[derive(Clone)]
pub struct AppState {
    /// Where records live.
    pub store: Arc<dyn Store>,
    /// Token validation, and the development issuer when running locally.
    pub auth: Arc<Auth>,
    /// The firm's "today" when its settings fix none (a deployed firm).
    pub clock: Clock,
}

/// Where the firm's "today" comes from when its settings carry no `as_of`: the system clock in
/// production, a fixed date in tests.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Clock {
    /// Today's date in UTC.
    System,
    /// Always this date.
    Fixed(chrono::NaiveDate),
}

impl Clock {
    /// Today's date.
    pub fn today(self) -> chrono::NaiveDate {
        match self {
            Clock::System => chrono::Utc::now().date_naive(),
            Clock::Fixed(date) => date,
        }
    }
}
