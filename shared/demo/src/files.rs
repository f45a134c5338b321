//! The firm as files, in the formats `plumbline import` reads (docs/imports.md): CSV for
//! records, JSON for settings and plans (a regulated plan with its rules), and the planted
//! ground truth.

use crate::{DemoError, Planted};
use plumbline_engine::{Currency, TxnKind};
use plumbline_firm::Firm;
use rust_decimal::Decimal;
use serde::Serialize;

/// A transaction as one CSV row: parties are `P0012:owner;P0040:specialist`.
#[derive(Serialize)]
struct TransactionRow<'a> {
    id: &'a str,
    date: chrono::NaiveDate,
    kind: TxnKind,
    amount: Decimal,
    currency: &'a Currency,
    product: Option<&'a str>,
    client_id: Option<&'a str>,
    parties: String,
}

/// Column names of each CSV, written even when a file has no rows.
const PEOPLE: &[&str] = &[
    "id",
    "name",
    "email",
    "role",
    "title",
    "division",
    "team_id",
    "manager_id",
    "region",
    "hire_date",
    "fixed_pay",
    "currency",
    "regulated",
];
const TEAMS: &[&str] = &["id", "name", "division", "region", "manager_id"];
const CLIENTS: &[&str] =
    &["id", "name", "division", "segment", "owner_id", "region", "domain", "since", "wallet_estimate", "currency"];
const AUM: &[&str] = &["client_id", "date", "aum", "currency"];
const FLOWS: &[&str] = &["id", "client_id", "date", "direction", "amount", "currency"];
const TRANSACTIONS: &[&str] = &["id", "date", "kind", "amount", "currency", "product", "client_id", "parties"];
const OPPORTUNITIES: &[&str] = &[
    "id",
    "owner_id",
    "client_id",
    "name",
    "product",
    "amount",
    "currency",
    "stage",
    "created",
    "close_date",
    "probability",
    "forecast_category",
];
const HISTORY: &[&str] = &["opportunity_id", "date", "field", "from", "to"];
const ACTIVITIES: &[&str] = &["id", "date", "person_id", "client_id", "opportunity_id", "kind"];
const EVENTS: &[&str] = &["id", "person_id", "date", "kind", "severity", "description"];
const QUOTAS: &[&str] = &["person_id", "year_start", "amount", "currency"];
const ASSIGNMENTS: &[&str] = &["person_id", "plan_id", "plan_version", "from", "to"];

fn csv_file<T: Serialize>(
    name: &str,
    header: &[&str],
    rows: impl IntoIterator<Item = T>,
) -> Result<(String, Vec<u8>), DemoError> {
    let err = |source| DemoError::Csv { file: name.to_string(), source };
    let mut w =
        csv::WriterBuilder::new().has_headers(false).terminator(csv::Terminator::Any(b'\n')).from_writer(Vec::new());
    w.write_record(header).map_err(err)?;
    for row in rows {
        w.serialize(row).map_err(err)?;
    }
    let bytes = w.into_inner().map_err(|e| err(csv::Error::from(e.into_error())))?;
    Ok((name.to_string(), bytes))
}

fn json_file<T: Serialize + ?Sized>(name: String, value: &T) -> Result<(String, Vec<u8>), DemoError> {
    let mut bytes =
        serde_json::to_vec_pretty(value).map_err(|source| DemoError::Json { file: name.clone(), source })?;
    bytes.push(b'\n');
    Ok((name, bytes))
}

/// Renders the firm as files, name to bytes, in a fixed order; writes nothing to disk.
pub fn to_files(firm: &Firm, planted: &Planted) -> Result<Vec<(String, Vec<u8>)>, DemoError> {
    let transactions = firm.transactions.iter().map(|t| TransactionRow {
        id: &t.id,
        date: t.date,
        kind: t.kind,
        amount: t.amount,
        currency: &t.currency,
        product: t.product.as_deref(),
        client_id: t.client_id.as_deref(),
        parties: t.parties.iter().map(|p| format!("{}:{}", p.payee, p.role)).collect::<Vec<_>>().join(";"),
    });
    let mut files = vec![
        json_file("firm.json".into(), &firm.settings)?,
        csv_file("people.csv", PEOPLE, &firm.people)?,
        csv_file("teams.csv", TEAMS, &firm.teams)?,
        csv_file("clients.csv", CLIENTS, &firm.clients)?,
        csv_file("aum.csv", AUM, &firm.aum)?,
        csv_file("flows.csv", FLOWS, &firm.flows)?,
        csv_file("transactions.csv", TRANSACTIONS, transactions)?,
        csv_file("opportunities.csv", OPPORTUNITIES, &firm.opportunities)?,
        csv_file("opportunity_history.csv", HISTORY, &firm.opportunity_history)?,
        csv_file("activities.csv", ACTIVITIES, &firm.activities)?,
        csv_file("compliance_events.csv", EVENTS, &firm.compliance_events)?,
        csv_file("quotas.csv", QUOTAS, &firm.quotas)?,
        csv_file("assignments.csv", ASSIGNMENTS, &firm.assignments)?,
    ];
    // A regulated plan is written with its rules, as `plumbline import plans` reads it.
    let regulated = crate::regulated_plan(firm);
    for plan in &firm.plans {
        let name = format!("plans/{}-v{}.json", plan.id, plan.version);
        match regulated.as_ref().filter(|r| r.plan == *plan) {
            Some(document) => files.push(json_file(name, document)?),
            None => files.push(json_file(name, plan)?),
        }
    }
    files.push(json_file("planted.json".into(), planted)?);
    Ok(files)
}
