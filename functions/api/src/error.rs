//! API failures: each becomes JSON with a stable code, a message and the field at fault.

use axum::Json;
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use plumbline_firm::api::ApiError;
use plumbline_store::StoreError;

/// Why a request failed.
#[derive(Debug, thiserror::Error)]
pub enum ApiFailure {
    /// No valid bearer token.
    #[error("{0}")]
    Unauthenticated(String),
    /// Authenticated, but the role may not do this.
    #[error("your role may not {0}")]
    Forbidden(String),
    /// Nothing there, or nothing the caller may see (the two are indistinguishable on purpose).
    #[error("{what} not found")]
    NotFound {
        /// What was looked for.
        what: String,
    },
    /// The request is malformed.
    #[error("{message}")]
    BadRequest {
        /// The request field at fault.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// The request is well-formed but cannot be done with the data as it is.
    #[error("{message}")]
    Unprocessable {
        /// Stable code.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The request conflicts with the current state, or reuses an idempotency key.
    #[error("{message}")]
    Conflict {
        /// Stable code.
        code: &'static str,
        /// What is wrong.
        message: String,
    },
    /// The request is well-formed but fails validation at a field or JSON path.
    #[error("{message}")]
    Invalid {
        /// The field or JSON path at fault.
        field: String,
        /// What is wrong.
        message: String,
    },
    /// An import was refused; `details` is the `ImportRejected` with every problem.
    #[error("{message}")]
    Rejected {
        /// HTTP status.
        status: StatusCode,
        /// Stable code.
        code: &'static str,
        /// Summary.
        message: String,
        /// The file at fault.
        field: Option<String>,
        /// Everything the caller needs to fix it.
        details: serde_json::Value,
    },
    /// The store failed.
    #[error(transparent)]
    Store(#[from] StoreError),
}

impl ApiFailure {
    fn parts(&self) -> (StatusCode, &'static str, Option<String>) {
        match self {
            ApiFailure::Unauthenticated(_) => (StatusCode::UNAUTHORIZED, "unauthenticated", None),
            ApiFailure::Forbidden(_) => (StatusCode::FORBIDDEN, "forbidden", None),
            ApiFailure::NotFound { .. } => (StatusCode::NOT_FOUND, "not_found", None),
            ApiFailure::BadRequest { field, .. } => (StatusCode::BAD_REQUEST, "bad_request", Some(field.clone())),
            ApiFailure::Unprocessable { code, .. } => (StatusCode::UNPROCESSABLE_ENTITY, code, None),
            ApiFailure::Conflict { code, .. } => (StatusCode::CONFLICT, code, None),
            ApiFailure::Invalid { field, .. } => (StatusCode::UNPROCESSABLE_ENTITY, "invalid", Some(field.clone())),
            ApiFailure::Rejected { status, code, field, .. } => (*status, code, field.clone()),
            ApiFailure::Store(StoreError::Retryable(_)) => (StatusCode::SERVICE_UNAVAILABLE, "store_busy", None),
            ApiFailure::Store(_) => (StatusCode::INTERNAL_SERVER_ERROR, "store_error", None),
        }
    }
}

impl ApiFailure {
    /// A malformed request field.
    pub fn bad(field: &str, message: impl Into<String>) -> ApiFailure {
        ApiFailure::BadRequest { field: field.to_string(), message: message.into() }
    }

    /// Something the caller may not see, or that does not exist.
    pub fn not_found(what: impl Into<String>) -> ApiFailure {
        ApiFailure::NotFound { what: what.into() }
    }

    /// A role that may not do this.
    pub fn forbidden(what: impl Into<String>) -> ApiFailure {
        ApiFailure::Forbidden(what.into())
    }
}

impl IntoResponse for ApiFailure {
    fn into_response(self) -> Response {
        let (status, code, field) = self.parts();
        if status.is_server_error() {
            tracing::error!(error = %self, "request failed");
        }
        let error = ApiError { code: code.to_string(), message: self.to_string(), field };
        match self {
            // The usual error body, plus the structured details.
            ApiFailure::Rejected { details, .. } => {
                let mut body = serde_json::to_value(&error).unwrap_or_default();
                body["details"] = details;
                (status, Json(body)).into_response()
            }
            _ => (status, Json(error)).into_response(),
        }
    }
}
