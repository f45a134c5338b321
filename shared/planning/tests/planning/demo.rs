//! The Done-when checks on the demo firm, with the measured figures printed.

use plumbline_firm::Division;
use plumbline_planning::firm::{Scope, quota_request, territory_request};
use plumbline_planning::territory::may_own;
use plumbline_planning::{balance_territories, plan_quotas};
use rust_decimal::Decimal;

fn demo() -> plumbline_firm::Firm {
    plumbline_demo::generate(&plumbline_demo::DemoOptions::default()).0
}

#[test]
fn data_driven_quotas_are_fairer_to_potential_than_last_year_plus_x() {
    let firm = demo();
    for division in [Division::Wealth, Division::AssetServicing] {
        let mut req = quota_request(&firm, &Scope::Division(division));
        req.target = (req.target * Decimal::new(108, 2)).round_dp(2);
        let plan = plan_quotas(&req).unwrap();
        let (dd, sa) = (&plan.data_driven.fairness, &plan.spread_around.fairness);
        println!(
            "{division:?}: Gini of quota/potential {:.4} data-driven vs {:.4} last year + {}; quota/history {:.4} vs {:.4}",
            dd.quota_to_potential.gini,
            sa.quota_to_potential.gini,
            plan.implied_uplift,
            dd.quota_to_history.gini,
            sa.quota_to_history.gini
        );
        assert!(
            dd.quota_to_potential.gini < sa.quota_to_potential.gini * 0.8,
            "{division:?}: {} not below {}",
            dd.quota_to_potential.gini,
            sa.quota_to_potential.gini
        );
        for allocation in [&plan.data_driven, &plan.spread_around] {
            assert_eq!(allocation.lines.iter().map(|l| l.quota).sum::<Decimal>(), req.target);
            for line in &allocation.lines {
                assert_eq!(line.monthly.iter().sum::<Decimal>(), line.quota, "{}", line.person_id);
            }
        }
        assert_eq!(plan.implied_uplift, Decimal::new(8, 2));
    }
}

#[test]
fn balancer_evens_out_potential_moving_at_most_a_tenth_of_accounts() {
    let firm = demo();
    let mut req = territory_request(&firm, &Scope::Division(Division::Wealth), Decimal::new(1, 1));
    // Named accounts: the ultra-high-net-worth relationships stay where they are.
    let uhnw: Vec<&str> = firm.clients.iter().filter(|c| c.segment == "uhnw").map(|c| c.id.as_str()).collect();
    for a in req.accounts.iter_mut() {
        a.locked = uhnw.contains(&a.id.as_str());
    }
    let proposal = balance_territories(&req).unwrap();
    let s = &proposal.summary;
    assert!(s.moved_share <= 0.1 && s.moved <= s.max_moves, "{s:?}");
    assert!(s.potential_after.variation < s.potential_before.variation * 0.6, "spread not reduced enough: {s:?}");
    assert!(s.workload_after.variation < s.workload_before.variation, "{s:?}");
    for (account, assignment) in req.accounts.iter().zip(&proposal.assignments) {
        if account.locked {
            assert_eq!(assignment.owner_after, account.owner_id, "locked {} moved", account.id);
        }
        if assignment.owner_after != assignment.owner_before {
            let seller = req.sellers.iter().find(|p| p.id == assignment.owner_after).unwrap();
            assert!(may_own(seller, account), "{} moved to {} who may not own it", account.id, seller.id);
        }
    }
    assert_eq!(proposal.moves.len(), s.moved);
    assert!(proposal.moves.iter().all(|m| m.reason.contains(" moves from ")));
}

#[test]
fn over_optimistic_reps_have_their_pipeline_discounted() {
    let (firm, planted) = plumbline_demo::generate(&plumbline_demo::DemoOptions::default());
    assert!(!planted.over_optimistic_reps.is_empty());
    let mut checked = 0;
    for division in [Division::Wealth, Division::AssetServicing] {
        let req = quota_request(&firm, &Scope::Division(division));
        for rep in &planted.over_optimistic_reps {
            let deals: Vec<_> = req.pipeline.iter().filter(|d| &d.person_id == rep).collect();
            if deals.is_empty() {
                continue;
            }
            let stated: u32 = deals
                .iter()
                .map(|d| u32::from(firm.opportunities.iter().find(|o| o.id == d.id).unwrap().probability))
                .sum();
            let calibrated: u32 = deals.iter().map(|d| u32::from(d.probability)).sum();
            assert!(calibrated * 10 < stated * 7, "{rep}: calibrated {calibrated} vs stated {stated}");
            checked += 1;
        }
    }
    assert!(checked > 0);
}
