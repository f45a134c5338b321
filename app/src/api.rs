//! Every HTTP call the app makes, and the one error type they share.
//!
//! The API lives on the same origin under `/api`; errors come back as JSON
//! [`plumbline_firm::api::ApiError`] bodies, which [`Error`] keeps so the page can show the
//! server's own message.

use crate::insight::PayeeModel;
use gloo_net::http::Request;
use plumbline_coach::{RecordRef, ReviewPeriod};
use plumbline_engine::calc::Assignment;
use plumbline_engine::{PayeeInputs, Plan, Transaction};
use plumbline_firm::api::{
    ApiError, DecisionRequest, DevTokenRequest, DisputeRequest, EditReviewRequest, ImportUpload, OrgResponse, Page,
    PersonView, Persona, PlanSummary, ProposalRequest, ResolveRequest, SaveReviewRequest, SavedReview,
    StatementResponse, TokenResponse, TransactionView,
};
use plumbline_firm::audit::Verification;
use plumbline_firm::imports::{ImportReport, Problem};
use plumbline_firm::oversight::{ConductEventView, HygieneResponse, SimulationRequest, SimulationResponse};
use plumbline_firm::records::{ComplianceEvent, Opportunity, PlanAssignment, Quota, Team};
use plumbline_firm::workflow::{ApprovalStep, CostImpact, Decision, DisputeStatus, ProposalStatus};
use plumbline_planning::api::{QuotaPlanRequest, QuotaProposalRequest, TerritoryPlanRequest, TerritoryProposalRequest};
use plumbline_planning::{QuotaPlan, TerritoryProposal};
use serde::Serialize;
use serde::de::DeserializeOwned;
use std::fmt;
use std::future::Future;
use std::pin::Pin;

/// Where the API is mounted, relative to the page's origin.
const API_BASE: &str = "/api";

/// Why a request failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Error {
    /// The server answered with an error status; `error` is its JSON body (or a stand-in).
    Api {
        /// HTTP status.
        status: u16,
        /// What the server said.
        error: ApiError,
        /// Structured details some refusals carry (an import's every problem).
        details: Option<serde_json::Value>,
    },
    /// The request never got an answer (offline, server down, CORS).
    Network(String),
    /// The server answered 2xx with a body this app cannot read.
    Decode(String),
    /// The app refused to send the request (e.g. a malformed period in the address).
    Invalid(ApiError),
    /// This server has no such API route yet: the view says which one it needs.
    MissingRoute(String),
}

impl Error {
    /// Whether the token was missing, expired or refused: the user has to sign in again.
    pub fn is_unauthorized(&self) -> bool {
        matches!(self, Error::Api { status: 401, .. })
    }

    /// Whether trying the same request again might work.
    pub fn is_retryable(&self) -> bool {
        !matches!(self, Error::Invalid(_) | Error::MissingRoute(_))
    }

    /// A short heading for the error panel.
    pub fn title(&self) -> &'static str {
        match self {
            Error::Api { status: 401, .. } => "You are signed out",
            Error::Api { status: 403, .. } => "Not allowed",
            Error::Api { status: 404, .. } => "Not found",
            Error::Api { status, .. } if *status >= 500 => "The server had a problem",
            Error::Api { .. } => "The request was refused",
            Error::Network(_) => "Can't reach Plumbline",
            Error::Decode(_) => "Unexpected response",
            Error::Invalid(_) => "Check the address",
            Error::MissingRoute(_) => "Not available on this server yet",
        }
    }

    /// The plain-language message to show.
    pub fn message(&self) -> String {
        match self {
            Error::Api { error, .. } | Error::Invalid(error) => error.message.clone(),
            Error::Network(detail) => format!("Check your connection and try again. ({detail})"),
            Error::Decode(detail) => format!("The server's answer could not be read. ({detail})"),
            Error::MissingRoute(route) => {
                format!("This view needs the API route {route}, which this Plumbline server does not provide yet.")
            }
        }
    }

    /// The stable code, for support: the API's code, or `network` / `decode`.
    pub fn code(&self) -> &str {
        match self {
            Error::Api { error, .. } | Error::Invalid(error) => &error.code,
            Error::Network(_) => "network",
            Error::Decode(_) => "decode",
            Error::MissingRoute(_) => "missing_route",
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.title(), self.message())
    }
}

impl std::error::Error for Error {}

/// Everyone one can sign in as (local demo mode).
pub async fn personas() -> Result<Vec<Persona>, Error> {
    get_public("/auth/personas").await
}

/// Asks the development issuer for a token for `person_id`.
pub async fn dev_token(person_id: &str) -> Result<TokenResponse, Error> {
    post_public("/auth/dev-token", &DevTokenRequest { person_id: person_id.to_owned() }).await
}

/// Who the token is for (after the firm's sign-in, which returns only tokens).
pub async fn me(token: &str) -> Result<Persona, Error> {
    get(token, "/me", &[]).await
}

/// A payee's statement for `period` (`YYYY-MM`), or for the current period when `None`.
pub async fn statement(token: &str, person_id: &str, period: Option<&str>) -> Result<StatementResponse, Error> {
    regulated_statement(token, person_id, period).await.map(|(response, _)| response)
}

/// The statement route's answer as the app reads it. The shared `RegulatedStatementResponse`
/// flattens the plain response into itself, which makes serde buffer the whole statement
/// before decoding it (a second decoder of every statement type in the WASM); the same fields
/// listed flat decode straight from the text.
#[derive(serde::Deserialize)]
struct StatementReply {
    person: Persona,
    as_of: chrono::NaiveDate,
    statement: plumbline_engine::Statement,
    #[serde(default)]
    adjustments: Vec<plumbline_firm::workflow::ManualAdjustment>,
    #[serde(default)]
    regulated: Option<Regulated>,
}

/// The regulated part of a statement as the statement page shows it (the route also sends the
/// engine's statement again and the ledger entries it writes, which the page does not read).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Regulated {
    /// Currency of every amount.
    pub currency: plumbline_engine::Currency,
    /// Every regulated line: pay, conduct, deferral, vesting, malus, clawback.
    pub lines: Vec<plumbline_regulation::statement::RegulatedLine>,
    /// Variable pay before deferral.
    pub variable_pay: rust_decimal::Decimal,
    /// Deferred this period.
    pub deferred: rust_decimal::Decimal,
    /// Paid now.
    pub paid_now: rust_decimal::Decimal,
    /// Unvested tranches by vesting date.
    pub unvested: Vec<plumbline_regulation::ledger::Unvested>,
    /// Their total.
    pub unvested_total: rust_decimal::Decimal,
    /// In words.
    pub summary: String,
}

/// A payee's statement with its regulated part (`None` when the plan has no regulated pay).
pub async fn regulated_statement(
    token: &str,
    person_id: &str,
    period: Option<&str>,
) -> Result<(StatementResponse, Option<Regulated>), Error> {
    let path = format!("/statements/{}", path_segment(person_id));
    let reply: StatementReply = get(token, &path, &[("period", period)]).await?;
    let StatementReply { person, as_of, statement, adjustments, regulated } = reply;
    Ok((StatementResponse { person, as_of, statement, adjustments }, regulated))
}

/// Everything the browser needs to recompute `person_id`'s statements for `period`, gathered
/// the way the server gathers them for the statement: the plan version assigned, the plan
/// year's quota, fixed pay, the dates on that plan and every transaction the person is a party
/// to. (Roll-up plans also need the reports' transactions, which this does not fetch: a
/// manager's what-if starts from their own credits only.)
pub async fn payee_model(token: &str, person_id: &str, period: Option<&str>) -> Result<PayeeData, Error> {
    let response = statement(token, person_id, period).await?;
    let s = &response.statement;
    let person = path_segment(person_id);
    let plan: Plan =
        get(token, &format!("/plans/{}/versions/{}", path_segment(&s.plan_id), s.plan_version), &[]).await?;
    let quotas: Vec<Quota> = get(token, &format!("/people/{person}/quotas"), &[]).await?;
    let who: PersonView = get(token, &format!("/people/{person}"), &[]).await?;
    let assignments: Vec<PlanAssignment> = get(token, &format!("/people/{person}/assignments"), &[]).await?;
    let views: Vec<TransactionView> = all_pages(token, &format!("/people/{person}/transactions"), &[]).await?;
    let inputs = PayeeInputs {
        payee: person_id.to_owned().into(),
        annual_quota: quotas.iter().find(|q| q.year_start == s.year_start).map(|q| q.amount),
        fixed_pay: who.fixed_pay,
        assignments: assignments
            .iter()
            .filter(|a| a.plan_id == s.plan_id)
            .map(|a| Assignment { from: a.from, to: a.to })
            .collect(),
        transactions: views.into_iter().map(|v| v.transaction).collect::<Vec<Transaction>>().into(),
        ..PayeeInputs::default()
    };
    let model = PayeeModel { plan, inputs, period: s.period.clone() };
    Ok(PayeeData { response, model })
}

/// A payee's statement from the server and the model to recompute it in the browser.
#[derive(Debug, Clone, PartialEq)]
pub struct PayeeData {
    /// The server's statement.
    pub response: StatementResponse,
    /// The same inputs, for the browser's engine.
    pub model: PayeeModel,
}

/// Everyone the caller may see, as of today.
pub async fn org(token: &str) -> Result<OrgResponse, Error> {
    get(token, "/org", &[]).await
}

/// People the caller may see (every page).
pub async fn people(token: &str) -> Result<Vec<PersonView>, Error> {
    all_pages(token, "/people", &[]).await
}

/// Person ids to names, for pages that show records naming people by id.
pub type Names = std::collections::BTreeMap<String, String>;

/// The names of the people the caller may see.
pub async fn names(token: &str) -> Result<Names, Error> {
    Ok(people(token).await?.into_iter().map(|p| (p.id, p.name)).collect())
}

/// A person's name, or the id itself when the caller may not see them.
pub fn name_of(names: &Names, id: &str) -> String {
    names.get(id).cloned().unwrap_or_else(|| id.to_owned())
}

/// One person the caller may see.
pub async fn person(token: &str, person_id: &str) -> Result<PersonView, Error> {
    get(token, &format!("/people/{}", path_segment(person_id)), &[]).await
}

/// Teams.
pub async fn teams(token: &str) -> Result<Vec<Team>, Error> {
    get(token, "/teams", &[]).await
}

/// Open opportunities the caller may see (every page).
pub async fn open_pipeline(token: &str) -> Result<Vec<Opportunity>, Error> {
    all_pages(token, "/pipeline", &[("open", Some("true"))]).await
}

/// Every opportunity of one owner, open and closed (every page).
pub async fn owner_pipeline(token: &str, owner: &str) -> Result<Vec<Opportunity>, Error> {
    all_pages(token, "/pipeline", &[("owner", Some(owner))]).await
}

/// A proposal as the app shows it. The shared `Proposal`'s change is an internally tagged enum
/// (`kind` beside its fields), which makes serde buffer every change, a whole plan for a plan
/// version, before decoding it: a second decoder of the plan in the WASM. The app reads the
/// same JSON through the flat [`Change`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Proposal {
    /// Id.
    pub id: String,
    /// What it changes.
    pub change: Change,
    /// Why, in the proposer's words.
    pub reason: String,
    /// Who proposed it.
    pub proposed_by: String,
    /// The approval chain.
    pub steps: Vec<ApprovalStep>,
    /// Decisions so far, one per step.
    pub decisions: Vec<Decision>,
    /// Where it stands.
    pub status: ProposalStatus,
    /// The simulated cost, when the change has one.
    #[serde(default)]
    pub cost_impact: Option<CostImpact>,
}

impl Proposal {
    /// The step waiting for a decision, while pending.
    pub fn current_step(&self) -> Option<&ApprovalStep> {
        if self.status == ProposalStatus::Pending { self.steps.get(self.decisions.len()) } else { None }
    }
}

/// A proposed change: its `kind` and the fields the app summarises (absent for other kinds).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Change {
    /// `plan_version`, `quota_change`, `manual_adjustment`, `quota_allocation` or `territory_map`.
    pub kind: String,
    /// A plan version's plan (its id, name and version).
    #[serde(default)]
    pub plan: Option<PlanHead>,
    /// Whose quota or pay.
    #[serde(default)]
    pub person_id: Option<String>,
    /// The plan component adjusted.
    #[serde(default)]
    pub component_id: Option<String>,
    /// The statement month adjusted.
    #[serde(default)]
    pub period: Option<String>,
    /// The plan year.
    #[serde(default)]
    pub year_start: Option<chrono::NaiveDate>,
    /// The quota or adjustment.
    #[serde(default)]
    pub amount: Option<rust_decimal::Decimal>,
    /// How quotas or territories were worked out.
    #[serde(default)]
    pub basis: Option<String>,
    /// How many sellers get a quota.
    #[serde(default, deserialize_with = "count")]
    pub quotas: usize,
    /// How many accounts change owner.
    #[serde(default, deserialize_with = "count")]
    pub moves: usize,
}

/// Which plan a plan version is.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct PlanHead {
    /// Plan id.
    pub id: String,
    /// Name.
    pub name: String,
    /// Version.
    pub version: u32,
}

/// The length of a list, without decoding its items.
fn count<'de, D: serde::Deserializer<'de>>(list: D) -> Result<usize, D::Error> {
    <Vec<serde::de::IgnoredAny> as serde::Deserialize>::deserialize(list).map(|items| items.len())
}

/// Proposals, optionally only those waiting on the caller, with the names of the people they
/// mention.
pub async fn approvals(token: &str, waiting_on_me: bool) -> Result<(Vec<Proposal>, Names), Error> {
    let page = every_page(token, "/approvals", &[("waiting_on_me", waiting_on_me.then_some("true"))]).await?;
    Ok((page.items, page.names))
}

/// Proposes a change for approval.
pub async fn propose(token: &str, request: &ProposalRequest) -> Result<Proposal, Error> {
    post(token, "/approvals", request).await
}

/// Approves or rejects the step of `proposal_id` waiting on the caller.
pub async fn decide(token: &str, proposal_id: &str, request: &DecisionRequest) -> Result<Proposal, Error> {
    post(token, &format!("/approvals/{}/decision", path_segment(proposal_id)), request).await
}

/// Runs the data-driven and "last year + x%" quota allocations for a scope (changes nothing).
pub async fn plan_quotas(token: &str, request: &QuotaPlanRequest) -> Result<QuotaPlan, Error> {
    post(token, "/planning/quotas", request).await
}

/// Balances a scope's territories (changes nothing).
pub async fn plan_territories(token: &str, request: &TerritoryPlanRequest) -> Result<TerritoryProposal, Error> {
    post(token, "/planning/territories", request).await
}

/// Submits one of a quota plan's allocations for approval.
pub async fn propose_quotas(token: &str, request: &QuotaProposalRequest) -> Result<Proposal, Error> {
    post(token, "/planning/quotas/proposals", request).await
}

/// Submits a territory balancing's moves for approval.
pub async fn propose_territories(token: &str, request: &TerritoryProposalRequest) -> Result<Proposal, Error> {
    post(token, "/planning/territories/proposals", request).await
}

/// A dispute as the app shows it. The shared `Dispute`'s resolution is an internally tagged
/// enum (`type` beside its fields), which makes serde buffer it before decoding; the app reads
/// the same JSON through the flat [`Resolution`].
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Dispute {
    /// Id.
    pub id: String,
    /// Whose statement.
    pub person_id: String,
    /// The statement month.
    pub period: String,
    /// The line's component.
    pub component_id: String,
    /// What the person says is wrong.
    pub comment: String,
    /// Where it stands.
    pub status: DisputeStatus,
    /// How it was resolved, once it was.
    #[serde(default)]
    pub resolution: Option<Resolution>,
}

/// How a dispute was resolved: `explanation` (the statement stands) or `adjustment` (paid
/// through the proposal named).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Resolution {
    /// `explanation` or `adjustment`.
    #[serde(rename = "type")]
    pub kind: String,
    /// The explanation, or why the adjustment.
    pub text: String,
    /// The adjustment.
    #[serde(default)]
    pub amount: Option<rust_decimal::Decimal>,
    /// The proposal paying it.
    #[serde(default)]
    pub proposal_id: Option<String>,
}

/// Disputes the caller may see.
pub async fn disputes(token: &str) -> Result<Vec<Dispute>, Error> {
    all_pages(token, "/disputes", &[]).await
}

/// Disputes a line of the caller's own statement.
pub async fn raise_dispute(token: &str, request: &DisputeRequest) -> Result<Dispute, Error> {
    post(token, "/disputes", request).await
}

/// Resolves a dispute.
pub async fn resolve(token: &str, dispute_id: &str, request: &ResolveRequest) -> Result<Dispute, Error> {
    post(token, &format!("/disputes/{}/resolve", path_segment(dispute_id)), request).await
}

/// Plans the caller may see.
pub async fn plans(token: &str) -> Result<Vec<PlanSummary>, Error> {
    get(token, "/plans", &[]).await
}

/// Every version of a plan.
pub async fn plan_versions(token: &str, plan_id: &str) -> Result<Vec<Plan>, Error> {
    get(token, &format!("/plans/{}/versions", path_segment(plan_id)), &[]).await
}

/// A person's conduct events.
pub async fn conduct(token: &str, person_id: &str) -> Result<Vec<ComplianceEvent>, Error> {
    get(token, &format!("/people/{}/conduct", path_segment(person_id)), &[]).await
}

/// Conduct events the caller may read, firm-wide for compliance, newest first, each with its
/// pay effect (every page; optionally one person's or one kind's).
pub async fn conduct_list(
    token: &str,
    person: Option<&str>,
    kind: Option<&str>,
) -> Result<Vec<ConductEventView>, Error> {
    all_pages(token, "/conduct", &[("person", person), ("kind", kind)]).await
}

/// Hygiene flags per seller the caller may see.
pub async fn hygiene(token: &str) -> Result<HygieneResponse, Error> {
    get(token, "/pipeline/hygiene", &[]).await
}

/// Runs a candidate plan against its stored version over last plan year (changes nothing).
pub async fn simulate(token: &str, request: &SimulationRequest) -> Result<SimulationResponse, Error> {
    post(token, "/plans/simulate", request).await
}

/// Audit records a page shows.
pub const AUDIT_PAGE: usize = 100;

/// An audit record as the log page shows it (the chain's hashes are checked by the server's
/// verification, not shown; a flat struct, so decoding needs no buffering).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct AuditRow {
    /// Position in the chain, from 1.
    pub seq: u64,
    /// When, as RFC 3339.
    pub at: String,
    /// A person id, or `system`.
    pub actor: String,
    /// The actor's role when acting.
    pub role: String,
    /// What happened.
    pub action: String,
    /// What it happened to.
    pub entity: String,
    /// Why, in the actor's words.
    pub reason: String,
}

/// Where a page of the audit log starts: the newest records, the records below a sequence
/// number, or those above one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum AuditFrom {
    /// The newest records.
    Newest,
    /// The records below this sequence number, newest first.
    Before(u64),
    /// The records just above this sequence number.
    After(u64),
}

/// One page of the audit log, newest first, with the cursors of its neighbours.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct AuditPage {
    /// The records, newest first.
    pub rows: Vec<AuditRow>,
    /// `Before` cursor of the next older page, if there is one.
    pub older: Option<u64>,
    /// `After` cursor of the next newer page, if there is one.
    pub newer: Option<u64>,
}

/// A page of the audit log, newest first.
pub async fn audit(token: &str, from: AuditFrom) -> Result<AuditPage, Error> {
    let limit = AUDIT_PAGE.to_string();
    let limit = Some(limit.as_str());
    let page: Page<AuditRow> = match from {
        AuditFrom::Newest => get(token, "/audit", &[("order", Some("newest")), ("limit", limit)]).await?,
        AuditFrom::Before(b) => {
            let b = b.to_string();
            get(token, "/audit", &[("order", Some("newest")), ("before", Some(&b)), ("limit", limit)]).await?
        }
        AuditFrom::After(a) => {
            let a = a.to_string();
            get(token, "/audit", &[("after", Some(&a)), ("limit", limit)]).await?
        }
    };
    Ok(audit_page(from, page))
}

/// Orders a page newest first and finds its neighbours: an older page exists below any record
/// but the first; a newer one above a page that came from below a record, or when the server
/// says more follow.
fn audit_page(from: AuditFrom, page: Page<AuditRow>) -> AuditPage {
    let mut rows = page.items;
    if let AuditFrom::After(_) = from {
        rows.reverse();
    }
    let lowest = rows.last().map(|r| r.seq);
    let highest = rows.first().map(|r| r.seq);
    let (older, newer) = match from {
        AuditFrom::Newest => (page.next.and(lowest), None),
        AuditFrom::Before(_) => (page.next.and(lowest), highest),
        AuditFrom::After(a) => (lowest.or(Some(a + 1)).filter(|l| *l > 1), page.next.and(highest)),
    };
    AuditPage { rows, older, newer }
}

/// Recomputes the audit hash chain on the server.
pub async fn verify_audit(token: &str) -> Result<Verification, Error> {
    get(token, "/audit/verify", &[]).await
}

/// An import job as the imports page follows it. The shared `ImportJob`'s step and rejection
/// are internally tagged enums (`step`, `reason`), which makes serde buffer them, every
/// problem of a rejected file included, before decoding; the app reads the same JSON flat.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ImportJob {
    /// Job id, to poll.
    pub id: String,
    /// Where it has got to.
    pub step: ImportStep,
    /// What was imported, once done.
    #[serde(default)]
    pub report: Option<ImportReport>,
    /// Why nothing (more) was imported, once refused.
    #[serde(default)]
    pub rejected: Option<Rejection>,
}

impl ImportJob {
    /// Whether the job has its report or its rejection.
    pub fn finished(&self) -> bool {
        self.report.is_some() || self.rejected.is_some()
    }
}

/// A running import's step: `loading`, `validated` (rows, records), `applying` (records of
/// `of`, `written` of `total` writes) or `done`.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct ImportStep {
    /// The step's name.
    pub step: String,
    /// Rows read (validated).
    #[serde(default)]
    pub rows: usize,
    /// Records applied (applying) or found (validated).
    #[serde(default)]
    pub records: usize,
    /// Records to apply.
    #[serde(default)]
    pub of: usize,
    /// Writes done.
    #[serde(default)]
    pub written: usize,
    /// Writes to do.
    #[serde(default)]
    pub total: usize,
}

/// Why an import was refused: its `reason` (`invalid`, `forbidden`, `interrupted`, `store`)
/// and that reason's fields.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Rejection {
    /// The reason.
    pub reason: String,
    /// The file.
    #[serde(default)]
    pub file: String,
    /// Every problem of an invalid file.
    #[serde(default)]
    pub problems: Vec<Problem>,
    /// The role refused.
    #[serde(default)]
    pub role: String,
    /// What it may not import.
    #[serde(default)]
    pub kind: String,
    /// Writes committed before an interruption.
    #[serde(default)]
    pub applied_writes: usize,
    /// What stopped it.
    #[serde(default)]
    pub message: String,
}

impl fmt::Display for Rejection {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let Rejection { file, problems, role, kind, applied_writes, message, .. } = self;
        match self.reason.as_str() {
            "invalid" => write!(f, "{file}: {} problem(s); nothing was imported", problems.len()),
            "forbidden" => write!(f, "role {role} may not import {kind}"),
            "interrupted" => {
                write!(f, "{file}: stopped after {applied_writes} writes: {message}; re-send the file to complete it")
            }
            _ => write!(f, "store unavailable: {message}"),
        }
    }
}

/// Sends a file of `kind` to import; the server answers at once with the job to follow.
pub async fn start_import(token: &str, kind: &str, upload: &ImportUpload) -> Result<ImportJob, Error> {
    post(token, &format!("/imports/{}", path_segment(kind)), upload).await
}

/// An import's progress, then its report or every problem.
pub async fn import_job(token: &str, id: &str) -> Result<ImportJob, Error> {
    get(token, &format!("/imports/jobs/{}", path_segment(id)), &[]).await
}

/// A coaching message as the app shows it: the words and the finding's evidence (its kind
/// and detail are not decoded: the app shows only the text and what it rests on).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct CoachText {
    /// The text shown.
    pub text: String,
    /// `template` or `model`.
    pub source: String,
    /// The finding the text words.
    pub finding: CoachFinding,
}

/// The part of a coaching finding the app links to.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct CoachFinding {
    /// Stable id, e.g. `stall/O00042`: the `?finding=` of a deep link.
    pub id: String,
    /// Who it is about (none for the firm).
    pub subject: Option<CoachSubject>,
    /// The numbers and the records they came from.
    pub evidence: Evidence,
}

/// The numbers behind a coaching finding or a review section, and the records they came from.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Evidence {
    /// Each number with its label.
    pub facts: Vec<Fact>,
    /// The records the numbers came from.
    pub records: Vec<RecordRef>,
}

/// One labelled number of the evidence.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Fact {
    /// Stable key, e.g. `quota`.
    pub key: String,
    /// What it is, in words.
    pub label: String,
    /// The value.
    pub value: FactValue,
}

/// A fact's value: its `unit` (`money`, `percent`, `days`, `count`, `ratio`, `date`, `text`) and
/// the value as sent. The shared `plumbline_coach::Value` is adjacently tagged, whose decoder
/// can buffer the value before reading the tag: a second decoder of every unit in the WASM.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct FactValue {
    /// The unit.
    pub unit: String,
    /// The value.
    pub value: Raw,
}

/// A fact's value as JSON holds it: money, a whole number, or text (amounts, percentages,
/// ratios and dates are strings).
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Raw {
    /// An amount in a currency.
    Money(rust_decimal::Decimal, String),
    /// Days or a count.
    Number(i64),
    /// Everything else, exactly as sent.
    Text(String),
}

impl<'de> serde::Deserialize<'de> for Raw {
    fn deserialize<D: serde::Deserializer<'de>>(value: D) -> Result<Self, D::Error> {
        value.deserialize_any(RawVisitor)
    }
}

struct RawVisitor;

impl<'de> serde::de::Visitor<'de> for RawVisitor {
    type Value = Raw;

    fn expecting(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str("money, a number or text")
    }

    fn visit_str<E: serde::de::Error>(self, v: &str) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_owned()))
    }

    fn visit_i64<E: serde::de::Error>(self, v: i64) -> Result<Raw, E> {
        Ok(Raw::Number(v))
    }

    fn visit_u64<E: serde::de::Error>(self, v: u64) -> Result<Raw, E> {
        i64::try_from(v).map(Raw::Number).map_err(E::custom)
    }

    fn visit_f64<E: serde::de::Error>(self, v: f64) -> Result<Raw, E> {
        Ok(Raw::Text(v.to_string()))
    }

    fn visit_map<A: serde::de::MapAccess<'de>>(self, mut map: A) -> Result<Raw, A::Error> {
        let (mut amount, mut currency) = (None, None);
        while let Some(key) = map.next_key::<String>()? {
            match key.as_str() {
                "amount" => amount = Some(map.next_value()?),
                "currency" => currency = Some(map.next_value()?),
                _ => {
                    map.next_value::<serde::de::IgnoredAny>()?;
                }
            }
        }
        let missing = |field| <A::Error as serde::de::Error>::missing_field(field);
        Ok(Raw::Money(amount.ok_or_else(|| missing("amount"))?, currency.ok_or_else(|| missing("currency"))?))
    }
}

impl FactValue {
    /// As the reader sees it: `£1,234.50`, `41.5%`, `21 days`, `1.2x`.
    pub fn display(&self) -> String {
        let normal =
            |t: &str| t.parse::<rust_decimal::Decimal>().map_or_else(|_| t.to_owned(), |d| d.normalize().to_string());
        match (self.unit.as_str(), &self.value) {
            (_, Raw::Money(amount, currency)) => {
                plumbline_engine::format::money(*amount, &plumbline_engine::Currency::new(currency))
            }
            ("percent", Raw::Text(t)) => format!("{}%", normal(t)),
            ("ratio", Raw::Text(t)) => format!("{}x", normal(t)),
            ("days", Raw::Number(n)) => format!("{n} days"),
            (_, Raw::Number(n)) => n.to_string(),
            (_, Raw::Text(t)) => t.clone(),
        }
    }

    /// The exact value, for `data-value` (money without its symbol, percentages in points).
    pub fn raw(&self) -> String {
        match &self.value {
            Raw::Money(amount, _) => amount.to_string(),
            Raw::Number(n) => n.to_string(),
            Raw::Text(t) => t.clone(),
        }
    }
}

/// A drafted performance review (`GET /api/coach/reviews/{person}/draft`).
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ReviewDraft {
    /// Who it reviews.
    pub person_id: String,
    /// The period drafted.
    pub period: ReviewPeriod,
    /// Results, behaviours, conduct, focus.
    pub sections: Vec<ReviewSection>,
}

/// One drafted section with what it rests on.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct ReviewSection {
    /// `results`, `behaviours`, `conduct` or `focus`.
    pub key: String,
    /// Heading.
    pub heading: String,
    /// The drafted text.
    pub text: String,
    /// The numbers and records behind it.
    pub evidence: Evidence,
}

/// Who a finding is about.
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct CoachSubject {
    /// Person id.
    pub person_id: String,
}

#[derive(serde::Deserialize)]
struct CoachMessages {
    messages: Vec<CoachText>,
}

/// A person's coaching nudges (`GET /api/coach/nudges/{person_id}`).
pub async fn nudges(token: &str, person_id: &str) -> Result<Vec<CoachText>, Error> {
    let reply: CoachMessages = get(token, &format!("/coach/nudges/{}", path_segment(person_id)), &[]).await?;
    Ok(reply.messages)
}

/// This week's interventions for the caller's team (`GET /api/coach/interventions`).
pub async fn interventions(token: &str) -> Result<Vec<CoachText>, Error> {
    let reply: CoachMessages = get(token, "/coach/interventions", &[]).await?;
    Ok(reply.messages)
}

/// A drafted review of `person_id` for `from` to `to` (both `YYYY-MM-DD`; the API's defaults
/// when `None`).
pub async fn review_draft(
    token: &str,
    person_id: &str,
    from: Option<&str>,
    to: Option<&str>,
) -> Result<ReviewDraft, Error> {
    get(token, &format!("/coach/reviews/{}/draft", path_segment(person_id)), &[("from", from), ("to", to)]).await
}

/// A person's saved reviews.
pub async fn reviews(token: &str, person_id: &str) -> Result<Vec<SavedReview>, Error> {
    get(token, &format!("/coach/reviews/{}", path_segment(person_id)), &[]).await
}

/// Saves a drafted review with the manager's texts (audited).
pub async fn save_review(token: &str, person_id: &str, request: &SaveReviewRequest) -> Result<SavedReview, Error> {
    post(token, &format!("/coach/reviews/{}", path_segment(person_id)), request).await
}

/// Edits a saved review (audited; refused if `request.version` is not the latest).
pub async fn edit_review(
    token: &str,
    person_id: &str,
    review_id: &str,
    request: &EditReviewRequest,
) -> Result<SavedReview, Error> {
    let path = format!("/coach/reviews/{}/{}", path_segment(person_id), path_segment(review_id));
    let body = serde_json::to_string(request).map_err(|e| Error::Decode(e.to_string()))?;
    decode(&exchange(Method::Put, Some(token), &path, Vec::new(), Some(body)).await?)
}

/// Pipeline hygiene in numbers (the part of the coach's summary the app shows).
#[derive(Debug, Clone, PartialEq, Eq, serde::Deserialize)]
pub struct Hygiene {
    /// Open deals.
    pub open_deals: usize,
    /// Open deals with at least one flag.
    pub flagged_deals: usize,
    /// Flags per rule.
    pub by_rule: std::collections::BTreeMap<String, usize>,
    /// Reps whose record says they are over-optimistic.
    pub over_optimistic_reps: Vec<String>,
}

/// Leadership's risk view (`GET /api/coach/risk`): the forecasts, the downside messages and
/// pipeline hygiene.
#[derive(Debug, Clone, PartialEq, serde::Deserialize)]
pub struct Risk {
    /// Where the downside sits, in words.
    pub messages: Vec<CoachText>,
    /// P10/P50/P90 per month, team and firm, per currency.
    pub forecasts: Vec<plumbline_pipeline::CurrencyForecast>,
    /// Hygiene of the open pipeline.
    pub hygiene: Hygiene,
    /// Names of the accounts and teams the forecasts name, by id.
    pub names: std::collections::BTreeMap<String, String>,
}

/// The firm's forecast, downside and hygiene.
pub async fn risk(token: &str) -> Result<Risk, Error> {
    get(token, "/coach/risk", &[]).await
}

/// Every item of a paged list.
async fn all_pages<T: DeserializeOwned>(
    token: &str,
    path: &str,
    query: &[(&str, Option<&str>)],
) -> Result<Vec<T>, Error> {
    Ok(every_page(token, path, query).await?.items)
}

/// Every page of a paged list as one, with the names all its pages gave.
async fn every_page<T: DeserializeOwned>(
    token: &str,
    path: &str,
    query: &[(&str, Option<&str>)],
) -> Result<Page<T>, Error> {
    let mut all = Page::new(Vec::new(), None);
    let mut cursor: Option<String> = None;
    loop {
        let mut q = query.to_vec();
        q.push(("limit", Some("500")));
        q.push(("cursor", cursor.as_deref()));
        let page: Page<T> = get(token, path, &q).await?;
        all.items.extend(page.items);
        all.names.extend(page.names);
        match page.next {
            Some(next) => cursor = Some(next),
            None => return Ok(all),
        }
    }
}

/// `GET /api{path}` with the bearer token and the query pairs that have a value.
async fn get<T: DeserializeOwned>(token: &str, path: &str, query: &[(&str, Option<&str>)]) -> Result<T, Error> {
    let query: Vec<(String, String)> =
        query.iter().filter_map(|(k, v)| v.map(|v| ((*k).to_owned(), v.to_owned()))).collect();
    decode(&exchange(Method::Get, Some(token), path, query, None).await?)
}

/// `POST /api{path}` with a JSON body and the bearer token.
async fn post<B: Serialize, T: DeserializeOwned>(token: &str, path: &str, body: &B) -> Result<T, Error> {
    let body = serde_json::to_string(body).map_err(|e| Error::Decode(e.to_string()))?;
    decode(&exchange(Method::Post, Some(token), path, Vec::new(), Some(body)).await?)
}

/// Unauthenticated `GET` (sign-in).
async fn get_public<T: DeserializeOwned>(path: &str) -> Result<T, Error> {
    decode(&exchange(Method::Get, None, path, Vec::new(), None).await?)
}

/// Unauthenticated `POST` (sign-in).
async fn post_public<B: Serialize, T: DeserializeOwned>(path: &str, body: &B) -> Result<T, Error> {
    let body = serde_json::to_string(body).map_err(|e| Error::Decode(e.to_string()))?;
    decode(&exchange(Method::Post, None, path, Vec::new(), Some(body)).await?)
}

fn decode<T: DeserializeOwned>(text: &str) -> Result<T, Error> {
    serde_json::from_str(text).map_err(|e| Error::Decode(e.to_string()))
}

/// An error body: the usual fields and, for some refusals, `details` (listed flat: a flattened
/// `ApiError` would make serde buffer the body first).
#[derive(serde::Deserialize)]
struct ErrorBody {
    code: String,
    message: String,
    #[serde(default)]
    field: Option<String>,
    #[serde(default)]
    details: Option<serde_json::Value>,
}

#[derive(Clone, Copy)]
enum Method {
    Get,
    Post,
    Put,
}

/// Sends one request and returns the body of a 2xx answer, or the error. One boxed,
/// non-generic future for every call: only decoding is generic, which keeps the WASM small.
fn exchange(
    method: Method,
    token: Option<&str>,
    path: &str,
    query: Vec<(String, String)>,
    body: Option<String>,
) -> Pin<Box<dyn Future<Output = Result<String, Error>>>> {
    let url = format!("{API_BASE}{path}");
    let verb = match method {
        Method::Get => "GET",
        Method::Post => "POST",
        Method::Put => "PUT",
    };
    let route = format!("{verb} /api{path}");
    let auth = token.map(|t| format!("Bearer {t}"));
    Box::pin(async move {
        let mut builder = match method {
            Method::Get => Request::get(&url),
            Method::Post => Request::post(&url),
            Method::Put => Request::put(&url),
        }
        .header("Accept", "application/json")
        .query(query.iter().map(|(k, v)| (k.as_str(), v.as_str())));
        if let Some(auth) = &auth {
            builder = builder.header("Authorization", auth);
        }
        let request = match body {
            Some(body) => builder.header("Content-Type", "application/json").body(body),
            None => builder.build(),
        }
        .map_err(|e| Error::Decode(e.to_string()))?;
        let response = request.send().await.map_err(|e| Error::Network(e.to_string()))?;
        let status = response.status();
        let text = response.text().await.map_err(|e| Error::Network(e.to_string()))?;
        if response.ok() {
            return Ok(text);
        }
        let (error, details) = match serde_json::from_str::<ErrorBody>(&text) {
            Ok(ErrorBody { code, message, field, details }) => (ApiError { code, message, field }, details),
            Err(_) => {
                let message = fallback_message(status, &response.status_text());
                (ApiError { code: format!("http_{status}"), message, field: None }, None)
            }
        };
        // The API's fallback answers unknown routes with exactly this message.
        if status == 404 && error.message == "route not found" {
            return Err(Error::MissingRoute(route));
        }
        Err(Error::Api { status, error, details })
    })
}

fn fallback_message(status: u16, status_text: &str) -> String {
    match status {
        401 => "Your session has ended. Please sign in again.".to_owned(),
        502..=504 => "The API is not available right now. Please try again in a moment.".to_owned(),
        _ if status_text.is_empty() => format!("The server answered with status {status}."),
        _ => format!("The server answered {status} {status_text}."),
    }
}

/// Percent-encodes everything but unreserved characters, for use as one path segment (or one
/// query or form value).
pub(crate) fn path_segment(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len());
    for byte in raw.bytes() {
        if byte.is_ascii_alphanumeric() || matches!(byte, b'-' | b'_' | b'.' | b'~') {
            out.push(byte as char);
        } else {
            out.push_str(&format!("%{byte:02X}"));
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn rows(seqs: impl IntoIterator<Item = u64>) -> Vec<AuditRow> {
        seqs.into_iter()
            .map(|seq| AuditRow {
                seq,
                at: String::new(),
                actor: String::new(),
                role: String::new(),
                action: String::new(),
                entity: String::new(),
                reason: String::new(),
            })
            .collect()
    }

    fn seqs(page: &AuditPage) -> Vec<u64> {
        page.rows.iter().map(|r| r.seq).collect()
    }

    #[test]
    fn audit_pages_run_newest_first_with_their_neighbours() {
        // 250 records in pages of 100, as the server answers them.
        let newest = audit_page(AuditFrom::Newest, Page::new(rows((151..=250).rev()), Some("151".into())));
        assert_eq!((seqs(&newest)[0], newest.older, newest.newer), (250, Some(151), None));
        let last = audit_page(AuditFrom::Before(51), Page::new(rows((1..=50).rev()), None));
        assert_eq!((last.rows.len(), last.older, last.newer), (50, None, Some(50)));
        let up = audit_page(AuditFrom::After(50), Page::new(rows(51..=150), Some("150".into())));
        assert_eq!((seqs(&up)[0], seqs(&up)[99], up.older, up.newer), (150, 51, Some(51), Some(150)));
        let top = audit_page(AuditFrom::After(150), Page::new(rows(151..=250), None));
        assert_eq!((top.older, top.newer), (Some(151), None));
        let empty = audit_page(AuditFrom::Newest, Page::new(Vec::new(), None));
        assert_eq!((empty.older, empty.newer), (None, None));
    }

    #[test]
    fn changes_read_the_shared_wire_form() {
        use plumbline_firm::workflow::ProposedChange;
        let read = |change: ProposedChange| -> Change {
            serde_json::from_value(serde_json::to_value(change).unwrap()).unwrap()
        };
        let year = chrono::NaiveDate::from_ymd_opt(2027, 1, 1).unwrap();
        let quota = read(ProposedChange::QuotaChange {
            person_id: "P1".into(),
            year_start: year,
            amount: "1000.50".parse().unwrap(),
        });
        assert_eq!((quota.kind.as_str(), quota.person_id.as_deref()), ("quota_change", Some("P1")));
        assert_eq!((quota.year_start, quota.amount), (Some(year), Some("1000.50".parse().unwrap())));
        let adjustment = read(ProposedChange::ManualAdjustment {
            person_id: "P2".into(),
            component_id: "fee-revenue".into(),
            period: "2026-10".into(),
            amount: "-500".parse().unwrap(),
            dispute_id: None,
        });
        let names = Names::from([("P2".to_owned(), "Ada Lovelace".to_owned())]);
        assert_eq!(
            crate::pages::approvals::change_summary(&adjustment, &names),
            "Adjustment of -500 to Ada Lovelace's fee-revenue for 2026-10"
        );
        assert_eq!(
            crate::pages::approvals::change_summary(&adjustment, &Names::new()),
            "Adjustment of -500 to P2's fee-revenue for 2026-10",
            "someone the caller may not see stays an id"
        );
        let quotas =
            read(ProposedChange::QuotaAllocation { year_start: year, basis: "data-driven".into(), quotas: Vec::new() });
        assert_eq!((quotas.quotas, quotas.basis.as_deref()), (0, Some("data-driven")));
    }

    #[test]
    fn import_jobs_read_the_shared_wire_form() {
        use plumbline_firm::imports::{ImportRejected, Step};
        let step = |s: Step| -> ImportStep { serde_json::from_value(serde_json::to_value(s).unwrap()).unwrap() };
        let applying = step(Step::Applying { records: 3, of: 10, written: 7, total: 21 });
        assert_eq!(
            (applying.step.as_str(), applying.records, applying.of, applying.written, applying.total),
            ("applying", 3, 10, 7, 21)
        );
        assert_eq!(step(Step::Loading).step, "loading");
        let read =
            |r: ImportRejected| -> Rejection { serde_json::from_value(serde_json::to_value(&r).unwrap()).unwrap() };
        for shared in [
            ImportRejected::Forbidden { role: "rep".into(), kind: "people".into() },
            ImportRejected::Interrupted { file: "a.csv".into(), applied_writes: 40, message: "timeout".into() },
            ImportRejected::Store { message: "down".into() },
            ImportRejected::Invalid { file: "a.csv".into(), problems: Vec::new() },
        ] {
            assert_eq!(read(shared.clone()).to_string(), shared.to_string());
        }
    }

    #[test]
    fn resolutions_read_the_shared_wire_form() {
        use plumbline_firm::workflow::Resolution as Shared;
        let read = |r: Shared| -> Resolution { serde_json::from_value(serde_json::to_value(r).unwrap()).unwrap() };
        let paid = read(Shared::Adjustment {
            amount: "120.50".parse().unwrap(),
            text: "missed deal".into(),
            proposal_id: "PR1".into(),
        });
        assert_eq!(
            (paid.kind.as_str(), paid.amount, paid.proposal_id.as_deref()),
            ("adjustment", Some("120.50".parse().unwrap()), Some("PR1"))
        );
        let explained = read(Shared::Explanation { text: "it stands".into() });
        assert_eq!(
            (explained.kind.as_str(), explained.text.as_str(), explained.amount),
            ("explanation", "it stands", None)
        );
    }

    #[test]
    fn fact_values_read_and_show_as_the_shared_value_does() {
        use plumbline_coach::{Money, Value};
        let date = chrono::NaiveDate::from_ymd_opt(2026, 11, 5).unwrap();
        for shared in [
            Value::Money(Money { amount: "1234.50".parse().unwrap(), currency: "GBP".into() }),
            Value::Percent("41.50".parse().unwrap()),
            Value::Days(21),
            Value::Count(-3),
            Value::Ratio("1.20".parse().unwrap()),
            Value::Date(date),
            Value::Text("Proposal".into()),
        ] {
            let mine: FactValue = serde_json::from_value(serde_json::to_value(&shared).unwrap()).unwrap();
            assert_eq!(mine.display(), shared.display(), "{shared:?}");
        }
        let money: FactValue =
            serde_json::from_str(r#"{"unit":"money","value":{"amount":"1234.50","currency":"GBP"}}"#).unwrap();
        assert_eq!(money.raw(), "1234.50");
        let percent: FactValue = serde_json::from_str(r#"{"value":"41.5","unit":"percent"}"#).unwrap();
        assert_eq!((percent.raw(), percent.display()), ("41.5".to_owned(), "41.5%".to_owned()));
    }

    #[test]
    fn path_segments_are_encoded() {
        assert_eq!(path_segment("P0042"), "P0042");
        assert_eq!(path_segment("a/b c"), "a%2Fb%20c");
    }
}
