//! Every HTTP call the app makes, and the one error type they share.
//!
//! The API lives on the same origin under `/api`; errors come back as JSON
//! [`plumbline_firm::api::ApiError`] bodies, which [`Error`] keeps so the page can show the
//! server's own message.

use gloo_net::http::{Request, RequestBuilder, Response};
use plumbline_firm::api::{ApiError, DevTokenRequest, Persona, StatementResponse, TokenResponse};
use serde::de::DeserializeOwned;
use std::fmt;

/// Where the API is mounted, relative to the page's origin.
const API_BASE: &str = "/api";

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The server answered with an error status; `error` is its JSON body (or a stand-in).
    Api {
        /// HTTP status.
        status: u16,
        /// What the server said.
        error: ApiError,
    },
    /// The request never got an answer (offline, server down, CORS).
    Network(String),
    /// The server answered 2xx with a body this app cannot read.
    Decode(String),
    /// The app refused to send the request (e.g. a malformed period in the address).
    Invalid(ApiError),
}

impl Error {
    /// Whether the token was missing, expired or refused: the user has to sign in again.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Api { status: 401, .. })
    }

    /// Whether trying the same request again might work.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Error::Invalid(_))
    }

    /// A short heading for the error panel.
    pub fn title(&self) -> &'static str {
        match self {
            Error::Api { status: 401, .. } => "You are signed out",
            Error::Api { status: 403, .. } => "Not allowed",
            Error::Api { status: 404, .. } => "Not found",
            Error::Api { status, .. } if *status >= 500 => "The server had a problem",
            Error::Api { .. } => "The request was refused",
            Error::Network(_) => "Can't reach Plumbline",
            Error::Decode(_) => "Unexpected response",
            Error::Invalid(_) => "Check the address",
        }
    }

    /// The plain-language message to show.
    pub fn message(&self) -> String {
        match self {
            Error::Api { error, .. } | Error::Invalid(error) => error.message.clone(),
            Error::Network(detail) => format!("Check your connection and try again. ({detail})"),
            Error::Decode(detail) => format!("The server's answer could not be read. ({detail})"),
        }
    }

    /// The stable code, for support: the API's code, or `network` / `decode`.
    pub fn code(&self) -> &str {
        match self {
            Error::Api { error, .. } | Error::Invalid(error) => &error.code,
            Error::Network(_) => "network",
            Error::Decode(_) => "decode",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.title(), self.message())
    }
}

impl std::error::Error for Error {}

/// Everyone one can sign in as (local demo mode).
pub async fn personas() -> Result<Vec<Persona>, Error> {
    send(Request::get(&format!("{API_BASE}/auth/personas"))).await
}

/// Asks the development issuer for a token for `person_id`.
pub async fn dev_token(person_id: &str) -> Result<TokenResponse, Error> {
    let body = DevTokenRequest { person_id: person_id.to_owned() };
    let request =
        Request::post(&format!("{API_BASE}/auth/dev-token")).json(&body).map_err(|e| Error::Decode(e.to_string()))?;
    let response = request.send().await.map_err(|e| Error::Network(e.to_string()))?;
    read(response).await
}

/// A payee's statement for `period` (`YYYY-MM`), or for the current period when `None`.
pub async fn statement(token: &str, person_id: &str, period: Option<&str>) -> Result<StatementResponse, Error> {
    let url = format!("{API_BASE}/statements/{}", path_segment(person_id));
    let mut request = Request::get(&url).header("Authorization", &format!("Bearer {token}"));
    if let Some(period) = period {
        request = request.query([("period", period)]);
    }
    send(request).await
}

async fn send<T: DeserializeOwned>(request: RequestBuilder) -> Result<T, Error> {
    let response =
        request.header("Accept", "application/json").send().await.map_err(|e| Error::Network(e.to_string()))?;
    read(response).await
}

async fn read<T: DeserializeOwned>(response: Response) -> Result<T, Error> {
    let status = response.status();
    if response.ok() {
        return response.json().await.map_err(|e| Error::Decode(e.to_string()));
    }
    let text = response.text().await.unwrap_or_default();
    let error = serde_json::from_str::<ApiError>(&text).unwrap_or_else(|_| ApiError {
        code: format!("http_{status}"),
        message: fallback_message(status, &response.status_text()),
        field: None,
    });
    Err(Error::Api { status, error })
}

fn fallback_message(status: u16, status_text: &str) -> String {
    match status {
        401 => "Your session has ended. Please sign in again.".to_owned(),
        502..=504 => "The API is not available right now. Please try again in a moment.".to_owned(),
        _ if status_text.is_empty() => format!("The server answered with status {status}."),
        _ => format!("The server answered {status} {status_text}."),
    }
}

/// Percent-encodes everything but unreserved characters, for use as one path segment.
fn path_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("P0042"), "P0042");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
    }
}
