//! Dates as the app writes them. (Written by hand: chrono's strftime machinery costs ~20 KB
//! of WASM.)

use chrono::{Datelike, NaiveDate};

const MONTHS: [&str; 12] = [
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
];

/// `November 2026`.
pub fn month_name(date: NaiveDate) -> String {
    format!("{} {}", MONTHS[date.month0() as usize], date.year())
}

/// `Nov`.
pub fn month_abbr(date: NaiveDate) -> &'static str {
    &MONTHS[date.month0() as usize][..3]
}

/// `21 Nov 2026`.
pub fn short_date(date: NaiveDate) -> String {
    format!("{} {} {}", date.day(), month_abbr(date), date.year())
}
