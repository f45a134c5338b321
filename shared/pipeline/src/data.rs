//! The plain data the analytics read: deals with their history, independent of any store.

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

/// How a closed deal ended.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Outcome {
    /// Won.
    Won,
    /// Lost.
    Lost,
}

/// When and how a deal closed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Closed {
    /// The day it closed.
    pub date: NaiveDate,
    /// Won or lost.
    pub outcome: Outcome,
}

/// The deal entered open stage `stage` (an index into [`Pipeline::stage_names`]) on `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageEntry {
    /// The day.
    pub date: NaiveDate,
    /// Open-stage index, 0 the earliest.
    pub stage: u8,
}

/// The expected close date moved from `from` to `to` on `date`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CloseDateChange {
    /// When it was edited.
    pub date: NaiveDate,
    /// The old expected close date.
    pub from: NaiveDate,
    /// The new one.
    pub to: NaiveDate,
}

impl CloseDateChange {
    /// A push: the date moved later.
    pub fn is_push(&self) -> bool {
        self.to > self.from
    }
}

/// One deal and everything known about its history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Deal {
    /// Stable id.
    pub id: String,
    /// The owning rep.
    pub owner: String,
    /// The owner's team (forecast roll-up).
    pub team: String,
    /// The client or account.
    pub account: String,
    /// Product.
    pub product: String,
    /// Group whose norms apply (e.g. a division): deals of different rhythms are not compared.
    pub segment: String,
    /// Currency code of `amount_minor`.
    pub currency: String,
    /// Amount in minor units (pence, cents).
    pub amount_minor: i64,
    /// When it was opened.
    pub created: NaiveDate,
    /// Open-stage entries in date order; the first is the stage it was opened in.
    pub stages: Vec<StageEntry>,
    /// The expected close date now (open) or the last one before closing (closed).
    pub expected_close: Option<NaiveDate>,
    /// Edits of the expected close date, in date order.
    pub close_date_changes: Vec<CloseDateChange>,
    /// Set once the deal has closed.
    pub closed: Option<Closed>,
    /// The rep's stated probability, 0-1, if any.
    pub stated_probability: Option<f64>,
    /// Whether the rep calls it commit.
    pub commit: bool,
    /// Days with logged activity on the deal, sorted.
    pub activities: Vec<NaiveDate>,
}

impl Deal {
    /// Whether the deal is open at the start of `date` (opened before or on it, not closed by it).
    pub fn is_open_at(&self, date: NaiveDate) -> bool {
        self.created <= date && self.closed.is_none_or(|c| c.date >= date)
    }

    /// Whether it was won.
    pub fn won(&self) -> bool {
        self.closed.is_some_and(|c| c.outcome == Outcome::Won)
    }

    /// The open stage on `date` and the day it was entered.
    pub fn stage_at(&self, date: NaiveDate) -> Option<StageEntry> {
        self.stages.iter().take_while(|e| e.date <= date).last().copied().or(self.stages.first().copied())
    }

    /// Close-date pushes made on or before `date`.
    pub fn pushes_by(&self, date: NaiveDate) -> usize {
        self.close_date_changes.iter().filter(|c| c.date <= date && c.is_push()).count()
    }

    /// The last day on or before `date` with a stage change or an activity.
    pub fn last_touch(&self, date: NaiveDate) -> NaiveDate {
        let stage = self.stages.iter().filter(|e| e.date <= date).map(|e| e.date).max();
        let act = self.activities.iter().filter(|d| **d <= date).max().copied();
        stage.max(act).unwrap_or(self.created)
    }

    /// Activities in the `days` days up to and including `date`.
    pub fn activities_within(&self, date: NaiveDate, days: i64) -> usize {
        let from = date - chrono::Days::new(days.max(0) as u64);
        self.activities.iter().filter(|d| **d > from && **d <= date).count()
    }
}

/// A firm's (or a data set's) pipeline on one day.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Pipeline {
    /// "Today": open deals are open as of this day.
    pub as_of: NaiveDate,
    /// Names of the open stages, earliest first.
    pub stage_names: Vec<String>,
    /// Every deal, open and closed.
    pub deals: Vec<Deal>,
}

impl Pipeline {
    /// The stage's display name.
    pub fn stage_name(&self, stage: u8) -> &str {
        self.stage_names.get(usize::from(stage)).map_or("unknown stage", String::as_str)
    }

    /// Deals open on the as-of date.
    pub fn open_deals(&self) -> impl Iterator<Item = &Deal> {
        self.deals.iter().filter(|d| d.closed.is_none())
    }
}
