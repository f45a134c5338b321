//! Turns the working state into the firm's records: sorts by date and gives ids.

use crate::Planted;
use crate::comp;
use crate::org::{FIRM_NAME, Org};
use crate::pipeline::Plant;
use crate::world::{Ccy, Ctx, RawActivity, World, money};
use plumbline_engine::{Party, Transaction, TxnKind};
use plumbline_firm::{
    Activity, ComplianceEvent, Firm, FirmSettings, Flow, FlowDirection, Opportunity, OpportunityChange,
};
use std::collections::BTreeSet;

/// The firm and its planted ground truth.
pub(crate) fn assemble(ctx: &Ctx, org: &Org, world: World) -> (Firm, Planted) {
    let World { people, teams, clients, aum, flows, txns, deals, activities, events, quotas, .. } = world;
    let pid = |p: usize| people[p].id.clone();
    let parties = |ps: &[(usize, &str)]| -> Vec<Party> {
        ps.iter().map(|(p, role)| Party { payee: people[*p].id.clone(), role: (*role).to_string() }).collect()
    };

    // Opportunities numbered in order of creation.
    let mut order: Vec<usize> = (0..deals.len()).collect();
    order.sort_by_key(|i| (deals[*i].created, *i));
    let mut deal_id = vec![String::new(); deals.len()];
    for (n, i) in order.iter().enumerate() {
        deal_id[*i] = format!("O{:06}", n + 1);
    }
    let mut opportunities = Vec::with_capacity(deals.len());
    let mut history = Vec::new();
    let mut all_activities: Vec<RawActivity> = activities;
    for &i in &order {
        let d = &deals[i];
        opportunities.push(Opportunity {
            id: deal_id[i].clone(),
            owner_id: pid(d.owner),
            client_id: clients[d.client].id.clone(),
            name: d.name.clone(),
            product: d.product.to_string(),
            amount: money(d.amount),
            currency: d.ccy.currency(),
            stage: d.stage,
            created: d.created,
            close_date: d.close_date,
            probability: d.probability,
            forecast_category: d.forecast,
        });
        history.extend(d.changes.iter().map(|c| OpportunityChange {
            opportunity_id: deal_id[i].clone(),
            date: c.date,
            field: c.field,
            from: c.from.clone(),
            to: c.to.clone(),
        }));
        all_activities.extend(d.activities.iter().map(|(date, kind)| RawActivity {
            date: *date,
            person: d.owner,
            client: d.client,
            deal: Some(i),
            kind: *kind,
        }));
    }

    // Activities inside the window only, numbered by date.
    all_activities
        .retain(|a| a.date >= ctx.window_start && a.date <= ctx.as_of && a.date >= people[a.person].hire_date);
    all_activities.sort_by_key(|a| (a.date, a.person, a.client));
    let activities: Vec<Activity> = all_activities
        .iter()
        .enumerate()
        .map(|(n, a)| Activity {
            id: format!("A{:07}", n + 1),
            date: a.date,
            person_id: pid(a.person),
            client_id: clients[a.client].id.clone(),
            opportunity_id: a.deal.map(|i| deal_id[i].clone()),
            kind: a.kind,
        })
        .collect();

    // Flows numbered by date; each flow's transaction shares its number.
    let mut flow_order: Vec<usize> = (0..flows.len()).collect();
    flow_order.sort_by_key(|i| (flows[*i].date, flows[*i].client, *i));
    let mut out_flows = Vec::with_capacity(flows.len());
    let mut transactions = Vec::with_capacity(flows.len() + txns.len());
    for (n, &i) in flow_order.iter().enumerate() {
        let f = &flows[i];
        out_flows.push(Flow {
            id: format!("F{:06}", n + 1),
            client_id: clients[f.client].id.clone(),
            date: f.date,
            direction: f.direction,
            amount: money(f.cents),
            currency: Ccy::Gbp.currency(),
        });
        let (prefix, kind) = match f.direction {
            FlowDirection::In => ("IN", TxnKind::Inflow),
            FlowDirection::Out => ("OUT", TxnKind::Outflow),
        };
        transactions.push(Transaction {
            id: format!("{prefix}-{:06}", n + 1),
            date: f.date,
            kind,
            amount: money(f.cents),
            currency: Ccy::Gbp.currency(),
            product: f.product.map(str::to_string),
            client_id: Some(clients[f.client].id.clone()),
            channel: None,
            origin: None,
            recorded_on: None,
            parties: parties(&f.parties),
        });
    }

    // Other transactions numbered by date within their kind.
    let mut txn_order: Vec<usize> = (0..txns.len()).collect();
    txn_order.sort_by_key(|i| (txns[*i].date, txns[*i].client, *i));
    let mut counters = [0usize; 3];
    for &i in &txn_order {
        let t = &txns[i];
        let (prefix, slot) = match t.kind {
            TxnKind::FeeRevenue => ("FEE", 0),
            TxnKind::Trail => ("TRL", 1),
            _ => ("BKG", 2),
        };
        counters[slot] += 1;
        transactions.push(Transaction {
            id: format!("{prefix}-{:06}", counters[slot]),
            date: t.date,
            kind: t.kind,
            amount: money(t.cents),
            currency: t.ccy.currency(),
            product: t.product.map(str::to_string),
            client_id: Some(clients[t.client].id.clone()),
            channel: None,
            origin: None,
            recorded_on: None,
            parties: parties(&t.parties),
        });
    }
    transactions.sort_by(|a, b| (a.date, &a.id).cmp(&(b.date, &b.id)));

    let compliance_events: Vec<ComplianceEvent> = events
        .iter()
        .enumerate()
        .map(|(n, e)| ComplianceEvent {
            id: format!("CE{:04}", n + 1),
            person_id: pid(e.person),
            date: e.date,
            kind: e.kind,
            severity: e.severity,
            description: e.description.clone(),
        })
        .collect();

    let ids = |pred: &dyn Fn(&Plant) -> bool| -> Vec<String> {
        let mut v: Vec<String> =
            (0..deals.len()).filter(|i| pred(&deals[*i].plant)).map(|i| deal_id[i].clone()).collect();
        v.sort();
        v
    };
    let reps = |pred: &dyn Fn(&crate::org::RepProfile) -> bool| -> Vec<String> {
        let mut v: Vec<String> = org.reps.iter().filter(|r| pred(r)).map(|r| pid(r.person)).collect();
        v.sort();
        v
    };
    let flagged: BTreeSet<String> = compliance_events
        .iter()
        .filter(|e| e.date >= ctx.year_start && e.date <= ctx.as_of)
        .map(|e| e.person_id.clone())
        .collect();
    let planted = Planted {
        stale_opportunities: ids(&|p| matches!(p, Plant::Stale { .. })),
        pushed_opportunities: ids(&|p| matches!(p, Plant::Pushed { .. })),
        over_optimistic_reps: reps(&|r| r.over_optimistic),
        intervention_candidates: reps(&|r| r.intervention),
        conduct_flagged_reps: flagged.into_iter().collect(),
    };

    let assignments = comp::assignments(ctx, org, &people);
    let firm = Firm {
        settings: FirmSettings {
            name: FIRM_NAME.to_string(),
            as_of: ctx.as_of,
            base_currency: Ccy::Gbp.currency(),
            fiscal_year_start_month: 1,
        },
        people,
        teams,
        clients,
        aum,
        flows: out_flows,
        transactions,
        opportunities,
        opportunity_history: history,
        activities,
        compliance_events,
        quotas,
        plans: comp::plans(ctx),
        assignments,
    };
    (firm, planted)
}
