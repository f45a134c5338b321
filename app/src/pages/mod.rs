//! The app's pages, one per route.

mod signin;
mod statement;

pub use signin::SignInPage;
pub use statement::StatementPage;

use leptos::prelude::*;

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
