//! The territory heuristic against an exact answer (exhaustive search) on small random
//! instances: the measured optimality gap quoted in docs/planning.md.

use chrono::NaiveDate;
use plumbline_planning::territory::{Problem, problem_of};
use plumbline_planning::{Account, Seller, TerritoryRequest};
use rust_decimal::Decimal;

/// A small deterministic generator, so the measured gap is the same on every run.
struct Lcg(u64);

impl Lcg {
    fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_mul(6364136223846793005).wrapping_add(1442695040888963407);
        (self.0 >> 33) % n
    }
}

fn instance(rng: &mut Lcg) -> TerritoryRequest {
    let regions = ["North", "South"];
    let n_sellers = 2 + rng.below(3) as usize;
    let sellers: Vec<Seller> = (0..n_sellers)
        .map(|i| Seller {
            id: format!("S{i}"),
            name: format!("Seller {i}"),
            team_id: None,
            regions: if rng.below(4) == 0 {
                vec!["North".into(), "South".into()]
            } else {
                vec![regions[rng.below(2) as usize].into()]
            },
            licences: if rng.below(3) == 0 { Vec::new() } else { vec!["regulated".into()] },
            hire_date: NaiveDate::from_ymd_opt(2020, 1, 1).unwrap(),
            fte: if rng.below(4) == 0 { Decimal::new(5, 1) } else { Decimal::ONE },
            leave_days: 0,
        })
        .collect();
    let n_accounts = 4 + rng.below(4) as usize;
    let accounts = (0..n_accounts)
        .map(|i| Account {
            id: format!("A{i}"),
            name: format!("Account {i}"),
            owner_id: format!("S{}", rng.below(n_sellers as u64)),
            region: regions[rng.below(2) as usize].into(),
            potential: Decimal::from(1 + rng.below(100)),
            workload: Decimal::from(1 + rng.below(20)),
            required_licences: if rng.below(3) == 0 { vec!["regulated".into()] } else { Vec::new() },
            locked: rng.below(7) == 0,
        })
        .collect();
    TerritoryRequest {
        sellers,
        accounts,
        plan_year_start: NaiveDate::from_ymd_opt(2027, 1, 1).unwrap(),
        ramp: Default::default(),
        max_moved_share: [Decimal::new(25, 2), Decimal::new(5, 1), Decimal::ONE][rng.below(3) as usize],
        move_penalty: [0.0, 0.01][rng.below(2) as usize],
        workload_weight: 0.5,
    }
}

/// The best feasible objective, by trying every owner for every account within the move cap.
fn exact(problem: &Problem) -> f64 {
    fn search(p: &Problem, a: usize, owner: &mut Vec<usize>, moves: usize, best: &mut f64) {
        if a == owner.len() {
            *best = best.min(p.objective(owner));
            return;
        }
        owner[a] = p.original[a];
        search(p, a + 1, owner, moves, best);
        if moves < p.max_moves {
            for &to in &p.allowed[a] {
                owner[a] = to;
                search(p, a + 1, owner, moves + 1, best);
            }
        }
        owner[a] = p.original[a];
    }
    let mut best = f64::INFINITY;
    search(problem, 0, &mut problem.original.clone(), 0, &mut best);
    best
}

#[test]
fn heuristic_is_within_a_measured_gap_of_the_exact_optimum() {
    let mut rng = Lcg(2026);
    let (mut cases, mut optimal, mut achieved_sum, mut worst_achieved, mut worst_excess) = (0, 0, 0.0, 1.0f64, 0.0f64);
    for _ in 0..300 {
        let req = instance(&mut rng);
        let problem = problem_of(&req).unwrap();
        let heuristic = problem.solve();
        assert!(problem.feasible(&heuristic), "infeasible heuristic answer for {req:?}");
        let (start, found, best) =
            (problem.objective(&problem.original), problem.objective(&heuristic), exact(&problem));
        assert!(found >= best - 1e-12 && found <= start + 1e-12);
        if start - best < 1e-12 {
            continue;
        }
        cases += 1;
        optimal += usize::from(found - best < 1e-9);
        let achieved = (start - found) / (start - best);
        achieved_sum += achieved;
        worst_achieved = worst_achieved.min(achieved);
        worst_excess = worst_excess.max((found - best) / start);
    }
    let mean_achieved = achieved_sum / cases as f64;
    println!(
        "{cases} improvable instances: optimal in {optimal} ({:.1}%), mean share of the possible improvement achieved {:.2}%, worst {:.2}%, worst excess over optimum {:.2}% of the starting objective",
        100.0 * optimal as f64 / cases as f64,
        100.0 * mean_achieved,
        100.0 * worst_achieved,
        100.0 * worst_excess
    );
    assert!(cases >= 200);
    assert!(mean_achieved > 0.97, "mean achieved {mean_achieved}");
    assert!(optimal as f64 / cases as f64 > 0.8);
}
