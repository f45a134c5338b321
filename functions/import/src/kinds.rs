//! From CSV rows to firm records, one function per kind, with every check that needs only the
//! file and the firm's reference data: required values, formats, duplicates, references.

use crate::index::FirmIndex;
use crate::problem::{ProblemCode, Problems};
use crate::table::{FieldDef, Row, Table};
use crate::values::Sign;
use crate::{ImportedOpportunity, Records, Skipped};
use chrono::NaiveDate;
use plumbline_engine::{Party, Transaction};
use plumbline_firm::{
    Activity, AumSnapshot, Client, ComplianceEvent, Flow, ForecastCategory, Opportunity, Person, PlanAssignment, Quota,
    Stage, Team,
};
use rust_decimal::Decimal;
use rust_decimal::prelude::ToPrimitive;
use std::collections::{BTreeMap, BTreeSet};

const fn req(name: &'static str) -> FieldDef {
    FieldDef { name, required: true }
}
const fn opt(name: &'static str) -> FieldDef {
    FieldDef { name, required: false }
}

/// Opportunity fields (the columns `plumbline demo-data` writes, plus `modified`).
pub(crate) const OPPORTUNITY: &[FieldDef] = &[
    req("id"),
    req("owner_id"),
    req("client_id"),
    opt("name"),
    opt("product"),
    req("amount"),
    opt("currency"),
    req("stage"),
    req("created"),
    req("close_date"),
    opt("probability"),
    opt("forecast_category"),
    opt("modified"),
];
/// HR roster fields.
pub(crate) const PERSON: &[FieldDef] = &[
    req("id"),
    req("name"),
    req("email"),
    req("role"),
    req("title"),
    opt("division"),
    opt("team_id"),
    opt("manager_id"),
    req("region"),
    req("hire_date"),
    req("fixed_pay"),
    opt("currency"),
    req("regulated"),
];
/// Finance transaction fields.
pub(crate) const TRANSACTION: &[FieldDef] = &[
    req("id"),
    req("date"),
    req("kind"),
    req("amount"),
    opt("currency"),
    opt("product"),
    opt("client_id"),
    req("parties"),
    opt("channel"),
    opt("origin"),
    opt("recorded_on"),
];
/// Month-end AUM position fields.
pub(crate) const AUM: &[FieldDef] = &[req("client_id"), req("date"), req("aum"), opt("currency")];
/// Client flow fields.
pub(crate) const FLOW: &[FieldDef] =
    &[req("id"), req("client_id"), req("date"), req("direction"), req("amount"), opt("currency")];
/// Compliance event fields.
pub(crate) const COMPLIANCE: &[FieldDef] =
    &[req("id"), req("person_id"), req("date"), req("kind"), req("severity"), opt("description")];
/// Activity fields (CRM activity export).
pub(crate) const ACTIVITY: &[FieldDef] =
    &[req("id"), req("date"), req("person_id"), req("client_id"), opt("opportunity_id"), req("kind")];

/// Team fields.
pub(crate) const TEAM: &[FieldDef] = &[req("id"), req("name"), req("division"), req("region"), req("manager_id")];
/// Client fields.
pub(crate) const CLIENT: &[FieldDef] = &[
    req("id"),
    req("name"),
    req("division"),
    opt("segment"),
    req("owner_id"),
    req("region"),
    opt("domain"),
    req("since"),
    req("wallet_estimate"),
    opt("currency"),
];
/// Quota fields.
pub(crate) const QUOTA: &[FieldDef] = &[req("person_id"), req("year_start"), req("amount"), opt("currency")];
/// Plan assignment fields.
pub(crate) const ASSIGNMENT: &[FieldDef] =
    &[req("person_id"), req("plan_id"), req("plan_version"), req("from"), opt("to")];

const DIVISIONS: &str = "wealth, asset_servicing";

const STAGES: &str = "prospecting, qualification, proposal, negotiation, closed_won, closed_lost";

/// Ids seen so far in a file, to report duplicates with the first row.
#[derive(Default)]
struct Seen(BTreeMap<String, u64>);

impl Seen {
    fn check(&mut self, row: &mut Row, column: &str, id: &str) {
        if let Some(first) = self.0.get(id) {
            row.problem(column, Some(id), ProblemCode::DuplicateId, format!("appears again; first at row {first}"));
        } else {
            self.0.insert(id.to_string(), row.line());
        }
    }

    /// The required id in `field`, reported when an earlier row of the file had it too.
    fn unique(&mut self, row: &mut Row, field: &'static str) -> Option<String> {
        let id = row.req(field);
        if let Some(id) = &id {
            let column = row.column_of(field);
            self.check(row, &column, id);
        }
        id
    }
}

/// What an id column refers to in the firm's reference data.
#[derive(Clone, Copy)]
enum Known {
    Person,
    Client,
    Opportunity,
    Team,
}

impl Known {
    fn name(self) -> &'static str {
        match self {
            Known::Person => "person",
            Known::Client => "client",
            Known::Opportunity => "opportunity",
            Known::Team => "team",
        }
    }

    fn exists(self, index: &FirmIndex, id: &str) -> bool {
        match self {
            Known::Person => index.people.contains_key(id),
            Known::Client => index.clients.contains_key(id),
            Known::Opportunity => index.opportunities.contains_key(id),
            Known::Team => index.teams.contains(id),
        }
    }

    /// The required `field`, reported when it names no such record.
    fn req(self, row: &mut Row, index: &FirmIndex, field: &'static str) -> Option<String> {
        let id = row.req(field);
        self.check(row, index, field, id)
    }

    /// The optional `field`, reported when it names no such record.
    fn opt(self, row: &mut Row, index: &FirmIndex, field: &'static str) -> Option<String> {
        let id = row.text(field);
        self.check(row, index, field, id)
    }

    fn check(self, row: &mut Row, index: &FirmIndex, field: &'static str, id: Option<String>) -> Option<String> {
        if let Some(id) = &id
            && !self.exists(index, id)
        {
            let column = row.column_of(field);
            let message = format!("{field} names no {} in the firm", self.name());
            row.problem(&column, Some(id), ProblemCode::UnknownReference, message);
        }
        id
    }
}

/// Reads every row with `read`, collecting records, skips and problems.
fn each_row<T>(
    table: &Table,
    file: &str,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
    mut read: impl FnMut(&mut Row) -> Option<T>,
) -> Vec<(u64, T)> {
    let mut out = Vec::new();
    let mut skips: BTreeMap<&'static str, Vec<u64>> = BTreeMap::new();
    for r in table.rows() {
        let mut row = Row::new(r, file);
        let record = read(&mut row);
        let line = row.line();
        let failed = row.failed();
        match row.finish(problems) {
            Some(field) => skips.entry(field).or_default().push(line),
            None if !failed => out.extend(record.map(|rec| (line, rec))),
            None => {}
        }
    }
    skipped.extend(skips.into_iter().map(|(field, rows)| crate::skipped(field, rows)));
    out
}

/// Opportunities.
pub(crate) fn opportunities(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let id = seen.unique(row, "id");
        let owner_id = Known::Person.req(row, index, "owner_id");
        let client_id = Known::Client.req(row, index, "client_id");
        let currency = row.currency("currency", index.base_currency.as_ref());
        let amount = row.money("amount", currency.as_ref(), Sign::NonNegative);
        let stage: Option<Stage> = row.choice("stage", STAGES, true);
        let created = row.date("created", true);
        let close_date = row.date("close_date", true);
        let modified = row.date("modified", false);
        let probability = probability(row);
        let forecast: Option<ForecastCategory> = row.choice("forecast_category", "commit, best_case, pipeline", false);
        let name = row.text("name");
        let product = row.text("product").unwrap_or_default();
        if let (Some(c), Some(d)) = (created, close_date)
            && d < c
        {
            let column = row.column_of("close_date");
            row.problem(
                &column,
                Some(&d.to_string()),
                ProblemCode::BadValue,
                format!("close date is before the created date {c}"),
            );
        }
        let (
            Some(id),
            Some(owner_id),
            Some(client_id),
            Some(currency),
            Some(amount),
            Some(stage),
            Some(created),
            Some(close_date),
        ) = (id, owner_id, client_id, currency, amount, stage, created, close_date)
        else {
            return None;
        };
        Some(ImportedOpportunity {
            record: Opportunity {
                name: name.unwrap_or_else(|| id.clone()),
                id,
                owner_id,
                client_id,
                product,
                amount,
                currency,
                stage,
                created,
                close_date,
                probability: probability.unwrap_or_else(|| default_probability(stage)),
                forecast_category: forecast.unwrap_or_else(|| default_forecast(stage)),
            },
            modified,
        })
    });
    Records::Opportunities(rows)
}

/// A whole percentage 0-100; exports often write `10.0`.
fn probability(row: &mut Row) -> Option<u8> {
    let text = row.text("probability")?;
    let column = row.column_of("probability");
    match text.parse::<Decimal>().ok().filter(|p| p.fract().is_zero()).and_then(|p| p.to_u8()).filter(|p| *p <= 100) {
        Some(p) => Some(p),
        None => {
            row.problem(
                &column,
                Some(&text),
                ProblemCode::BadValue,
                "probability must be a whole number from 0 to 100",
            );
            None
        }
    }
}

/// The usual stated probability of a stage, for files that do not carry one.
fn default_probability(stage: Stage) -> u8 {
    match stage {
        Stage::Prospecting => 10,
        Stage::Qualification => 20,
        Stage::Proposal => 50,
        Stage::Negotiation => 75,
        Stage::ClosedWon => 100,
        Stage::ClosedLost => 0,
    }
}

/// The forecast call a stage implies, for files that do not carry one.
fn default_forecast(stage: Stage) -> ForecastCategory {
    match stage {
        Stage::ClosedWon => ForecastCategory::Commit,
        Stage::Negotiation => ForecastCategory::BestCase,
        _ => ForecastCategory::Pipeline,
    }
}

/// The HR roster and its hierarchy.
pub(crate) fn people(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let mut emails = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let id = seen.unique(row, "id");
        let email = row.req("email");
        if let Some(e) = &email {
            let column = row.column_of("email");
            if !e.contains('@') {
                row.problem(&column, Some(e), ProblemCode::BadValue, "email must be an e-mail address");
            }
            emails.check(row, &column, &e.to_ascii_lowercase());
            if let Some(other) = index.person_by_email(e)
                && Some(&other.id) != id.as_ref()
            {
                row.problem(&column, Some(e), ProblemCode::DuplicateId, format!("already the e-mail of {}", other.id));
            }
        }
        let name = row.req("name");
        let role = row.choice("role", "rep, manager, designer, compliance, admin, leadership", true);
        let title = row.req("title");
        let division = row.choice("division", DIVISIONS, false);
        let team_id = Known::Team.opt(row, index, "team_id");
        let manager_id = row.text("manager_id");
        let region = row.req("region");
        let hire_date = row.date("hire_date", true);
        let currency = row.currency("currency", index.base_currency.as_ref());
        let fixed_pay = row.money("fixed_pay", currency.as_ref(), Sign::NonNegative);
        let regulated = row.flag("regulated");
        let (
            Some(id),
            Some(name),
            Some(email),
            Some(role),
            Some(title),
            Some(region),
            Some(hire_date),
            Some(fixed_pay),
            Some(currency),
            Some(regulated),
        ) = (id, name, email, role, title, region, hire_date, fixed_pay, currency, regulated)
        else {
            return None;
        };
        Some(Person {
            id,
            name,
            email,
            role,
            title,
            division,
            team_id,
            manager_id,
            region,
            hire_date,
            fixed_pay,
            currency,
            regulated,
        })
    });
    check_hierarchy(&rows, &seen, index, problems, table);
    Records::People(rows)
}

/// Managers must exist (in the file or the firm) and no chain may loop.
/// `in_file` holds every id in the file, valid or not, so a manager whose own row has problems
/// is not also reported as unknown.
fn check_hierarchy(rows: &[(u64, Person)], in_file: &Seen, index: &FirmIndex, problems: &mut Problems, table: &Table) {
    let column = table.source_column("manager_id");
    let mut manager: BTreeMap<&str, Option<&str>> =
        index.people.values().map(|p| (p.id.as_str(), p.manager_id.as_deref())).collect();
    for (_, p) in rows {
        manager.insert(&p.id, p.manager_id.as_deref());
    }
    for (line, p) in rows {
        let Some(first) = p.manager_id.as_deref() else { continue };
        if !manager.contains_key(first) && !in_file.0.contains_key(first) {
            problems.push(
                Some(*line),
                Some(&column),
                Some(first),
                ProblemCode::UnknownReference,
                "manager_id names no person in this file or the firm",
            );
            continue;
        }
        let mut visited = BTreeSet::from([p.id.as_str()]);
        let mut next = Some(first);
        while let Some(m) = next {
            if !visited.insert(m) {
                problems.push(
                    Some(*line),
                    Some(&column),
                    Some(first),
                    ProblemCode::HierarchyCycle,
                    format!("the manager chain from {} comes back to {m}", p.id),
                );
                break;
            }
            next = manager.get(m).copied().flatten();
        }
    }
}

/// Finance transactions; parties are written `P0012:owner;P0040:specialist`.
pub(crate) fn transactions(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let id = seen.unique(row, "id");
        let date = row.date("date", true);
        let kind = row.choice("kind", "booking, fee_revenue, trail, inflow, outflow, aum", true);
        let currency = row.currency("currency", index.base_currency.as_ref());
        let amount = row.money("amount", currency.as_ref(), Sign::Any);
        let product = row.text("product");
        let client_id = Known::Client.opt(row, index, "client_id");
        let parties = row.req("parties").and_then(|text| parse_parties(row, &text, index));
        let channel = row.text("channel");
        let origin = row.choice("origin", "new, existing", false);
        let recorded_on = row.date("recorded_on", false);
        let (Some(id), Some(date), Some(kind), Some(currency), Some(amount), Some(parties)) =
            (id, date, kind, currency, amount, parties)
        else {
            return None;
        };
        Some(Transaction {
            id,
            date,
            kind,
            amount,
            currency,
            product,
            client_id,
            channel,
            origin,
            recorded_on,
            parties,
        })
    });
    Records::Transactions(rows)
}

fn parse_parties(row: &mut Row, text: &str, index: &FirmIndex) -> Option<Vec<Party>> {
    let column = row.column_of("parties");
    let mut parties = Vec::new();
    let mut ok = true;
    for part in text.split(';').map(str::trim).filter(|p| !p.is_empty()) {
        let Some((payee, role)) =
            part.split_once(':').map(|(a, b)| (a.trim(), b.trim())).filter(|(a, b)| !a.is_empty() && !b.is_empty())
        else {
            row.problem(
                &column,
                Some(part),
                ProblemCode::BadValue,
                "each party is written person:role, separated by ';'",
            );
            ok = false;
            continue;
        };
        if !index.people.contains_key(payee) {
            row.problem(&column, Some(payee), ProblemCode::UnknownReference, "party names no person in the firm");
            ok = false;
        }
        parties.push(Party { payee: payee.to_string(), role: role.to_string() });
    }
    if parties.is_empty() && ok {
        row.problem(&column, Some(text), ProblemCode::Blank, "a transaction needs at least one party");
        ok = false;
    }
    ok.then_some(parties)
}

/// Month-end AUM positions; one per client and date.
pub(crate) fn aum(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let client_id = Known::Client.req(row, index, "client_id");
        let date = row.date("date", true);
        if let (Some(c), Some(d)) = (&client_id, date) {
            let column = row.column_of("date");
            seen.check(row, &column, &format!("{c} on {d}"));
        }
        let currency = row.currency("currency", index.base_currency.as_ref());
        let value = row.money("aum", currency.as_ref(), Sign::NonNegative);
        let (Some(client_id), Some(date), Some(aum), Some(currency)) = (client_id, date, value, currency) else {
            return None;
        };
        Some(AumSnapshot { client_id, date, aum, currency })
    });
    Records::Aum(rows)
}

/// Client deposits and withdrawals.
pub(crate) fn flows(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let id = seen.unique(row, "id");
        let client_id = Known::Client.req(row, index, "client_id");
        let date = row.date("date", true);
        let direction = row.choice("direction", "in, out", true);
        let currency = row.currency("currency", index.base_currency.as_ref());
        let amount = row.money("amount", currency.as_ref(), Sign::Positive);
        let (Some(id), Some(client_id), Some(date), Some(direction), Some(amount), Some(currency)) =
            (id, client_id, date, direction, amount, currency)
        else {
            return None;
        };
        Some(Flow { id, client_id, date, direction, amount, currency })
    });
    Records::Flows(rows)
}

/// Conduct and compliance events.
pub(crate) fn compliance(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let id = seen.unique(row, "id");
        let person_id = Known::Person.req(row, index, "person_id");
        let date = row.date("date", true);
        let kind = row.choice("kind", "complaint_upheld, file_review_failure, mis_selling, overdue_training", true);
        let severity = row.choice("severity", "minor, major", true);
        let description = row.text("description").unwrap_or_default();
        let (Some(id), Some(person_id), Some(date), Some(kind), Some(severity)) = (id, person_id, date, kind, severity)
        else {
            return None;
        };
        Some(ComplianceEvent { id, person_id, date, kind, severity, description })
    });
    Records::Compliance(rows)
}

/// A CRM activity export.
pub(crate) fn activities(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let id = seen.unique(row, "id");
        let date: Option<NaiveDate> = row.date("date", true);
        let person_id = Known::Person.req(row, index, "person_id");
        let client_id = Known::Client.req(row, index, "client_id");
        let opportunity_id = Known::Opportunity.opt(row, index, "opportunity_id");
        let kind = row.choice("kind", "call, meeting, email, review", true);
        let (Some(id), Some(date), Some(person_id), Some(client_id), Some(kind)) =
            (id, date, person_id, client_id, kind)
        else {
            return None;
        };
        Some(Activity { id, date, person_id, client_id, opportunity_id, kind })
    });
    Records::Activities(rows)
}

/// Sales teams. The manager must be a person in the firm, except while the firm has no people
/// yet: an empty firm loads its teams before the roster whose people belong to them.
pub(crate) fn teams(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let id = seen.unique(row, "id");
        let name = row.req("name");
        let division = row.choice("division", DIVISIONS, true);
        let region = row.req("region");
        let manager_id =
            if index.people.is_empty() { row.req("manager_id") } else { Known::Person.req(row, index, "manager_id") };
        let (Some(id), Some(name), Some(division), Some(region), Some(manager_id)) =
            (id, name, division, region, manager_id)
        else {
            return None;
        };
        Some(Team { id, name, division, region, manager_id })
    });
    Records::Teams(rows)
}

/// Clients and institutions, each filed under its relationship owner.
pub(crate) fn clients(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let id = seen.unique(row, "id");
        let name = row.req("name");
        let division = row.choice("division", DIVISIONS, true);
        let segment = row.text("segment").unwrap_or_default();
        let owner_id = Known::Person.req(row, index, "owner_id");
        let region = row.req("region");
        let domain = row.text("domain").unwrap_or_default().to_ascii_lowercase();
        let since = row.date("since", true);
        let currency = row.currency("currency", index.base_currency.as_ref());
        let wallet_estimate = row.money("wallet_estimate", currency.as_ref(), Sign::NonNegative);
        let (
            Some(id),
            Some(name),
            Some(division),
            Some(owner_id),
            Some(region),
            Some(since),
            Some(wallet_estimate),
            Some(currency),
        ) = (id, name, division, owner_id, region, since, wallet_estimate, currency)
        else {
            return None;
        };
        Some(Client { id, name, division, segment, owner_id, region, domain, since, wallet_estimate, currency })
    });
    Records::Clients(rows)
}

/// Annual quotas: one per person and plan year.
pub(crate) fn quotas(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let person_id = Known::Person.req(row, index, "person_id");
        let year_start = row.date("year_start", true);
        if let (Some(p), Some(y)) = (&person_id, year_start) {
            let column = row.column_of("year_start");
            seen.check(row, &column, &format!("{p} from {y}"));
        }
        let currency = row.currency("currency", index.base_currency.as_ref());
        let amount = row.money("amount", currency.as_ref(), Sign::NonNegative);
        let (Some(person_id), Some(year_start), Some(amount), Some(currency)) =
            (person_id, year_start, amount, currency)
        else {
            return None;
        };
        Some(Quota { person_id, year_start, amount, currency })
    });
    Records::Quotas(rows)
}

/// Plan assignments: the plan version must be in the firm (import plans first).
pub(crate) fn assignments(
    table: &Table,
    file: &str,
    index: &FirmIndex,
    problems: &mut Problems,
    skipped: &mut Vec<Skipped>,
) -> Records {
    let mut seen = Seen::default();
    let rows = each_row(table, file, problems, skipped, |row| {
        let person_id = Known::Person.req(row, index, "person_id");
        let plan_id = row.req("plan_id");
        let version = row.req("plan_version");
        let plan_version = version.as_deref().and_then(|v| {
            let parsed = v.parse::<u32>().ok().filter(|n| *n > 0);
            if parsed.is_none() {
                let column = row.column_of("plan_version");
                row.problem(&column, Some(v), ProblemCode::BadValue, "plan_version must be a whole number, 1 or more");
            }
            parsed
        });
        if let (Some(id), Some(v)) = (&plan_id, plan_version)
            && !index.plans.contains_key(&(id.clone(), v))
        {
            let column = row.column_of("plan_id");
            let message = format!("plan {id} version {v} is not in the firm (import the plan first)");
            row.problem(&column, Some(id), ProblemCode::UnknownReference, message);
        }
        let from = row.date("from", true);
        let to = row.date("to", false);
        if let (Some(p), Some(f)) = (&person_id, from) {
            let column = row.column_of("from");
            seen.check(row, &column, &format!("{p} from {f}"));
        }
        if let (Some(f), Some(t)) = (from, to)
            && t < f
        {
            let column = row.column_of("to");
            row.problem(&column, Some(&t.to_string()), ProblemCode::BadValue, format!("to is before from ({f})"));
        }
        let (Some(person_id), Some(plan_id), Some(plan_version), Some(from)) = (person_id, plan_id, plan_version, from)
        else {
            return None;
        };
        Some(PlanAssignment { person_id, plan_id, plan_version, from, to })
    });
    Records::Assignments(rows)
}
