//! The demo firm as `plumbline serve` seeds it on first start, so tests compare against exactly
//! what a local store holds.

use plumbline_firm::Firm;
use plumbline_store::audit::AuditRecord;
use plumbline_store::{Store, seed};

/// Seeds a demo firm (generated with seed `seed`) with its regulated pay: the wealth advisers'
/// plan rules, the planted adviser's deferral ledger and the clawback compliance decided
/// (docs/regulation.md). `at` stamps the audit record.
pub async fn seed_demo_firm(store: &dyn Store, firm: &Firm, seed: u64, at: &str) -> anyhow::Result<AuditRecord> {
    let regulation = match plumbline_demo::regulation(firm)? {
        Some(demo) => seed::RegulationSeed {
            regulations: vec![(demo.plan.plan.id.clone(), demo.plan.regulation)],
            ledger: demo.clawback.ledger,
            decisions: vec![demo.clawback.decision],
        },
        None => seed::RegulationSeed::default(),
    };
    let reason = format!("demo firm, seed {seed}");
    Ok(seed::seed_firm_regulated(store, firm, &regulation, at, &reason).await?)
}
