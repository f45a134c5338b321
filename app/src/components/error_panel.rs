use crate::api::Error;
use leptos::prelude::*;

/// Shows what went wrong (the API's own message) and, when it may help, a retry button.
#[component]
pub fn ErrorPanel(
    /// The failure.
    error: Error,
    /// Called by the "Try again" button; no button when absent or when retrying can't help.
    #[prop(optional, into)]
    on_retry: Option<Callback<()>>,
    /// Extra content, e.g. a link elsewhere.
    #[prop(optional)]
    children: Option<Children>,
) -> impl IntoView {
    let on_retry = on_retry.filter(|_| error.is_retryable());
    let field = match &error {
        Error::Api { error, .. } | Error::Invalid(error) => error.field.clone(),
        _ => None,
    };
    view! {
        <section class="panel error-panel" role="alert">
            <h2 class="error-title">{error.title()}</h2>
            <p class="error-message">{error.message()}</p>
            <p class="error-code">
                "Code: " <code>{error.code().to_owned()}</code>
                {field.map(|f| view! { " · Field: " <code>{f}</code> })}
            </p>
            <div class="actions">
                {on_retry.map(|retry| view! {
                    <button type="button" class="button primary" on:click=move |_| retry.run(())>
                        "Try again"
                    </button>
                })}
                {children.map(|c| c())}
            </div>
        </section>
    }
}
