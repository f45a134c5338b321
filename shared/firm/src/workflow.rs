//! Workflow records: proposals and their approval chains, disputes, and the manual
//! adjustments that approved proposals and resolved disputes pay in a later statement.

use crate::records::Role;
use chrono::NaiveDate;
use plumbline_engine::Plan;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What kind of change a proposal asks for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalKind {
    /// A new plan, or a new version of an existing plan.
    PlanVersion,
    /// A new annual quota for a person and plan year.
    QuotaChange,
    /// A one-off amount paid (or recovered) in a person's next statement, including malus
    /// and clawback decisions.
    ManualAdjustment,
    /// Next plan year's quotas for every seller of a scope, from the planning allocation.
    QuotaAllocation,
    /// New owners for a scope's accounts, from the territory balancer.
    TerritoryMap,
}

impl ProposalKind {
    /// Every kind.
    pub const ALL: [ProposalKind; 5] = [
        ProposalKind::PlanVersion,
        ProposalKind::QuotaChange,
        ProposalKind::ManualAdjustment,
        ProposalKind::QuotaAllocation,
        ProposalKind::TerritoryMap,
    ];
}

/// One seller's quota in a [`ProposedChange::QuotaAllocation`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct AllocatedQuota {
    /// The seller.
    pub person_id: String,
    /// The annual quota.
    pub amount: Decimal,
}

/// One account changing owner in a [`ProposedChange::TerritoryMap`].
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct OwnerChange {
    /// The client (account).
    pub client_id: String,
    /// Its owner when proposed; the move is refused if that changed meanwhile.
    pub from: String,
    /// Its new owner.
    pub to: String,
    /// Why it moves, from the balancer.
    pub reason: String,
}

/// The change itself, applied when the last approval step is approved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ProposedChange {
    /// Store this plan version; its `version` must follow the latest stored one.
    PlanVersion {
        /// The full plan document.
        plan: Box<Plan>,
    },
    /// Set a person's annual quota for the plan year starting `year_start`.
    QuotaChange {
        /// The person.
        person_id: String,
        /// First day of the plan year.
        year_start: NaiveDate,
        /// The new annual quota.
        amount: Decimal,
    },
    /// Pay `amount` (negative to recover) on a plan component in a later statement.
    ManualAdjustment {
        /// The person.
        person_id: String,
        /// The plan component whose line carries the adjustment.
        component_id: String,
        /// The statement month the adjustment is about, `YYYY-MM`.
        period: String,
        /// The amount in the plan's currency; negative for malus or clawback.
        amount: Decimal,
        /// The dispute this settles, if any.
        #[serde(default, skip_serializing_if = "Option::is_none")]
        dispute_id: Option<String>,
    },
    /// Set the annual quotas of the plan year starting `year_start` for several sellers at once.
    QuotaAllocation {
        /// First day of the plan year.
        year_start: NaiveDate,
        /// Which allocation of which scope, e.g. `Data-driven (blend ...), division wealth`.
        basis: String,
        /// One quota per seller.
        quotas: Vec<AllocatedQuota>,
    },
    /// Give accounts new owners.
    TerritoryMap {
        /// The plan year the map is for.
        year_start: NaiveDate,
        /// What produced it, e.g. the scope and the balancer's summary.
        basis: String,
        /// The accounts that move.
        moves: Vec<OwnerChange>,
    },
}

impl ProposedChange {
    /// The kind of this change.
    pub fn kind(&self) -> ProposalKind {
        match self {
            ProposedChange::PlanVersion { .. } => ProposalKind::PlanVersion,
            ProposedChange::QuotaChange { .. } => ProposalKind::QuotaChange,
            ProposedChange::ManualAdjustment { .. } => ProposalKind::ManualAdjustment,
            ProposedChange::QuotaAllocation { .. } => ProposalKind::QuotaAllocation,
            ProposedChange::TerritoryMap { .. } => ProposalKind::TerritoryMap,
        }
    }

    /// The person the change is about, if it is about one person.
    pub fn subject(&self) -> Option<&str> {
        match self {
            ProposedChange::PlanVersion { .. }
            | ProposedChange::QuotaAllocation { .. }
            | ProposedChange::TerritoryMap { .. } => None,
            ProposedChange::QuotaChange { person_id, .. } | ProposedChange::ManualAdjustment { person_id, .. } => {
                Some(person_id)
            }
        }
    }
}

/// One step of an approval chain: any one person in one of these roles may approve it.
/// A `manager` step needs a manager of the person the change is about, when there is one.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApprovalStep {
    /// Roles that may approve this step.
    pub roles: Vec<Role>,
}

/// The approval chain for one kind of proposal.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApprovalChain {
    /// The kind of proposal.
    pub kind: ProposalKind,
    /// Steps in order; all must approve.
    pub steps: Vec<ApprovalStep>,
}

/// The firm's approval chains, one per proposal kind.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ApprovalPolicy {
    /// One chain per kind.
    pub chains: Vec<ApprovalChain>,
}

impl Default for ApprovalPolicy {
    /// Manager first, then the function that owns the rules: the designer for quotas and
    /// adjustments, compliance for plan versions, quota allocations and territory maps
    /// (incentive schemes and targets need a conduct-risk sign-off).
    fn default() -> Self {
        let step = |roles: &[Role]| ApprovalStep { roles: roles.to_vec() };
        ApprovalPolicy {
            chains: vec![
                ApprovalChain {
                    kind: ProposalKind::PlanVersion,
                    steps: vec![step(&[Role::Manager]), step(&[Role::Compliance])],
                },
                ApprovalChain {
                    kind: ProposalKind::QuotaChange,
                    steps: vec![step(&[Role::Manager]), step(&[Role::Designer])],
                },
                ApprovalChain {
                    kind: ProposalKind::ManualAdjustment,
                    steps: vec![step(&[Role::Manager]), step(&[Role::Designer])],
                },
                // Targets and books for a whole scope change what everyone in it is paid for:
                // the same sign-off as a plan version.
                ApprovalChain {
                    kind: ProposalKind::QuotaAllocation,
                    steps: vec![step(&[Role::Manager]), step(&[Role::Compliance])],
                },
                ApprovalChain {
                    kind: ProposalKind::TerritoryMap,
                    steps: vec![step(&[Role::Manager]), step(&[Role::Compliance])],
                },
            ],
        }
    }
}

impl ApprovalPolicy {
    /// The steps for a kind; an empty chain when the policy names none.
    pub fn steps(&self, kind: ProposalKind) -> &[ApprovalStep] {
        self.chains.iter().find(|c| c.kind == kind).map_or(&[], |c| &c.steps)
    }
}

/// Where a proposal stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum ProposalStatus {
    /// Waiting for the step at `decisions.len()`.
    Pending,
    /// Every step approved; the change is applied.
    Approved,
    /// A step rejected it; nothing changed.
    Rejected,
}

/// One approver's decision.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Decision {
    /// Who decided.
    pub by: String,
    /// In which role.
    pub role: Role,
    /// Approved or not.
    pub approve: bool,
    /// Their comment.
    pub comment: String,
    /// When, RFC 3339.
    pub at: String,
}

/// The simulated cost of a proposal: statement totals with and without it.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct CostImpact {
    /// What was simulated, in plain words.
    pub basis: String,
    /// Payees simulated.
    pub payees: usize,
    /// Total pay without the change.
    pub before: Decimal,
    /// Total pay with it.
    pub after: Decimal,
    /// after - before.
    pub delta: Decimal,
    /// Currency of the figures.
    pub currency: String,
}

/// A change waiting for, or past, its approval chain.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Proposal {
    /// Stable id.
    pub id: String,
    /// The change.
    pub change: ProposedChange,
    /// Why it is proposed.
    pub reason: String,
    /// Who proposed it.
    pub proposed_by: String,
    /// Their role.
    pub proposer_role: Role,
    /// When, RFC 3339.
    pub proposed_at: String,
    /// The chain it must pass, copied from the policy when proposed.
    pub steps: Vec<ApprovalStep>,
    /// Decisions so far, one per step reached.
    pub decisions: Vec<Decision>,
    /// Where it stands.
    pub status: ProposalStatus,
    /// The simulated cost, computed when proposed.
    pub cost_impact: Option<CostImpact>,
}

impl Proposal {
    /// The step waiting for a decision, if the proposal is pending.
    pub fn current_step(&self) -> Option<&ApprovalStep> {
        if self.status == ProposalStatus::Pending { self.steps.get(self.decisions.len()) } else { None }
    }

    /// The people the proposal mentions by id: its proposer, its deciders and the person the
    /// change is for.
    pub fn mentions(&self) -> impl Iterator<Item = &str> {
        std::iter::once(self.proposed_by.as_str())
            .chain(self.decisions.iter().map(|d| d.by.as_str()))
            .chain(self.change.subject())
    }
}

/// Where a dispute stands.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum DisputeStatus {
    /// Waiting for the manager.
    Open,
    /// The manager proposed an adjustment; waiting for its approval.
    AdjustmentProposed,
    /// Closed with an explanation, or with an approved adjustment.
    Resolved,
    /// The proposed adjustment was rejected; back with the manager.
    Reopened,
}

/// How a dispute was resolved.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case")]
pub enum Resolution {
    /// The statement stands; here is why.
    Explanation {
        /// The explanation.
        text: String,
    },
    /// An adjustment is paid in a later statement (through an approved proposal).
    Adjustment {
        /// The amount, in the plan's currency.
        amount: Decimal,
        /// Why.
        text: String,
        /// The proposal carrying it.
        proposal_id: String,
    },
}

/// A rep's dispute of one statement line.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Dispute {
    /// Stable id.
    pub id: String,
    /// The person disputing their statement.
    pub person_id: String,
    /// Statement month, `YYYY-MM`.
    pub period: String,
    /// The disputed line's component.
    pub component_id: String,
    /// The rep's comment.
    pub comment: String,
    /// Who it is routed to: the person's manager.
    pub assigned_to: Option<String>,
    /// When raised, RFC 3339.
    pub raised_at: String,
    /// Where it stands.
    pub status: DisputeStatus,
    /// How it was resolved, once it is.
    pub resolution: Option<Resolution>,
    /// Who resolved it.
    pub resolved_by: Option<String>,
}

/// An approved one-off amount paid in the statement for `pay_period`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct ManualAdjustment {
    /// Stable id (the proposal's).
    pub id: String,
    /// The payee.
    pub person_id: String,
    /// The component line it adjusts.
    pub component_id: String,
    /// The month it is about.
    pub about_period: String,
    /// The month whose statement pays it, `YYYY-MM`.
    pub pay_period: String,
    /// The amount; negative recovers.
    pub amount: Decimal,
    /// Why, in the approver's chain's words.
    pub reason: String,
    /// The dispute it settles, if any.
    pub dispute_id: Option<String>,
}
