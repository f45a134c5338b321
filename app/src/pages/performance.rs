//! A payee's performance at `/performance` (or `/team/:person/performance` for a manager):
//! attainment gauge and trend, earnings to date and projected, the plan's payout curve with
//! "you are here", deferred amounts, disputes and coaching.

use crate::api::Dispute;
use crate::api::{self, PayeeData};
use crate::components::charts::{Bar, BarChart, Gauge, LineChart, Marker, Series, compact, percent_label};
use crate::components::{Cell, DataTable, Money, Remote, Row, load};
use crate::dates::month_abbr;
use crate::insight::{self, PayeeModel};
use crate::pages::coaching::Messages;
use crate::pages::signin::persona_meta;
use crate::pages::{PageHead, SignedIn, subject};
use leptos::prelude::*;
use plumbline_engine::Currency;
use rust_decimal::Decimal;

/// The performance page.
#[component]
pub fn PerformancePage() -> impl IntoView {
    view! {
        <SignedIn children=|session| {
            let subject = subject(&session);
            let token = session.token.clone();
            let data = load(move || {
                let token = token.clone();
                let person = subject.get();
                async move { api::payee_model(&token, &person, None).await }
            });
            view! {
                <div class="page">
                    <Remote resource=data loading="Loading performance…" children=|d| view! { <Performance data=d/> }/>
                </div>
            }
        }/>
    }
}

#[component]
fn Performance(data: PayeeData) -> impl IntoView {
    let PayeeData { response, model } = data;
    let statement = response.statement;
    let currency = statement.currency.clone();
    let year_start = statement.year_start;
    let main = insight::main_line(&statement).cloned();
    let attainment = main.as_ref().and_then(|l| l.attainment);
    let earned = insight::earned_to_date(&statement);
    let elapsed = insight::months_elapsed(year_start, &statement.period);
    let trend = insight::trend(&model, year_start);
    let projected = attainment.map(|a| insight::projected_attainment(a, elapsed));
    let curve = curve_view(&model, attainment, projected, &currency);
    let projected_pay =
        projected.and_then(|p| insight::payout_curve(&model, &[p]).and_then(|c| c.first().map(|pt| pt.earned)));

    view! {
        <PageHead eyebrow="Performance" title=response.person.name.clone() lede=persona_meta(&response.person)/>
        <section class="cards" aria-label="Headline figures">
            <div class="panel card">
                {match attainment {
                    Some(a) => view! {
                        <Gauge value=a max=Decimal::new(15, 1).max(a.round_dp(1) + Decimal::new(1, 1)) label=format!("{} year to date", main.as_ref().map(|l| l.component_name.clone()).unwrap_or_default())/>
                    }.into_any(),
                    None => view! { <p class="empty">"Your plan has no quota component, so there is no attainment to show."</p> }.into_any(),
                }}
            </div>
            <div class="panel card figures">
                <Figure label="Earned this plan year" amount=earned currency=currency.clone() testid="earned-to-date"/>
                <Figure label=format!("Paid for {}", statement.period.label) amount=statement.total currency=currency.clone() testid="period-total"/>
                {projected_pay.map(|p| view! {
                    <Figure label="Projected for the year at your pace" amount=p currency=currency.clone() testid="projected"/>
                })}
                {projected.map(|p| view! {
                    <p class="meta">
                        "At your pace so far (" {elapsed} " of 12 months) you would finish the year at "
                        <strong>{percent_label(p)}</strong> " of quota. The projection scales your own business; try other numbers in "
                        <a href="/whatif">"What-if"</a> "."
                    </p>
                })}
            </div>
        </section>
        {match trend {
            Ok(points) => trend_view(points, &currency).into_any(),
            Err(message) => view! { <p class="panel warning">"The trend could not be computed: " {message}</p> }.into_any(),
        }}
        {curve}
        <section class="panel" aria-labelledby="deferred-heading">
            <h2 id="deferred-heading">"Deferred and unvested pay"</h2>
            <p class="empty">
                "Not available yet: the API does not report deferred or unvested amounts (the regulation engine's "
                "deferral is not wired into statements), so none are shown here."
            </p>
        </section>
        <Disputes person_id=response.person.person_id.clone()/>
        <Coaching person_id=response.person.person_id.clone()/>
    }
}

/// One labelled money figure.
#[component]
fn Figure(#[prop(into)] label: String, amount: Decimal, currency: Currency, testid: &'static str) -> impl IntoView {
    view! {
        <div class="figure">
            <p class="figure-label">{label}</p>
            <p class="figure-value" data-testid=testid data-amount=amount.to_string()>
                <Money amount=amount currency=currency/>
            </p>
        </div>
    }
}

fn trend_view(points: Vec<insight::MonthPoint>, currency: &Currency) -> impl IntoView + use<> {
    let ticks: Vec<(Decimal, String)> =
        points.iter().enumerate().map(|(i, p)| (Decimal::from(i), month_abbr(p.period.start).to_owned())).collect();
    let attainment: Vec<(Decimal, Decimal)> =
        points.iter().enumerate().filter_map(|(i, p)| p.attainment.map(|a| (Decimal::from(i), a))).collect();
    let bars: Vec<Bar> =
        points.iter().map(|p| Bar { label: month_abbr(p.period.start).to_owned(), value: p.total }).collect();
    let symbol = currency.symbol().to_owned();
    let has_attainment = !attainment.is_empty();
    view! {
        <section class="panel" aria-labelledby="trend-heading">
            <h2 id="trend-heading">"This plan year, month by month"</h2>
            <div class="chart-grid">
                {has_attainment.then(|| view! {
                    <LineChart
                        title="Attainment of quota at each month end"
                        x_label="Month"
                        y_label="Attainment"
                        series=vec![Series { name: "Attainment".into(), points: attainment.clone(), dashed: false }]
                        x_ticks=ticks.clone()
                        x_format=compact
                        y_format=percent_label
                    />
                })}
                <BarChart
                    title="Pay in each month"
                    x_label="Month"
                    y_label=format!("Pay ({symbol})")
                    bars=bars
                    y_format=compact
                />
            </div>
        </section>
    }
}

fn curve_view(
    model: &PayeeModel,
    now: Option<Decimal>,
    projected: Option<Decimal>,
    currency: &Currency,
) -> impl IntoView + use<> {
    let now = now.filter(|a| *a > Decimal::ZERO);
    let top = now.into_iter().chain(projected).fold(Decimal::new(15, 1), Decimal::max).min(Decimal::from(3));
    let steps: Vec<Decimal> = (0..=12).map(|i| top * Decimal::from(i) / Decimal::from(12)).collect();
    let with_here: Vec<Decimal> = now.into_iter().chain(steps).collect();
    let curve = now.and_then(|_| insight::payout_curve(model, &with_here));
    let symbol = currency.symbol().to_owned();
    view! {
        <section class="panel" aria-labelledby="curve-heading">
            <h2 id="curve-heading">"Your payout curve"</h2>
            {match curve {
                Some(mut points) => {
                    let here = points.remove(0);
                    let c = currency.clone();
                    view! {
                        <p class="meta">
                            "What your main component pays by now at other attainments, computed by the plan's own rules "
                            "on your mix of business. You are at " <strong>{percent_label(here.attainment)}</strong>
                            ", having earned " <Money amount=here.earned currency=c/> "."
                        </p>
                        <LineChart
                            title="Earnings against attainment, with where you are"
                            x_label="Attainment of quota"
                            y_label=format!("Earned to date ({symbol})")
                            series=vec![Series { name: "Payout".into(), points: points.iter().map(|p| (p.attainment, p.earned)).collect(), dashed: false }]
                            marker=Marker { x: here.attainment, y: here.earned, label: "You are here".into() }
                            x_format=percent_label
                            y_format=compact
                        />
                    }
                    .into_any()
                }
                None => view! {
                    <p class="empty">"There is no curve to draw yet: the plan has no quota component, or nothing has been credited this year."</p>
                }
                .into_any(),
            }}
        </section>
    }
}

/// The disputes this person has raised.
#[component]
fn Disputes(person_id: String) -> impl IntoView {
    let session = crate::session::use_session();
    let token = session.get_untracked().map(|s| s.token).unwrap_or_default();
    let list = load(move || {
        let token = token.clone();
        async move { api::disputes(&token).await }
    });
    view! {
        <section class="panel" aria-labelledby="disputes-heading">
            <h2 id="disputes-heading">"Disputes raised"</h2>
            <Remote resource=list loading="Loading disputes…" children={move |items: Vec<Dispute>| {
                let mine: Vec<Dispute> = items.into_iter().filter(|d| d.person_id == person_id).collect();
                if mine.is_empty() {
                    return view! { <p class="empty">"No disputes raised."</p> }.into_any();
                }
                let rows = mine.into_iter().map(|d| Row::new(vec![
                    Cell::text(d.period),
                    Cell::text(d.component_id),
                    Cell::text(crate::pages::views::dispute_status(d.status)),
                    Cell::text(d.comment),
                ])).collect();
                view! { <DataTable caption="Disputes raised" headers=vec!["Period", "Line", "Status", "Comment"] rows=rows/> }.into_any()
            }}/>
        </section>
    }
}

/// The person's coaching nudges from the coaching engine, each with its evidence, and where
/// their performance reviews are.
#[component]
fn Coaching(person_id: String) -> impl IntoView {
    let session = crate::session::use_session();
    let me = session.get_untracked().map(|s| s.persona.person_id).unwrap_or_default();
    let reviews =
        if person_id == me { "/review".to_owned() } else { format!("/team/{}/review", api::path_segment(&person_id)) };
    let token = session.get_untracked().map(|s| s.token).unwrap_or_default();
    let list = load(move || {
        let (token, person) = (token.clone(), person_id.clone());
        async move { api::nudges(&token, &person).await }
    });
    view! {
        <section class="panel" aria-labelledby="coaching-heading">
            <h2 id="coaching-heading">"Coaching"</h2>
            <Remote resource=list loading="Loading coaching…" children=|messages| view! { <Messages messages=messages empty="No nudges this week."/> }/>
            <p><a href=reviews>"Performance reviews"</a></p>
        </section>
    }
}
