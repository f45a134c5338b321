//! The what-if workload shared by the native criterion bench (`benches/whatif.rs`) and the
//! WASM bench (`examples/whatif_wasm.rs`), so both time the same calculation.

use chrono::NaiveDate;
use plumbline_engine::{Currency, Party, Transaction, TxnKind};
use rust_decimal::Decimal;

/// Four components: marginal tiers with a cap, retroactive tiers, a floored flat rate and a
/// product filter; three-way splits.
pub const PLAN: &str = r#"{
  "id": "whatif", "version": 1, "name": "Four components", "currency": "GBP", "effective_from": "2026-01-01",
  "crediting": {"splits": {"owner": "0.6", "specialist": "0.3", "referrer": "0.1"}},
  "components": [
    {"type": "tiered", "id": "fees", "name": "Fee revenue", "measure": {"kinds": ["fee_revenue", "trail"]},
     "method": "marginal", "cap_quota_multiple": "0.1",
     "tiers": [{"up_to": "0.5", "rate": "0.02"}, {"up_to": "1", "rate": "0.04"}, {"rate": "0.07"}]},
    {"type": "tiered", "id": "bookings", "name": "Bookings", "measure": {"kinds": ["booking"]},
     "method": "retroactive", "tiers": [{"up_to": "0.8", "rate": "0.01"}, {"up_to": "1.2", "rate": "0.03"}, {"rate": "0.05"}]},
    {"type": "flat", "id": "nna", "name": "Net new assets", "measure": {"kinds": ["inflow", "outflow"]}, "rate": "0.001", "floor": "0"},
    {"type": "flat", "id": "pensions", "name": "Pension bookings", "measure": {"kinds": ["booking"], "products": ["pension"]}, "rate": "0.005"}
  ]
}"#;

/// The payee's annual quota: £250,000.
pub fn quota() -> Decimal {
    Decimal::new(25_000_000, 2)
}

/// The statement's month: the year's last, so the whole year is recomputed.
pub const MONTH: &str = "2026-12";

/// A deterministic year of 10,000 transactions for payee R1, a third of them split.
pub fn year() -> Vec<Transaction> {
    let kinds = [TxnKind::FeeRevenue, TxnKind::Trail, TxnKind::Booking, TxnKind::Inflow, TxnKind::Outflow];
    let mut state: u64 = 42;
    (0..10_000)
        .map(|i| {
            state = state.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
            let r = state >> 33;
            let mut parties = vec![Party { payee: "R1".into(), role: "owner".into() }];
            if i % 3 == 0 {
                parties.push(Party { payee: "S1".into(), role: "specialist".into() });
                parties.push(Party { payee: "F1".into(), role: "referrer".into() });
            }
            Transaction {
                id: format!("T{i:05}"),
                date: NaiveDate::from_ymd_opt(2026, (r % 12) as u32 + 1, (r % 28) as u32 + 1).unwrap(),
                kind: kinds[(r % 5) as usize],
                amount: Decimal::new((r % 2_000_000) as i64, 2),
                currency: Currency::new("GBP"),
                product: Some(if r.is_multiple_of(7) { "pension" } else { "portfolio" }.into()),
                client_id: None,
                channel: None,
                origin: None,
                recorded_on: None,
                parties,
            }
        })
        .collect()
}
