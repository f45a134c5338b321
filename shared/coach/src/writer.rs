//! The deterministic writer: fixed templates filled from the evidence only, so every number it
//! prints is one the guardrail can find. Works offline and is the default.

use crate::evidence::{Evidence, Value};
use crate::insights::{Action, Detail, Finding, InterventionReason};

/// The message for a finding.
pub fn template(finding: &Finding) -> String {
    let ev = &finding.evidence;
    let s = |k: &str| ev.show(k);
    let name = finding.subject.as_ref().map(|p| p.name.clone()).unwrap_or_default();
    match &finding.detail {
        Detail::StallingDeal { deal_name, account, action, .. } => {
            let mut parts = vec![format!("{} in {}", s("days_in_stage"), s("stage"))];
            if ev.get("usual_days").is_some() {
                parts[0] = format!("{} against a usual {}", parts[0], s("usual_days"));
            }
            if let Some(Value::Count(n)) = ev.get("pushes") {
                parts.push(format!("close date pushed {}", times(*n)));
            }
            if ev.get("quiet_days").is_some() {
                parts.push(format!("no activity for {}", s("quiet_days")));
            }
            format!(
                "{deal_name} at {account} ({}) is stalling: {}. Do this next: {}.",
                s("amount"),
                join(&parts),
                action_text(*action, ev, account)
            )
        }
        Detail::QuotaProgress { action, .. } => {
            let mut text = format!(
                "{name}: {} of your {} quota ({} {}) with {} of the plan year gone",
                s("attainment"),
                s("quota"),
                s("measure_ytd"),
                label(ev, "measure_ytd"),
                s("year_elapsed")
            );
            if is_zero(ev.get("to_quota")) {
                text.push_str("; quota reached.");
            } else {
                text.push_str(&format!("; {} to go to quota.", s("to_quota")));
            }
            if ev.get("tier_needed").is_some() {
                text.push_str(&format!(
                    " The next tier starts at {} of quota ({}): {} more moves your rate from {} to {}.",
                    s("tier_at"),
                    s("tier_threshold"),
                    s("tier_needed"),
                    s("rate_now"),
                    s("rate_next")
                ));
            }
            format!("{text} Do this next: {}.", action_text(*action, ev, ""))
        }
        Detail::Intervention { reasons, action } => {
            let mut text = format!("{name}: {} of quota with {} of the year gone", s("attainment"), s("year_elapsed"));
            if ev.get("trend_from").is_some() {
                text.push_str(&format!(" (from {} at the end of {})", s("trend_from"), s("trend_from_period")));
            }
            text.push_str(&format!(
                "; open pipeline of {} against a division median of {}",
                s("open_pipeline"),
                s("peer_pipeline")
            ));
            if ev.get("coverage").is_some() {
                text.push_str(&format!(", covering {} of the {} still to reach quota", s("coverage"), s("to_quota")));
            }
            text.push_str(&format!(
                "; {} deals with hygiene flags; {} conduct events this year.",
                s("flagged_deals"),
                s("conduct_events")
            ));
            if reasons.contains(&InterventionReason::OverOptimistic) {
                if ev.get("stated").is_some() {
                    text.push_str(&format!(
                        " States {} on open deals where their record supports {};",
                        s("stated"),
                        s("supported")
                    ));
                }
                text.push_str(&format!(
                    " {} close-date pushes per closed deal against {} for peers.",
                    s("slips"),
                    s("peer_slips")
                ));
            }
            format!("{text} Suggested action: {}.", action_text(*action, ev, ""))
        }
        Detail::ForecastRisk { currency, action, .. } => {
            let mut text = format!(
                "The {} forecast ({currency}) has a {} downside risk: P50 {}, P10 {} and P90 {}, so {} below the median \
                 is a real possibility; commit stands at {}.",
                s("horizon"),
                s("downside"),
                s("p50"),
                s("p10"),
                s("p90"),
                s("downside_amount"),
                s("commit")
            );
            let accounts: Vec<String> = (1..)
                .map_while(|k| {
                    ev.get(&format!("account{k}_name")).map(|n| {
                        format!(
                            "{} ({} open, {} expected shortfall)",
                            n.display(),
                            s(&format!("account{k}_amount")),
                            s(&format!("account{k}_shortfall"))
                        )
                    })
                })
                .collect();
            if !accounts.is_empty() {
                text.push_str(&format!(" {} of the uncertainty sits in {}.", s("top_share"), join(&accounts)));
            }
            format!("{text} Mitigation: {}.", action_text(*action, ev, ""))
        }
    }
}

fn times(n: i64) -> String {
    match n {
        1 => "once".to_string(),
        n => format!("{n} times"),
    }
}

fn is_zero(v: Option<&Value>) -> bool {
    matches!(v, Some(Value::Money(m)) if m.amount.is_zero())
}

fn label(ev: &Evidence, key: &str) -> String {
    ev.facts.iter().find(|f| f.key == key).map(|f| format!("of {}", f.label)).unwrap_or_default()
}

fn join(parts: &[String]) -> String {
    match parts {
        [] => String::new(),
        [one] => one.clone(),
        [init @ .., last] => format!("{}, {last}", init.join(", ")),
    }
}

/// The suggested action in words.
pub fn action_text(action: Action, ev: &Evidence, account: &str) -> String {
    let s = |k: &str| ev.show(k);
    match action {
        Action::Reengage => {
            format!("call {account} this week to agree a dated next step, or close the deal as lost if there is none")
        }
        Action::Requalify => {
            format!(
                "re-qualify with {account}: confirm who decides and when, then set a close date you can stand behind"
            )
        }
        Action::UpdateCloseDate => {
            format!("replace the passed close date ({}) with {account}'s actual timetable", s("expected_close"))
        }
        Action::CheckCloseDate => {
            format!(
                "check the close date of {} with {account}: deals in {} rarely close that fast",
                s("expected_close"),
                s("stage")
            )
        }
        Action::ChaseNextTier => {
            format!(
                "work first the deals that can close this plan year: {} more reaches the next tier",
                s("tier_needed")
            )
        }
        Action::KeepPace => "keep the pace and keep the pipeline full for next year".to_string(),
        Action::RebuildPipeline => "hold a pipeline session this week: agree which new opportunities to open, \
                                    and a dated next step on each flagged deal"
            .to_string(),
        Action::ReviewCommitCalls => {
            "go through their commit calls deal by deal against their record, and reset the probabilities".to_string()
        }
        Action::ConductRemediation => {
            "agree the remediation of the conduct event with compliance and follow it up in the one-to-one".to_string()
        }
        Action::ReviewRiskAccounts => match ev.get("flagged") {
            Some(Value::Count(n)) if *n > 0 => format!(
                "review the {} open deals at these accounts with their owners this week, starting with the {} flagged ones",
                s("open_deals"),
                s("flagged")
            ),
            _ => format!("review the {} open deals at these accounts with their owners this week", s("open_deals")),
        },
    }
}

/// A review section's text from its evidence (`results`, `behaviours`, `conduct`).
pub fn section(key: &str, ev: &Evidence) -> String {
    let s = |k: &str| ev.show(k);
    match key {
        "results" if ev.get("quota").is_some() => format!(
            "{} {} against a quota of {} ({}), with {} of the plan year elapsed; {} earned on the component so far.",
            s("measure_ytd"),
            label(ev, "measure_ytd"),
            s("quota"),
            s("attainment"),
            s("year_elapsed"),
            s("earned_ytd")
        ),
        "results" => "No plan or quota is on record for the period.".to_string(),
        "behaviours" => {
            let mut text = format!(
                "Between {} and {}, {} deals closed, of which {} won",
                s("from"),
                s("to"),
                s("closed"),
                s("won")
            );
            if ev.get("win_rate").is_some() {
                text.push_str(&format!(" ({})", s("win_rate")));
            }
            if ev.get("won_amount").is_some() {
                text.push_str(&format!(", worth {}", s("won_amount")));
            }
            text.push_str(&format!(
                ". {} activities were logged on deals and close dates were pushed {} times; {} open deals carry \
                 hygiene flags now.",
                s("activities"),
                s("pushes"),
                s("flagged_deals")
            ));
            if ev.get("stated").is_some() {
                text.push_str(&format!(
                    " Stated probabilities average {} where the record supports {}.",
                    s("stated"),
                    s("supported")
                ));
            }
            text
        }
        "conduct" => {
            let events: Vec<String> = (1..)
                .map_while(|k| {
                    ev.get(&format!("event{k}_kind")).map(|kind| {
                        format!(
                            "a {} {} on {}",
                            s(&format!("event{k}_severity")),
                            kind.display(),
                            s(&format!("event{k}_date"))
                        )
                    })
                })
                .collect();
            if events.is_empty() {
                format!("No conduct events were recorded between {} and {}.", s("from"), s("to"))
            } else {
                format!("{} conduct events in the period: {}.", s("conduct_events"), join(&events))
            }
        }
        _ => String::new(),
    }
}

/// The review's focus: the top stalling deals and the next tier.
pub fn focus(nudges: &[Finding]) -> String {
    let mut lines: Vec<String> = nudges
        .iter()
        .filter_map(|f| match &f.detail {
            Detail::StallingDeal { deal_name, account, .. } => Some(format!(
                "move {deal_name} at {account} ({}) forward after {} in {}",
                f.evidence.show("amount"),
                f.evidence.show("days_in_stage"),
                f.evidence.show("stage")
            )),
            Detail::QuotaProgress { next_tier: true, .. } => {
                Some(format!("close the {} to the next tier", f.evidence.show("tier_needed")))
            }
            _ => None,
        })
        .take(4)
        .collect();
    if lines.is_empty() {
        return "Keep the current pace and keep the pipeline full.".to_string();
    }
    if let Some(first) = lines.first_mut() {
        *first = plumbline_engine::format::capitalise(first);
    }
    format!("{}.", lines.join("; "))
}
