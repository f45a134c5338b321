//! Who may do what: every route asks here, so the rules live in one place.

use crate::auth::Principal;
use plumbline_firm::{Person, Role};

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

/// Whether the principal may read a person's pay data (statements, credits, quotas).
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
