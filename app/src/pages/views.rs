//! Manager, leadership, compliance and admin views: team, disputes, forecast, conduct, audit
//! log, imports, people. Each reads the API through [`crate::api`] and shows its loading and
//! error states through [`Remote`].

use crate::api;
use crate::api::Dispute;
use crate::api::{ImportJob, ImportStep, Rejection};
use crate::components::charts::{Band, Bar, BarChart, LineChart, Series, compact, percent_label};
use crate::components::{Cell, DataTable, ErrorPanel, Facts, Remote, Row, load};
use crate::insight;
use crate::pages::coaching::Messages;
use crate::pages::{PageHead, SignedIn};
use chrono::Datelike;
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_query_map};
use plumbline_engine::Currency;
use plumbline_firm::Role;
use plumbline_firm::api::{ImportUpload, OrgNode, PersonView, ProposalRequest, ResolveRequest};
use plumbline_firm::imports::{ImportKind, ImportReport};
use plumbline_firm::oversight::{ConductEventView, PersonHygiene};
use plumbline_firm::records::{ComplianceKind, Opportunity, Severity};
use plumbline_firm::workflow::{DisputeStatus, ProposedChange};
use rust_decimal::Decimal;

/// One team member's row: attainment and pay from their statement, open pipeline.
#[derive(Debug, Clone, PartialEq)]
struct MemberRow {
    node: OrgNode,
    attainment: Option<Decimal>,
    earned: Decimal,
    currency: Currency,
    open_pipeline: Decimal,
    remaining_quota: Option<Decimal>,
    problem: Option<String>,
}

/// Each seller's hygiene flags once loaded, or why they could not be.
type TeamHygiene = RwSignal<Option<Result<Vec<PersonHygiene>, String>>>;

impl MemberRow {
    /// Open pipeline over the quota still to make; `None` when the quota is made or unknown.
    fn coverage(&self) -> Option<Decimal> {
        self.remaining_quota.filter(|r| *r > Decimal::ZERO).map(|r| self.open_pipeline / r)
    }

    /// A plain risk reading: behind pace with thin cover is at risk.
    fn risk(&self, pace: Decimal) -> &'static str {
        match (self.attainment, self.coverage()) {
            (None, _) => "Unknown",
            (Some(a), _) if a >= pace => "On pace",
            (Some(_), Some(c)) if c >= Decimal::from(3) => "Behind, well covered",
            (Some(_), _) => "At risk",
        }
    }
}

/// The team page: everyone below the caller (or a chosen team for leadership).
#[component]
pub fn TeamPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let itoken = session.token.clone();
            let hygiene: TeamHygiene = RwSignal::new(None);
            let interventions = load(move || {
                let token = itoken.clone();
                async move {
                    let messages = api::interventions(&token).await;
                    // The flags come from the analysis the interventions just had the server
                    // prepare: asked for at the same time, the server would prepare it twice.
                    let flags = match &messages {
                        Ok(_) => api::hygiene(&token).await.map(|h| h.people).map_err(|e| e.message()),
                        Err(e) => Err(e.message()),
                    };
                    hygiene.set(Some(flags));
                    messages
                }
            });
            let me = session.persona.person_id.clone();
            let rows = load(move || {
                let token = token.clone();
                let me = me.clone();
                async move { team_rows(&token, &me).await }
            });
            view! {
                <div class="page">
                    <PageHead eyebrow="Team" title="Your team" lede="Attainment and pay from each person's statement, open pipeline from the CRM, and how well it covers the quota still to make."/>
                    <section class="panel" aria-labelledby="interventions-heading">
                        <h2 id="interventions-heading">"This week's interventions"</h2>
                        <Remote resource=interventions loading="Loading interventions…" children=|m| view! { <Messages messages=m empty="Nobody needs an intervention this week."/> }/>
                    </section>
                    <Remote resource=rows loading="Loading the team's statements…" children=move |(rows, pace)| view! { <TeamTable rows=rows pace=pace hygiene=hygiene/> }/>
                </div>
            }
        }/>
    }
}

/// The reps below `me` (everyone the caller may see when `me` manages nobody), with their
/// statements and open pipeline; and the pace (share of the year elapsed).
async fn team_rows(token: &str, me: &str) -> Result<(Vec<MemberRow>, Decimal), api::Error> {
    let org = api::org(token).await?;
    let below = subtree(&org.people, me);
    let reps: Vec<OrgNode> = org
        .people
        .iter()
        .filter(|n| n.role == Role::Rep && (below.is_empty() || below.contains(&n.person_id)))
        .take(60)
        .cloned()
        .collect();
    let pipeline = api::open_pipeline(token).await?;
    let mut pace = Decimal::ZERO;
    let mut rows = Vec::new();
    for node in reps {
        let open: Decimal = pipeline.iter().filter(|o| o.owner_id == node.person_id).map(|o| o.amount).sum();
        match api::statement(token, &node.person_id, None).await {
            Ok(r) => {
                let s = r.statement;
                let main = insight::main_line(&s);
                pace = Decimal::from(insight::months_elapsed(s.year_start, &s.period)) / Decimal::from(12);
                rows.push(MemberRow {
                    attainment: main.and_then(|l| l.attainment),
                    remaining_quota: main.and_then(|l| l.quota.map(|q| q - l.measure_ytd)),
                    earned: insight::earned_to_date(&s),
                    currency: s.currency.clone(),
                    open_pipeline: open,
                    problem: None,
                    node,
                });
            }
            Err(e) if e.is_unauthorized() => return Err(e),
            Err(e) => rows.push(MemberRow {
                attainment: None,
                remaining_quota: None,
                earned: Decimal::ZERO,
                currency: Currency::new("GBP"),
                open_pipeline: open,
                problem: Some(e.message()),
                node,
            }),
        }
    }
    Ok((rows, pace))
}

/// Ids of everyone reporting (directly or not) to `me`.
fn subtree(people: &[OrgNode], me: &str) -> Vec<String> {
    let mut out = Vec::new();
    let mut frontier = vec![me.to_owned()];
    while let Some(id) = frontier.pop() {
        for n in people.iter().filter(|n| n.manager_id.as_deref() == Some(id.as_str())) {
            out.push(n.person_id.clone());
            frontier.push(n.person_id.clone());
        }
    }
    out
}

#[component]
fn TeamTable(rows: Vec<MemberRow>, pace: Decimal, hygiene: TeamHygiene) -> impl IntoView {
    if rows.is_empty() {
        return view! { <p class="panel empty">"Nobody reports to you with a sales plan."</p> }.into_any();
    }
    let bars: Vec<Bar> =
        rows.iter().filter_map(|r| r.attainment.map(|a| Bar { label: initials(&r.node.name), value: a })).collect();
    view! {
        <section class="panel">
            <BarChart title="Attainment of quota by person" x_label="Person (initials)" y_label="Attainment" bars=bars y_format=percent_label/>
            <p class="meta">"Pace: " {percent_label(pace)} " of the plan year has passed."</p>
        </section>
        <section class="panel">
            <DataTable caption="Team members" headers=vec!["Name", "#Attainment", "#Earned this year", "#Open pipeline", "#Coverage", "Risk", "Hygiene flags"]
                rows=rows.into_iter().map(|r| team_row(r, pace, hygiene)).collect()/>
        </section>
    }
    .into_any()
}

fn team_row(r: MemberRow, pace: Decimal, hygiene: TeamHygiene) -> Row {
    let id = r.node.person_id.clone();
    let risk = r.risk(pace);
    let coverage = r.coverage().map_or_else(|| "—".to_owned(), |c| format!("{}x", c.round_dp(1)));
    let flags = move || {
        let mine = hygiene.get().map(|all| all.map(|all| all.into_iter().find(|h| h.person_id == id)));
        view! { <HygieneCell hygiene=mine/> }
    };
    Row::new(vec![
        Cell::head(r.node.name).link(format!("/team/{}/performance", r.node.person_id)).note(r.node.title),
        Cell::num(r.attainment.map_or_else(|| "—".to_owned(), percent_label)),
        Cell::money(r.earned, &r.currency),
        Cell::num(compact(r.open_pipeline)),
        Cell::num(coverage),
        Cell::text(r.problem.map_or_else(|| risk.to_owned(), |p| format!("No statement: {p}"))),
        Cell::View(flags.into_any()),
    ])
    .attr("data-testid", "team-row")
    .attr("data-risk", risk)
}

/// A member's hygiene flags: how many open deals are flagged, by rule, and over-optimism.
#[component]
fn HygieneCell(hygiene: Option<Result<Option<PersonHygiene>, String>>) -> impl IntoView {
    let h = match hygiene {
        None => return view! { <td class="meta">"Loading…"</td> }.into_any(),
        Some(Err(why)) => return view! { <td class="meta">"Unavailable: " {why}</td> }.into_any(),
        Some(Ok(None)) => {
            return view! { <td class="meta" data-testid="hygiene" data-flags="0">"No open deals"</td> }.into_any();
        }
        Some(Ok(Some(h))) => h,
    };
    let flags: usize = h.by_rule.values().sum();
    let rules = h
        .by_rule
        .iter()
        .map(|(rule, n)| format!("{n} {}", rule.replace("repeatedly_pushed", "pushed repeatedly").replace('_', " ")))
        .collect::<Vec<_>>()
        .join(", ");
    let summary = if flags == 0 {
        format!("None on {} open deals", h.open_deals)
    } else {
        format!("{} of {} deals: {rules}", h.flagged_deals, h.open_deals)
    };
    view! {
        <td data-testid="hygiene" data-flags=flags.to_string()>
            {summary}
            {h.over_optimistic.map(|why| view! { " " <span class="badge" title=why>"Over-optimistic"</span> })}
        </td>
    }
    .into_any()
}

fn initials(name: &str) -> String {
    name.split_whitespace().filter_map(|w| w.chars().next()).collect()
}

/// Disputes: reps see theirs; managers resolve their reports'.
#[component]
pub fn DisputesPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let list = load(move || {
                let token = token.clone();
                async move { api::disputes(&token).await }
            });
            let token = StoredValue::new(session.token.clone());
            let manager = session.persona.role == Role::Manager;
            view! {
                <div class="page">
                    <PageHead eyebrow="Disputes" title="Disputes" lede="Statement lines people have questioned, routed to their manager."/>
                    <Remote resource=list loading="Loading disputes…" children={move |items: Vec<Dispute>| {
                        if items.is_empty() {
                            return view! { <p class="panel empty">"There are no disputes."</p> }.into_any();
                        }
                        items.into_iter().map(|d| view! { <DisputeCard dispute=d token=token.get_value() can_resolve=manager on_done=Callback::new(move |_| list.refetch())/> }).collect_view().into_any()
                    }}/>
                </div>
            }
        }/>
    }
}

pub(crate) fn dispute_status(status: DisputeStatus) -> &'static str {
    match status {
        DisputeStatus::Open => "Open",
        DisputeStatus::AdjustmentProposed => "Adjustment proposed",
        DisputeStatus::Resolved => "Resolved",
        DisputeStatus::Reopened => "Reopened",
    }
}

#[component]
fn DisputeCard(dispute: Dispute, token: String, can_resolve: bool, on_done: Callback<()>) -> impl IntoView {
    let open = matches!(dispute.status, DisputeStatus::Open | DisputeStatus::Reopened);
    let id = dispute.id.clone();
    let text = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let send = Action::new_local(move |request: &ResolveRequest| {
        let (token, id, request) = (token.clone(), id.clone(), request.clone());
        async move { api::resolve(&token, &id, &request).await }
    });
    Effect::new(move || {
        if let Some(Ok(_)) = send.value().get() {
            on_done.run(());
        }
    });
    let text_id = format!("resolve-text-{}", dispute.id);
    let amount_id = format!("resolve-amount-{}", dispute.id);
    let (t_for, a_for) = (text_id.clone(), amount_id.clone());
    view! {
        <article class="panel" data-testid="dispute">
            <h3>{dispute.person_id.clone()} " · " {dispute.component_id.clone()} " · " {dispute.period.clone()}</h3>
            <p class="badge">{dispute_status(dispute.status)}</p>
            <p class="explanation">"“" {dispute.comment.clone()} "”"</p>
            {dispute.resolution.map(|r| {
                let how = match (r.amount, r.proposal_id) {
                    (Some(amount), Some(proposal)) => format!("Adjustment of {amount} proposed as {proposal}: "),
                    _ => "Explained: ".to_owned(),
                };
                view! { <p class="meta" data-testid="resolution">{how} {r.text}</p> }
            })}
            {(can_resolve && open).then(|| view! {
                <div class="decision">
                    <div class="field">
                        <label for=t_for>"Explanation or reason"</label>
                        <textarea id=text_id rows="2" prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                    </div>
                    <div class="field">
                        <label for=a_for>"Adjustment amount (leave empty to explain only)"</label>
                        <input id=amount_id inputmode="decimal" prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                    </div>
                    <button type="button" class="button primary" disabled=move || send.pending().get() on:click=move |_| {
                        let t = text.get_untracked();
                        let request = match amount.get_untracked().trim().parse::<Decimal>() {
                            Ok(a) => ResolveRequest::Adjustment { amount: a, text: t },
                            Err(_) => ResolveRequest::Explanation { text: t },
                        };
                        send.dispatch(request);
                    }>"Resolve"</button>
                    {move || send.value().get().and_then(Result::err).map(|e| view! { <ErrorPanel error=e/> })}
                </div>
            })}
        </article>
    }
}

/// Leadership's forecast: the pipeline engine's P10/P50/P90 range by month (from the coach's
/// risk route), where the downside is concentrated, pipeline hygiene, and the open pipeline by
/// close month.
#[component]
pub fn ForecastPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let data = load(move || {
                let token = token.clone();
                async move {
                    let risk = api::risk(&token).await?;
                    let opps = api::open_pipeline(&token).await?;
                    Ok::<_, api::Error>((risk, opps))
                }
            });
            view! {
                <div class="page">
                    <PageHead eyebrow="Forecast" title="Forecast and pipeline" lede="The range of bookings the open pipeline may bring in each of the next months, where the risk sits, how clean the pipeline is, and the pipeline by close month."/>
                    <Remote resource=data loading="Running the forecast…" children=|(risk, opps)| view! { <Forecast risk=risk/> <PipelineSummary opps=opps/> }/>
                </div>
            }
        }/>
    }
}

fn major(minor: i64) -> Decimal {
    Decimal::new(minor, 2)
}

#[component]
fn Forecast(risk: api::Risk) -> impl IntoView {
    let api::Risk { messages, forecasts, hygiene, names } = risk;
    let names = StoredValue::new(names);
    let name = move |id: &str| names.with_value(|n| n.get(id).cloned().unwrap_or_else(|| id.to_owned()));
    let currencies: Vec<String> = forecasts.iter().map(|f| f.currency.clone()).collect();
    let chosen = RwSignal::new(currencies.first().cloned().unwrap_or_default());
    let forecasts = StoredValue::new(forecasts);
    view! {
        <section class="panel" aria-labelledby="range-heading">
            <h2 id="range-heading">"Forecast range"</h2>
            <div class="field">
                <label for="forecast-currency">"Currency"</label>
                <select id="forecast-currency" on:change=move |ev| chosen.set(event_target_value(&ev))>
                    {currencies.iter().map(|c| view! { <option value=c.clone()>{c.clone()}</option> }).collect_view()}
                </select>
            </div>
            {move || {
                let c = chosen.get();
                let Some(f) = forecasts.with_value(|fs| fs.iter().find(|f| f.currency == c).map(|f| f.forecast.clone())) else {
                    return view! { <p class="empty">"No forecast for this currency."</p> }.into_any();
                };
                let points = f.firm.iter().enumerate().map(|(k, r)| (Decimal::from(k), major(r.p10), major(r.p90))).collect();
                let median = f.firm.iter().enumerate().map(|(k, r)| (Decimal::from(k), major(r.p50))).collect();
                let ticks = f.periods.iter().enumerate().map(|(k, p)| (Decimal::from(k), p.clone())).collect();
                let t = f.firm_total;
                view! {
                    <Facts attrs=vec![("data-testid", "forecast-range".into()), ("data-p10", t.p10.to_string()), ("data-p50", t.p50.to_string()), ("data-p90", t.p90.to_string())]
                        items=vec![
                            ("P10 (a bad run)".into(), Cell::text(compact(major(t.p10)))),
                            ("P50".into(), Cell::text(compact(major(t.p50)))),
                            ("P90 (a good run)".into(), Cell::text(compact(major(t.p90)))),
                            ("Committed deals".into(), Cell::text(compact(major(f.downside.commit_minor)))),
                        ]/>
                    <LineChart
                        title="Bookings per month: median with the P10 to P90 range"
                        x_label="Month"
                        y_label="Bookings"
                        series=vec![Series { name: "P50".into(), points: median, dashed: false }]
                        band=Band { name: "P10 to P90".into(), points }
                        x_ticks=ticks
                        x_format=compact
                        y_format=compact
                    />
                    <h3>"Where the downside is concentrated"</h3>
                    <DataTable caption="Accounts contributing most to the downside" headers=vec!["Account", "#Open amount", "#Expected shortfall", "#Share of variance"]
                        rows=f.downside.accounts.iter().take(10).map(|a| Row::new(vec![
                            Cell::text(name(&a.account)).note(a.account.clone()),
                            Cell::num(compact(major(a.amount_minor))),
                            Cell::num(compact(major(a.expected_shortfall_minor))),
                            Cell::num(percent_label(Decimal::new((a.variance_share * 1000.0).round() as i64, 3))),
                        ])).collect()/>
                    <h3>"By team"</h3>
                    <DataTable caption="Teams" headers=vec!["Team", "#P10", "#P50", "#P90"]
                        rows=f.groups.iter().map(|g| Row::new(vec![
                            Cell::text(name(&g.group)),
                            Cell::num(compact(major(g.total.p10))),
                            Cell::num(compact(major(g.total.p50))),
                            Cell::num(compact(major(g.total.p90))),
                        ])).collect()/>
                }.into_any()
            }}
            <Messages messages=messages empty="No downside messages."/>
        </section>
        <section class="panel" aria-labelledby="hygiene-heading">
            <h2 id="hygiene-heading">"Pipeline hygiene"</h2>
            <Facts attrs=vec![("data-testid", "hygiene".into())] items=hygiene_facts(hygiene)/>
        </section>
    }
}

fn hygiene_facts(hygiene: api::Hygiene) -> Vec<(String, Cell)> {
    let mut items = vec![
        ("Open deals".to_owned(), Cell::text(hygiene.open_deals.to_string())),
        ("Flagged".to_owned(), Cell::text(hygiene.flagged_deals.to_string())),
    ];
    items.extend(
        hygiene.by_rule.into_iter().map(|(rule, n)| {
            (plumbline_engine::format::capitalise(&rule.replace('_', " ")), Cell::text(n.to_string()))
        }),
    );
    items.push(("Over-optimistic reps".to_owned(), Cell::text(hygiene.over_optimistic_reps.len().to_string())));
    items
}

#[component]
fn PipelineSummary(opps: Vec<Opportunity>) -> impl IntoView {
    use std::collections::BTreeMap;
    let mut by_month: BTreeMap<String, Decimal> = BTreeMap::new();
    let mut by_owner: BTreeMap<String, Decimal> = BTreeMap::new();
    for o in &opps {
        *by_month.entry(format!("{}-{:02}", o.close_date.year(), o.close_date.month())).or_default() += o.amount;
        *by_owner.entry(o.owner_id.clone()).or_default() += o.amount;
    }
    let total: Decimal = opps.iter().map(|o| o.amount).sum();
    let weighted: Decimal = opps.iter().map(|o| o.amount * Decimal::from(o.probability) / Decimal::ONE_HUNDRED).sum();
    let months: Vec<Bar> = by_month.into_iter().take(12).map(|(label, value)| Bar { label, value }).collect();
    let mut owners: Vec<(String, Decimal)> = by_owner.into_iter().collect();
    owners.sort_by_key(|o| std::cmp::Reverse(o.1));
    let top: Decimal = owners.iter().take(10).map(|o| o.1).sum();
    let share = if total.is_zero() { Decimal::ZERO } else { top / total };
    view! {
        <section class="panel" aria-labelledby="pipeline-heading">
            <h2 id="pipeline-heading">"Open pipeline (all currencies)"</h2>
            <Facts items=vec![
                ("Open opportunities".into(), Cell::text(opps.len().to_string())),
                ("Open pipeline".into(), Cell::text(compact(total))),
                ("Probability-weighted".into(), Cell::text(compact(weighted.round_dp(0)))),
                ("Held by the top 10 owners".into(), Cell::text(percent_label(share))),
            ]/>
            <BarChart title="Open pipeline by expected close month" x_label="Close month" y_label="Amount" bars=months y_format=compact/>
        </section>
    }
}

/// Compliance: the firm's conduct events with their pay effects, filtered by person and kind
/// (the filters live in the address), and a malus or clawback proposal for the person chosen.
#[component]
pub fn ConductPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let people = load(move || {
                let token = token.clone();
                async move { api::people(&token).await }
            });
            let token = StoredValue::new(session.token.clone());
            view! {
                <div class="page">
                    <PageHead eyebrow="Compliance" title="Conduct events" lede="Every conduct and compliance event you may see, newest first, with what it took off the person's regulated pay. Malus and clawback decisions are adjustment proposals in Approvals."/>
                    <Remote resource=people loading="Loading people…" children={move |people| view! { <ConductBrowser people=people token=token.get_value()/> }}/>
                </div>
            }
        }/>
    }
}

const CONDUCT_KINDS: [(&str, ComplianceKind); 4] = [
    ("complaint_upheld", ComplianceKind::ComplaintUpheld),
    ("file_review_failure", ComplianceKind::FileReviewFailure),
    ("mis_selling", ComplianceKind::MisSelling),
    ("overdue_training", ComplianceKind::OverdueTraining),
];

#[component]
fn ConductBrowser(people: Vec<PersonView>, token: String) -> impl IntoView {
    let query = use_query_map();
    let navigate = use_navigate();
    let from_query = move |key: &str| query.with_untracked(|q| q.get(key)).unwrap_or_default();
    let chosen = RwSignal::new(from_query("person"));
    let kind = RwSignal::new(from_query("kind"));
    let token_for_malus = token.clone();
    let events = load(move || {
        let token = token.clone();
        let (person, kind) = (chosen.get(), kind.get());
        async move {
            let some = |v: &str| (!v.is_empty()).then_some(v.to_owned());
            api::conduct_list(&token, some(&person).as_deref(), some(&kind).as_deref()).await
        }
    });
    let go = move || {
        let address = format!("/conduct?person={}&kind={}", chosen.get_untracked(), kind.get_untracked());
        navigate(&address, leptos_router::NavigateOptions { replace: true, ..Default::default() });
    };
    let go_kind = go.clone();
    view! {
        <div class="panel">
            <div class="field">
                <label for="conduct-person">"Person"</label>
                <select id="conduct-person" on:change=move |ev| { chosen.set(event_target_value(&ev)); go(); }>
                    <option value="" selected=chosen.get_untracked().is_empty()>"Everyone"</option>
                    {people.iter().map(|p| {
                        let selected = p.id == chosen.get_untracked();
                        view! { <option value=p.id.clone() selected=selected>{format!("{} · {}", p.name, p.title)}</option> }
                    }).collect_view()}
                </select>
            </div>
            <div class="field">
                <label for="conduct-kind">"Kind"</label>
                <select id="conduct-kind" on:change=move |ev| { kind.set(event_target_value(&ev)); go_kind(); }>
                    <option value="" selected=kind.get_untracked().is_empty()>"All kinds"</option>
                    {CONDUCT_KINDS.iter().map(|(value, k)| view! {
                        <option value=*value selected=*value == kind.get_untracked()>{conduct_kind(*k)}</option>
                    }).collect_view()}
                </select>
            </div>
            <Remote resource=events loading="Loading events…" children={|events: Vec<ConductEventView>| {
                if events.is_empty() {
                    return view! { <p class="empty">"No conduct events recorded."</p> }.into_any();
                }
                let rows = events.into_iter().map(|v| {
                    let e = v.event;
                    let effect = match (v.pay_effect, v.no_effect) {
                        (Some(p), _) => {
                            let periods = p.lines.iter().map(|l| l.period.as_str()).collect::<Vec<_>>().join(", ");
                            Cell::money(p.total, &p.currency).note(format!("rule {}, {periods}", p.rule))
                        }
                        (None, why) => Cell::num("").note(why.unwrap_or_default()),
                    };
                    Row::new(vec![
                        Cell::text(e.date.to_string()),
                        Cell::head(v.person_name),
                        Cell::text(conduct_kind(e.kind)),
                        Cell::text(if e.severity == Severity::Major { "Major" } else { "Minor" }),
                        Cell::text(e.description),
                        effect.attr("data-testid", "pay-effect"),
                    ])
                    .attr("data-testid", "conduct-row")
                    .attr("data-event", e.id)
                    .attr("data-person", e.person_id)
                }).collect();
                view! { <DataTable caption="Conduct events" headers=vec!["Date", "Person", "Kind", "Severity", "Description", "#Pay effect"] rows=rows/> }.into_any()
            }}/>
        </div>
        <MalusForm person=chosen token=token_for_malus/>
    }
}

/// Compliance proposes a malus or clawback: a negative adjustment that goes through approval.
#[component]
fn MalusForm(person: RwSignal<String>, token: String) -> impl IntoView {
    let component = RwSignal::new(String::new());
    let period = RwSignal::new(String::new());
    let amount = RwSignal::new(String::new());
    let reason = RwSignal::new(String::new());
    let problem = RwSignal::new(None::<&'static str>);
    let send = Action::new_local(move |request: &ProposalRequest| {
        let (token, request) = (token.clone(), request.clone());
        async move { api::propose(&token, &request).await }
    });
    let submit = move |_| {
        let value = amount.get_untracked().trim().parse::<Decimal>().ok().filter(|a| *a < Decimal::ZERO);
        let Some(value) = value else {
            problem.set(Some("Enter a negative amount, e.g. -2500.00: malus and clawback recover pay."));
            return;
        };
        problem.set(None);
        send.dispatch(ProposalRequest {
            change: ProposedChange::ManualAdjustment {
                person_id: person.get_untracked(),
                component_id: component.get_untracked().trim().to_owned(),
                period: period.get_untracked().trim().to_owned(),
                amount: value,
                dispute_id: None,
            },
            reason: reason.get_untracked(),
        });
    };
    view! {
        <section class="panel" aria-labelledby="malus-heading">
            <h2 id="malus-heading">"Propose malus or clawback"</h2>
            <p class="meta">"A negative adjustment on one plan component, paid through the approval chain (manager, then designer)."</p>
            <div class="field">
                <label for="malus-component">"Plan component id (e.g. fee-revenue)"</label>
                <input id="malus-component" prop:value=move || component.get() on:input=move |ev| component.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="malus-period">"Statement month it is about (YYYY-MM)"</label>
                <input id="malus-period" prop:value=move || period.get() on:input=move |ev| period.set(event_target_value(&ev))/>
            </div>
            <div class="field">
                <label for="malus-amount">"Amount (negative)"</label>
                <input id="malus-amount" inputmode="decimal" aria-describedby="malus-amount-error"
                    aria-invalid=move || problem.get().is_some().then_some("true")
                    prop:value=move || amount.get() on:input=move |ev| amount.set(event_target_value(&ev))/>
                <p id="malus-amount-error" class="field-error" aria-live="polite">{move || problem.get()}</p>
            </div>
            <div class="field">
                <label for="malus-reason">"Reason"</label>
                <textarea id="malus-reason" rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
            </div>
            <button type="button" class="button primary" on:click=submit disabled=move || send.pending().get()>"Propose"</button>
            {move || send.value().get().map(|r| match r {
                Ok(p) => view! { <p class="notice ok" role="status">"Proposed as " <code>{p.id}</code> "; it now waits for approval."</p> }.into_any(),
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
            })}
        </section>
    }
}

fn conduct_kind(kind: ComplianceKind) -> &'static str {
    match kind {
        ComplianceKind::ComplaintUpheld => "Complaint upheld",
        ComplianceKind::FileReviewFailure => "File review failure",
        ComplianceKind::MisSelling => "Mis-selling",
        ComplianceKind::OverdueTraining => "Overdue training",
    }
}

/// The audit log, newest first, a page at a time (`?before=` / `?after=` in the address), with
/// a "verify chain" button that has the server check the whole chain.
#[component]
pub fn AuditPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let query = use_query_map();
            let from = Memo::new(move |_| query.with(|q| {
                let number = |key: &str| q.get(key).and_then(|v| v.parse::<u64>().ok());
                match (number("before"), number("after")) {
                    (Some(b), _) => api::AuditFrom::Before(b),
                    (None, Some(a)) => api::AuditFrom::After(a),
                    (None, None) => api::AuditFrom::Newest,
                }
            }));
            let page = load(move || {
                let (token, from) = (token.clone(), from.get());
                async move {
                    let page = api::audit(&token, from).await?;
                    let names = api::names(&token).await?;
                    Ok::<_, api::Error>((page, names))
                }
            });
            let vtoken = session.token.clone();
            let verify = Action::new_local(move |_: &()| {
                let token = vtoken.clone();
                async move { api::verify_audit(&token).await }
            });
            view! {
                <div class="page">
                    <PageHead eyebrow="Audit" title="Audit log" lede="Every change, who made it and why, newest first, each record chained to the one before by its hash."/>
                    <section class="panel">
                        <button type="button" class="button primary" on:click=move |_| { verify.dispatch(()); } disabled=move || verify.pending().get()>
                            {move || if verify.pending().get() { "Verifying…" } else { "Verify chain" }}
                        </button>
                        <div aria-live="polite" data-testid="verify-result">
                            {move || verify.value().get().map(|r| match r {
                                Ok(v) if v.ok => view! { <p class="notice ok" data-records=v.records.to_string()>"The chain is intact: all " {v.records} " records verified."</p> }.into_any(),
                                Ok(v) => view! { <p class="warning" role="alert">"The chain is broken"
                                    {v.first_broken.map(|b| format!(" at record {}: {}", b.seq, b.reason))} "."</p> }.into_any(),
                                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                            })}
                        </div>
                    </section>
                    <Remote resource=page loading="Loading the audit log…" children=|(p, names)| view! { <AuditTable page=p names=names/> }/>
                </div>
            }
        }/>
    }
}

/// A page of the log; `names` maps person ids to names, so "who" reads as a person (the id
/// stays beneath, as the record holds it).
#[component]
fn AuditTable(page: api::AuditPage, names: api::Names) -> impl IntoView {
    let api::AuditPage { rows, older, newer } = page;
    let range = match (rows.first(), rows.last()) {
        (Some(top), Some(low)) => format!("Records {} to {}, newest first", low.seq, top.seq),
        _ => "No audit records here.".to_owned(),
    };
    view! {
        <section class="panel">
            <p class="meta" data-testid="audit-range">{range}</p>
            <DataTable caption="Audit records, newest first" headers=vec!["#Seq", "When", "Who", "Action", "Entity", "Reason"]
                rows=rows.into_iter().map(|r| Row::new(vec![
                    Cell::num(r.seq.to_string()),
                    Cell::text(r.at),
                    match names.get(&r.actor) {
                        Some(name) => Cell::text(format!("{name} ({})", r.role)).note(r.actor),
                        None => Cell::text(format!("{} ({})", r.actor, r.role)),
                    },
                    Cell::text(r.action.clone()),
                    Cell::code(r.entity),
                    Cell::text(r.reason),
                ]).attr("data-testid", "audit-row").attr("data-action", r.action).attr("data-seq", r.seq.to_string())).collect()/>
            <nav class="pager" aria-label="Audit log pages">
                {newer.map(|n| view! { <a class="button" rel="prev" href=format!("/audit?after={n}")>"Newer"</a> })}
                {older.map(|o| view! { <a class="button" rel="next" href=format!("/audit?before={o}")>"Older"</a> })}
            </nav>
        </section>
    }
}

/// Admin imports: choose what the file holds and the file; the server validates every row
/// before writing anything and lists every problem at its row and column.
#[component]
pub fn ImportsPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let kind = RwSignal::new(ImportKind::Opportunities);
            let file_input = NodeRef::<leptos::html::Input>::new();
            let mapping_input = NodeRef::<leptos::html::Input>::new();
            let chosen = RwSignal::new(None::<String>);
            let job = RwSignal::new(None::<ImportJob>);
            let send = Action::new_local(move |kind: &ImportKind| {
                let (token, kind) = (token.clone(), *kind);
                let file = file_input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0));
                let mapping_file = mapping_input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0));
                async move {
                    let Some(file) = file else {
                        return Err(api::Error::Invalid(plumbline_firm::api::ApiError {
                            code: "no_file".into(),
                            message: "Choose a file to import.".into(),
                            field: Some("file".into()),
                        }));
                    };
                    let content = read_text(&file).await?;
                    let mapping = match mapping_file {
                        None => None,
                        Some(m) => Some(serde_json::from_str(&read_text(&m).await?).map_err(|e| {
                            api::Error::Invalid(plumbline_firm::api::ApiError {
                                code: "bad_mapping".into(),
                                message: format!("{} is not valid JSON: {e}", m.name()),
                                field: Some("mapping".into()),
                            })
                        })?),
                    };
                    let upload = ImportUpload { file_name: file.name(), content, mapping };
                    job.set(None);
                    let mut current = api::start_import(&token, kind.as_str(), &upload).await?;
                    while !current.finished() {
                        job.set(Some(current.clone()));
                        pause(300).await;
                        current = api::import_job(&token, &current.id).await?;
                    }
                    job.set(Some(current));
                    Ok(())
                }
            });
            view! {
                <div class="page">
                    <PageHead eyebrow="Admin" title="Imports" lede="Load the firm's settings and plans (JSON), teams, people, clients, quotas, assignments, transactions, AUM, flows, opportunities, compliance events, CRM activities or calendars. A file with any problem is rejected whole, with every problem listed; sending the same file again changes nothing."/>
                    <section class="panel">
                        <div class="field">
                            <label for="import-kind">"What the file holds"</label>
                            <select id="import-kind" on:change=move |ev| {
                                let v = event_target_value(&ev);
                                if let Some(k) = ImportKind::ALL.into_iter().find(|k| k.as_str() == v) { kind.set(k) }
                            }>
                                {ImportKind::ALL.iter().map(|k| view! { <option value=k.as_str()>{k.as_str()}</option> }).collect_view()}
                            </select>
                        </div>
                        <div class="field">
                            <label for="import-file">"File (CSV; JSON for settings and plans; iCalendar for calendar)"</label>
                            <input id="import-file" type="file" accept=".csv,.json,.ics,text/csv,application/json,text/calendar" node_ref=file_input
                                on:change=move |_| chosen.set(file_input.get_untracked().and_then(|i| i.files()).and_then(|f| f.get(0)).map(|f| f.name()))/>
                        </div>
                        <div class="field">
                            <label for="import-mapping">"Column mapping (optional JSON, when the columns are not Plumbline's)"</label>
                            <input id="import-mapping" type="file" accept=".json,application/json" node_ref=mapping_input/>
                        </div>
                        <button type="button" class="button primary" disabled=move || send.pending().get() || chosen.with(Option::is_none)
                            on:click=move |_| { send.dispatch(kind.get_untracked()); }>"Import"</button>
                        <div aria-live="polite">
                            {move || job.get().filter(|j| !j.finished()).map(|j| view! { <ImportProgress step=j.step/> })}
                        </div>
                    </section>
                    {move || match send.value().get() {
                        Some(Err(e)) => Some(view! { <ErrorPanel error=e/> }.into_any()),
                        _ => job.get().and_then(|j| match (j.report, j.rejected) {
                            (Some(report), _) => Some(view! { <ImportDone report=report/> }.into_any()),
                            (_, Some(rejection)) => Some(view! { <ImportProblems rejection=rejection/> }.into_any()),
                            _ => None,
                        }),
                    }}
                </div>
            }
        }/>
    }
}

/// Where a running import has got to: a bar of records applied once the file is valid.
#[component]
fn ImportProgress(step: ImportStep) -> impl IntoView {
    let ImportStep { rows, records, of, written, total, .. } = step;
    let (done, of, text) = match step.step.as_str() {
        "loading" => (None, None, "Reading the firm's people, clients and opportunities…".to_owned()),
        "validated" => (None, None, format!("All {rows} rows are valid ({records} records); applying…")),
        "applying" => {
            (Some(records), Some(of), format!("{records} of {of} records applied ({written} of {total} writes)"))
        }
        _ => (None, None, "Finishing…".to_owned()),
    };
    view! {
        <p class="loading" data-testid="import-progress">
            <progress aria-label="Import progress" max=of.map(|n| n.to_string()) value=done.map(|n| n.to_string())></progress>" " {text}
        </p>
    }
}

/// Resolves after `ms` milliseconds, between polls of a running import.
async fn pause(ms: i32) {
    let promise = wasm_bindgen_futures::js_sys::Promise::new(&mut |resolve, _| {
        // If the timer cannot be set, the next poll simply comes at once.
        if web_sys::window()
            .and_then(|w| w.set_timeout_with_callback_and_timeout_and_arguments_0(&resolve, ms).ok())
            .is_none()
        {
            let _ = resolve.call0(&wasm_bindgen::JsValue::NULL);
        }
    });
    let _ = wasm_bindgen_futures::JsFuture::from(promise).await;
}

/// A chosen file's contents as text.
async fn read_text(file: &web_sys::File) -> Result<String, api::Error> {
    wasm_bindgen_futures::JsFuture::from(file.text())
        .await
        .ok()
        .and_then(|v| v.as_string())
        .ok_or_else(|| api::Error::Decode(format!("{} could not be read as text", file.name())))
}

#[component]
fn ImportDone(report: ImportReport) -> impl IntoView {
    let c = report.counts;
    view! {
        <section class="panel" data-testid="import-done" role="status">
            <h2>{if report.already_imported { "Already imported: nothing changed" } else { "Imported" }}</h2>
            <Facts items=vec![
                ("File".into(), Cell::text(report.file)),
                ("Rows read".into(), Cell::text(report.rows.to_string())),
                ("Created".into(), Cell::text(c.created.to_string())),
                ("Updated".into(), Cell::text(c.updated.to_string())),
                ("Unchanged".into(), Cell::text(c.unchanged.to_string())),
                ("Audit records".into(), Cell::text(format!("{}–{}", report.audit_seqs.0, report.audit_seqs.1))),
            ]/>
        </section>
    }
}

#[component]
fn ImportProblems(rejection: Rejection) -> impl IntoView {
    match rejection.reason.as_str() {
        "invalid" => {
            let Rejection { file, problems, .. } = rejection;
            let n = problems.len();
            view! {
                <section class="panel error-panel" role="alert" data-testid="import-problems">
                    <h2 class="error-title">{file.clone()} " was rejected: " {n} " problems, nothing was written"</h2>
                    <DataTable caption="Every problem, by row" show_caption=false headers=vec!["#Row", "Column", "Value", "Problem"]
                        rows=problems.into_iter().map(|p| Row::new(vec![
                            Cell::num(p.row.map_or_else(|| "file".to_owned(), |r| r.to_string())),
                            Cell::text(p.column.unwrap_or_default()),
                            Cell::code(p.value.unwrap_or_default()),
                            Cell::text(p.message),
                        ]).attr("data-testid", "import-problem").attr("data-row", p.row.map(|r| r.to_string()).unwrap_or_default())).collect()/>
                </section>
            }.into_any()
        }
        _ => view! { <p class="warning" role="alert">{format!("The import did not complete: {rejection}")}</p> }
            .into_any(),
    }
}

/// Admin: people and hierarchy.
#[component]
pub fn PeoplePage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let org = load(move || {
                let token = token.clone();
                async move { api::org(&token).await }
            });
            view! {
                <div class="page">
                    <PageHead eyebrow="Admin" title="People and hierarchy" lede="Everyone employed today, under their managers."/>
                    <Remote resource=org loading="Loading the organisation…" children=|org| view! { <OrgTree people=org.people/> }/>
                </div>
            }
        }/>
    }
}

#[component]
fn OrgTree(people: Vec<OrgNode>) -> impl IntoView {
    let roots: Vec<OrgNode> = people
        .iter()
        .filter(|n| n.manager_id.as_ref().is_none_or(|m| !people.iter().any(|p| &p.person_id == m)))
        .cloned()
        .collect();
    let all = StoredValue::new(people);
    view! {
        <section class="panel">
            <ul class="tree" role="tree" aria-label="Organisation">
                {roots.into_iter().map(|n| view! { <OrgBranch node=n all=all/> }).collect_view()}
            </ul>
        </section>
    }
}

#[component]
fn OrgBranch(node: OrgNode, all: StoredValue<Vec<OrgNode>>) -> impl IntoView {
    let reports: Vec<OrgNode> =
        all.with_value(|a| a.iter().filter(|p| node.reports.contains(&p.person_id)).cloned().collect());
    let label = format!("{} · {} · {}", node.name, node.title, node.role.as_str());
    if reports.is_empty() {
        return view! { <li role="treeitem">{label}</li> }.into_any();
    }
    let count = reports.len();
    view! {
        <li role="treeitem">
            <details open=node.manager_id.is_none()>
                <summary>{label} " (" {count} ")"</summary>
                <ul role="group">
                    {reports.into_iter().map(|r| view! { <OrgBranch node=r all=all/> }).collect_view().into_any()}
                </ul>
            </details>
        </li>
    }
    .into_any()
}
