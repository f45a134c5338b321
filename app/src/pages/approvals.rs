//! The approvals queue at `/approvals`: proposals waiting on the caller with their simulated
//! cost, approve or reject with a comment; and recently decided ones.

use crate::api;
use crate::api::{Change, Names, Proposal, name_of};
use crate::components::{Cell, ErrorPanel, Facts, Remote, load};
use crate::pages::{PageHead, SignedIn};
use crate::session::Session;
use leptos::prelude::*;
use plumbline_engine::Currency;
use plumbline_engine::format::money;
use plumbline_firm::api::DecisionRequest;
use plumbline_firm::workflow::ProposalStatus;

/// The approvals page.
#[component]
pub fn ApprovalsPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let list = load(move || {
                let token = token.clone();
                async move { api::approvals(&token, false).await }
            });
            let session = StoredValue::new(session);
            view! {
                <div class="page">
                    <PageHead
                        eyebrow="Approvals"
                        title="Approvals"
                        lede="Changes to plans, quotas and pay wait here for each step of their approval chain. The simulated cost comes from the engine when the change was proposed."
                    />
                    <Remote resource=list loading="Loading proposals…" children={move |(items, names)| {
                        view! { <Queue items=items names=names session=session.get_value() on_decided=Callback::new(move |_| list.refetch())/> }
                    }}/>
                </div>
            }
        }/>
    }
}

#[component]
fn Queue(items: Vec<Proposal>, names: Names, session: Session, on_decided: Callback<()>) -> impl IntoView {
    let role = session.persona.role;
    let me = session.persona.person_id.clone();
    let (waiting, rest): (Vec<Proposal>, Vec<Proposal>) = items.into_iter().partition(|p| {
        p.current_step().is_some_and(|s| s.roles.contains(&role))
            && p.proposed_by != me
            && p.decisions.iter().all(|d| d.by != me)
    });
    let waiting_count = waiting.len();
    let token = StoredValue::new(session.token);
    let names = StoredValue::new(names);
    view! {
        <section aria-labelledby="waiting-heading">
            <h2 id="waiting-heading" class="section-heading">"Waiting on you (" {waiting_count} ")"</h2>
            {if waiting.is_empty() {
                view! { <p class="panel empty">"Nothing is waiting on you."</p> }.into_any()
            } else {
                waiting.into_iter().map(|p| view! { <ProposalCard proposal=p names=names.get_value() decide=Some((token.get_value(), on_decided))/> }).collect_view().into_any()
            }}
        </section>
        <section aria-labelledby="other-heading">
            <h2 id="other-heading" class="section-heading">"Other proposals"</h2>
            {if rest.is_empty() {
                view! { <p class="panel empty">"No other proposals."</p> }.into_any()
            } else {
                rest.into_iter().map(|p| view! { <ProposalCard proposal=p names=names.get_value() decide=None/> }).collect_view().into_any()
            }}
        </section>
    }
}

/// What a change does, in a sentence, naming people by `names`.
pub fn change_summary(change: &Change, names: &Names) -> String {
    let text = |v: &Option<String>| v.clone().unwrap_or_default();
    let person = name_of(names, &text(&change.person_id));
    let year = change.year_start.map(|d| d.to_string()).unwrap_or_default();
    let amount = change.amount.map(|a| a.to_string()).unwrap_or_default();
    let basis = text(&change.basis);
    match (change.kind.as_str(), &change.plan) {
        ("plan_version", Some(plan)) => format!("New version {} of plan “{}” ({})", plan.version, plan.name, plan.id),
        ("quota_change", _) => format!("Quota of {person} for the year from {year}: {amount}"),
        ("manual_adjustment", _) => {
            format!("Adjustment of {amount} to {person}'s {} for {}", text(&change.component_id), text(&change.period))
        }
        ("quota_allocation", _) => format!("Quotas of {} sellers for the year from {year}: {basis}", change.quotas),
        ("territory_map", _) => format!("{} accounts change owner for the year from {year}: {basis}", change.moves),
        (other, _) => format!("A change of kind {other}"),
    }
}

fn status_label(status: ProposalStatus) -> &'static str {
    match status {
        ProposalStatus::Pending => "Pending",
        ProposalStatus::Approved => "Approved",
        ProposalStatus::Rejected => "Rejected",
    }
}

/// One proposal; with `decide`, the approve/reject form.
#[component]
fn ProposalCard(proposal: Proposal, names: Names, decide: Option<(String, Callback<()>)>) -> impl IntoView {
    let id = proposal.id.clone();
    let data_id = id.clone();
    let heading = format!("proposal-{id}");
    let labelled = heading.clone();
    let steps = proposal.steps.len();
    let done = proposal.decisions.len();
    view! {
        <article class="panel proposal" data-testid="proposal" data-proposal=data_id aria-labelledby=labelled>
            <header class="line-head">
                <div class="line-title">
                    <h3 id=heading>{change_summary(&proposal.change, &names)}</h3>
                    <p class="rule">"Proposed by " {name_of(&names, &proposal.proposed_by)} " · " {proposal.reason.clone()}</p>
                </div>
                <p class="badge">{status_label(proposal.status)} {(proposal.status == ProposalStatus::Pending).then(|| format!(" · step {} of {steps}", (done + 1).min(steps)))}</p>
            </header>
            {proposal.cost_impact.clone().map(|c| {
                let currency = Currency::new(&c.currency);
                let items = vec![
                    ("Pay before".to_owned(), Cell::text(money(c.before, &currency))),
                    ("Pay after".to_owned(), Cell::text(money(c.after, &currency))),
                    ("Cost of the change".to_owned(), Cell::text(money(c.delta, &currency)).attr("data-amount", c.delta.to_string())),
                    ("Basis".to_owned(), Cell::text(format!("{} ({} payees)", c.basis, c.payees))),
                ];
                view! { <Facts attrs=vec![("data-testid", "cost-impact".into())] items=items/> }
            })}
            {(!proposal.decisions.is_empty()).then(|| view! {
                <ul class="conditions">
                    {proposal.decisions.iter().map(|d| view! {
                        <li>{if d.approve { "Approved" } else { "Rejected" }} " by " {name_of(&names, &d.by)} " (" {d.role.as_str()} ")"
                            {(!d.comment.is_empty()).then(|| format!(": “{}”", d.comment))}</li>
                    }).collect_view()}
                </ul>
            })}
            {decide.map(|(token, done)| view! { <DecisionForm proposal_id=id token=token on_done=done/> })}
        </article>
    }
}

#[component]
fn DecisionForm(proposal_id: String, token: String, on_done: Callback<()>) -> impl IntoView {
    let comment = RwSignal::new(String::new());
    let field_id = format!("comment-{proposal_id}");
    let send = Action::new_local(move |approve: &bool| {
        let request = DecisionRequest { approve: *approve, comment: comment.get_untracked() };
        let token = token.clone();
        let id = proposal_id.clone();
        async move { api::decide(&token, &id, &request).await }
    });
    let rejecting_without_comment = RwSignal::new(false);
    Effect::new(move || {
        if let Some(Ok(_)) = send.value().get() {
            on_done.run(());
        }
    });
    let click = move |approve: bool| {
        if !approve && comment.with_untracked(|c| c.trim().is_empty()) {
            rejecting_without_comment.set(true);
            return;
        }
        rejecting_without_comment.set(false);
        send.dispatch(approve);
    };
    let label_for = field_id.clone();
    view! {
        <div class="decision">
            <div class="field">
                <label for=label_for>"Comment (required to reject)"</label>
                <textarea id=field_id rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                <p class="field-error" aria-live="polite">
                    {move || rejecting_without_comment.get().then_some("Say why you are rejecting it.")}
                </p>
            </div>
            <div class="actions">
                <button type="button" class="button primary" disabled=move || send.pending().get() on:click=move |_| click(true)>"Approve"</button>
                <button type="button" class="button" disabled=move || send.pending().get() on:click=move |_| click(false)>"Reject"</button>
            </div>
            {move || send.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
        </div>
    }
}
