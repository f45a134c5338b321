//! The signed-in session: a bearer token and who it is for, kept in `localStorage`.

use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use plumbline_firm::api::{Persona, TokenResponse};
use serde::{Deserialize, Serialize};

/// The `localStorage` key.
pub const STORAGE_KEY: &str = "plumbline.session";

/// A signed-in user.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Session {
    /// Bearer token for the API.
    pub token: String,
    /// Who the token is for.
    pub persona: Persona,
}

impl From<TokenResponse> for Session {
    fn from(response: TokenResponse) -> Self {
        Session { token: response.token, persona: response.persona }
    }
}

/// Reads the stored session; a missing or unreadable entry means signed out.
pub fn load() -> Option<Session> {
    LocalStorage::get(STORAGE_KEY).ok()
}

fn store(session: &Session) {
    // Storage can be full or disabled (private mode): the session then lasts until reload.
    if let Err(error) = LocalStorage::set(STORAGE_KEY, session) {
        leptos::logging::warn!("could not store the session: {error}");
    }
}

fn forget() {
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

    /// Signs out, optionally leaving a message for the sign-in page.
    pub fn sign_out(&self, notice: Option<String>) {
        forget();
        self.notice.set(notice);
        self.current.set(None);
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
