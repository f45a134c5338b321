//! The period calculation: cumulative year to date, with a true-up against what was paid.

use crate::credit::{Credit, credit_transaction};
use crate::format::{money, percent};
use crate::plan::{Component, Measure, Plan, Tier, TierMethod};
use crate::statement::{BandResult, Period, Statement, StatementLine};
use crate::transaction::{Transaction, TxnKind};
use chrono::{Datelike, NaiveDate};
use rust_decimal::Decimal;

/// What one payee brings to a calculation.
#[derive(Debug, Clone, Copy)]
pub struct PayeeInputs<'a> {
    /// The payee's id.
    pub payee: &'a str,
    /// Annual quota in the plan's currency, needed by tiered components.
    pub annual_quota: Option<Decimal>,
    /// Transactions that may credit the payee, in any order.
    pub transactions: &'a [Transaction],
}

/// Why a statement could not be calculated.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalcError {
    /// A tiered component needs a quota and the payee has none.
    #[error("component `{component}` needs an annual quota for payee {payee}, and none was given")]
    MissingQuota {
        /// The payee.
        payee: String,
        /// The component.
        component: String,
    },
    /// A quota of zero or less cannot define attainment bands.
    #[error("annual quota for payee {payee} must be positive, got {quota}")]
    NonPositiveQuota {
        /// The payee.
        payee: String,
        /// The quota given.
        quota: Decimal,
    },
    /// A transaction is in a currency other than the plan's.
    #[error("transaction {txn} is in {found}, but plan `{plan}` pays in {expected}")]
    CurrencyMismatch {
        /// The transaction.
        txn: String,
        /// Its currency.
        found: String,
        /// The plan's currency.
        expected: String,
        /// The plan.
        plan: String,
    },
}

/// First day of the plan year containing `date`.
pub fn year_start(plan: &Plan, date: NaiveDate) -> NaiveDate {
    let m = plan.year_start_month;
    let year = if date.month() >= m { date.year() } else { date.year() - 1 };
    NaiveDate::from_ymd_opt(year, m, 1).expect("valid plan year start")
}

/// Computes the payee's statement for `period`: earnings to date minus earnings to the end of
/// the previous period, per component, each line explained.
pub fn statement_for_period(plan: &Plan, inputs: &PayeeInputs, period: &Period) -> Result<Statement, CalcError> {
    let start = year_start(plan, period.end);
    let digits = plan.currency.minor_digits();
    if let Some(q) = inputs.annual_quota
        && q <= Decimal::ZERO
    {
        return Err(CalcError::NonPositiveQuota { payee: inputs.payee.to_string(), quota: q });
    }
    let mut credits: Vec<(NaiveDate, TxnKind, Option<&str>, Credit)> = Vec::new();
    // A transaction no component measures cannot change the statement, whatever its currency.
    let measured = |t: &&Transaction| plan.components.iter().any(|c| counts(c.measure(), t.kind, t.product.as_deref()));
    for txn in inputs.transactions.iter().filter(|t| t.date >= start && t.date <= period.end).filter(measured) {
        if txn.currency != plan.currency {
            return Err(CalcError::CurrencyMismatch {
                txn: txn.id.clone(),
                found: txn.currency.0.clone(),
                expected: plan.currency.0.clone(),
                plan: plan.id.clone(),
            });
        }
        for credit in credit_transaction(&plan.crediting, txn, digits) {
            if credit.payee == inputs.payee {
                credits.push((txn.date, txn.kind, txn.product.as_deref(), credit));
            }
        }
    }
    // A stable order makes statements identical however the input was ordered.
    credits.sort_by(|a, b| (a.0, &a.3.txn_id, &a.3.role).cmp(&(b.0, &b.3.txn_id, &b.3.role)));

    let mut lines = Vec::with_capacity(plan.components.len());
    for component in &plan.components {
        let measure = component.measure();
        let counted: Vec<&(NaiveDate, TxnKind, Option<&str>, Credit)> =
            credits.iter().filter(|c| counts(measure, c.1, c.2)).collect();
        let signed = |c: &&(NaiveDate, TxnKind, Option<&str>, Credit)| {
            if c.1 == TxnKind::Outflow { -c.3.amount } else { c.3.amount }
        };
        let ytd: Decimal = counted.iter().map(signed).sum();
        let before: Decimal = counted.iter().filter(|c| c.0 < period.start).map(signed).sum();
        let quota = match component {
            Component::Tiered { .. } => Some(inputs.annual_quota.ok_or_else(|| CalcError::MissingQuota {
                payee: inputs.payee.to_string(),
                component: component.id().to_string(),
            })?),
            // The payee's quota is set on the tiered measure; quoting it against another
            // measure's amount would mislead. Per-measure quotas come with the full engine.
            Component::Flat { .. } => None,
        };
        let now = earnings(component, ytd, quota);
        let earned_to_date = plan.rounding.round(now.total, digits);
        let paid_before = plan.rounding.round(earnings(component, before, quota).total, digits);
        let period_credits: Vec<Credit> = counted.iter().filter(|c| c.0 >= period.start).map(|c| c.3.clone()).collect();
        let mut line = StatementLine {
            component_id: component.id().to_string(),
            component_name: component.name().to_string(),
            rule: rule_text(component),
            measure_label: measure_label(measure),
            measure_ytd: ytd,
            measure_period: ytd - before,
            quota,
            attainment: quota.map(|q| ytd / q),
            bands: now.bands,
            capped: now.capped,
            floored: now.floored,
            earned_to_date,
            paid_before,
            amount: earned_to_date - paid_before,
            credits: period_credits,
            ytd_credit_count: counted.len(),
            explanation: String::new(),
        };
        line.explanation = explain(plan, &line, start);
        lines.push(line);
    }
    let total = lines.iter().map(|l| l.amount).sum();
    Ok(Statement {
        payee: inputs.payee.to_string(),
        plan_id: plan.id.clone(),
        plan_version: plan.version,
        plan_name: plan.name.clone(),
        currency: plan.currency.clone(),
        period: period.clone(),
        year_start: start,
        lines,
        total,
    })
}

fn counts(measure: &Measure, kind: TxnKind, product: Option<&str>) -> bool {
    measure.kinds.contains(&kind)
        && measure.products.as_ref().is_none_or(|ps| product.is_some_and(|p| ps.iter().any(|x| x == p)))
}

/// Unrounded year-to-date earnings of a component on a measured amount (cap applied).
pub fn component_earnings(component: &Component, measured: Decimal, quota: Option<Decimal>) -> Decimal {
    earnings(component, measured, quota).total
}

struct Earnings {
    total: Decimal,
    bands: Vec<BandResult>,
    capped: bool,
    floored: bool,
}

/// Unrounded earnings of a component on a year-to-date measured amount.
fn earnings(component: &Component, measured: Decimal, quota: Option<Decimal>) -> Earnings {
    match component {
        Component::Flat { rate, floor, .. } => {
            let raw = measured * rate;
            let total = floor.map_or(raw, |f| raw.max(f));
            Earnings { total, bands: Vec::new(), capped: false, floored: total != raw }
        }
        Component::Tiered { method, tiers, cap_quota_multiple, .. } => {
            let q = quota.unwrap_or(Decimal::ZERO);
            let bands = match method {
                TierMethod::Marginal => marginal(tiers, measured, q),
                TierMethod::Retroactive => retroactive(tiers, measured, q),
            };
            let raw: Decimal = bands.iter().map(|b| b.earned).sum();
            let cap = cap_quota_multiple.map(|m| m * q);
            match cap {
                Some(cap) if raw > cap => Earnings { total: cap, bands, capped: true, floored: false },
                _ => Earnings { total: raw, bands, capped: false, floored: false },
            }
        }
    }
}

fn band_edges(tiers: &[Tier], quota: Decimal) -> impl Iterator<Item = (Decimal, Option<Decimal>, Decimal)> + '_ {
    let mut from = Decimal::ZERO;
    tiers.iter().map(move |t| {
        let to = t.up_to.map(|u| u * quota);
        let band = (from, to, t.rate);
        if let Some(to) = to {
            from = to;
        }
        band
    })
}

fn marginal(tiers: &[Tier], measured: Decimal, quota: Decimal) -> Vec<BandResult> {
    band_edges(tiers, quota)
        .map(|(from, to, rate)| {
            let upper = to.map_or(measured, |t| measured.min(t));
            let inside = (upper - from).max(Decimal::ZERO);
            BandResult { from, to, rate, measured: inside, earned: inside * rate }
        })
        .collect()
}

fn retroactive(tiers: &[Tier], measured: Decimal, quota: Decimal) -> Vec<BandResult> {
    let reached = band_edges(tiers, quota)
        .position(|(_, to, _)| to.is_none_or(|t| measured <= t))
        .unwrap_or(tiers.len().saturating_sub(1));
    band_edges(tiers, quota)
        .enumerate()
        .map(|(i, (from, to, rate))| {
            let whole = if i == reached { measured.max(Decimal::ZERO) } else { Decimal::ZERO };
            BandResult { from, to, rate, measured: whole, earned: whole * rate }
        })
        .collect()
}

fn measure_label(measure: &Measure) -> String {
    let kinds: Vec<&str> = measure.kinds.iter().map(|k| k.label()).collect();
    let base = if measure.kinds.contains(&TxnKind::Inflow) && measure.kinds.contains(&TxnKind::Outflow) {
        "net new assets".to_string()
    } else {
        kinds.join(" and ")
    };
    match &measure.products {
        Some(products) => format!("{base} on {}", products.join(", ")),
        None => base,
    }
}

fn rule_text(component: &Component) -> String {
    match component {
        Component::Flat { rate, floor: None, .. } => format!("flat {}", percent(*rate)),
        Component::Flat { rate, floor: Some(f), .. } => {
            format!("flat {}, earnings to date at least {f}", percent(*rate))
        }
        Component::Tiered { method, tiers, cap_quota_multiple, .. } => {
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
            let cap = cap_quota_multiple.map(|c| format!("; capped at {} of quota", percent(c))).unwrap_or_default();
            format!("{kind}: {}{cap}", bands.join(", "))
        }
    }
}

fn explain(plan: &Plan, line: &StatementLine, start: NaiveDate) -> String {
    let c = &plan.currency;
    let mut text = format!(
        "Since {} you are credited {} of {}",
        start.format("%-d %b %Y"),
        money(line.measure_ytd, c),
        line.measure_label
    );
    if let (Some(q), Some(a)) = (line.quota, line.attainment) {
        text.push_str(&format!(", {} of your {} annual quota", percent(a.round_dp(4)), money(q, c)));
    }
    text.push_str(". ");
    if line.bands.is_empty() {
        text.push_str(&format!("The rule is {}. ", line.rule));
        if line.floored {
            text.push_str(&format!(
                "The floor applies: earnings to date are held at {}. ",
                money(line.earned_to_date, c)
            ));
        }
    } else {
        let paying: Vec<String> = line
            .bands
            .iter()
            .filter(|b| !b.measured.is_zero())
            .map(|b| {
                let edge = match b.to {
                    Some(to) => format!("{}–{}", money(b.from, c), money(to, c)),
                    None => format!("above {}", money(b.from, c)),
                };
                format!("{} in the band {edge} pays {}: {}", money(b.measured, c), percent(b.rate), money(b.earned, c))
            })
            .collect();
        if paying.is_empty() {
            text.push_str("Nothing has reached a paying band yet. ");
        } else {
            text.push_str(&paying.join("; "));
            text.push_str(". ");
        }
        if line.capped {
            text.push_str("The component cap applies. ");
        }
    }
    text.push_str(&format!(
        "Earned to date {}; {} was earned in earlier periods, so this period pays {}.",
        money(line.earned_to_date, c),
        money(line.paid_before, c),
        money(line.amount, c)
    ));
    text
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::money::Currency;
    use crate::transaction::Party;
    use rust_decimal_macros::dec;

    fn plan() -> Plan {
        Plan::from_json(
            r#"{"id": "batch", "version": 1, "name": "Batch", "currency": "USD", "effective_from": "2026-01-01",
                "crediting": {"splits": {"owner": "0.7", "co_owner": "0.3"}},
                "components": [{"type": "tiered", "id": "commission", "name": "Commission",
                  "measure": {"kinds": ["booking"]}, "method": "marginal", "cap_quota_multiple": "0.12",
                  "tiers": [{"up_to": "0.5", "rate": "0.02"}, {"up_to": "1", "rate": "0.04"}, {"rate": "0.08"}]}]}"#,
        )
        .unwrap()
    }

    fn txn(id: &str, date: &str, amount: Decimal, co_owner: Option<&str>) -> Transaction {
        let mut parties = vec![Party { payee: "A".into(), role: "owner".into() }];
        if let Some(c) = co_owner {
            parties.push(Party { payee: c.into(), role: "co_owner".into() });
        }
        Transaction {
            id: id.into(),
            date: date.parse().unwrap(),
            kind: TxnKind::Booking,
            amount,
            currency: Currency::new("USD"),
            product: None,
            client_id: None,
            parties,
        }
    }

    #[test]
    fn marginal_tiers_true_up_against_earlier_months() {
        // Quota 1,000. Jan: 400 credited -> 400 x 2% = 8.00.
        // Feb: +300 (70% of 428.57 = 300.00 after the split) -> YTD 700:
        // 500 x 2% + 200 x 4% = 18.00 earned to date, 8.00 before, 10.00 this period.
        let txns = vec![txn("t1", "2026-01-15", dec!(400), None), txn("t2", "2026-02-03", dec!(428.57), Some("B"))];
        let inputs = PayeeInputs { payee: "A", annual_quota: Some(dec!(1000)), transactions: &txns };
        let feb = statement_for_period(&plan(), &inputs, &Period::parse_month("2026-02").unwrap()).unwrap();
        let line = &feb.lines[0];
        assert_eq!(line.measure_ytd, dec!(700.00));
        assert_eq!(line.earned_to_date, dec!(18.00));
        assert_eq!(line.paid_before, dec!(8.00));
        assert_eq!(feb.total, dec!(10.00));
        assert_eq!(line.credits.len(), 1);
        assert!(
            line.explanation.contains("$200.00 in the band $500.00–$1,000.00 pays 4%: $8.00"),
            "{}",
            line.explanation
        );
    }

    #[test]
    fn cap_limits_the_year() {
        let txns = vec![txn("t1", "2026-03-01", dec!(5000), None)];
        let inputs = PayeeInputs { payee: "A", annual_quota: Some(dec!(1000)), transactions: &txns };
        let mar = statement_for_period(&plan(), &inputs, &Period::parse_month("2026-03").unwrap()).unwrap();
        assert_eq!(mar.total, dec!(120.00));
        assert!(mar.lines[0].capped);
    }

    #[test]
    fn unmeasured_transactions_in_another_currency_are_ignored() {
        let mut fee = txn("f1", "2026-03-01", dec!(100), None);
        fee.kind = TxnKind::FeeRevenue;
        fee.currency = Currency::new("GBP");
        let txns = vec![txn("t1", "2026-03-01", dec!(100), None), fee.clone()];
        let inputs = PayeeInputs { payee: "A", annual_quota: Some(dec!(1000)), transactions: &txns };
        let march = Period::parse_month("2026-03").unwrap();
        assert_eq!(statement_for_period(&plan(), &inputs, &march).unwrap().total, dec!(2.00));
        fee.kind = TxnKind::Booking;
        let txns = vec![fee];
        let inputs = PayeeInputs { payee: "A", annual_quota: Some(dec!(1000)), transactions: &txns };
        let err = statement_for_period(&plan(), &inputs, &march).unwrap_err();
        assert!(matches!(err, CalcError::CurrencyMismatch { .. }), "a measured one in GBP is still refused");
    }

    #[test]
    fn a_floor_stops_net_outflows_from_owing_pay() {
        let plan = Plan::from_json(
            r#"{"id": "nna", "version": 1, "name": "NNA", "currency": "USD", "effective_from": "2026-01-01",
                "components": [{"type": "flat", "id": "nna", "name": "Net new assets", "rate": "0.001", "floor": "0",
                  "measure": {"kinds": ["inflow", "outflow"]}}]}"#,
        )
        .unwrap();
        let mut out = txn("o1", "2026-01-10", dec!(50000), None);
        out.kind = TxnKind::Outflow;
        let mut inflow = txn("i1", "2026-02-10", dec!(80000), None);
        inflow.kind = TxnKind::Inflow;
        let txns = vec![out, inflow];
        let inputs = PayeeInputs { payee: "A", annual_quota: None, transactions: &txns };
        let jan = statement_for_period(&plan, &inputs, &Period::parse_month("2026-01").unwrap()).unwrap();
        assert_eq!(jan.total, dec!(0.00), "-50,000 x 0.1% is floored at 0");
        assert!(jan.lines[0].floored && jan.lines[0].explanation.contains("The floor applies"));
        // YTD +30,000 x 0.1% = 30.00; nothing was paid in January.
        let feb = statement_for_period(&plan, &inputs, &Period::parse_month("2026-02").unwrap()).unwrap();
        assert_eq!(feb.total, dec!(30.00));
        assert!(!feb.lines[0].floored);
    }

    #[test]
    fn a_missing_quota_is_an_error_not_a_panic() {
        let inputs = PayeeInputs { payee: "A", annual_quota: None, transactions: &[] };
        let err = statement_for_period(&plan(), &inputs, &Period::parse_month("2026-03").unwrap()).unwrap_err();
        assert!(matches!(err, CalcError::MissingQuota { .. }));
    }
}
