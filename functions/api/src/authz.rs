//! Who may do what, in one place. Every route names its roles in the route table
//! (`routes::table`), checked by [`route_allows`] before any handler runs; every handler that
//! touches a record asks one of the record rules below. Records the caller may not see are
//! reported as not found, so their existence does not leak.

use crate::auth::Principal;
use plumbline_firm::workflow::{Dispute, Proposal, ProposedChange};
use plumbline_firm::{Person, Role};

/// Who may call a route at all.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Access {
    /// Anyone, signed in or not (health, the OpenAPI document).
    Public,
    /// Anyone, but only when the local development issuer is running (persona sign-in).
    Development,
    /// A signed-in caller in one of these roles.
    Roles(&'static [Role]),
}

/// Every role: routes whose records decide the rest.
pub const ANYONE: &[Role] = &Role::ALL;
/// Every role that may change something: leadership is read-only.
pub const WRITERS: &[Role] = &[Role::Rep, Role::Manager, Role::Designer, Role::Compliance, Role::Admin];
/// Roles that read the audit log.
pub const AUDITORS: &[Role] = &[Role::Compliance, Role::Leadership, Role::Admin];

/// Whether a route's access rule admits the principal's role.
pub fn route_allows(access: Access, principal: &Principal) -> bool {
    match access {
        Access::Public | Access::Development => true,
        Access::Roles(roles) => roles.contains(&principal.role),
    }
}

/// Whether `manager_id` is above `target` in the reporting lines of `people`.
pub fn manages(manager_id: &str, target: &Person, people: &[Person]) -> bool {
    let mut current = target.manager_id.as_deref();
    // The bound stops a cycle in bad data from looping forever.
    for _ in 0..people.len() {
        match current {
            Some(id) if id == manager_id => return true,
            Some(id) => current = people.iter().find(|p| p.id == id).and_then(|p| p.manager_id.as_deref()),
            None => return false,
        }
    }
    false
}

fn manager_of(principal: &Principal, target: &Person, people: &[Person]) -> bool {
    principal.role == Role::Manager && manages(&principal.person_id, target, people)
}

/// Whether the principal may read a person's pay data (statements, credits, quotas,
/// assignments, fixed pay).
///
/// Reps see their own; managers their reporting subtree; compliance and leadership everyone.
/// Designers and admins work on plans and people, not on individual pay.
pub fn may_read_pay(principal: &Principal, target: &Person, people: &[Person]) -> bool {
    if principal.person_id == target.id {
        return true;
    }
    match principal.role {
        Role::Leadership | Role::Compliance => true,
        Role::Manager => manages(&principal.person_id, target, people),
        Role::Rep | Role::Designer | Role::Admin => false,
    }
}

/// Whether the principal may see a person in the directory: reps see themselves and their
/// managers, managers their subtree and their own managers, other roles everyone.
pub fn may_see_person(principal: &Principal, target: &Person, people: &[Person]) -> bool {
    if principal.person_id == target.id {
        return true;
    }
    let me = people.iter().find(|p| p.id == principal.person_id);
    let above_me = me.is_some_and(|me| manages(&target.id, me, people));
    match principal.role {
        Role::Rep => above_me,
        Role::Manager => above_me || manages(&principal.person_id, target, people),
        Role::Designer | Role::Compliance | Role::Admin | Role::Leadership => true,
    }
}

/// Whether the principal may read business records owned by a person (pipeline): their own,
/// a manager's subtree, and every oversight role.
pub fn may_read_business(principal: &Principal, owner: &Person, people: &[Person]) -> bool {
    match principal.role {
        Role::Rep => principal.person_id == owner.id,
        Role::Manager => principal.person_id == owner.id || manages(&principal.person_id, owner, people),
        Role::Designer | Role::Compliance | Role::Admin | Role::Leadership => true,
    }
}

/// Whether the principal may read a person's conduct events: compliance and leadership, the
/// person, and their managers.
pub fn may_read_conduct(principal: &Principal, target: &Person, people: &[Person]) -> bool {
    principal.person_id == target.id
        || matches!(principal.role, Role::Compliance | Role::Leadership)
        || manager_of(principal, target, people)
}

/// Whether the principal may record a conduct event.
pub fn may_record_conduct(principal: &Principal) -> bool {
    principal.role == Role::Compliance
}

/// Whether the principal may add or change people.
pub fn may_manage_people(principal: &Principal) -> bool {
    principal.role == Role::Admin
}

/// Whether the principal may assign plans to people.
pub fn may_assign_plans(principal: &Principal) -> bool {
    matches!(principal.role, Role::Designer | Role::Admin)
}

/// Whether the principal may read a plan: reps only the plans they are or were assigned.
pub fn may_read_plan(principal: &Principal, assigned_to_caller: bool) -> bool {
    principal.role != Role::Rep || assigned_to_caller
}

/// Whether the principal may validate plan documents and propose plan versions.
pub fn may_design_plans(principal: &Principal) -> bool {
    principal.role == Role::Designer
}

/// Whether the principal may propose this change.
///
/// Plans: designers. Quotas: designers, and managers for their subtree. Manual adjustments:
/// designers, compliance (malus and clawback), and managers for their subtree. Quota
/// allocations and territory maps (whole scopes, from planning): designers.
pub fn may_propose(
    principal: &Principal,
    change: &ProposedChange,
    subject: Option<&Person>,
    people: &[Person],
) -> bool {
    let manages_subject = subject.is_some_and(|s| manager_of(principal, s, people));
    match change {
        ProposedChange::PlanVersion { .. } => principal.role == Role::Designer,
        ProposedChange::QuotaChange { .. } => principal.role == Role::Designer || manages_subject,
        ProposedChange::ManualAdjustment { .. } => {
            matches!(principal.role, Role::Designer | Role::Compliance) || manages_subject
        }
        ProposedChange::QuotaAllocation { .. } | ProposedChange::TerritoryMap { .. } => {
            principal.role == Role::Designer
        }
    }
}

/// Whether the principal may decide the step a proposal waits on: their role is on the step,
/// they did not propose it or decide an earlier step (four eyes), and a manager step about a
/// person needs one of that person's managers.
pub fn may_decide(principal: &Principal, proposal: &Proposal, subject: Option<&Person>, people: &[Person]) -> bool {
    let Some(step) = proposal.current_step() else { return false };
    if principal.person_id == proposal.proposed_by
        || proposal.decisions.iter().any(|d| d.by == principal.person_id)
        || !step.roles.contains(&principal.role)
        || subject.is_some_and(|s| s.id == principal.person_id)
    {
        return false;
    }
    principal.role != Role::Manager || subject.is_none_or(|s| manages(&principal.person_id, s, people))
}

/// Whether the principal may read a proposal: whoever proposed or decided it, the person it
/// is about and their managers, and the roles that design, oversee or approve.
pub fn may_read_proposal(
    principal: &Principal,
    proposal: &Proposal,
    subject: Option<&Person>,
    people: &[Person],
) -> bool {
    if principal.person_id == proposal.proposed_by || proposal.decisions.iter().any(|d| d.by == principal.person_id) {
        return true;
    }
    match principal.role {
        Role::Designer | Role::Compliance | Role::Leadership => true,
        Role::Manager => subject.is_none_or(|s| manages(&principal.person_id, s, people)),
        Role::Rep => subject.is_some_and(|s| s.id == principal.person_id),
        // Admins read only proposals whose chain (as configured) gives them a step.
        Role::Admin => proposal.steps.iter().any(|s| s.roles.contains(&Role::Admin)),
    }
}

/// Whether the principal may change the approval chains.
pub fn may_set_policy(principal: &Principal) -> bool {
    principal.role == Role::Admin
}

/// Whether the principal may dispute this person's statement: only their own.
pub fn may_raise_dispute(principal: &Principal, target: &Person) -> bool {
    principal.person_id == target.id
}

/// Whether the principal may read a dispute: the person, their managers, compliance and leadership.
pub fn may_read_dispute(principal: &Principal, dispute: &Dispute, people: &[Person]) -> bool {
    if principal.person_id == dispute.person_id {
        return true;
    }
    let target = people.iter().find(|p| p.id == dispute.person_id);
    matches!(principal.role, Role::Compliance | Role::Leadership)
        || target.is_some_and(|t| manager_of(principal, t, people))
}

/// Whether the principal may resolve a dispute: a manager of the person, not the person.
pub fn may_resolve_dispute(principal: &Principal, dispute: &Dispute, people: &[Person]) -> bool {
    principal.person_id != dispute.person_id
        && people.iter().find(|p| p.id == dispute.person_id).is_some_and(|t| manager_of(principal, t, people))
}

/// Whether the principal may import data.
pub fn may_import(principal: &Principal) -> bool {
    principal.role == Role::Admin
}
