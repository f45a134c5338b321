//! The designer's plans: the list at `/plans` and the editor at `/plans/:plan` (form and JSON
//! views with live validation at the field, diff against any stored version, simulation
//! against last plan year with charts, submit for approval with the engine's simulated cost).

use crate::api;
use crate::api::Proposal;
use crate::components::charts::{Bar, BarChart, LineChart, Series, compact, percent_label};
use crate::components::{Cell, DataTable, ErrorPanel, Loading, Money, Remote, Row, load};
use crate::pages::{PageHead, SignedIn};
use gloo_storage::{LocalStorage, Storage};
use leptos::prelude::*;
use leptos_router::hooks::{use_navigate, use_params_map, use_query_map};
use plumbline_engine::diff::{PlanChange, diff_plans};
use plumbline_engine::plan::PlanProblem;
use plumbline_engine::simulate::{PayeeDelta, PlanResult};
use plumbline_engine::{Plan, PlanError};
use plumbline_firm::api::ProposalRequest;
use plumbline_firm::oversight::{HistogramBin, SimulationRequest, SimulationResponse};
use plumbline_firm::workflow::ProposedChange;
use rust_decimal::Decimal;
use serde_json::Value;

/// The list of plans.
#[component]
pub fn PlansPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let list = load(move || {
                let token = token.clone();
                async move { api::plans(&token).await }
            });
            view! {
                <div class="page">
                    <PageHead eyebrow="Plan design" title="Plans" lede="Open a plan to edit a new version, compare versions and submit it for approval."/>
                    <Remote resource=list loading="Loading plans…" children=|plans| view! {
                        <section class="panel">
                            <DataTable caption="Plans" headers=vec!["Plan", "#Latest version", "Currency", "From"]
                                rows=plans.into_iter().map(|p| Row::new(vec![
                                    Cell::head(p.name).link(format!("/plans/{}", p.id)).note(p.id).attr("data-testid", "plan-link"),
                                    Cell::num(p.latest_version.to_string()),
                                    Cell::text(p.currency.0),
                                    Cell::text(p.effective_from.to_string()),
                                ])).collect()/>
                        </section>
                    }/>
                </div>
            }
        }/>
    }
}

/// The plan editor.
#[component]
pub fn PlanEditorPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let params = use_params_map();
            let token = session.token.clone();
            let versions = load(move || {
                let token = token.clone();
                let id = params.with(|p| p.get("plan")).unwrap_or_default();
                async move { api::plan_versions(&token, &id).await }
            });
            let token = StoredValue::new(session.token.clone());
            view! {
                <div class="page">
                    <Remote resource=versions loading="Loading the plan…" children={move |versions| view! { <Editor versions=versions token=token.get_value()/> }}/>
                </div>
            }
        }/>
    }
}

/// What validating the text found: the plan, or problems at JSON paths, or a syntax error.
#[derive(Debug, Clone, PartialEq)]
enum Checked {
    Valid(Box<Plan>),
    Problems(Vec<PlanProblem>),
    Malformed(String),
}

fn check(text: &str) -> Checked {
    match Plan::from_json(text) {
        Ok(plan) => Checked::Valid(Box::new(plan)),
        Err(PlanError::Invalid(problems)) => Checked::Problems(problems),
        Err(e) => Checked::Malformed(e.to_string()),
    }
}

/// One editable field of the form view: its JSON path and label.
#[derive(Debug, Clone, PartialEq)]
struct FormField {
    path: String,
    label: String,
}

/// The form view's fields, derived from the document: plan-level settings, then each
/// component's name, rate, threshold, caps, formula and tiers.
fn form_fields(doc: &Value) -> Vec<FormField> {
    let mut out: Vec<FormField> =
        [("name", "Plan name"), ("effective_from", "Effective from"), ("cap_amount", "Plan cap amount")]
            .iter()
            .filter(|(k, _)| *k != "cap_amount" || doc.get(k).is_some())
            .map(|(k, l)| FormField { path: (*k).to_owned(), label: (*l).to_owned() })
            .collect();
    for (i, c) in doc.get("components").and_then(Value::as_array).into_iter().flatten().enumerate() {
        let name = c.get("name").and_then(Value::as_str).unwrap_or("component").to_owned();
        out.push(FormField { path: format!("components[{i}].name"), label: format!("Component {} name", i + 1) });
        for (key, label) in [
            ("rate", "rate"),
            ("threshold", "threshold"),
            ("cap_amount", "cap amount"),
            ("cap_quota_multiple", "cap (x quota)"),
            ("expression", "formula"),
        ] {
            if c.get(key).is_some() {
                out.push(FormField { path: format!("components[{i}].{key}"), label: format!("{name}: {label}") });
            }
        }
        for (t, _) in c.get("tiers").and_then(Value::as_array).into_iter().flatten().enumerate() {
            out.push(FormField {
                path: format!("components[{i}].tiers[{t}].up_to"),
                label: format!("{name}: tier {} up to (x quota)", t + 1),
            });
            out.push(FormField {
                path: format!("components[{i}].tiers[{t}].rate"),
                label: format!("{name}: tier {} rate", t + 1),
            });
        }
    }
    out
}

/// `components[0].tiers[1].rate` as steps into a JSON document.
fn steps(path: &str) -> Vec<Result<String, usize>> {
    let mut out = Vec::new();
    for part in path.split('.') {
        let mut rest = part;
        if let Some(i) = rest.find('[') {
            out.push(Ok(rest[..i].to_owned()));
            rest = &rest[i..];
            while let Some(end) = rest.find(']') {
                if let Ok(n) = rest[1..end].parse() {
                    out.push(Err(n));
                }
                rest = &rest[end + 1..];
            }
        } else {
            out.push(Ok(rest.to_owned()));
        }
    }
    out
}

fn read_at(doc: &Value, path: &str) -> String {
    let mut at = doc;
    for step in steps(path) {
        at = match step {
            Ok(key) => match at.get(&key) {
                Some(v) => v,
                None => return String::new(),
            },
            Err(i) => match at.get(i) {
                Some(v) => v,
                None => return String::new(),
            },
        };
    }
    match at {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        other => other.to_string(),
    }
}

/// Writes `value` at `path` as a string (plans write numbers as decimal strings); an empty
/// value removes an optional key.
fn write_at(doc: &mut Value, path: &str, value: &str) {
    let steps = steps(path);
    let mut at = doc;
    for (n, step) in steps.iter().enumerate() {
        let last = n + 1 == steps.len();
        match step {
            Ok(key) if last => {
                if let Some(obj) = at.as_object_mut() {
                    // An emptied name or formula stays, so validation says so at the field.
                    if value.is_empty() && key != "name" && key != "expression" {
                        obj.remove(key);
                    } else {
                        obj.insert(key.clone(), Value::String(value.to_owned()));
                    }
                }
                return;
            }
            Ok(key) => match at.get_mut(key) {
                Some(v) => at = v,
                None => return,
            },
            Err(i) => match at.get_mut(*i) {
                Some(v) => at = v,
                None => return,
            },
        }
    }
}

fn pretty(plan: &Plan) -> String {
    serde_json::to_string_pretty(plan).unwrap_or_default()
}

#[component]
fn Editor(versions: Vec<Plan>, token: String) -> impl IntoView {
    let Some(latest) = versions.iter().max_by_key(|p| p.version).cloned() else {
        return view! { <p class="panel empty">"This plan has no versions."</p> }.into_any();
    };
    let title = format!("{} · version {}", latest.name, latest.version + 1);
    let next_version = latest.version + 1;
    let fresh = pretty(&Plan { version: next_version, ..latest.clone() });
    // The draft survives a reload (and a switch between the form and JSON views' addresses).
    let draft_key = format!("plumbline.draft.{}.{next_version}", latest.id);
    let text = RwSignal::new(LocalStorage::get::<String>(&draft_key).unwrap_or_else(|_| fresh.clone()));
    let key = draft_key.clone();
    let key_for_submit = draft_key.clone();
    Effect::new(move || {
        let t = text.get();
        // Storage may be full or disabled; the draft then lasts until reload.
        let _ = LocalStorage::set(&key, t);
    });
    let discard = move |_| {
        LocalStorage::delete(&draft_key);
        text.set(fresh.clone());
    };
    let checked = Memo::new(move |_| text.with(|t| check(t)));
    let doc = Memo::new(move |_| text.with(|t| serde_json::from_str::<Value>(t).ok()));
    let query = use_query_map();
    let navigate = use_navigate();
    let json_view = Memo::new(move |_| query.with(|q| q.get("view")).as_deref() == Some("json"));
    let versions = StoredValue::new(versions);
    let compare_to = RwSignal::new(latest.version);
    let changes = Memo::new(move |_| match checked.get() {
        Checked::Valid(plan) => versions
            .with_value(|vs| vs.iter().find(|v| v.version == compare_to.get()).map(|old| diff_plans(old, &plan))),
        _ => None,
    });
    let problem_at = move |path: &str| match checked.get() {
        Checked::Problems(ps) => {
            ps.iter().filter(|p| p.path == path).map(|p| p.message.clone()).collect::<Vec<_>>().join(" ")
        }
        _ => String::new(),
    };
    let sim_token = token.clone();
    let simulation = Action::new_local(move |plan: &Plan| {
        let request = SimulationRequest {
            plan: serde_json::to_value(plan).unwrap_or_default(),
            baseline_id: None,
            baseline_version: None,
            year_start: None,
        };
        let token = sim_token.clone();
        async move { api::simulate(&token, &request).await }
    });
    let reason = RwSignal::new(String::new());
    let submit = Action::new_local(move |plan: &Plan| {
        let request = ProposalRequest {
            change: ProposedChange::PlanVersion { plan: Box::new(plan.clone()) },
            reason: reason.get_untracked(),
        };
        let token = token.clone();
        async move { api::propose(&token, &request).await }
    });
    let submitted_key = key_for_submit;
    Effect::new(move || {
        if let Some(Ok(_)) = submit.value().get() {
            LocalStorage::delete(&submitted_key);
        }
    });
    let nav_form = navigate.clone();
    let plan_id = latest.id.clone();
    let plan_id_json = plan_id.clone();

    view! {
        <PageHead eyebrow="Plan design" title=title lede="Edit the next version. Every change is checked by the engine as you type; problems show at the field."/>
        <div class="tabs">
        <div class="tabs" role="tablist" aria-label="Editor view">
            <button type="button" role="tab" id="tab-form" aria-selected=move || (!json_view.get()).to_string()
                on:click=move |_| nav_form(&format!("/plans/{plan_id}"), Default::default())>"Form"</button>
            <button type="button" role="tab" id="tab-json" aria-selected=move || json_view.get().to_string()
                on:click=move |_| navigate(&format!("/plans/{plan_id_json}?view=json"), Default::default())>"JSON"</button>
        </div>
        <button type="button" class="button" on:click=discard>"Discard changes"</button>
        </div>
        <div class="editor-grid">
            <section class="panel" role="tabpanel" aria-labelledby=move || if json_view.get() { "tab-json" } else { "tab-form" }>
                {move || if json_view.get() {
                    view! {
                        <div class="field">
                            <label for="plan-json">"Plan document (JSON)"</label>
                            <textarea id="plan-json" class="code" rows="28" spellcheck="false"
                                prop:value=move || text.get() on:input=move |ev| text.set(event_target_value(&ev))></textarea>
                        </div>
                    }.into_any()
                } else {
                    match doc.get() {
                        None => view! { <p class="warning" role="alert">"The JSON does not parse, so the form cannot show it. Fix it in the JSON view."</p> }.into_any(),
                        Some(d) => form_fields(&d).into_iter().map(|f| {
                            let id = format!("field-{}", f.path.replace(['[', ']', '.'], "-"));
                            let err_id = format!("{id}-error");
                            let path = f.path.clone();
                            let path_w = f.path.clone();
                            let value = read_at(&d, &f.path);
                            let message = problem_at(&path);
                            let invalid = !message.is_empty();
                            let (id2, err2) = (id.clone(), err_id.clone());
                            view! {
                                <div class="field" data-path=path>
                                    <label for=id>{f.label}</label>
                                    <input id=id2 prop:value=value aria-invalid=invalid.then_some("true") aria-describedby=err_id
                                        on:change=move |ev| {
                                            let v = event_target_value(&ev);
                                            let mut d = doc.get_untracked().unwrap_or(Value::Null);
                                            write_at(&mut d, &path_w, v.trim());
                                            text.set(serde_json::to_string_pretty(&d).unwrap_or_default());
                                        }/>
                                    <p id=err2 class="field-error" data-testid="field-error" aria-live="polite">{message}</p>
                                </div>
                            }
                        }).collect_view().into_any(),
                    }
                }}
            </section>
            <aside class="panel" aria-labelledby="check-heading">
                <h2 id="check-heading">"Checks"</h2>
                <div data-testid="validation" aria-live="polite">
                    {move || match checked.get() {
                        Checked::Valid(_) => view! { <p class="notice ok" data-valid="true">"The plan is valid."</p> }.into_any(),
                        Checked::Malformed(m) => view! { <p class="warning" role="alert">{m}</p> }.into_any(),
                        Checked::Problems(ps) => view! {
                            <ul class="problems">
                                {ps.into_iter().map(|p| view! { <li><code>{p.path}</code> ": " {p.message}</li> }).collect_view()}
                            </ul>
                        }.into_any(),
                    }}
                </div>
                <h2>"Changes"</h2>
                <div class="field">
                    <label for="compare-to">"Compared with version"</label>
                    <select id="compare-to" on:change=move |ev| if let Ok(v) = event_target_value(&ev).parse() { compare_to.set(v) }>
                        {versions.with_value(|vs| vs.iter().rev().map(|v| view! {
                            <option value=v.version.to_string() selected=v.version == compare_to.get_untracked()>{format!("Version {}", v.version)}</option>
                        }).collect_view())}
                    </select>
                </div>
                {move || changes.get().map(|cs| view! { <DiffList changes=cs/> })}
                <h2>"Simulation"</h2>
                <p class="meta">"Runs this draft and the stored plan over last plan year's transactions, quotas and assignments; the charts show below."</p>
                <button type="button" class="button" data-testid="simulate-plan"
                    disabled=move || simulation.pending().get() || !matches!(checked.get(), Checked::Valid(_))
                    on:click=move |_| if let Checked::Valid(plan) = checked.get_untracked() { simulation.dispatch(*plan); }>
                    {move || if simulation.pending().get() { "Simulating…" } else { "Simulate against last year" }}
                </button>
                <h2>"Submit for approval"</h2>
                <div class="field">
                    <label for="submit-reason">"Why this change"</label>
                    <textarea id="submit-reason" rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                </div>
                <button type="button" class="button primary" data-testid="submit-plan"
                    disabled=move || submit.pending().get() || !matches!(checked.get(), Checked::Valid(_)) || reason.with(|r| r.trim().is_empty())
                    on:click=move |_| if let Checked::Valid(plan) = checked.get_untracked() { submit.dispatch(*plan); }>
                    {move || if submit.pending().get() { "Submitting…" } else { "Submit for approval" }}
                </button>
                {move || submit.value().get().map(|r| match r {
                    Ok(p) => view! { <Submitted proposal=p/> }.into_any(),
                    Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                })}
            </aside>
        </div>
        <Simulation run=simulation/>
    }
    .into_any()
}

/// The simulation's loading and error states, and its result.
#[component]
fn Simulation(run: Action<Plan, Result<SimulationResponse, api::Error>>) -> impl IntoView {
    view! {
        {move || run.pending().get().then(|| view! {
            <Loading label="Running both plans over last year's data…"/>
        })}
        {move || run.value().get().map(|r| match r {
            Ok(sim) => view! { <SimulationResult sim=sim/> }.into_any(),
            Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
        })}
    }
}

/// Histogram bands as two lines (baseline and candidate) over the bands' midpoints.
fn distribution(bins: &[HistogramBin]) -> Vec<Series> {
    let line = |name: &str, count: fn(&HistogramBin) -> usize| Series {
        name: name.to_owned(),
        points: bins.iter().map(|b| ((b.from + b.to) / Decimal::TWO, Decimal::from(count(b)))).collect(),
        dashed: false,
    };
    vec![line("Stored plan", |b| b.count_a), line("Candidate", |b| b.count_b)]
}

fn count_label(n: Decimal) -> String {
    n.normalize().to_string()
}

/// The comparison: total cost, payout and attainment distributions, winners and losers.
#[component]
fn SimulationResult(sim: SimulationResponse) -> impl IntoView {
    let c = &sim.comparison;
    let currency = sim.currency.clone();
    let cost = vec![
        Bar { label: format!("Version {}", c.a.plan_version), value: c.a.total_cost },
        Bar { label: format!("Candidate (v{})", c.b.plan_version), value: c.b.total_cost },
    ];
    let share = |r: &PlanResult| r.cost_of_sales.map_or_else(|| "—".to_owned(), percent_label);
    // The biggest gains first, then the biggest losses (the list runs from gain to loss).
    let mut movers: Vec<PayeeDelta> = c.payees.iter().filter(|p| p.delta > Decimal::ZERO).take(5).cloned().collect();
    movers.extend(c.payees.iter().rev().filter(|p| p.delta < Decimal::ZERO).take(5).cloned());
    let names = sim.names.clone();
    let attainment = |a: Option<Decimal>| a.map_or_else(|| "—".to_owned(), percent_label);
    view! {
        <section class="panel" aria-labelledby="sim-heading" data-testid="simulation">
            <h2 id="sim-heading">{format!("Simulation: {} payees, {}", c.payees.len(), sim.period.label)}</h2>
            <p data-testid="sim-total" data-amount=c.b.total_cost.to_string()>
                "Total cost " <Money amount=c.a.total_cost currency=currency.clone()/> " → "
                <Money amount=c.b.total_cost currency=currency.clone()/> " (" <Money amount=c.total_delta currency=currency.clone()/> "); "
                {format!("cost of sales {} → {}; {} paid more, {} paid less.", share(&c.a), share(&c.b), c.winners, c.losers)}
            </p>
            <div class="chart-grid">
                <BarChart title="Total cost, stored plan and candidate" x_label="Plan" y_label=format!("Total cost ({})", currency.0) bars=cost y_format=compact/>
                <LineChart title="Payout distribution: payees per pay band" x_label=format!("Pay for the year ({})", currency.0) y_label="Payees"
                    series=distribution(&sim.payout_histogram) x_format=compact y_format=count_label/>
                <LineChart title="Attainment distribution: payees per attainment band" x_label="Attainment of quota" y_label="Payees"
                    series=distribution(&sim.attainment_histogram) x_format=percent_label y_format=count_label/>
            </div>
            {if movers.is_empty() {
                view! { <p class="empty">"Nobody's pay changes."</p> }.into_any()
            } else {
                let rows = movers.into_iter().map(|p| Row::new(vec![
                    Cell::head(names.get(&p.payee).cloned().unwrap_or_else(|| p.payee.clone())),
                    Cell::money(p.pay_a, &currency),
                    Cell::money(p.pay_b, &currency),
                    Cell::money(p.delta, &currency),
                    Cell::num(attainment(p.attainment_a)),
                ]).attr("data-testid", "sim-mover")).collect();
                view! { <DataTable caption="Winners and losers: the biggest changes in pay" show_caption=true headers=vec!["Payee", "#Stored plan", "#Candidate", "#Change", "#Attainment"] rows=rows/> }.into_any()
            }}
        </section>
    }
}

#[component]
fn DiffList(changes: Vec<PlanChange>) -> impl IntoView {
    if changes.is_empty() {
        return view! { <p class="empty">"No differences."</p> }.into_any();
    }
    view! {
        <ul class="diff" data-testid="diff">
            {changes.into_iter().map(|c| view! { <li><span>{c.description}</span> " " <code>{c.path}</code></li> }).collect_view()}
        </ul>
    }
    .into_any()
}

#[component]
fn Submitted(proposal: Proposal) -> impl IntoView {
    view! {
        <div class="notice ok" role="status" data-testid="submitted" data-proposal=proposal.id.clone()>
            <p>"Submitted as proposal " <code>{proposal.id.clone()}</code> ". It now waits for approval."</p>
            {proposal.cost_impact.map(|c| view! {
                <p data-testid="submitted-cost" data-amount=c.delta.to_string()>
                    "Simulated cost: " {c.before.to_string()} " → " {c.after.to_string()} " " {c.currency.clone()} " (" {c.delta.to_string()} ") — " {c.basis}
                </p>
            })}
        </div>
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fields_read_and_write_by_json_path() {
        let mut doc: Value = serde_json::from_str(
            r#"{"name":"P","components":[{"name":"C","tiers":[{"up_to":"1","rate":"0.02"},{"rate":"0.04"}]}]}"#,
        )
        .unwrap();
        assert_eq!(read_at(&doc, "components[0].tiers[1].rate"), "0.04");
        write_at(&mut doc, "components[0].tiers[1].rate", "0.05");
        assert_eq!(read_at(&doc, "components[0].tiers[1].rate"), "0.05");
        write_at(&mut doc, "components[0].tiers[0].up_to", "");
        assert_eq!(read_at(&doc, "components[0].tiers[0].up_to"), "");
        let paths: Vec<String> = form_fields(&doc).into_iter().map(|f| f.path).collect();
        assert!(paths.contains(&"components[0].tiers[1].rate".to_owned()));
    }

    #[test]
    fn a_formula_is_a_field_that_stays_when_emptied() {
        let mut doc: Value =
            serde_json::from_str(r#"{"name":"P","components":[{"name":"Bonus","expression":"measured * 5%"}]}"#)
                .unwrap();
        let field = form_fields(&doc).into_iter().find(|f| f.path == "components[0].expression").unwrap();
        assert_eq!(field.label, "Bonus: formula");
        write_at(&mut doc, "components[0].expression", "");
        assert_eq!(doc["components"][0]["expression"], "");
    }
}
