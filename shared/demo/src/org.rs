//! The organisation: leadership, functions, teams, managers and sellers.

use crate::dates::{add_days, random_day, ymd};
use crate::names::{NameBook, slug};
use crate::rng::Rng;
use crate::world::{Ccy, Ctx, World, money, round_to};
use chrono::NaiveDate;
use plumbline_firm::{Division, Role, Team};

/// The e-mail domain of the firm.
pub(crate) const EMAIL_DOMAIN: &str = "harrowlyle.example";

/// The firm's name.
pub(crate) const FIRM_NAME: &str = "Harrow & Lyle";

/// Wealth offices: team name and region.
const WEALTH_TEAMS: [(&str, &str); 5] = [
    ("London City", "London"),
    ("London West End", "London"),
    ("Edinburgh", "Scotland"),
    ("Manchester", "North West"),
    ("Bristol", "South West"),
];

/// Asset-servicing regions and the range of their head count.
const SERVICING_REGIONS: [(&str, i64, i64); 4] =
    [("North America", 64, 72), ("EMEA", 58, 66), ("APAC", 40, 46), ("LatAm", 22, 26)];

const SERVICING_TITLES: &[&str] = &[
    "Relationship Manager, Custody",
    "Director, Fund Administration Sales",
    "Vice President, Depositary Services",
    "Sales Director, Securities Lending",
    "Relationship Manager, Middle Office Solutions",
    "Director, Institutional Client Coverage",
];

/// How a seller sells: the hidden parameters behind their numbers.
#[derive(Debug, Clone)]
pub(crate) struct RepProfile {
    /// Person index.
    pub person: usize,
    /// Division.
    pub division: Division,
    /// Team index.
    pub team: usize,
    /// Probability an opportunity is won.
    pub win_prob: f64,
    /// Expected annual bookings in dollars (asset servicing only).
    pub capacity: f64,
    /// Joined during the current plan year and is ramping.
    pub new_hire: bool,
    /// States probabilities far above their record and lets close dates slip.
    pub over_optimistic: bool,
    /// Falling behind: a shrinking book or pipeline this year.
    pub intervention: bool,
}

/// Opportunities to plant for a rep, beyond their natural pipeline.
#[derive(Debug, Clone, Default)]
pub(crate) struct DealPlants {
    /// (person index, open stage index 0-3, stale multiple in percent of the stage's median time).
    pub stale: Vec<(usize, usize, u32)>,
    /// (person index, number of close-date pushes).
    pub pushed: Vec<(usize, usize)>,
}

/// People, teams and each seller's profile.
#[derive(Debug)]
pub(crate) struct Org {
    /// Seller profiles in person order.
    pub reps: Vec<RepProfile>,
    /// Planted opportunities to generate.
    pub plants: DealPlants,
}

impl Org {
    /// Sellers of one division.
    pub(crate) fn division(&self, division: Division) -> impl Iterator<Item = &RepProfile> {
        self.reps.iter().filter(move |r| r.division == division)
    }
}

struct PersonSpec<'a> {
    role: Role,
    title: &'a str,
    division: Option<Division>,
    team: Option<usize>,
    manager: Option<usize>,
    region: &'a str,
    hire: NaiveDate,
    pay: (f64, f64),
    ccy: Ccy,
    regulated: bool,
}

fn add_person(world: &mut World, rng: &mut Rng, names: &mut NameBook, spec: PersonSpec) -> usize {
    let (first, last) = names.person(rng);
    let idx = world.people.len();
    let pay = round_to(rng.uniform(spec.pay.0, spec.pay.1) * 100.0, 50_000);
    world.people.push(plumbline_firm::Person {
        id: format!("P{:04}", idx + 1),
        name: format!("{first} {last}"),
        email: format!("{}.{}@{EMAIL_DOMAIN}", slug(&first), slug(&last)),
        role: spec.role,
        title: spec.title.to_string(),
        division: spec.division,
        team_id: spec.team.map(team_id),
        manager_id: spec.manager.map(|m| format!("P{:04}", m + 1)),
        region: spec.region.to_string(),
        hire_date: spec.hire,
        fixed_pay: money(pay),
        currency: spec.ccy.currency(),
        regulated: spec.regulated,
    });
    idx
}

/// Team ids: wealth offices first (`T-WM-1`..), then servicing regions (`T-AS-1`..).
fn team_id(team: usize) -> String {
    if team < WEALTH_TEAMS.len() {
        format!("T-WM-{}", team + 1)
    } else {
        format!("T-AS-{}", team - WEALTH_TEAMS.len() + 1)
    }
}

/// Builds people and teams into `world` and returns the sellers' profiles.
pub(crate) fn build(ctx: &Ctx, world: &mut World) -> Org {
    let mut rng = ctx.rng("org", 0);
    let mut names = NameBook::default();
    let veteran = |rng: &mut Rng| random_day(rng, ymd(2003, 1, 1), ymd(2018, 12, 31));
    let staff = |role, title, manager, pay, hire| PersonSpec {
        role,
        title,
        division: None,
        team: None,
        manager,
        region: "London",
        hire,
        pay,
        ccy: Ccy::Gbp,
        regulated: false,
    };

    // Head office, each hired long ago; the closure ends before the sellers use `rng` again.
    let mut head_office = |role, title, manager, pay| {
        let hired = veteran(&mut rng);
        add_person(world, &mut rng, &mut names, staff(role, title, manager, pay, hired))
    };
    let ceo = head_office(Role::Leadership, "Chief Executive Officer", None, (420e3, 480e3));
    let hod = head_office(Role::Leadership, "Head of Distribution", Some(ceo), (280e3, 320e3));
    head_office(Role::Designer, "Head of Reward and Incentive Design", Some(hod), (90e3, 110e3));
    head_office(Role::Compliance, "Head of Compliance", Some(ceo), (115e3, 135e3));
    head_office(Role::Admin, "Sales Operations Administrator", Some(hod), (50e3, 60e3));

    // Managers, then one team record per manager.
    let mut managers = Vec::new();
    for (t, (office, region)) in WEALTH_TEAMS.iter().enumerate() {
        let hire = veteran(&mut rng);
        let title = format!("Head of Private Clients, {office}");
        let m = add_person(
            world,
            &mut rng,
            &mut names,
            PersonSpec {
                role: Role::Manager,
                title: &title,
                division: Some(Division::Wealth),
                team: Some(t),
                manager: Some(hod),
                region,
                hire,
                pay: (150e3, 190e3),
                ccy: Ccy::Gbp,
                regulated: true,
            },
        );
        managers.push(m);
        world.teams.push(Team {
            id: team_id(t),
            name: office.to_string(),
            division: Division::Wealth,
            region: region.to_string(),
            manager_id: world.people[m].id.clone(),
        });
    }
    for (r, (region, _, _)) in SERVICING_REGIONS.iter().enumerate() {
        let t = WEALTH_TEAMS.len() + r;
        let hire = veteran(&mut rng);
        let title = format!("Head of Asset Servicing Sales, {region}");
        let m = add_person(
            world,
            &mut rng,
            &mut names,
            PersonSpec {
                role: Role::Manager,
                title: &title,
                division: Some(Division::AssetServicing),
                team: Some(t),
                manager: Some(hod),
                region,
                hire,
                pay: (250e3, 320e3),
                ccy: Ccy::Usd,
                regulated: false,
            },
        );
        managers.push(m);
        world.teams.push(Team {
            id: team_id(t),
            name: format!("Asset Servicing {region}"),
            division: Division::AssetServicing,
            region: region.to_string(),
            manager_id: world.people[m].id.clone(),
        });
    }

    // Team sizes, and which teams take this year's new joiners (two wealth, one servicing).
    let wealth_sizes: Vec<i64> = WEALTH_TEAMS.iter().map(|_| rng.int(9, 11)).collect();
    let servicing_sizes: Vec<i64> = SERVICING_REGIONS.iter().map(|(_, lo, hi)| rng.int(*lo, *hi)).collect();
    let mut wealth_order: Vec<usize> = (0..WEALTH_TEAMS.len()).collect();
    rng.shuffle(&mut wealth_order);
    let new_hire_teams = [wealth_order[0], wealth_order[1], WEALTH_TEAMS.len() + rng.below(SERVICING_REGIONS.len())];
    let (hire_lo, hire_hi) = new_hire_window(ctx);
    let mut new_hire_dates: Vec<NaiveDate> = (0..3).map(|_| random_day(&mut rng, hire_lo, hire_hi)).collect();
    new_hire_dates.sort();

    let mut reps = Vec::new();
    let latest_veteran_hire = add_days(ctx.window_start, -45);
    for (t, size) in wealth_sizes.iter().chain(servicing_sizes.iter()).enumerate() {
        let wealth = t < WEALTH_TEAMS.len();
        let region = if wealth { WEALTH_TEAMS[t].1 } else { SERVICING_REGIONS[t - WEALTH_TEAMS.len()].0 };
        for i in 0..*size {
            // The last seat of a team taking a joiner is filled this year.
            let new_hire_slot = new_hire_teams.iter().position(|nt| *nt == t).filter(|_| i == size - 1);
            let hire = match new_hire_slot {
                Some(k) => new_hire_dates[k],
                None => random_day(&mut rng, ymd(2006, 1, 1), latest_veteran_hire),
            };
            let tenure_years = (ctx.as_of - hire).num_days() as f64 / 365.25;
            let (title, pay, ccy, division) = if wealth {
                let (title, pay) = if tenure_years > 12.0 {
                    ("Senior Wealth Adviser", (110e3, 140e3))
                } else if tenure_years > 5.0 {
                    (if rng.chance(0.3) { "Chartered Financial Planner" } else { "Wealth Adviser" }, (85e3, 115e3))
                } else {
                    ("Associate Wealth Adviser", (70e3, 90e3))
                };
                (title.to_string(), pay, Ccy::Gbp, Division::Wealth)
            } else {
                let title = if tenure_years > 12.0 && rng.chance(0.4) {
                    "Managing Director, Institutional Sales"
                } else {
                    rng.pick(SERVICING_TITLES)
                };
                let pay = if tenure_years > 10.0 { (160e3, 220e3) } else { (110e3, 170e3) };
                (title.to_string(), pay, Ccy::Usd, Division::AssetServicing)
            };
            let person = add_person(
                world,
                &mut rng,
                &mut names,
                PersonSpec {
                    role: Role::Rep,
                    title: &title,
                    division: Some(division),
                    team: Some(t),
                    manager: Some(managers[t]),
                    region,
                    hire,
                    pay,
                    ccy,
                    regulated: wealth,
                },
            );
            let capacity = if wealth { 0.0 } else { rng.lognormal(1.75e6, 0.25).clamp(1.1e6, 2.9e6) };
            reps.push(RepProfile {
                person,
                division,
                team: t,
                win_prob: rng.uniform(0.30, 0.45),
                capacity,
                new_hire: new_hire_slot.is_some(),
                over_optimistic: false,
                intervention: false,
            });
        }
    }

    let plants = plant_reps(ctx, &mut reps);
    Org { reps, plants }
}

/// Hire dates for this year's joiners: early enough to have some history by as-of.
fn new_hire_window(ctx: &Ctx) -> (NaiveDate, NaiveDate) {
    let hi = ctx.before_as_of(60);
    let lo = add_days(ctx.year_start, 14);
    if hi > add_days(lo, 30) { (lo, hi) } else { (ctx.before_as_of(240), ctx.before_as_of(60)) }
}

/// Marks the over-optimistic and struggling sellers and chooses owners of planted deals.
fn plant_reps(ctx: &Ctx, reps: &mut [RepProfile]) -> DealPlants {
    let mut rng = ctx.rng("planted-reps", 0);
    let pool = |division: Division, rng: &mut Rng| {
        let mut idx: Vec<usize> =
            reps.iter().enumerate().filter(|(_, r)| r.division == division && !r.new_hire).map(|(i, _)| i).collect();
        rng.shuffle(&mut idx);
        idx
    };
    let wealth = pool(Division::Wealth, &mut rng);
    let servicing = pool(Division::AssetServicing, &mut rng);
    // Disjoint slices of a shuffled pool: over-optimistic, then intervention, then deal owners.
    for &i in wealth[..1].iter().chain(&servicing[..2]) {
        reps[i].over_optimistic = true;
        reps[i].win_prob = rng.uniform(0.14, 0.2);
    }
    for &i in wealth[1..3].iter().chain(&servicing[2..5]) {
        reps[i].intervention = true;
    }
    let mut plants = DealPlants::default();
    let stale_owners = wealth[3..8].iter().chain(&servicing[5..12]);
    for (k, &i) in stale_owners.enumerate() {
        // Mostly mid-funnel deals, which is where stalls happen.
        let stage = [1, 2, 3, 2, 1, 0][k % 6];
        plants.stale.push((reps[i].person, stage, rng.int(360, 500) as u32));
    }
    let pushed_owners = wealth[8..14].iter().chain(&servicing[12..21]);
    for &i in pushed_owners {
        plants.pushed.push((reps[i].person, rng.int(3, 5) as usize));
    }
    plants
}
