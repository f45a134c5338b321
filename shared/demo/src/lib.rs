//! A realistic demo firm, generated deterministically from a seed.
//!
//! [`generate`] builds a UK wealth-and-asset-servicing group ("Harrow & Lyle") with two years of
//! history: people and teams, client books with month-end AUM and flows, fee revenue and
//! bookings, pipelines with their full history, activity, conduct events, quotas, plans and
//! assignments. Some patterns are planted on purpose and listed in [`Planted`], so features
//! that look for them (stale deals, slipping close dates, optimistic forecasts, reps needing
//! help) can be tested against known answers. [`to_files`] renders the firm as CSV and JSON.
//!
//! Same seed and as-of date, same bytes: every random draw comes from our own generator in
//! named streams, and nothing iterates a hash map.

mod assemble;
mod comp;
mod conduct;
mod dates;
mod files;
mod names;
mod org;
mod pipeline;
mod regulation;
mod rng;
mod servicing;
mod wealth;
mod world;

#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use plumbline_firm::Firm;
use serde::{Deserialize, Serialize};

pub use files::to_files;
pub use regulation::{
    DEMO_DEFERRAL_PACK, DemoRegulation, PlantedClawback, ledger_until, regulated_inputs, regulated_plan, regulation,
};

/// The seed used when none is given.
pub const DEFAULT_SEED: u64 = 7;
/// The demo firm's "today" when none is given: fixed, so the same seed always gives the same files.
pub const DEFAULT_AS_OF: &str = "2026-11-20";

/// What to generate: the seed and the firm's "today".
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DemoOptions {
    /// Seed of every random draw.
    pub seed: u64,
    /// The as-of date; history covers the 24 calendar months ending with its month.
    pub as_of: NaiveDate,
}

impl Default for DemoOptions {
    fn default() -> Self {
        DemoOptions { seed: DEFAULT_SEED, as_of: DEFAULT_AS_OF.parse().expect("DEFAULT_AS_OF is a valid date") }
    }
}

/// Ground truth about patterns planted in the firm, for tests of the features that find them.
///
/// Every list is sorted.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct Planted {
    /// Open opportunities with no history change and no activity for 3.6-5 times their division's
    /// median time in the current stage. No other open opportunity goes 3 times that long
    /// without either.
    pub stale_opportunities: Vec<String>,
    /// Open opportunities whose close date moved 3 to 5 times; exactly the open ones moved 3+ times.
    pub pushed_opportunities: Vec<String>,
    /// Reps whose stated probabilities and commit calls far exceed their historical win rate
    /// (under 25%), and whose close dates slip more than their peers'.
    pub over_optimistic_reps: Vec<String>,
    /// Reps with low year-to-date attainment against quota and a thin open pipeline, some with a
    /// conduct event this year.
    pub intervention_candidates: Vec<String>,
    /// Reps with a compliance event in the current plan year up to the as-of date.
    pub conduct_flagged_reps: Vec<String>,
}

/// Why the firm could not be written out.
#[derive(Debug, thiserror::Error)]
pub enum DemoError {
    /// A CSV file could not be written.
    #[error("writing {file}: {source}")]
    Csv {
        /// The file.
        file: String,
        /// The writer's error.
        source: csv::Error,
    },
    /// A JSON file could not be written.
    #[error("writing {file}: {source}")]
    Json {
        /// The file.
        file: String,
        /// The serialiser's error.
        source: serde_json::Error,
    },
}

/// Generates the demo firm and the ground truth of what was planted in it.
pub fn generate(opts: &DemoOptions) -> (Firm, Planted) {
    let ctx = world::Ctx::new(opts.seed, opts.as_of);
    let mut world = world::World::default();
    let org = org::build(&ctx, &mut world);
    let mut client_names = names::NameBook::default();
    wealth::simulate(&ctx, &org, &mut world, &mut client_names);
    servicing::simulate(&ctx, &org, &mut world, &mut client_names);
    conduct::generate(&ctx, &org, &mut world);
    comp::quotas(&ctx, &org, &mut world);
    assemble::assemble(&ctx, &org, world)
}
