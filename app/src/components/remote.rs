use crate::api::Error;
use crate::components::{ErrorPanel, Loading};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;

/// Shows a request's result: a loading message while it runs, the error panel (with "Try
/// again") when it fails, and `children` with the value when it succeeds. A refused token
/// ends the session and goes back to sign-in. Every page's data goes through this, so no
/// view is ever blank.
#[component]
pub fn Remote<T, V>(
    /// The request.
    resource: LocalResource<Result<T, Error>>,
    /// What is loading, e.g. "Loading the team…".
    #[prop(into)]
    loading: String,
    /// Renders the value.
    children: impl Fn(T) -> V + Send + Sync + Clone + 'static,
) -> impl IntoView
where
    T: Clone + Send + Sync + 'static,
    V: IntoView + 'static,
{
    let fallback = loading.clone();
    view! {
        <Transition fallback=move || view! { <Loading label=fallback.clone()/> }>
            {move || {
                let render = children.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(value).into_any(),
                        Err(error) => view! { <Failure error=error retry=move || resource.refetch()/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
}

/// A failed request: signs out on a refused token, otherwise the error panel.
#[component]
pub fn Failure(error: Error, retry: impl Fn() + Send + Sync + 'static) -> impl IntoView {
    if error.is_unauthorized() {
        let session = use_session();
        let navigate = use_navigate();
        let message = format!("Your session has ended. Please sign in again. ({})", error.message());
        request_animation_frame(move || {
            session.sign_out(Some(message));
            navigate("/", NavigateOptions { replace: true, ..Default::default() });
        });
        return view! { <Loading label="Signing you out…"/> }.into_any();
    }
    view! { <ErrorPanel error=error on_retry=move |_| retry()/> }.into_any()
}
