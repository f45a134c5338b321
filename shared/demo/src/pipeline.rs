//! Opportunities: how a deal moves through the stages, slips and closes, and the activity
//! around it, including the deals planted for later features to find.

use crate::dates::{add_days, days_between, quarter_end, random_day};
use crate::rng::Rng;
use crate::world::{Ccy, Ctx, money};
use chrono::NaiveDate;
use plumbline_firm::{ActivityKind, Division, ForecastCategory, OpportunityField, Stage};

/// The open stages in order.
pub(crate) const OPEN_STAGES: [Stage; 4] =
    [Stage::Prospecting, Stage::Qualification, Stage::Proposal, Stage::Negotiation];

/// How long deals of a division take and how they slip.
#[derive(Debug)]
pub(crate) struct StageModel {
    /// Median days spent in each open stage.
    pub median_days: [f64; 4],
    /// Log-scale spread of those durations.
    pub sigma: f64,
    /// Where lost deals are lost, by open stage.
    pub lost_at: [f64; 4],
    /// Median days a close date is pushed by.
    pub push_median_days: f64,
    /// Mean days between activities on an active deal.
    pub activity_gap_days: f64,
    /// Chance a won deal is signed on the quarter's last day when that is near.
    pub quarter_end_pull: f64,
}

/// New-money mandates close in weeks.
const WEALTH_MODEL: StageModel = StageModel {
    median_days: [8.0, 12.0, 14.0, 10.0],
    sigma: 0.5,
    lost_at: [0.25, 0.3, 0.3, 0.15],
    push_median_days: 21.0,
    activity_gap_days: 6.0,
    quarter_end_pull: 0.0,
};

/// Institutional mandates take months and bunch at quarter ends.
const SERVICING_MODEL: StageModel = StageModel {
    median_days: [30.0, 40.0, 50.0, 35.0],
    sigma: 0.45,
    lost_at: [0.3, 0.3, 0.25, 0.15],
    push_median_days: 45.0,
    activity_gap_days: 14.0,
    quarter_end_pull: 0.35,
};

/// The stage model of a division.
pub(crate) fn model(division: Division) -> &'static StageModel {
    match division {
        Division::Wealth => &WEALTH_MODEL,
        Division::AssetServicing => &SERVICING_MODEL,
    }
}

/// A deal planted to be found later.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Plant {
    /// A natural deal.
    None,
    /// Open and untouched in `stage` for `percent`/100 times the stage's median time.
    Stale {
        /// Open stage index.
        stage: usize,
        /// Multiple of the median stage time, in percent.
        percent: u32,
    },
    /// Open with its close date pushed `pushes` times.
    Pushed {
        /// Number of pushes.
        pushes: usize,
    },
}

/// What a deal is, before it is simulated.
#[derive(Debug, Clone)]
pub(crate) struct DealInput {
    /// Owner's person index.
    pub owner: usize,
    /// Client index.
    pub client: usize,
    /// Display name.
    pub name: String,
    /// Product.
    pub product: &'static str,
    /// Initial amount in minor units.
    pub amount: i64,
    /// Rounding unit of amount changes, in minor units.
    pub amount_unit: i64,
    /// Currency.
    pub ccy: Ccy,
    /// Creation date (ignored for planted deals, which choose their own).
    pub created: NaiveDate,
    /// Chance of winning.
    pub win_prob: f64,
    /// The outcome, when the caller has decided it; otherwise drawn from `win_prob`.
    pub outcome: Option<bool>,
    /// The owner states high probabilities and early close dates.
    pub over_optimistic: bool,
    /// Planting, if any.
    pub plant: Plant,
}

/// One history row before ids are given.
#[derive(Debug, Clone)]
pub(crate) struct Change {
    /// When.
    pub date: NaiveDate,
    /// What changed.
    pub field: OpportunityField,
    /// Old value.
    pub from: String,
    /// New value.
    pub to: String,
}

/// A simulated deal as it stands at as-of.
#[derive(Debug, Clone)]
pub(crate) struct Deal {
    /// Owner's person index.
    pub owner: usize,
    /// Client index.
    pub client: usize,
    /// Display name.
    pub name: String,
    /// Product.
    pub product: &'static str,
    /// Currency.
    pub ccy: Ccy,
    /// Creation date.
    pub created: NaiveDate,
    /// Current amount in minor units.
    pub amount: i64,
    /// Current stage.
    pub stage: Stage,
    /// Expected or actual close date.
    pub close_date: NaiveDate,
    /// Stated probability.
    pub probability: u8,
    /// Forecast call.
    pub forecast: ForecastCategory,
    /// History in date order, beginning with the creation row.
    pub changes: Vec<Change>,
    /// Activities on the deal.
    pub activities: Vec<(NaiveDate, ActivityKind)>,
    /// The day it was won, if it was.
    pub won_on: Option<NaiveDate>,
    /// How it was planted.
    pub plant: Plant,
}

/// The stage's lower-case name, as in history rows.
pub(crate) fn stage_name(stage: Stage) -> &'static str {
    match stage {
        Stage::Prospecting => "prospecting",
        Stage::Qualification => "qualification",
        Stage::Proposal => "proposal",
        Stage::Negotiation => "negotiation",
        Stage::ClosedWon => "closed_won",
        Stage::ClosedLost => "closed_lost",
    }
}

/// Simulates a deal; `None` when it closed before the window and so is not part of history.
pub(crate) fn simulate(rng: &mut Rng, ctx: &Ctx, m: &StageModel, input: DealInput) -> Option<Deal> {
    match input.plant {
        Plant::None => natural(rng, ctx, m, input),
        Plant::Stale { stage, percent } => Some(stale(rng, ctx, m, input, stage, percent)),
        Plant::Pushed { pushes } => Some(pushed(rng, ctx, m, input, pushes)),
    }
}

fn durations(rng: &mut Rng, m: &StageModel, n: usize) -> Vec<i64> {
    (0..n).map(|k| (rng.lognormal(m.median_days[k], m.sigma).round() as i64).max(1)).collect()
}

fn entries(created: NaiveDate, durations: &[i64]) -> Vec<NaiveDate> {
    let mut out = vec![created];
    for d in durations {
        out.push(add_days(*out.last().expect("starts non-empty"), *d));
    }
    out
}

/// The close date a rep first writes down: a little optimistic, much more so for some reps.
fn first_estimate(rng: &mut Rng, m: &StageModel, created: NaiveDate, over_optimistic: bool) -> NaiveDate {
    let typical: f64 = m.median_days.iter().sum();
    let factor = if over_optimistic { 0.35 } else { 0.9 };
    add_days(created, ((typical * factor * rng.lognormal(1.0, 0.25)).round() as i64).max(7))
}

fn push_length(rng: &mut Rng, m: &StageModel, over_optimistic: bool) -> i64 {
    // Optimists push often but by a little each time.
    let median = if over_optimistic { m.push_median_days * 0.5 } else { m.push_median_days };
    (rng.lognormal(median, 0.5).round() as i64).max(7)
}

fn stage_change(date: NaiveDate, from: usize, to: Stage) -> Change {
    Change {
        date,
        field: OpportunityField::Stage,
        from: stage_name(OPEN_STAGES[from]).into(),
        to: stage_name(to).into(),
    }
}

fn close_change(date: NaiveDate, from: NaiveDate, to: NaiveDate) -> Change {
    Change { date, field: OpportunityField::CloseDate, from: from.to_string(), to: to.to_string() }
}

fn creation(created: NaiveDate) -> Change {
    Change {
        date: created,
        field: OpportunityField::Stage,
        from: String::new(),
        to: stage_name(Stage::Prospecting).into(),
    }
}

fn activity_kind(rng: &mut Rng) -> ActivityKind {
    [ActivityKind::Call, ActivityKind::Email, ActivityKind::Meeting, ActivityKind::Review]
        [rng.weighted(&[0.35, 0.35, 0.22, 0.08])]
}

/// Activity from `from` to `to`, denser than ordinary client contact.
fn deal_activities(rng: &mut Rng, m: &StageModel, from: NaiveDate, to: NaiveDate) -> Vec<(NaiveDate, ActivityKind)> {
    let mut out = Vec::new();
    let mut t = add_days(from, rng.exponential(m.activity_gap_days * 0.5).round() as i64);
    while t <= to {
        out.push((t, activity_kind(rng)));
        t = add_days(t, (rng.exponential(m.activity_gap_days).round() as i64).max(1));
    }
    out
}

/// A deal still being worked has been touched recently, so only planted deals look stale.
fn keep_warm(rng: &mut Rng, ctx: &Ctx, created: NaiveDate, acts: &mut Vec<(NaiveDate, ActivityKind)>) {
    let recent = ctx.before_as_of(14);
    if acts.last().is_none_or(|(d, _)| *d < recent) {
        acts.push((random_day(rng, created.max(ctx.before_as_of(10)), ctx.as_of), activity_kind(rng)));
    }
}

/// Stated probability and forecast call of an open deal.
fn open_call(rng: &mut Rng, stage: usize, over_optimistic: bool) -> (u8, ForecastCategory) {
    use ForecastCategory::{BestCase, Commit, Pipeline};
    if over_optimistic {
        match stage {
            0 => (30, if rng.chance(0.5) { Commit } else { BestCase }),
            1 => (50, Commit),
            2 => (75, Commit),
            _ => (90, Commit),
        }
    } else {
        match stage {
            0 => (10, Pipeline),
            1 => (25, if rng.chance(0.2) { BestCase } else { Pipeline }),
            2 => (50, if rng.chance(0.7) { BestCase } else { Pipeline }),
            _ => (75, if rng.chance(0.8) { Commit } else { BestCase }),
        }
    }
}

fn sort_changes(changes: &mut [Change]) {
    // Creation first; on a shared day a close-date edit precedes the stage move it came with.
    let rank = |c: &Change| match c.field {
        OpportunityField::Stage if c.from.is_empty() => 0,
        OpportunityField::Amount => 1,
        OpportunityField::CloseDate => 2,
        OpportunityField::Stage => 3,
    };
    changes.sort_by_key(|c| (c.date, rank(c)));
}

fn natural(rng: &mut Rng, ctx: &Ctx, m: &StageModel, input: DealInput) -> Option<Deal> {
    let created = input.created;
    let won = input.outcome.unwrap_or_else(|| rng.chance(input.win_prob));
    let last = if won { 3 } else { rng.weighted(&m.lost_at) };
    let durs = durations(rng, m, last + 1);
    let entry = entries(created, &durs);
    let mut close = entry[last + 1];
    if won && rng.chance(m.quarter_end_pull) {
        let q = quarter_end(close);
        if days_between(close, q) <= 21 {
            close = q;
        }
    }
    if close < ctx.window_start {
        return None;
    }
    let open = close > ctx.as_of;
    let mut changes = vec![creation(created)];
    for (k, date) in entry.iter().enumerate().take(last + 1).skip(1) {
        if *date <= ctx.as_of {
            changes.push(stage_change(*date, k - 1, OPEN_STAGES[k]));
        }
    }

    let mut amount = input.amount;
    if last >= 2 && rng.chance(0.25) {
        let date = add_days(entry[2], rng.int(0, durs[2] / 2));
        let new =
            crate::world::round_to(amount as f64 * rng.uniform(0.75, 1.3), input.amount_unit).max(input.amount_unit);
        if date < close && date <= ctx.as_of && new != amount {
            changes.push(Change {
                date,
                field: OpportunityField::Amount,
                from: money(amount).to_string(),
                to: money(new).to_string(),
            });
            amount = new;
        }
    }

    let mut estimate = first_estimate(rng, m, created, input.over_optimistic);
    let mut pushes = 0;
    while estimate < close {
        let pushed_on = add_days(estimate, rng.int(1, 10));
        if pushed_on >= close || pushed_on > ctx.as_of {
            break;
        }
        let mut new = add_days(pushed_on, push_length(rng, m, input.over_optimistic));
        if open && pushes == 1 {
            // At most two pushes on a natural open deal, so the planted ones are the
            // complete set of thrice-pushed deals.
            new = new.max(add_days(ctx.as_of, rng.int(14, 90)));
        }
        changes.push(close_change(pushed_on, estimate, new));
        estimate = new;
        pushes += 1;
    }

    let (stage, close_date, probability, forecast) = if open {
        let stage = (0..=last).rev().find(|k| entry[*k] <= ctx.as_of).unwrap_or(0);
        let (p, f) = open_call(rng, stage, input.over_optimistic);
        (OPEN_STAGES[stage], estimate, p, f)
    } else {
        if estimate != close {
            changes.push(close_change(close, estimate, close));
        }
        let end = if won { Stage::ClosedWon } else { Stage::ClosedLost };
        changes.push(stage_change(close, last, end));
        if won { (end, close, 100, ForecastCategory::Commit) } else { (end, close, 0, ForecastCategory::Pipeline) }
    };
    sort_changes(&mut changes);

    let mut activities = deal_activities(rng, m, created, close.min(ctx.as_of));
    if open {
        keep_warm(rng, ctx, created, &mut activities);
    }
    Some(Deal {
        owner: input.owner,
        client: input.client,
        name: input.name,
        product: input.product,
        ccy: input.ccy,
        created,
        amount,
        stage,
        close_date,
        probability,
        forecast,
        changes,
        activities,
        won_on: (won && !open).then_some(close),
        plant: Plant::None,
    })
}

fn stale(rng: &mut Rng, ctx: &Ctx, m: &StageModel, input: DealInput, stage: usize, percent: u32) -> Deal {
    let since = ctx.before_as_of((m.median_days[stage] * f64::from(percent) / 100.0).round() as i64);
    let durs = durations(rng, m, stage);
    let created = add_days(since, -durs.iter().sum::<i64>());
    let entry = entries(created, &durs);
    let mut changes = vec![creation(created)];
    for (k, date) in entry.iter().enumerate().skip(1) {
        changes.push(stage_change(*date, k - 1, OPEN_STAGES[k]));
    }
    // Ordinary slips happen before the deal goes quiet; nothing changes after.
    let mut estimate = first_estimate(rng, m, created, false);
    for _ in 0..2 {
        let pushed_on = add_days(estimate, rng.int(1, 10));
        if pushed_on >= since {
            break;
        }
        let new = add_days(pushed_on, push_length(rng, m, false));
        changes.push(close_change(pushed_on, estimate, new));
        estimate = new;
    }
    sort_changes(&mut changes);
    let activities = deal_activities(rng, m, created, since);
    let call = open_call(rng, stage, false);
    open_deal(input, created, stage, estimate, changes, activities, call)
}

fn pushed(rng: &mut Rng, ctx: &Ctx, m: &StageModel, input: DealInput, pushes: usize) -> Deal {
    let cycle: f64 = m.median_days.iter().sum();
    let age = ((cycle * rng.uniform(1.3, 2.1)).round() as i64).max(25 * pushes as i64 + 30);
    let created = ctx.before_as_of(age);
    let durs = durations(rng, m, 4);
    let entry = entries(created, &durs);
    let mut changes = vec![creation(created)];
    let mut stage = 0;
    for (k, date) in entry.iter().enumerate().take(4).skip(1) {
        if *date <= ctx.as_of {
            changes.push(stage_change(*date, k - 1, OPEN_STAGES[k]));
            stage = k;
        }
    }
    // Push days spread over the deal's life, each after the date it moved had passed.
    let lo = add_days(created, age / 4);
    let span = days_between(lo, ctx.before_as_of(5));
    let step = span / pushes as i64;
    let days: Vec<NaiveDate> =
        (0..pushes).map(|i| add_days(lo, step * i as i64 + step / 2 + rng.int(-step / 5, step / 5))).collect();
    // A lag of at most a third of the spacing keeps every push moving the date later.
    let max_lag = (step / 3).clamp(1, 7);
    let mut estimate = add_days(days[0], -rng.int(1, max_lag));
    for (i, day) in days.iter().enumerate() {
        let new = if i + 1 < pushes {
            add_days(days[i + 1], -rng.int(1, max_lag))
        } else {
            add_days(ctx.as_of, rng.int(14, 75))
        };
        changes.push(close_change(*day, estimate, new));
        estimate = new;
    }
    sort_changes(&mut changes);
    let mut activities = deal_activities(rng, m, created, ctx.as_of);
    keep_warm(rng, ctx, created, &mut activities);
    let call = open_call(rng, stage, false);
    open_deal(input, created, stage, estimate, changes, activities, call)
}

/// A planted deal still open on the demo date, at its original amount.
fn open_deal(
    input: DealInput,
    created: NaiveDate,
    stage: usize,
    close_date: NaiveDate,
    changes: Vec<Change>,
    activities: Vec<(NaiveDate, ActivityKind)>,
    (probability, forecast): (u8, ForecastCategory),
) -> Deal {
    Deal {
        owner: input.owner,
        client: input.client,
        name: input.name,
        product: input.product,
        ccy: input.ccy,
        created,
        amount: input.amount,
        stage: OPEN_STAGES[stage],
        close_date,
        probability,
        forecast,
        changes,
        activities,
        won_on: None,
        plant: input.plant,
    }
}
