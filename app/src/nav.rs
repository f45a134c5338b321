//! Where each role can go: the navigation links and the page a role lands on after sign-in.

use plumbline_firm::Role;

/// A navigation entry: the path and its label.
pub type Link = (&'static str, &'static str);

/// The links a role sees, in order; the first is where the role lands after sign-in.
pub fn links(role: Role) -> &'static [Link] {
    match role {
        Role::Rep => &[("/statement", "Statement"), ("/performance", "Performance"), ("/whatif", "What-if")],
        Role::Manager => {
            &[("/team", "Team"), ("/approvals", "Approvals"), ("/disputes", "Disputes"), ("/statement", "My statement")]
        }
        Role::Designer => &[("/plans", "Plans"), ("/planning", "Planning"), ("/approvals", "Approvals")],
        Role::Compliance => &[("/conduct", "Conduct"), ("/audit", "Audit log"), ("/approvals", "Approvals")],
        Role::Admin => &[("/imports", "Imports"), ("/people", "People"), ("/audit", "Audit log")],
        Role::Leadership => {
            &[("/forecast", "Forecast"), ("/team", "Teams"), ("/planning", "Planning"), ("/audit", "Audit log")]
        }
    }
}

/// Where a role lands after signing in.
pub fn home(role: Role) -> &'static str {
    links(role)[0].0
}

/// Whether `path` is (or is under) the link `href`, for `aria-current`.
pub fn is_current(path: &str, href: &str) -> bool {
    path == href || path.strip_prefix(href).is_some_and(|rest| rest.starts_with('/'))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_role_has_a_home_and_unique_links() {
        for role in Role::ALL {
            let links = links(role);
            assert!(!links.is_empty());
            let mut paths: Vec<&str> = links.iter().map(|l| l.0).collect();
            paths.sort_unstable();
            paths.dedup();
            assert_eq!(paths.len(), links.len(), "{role:?}");
        }
        assert_eq!(home(Role::Rep), "/statement");
        assert!(is_current("/plans/p1", "/plans"));
        assert!(!is_current("/plansx", "/plans"));
    }
}
