//! Conduct gates: compliance events reduce or remove a period's variable pay by plan rule.

use crate::document::{ConductAction, ConductRule};
use crate::statement::{LineKind, RegulatedLine};
use chrono::Datelike;
use plumbline_engine::format::{money, percent};
use plumbline_engine::plan::Plan;
use plumbline_engine::statement::{Figure, FigureUnit, Period, Statement};
use plumbline_firm::{ComplianceEvent, ComplianceKind, Severity};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The event kind in words.
pub fn kind_label(kind: ComplianceKind) -> &'static str {
    match kind {
        ComplianceKind::ComplaintUpheld => "complaint upheld",
        ComplianceKind::FileReviewFailure => "file-review failure",
        ComplianceKind::MisSelling => "mis-selling finding",
        ComplianceKind::OverdueTraining => "overdue mandatory training",
    }
}

fn severity_label(severity: Severity) -> &'static str {
    match severity {
        Severity::Minor => "minor",
        Severity::Major => "major",
    }
}

/// The first rule that applies to an event.
pub fn rule_for<'r>(rules: &'r [ConductRule], event: &ComplianceEvent) -> Option<&'r ConductRule> {
    rules.iter().find(|r| r.severity == event.severity && (r.kinds.is_empty() || r.kinds.contains(&event.kind)))
}

/// Months from the event's month to the period's first month.
fn months_after(event: &ComplianceEvent, period: &Period) -> i64 {
    let (e, p) = (event.date, period.start);
    i64::from(p.year() - e.year()) * 12 + i64::from(p.month()) - i64::from(e.month())
}

/// The conduct lines of a period: one per compliance event of the payee that reaches it,
/// in date order. Each reduction is taken from what is left of the period's pay, so the
/// period's variable pay never goes below zero on account of conduct.
pub fn conduct_lines(
    plan: &Plan,
    rules: &[ConductRule],
    events: &[ComplianceEvent],
    period: &Period,
    engine: &Statement,
) -> Vec<RegulatedLine> {
    let currency = &plan.currency;
    let digits = currency.minor_digits();
    let mut events: Vec<(&ComplianceEvent, Option<&ConductRule>)> = events
        .iter()
        .filter(|e| e.person_id == engine.payee)
        .filter_map(|e| {
            let rule = rule_for(rules, e);
            let after = months_after(e, period);
            let reach = rule.map_or(1, |r| i64::from(r.periods));
            (0..reach).contains(&after).then_some((e, rule))
        })
        .collect();
    events.sort_by(|a, b| (a.0.date, &a.0.id).cmp(&(b.0.date, &b.0.id)));
    let mut element: BTreeMap<&str, Decimal> = BTreeMap::new();
    for line in &engine.lines {
        *element.entry(line.component_id.as_str()).or_default() += line.amount;
    }
    let mut left_by_component = element.clone();
    let mut left_total = engine.total;
    let mut out = Vec::new();
    for (event, rule) in events {
        let what = format!(
            "Conduct event {} ({}, {}, {}: \"{}\")",
            event.id,
            kind_label(event.kind),
            severity_label(event.severity),
            event.date.format("%-d %b %Y"),
            event.description
        );
        let Some(rule) = rule else {
            out.push(RegulatedLine {
                kind: LineKind::Conduct,
                reference: event.id.clone(),
                rule: "none".into(),
                amount: Decimal::ZERO,
                figures: Vec::new(),
                explanation: format!("{what} matches no conduct rule of this plan: no effect on pay."),
            });
            continue;
        };
        let reach = if rule.periods > 1 {
            format!(
                " (it applies for {} periods from {}; this is period {})",
                rule.periods,
                event.date.format("%b %Y"),
                months_after(event, period) + 1
            )
        } else {
            String::new()
        };
        let (cut, figures, how) = match &rule.action {
            ConductAction::ReduceComponent { component, fraction } => {
                let name = plan.component(component).map_or(component.as_str(), |c| c.name());
                let base = element.get(component.as_str()).copied().unwrap_or_default().max(Decimal::ZERO);
                let left = left_by_component.get(component.as_str()).copied().unwrap_or_default();
                let wanted = plan.rounding.round(*fraction * base, digits);
                let cut = wanted.min(left.max(Decimal::ZERO)).min(left_total.max(Decimal::ZERO));
                let limited = if cut < wanted {
                    format!(" (limited to the {} left of it after earlier conduct reductions)", money(cut, currency))
                } else {
                    String::new()
                };
                let figures = vec![
                    Figure { label: format!("{name} pay this period"), value: base, unit: FigureUnit::Money },
                    Figure { label: "Share removed".into(), value: *fraction, unit: FigureUnit::Fraction },
                    Figure { label: "Reduction".into(), value: cut, unit: FigureUnit::Money },
                ];
                let how = format!(
                    "takes {} of {name}'s pay this period: {} x {} = {}{limited}",
                    percent(*fraction),
                    percent(*fraction),
                    money(base, currency),
                    money(wanted, currency)
                );
                (cut, figures, how)
            }
            ConductAction::ForfeitVariablePay => {
                let cut = left_total.max(Decimal::ZERO);
                let figures = vec![
                    Figure {
                        label: "Variable pay this period before this event".into(),
                        value: cut,
                        unit: FigureUnit::Money,
                    },
                    Figure { label: "Forfeited".into(), value: cut, unit: FigureUnit::Money },
                ];
                let how = format!("forfeits this period's variable pay of {}", money(cut, currency));
                (cut, figures, how)
            }
        };
        left_total -= cut;
        match &rule.action {
            ConductAction::ReduceComponent { component, .. } => {
                *left_by_component.entry(component.as_str()).or_default() -= cut;
            }
            ConductAction::ForfeitVariablePay => left_by_component.values_mut().for_each(|v| *v = Decimal::ZERO),
        }
        out.push(RegulatedLine {
            kind: LineKind::Conduct,
            reference: event.id.clone(),
            rule: rule.id.clone(),
            amount: -cut,
            figures,
            explanation: format!(
                "{what}: conduct rule `{}` ({}){reach} {how}. This line: {}.",
                rule.id,
                rule.name,
                money(-cut, currency)
            ),
        });
    }
    out
}
