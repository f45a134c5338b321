//! Records of a firm: organisation, clients and assets, pipeline, activity and conduct.
//!
//! Every record is plain serde data with a stable string id, so it can be written as CSV or
//! JSON, stored as an item, and sent to the browser unchanged.

use chrono::NaiveDate;
use plumbline_engine::{Currency, Plan, Transaction};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// Firm-wide settings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FirmSettings {
    /// The firm's name.
    pub name: String,
    /// The date the data describes; "today" for statements, pipeline and coaching.
    pub as_of: NaiveDate,
    /// Reporting currency.
    pub base_currency: Currency,
    /// Month (1-12) the fiscal year starts.
    pub fiscal_year_start_month: u32,
}

/// The firm's settings as stored (`FIRM`/`SETTINGS`) and imported: without `as_of` the
/// firm's "today" is the clock's date (a deployed firm); with it, that fixed date (the demo
/// firm, tests). Reads turn it into [`FirmSettings`] with [`StoredSettings::resolve`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct StoredSettings {
    /// The firm's name.
    pub name: String,
    /// A fixed "today", when the data describes a past date; absent means the clock's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub as_of: Option<NaiveDate>,
    /// Reporting currency.
    pub base_currency: Currency,
    /// Month (1-12) the fiscal year starts.
    pub fiscal_year_start_month: u32,
}

impl StoredSettings {
    /// The settings with `as_of` fixed: the stored date, else `today`.
    pub fn resolve(self, today: NaiveDate) -> FirmSettings {
        FirmSettings {
            name: self.name,
            as_of: self.as_of.unwrap_or(today),
            base_currency: self.base_currency,
            fiscal_year_start_month: self.fiscal_year_start_month,
        }
    }
}

/// What a person may do in Plumbline.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Role {
    /// A seller or adviser: sees their own data.
    Rep,
    /// Leads a team: sees their reporting subtree.
    Manager,
    /// Designs plans and runs simulations.
    Designer,
    /// Records conduct events, decides malus and clawback, reads the audit log.
    Compliance,
    /// Manages people and imports.
    Admin,
    /// Reads everything, changes nothing.
    Leadership,
}

impl Role {
    /// Every role, in display order.
    pub const ALL: [Role; 6] =
        [Role::Rep, Role::Manager, Role::Designer, Role::Compliance, Role::Admin, Role::Leadership];

    /// The role's lower-case name.
    pub fn as_str(self) -> &'static str {
        match self {
            Role::Rep => "rep",
            Role::Manager => "manager",
            Role::Designer => "designer",
            Role::Compliance => "compliance",
            Role::Admin => "admin",
            Role::Leadership => "leadership",
        }
    }
}

/// A line of business with its own sales force.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Division {
    /// Private clients' advisers, paid on fee revenue and net new assets.
    Wealth,
    /// Custody, fund administration and depositary sales, paid on bookings.
    AssetServicing,
}

/// A person in the firm.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Person {
    /// Stable id, e.g. `P0042`.
    pub id: String,
    /// Full name.
    pub name: String,
    /// Work e-mail.
    pub email: String,
    /// Their role in Plumbline.
    pub role: Role,
    /// Job title.
    pub title: String,
    /// Division, for sales people and their managers.
    pub division: Option<Division>,
    /// Team, for sales people and their managers.
    pub team_id: Option<String>,
    /// Direct manager.
    pub manager_id: Option<String>,
    /// Region or office.
    pub region: String,
    /// First day of employment.
    pub hire_date: NaiveDate,
    /// Annual fixed pay.
    pub fixed_pay: Decimal,
    /// Currency of pay.
    pub currency: Currency,
    /// Holds a regulated, client-facing role.
    pub regulated: bool,
}

/// A sales team or region.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Team {
    /// Stable id, e.g. `T-WM-1`.
    pub id: String,
    /// Display name.
    pub name: String,
    /// Division.
    pub division: Division,
    /// Region or office.
    pub region: String,
    /// The team's manager.
    pub manager_id: String,
}

/// A client (wealth) or an institution (asset servicing).
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Client {
    /// Stable id, e.g. `C00017`.
    pub id: String,
    /// Name.
    pub name: String,
    /// Division serving the client.
    pub division: Division,
    /// Segment, e.g. `affluent`, `hnw`, `uhnw`, `pension fund`, `asset manager`.
    pub segment: String,
    /// Relationship owner.
    pub owner_id: String,
    /// Region.
    pub region: String,
    /// E-mail domain, used to link calendar invites to the client.
    pub domain: String,
    /// When the relationship began.
    pub since: NaiveDate,
    /// Estimated total wallet (investable assets or servicing fees) in `currency`.
    pub wallet_estimate: Decimal,
    /// Currency of the client's figures.
    pub currency: Currency,
}

/// Assets under management of a client at a month end.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AumSnapshot {
    /// The client.
    pub client_id: String,
    /// Month-end date.
    pub date: NaiveDate,
    /// Market value.
    pub aum: Decimal,
    /// Currency.
    pub currency: Currency,
}

/// Direction of a money movement.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum FlowDirection {
    /// Money in.
    In,
    /// Money out.
    Out,
}

/// A client's deposit or withdrawal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Flow {
    /// Stable id.
    pub id: String,
    /// The client.
    pub client_id: String,
    /// Value date.
    pub date: NaiveDate,
    /// In or out.
    pub direction: FlowDirection,
    /// Amount, always positive.
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
}

/// A pipeline stage.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    /// First contact, need not yet qualified.
    Prospecting,
    /// Need and budget confirmed.
    Qualification,
    /// Solution or proposal presented.
    Proposal,
    /// Terms under negotiation.
    Negotiation,
    /// Won.
    ClosedWon,
    /// Lost.
    ClosedLost,
}

impl Stage {
    /// Whether the opportunity is still open in this stage.
    pub fn is_open(self) -> bool {
        !matches!(self, Stage::ClosedWon | Stage::ClosedLost)
    }
}

/// A rep's forecast call on an opportunity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ForecastCategory {
    /// Counted on.
    Commit,
    /// Could close this period.
    BestCase,
    /// Early.
    Pipeline,
}

/// A sales opportunity, as it stands on the firm's as-of date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Opportunity {
    /// Stable id, e.g. `O000123`.
    pub id: String,
    /// The seller who owns it.
    pub owner_id: String,
    /// The client or prospect.
    pub client_id: String,
    /// Short description.
    pub name: String,
    /// Product or service.
    pub product: String,
    /// Expected value (wealth: new assets; asset servicing: annual fee value).
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
    /// Current stage.
    pub stage: Stage,
    /// When it was opened.
    pub created: NaiveDate,
    /// Expected (open) or actual (closed) close date.
    pub close_date: NaiveDate,
    /// The rep's stated probability, 0-100.
    pub probability: u8,
    /// The rep's forecast call.
    pub forecast_category: ForecastCategory,
}

/// What changed in an opportunity's history.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum OpportunityField {
    /// The stage moved.
    Stage,
    /// The expected close date moved.
    CloseDate,
    /// The amount changed.
    Amount,
}

/// One change in an opportunity's history.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OpportunityChange {
    /// The opportunity.
    pub opportunity_id: String,
    /// When it changed.
    pub date: NaiveDate,
    /// What changed.
    pub field: OpportunityField,
    /// Old value as text (empty when the opportunity was created).
    pub from: String,
    /// New value as text.
    pub to: String,
}

/// Kinds of sales activity.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ActivityKind {
    /// A phone or video call.
    Call,
    /// An in-person meeting.
    Meeting,
    /// An e-mail exchange.
    Email,
    /// A portfolio or service review.
    Review,
}

/// A logged sales activity.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Activity {
    /// Stable id.
    pub id: String,
    /// When.
    pub date: NaiveDate,
    /// Who did it.
    pub person_id: String,
    /// With which client.
    pub client_id: String,
    /// About which opportunity, if any.
    pub opportunity_id: Option<String>,
    /// What kind.
    pub kind: ActivityKind,
}

/// Kinds of conduct and compliance events.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ComplianceKind {
    /// A client complaint upheld against the person.
    ComplaintUpheld,
    /// A file review found the advice file deficient.
    FileReviewFailure,
    /// A finding of mis-selling.
    MisSelling,
    /// Mandatory training not completed on time.
    OverdueTraining,
}

/// How serious a compliance event is.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum Severity {
    /// Reduces variable pay by plan rule.
    Minor,
    /// Can forfeit the period's variable pay.
    Major,
}

/// A conduct or compliance event recorded against a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ComplianceEvent {
    /// Stable id.
    pub id: String,
    /// The person concerned.
    pub person_id: String,
    /// When it was recorded.
    pub date: NaiveDate,
    /// What happened.
    pub kind: ComplianceKind,
    /// How serious it is.
    pub severity: Severity,
    /// Short description.
    pub description: String,
}

/// A person's annual quota.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Quota {
    /// The person.
    pub person_id: String,
    /// The plan year's first day.
    pub year_start: NaiveDate,
    /// Annual target in `currency`.
    pub amount: Decimal,
    /// Currency.
    pub currency: Currency,
}

/// An effective-dated assignment of a plan version to a person.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct PlanAssignment {
    /// The payee.
    pub person_id: String,
    /// The plan.
    pub plan_id: String,
    /// The plan version.
    pub plan_version: u32,
    /// First day of the assignment.
    pub from: NaiveDate,
    /// Last day, if it ends.
    pub to: Option<NaiveDate>,
}

/// A whole firm: everything the demo generator writes and the store is seeded with.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Firm {
    /// Settings.
    pub settings: FirmSettings,
    /// People, managers first.
    pub people: Vec<Person>,
    /// Teams and regions.
    pub teams: Vec<Team>,
    /// Clients and institutions.
    pub clients: Vec<Client>,
    /// Month-end AUM per client (wealth).
    pub aum: Vec<AumSnapshot>,
    /// Client flows (wealth).
    pub flows: Vec<Flow>,
    /// Transactions that earn credit.
    pub transactions: Vec<Transaction>,
    /// Opportunities as of the as-of date.
    pub opportunities: Vec<Opportunity>,
    /// Their history.
    pub opportunity_history: Vec<OpportunityChange>,
    /// Activities.
    pub activities: Vec<Activity>,
    /// Compliance events.
    pub compliance_events: Vec<ComplianceEvent>,
    /// Annual quotas.
    pub quotas: Vec<Quota>,
    /// Plan versions.
    pub plans: Vec<Plan>,
    /// Plan assignments.
    pub assignments: Vec<PlanAssignment>,
}
