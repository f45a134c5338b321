use crate::api::Error;
use crate::components::{ErrorPanel, Loading};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::use_navigate;
use std::any::Any;
use std::future::Future;
use std::marker::PhantomData;
use std::pin::Pin;
use std::rc::Rc;
use std::sync::Arc;

/// A finished request's value, type-erased so every page shares one resource type.
type Answer = Result<Rc<dyn Any>, Error>;
type Fetch = Box<dyn Fn() -> Pin<Box<dyn Future<Output = Answer>>>>;
type Render = Arc<dyn Fn(&dyn Any) -> AnyView + Send + Sync>;

/// A page's request for a `T` (see [`load`]), re-run when the signals its fetcher reads change.
pub struct Load<T> {
    resource: LocalResource<Answer>,
    retry: Callback<()>,
    value: PhantomData<fn() -> T>,
}

impl<T> Clone for Load<T> {
    fn clone(&self) -> Self {
        *self
    }
}

impl<T> Copy for Load<T> {}

impl<T> Load<T> {
    /// Runs the request again.
    pub fn refetch(&self) {
        self.retry.run(());
    }
}

/// Starts loading what `fetch` returns, like `LocalResource::new`. Every page's request shares
/// one resource and one boxed future type, so Leptos's async machinery is in the WASM once
/// instead of once per page (about 100 KB less code, 11 KB brotli, for 16 pages).
pub fn load<T: 'static, Fut: Future<Output = Result<T, Error>> + 'static>(
    fetch: impl Fn() -> Fut + 'static,
) -> Load<T> {
    let resource = erased(Box::new(move || {
        let answer = fetch();
        Box::pin(async move { answer.await.map(|value| Rc::new(value) as Rc<dyn Any>) })
    }));
    Load { resource, retry: Callback::new(move |()| resource.refetch()), value: PhantomData }
}

#[inline(never)]
fn erased(fetch: Fetch) -> LocalResource<Answer> {
    LocalResource::new(fetch)
}

/// A resource made with `LocalResource::new` still works with [`Remote`]; it only costs its
/// own copy of the async machinery.
impl<T: Clone + 'static> From<LocalResource<Result<T, Error>>> for Load<T> {
    fn from(source: LocalResource<Result<T, Error>>) -> Self {
        let resource =
            erased(Box::new(move || Box::pin(async move { source.await.map(|value| Rc::new(value) as Rc<dyn Any>) })));
        Load { resource, retry: Callback::new(move |()| source.refetch()), value: PhantomData }
    }
}

/// Shows a request's result: a loading message while it runs, the error panel (with "Try
/// again") when it fails, and `children` with the value when it succeeds. A refused token
/// ends the session and goes back to sign-in. Every page's data goes through this, so no
/// view is ever blank.
#[component]
pub fn Remote<T, V>(
    /// The request.
    #[prop(into)]
    resource: Load<T>,
    /// What is loading, e.g. "Loading the team…".
    #[prop(into)]
    loading: String,
    /// Renders the value.
    children: impl Fn(T) -> V + Send + Sync + 'static,
) -> impl IntoView
where
    T: Clone + 'static,
    V: IntoView + 'static,
{
    let render: Render = Arc::new(move |value: &dyn Any| {
        let value = value.downcast_ref::<T>().expect("a Load<T> holds a T");
        children(value.clone()).into_any()
    });
    shown(resource.resource, resource.retry, loading, render)
}

/// `Remote`'s view, out of line and not generic: the `Suspend` future exists once.
#[inline(never)]
fn shown(resource: LocalResource<Answer>, retry: Callback<()>, loading: String, render: Render) -> AnyView {
    view! {
        <Transition fallback=move || view! { <Loading label=loading.clone()/> }>
            {move || {
                let render = render.clone();
                Suspend::new(async move {
                    match resource.await {
                        Ok(value) => render(&*value),
                        Err(error) => view! { <Failure error=error retry=move || retry.run(())/> }.into_any(),
                    }
                })
            }}
        </Transition>
    }
    .into_any()
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
