//! Performance reviews: at `/team/:person/review` a manager drafts a team member's review for
//! a period from what happened (results, behaviours, conduct, focus), edits each section and
//! saves it; saved reviews are listed with their version, and the manager can edit them again
//! with a reason. Saving and every edit are audited by the API. At `/review` a person reads
//! their own saved reviews. The period drafted is in the address (`?from=&to=`).

use crate::api::ReviewDraft;
use crate::api::{self, Error};
use crate::components::{ErrorPanel, Remote, load};
use crate::pages::coaching::{Evidence, record_href};
use crate::pages::{PageHead, SignedIn, subject};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use plumbline_coach::RecordRef;
use plumbline_firm::Role;
use plumbline_firm::api::{EditReviewRequest, ReviewSectionText, SaveReviewRequest, SavedReview};

/// What a save or an edit sends: the sections' texts and, for an edit, the reason.
type Submit = (Vec<ReviewSectionText>, String);
/// The save or edit request in flight.
type SaveAction = Action<Submit, Result<SavedReview, Error>>;

/// The review page.
#[component]
pub fn ReviewPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let person = subject(&session);
            let me = session.persona.person_id.clone();
            let is_manager = session.persona.role == Role::Manager;
            let token = session.token.clone();
            let saved = load(move || {
                let (token, person) = (token.clone(), person.get());
                async move { saved_with_names(&token, &person).await }
            });
            let token = session.token.clone();
            let who = load(move || {
                let (token, person) = (token.clone(), person.get());
                async move { api::person(&token, &person).await }
            });
            view! {
                <div class="page">
                    <Remote resource=who loading="Loading…" children=|p| view! {
                        <PageHead eyebrow="Performance review" title=p.name lede=p.title/>
                    }/>
                    {move || {
                        let p = person.get();
                        (is_manager && p != me).then(|| view! { <DraftPanel person=p on_saved=move || saved.refetch()/> })
                    }}
                    <section class="panel" aria-labelledby="saved-heading">
                        <h2 id="saved-heading">"Saved reviews"</h2>
                        <Remote resource=saved loading="Loading saved reviews…" children=move |(list, names)| view! {
                            <SavedReviews reviews=list names=names editable=is_manager on_saved=move || saved.refetch()/>
                        }/>
                    </section>
                </div>
            }
        }/>
    }
}

/// Person ids and the names to show for them.
type Names = Vec<(String, String)>;

/// A person's saved reviews and the names of whoever saved or edited them (an id stays an id
/// when the reader may not see that person, or they have left).
async fn saved_with_names(token: &str, person: &str) -> Result<(Vec<SavedReview>, Names), Error> {
    let reviews = api::reviews(token, person).await?;
    let mut names: Names = Vec::new();
    for id in reviews.iter().flat_map(|r| std::iter::once(&r.saved_by).chain(r.edited_by.as_ref())) {
        if names.iter().any(|(known, _)| known == id) {
            continue;
        }
        match api::person(token, id).await {
            Ok(p) => names.push((id.clone(), p.name)),
            Err(e) if e.is_unauthorized() => return Err(e),
            Err(_) => names.push((id.clone(), id.clone())),
        }
    }
    Ok((reviews, names))
}

/// The period chosen, the draft for it, and the editor.
#[component]
fn DraftPanel(person: String, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = use_session();
    let token = move || session.get_untracked().map(|s| s.token).unwrap_or_default();
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let (from0, to0) = query.with_untracked(|q| (q.get("from"), q.get("to")));
    let reload = from0.is_some() || to0.is_some();
    let from = RwSignal::new(from0.unwrap_or_default());
    let to = RwSignal::new(to0.unwrap_or_default());
    let draft_person = person.clone();
    let draft = Action::new_local(move |(f, t): &(String, String)| {
        let (token, person) = (token(), draft_person.clone());
        let (f, t) = (f.clone(), t.clone());
        async move {
            let some = |s: &str| (!s.is_empty()).then(|| s.to_owned());
            api::review_draft(&token, &person, some(&f).as_deref(), some(&t).as_deref()).await
        }
    });
    if reload {
        draft.dispatch((from.get_untracked(), to.get_untracked()));
    }
    // The period drafted goes into the address, so a reload drafts it again.
    Effect::new(move || {
        if let Some(Ok(d)) = draft.value().get() {
            let (f, t) = (d.period.from.to_string(), d.period.to.to_string());
            from.set(f.clone());
            to.set(t.clone());
            let mut q = query.get_untracked();
            q.replace("from", f);
            q.replace("to", t);
            let href = format!("{}{}", location.pathname.get_untracked(), q.to_query_string());
            navigate(&href, NavigateOptions { replace: true, scroll: false, ..Default::default() });
        }
    });
    view! {
        <section class="panel" aria-labelledby="draft-heading">
            <h2 id="draft-heading">"Draft a review"</h2>
            <p class="meta">"Drafted from the period's results, deals, activity and conduct. Edit any section, then save: the saved review and every later edit are in the audit log."</p>
            <form class="period-form" on:submit=move |ev| {
                ev.prevent_default();
                draft.dispatch((from.get_untracked(), to.get_untracked()));
            }>
                <div class="field">
                    <label for="review-from">"From"</label>
                    <input id="review-from" type="date" prop:value=move || from.get() on:input=move |ev| from.set(event_target_value(&ev))/>
                </div>
                <div class="field">
                    <label for="review-to">"To"</label>
                    <input id="review-to" type="date" prop:value=move || to.get() on:input=move |ev| to.set(event_target_value(&ev))/>
                </div>
                <p class="meta">"Leave both empty for 1 January to the firm's latest data."</p>
                <button type="submit" class="button" disabled=move || draft.pending().get()>
                    {move || if draft.pending().get() { "Drafting…" } else { "Draft review" }}
                </button>
            </form>
            {move || draft.value().get().map(|result| match result {
                Ok(d) => view! { <DraftEditor draft=d on_saved=on_saved/> }.into_any(),
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            })}
        </section>
    }
}

/// A drafted review's sections, editable, with the evidence of each, and "Save review".
#[component]
fn DraftEditor(draft: ReviewDraft, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = use_session();
    let ReviewDraft { person_id, period, sections, .. } = draft;
    let person = person_id.clone();
    let save: SaveAction = Action::new_local(move |(sections, _): &Submit| {
        let token = session.get_untracked().map(|s| s.token).unwrap_or_default();
        let request = SaveReviewRequest { from: period.from, to: period.to, sections: sections.clone() };
        let person = person.clone();
        async move { api::save_review(&token, &person, &request).await }
    });
    Effect::new(move || {
        if let Some(Ok(_)) = save.value().get() {
            on_saved();
        }
    });
    let rows = sections
        .into_iter()
        .map(|s| {
            let evidence = view! { <Evidence id=format!("review/{}", s.key) evidence=s.evidence subject=Some(person_id.clone())/> };
            (s.key, s.heading, s.text, Some(evidence.into_any()))
        })
        .collect();
    view! { <SectionsForm rows=rows id_prefix="draft".to_owned() reason=false submit="Save review" save=save/> }
}

/// One editable section: key, heading, text and what to show under it.
type Row = (String, String, String, Option<AnyView>);

/// Labelled text areas for the sections, an optional reason, the submit button and the outcome.
#[component]
fn SectionsForm(
    rows: Vec<Row>,
    id_prefix: String,
    reason: bool,
    submit: &'static str,
    save: SaveAction,
) -> impl IntoView {
    let texts: Vec<(String, RwSignal<String>)> =
        rows.iter().map(|(key, _, text, _)| (key.clone(), RwSignal::new(text.clone()))).collect();
    let why = RwSignal::new(String::new());
    let sections = StoredValue::new(texts.clone());
    let reason_id = format!("{id_prefix}-reason");
    view! {
        <form class="review-form" on:submit=move |ev| {
            ev.prevent_default();
            let texts = sections.with_value(|t| {
                t.iter().map(|(key, text)| ReviewSectionText { key: key.clone(), text: text.get_untracked() }).collect()
            });
            save.dispatch((texts, why.get_untracked()));
        }>
            {rows.into_iter().zip(texts).map(|((key, heading, _, below), (_, text))| {
                let id = format!("{id_prefix}-{key}");
                view! {
                    <div class="field">
                        <label for=id.clone()>{heading}</label>
                        <textarea id=id rows="6" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    {below}
                }
            }).collect_view()}
            {reason.then(|| view! {
                <div class="field">
                    <label for=reason_id.clone()>"Why it changes (for the audit log)"</label>
                    <input id=reason_id.clone() type="text" prop:value=move || why.get() on:input=move |ev| why.set(event_target_value(&ev))/>
                </div>
            })}
            <button type="submit" class="button primary" disabled=move || save.pending().get()>
                {move || if save.pending().get() { "Saving…" } else { submit }}
            </button>
            <div aria-live="polite">
                {move || save.value().get().map(|r| match r {
                    Ok(saved) => view! {
                        <p class="notice ok" role="status" data-testid="review-saved" data-review=saved.id.clone()>
                            "Saved review " <code>{saved.id.clone()}</code> ", version " {saved.version} "."
                        </p>
                    }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                })}
            </div>
        </form>
    }
}

/// Saved reviews, newest first, each with its sections and the records they rest on; a
/// manager can edit one (with a reason).
#[component]
fn SavedReviews(
    reviews: Vec<SavedReview>,
    names: Names,
    editable: bool,
    on_saved: impl Fn() + Copy + Send + Sync + 'static,
) -> impl IntoView {
    if reviews.is_empty() {
        return view! { <p class="empty">"No saved reviews yet."</p> }.into_any();
    }
    let me = use_session().get_untracked().map(|s| s.persona.person_id).unwrap_or_default();
    let mut reviews = reviews;
    reviews.sort_by(|a, b| b.saved_at.cmp(&a.saved_at).then_with(|| b.id.cmp(&a.id)));
    reviews
        .into_iter()
        .map(|r| {
            let name = |id: &str| names.iter().find(|(known, _)| known == id).map_or(id, |(_, n)| n.as_str()).to_owned();
            let saved_by = name(&r.saved_by);
            let edited = r.edited_by.as_deref().map(|by| format!(", edited by {} at {}", name(by), r.edited_at.clone().unwrap_or_default()));
            let sections = r.sections.iter().map(|s| {
                let links = s.records.iter().filter_map(|text| {
                    let (kind, id) = text.split_once(':')?;
                    let kind = serde_json::from_value(serde_json::Value::String(kind.to_owned())).ok()?;
                    let href = record_href(&RecordRef::new(kind, id), Some(&r.person_id), &me)?;
                    Some(view! { <a class="record" href=href>{id.to_owned()}</a> })
                }).collect_view();
                view! {
                    <h4>{s.heading.clone()} {(s.text != s.drafted).then_some(" (edited from the draft)")}</h4>
                    <p class="review-text" data-section=s.key.clone()>{s.text.clone()}</p>
                    {(!s.records.is_empty()).then(|| view! { <p class="meta">"Rests on: " {links}</p> })}
                }
            }).collect_view();
            view! {
                <article class="saved-review" data-testid="saved-review" data-review=r.id.clone() data-version=r.version.to_string()>
                    <h3>{format!("{} to {}", r.from, r.to)} " · version " {r.version}</h3>
                    <p class="meta" data-testid="saved-by">"Saved by " {saved_by} " at " {r.saved_at.clone()} {edited}</p>
                    {sections}
                    {editable.then(|| view! { <EditSaved review=r.clone() on_saved=on_saved/> })}
                </article>
            }
        })
        .collect_view()
        .into_any()
}

/// "Edit this review": the saved texts in the same form, with a reason, sent with the version
/// read so a concurrent edit is refused rather than overwritten.
#[component]
fn EditSaved(review: SavedReview, on_saved: impl Fn() + Copy + Send + Sync + 'static) -> impl IntoView {
    let session = use_session();
    let SavedReview { id, person_id, version, sections, .. } = review;
    let prefix = format!("edit-{id}");
    let save: SaveAction = Action::new_local(move |(sections, reason): &Submit| {
        let token = session.get_untracked().map(|s| s.token).unwrap_or_default();
        let request = EditReviewRequest { version, sections: sections.clone(), reason: reason.clone() };
        let (person, id) = (person_id.clone(), id.clone());
        async move { api::edit_review(&token, &person, &id, &request).await }
    });
    Effect::new(move || {
        if let Some(Ok(_)) = save.value().get() {
            on_saved();
        }
    });
    let rows = sections.into_iter().map(|s| (s.key, s.heading, s.text, None)).collect();
    view! {
        <details class="more">
            <summary>"Edit this review"</summary>
            <SectionsForm rows=rows id_prefix=prefix reason=true submit="Save changes" save=save/>
        </details>
    }
}
