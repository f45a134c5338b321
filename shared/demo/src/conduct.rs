//! Conduct and compliance events: a modest record over the window, a few in the current year.

use crate::dates::{add_days, random_day};
use crate::org::{Org, RepProfile};
use crate::rng::Rng;
use crate::world::{Ctx, RawEvent, World};
use plumbline_firm::{ComplianceKind, Division, Severity};

const TRAINING: &[&str] = &[
    "Annual Consumer Duty training not completed by the deadline",
    "Anti-money-laundering refresher overdue by more than 30 days",
    "Market abuse awareness module not completed on time",
    "Conduct rules annual attestation submitted late",
];
const FILE_REVIEW: &[&str] = &[
    "Suitability report missing evidence of attitude to risk",
    "Fact-find incomplete: capacity for loss not assessed",
    "Ongoing advice review not evidenced for the year",
    "Pension transfer file lacked a comparison with the ceding scheme",
];
const COMPLAINT: &[&str] = &[
    "Complaint upheld: delay in processing a pension transfer",
    "Complaint upheld: charges not clearly disclosed at outset",
    "Complaint upheld: failure to act on a withdrawal instruction",
    "Complaint upheld: service review not held as agreed",
];
const INSTITUTIONAL_COMPLAINT: &[&str] = &[
    "Complaint upheld: onboarding commitments in the mandate proposal not met",
    "Complaint upheld: fee schedule misstated in the proposal",
    "Complaint upheld: client reporting deadlines promised in the pitch were missed",
];
const MIS_SELLING: &[&str] = &[
    "Unsuitable recommendation of a high-risk fund to a cautious client",
    "Pension transfer advised without adequate justification",
    "Switch recommended without demonstrating client benefit",
];

fn draw(rng: &mut Rng, rep: &RepProfile, kind: Option<ComplianceKind>) -> (ComplianceKind, Severity, String) {
    use ComplianceKind::*;
    // Institutional sellers give no personal advice, so only training and complaints apply.
    let kind = if let Some(kind) = kind {
        kind
    } else if rep.division == Division::AssetServicing {
        if rng.chance(0.7) { OverdueTraining } else { ComplaintUpheld }
    } else {
        [OverdueTraining, FileReviewFailure, ComplaintUpheld, MisSelling][rng.weighted(&[0.35, 0.3, 0.25, 0.1])]
    };
    let (severity, texts) = match kind {
        OverdueTraining => (Severity::Minor, TRAINING),
        FileReviewFailure => (if rng.chance(0.2) { Severity::Major } else { Severity::Minor }, FILE_REVIEW),
        ComplaintUpheld => {
            let texts = if rep.division == Division::Wealth { COMPLAINT } else { INSTITUTIONAL_COMPLAINT };
            (if rng.chance(0.4) { Severity::Major } else { Severity::Minor }, texts)
        }
        MisSelling => (Severity::Major, MIS_SELLING),
    };
    (kind, severity, rng.pick(texts).to_string())
}

/// Adds compliance events to `world`.
pub(crate) fn generate(ctx: &Ctx, org: &Org, world: &mut World) {
    let mut rng = ctx.rng("conduct", 0);
    let eligible: Vec<&RepProfile> =
        org.reps.iter().filter(|r| !r.new_hire && !r.over_optimistic && !r.intervention).collect();
    let weights: Vec<f64> = eligible.iter().map(|r| if r.division == Division::Wealth { 6.0 } else { 1.0 }).collect();
    let before_year = add_days(ctx.year_start, -1);

    // History before the current year, with every kind of finding on some adviser's record.
    let advisers: Vec<&RepProfile> = eligible.iter().copied().filter(|r| r.division == Division::Wealth).collect();
    let every_kind = [
        ComplianceKind::MisSelling,
        ComplianceKind::FileReviewFailure,
        ComplianceKind::ComplaintUpheld,
        ComplianceKind::OverdueTraining,
    ];
    for i in 0..rng.int(12, 14) as usize {
        let kind = every_kind.get(i).copied();
        let rep = if kind.is_some() { *rng.pick(&advisers) } else { eligible[rng.weighted(&weights)] };
        let lo = ctx.window_start.max(world.people[rep.person].hire_date);
        let date = random_day(&mut rng, lo, before_year.max(lo));
        push(world, &mut rng, rep, date, kind);
    }

    // This year: two of the struggling sellers and three others, a couple with repeat findings.
    let mut flagged: Vec<&RepProfile> = org.reps.iter().filter(|r| r.intervention).take(2).collect();
    for _ in 0..3 {
        loop {
            let rep = eligible[rng.weighted(&weights)];
            if flagged.iter().all(|f| f.person != rep.person) {
                flagged.push(rep);
                break;
            }
        }
    }
    for (i, rep) in flagged.iter().enumerate() {
        let count = if i % 2 == 0 { 2 } else { 1 };
        for _ in 0..count {
            let date = random_day(&mut rng, ctx.year_start.min(ctx.as_of), ctx.as_of);
            push(world, &mut rng, rep, date, None);
        }
    }
    world.events.sort_by_key(|e| e.date);
}

fn push(world: &mut World, rng: &mut Rng, rep: &RepProfile, date: chrono::NaiveDate, kind: Option<ComplianceKind>) {
    let (kind, severity, description) = draw(rng, rep, kind);
    world.events.push(RawEvent { person: rep.person, date, kind, severity, description });
}
