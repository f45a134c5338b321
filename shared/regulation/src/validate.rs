//! Checks for regulated roles: Reg BI, MiFID II inducements, the balanced-scorecard minimum
//! and the variable-to-fixed pay cap. Each problem names the JSON path and the numbers.

use crate::document::Regulation;
use plumbline_engine::TxnKind;
use plumbline_engine::format::{money, percent};
use plumbline_engine::plan::{Component, Measure, Plan, PlanProblem};
use rust_decimal::Decimal;

/// Kinds that are sales of securities (as opposed to production or asset growth).
const SALES_KINDS: [TxnKind; 2] = [TxnKind::Booking, TxnKind::Inflow];

/// Every regulated-role rule the plan breaks.
pub fn role_problems(plan: &Plan, regulation: &Regulation) -> Vec<PlanProblem> {
    let mut out = Vec::new();
    let role = &regulation.role;
    if role.us_broker_dealer {
        reg_bi(plan, &mut out);
    }
    if let Some(service) = role.mifid_service
        && service.passes_inducements_to_client()
    {
        for (i, c) in plan.components.iter().enumerate() {
            let paid_on: Vec<&str> = measures(c)
                .flat_map(|m| m.kinds.iter())
                .filter(|k| regulation.third_party_kinds.contains(k))
                .map(|k| k.label())
                .collect();
            if !paid_on.is_empty() {
                out.push(PlanProblem {
                    path: format!("plan.components[{i}].measure.kinds"),
                    message: format!(
                        "{}: the role may not keep third-party payments; `{}` pays on {}, which is credited to the client",
                        service.article(),
                        c.id(),
                        paid_on.join(", ")
                    ),
                });
            }
        }
    }
    if role.client_facing_regulated {
        scorecard_minimum(plan, regulation, &mut out);
    }
    if let Some(max) = role.max_variable_to_fixed {
        if max < Decimal::ZERO {
            out.push(problem("regulation.role.max_variable_to_fixed", "must not be negative".into()));
        }
        let path = "plan.cap_fixed_pay_multiple";
        match plan.cap_fixed_pay_multiple {
            None => out.push(problem(
                path,
                format!(
                    "the role caps variable pay at {} of fixed pay; the plan must cap it with cap_fixed_pay_multiple at most {}",
                    percent(max),
                    max.normalize()
                ),
            )),
            Some(m) if m > max => out.push(problem(
                path,
                format!(
                    "is {} ({} of fixed pay), above the role's variable-to-fixed cap of {} ({})",
                    m.normalize(),
                    percent(m),
                    max.normalize(),
                    percent(max)
                ),
            )),
            Some(_) => {}
        }
    }
    out
}

fn problem(path: &str, message: String) -> PlanProblem {
    PlanProblem { path: path.into(), message }
}

/// A component's measures: its own, or its financial KPIs'.
fn measures(c: &Component) -> Box<dyn Iterator<Item = &Measure> + '_> {
    match c {
        Component::Scorecard { kpis, .. } => Box::new(kpis.iter().filter_map(|k| k.measure.as_ref())),
        other => Box::new(other.measure().into_iter()),
    }
}

/// Sales of specific securities: a product filter on a sales measure.
fn specific_sales(m: &Measure) -> Option<String> {
    let products = m.products.as_ref()?;
    m.kinds.iter().any(|k| SALES_KINDS.contains(k)).then(|| products.join(", "))
}

/// Reg BI, 17 CFR 240.15l-1(a)(2)(iii)(D): sales contests, quotas and bonuses based on sales of
/// specific securities within a limited period must be eliminated; production and asset
/// growth are allowed.
fn reg_bi(plan: &Plan, out: &mut Vec<PlanProblem>) {
    const RULE: &str = "Reg BI (17 CFR 240.15l-1(a)(2)(iii)(D)) bars broker-dealer pay based on sales of specific securities within a limited period";
    const ALLOWED: &str = "pay on production (fee revenue, all bookings) or asset growth instead";
    for (i, c) in plan.components.iter().enumerate() {
        let at = format!("plan.components[{i}]");
        match c {
            Component::Spif { measure, from, to, .. } => {
                if let Some(products) = specific_sales(measure) {
                    out.push(problem(
                        &at,
                        format!("{RULE}: `{}` is a sales contest on {products} from {from} to {to}; {ALLOWED}", c.id()),
                    ));
                }
            }
            Component::QuotaBonus { measure, .. }
            | Component::Tiered { measure, .. }
            | Component::Formula { measure, .. } => {
                if let Some(products) = specific_sales(measure) {
                    let what = if matches!(c, Component::Tiered { .. }) { "quota" } else { "bonus" };
                    out.push(problem(
                        &at,
                        format!("{RULE}: `{}` is a sales {what} on {products} over the plan year; {ALLOWED}", c.id()),
                    ));
                }
            }
            Component::Scorecard { kpis, .. } => {
                for (k, kpi) in kpis.iter().enumerate() {
                    if let Some(products) = kpi.measure.as_ref().and_then(specific_sales) {
                        out.push(problem(
                            &format!("{at}.kpis[{k}]"),
                            format!(
                                "{RULE}: KPI `{}` is a sales bonus on {products} over the plan year; {ALLOWED}",
                                kpi.id
                            ),
                        ));
                    }
                }
            }
            Component::Flat { .. } => {}
        }
    }
}

/// Non-financial measures must carry at least the role's minimum share of on-target variable
/// pay. On-target pay is each component's target incentive, or `regulation.on_target`.
fn scorecard_minimum(plan: &Plan, regulation: &Regulation, out: &mut Vec<PlanProblem>) {
    let Some(min) = regulation.role.min_non_financial_weight else {
        out.push(problem(
            "regulation.role.min_non_financial_weight",
            "a client-facing regulated role must set the least weight of non-financial measures".into(),
        ));
        return;
    };
    if !(Decimal::ZERO..=Decimal::ONE).contains(&min) {
        out.push(problem("regulation.role.min_non_financial_weight", "must be between 0 and 1".into()));
        return;
    }
    let (mut total, mut non_financial) = (Decimal::ZERO, Decimal::ZERO);
    let mut missing = false;
    for c in &plan.components {
        let Some(target) = regulation.on_target.get(c.id()).copied().or(c.target_incentive().flatten()) else {
            out.push(problem(
                &format!("regulation.on_target.{}", c.id()),
                format!("`{}` needs an on-target annual amount to weigh the balanced scorecard", c.id()),
            ));
            missing = true;
            continue;
        };
        total += target;
        if let Component::Scorecard { kpis, .. } = c {
            non_financial += target * kpis.iter().filter(|k| k.measure.is_none()).map(|k| k.weight).sum::<Decimal>();
        }
    }
    if missing {
        return;
    }
    let weight = if total.is_zero() { Decimal::ZERO } else { non_financial / total };
    if weight < min {
        out.push(problem(
            "plan.components",
            format!(
                "non-financial measures carry {} of on-target variable pay ({} of {}); a client-facing regulated role needs at least {}",
                percent(weight),
                money(non_financial, &plan.currency),
                money(total, &plan.currency),
                percent(min)
            ),
        ));
    }
}
