//! The generator's working state: the window it covers and records under construction.
//!
//! Records refer to each other by index while the firm is being built; string ids for
//! opportunities, transactions and activities are given only once everything is sorted, so
//! ids follow the calendar.

use crate::dates::{Month, add_days, month_start_offset, months, ymd};
use crate::pipeline::Deal;
use crate::rng::Rng;
use chrono::{Datelike, NaiveDate};
use plumbline_engine::{Currency, TxnKind};
use plumbline_firm::{ActivityKind, AumSnapshot, Client, ComplianceKind, FlowDirection, Person, Quota, Severity, Team};
use rust_decimal::Decimal;
use std::collections::BTreeMap;

/// The generator's fixed frame: seed, dates and the market path every wealth client shares.
#[derive(Debug, Clone)]
pub(crate) struct Ctx {
    /// The seed every stream derives from.
    pub seed: u64,
    /// The firm's "today".
    pub as_of: NaiveDate,
    /// First day of history: the first of the month 23 months before the as-of month.
    pub window_start: NaiveDate,
    /// First day of the current plan year.
    pub year_start: NaiveDate,
    /// First day of the previous plan year, when the plans take effect.
    pub prev_year_start: NaiveDate,
    /// The months of the window.
    pub months: Vec<Month>,
    /// One common market return per month, so client books move together as markets do.
    pub market: Vec<f64>,
}

impl Ctx {
    /// The frame for a seed and as-of date.
    pub(crate) fn new(seed: u64, as_of: NaiveDate) -> Ctx {
        let window_start = month_start_offset(as_of, -23);
        let months = months(window_start, as_of);
        let mut rng = Rng::stream(seed, "market", 0);
        // About 6% a year with equity-like monthly noise.
        let market = months.iter().map(|_| 0.005 + 0.022 * rng.normal()).collect();
        Ctx {
            seed,
            as_of,
            window_start,
            year_start: ymd(as_of.year(), 1, 1),
            prev_year_start: ymd(as_of.year() - 1, 1, 1),
            months,
            market,
        }
    }

    /// A random stream for one part of the firm.
    pub(crate) fn rng(&self, label: &str, index: usize) -> Rng {
        Rng::stream(self.seed, label, index as u64)
    }

    /// `n` days before the as-of date.
    pub(crate) fn before_as_of(&self, n: i64) -> NaiveDate {
        add_days(self.as_of, -n)
    }
}

/// The two currencies the firm books in.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub(crate) enum Ccy {
    /// Sterling, for the wealth division and the firm.
    Gbp,
    /// US dollars, for asset servicing.
    Usd,
}

impl Ccy {
    /// As an engine currency.
    pub(crate) fn currency(self) -> Currency {
        match self {
            Ccy::Gbp => Currency::new("GBP"),
            Ccy::Usd => Currency::new("USD"),
        }
    }
}

/// Money from whole minor units; amounts are kept in pence or cents while generating.
pub(crate) fn money(cents: i64) -> Decimal {
    Decimal::new(cents, 2)
}

/// A sampled amount in minor units, rounded to a multiple of `unit` minor units.
pub(crate) fn round_to(cents: f64, unit: i64) -> i64 {
    (cents / unit as f64).round() as i64 * unit
}

/// A transaction before ids are given.
#[derive(Debug, Clone)]
pub(crate) struct RawTxn {
    /// Value date.
    pub date: NaiveDate,
    /// Kind (fee revenue, trail or booking; flows are kept as [`RawFlow`]).
    pub kind: TxnKind,
    /// Amount in minor units.
    pub cents: i64,
    /// Currency.
    pub ccy: Ccy,
    /// Product.
    pub product: Option<&'static str>,
    /// Client index.
    pub client: usize,
    /// Credited parties: person index and role.
    pub parties: Vec<(usize, &'static str)>,
}

/// A client flow before ids are given; each becomes a flow and an inflow/outflow transaction.
#[derive(Debug, Clone)]
pub(crate) struct RawFlow {
    /// Value date.
    pub date: NaiveDate,
    /// Client index.
    pub client: usize,
    /// In or out.
    pub direction: FlowDirection,
    /// Amount in pence.
    pub cents: i64,
    /// Product, when the flow came from a mandate or transfer.
    pub product: Option<&'static str>,
    /// Credited parties.
    pub parties: Vec<(usize, &'static str)>,
}

/// An activity before ids are given.
#[derive(Debug, Clone)]
pub(crate) struct RawActivity {
    /// When.
    pub date: NaiveDate,
    /// Person index.
    pub person: usize,
    /// Client index.
    pub client: usize,
    /// Deal index, if about an opportunity.
    pub deal: Option<usize>,
    /// Kind.
    pub kind: ActivityKind,
}

/// A compliance event before ids are given.
#[derive(Debug, Clone)]
pub(crate) struct RawEvent {
    /// Person index.
    pub person: usize,
    /// When recorded.
    pub date: NaiveDate,
    /// Kind.
    pub kind: ComplianceKind,
    /// Severity.
    pub severity: Severity,
    /// Description.
    pub description: String,
}

/// Everything generated so far.
#[derive(Debug, Default)]
pub(crate) struct World {
    /// People in id order.
    pub people: Vec<Person>,
    /// Teams.
    pub teams: Vec<Team>,
    /// Clients in id order.
    pub clients: Vec<Client>,
    /// Month-end AUM.
    pub aum: Vec<AumSnapshot>,
    /// Flows.
    pub flows: Vec<RawFlow>,
    /// Fee revenue, trail and booking transactions.
    pub txns: Vec<RawTxn>,
    /// Opportunities.
    pub deals: Vec<Deal>,
    /// Activities not tied to a deal (deal activities live on the deal).
    pub activities: Vec<RawActivity>,
    /// Compliance events.
    pub events: Vec<RawEvent>,
    /// Quotas.
    pub quotas: Vec<Quota>,
    /// Wealth advisers' modelled annual fee revenue in pence, for first-year quotas.
    pub modelled_revenue: BTreeMap<usize, i64>,
}

impl World {
    /// Adds a client and returns its index; ids follow insertion order.
    pub(crate) fn add_client(&mut self, mut client: Client) -> usize {
        let idx = self.clients.len();
        client.id = format!("C{:05}", idx + 1);
        self.clients.push(client);
        idx
    }
}
