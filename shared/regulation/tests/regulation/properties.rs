//! Invariants: tranches sum to the award; malus never exceeds what is unvested; clawback
//! never exceeds what was paid within the window; deferral stays within the pay; a commission
//! schedule accounts for every penny.

use chrono::{Days, NaiveDate};
use plumbline_engine::money::{Currency, RoundingRule};
use plumbline_firm::Role;
use plumbline_regulation::accounting::{ChangeKind, CommissionContract, ContractChange, amortisation_schedule};
use plumbline_regulation::deferral::{DeferralBand, DeferralSchedule, Vesting};
use plumbline_regulation::document::ClawbackRule;
use plumbline_regulation::ledger::{
    Decision, Entry, LedgerEntry, LedgerError, apply_clawback, apply_malus, award_entry, paid_items, unvested,
    unvested_by_payee, window_start,
};
use proptest::prelude::*;
use rust_decimal::Decimal;
use std::collections::BTreeMap;

fn gbp() -> Currency {
    Currency::new("GBP")
}

fn day(offset: u64) -> NaiveDate {
    NaiveDate::from_ymd_opt(2024, 1, 1).unwrap().checked_add_days(Days::new(offset)).unwrap()
}

fn schedule(years: u32, cliff: bool, first: Option<u32>) -> DeferralSchedule {
    DeferralSchedule {
        id: None,
        name: Some("test".into()),
        source: None,
        currency: None,
        threshold: None,
        bands: vec![
            DeferralBand { up_to: Some(Decimal::from(660_000)), share: Decimal::new(4, 1) },
            DeferralBand { up_to: None, share: Decimal::new(6, 1) },
        ],
        years,
        vesting: if cliff { Vesting::Cliff } else { Vesting::ProRata },
        first_vest_year: if cliff { None } else { first.map(|f| f.min(years)) },
    }
}

fn decision(id: &str, on: NaiveDate, cents: i64, target: Option<String>) -> Decision {
    Decision {
        id: id.into(),
        payee: "R1".into(),
        decided_by: "C1".into(),
        authority: Role::Compliance,
        decided_on: on,
        reason: "finding".into(),
        amount: Decimal::new(cents, 2),
        target,
    }
}

/// Awards of random amounts granted on random days, with random earlier malus.
fn awards(specs: &[(i64, u64, u32)]) -> Vec<LedgerEntry> {
    specs
        .iter()
        .enumerate()
        .map(|(i, (cents, offset, years))| {
            award_entry(
                &schedule(*years, false, None),
                format!("A{i}"),
                "R1",
                "p",
                day(*offset),
                Decimal::new(*cents, 2),
                &gbp(),
            )
        })
        .collect()
}

proptest! {
    #[test]
    fn tranches_sum_to_the_award(cents in 0i64..100_000_000_000, years in 1u32..10, cliff in any::<bool>(),
                                 first in proptest::option::of(1u32..10), offset in 0u64..3000) {
        let s = schedule(years, cliff, first);
        prop_assert!(s.validate().is_empty());
        let amount = Decimal::new(cents, 2);
        let tranches = s.tranches(amount, day(offset), 2);
        prop_assert_eq!(tranches.iter().map(|t| t.amount).sum::<Decimal>(), amount);
        for t in &tranches {
            prop_assert_eq!(t.amount.round_dp(2), t.amount);
            prop_assert!(t.vests_on > day(offset));
        }
        let expected = if cents == 0 { 0 } else if cliff { 1 } else { (years - first.unwrap_or(1).min(years) + 1) as usize };
        prop_assert_eq!(tranches.len(), expected);
        // Equal tranches differ by at most one penny.
        if let (Some(max), Some(min)) = (tranches.iter().map(|t| t.amount).max(), tranches.iter().map(|t| t.amount).min()) {
            prop_assert!(max - min <= Decimal::new(1, 2));
        }
    }

    #[test]
    fn deferral_stays_within_the_pay(cents in 0i64..100_000_000_000) {
        let s = schedule(4, false, None);
        let pay = Decimal::new(cents, 2);
        let split = s.split(pay, 2, RoundingRule::HalfAwayFromZero);
        prop_assert!(split.deferred >= Decimal::ZERO && split.deferred <= pay);
        prop_assert_eq!(split.deferred + split.paid_now, pay);
        // Marginal bands: at least 40% and at most 60%, to the penny.
        prop_assert!(split.deferred >= (pay * Decimal::new(4, 1)).round_dp(2) - Decimal::new(1, 2));
        prop_assert!(split.deferred <= (pay * Decimal::new(6, 1)).round_dp(2) + Decimal::new(1, 2));
    }

    #[test]
    fn malus_never_exceeds_unvested(specs in proptest::collection::vec((1i64..10_000_000, 0u64..1500, 1u32..6), 1..5),
                                    earlier in proptest::collection::vec((0usize..5, 0usize..6, 1i64..500_000), 0..4),
                                    decided in 0u64..4000, cents in 1i64..20_000_000, targeted in any::<bool>()) {
        let mut ledger = awards(&specs);
        // Earlier malus decisions, applied through the same function, when they are possible.
        for (n, (a, _, c)) in earlier.iter().enumerate() {
            let target = Some(format!("A{}", a % specs.len()));
            if let Ok(entries) = apply_malus(&decision(&format!("E{n}"), day(decided / 2), *c, target), &ledger) {
                ledger.extend(entries);
            }
        }
        let on = day(decided);
        let target = targeted.then(|| "A0".to_string());
        let scope = |award: &str| target.as_deref().is_none_or(|t| t == award);
        let before: Decimal = unvested(&ledger, "R1", on).iter().filter(|u| scope(&u.award_id)).map(|u| u.amount).sum();
        match apply_malus(&decision("M", on, cents, target.clone()), &ledger) {
            Ok(entries) => {
                let taken: Decimal = entries.iter().map(|e| match &e.entry { Entry::Malus { amount, .. } => *amount, _ => Decimal::ZERO }).sum();
                prop_assert_eq!(taken, Decimal::new(cents, 2));
                prop_assert!(taken <= before);
                ledger.extend(entries);
                let after: Decimal = unvested(&ledger, "R1", on).iter().filter(|u| scope(&u.award_id)).map(|u| u.amount).sum();
                prop_assert_eq!(after, before - taken);
                let all: Decimal = unvested(&ledger, "R1", on).iter().map(|u| u.amount).sum();
                prop_assert_eq!(unvested_by_payee(&ledger, on).get("R1").copied(), Some(all));
                // No tranche is cut below zero.
                let mut cut: BTreeMap<(String, NaiveDate), Decimal> = BTreeMap::new();
                for e in &ledger {
                    if let Entry::Malus { award_id, vests_on, amount, .. } = &e.entry {
                        *cut.entry((award_id.clone(), *vests_on)).or_default() += *amount;
                    }
                }
                for e in &ledger {
                    if let Entry::Award { award_id, tranches, .. } = &e.entry {
                        for t in tranches {
                            prop_assert!(cut.get(&(award_id.clone(), t.vests_on)).copied().unwrap_or_default() <= t.amount);
                        }
                    }
                }
            }
            Err(LedgerError::MalusExceedsUnvested { requested, unvested, .. }) => {
                prop_assert!(requested > unvested);
                prop_assert_eq!(unvested, before);
            }
            Err(e) => prop_assert!(false, "unexpected error {}", e),
        }
    }

    #[test]
    fn clawback_never_exceeds_paid_within_the_window(paid in proptest::collection::vec((0u64..1500, 1i64..1_000_000), 1..12),
                                                      look_back in 1u32..36, decided in 0u64..1600,
                                                      asks in proptest::collection::vec(1i64..3_000_000, 1..4)) {
        let mut ledger: Vec<LedgerEntry> = paid
            .iter()
            .enumerate()
            .map(|(i, (offset, cents))| LedgerEntry {
                id: format!("cash{i}"),
                payee: "R1".into(),
                date: day(*offset),
                currency: gbp(),
                entry: Entry::CashPaid { period: format!("p{i}"), amount: Decimal::new(*cents, 2) },
            })
            .collect();
        let rule = ClawbackRule { look_back_months: look_back };
        let on = day(decided);
        let start = window_start(&rule, on);
        for (n, cents) in asks.iter().enumerate() {
            let available: Decimal = paid_items(&ledger, "R1", on).iter().filter(|i| i.paid_on >= start).map(|i| i.amount).sum();
            match apply_clawback(&decision(&format!("K{n}"), on, *cents, None), &ledger, &rule, &gbp()) {
                Ok(entries) => {
                    let mut total = Decimal::ZERO;
                    for e in &entries {
                        let Entry::Clawback { paid_on, amount, .. } = &e.entry else { unreachable!() };
                        prop_assert!(*paid_on >= start && *paid_on <= on);
                        total += *amount;
                    }
                    prop_assert_eq!(total, Decimal::new(*cents, 2));
                    prop_assert!(total <= available);
                    ledger.extend(entries);
                }
                Err(LedgerError::ClawbackExceedsPaid { requested, available: said, .. }) => {
                    prop_assert!(requested > said);
                    prop_assert_eq!(said, available);
                }
                Err(e) => prop_assert!(false, "unexpected error {}", e),
            }
        }
        // Across all decisions, no paid item is recovered beyond what was paid.
        let mut recovered: BTreeMap<String, Decimal> = BTreeMap::new();
        for e in &ledger {
            if let Entry::Clawback { reference, amount, .. } = &e.entry {
                *recovered.entry(reference.clone()).or_default() += *amount;
            }
        }
        for (i, (_, cents)) in paid.iter().enumerate() {
            let reference = format!("cash{i}");
            prop_assert!(recovered.get(&reference).copied().unwrap_or_default() <= Decimal::new(*cents, 2));
        }
    }

    #[test]
    fn a_commission_schedule_accounts_for_every_penny(cents in 0i64..100_000_000, months in 1u32..60, offset in 0u64..700,
                                                      change in proptest::option::of((1u64..40, 0i64..1_000_000, 1u32..48))) {
        let start = day(offset);
        let changes = change
            .map(|(after, extra, left)| ContractChange {
                date: start.checked_add_days(Days::new(after * 31)).unwrap(),
                kind: ChangeKind::Modification,
                additional_commission: Decimal::new(extra, 2),
                remaining_benefit_months: left,
            })
            .into_iter()
            .collect::<Vec<_>>();
        let contract = CommissionContract { contract_id: "K".into(), currency: gbp(), commission: Decimal::new(cents, 2), start, benefit_months: months, changes };
        let schedule = amortisation_schedule(&contract).expect("valid contract");
        let paid = contract.commission + contract.changes.iter().map(|c| c.additional_commission).sum::<Decimal>();
        let expensed: Decimal = schedule.rows.iter().map(|r| r.amortised + r.expensed).sum();
        let left = schedule.rows.last().map_or(Decimal::ZERO, |r| r.closing);
        prop_assert_eq!(expensed + left, paid);
        for r in &schedule.rows {
            prop_assert!(r.closing >= Decimal::ZERO);
            prop_assert_eq!(r.closing, r.opening + r.capitalised - r.amortised);
        }
    }
}
