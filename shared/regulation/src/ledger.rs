//! The deferral ledger: awards, cash paid, malus and clawback, appended and never edited.
//!
//! Malus and clawback are decisions (who, when, why, how much) turned into new entries by
//! pure functions; an impossible decision is refused with the numbers that rule it out.

use crate::deferral::{DeferralSchedule, Tranche};
use crate::document::ClawbackRule;
use chrono::{Months, NaiveDate};
use plumbline_engine::format::money;
use plumbline_engine::money::{Currency, allocate};
use plumbline_firm::Role;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// One ledger entry for one payee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct LedgerEntry {
    /// Stable id; a statement re-run produces the same ids, so storing them is idempotent.
    pub id: String,
    /// The payee.
    pub payee: String,
    /// The day it takes effect.
    pub date: NaiveDate,
    /// Currency of its amounts.
    pub currency: Currency,
    /// What it records.
    #[serde(flatten)]
    pub entry: Entry,
}

/// What a ledger entry records.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Entry {
    /// Variable pay deferred from a period, with its vesting schedule.
    Award {
        /// The award's id.
        award_id: String,
        /// The pay period it was deferred from.
        period: String,
        /// Amount deferred.
        amount: Decimal,
        /// The schedule's name.
        schedule: String,
        /// Vesting instalments; they sum to `amount`.
        tranches: Vec<Tranche>,
    },
    /// Variable pay paid in cash for a period (after deferral).
    CashPaid {
        /// The pay period.
        period: String,
        /// Amount paid.
        amount: Decimal,
    },
    /// Malus: an unvested tranche reduced.
    Malus {
        /// The award.
        award_id: String,
        /// The tranche, by vesting date.
        vests_on: NaiveDate,
        /// Amount removed (positive).
        amount: Decimal,
        /// The decision behind it.
        decision: Decision,
    },
    /// Clawback: paid pay recovered.
    Clawback {
        /// What is recovered: a cash entry's id, or `award@vesting date` for a vested tranche.
        reference: String,
        /// When that pay was paid.
        paid_on: NaiveDate,
        /// Amount recovered (positive).
        amount: Decimal,
        /// The decision behind it.
        decision: Decision,
    },
}

/// A malus or clawback decision: who decided, when, why and how much.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(deny_unknown_fields)]
pub struct Decision {
    /// Stable id of the decision.
    pub id: String,
    /// Whose pay it acts on.
    pub payee: String,
    /// Who decided.
    pub decided_by: String,
    /// The role they decided in; only compliance may decide malus or clawback.
    pub authority: Role,
    /// The day of the decision.
    pub decided_on: NaiveDate,
    /// Why, in words.
    pub reason: String,
    /// Amount to remove or recover.
    pub amount: Decimal,
    /// Malus: one award's id; clawback: one paid item's reference. Every eligible one when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub target: Option<String>,
}

/// An unvested tranche, net of malus.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Unvested {
    /// The award.
    pub award_id: String,
    /// When it vests.
    pub vests_on: NaiveDate,
    /// What is left of it.
    pub amount: Decimal,
}

/// Pay that has been paid (cash for a period or a vested tranche), net of clawbacks.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PaidItem {
    /// A cash entry's id, or `award@vesting date`.
    pub reference: String,
    /// When it was paid.
    pub paid_on: NaiveDate,
    /// What is left after earlier clawbacks.
    pub amount: Decimal,
}

/// Why a malus or clawback decision cannot be applied.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum LedgerError {
    /// The decider's role may not decide malus or clawback.
    #[error("{decided_by} decided as {role}; only compliance may decide malus or clawback", role = .role.as_str())]
    NotAuthorised {
        /// Who decided.
        decided_by: String,
        /// Their role.
        role: Role,
    },
    /// No reason was given.
    #[error("decision {id} gives no reason")]
    MissingReason {
        /// The decision.
        id: String,
    },
    /// The amount is zero or negative, or finer than the currency's minor unit.
    #[error("decision {id}: amount {amount} must be more than zero, in whole minor units")]
    BadAmount {
        /// The decision.
        id: String,
        /// The amount.
        amount: Decimal,
    },
    /// The decision was already applied.
    #[error("decision {id} is already in the ledger")]
    AlreadyApplied {
        /// The decision.
        id: String,
    },
    /// The target award is not in the payee's ledger.
    #[error("payee {payee} has no award {award_id}")]
    UnknownAward {
        /// The payee.
        payee: String,
        /// The award named.
        award_id: String,
    },
    /// Malus larger than what is unvested.
    #[error("malus of {requested} exceeds the {unvested} unvested for payee {payee} on {as_of}")]
    MalusExceedsUnvested {
        /// The payee.
        payee: String,
        /// Amount asked.
        requested: Decimal,
        /// Unvested on the decision day (of the target award, if one is named).
        unvested: Decimal,
        /// The decision day.
        as_of: NaiveDate,
    },
    /// The target paid item is not in the payee's ledger.
    #[error("payee {payee} has no paid item {reference}")]
    UnknownPaidItem {
        /// The payee.
        payee: String,
        /// The reference named.
        reference: String,
    },
    /// The target was paid before the look-back window opens.
    #[error("{reference} was paid on {paid_on}, before the clawback window opened on {window_start}")]
    OutsideWindow {
        /// The paid item.
        reference: String,
        /// When it was paid.
        paid_on: NaiveDate,
        /// First day of the window.
        window_start: NaiveDate,
    },
    /// Clawback larger than what was paid within the window.
    #[error(
        "clawback of {requested} exceeds the {available} paid to payee {payee} from {window_start} to {decided_on}"
    )]
    ClawbackExceedsPaid {
        /// The payee.
        payee: String,
        /// Amount asked.
        requested: Decimal,
        /// Paid in the window, net of earlier clawbacks.
        available: Decimal,
        /// First day of the window.
        window_start: NaiveDate,
        /// The decision day.
        decided_on: NaiveDate,
    },
}

/// The payee's awards and their currency, in ledger order.
fn awards<'a>(
    ledger: &'a [LedgerEntry],
    payee: &'a str,
) -> impl Iterator<Item = (&'a LedgerEntry, &'a str, &'a [Tranche])> {
    ledger.iter().filter(move |e| e.payee == payee).filter_map(|e| match &e.entry {
        Entry::Award { award_id, tranches, .. } => Some((e, award_id.as_str(), tranches.as_slice())),
        _ => None,
    })
}

/// Malus already applied, by (award, tranche).
fn malus_by_tranche(ledger: &[LedgerEntry], payee: &str) -> BTreeMap<(String, NaiveDate), Decimal> {
    let mut out = BTreeMap::new();
    for e in ledger.iter().filter(|e| e.payee == payee) {
        if let Entry::Malus { award_id, vests_on, amount, .. } = &e.entry {
            *out.entry((award_id.clone(), *vests_on)).or_default() += *amount;
        }
    }
    out
}

/// A tranche net of malus.
fn net_tranches(ledger: &[LedgerEntry], payee: &str) -> Vec<(Currency, Unvested)> {
    let malus = malus_by_tranche(ledger, payee);
    let mut out = Vec::new();
    for (entry, award_id, tranches) in awards(ledger, payee) {
        for t in tranches {
            let cut = malus.get(&(award_id.to_string(), t.vests_on)).copied().unwrap_or_default();
            let amount = t.amount - cut;
            out.push((
                entry.currency.clone(),
                Unvested { award_id: award_id.to_string(), vests_on: t.vests_on, amount },
            ));
        }
    }
    out
}

/// The payee's tranches still unvested on `as_of` (vesting after it), net of malus.
pub fn unvested(ledger: &[LedgerEntry], payee: &str, as_of: NaiveDate) -> Vec<Unvested> {
    net_tranches(ledger, payee)
        .into_iter()
        .map(|(_, u)| u)
        .filter(|u| u.vests_on > as_of && u.amount > Decimal::ZERO)
        .collect()
}

/// Tranches vesting from `from` to `to` inclusive, net of malus.
pub fn vesting_between(ledger: &[LedgerEntry], payee: &str, from: NaiveDate, to: NaiveDate) -> Vec<Unvested> {
    net_tranches(ledger, payee).into_iter().map(|(_, u)| u).filter(|u| from <= u.vests_on && u.vests_on <= to).collect()
}

/// Unvested balances per payee on `as_of`, for every payee in the ledger.
pub fn unvested_by_payee(ledger: &[LedgerEntry], as_of: NaiveDate) -> BTreeMap<String, Decimal> {
    let mut out = BTreeMap::new();
    for e in ledger {
        out.entry(e.payee.clone()).or_insert(Decimal::ZERO);
    }
    for (payee, total) in out.iter_mut() {
        *total = unvested(ledger, payee, as_of).iter().map(|u| u.amount).sum();
    }
    out
}

/// What the payee has been paid up to `as_of` (cash and vested tranches), net of clawbacks.
pub fn paid_items(ledger: &[LedgerEntry], payee: &str, as_of: NaiveDate) -> Vec<PaidItem> {
    let mut recovered: BTreeMap<&str, Decimal> = BTreeMap::new();
    for e in ledger.iter().filter(|e| e.payee == payee) {
        if let Entry::Clawback { reference, amount, .. } = &e.entry {
            *recovered.entry(reference.as_str()).or_default() += *amount;
        }
    }
    let mut items: Vec<PaidItem> = ledger
        .iter()
        .filter(|e| e.payee == payee && e.date <= as_of)
        .filter_map(|e| match &e.entry {
            Entry::CashPaid { amount, .. } => {
                Some(PaidItem { reference: e.id.clone(), paid_on: e.date, amount: *amount })
            }
            _ => None,
        })
        .collect();
    items.extend(net_tranches(ledger, payee).into_iter().map(|(_, u)| u).filter(|u| u.vests_on <= as_of).map(|u| {
        PaidItem { reference: format!("{}@{}", u.award_id, u.vests_on), paid_on: u.vests_on, amount: u.amount }
    }));
    for item in &mut items {
        item.amount -= recovered.get(item.reference.as_str()).copied().unwrap_or_default();
    }
    items.retain(|i| i.amount > Decimal::ZERO);
    items
}

/// Checks what every decision needs: compliance authority, a reason, a whole positive amount,
/// and not already applied.
fn check_decision(decision: &Decision, ledger: &[LedgerEntry], digits: u32) -> Result<(), LedgerError> {
    if decision.authority != Role::Compliance {
        return Err(LedgerError::NotAuthorised { decided_by: decision.decided_by.clone(), role: decision.authority });
    }
    if decision.reason.trim().is_empty() {
        return Err(LedgerError::MissingReason { id: decision.id.clone() });
    }
    if decision.amount <= Decimal::ZERO || decision.amount.round_dp(digits) != decision.amount {
        return Err(LedgerError::BadAmount { id: decision.id.clone(), amount: decision.amount });
    }
    let applied = ledger.iter().any(|e| match &e.entry {
        Entry::Malus { decision: d, .. } | Entry::Clawback { decision: d, .. } => d.id == decision.id,
        _ => false,
    });
    if applied {
        return Err(LedgerError::AlreadyApplied { id: decision.id.clone() });
    }
    Ok(())
}

/// Malus: reduces the payee's unvested tranches (of the target award, or all of them) by the
/// decided amount, shared in proportion to what is left of each, to the minor unit.
pub fn apply_malus(decision: &Decision, ledger: &[LedgerEntry]) -> Result<Vec<LedgerEntry>, LedgerError> {
    let payee = decision.payee.as_str();
    let mut candidates: Vec<(Currency, Unvested)> = net_tranches(ledger, payee)
        .into_iter()
        .filter(|(_, u)| u.vests_on > decision.decided_on && u.amount > Decimal::ZERO)
        .collect();
    if let Some(award) = &decision.target {
        if !awards(ledger, payee).any(|(_, id, _)| id == award) {
            return Err(LedgerError::UnknownAward { payee: payee.to_string(), award_id: award.clone() });
        }
        candidates.retain(|(_, u)| &u.award_id == award);
    }
    // Awards are in the plan's currency; with none at all, any amount exceeds the nothing unvested.
    let digits = awards(ledger, payee).next().map_or(2, |(e, _, _)| e.currency.minor_digits());
    check_decision(decision, ledger, digits)?;
    let unvested: Decimal = candidates.iter().map(|(_, u)| u.amount).sum();
    if decision.amount > unvested {
        return Err(LedgerError::MalusExceedsUnvested {
            payee: payee.to_string(),
            requested: decision.amount,
            unvested,
            as_of: decision.decided_on,
        });
    }
    let weights: Vec<Decimal> = candidates.iter().map(|(_, u)| u.amount).collect();
    let parts = allocate(decision.amount, &weights, digits);
    Ok(candidates
        .into_iter()
        .zip(parts)
        .filter(|(_, part)| !part.is_zero())
        .enumerate()
        .map(|(n, ((currency, u), amount))| LedgerEntry {
            id: format!("{}/{}", decision.id, n + 1),
            payee: payee.to_string(),
            date: decision.decided_on,
            currency,
            entry: Entry::Malus { award_id: u.award_id, vests_on: u.vests_on, amount, decision: decision.clone() },
        })
        .collect())
}

/// First day of the clawback look-back window for a decision on `decided_on`.
pub fn window_start(rule: &ClawbackRule, decided_on: NaiveDate) -> NaiveDate {
    decided_on.checked_sub_months(Months::new(rule.look_back_months)).unwrap_or(NaiveDate::MIN)
}

/// Clawback: recovers the decided amount from pay paid within the look-back window (the
/// target item, or the most recently paid first), never more than was paid and not yet
/// recovered.
pub fn apply_clawback(
    decision: &Decision,
    ledger: &[LedgerEntry],
    rule: &ClawbackRule,
    currency: &Currency,
) -> Result<Vec<LedgerEntry>, LedgerError> {
    check_decision(decision, ledger, currency.minor_digits())?;
    let payee = decision.payee.as_str();
    let start = window_start(rule, decision.decided_on);
    let mut items = paid_items(ledger, payee, decision.decided_on);
    if let Some(reference) = &decision.target {
        let Some(item) = items.iter().find(|i| &i.reference == reference).cloned() else {
            return Err(LedgerError::UnknownPaidItem { payee: payee.to_string(), reference: reference.clone() });
        };
        if item.paid_on < start {
            return Err(LedgerError::OutsideWindow {
                reference: reference.clone(),
                paid_on: item.paid_on,
                window_start: start,
            });
        }
        items = vec![item];
    }
    items.retain(|i| i.paid_on >= start);
    let available: Decimal = items.iter().map(|i| i.amount).sum();
    if decision.amount > available {
        return Err(LedgerError::ClawbackExceedsPaid {
            payee: payee.to_string(),
            requested: decision.amount,
            available,
            window_start: start,
            decided_on: decision.decided_on,
        });
    }
    items.sort_by(|a, b| (b.paid_on, &b.reference).cmp(&(a.paid_on, &a.reference)));
    let mut left = decision.amount;
    let mut out = Vec::new();
    for item in items {
        if left.is_zero() {
            break;
        }
        let amount = left.min(item.amount);
        left -= amount;
        out.push(LedgerEntry {
            id: format!("{}/{}", decision.id, out.len() + 1),
            payee: payee.to_string(),
            date: decision.decided_on,
            currency: currency.clone(),
            entry: Entry::Clawback {
                reference: item.reference,
                paid_on: item.paid_on,
                amount,
                decision: decision.clone(),
            },
        });
    }
    Ok(out)
}

/// The award entry for variable pay deferred from a period.
pub fn award_entry(
    schedule: &DeferralSchedule,
    award_id: String,
    payee: &str,
    period: &str,
    granted_on: NaiveDate,
    amount: Decimal,
    currency: &Currency,
) -> LedgerEntry {
    LedgerEntry {
        id: format!("{award_id}/award"),
        payee: payee.to_string(),
        date: granted_on,
        currency: currency.clone(),
        entry: Entry::Award {
            award_id,
            period: period.to_string(),
            amount,
            schedule: schedule.label().to_string(),
            tranches: schedule.tranches(amount, granted_on, currency.minor_digits()),
        },
    }
}

/// A decision in words, for statement lines: `decision M1 by P0003 on 2026-11-02 (reason)`.
pub fn describe(decision: &Decision, currency: &Currency) -> String {
    format!(
        "decision {} by {} ({}) on {}: {} because \"{}\"",
        decision.id,
        decision.decided_by,
        decision.authority.as_str(),
        decision.decided_on.format("%-d %b %Y"),
        money(decision.amount, currency),
        decision.reason
    )
}
