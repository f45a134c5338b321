//! Transactions that earn credit: bookings, fee revenue, trails, flows, AUM balances.

use crate::money::Currency;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

/// What a transaction records; measures select transactions by kind.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// A client's assets under management on a date: a balance, not a flow. Only an
    /// `aum_fee` measure reads balances (it averages them), so they are never summed as money.
    Aum,
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
            TxnKind::Aum => "assets under management",
        }
    }
}

/// Whether money is new to the firm or moves within existing relationships; measures may
/// count only one of the two.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum MoneyOrigin {
    /// From a new client, or assets the firm did not hold before.
    New,
    /// From an existing client's assets already with the firm.
    Existing,
}

/// A person who touched a transaction, in a crediting role such as `owner` or `specialist`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct Party {
    /// The payee's id.
    pub payee: String,
    /// The crediting role, matched against the plan's crediting rules.
    pub role: String,
}

/// One source transaction.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
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
    /// Sales channel (e.g. `advised`, `direct`), for measure filters.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub channel: Option<String>,
    /// New or existing money, for measure filters; unknown when absent.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub origin: Option<MoneyOrigin>,
    /// The day the transaction reached the books, when later than `date`. A statement only
    /// counts what was recorded by its period's end, so a transaction dated in a closed
    /// period but recorded later shows as an adjustment in the next statement.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub recorded_on: Option<NaiveDate>,
    /// The people credited, with their roles.
    pub parties: Vec<Party>,
}

impl Transaction {
    /// The day the transaction became known: its recording date, never before its own date.
    pub fn known_on(&self) -> NaiveDate {
        self.recorded_on.map_or(self.date, |r| r.max(self.date))
    }
}

/// Whether two short texts (ids, roles, codes) are equal. Inline, and by machine words up to
/// 16 bytes (two overlapping loads): for the few bytes of an id it beats the library `memcmp`
/// that `==` calls, and crediting compares several per transaction.
#[inline]
pub(crate) fn same_text(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    let n = a.len();
    if n != b.len() {
        return false;
    }
    let word = |s: &[u8], at: usize| u64::from_le_bytes(s[at..at + 8].try_into().unwrap_or_default());
    let half = |s: &[u8], at: usize| u32::from_le_bytes(s[at..at + 4].try_into().unwrap_or_default());
    match n {
        0 => true,
        // The first, middle and last bytes are every byte of a text of 1 to 3.
        1..4 => a[0] == b[0] && a[n / 2] == b[n / 2] && a[n - 1] == b[n - 1],
        4..8 => half(a, 0) == half(b, 0) && half(a, n - 4) == half(b, n - 4),
        8..=16 => word(a, 0) == word(b, 0) && word(a, n - 8) == word(b, n - 8),
        _ => a == b,
    }
}

#[cfg(test)]
mod tests {
    use super::same_text;
    use proptest::prelude::*;

    proptest! {
        #[test]
        fn same_text_is_equality(a in "[ab]{0,20}", b in "[ab]{0,20}") {
            // Two letters only, so equal texts of every length come up often.
            prop_assert_eq!(same_text(&a, &b), a == b);
        }
    }
}
