//! Fiscal calendars: the firm's year and its twelve periods.
//!
//! Two kinds, both with twelve periods grouped three to a quarter:
//!
//! - **Monthly**: calendar months, the year starting on the 1st of a chosen month (April for a
//!   UK April-March year).
//! - **Weekly** (retail 52/53-week calendars): periods of whole weeks in a 4-4-5, 4-5-4 or 5-4-4
//!   pattern per quarter. The year ends on a chosen weekday of a chosen month, by one of two
//!   rules: the *last* such weekday of the month (e.g. last Saturday of September), or the one
//!   *nearest* the month's last day, which may fall up to three days into the next month (the
//!   US retail calendar: the Saturday nearest 31 January). A year is then 52 weeks, or 53 when
//!   the rule moves the end a week further; **the 53rd week is added to period 12**.
//!
//! Years are numbered by the calendar year in which they nominally start or end (the firm's
//! choice, [`YearNaming`]). The nominal year runs from the 1st of the start month, which for a
//! weekly calendar is the month after the end month, so a weekly year that begins on 29
//! December is still the year that nominally starts on 1 January.

use crate::statement::Period;
use chrono::{Datelike, Days, Months, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

/// Which calendar year gives a fiscal year its number.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum YearNaming {
    /// The year it starts in: April 2026 - March 2027 is 2026, labelled `FY2026/27` (UK tax
    /// years, the US retail calendar). The default.
    #[default]
    StartYear,
    /// The year it ends in: October 2026 - September 2027 is 2027, labelled `FY2027` (US
    /// federal and many US companies).
    EndYear,
}

/// Weeks in each of a quarter's three periods.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub enum WeekPattern {
    /// 4, 4 and 5 weeks.
    #[serde(rename = "4-4-5")]
    FourFourFive,
    /// 4, 5 and 4 weeks.
    #[serde(rename = "4-5-4")]
    FourFiveFour,
    /// 5, 4 and 4 weeks.
    #[serde(rename = "5-4-4")]
    FiveFourFour,
}

impl WeekPattern {
    fn weeks(self) -> [u64; 3] {
        match self {
            WeekPattern::FourFourFive => [4, 4, 5],
            WeekPattern::FourFiveFour => [4, 5, 4],
            WeekPattern::FiveFourFour => [5, 4, 4],
        }
    }
}

/// How a weekly calendar's year end is found from its month and weekday.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(rename_all = "snake_case")]
pub enum YearEnd {
    /// The last given weekday in the month.
    LastInMonth,
    /// The given weekday nearest the month's last day, up to three days either side.
    NearestMonthEnd,
}

/// A firm's fiscal calendar, as stated in a plan.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
#[serde(tag = "type", rename_all = "snake_case", deny_unknown_fields)]
pub enum FiscalCalendar {
    /// Calendar months from the 1st of `start_month`.
    Monthly {
        /// Month (1-12) the year starts in; 4 for a UK April-March year.
        start_month: u32,
        /// Which calendar year numbers the fiscal year.
        #[serde(default)]
        year_named_by: YearNaming,
    },
    /// A 52/53-week calendar of whole weeks.
    Weekly {
        /// Weeks per period within each quarter.
        pattern: WeekPattern,
        /// Month (1-12) the year ends in or nearest to.
        end_month: u32,
        /// Weekday the year ends on, e.g. `"Sat"`; each week ends on this day.
        end_weekday: Weekday,
        /// Last such weekday in the month, or the one nearest the month's end.
        year_end: YearEnd,
        /// Which calendar year numbers the fiscal year.
        #[serde(default)]
        year_named_by: YearNaming,
    },
}

/// One period of a fiscal year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[cfg_attr(feature = "schema", derive(schemars::JsonSchema))]
pub struct FiscalPeriod {
    /// The fiscal year's number (see [`YearNaming`]).
    pub fiscal_year: i32,
    /// The fiscal year's label: `FY2026/27` or `FY2026`.
    pub year_label: String,
    /// Position in the year, 1 to 12.
    pub period_index: u32,
    /// First day.
    pub start: NaiveDate,
    /// Last day.
    pub end: NaiveDate,
    /// Label such as `FY2026/27 P01`.
    pub label: String,
}

impl FiscalPeriod {
    /// The quarter (1-4) the period falls in.
    pub fn quarter(&self) -> u32 {
        self.period_index.saturating_sub(1) / 3 + 1
    }

    /// Whether `date` falls within the period.
    pub fn contains(&self, date: NaiveDate) -> bool {
        self.start <= date && date <= self.end
    }

    /// The period as a statement [`Period`].
    pub fn to_period(&self) -> Period {
        Period { start: self.start, end: self.end, label: self.label.clone() }
    }
}

/// Why a calendar question could not be answered.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum CalendarError {
    /// A month number outside 1-12 in the calendar.
    #[error("{field} must be a month number from 1 to 12, got {month}")]
    InvalidMonth {
        /// The field, `start_month` or `end_month`.
        field: &'static str,
        /// The value given.
        month: u32,
    },
    /// The date's fiscal year reaches beyond the dates the calendar can represent.
    #[error("the fiscal year containing {date} lies outside the supported range of dates")]
    DateOutOfRange {
        /// The date asked about.
        date: NaiveDate,
    },
    /// The fiscal year lies beyond the dates the calendar can represent.
    #[error("fiscal year {fiscal_year} lies outside the supported range of dates")]
    YearOutOfRange {
        /// The year asked about.
        fiscal_year: i32,
    },
}

/// One fiscal year's bounds and names.
struct Year {
    number: i32,
    label: String,
    start: NaiveDate,
    end: NaiveDate,
}

impl FiscalCalendar {
    /// A monthly calendar starting in `start_month`, numbered by start year (the plan's
    /// `year_start_month` as a calendar).
    pub fn monthly(start_month: u32) -> FiscalCalendar {
        FiscalCalendar::Monthly { start_month, year_named_by: YearNaming::StartYear }
    }

    /// Checks the month numbers.
    pub fn validate(&self) -> Result<(), CalendarError> {
        let (field, month) = match self {
            FiscalCalendar::Monthly { start_month, .. } => ("start_month", *start_month),
            FiscalCalendar::Weekly { end_month, .. } => ("end_month", *end_month),
        };
        if (1..=12).contains(&month) { Ok(()) } else { Err(CalendarError::InvalidMonth { field, month }) }
    }

    /// The period containing `date`.
    pub fn period_of(&self, date: NaiveDate) -> Result<FiscalPeriod, CalendarError> {
        let year = self.year_containing(date)?;
        let periods = self.periods(&year).ok_or(CalendarError::DateOutOfRange { date })?;
        periods.into_iter().find(|p| p.contains(date)).ok_or(CalendarError::DateOutOfRange { date })
    }

    /// The twelve periods of `fiscal_year`, in order; they tile the year without gaps.
    pub fn periods_of_year(&self, fiscal_year: i32) -> Result<Vec<FiscalPeriod>, CalendarError> {
        let out_of_range = CalendarError::YearOutOfRange { fiscal_year };
        self.validate()?;
        let nominal = match self.naming() {
            YearNaming::StartYear => Some(fiscal_year),
            YearNaming::EndYear => fiscal_year.checked_sub(i32::from(self.start_month() != 1)),
        };
        let year = nominal.and_then(|n| self.year(n)).ok_or(out_of_range.clone())?;
        self.periods(&year).ok_or(out_of_range)
    }

    /// First day of the fiscal year containing `date`.
    pub fn year_start(&self, date: NaiveDate) -> Result<NaiveDate, CalendarError> {
        Ok(self.year_containing(date)?.start)
    }

    /// Number of the fiscal year containing `date`.
    pub fn fiscal_year_of(&self, date: NaiveDate) -> Result<i32, CalendarError> {
        Ok(self.year_containing(date)?.number)
    }

    fn naming(&self) -> YearNaming {
        match self {
            FiscalCalendar::Monthly { year_named_by, .. } | FiscalCalendar::Weekly { year_named_by, .. } => {
                *year_named_by
            }
        }
    }

    /// Month of the nominal year start.
    fn start_month(&self) -> u32 {
        match self {
            FiscalCalendar::Monthly { start_month, .. } => *start_month,
            FiscalCalendar::Weekly { end_month, .. } => end_month % 12 + 1,
        }
    }

    fn year_containing(&self, date: NaiveDate) -> Result<Year, CalendarError> {
        self.validate()?;
        let out_of_range = CalendarError::DateOutOfRange { date };
        // The nominal year is a first guess; a weekly year's real bounds are within a week of
        // it, so at most one step either way finds the year.
        let mut nominal = if date.month() >= self.start_month() { date.year() } else { date.year() - 1 };
        for _ in 0..3 {
            let year = self.year(nominal).ok_or(out_of_range.clone())?;
            if date < year.start {
                nominal -= 1;
            } else if date > year.end {
                nominal += 1;
            } else {
                return Ok(year);
            }
        }
        Err(out_of_range)
    }

    /// The fiscal year whose nominal start is in calendar year `nominal`; None beyond the
    /// representable dates.
    fn year(&self, nominal: i32) -> Option<Year> {
        let start_month = self.start_month();
        let (start, end) = match self {
            FiscalCalendar::Monthly { .. } => {
                let start = NaiveDate::from_ymd_opt(nominal, start_month, 1)?;
                (start, start.checked_add_months(Months::new(12))?.pred_opt()?)
            }
            FiscalCalendar::Weekly { end_month, end_weekday, year_end, .. } => {
                // The year ends in the calendar year after its nominal start, unless it starts
                // in January.
                let end_year = nominal.checked_add(i32::from(start_month != 1))?;
                let end = week_year_end(end_year, *end_month, *end_weekday, *year_end)?;
                let previous = week_year_end(end_year.checked_sub(1)?, *end_month, *end_weekday, *year_end)?;
                (previous.succ_opt()?, end)
            }
        };
        let spans = start_month != 1;
        let (number, label) = match self.naming() {
            YearNaming::StartYear if spans => {
                (nominal, format!("FY{nominal}/{:02}", nominal.checked_add(1)?.rem_euclid(100)))
            }
            YearNaming::StartYear => (nominal, format!("FY{nominal}")),
            YearNaming::EndYear => {
                let number = nominal.checked_add(i32::from(spans))?;
                (number, format!("FY{number}"))
            }
        };
        Some(Year { number, label, start, end })
    }

    fn periods(&self, year: &Year) -> Option<Vec<FiscalPeriod>> {
        let mut periods = Vec::with_capacity(12);
        let mut start = year.start;
        for index in 1..=12u32 {
            let end = match self {
                FiscalCalendar::Monthly { .. } => start.checked_add_months(Months::new(1))?.pred_opt()?,
                // Period 12 runs to the year end, taking the 53rd week when there is one.
                FiscalCalendar::Weekly { .. } if index == 12 => year.end,
                FiscalCalendar::Weekly { pattern, .. } => {
                    let weeks = pattern.weeks()[(index as usize - 1) % 3];
                    start.checked_add_days(Days::new(7 * weeks - 1))?
                }
            };
            periods.push(FiscalPeriod {
                fiscal_year: year.number,
                year_label: year.label.clone(),
                period_index: index,
                start,
                end,
                label: format!("{} P{index:02}", year.label),
            });
            start = end.succ_opt()?;
        }
        Some(periods)
    }
}

/// Last day of the weekly fiscal year that ends in or near `month` of `year`.
fn week_year_end(year: i32, month: u32, weekday: Weekday, rule: YearEnd) -> Option<NaiveDate> {
    let first_of_next = if month == 12 {
        NaiveDate::from_ymd_opt(year.checked_add(1)?, 1, 1)?
    } else {
        NaiveDate::from_ymd_opt(year, month + 1, 1)?
    };
    let last_day = first_of_next.pred_opt()?;
    let back = (last_day.weekday().num_days_from_monday() + 7 - weekday.num_days_from_monday()) % 7;
    match rule {
        YearEnd::NearestMonthEnd if back > 3 => last_day.checked_add_days(Days::new(u64::from(7 - back))),
        _ => last_day.checked_sub_days(Days::new(u64::from(back))),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use proptest::prelude::*;

    fn d(text: &str) -> NaiveDate {
        NaiveDate::parse_from_str(text, "%Y-%m-%d").expect("test date")
    }

    fn bounds(periods: &[FiscalPeriod]) -> Vec<(String, String)> {
        periods.iter().map(|p| (p.start.to_string(), p.end.to_string())).collect()
    }

    fn us_retail() -> FiscalCalendar {
        FiscalCalendar::Weekly {
            pattern: WeekPattern::FourFiveFour,
            end_month: 1,
            end_weekday: Weekday::Sat,
            year_end: YearEnd::NearestMonthEnd,
            year_named_by: YearNaming::StartYear,
        }
    }

    #[test]
    fn uk_fiscal_year_2026_27_runs_april_to_march() {
        let uk = FiscalCalendar::monthly(4);
        assert_eq!(uk.year_start(d("2026-04-01")), Ok(d("2026-04-01")));
        assert_eq!(uk.year_start(d("2027-03-31")), Ok(d("2026-04-01")));
        assert_eq!(uk.year_start(d("2026-03-31")), Ok(d("2025-04-01")));
        let first = uk.period_of(d("2026-04-15")).unwrap();
        assert_eq!(
            first,
            FiscalPeriod {
                fiscal_year: 2026,
                year_label: "FY2026/27".into(),
                period_index: 1,
                start: d("2026-04-01"),
                end: d("2026-04-30"),
                label: "FY2026/27 P01".into(),
            }
        );
        let february = uk.period_of(d("2027-02-28")).unwrap();
        assert_eq!((february.period_index, february.quarter(), february.start), (11, 4, d("2027-02-01")));
        assert_eq!(uk.period_of(d("2026-07-01")).unwrap().quarter(), 2);
        let year = uk.periods_of_year(2026).unwrap();
        assert_eq!(year.len(), 12);
        assert_eq!((year[0].start, year[11].end), (d("2026-04-01"), d("2027-03-31")));
        assert_eq!(year[11].to_period().label, "FY2026/27 P12");
    }

    #[test]
    fn end_year_naming_numbers_a_year_by_its_end() {
        let federal = FiscalCalendar::Monthly { start_month: 10, year_named_by: YearNaming::EndYear };
        let p = federal.period_of(d("2026-10-01")).unwrap();
        assert_eq!((p.fiscal_year, p.label.as_str()), (2027, "FY2027 P01"));
        assert_eq!(federal.periods_of_year(2027).unwrap()[0].start, d("2026-10-01"));
        let calendar = FiscalCalendar::monthly(1);
        let p = calendar.period_of(d("2026-12-31")).unwrap();
        assert_eq!((p.fiscal_year, p.label.as_str(), p.period_index), (2026, "FY2026 P12", 12));
    }

    #[test]
    fn us_retail_454_has_a_53_week_2023() {
        // The NRF calendar: fiscal 2023 ran 29 January 2023 to 3 February 2024, 53 weeks, the
        // extra week in January (period 12).
        let year = us_retail().periods_of_year(2023).unwrap();
        let expected = [
            ("2023-01-29", "2023-02-25"),
            ("2023-02-26", "2023-04-01"),
            ("2023-04-02", "2023-04-29"),
            ("2023-04-30", "2023-05-27"),
            ("2023-05-28", "2023-07-01"),
            ("2023-07-02", "2023-07-29"),
            ("2023-07-30", "2023-08-26"),
            ("2023-08-27", "2023-09-30"),
            ("2023-10-01", "2023-10-28"),
            ("2023-10-29", "2023-11-25"),
            ("2023-11-26", "2023-12-30"),
            ("2023-12-31", "2024-02-03"),
        ];
        assert_eq!(bounds(&year), expected.map(|(a, b)| (a.to_string(), b.to_string())).to_vec());
        assert_eq!(year[0].year_label, "FY2023/24");
        let next = us_retail().periods_of_year(2024).unwrap();
        assert_eq!((next[0].start, next[11].end), (d("2024-02-04"), d("2025-02-01")));
        assert_eq!(us_retail().period_of(d("2024-02-03")).unwrap().label, "FY2023/24 P12");
        assert_eq!(us_retail().period_of(d("2024-02-04")).unwrap().label, "FY2024/25 P01");
    }

    #[test]
    fn last_saturday_of_september_445() {
        // Year ends on the last Saturday of September: 24 Sep 2022, 30 Sep 2023, 28 Sep 2024.
        let cal = FiscalCalendar::Weekly {
            pattern: WeekPattern::FourFourFive,
            end_month: 9,
            end_weekday: Weekday::Sat,
            year_end: YearEnd::LastInMonth,
            year_named_by: YearNaming::EndYear,
        };
        let fy23 = cal.periods_of_year(2023).unwrap();
        assert_eq!((fy23[0].start, fy23[11].end), (d("2022-09-25"), d("2023-09-30")));
        assert_eq!(fy23[11].end - fy23[11].start, chrono::Duration::days(41), "6 weeks with the 53rd");
        let fy24 = cal.periods_of_year(2024).unwrap();
        assert_eq!(
            bounds(&fy24[..3]),
            [("2023-10-01", "2023-10-28"), ("2023-10-29", "2023-11-25"), ("2023-11-26", "2023-12-30")]
                .map(|(a, b)| (a.to_string(), b.to_string()))
                .to_vec()
        );
        assert_eq!(fy24[11].end, d("2024-09-28"));
        assert_eq!(cal.fiscal_year_of(d("2023-10-01")), Ok(2024));
    }

    #[test]
    fn a_december_year_end_may_fall_in_january() {
        // The Saturday nearest 31 December 2025 is 3 January 2026 (Wednesday + 3 days).
        let cal = FiscalCalendar::Weekly {
            pattern: WeekPattern::FiveFourFour,
            end_month: 12,
            end_weekday: Weekday::Sat,
            year_end: YearEnd::NearestMonthEnd,
            year_named_by: YearNaming::EndYear,
        };
        let p = cal.period_of(d("2026-01-02")).unwrap();
        assert_eq!((p.fiscal_year, p.period_index, p.end), (2025, 12, d("2026-01-03")));
        assert_eq!(cal.year_start(d("2026-01-02")), Ok(d("2024-12-29")));
        assert_eq!(cal.period_of(d("2024-12-29")).unwrap().label, "FY2025 P01");
        assert_eq!(cal.period_of(d("2024-12-29")).unwrap().end, d("2025-02-01"), "5 weeks first");
    }

    #[test]
    fn calendars_are_plan_json() {
        let json = r#"{"type":"weekly","pattern":"4-5-4","end_month":1,"end_weekday":"Sat","year_end":"nearest_month_end","year_named_by":"start_year"}"#;
        let cal: FiscalCalendar = serde_json::from_str(json).unwrap();
        assert_eq!(cal, us_retail());
        assert_eq!(serde_json::to_string(&cal).unwrap(), json);
        let uk: FiscalCalendar = serde_json::from_str(r#"{"type":"monthly","start_month":4}"#).unwrap();
        assert_eq!(uk, FiscalCalendar::monthly(4));
    }

    #[test]
    fn bad_months_and_extreme_dates_are_errors() {
        let bad = FiscalCalendar::monthly(13);
        assert_eq!(
            bad.period_of(d("2026-01-01")),
            Err(CalendarError::InvalidMonth { field: "start_month", month: 13 })
        );
        assert_eq!(bad.validate().unwrap_err().to_string(), "start_month must be a month number from 1 to 12, got 13");
        let uk = FiscalCalendar::monthly(4);
        assert_eq!(uk.period_of(NaiveDate::MAX), Err(CalendarError::DateOutOfRange { date: NaiveDate::MAX }));
        assert!(us_retail().period_of(NaiveDate::MIN).is_err());
        assert_eq!(uk.periods_of_year(i32::MAX), Err(CalendarError::YearOutOfRange { fiscal_year: i32::MAX }));
        let federal = FiscalCalendar::Monthly { start_month: 10, year_named_by: YearNaming::EndYear };
        assert!(federal.periods_of_year(i32::MIN).is_err());
    }

    fn calendars() -> impl Strategy<Value = FiscalCalendar> {
        let naming = prop_oneof![Just(YearNaming::StartYear), Just(YearNaming::EndYear)];
        let monthly = (1u32..=12, naming.clone())
            .prop_map(|(start_month, year_named_by)| FiscalCalendar::Monthly { start_month, year_named_by });
        let pattern = prop_oneof![
            Just(WeekPattern::FourFourFive),
            Just(WeekPattern::FourFiveFour),
            Just(WeekPattern::FiveFourFour)
        ];
        let rule = prop_oneof![Just(YearEnd::LastInMonth), Just(YearEnd::NearestMonthEnd)];
        let weekly =
            (pattern, 1u32..=12, 0u8..7, rule, naming).prop_map(|(pattern, end_month, day, year_end, naming)| {
                FiscalCalendar::Weekly {
                    pattern,
                    end_month,
                    end_weekday: Weekday::try_from(day).unwrap_or(Weekday::Sat),
                    year_end,
                    year_named_by: naming,
                }
            });
        prop_oneof![monthly, weekly]
    }

    proptest! {
        #[test]
        fn every_date_lies_in_exactly_one_period_and_years_tile(cal in calendars(), days in 0u64..200_000) {
            let date = d("1900-01-01") + Days::new(days);
            let period = cal.period_of(date).unwrap();
            prop_assert!(period.contains(date));
            let year = cal.periods_of_year(period.fiscal_year).unwrap();
            prop_assert_eq!(year.len(), 12);
            prop_assert_eq!(year.iter().filter(|p| p.contains(date)).count(), 1);
            prop_assert!(year.contains(&period));
            prop_assert_eq!(cal.year_start(date).unwrap(), year[0].start);
            for pair in year.windows(2) {
                prop_assert_eq!(pair[0].end.succ_opt(), Some(pair[1].start));
                prop_assert!(pair[0].start <= pair[0].end);
            }
            let next = cal.periods_of_year(period.fiscal_year + 1).unwrap();
            prop_assert_eq!(year[11].end.succ_opt(), Some(next[0].start));
            let length = (year[11].end - year[0].start).num_days() + 1;
            match cal {
                FiscalCalendar::Monthly { .. } => {
                    prop_assert!(length == 365 || length == 366);
                    prop_assert!(year.iter().all(|p| p.start.day() == 1));
                }
                FiscalCalendar::Weekly { end_weekday, .. } => {
                    prop_assert!(length == 364 || length == 371);
                    prop_assert!(year.iter().all(|p| p.end.weekday() == end_weekday));
                    prop_assert!(year.iter().all(|p| [28, 35, 42].contains(&((p.end - p.start).num_days() + 1))));
                }
            }
        }
    }
}
