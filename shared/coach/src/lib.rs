//! Coaching: what each person should do next, and drafted reviews, from what the engine and the
//! pipeline analytics found.
//!
//! Pure functions over plain data. [`Context::new`] gathers a firm's statements-derived progress
//! and its pipeline analysis once; the insight functions select and rank [`Finding`]s, each with
//! its [`Evidence`] (the numbers and the record ids they came from):
//! - [`rep_nudges`]: stalling deals by money at stake, progress to quota and the next tier;
//! - [`weekly_interventions`]: the people in a manager's subtree who need intervention;
//! - [`leadership_risk`]: the forecast's downside and where it is concentrated;
//! - [`review_draft`]: a performance review drafted from a period's results, behaviours and conduct.
//!
//! [`writer::template`] words a finding deterministically (the default, offline).
//! [`guardrail::check`] verifies that generated text states only numbers and names found in the
//! evidence. docs/coaching.md describes the rules.

pub mod api;
pub mod evidence;
pub mod guardrail;
pub mod insights;
pub mod progress;
pub mod review;
pub mod writer;

pub use evidence::{Evidence, Fact, Money, RecordKind, RecordRef, Value};
pub use guardrail::{Unsupported, check};
pub use insights::{
    Action, CoachConfig, Context, Detail, Finding, InterventionReason, Subject, leadership_risk, rep_nudges,
    weekly_interventions,
};
pub use progress::{NextTier, Progress};
pub use review::{ReviewDraft, ReviewPeriod, ReviewSection, review_draft};
