//! The rep's what-if at `/whatif`: add a hypothetical deal or flow, move a transaction's date,
//! change AUM growth; the statement is recomputed in the browser by the shared engine on every
//! change, with no server round trip. The time each recompute took is shown and exposed as
//! `data-recompute-us` for the e2e test and the benchmark.

use crate::api::{self, PayeeData};
use crate::components::{Cell, DataTable, Money, Remote, Row, load};
use crate::dates::short_date;
use crate::insight::{self, PayeeModel};
use crate::pages::{PageHead, SignedIn, subject};
use chrono::NaiveDate;
use leptos::prelude::*;
use leptos_router::hooks::use_query_map;
use plumbline_engine::simulate::{Change, WhatIf};
use plumbline_engine::{Currency, Party, Transaction, TxnKind};
use rust_decimal::Decimal;

/// The what-if page.
#[component]
pub fn WhatIfPage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let subject = subject(&session);
            let query = use_query_map();
            let token = session.token.clone();
            let data = load(move || {
                let token = token.clone();
                let person = subject.get();
                let period = query.with(|q| q.get("period")).filter(|p| !p.is_empty());
                async move { api::payee_model(&token, &person, period.as_deref()).await }
            });
            view! {
                <div class="page">
                    <PageHead
                        eyebrow="What-if"
                        title="What if…"
                        lede="Try a deal that has not closed, a date that slips or a change in market growth. Your statement is recalculated here, in your browser, by the same engine that pays you."
                    />
                    <Remote resource=data loading="Loading your plan and transactions…" children=|d| view! { <WhatIfPanel data=d/> }/>
                </div>
            }
        }/>
    }
}

/// Microseconds since page load, from the browser's high-resolution clock.
fn now_us() -> u64 {
    web_sys::window().and_then(|w| w.performance()).map_or(0, |p| (p.now() * 1000.0) as u64)
}

/// `0.42 ms` from microseconds, without float formatting.
fn millis(us: u64) -> String {
    format!("{}.{:02} ms", us / 1000, (us % 1000) / 10)
}

fn kind_key(kind: TxnKind) -> &'static str {
    match kind {
        TxnKind::Booking => "booking",
        TxnKind::FeeRevenue => "fee_revenue",
        TxnKind::Trail => "trail",
        TxnKind::Inflow => "inflow",
        TxnKind::Outflow => "outflow",
        TxnKind::Aum => "aum",
    }
}

const DEAL_KINDS: [TxnKind; 5] =
    [TxnKind::Booking, TxnKind::FeeRevenue, TxnKind::Trail, TxnKind::Inflow, TxnKind::Outflow];

/// The kinds the plan measures that a hypothetical deal or flow can be (AUM is a balance).
fn deal_kinds(model: &PayeeModel) -> Vec<TxnKind> {
    let measured: Vec<TxnKind> =
        model.plan.components.iter().filter_map(|c| c.measure()).flat_map(|m| m.kinds.iter().copied()).collect();
    DEAL_KINDS.into_iter().filter(|k| measured.contains(k)).collect()
}

/// The crediting role the payee usually holds on their own transactions.
fn usual_role(model: &PayeeModel) -> String {
    let payee = model.inputs.payee.as_ref();
    model
        .inputs
        .transactions
        .iter()
        .flat_map(|t| t.parties.iter())
        .find(|p| p.payee == payee)
        .map_or_else(|| "owner".to_owned(), |p| p.role.clone())
}

/// A hypothetical transaction for the payee.
fn hypothetical(model: &PayeeModel, n: usize, kind: TxnKind, amount: Decimal, date: NaiveDate, role: &str) -> Change {
    Change::AddTransaction {
        transaction: Transaction {
            id: format!("what-if-{n}"),
            date,
            kind,
            amount,
            currency: model.plan.currency.clone(),
            product: None,
            client_id: None,
            channel: None,
            origin: None,
            recorded_on: None,
            parties: vec![Party { payee: model.inputs.payee.to_string(), role: role.to_owned() }],
        },
    }
}

/// A change as a sentence, for the list of pinned changes.
fn describe(change: &Change, currency: &Currency) -> String {
    match change {
        Change::AddTransaction { transaction: t } => format!(
            "Add {} of {} on {}",
            t.kind.label(),
            plumbline_engine::format::money(t.amount, currency),
            short_date(t.date)
        ),
        Change::MoveTransaction { id, date } => format!("Move {id} to {}", short_date(*date)),
        Change::Scale { factor, .. } => format!("Scale AUM and flows by {factor}"),
    }
}

#[component]
fn WhatIfPanel(data: PayeeData) -> impl IntoView {
    let PayeeData { response, model } = data;
    let currency = model.plan.currency.clone();
    let period = model.period.clone();
    let default_date = response.as_of.clamp(period.start, period.end);
    let kinds = deal_kinds(&model);
    let role = usual_role(&model);
    let mut movable: Vec<Transaction> =
        model.inputs.transactions.iter().filter(|t| t.kind != TxnKind::Aum).cloned().collect();
    movable.sort_by(|a, b| b.date.cmp(&a.date).then_with(|| a.id.cmp(&b.id)));
    movable.truncate(200);
    let first_movable = movable.first().map(|t| t.id.clone()).unwrap_or_default();
    let model = StoredValue::new(model);

    // The form's state; every change recomputes.
    let pinned = RwSignal::new(Vec::<Change>::new());
    let kind = RwSignal::new(kinds.first().copied().unwrap_or(TxnKind::Booking));
    let amount = RwSignal::new(String::new());
    let date = RwSignal::new(default_date.to_string());
    let move_id = RwSignal::new(first_movable);
    let move_date = RwSignal::new(period.start.to_string());
    let growth = RwSignal::new("0".to_owned());

    let amount_value = Memo::new(move |_| amount.with(|a| a.trim().replace(',', "").parse::<Decimal>().ok()));
    let amount_error = Memo::new(move |_| {
        amount.with(|a| {
            (!a.trim().is_empty() && amount_value.get().is_none_or(|v| v < Decimal::ZERO))
                .then_some("Enter an amount such as 250000 (no currency sign).")
        })
    });
    let date_value = Memo::new(move |_| date.with(|d| d.parse::<NaiveDate>().ok()));
    let growth_value = Memo::new(move |_| growth.with(|g| g.parse::<Decimal>().ok()).unwrap_or_default());
    let role_for_draft = role.clone();
    let draft = Memo::new(move |_| {
        let n = pinned.with(Vec::len) + 1;
        match (amount_value.get(), date_value.get()) {
            (Some(a), Some(d)) if a > Decimal::ZERO => {
                model.with_value(|m| Some(hypothetical(m, n, kind.get(), a, d, &role_for_draft)))
            }
            _ => None,
        }
    });
    let changes = Memo::new(move |_| {
        let mut all = pinned.get();
        all.extend(draft.get());
        let g = growth_value.get();
        if !g.is_zero() {
            all.push(Change::Scale {
                factor: Decimal::ONE + g / Decimal::ONE_HUNDRED,
                kinds: Vec::new(),
                from: Some(period.start),
            });
        }
        all
    });
    // The recompute, timed: (result, microseconds).
    let result = Memo::new(move |_| {
        let changes = changes.get();
        let start = now_us();
        let outcome = model.with_value(|m| insight::what_if(m, &changes)).map_err(|e| e.to_string());
        (outcome, now_us().saturating_sub(start))
    });

    let pin_draft = move |_| {
        if let Some(change) = draft.get_untracked() {
            pinned.update(|p| p.push(change));
            amount.set(String::new());
        }
    };
    let pin_move = move |_| {
        if let Ok(d) = move_date.get_untracked().parse::<NaiveDate>() {
            let id = move_id.get_untracked();
            if !id.is_empty() {
                pinned.update(|p| p.push(Change::MoveTransaction { id, date: d }));
            }
        }
    };
    let c_list = currency.clone();
    let c_result = currency.clone();
    let period_label = period.label.clone();

    view! {
        <div class="whatif">
            <form class="panel whatif-form" on:submit=|ev| ev.prevent_default() aria-labelledby="whatif-form-heading">
                <h2 id="whatif-form-heading">"Changes for " {period_label}</h2>
                <fieldset>
                    <legend>"A hypothetical deal or flow"</legend>
                    <div class="field">
                        <label for="deal-kind">"Kind"</label>
                        <select id="deal-kind" on:change=move |ev| {
                            let v = event_target_value(&ev);
                            if let Some(k) = DEAL_KINDS.into_iter().find(|k| kind_key(*k) == v) {
                                kind.set(k);
                            }
                        }>
                            {kinds.iter().map(|k| view! { <option value=kind_key(*k)>{k.label()}</option> }).collect_view()}
                        </select>
                    </div>
                    <div class="field">
                        <label for="deal-amount">"Amount (" {currency.0.clone()} ")"</label>
                        <input
                            id="deal-amount"
                            inputmode="decimal"
                            autocomplete="off"
                            aria-invalid=move || amount_error.get().is_some().then_some("true")
                            aria-describedby="deal-amount-error"
                            prop:value=move || amount.get()
                            on:input=move |ev| amount.set(event_target_value(&ev))
                        />
                        <p id="deal-amount-error" class="field-error" aria-live="polite">{move || amount_error.get()}</p>
                    </div>
                    <div class="field">
                        <label for="deal-date">"Closes on"</label>
                        <input id="deal-date" type="date" prop:value=move || date.get() on:input=move |ev| date.set(event_target_value(&ev))/>
                    </div>
                    <button type="button" class="button" on:click=pin_draft disabled=move || draft.with(Option::is_none)>
                        "Keep it and add another"
                    </button>
                </fieldset>
                <fieldset>
                    <legend>"Move a close date"</legend>
                    {if movable.is_empty() {
                        view! { <p class="empty">"You have no transactions to move."</p> }.into_any()
                    } else {
                        let c = currency.clone();
                        view! {
                            <div class="field">
                                <label for="move-txn">"Transaction"</label>
                                <select id="move-txn" on:change=move |ev| move_id.set(event_target_value(&ev))>
                                    {movable.iter().map(|t| {
                                        let text = format!("{} · {} · {} {}", t.id, short_date(t.date), plumbline_engine::format::money(t.amount, &c), t.kind.label());
                                        view! { <option value=t.id.clone()>{text}</option> }
                                    }).collect_view()}
                                </select>
                            </div>
                            <div class="field">
                                <label for="move-date">"New date"</label>
                                <input id="move-date" type="date" prop:value=move || move_date.get() on:input=move |ev| move_date.set(event_target_value(&ev))/>
                            </div>
                            <button type="button" class="button" on:click=pin_move>"Move it"</button>
                        }.into_any()
                    }}
                </fieldset>
                <fieldset>
                    <legend>"Market growth"</legend>
                    <div class="field">
                        <label for="growth">"AUM and flows from " {short_date(period.start)} ": " <strong>{move || format!("{:+}%", growth_value.get())}</strong></label>
                        <input id="growth" type="range" min="-50" max="100" step="1" prop:value=move || growth.get() on:input=move |ev| growth.set(event_target_value(&ev))/>
                    </div>
                </fieldset>
                {move || {
                    let list = pinned.get();
                    (!list.is_empty()).then(|| {
                        let c = c_list.clone();
                        view! {
                            <div class="pinned">
                                <h3>"Kept changes"</h3>
                                <ul>
                                    {list.iter().enumerate().map(|(i, ch)| view! {
                                        <li>
                                            {describe(ch, &c)} " "
                                            <button type="button" class="button quiet" on:click=move |_| pinned.update(|p| { p.remove(i); })>
                                                "Remove"
                                            </button>
                                        </li>
                                    }).collect_view()}
                                </ul>
                                <button type="button" class="button quiet" on:click=move |_| pinned.set(Vec::new())>"Clear all"</button>
                            </div>
                        }
                    })
                }}
            </form>
            <section
                class="panel whatif-result"
                aria-labelledby="whatif-result-heading"
                aria-live="polite"
                data-testid="whatif-result"
                data-recompute-us=move || result.with(|r| r.1.to_string())
                data-changes=move || changes.with(Vec::len).to_string()
            >
                <h2 id="whatif-result-heading">"Your statement with these changes"</h2>
                {move || {
                    let (outcome, us) = result.get();
                    match outcome {
                        Ok(w) => view! { <Outcome whatif=w currency=c_result.clone() us=us/> }.into_any(),
                        Err(message) => view! { <p class="warning" role="alert">"These changes cannot be calculated: " {message}</p> }.into_any(),
                    }
                }}
            </section>
        </div>
    }
}

#[component]
fn Outcome(whatif: WhatIf, currency: Currency, us: u64) -> impl IntoView {
    let WhatIf { before, after, delta, lines } = whatif;
    let name = |id: &str| {
        after
            .lines
            .iter()
            .chain(before.lines.iter())
            .find(|l| l.component_id == id)
            .map_or_else(|| id.to_owned(), |l| l.component_name.clone())
    };
    let rows = lines
        .iter()
        .filter(|l| !(l.before.is_zero() && l.after.is_zero()))
        .map(|l| {
            Row::new(vec![
                Cell::head(name(&l.component_id)),
                Cell::money(l.before, &currency),
                Cell::money(l.after, &currency),
                Cell::money(l.delta, &currency),
            ])
        })
        .collect();
    view! {
        <div class="whatif-figures">
            <div class="figure">
                <p class="figure-label">"As it stands"</p>
                <p class="figure-value" data-testid="whatif-before" data-amount=before.total.to_string()><Money amount=before.total currency=currency.clone()/></p>
            </div>
            <div class="figure">
                <p class="figure-label">"With the changes"</p>
                <p class="figure-value strong" data-testid="whatif-total" data-amount=after.total.to_string()><Money amount=after.total currency=currency.clone()/></p>
            </div>
            <div class="figure">
                <p class="figure-label">"Difference"</p>
                <p class="figure-value" data-testid="whatif-delta" data-amount=delta.to_string()><Money amount=delta currency=currency.clone()/></p>
            </div>
        </div>
        <DataTable caption="Each line before and after the changes" headers=vec!["Line", "#Now", "#What-if", "#Change"] rows=rows/>
        <p class="meta">"Recomputed in your browser in " <span data-testid="recompute-time">{millis(us)}</span> "."</p>
    }
}
