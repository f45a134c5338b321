//! The signed-in session: a bearer token and who it is for. A demo persona's session is kept
//! in `localStorage`; a session from the firm's sign-in only in this tab's `sessionStorage`, so
//! closing the tab (on a shared desk, say) leaves no token behind.

use gloo_storage::{LocalStorage, SessionStorage, Storage};
use leptos::prelude::*;
use plumbline_firm::api::{Persona, TokenResponse};
use serde::{Deserialize, Serialize};

/// The storage key (in either storage).
pub const STORAGE_KEY: &str = "plumbline.session";

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Bearer token for the API.
    pub token: String,
    /// Who the token is for.
    pub persona: Persona,
    /// For the firm's sign-in: where signing out sends the browser so the identity provider
    /// ends its session too (`None` for the local development issuer).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub logout_url: Option<String>,
}

impl From<TokenResponse> for Session {
    fn from(response: TokenResponse) -> Self {
        Session { token: response.token, persona: response.persona, logout_url: None }
    }
}

/// Reads the stored session; a missing or unreadable entry means signed out.
pub fn load() -> Option<Session> {
    SessionStorage::get(STORAGE_KEY).or_else(|_| LocalStorage::get(STORAGE_KEY)).ok()
}

fn store(session: &Session) {
    let stored = if session.logout_url.is_some() {
        SessionStorage::set(STORAGE_KEY, session)
    } else {
        LocalStorage::set(STORAGE_KEY, session)
    };
    // Storage can be full or disabled (private mode): the session then lasts until reload.
    if let Err(error) = stored {
        leptos::logging::warn!("could not store the session: {error}");
    }
}

fn forget() {
    SessionStorage::delete(STORAGE_KEY);
    LocalStorage::delete(STORAGE_KEY);
}

/// The app-wide session state, provided as context by [`crate::App`].
#[derive(Debug, Clone, Copy)]
pub struct SessionState {
    current: RwSignal<Option<Session>>,
    notice: RwSignal<Option<String>>,
}

impl SessionState {
    /// Starts from whatever is in storage.
    pub fn from_storage() -> Self {
        SessionState { current: RwSignal::new(load()), notice: RwSignal::new(None) }
    }

    /// The current session, reactively.
    pub fn get(&self) -> Option<Session> {
        self.current.get()
    }

    /// The current session, without subscribing.
    pub fn get_untracked(&self) -> Option<Session> {
        self.current.get_untracked()
    }

    /// Whether someone is signed in, reactively.
    pub fn is_signed_in(&self) -> bool {
        self.current.with(Option::is_some)
    }

    /// Signs in: stores and publishes the session.
    pub fn sign_in(&self, session: Session) {
        store(&session);
        self.notice.set(None);
        self.current.set(Some(session));
    }

    /// Signs out, optionally leaving a message for the sign-in page. Signing out of the firm's
    /// sign-in without a message (the person chose to) also ends the identity provider's
    /// session, which then sends the browser back to the app; with a message (the token was
    /// refused or expired) the provider's session is kept, so signing in again is quick.
    pub fn sign_out(&self, notice: Option<String>) {
        let logout_url = self.current.get_untracked().and_then(|s| s.logout_url).filter(|_| notice.is_none());
        forget();
        self.notice.set(notice);
        self.current.set(None);
        if let Some(url) = logout_url {
            // After the caller's own navigation to the sign-in page, which would otherwise
            // cancel this one.
            set_timeout(
                move || {
                    if let Err(error) = window().location().set_href(&url) {
                        leptos::logging::warn!("could not reach the sign-out page: {error:?}");
                    }
                },
                std::time::Duration::ZERO,
            );
        }
    }

    /// A message for the sign-in page (e.g. "your session expired"), reactively.
    pub fn notice(&self) -> Option<String> {
        self.notice.get()
    }
}

/// The session state from context.
pub fn use_session() -> SessionState {
    expect_context::<SessionState>()
}
