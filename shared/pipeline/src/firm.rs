//! Conversion from the firm's records (`plumbline-firm`) to the analytics' plain data.

use crate::data::{CloseDateChange, Closed, Deal, Outcome, Pipeline, StageEntry};
use chrono::NaiveDate;
use plumbline_firm::{Firm, ForecastCategory, OpportunityField, Stage};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The firm's open stages, earliest first.
pub const FIRM_STAGES: [Stage; 4] = [Stage::Prospecting, Stage::Qualification, Stage::Proposal, Stage::Negotiation];

fn open_stage(name: &str) -> Option<u8> {
    let stage = match name {
        "prospecting" => Stage::Prospecting,
        "qualification" => Stage::Qualification,
        "proposal" => Stage::Proposal,
        "negotiation" => Stage::Negotiation,
        _ => return None,
    };
    FIRM_STAGES.iter().position(|s| *s == stage).map(|i| i as u8)
}

/// Amount in minor units (2 decimal places: the firm's currencies are GBP and USD).
pub fn minor_units(amount: Decimal) -> i64 {
    let cents = (amount * Decimal::ONE_HUNDRED).round();
    i64::try_from(cents.mantissa() / 10i128.pow(cents.scale())).unwrap_or(i64::MAX)
}

/// The firm's pipeline as plain data: every opportunity with its stage and close-date history
/// and activity days; teams from the owner's team, segments from the owner's division.
pub fn pipeline_from_firm(firm: &Firm) -> Pipeline {
    let people: BTreeMap<&str, &plumbline_firm::Person> = firm.people.iter().map(|p| (p.id.as_str(), p)).collect();
    let mut stages: BTreeMap<&str, Vec<StageEntry>> = BTreeMap::new();
    let mut closes: BTreeMap<&str, Vec<CloseDateChange>> = BTreeMap::new();
    for h in &firm.opportunity_history {
        match h.field {
            OpportunityField::Stage => {
                if let Some(stage) = open_stage(&h.to) {
                    stages.entry(&h.opportunity_id).or_default().push(StageEntry { date: h.date, stage });
                }
            }
            OpportunityField::CloseDate => {
                if let (Ok(from), Ok(to)) = (h.from.parse::<NaiveDate>(), h.to.parse::<NaiveDate>()) {
                    closes.entry(&h.opportunity_id).or_default().push(CloseDateChange { date: h.date, from, to });
                }
            }
            OpportunityField::Amount => {}
        }
    }
    let mut activities: BTreeMap<&str, Vec<NaiveDate>> = BTreeMap::new();
    for a in &firm.activities {
        if let Some(o) = &a.opportunity_id {
            activities.entry(o).or_default().push(a.date);
        }
    }
    let deals = firm
        .opportunities
        .iter()
        .map(|o| {
            let owner = people.get(o.owner_id.as_str());
            let mut st = stages.remove(o.id.as_str()).unwrap_or_default();
            if st.is_empty() {
                st.push(StageEntry { date: o.created, stage: open_stage_of(o.stage) });
            }
            st.sort_by_key(|e| e.date);
            let changes = closes.remove(o.id.as_str()).unwrap_or_default();
            let closed = match o.stage {
                Stage::ClosedWon => Some(Closed { date: o.close_date, outcome: Outcome::Won }),
                Stage::ClosedLost => Some(Closed { date: o.close_date, outcome: Outcome::Lost }),
                _ => None,
            };
            // A closed deal's last estimate is the "to" of its last edit before closing.
            let expected_close = match closed {
                None => Some(o.close_date),
                Some(c) => changes.iter().rfind(|ch| ch.date < c.date).map(|ch| ch.to).or(Some(c.date)),
            };
            let mut acts = activities.remove(o.id.as_str()).unwrap_or_default();
            acts.sort();
            Deal {
                id: o.id.clone(),
                owner: o.owner_id.clone(),
                team: owner.and_then(|p| p.team_id.clone()).unwrap_or_default(),
                account: o.client_id.clone(),
                product: o.product.clone(),
                segment: owner.and_then(|p| p.division).map(|d| format!("{d:?}")).unwrap_or_default(),
                currency: o.currency.to_string(),
                amount_minor: minor_units(o.amount),
                created: o.created,
                stages: st,
                expected_close,
                close_date_changes: changes,
                closed,
                stated_probability: o.stage.is_open().then(|| f64::from(o.probability) / 100.0),
                commit: o.stage.is_open() && o.forecast_category == ForecastCategory::Commit,
                activities: acts,
            }
        })
        .collect();
    Pipeline { as_of: firm.settings.as_of, stage_names: FIRM_STAGES.iter().map(|s| format!("{s:?}")).collect(), deals }
}

fn open_stage_of(stage: Stage) -> u8 {
    FIRM_STAGES.iter().position(|s| *s == stage).map_or(0, |i| i as u8)
}
