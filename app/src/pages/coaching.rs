//! Coaching messages and the evidence behind each: every message opens to its numbers and
//! links to the records they came from. An open message is in the address (`?finding=<id>`),
//! so a link or a reload opens it again. Also the pipeline view the opportunity links land on.

use crate::api::FactValue;
use crate::api::{self, CoachText};
use crate::components::{Cell, DataTable, Remote, Row};
use crate::pages::{PageHead, SignedIn};
use crate::session::use_session;
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::hooks::{use_location, use_navigate, use_query_map};
use plumbline_coach::{RecordKind, RecordRef};
use plumbline_firm::records::{Opportunity, Stage};

/// Coaching messages as a list, each marked when a model worded it, each with its evidence.
#[component]
pub fn Messages(messages: Vec<CoachText>, empty: &'static str) -> impl IntoView {
    if messages.is_empty() {
        return view! { <p class="empty">{empty}</p> }.into_any();
    }
    view! {
        <ul class="nudges" data-testid="coach-messages">
            {messages.into_iter().map(|m| {
                let subject = m.finding.subject.map(|s| s.person_id);
                let finding = m.finding.id.clone();
                view! {
                    <li data-finding=finding>
                        {m.text} {(m.source == "model").then(|| view! { <span class="meta">" (worded by a model)"</span> })}
                        <Evidence id=m.finding.id evidence=m.finding.evidence subject=subject/>
                    </li>
                }
            }).collect_view()}
        </ul>
    }
    .into_any()
}

/// An expander with what a message rests on: each number with its label, and links to the
/// records. It is open when the address's `finding` is `id`; opening or closing it updates the
/// address without a new history entry.
#[component]
pub fn Evidence(
    /// The finding's (or review section's) id.
    id: String,
    /// The numbers and records.
    evidence: api::Evidence,
    /// The person the finding is about, if any: opportunity links open their pipeline.
    subject: Option<String>,
) -> impl IntoView {
    let query = use_query_map();
    let location = use_location();
    let navigate = use_navigate();
    let me = use_session().get_untracked().map(|s| s.persona.person_id).unwrap_or_default();
    let anchor = format!("finding-{}", id.replace(|c: char| !c.is_ascii_alphanumeric(), "-"));
    let open = {
        let id = id.clone();
        Memo::new(move |_| query.with(|q| q.get_str("finding") == Some(id.as_str())))
    };
    // Opened from a link: bring it into view once it is on the page.
    if open.get_untracked() {
        let anchor = anchor.clone();
        request_animation_frame(move || {
            if let Some(el) = document().get_element_by_id(&anchor) {
                el.scroll_into_view();
            }
        });
    }
    let on_toggle = move |ev: leptos::ev::Event| {
        let now_open = event_target::<web_sys::Element>(&ev).has_attribute("open");
        if now_open == open.get_untracked() {
            return;
        }
        let mut q = query.get_untracked();
        if now_open {
            q.replace("finding", id.clone());
        } else {
            q.remove("finding");
        }
        let href = format!("{}{}", location.pathname.get_untracked(), q.to_query_string());
        navigate(&href, NavigateOptions { replace: true, scroll: false, ..Default::default() });
    };
    let records = evidence.records;
    view! {
        <details class="more evidence" id=anchor prop:open=move || open.get() on:toggle=on_toggle>
            <summary>"Evidence"</summary>
            <dl class="facts">
                {evidence.facts.into_iter().map(|f| view! {
                    <div data-testid="evidence-fact" data-key=f.key data-value=f.value.raw()>
                        <dt>{f.label}</dt>
                        <dd>{shown(&f.key, &f.value)}</dd>
                    </div>
                }).collect_view()}
            </dl>
            {(!records.is_empty()).then(|| view! {
                <p class="meta">"From: "
                    {records.iter().map(|r| {
                        let label = format!("{} {}", kind_label(r.kind), r.id);
                        match record_href(r, subject.as_deref(), &me) {
                            Some(href) => view! { <a class="record" href=href>{label}</a> }.into_any(),
                            None => view! { <span class="record">{label}</span> }.into_any(),
                        }
                    }).collect_view()}
                </p>
            })}
        </details>
    }
}

/// A fact as the reader sees it; a stage the pipeline engine names `ClosedWon` reads
/// "Closed won".
fn shown(key: &str, value: &FactValue) -> String {
    match &value.value {
        api::Raw::Text(t) if key == "stage" => {
            let mut out = String::with_capacity(t.len() + 2);
            for (i, c) in t.chars().enumerate() {
                if i > 0 && c.is_uppercase() {
                    out.push(' ');
                    out.extend(c.to_lowercase());
                } else {
                    out.push(c);
                }
            }
            out
        }
        _ => value.display(),
    }
}

fn kind_label(kind: RecordKind) -> &'static str {
    match kind {
        RecordKind::Opportunity => "Opportunity",
        RecordKind::Client => "Client",
        RecordKind::Person => "Person",
        RecordKind::Statement => "Statement",
        RecordKind::ConductEvent => "Conduct event",
        RecordKind::Transaction => "Transaction",
    }
}

/// Where the app shows a record: a person's performance page, a statement for its period, an
/// opportunity or a client's deals in the pipeline view (the subject's pipeline when the
/// finding is about a person), a person's conduct events. `me` is the signed-in person, whose
/// own pages have no `/team/` prefix. `None` for records the app has no page for.
pub fn record_href(record: &RecordRef, subject: Option<&str>, me: &str) -> Option<String> {
    let seg = api::path_segment;
    let page = |person: &str, page: &str| {
        if person == me { format!("/{page}") } else { format!("/team/{}/{page}", seg(person)) }
    };
    let owner = subject.map(|s| format!("owner={}&", seg(s))).unwrap_or_default();
    match record.kind {
        RecordKind::Person => Some(page(&record.id, "performance")),
        RecordKind::Statement => {
            let (person, period) = record.id.split_once('/')?;
            Some(format!("{}?period={}", page(person, "statement"), seg(period)))
        }
        RecordKind::Opportunity => Some(format!("/pipeline?{owner}deal={}", seg(&record.id))),
        RecordKind::Client => Some(format!("/pipeline?{owner}client={}", seg(&record.id))),
        RecordKind::ConductEvent => subject.map(|s| format!("/conduct?person={}", seg(s))),
        RecordKind::Transaction => None,
    }
}

/// A pipeline stage as people write it.
pub fn stage_label(stage: Stage) -> &'static str {
    match stage {
        Stage::Prospecting => "Prospecting",
        Stage::Qualification => "Qualification",
        Stage::Proposal => "Proposal",
        Stage::Negotiation => "Negotiation",
        Stage::ClosedWon => "Closed won",
        Stage::ClosedLost => "Closed lost",
    }
}

/// Most rows the pipeline view lists (largest amounts first).
const PIPELINE_ROWS: usize = 200;

/// The pipeline view at `/pipeline`: one owner's deals, open and closed (`?owner=`), else the
/// open deals the caller may see; narrowed to a client (`?client=`), or to the account of
/// `?deal=` when no owner is given; the `deal` row is marked and scrolled to.
#[component]
pub fn PipelinePage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let query = use_query_map();
            let token = session.token.clone();
            let params = Memo::new(move |_| query.with(|q| (q.get("owner"), q.get("client"), q.get("deal"))));
            let data = LocalResource::new(move || {
                let token = token.clone();
                let (owner, _, _) = params.get();
                async move {
                    match owner {
                        Some(owner) => api::owner_pipeline(&token, &owner).await,
                        None => api::open_pipeline(&token).await,
                    }
                }
            });
            view! {
                <div class="page">
                    <PageHead eyebrow="Pipeline" title="Pipeline" lede="Opportunities with their stage, amount, expected close date and the owner's stated probability."/>
                    <Remote resource=data loading="Loading the pipeline…" children=move |opps| {
                        let (owner, client, deal) = params.get_untracked();
                        view! { <PipelineTable opps=opps owner=owner client=client deal=deal/> }
                    }/>
                </div>
            }
        }/>
    }
}

#[component]
fn PipelineTable(
    opps: Vec<Opportunity>,
    owner: Option<String>,
    client: Option<String>,
    deal: Option<String>,
) -> impl IntoView {
    let client = client.or_else(|| match owner {
        Some(_) => None,
        None => opps.iter().find(|o| Some(&o.id) == deal.as_ref()).map(|o| o.client_id.clone()),
    });
    let mut shown: Vec<Opportunity> =
        opps.into_iter().filter(|o| client.as_ref().is_none_or(|c| *c == o.client_id)).collect();
    shown.sort_by(|a, b| b.stage.is_open().cmp(&a.stage.is_open()).then(b.amount.cmp(&a.amount)));
    let total = shown.len();
    shown.truncate(PIPELINE_ROWS);
    let found = deal.as_ref().is_none_or(|d| shown.iter().any(|o| o.id == *d));
    let scope = match (&owner, &client) {
        (Some(o), Some(c)) => format!("{o}'s deals with client {c}"),
        (Some(o), None) => format!("{o}'s deals, open first"),
        (None, Some(c)) => format!("Open deals with client {c}"),
        (None, None) => "Open deals you can see".to_owned(),
    };
    if deal.is_some() {
        request_animation_frame(|| {
            if let Some(row) = document().query_selector("tr[aria-current]").ok().flatten() {
                row.scroll_into_view();
            }
        });
    }
    view! {
        <section class="panel">
            <h2>{scope}</h2>
            {(total > PIPELINE_ROWS).then(|| view! { <p class="meta">"Showing the " {PIPELINE_ROWS} " largest of " {total} "."</p> })}
            {(!found).then(|| view! {
                <p class="notice">"Opportunity " {deal.clone()} " is not among these deals: it may have closed, or it is not yours to see."</p>
            })}
            <DataTable caption="Opportunities" headers=vec!["Opportunity", "Client", "Owner", "Stage", "#Amount", "Close date", "#Stated probability"]
                rows=shown.into_iter().map(|o| {
                    let row = Row::new(vec![
                        Cell::text(o.name).aside(o.id.clone()),
                        Cell::text(o.client_id),
                        Cell::text(o.owner_id),
                        Cell::text(stage_label(o.stage)),
                        Cell::money(o.amount, &o.currency),
                        Cell::text(o.close_date.to_string()),
                        Cell::num(format!("{}%", o.probability)),
                    ]);
                    let row = if deal.as_ref() == Some(&o.id) { row.attr("class", "current").attr("aria-current", "true") } else { row };
                    row.attr("data-testid", "pipeline-row").attr("data-deal", o.id)
                }).collect()/>
        </section>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn records_link_to_the_pages_that_show_them() {
        let r = |kind, id: &str| RecordRef::new(kind, id);
        let href = |rec: &RecordRef, subject: Option<&str>| record_href(rec, subject, "P1");
        assert_eq!(
            href(&r(RecordKind::Statement, "P2/2026-11"), Some("P2")).unwrap(),
            "/team/P2/statement?period=2026-11"
        );
        assert_eq!(href(&r(RecordKind::Statement, "P1/2026-11"), Some("P1")).unwrap(), "/statement?period=2026-11");
        assert_eq!(href(&r(RecordKind::Person, "P2"), None).unwrap(), "/team/P2/performance");
        assert_eq!(href(&r(RecordKind::Opportunity, "O 1"), Some("P2")).unwrap(), "/pipeline?owner=P2&deal=O%201");
        assert_eq!(href(&r(RecordKind::Opportunity, "O1"), None).unwrap(), "/pipeline?deal=O1");
        assert_eq!(href(&r(RecordKind::Client, "C1"), None).unwrap(), "/pipeline?client=C1");
        assert_eq!(href(&r(RecordKind::ConductEvent, "E1"), Some("P2")).unwrap(), "/conduct?person=P2");
        assert_eq!(href(&r(RecordKind::ConductEvent, "E1"), None), None);
        assert_eq!(href(&r(RecordKind::Statement, "no-period"), None), None);
    }

    #[test]
    fn stages_read_as_words() {
        assert_eq!(stage_label(Stage::ClosedWon), "Closed won");
        let text = |t: &str| FactValue { unit: "text".into(), value: api::Raw::Text(t.into()) };
        assert_eq!(shown("stage", &text("ClosedLost")), "Closed lost");
        assert_eq!(shown("stage", &text("Proposal")), "Proposal");
        assert_eq!(shown("note", &text("KeepMe")), "KeepMe");
    }
}
