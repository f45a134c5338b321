//! Plumbline's single-page app: client-side rendered Leptos, compiled to WASM.
//!
//! Layout follows the Leptos examples: a thin `main.rs`, the [`App`] and its router here,
//! every HTTP call in [`api`], the session in [`session`], pages and reusable components in
//! their own modules.

pub mod api;
pub mod components;
pub mod pages;
pub mod session;

use components::TopBar;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use pages::{NotFoundPage, SignInPage, StatementPage};
use session::SessionState;

/// The whole app: session context, top bar and routes.
#[component]
pub fn App() -> impl IntoView {
    provide_context(SessionState::from_storage());
    view! {
        <Router>
            <a class="skip-link" href="#main">"Skip to content"</a>
            <TopBar/>
            <main id="main" tabindex="-1">
                <Routes fallback=NotFoundPage>
                    <Route path=path!("/") view=SignInPage/>
                    <Route path=path!("/statement") view=StatementPage/>
                </Routes>
            </main>
        </Router>
    }
}
