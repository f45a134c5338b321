//! On the demo firm the insight engine finds what was planted: stalled and pushed deals, the
//! over-optimistic reps and the people who need intervention; and every template it writes
//! passes the guardrail against its own evidence.

use plumbline_coach::insights::CoachConfig;
use plumbline_coach::{
    Context, Detail, InterventionReason, ReviewPeriod, check, leadership_risk, rep_nudges, review_draft,
    weekly_interventions, writer,
};
use plumbline_demo::{DemoOptions, Planted, generate};
use plumbline_firm::{Firm, Role};
use plumbline_pipeline::AnalysisOptions;
use std::collections::BTreeSet;

fn score(name: &str, found: &BTreeSet<String>, truth: &[String]) -> (f64, f64) {
    let truth: BTreeSet<String> = truth.iter().cloned().collect();
    let hit = found.intersection(&truth).count() as f64;
    let (recall, precision) = (hit / truth.len().max(1) as f64, hit / found.len().max(1) as f64);
    eprintln!("{name}: {} found, {} planted, recall {recall:.2}, precision {precision:.2}", found.len(), truth.len());
    (recall, precision)
}

fn known_names(firm: &Firm) -> Vec<String> {
    firm.people.iter().map(|p| p.name.clone()).chain(firm.clients.iter().map(|c| c.name.clone())).collect()
}

fn check_firm(firm: &Firm, planted: &Planted) {
    let options = AnalysisOptions { trials: 500, ..AnalysisOptions::default() };
    let ctx = Context::new(
        std::sync::Arc::new(firm.clone()),
        &options,
        CoachConfig { stalling_deals: usize::MAX, ..CoachConfig::default() },
    );
    assert!(ctx.progress_problems.is_empty(), "{:?}", ctx.progress_problems);
    let known = known_names(firm);
    let reps: Vec<&str> = firm.people.iter().filter(|p| p.role == Role::Rep).map(|p| p.id.as_str()).collect();
    let (mut stale, mut pushed) = (BTreeSet::new(), BTreeSet::new());
    let mut progress = 0;
    for rep in &reps {
        let nudges = rep_nudges(&ctx, rep);
        let stakes: Vec<_> = nudges
            .iter()
            .filter(|f| matches!(f.detail, Detail::StallingDeal { .. }))
            .map(|f| f.at_stake.clone())
            .collect();
        assert!(stakes.windows(2).all(|w| w[0] >= w[1]), "{rep}: stalling deals ranked by money at stake");
        for f in &nudges {
            let text = writer::template(f);
            check(&text, &f.evidence, &known).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
            match &f.detail {
                Detail::StallingDeal { deal_id, flags, .. } => {
                    if flags.iter().any(|k| k == "stale") {
                        stale.insert(deal_id.clone());
                    }
                    if flags.iter().any(|k| k == "repeatedly_pushed") {
                        pushed.insert(deal_id.clone());
                    }
                }
                Detail::QuotaProgress { .. } => progress += 1,
                _ => {}
            }
        }
    }
    assert!(progress * 10 >= reps.len() * 9, "progress for {progress} of {} reps", reps.len());
    let (r, p) = score("stalled", &stale, &planted.stale_opportunities);
    assert!(r == 1.0 && p >= 0.8, "stalled recall {r} precision {p}");
    let (r, p) = score("pushed", &pushed, &planted.pushed_opportunities);
    assert!(r == 1.0 && p >= 0.9, "pushed recall {r} precision {p}");

    let weekly = weekly_interventions(&ctx, None);
    let with = |reason: InterventionReason| -> BTreeSet<String> {
        weekly
            .iter()
            .filter(|f| matches!(&f.detail, Detail::Intervention { reasons, .. } if reasons.contains(&reason)))
            .filter_map(|f| f.subject.as_ref().map(|s| s.person_id.clone()))
            .collect()
    };
    let (r, p) = score("over-optimistic", &with(InterventionReason::OverOptimistic), &planted.over_optimistic_reps);
    assert!(r == 1.0 && p >= 0.75, "optimists recall {r} precision {p}");
    let behind: BTreeSet<String> =
        with(InterventionReason::NoResults).union(&with(InterventionReason::BehindWithThinPipeline)).cloned().collect();
    let (r, p) = score("no results, or behind with a thin pipeline", &behind, &planted.intervention_candidates);
    assert!(r == 1.0 && p >= 0.6, "intervention recall {r} precision {p}");
    let everyone: BTreeSet<String> =
        weekly.iter().filter_map(|f| f.subject.as_ref().map(|s| s.person_id.clone())).collect();
    let expected: Vec<String> = planted
        .intervention_candidates
        .iter()
        .chain(&planted.over_optimistic_reps)
        .chain(&planted.conduct_flagged_reps)
        .cloned()
        .collect();
    let (_, p) = score("weekly list", &everyone, &expected);
    assert!(p >= 0.6, "weekly list precision {p}");
    for f in weekly.iter().take(3) {
        eprintln!("{}", writer::template(f));
    }
    for f in &weekly {
        let text = writer::template(f);
        check(&text, &f.evidence, &known).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
    }
    // A manager's list is their subtree's part of the firm's.
    let manager = firm
        .people
        .iter()
        .find(|p| {
            p.role == Role::Manager
                && weekly.iter().any(|f| {
                    f.subject
                        .as_ref()
                        .and_then(|s| firm.people.iter().find(|q| q.id == s.person_id))
                        .and_then(|q| q.manager_id.as_deref())
                        == Some(p.id.as_str())
                })
        })
        .expect("a manager with someone to help");
    let theirs = weekly_interventions(&ctx, Some(&manager.id));
    assert!(!theirs.is_empty() && theirs.len() < weekly.len());
    assert!(theirs.iter().all(|f| weekly.contains(f)));

    let risk = leadership_risk(&ctx);
    assert!(!risk.is_empty());
    for f in &risk {
        let text = writer::template(f);
        eprintln!("{text}");
        check(&text, &f.evidence, &known).unwrap_or_else(|e| panic!("{text}\n{e:?}"));
        let Detail::ForecastRisk { accounts, .. } = &f.detail else { panic!("risk finding") };
        assert!(!accounts.is_empty());
    }

    let candidate = planted.intervention_candidates.iter().find(|c| planted.conduct_flagged_reps.contains(c)).unwrap();
    let as_of = firm.settings.as_of;
    let period = ReviewPeriod {
        from: chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&as_of), 1, 1).unwrap(),
        to: as_of,
    };
    let review = review_draft(&ctx, candidate, &period).unwrap();
    assert_eq!(
        review.sections.iter().map(|s| s.key.as_str()).collect::<Vec<_>>(),
        ["results", "behaviours", "conduct", "focus"]
    );
    for s in &review.sections {
        eprintln!("{}: {}", s.heading, s.text);
        check(&s.text, &s.evidence, &known).unwrap_or_else(|e| panic!("{}\n{e:?}", s.text));
    }
    assert!(review.sections[2].evidence.records.iter().any(|r| r.kind == plumbline_coach::RecordKind::ConductEvent));
}

#[test]
fn the_planted_patterns_are_found_in_the_default_demo_firm() {
    let (firm, planted) = generate(&DemoOptions::default());
    check_firm(&firm, &planted);
}

#[test]
fn the_planted_patterns_are_found_for_another_seed_and_date() {
    let (firm, planted) = generate(&DemoOptions { seed: 3, as_of: "2025-06-30".parse().unwrap() });
    check_firm(&firm, &planted);
}

#[test]
fn a_joiners_progress_is_measured_against_the_quota_prorated_by_days_on_the_plan() {
    let options = DemoOptions::default();
    let (firm, _) = generate(&options);
    let year_start = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&options.as_of), 1, 1).unwrap();
    let year_end = chrono::NaiveDate::from_ymd_opt(chrono::Datelike::year(&options.as_of), 12, 31).unwrap();
    let (progress, problems) = plumbline_coach::progress::firm_progress(&firm, options.as_of, 3);
    assert!(problems.is_empty(), "{problems:?}");
    let mut joiners = 0;
    for person in firm.people.iter().filter(|p| p.role == Role::Rep && p.hire_date > year_start) {
        let Some(p) = progress.get(&person.id) else { continue };
        let full_year = firm
            .quotas
            .iter()
            .find(|q| q.person_id == person.id && q.year_start == year_start)
            .expect("a joiner on a plan has this year's quota")
            .amount;
        // The store holds the full-year figure; the engine prorates it once by days on the plan.
        let days = rust_decimal::Decimal::from((year_end - person.hire_date).num_days() + 1);
        let expected = (full_year * days / rust_decimal::Decimal::from(365))
            .round_dp_with_strategy(2, rust_decimal::RoundingStrategy::MidpointAwayFromZero);
        assert_eq!(p.quota, expected, "{} joined {}: {full_year} x {days}/365", person.id, person.hire_date);
        joiners += 1;
    }
    assert!(joiners > 0, "the demo firm has joiners this year with progress");
}
