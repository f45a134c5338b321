//! Request and response shapes of the HTTP API, shared by the functions and the app.

use crate::records::{ComplianceKind, Division, Role, Severity};
use crate::workflow::{ManualAdjustment, ProposedChange};
use chrono::NaiveDate;
use plumbline_engine::plan::PlanProblem;
use plumbline_engine::{Credit, Currency, Transaction};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// A person one can sign in as in local demo mode.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Persona {
    /// The person's id.
    pub person_id: String,
    /// Name.
    pub name: String,
    /// Role.
    pub role: Role,
    /// Job title.
    pub title: String,
    /// Division, if any.
    pub division: Option<Division>,
    /// Team name, if any.
    pub team: Option<String>,
}

/// Ask the local development issuer for a token.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DevTokenRequest {
    /// Who to sign in as.
    pub person_id: String,
}

/// A bearer token and who it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TokenResponse {
    /// The JWT to send as `Authorization: Bearer ...`.
    pub token: String,
    /// Who the token is for.
    pub persona: Persona,
}

/// An API error: a stable code, a message, and the field at fault when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApiError {
    /// Stable machine-readable code, e.g. `not_found`.
    pub code: String,
    /// Plain-language message.
    pub message: String,
    /// The request field, path or JSON path at fault.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub field: Option<String>,
}

/// A payee's statement for a period, with whom it is for.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StatementResponse {
    /// The payee.
    pub person: Persona,
    /// The firm's as-of date ("today" for the demo firm).
    pub as_of: chrono::NaiveDate,
    /// The statement computed by the engine.
    pub statement: plumbline_engine::Statement,
    /// Approved manual adjustments this statement pays (already inside its adjustment lines).
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub adjustments: Vec<ManualAdjustment>,
}

/// `GET /api/health`: the server answers.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Health {
    /// `ok`.
    pub status: String,
}

/// One page of a long list. Pass `next` back as `cursor` for the following page.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Page<T> {
    /// The items, in the list's order.
    pub items: Vec<T>,
    /// Opaque cursor of the next page; absent on the last page.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub next: Option<String>,
    /// Names of the people the items mention, by id, for lists whose readers may not see those
    /// people in the directory (a designer who proposed a change, to the manager deciding it).
    #[serde(default, skip_serializing_if = "BTreeMap::is_empty")]
    pub names: BTreeMap<String, String>,
}

impl<T> Page<T> {
    /// A page that names nobody.
    pub fn new(items: Vec<T>, next: Option<String>) -> Self {
        Page { items, next, names: BTreeMap::new() }
    }
}

/// A person as the caller may see them: pay figures only where the caller may read pay.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PersonView {
    /// Stable id.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Work e-mail.
    pub email: String,
    /// Role in Plumbline.
    pub role: Role,
    /// Job title.
    pub title: String,
    /// Division.
    pub division: Option<Division>,
    /// Team id.
    pub team_id: Option<String>,
    /// Direct manager's id.
    pub manager_id: Option<String>,
    /// Region or office.
    pub region: String,
    /// First day of employment.
    pub hire_date: NaiveDate,
    /// Holds a regulated role.
    pub regulated: bool,
    /// Annual fixed pay, when the caller may read this person's pay.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub fixed_pay: Option<Decimal>,
    /// Currency of pay.
    pub currency: Currency,
}

/// One person in the org chart as of a date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OrgNode {
    /// The person.
    pub person_id: String,
    /// Name.
    pub name: String,
    /// Title.
    pub title: String,
    /// Role.
    pub role: Role,
    /// Team id.
    pub team_id: Option<String>,
    /// Manager, if any (and visible).
    pub manager_id: Option<String>,
    /// Direct reports' ids.
    pub reports: Vec<String>,
}

/// The org chart as of a date, limited to what the caller may see.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OrgResponse {
    /// The date it describes.
    pub as_of: NaiveDate,
    /// Everyone employed on that date whom the caller may see, managers before reports.
    pub people: Vec<OrgNode>,
}

/// A plan and its stored versions.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanSummary {
    /// Plan id.
    pub id: String,
    /// Name of the latest version.
    pub name: String,
    /// Latest version number.
    pub latest_version: u32,
    /// Every version number, ascending.
    pub versions: Vec<u32>,
    /// Currency.
    pub currency: Currency,
    /// First day of the latest version.
    pub effective_from: NaiveDate,
    /// Last day of the latest version, if it ends.
    pub effective_to: Option<NaiveDate>,
}

/// The result of validating a plan document.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanValidation {
    /// Whether the plan may be proposed.
    pub valid: bool,
    /// Every problem, each at its JSON path (e.g. `components[0].tiers[1].rate`).
    pub problems: Vec<PlanProblem>,
}

/// Assign a plan version to a person from a date (ends any open assignment the day before).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AssignmentRequest {
    /// Plan id.
    pub plan_id: String,
    /// Plan version.
    pub plan_version: u32,
    /// First day.
    pub from: NaiveDate,
    /// Last day, if it ends.
    #[serde(default)]
    pub to: Option<NaiveDate>,
    /// Why.
    pub reason: String,
}

/// A transaction and the credits it gives the person asked about under their plan's rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct TransactionView {
    /// The transaction.
    pub transaction: Transaction,
    /// Its credits to the person (empty when no plan credits them on that date).
    pub credits: Vec<Credit>,
}

/// Record a conduct or compliance event.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ConductRequest {
    /// The person concerned.
    pub person_id: String,
    /// When.
    pub date: NaiveDate,
    /// What happened.
    pub kind: ComplianceKind,
    /// How serious.
    pub severity: Severity,
    /// Description.
    pub description: String,
}

/// Propose a change for approval.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ProposalRequest {
    /// The change.
    pub change: ProposedChange,
    /// Why.
    pub reason: String,
}

/// Approve or reject the step waiting on the caller.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DecisionRequest {
    /// True to approve, false to reject.
    pub approve: bool,
    /// Comment (required when rejecting).
    #[serde(default)]
    pub comment: String,
}

/// Dispute one line of one's own statement.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct DisputeRequest {
    /// Statement month, `YYYY-MM`.
    pub period: String,
    /// The line's component id.
    pub component_id: String,
    /// What is wrong, in the rep's words.
    pub comment: String,
}

/// How a manager resolves a dispute.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum ResolveRequest {
    /// The statement stands.
    Explanation {
        /// Why.
        text: String,
    },
    /// Propose an adjustment, paid in a later statement once approved.
    Adjustment {
        /// The amount; negative recovers.
        amount: Decimal,
        /// Why.
        text: String,
    },
}

/// A file to import (`POST /api/imports/{kind}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ImportUpload {
    /// The file's name, for messages and the audit log.
    pub file_name: String,
    /// The file's text (CSV; iCalendar for `calendar`; JSON for `settings` and `plans`).
    pub content: String,
    /// A column mapping (docs/imports.md), when the columns are not our field names.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub mapping: Option<serde_json::Value>,
}

/// One section of a performance review as the manager words it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ReviewSectionText {
    /// `results`, `behaviours`, `conduct` or `focus`.
    pub key: String,
    /// The text.
    pub text: String,
}

/// Save a drafted performance review (`POST /api/coach/reviews/{person_id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SaveReviewRequest {
    /// First day of the period reviewed.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// The sections as the manager edited them; sections left out keep the drafted text.
    pub sections: Vec<ReviewSectionText>,
}

/// Edit a saved review (`PUT /api/coach/reviews/{person_id}/{review_id}`).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct EditReviewRequest {
    /// The version read; a newer one is a conflict.
    pub version: u64,
    /// The sections changed.
    pub sections: Vec<ReviewSectionText>,
    /// Why, for the audit log.
    pub reason: String,
}

/// A section of a saved review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SavedReviewSection {
    /// `results`, `behaviours`, `conduct` or `focus`.
    pub key: String,
    /// Heading.
    pub heading: String,
    /// The text as saved.
    pub text: String,
    /// The text as drafted from the evidence.
    pub drafted: String,
    /// The records the draft rested on, as `kind:id` (e.g. `opportunity:O00042`).
    pub records: Vec<String>,
}

/// A saved performance review.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct SavedReview {
    /// Id.
    pub id: String,
    /// The person reviewed.
    pub person_id: String,
    /// First day of the period.
    pub from: NaiveDate,
    /// Last day.
    pub to: NaiveDate,
    /// The sections.
    pub sections: Vec<SavedReviewSection>,
    /// Store version: 1 when saved, one more per edit.
    pub version: u64,
    /// Who saved it.
    pub saved_by: String,
    /// When (RFC 3339).
    pub saved_at: String,
    /// Who edited it last, if anyone.
    pub edited_by: Option<String>,
    /// When.
    pub edited_at: Option<String>,
}
