//! The designer's planning view: next plan year's quotas for a scope, data-driven against
//! "last year + x%", with each allocation's fairness side by side; territory balancing with
//! the accounts that move and why; either submitted as a proposal for approval.

use super::{PageHead, SignedIn};
use crate::api;
use crate::api::Proposal;
use crate::components::charts::{Bar, BarChart, compact, percent_label};
use crate::components::{Cell, DataTable, ErrorPanel, Facts, Remote, Row, load};
use leptos::prelude::*;
use plumbline_firm::Role;
use plumbline_firm::records::{Division, Team};
use plumbline_planning::api::{
    AllocationChoice, QuotaPlanRequest, QuotaProposalRequest, TerritoryPlanRequest, TerritoryProposalRequest,
};
use plumbline_planning::firm::Scope;
use plumbline_planning::{Allocation, QuotaPlan, TerritoryProposal};
use rust_decimal::Decimal;
use rust_decimal::prelude::FromPrimitive;

/// `/planning`: quota allocation and territory balancing for a division or team.
#[component]
pub fn PlanningPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let token = session.token.clone();
            let teams = load(move || {
                let token = token.clone();
                async move { api::teams(&token).await }
            });
            let token = session.token.clone();
            // Leadership runs both to read them; only designers submit proposals.
            let can_submit = session.persona.role == Role::Designer;
            view! {
                <div class="page">
                    <PageHead eyebrow="Planning" title="Quotas and territories for next year"
                        lede="Run the data-driven quota allocation and \"last year + x%\" for a division or team, compare their fairness, balance the territories, and submit the one you want for approval. Running changes nothing."/>
                    <Remote resource=teams loading="Loading the teams…" children=move |teams| view! { <Planner teams=teams token=token.clone() can_submit=can_submit/> }/>
                </div>
            }
        }/>
    }
}

/// The scopes one can plan: both divisions, then every team.
fn scopes(teams: &[Team]) -> Vec<(String, Scope)> {
    let mut out = vec![
        ("Division: wealth".to_owned(), Scope::Division(Division::Wealth)),
        ("Division: asset servicing".to_owned(), Scope::Division(Division::AssetServicing)),
    ];
    out.extend(teams.iter().map(|t| (format!("Team: {} ({})", t.name, t.id), Scope::Team(t.id.clone()))));
    out
}

/// A decimal typed by the user: blank is `None`, anything else must parse.
fn optional_decimal(text: &str) -> Result<Option<Decimal>, String> {
    let t = text.trim().replace(',', "");
    if t.is_empty() {
        return Ok(None);
    }
    t.parse::<Decimal>().map(Some).map_err(|_| format!("\"{}\" is not a number", text.trim()))
}

/// `1,234,567` (whole units; quotas and potential are planned in whole currency units).
fn grouped(value: Decimal) -> String {
    let whole = value.round_dp(0).abs().to_string();
    let digits: Vec<char> = whole.chars().collect();
    let mut out = String::new();
    for (i, c) in digits.iter().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(*c);
    }
    if value.round_dp(0).is_sign_negative() && !value.round_dp(0).is_zero() { format!("-{out}") } else { out }
}

/// A ratio to three places, or a dash when there is none.
fn ratio(value: f64) -> String {
    if value.is_finite() { format!("{value:.3}") } else { "—".into() }
}

fn decimal(value: f64) -> Decimal {
    Decimal::from_f64(value).unwrap_or_default()
}

#[component]
fn Planner(teams: Vec<Team>, token: String, can_submit: bool) -> impl IntoView {
    let scopes = StoredValue::new(scopes(&teams));
    let chosen = RwSignal::new(0usize);
    let scope = move || scopes.with_value(|s| s[chosen.get_untracked()].1.clone());
    view! {
        <section class="panel" aria-labelledby="scope-heading">
            <h2 id="scope-heading">"Scope"</h2>
            <div class="field">
                <label for="planning-scope">"Whose quotas and accounts"</label>
                <select id="planning-scope" on:change=move |ev| if let Ok(i) = event_target_value(&ev).parse() { chosen.set(i) }>
                    {scopes.with_value(|s| s.iter().enumerate().map(|(i, (label, _))| view! {
                        <option value=i.to_string()>{label.clone()}</option>
                    }).collect_view())}
                </select>
            </div>
        </section>
        <Quotas token=token.clone() scope=scope can_submit=can_submit/>
        <Territories token=token scope=scope can_submit=can_submit/>
    }
}

#[component]
fn Quotas(token: String, scope: impl Fn() -> Scope + Copy + Send + Sync + 'static, can_submit: bool) -> impl IntoView {
    let target = RwSignal::new(String::new());
    let target_error = RwSignal::new(None::<String>);
    let last = StoredValue::new(None::<QuotaPlanRequest>);
    let token_run = token.clone();
    let run = Action::new_local(move |request: &QuotaPlanRequest| {
        let (token, request) = (token_run.clone(), request.clone());
        async move { api::plan_quotas(&token, &request).await }
    });
    let on_run = move |_| match optional_decimal(&target.get_untracked()) {
        Err(e) => target_error.set(Some(e)),
        Ok(t) => {
            target_error.set(None);
            let request = QuotaPlanRequest { scope: scope(), method: None, target: t, overrides: Vec::new() };
            last.set_value(Some(request.clone()));
            run.dispatch(request);
        }
    };
    let choice = RwSignal::new(AllocationChoice::DataDriven);
    let reason = RwSignal::new(String::new());
    let submit = Action::new_local(move |request: &QuotaProposalRequest| {
        let (token, request) = (token.clone(), request.clone());
        async move { api::propose_quotas(&token, &request).await }
    });
    let on_submit = move |_| {
        if let Some(plan) = last.get_value() {
            submit.dispatch(QuotaProposalRequest {
                plan,
                allocation: choice.get_untracked(),
                reason: reason.get_untracked(),
            });
        }
    };
    view! {
        <section class="panel" aria-labelledby="quota-heading">
            <h2 id="quota-heading">"Quota allocation"</h2>
            <div class="field">
                <label for="quota-target">"Top-down target (blank: this year's quotas in scope)"</label>
                <input id="quota-target" inputmode="decimal" prop:value=move || target.get()
                    aria-invalid=move || target_error.with(|e| e.is_some()).then_some("true") aria-describedby="quota-target-error"
                    on:input=move |ev| target.set(event_target_value(&ev))/>
                <p id="quota-target-error" class="field-error" aria-live="polite">{move || target_error.get()}</p>
            </div>
            <button type="button" class="button primary" data-testid="run-quotas" disabled=move || run.pending().get() on:click=on_run>
                {move || if run.pending().get() { "Running both allocations…" } else { "Run both allocations" }}
            </button>
            {move || run.value().get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                Ok(plan) => view! {
                    <QuotaResult plan=plan/>
                    {(!can_submit).then(|| view! { <p class="empty">"Designers submit quotas for approval; this view is read-only for you."</p> })}
                    <div hidden=!can_submit>
                    <h3>"Submit for approval"</h3>
                    <fieldset class="choice">
                        <legend>"Allocation to propose"</legend>
                        <label><input type="radio" name="allocation" checked=move || choice.get() == AllocationChoice::DataDriven
                            on:change=move |_| choice.set(AllocationChoice::DataDriven)/> " Data-driven"</label>
                        <label><input type="radio" name="allocation" checked=move || choice.get() == AllocationChoice::SpreadAround
                            on:change=move |_| choice.set(AllocationChoice::SpreadAround)/> " Last year + x%"</label>
                    </fieldset>
                    <div class="field">
                        <label for="quota-reason">"Why these quotas"</label>
                        <textarea id="quota-reason" rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                    </div>
                    <button type="button" class="button primary" data-testid="submit-quotas"
                        disabled=move || submit.pending().get() || reason.with(|r| r.trim().is_empty()) on:click=on_submit>
                        {move || if submit.pending().get() { "Submitting…" } else { "Submit quotas for approval" }}
                    </button>
                    {move || submit.value().get().map(|r| match r {
                        Ok(p) => view! { <Submitted proposal=p testid="quotas-submitted"/> }.into_any(),
                        Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                    })}
                    </div>
                }.into_any(),
            })}
        </section>
    }
}

#[component]
fn QuotaResult(plan: QuotaPlan) -> impl IntoView {
    let QuotaPlan { target, data_driven, spread_around, implied_uplift, comparison, .. } = plan;
    view! {
        <div data-testid="quota-result">
            <p>
                "Target " <strong data-testid="quota-target" data-amount=target.to_string()>{grouped(target)}</strong>
                ", an uplift of " <strong data-testid="implied-uplift">{percent_label(implied_uplift)}</strong>
                " on this year's quotas in scope."
            </p>
            <div class="chart-grid">
                <AllocationPanel allocation=data_driven testid="allocation-data-driven"/>
                <AllocationPanel allocation=spread_around testid="allocation-spread-around"/>
            </div>
            <h3>"Side by side"</h3>
            <DataTable caption="Fairness of the two allocations" headers=vec!["Measure", "#Data-driven", "#Last year + x%", "Better"] show_caption=true
                rows=comparison.metrics.into_iter().map(|m| {
                    let better = if (m.data_driven < m.spread_around) == m.lower_is_better { "data-driven" } else { "last year + x%" };
                    let better = if m.data_driven == m.spread_around { "same" } else { better };
                    Row::new(vec![
                        Cell::head(m.label),
                        Cell::num(ratio(m.data_driven)),
                        Cell::num(ratio(m.spread_around)),
                        Cell::text(better),
                    ]).attr("data-metric", m.key)
                }).collect()/>
            <DataTable caption="Quota per seller" headers=vec!["Seller", "#Data-driven", "#Last year + x%", "#Difference"] show_caption=true
                rows=comparison.rows.into_iter().map(|r| Row::new(vec![
                    Cell::head(r.name).aside(r.person_id.clone()),
                    Cell::num(grouped(r.data_driven)).attr("data-amount", r.data_driven.to_string()),
                    Cell::num(grouped(r.spread_around)).attr("data-amount", r.spread_around.to_string()),
                    Cell::num(grouped(r.difference)),
                ]).attr("data-person", r.person_id)).collect()/>
        </div>
    }
}

#[component]
fn AllocationPanel(allocation: Allocation, testid: &'static str) -> impl IntoView {
    let f = allocation.fairness;
    let a = f.attainment;
    let bars: Vec<Bar> =
        a.buckets.iter().map(|b| Bar { label: b.label.clone(), value: Decimal::from(b.sellers as u64) }).collect();
    let total: Decimal = allocation.lines.iter().map(|l| l.quota).sum();
    view! {
        <article class="panel inset" data-testid=testid>
            <h3>{allocation.label.clone()}</h3>
            <Facts items=vec![
                ("Total quota".into(), Cell::text(grouped(total)).attr("data-amount", total.to_string())),
                ("Gini, quota / potential".into(), Cell::text(ratio(f.quota_to_potential.gini)).attr("data-testid", "gini-potential")),
                ("Gini, quota / history".into(), Cell::text(ratio(f.quota_to_history.gini)).attr("data-testid", "gini-history")),
                ("Attainment P10 · median · P90".into(), Cell::text(format!("{} · {} · {}", percent_label(decimal(a.p10)), percent_label(decimal(a.median)), percent_label(decimal(a.p90))))),
                ("Expected share at or above target".into(), Cell::text(percent_label(decimal(a.expected_share_at_target)))),
            ]/>
            <BarChart title=format!("{}: sellers by simulated attainment ({} runs)", allocation.label, a.runs)
                x_label="Attainment" y_label="Sellers" bars=bars y_format=|d| d.normalize().to_string()/>
        </article>
    }
}

#[component]
fn Territories(
    token: String,
    scope: impl Fn() -> Scope + Copy + Send + Sync + 'static,
    can_submit: bool,
) -> impl IntoView {
    let share = RwSignal::new("10".to_owned());
    let share_error = RwSignal::new(None::<String>);
    let last = StoredValue::new(None::<TerritoryPlanRequest>);
    let token_run = token.clone();
    let run = Action::new_local(move |request: &TerritoryPlanRequest| {
        let (token, request) = (token_run.clone(), request.clone());
        async move { api::plan_territories(&token, &request).await }
    });
    let on_run = move |_| match optional_decimal(&share.get_untracked()) {
        Ok(Some(p)) if p >= Decimal::ZERO && p <= Decimal::ONE_HUNDRED => {
            share_error.set(None);
            let request = TerritoryPlanRequest {
                scope: scope(),
                max_moved_share: p / Decimal::ONE_HUNDRED,
                locked: Vec::new(),
                move_penalty: None,
                workload_weight: None,
            };
            last.set_value(Some(request.clone()));
            run.dispatch(request);
        }
        Ok(_) => share_error.set(Some("Give a percentage between 0 and 100.".into())),
        Err(e) => share_error.set(Some(e)),
    };
    let reason = RwSignal::new(String::new());
    let submit = Action::new_local(move |request: &TerritoryProposalRequest| {
        let (token, request) = (token.clone(), request.clone());
        async move { api::propose_territories(&token, &request).await }
    });
    let on_submit = move |_| {
        if let Some(plan) = last.get_value() {
            submit.dispatch(TerritoryProposalRequest { plan, reason: reason.get_untracked() });
        }
    };
    view! {
        <section class="panel" aria-labelledby="territory-heading">
            <h2 id="territory-heading">"Territory balancing"</h2>
            <div class="field">
                <label for="moved-share">"Most accounts that may change owner (%)"</label>
                <input id="moved-share" inputmode="decimal" prop:value=move || share.get()
                    aria-invalid=move || share_error.with(|e| e.is_some()).then_some("true") aria-describedby="moved-share-error"
                    on:input=move |ev| share.set(event_target_value(&ev))/>
                <p id="moved-share-error" class="field-error" aria-live="polite">{move || share_error.get()}</p>
            </div>
            <button type="button" class="button primary" data-testid="run-territories" disabled=move || run.pending().get() on:click=on_run>
                {move || if run.pending().get() { "Balancing…" } else { "Balance territories" }}
            </button>
            {move || run.value().get().map(|r| match r {
                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                Ok(proposal) => {
                    let moves = proposal.moves.len();
                    view! {
                        <TerritoryResult proposal=proposal/>
                        {(moves > 0 && can_submit).then(|| view! {
                            <h3>"Submit for approval"</h3>
                            <div class="field">
                                <label for="territory-reason">"Why these moves"</label>
                                <textarea id="territory-reason" rows="2" prop:value=move || reason.get() on:input=move |ev| reason.set(event_target_value(&ev))></textarea>
                            </div>
                            <button type="button" class="button primary" data-testid="submit-territories"
                                disabled=move || submit.pending().get() || reason.with(|r| r.trim().is_empty()) on:click=on_submit>
                                {move || if submit.pending().get() { "Submitting…" } else { "Submit moves for approval" }}
                            </button>
                            {move || submit.value().get().map(|r| match r {
                                Ok(p) => view! { <Submitted proposal=p testid="territories-submitted"/> }.into_any(),
                                Err(e) => view! { <ErrorPanel error=e/> }.into_any(),
                            })}
                        })}
                    }.into_any()
                }
            })}
        </section>
    }
}

#[component]
fn TerritoryResult(proposal: TerritoryProposal) -> impl IntoView {
    let TerritoryProposal { sellers, moves, summary, .. } = proposal;
    let before: Vec<Bar> = sellers.iter().map(|s| Bar { label: s.name.clone(), value: s.potential_before }).collect();
    let after: Vec<Bar> = sellers.iter().map(|s| Bar { label: s.name.clone(), value: s.potential_after }).collect();
    view! {
        <div data-testid="territory-result">
            <p data-testid="territory-summary" data-moved=summary.moved.to_string()>
                {format!(
                    "{} of {} accounts move ({} locked, at most {}). Gini of potential per seller: {} before, {} after.",
                    summary.moved, summary.accounts, summary.locked, summary.max_moves,
                    ratio(summary.potential_before.gini), ratio(summary.potential_after.gini)
                )}
            </p>
            <div class="chart-grid">
                <BarChart title="Potential per seller before balancing" x_label="Seller" y_label="Potential" bars=before y_format=compact/>
                <BarChart title="Potential per seller after balancing" x_label="Seller" y_label="Potential" bars=after y_format=compact/>
            </div>
            <DataTable caption="Sellers before and after" headers=vec!["Seller", "#Accounts", "#Potential before", "#Potential after", "#Index before", "#Index after"] show_caption=true
                rows=sellers.into_iter().map(|s| Row::new(vec![
                    Cell::head(s.name),
                    Cell::num(format!("{} → {}", s.accounts_before, s.accounts_after)),
                    Cell::num(grouped(s.potential_before)),
                    Cell::num(grouped(s.potential_after)),
                    Cell::num(ratio(s.potential_index_before)),
                    Cell::num(ratio(s.potential_index_after)),
                ]).attr("data-person", s.person_id)).collect()/>
            {if moves.is_empty() {
                view! { <p class="empty" data-testid="no-moves">"The territories are already balanced within the limits: no account moves."</p> }.into_any()
            } else {
                view! {
                    <DataTable caption="Accounts that move" headers=vec!["Account", "From", "To", "#Potential", "Reason"] show_caption=true
                        rows=moves.into_iter().map(|m| Row::new(vec![
                            Cell::head(m.account_name).aside(m.account_id.clone()),
                            Cell::text(m.from),
                            Cell::text(m.to),
                            Cell::num(grouped(m.potential)),
                            Cell::text(m.reason),
                        ]).attr("data-testid", "move").attr("data-account", m.account_id)).collect()/>
                }.into_any()
            }}
        </div>
    }
}

#[component]
fn Submitted(proposal: Proposal, testid: &'static str) -> impl IntoView {
    let waiting = proposal
        .current_step()
        .map(|s| {
            let roles: Vec<String> = s.roles.iter().map(|r| format!("{r:?}").to_lowercase()).collect();
            format!(" from {}", roles.join(" or "))
        })
        .unwrap_or_default();
    view! {
        <div class="notice ok" role="status" data-testid=testid data-proposal=proposal.id.clone()>
            <p>"Submitted as proposal " <code>{proposal.id.clone()}</code> ". It now waits for approval" {waiting} "."</p>
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
    fn amounts_group_by_thousands_and_inputs_parse() {
        assert_eq!(grouped(Decimal::new(123456789, 2)), "1,234,568");
        assert_eq!(grouped(Decimal::new(-1000, 0)), "-1,000");
        assert_eq!(grouped(Decimal::new(999, 0)), "999");
        assert_eq!(optional_decimal(" "), Ok(None));
        assert_eq!(optional_decimal("1,500,000"), Ok(Some(Decimal::new(1_500_000, 0))));
        assert!(optional_decimal("ten").is_err());
    }
}
