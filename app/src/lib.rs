//! Plumbline's single-page app: client-side rendered Leptos, compiled to WASM.
//!
//! Layout follows the Leptos examples: a thin `main.rs`, the [`App`] and its router here,
//! every HTTP call in [`api`], the firm's sign-in in [`auth`], the session in [`session`], role
//! navigation in [`nav`], pages and reusable components (charts included) in their own modules.

pub mod api;
pub mod auth;
pub mod components;
pub mod dates;
pub mod insight;
pub mod nav;
pub mod pages;
pub mod session;

use components::TopBar;
use leptos::prelude::*;
use leptos_router::components::{Route, Router, Routes};
use leptos_router::path;
use pages::*;
use session::SessionState;

/// The whole app: session context, top bar with the role's navigation, and routes. Every
/// route is a real address: reloading it, or opening it from a link, shows the same view.
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
                    <Route path=path!("/performance") view=PerformancePage/>
                    <Route path=path!("/whatif") view=WhatIfPage/>
                    <Route path=path!("/team") view=TeamPage/>
                    <Route path=path!("/team/:person/statement") view=StatementPage/>
                    <Route path=path!("/team/:person/performance") view=PerformancePage/>
                    <Route path=path!("/team/:person/review") view=ReviewPage/>
                    <Route path=path!("/review") view=ReviewPage/>
                    <Route path=path!("/pipeline") view=PipelinePage/>
                    <Route path=path!("/approvals") view=ApprovalsPage/>
                    <Route path=path!("/disputes") view=DisputesPage/>
                    <Route path=path!("/plans") view=PlansPage/>
                    <Route path=path!("/plans/:plan") view=PlanEditorPage/>
                    <Route path=path!("/planning") view=PlanningPage/>
                    <Route path=path!("/forecast") view=ForecastPage/>
                    <Route path=path!("/conduct") view=ConductPage/>
                    <Route path=path!("/audit") view=AuditPage/>
                    <Route path=path!("/imports") view=ImportsPage/>
                    <Route path=path!("/people") view=PeoplePage/>
                </Routes>
            </main>
        </Router>
    }
}
