//! Transactions that earn credit: bookings, fee revenue, trails, flows.

use crate::money::Currency;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a transaction records; measures select transactions by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum TxnKind {
    /// A won deal or mandate, valued at its contract amount.
    Booking,
    /// Advisory or management fees charged on assets.
    FeeRevenue,
    /// Trail commission received from a product provider.
    Trail,
    /// Money brought in by a client.
    Inflow,
    /// Money withdrawn by a client (amounts are positive; measures subtract them).
    Outflow,
}

impl TxnKind {
    /// Plain-language name used in explanations.
    pub fn label(self) -> &'static str {
        match self {
            TxnKind::Booking => "bookings",
            TxnKind::FeeRevenue => "fee revenue",
            TxnKind::Trail => "trail commission",
            TxnKind::Inflow => "inflows",
            TxnKind::Outflow => "outflows",
        }
    }
}

/// A person who touched a transaction, in a crediting role such as `owner` or `specialist`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Party {
    /// The payee's id.
    pub payee: String,
    /// The crediting role, matched against the plan's crediting rules.
    pub role: String,
}

/// One source transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Transaction {
    /// Stable id from the source system.
    pub id: String,
    /// The date that decides the period.
    pub date: NaiveDate,
    /// What kind of transaction this is.
    pub kind: TxnKind,
    /// Amount in `currency`.
    pub amount: Decimal,
    /// Currency of `amount`.
    pub currency: Currency,
    /// Product or product line, for measure filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub product: Option<String>,
    /// Client the transaction belongs to.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub client_id: Option<String>,
    /// The people credited, with their roles.
    pub parties: Vec<Party>,
}
