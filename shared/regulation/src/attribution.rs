//! MiFID II Art. 24(7)/(8): for independent advice and portfolio management, third-party
//! commissions (trails, inducements) are credited to the client, not the payee.

use crate::document::Regulation;
use crate::statement::{LineKind, RegulatedLine};
use plumbline_engine::format::money;
use plumbline_engine::statement::{Figure, FigureUnit, Period};
use plumbline_engine::{Currency, Transaction};
use rust_decimal::Decimal;

/// Whether the regulation passes this transaction to the client.
pub fn credited_to_client(regulation: &Regulation, txn: &Transaction) -> bool {
    regulation.role.mifid_service.is_some_and(|s| s.passes_inducements_to_client())
        && regulation.third_party_kinds.contains(&txn.kind)
}

/// The transactions the payee may be credited with: all but those credited to clients.
pub fn payee_transactions(regulation: &Regulation, txns: &[Transaction]) -> Vec<Transaction> {
    txns.iter().filter(|t| !credited_to_client(regulation, t)).cloned().collect()
}

/// A zero-amount line naming the payee's third-party payments dated in the period that were
/// credited to their clients, so the statement shows why they earned nothing.
pub fn attribution_line(
    regulation: &Regulation,
    payee: &str,
    txns: &[Transaction],
    period: &Period,
    currency: &Currency,
) -> Option<RegulatedLine> {
    let passed: Vec<&Transaction> = txns
        .iter()
        .filter(|t| credited_to_client(regulation, t))
        .filter(|t| period.start <= t.date && t.date <= period.end)
        .filter(|t| t.parties.iter().any(|p| p.payee == payee))
        .collect();
    let service = regulation.role.mifid_service?;
    if passed.is_empty() {
        return None;
    }
    let total: Decimal = passed.iter().map(|t| t.amount).sum();
    let list = passed
        .iter()
        .map(|t| {
            format!(
                "{} ({} of {} for client {})",
                t.id,
                t.kind.label(),
                money(t.amount, currency),
                t.client_id.as_deref().unwrap_or("unknown")
            )
        })
        .collect::<Vec<_>>()
        .join(", ");
    Some(RegulatedLine {
        kind: LineKind::ClientAttribution,
        reference: passed.iter().map(|t| t.id.as_str()).collect::<Vec<_>>().join(","),
        rule: service.article().into(),
        amount: Decimal::ZERO,
        figures: vec![Figure {
            label: "Third-party payments credited to clients".into(),
            value: total,
            unit: FigureUnit::Money,
        }],
        explanation: format!(
            "Under {} your role keeps no third-party payments: {list}, {} in all, were credited to the clients, not to you, and earn no pay.",
            service.article(),
            money(total, currency)
        ),
    })
}
