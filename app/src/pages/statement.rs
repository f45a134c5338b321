//! The statement page at `/statement?period=YYYY-MM`: the total, and every line behind it.

use super::regulated::RegulatedPanel;
use crate::api;
use crate::components::{AttainmentBar, Cell, DataTable, ErrorPanel, Facts, Loading, Money, Row};
use crate::dates::{month_name, short_date};
use crate::pages::signin::persona_meta;
use crate::session::{Session, use_session};
use chrono::{Datelike, Months, NaiveDate};
use leptos::prelude::*;
use leptos_router::NavigateOptions;
use leptos_router::components::Redirect;
use leptos_router::hooks::{use_navigate, use_query_map};
use plumbline_engine::format::percent;
use plumbline_engine::statement::{FigureUnit, LineKind};
use plumbline_engine::{Currency, Period, Statement, StatementLine};
use plumbline_firm::api::{ApiError, DisputeRequest, StatementResponse};
use rust_decimal::Decimal;

/// `1–30 Nov 2026`.
fn date_range(period: &Period) -> String {
    format!("{}–{}", period.start.day(), short_date(period.end))
}

/// The months one can pick: the plan year from its first month up to the as-of month (latest
/// first), always including the period on screen.
fn period_choices(statement: &Statement, as_of: NaiveDate) -> Vec<Period> {
    let year_end = statement.year_start + Months::new(11);
    let last = as_of.min(year_end).max(statement.period.start);
    let mut months = Vec::new();
    let mut month = statement.year_start;
    while month <= last && months.len() < 12 {
        months.push(Period::month_of(month));
        month = month + Months::new(1);
    }
    months.reverse();
    months
}

/// The statement page; sends you to sign-in when there is no session.
#[component]
pub fn StatementPage() -> impl IntoView {
    let session = use_session();
    move || match session.get() {
        Some(current) => view! { <StatementView session=current/> }.into_any(),
        None => view! { <Redirect path="/"/> }.into_any(),
    }
}

#[component]
fn StatementView(session: Session) -> impl IntoView {
    let state = use_session();
    let query = use_query_map();
    let period = Memo::new(move |_| query.with(|q| q.get("period")).filter(|p| !p.is_empty()));

    let token = session.token.clone();
    let subject = crate::pages::subject(&session);
    let statement = LocalResource::new(move || {
        let period = period.get();
        let token = token.clone();
        let person_id = subject.get();
        async move {
            if let Some(p) = period.as_deref()
                && Period::parse_month(p).is_none()
            {
                return Err(api::Error::Invalid(ApiError {
                    code: "invalid_period".to_owned(),
                    message: format!("“{p}” is not a month. Periods are written YYYY-MM, for example 2026-03."),
                    field: Some("period".to_owned()),
                }));
            }
            api::regulated_statement(&token, &person_id, period.as_deref()).await
        }
    });

    // A refused token ends the session and goes back to sign-in with the server's message.
    let navigate = use_navigate();
    Effect::new(move || {
        let refused = statement.with(|r| match r {
            Some(Err(e)) if e.is_unauthorized() => {
                Some(format!("Your session has ended. Please sign in again. ({})", e.message()))
            }
            _ => None,
        });
        if let Some(message) = refused {
            state.sign_out(Some(message));
            navigate("/", NavigateOptions { replace: true, ..Default::default() });
        }
    });

    let name = session.persona.name.clone();
    let loading_name = name.clone();
    let (pending, set_pending) = signal(false);
    Effect::new(move || {
        let title = match period.get() {
            Some(p) => format!("Statement {p} · Plumbline"),
            None => "Statement · Plumbline".to_owned(),
        };
        document().set_title(&title);
    });

    view! {
        <div class="page statement" class:stale=pending aria-busy=move || pending.get().to_string()>
            <Transition
                fallback=move || {
                    view! {
                        <PlaceholderHead name=loading_name.clone()/>
                        <Loading label="Loading your statement…"/>
                    }
                }
                set_pending
            >
                {move || {
                    let name = name.clone();
                    Suspend::new(async move {
                        match statement.await {
                            Ok((response, regulated)) => view! {
                                <StatementBody response=response pending=pending/>
                                {regulated.map(|r| view! { <RegulatedPanel regulated=r/> })}
                            }.into_any(),
                            Err(error) if error.is_unauthorized() => {
                                view! { <Loading label="Signing you out…"/> }.into_any()
                            }
                            Err(error) => {
                                let latest = period.get_untracked().is_some();
                                view! {
                                    <PlaceholderHead name=name/>
                                    <ErrorPanel error=error on_retry=move |_| statement.refetch()>
                                        {latest
                                            .then(|| {
                                                view! {
                                                    <a class="button" href="/statement">"Show the latest period"</a>
                                                }
                                            })}
                                    </ErrorPanel>
                                }
                                .into_any()
                            }
                        }
                    })
                }}
            </Transition>
        </div>
    }
}

/// The page heading while there is no statement to show (loading, or an error).
#[component]
fn PlaceholderHead(name: String) -> impl IntoView {
    view! {
        <header class="statement-head">
            <div class="statement-who">
                <p class="eyebrow">"Compensation statement"</p>
                <h1>{name}</h1>
            </div>
        </header>
    }
}

#[component]
fn StatementBody(response: StatementResponse, pending: ReadSignal<bool>) -> impl IntoView {
    let own = use_session().get_untracked().is_some_and(|s| s.persona.person_id == response.person.person_id);
    let period_label = response.statement.period.label.clone();
    let StatementResponse { person, as_of, statement, .. } = response;
    let currency = statement.currency.clone();
    let choices = period_choices(&statement, as_of);
    let period_month = month_name(statement.period.start);
    let lines_sum: Decimal = statement.lines.iter().map(|l| l.amount).sum();
    let balanced = lines_sum == statement.total;
    let total = statement.total;
    let line_count = statement.lines.len();

    view! {
        <header class="statement-head">
            <div class="statement-who">
                <p class="eyebrow">"Compensation statement"</p>
                <h1>{person.name.clone()}</h1>
                <p class="meta">{persona_meta(&person)}</p>
                <p class="meta">
                    <span class="plan">{statement.plan_name.clone()}</span>
                    " · version " {statement.plan_version}
                </p>
            </div>
            <PeriodPicker current=statement.period.clone() choices=choices pending=pending/>
        </header>

        <section class="panel total-card" aria-labelledby="total-heading">
            <div class="total-top">
                <div>
                    <h2 id="total-heading" class="total-label">"Total for " {period_month.clone()}</h2>
                    <p class="meta">
                        {date_range(&statement.period)} " · figures as of " {short_date(as_of)}
                    </p>
                </div>
                <p class="total-amount" data-testid="statement-total" data-amount=total.to_string()>
                    {plumbline_engine::format::money(total, &currency)}
                </p>
            </div>
            <table class="summary">
                <caption class="visually-hidden">"How the lines add up to the total"</caption>
                <thead class="visually-hidden">
                    <tr>
                        <th scope="col">"Component"</th>
                        <th scope="col">"Amount"</th>
                    </tr>
                </thead>
                <tbody>
                    {statement
                        .lines
                        .iter()
                        .map(|line| {
                            view! {
                                <tr>
                                    <th scope="row">{line.component_name.clone()}</th>
                                    <td class="num">
                                        <Money amount=line.amount currency=currency.clone()/>
                                    </td>
                                </tr>
                            }
                        })
                        .collect_view()}
                </tbody>
                <tfoot>
                    <tr>
                        <th scope="row">"Total"</th>
                        <td class="num">
                            <Money amount=total currency=currency.clone()/>
                        </td>
                    </tr>
                </tfoot>
            </table>
            {(!balanced)
                .then(|| {
                    view! {
                        <p class="warning" role="alert">
                            "The lines add up to " {plumbline_engine::format::money(lines_sum, &currency)}
                            ", not the total. Please report this statement."
                        </p>
                    }
                })}
        </section>

        <h2 class="section-heading">
            {if line_count == 1 { "1 line".to_owned() } else { format!("{line_count} lines") }}
        </h2>
        {if statement.lines.is_empty() {
            view! { <p class="panel empty">"Your plan has no components paying in this period."</p> }.into_any()
        } else {
            statement
                .lines
                .into_iter()
                .map(|line| {
                    // Only the payee questions their own component lines.
                    let dispute = (own && line.kind == LineKind::Component)
                        .then(|| (period_label.clone(), line.component_id.clone()));
                    view! { <LineCard line=line currency=currency.clone() dispute=dispute/> }
                })
                .collect_view()
                .into_any()
        }}
    }
}

/// Choose a month of the plan year; the choice goes into the URL.
#[component]
fn PeriodPicker(current: Period, choices: Vec<Period>, pending: ReadSignal<bool>) -> impl IntoView {
    let navigate = use_navigate();
    let location = leptos_router::hooks::use_location();
    let on_change = move |ev: leptos::ev::Event| {
        let value = event_target_value(&ev);
        let path = location.pathname.get_untracked();
        navigate(&format!("{path}?period={value}"), Default::default());
    };
    let current_label = current.label.clone();
    view! {
        <div class="period-picker">
            <label for="period">"Period"</label>
            <select id="period" on:change=on_change>
                {choices
                    .into_iter()
                    .map(|p| {
                        let selected = p.label == current_label;
                        view! {
                            <option value=p.label.clone() selected=selected>
                                {month_name(p.start)}
                            </option>
                        }
                    })
                    .collect_view()}
            </select>
            <span class="updating" aria-live="polite">
                {move || pending.get().then_some("Updating…")}
            </span>
        </div>
    }
}

/// One statement line: amount, rule, explanation, attainment and its source credits.
#[component]
fn LineCard(
    line: StatementLine,
    currency: Currency,
    /// The period and component to dispute, when the reader may dispute this line.
    dispute: Option<(String, String)>,
) -> impl IntoView {
    let StatementLine {
        kind,
        component_id,
        component_name,
        rule,
        measure_label,
        measure_ytd,
        measure_period,
        quota,
        attainment,
        bands,
        capped,
        floored,
        conditions,
        figures,
        earned_to_date,
        paid_before,
        amount,
        credits,
        ytd_credit_count,
        explanation,
    } = line;
    // A component can have an adjustment line too, so other kinds carry their kind in the id.
    let kind_label = match kind {
        LineKind::Component => None,
        LineKind::Adjustment => Some("Adjustment to earlier periods"),
        LineKind::PlanCap => Some("Plan cap"),
        LineKind::Draw => Some("Recoverable draw"),
        LineKind::Guarantee => Some("Guarantee"),
    };
    let heading_id = match kind {
        LineKind::Component => format!("line-{component_id}"),
        _ => format!("line-{}-{component_id}", serde_kind(kind)),
    };
    let has_measure = !measure_label.is_empty();
    let has_figures = !figures.is_empty();
    let labelled_by = heading_id.clone();
    let credit_count = credits.len();
    let credits_summary = format!("Source credits: {credit_count} this period, {ytd_credit_count} year to date",);
    let has_bands = !bands.is_empty();
    let c = currency.clone();
    let mut facts = Vec::new();
    if has_measure {
        facts.push((
            format!("{} this period", plumbline_engine::format::capitalise(&measure_label)),
            Cell::money(measure_period, &c),
        ));
        facts.push(("Year to date".to_owned(), Cell::money(measure_ytd, &c)));
    }
    if let Some(q) = quota {
        facts.push(("Quota".to_owned(), Cell::money(q, &c)));
    }
    facts.push(("Earned to date".to_owned(), Cell::money(earned_to_date, &c)));
    facts.push(("Paid in earlier periods".to_owned(), Cell::money(paid_before, &c)));

    view! {
        <article
            class="panel line"
            data-testid="statement-line"
            data-component=component_id
            data-kind=serde_kind(kind)
            data-amount=amount.to_string()
            aria-labelledby=labelled_by
        >
            <header class="line-head">
                <div class="line-title">
                    <h3 id=heading_id>{component_name}</h3>
                    <p class="rule">{rule}</p>
                </div>
                <p class="line-amount">
                    <Money amount=amount currency=currency.clone()/>
                </p>
            </header>
            {kind_label.map(|k| view! { <p class="badge">{k}</p> })}
            {capped.then(|| view! { <p class="badge">"Cap applied"</p> })}
            {floored.then(|| view! { <p class="badge">"Floor applied"</p> })}
            <p class="explanation">{explanation}</p>
            {(!conditions.is_empty()).then(|| view! {
                <ul class="conditions">
                    {conditions
                        .into_iter()
                        .map(|c| {
                            let state = if c.met { "Met: " } else { "Not met: " };
                            view! { <li>{state} {c.text}</li> }
                        })
                        .collect_view()}
                </ul>
            })}
            {attainment.map(|a| view! { <AttainmentBar attainment=a/> })}
            <Facts items=facts/>
            {has_figures.then(|| {
                let c = c.clone();
                view! {
                    <details class="more">
                        <summary>"Workings"</summary>
                        <DataTable caption="Workings" headers=vec!["Figure", "#Value"]
                            rows=figures.into_iter().map(|f| {
                                let value = match f.unit {
                                    FigureUnit::Money => plumbline_engine::format::money(f.value, &c),
                                    FigureUnit::Fraction => percent(f.value.round_dp(6)),
                                    FigureUnit::Number => f.value.normalize().to_string(),
                                };
                                Row::new(vec![Cell::head(f.label), Cell::num(value)])
                            }).collect()/>
                    </details>
                }
            })}
            {has_bands.then(|| {
                let c = c.clone();
                view! {
                    <details class="more">
                        <summary>"Bands"</summary>
                        <DataTable caption="Bands" headers=vec!["Band", "#Rate", "#Measured", "#Earned"]
                            rows=bands.into_iter().map(|b| {
                                let edge = match b.to {
                                    Some(to) => format!(
                                        "{} – {}",
                                        plumbline_engine::format::money(b.from, &c),
                                        plumbline_engine::format::money(to, &c),
                                    ),
                                    None => format!("above {}", plumbline_engine::format::money(b.from, &c)),
                                };
                                Row::new(vec![Cell::text(edge), Cell::num(percent(b.rate)), Cell::money(b.measured, &c), Cell::money(b.earned, &c)])
                            }).collect()/>
                    </details>
                }
            })}
            <details class="more credits">
                <summary>{credits_summary}</summary>
                {if credits.is_empty() {
                    view! { <p class="empty">"No credits are dated in this period."</p> }.into_any()
                } else {
                    let rows = credits
                        .into_iter()
                        .map(|credit| {
                            Row::new(vec![
                                Cell::code(credit.txn_id),
                                Cell::text(credit.role),
                                Cell::num(percent(credit.share)),
                                Cell::money(credit.amount, &c),
                            ])
                        })
                        .collect();
                    view! { <DataTable caption="Source credits" headers=vec!["Transaction", "Role", "#Share", "#Amount"] rows=rows/> }.into_any()
                }}
            </details>
            {dispute.map(|(period, component)| view! { <DisputeForm period=period component_id=component/> })}
        </article>
    }
}

/// The kind as written in JSON, for element ids.
fn serde_kind(kind: LineKind) -> &'static str {
    match kind {
        LineKind::Component => "component",
        LineKind::Adjustment => "adjustment",
        LineKind::PlanCap => "plan_cap",
        LineKind::Draw => "draw",
        LineKind::Guarantee => "guarantee",
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn choices_run_from_year_start_to_as_of_latest_first() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day).unwrap();
        let statement = Statement {
            payee: "P1".into(),
            plan_id: "plan".into(),
            plan_version: 1,
            plan_name: "Plan".into(),
            currency: Currency::new("GBP"),
            period: Period::month_of(d(2026, 3, 1)),
            year_start: d(2026, 1, 1),
            lines: vec![],
            total: Decimal::ZERO,
        };
        let labels: Vec<String> = period_choices(&statement, d(2026, 5, 20)).into_iter().map(|p| p.label).collect();
        assert_eq!(labels, ["2026-05", "2026-04", "2026-03", "2026-02", "2026-01"]);
        let labels: Vec<String> = period_choices(&statement, d(2027, 5, 20)).into_iter().map(|p| p.label).collect();
        assert_eq!(labels.len(), 12);
        assert_eq!(labels[0], "2026-12");
        assert_eq!(month_name(d(2026, 11, 5)), "November 2026");
        assert_eq!(date_range(&Period::month_of(d(2026, 2, 5))), "1–28 Feb 2026");
    }
}

/// "Question this line": raises a dispute, routed to the payee's manager.
#[component]
fn DisputeForm(period: String, component_id: String) -> impl IntoView {
    let session = use_session();
    let comment = RwSignal::new(String::new());
    let field = format!("dispute-{component_id}");
    let label_for = field.clone();
    let send = Action::new_local(move |text: &String| {
        let request =
            DisputeRequest { period: period.clone(), component_id: component_id.clone(), comment: text.clone() };
        let token = session.get_untracked().map(|s| s.token).unwrap_or_default();
        async move { api::raise_dispute(&token, &request).await }
    });
    view! {
        <details class="more">
            <summary>"Question this line"</summary>
            {move || match send.value().get() {
                Some(Ok(d)) => view! {
                    <p class="notice ok" role="status">"Sent to your manager as dispute " <code>{d.id}</code> "."</p>
                }.into_any(),
                other => {
                    let error = other.and_then(Result::err);
                    let label_for = label_for.clone();
                    let field = field.clone();
                    view! {
                        <div class="field">
                            <label for=label_for>"What looks wrong?"</label>
                            <textarea id=field rows="2" prop:value=move || comment.get() on:input=move |ev| comment.set(event_target_value(&ev))></textarea>
                        </div>
                        <button type="button" class="button" disabled=move || send.pending().get() || comment.with(|c| c.trim().is_empty())
                            on:click=move |_| { send.dispatch(comment.get_untracked()); }>"Send to my manager"</button>
                        {error.map(|e| view! { <ErrorPanel error=e/> })}
                    }.into_any()
                }
            }}
        </details>
    }
}
