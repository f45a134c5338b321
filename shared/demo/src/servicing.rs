//! The asset-servicing division: institutions, mandates and the bookings they produce.

use crate::dates::{add_days, random_day, ymd};
use crate::names::{NameBook, hyphen_slug, institution};
use crate::org::{Org, RepProfile};
use crate::pipeline::{self, Deal, DealInput, Plant};
use crate::rng::{self, Rng};
use crate::world::{Ccy, Ctx, RawActivity, RawTxn, World, money, round_to};
use chrono::NaiveDate;
use plumbline_engine::TxnKind;
use plumbline_firm::{ActivityKind, Client, Division};

/// Institution segments and their weights.
const SEGMENTS: [(&str, f64); 5] =
    [("pension fund", 0.28), ("asset manager", 0.36), ("insurer", 0.15), ("sovereign wealth", 0.04), ("bank", 0.17)];

/// Mandate products: name, weight and size relative to the typical mandate.
const PRODUCTS: [(&str, f64, f64); 5] = [
    ("Global Custody", 0.28, 1.3),
    ("Fund Administration", 0.25, 1.0),
    ("Depositary", 0.15, 0.8),
    ("Securities Lending", 0.14, 0.6),
    ("Middle Office Outsourcing", 0.18, 1.6),
];

/// Median annual fee value of a mandate, in dollars, and its log-scale spread.
const MEDIAN_FEE: f64 = 150e3;
const FEE_SIGMA: f64 = 0.75;

/// The mean mandate value, used to turn a seller's capacity into a deal rate.
fn mean_fee() -> f64 {
    let product_mean: f64 = PRODUCTS.iter().map(|p| p.1 * p.2).sum::<f64>() / PRODUCTS.iter().map(|p| p.1).sum::<f64>();
    MEDIAN_FEE * rng::exp(FEE_SIGMA * FEE_SIGMA / 2.0) * product_mean
}

/// Generates every seller's institutions and mandates into `world`.
pub(crate) fn simulate(ctx: &Ctx, org: &Org, world: &mut World, names: &mut NameBook) {
    let sellers: Vec<&RepProfile> = org.division(Division::AssetServicing).collect();
    let advisers: Vec<&RepProfile> = org.division(Division::Wealth).collect();
    for rep in &sellers {
        let mut rng = ctx.rng("servicing-book", rep.person);
        let clients = institutions(ctx, rep, world, names, &mut rng);
        let deals = deals_for(ctx, org, rep, world, &clients, &mut rng);
        for deal in deals {
            if let Some(day) = deal.won_on {
                let parties = booking_parties(ctx, rep, day, &sellers, &advisers, world, &mut rng);
                world.txns.push(RawTxn {
                    date: day,
                    kind: TxnKind::Booking,
                    cents: deal.amount,
                    ccy: Ccy::Usd,
                    product: Some(deal.product),
                    client: deal.client,
                    parties,
                });
            }
            world.deals.push(deal);
        }
        for &c in &clients {
            client_activities(ctx, rep, c, world, &mut rng);
        }
    }
}

fn institutions(ctx: &Ctx, rep: &RepProfile, world: &mut World, names: &mut NameBook, rng: &mut Rng) -> Vec<usize> {
    let person = &world.people[rep.person];
    let region = person.region.clone();
    let owner_id = person.id.clone();
    let mut out = Vec::new();
    for _ in 0..rng.int(3, 8) {
        let segment = SEGMENTS[rng.weighted(&SEGMENTS.map(|s| s.1))].0;
        let name = institution(rng, names, segment, &region);
        let since = random_day(rng, ymd(2008, 1, 1), add_days(ctx.window_start, -1));
        let wallet = round_to(rng.lognormal(1.5e6, 0.8) * 100.0, 100_000);
        out.push(world.add_client(Client {
            id: String::new(),
            domain: format!("{}.example", hyphen_slug(&name.replace('\'', ""))),
            name,
            division: Division::AssetServicing,
            segment: segment.to_string(),
            owner_id: owner_id.clone(),
            region: region.clone(),
            since,
            wallet_estimate: money(wallet),
            currency: Ccy::Usd.currency(),
        }));
    }
    out
}

fn deals_for(ctx: &Ctx, org: &Org, rep: &RepProfile, world: &World, clients: &[usize], rng: &mut Rng) -> Vec<Deal> {
    let hire = world.people[rep.person].hire_date;
    // Enough expected bookings to meet capacity at this seller's win rate.
    let per_year = rep.capacity / (rep.win_prob * mean_fee());
    let start = if rep.new_hire { add_days(hire, 21) } else { hire.max(add_days(ctx.window_start, -300)) };
    let slowdown = slowdown(ctx);
    let mut out = Vec::new();
    let mut t = start;
    // Wins are spread evenly through a seller's deals (a running tally crossing whole numbers)
    // rather than drawn independently: a seller's skill shows in a steady conversion rate, and
    // attainment then varies mostly with deal sizes, as it does in practice.
    let mut tally = rng.f64();
    loop {
        // Sellers work a steady cadence of new deals: Erlang rather than exponential gaps.
        let gap: f64 = (0..4).map(|_| rng.exponential(365.0 / per_year / 4.0)).sum();
        t = add_days(t, (gap.round() as i64).max(1));
        if t > ctx.before_as_of(2) {
            break;
        }
        let struggling = rep.intervention && t >= slowdown;
        if struggling && !rng.chance(0.12) {
            continue;
        }
        let mut input = deal_input(rep, *rng.pick(clients), t, world, rng, Plant::None);
        if struggling {
            input.win_prob *= 0.6;
        }
        let before = tally;
        tally += input.win_prob;
        input.outcome = Some(tally.floor() > before.floor());
        if let Some(deal) = pipeline::simulate(rng, ctx, pipeline::model(rep.division), input) {
            out.push(deal);
        }
    }
    let mut plants: Vec<Plant> = org
        .plants
        .stale
        .iter()
        .filter(|(p, _, _)| *p == rep.person)
        .map(|(_, stage, percent)| Plant::Stale { stage: *stage, percent: *percent })
        .collect();
    plants
        .extend(org.plants.pushed.iter().filter(|(p, _)| *p == rep.person).map(|(_, n)| Plant::Pushed { pushes: *n }));
    for plant in plants {
        let input = deal_input(rep, *rng.pick(clients), ctx.as_of, world, rng, plant);
        out.extend(pipeline::simulate(rng, ctx, pipeline::model(rep.division), input));
    }
    out
}

fn deal_input(
    rep: &RepProfile,
    client: usize,
    created: NaiveDate,
    world: &World,
    rng: &mut Rng,
    plant: Plant,
) -> DealInput {
    let (product, _, scale) = PRODUCTS[rng.weighted(&PRODUCTS.map(|p| p.1))];
    let dollars = rng.lognormal(MEDIAN_FEE * scale, FEE_SIGMA).max(20e3);
    DealInput {
        owner: rep.person,
        client,
        name: format!("{product} - {}", world.clients[client].name),
        product,
        amount: round_to(dollars * 100.0, 100_000),
        amount_unit: 100_000,
        ccy: Ccy::Usd,
        created,
        win_prob: rep.win_prob,
        outcome: None,
        over_optimistic: rep.over_optimistic,
        plant,
    }
}

/// When a struggling seller's prospecting and conversion fell away: early enough in the previous
/// year that this year's bookings show it.
fn slowdown(ctx: &Ctx) -> NaiveDate {
    add_days(ctx.year_start, -270)
}

/// The owner, sometimes a product specialist and sometimes a referrer, all employed on `day`.
///
/// Struggling sellers are left off other deals once their slowdown starts.
fn booking_parties(
    ctx: &Ctx,
    rep: &RepProfile,
    day: NaiveDate,
    sellers: &[&RepProfile],
    advisers: &[&RepProfile],
    world: &World,
    rng: &mut Rng,
) -> Vec<(usize, &'static str)> {
    let late = day >= slowdown(ctx);
    let employed = |p: &RepProfile| world.people[p.person].hire_date <= day && !(late && p.intervention);
    let mut parties = vec![(rep.person, "owner")];
    if rng.chance(0.4) {
        // Specialists are usually from the seller's own region.
        let same_region = rng.chance(0.7);
        let pool: Vec<usize> = sellers
            .iter()
            .filter(|s| s.person != rep.person && employed(s) && (!same_region || s.team == rep.team))
            .map(|s| s.person)
            .collect();
        if !pool.is_empty() {
            parties.push((*rng.pick(&pool), "product_specialist"));
        }
    }
    if rng.chance(0.15) {
        let pool: Vec<usize> = if rng.chance(1.0 / 3.0) {
            advisers.iter().filter(|a| employed(a)).map(|a| a.person).collect()
        } else {
            sellers
                .iter()
                .filter(|s| employed(s) && parties.iter().all(|(q, _)| *q != s.person))
                .map(|s| s.person)
                .collect()
        };
        if !pool.is_empty() {
            parties.push((*rng.pick(&pool), "referrer"));
        }
    }
    parties
}

/// Quarterly service reviews and regular contact with each institution.
fn client_activities(ctx: &Ctx, rep: &RepProfile, client: usize, world: &mut World, rng: &mut Rng) {
    let from = world.people[rep.person].hire_date.max(ctx.window_start);
    let mut push = |date, kind| {
        world.activities.push(RawActivity { date, person: rep.person, client, deal: None, kind });
    };
    let mut t = add_days(from, rng.int(0, 90));
    while t <= ctx.as_of {
        push(t, ActivityKind::Review);
        t = add_days(t, 91 + rng.int(-10, 10));
    }
    let mut t = add_days(from, rng.exponential(45.0).round() as i64);
    while t <= ctx.as_of {
        let kind = [ActivityKind::Call, ActivityKind::Email, ActivityKind::Meeting][rng.weighted(&[0.4, 0.35, 0.25])];
        push(t, kind);
        t = add_days(t, (rng.exponential(45.0).round() as i64).max(1));
    }
}
