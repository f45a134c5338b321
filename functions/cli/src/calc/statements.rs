//! The general path of `plumbline calc`: every payee through the statement engine.
//!
//! Used for plans the fast batch scan cannot run (quota bonus, scorecard, SPIF, roll-up,
//! draws, fixed-pay caps, channel/origin/role/AUM filters) and for `--statements`. Each
//! payee's year is computed month by month with [`statement_for_period`], the function the
//! API and the app use, so the payouts and statements agree with them to the cent. Payees
//! are shared out over threads; the result does not depend on how.
//!
//! Extra inputs, all optional: in `quotas.csv` the columns `fixed_pay` and
//! `target_incentive` (for every quota-bonus and scorecard component); `org.csv`
//! (`manager,report,from,to`) for roll-up; `scores.csv` (`payee,kpi,score,as_of`) for
//! scorecards. `transactions.csv` may add `kind`, `product`, `channel`, `origin`,
//! `client_id`, `recorded_on` and `currency` columns.

use super::{CalcJobError, InputProblem, MAX_PROBLEMS, Roster, one, problem, role_columns};
use chrono::{Datelike, Months, NaiveDate};
use plumbline_engine::calc::{PayeeInputs, Score, year_start};
use plumbline_engine::credit::{Crediter, OrgChart, ReportingLine};
use plumbline_engine::plan::Component;
use plumbline_engine::{Currency, Party, Period, Plan, Statement, Transaction, TxnKind, statement_for_period};
use rust_decimal::Decimal;
use std::borrow::Cow;
use std::collections::BTreeMap;
use std::path::Path;
use std::str::FromStr;

/// One payee's month: its payout and, when asked for, the statement behind it.
pub struct Month {
    /// Index of the payee in the roster.
    pub payee: usize,
    /// Calendar month number (1-12).
    pub month: u32,
    /// The statement's total.
    pub payout: Decimal,
    /// The statement, JSON-encoded on one line, when statements were asked for.
    pub statement: Option<String>,
}

/// Reads the inputs and computes every payee's months of the plan year. A month is listed
/// when the payee had credit in it (as the fast path lists them) or its statement pays
/// something (a guarantee, an adjustment).
pub fn run(
    plan: &Plan,
    data: &Path,
    roster: &Roster,
    year: Option<i32>,
    threads: usize,
    keep_statements: bool,
) -> Result<(Vec<Month>, usize, Option<i32>), CalcJobError> {
    let text = |name: &str| -> Result<Option<Vec<u8>>, CalcJobError> {
        let path = data.join(name);
        match std::fs::read(&path) {
            Ok(bytes) => Ok(Some(bytes)),
            Err(e) if e.kind() == std::io::ErrorKind::NotFound => Ok(None),
            Err(source) => Err(CalcJobError::Io { path, source }),
        }
    };
    let txn_bytes = text("transactions.csv")?
        .ok_or_else(|| one("transactions.csv", 1, None, "the file is missing from the data folder"))?;
    let (txns, plan_year) = read_transactions(plan, &txn_bytes, roster, year)?;
    let org = match text("org.csv")? {
        Some(bytes) => read_org(&bytes)?,
        None => Vec::new(),
    };
    let mut scores: Vec<Vec<Score>> = vec![Vec::new(); roster.names.len()];
    if let Some(bytes) = text("scores.csv")? {
        for (payee, score) in read_scores(&bytes, roster)? {
            scores[payee].push(score);
        }
    }
    let Some(plan_year) = plan_year else { return Ok((Vec::new(), 0, None)) };
    let first = NaiveDate::from_ymd_opt(plan_year, plan.year_start_month.clamp(1, 12), 1)
        .ok_or_else(|| one("transactions.csv", 2, Some("date"), "the plan year is out of range"))?;
    // Each transaction goes to the payees it credits (parties, and managers on roll-up).
    let chart = OrgChart::new(&org);
    let mut crediter = Crediter::new(&plan.crediting, plan.currency.minor_digits());
    let mut parts = Vec::new();
    let mut mine: Vec<Vec<usize>> = vec![Vec::new(); roster.names.len()];
    let mut credited: Vec<[bool; 12]> = vec![[false; 12]; roster.names.len()];
    for (t, txn) in txns.iter().enumerate() {
        parts.clear();
        crediter.parts(txn, &chart, None, &mut parts);
        let month = month_index(first, txn.date);
        for part in &parts {
            if let Some(p) = roster.lookup(part.payee.as_bytes()) {
                if mine[p].last() != Some(&t) {
                    mine[p].push(t);
                }
                if let Some(m) = month {
                    credited[p][m] = true;
                }
            }
        }
    }
    let targets: Vec<&str> =
        plan.components.iter().filter(|c| c.target_incentive().is_some()).map(Component::id).collect();
    let everyone = plan.draw.is_some();
    let work: Vec<usize> = (0..roster.names.len()).filter(|&p| everyone || !mine[p].is_empty()).collect();
    let payee_year = |p: usize| -> Result<Vec<Month>, CalcJobError> {
        let own: Vec<Transaction> = mine[p].iter().map(|&t| txns[t].clone()).collect();
        let inputs = PayeeInputs {
            annual_quota: roster.quotas[p],
            fixed_pay: roster.fixed_pay[p],
            target_incentives: roster.target_incentives[p]
                .map(|t| targets.iter().map(|id| (id.to_string(), t)).collect())
                .unwrap_or_default(),
            scores: scores[p].clone(),
            org: Cow::Borrowed(&org),
            ..PayeeInputs::new(&roster.names[p], &own)
        };
        let mut months = Vec::new();
        for m in 0..12 {
            let start = first.checked_add_months(Months::new(m)).unwrap_or(first);
            let period = Period::month_of(start);
            let statement = statement_for_period(plan, &inputs, &period)
                .map_err(|source| CalcJobError::Payee { payee: roster.names[p].clone(), source })?;
            if credited[p][m as usize] || !statement.total.is_zero() {
                months.push(Month {
                    payee: p,
                    month: start.month(),
                    payout: statement.total,
                    statement: keep_statements.then(|| statement_json(&statement)),
                });
            }
        }
        Ok(months)
    };
    let threads = threads.clamp(1, work.len().max(1));
    let results: Vec<Result<Vec<Month>, CalcJobError>> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..threads)
            .map(|k| {
                let (work, payee_year) = (&work, &payee_year);
                // Interleaved, so busy and quiet payees spread over the threads.
                s.spawn(move || {
                    let mut out = Vec::new();
                    for &p in work.iter().skip(k).step_by(threads) {
                        out.extend(payee_year(p)?);
                    }
                    Ok(out)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a statement thread panicked")).collect()
    });
    let mut months = Vec::new();
    for r in results {
        months.extend(r?);
    }
    Ok((months, txns.len(), Some(plan_year)))
}

fn statement_json(statement: &Statement) -> String {
    serde_json::to_string(statement).expect("a statement always encodes as JSON")
}

/// Index (0-11) of `date`'s month in the plan year starting `first`, if it is in it.
fn month_index(first: NaiveDate, date: NaiveDate) -> Option<usize> {
    let months = (date.year() - first.year()) * 12 + date.month() as i32 - first.month() as i32;
    (0..12).contains(&months).then_some(months as usize)
}

/// Column positions of `transactions.csv` for the general path.
struct TxnColumns {
    id: usize,
    date: usize,
    amount: usize,
    optional: BTreeMap<&'static str, usize>,
    roles: Vec<(usize, String)>,
}

const OPTIONAL: [&str; 7] = ["kind", "product", "channel", "origin", "client_id", "recorded_on", "currency"];

fn txn_columns(plan: &Plan, headers: &csv::StringRecord) -> Result<TxnColumns, CalcJobError> {
    let file = "transactions.csv";
    let find = |n: &str| headers.iter().position(|h| h.trim() == n);
    let require = |n: &str| find(n).ok_or_else(|| one(file, 1, Some(n), "required column is missing from the header"));
    let roles = role_columns(plan, find)?;
    Ok(TxnColumns {
        id: require("id")?,
        date: require("date")?,
        amount: require("amount")?,
        optional: OPTIONAL.iter().filter_map(|n| find(n).map(|i| (*n, i))).collect(),
        roles,
    })
}

/// Parses every row into a transaction; returns them with the plan year they fall in.
fn read_transactions(
    plan: &Plan,
    bytes: &[u8],
    roster: &Roster,
    year: Option<i32>,
) -> Result<(Vec<Transaction>, Option<i32>), CalcJobError> {
    let file = "transactions.csv";
    let mut reader = csv::ReaderBuilder::new().flexible(true).from_reader(bytes);
    let headers = reader.headers().map_err(|e| one(file, 1, None, &e.to_string()))?.clone();
    let cols = txn_columns(plan, &headers)?;
    let mut problems: Vec<InputProblem> = Vec::new();
    let mut txns = Vec::new();
    let mut years: Vec<i32> = Vec::new();
    for (i, record) in reader.records().enumerate() {
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(file, row, None, &e.to_string()));
                continue;
            }
        };
        if record.len() != headers.len() {
            let message = format!("has {} fields, the header has {}", record.len(), headers.len());
            problems.push(problem(file, row, None, &message));
            continue;
        }
        match transaction(plan, &cols, &headers, &record, roster) {
            Ok(txn) => {
                let plan_year = year_start(plan, txn.date).year();
                if year.is_some_and(|wanted| wanted != plan_year) {
                    continue;
                }
                if !years.contains(&plan_year) {
                    years.push(plan_year);
                }
                txns.push(txn);
            }
            Err((column, message)) => problems.push(problem(file, row, column.as_deref(), &message)),
        }
    }
    if !problems.is_empty() {
        return Err(CalcJobError::Input(problems));
    }
    years.sort_unstable();
    if year.is_none() && years.len() > 1 {
        let message = format!("transactions span plan years {years:?}; choose one with --year");
        return Err(one(file, 2, Some("date"), &message));
    }
    Ok((txns, year.or(years.first().copied())))
}

fn transaction(
    plan: &Plan,
    cols: &TxnColumns,
    headers: &csv::StringRecord,
    record: &csv::StringRecord,
    roster: &Roster,
) -> Result<Transaction, (Option<String>, String)> {
    let field = |i: usize| record.get(i).unwrap_or("").trim();
    let optional = |n: &str| cols.optional.get(n).map(|&i| field(i)).filter(|v| !v.is_empty());
    let date_of = |text: &str, column: &'static str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| (Some(column.to_string()), format!("`{text}` is not a date as YYYY-MM-DD")))
    };
    let id = field(cols.id);
    if id.is_empty() {
        return Err((Some("id".to_string()), "is empty".to_string()));
    }
    let date = date_of(field(cols.date), "date")?;
    let amount_text = field(cols.amount);
    let amount = Decimal::from_str(amount_text)
        .map_err(|_| (Some("amount".to_string()), format!("`{amount_text}` is not an amount")))?;
    let kind = match optional("kind") {
        None => TxnKind::Booking,
        Some(k) => serde_json::from_value(serde_json::Value::String(k.to_string()))
            .map_err(|_| (Some("kind".to_string()), format!("`{k}` is not a transaction kind")))?,
    };
    let origin = match optional("origin") {
        None => None,
        Some(o) => Some(
            serde_json::from_value(serde_json::Value::String(o.to_string()))
                .map_err(|_| (Some("origin".to_string()), format!("`{o}` is not `new` or `existing`")))?,
        ),
    };
    let recorded_on = optional("recorded_on").map(|r| date_of(r, "recorded_on")).transpose()?;
    let mut parties = Vec::new();
    for (col, role) in &cols.roles {
        let name = field(*col);
        if name.is_empty() {
            continue;
        }
        if roster.lookup(name.as_bytes()).is_none() {
            let column = headers.get(*col).unwrap_or(role).trim().to_string();
            return Err((Some(column), format!("payee {name} is not listed in quotas.csv")));
        }
        parties.push(Party { payee: name.to_string(), role: role.clone() });
    }
    Ok(Transaction {
        id: id.to_string(),
        date,
        kind,
        amount,
        currency: optional("currency").map_or_else(|| plan.currency.clone(), Currency::new),
        product: optional("product").map(str::to_string),
        client_id: optional("client_id").map(str::to_string),
        channel: optional("channel").map(str::to_string),
        origin,
        recorded_on,
        parties,
    })
}

fn records(file: &str, bytes: &[u8], columns: &[&str]) -> Result<Vec<(usize, Vec<String>)>, CalcJobError> {
    let mut reader = csv::ReaderBuilder::new().from_reader(bytes);
    let headers = reader.headers().map_err(|e| one(file, 1, None, &e.to_string()))?.clone();
    let mut at = Vec::new();
    for c in columns {
        let i = headers.iter().position(|h| h.trim() == *c);
        at.push(i.ok_or_else(|| one(file, 1, Some(c), "required column is missing from the header"))?);
    }
    let mut rows = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let record = record.map_err(|e| one(file, i + 2, None, &e.to_string()))?;
        rows.push((i + 2, at.iter().map(|&c| record.get(c).unwrap_or("").trim().to_string()).collect()));
    }
    Ok(rows)
}

fn read_org(bytes: &[u8]) -> Result<Vec<ReportingLine>, CalcJobError> {
    let file = "org.csv";
    let date = |row: usize, column: &str, text: &str| {
        NaiveDate::parse_from_str(text, "%Y-%m-%d")
            .map_err(|_| one(file, row, Some(column), &format!("`{text}` is not a date as YYYY-MM-DD")))
    };
    let mut lines = Vec::new();
    for (row, f) in records(file, bytes, &["manager", "report", "from", "to"])? {
        let to = if f[3].is_empty() { None } else { Some(date(row, "to", &f[3])?) };
        lines.push(ReportingLine { manager: f[0].clone(), report: f[1].clone(), from: date(row, "from", &f[2])?, to });
    }
    Ok(lines)
}

fn read_scores(bytes: &[u8], roster: &Roster) -> Result<Vec<(usize, Score)>, CalcJobError> {
    let file = "scores.csv";
    let mut scores = Vec::new();
    for (row, f) in records(file, bytes, &["payee", "kpi", "score", "as_of"])? {
        let payee = roster
            .lookup(f[0].as_bytes())
            .ok_or_else(|| one(file, row, Some("payee"), &format!("payee {} is not listed in quotas.csv", f[0])))?;
        let score = Decimal::from_str(&f[2])
            .map_err(|_| one(file, row, Some("score"), &format!("`{}` is not a number", f[2])))?;
        let as_of = NaiveDate::parse_from_str(&f[3], "%Y-%m-%d")
            .map_err(|_| one(file, row, Some("as_of"), &format!("`{}` is not a date as YYYY-MM-DD", f[3])))?;
        scores.push((payee, Score { kpi: f[1].clone(), score, as_of }));
    }
    Ok(scores)
}
