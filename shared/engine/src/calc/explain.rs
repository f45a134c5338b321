//! Statement lines in words: each line says which numbers and which rule produced it.

use super::eval::{AumMonth, CapSource, Check, Detail, Evaluation, Outcome, PlanCapUse};
use super::{DrawMonth, Item, Run};
use crate::format::{money, percent};
use crate::fx::Conversion;
use crate::money::{Currency, RoundingRule};
use crate::plan::{
    Component, DRAW_ID, Draw, DrawKind, EARNED_PREFIX, MEASURED_PREFIX, Measure, PLAN_CAP_ID, Plan, TierMethod,
};
use crate::statement::{Condition, Figure, FigureUnit, LineKind, Period, StatementLine};
use crate::transaction::{MoneyOrigin, TxnKind};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

fn day(date: NaiveDate) -> String {
    date.format("%-d %b %Y").to_string()
}

/// A step of the plan year: `Mar 2026` for a calendar month (or the part of one to a
/// cutoff), `30 Mar–26 Apr 2025` for a weekly fiscal period.
fn span(from: NaiveDate, to: NaiveDate) -> String {
    if from.day() == 1 && (from.year(), from.month()) == (to.year(), to.month()) {
        from.format("%b %Y").to_string()
    } else if from.year() == to.year() {
        format!("{}–{}", from.format("%-d %b"), day(to))
    } else {
        format!("{}–{}", day(from), day(to))
    }
}

/// An AUM fee period's last day.
fn aum_to(m: &AumMonth) -> NaiveDate {
    m.from.checked_add_signed(chrono::Duration::days(m.days - 1)).unwrap_or(m.from)
}

fn figure(label: impl Into<String>, value: Decimal, unit: FigureUnit) -> Figure {
    Figure { label: label.into(), value, unit }
}

/// A plain number without trailing zeros: `4`, `0.5`, `12.75`.
fn number(value: Decimal) -> String {
    value.normalize().to_string()
}

/// A line with no measure, bands or credits, for the plan's own lines to fill in.
fn bare_line(kind: LineKind, id: &str, name: String, rule: String) -> StatementLine {
    StatementLine {
        kind,
        component_id: id.to_string(),
        component_name: name,
        rule,
        measure_label: String::new(),
        measure_ytd: Decimal::ZERO,
        measure_period: Decimal::ZERO,
        quota: None,
        attainment: None,
        bands: Vec::new(),
        capped: false,
        floored: false,
        conditions: Vec::new(),
        figures: Vec::new(),
        earned_to_date: Decimal::ZERO,
        paid_before: Decimal::ZERO,
        amount: Decimal::ZERO,
        credits: Vec::new(),
        ytd_credit_count: 0,
        explanation: String::new(),
    }
}

/// The line of component `c`: earned to date now minus earned to the previous period's end.
pub(super) fn component_line(run: &Run, c: usize, now: &Evaluation, before: &Evaluation) -> StatementLine {
    let plan = run.plan;
    let component = &plan.components[c];
    let (out, prev) = (&now.outcomes[c], &before.outcomes[c]);
    // A credit counted by two of a scorecard's KPIs is listed once.
    let slots: Vec<usize> = run.slots.of_component(c).collect();
    let merged: Vec<u32>;
    let counted: &[u32] = match slots[..] {
        [] => &[],
        [s] => &run.members[s],
        ref several => {
            let mut all: Vec<u32> = several.iter().flat_map(|&s| run.members[s].iter().copied()).collect();
            all.sort_unstable();
            all.dedup();
            merged = all;
            &merged
        }
    };
    let listed = run.listed(&slots);
    let credits = listed.iter().map(|&i| run.items[i as usize].credit(&run.inputs.payee)).collect();
    let mut seen = Vec::new();
    let conversions: Vec<(&str, &Conversion)> = listed
        .iter()
        .filter_map(|&i| run.conversion(i as usize).map(|c| (run.items[i as usize].txn.id.as_str(), c)))
        .filter(|(id, _)| {
            let first = !seen.contains(id);
            seen.push(*id);
            first
        })
        .collect();
    let mut line = bare_line(
        LineKind::Component,
        component.id(),
        component.name().to_string(),
        rule_text(component, &plan.currency),
    );
    line.measure_label = component.measure().map(measure_label).unwrap_or_default();
    line.measure_ytd = out.measured;
    line.measure_period = out.measured - prev.measured;
    if component.needs_quota() {
        line.quota = out.quota;
        line.attainment = out.attainment;
    }
    line.bands = out.bands.clone();
    line.capped = out.cap.is_some();
    line.floored = out.floored;
    line.conditions =
        out.checks.iter().map(|check| Condition { text: condition_text(plan, check), met: check.met() }).collect();
    line.figures = figures(run, c, out);
    line.earned_to_date = out.earned;
    line.paid_before = prev.earned;
    line.amount = out.earned - prev.earned;
    line.credits = credits;
    line.ytd_credit_count = counted.len();
    line.explanation = explain_component(run, c, out, &line);
    for (id, conversion) in conversions {
        let rate = &conversion.rate;
        line.figures.push(figure(format!("{id}: rate {}/{}", rate.from, rate.to), rate.rate, FigureUnit::Number));
        line.explanation.push_str(&format!(" {id} is in {}: {}.", rate.from, conversion.explanation));
    }
    line
}

fn rounding_name(rule: RoundingRule) -> &'static str {
    match rule {
        RoundingRule::HalfAwayFromZero => "half away from zero",
        RoundingRule::HalfEven => "half to even",
    }
}

/// The annual figure and the one used, when proration changed it; else just the one used.
fn prorated_figures(run: &Run, label: &str, annual: Decimal, used: Decimal) -> Vec<Figure> {
    match run.terms.proration {
        Some(_) => vec![
            figure(format!("Annual {}", label.to_lowercase()), annual, FigureUnit::Money),
            figure(format!("Prorated {}", label.to_lowercase()), used, FigureUnit::Money),
        ],
        None => vec![figure(label, used, FigureUnit::Money)],
    }
}

/// Days on the plan and in the plan year, when they prorate annual figures.
fn proration_figures(run: &Run) -> Vec<Figure> {
    run.terms.proration.map_or_else(Vec::new, |(days, of)| {
        vec![
            figure("Days on the plan", Decimal::from(days), FigureUnit::Number),
            figure("Days in the plan year", Decimal::from(of), FigureUnit::Number),
        ]
    })
}

fn figures(run: &Run, c: usize, out: &Outcome) -> Vec<Figure> {
    let component = &run.plan.components[c];
    let mut figures = Vec::new();
    let money_fig = |label: &str, value: Decimal| figure(label, value, FigureUnit::Money);
    for m in &out.months {
        let when = span(m.from, aum_to(m));
        figures.push(money_fig(&format!("Average AUM, {when}"), m.average));
        figures.push(money_fig(&format!("Fee, {when} ({} days)", m.days), m.fee));
    }
    if component.measure().is_some() {
        figures.push(money_fig("Measured to date", out.measured));
    }
    if let Component::Spif { per_unit: Some(_), .. } = component {
        figures.push(figure("Units to date (credit shares)", out.units, FigureUnit::Number));
    }
    let quota = run.terms.quotas[c].filter(|_| component.needs_quota());
    if quota.is_some() || run.terms.targets[c].is_some() {
        figures.extend(proration_figures(run));
    }
    if let Some(q) = quota {
        figures.extend(prorated_figures(run, "Quota", q.annual, q.value));
        figures.push(figure("Attainment", out.attainment.unwrap_or_default(), FigureUnit::Fraction));
    }
    if let Some(t) = run.terms.targets[c] {
        figures.extend(prorated_figures(run, "Target incentive", t.annual, t.value));
    }
    match &out.detail {
        Detail::Curve { fraction, .. } => {
            figures.push(figure("Curve payout (fraction of target)", *fraction, FigureUnit::Fraction))
        }
        Detail::Scorecard { kpis, weighted, .. } => {
            if let Component::Scorecard { kpis: defs, .. } = component {
                for (def, kpi) in defs.iter().zip(kpis) {
                    if let Some(score) = kpi.score {
                        let unit = if def.measure.is_some() { FigureUnit::Fraction } else { FigureUnit::Number };
                        figures.push(figure(format!("{}: score", def.name), score, unit));
                    }
                    figures.push(figure(format!("{}: weighted", def.name), kpi.contribution, FigureUnit::Fraction));
                }
            }
            figures.push(figure("Weighted score", *weighted, FigureUnit::Fraction));
        }
        Detail::Formula { bindings, .. } => {
            for (name, value) in bindings {
                figures.push(figure(format!("Formula: {name}"), *value, binding_unit(name)));
            }
        }
        Detail::Plain => {}
    }
    figures.push(money_fig("Rule gives", out.formula));
    if let Some((limit, _)) = out.cap {
        figures.push(money_fig("Cap", limit));
    }
    if let (true, Component::Flat { floor: Some(f), .. }) = (out.floored, component) {
        figures.push(money_fig("Floor", *f));
    }
    figures
}

/// Short form of a component's rule.
pub fn rule_text(component: &Component, currency: &Currency) -> String {
    let mut text = match component {
        Component::Flat { rate, floor: None, .. } => format!("flat {}", percent(*rate)),
        Component::Flat { rate, floor: Some(f), .. } => {
            format!("flat {}, earnings to date at least {f}", percent(*rate))
        }
        Component::Tiered { method, tiers, cap_quota_multiple, threshold, .. } => {
            let mut from = Decimal::ZERO;
            let bands: Vec<String> = tiers
                .iter()
                .map(|t| {
                    let text = match t.up_to {
                        Some(u) => format!("{}–{} at {}", percent(from), percent(u), percent(t.rate)),
                        None => format!("above {} at {}", percent(from), percent(t.rate)),
                    };
                    if let Some(u) = t.up_to {
                        from = u;
                    }
                    text
                })
                .collect();
            let kind = match method {
                TierMethod::Marginal => "marginal tiers",
                TierMethod::Retroactive => "retroactive tiers",
            };
            let threshold = threshold.map(|t| format!("; nothing below {} attainment", percent(t))).unwrap_or_default();
            let cap = cap_quota_multiple.map(|c| format!("; capped at {} of quota", percent(c))).unwrap_or_default();
            format!("{kind}: {}{threshold}{cap}", bands.join(", "))
        }
        Component::QuotaBonus { curve, .. } => {
            let points: Vec<String> =
                curve.iter().map(|p| format!("{} pays {}", percent(p.attainment), percent(p.payout))).collect();
            format!("target incentive x curve: {}, linear between points", points.join(", "))
        }
        Component::Scorecard { kpis, .. } => {
            let parts: Vec<String> = kpis.iter().map(|k| format!("{} {}", k.name, percent(k.weight))).collect();
            format!("target incentive x weighted score: {}", parts.join(", "))
        }
        Component::Spif { from, to, rate, per_unit, .. } => {
            let pays = match (rate, per_unit) {
                (Some(r), _) => percent(*r),
                (None, Some(u)) => format!("{} per unit", money(*u, currency)),
                (None, None) => String::new(),
            };
            format!("SPIF {} from {} to {}", pays, day(*from), day(*to))
        }
        Component::Formula { expression, .. } => format!("formula: {expression}"),
    };
    if let Some(gate) = component.gate() {
        let bar = gate_bar(gate.min_attainment, gate.min_amount, currency);
        text.push_str(&format!("; paid once `{}` reaches {bar}", gate.component));
    }
    if let Some(cap) = component.cap_amount() {
        text.push_str(&format!("; capped at {}", money(cap, currency)));
    }
    text
}

fn gate_bar(min_attainment: Option<Decimal>, min_amount: Option<Decimal>, currency: &Currency) -> String {
    match (min_attainment, min_amount) {
        (Some(a), Some(m)) => format!("{} of quota and {}", percent(a), money(m, currency)),
        (Some(a), None) => format!("{} of quota", percent(a)),
        (None, Some(m)) => money(m, currency),
        (None, None) => "its bar".to_string(),
    }
}

/// What a measure counts, in words.
pub fn measure_label(measure: &Measure) -> String {
    let kinds: Vec<&str> = measure.kinds.iter().map(|k| k.label()).collect();
    let mut text = if let Some(fee) = &measure.aum_fee {
        format!("fee at {} bps on average AUM", number(fee.bps))
    } else if measure.kinds.contains(&TxnKind::Inflow) && measure.kinds.contains(&TxnKind::Outflow) {
        "net new assets".to_string()
    } else {
        kinds.join(" and ")
    };
    if let Some(products) = &measure.products {
        text.push_str(&format!(" on {}", products.join(", ")));
    }
    if let Some(channels) = &measure.channels {
        text.push_str(&format!(" through {}", channels.join(", ")));
    }
    match measure.origin {
        Some(MoneyOrigin::New) => text.push_str(" (new money)"),
        Some(MoneyOrigin::Existing) => text.push_str(" (existing money)"),
        None => {}
    }
    if let Some(roles) = &measure.roles {
        text.push_str(&format!(" credited as {}", roles.join(", ")));
    }
    text
}

fn condition_text(plan: &Plan, check: &Check) -> String {
    match check {
        Check::Threshold { min, attainment, .. } => {
            format!("Attainment at least {} (now {})", percent(*min), percent(attainment.round_dp(4)))
        }
        Check::Gate { component, gate, amount, attainment, .. } => {
            let name = plan.components.get(*component).map_or(gate.component.as_str(), |c| c.name());
            let bar = gate_bar(gate.min_attainment, gate.min_amount, &plan.currency);
            let now = match attainment {
                Some(a) => format!("{}, {}", percent(a.round_dp(4)), money(*amount, &plan.currency)),
                None => money(*amount, &plan.currency),
            };
            format!("{name} at least {bar} (now {now})")
        }
    }
}

fn check_sentence(plan: &Plan, check: &Check) -> String {
    match check {
        Check::Threshold { min, attainment, met } => {
            let a = percent(attainment.round_dp(4));
            if *met {
                format!("Attainment of {a} meets the {} threshold. ", percent(*min))
            } else {
                format!("Attainment of {a} is below the {} threshold. ", percent(*min))
            }
        }
        Check::Gate { met, .. } => {
            let state = if *met { "open" } else { "closed" };
            format!("The gate needs {}: it is {state}. ", condition_text(plan, check))
        }
    }
}

fn explain_component(run: &Run, c: usize, out: &Outcome, line: &StatementLine) -> String {
    let plan = run.plan;
    let cur = &plan.currency;
    let component = &plan.components[c];
    let since = day(run.year_start);
    let mut text = String::new();
    match (&out.detail, component) {
        (Detail::Scorecard { target, kpis, weighted }, Component::Scorecard { kpis: defs, max_score, .. }) => {
            let max = max_score.unwrap_or(Decimal::ONE);
            let parts: Vec<String> = defs
                .iter()
                .zip(kpis)
                .map(|(def, kpi)| {
                    let score = match (kpi.score, &def.measure) {
                        (Some(a), Some(_)) => format!(
                            "credited {} against its target, attainment {}",
                            money(kpi.measured.unwrap_or_default(), cur),
                            percent(a.round_dp(4))
                        ),
                        (Some(s), None) => format!(
                            "scored {} of {} on {} ({})",
                            number(s),
                            number(def.scale.unwrap_or(Decimal::ONE)),
                            kpi.as_of.map(day).unwrap_or_default(),
                            percent((s / def.scale.unwrap_or(Decimal::ONE)).round_dp(4))
                        ),
                        (None, _) => "not scored yet (0%)".to_string(),
                    };
                    let limited = if kpi.score.is_some() && kpi.normalised == max && max_reached(kpi, def) {
                        format!(", counted at the {} maximum", percent(max))
                    } else {
                        String::new()
                    };
                    format!(
                        "{} {score}{limited} x weight {} = {}",
                        def.name,
                        percent(def.weight),
                        percent(kpi.contribution.round_dp(6))
                    )
                })
                .collect();
            text.push_str(&format!(
                "Since {since} your scorecard reads: {}. Weighted score {} x your {} target incentive = {}. ",
                parts.join("; "),
                percent(weighted.round_dp(6)),
                money(*target, cur),
                money(out.formula, cur)
            ));
        }
        _ => {
            let measure = component.measure();
            match measure.and_then(|m| m.aum_fee.as_ref()) {
                Some(fee) => {
                    let months = &out.months;
                    let parts: Vec<String> = months
                        .iter()
                        .map(|m| {
                            format!(
                                "{}: average {} x {} bps x {}/{} days = {}",
                                span(m.from, aum_to(m)),
                                money(m.average, cur),
                                number(fee.bps),
                                m.days,
                                m.basis,
                                money(m.fee, cur)
                            )
                        })
                        .collect();
                    text.push_str(&format!(
                        "Since {since} your credited assets under management earn a fee of {} (bps x average AUM x days / {}, {}): {}",
                        money(out.measured, cur),
                        months.first().map_or(365, |m| m.basis),
                        fee.day_count.label(),
                        parts.join("; ")
                    ));
                }
                None => {
                    text.push_str(&format!(
                        "Since {since} you are credited {} of {}",
                        money(out.measured, cur),
                        line.measure_label
                    ));
                    if let Component::Spif { from, to, .. } = component {
                        text.push_str(&format!(" dated {} to {}", day(*from), day(*to)));
                    }
                }
            }
            if let (Some(q), Some(a)) = (line.quota, line.attainment) {
                text.push_str(&format!(", {} of your {} quota", percent(a.round_dp(4)), money(q, cur)));
                if let (Some((days, of)), Some(terms)) = (run.terms.proration, run.terms.quotas[c]) {
                    text.push_str(&format!(
                        " (your {} annual quota prorated for {days} of {of} days on the plan)",
                        money(terms.annual, cur)
                    ));
                }
            }
            text.push_str(". ");
            text.push_str(&rule_sentence(run, c, out));
        }
    }
    for check in &out.checks {
        text.push_str(&check_sentence(plan, check));
    }
    if out.checks.iter().any(|c| !c.met()) {
        text.push_str(&format!("Until then nothing is paid (the rule would give {}). ", money(out.formula, cur)));
    }
    if out.floored {
        text.push_str(&format!(
            "The floor applies: earnings to date are held at {}. ",
            money(line.earned_to_date, cur)
        ));
    }
    if let Some((limit, source)) = out.cap {
        let what = match source {
            CapSource::QuotaMultiple(m) => format!("{} of the quota", percent(m)),
            CapSource::Amount => "the component's cap".to_string(),
        };
        text.push_str(&format!("The component cap applies: earnings are held at {} ({what}). ", money(limit, cur)));
    }
    text.push_str(&rounding_sentence(plan, out.unrounded, out.earned));
    text.push_str(&closing(plan, line.earned_to_date, line.paid_before, line.amount));
    text
}

/// Whether a KPI's score was cut to the maximum (rather than landing on it exactly).
fn max_reached(kpi: &super::eval::KpiScore, def: &crate::plan::Kpi) -> bool {
    match (kpi.score, &def.measure) {
        (Some(a), Some(_)) => a > kpi.normalised,
        (Some(s), None) => s / def.scale.unwrap_or(Decimal::ONE) > kpi.normalised,
        _ => false,
    }
}

fn rule_sentence(run: &Run, c: usize, out: &Outcome) -> String {
    let cur = &run.plan.currency;
    match (&run.plan.components[c], &out.detail) {
        (Component::Flat { rate, .. }, _) => format!(
            "The rule is flat {}: {} x {} = {}. ",
            percent(*rate),
            money(out.measured, cur),
            percent(*rate),
            money(out.formula, cur)
        ),
        (Component::Tiered { .. }, _) => {
            let paying: Vec<String> = out
                .bands
                .iter()
                .filter(|b| !b.measured.is_zero())
                .map(|b| {
                    let edge = match b.to {
                        Some(to) => format!("{}–{}", money(b.from, cur), money(to, cur)),
                        None => format!("above {}", money(b.from, cur)),
                    };
                    format!(
                        "{} in the band {edge} pays {}: {}",
                        money(b.measured, cur),
                        percent(b.rate),
                        money(b.earned, cur)
                    )
                })
                .collect();
            if paying.is_empty() {
                "Nothing has reached a paying band yet. ".to_string()
            } else {
                format!("{}. ", paying.join("; "))
            }
        }
        (Component::QuotaBonus { .. }, Detail::Curve { target, fraction, lower, upper }) => {
            let a = percent(out.attainment.unwrap_or_default().round_dp(4));
            let t = money(*target, cur);
            let f = money(out.formula, cur);
            match (lower, upper) {
                (None, Some(first)) => format!(
                    "Attainment of {a} is below the curve's first point ({}), so it pays nothing of your {t} target incentive. ",
                    percent(first.attainment)
                ),
                (Some(lo), Some(_)) if out.attainment == Some(lo.attainment) => format!(
                    "Attainment of {a} is on the curve point {}, which pays {} of your {t} target incentive: {f}. ",
                    percent(lo.attainment),
                    percent(lo.payout)
                ),
                (Some(lo), Some(hi)) => format!(
                    "Attainment of {a} lies between the curve points {} (paying {}) and {} (paying {}); interpolating linearly it pays {} of your {t} target incentive: {f}. ",
                    percent(lo.attainment),
                    percent(lo.payout),
                    percent(hi.attainment),
                    percent(hi.payout),
                    percent(fraction.round_dp(6))
                ),
                (Some(last), None) => format!(
                    "Attainment of {a} is at or beyond the curve's last point ({}), so it pays {} of your {t} target incentive: {f}. ",
                    percent(last.attainment),
                    percent(last.payout)
                ),
                (None, None) => String::new(),
            }
        }
        (Component::Spif { rate: Some(r), .. }, _) => {
            format!("At {}, that is {}. ", percent(*r), money(out.formula, cur))
        }
        (Component::Spif { per_unit: Some(u), .. }, _) => format!(
            "That is {} units (credit shares of qualifying transactions) at {} each: {}. ",
            number(out.units),
            money(*u, cur),
            money(out.formula, cur)
        ),
        (Component::Formula { expression, .. }, Detail::Formula { bindings, .. }) => {
            let mut values: Vec<String> =
                bindings.iter().map(|(name, value)| binding_text(run.plan, name, *value)).collect();
            let with = match values.pop() {
                None => String::new(),
                Some(last) if values.is_empty() => format!("With {last}, "),
                Some(last) => format!("With {} and {last}, ", values.join(", ")),
            };
            // The exact result, when rounding to the currency would hide part of it.
            let exact = out.formula.normalize();
            let gives = if exact.scale() > cur.minor_digits() && exact.scale() <= 10 {
                format!("exactly {}", number(exact))
            } else {
                money(out.formula, cur)
            };
            let gives = if with.is_empty() { format!("It gives {gives}") } else { format!("{with}it gives {gives}") };
            format!("Your plan's formula is `{expression}`. {gives}. ")
        }
        _ => String::new(),
    }
}

/// Attainment is a fraction; every other name a formula reads is money.
fn binding_unit(name: &str) -> FigureUnit {
    if name == "attainment" { FigureUnit::Fraction } else { FigureUnit::Money }
}

/// One name a formula read, its value and what it is: "attainment = 120% (measured / quota)".
fn binding_text(plan: &Plan, name: &str, value: Decimal) -> String {
    let cur = &plan.currency;
    let component = |id: &str| plan.component(id).map_or(id, |c| c.name()).to_string();
    let what = match name {
        "measured" => "measured to date".to_string(),
        "quota" => "your quota".to_string(),
        "attainment" => "measured / quota".to_string(),
        "target_incentive" => "your target incentive".to_string(),
        _ => match (name.strip_prefix(MEASURED_PREFIX), name.strip_prefix(EARNED_PREFIX)) {
            (Some(id), _) => format!("measured to date by '{}'", component(id)),
            (_, Some(id)) => format!("earned to date from '{}'", component(id)),
            _ => String::new(),
        },
    };
    let shown = match binding_unit(name) {
        FigureUnit::Fraction => percent(value.round_dp(6)),
        _ => money(value, cur),
    };
    format!("{name} = {shown} ({what})")
}

fn closing(plan: &Plan, earned: Decimal, before: Decimal, amount: Decimal) -> String {
    format!(
        "Earned to date {}; {} was earned in earlier periods, so this period pays {}.",
        money(earned, &plan.currency),
        money(before, &plan.currency),
        money(amount, &plan.currency)
    )
}

/// States the rounding when it changed the year-to-date figure, with the exact figure when
/// it is short enough to read.
fn rounding_sentence(plan: &Plan, unrounded: Decimal, earned: Decimal) -> String {
    if unrounded == earned {
        return String::new();
    }
    let exact = unrounded.normalize();
    let rule = rounding_name(plan.rounding);
    if exact.scale() <= 10 {
        format!("The exact {} rounds {rule} to {}. ", number(exact), money(earned, &plan.currency))
    } else {
        format!("The exact figure rounds {rule} to {}. ", money(earned, &plan.currency))
    }
}

/// An adjustment to closed periods: recalculated earnings to the previous period's end minus
/// what earlier statements paid.
pub(super) fn adjustment_line(
    run: &Run,
    id: &str,
    name: &str,
    recalculated: Decimal,
    paid: Decimal,
    late: &[&Item],
    period: &Period,
) -> StatementLine {
    let cur = &run.plan.currency;
    let previous_end = period.start.pred_opt().unwrap_or(period.start);
    let mut line = bare_line(
        LineKind::Adjustment,
        id,
        format!("{name}: adjustment to earlier periods"),
        "recalculated earnings to the previous period's end minus what earlier statements paid".to_string(),
    );
    line.measure_label = "late transactions".to_string();
    line.measure_ytd = late.iter().map(|i| i.signed()).sum();
    line.measure_period = line.measure_ytd;
    line.figures = vec![
        figure(format!("Recalculated earnings to {}", day(previous_end)), recalculated, FigureUnit::Money),
        figure("Paid by earlier statements", paid, FigureUnit::Money),
    ];
    line.earned_to_date = recalculated;
    line.paid_before = paid;
    line.amount = recalculated - paid;
    line.credits = late.iter().map(|i| i.credit(&run.inputs.payee)).collect();
    line.ytd_credit_count = late.len();
    let mut text = String::new();
    if !late.is_empty() {
        let listed: Vec<String> = late
            .iter()
            .map(|i| {
                format!(
                    "{} (dated {}, recorded {}, {} credited)",
                    i.txn.id,
                    day(i.txn.date),
                    day(i.known),
                    money(i.signed(), cur)
                )
            })
            .collect();
        let (verb, them) = if late.len() == 1 { ("was", "it") } else { ("were", "them") };
        text.push_str(&format!(
            "{} {verb} recorded after {} period closed. Recalculated with {them}, {name} earned {} to {}; earlier statements paid {}. ",
            listed.join(", "),
            if late.len() == 1 { "its" } else { "their" },
            money(recalculated, cur),
            day(previous_end),
            money(paid, cur)
        ));
    } else {
        text.push_str(&format!(
            "Earlier statements paid {} for {name} to {}, but recalculated earnings are {}. ",
            money(paid, cur),
            day(previous_end),
            money(recalculated, cur)
        ));
    }
    text.push_str(&format!(
        "This statement pays the difference, {}; earlier statements are not changed.",
        money(line.amount, cur)
    ));
    line.explanation = text;
    line
}

/// The plan cap's line: its cut to date minus its cut to the previous period's end.
pub(super) fn plan_cap_line(run: &Run, now: PlanCapUse, before: PlanCapUse, _period: &Period) -> StatementLine {
    let plan = run.plan;
    let cur = &plan.currency;
    let how = match (plan.cap_amount, plan.cap_fixed_pay_multiple, run.terms.fixed_pay) {
        (Some(a), Some(m), Some(f)) => {
            format!("the lower of {} and {} x fixed pay of {}", money(a, cur), number(m), money(f.value, cur))
        }
        (None, Some(m), Some(f)) => format!("{} x fixed pay of {}", number(m), money(f.value, cur)),
        _ => money(plan.cap_amount.unwrap_or_default(), cur),
    };
    let mut line =
        bare_line(LineKind::PlanCap, PLAN_CAP_ID, "Plan cap".to_string(), format!("year's earnings capped at {how}"));
    line.measure_label = "earnings from all components".to_string();
    line.measure_ytd = now.earned;
    line.measure_period = now.earned - before.earned;
    line.capped = now.reduction < Decimal::ZERO;
    let mut figures = vec![figure("Components' earnings to date", now.earned, FigureUnit::Money)];
    if let (Some(m), Some(f)) = (plan.cap_fixed_pay_multiple, run.terms.fixed_pay) {
        figures.extend(proration_figures(run));
        figures.extend(prorated_figures(run, "Fixed pay", f.annual, f.value));
        figures.push(figure("Fixed pay multiple", m, FigureUnit::Number));
    }
    figures.push(figure("Cap", now.limit, FigureUnit::Money));
    line.figures = figures;
    line.earned_to_date = now.reduction;
    line.paid_before = before.reduction;
    line.amount = now.reduction - before.reduction;
    let limit =
        if plan.cap_fixed_pay_multiple.is_some() { format!("{} ({how})", money(now.limit, cur)) } else { how.clone() };
    line.explanation = format!(
        "Your components have earned {} to date; the plan caps the year at {limit}, so {} is held back to date. {} was held back in earlier periods, so this period's change is {}.",
        money(now.earned, cur),
        money(-now.reduction, cur),
        money(-before.reduction, cur),
        money(line.amount, cur)
    );
    line
}

/// The draw or guarantee line: its effects (advances, recoveries or top-ups) in the period.
pub(super) fn draw_line(
    run: &Run,
    draw: &Draw,
    months: &[DrawMonth],
    now: &Evaluation,
    _period: &Period,
) -> StatementLine {
    let cur = &run.plan.currency;
    let d = money(draw.amount, cur);
    let per = if run.monthly() { "a month" } else { "a fiscal period" };
    let (kind, name, rule) = match draw.kind {
        DrawKind::Recoverable => (LineKind::Draw, "Recoverable draw", format!("recoverable draw of {d} {per}")),
        DrawKind::NonRecoverable => {
            (LineKind::Guarantee, "Guarantee", format!("guarantee of {d} {per}, never recovered"))
        }
    };
    let mut line = bare_line(kind, DRAW_ID, name.to_string(), rule);
    let sum = |f: &dyn Fn(&DrawMonth) -> bool| months.iter().filter(|m| f(m)).map(|m| m.effect).sum::<Decimal>();
    let in_period: Vec<&DrawMonth> = months.iter().filter(|m| m.in_period).collect();
    let earned: Decimal = in_period.iter().map(|m| m.earned).sum();
    let opening = months.iter().take_while(|m| !m.in_period).last().map_or(run.inputs.draw_balance, |m| m.balance);
    let closing_balance = months.last().map_or(opening, |m| m.balance);
    line.measure_label = "earnings before the draw".to_string();
    line.measure_ytd = now.total();
    line.measure_period = earned;
    line.earned_to_date = sum(&|_| true);
    line.paid_before = sum(&|m| !m.in_period);
    line.amount = line.earned_to_date - line.paid_before;
    let advanced: Decimal = in_period.iter().map(|m| m.effect.max(Decimal::ZERO)).sum();
    let recovered: Decimal = in_period.iter().map(|m| (-m.effect).max(Decimal::ZERO)).sum();
    let mut figures = vec![
        figure(format!("Amount {per}"), draw.amount, FigureUnit::Money),
        figure(format!("Earnings this period before the {}", name.to_lowercase()), earned, FigureUnit::Money),
    ];
    let mut text = format!("Your plan pays {} this period before the {}. ", money(earned, cur), name.to_lowercase());
    match draw.kind {
        DrawKind::Recoverable => {
            figures.extend([
                figure("Outstanding draw before the period", opening, FigureUnit::Money),
                figure("Advanced this period", advanced, FigureUnit::Money),
                figure("Recovered this period", recovered, FigureUnit::Money),
                figure("Outstanding draw after the period", closing_balance, FigureUnit::Money),
            ]);
            let mut balance = opening;
            for m in &in_period {
                let when = span(m.from, m.to);
                text.push_str(&if m.effect > Decimal::ZERO {
                    format!(
                        "{when}: {} is below the {d} draw, so {} is advanced; it is recovered from later months' pay above the draw. ",
                        money(m.earned, cur),
                        money(m.effect, cur)
                    )
                } else if m.effect < Decimal::ZERO && m.applies {
                    format!(
                        "{when}: {} is {} above the {d} draw, so {} of the {} outstanding is recovered. ",
                        money(m.earned, cur),
                        money(m.earned - draw.amount, cur),
                        money(-m.effect, cur),
                        money(balance, cur)
                    )
                } else if m.effect < Decimal::ZERO {
                    format!(
                        "{when}: the draw no longer applies, so {} of the {} outstanding is recovered from the month's {}. ",
                        money(-m.effect, cur),
                        money(balance, cur),
                        money(m.earned, cur)
                    )
                } else if !m.applies {
                    format!("{when}: the draw does not apply and nothing is outstanding. ")
                } else {
                    format!("{when}: nothing is advanced or recovered. ")
                });
                balance = m.balance;
            }
            text.push_str(&format!("Outstanding draw now {}. ", money(closing_balance, cur)));
        }
        DrawKind::NonRecoverable => {
            figures.push(figure("Top-up this period", line.amount, FigureUnit::Money));
            for m in &in_period {
                let when = span(m.from, m.to);
                text.push_str(&if !m.applies {
                    format!("{when}: the guarantee does not apply. ")
                } else if m.effect > Decimal::ZERO {
                    format!(
                        "{when}: {} is below the {d} guarantee, so it is topped up by {}; the top-up is never recovered. ",
                        money(m.earned, cur),
                        money(m.effect, cur)
                    )
                } else {
                    format!("{when}: {} meets the {d} guarantee, so no top-up is needed. ", money(m.earned, cur))
                });
            }
        }
    }
    line.figures = figures;
    text.push_str(&format!("This period's {} line is {}.", name.to_lowercase(), money(line.amount, cur)));
    line.explanation = text;
    line
}
