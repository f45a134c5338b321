//! What an import checks references against: the firm's people, teams, clients,
//! opportunities and plan versions as plain data, read from the store before validation.

use plumbline_engine::{Currency, Plan};
use plumbline_firm::{Client, Opportunity, Person, Team};
use plumbline_regulation::document::Regulation;
use std::collections::{BTreeMap, BTreeSet};

/// The firm's reference data, by id.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct FirmIndex {
    /// The firm's reporting currency, used when a file leaves currency blank.
    pub base_currency: Option<Currency>,
    /// People by id.
    pub people: BTreeMap<String, Person>,
    /// Team ids.
    pub teams: BTreeSet<String>,
    /// Clients by id.
    pub clients: BTreeMap<String, Client>,
    /// Opportunities by id.
    pub opportunities: BTreeMap<String, Opportunity>,
    /// Plan versions by id and version.
    pub plans: BTreeMap<(String, u32), Plan>,
    /// The rules of regulated plans, by plan id.
    pub regulations: BTreeMap<String, Regulation>,
}

impl FirmIndex {
    /// Builds the index from records.
    pub fn new(
        base_currency: Option<Currency>,
        people: Vec<Person>,
        teams: Vec<Team>,
        clients: Vec<Client>,
        opportunities: Vec<Opportunity>,
    ) -> FirmIndex {
        FirmIndex {
            base_currency,
            people: people.into_iter().map(|p| (p.id.clone(), p)).collect(),
            teams: teams.into_iter().map(|t| t.id).collect(),
            clients: clients.into_iter().map(|c| (c.id.clone(), c)).collect(),
            opportunities: opportunities.into_iter().map(|o| (o.id.clone(), o)).collect(),
            plans: BTreeMap::new(),
            regulations: BTreeMap::new(),
        }
    }

    /// The index with these plan versions and regulated plans' rules (by plan id).
    pub fn with_plans(mut self, plans: Vec<Plan>, regulations: Vec<(String, Regulation)>) -> FirmIndex {
        self.plans = plans.into_iter().map(|p| ((p.id.clone(), p.version), p)).collect();
        self.regulations = regulations.into_iter().collect();
        self
    }

    /// The person with this work e-mail (case-insensitive).
    pub fn person_by_email(&self, email: &str) -> Option<&Person> {
        self.people.values().find(|p| p.email.eq_ignore_ascii_case(email))
    }

    /// Clients whose e-mail domain is this one (case-insensitive), in id order.
    pub fn clients_by_domain(&self, domain: &str) -> Vec<&Client> {
        self.clients.values().filter(|c| !c.domain.is_empty() && c.domain.eq_ignore_ascii_case(domain)).collect()
    }
}
