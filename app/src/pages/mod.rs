//! The app's pages, one per route, and what they share: the signed-in guard and the page
//! heading.

pub(crate) mod approvals;
pub(crate) mod coaching;
pub(crate) mod performance;
mod planning;
mod plans;
mod regulated;
mod review;
mod signin;
mod statement;
pub(crate) mod views;
mod whatif;

pub use approvals::ApprovalsPage;
pub use coaching::PipelinePage;
pub use performance::PerformancePage;
pub use planning::PlanningPage;
pub use plans::{PlanEditorPage, PlansPage};
pub use review::ReviewPage;
pub use signin::SignInPage;
pub use statement::StatementPage;
pub use views::{AuditPage, ConductPage, DisputesPage, ForecastPage, ImportsPage, PeoplePage, TeamPage};
pub use whatif::WhatIfPage;

use crate::session::{Session, use_session};
use leptos::prelude::*;
use leptos_router::components::Redirect;
use leptos_router::hooks::use_params_map;

/// Any path the router doesn't know.
#[component]
pub fn NotFoundPage() -> impl IntoView {
    view! {
        <section class="panel narrow">
            <h1>"Page not found"</h1>
            <p>"There is nothing at this address."</p>
            <p>
                <a class="button primary" href="/">"Go to sign-in"</a>
            </p>
        </section>
    }
}

/// Renders `children` with the session, or sends you to sign-in when there is none.
#[component]
pub fn SignedIn<V: IntoView + 'static>(children: impl Fn(Session) -> V + Send + Sync + 'static) -> impl IntoView {
    let session = use_session();
    move || match session.get() {
        Some(current) => children(current).into_any(),
        None => view! { <Redirect path="/"/> }.into_any(),
    }
}

/// The person a page is about: the `:person` in the address (a manager drilling into a team
/// member), else the signed-in person.
pub fn subject(session: &Session) -> Memo<String> {
    let params = use_params_map();
    let own = session.persona.person_id.clone();
    Memo::new(move |_| params.with(|p| p.get("person")).filter(|p| !p.is_empty()).unwrap_or_else(|| own.clone()))
}

/// A page heading with an eyebrow and a lede; sets the document title.
#[component]
pub fn PageHead(
    #[prop(into)] eyebrow: String,
    #[prop(into)] title: String,
    #[prop(optional, into)] lede: Option<String>,
    #[prop(optional)] children: Option<Children>,
) -> impl IntoView {
    document().set_title(&format!("{title} · Plumbline"));
    view! {
        <header class="page-head">
            <div>
                <p class="eyebrow">{eyebrow}</p>
                <h1>{title}</h1>
                {lede.map(|l| view! { <p class="lede">{l}</p> })}
            </div>
            {children.map(|c| c())}
        </header>
    }
}
