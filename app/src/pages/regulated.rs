//! The regulated part of a statement (plans with regulated pay): conduct reductions with the
//! event and rule, deferral and vesting, malus and clawback, and what is paid now, deferred
//! and still unvested.

use crate::api::Regulated;
use crate::components::{Cell, DataTable, Facts, Money, Row};
use leptos::prelude::*;
use plumbline_regulation::statement::LineKind;

fn kind_label(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Pay => "Pay",
        LineKind::Conduct => "Conduct reduction",
        LineKind::Chargeback => "Chargeback",
        LineKind::ClientAttribution => "Client attribution",
        LineKind::Deferral => "Deferral",
        LineKind::Vesting => "Vesting",
        LineKind::Malus => "Malus",
        LineKind::Clawback => "Clawback",
    }
}

fn kind_key(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Pay => "pay",
        LineKind::Conduct => "conduct",
        LineKind::Chargeback => "chargeback",
        LineKind::ClientAttribution => "client_attribution",
        LineKind::Deferral => "deferral",
        LineKind::Vesting => "vesting",
        LineKind::Malus => "malus",
        LineKind::Clawback => "clawback",
    }
}

/// Every regulated line (each with its reference, rule, figures and explanation), the totals
/// and the unvested tranches by vesting date.
#[component]
pub fn RegulatedPanel(regulated: Regulated) -> impl IntoView {
    let Regulated { currency, lines, variable_pay, deferred, paid_now, unvested, unvested_total, summary } = regulated;
    let cur = currency.clone();
    view! {
        <section class="panel" aria-labelledby="regulated-heading" data-testid="regulated">
            <h2 id="regulated-heading">"Regulated pay"</h2>
            <p>{summary}</p>
            <Facts items=vec![
                ("Variable pay".into(), Cell::money(variable_pay, &currency).attr("data-testid", "variable-pay")),
                ("Paid now".into(), Cell::money(paid_now, &currency).attr("data-testid", "paid-now")),
                ("Deferred".into(), Cell::money(deferred, &currency).attr("data-testid", "deferred")),
                ("Unvested balance".into(), Cell::money(unvested_total, &currency).attr("data-testid", "unvested-total")),
            ]/>
            <h3>"Lines"</h3>
            <div class="regulated-lines">
                {lines
                    .into_iter()
                    .map(|l| {
                        let cur = cur.clone();
                        view! {
                            <article class="panel" data-testid="regulated-line" data-kind=kind_key(l.kind) data-amount=l.amount.to_string()>
                                <p>
                                    <strong>{kind_label(l.kind)}</strong>
                                    " "
                                    <span class="num" data-testid="regulated-amount"><Money amount=l.amount currency=cur/></span>
                                </p>
                                <p class="meta"><code>{l.reference}</code> " · " {l.rule}</p>
                                <p>{l.explanation}</p>
                                <dl class="facts">
                                    {l
                                        .figures
                                        .into_iter()
                                        .map(|f| view! { <div><dt>{f.label}</dt><dd>{f.value.to_string()}</dd></div> })
                                        .collect_view()}
                                </dl>
                            </article>
                        }
                    })
                    .collect_view()}
            </div>
            <DataTable caption="Unvested deferred pay by vesting date" headers=vec!["Award", "Vests on", "#Amount"] show_caption=true
                rows=unvested.into_iter().map(|u| Row::new(vec![
                    Cell::head(u.award_id),
                    Cell::text(u.vests_on.to_string()),
                    Cell::money(u.amount, &currency),
                ]).attr("data-testid", "unvested").attr("data-amount", u.amount.to_string())).collect()/>
        </section>
    }
}
