//! Crediting: who gets how much of each transaction, to the cent.

use crate::money::allocate;
use crate::plan::Crediting;
use crate::transaction::Transaction;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// The part of one transaction credited to one payee.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Credit {
    /// The source transaction.
    pub txn_id: String,
    /// Who is credited.
    pub payee: String,
    /// The role they were credited in.
    pub role: String,
    /// Credited amount in the transaction's currency.
    pub amount: Decimal,
    /// Share of the transaction this credit represents (1 for overlays).
    pub share: Decimal,
}

/// Credits one transaction by the plan's rules; split parts sum exactly to the amount.
///
/// Parties whose role is neither split nor overlay are not credited.
pub fn credit_transaction(rules: &Crediting, txn: &Transaction, digits: u32) -> Vec<Credit> {
    let split: Vec<(&str, &str, Decimal)> = txn
        .parties
        .iter()
        .filter_map(|p| rules.splits.get(&p.role).map(|s| (p.payee.as_str(), p.role.as_str(), *s)))
        .collect();
    let weights: Vec<Decimal> = split.iter().map(|(_, _, s)| *s).collect();
    let total: Decimal = weights.iter().copied().sum();
    let parts = allocate(txn.amount, &weights, digits);
    let mut credits: Vec<Credit> = split
        .iter()
        .zip(parts)
        .map(|((payee, role, share), amount)| Credit {
            txn_id: txn.id.clone(),
            payee: payee.to_string(),
            role: role.to_string(),
            amount,
            share: *share / total,
        })
        .collect();
    credits.extend(txn.parties.iter().filter(|p| rules.overlays.contains(&p.role)).map(|p| Credit {
        txn_id: txn.id.clone(),
        payee: p.payee.clone(),
        role: p.role.clone(),
        amount: txn.amount,
        share: Decimal::ONE,
    }));
    credits
}
