//! ASC 340-40 / IFRS 15: incremental costs of obtaining a contract (commissions) are
//! capitalised and amortised straight-line over the expected benefit period; when that period
//! is a year or less they may be expensed as incurred (the practical expedient). A
//! modification or renewal re-bases the schedule: the carrying amount plus any new commission
//! is amortised over the remaining benefit period from that month.

use chrono::NaiveDate;
use plumbline_engine::money::{Currency, allocate};
use plumbline_engine::statement::Period;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Months of benefit at or below which the practical expedient expenses the cost at once.
pub const EXPEDIENT_MONTHS: u32 = 12;

/// A contract and the commission paid to obtain it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct CommissionContract {
    /// The contract.
    pub contract_id: String,
    /// Currency of the commission.
    pub currency: Currency,
    /// Incremental commission cost.
    pub commission: Decimal,
    /// The month amortisation starts (the contract's start).
    pub start: NaiveDate,
    /// Expected benefit period in months, renewals included.
    pub benefit_months: u32,
    /// Modifications and renewals, in date order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub changes: Vec<ContractChange>,
}

/// A modification or renewal of the contract.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct ContractChange {
    /// The day it takes effect; the schedule is re-based from its month.
    pub date: NaiveDate,
    /// Modification or renewal.
    pub kind: ChangeKind,
    /// Further incremental commission paid for it.
    #[serde(default)]
    pub additional_commission: Decimal,
    /// Expected benefit remaining from the change's month.
    pub remaining_benefit_months: u32,
}

/// What changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ChangeKind {
    /// The contract's terms or scope changed.
    Modification,
    /// The contract was renewed.
    Renewal,
}

/// One month of the schedule.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ScheduleRow {
    /// `YYYY-MM`.
    pub period: String,
    /// Asset at the start of the month.
    pub opening: Decimal,
    /// Commission capitalised this month.
    pub capitalised: Decimal,
    /// Commission expensed at once under the practical expedient.
    pub expensed: Decimal,
    /// Amortisation expense.
    pub amortised: Decimal,
    /// Asset at the end of the month.
    pub closing: Decimal,
}

/// A contract's schedule and how it was built.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AmortisationSchedule {
    /// The contract.
    pub contract_id: String,
    /// Month by month.
    pub rows: Vec<ScheduleRow>,
    /// Each step in words.
    pub notes: Vec<String>,
}

/// Why a schedule cannot be built.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum AccountingError {
    /// A negative commission or one finer than the currency's minor unit.
    #[error("contract {contract}: commission {amount} must be zero or more, in whole minor units")]
    BadAmount {
        /// The contract.
        contract: String,
        /// The amount.
        amount: Decimal,
    },
    /// A zero benefit period.
    #[error("contract {contract}: the benefit period must be at least one month")]
    NoBenefitPeriod {
        /// The contract.
        contract: String,
    },
    /// A change before the start or the previous change.
    #[error("contract {contract}: change dated {date} is before the start or the previous change")]
    ChangeOutOfOrder {
        /// The contract.
        contract: String,
        /// The change's date.
        date: NaiveDate,
    },
}

/// Builds the schedule: straight-line amortisation to the minor unit (the spare units go to
/// the earliest months), re-based at each modification or renewal.
pub fn amortisation_schedule(contract: &CommissionContract) -> Result<AmortisationSchedule, AccountingError> {
    let digits = contract.currency.minor_digits();
    let id = &contract.contract_id;
    let bad = |amount: Decimal| amount < Decimal::ZERO || amount.round_dp(digits) != amount;
    if bad(contract.commission) {
        return Err(AccountingError::BadAmount { contract: id.clone(), amount: contract.commission });
    }
    if contract.benefit_months == 0 {
        return Err(AccountingError::NoBenefitPeriod { contract: id.clone() });
    }
    let mut previous = contract.start;
    for c in &contract.changes {
        if bad(c.additional_commission) {
            return Err(AccountingError::BadAmount { contract: id.clone(), amount: c.additional_commission });
        }
        if c.remaining_benefit_months == 0 {
            return Err(AccountingError::NoBenefitPeriod { contract: id.clone() });
        }
        if Period::month_of(c.date).start <= Period::month_of(previous).start {
            return Err(AccountingError::ChangeOutOfOrder { contract: id.clone(), date: c.date });
        }
        previous = c.date;
    }
    let symbol = contract.currency.symbol();
    let mut rows: Vec<ScheduleRow> = Vec::new();
    let mut notes = Vec::new();
    // (start month, commission added, months, label) for the inception and each change.
    let mut segments =
        vec![(Period::month_of(contract.start), contract.commission, contract.benefit_months, "inception")];
    segments.extend(contract.changes.iter().map(|c| {
        let label = match c.kind {
            ChangeKind::Modification => "modification",
            ChangeKind::Renewal => "renewal",
        };
        (Period::month_of(c.date), c.additional_commission, c.remaining_benefit_months, label)
    }));
    let mut carrying = Decimal::ZERO;
    for (s, (month, added, months, label)) in segments.iter().enumerate() {
        let until = segments.get(s + 1).map(|next| next.0.start);
        let base = carrying + added;
        let expedient = carrying.is_zero() && *months <= EXPEDIENT_MONTHS;
        if expedient {
            notes.push(format!(
                "{} {}: commission {symbol}{} with a benefit of {months} months (a year or less) is expensed at once under the practical expedient.",
                month.label, label, added
            ));
            rows.push(ScheduleRow {
                period: month.label.clone(),
                opening: Decimal::ZERO,
                capitalised: Decimal::ZERO,
                expensed: *added,
                amortised: Decimal::ZERO,
                closing: Decimal::ZERO,
            });
            carrying = Decimal::ZERO;
            continue;
        }
        let parts = allocate(base, &vec![Decimal::ONE; *months as usize], digits);
        notes.push(format!(
            "{} {}: carrying amount {symbol}{carrying} + commission {symbol}{added} = {symbol}{base}, amortised straight-line over {months} months: {}.",
            month.label,
            label,
            describe_parts(&parts, symbol)
        ));
        let mut current = month.clone();
        let mut opening = carrying;
        for (i, part) in parts.iter().enumerate() {
            if until.is_some_and(|u| current.start >= u) {
                break;
            }
            let capitalised = if i == 0 { *added } else { Decimal::ZERO };
            let closing = opening + capitalised - part;
            rows.push(ScheduleRow {
                period: current.label.clone(),
                opening,
                capitalised,
                expensed: Decimal::ZERO,
                amortised: *part,
                closing,
            });
            opening = closing;
            match current.end.succ_opt() {
                Some(next) => current = Period::month_of(next),
                None => break,
            }
        }
        carrying = opening;
    }
    Ok(AmortisationSchedule { contract_id: id.clone(), rows, notes })
}

/// `12 x 100.00` or `2 x 33.34 then 1 x 33.33`.
fn describe_parts(parts: &[Decimal], symbol: &str) -> String {
    let mut runs: Vec<(usize, Decimal)> = Vec::new();
    for p in parts {
        match runs.last_mut() {
            Some((n, v)) if v == p => *n += 1,
            _ => runs.push((1, *p)),
        }
    }
    runs.iter().map(|(n, v)| format!("{n} x {symbol}{v}")).collect::<Vec<_>>().join(" then ")
}
