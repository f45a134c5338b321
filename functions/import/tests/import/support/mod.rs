//! A small test firm, and a dump of every item a store holds for a firm.
//!
//! Shared by the import crate's tests and the CLI's import tests (`#[path]`).
#![allow(dead_code)] // each test crate uses part of it

use chrono::NaiveDate;
use plumbline_engine::Currency;
use plumbline_firm::{
    Client, Division, Firm, FirmSettings, ForecastCategory, Opportunity, OpportunityChange, OpportunityField, Person,
    Role, Stage, Team,
};
use plumbline_store::{Item, Store, keys, query_all};
use rust_decimal::Decimal;
use std::collections::BTreeSet;

fn date(s: &str) -> NaiveDate {
    s.parse().expect("test date")
}

fn person(id: &str, name: &str, email: &str, role: Role, manager: Option<&str>) -> Person {
    Person {
        id: id.into(),
        name: name.into(),
        email: email.into(),
        role,
        title: if role == Role::Manager { "Head of Sales".into() } else { "Sales Executive".into() },
        division: Some(Division::AssetServicing),
        team_id: Some("T1".into()),
        manager_id: manager.map(Into::into),
        region: "New York".into(),
        hire_date: date("2019-03-01"),
        fixed_pay: Decimal::new(150_000, 0),
        currency: Currency::new("USD"),
        regulated: role == Role::Rep,
    }
}

fn client(id: &str, name: &str, owner: &str, domain: &str) -> Client {
    Client {
        id: id.into(),
        name: name.into(),
        division: Division::AssetServicing,
        segment: "pension fund".into(),
        owner_id: owner.into(),
        region: "New York".into(),
        domain: domain.into(),
        since: date("2015-01-01"),
        wallet_estimate: Decimal::new(1_000_000, 0),
        currency: Currency::new("USD"),
    }
}

fn opportunity(id: &str, owner: &str, client: &str, stage: Stage) -> Opportunity {
    Opportunity {
        id: id.into(),
        owner_id: owner.into(),
        client_id: client.into(),
        name: format!("{id} test deal"),
        product: "Custody".into(),
        amount: Decimal::new(100_000, 0),
        currency: Currency::new("USD"),
        stage,
        created: date("2026-01-10"),
        close_date: date("2026-12-31"),
        probability: 50,
        forecast_category: ForecastCategory::Pipeline,
    }
}

/// Mia manages Rob (owns Acme, O1) and Sue (owns Birch, O2); base currency USD.
pub fn test_firm() -> Firm {
    let mut rob = person("P2", "Rob Rep", "rob@firm.example", Role::Rep, Some("P1"));
    rob.fixed_pay = Decimal::new(90_000, 0);
    rob.title = "Senior Sales Executive".into();
    rob.hire_date = date("2020-01-06");
    Firm {
        settings: FirmSettings {
            name: "Test Firm".into(),
            as_of: date("2026-11-20"),
            base_currency: Currency::new("USD"),
            fiscal_year_start_month: 1,
        },
        people: vec![
            person("P1", "Mia Manager", "mia@firm.example", Role::Manager, None),
            rob,
            person("P3", "Sue Seller", "sue@firm.example", Role::Rep, Some("P1")),
        ],
        teams: vec![Team {
            id: "T1".into(),
            name: "Institutional".into(),
            division: Division::AssetServicing,
            region: "New York".into(),
            manager_id: "P1".into(),
        }],
        clients: vec![
            client("C1", "Acme Pension Fund", "P2", "acme.example"),
            client("C2", "Birch Capital", "P3", "birch.example"),
        ],
        aum: vec![],
        flows: vec![],
        transactions: vec![],
        opportunities: vec![
            opportunity("O1", "P2", "C1", Stage::Proposal),
            opportunity("O2", "P3", "C2", Stage::Qualification),
        ],
        opportunity_history: vec![],
        activities: vec![],
        compliance_events: vec![],
        quotas: vec![],
        plans: vec![],
        assignments: vec![],
    }
}

/// An opportunity's recorded changes as (date, field, from, to), oldest first.
pub async fn history(store: &dyn Store, id: &str) -> Vec<(String, OpportunityField, String, String)> {
    query_all(store, &keys::opportunity_history(id), "")
        .await
        .unwrap()
        .iter()
        .map(|i| {
            let c: OpportunityChange = i.decode().unwrap();
            (c.date.to_string(), c.field, c.from, c.to)
        })
        .collect()
}

/// Every item the store holds for the firm's people, clients and the given opportunity ids,
/// in all partitions of the key design (docs/store.md), plus the audit chain and batch records.
pub async fn dump(store: &dyn Store, opportunity_ids: &BTreeSet<String>) -> Vec<Item> {
    let mut partitions: Vec<String> =
        [keys::FIRM, keys::PEOPLE, keys::TEAMS, keys::PLANS, keys::AUDIT, plumbline_import::IMPORTS]
            .iter()
            .map(|s| s.to_string())
            .collect();
    let people = query_all(store, keys::PEOPLE, "").await.expect("people");
    let mut clients = Vec::new();
    for p in &people {
        let pid = &p.sk;
        partitions.extend([
            keys::assignments(pid),
            keys::quotas(pid),
            keys::transactions(pid),
            keys::clients(pid),
            keys::opportunities(pid),
            keys::activities(pid),
            keys::conduct(pid),
        ]);
        clients.extend(query_all(store, &keys::clients(pid), "").await.expect("clients"));
    }
    for c in &clients {
        partitions.extend([keys::aum(&c.sk), keys::flows(&c.sk)]);
    }
    partitions.extend(opportunity_ids.iter().map(|o| keys::opportunity_history(o)));
    let mut items = Vec::new();
    for pk in partitions {
        items.extend(query_all(store, &pk, "").await.expect("query"));
    }
    items
}
