//! The wealth division: advisers' client books, month-end AUM, flows, fees and mandates.

use crate::dates::{add_days, random_day, ymd};
use crate::names::{NameBook, household, hyphen_slug};
use crate::org::{Org, RepProfile};
use crate::pipeline::{self, Deal, DealInput, Plant};
use crate::rng::Rng;
use crate::world::{Ccy, Ctx, RawActivity, RawFlow, RawTxn, World, money, round_to};
use chrono::{Datelike, NaiveDate};
use plumbline_engine::TxnKind;
use plumbline_firm::{ActivityKind, AumSnapshot, Client, Division, FlowDirection};

/// A client segment and how its assets are drawn.
#[derive(Debug, Clone, Copy)]
struct Segment {
    name: &'static str,
    weight: f64,
    median_aum: f64,
    sigma: f64,
    /// Annual fee rates in basis points, one chosen per client.
    bps: &'static [i64],
    /// Relative chance of being the subject of an opportunity.
    deal_weight: f64,
    /// Days between portfolio reviews.
    review_days: i64,
}

const SEGMENTS: [Segment; 3] = [
    Segment {
        name: "affluent",
        weight: 0.6,
        median_aum: 400e3,
        sigma: 0.45,
        bps: &[90, 100],
        deal_weight: 1.0,
        review_days: 365,
    },
    Segment {
        name: "hnw",
        weight: 0.32,
        median_aum: 3e6,
        sigma: 0.5,
        bps: &[80, 85, 90],
        deal_weight: 1.5,
        review_days: 182,
    },
    Segment {
        name: "uhnw",
        weight: 0.08,
        median_aum: 25e6,
        sigma: 0.5,
        bps: &[70, 75],
        deal_weight: 2.0,
        review_days: 182,
    },
];

/// New-money mandate products: name, weight and median size as a share of the client's assets.
const PRODUCTS: [(&str, f64, f64); 5] = [
    ("Discretionary Portfolio", 0.35, 0.1),
    ("Pension Transfer", 0.25, 0.06),
    ("Inheritance Tax Planning", 0.15, 0.08),
    ("ISA Top-up", 0.15, 0.0),
    ("Retirement Income Planning", 0.10, 0.05),
];

/// Opportunities an adviser opens in a year.
const DEALS_PER_YEAR: f64 = 16.0;

/// One client of an adviser's book while it is simulated.
#[derive(Debug)]
struct BookClient {
    idx: usize,
    segment: Segment,
    /// Assets when the client joined or at the window's start, in pence.
    initial: i64,
    since: NaiveDate,
    joins_in_window: bool,
    leave: Option<NaiveDate>,
    bps: i64,
    /// Legacy holdings paying trail commission, in pence (0 for none).
    trail_holding: i64,
    specialist: Option<usize>,
    service: &'static str,
    /// Won mandates funding on their close dates.
    inflows: Vec<(NaiveDate, i64, &'static str)>,
}

impl BookClient {
    fn active_until(&self, date: NaiveDate) -> bool {
        self.leave.is_none_or(|l| l > date)
    }
}

/// Generates every wealth adviser's book into `world`.
pub(crate) fn simulate(ctx: &Ctx, org: &Org, world: &mut World, names: &mut NameBook) {
    let advisers: Vec<&RepProfile> = org.division(Division::Wealth).collect();
    for rep in &advisers {
        let mut rng = ctx.rng("wealth-book", rep.person);
        let specialists: Vec<usize> =
            advisers.iter().filter(|r| r.team != rep.team && !r.new_hire).map(|r| r.person).collect();
        let mut book = build_book(ctx, rep, world, names, &specialists, &mut rng);
        let deals = deals_for(ctx, org, rep, world, &mut book, &mut rng);
        for deal in deals {
            if let Some(day) = deal.won_on
                && let Some(c) = book.iter_mut().find(|c| c.idx == deal.client)
            {
                c.inflows.push((day, deal.amount, deal.product));
            }
            world.deals.push(deal);
        }
        for client in &book {
            simulate_client(ctx, rep, client, world, &mut rng);
            client_activities(ctx, rep, client, world, &mut rng);
        }
        if !rep.new_hire {
            // The first plan year's quota is set from the book as it stood, before the year's
            // flows were known.
            let modelled: i64 = book
                .iter()
                .filter(|c| !c.joins_in_window)
                .map(|c| c.initial as i128 * c.bps as i128 / 10_000)
                .sum::<i128>() as i64;
            world.modelled_revenue.insert(rep.person, (modelled as f64 * rng.uniform(1.02, 1.1)) as i64);
        }
    }
}

fn draw_segment(rng: &mut Rng) -> Segment {
    SEGMENTS[rng.weighted(&SEGMENTS.map(|s| s.weight))]
}

fn build_book(
    ctx: &Ctx,
    rep: &RepProfile,
    world: &mut World,
    names: &mut NameBook,
    specialists: &[usize],
    rng: &mut Rng,
) -> Vec<BookClient> {
    let person = &world.people[rep.person];
    let hire = person.hire_date;
    let region = person.region.clone();
    let owner_id = person.id.clone();
    // (since, joins in window) per client.
    let mut plan: Vec<(NaiveDate, bool)> = Vec::new();
    if rep.new_hire {
        // A joining adviser brings clients over in the months after starting.
        let hi = add_days(hire, 150).min(ctx.before_as_of(3));
        for _ in 0..rng.int(10, 16) {
            plan.push((random_day(rng, add_days(hire, 10), hi), true));
        }
    } else {
        let existing = rng.int(19, 34);
        let lo = hire.max(ymd(2004, 1, 1));
        for _ in 0..existing {
            plan.push((random_day(rng, lo, add_days(ctx.window_start, -1)), false));
        }
        let joiners = (rng.poisson(2.5) as i64).min(40 - existing);
        for _ in 0..joiners {
            plan.push((random_day(rng, ctx.window_start, ctx.before_as_of(5)), true));
        }
    }
    plan.sort();

    let mut book = Vec::new();
    for (since, joins) in plan {
        let segment = draw_segment(rng);
        let initial = round_to(rng.lognormal(segment.median_aum, segment.sigma) * 100.0, 10_000);
        let name = household(rng, names);
        let idx = world.add_client(Client {
            id: String::new(),
            domain: format!("{}.example", hyphen_slug(&name)),
            name,
            division: Division::Wealth,
            segment: segment.name.to_string(),
            owner_id: owner_id.clone(),
            region: region.clone(),
            since,
            wallet_estimate: money(round_to(initial as f64 * rng.uniform(1.3, 2.0), 100_000)),
            currency: Ccy::Gbp.currency(),
        });
        let leave =
            (!joins && rng.chance(0.07)).then(|| random_day(rng, add_days(ctx.window_start, 15), ctx.before_as_of(1)));
        let trail_holding =
            if !joins && rng.chance(0.12) { round_to(initial as f64 * rng.uniform(0.05, 0.2), 100) } else { 0 };
        let specialist = (rng.chance(0.1) && !specialists.is_empty()).then(|| *rng.pick(specialists));
        book.push(BookClient {
            idx,
            segment,
            initial,
            since,
            joins_in_window: joins,
            leave,
            bps: *rng.pick(segment.bps),
            trail_holding,
            specialist,
            service: if rng.chance(0.7) { "Discretionary Management" } else { "Advisory Service" },
            inflows: Vec::new(),
        });
    }

    if rep.intervention {
        // The adviser's largest relationships leave early in the current year.
        let mut by_size: Vec<usize> = (0..book.len()).filter(|i| !book[*i].joins_in_window).collect();
        by_size.sort_by_key(|i| std::cmp::Reverse(book[*i].initial));
        let hi = add_days(ctx.year_start, 110).min(ctx.before_as_of(1));
        for &i in by_size.iter().take(3) {
            book[i].leave = Some(random_day(rng, add_days(ctx.year_start, 10).min(hi), hi));
        }
    }
    book
}

fn deals_for(
    ctx: &Ctx,
    org: &Org,
    rep: &RepProfile,
    world: &World,
    book: &mut [BookClient],
    rng: &mut Rng,
) -> Vec<Deal> {
    let hire = world.people[rep.person].hire_date;
    let start = if rep.new_hire { add_days(hire, 30) } else { add_days(hire, 14).max(add_days(ctx.window_start, -75)) };
    // Struggling advisers stop generating new business well before the current year.
    let slowdown = add_days(ctx.year_start, -120);
    // Optimists chase more deals than they convert.
    let per_year = if rep.over_optimistic { DEALS_PER_YEAR * 1.6 } else { DEALS_PER_YEAR };
    let mut days = Vec::new();
    let mut t = start;
    loop {
        t = add_days(t, (rng.exponential(365.0 / per_year).round() as i64).max(1));
        if t > ctx.before_as_of(2) {
            break;
        }
        if rep.intervention && t >= slowdown && !rng.chance(0.25) {
            continue;
        }
        days.push(t);
    }
    if rep.over_optimistic {
        // Fresh deals, so an optimist's open pipeline is never empty for the forecast to overstate.
        days.extend((0..2).map(|_| random_day(rng, ctx.before_as_of(20), ctx.before_as_of(3))));
    }
    let mut out = Vec::new();
    for t in days {
        // Mandates are with clients who are staying: a client about to leave is not adding money.
        let eligible: Vec<usize> =
            (0..book.len()).filter(|i| book[*i].since <= t && book[*i].active_until(add_days(t, 365))).collect();
        if eligible.is_empty() {
            continue;
        }
        let weights: Vec<f64> = eligible.iter().map(|i| book[*i].segment.deal_weight).collect();
        let client = &book[eligible[rng.weighted(&weights)]];
        let mut input = deal_input(rep, client, t, world, rng, Plant::None);
        if rep.intervention && t >= slowdown {
            // What little new business a struggling adviser finds is small.
            input.product = "ISA Top-up";
            input.name = format!("ISA Top-up - {}", world.clients[client.idx].name);
            input.amount = 2_000_000;
        }
        if let Some(deal) = pipeline::simulate(rng, ctx, pipeline::model(rep.division), input) {
            out.push(deal);
        }
    }

    // Planted deals sit with long-standing clients who stay.
    let mut steady: Vec<usize> =
        (0..book.len()).filter(|i| !book[*i].joins_in_window && book[*i].leave.is_none()).collect();
    if steady.is_empty() {
        steady = (0..book.len()).collect();
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
        let client = &book[*rng.pick(&steady)];
        let input = deal_input(rep, client, ctx.as_of, world, rng, plant);
        out.extend(pipeline::simulate(rng, ctx, pipeline::model(rep.division), input));
    }
    out
}

fn deal_input(
    rep: &RepProfile,
    client: &BookClient,
    created: NaiveDate,
    world: &World,
    rng: &mut Rng,
    plant: Plant,
) -> DealInput {
    let (product, _, share) = PRODUCTS[rng.weighted(&PRODUCTS.map(|p| p.1))];
    let pounds = if share == 0.0 {
        // An ISA allowance for one or two people.
        if rng.chance(0.5) { 20e3 } else { 40e3 }
    } else {
        (client.initial as f64 / 100.0 * rng.lognormal(share, 0.6)).max(20e3)
    };
    DealInput {
        owner: rep.person,
        client: client.idx,
        name: format!("{product} - {}", world.clients[client.idx].name),
        product,
        amount: round_to(pounds * 100.0, 100_000),
        amount_unit: 100_000,
        ccy: Ccy::Gbp,
        created,
        win_prob: rep.win_prob,
        outcome: None,
        over_optimistic: rep.over_optimistic,
        plant,
    }
}

/// Parties credited on a client's fee revenue and flows.
fn parties(rep: &RepProfile, client: &BookClient) -> Vec<(usize, &'static str)> {
    let mut p = vec![(rep.person, "owner")];
    if let Some(s) = client.specialist {
        p.push((s, "specialist"));
    }
    p
}

/// Month by month: market movement, flows, month-end value, fee and trail.
fn simulate_client(ctx: &Ctx, rep: &RepProfile, c: &BookClient, world: &mut World, rng: &mut Rng) {
    let parties = parties(rep, c);
    let flow = |world: &mut World, date, direction, cents: i64, product| {
        world.flows.push(RawFlow { date, client: c.idx, direction, cents, product, parties: parties.clone() });
    };
    let mut aum: i64 = if c.joins_in_window { 0 } else { c.initial };
    let mut joined = !c.joins_in_window;
    for (mi, month) in ctx.months.iter().enumerate() {
        let last_day = month.end.min(ctx.as_of);
        if !joined {
            if c.since > last_day {
                continue;
            }
            joined = true;
            aum = c.initial;
            flow(world, c.since, FlowDirection::In, c.initial, Some("Transfer In"));
        }
        let r = ctx.market[mi] + 0.008 * rng.normal();
        aum = (aum as f64 * (1.0 + r)).round() as i64;
        let first_day = month.start.max(c.since);
        if rng.chance(0.05) {
            let cents = round_to(rng.lognormal(aum as f64 * 0.06, 0.8).max(500_000.0), 10_000);
            flow(world, random_day(rng, first_day, last_day), FlowDirection::In, cents, None);
            aum += cents;
        }
        if rng.chance(0.045) {
            let cents = round_to(rng.lognormal(aum as f64 * 0.06, 0.7).min(aum as f64 * 0.5), 10_000);
            if cents > 0 {
                flow(world, random_day(rng, first_day, last_day), FlowDirection::Out, cents, None);
                aum -= cents;
            }
        }
        for (day, cents, product) in &c.inflows {
            if *day >= month.start && *day <= last_day {
                flow(world, *day, FlowDirection::In, *cents, Some(*product));
                aum += cents;
            }
        }
        let leaving = c.leave.filter(|l| *l >= month.start && *l <= last_day);
        if let Some(day) = leaving {
            flow(world, day, FlowDirection::Out, aum, Some("Transfer Out"));
            aum = 0;
        }
        if month.partial {
            break;
        }
        world.aum.push(AumSnapshot {
            client_id: world.clients[c.idx].id.clone(),
            date: month.end,
            aum: money(aum),
            currency: Ccy::Gbp.currency(),
        });
        if aum > 0 {
            world.txns.push(RawTxn {
                date: month.end,
                kind: TxnKind::FeeRevenue,
                cents: fee(aum, c.bps, 12),
                ccy: Ccy::Gbp,
                product: Some(c.service),
                client: c.idx,
                parties: parties.clone(),
            });
            if c.trail_holding > 0 && month.end.month() % 3 == 0 {
                world.txns.push(RawTxn {
                    date: month.end,
                    kind: TxnKind::Trail,
                    cents: fee(c.trail_holding, 50, 4),
                    ccy: Ccy::Gbp,
                    product: Some("Legacy Pension Trail"),
                    client: c.idx,
                    parties: vec![(rep.person, "owner")],
                });
            }
        }
        if leaving.is_some() {
            break;
        }
    }
}

/// `cents` x `bps` / 10,000 / `periods`, rounded half away from zero in integers so no float
/// touches the fee.
fn fee(cents: i64, bps: i64, periods: i64) -> i64 {
    let den = 10_000 * periods as i128;
    ((cents as i128 * bps as i128 * 2 + den) / (2 * den)) as i64
}

/// Reviews on a cycle and ordinary contact in between, while the client is with the firm.
fn client_activities(ctx: &Ctx, rep: &RepProfile, c: &BookClient, world: &mut World, rng: &mut Rng) {
    let from = c.since.max(ctx.window_start);
    let to = c.leave.unwrap_or(ctx.as_of).min(ctx.as_of);
    let push = |world: &mut World, date, kind| {
        world.activities.push(RawActivity { date, person: rep.person, client: c.idx, deal: None, kind });
    };
    let cycle = c.segment.review_days;
    let mut t = add_days(from, rng.int(0, cycle - 1));
    while t <= to {
        push(world, t, ActivityKind::Review);
        t = add_days(t, cycle + rng.int(-14, 14));
    }
    let gap = if c.segment.name == "affluent" { 50.0 } else { 30.0 };
    let mut t = add_days(from, rng.exponential(gap).round() as i64);
    while t <= to {
        let kind = [ActivityKind::Call, ActivityKind::Email, ActivityKind::Meeting][rng.weighted(&[0.45, 0.45, 0.1])];
        push(world, t, kind);
        t = add_days(t, (rng.exponential(gap).round() as i64).max(1));
    }
}

#[cfg(test)]
mod tests {
    use super::fee;

    #[test]
    fn fee_rounds_half_away_from_zero_in_pence() {
        // £1,000,000.00 at 85 bps a year is £8,500, so £708.333... a month.
        assert_eq!(fee(100_000_000, 85, 12), 70_833);
        // 150 pence at 100 bps over 12 periods is 0.125 pence: rounds to 0.
        assert_eq!(fee(150, 100, 12), 0);
        assert_eq!(fee(600, 100, 12), 1); // 0.5 pence rounds up
    }
}
