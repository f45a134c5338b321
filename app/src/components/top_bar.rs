use crate::nav;
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::hooks::{use_location, use_navigate};

/// The app's header: brand, the role's navigation, the signed-in person and "Sign out".
#[component]
pub fn TopBar() -> impl IntoView {
    let session = use_session();
    let navigate = use_navigate();
    let sign_out = move |_| {
        session.sign_out(None);
        navigate("/", Default::default());
    };
    view! {
        <header class="topbar" class:signed-in=move || session.is_signed_in()>
            <div class="topbar-inner">
                <a class="brand" href=move || session.get().map_or("/", |s| nav::home(s.persona.role))>
                    <BrandMark/>
                    <span>"Plumbline"</span>
                </a>
                <RoleNav/>
                {move || session.get().map(|s| {
                    let sign_out = sign_out.clone();
                    view! {
                        <div class="who">
                            <span class="who-text">
                                <span class="who-name">{s.persona.name.clone()}</span>
                                <span class="who-title">{s.persona.title.clone()}</span>
                            </span>
                            <button type="button" class="button quiet" on:click=sign_out>"Sign out"</button>
                        </div>
                    }
                })}
            </div>
        </header>
    }
}

/// The signed-in role's links; the current one is marked for screen readers and styling.
#[component]
fn RoleNav() -> impl IntoView {
    let session = use_session();
    let location = use_location();
    move || {
        session.get().map(|s| {
            let links = nav::links(s.persona.role);
            view! {
                <nav class="rolenav" aria-label="Main">
                    <ul>
                        {links
                            .iter()
                            .map(|(href, label)| {
                                let current = move || {
                                    location.pathname.with(|p| nav::is_current(p, href)).then_some("page")
                                };
                                view! {
                                    <li>
                                        <a href=*href aria-current=current>{*label}</a>
                                    </li>
                                }
                            })
                            .collect_view()}
                    </ul>
                </nav>
            }
        })
    }
}

/// The plumb-bob mark (same drawing as `public/favicon.svg`), inline so it costs no request.
#[component]
fn BrandMark() -> impl IntoView {
    view! {
        <svg class="brand-mark" viewBox="0 0 32 32" width="28" height="28" aria-hidden="true" focusable="false">
            <rect width="32" height="32" rx="7" fill="#12355b"></rect>
            <path d="M16 3.5v6" stroke="#dce6f0" stroke-width="1.8" stroke-linecap="round"></path>
            <rect x="12.5" y="9.5" width="7" height="3" rx="1" fill="#e3b55b"></rect>
            <path d="M9.5 13.5h13L16 28.5z" fill="#e3b55b"></path>
        </svg>
    }
}
