//! Loading a whole firm into a store, visible only once complete, with one audit record.

use crate::audit::{AuditEntry, AuditRecord, append_with};
use crate::{Condition, Item, Store, StoreError, Write, keys};
use plumbline_firm::Firm;
use plumbline_regulation::{Decision, LedgerEntry, Regulation};
use sha2::{Digest, Sha256};

/// Whether the store already holds a firm.
pub async fn is_seeded(store: &dyn Store) -> Result<bool, StoreError> {
    Ok(store.get(keys::FIRM, keys::FIRM_SETTINGS).await?.is_some())
}

/// Every item a firm is stored as, except the settings item that makes it visible.
pub fn firm_items(firm: &Firm) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    for p in &firm.people {
        items.push(Item::new(keys::PEOPLE, &p.id, p)?);
    }
    for t in &firm.teams {
        items.push(Item::new(keys::TEAMS, &t.id, t)?);
    }
    for p in &firm.plans {
        items.push(Item::new(keys::PLANS, keys::plan_version(&p.id, p.version), p)?);
    }
    for a in &firm.assignments {
        items.push(Item::new(keys::assignments(&a.person_id), a.from.to_string(), a)?);
    }
    for q in &firm.quotas {
        items.push(Item::new(keys::quotas(&q.person_id), q.year_start.to_string(), q)?);
    }
    for t in &firm.transactions {
        let mut seen = Vec::new();
        for party in &t.parties {
            if !seen.contains(&&party.payee) {
                seen.push(&party.payee);
                items.push(Item::new(keys::transactions(&party.payee), keys::dated(t.date, &t.id), t)?);
            }
        }
    }
    for c in &firm.clients {
        items.push(Item::new(keys::clients(&c.owner_id), &c.id, c)?);
    }
    for a in &firm.aum {
        items.push(Item::new(keys::aum(&a.client_id), a.date.to_string(), a)?);
    }
    for f in &firm.flows {
        items.push(Item::new(keys::flows(&f.client_id), keys::dated(f.date, &f.id), f)?);
    }
    for o in &firm.opportunities {
        items.push(Item::new(keys::opportunities(&o.owner_id), &o.id, o)?);
    }
    for (i, h) in firm.opportunity_history.iter().enumerate() {
        // The index keeps several changes on one day in their original order.
        items.push(Item::new(keys::opportunity_history(&h.opportunity_id), format!("{}#{i:07}", h.date), h)?);
    }
    for a in &firm.activities {
        items.push(Item::new(keys::activities(&a.person_id), keys::dated(a.date, &a.id), a)?);
    }
    for e in &firm.compliance_events {
        items.push(Item::new(keys::conduct(&e.person_id), keys::dated(e.date, &e.id), e)?);
    }
    Ok(items)
}

/// A firm's regulated pay as seeded: the regulation section of each regulated plan, the
/// deferral ledger its statements built so far and the malus/clawback decisions taken.
#[derive(Debug, Clone, Default)]
pub struct RegulationSeed {
    /// Plan id and the regulation that applies to every version of it.
    pub regulations: Vec<(String, Regulation)>,
    /// Ledger entries (awards, cash paid, malus, clawback), each stored under its payee.
    pub ledger: Vec<LedgerEntry>,
    /// Malus and clawback decisions, stored under the person they are about.
    pub decisions: Vec<Decision>,
}

/// The items a [`RegulationSeed`] is stored as.
pub fn regulation_items(seed: &RegulationSeed) -> Result<Vec<Item>, StoreError> {
    let mut items = Vec::new();
    for (plan_id, regulation) in &seed.regulations {
        items.push(Item::new(keys::REGULATION, plan_id, regulation)?);
    }
    for e in &seed.ledger {
        items.push(Item::new(keys::ledger(&e.payee), keys::dated(e.date, &e.id), e)?);
    }
    for d in &seed.decisions {
        items.push(Item::new(keys::pay_decisions(&d.payee), keys::dated(d.decided_on, &d.id), d)?);
    }
    Ok(items)
}

/// Writes the firm, then makes it visible and audits it in one transaction.
///
/// A crash part-way leaves the settings item absent, so the next start seeds again over the
/// same keys; nothing is half-visible.
pub async fn seed_firm(store: &dyn Store, firm: &Firm, at: &str, reason: &str) -> Result<AuditRecord, StoreError> {
    seed_firm_regulated(store, firm, &RegulationSeed::default(), at, reason).await
}

/// [`seed_firm`] with the firm's regulated pay (plans' regulation, ledger, decisions) stored too.
pub async fn seed_firm_regulated(
    store: &dyn Store,
    firm: &Firm,
    regulation: &RegulationSeed,
    at: &str,
    reason: &str,
) -> Result<AuditRecord, StoreError> {
    let mut items = firm_items(firm)?;
    items.extend(regulation_items(regulation)?);
    let mut digest = Sha256::new();
    for item in &items {
        digest.update(item.pk.as_bytes());
        digest.update([0]);
        digest.update(item.sk.as_bytes());
        digest.update([0]);
        digest.update(item.data.to_string().as_bytes());
    }
    let count = items.len();
    for chunk in items.chunks(20_000) {
        store.put_many(chunk.to_vec()).await?;
    }
    let settings = Item::new(keys::FIRM, keys::FIRM_SETTINGS, &firm.settings)?;
    append_with(
        store,
        vec![Write::Put { item: settings, condition: Condition::NotExists }],
        AuditEntry {
            at: at.to_string(),
            actor: "system".into(),
            role: "system".into(),
            action: "firm.seeded".into(),
            entity: format!("firm/{}", firm.settings.name),
            before_hash: None,
            after_hash: Some(hex::encode(digest.finalize())),
            reason: format!("{reason} ({count} records)"),
        },
    )
    .await
}
