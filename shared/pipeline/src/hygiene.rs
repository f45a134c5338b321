//! Pipeline hygiene: stale deals, unrealistic close dates and over-optimistic reps, each with the
//! numbers behind the flag. Every norm is learned from the firm's own history, per segment and
//! stage, so a slow institutional mandate is not judged by a quick retail sale.

use crate::data::{Deal, Pipeline};
use crate::stats::{logit, quantile, shrunk_rate, sigmoid};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// Fewer observations than this and a norm falls back to the stage across all segments.
const MIN_SAMPLES: usize = 8;

/// Thresholds of the hygiene rules.
#[derive(Debug, Clone, Copy, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct HygieneConfig {
    /// A deal is stale once quiet for this multiple of the 90th percentile of its stage's time.
    pub stale_multiple: f64,
    /// This many pushes of the close date or more is "repeatedly pushed".
    pub pushes: usize,
    /// A close date sooner after stage entry than this quantile of won deals is "too soon".
    pub too_soon_quantile: f64,
    /// A rep is over-optimistic when their mean stated probability exceeds what their record
    /// supports by this much.
    pub optimism_gap: f64,
    /// Closed deals a rep needs before their record is judged.
    pub min_closed: usize,
    /// Slips per closed deal, as a multiple of their peers' median, that count as slipping more.
    pub slip_ratio: f64,
}

impl Default for HygieneConfig {
    fn default() -> Self {
        HygieneConfig {
            stale_multiple: 1.5,
            pushes: 3,
            too_soon_quantile: 0.1,
            optimism_gap: 0.15,
            min_closed: 8,
            slip_ratio: 1.3,
        }
    }
}

/// What a stage normally looks like in one segment, learned from history.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StageNorm {
    /// Median days spent in the stage.
    pub median_days: f64,
    /// 90th percentile of days in the stage.
    pub p90_days: f64,
    /// Completed stays observed.
    pub stays: usize,
    /// Median days from entering the stage to closing, over won deals.
    pub to_close_median_days: Option<f64>,
    /// Low quantile (`too_soon_quantile`) of the same.
    pub to_close_low_days: Option<f64>,
    /// Won deals that went through the stage.
    pub won: usize,
}

/// Norms per segment and stage, and the firm's usual number of pushes.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Norms {
    /// By (segment, stage).
    pub by_segment: BTreeMap<(String, u8), StageNorm>,
    /// By stage over all segments (the fallback).
    pub by_stage: BTreeMap<u8, StageNorm>,
    /// 90th percentile of close-date pushes on won deals.
    pub won_pushes_p90: f64,
}

#[derive(Default)]
struct Samples {
    stays: Vec<f64>,
    to_close: Vec<f64>,
}

impl Samples {
    fn norm(mut self, low_q: f64) -> Option<StageNorm> {
        let stays = self.stays.len();
        let won = self.to_close.len();
        Some(StageNorm {
            median_days: quantile(&mut self.stays, 0.5)?,
            p90_days: quantile(&mut self.stays, 0.9)?,
            stays,
            to_close_median_days: (won >= MIN_SAMPLES).then(|| quantile(&mut self.to_close, 0.5)).flatten(),
            to_close_low_days: (won >= MIN_SAMPLES).then(|| quantile(&mut self.to_close, low_q)).flatten(),
            won,
        })
    }
}

impl Norms {
    /// Learns the norms from history known on `as_of`: completed stage stays and won deals.
    pub fn learn(deals: &[Deal], as_of: NaiveDate, config: &HygieneConfig) -> Norms {
        let mut seg: BTreeMap<(String, u8), Samples> = BTreeMap::new();
        let mut all: BTreeMap<u8, Samples> = BTreeMap::new();
        let mut pushes = Vec::new();
        for d in deals {
            let closed = d.closed.filter(|c| c.date <= as_of);
            for (i, e) in d.stages.iter().enumerate() {
                let end = d.stages.get(i + 1).map(|n| n.date).or(closed.map(|c| c.date));
                if let Some(end) = end.filter(|end| *end <= as_of) {
                    let days = (end - e.date).num_days() as f64;
                    seg.entry((d.segment.clone(), e.stage)).or_default().stays.push(days);
                    all.entry(e.stage).or_default().stays.push(days);
                }
                if let Some(c) = closed.filter(|_| d.won()) {
                    let days = (c.date - e.date).num_days() as f64;
                    seg.entry((d.segment.clone(), e.stage)).or_default().to_close.push(days);
                    all.entry(e.stage).or_default().to_close.push(days);
                }
            }
            if closed.is_some() && d.won() {
                pushes.push(d.pushes_by(as_of) as f64);
            }
        }
        let q = config.too_soon_quantile;
        Norms {
            by_segment: seg
                .into_iter()
                .filter(|(_, s)| s.stays.len() >= MIN_SAMPLES)
                .filter_map(|(k, s)| Some((k, s.norm(q)?)))
                .collect(),
            by_stage: all.into_iter().filter_map(|(k, s)| Some((k, s.norm(q)?))).collect(),
            won_pushes_p90: quantile(&mut pushes, 0.9).unwrap_or(0.0),
        }
    }

    /// The norm for a segment's stage, falling back to the stage over all segments.
    pub fn get(&self, segment: &str, stage: u8) -> Option<&StageNorm> {
        self.by_segment.get(&(segment.to_string(), stage)).or_else(|| self.by_stage.get(&stage))
    }
}

/// The numbers behind a deal flag.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DealEvidence {
    /// No stage change or activity for longer than the stage normally lasts.
    Stale {
        /// Stage name.
        stage: String,
        /// Days since the last stage change or activity.
        quiet_days: i64,
        /// That day.
        last_touch: NaiveDate,
        /// Median days in the stage.
        median_days: f64,
        /// 90th percentile of days in the stage.
        p90_days: f64,
        /// Quiet days above which a deal is stale.
        threshold_days: f64,
    },
    /// The expected close date has passed.
    CloseDatePassed {
        /// The expected close date.
        expected_close: NaiveDate,
        /// Days since.
        days_overdue: i64,
    },
    /// The expected close date is sooner than won deals in the stage have ever realistically closed.
    CloseDateTooSoon {
        /// Stage name.
        stage: String,
        /// When the deal entered it.
        stage_entered: NaiveDate,
        /// The expected close date.
        expected_close: NaiveDate,
        /// Days from stage entry to the expected close.
        days_entry_to_close: i64,
        /// The low quantile of the same over won deals.
        low_days: f64,
        /// The median of the same over won deals.
        median_days: f64,
    },
    /// The close date has been pushed repeatedly.
    RepeatedlyPushed {
        /// Number of pushes.
        pushes: usize,
        /// The first expected close date.
        first_estimate: NaiveDate,
        /// The current one.
        expected_close: NaiveDate,
        /// Days between them.
        days_slipped: i64,
        /// 90th percentile of pushes on the firm's won deals.
        won_pushes_p90: f64,
    },
}

/// A hygiene flag on one open deal.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DealFlag {
    /// The deal.
    pub deal_id: String,
    /// Its owner.
    pub owner: String,
    /// The numbers.
    pub evidence: DealEvidence,
    /// One sentence for the rep or manager.
    pub reason: String,
}

/// Flags every open deal of `pipeline` that is stale, has an unrealistic close date or has been
/// pushed repeatedly. Deals appear once per problem, in deal order.
pub fn deal_flags(pipeline: &Pipeline, norms: &Norms, config: &HygieneConfig) -> Vec<DealFlag> {
    let as_of = pipeline.as_of;
    let mut out = Vec::new();
    for d in pipeline.open_deals() {
        let Some(entry) = d.stage_at(as_of) else { continue };
        let stage = pipeline.stage_name(entry.stage).to_string();
        let norm = norms.get(&d.segment, entry.stage);
        let mut flag = |evidence: DealEvidence, reason: String| {
            out.push(DealFlag { deal_id: d.id.clone(), owner: d.owner.clone(), evidence, reason });
        };
        if let Some(n) = norm {
            let last_touch = d.last_touch(as_of);
            let quiet_days = (as_of - last_touch).num_days();
            let threshold_days = config.stale_multiple * n.p90_days.max(1.0);
            if quiet_days as f64 > threshold_days {
                flag(
                    DealEvidence::Stale {
                        stage: stage.clone(),
                        quiet_days,
                        last_touch,
                        median_days: n.median_days,
                        p90_days: n.p90_days,
                        threshold_days,
                    },
                    format!(
                        "No stage change or activity for {quiet_days} days (since {last_touch}) in {stage}; \
                         deals here usually leave {stage} in {:.0} days and 90% within {:.0}.",
                        n.median_days, n.p90_days
                    ),
                );
            }
        }
        if let Some(expected_close) = d.expected_close {
            if expected_close < as_of {
                let days_overdue = (as_of - expected_close).num_days();
                flag(
                    DealEvidence::CloseDatePassed { expected_close, days_overdue },
                    format!("The expected close date {expected_close} passed {days_overdue} days ago."),
                );
            } else if let Some((low, median)) = norm.and_then(|n| Some((n.to_close_low_days?, n.to_close_median_days?)))
            {
                let days = (expected_close - entry.date).num_days();
                if (days as f64) < low {
                    flag(
                        DealEvidence::CloseDateTooSoon {
                            stage: stage.clone(),
                            stage_entered: entry.date,
                            expected_close,
                            days_entry_to_close: days,
                            low_days: low,
                            median_days: median,
                        },
                        format!(
                            "Expected to close {days} days after entering {stage}; won deals took {median:.0} \
                             days from there (median) and {:.0}% took at least {low:.0}.",
                            (1.0 - config.too_soon_quantile) * 100.0
                        ),
                    );
                }
            }
            let pushes = d.pushes_by(as_of);
            if pushes >= config.pushes {
                let first_estimate = d.close_date_changes.first().map_or(expected_close, |c| c.from);
                let days_slipped = (expected_close - first_estimate).num_days();
                flag(
                    DealEvidence::RepeatedlyPushed {
                        pushes,
                        first_estimate,
                        expected_close,
                        days_slipped,
                        won_pushes_p90: norms.won_pushes_p90,
                    },
                    format!(
                        "Close date pushed {pushes} times, from {first_estimate} to {expected_close} \
                         ({days_slipped} days); 90% of won deals were pushed at most {:.0} times.",
                        norms.won_pushes_p90
                    ),
                );
            }
        }
    }
    out
}

/// A rep's stated confidence against their record.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct RepOptimism {
    /// The rep.
    pub rep: String,
    /// Their segment.
    pub segment: String,
    /// Closed deals on record.
    pub closed: usize,
    /// Of which won.
    pub won: usize,
    /// Won / closed.
    pub win_rate: f64,
    /// The segment's win rate over the same kind of history.
    pub segment_win_rate: f64,
    /// Open deals.
    pub open: usize,
    /// Mean stated probability over open deals with one.
    pub stated_mean: Option<f64>,
    /// What their record supports for the same deals: each deal's stage win rate in the segment,
    /// moved by the rep's own win odds against the segment's.
    pub supported_mean: Option<f64>,
    /// Share of open deals called commit.
    pub commit_share: f64,
    /// Close-date pushes per closed deal.
    pub slips_per_deal: f64,
    /// The median of the same over the segment's other reps.
    pub peer_slips_per_deal: f64,
    /// Whether the record says the rep is over-optimistic.
    pub over_optimistic: bool,
    /// One sentence with the numbers.
    pub reason: String,
}

/// Every rep's stated probabilities and commit calls against their own win rate and slippage.
///
/// A rep is over-optimistic when, over their open deals, they state on average at least
/// `optimism_gap` more than their record supports, and they slip close dates at least
/// `slip_ratio` times as often as their peers.
pub fn rep_optimism(pipeline: &Pipeline, config: &HygieneConfig) -> Vec<RepOptimism> {
    #[derive(Default)]
    struct Acc<'a> {
        segment: &'a str,
        closed: usize,
        won: usize,
        open: Vec<&'a Deal>,
        slips: usize,
    }
    let mut reps: BTreeMap<&str, Acc> = BTreeMap::new();
    // Win rate of closed deals that reached each stage, per segment, and per segment overall.
    let mut stage_rate: BTreeMap<(&str, u8), (f64, f64)> = BTreeMap::new();
    let mut segment_rate: BTreeMap<&str, (f64, f64)> = BTreeMap::new();
    for d in &pipeline.deals {
        let a = reps.entry(&d.owner).or_default();
        a.segment = &d.segment;
        match d.closed {
            Some(_) => {
                a.closed += 1;
                a.won += usize::from(d.won());
                a.slips += d.close_date_changes.iter().filter(|c| c.is_push()).count();
                let won = f64::from(u8::from(d.won()));
                let s = segment_rate.entry(&d.segment).or_default();
                s.0 += 1.0;
                s.1 += won;
                let reached: std::collections::BTreeSet<u8> = d.stages.iter().map(|e| e.stage).collect();
                for stage in reached {
                    let r = stage_rate.entry((&d.segment, stage)).or_default();
                    r.0 += 1.0;
                    r.1 += won;
                }
            }
            None => a.open.push(d),
        }
    }
    let slips = |a: &Acc| a.slips as f64 / a.closed.max(1) as f64;
    let mut out = Vec::new();
    for (rep, a) in &reps {
        let mut peers: Vec<f64> = reps
            .iter()
            .filter(|(r, p)| r != &rep && p.segment == a.segment && p.closed >= config.min_closed)
            .map(|(_, p)| slips(p))
            .collect();
        let peer_slips = quantile(&mut peers, 0.5).unwrap_or(0.0);
        let (seg_n, seg_w) = segment_rate.get(a.segment).copied().unwrap_or_default();
        let segment_win_rate = shrunk_rate(seg_w, seg_n, 0.5, 2.0);
        let win_rate = a.won as f64 / a.closed.max(1) as f64;
        // The rep's odds, shrunk towards the segment's so a short record says little.
        let rep_shift =
            logit(shrunk_rate(a.won as f64, a.closed as f64, segment_win_rate, 10.0)) - logit(segment_win_rate);
        let mut stated = Vec::new();
        let mut supported = Vec::new();
        for d in &a.open {
            if let Some(p) = d.stated_probability {
                let stage = d.stage_at(pipeline.as_of).map_or(0, |e| e.stage);
                let (n, w) = stage_rate.get(&(a.segment, stage)).copied().unwrap_or_default();
                let prior = shrunk_rate(w, n, segment_win_rate, 10.0);
                stated.push(p);
                supported.push(sigmoid(logit(prior) + rep_shift));
            }
        }
        let mean = |v: &[f64]| (!v.is_empty()).then(|| v.iter().sum::<f64>() / v.len() as f64);
        let (stated_mean, supported_mean) = (mean(&stated), mean(&supported));
        let commit_share = a.open.iter().filter(|d| d.commit).count() as f64 / a.open.len().max(1) as f64;
        let my_slips = slips(a);
        let overstated = stated_mean.zip(supported_mean).is_some_and(|(s, e)| s >= e + config.optimism_gap);
        let slipping = my_slips > 0.0 && my_slips >= config.slip_ratio * peer_slips;
        let over_optimistic = a.closed >= config.min_closed && overstated && slipping;
        let reason = match stated_mean.zip(supported_mean) {
            Some((s, e)) => format!(
                "States {:.0}% on average on {} open deals ({:.0}% called commit) where a {:.0}% win rate \
                 ({} of {} closed; segment {:.0}%) supports {:.0}% at their stages; {:.1} close-date pushes \
                 per closed deal vs {:.1} for peers.",
                s * 100.0,
                a.open.len(),
                commit_share * 100.0,
                win_rate * 100.0,
                a.won,
                a.closed,
                segment_win_rate * 100.0,
                e * 100.0,
                my_slips,
                peer_slips
            ),
            None => format!(
                "No stated probabilities on open deals; a {:.0}% win rate ({} of {} closed); {:.1} close-date \
                 pushes per closed deal vs {:.1} for peers.",
                win_rate * 100.0,
                a.won,
                a.closed,
                my_slips,
                peer_slips
            ),
        };
        out.push(RepOptimism {
            rep: (*rep).to_string(),
            segment: a.segment.to_string(),
            closed: a.closed,
            won: a.won,
            win_rate,
            segment_win_rate,
            open: a.open.len(),
            stated_mean,
            supported_mean,
            commit_share,
            slips_per_deal: my_slips,
            peer_slips_per_deal: peer_slips,
            over_optimistic,
            reason,
        });
    }
    out
}
