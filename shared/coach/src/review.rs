//! Drafted performance reviews: results, behaviours and conduct over a period, from what
//! actually happened, for the manager to edit before saving.

use crate::evidence::{Evidence, Money, RecordKind, Value};
use crate::insights::{Context, conduct_kind, progress_evidence, rep_nudges};
use crate::writer;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// The period a review covers, both days included.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReviewPeriod {
    /// First day.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
}

/// One section of a review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReviewSection {
    /// `results`, `behaviours`, `conduct` or `focus`.
    pub key: String,
    /// Heading shown.
    pub heading: String,
    /// The drafted text.
    pub text: String,
    /// What it rests on.
    pub evidence: Evidence,
}

/// A drafted review.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReviewDraft {
    /// The person reviewed.
    pub person_id: String,
    /// Their name.
    pub name: String,
    /// The period.
    pub period: ReviewPeriod,
    /// Results, behaviours, conduct, focus.
    pub sections: Vec<ReviewSection>,
}

/// Drafts the review of `person_id` for `period`; `None` for an unknown person.
pub fn review_draft(ctx: &Context, person_id: &str, period: &ReviewPeriod) -> Option<ReviewDraft> {
    let person = ctx.person(person_id)?;
    let within = |d: NaiveDate| d >= period.from && d <= period.to;
    let mut sections = Vec::new();
    let mut base = Evidence::default();
    base.name(person.name.clone()).fact("from", "period start", Value::Date(period.from)).fact(
        "to",
        "period end",
        Value::Date(period.to),
    );

    let mut results = base.clone();
    if let Some(p) = ctx.progress.get(person_id) {
        results.extend("", &progress_evidence(p));
    }
    sections.push(section("results", "Results", results));

    let mut behaviours = base.clone();
    let mine: Vec<&plumbline_pipeline::Deal> = ctx.pipeline.deals.iter().filter(|d| d.owner == person_id).collect();
    let closed: Vec<&&plumbline_pipeline::Deal> =
        mine.iter().filter(|d| d.closed.is_some_and(|c| within(c.date))).collect();
    let won: Vec<&&&plumbline_pipeline::Deal> = closed.iter().filter(|d| d.won()).collect();
    let mut won_by_currency: BTreeMap<&str, i64> = BTreeMap::new();
    for d in &won {
        *won_by_currency.entry(d.currency.as_str()).or_default() += d.amount_minor;
        behaviours.record(RecordKind::Opportunity, d.id.clone());
    }
    behaviours.fact("closed", "deals closed in the period", Value::Count(closed.len() as i64)).fact(
        "won",
        "of which won",
        Value::Count(won.len() as i64),
    );
    if !closed.is_empty() {
        behaviours.fact(
            "win_rate",
            "won over closed",
            Value::percent_of(rust_decimal::Decimal::from(won.len()) / rust_decimal::Decimal::from(closed.len())),
        );
    }
    if let Some((cur, minor)) = won_by_currency.iter().max_by_key(|(_, m)| **m) {
        behaviours.fact("won_amount", "value won", Value::Money(Money::from_minor(*minor, cur)));
    }
    let activities: usize = mine.iter().map(|d| d.activities.iter().filter(|a| within(**a)).count()).sum();
    let pushes: usize =
        mine.iter().map(|d| d.close_date_changes.iter().filter(|c| c.is_push() && within(c.date)).count()).sum();
    behaviours.fact("activities", "activities logged on deals", Value::Count(activities as i64)).fact(
        "pushes",
        "close-date pushes made",
        Value::Count(pushes as i64),
    );
    let flagged = ctx
        .analysis
        .flags
        .iter()
        .filter(|f| f.owner == person_id)
        .map(|f| &f.deal_id)
        .collect::<std::collections::BTreeSet<_>>();
    behaviours.fact("flagged_deals", "open deals with hygiene flags now", Value::Count(flagged.len() as i64));
    for d in flagged {
        behaviours.record(RecordKind::Opportunity, d.clone());
    }
    let optimism = ctx.analysis.reps.iter().find(|r| r.rep == person_id && r.over_optimistic);
    if let Some((s, e)) = optimism.and_then(|o| o.stated_mean.zip(o.supported_mean)) {
        behaviours.fact("stated", "mean stated probability on open deals", Value::percent_f64(s)).fact(
            "supported",
            "what their record supports",
            Value::percent_f64(e),
        );
    }
    sections.push(section("behaviours", "Behaviours", behaviours));

    let mut conduct = base.clone();
    let events: Vec<&plumbline_firm::ComplianceEvent> =
        ctx.firm.compliance_events.iter().filter(|e| e.person_id == person_id && within(e.date)).collect();
    conduct.fact("conduct_events", "conduct events in the period", Value::Count(events.len() as i64));
    for (i, e) in events.iter().enumerate() {
        let k = i + 1;
        conduct
            .fact(&format!("event{k}_date"), "date", Value::Date(e.date))
            .fact(&format!("event{k}_kind"), "kind", Value::Text(conduct_kind(e.kind).to_string()))
            .fact(&format!("event{k}_severity"), "severity", Value::Text(format!("{:?}", e.severity).to_lowercase()))
            .record(RecordKind::ConductEvent, e.id.clone())
            .name(conduct_kind(e.kind));
    }
    sections.push(section("conduct", "Conduct", conduct));

    let nudges = rep_nudges(ctx, person_id);
    let mut focus = base;
    for f in &nudges {
        focus.extend(&format!("{}.", f.id), &f.evidence);
    }
    let text = writer::focus(&nudges);
    sections.push(ReviewSection {
        key: "focus".into(),
        heading: "Focus for the next period".into(),
        text,
        evidence: focus,
    });

    Some(ReviewDraft { person_id: person.id.clone(), name: person.name.clone(), period: period.clone(), sections })
}

fn section(key: &str, heading: &str, evidence: Evidence) -> ReviewSection {
    ReviewSection { key: key.into(), heading: heading.into(), text: writer::section(key, &evidence), evidence }
}
