//! Response shapes of the coaching routes (`/api/coach/...`), shared by the API and the app.

use crate::insights::{Context, Finding};
use crate::writer;
use chrono::NaiveDate;
use plumbline_pipeline::{CurrencyForecast, DealFlag};
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};

/// A finding with its words.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoachMessage {
    /// The text shown.
    pub text: String,
    /// `template` or `model`.
    pub source: String,
    /// The finding, with its evidence (numbers and record ids) for the links.
    pub finding: Finding,
}

impl CoachMessage {
    /// The finding worded by the template writer.
    pub fn template(finding: Finding) -> CoachMessage {
        CoachMessage { text: writer::template(&finding), source: "template".into(), finding }
    }
}

/// `GET /api/coach/nudges/{person_id}`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct NudgesResponse {
    /// The person.
    pub person_id: String,
    /// The data's as-of date.
    pub as_of: NaiveDate,
    /// Stalling deals (most money at stake first), then progress to quota and the next tier.
    pub messages: Vec<CoachMessage>,
}

/// `GET /api/coach/interventions`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct InterventionsResponse {
    /// The manager whose subtree is listed; none for the whole firm.
    pub manager_id: Option<String>,
    /// The data's as-of date.
    pub as_of: NaiveDate,
    /// The people who need intervention, most reasons first, then furthest behind.
    pub messages: Vec<CoachMessage>,
}

/// Pipeline hygiene in numbers.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HygieneSummary {
    /// Open deals.
    pub open_deals: usize,
    /// Open deals with at least one flag.
    pub flagged_deals: usize,
    /// Flags per rule (`stale`, `close_date_passed`, `close_date_too_soon`, `repeatedly_pushed`).
    pub by_rule: BTreeMap<String, usize>,
    /// Reps whose record says they are over-optimistic.
    pub over_optimistic_reps: Vec<String>,
    /// Every flag, with its numbers.
    pub flags: Vec<DealFlag>,
}

/// `GET /api/coach/risk`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RiskResponse {
    /// The data's as-of date.
    pub as_of: NaiveDate,
    /// Per currency: the downside and where it is concentrated, with the mitigation.
    pub messages: Vec<CoachMessage>,
    /// The forecasts: P10/P50/P90 per month, team and firm, and the downside's deals and accounts.
    pub forecasts: Vec<CurrencyForecast>,
    /// Hygiene of the open pipeline.
    pub hygiene: HygieneSummary,
    /// Display names of the accounts and teams the forecasts name, by id.
    pub names: BTreeMap<String, String>,
}

/// The names of the accounts in the forecasts' downsides and of their teams, by id, so a
/// reader sees "Alice Ramirez" where the forecast says `C00723`.
pub fn forecast_names(ctx: &Context) -> BTreeMap<String, String> {
    let mut names = BTreeMap::new();
    for f in &ctx.analysis.forecasts {
        for a in &f.forecast.downside.accounts {
            names.entry(a.account.clone()).or_insert_with(|| ctx.client_name(&a.account));
        }
        for g in &f.forecast.groups {
            names.entry(g.group.clone()).or_insert_with(|| ctx.team_name(&g.group));
        }
    }
    names
}

/// The hygiene summary of a prepared firm.
pub fn hygiene_summary(ctx: &Context) -> HygieneSummary {
    let mut by_rule: BTreeMap<String, usize> = BTreeMap::new();
    for f in &ctx.analysis.flags {
        *by_rule.entry(crate::insights::flag_kind(&f.evidence).to_string()).or_default() += 1;
    }
    let flagged: BTreeSet<&str> = ctx.analysis.flags.iter().map(|f| f.deal_id.as_str()).collect();
    HygieneSummary {
        open_deals: ctx.pipeline.open_deals().count(),
        flagged_deals: flagged.len(),
        by_rule,
        over_optimistic_reps: ctx.analysis.reps.iter().filter(|r| r.over_optimistic).map(|r| r.rep.clone()).collect(),
        flags: ctx.analysis.flags.clone(),
    }
}
