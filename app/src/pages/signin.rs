//! Sign-in at `/`: through the firm's sign-in page when `/config.json` names one (a deployed
//! stack), otherwise (local demo mode) by picking a person to see Plumbline as them.

use crate::api;
use crate::auth::{self, HostedConfig, Mode};
use crate::components::{ErrorPanel, Loading};
use crate::session::{Session, use_session};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_navigate, use_query_map};
use plumbline_firm::api::Persona;
use plumbline_firm::{Division, Role};

/// Heading for a group of people with `role`.
fn role_heading(role: Role) -> &'static str {
    match role {
        Role::Rep => "Sales reps and advisers",
        Role::Manager => "Managers",
        Role::Designer => "Plan designers",
        Role::Compliance => "Compliance",
        Role::Admin => "Administrators",
        Role::Leadership => "Leadership",
    }
}

/// A division's display name.
pub fn division_name(division: Division) -> &'static str {
    match division {
        Division::Wealth => "Wealth",
        Division::AssetServicing => "Asset Servicing",
    }
}

/// "Title · Division · Team" for a persona.
pub fn persona_meta(p: &Persona) -> String {
    let mut parts = vec![p.title.clone()];
    if let Some(d) = p.division {
        parts.push(division_name(d).to_owned());
    }
    if let Some(t) = &p.team {
        parts.push(t.clone());
    }
    parts.join(" · ")
}

/// A persona and the lower-case text the filter searches.
#[derive(Clone, PartialEq)]
struct Entry {
    persona: Persona,
    haystack: String,
}

impl Entry {
    fn new(persona: Persona) -> Self {
        let haystack =
            format!("{} {} {} {}", persona.name, persona.person_id, persona_meta(&persona), persona.role.as_str())
                .to_lowercase();
        Entry { persona, haystack }
    }

    fn matches(&self, words: &[String]) -> bool {
        words.iter().all(|w| self.haystack.contains(w.as_str()))
    }
}

/// The sign-in page at `/`: the deployment's way of signing in.
#[component]
pub fn SignInPage() -> impl IntoView {
    document().set_title("Sign in · Plumbline");
    let mode = LocalResource::new(auth::load_mode);
    view! {
        <div class="page signin">
            <Suspense fallback=|| view! { <Loading label="Loading sign-in…"/> }>
                {move || Suspend::new(async move {
                    match mode.await {
                        Ok(Mode::Local) => view! { <PersonaSignIn/> }.into_any(),
                        Ok(Mode::Hosted(config)) => view! { <FirmSignIn config=config/> }.into_any(),
                        Err(error) => view! { <ErrorPanel error=error on_retry=move |_| mode.refetch()/> }.into_any(),
                    }
                })}
            </Suspense>
        </div>
    }
}

/// What the sign-in page says about the current session: a message left by signing out, or who
/// is already signed in.
#[component]
fn SessionNotices() -> impl IntoView {
    let session = use_session();
    view! {
        {move || session.notice().map(|notice| view! { <p class="notice" role="status">{notice}</p> })}
        {move || {
            session
                .get()
                .map(|s| {
                    view! {
                        <p class="notice">
                            "You are signed in as " <strong>{s.persona.name}</strong> ". "
                            <a href=crate::nav::home(s.persona.role)>"Go to your home page"</a>
                        </p>
                    }
                })
        }}
    }
}

/// Sign-in through the firm's identity provider (authorization code + PKCE, [`auth`]). The
/// provider sends people back to `/` with `code` and `state` (or `error`), handled here.
#[component]
fn FirmSignIn(config: HostedConfig) -> impl IntoView {
    let session = use_session();
    let config = StoredValue::new(config);
    let start = Action::new_local(move |_: &()| async move { auth::start(&config.get_value()).await });
    let finish = Action::new_local(move |(code, state): &(String, String)| {
        let (code, state) = (code.clone(), state.clone());
        async move { auth::finish(&config.get_value(), &code, &state).await }
    });

    // Is this page load the provider's answer?
    let refusal = use_query_map().with_untracked(|query| match (query.get("code"), query.get("error")) {
        (Some(code), _) => {
            finish.dispatch((code, query.get("state").unwrap_or_default()));
            None
        }
        (None, Some(error)) => Some(auth::provider_refusal(&error, query.get("error_description").as_deref())),
        (None, None) => None,
    });

    let navigate = use_navigate();
    Effect::new(move || {
        if let Some(Ok(signed_in)) = finish.value().get() {
            let home = crate::nav::home(signed_in.persona.role);
            session.sign_in(signed_in);
            // Replaces the answer's address, so the used code is not in the history.
            navigate(home, NavigateOptions { replace: true, ..Default::default() });
        }
    });
    let failure = move || {
        let finished = finish.value().get().and_then(Result::err);
        finished.or_else(|| start.value().get().and_then(Result::err)).or_else(|| refusal.clone())
    };
    // After a successful start the browser is on its way to the provider.
    let busy =
        move || start.pending().get() || finish.pending().get() || start.value().with(|v| matches!(v, Some(Ok(()))));

    view! {
        <header class="page-head">
            <h1>"Sign in"</h1>
            <p class="lede">
                "Plumbline uses your firm's sign-in page. You come back here once you are signed in, "
                "and see the views of your role."
            </p>
        </header>
        <SessionNotices/>
        {move || failure().map(|error| view! { <ErrorPanel error=error/> })}
        {move || {
            if busy() {
                view! { <Loading label="Signing you in…"/> }.into_any()
            } else {
                view! {
                    <p>
                        <button
                            type="button"
                            class="button primary"
                            data-testid="firm-sign-in"
                            on:click=move |_| {
                                start.dispatch(());
                            }
                        >
                            "Sign in with your firm account"
                        </button>
                    </p>
                }
                    .into_any()
            }
        }}
    }
}

/// Local demo mode: the development issuer signs in as any person picked from the list.
#[component]
fn PersonaSignIn() -> impl IntoView {
    let session = use_session();
    let personas = LocalResource::new(api::personas);
    let sign_in = Action::new_local(|person_id: &String| {
        let person_id = person_id.clone();
        async move { api::dev_token(&person_id).await }
    });

    // Who was chosen last: the busy row while signing in, and what "Try again" retries.
    let chosen = RwSignal::new(None::<String>);
    let start = Callback::new(move |person_id: String| {
        chosen.set(Some(person_id.clone()));
        sign_in.value().set(None);
        sign_in.dispatch(person_id);
    });
    let busy = Signal::derive(move || if sign_in.pending().get() { chosen.get() } else { None });

    // On success: store the session and go to the role's home page. On failure: the error shows above
    // the list, so bring it into view (the person clicked may be far down).
    let error_slot = NodeRef::<leptos::html::Div>::new();
    let navigate = use_navigate();
    Effect::new(move || match sign_in.value().get() {
        Some(Ok(token)) => {
            let home = crate::nav::home(token.persona.role);
            session.sign_in(Session::from(token));
            navigate(home, Default::default());
        }
        Some(Err(_)) => request_animation_frame(move || {
            if let Some(slot) = error_slot.get_untracked() {
                slot.scroll_into_view();
            }
        }),
        None => {}
    });

    view! {
        <header class="page-head">
            <h1>"Sign in"</h1>
            <p class="lede">
                "Demo mode: choose anyone in the firm to see Plumbline as they would. "
                "Each role sees its own views: reps their pay, managers their team, designers the plans."
            </p>
        </header>
        <SessionNotices/>
        <div class="error-slot" node_ref=error_slot>
                {move || {
                    sign_in
                        .value()
                        .get()
                        .and_then(Result::err)
                        .map(|error| {
                            let retry = move |_| {
                                if let Some(person_id) = chosen.get_untracked() {
                                    start.run(person_id);
                                }
                            };
                            view! { <ErrorPanel error=error on_retry=retry/> }
                        })
                }}
            </div>
            <Suspense fallback=|| view! { <Loading label="Loading people…"/> }>
                {move || Suspend::new(async move {
                    match personas.await {
                        Ok(list) => view! { <Directory personas=list start=start busy=busy/> }.into_any(),
                        Err(error) => {
                            view! { <ErrorPanel error=error on_retry=move |_| personas.refetch()/> }.into_any()
                        }
                    }
                })}
            </Suspense>
    }
}

/// The filterable list of people, grouped by role with reps first.
#[component]
fn Directory(
    personas: Vec<Persona>,
    /// Signs in as the given person.
    start: Callback<String>,
    /// The person being signed in as, while the request runs.
    busy: Signal<Option<String>>,
) -> impl IntoView {
    let total = personas.len();
    let entries: Vec<Entry> = personas.into_iter().map(Entry::new).collect();
    let entries = StoredValue::new(entries);
    let filter = RwSignal::new(String::new());
    let words =
        Memo::new(move |_| filter.with(|f| f.split_whitespace().map(str::to_lowercase).collect::<Vec<String>>()));
    let shown = Memo::new(move |_| {
        let words = words.get();
        entries.with_value(|all| all.iter().filter(|e| e.matches(&words)).cloned().collect::<Vec<Entry>>())
    });

    view! {
        <section class="directory" aria-labelledby="people-heading">
            <h2 id="people-heading" class="visually-hidden">"People"</h2>
            <div class="filter">
                <label for="person-filter">"Find a person"</label>
                <input
                    id="person-filter"
                    type="search"
                    autocomplete="off"
                    spellcheck="false"
                    placeholder="Name, title, team or id"
                    aria-describedby="filter-count"
                    prop:value=move || filter.get()
                    on:input=move |ev| filter.set(event_target_value(&ev))
                />
                <p id="filter-count" class="filter-count" aria-live="polite">
                    {move || {
                        let n = shown.with(Vec::len);
                        if n == total { format!("{total} people") } else { format!("{n} of {total} people") }
                    }}
                </p>
            </div>
            {move || {
                shown
                    .with(|list| {
                        if list.is_empty() {
                            return view! { <p class="empty">"Nobody matches that. Try a shorter search."</p> }
                                .into_any();
                        }
                        Role::ALL
                            .iter()
                            .filter_map(|role| {
                                let group: Vec<Entry> =
                                    list.iter().filter(|e| e.persona.role == *role).cloned().collect();
                                (!group.is_empty()).then(|| view! { <Group role=*role entries=group start=start busy=busy/> })
                            })
                            .collect_view()
                            .into_any()
                    })
            }}
        </section>
    }
}

/// One role's people.
#[component]
fn Group(role: Role, entries: Vec<Entry>, start: Callback<String>, busy: Signal<Option<String>>) -> impl IntoView {
    let heading_id = format!("group-{}", role.as_str());
    let labelled_by = heading_id.clone();
    let count = entries.len();
    view! {
        <section class="group" aria-labelledby=labelled_by>
            <h3 id=heading_id class="group-heading">
                {role_heading(role)} <span class="count">{count}</span>
            </h3>
            <ul class="people">
                {entries
                    .into_iter()
                    .map(|entry| {
                        let p = entry.persona;
                        let id = p.person_id.clone();
                        let id_for_click = id.clone();
                        let id_for_busy = id.clone();
                        let meta = persona_meta(&p);
                        let meta_title = meta.clone();
                        let is_busy = move || busy.with(|b| b.as_deref() == Some(id_for_busy.as_str()));
                        view! {
                            <li>
                                <button
                                    type="button"
                                    class="persona"
                                    data-testid=format!("persona-{id}")
                                    aria-busy=move || is_busy().then_some("true")
                                    disabled=move || busy.with(Option::is_some)
                                    on:click=move |_| {
                                        start.run(id_for_click.clone());
                                    }
                                >
                                    <span class="persona-name">{p.name.clone()}</span>
                                    <span class="persona-meta" title=meta_title>{meta}</span>
                                    <span class="persona-id">{id.clone()}</span>
                                </button>
                            </li>
                        }
                    })
                    .collect_view()}
            </ul>
        </section>
    }
}
