//! The insight engine: selects and ranks findings for a rep, a manager and leadership.

use crate::evidence::{Evidence, Money, RecordKind, Value, decimal_f64};
use crate::progress::{Progress, firm_progress};
use chrono::{Datelike, NaiveDate};
use plumbline_firm::{Firm, Person, Role, Severity};
use plumbline_pipeline::{Analysis, AnalysisOptions, DealEvidence, Norms, Pipeline, analyse, pipeline_from_firm};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::{BTreeMap, BTreeSet};
use std::sync::Arc;

/// Thresholds of the insight rules.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CoachConfig {
    /// Stalling deals listed for a rep, most money at stake first.
    pub stalling_deals: usize,
    /// Pace (attainment over the elapsed share of the year) below which a rep is behind.
    pub behind_pace: Decimal,
    /// Open pipeline below this share of the division's median is thin.
    pub thin_pipeline: Decimal,
    /// Quiet days from which "no activity" is worth saying.
    pub quiet_days: i64,
    /// Month ends in the attainment trend before the current month.
    pub trend_months: u32,
    /// Accounts named in the leadership downside.
    pub risk_accounts: usize,
}

impl Default for CoachConfig {
    fn default() -> Self {
        CoachConfig {
            stalling_deals: 5,
            behind_pace: Decimal::new(6, 1),
            thin_pipeline: Decimal::new(25, 2),
            quiet_days: 14,
            trend_months: 3,
            risk_accounts: 3,
        }
    }
}

/// Who a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Subject {
    /// Person id.
    pub person_id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
}

impl Subject {
    fn of(p: &Person) -> Subject {
        Subject { person_id: p.id.clone(), name: p.name.clone(), role: p.role }
    }
}

/// The suggested next step.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Action {
    /// Contact the client to agree a next step, or close the deal out.
    Reengage,
    /// Re-qualify: confirm the decision date and who signs.
    Requalify,
    /// Replace a passed close date with the client's real timetable.
    UpdateCloseDate,
    /// Check a close date sooner than won deals have ever closed.
    CheckCloseDate,
    /// Focus on the deals that reach the next tier.
    ChaseNextTier,
    /// Keep the pace: quota is within reach.
    KeepPace,
    /// Build pipeline with the manager this week.
    RebuildPipeline,
    /// Go through the commit calls deal by deal.
    ReviewCommitCalls,
    /// Agree the remediation of a conduct event with compliance.
    ConductRemediation,
    /// Review the accounts carrying the downside with their owners.
    ReviewRiskAccounts,
}

/// Why a person needs intervention.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum InterventionReason {
    /// Nothing credited against quota this plan year, a quarter or more of the way through it.
    NoResults,
    /// Behind pace on quota with a thin pipeline to catch up from.
    BehindWithThinPipeline,
    /// States far more confidence than their record supports and slips close dates.
    OverOptimistic,
    /// A major conduct event this plan year.
    MajorConduct,
}

/// What a finding says, by kind; its numbers are in [`Finding::evidence`].
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Detail {
    /// An open deal that is stalling.
    StallingDeal {
        /// The opportunity.
        deal_id: String,
        /// Its name.
        deal_name: String,
        /// The client's name.
        account: String,
        /// The current stage.
        stage: String,
        /// The hygiene rules it breaks: `stale`, `close_date_passed`, `close_date_too_soon`, `repeatedly_pushed`.
        flags: Vec<String>,
        /// What to do.
        action: Action,
    },
    /// Progress to quota and to the next accelerator tier.
    QuotaProgress {
        /// Whether a next tier is ahead.
        next_tier: bool,
        /// What to do.
        action: Action,
    },
    /// A person who needs intervention this week.
    Intervention {
        /// Why, most important first.
        reasons: Vec<InterventionReason>,
        /// What the manager should do.
        action: Action,
    },
    /// Where the forecast's downside sits.
    ForecastRisk {
        /// Currency of the forecast.
        currency: String,
        /// Account ids carrying most of the risk, largest first.
        accounts: Vec<String>,
        /// What to do.
        action: Action,
    },
}

/// One insight, ranked, with its evidence.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Finding {
    /// Stable id, e.g. `stall/O00042`.
    pub id: String,
    /// Who it is about (none for the firm).
    pub subject: Option<Subject>,
    /// What it says.
    pub detail: Detail,
    /// The money at stake, used to rank.
    pub at_stake: Option<Money>,
    /// The numbers and records behind it.
    pub evidence: Evidence,
}

/// A firm's data prepared once for all insights: the pipeline analysis and everyone's progress.
pub struct Context {
    /// The firm.
    pub firm: Arc<Firm>,
    /// Its pipeline as plain data.
    pub pipeline: Pipeline,
    /// Hygiene, win probabilities and forecasts.
    pub analysis: Analysis,
    /// Stage norms the hygiene rules used.
    pub norms: Norms,
    /// Progress per person with a plan and quota.
    pub progress: BTreeMap<String, Progress>,
    /// People the engine could not calculate, with its message.
    pub progress_problems: Vec<(String, String)>,
    /// Thresholds.
    pub config: CoachConfig,
}

impl Context {
    /// Analyses `firm` as of its settings' as-of date.
    pub fn new(firm: Arc<Firm>, options: &AnalysisOptions, config: CoachConfig) -> Context {
        let pipeline = pipeline_from_firm(&firm);
        let analysis = analyse(&pipeline, options);
        let norms = Norms::learn(&pipeline.deals, pipeline.as_of, &options.hygiene);
        let (progress, progress_problems) = firm_progress(&firm, firm.settings.as_of, config.trend_months);
        Context { firm, pipeline, analysis, norms, progress, progress_problems, config }
    }

    /// The as-of date.
    pub fn as_of(&self) -> NaiveDate {
        self.pipeline.as_of
    }

    /// A person by id.
    pub fn person(&self, id: &str) -> Option<&Person> {
        self.firm.people.iter().find(|p| p.id == id)
    }

    /// A client's name, or the id when the firm has no such client.
    pub(crate) fn client_name(&self, id: &str) -> String {
        self.firm.clients.iter().find(|c| c.id == id).map_or_else(|| id.to_string(), |c| c.name.clone())
    }

    /// A team's name, or the id when the firm has no such team.
    pub(crate) fn team_name(&self, id: &str) -> String {
        self.firm.teams.iter().find(|t| t.id == id).map_or_else(|| id.to_string(), |t| t.name.clone())
    }

    /// Open pipeline of a person in a currency, in major units.
    fn open_amount(&self, person_id: &str, currency: &str) -> Decimal {
        self.pipeline
            .open_deals()
            .filter(|d| d.owner == person_id && d.currency == currency)
            .map(|d| Decimal::new(d.amount_minor, 2))
            .sum()
    }
}

/// A rep's nudges: their stalling deals, most money at stake first, then their progress to
/// quota and to the next accelerator tier.
pub fn rep_nudges(ctx: &Context, person_id: &str) -> Vec<Finding> {
    let Some(person) = ctx.person(person_id) else { return Vec::new() };
    let as_of = ctx.as_of();
    let mut flags: BTreeMap<&str, Vec<&DealEvidence>> = BTreeMap::new();
    for f in ctx.analysis.flags.iter().filter(|f| f.owner == person_id) {
        flags.entry(&f.deal_id).or_default().push(&f.evidence);
    }
    let mut stalling: Vec<Finding> = ctx
        .pipeline
        .open_deals()
        .filter(|d| d.owner == person_id)
        .filter_map(|d| {
            let deal_flags = flags.get(d.id.as_str())?;
            let entry = d.stage_at(as_of)?;
            let stage = ctx.pipeline.stage_name(entry.stage).to_string();
            let opportunity = ctx.firm.opportunities.iter().find(|o| o.id == d.id);
            let deal_name = opportunity.map_or_else(|| d.id.clone(), |o| o.name.clone());
            let account = ctx.client_name(&d.account);
            let amount = Money::from_minor(d.amount_minor, &d.currency);
            let quiet = (as_of - d.last_touch(as_of)).num_days();
            let pushes = d.pushes_by(as_of) as i64;
            let mut ev = Evidence::default();
            ev.fact("amount", "deal amount", Value::Money(amount.clone()))
                .fact("stage", "current stage", Value::Text(stage.clone()))
                .fact("days_in_stage", "days in the stage", Value::Days((as_of - entry.date).num_days()));
            if let Some(n) = ctx.norms.get(&d.segment, entry.stage) {
                ev.fact(
                    "usual_days",
                    "median days deals spend in the stage",
                    Value::Days(n.median_days.round() as i64),
                );
            }
            if pushes > 0 {
                ev.fact("pushes", "close-date pushes", Value::Count(pushes));
            }
            if quiet >= ctx.config.quiet_days {
                ev.fact("quiet_days", "days since the last activity or stage change", Value::Days(quiet));
            }
            if let Some(close) = d.expected_close {
                ev.fact("expected_close", "expected close date", Value::Date(close));
            }
            if let Some(s) = ctx.analysis.scores.iter().find(|s| s.deal_id == d.id) {
                ev.fact("win_probability", "modelled win probability", Value::percent_f64(s.probability));
            }
            ev.record(RecordKind::Opportunity, d.id.clone())
                .record(RecordKind::Client, d.account.clone())
                .name(person.name.clone())
                .name(deal_name.clone())
                .name(account.clone())
                .name(stage.clone());
            let kinds: Vec<String> = deal_flags.iter().map(|e| flag_kind(e).to_string()).collect();
            let action = if kinds.iter().any(|k| k == "stale") {
                Action::Reengage
            } else if kinds.iter().any(|k| k == "repeatedly_pushed") {
                Action::Requalify
            } else if kinds.iter().any(|k| k == "close_date_passed") {
                Action::UpdateCloseDate
            } else {
                Action::CheckCloseDate
            };
            Some(Finding {
                id: format!("stall/{}", d.id),
                subject: Some(Subject::of(person)),
                detail: Detail::StallingDeal { deal_id: d.id.clone(), deal_name, account, stage, flags: kinds, action },
                at_stake: Some(amount),
                evidence: ev,
            })
        })
        .collect();
    stalling.sort_by(|a, b| b.at_stake.cmp(&a.at_stake).then_with(|| a.id.cmp(&b.id)));
    stalling.truncate(ctx.config.stalling_deals);
    stalling.extend(quota_progress(ctx, person));
    stalling
}

/// The rule's short name.
pub fn flag_kind(e: &DealEvidence) -> &'static str {
    match e {
        DealEvidence::Stale { .. } => "stale",
        DealEvidence::CloseDatePassed { .. } => "close_date_passed",
        DealEvidence::CloseDateTooSoon { .. } => "close_date_too_soon",
        DealEvidence::RepeatedlyPushed { .. } => "repeatedly_pushed",
    }
}

/// The evidence of a person's progress (shared by nudges, interventions and reviews).
pub(crate) fn progress_evidence(p: &Progress) -> Evidence {
    let money = |amount: Decimal| Value::Money(Money { amount, currency: p.currency.clone() });
    let mut ev = Evidence::default();
    ev.fact("quota", "quota for the plan year", money(p.quota))
        .fact("measure_ytd", &format!("{} this plan year", p.measure_label), money(p.measure_ytd))
        .fact("attainment", "attainment to date", Value::percent_of(p.attainment))
        .fact("year_elapsed", "share of the plan year elapsed", Value::percent_of(p.year_elapsed))
        .fact("to_quota", "still to reach quota", money(p.to_quota))
        .fact("earned_ytd", "earned on the component this plan year", money(p.earned_ytd));
    if let Some((label, first)) = p.trend.first().filter(|_| p.trend.len() > 1) {
        ev.fact("trend_from_period", "trend starts", Value::Text(label.clone())).fact(
            "trend_from",
            "attainment at the trend's start",
            Value::percent_of(*first),
        );
    }
    if let Some(t) = &p.next_tier {
        ev.fact("tier_at", "next tier starts at attainment", Value::percent_of(t.at_attainment))
            .fact("tier_threshold", "next tier threshold", money(t.threshold))
            .fact("tier_needed", "still to reach the next tier", money(t.needed))
            .fact("rate_now", "rate paid now", Value::percent_of(t.rate_now))
            .fact("rate_next", "rate paid from the next tier", Value::percent_of(t.rate_next));
    }
    ev.record(RecordKind::Statement, format!("{}/{}", p.person_id, p.period))
        .name(p.plan_name.clone())
        .name(p.component_name.clone());
    ev
}

fn quota_progress(ctx: &Context, person: &Person) -> Option<Finding> {
    let p = ctx.progress.get(&person.id)?;
    let mut ev = progress_evidence(p);
    ev.name(person.name.clone());
    let action = if p.next_tier.is_some() { Action::ChaseNextTier } else { Action::KeepPace };
    Some(Finding {
        id: format!("progress/{}/{}", person.id, p.period),
        subject: Some(Subject::of(person)),
        detail: Detail::QuotaProgress { next_tier: p.next_tier.is_some(), action },
        at_stake: p.next_tier.as_ref().map(|t| Money { amount: t.needed, currency: p.currency.clone() }),
        evidence: ev,
    })
}

fn median(mut v: Vec<Decimal>) -> Decimal {
    v.sort();
    v.get(v.len() / 2).copied().unwrap_or_default()
}

/// The people in `manager_id`'s reporting subtree (everyone's reps when `None`) who need
/// intervention this week, most reasons first, then furthest behind: each with attainment and
/// its trend, pipeline coverage, hygiene flags and conduct events, and a suggested action.
pub fn weekly_interventions(ctx: &Context, manager_id: Option<&str>) -> Vec<Finding> {
    let people = &ctx.firm.people;
    let under = |p: &Person| match manager_id {
        None => true,
        Some(m) => {
            let mut current = p.manager_id.as_deref();
            for _ in 0..people.len() {
                match current {
                    Some(id) if id == m => return true,
                    Some(id) => current = people.iter().find(|q| q.id == id).and_then(|q| q.manager_id.as_deref()),
                    None => return false,
                }
            }
            false
        }
    };
    let reps: Vec<&Person> = people.iter().filter(|p| p.role == Role::Rep).collect();
    // Each rep's open pipeline in their plan's currency, against the division's median.
    let open: BTreeMap<&str, Decimal> = reps
        .iter()
        .filter_map(|p| ctx.progress.get(&p.id).map(|g| (p.id.as_str(), ctx.open_amount(&p.id, &g.currency))))
        .collect();
    let division_median: BTreeMap<String, Decimal> = reps
        .iter()
        .map(|p| format!("{:?}", p.division))
        .collect::<BTreeSet<_>>()
        .into_iter()
        .map(|d| {
            let v = reps
                .iter()
                .filter(|p| format!("{:?}", p.division) == d)
                .filter_map(|p| open.get(p.id.as_str()).copied());
            let m = median(v.collect());
            (d, m)
        })
        .collect();
    let year = ctx.as_of().year();
    let mut out: Vec<(usize, Decimal, Finding)> = Vec::new();
    for p in reps.into_iter().filter(|p| under(p)) {
        let Some(progress) = ctx.progress.get(&p.id) else { continue };
        let pipeline = open.get(p.id.as_str()).copied().unwrap_or_default();
        let peers = division_median.get(&format!("{:?}", p.division)).copied().unwrap_or_default();
        let thin = pipeline < ctx.config.thin_pipeline * peers;
        let behind = progress.pace < ctx.config.behind_pace;
        let optimism = ctx.analysis.reps.iter().find(|r| r.rep == p.id);
        let conduct: Vec<&plumbline_firm::ComplianceEvent> = ctx
            .firm
            .compliance_events
            .iter()
            .filter(|e| e.person_id == p.id && e.date.year() == year && e.date <= ctx.as_of())
            .collect();
        let mut reasons = Vec::new();
        if progress.attainment.is_zero() && progress.year_elapsed >= Decimal::new(25, 2) {
            reasons.push(InterventionReason::NoResults);
        } else if behind && thin {
            reasons.push(InterventionReason::BehindWithThinPipeline);
        }
        if optimism.is_some_and(|o| o.over_optimistic) {
            reasons.push(InterventionReason::OverOptimistic);
        }
        if conduct.iter().any(|e| e.severity == Severity::Major) {
            reasons.push(InterventionReason::MajorConduct);
        }
        if reasons.is_empty() {
            continue;
        }
        let mut ev = progress_evidence(progress);
        let money = |amount: Decimal| Value::Money(Money { amount, currency: progress.currency.clone() });
        ev.fact("pace", "attainment against the elapsed share of the year", Value::percent_of(progress.pace))
            .fact("open_pipeline", "open pipeline", money(pipeline))
            .fact("peer_pipeline", "median open pipeline in the division", money(peers));
        if !progress.to_quota.is_zero() {
            ev.fact(
                "coverage",
                "open pipeline over what is still to reach quota",
                Value::Ratio((pipeline / progress.to_quota).round_dp(1)),
            );
        }
        let flagged: BTreeSet<&str> =
            ctx.analysis.flags.iter().filter(|f| f.owner == p.id).map(|f| f.deal_id.as_str()).collect();
        ev.fact("flagged_deals", "open deals with hygiene flags", Value::Count(flagged.len() as i64));
        for d in &flagged {
            ev.record(RecordKind::Opportunity, *d);
        }
        if let Some(o) = optimism.filter(|o| o.over_optimistic) {
            if let (Some(s), Some(e)) = (o.stated_mean, o.supported_mean) {
                ev.fact("stated", "mean stated probability on open deals", Value::percent_f64(s)).fact(
                    "supported",
                    "what their record supports",
                    Value::percent_f64(e),
                );
            }
            ev.fact("win_rate", "win rate", Value::percent_f64(o.win_rate))
                .fact(
                    "slips",
                    "close-date pushes per closed deal",
                    Value::Ratio(decimal_f64(o.slips_per_deal).round_dp(1)),
                )
                .fact("peer_slips", "the same for peers", Value::Ratio(decimal_f64(o.peer_slips_per_deal).round_dp(1)));
        }
        ev.fact("conduct_events", "conduct events this year", Value::Count(conduct.len() as i64));
        for e in &conduct {
            ev.record(RecordKind::ConductEvent, e.id.clone());
            ev.name(conduct_kind(e.kind));
        }
        ev.record(RecordKind::Person, p.id.clone()).name(p.name.clone());
        let action = match reasons[0] {
            InterventionReason::NoResults | InterventionReason::BehindWithThinPipeline => Action::RebuildPipeline,
            InterventionReason::OverOptimistic => Action::ReviewCommitCalls,
            InterventionReason::MajorConduct => Action::ConductRemediation,
        };
        let rank = (reasons.len(), progress.pace);
        out.push((
            rank.0,
            rank.1,
            Finding {
                id: format!("intervene/{}/{}", p.id, progress.period),
                subject: Some(Subject::of(p)),
                detail: Detail::Intervention { reasons, action },
                at_stake: Some(Money { amount: progress.to_quota, currency: progress.currency.clone() }),
                evidence: ev,
            },
        ));
    }
    out.sort_by(|a, b| b.0.cmp(&a.0).then(a.1.cmp(&b.1)).then_with(|| a.2.id.cmp(&b.2.id)));
    out.into_iter().map(|(_, _, f)| f).collect()
}

/// A conduct event kind in plain words.
pub fn conduct_kind(kind: plumbline_firm::ComplianceKind) -> &'static str {
    use plumbline_firm::ComplianceKind as K;
    match kind {
        K::ComplaintUpheld => "upheld complaint",
        K::FileReviewFailure => "failed file review",
        K::MisSelling => "mis-selling finding",
        K::OverdueTraining => "overdue training",
    }
}

/// Leadership's risk summary: per currency, how far below the median the forecast may land
/// (P50 - P10, as money and as a share of P50) and the accounts carrying most of that risk,
/// with their open and flagged deals.
pub fn leadership_risk(ctx: &Context) -> Vec<Finding> {
    ctx.analysis
        .forecasts
        .iter()
        .filter(|cf| cf.forecast.firm_total.p50 > 0)
        .map(|cf| {
            let f = &cf.forecast;
            let cur = cf.currency.as_str();
            let money = |minor: i64| Value::Money(Money::from_minor(minor, cur));
            let t = f.firm_total;
            let downside = Decimal::new(t.p50 - t.p10, 0) / Decimal::new(t.p50, 0);
            let mut ev = Evidence::default();
            let horizon = match (f.periods.first(), f.periods.last()) {
                (Some(a), Some(b)) if a != b => format!("{a} to {b}"),
                (Some(a), _) => a.clone(),
                _ => String::new(),
            };
            ev.fact("horizon", "forecast horizon", Value::Text(horizon))
                .fact("p10", "P10 (9 in 10 trials do better)", money(t.p10))
                .fact("p50", "P50 (median)", money(t.p50))
                .fact("p90", "P90", money(t.p90))
                .fact("downside", "P50 - P10 as a share of P50", Value::percent_of(downside))
                .fact("downside_amount", "P50 - P10", money(t.p50 - t.p10))
                .fact("commit", "deals called commit", money(f.downside.commit_minor))
                .fact("gap_to_p10", "commit minus P10", money(f.downside.gap_to_p10_minor));
            let top: Vec<&plumbline_pipeline::RiskItem> =
                f.downside.accounts.iter().take(ctx.config.risk_accounts).collect();
            let share: f64 = top.iter().map(|a| a.variance_share).sum();
            ev.fact("top_share", "share of the forecast's variance in these accounts", Value::percent_f64(share)).fact(
                "accounts",
                "accounts named",
                Value::Count(top.len() as i64),
            );
            let mut flagged = 0;
            for (i, a) in top.iter().enumerate() {
                let k = i + 1;
                let name = ctx.client_name(&a.id);
                ev.fact(&format!("account{k}_name"), "account", Value::Text(name.clone()))
                    .fact(&format!("account{k}_amount"), "open amount at the account", money(a.amount_minor))
                    .fact(
                        &format!("account{k}_shortfall"),
                        "expected shortfall at the account",
                        money(a.expected_shortfall_minor),
                    )
                    .fact(&format!("account{k}_share"), "share of the variance", Value::percent_f64(a.variance_share));
                ev.record(RecordKind::Client, a.id.clone()).name(name);
                for d in ctx.pipeline.open_deals().filter(|d| d.account == a.id && d.currency == cur) {
                    ev.record(RecordKind::Opportunity, d.id.clone());
                    if ctx.analysis.flags.iter().any(|fl| fl.deal_id == d.id) {
                        flagged += 1;
                    }
                }
            }
            let deals = ev.records.iter().filter(|r| r.kind == RecordKind::Opportunity).count();
            ev.fact("open_deals", "open deals at these accounts", Value::Count(deals as i64)).fact(
                "flagged",
                "of which with hygiene flags",
                Value::Count(flagged),
            );
            Finding {
                id: format!("risk/{cur}/{}", f.periods.first().cloned().unwrap_or_default()),
                subject: None,
                detail: Detail::ForecastRisk {
                    currency: cur.to_string(),
                    accounts: top.iter().map(|a| a.id.clone()).collect(),
                    action: Action::ReviewRiskAccounts,
                },
                at_stake: Some(Money::from_minor(t.p50 - t.p10, cur)),
                evidence: ev,
            }
        })
        .collect()
}
