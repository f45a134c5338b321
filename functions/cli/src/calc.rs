//! `plumbline calc`: a plan over CSV files, to monthly payouts.
//!
//! Inputs (in `--data DIR`):
//! - `quotas.csv`: `payee,annual_quota`: the roster. Every payee named in the transactions
//!   must be listed; the quota may be empty for plans without tiered components.
//! - `transactions.csv`: `id`, `date` (YYYY-MM-DD), `amount` (in the plan's currency, at most
//!   its minor digits), one column per crediting role of the plan (e.g. `owner`, `co_owner`)
//!   holding a payee or nothing, and optionally `kind` (default `booking`) and `product`.
//!
//! Output: `payee,month,payout` sorted by payee then month of the plan year, payout with the
//! currency's decimals; with `--statements FILE`, also every payee-month's full statement
//! (explained lines, source credits) as JSON lines in the same order.
//!
//! Two paths, the same cents. Plans whose crediting reads only kind and product and whose
//! components are flat or tiered take the fast path: the file is read in parallel chunks;
//! each chunk fills its own [`Accumulator`] and the chunks are merged, so the result does
//! not depend on the split. Every other plan, and `--statements`, goes through the
//! statement engine payee by payee ([`statements`]).

pub mod statements;

use memchr::memchr_iter;
use plumbline_engine::batch::{
    Accumulator, CompiledPlan, RoleShare, Scratch, counting_components, payouts, unsupported,
};
use plumbline_engine::{Plan, TxnKind};
use rust_decimal::Decimal;
use rustc_hash::FxHashMap;
use std::fmt::Write as _;
use std::path::{Path, PathBuf};
use std::str::FromStr;

/// A problem in an input file, with where it is.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct InputProblem {
    /// File name.
    pub file: String,
    /// 1-based line number (the header is line 1).
    pub row: usize,
    /// Column name, when one is at fault.
    pub column: Option<String>,
    /// What is wrong.
    pub message: String,
}

impl std::fmt::Display for InputProblem {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match &self.column {
            Some(c) => write!(f, "{} row {}, column {}: {}", self.file, self.row, c, self.message),
            None => write!(f, "{} row {}: {}", self.file, self.row, self.message),
        }
    }
}

/// Why a calculation could not run.
#[derive(Debug, thiserror::Error)]
pub enum CalcJobError {
    /// A file could not be read or written.
    #[error("{path}: {source}")]
    Io {
        /// The file.
        path: PathBuf,
        /// The OS error.
        source: std::io::Error,
    },
    /// The plan is malformed or invalid.
    #[error("{path}: {source}")]
    Plan {
        /// The plan file.
        path: PathBuf,
        /// What is wrong with it.
        source: plumbline_engine::PlanError,
    },
    /// Input rows are wrong; nothing was written. At most [`MAX_PROBLEMS`] are listed.
    #[error("{} problem(s) in the input, nothing written:\n{}", .0.len(), .0.iter().map(|p| format!("  {p}")).collect::<Vec<_>>().join("\n"))]
    Input(Vec<InputProblem>),
    /// The payouts could not be evaluated.
    #[error(transparent)]
    Batch(#[from] plumbline_engine::batch::BatchError),
    /// A payee's statement could not be calculated (general path).
    #[error("payee {payee}: {source}")]
    Payee {
        /// The payee's id.
        payee: String,
        /// Why.
        source: plumbline_engine::CalcError,
    },
}

/// How many input problems are reported before stopping.
pub const MAX_PROBLEMS: usize = 50;

/// Options of one run.
#[derive(Debug, Clone)]
pub struct CalcOptions {
    /// The plan document.
    pub plan: PathBuf,
    /// Folder holding `transactions.csv` and `quotas.csv`.
    pub data: PathBuf,
    /// Where to write the payouts.
    pub out: PathBuf,
    /// Plan year to calculate (its first calendar year); required when the data spans several.
    pub year: Option<i32>,
    /// Worker threads; defaults to the machine's parallelism.
    pub threads: Option<usize>,
    /// Where to write every payee-month's statement as JSON lines, if wanted.
    pub statements: Option<PathBuf>,
    /// Which path computes the payouts.
    pub engine: Engine,
}

/// Which path computes the payouts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum Engine {
    /// The fast batch scan when the plan allows it, else the statement engine.
    #[default]
    Auto,
    /// The statement engine for every plan (slower); for checking that both paths agree.
    Statements,
}

/// Summary of a run.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct CalcSummary {
    /// Transactions read.
    pub transactions: usize,
    /// Payout rows written.
    pub rows: usize,
    /// The plan year calculated.
    pub year: Option<i32>,
}

fn io(path: &Path) -> impl FnOnce(std::io::Error) -> CalcJobError + '_ {
    move |source| CalcJobError::Io { path: path.to_path_buf(), source }
}

/// Runs the plan over the files and writes the payouts (and the statements, if asked).
pub fn run(options: &CalcOptions) -> Result<CalcSummary, CalcJobError> {
    let plan_text = std::fs::read_to_string(&options.plan).map_err(io(&options.plan))?;
    let plan =
        Plan::from_json(&plan_text).map_err(|source| CalcJobError::Plan { path: options.plan.clone(), source })?;
    let quotas_path = options.data.join("quotas.csv");
    let quotas_text = std::fs::read(&quotas_path).map_err(io(&quotas_path))?;
    let roster = read_roster(&quotas_text, plan.currency.minor_digits())?;
    let threads = options.threads.unwrap_or_else(|| std::thread::available_parallelism().map_or(1, |n| n.get()));
    let general = options.engine == Engine::Statements || options.statements.is_some() || unsupported(&plan).is_some();
    // (payee, calendar month, payout, statement) in plan-year month order per payee.
    let (mut rows, transactions, year): (Vec<statements::Month>, usize, Option<i32>) = if general {
        statements::run(&plan, &options.data, &roster, options.year, threads, options.statements.is_some())?
    } else {
        let txn_path = options.data.join("transactions.csv");
        let file = std::fs::File::open(&txn_path).map_err(io(&txn_path))?;
        // SAFETY: the file is only read, and is not expected to change while the job runs.
        let bytes = unsafe { memmap2::Mmap::map(&file) }.map_err(io(&txn_path))?;
        let scanned = scan_transactions(&plan, &bytes, &roster, options.year, threads)?;
        let rows = payouts(&plan, &scanned.accumulator, &roster.names, &roster.quotas)?;
        let rows = rows
            .into_iter()
            .map(|r| statements::Month { payee: r.payee, month: r.month, payout: r.payout, statement: None })
            .collect();
        (rows, scanned.transactions, scanned.year)
    };
    let mut order: Vec<usize> = (0..roster.names.len()).collect();
    order.sort_by(|a, b| roster.names[*a].cmp(&roster.names[*b]));
    let mut rank = vec![0usize; order.len()];
    for (r, p) in order.iter().enumerate() {
        rank[*p] = r;
    }
    // Stable: months keep their plan-year order within each payee.
    rows.sort_by_key(|r| rank[r.payee]);
    let digits = plan.currency.minor_digits() as usize;
    let mut out = String::with_capacity(rows.len() * 24 + 32);
    out.push_str("payee,month,payout\n");
    for row in &rows {
        let payout = if row.payout.is_zero() { Decimal::ZERO } else { row.payout };
        let _ = writeln!(out, "{},{},{:.*}", roster.names[row.payee], row.month, digits, payout);
    }
    if let Some(path) = &options.statements {
        let mut lines = String::new();
        for statement in rows.iter().filter_map(|r| r.statement.as_deref()) {
            lines.push_str(statement);
            lines.push('\n');
        }
        std::fs::write(path, lines).map_err(io(path))?;
    }
    std::fs::write(&options.out, out).map_err(io(&options.out))?;
    Ok(CalcSummary { transactions, rows: rows.len(), year })
}

/// The payees, their quotas, and a lookup from name to index.
pub struct Roster {
    /// Payee ids in file order.
    pub names: Vec<String>,
    /// Annual quotas, by index.
    pub quotas: Vec<Option<Decimal>>,
    /// Annual fixed pay (optional column `fixed_pay`), by index.
    pub fixed_pay: Vec<Option<Decimal>>,
    /// Annual target incentive (optional column `target_incentive`), by index.
    pub target_incentives: Vec<Option<Decimal>>,
    short: FxHashMap<u64, usize>,
    long: FxHashMap<Vec<u8>, usize>,
}

/// Ids of up to 7 bytes packed into one integer with their length, so the hot lookup
/// compares integers instead of calling memcmp.
fn pack(name: &[u8]) -> Option<u64> {
    (name.len() <= 7).then(|| {
        name.iter().enumerate().fold((name.len() as u64) << 56, |key, (i, b)| key | (u64::from(*b) << (8 * i)))
    })
}

impl Roster {
    /// The index of a payee id, if listed.
    #[inline]
    pub fn lookup(&self, name: &[u8]) -> Option<usize> {
        match pack(name) {
            Some(key) => self.short.get(&key).copied(),
            None => self.long.get(name).copied(),
        }
    }

    fn insert(&mut self, name: String, quota: Option<Decimal>) {
        let index = self.names.len();
        match pack(name.as_bytes()) {
            Some(key) => self.short.insert(key, index),
            None => self.long.insert(name.as_bytes().to_vec(), index),
        };
        self.names.push(name);
        self.quotas.push(quota);
    }
}

fn read_roster(text: &[u8], digits: u32) -> Result<Roster, CalcJobError> {
    let file = "quotas.csv";
    let mut reader = csv::ReaderBuilder::new().from_reader(text);
    let headers = reader.headers().map_err(|e| one(file, 1, None, &e.to_string()))?.clone();
    let col = |name: &str| headers.iter().position(|h| h == name);
    let (Some(p), Some(q)) = (col("payee"), col("annual_quota")) else {
        return Err(one(file, 1, None, "the header must have columns payee and annual_quota"));
    };
    let (fixed_col, target_col) = (col("fixed_pay"), col("target_incentive"));
    let mut roster = Roster {
        names: Vec::new(),
        quotas: Vec::new(),
        fixed_pay: Vec::new(),
        target_incentives: Vec::new(),
        short: FxHashMap::default(),
        long: FxHashMap::default(),
    };
    let mut problems = Vec::new();
    for (i, record) in reader.records().enumerate() {
        let row = i + 2;
        let record = match record {
            Ok(r) => r,
            Err(e) => {
                problems.push(problem(file, row, None, &e.to_string()));
                continue;
            }
        };
        let name = record.get(p).unwrap_or("").trim().to_string();
        let quota_text = record.get(q).unwrap_or("").trim();
        if name.is_empty() {
            problems.push(problem(file, row, Some("payee"), "is empty"));
        } else if roster.lookup(name.as_bytes()).is_some() {
            problems.push(problem(file, row, Some("payee"), &format!("{name} is listed twice")));
        }
        let quota = if quota_text.is_empty() {
            None
        } else {
            match Decimal::from_str(quota_text) {
                Ok(d) if d > Decimal::ZERO && d.scale() <= digits => Some(d),
                _ => {
                    problems.push(problem(
                        file,
                        row,
                        Some("annual_quota"),
                        &format!("`{quota_text}` is not a positive amount"),
                    ));
                    None
                }
            }
        };
        let mut amount = |column: Option<usize>, name: &str| {
            let text = column.and_then(|c| record.get(c)).unwrap_or("").trim();
            match Decimal::from_str(text) {
                _ if text.is_empty() => None,
                Ok(d) if d >= Decimal::ZERO => Some(d),
                _ => {
                    problems.push(problem(file, row, Some(name), &format!("`{text}` is not an amount of 0 or more")));
                    None
                }
            }
        };
        let (fixed_pay, target) = (amount(fixed_col, "fixed_pay"), amount(target_col, "target_incentive"));
        roster.insert(name, quota);
        roster.fixed_pay.push(fixed_pay);
        roster.target_incentives.push(target);
        if problems.len() >= MAX_PROBLEMS {
            break;
        }
    }
    if problems.is_empty() { Ok(roster) } else { Err(CalcJobError::Input(problems)) }
}

fn problem(file: &str, row: usize, column: Option<&str>, message: &str) -> InputProblem {
    InputProblem { file: file.into(), row, column: column.map(str::to_string), message: message.into() }
}

fn one(file: &str, row: usize, column: Option<&str>, message: &str) -> CalcJobError {
    CalcJobError::Input(vec![problem(file, row, column, message)])
}

/// The transactions summed, ready for [`payouts`].
pub struct Scanned {
    /// Credited sums.
    pub accumulator: Accumulator,
    /// Transactions read.
    pub transactions: usize,
    /// The plan year found or chosen.
    pub year: Option<i32>,
}

struct Columns {
    date: usize,
    amount: usize,
    kind: Option<usize>,
    product: Option<usize>,
    roles: Vec<(usize, RoleShare)>,
    count: usize,
    names: Vec<String>,
}

fn columns(plan: &Plan, header: &[u8]) -> Result<Columns, CalcJobError> {
    let file = "transactions.csv";
    let names: Vec<String> =
        String::from_utf8_lossy(header).trim_end_matches('\r').split(',').map(|s| s.trim().to_string()).collect();
    let find = |n: &str| names.iter().position(|h| h == n);
    let require = |n: &str| find(n).ok_or_else(|| one(file, 1, Some(n), "required column is missing from the header"));
    let compiled = CompiledPlan::new(plan);
    let roles: Vec<(usize, RoleShare)> =
        role_columns(plan, find)?.into_iter().map(|(i, r)| (i, compiled.share(&r))).collect();
    Ok(Columns {
        date: require("date")?,
        amount: require("amount")?,
        kind: find("kind"),
        product: find("product"),
        roles,
        count: names.len(),
        names,
    })
}

/// The `transactions.csv` columns that name a crediting role of the plan, in file order, so
/// that among equal shares the earlier column wins a tied cent (both calculation paths agree).
fn role_columns(plan: &Plan, find: impl Fn(&str) -> Option<usize>) -> Result<Vec<(usize, String)>, CalcJobError> {
    let mut roles: Vec<(usize, String)> = plan
        .crediting
        .splits
        .keys()
        .chain(plan.crediting.overlays.iter())
        .filter_map(|r| find(r).map(|i| (i, r.clone())))
        .collect();
    roles.sort();
    if roles.is_empty() {
        return Err(one("transactions.csv", 1, None, "no column names a crediting role of the plan (e.g. owner)"));
    }
    Ok(roles)
}

struct ChunkResult {
    accumulator: Accumulator,
    transactions: usize,
    years: Vec<i32>,
    problems: Vec<(usize, Option<usize>, String)>,
}

/// Reads and credits every transaction, in `threads` parallel chunks.
pub fn scan_transactions(
    plan: &Plan,
    bytes: &[u8],
    roster: &Roster,
    year: Option<i32>,
    threads: usize,
) -> Result<Scanned, CalcJobError> {
    let file = "transactions.csv";
    let header_end = memchr::memchr(b'\n', bytes).unwrap_or(bytes.len());
    let cols = columns(plan, &bytes[..header_end])?;
    let body_start = (header_end + 1).min(bytes.len());
    let body = &bytes[body_start..];
    if let Some(at) = memchr::memchr(b'"', body) {
        let row = 2 + memchr_iter(b'\n', &body[..at]).count();
        return Err(one(file, row, None, "quoted fields are not supported in transactions.csv"));
    }
    let mut bounds = vec![0];
    for t in 1..threads.max(1) {
        let guess = body.len() * t / threads;
        let cut = memchr::memchr(b'\n', &body[guess.max(*bounds.last().unwrap())..])
            .map_or(body.len(), |i| guess.max(*bounds.last().unwrap()) + i + 1);
        bounds.push(cut);
    }
    bounds.push(body.len());
    let compiled = CompiledPlan::new(plan);
    let results: Vec<ChunkResult> = std::thread::scope(|s| {
        let handles: Vec<_> = bounds
            .windows(2)
            .map(|w| {
                let (start, end) = (w[0], w[1]);
                let (cols, compiled) = (&cols, &compiled);
                s.spawn(move || scan_chunk(plan, compiled, cols, roster, &body[start..end], start, year))
            })
            .collect();
        handles.into_iter().map(|h| h.join().expect("a scan thread panicked")).collect()
    });
    let mut problems: Vec<(usize, Option<usize>, String)> =
        results.iter().flat_map(|r| r.problems.iter().cloned()).collect();
    let mut years: Vec<i32> = results.iter().flat_map(|r| r.years.iter().copied()).collect();
    years.sort_unstable();
    years.dedup();
    if !problems.is_empty() {
        problems.sort_by_key(|p| p.0);
        problems.truncate(MAX_PROBLEMS);
        let problems = problems
            .into_iter()
            .map(|(offset, column, message)| {
                // Line numbers are counted only on this failure path, to keep the scan fast.
                let row = 2 + memchr_iter(b'\n', &body[..offset]).count();
                problem(file, row, column.map(|c| cols.names[c].as_str()), &message)
            })
            .collect();
        return Err(CalcJobError::Input(problems));
    }
    if year.is_none() && years.len() > 1 {
        return Err(one(
            file,
            2,
            Some("date"),
            &format!("transactions span plan years {years:?}; choose one with --year"),
        ));
    }
    let transactions = results.iter().map(|r| r.transactions).sum();
    let mut accumulator = Accumulator::new(roster.names.len(), plan.components.len());
    for r in &results {
        accumulator.merge(&r.accumulator);
    }
    Ok(Scanned { accumulator, transactions, year: year.or(years.first().copied()) })
}

/// One chunk's reader: the shared inputs and its own accumulator.
struct ChunkScanner<'a> {
    plan: &'a Plan,
    compiled: &'a CompiledPlan,
    cols: &'a Columns,
    roster: &'a Roster,
    year: Option<i32>,
    default_components: Vec<(usize, i64)>,
    scratch: Scratch,
    parties: Vec<(usize, RoleShare)>,
    result: ChunkResult,
}

fn scan_chunk(
    plan: &Plan,
    compiled: &CompiledPlan,
    cols: &Columns,
    roster: &Roster,
    chunk: &[u8],
    base: usize,
    year: Option<i32>,
) -> ChunkResult {
    let mut scanner = ChunkScanner {
        plan,
        compiled,
        cols,
        roster,
        year,
        default_components: counting_components(plan, TxnKind::Booking, None),
        scratch: Scratch::default(),
        parties: Vec::with_capacity(cols.roles.len()),
        result: ChunkResult {
            accumulator: Accumulator::new(roster.names.len(), plan.components.len()),
            transactions: 0,
            years: Vec::new(),
            problems: Vec::new(),
        },
    };
    let mut fields: Vec<&[u8]> = Vec::with_capacity(cols.count);
    // One SIMD pass finds every comma and newline; a row is handled when its newline is seen.
    let mut line_start = 0;
    let mut field_start = 0;
    let mut separators = memchr::memchr2_iter(b',', b'\n', chunk);
    while scanner.result.problems.len() < MAX_PROBLEMS {
        let (end, at_line_end) = match separators.next() {
            Some(at) => (at, chunk[at] == b'\n'),
            None if field_start < chunk.len() => (chunk.len(), true),
            None => break,
        };
        let mut field = &chunk[field_start..end];
        field_start = end + 1;
        if !at_line_end {
            fields.push(field);
            continue;
        }
        if field.last() == Some(&b'\r') {
            field = &field[..field.len() - 1];
        }
        fields.push(field);
        let offset = base + line_start;
        line_start = end + 1;
        let blank = fields.len() == 1 && fields[0].is_empty();
        if !blank && let Err((column, message)) = scanner.row(&fields) {
            scanner.result.problems.push((offset, column, message));
        }
        fields.clear();
    }
    scanner.result
}

impl ChunkScanner<'_> {
    /// Credits one row, or says which column is wrong and why.
    fn row(&mut self, fields: &[&[u8]]) -> Result<(), (Option<usize>, String)> {
        let cols = self.cols;
        let text = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
        if fields.len() != cols.count {
            return Err((None, format!("has {} fields, the header has {}", fields.len(), cols.count)));
        }
        let (y, m) = parse_date(fields[cols.date])
            .ok_or_else(|| (Some(cols.date), format!("`{}` is not a date as YYYY-MM-DD", text(fields[cols.date]))))?;
        let digits = self.compiled.digits;
        let amount = parse_minor(fields[cols.amount], digits).ok_or_else(|| {
            let value = text(fields[cols.amount]);
            (Some(cols.amount), format!("`{value}` is not an amount with at most {digits} decimals"))
        })?;
        let (month, plan_year) = plan_month(self.compiled, y, m);
        if self.year.is_some_and(|wanted| wanted != plan_year) {
            return Ok(());
        }
        if !self.result.years.contains(&plan_year) {
            self.result.years.push(plan_year);
        }
        let owned;
        let components = if cols.kind.is_none() && cols.product.is_none() {
            &self.default_components
        } else {
            let kind = match cols.kind.map(|k| fields[k]) {
                None | Some(b"") => TxnKind::Booking,
                Some(other) => serde_json::from_str::<TxnKind>(&format!("\"{}\"", text(other)))
                    .map_err(|_| (cols.kind, format!("`{}` is not a transaction kind", text(other))))?,
            };
            let product = cols.product.map(|p| text(fields[p])).filter(|p| !p.is_empty());
            owned = counting_components(self.plan, kind, product.as_deref());
            &owned
        };
        self.parties.clear();
        for &(col, share) in &cols.roles {
            let name = fields[col];
            if name.is_empty() {
                continue;
            }
            let payee = self
                .roster
                .lookup(name)
                .ok_or_else(|| (Some(col), format!("payee {} is not listed in quotas.csv", text(name))))?;
            self.parties.push((payee, share));
        }
        self.result.accumulator.credit(&self.parties, month, amount, components, &mut self.scratch);
        self.result.transactions += 1;
        Ok(())
    }
}

fn plan_month(plan: &CompiledPlan, year: i32, month: u32) -> (usize, i32) {
    if month >= plan.year_start_month {
        ((month - plan.year_start_month) as usize, year)
    } else {
        ((month + 12 - plan.year_start_month) as usize, year - 1)
    }
}

fn digit(b: u8) -> Option<u32> {
    b.is_ascii_digit().then(|| u32::from(b - b'0'))
}

/// Parses `YYYY-MM-DD` into (year, month), checking the day exists.
fn parse_date(s: &[u8]) -> Option<(i32, u32)> {
    if s.len() != 10 || s[4] != b'-' || s[7] != b'-' {
        return None;
    }
    let n = |r: std::ops::Range<usize>| s[r].iter().try_fold(0u32, |acc, b| Some(acc * 10 + digit(*b)?));
    let (y, m, d) = (n(0..4)? as i32, n(5..7)?, n(8..10)?);
    let leap = (y % 4 == 0 && y % 100 != 0) || y % 400 == 0;
    let days = match m {
        1 | 3 | 5 | 7 | 8 | 10 | 12 => 31,
        4 | 6 | 9 | 11 => 30,
        2 if leap => 29,
        2 => 28,
        _ => return None,
    };
    (1..=days).contains(&d).then_some((y, m))
}

/// Parses `-1234.5` into minor units (`-123450` for 2 digits); at most `digits` decimals.
fn parse_minor(s: &[u8], digits: u32) -> Option<i64> {
    let (negative, s) = match s.first() {
        Some(b'-') => (true, &s[1..]),
        _ => (false, s),
    };
    // Fields are a few bytes long: a plain scan beats SIMD set-up.
    let (whole, frac) = match s.iter().position(|b| *b == b'.') {
        Some(i) => (&s[..i], &s[i + 1..]),
        None => (s, &s[s.len()..]),
    };
    if whole.is_empty() || whole.len() > 15 || frac.len() > digits as usize {
        return None;
    }
    let mut value: i64 = 0;
    for b in whole {
        value = value * 10 + i64::from(digit(*b)?);
    }
    for i in 0..digits as usize {
        value = value * 10 + frac.get(i).map_or(Some(0), |b| digit(*b))? as i64;
    }
    Some(if negative { -value } else { value })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn amounts_parse_to_exact_minor_units() {
        assert_eq!(parse_minor(b"1234.56", 2), Some(123456));
        assert_eq!(parse_minor(b"7.5", 2), Some(750));
        assert_eq!(parse_minor(b"-0.07", 2), Some(-7));
        assert_eq!(parse_minor(b"12", 2), Some(1200));
        assert_eq!(parse_minor(b"1.234", 2), None);
        assert_eq!(parse_minor(b"1,0", 2), None);
        assert_eq!(parse_minor(b"", 2), None);
    }

    #[test]
    fn dates_must_exist() {
        assert_eq!(parse_date(b"2026-02-28"), Some((2026, 2)));
        assert_eq!(parse_date(b"2024-02-29"), Some((2024, 2)));
        assert_eq!(parse_date(b"2026-02-29"), None);
        assert_eq!(parse_date(b"2026-13-01"), None);
        assert_eq!(parse_date(b"2026-1-01"), None);
    }
}
