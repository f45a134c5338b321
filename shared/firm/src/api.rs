//! Request and response shapes of the HTTP API, shared by the functions and the app.

use crate::records::{Division, Role};
use serde::{Deserialize, Serialize};

/// A person one can sign in as in local demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Persona {
    /// The person's id.
    pub person_id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Job title.
    pub title: String,
    /// Division, if any.
    pub division: Option<Division>,
    /// Team name, if any.
    pub team: Option<String>,
}

/// Ask the local development issuer for a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DevTokenRequest {
    /// Who to sign in as.
    pub person_id: String,
}

/// A bearer token and who it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TokenResponse {
    /// The JWT to send as `Authorization: Bearer ...`.
    pub token: String,
    /// Who the token is for.
    pub persona: Persona,
}

/// An API error: a stable code, a message, and the field at fault when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `not_found`.
    pub code: String,
    /// Plain-language message.
    pub message: String,
    /// The request field, path or JSON path at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A payee's statement for a period, with whom it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct StatementResponse {
    /// The payee.
    pub person: Persona,
    /// The firm's as-of date ("today" for the demo firm).
    pub as_of: chrono::NaiveDate,
    /// The statement computed by the engine.
    pub statement: plumbline_engine::Statement,
}
