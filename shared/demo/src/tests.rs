//! Tests over a whole generated firm.

use crate::pipeline::{OPEN_STAGES, model};
use crate::*;
use chrono::{Datelike, NaiveDate};
use plumbline_engine::calc::Assignment;
use plumbline_engine::{PayeeInputs, Period, Plan, Transaction, statement_for_period};
use plumbline_firm::{Division, ForecastCategory, OpportunityField, Person, PlanAssignment, Quota, Role, Stage};
use rust_decimal::Decimal;
use rust_decimal_macros::dec;
use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

/// The default firm, generated once for all tests.
fn demo() -> &'static (Firm, Planted) {
    static DEMO: OnceLock<(Firm, Planted)> = OnceLock::new();
    DEMO.get_or_init(|| generate(&DemoOptions::default()))
}

fn person<'a>(firm: &'a Firm, id: &str) -> &'a Person {
    firm.people.iter().find(|p| p.id == id).unwrap_or_else(|| panic!("no person {id}"))
}

fn reps(firm: &Firm, division: Division) -> Vec<&Person> {
    firm.people.iter().filter(|p| p.role == Role::Rep && p.division == Some(division)).collect()
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(f64::total_cmp);
    xs[xs.len() / 2]
}

#[test]
fn same_seed_gives_identical_files_and_another_seed_does_not() {
    let (firm, planted) = demo();
    let a = to_files(firm, planted).unwrap();
    let (firm2, planted2) = generate(&DemoOptions::default());
    assert_eq!(a, to_files(&firm2, &planted2).unwrap());
    let (firm3, planted3) = generate(&DemoOptions { seed: 8, ..DemoOptions::default() });
    let c = to_files(&firm3, &planted3).unwrap();
    assert_eq!(a.iter().map(|f| &f.0).collect::<Vec<_>>(), c.iter().map(|f| &f.0).collect::<Vec<_>>());
    assert_ne!(a, c);
    let differing = a.iter().zip(&c).filter(|(x, y)| x.1 != y.1).count();
    assert!(differing >= 10, "only {differing} files differ between seeds");
}

#[test]
fn files_are_the_documented_set_with_headers() {
    let (firm, planted) = demo();
    let files = to_files(firm, planted).unwrap();
    let names: Vec<&str> = files.iter().map(|f| f.0.as_str()).collect();
    assert_eq!(
        names,
        [
            "firm.json",
            "people.csv",
            "teams.csv",
            "clients.csv",
            "aum.csv",
            "flows.csv",
            "transactions.csv",
            "opportunities.csv",
            "opportunity_history.csv",
            "activities.csv",
            "compliance_events.csv",
            "quotas.csv",
            "assignments.csv",
            "plans/wm-adviser-v1.json",
            "plans/as-seller-v1.json",
            "planted.json",
        ]
    );
    let text = |name: &str| String::from_utf8(files.iter().find(|f| f.0 == name).unwrap().1.clone()).unwrap();
    assert!(text("transactions.csv").starts_with("id,date,kind,amount,currency,product,client_id,parties\n"));
    let planted_back: Planted = serde_json::from_str(&text("planted.json")).unwrap();
    assert_eq!(&planted_back, planted);
    // The advisers' plan is regulated: its file carries the rules the store is seeded with.
    let document = plumbline_regulation::RegulatedPlan::from_json(&text("plans/wm-adviser-v1.json")).unwrap();
    assert_eq!(Some(&document), crate::regulated_plan(firm).as_ref());
    assert_eq!(document.plan, firm.plans[0]);
    assert_eq!(Plan::from_json(&text("plans/as-seller-v1.json")).unwrap(), firm.plans[1]);
    // Parties share one column: `P0012:owner;P0040:specialist`.
    let txns = text("transactions.csv");
    let specialist_row = txns.lines().find(|l| l.contains(":specialist")).unwrap();
    let parties = specialist_row.rsplit(',').next().unwrap();
    let (owner, specialist) = parties.split_once(';').unwrap();
    assert!(owner.starts_with('P') && owner.ends_with(":owner") && specialist.ends_with(":specialist"), "{parties}");
}

#[test]
fn flat_records_read_back_from_csv_unchanged() {
    fn read<T: serde::de::DeserializeOwned>(files: &[(String, Vec<u8>)], name: &str) -> Vec<T> {
        let bytes = &files.iter().find(|f| f.0 == name).unwrap().1;
        csv::Reader::from_reader(bytes.as_slice()).deserialize().collect::<Result<_, _>>().unwrap()
    }
    let (firm, planted) = demo();
    let files = to_files(firm, planted).unwrap();
    assert_eq!(read::<Person>(&files, "people.csv"), firm.people);
    assert_eq!(read::<plumbline_firm::Team>(&files, "teams.csv"), firm.teams);
    assert_eq!(read::<plumbline_firm::Client>(&files, "clients.csv"), firm.clients);
    assert_eq!(read::<plumbline_firm::AumSnapshot>(&files, "aum.csv"), firm.aum);
    assert_eq!(read::<plumbline_firm::Flow>(&files, "flows.csv"), firm.flows);
    assert_eq!(read::<plumbline_firm::Opportunity>(&files, "opportunities.csv"), firm.opportunities);
    assert_eq!(read::<plumbline_firm::OpportunityChange>(&files, "opportunity_history.csv"), firm.opportunity_history);
    assert_eq!(read::<plumbline_firm::Activity>(&files, "activities.csv"), firm.activities);
    assert_eq!(read::<plumbline_firm::ComplianceEvent>(&files, "compliance_events.csv"), firm.compliance_events);
    assert_eq!(read::<Quota>(&files, "quotas.csv"), firm.quotas);
    assert_eq!(read::<PlanAssignment>(&files, "assignments.csv"), firm.assignments);
}

#[test]
fn organisation_has_the_expected_shape() {
    let (firm, _) = demo();
    let count = |role| firm.people.iter().filter(|p| p.role == role).count();
    assert_eq!(count(Role::Leadership), 2);
    assert_eq!((count(Role::Designer), count(Role::Compliance), count(Role::Admin)), (1, 1, 1));
    assert_eq!(count(Role::Manager), 9);
    let wealth = reps(firm, Division::Wealth);
    let servicing = reps(firm, Division::AssetServicing);
    assert!((45..=55).contains(&wealth.len()), "{} advisers", wealth.len());
    assert!((185..=215).contains(&servicing.len()), "{} sellers", servicing.len());
    for (division, n) in [(Division::Wealth, 5), (Division::AssetServicing, 4)] {
        let teams: Vec<_> = firm.teams.iter().filter(|t| t.division == division).collect();
        assert_eq!(teams.len(), n);
        for team in teams {
            let members = firm.people.iter().filter(|p| p.role == Role::Rep && p.team_id.as_ref() == Some(&team.id));
            let n = members.count();
            assert!(division == Division::AssetServicing || (9..=11).contains(&n), "{} has {n}", team.id);
            assert_eq!(person(firm, &team.manager_id).role, Role::Manager);
        }
    }
    // Stable id order: leadership, designer, compliance, admin, managers, reps.
    let rank = |r: Role| {
        [Role::Leadership, Role::Designer, Role::Compliance, Role::Admin, Role::Manager, Role::Rep]
            .iter()
            .position(|x| *x == r)
            .unwrap()
    };
    assert!(firm.people.windows(2).all(|w| rank(w[0].role) <= rank(w[1].role) && w[0].id < w[1].id));
    for (i, p) in firm.people.iter().enumerate() {
        assert_eq!(p.id, format!("P{:04}", i + 1));
        if p.role == Role::Rep {
            let manager = person(firm, p.manager_id.as_deref().expect("every rep has a manager"));
            assert_eq!(manager.role, Role::Manager);
            assert_eq!(manager.team_id, p.team_id);
            assert_eq!(p.regulated, p.division == Some(Division::Wealth));
            let (lo, hi) =
                if p.currency.0 == "GBP" { (dec!(70000), dec!(140000)) } else { (dec!(110000), dec!(220000)) };
            assert!(p.fixed_pay >= lo && p.fixed_pay <= hi, "{} paid {}", p.id, p.fixed_pay);
        }
        assert!(p.email.ends_with("@harrowlyle.example") && p.email.contains('.'), "{}", p.email);
    }
    let unique = |f: fn(&Person) -> &str| firm.people.iter().map(f).collect::<BTreeSet<_>>().len();
    assert_eq!(unique(|p| &p.name), firm.people.len());
    assert_eq!(unique(|p| &p.email), firm.people.len());
    let hires = firm.people.iter().filter(|p| p.role == Role::Rep && p.hire_date.year() == 2026).count();
    assert!((2..=3).contains(&hires), "{hires} hires this year");
}

#[test]
fn books_are_realistic() {
    let (firm, _) = demo();
    let mut per_owner: BTreeMap<&str, Vec<&plumbline_firm::Client>> = BTreeMap::new();
    for c in &firm.clients {
        per_owner.entry(&c.owner_id).or_default().push(c);
    }
    for p in reps(firm, Division::Wealth) {
        let n = per_owner.get(p.id.as_str()).map_or(0, Vec::len);
        let joiner = p.hire_date.year() == 2026;
        assert!(if joiner { (8..=16).contains(&n) } else { (20..=40).contains(&n) }, "{} has {n} clients", p.id);
    }
    for p in reps(firm, Division::AssetServicing) {
        let n = per_owner.get(p.id.as_str()).map_or(0, Vec::len);
        assert!((3..=8).contains(&n), "{} has {n} institutions", p.id);
    }
    let names: BTreeSet<&str> = firm.clients.iter().map(|c| c.name.as_str()).collect();
    assert_eq!(names.len(), firm.clients.len(), "client names are unique");
    // Median month-end AUM by segment, latest month.
    let last = firm.aum.iter().map(|a| a.date).max().unwrap();
    let segment: BTreeMap<&str, &str> = firm.clients.iter().map(|c| (c.id.as_str(), c.segment.as_str())).collect();
    for (seg, lo, hi) in [("affluent", 250e3, 700e3), ("hnw", 2e6, 5e6), ("uhnw", 15e6, 45e6)] {
        let values: Vec<f64> = firm
            .aum
            .iter()
            .filter(|a| a.date == last && segment[a.client_id.as_str()] == seg && a.aum > Decimal::ZERO)
            .map(|a| a.aum.to_string().parse().unwrap())
            .collect();
        let m = median(values);
        assert!(m > lo && m < hi, "{seg} median AUM {m}");
    }
    // Net flows are positive overall and some clients left.
    let net: Decimal = firm
        .flows
        .iter()
        .map(|f| if f.direction == plumbline_firm::FlowDirection::In { f.amount } else { -f.amount })
        .sum();
    assert!(net > Decimal::ZERO, "net flows {net}");
    assert!(firm.aum.iter().any(|a| a.aum.is_zero()), "some clients leave");
}

#[test]
fn every_reference_resolves_and_dates_are_in_the_window() {
    check_integrity(&demo().0);
}

/// Referential integrity and date discipline; shared by every generated firm.
fn check_integrity(firm: &Firm) {
    let as_of = firm.settings.as_of;
    let start = crate::dates::month_start_offset(as_of, -23);
    let people: BTreeMap<&str, &Person> = firm.people.iter().map(|p| (p.id.as_str(), p)).collect();
    let clients: BTreeSet<&str> = firm.clients.iter().map(|c| c.id.as_str()).collect();
    let opps: BTreeMap<&str, &plumbline_firm::Opportunity> =
        firm.opportunities.iter().map(|o| (o.id.as_str(), o)).collect();
    assert_eq!(clients.len(), firm.clients.len());
    assert_eq!(opps.len(), firm.opportunities.len());
    for c in &firm.clients {
        assert!(people.contains_key(c.owner_id.as_str()), "client owner {}", c.owner_id);
    }
    let mut txn_ids = BTreeSet::new();
    for t in &firm.transactions {
        assert!(txn_ids.insert(&t.id), "duplicate {}", t.id);
        assert!(t.date <= as_of && t.date >= start, "{} dated {}", t.id, t.date);
        assert!(t.amount > Decimal::ZERO && t.amount.scale() == 2, "{} amount {}", t.id, t.amount);
        assert!(clients.contains(t.client_id.as_deref().unwrap()));
        assert_eq!(t.parties[0].role, "owner");
        let prefix = match t.kind {
            plumbline_engine::TxnKind::Booking => "BKG-",
            plumbline_engine::TxnKind::FeeRevenue => "FEE-",
            plumbline_engine::TxnKind::Trail => "TRL-",
            plumbline_engine::TxnKind::Inflow => "IN-",
            plumbline_engine::TxnKind::Outflow => "OUT-",
            plumbline_engine::TxnKind::Aum => "AUM-",
        };
        assert!(t.id.starts_with(prefix), "{}", t.id);
        let mut seen = BTreeSet::new();
        for party in &t.parties {
            let p = people.get(party.payee.as_str()).unwrap_or_else(|| panic!("party {} missing", party.payee));
            assert_eq!(p.role, Role::Rep);
            assert!(p.hire_date <= t.date, "{} credited on {} before joining", p.id, t.id);
            assert!(seen.insert(&party.payee), "{} twice on {}", party.payee, t.id);
        }
    }
    let by_id: BTreeMap<&str, &Transaction> = firm.transactions.iter().map(|t| (t.id.as_str(), t)).collect();
    for f in &firm.flows {
        let prefix = if f.direction == plumbline_firm::FlowDirection::In { "IN-" } else { "OUT-" };
        let id = format!("{prefix}{}", &f.id[1..]);
        let t = by_id.get(id.as_str()).expect("every flow is a transaction");
        assert_eq!((t.amount, t.date, t.client_id.as_deref()), (f.amount, f.date, Some(f.client_id.as_str())));
    }
    for a in &firm.aum {
        assert!(clients.contains(a.client_id.as_str()) && a.date <= as_of && a.aum.scale() == 2);
    }
    let mut history: BTreeMap<&str, Vec<&plumbline_firm::OpportunityChange>> = BTreeMap::new();
    for h in &firm.opportunity_history {
        history.entry(&h.opportunity_id).or_default().push(h);
    }
    for o in &firm.opportunities {
        assert!(people.contains_key(o.owner_id.as_str()) && clients.contains(o.client_id.as_str()));
        assert!(o.amount > Decimal::ZERO && o.amount.scale() == 2);
        let h = &history[o.id.as_str()];
        assert_eq!((h[0].field, h[0].from.as_str(), h[0].to.as_str()), (OpportunityField::Stage, "", "prospecting"));
        assert_eq!(h[0].date, o.created);
        assert!(h.windows(2).all(|w| w[0].date <= w[1].date), "{} history out of order", o.id);
        assert!(h.iter().all(|c| c.date <= as_of));
        let last_stage = h.iter().rev().find(|c| c.field == OpportunityField::Stage).unwrap();
        assert_eq!(last_stage.to, crate::pipeline::stage_name(o.stage), "{}", o.id);
        let last_close = h.iter().rev().find(|c| c.field == OpportunityField::CloseDate);
        if let Some(c) = last_close {
            assert_eq!(c.to, o.close_date.to_string(), "{}", o.id);
        }
        if !o.stage.is_open() {
            assert!(o.close_date <= as_of && o.close_date >= start);
        }
    }
    for a in &firm.activities {
        assert!(a.date <= as_of && a.date >= start);
        assert!(people.contains_key(a.person_id.as_str()) && clients.contains(a.client_id.as_str()));
        if let Some(o) = &a.opportunity_id {
            assert!(opps.contains_key(o.as_str()));
        }
    }
    for e in &firm.compliance_events {
        assert!(e.date <= as_of && people[e.person_id.as_str()].hire_date <= e.date);
    }
    // Won opportunities became bookings (servicing) or inflows (wealth) on their close dates.
    let money_in: BTreeSet<(NaiveDate, Decimal, &str)> = firm
        .transactions
        .iter()
        .filter(|t| matches!(t.kind, plumbline_engine::TxnKind::Booking | plumbline_engine::TxnKind::Inflow))
        .map(|t| (t.date, t.amount, t.client_id.as_deref().unwrap()))
        .collect();
    for o in firm.opportunities.iter().filter(|o| o.stage == Stage::ClosedWon) {
        assert!(money_in.contains(&(o.close_date, o.amount, o.client_id.as_str())), "won {} has no transaction", o.id);
    }
    for r in firm.people.iter().filter(|p| p.role == Role::Rep) {
        let a: Vec<_> = firm.assignments.iter().filter(|a| a.person_id == r.id).collect();
        assert_eq!(a.len(), 1);
        assert!(firm.plans.iter().any(|p| p.id == a[0].plan_id && p.version == a[0].plan_version));
        for year in [as_of.year() - 1, as_of.year()] {
            if r.hire_date.year() > year {
                continue;
            }
            let q = firm.quotas.iter().find(|q| q.person_id == r.id && q.year_start.year() == year);
            assert!(q.is_some_and(|q| q.amount > Decimal::ZERO && q.currency == r.currency), "{} {year} quota", r.id);
        }
    }
}

#[test]
fn specialists_and_split_parties_appear_at_the_intended_rates() {
    let (firm, _) = demo();
    let share = |kinds: &[plumbline_engine::TxnKind], role: &str| {
        let txns: Vec<&Transaction> = firm.transactions.iter().filter(|t| kinds.contains(&t.kind)).collect();
        txns.iter().filter(|t| t.parties.iter().any(|p| p.role == role)).count() as f64 / txns.len() as f64
    };
    use plumbline_engine::TxnKind::*;
    let specialist = share(&[FeeRevenue, Inflow], "specialist");
    assert!((0.05..0.16).contains(&specialist), "specialist on {specialist}");
    let product = share(&[Booking], "product_specialist");
    assert!((0.3..0.5).contains(&product), "product specialist on {product}");
    let referrer = share(&[Booking], "referrer");
    assert!((0.08..0.22).contains(&referrer), "referrer on {referrer}");
    let by_division = |id: &str| person(firm, id).division;
    for t in firm.transactions.iter().filter(|t| t.kind == FeeRevenue) {
        if let Some(s) = t.parties.iter().find(|p| p.role == "specialist") {
            assert_eq!(by_division(&s.payee), Some(Division::Wealth));
            assert_ne!(person(firm, &s.payee).team_id, person(firm, &t.parties[0].payee).team_id);
        }
    }
    assert!(firm.transactions.iter().filter(|t| t.kind == Booking).all(|t| t.currency.0 == "USD"));
    assert!(firm.transactions.iter().filter(|t| t.kind != Booking).all(|t| t.currency.0 == "GBP"));
    // Fee revenue is charged on month ends only.
    assert!(
        firm.transactions.iter().filter(|t| t.kind == FeeRevenue).all(|t| crate::dates::month_end(t.date) == t.date)
    );
}

/// Year-to-date attainment of each rep against their pro-rated quota, from real statements.
fn attainments(firm: &Firm) -> BTreeMap<String, f64> {
    let as_of = firm.settings.as_of;
    let year_start = NaiveDate::from_ymd_opt(as_of.year(), 1, 1).unwrap();
    let year_end = NaiveDate::from_ymd_opt(as_of.year(), 12, 31).unwrap();
    let mut by_payee: BTreeMap<&str, Vec<Transaction>> = BTreeMap::new();
    for t in &firm.transactions {
        for p in &t.parties {
            by_payee.entry(&p.payee).or_default().push(t.clone());
        }
    }
    let period = Period::month_of(as_of);
    let mut out = BTreeMap::new();
    for rep in firm.people.iter().filter(|p| p.role == Role::Rep) {
        let assignment = firm.assignments.iter().find(|a| a.person_id == rep.id).unwrap();
        let plan = firm.plans.iter().find(|p| p.id == assignment.plan_id).unwrap();
        let quota = firm.quotas.iter().find(|q| q.person_id == rep.id && q.year_start == year_start).unwrap();
        // The engine refuses transactions in another currency, so a wealth adviser's referral
        // credit on a dollar booking is left out of their sterling statement.
        let txns: Vec<Transaction> = by_payee
            .get(rep.id.as_str())
            .into_iter()
            .flatten()
            .filter(|t| t.currency == plan.currency)
            .cloned()
            .collect();
        // Quotas are full-year figures: the engine prorates a joiner's by their days on the
        // plan, and pace is judged over the part of those days already gone.
        let on_plan = assignment.from.max(year_start);
        let assignments = vec![Assignment { from: assignment.from, to: assignment.to }];
        let inputs = PayeeInputs { annual_quota: Some(quota.amount), assignments, ..PayeeInputs::new(&rep.id, &txns) };
        let statement = statement_for_period(plan, &inputs, &period).unwrap_or_else(|e| panic!("{}: {e}", rep.id));
        assert_eq!(statement.lines.iter().map(|l| l.amount).sum::<Decimal>(), statement.total);
        let elapsed =
            Decimal::from((as_of - on_plan).num_days() + 1) / Decimal::from((year_end - on_plan).num_days() + 1);
        let attainment = statement.lines[0].attainment.unwrap() / elapsed;
        out.insert(rep.id.clone(), attainment.to_string().parse::<f64>().unwrap());
    }
    out
}

#[test]
fn statements_compute_for_every_rep_and_attainment_is_plausible() {
    let (firm, planted) = demo();
    check_attainment(firm, planted);
}

fn check_attainment(firm: &Firm, planted: &Planted) {
    let att = attainments(firm);
    let values: Vec<f64> = att.values().copied().collect();
    let m = median(values.clone());
    let within = values.iter().filter(|a| (0.6..=1.3).contains(*a)).count() as f64 / values.len() as f64;
    for division in [Division::Wealth, Division::AssetServicing] {
        let mut v: Vec<f64> = reps(firm, division).iter().map(|p| att[&p.id]).collect();
        v.sort_by(f64::total_cmp);
        let q = |f: f64| v[((v.len() - 1) as f64 * f) as usize];
        eprintln!(
            "{division:?}: p10 {:.2} p25 {:.2} median {:.2} p75 {:.2} p90 {:.2}",
            q(0.1),
            q(0.25),
            q(0.5),
            q(0.75),
            q(0.9)
        );
    }
    eprintln!("median {m:.3}, {:.0}% within 60-130%", within * 100.0);
    assert!((0.7..=1.2).contains(&m), "median attainment {m}");
    assert!(within > 0.5, "only {within} within 60-130%");
    assert!(values.iter().filter(|a| **a > 1.3).count() >= 3, "a few stars");
    for id in &planted.intervention_candidates {
        assert!(att[id] < 0.75, "intervention candidate {id} at {}", att[id]);
    }
}

#[test]
fn referrals_from_wealth_advisers_are_dollar_bookings() {
    // The engine rejects a statement given any transaction in another currency, so consumers
    // must select a payee's transactions in the plan's currency; this shows why.
    let (firm, _) = demo();
    let referred = firm.transactions.iter().filter(|t| {
        t.kind == plumbline_engine::TxnKind::Booking
            && t.parties
                .iter()
                .any(|p| p.role == "referrer" && person(firm, &p.payee).division == Some(Division::Wealth))
    });
    assert!(referred.count() > 0);
}

#[test]
fn the_plans_validate() {
    let (firm, _) = demo();
    assert_eq!(firm.plans.len(), 2);
    for plan in &firm.plans {
        assert!(plan.validate().is_empty(), "{:?}", plan.validate());
        assert_eq!(plan.effective_from, NaiveDate::from_ymd_opt(2025, 1, 1).unwrap());
    }
    let wm = &firm.plans[0];
    assert_eq!(
        (wm.id.as_str(), wm.currency.0.as_str(), wm.crediting.splits["specialist"]),
        ("wm-adviser", "GBP", dec!(0.2))
    );
    let assigned_from = |p: &Person| firm.assignments.iter().find(|a| a.person_id == p.id).unwrap().from;
    for p in reps(firm, Division::Wealth) {
        assert_eq!(assigned_from(p), p.hire_date.max(wm.effective_from));
    }
}

/// Days since an open opportunity last changed or had activity.
fn quiet_days(firm: &Firm) -> BTreeMap<&str, i64> {
    let mut last: BTreeMap<&str, NaiveDate> = BTreeMap::new();
    for h in &firm.opportunity_history {
        let e = last.entry(&h.opportunity_id).or_insert(h.date);
        *e = (*e).max(h.date);
    }
    for a in &firm.activities {
        if let Some(o) = &a.opportunity_id {
            let e = last.entry(o).or_insert(a.date);
            *e = (*e).max(a.date);
        }
    }
    last.into_iter().map(|(k, d)| (k, (firm.settings.as_of - d).num_days())).collect()
}

fn stage_median(firm: &Firm, o: &plumbline_firm::Opportunity) -> f64 {
    let division = person(firm, &o.owner_id).division.unwrap();
    let stage = OPEN_STAGES.iter().position(|s| *s == o.stage).unwrap();
    model(division).median_days[stage]
}

#[test]
fn planted_stale_opportunities_are_exactly_the_quiet_ones() {
    let (firm, planted) = demo();
    check_stale(firm, planted);
}

fn check_stale(firm: &Firm, planted: &Planted) {
    let quiet = quiet_days(firm);
    assert!((10..=14).contains(&planted.stale_opportunities.len()));
    for o in firm.opportunities.iter().filter(|o| o.stage.is_open()) {
        let norm = stage_median(firm, o);
        let q = quiet[o.id.as_str()] as f64;
        if planted.stale_opportunities.contains(&o.id) {
            assert!(q >= 3.5 * norm && q <= 5.1 * norm, "{} quiet {q} days, stage median {norm}", o.id);
        } else {
            assert!(q < 3.0 * norm, "unplanted {} quiet {q} days, stage median {norm}", o.id);
        }
    }
    let divisions: BTreeSet<_> = planted
        .stale_opportunities
        .iter()
        .map(|id| person(firm, &firm.opportunities.iter().find(|o| &o.id == id).unwrap().owner_id).division)
        .collect();
    assert_eq!(divisions.len(), 2, "stale deals in both divisions");
}

#[test]
fn planted_pushed_opportunities_are_exactly_the_open_ones_pushed_three_times() {
    let (firm, planted) = demo();
    check_pushed(firm, planted);
}

fn check_pushed(firm: &Firm, planted: &Planted) {
    let mut pushes: BTreeMap<&str, Vec<(NaiveDate, NaiveDate)>> = BTreeMap::new();
    for h in firm.opportunity_history.iter().filter(|h| h.field == OpportunityField::CloseDate) {
        pushes.entry(&h.opportunity_id).or_default().push((h.from.parse().unwrap(), h.to.parse().unwrap()));
    }
    let thrice: BTreeSet<&str> = firm
        .opportunities
        .iter()
        .filter(|o| o.stage.is_open() && pushes.get(o.id.as_str()).is_some_and(|p| p.len() >= 3))
        .map(|o| o.id.as_str())
        .collect();
    let planted_set: BTreeSet<&str> = planted.pushed_opportunities.iter().map(String::as_str).collect();
    assert_eq!(thrice, planted_set);
    assert!((13..=17).contains(&planted_set.len()));
    for id in planted_set {
        assert!(pushes[id].iter().all(|(from, to)| to > from), "{id} pushes all move later");
        let o = firm.opportunities.iter().find(|o| o.id == id).unwrap();
        assert!(o.close_date > firm.settings.as_of);
    }
}

#[test]
fn over_optimistic_reps_overstate_and_slip() {
    let (firm, planted) = demo();
    check_over_optimistic(firm, planted);
}

fn check_over_optimistic(firm: &Firm, planted: &Planted) {
    assert_eq!(planted.over_optimistic_reps.len(), 3);
    // Slips: close-date changes to a later date, including a deal closing after its last estimate.
    let mut close_changes: BTreeMap<&str, usize> = BTreeMap::new();
    for h in firm.opportunity_history.iter().filter(|h| h.field == OpportunityField::CloseDate && h.to > h.from) {
        *close_changes.entry(&h.opportunity_id).or_default() += 1;
    }
    struct Record {
        win_rate: f64,
        stated: f64,
        commit: f64,
        slips: f64,
    }
    let record = |rep: &str| {
        let opps: Vec<_> = firm.opportunities.iter().filter(|o| o.owner_id == rep).collect();
        let closed: Vec<_> = opps.iter().filter(|o| !o.stage.is_open()).collect();
        let open: Vec<_> = opps.iter().filter(|o| o.stage.is_open()).collect();
        let won = closed.iter().filter(|o| o.stage == Stage::ClosedWon).count();
        Record {
            win_rate: won as f64 / closed.len().max(1) as f64,
            stated: open.iter().map(|o| f64::from(o.probability)).sum::<f64>() / open.len().max(1) as f64 / 100.0,
            commit: open.iter().filter(|o| o.forecast_category == ForecastCategory::Commit).count() as f64
                / open.len().max(1) as f64,
            slips: closed.iter().map(|o| close_changes.get(o.id.as_str()).copied().unwrap_or(0)).sum::<usize>() as f64
                / closed.len().max(1) as f64,
        }
    };
    let divisions: BTreeSet<_> = planted.over_optimistic_reps.iter().map(|r| person(firm, r).division).collect();
    assert_eq!(divisions.len(), 2);
    for division in divisions {
        let peers: Vec<Record> = reps(firm, division.unwrap())
            .iter()
            .filter(|p| !planted.over_optimistic_reps.contains(&p.id))
            .map(|p| record(&p.id))
            .collect();
        let peer = |f: fn(&Record) -> f64| median(peers.iter().map(f).collect());
        for rep in planted.over_optimistic_reps.iter().filter(|r| person(firm, r).division == division) {
            let r = record(rep);
            eprintln!(
                "{rep}: win {:.2} (peers {:.2}) stated {:.2} (peers {:.2}) commit {:.2} (peers {:.2}) slips {:.2} (peers {:.2})",
                r.win_rate,
                peer(|r| r.win_rate),
                r.stated,
                peer(|r| r.stated),
                r.commit,
                peer(|r| r.commit),
                r.slips,
                peer(|r| r.slips)
            );
            assert!(r.win_rate < 0.25, "{rep} wins {}", r.win_rate);
            assert!(r.stated > r.win_rate + 0.25, "{rep} states {}", r.stated);
            assert!(r.commit > peer(|r| r.commit) + 0.2, "{rep} commits {}", r.commit);
            assert!(r.slips > 1.3 * peer(|r| r.slips), "{rep} slips {}", r.slips);
        }
    }
}

#[test]
fn intervention_candidates_have_thin_pipelines() {
    let (firm, planted) = demo();
    check_intervention(firm, planted);
}

fn check_intervention(firm: &Firm, planted: &Planted) {
    assert_eq!(planted.intervention_candidates.len(), 5);
    let open_amount = |rep: &str| -> f64 {
        let sum: Decimal =
            firm.opportunities.iter().filter(|o| o.owner_id == rep && o.stage.is_open()).map(|o| o.amount).sum();
        sum.to_string().parse().unwrap()
    };
    for id in &planted.intervention_candidates {
        let division = person(firm, id).division.unwrap();
        let peers = median(reps(firm, division).iter().map(|p| open_amount(&p.id)).collect());
        assert!(open_amount(id) < 0.6 * peers, "{id} pipeline {} vs median {peers}", open_amount(id));
    }
    let flagged: BTreeSet<&String> = planted.conduct_flagged_reps.iter().collect();
    assert!(planted.intervention_candidates.iter().any(|c| flagged.contains(c)));
}

#[test]
fn conduct_events_are_a_modest_record() {
    let (firm, planted) = demo();
    check_conduct(firm, planted);
}

fn check_conduct(firm: &Firm, planted: &Planted) {
    let events = &firm.compliance_events;
    assert!((15..=25).contains(&events.len()), "{} events", events.len());
    let kinds: BTreeSet<String> = events.iter().map(|e| format!("{:?}", e.kind)).collect();
    assert_eq!(kinds.len(), 4, "{kinds:?}");
    assert!(events.iter().any(|e| e.severity == plumbline_firm::Severity::Major));
    assert!(events.iter().any(|e| e.severity == plumbline_firm::Severity::Minor));
    let this_year: BTreeSet<String> =
        events.iter().filter(|e| e.date.year() == firm.settings.as_of.year()).map(|e| e.person_id.clone()).collect();
    assert_eq!(this_year.into_iter().collect::<Vec<_>>(), planted.conduct_flagged_reps);
    assert!((3..=6).contains(&planted.conduct_flagged_reps.len()));
    assert!(events.windows(2).all(|w| w[0].date <= w[1].date));
}

#[test]
fn volumes_stay_small_enough_to_seed_quickly() {
    let t = std::time::Instant::now();
    let (firm, planted) = generate(&DemoOptions::default());
    let generated = t.elapsed();
    let files = to_files(&firm, &planted).unwrap();
    eprintln!("generate: {generated:?}; with files: {:?}", t.elapsed());
    let mut rows = 0;
    for (name, bytes) in &files {
        let lines = bytes.iter().filter(|b| **b == b'\n').count();
        if name.ends_with(".csv") {
            rows += lines - 1;
            eprintln!("{name}: {} rows", lines - 1);
        }
    }
    eprintln!("total rows {rows}");
    assert!(rows < 400_000);
    assert!((50_000..=150_000).contains(&firm.activities.len()), "{} activities", firm.activities.len());
}

#[test]
fn other_seeds_and_as_of_dates_hold_together() {
    for (seed, as_of) in [(1, "2026-11-20"), (3, "2025-06-30"), (11, "2027-01-05")] {
        let opts = DemoOptions { seed, as_of: as_of.parse().unwrap() };
        let (firm, planted) = generate(&opts);
        eprintln!("seed {seed}, as of {as_of}");
        check_integrity(&firm);
        // Days into a year, attainment says little: January has no month-end fees yet.
        if opts.as_of.month() >= 4 {
            check_attainment(&firm, &planted);
        }
        check_stale(&firm, &planted);
        check_pushed(&firm, &planted);
        check_over_optimistic(&firm, &planted);
        check_intervention(&firm, &planted);
        check_conduct(&firm, &planted);
    }
}
