//! Periods a brief or a listing covers: a month, a quarter, a year or an inclusive date range,
//! with the comparison periods the data contract defines (previous, and a year earlier).

use chrono::{Datelike, Days, Months, NaiveDate};
use serde::Serialize;
use std::fmt;

#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum PeriodKind {
    Month,
    Quarter,
    Year,
    Range,
}

/// The periods an archive divides a span into.
#[derive(Clone, Copy, Debug, PartialEq, Eq, clap::ValueEnum)]
pub enum Each {
    Month,
    Quarter,
}

/// An inclusive span of days, and the form it was asked for in.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Period {
    pub kind: PeriodKind,
    pub from: NaiveDate,
    pub to: NaiveDate,
}

#[derive(Debug, PartialEq, Eq)]
pub struct PeriodError(pub String);

impl fmt::Display for PeriodError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::error::Error for PeriodError {}

fn err<T>(message: String) -> Result<T, PeriodError> {
    Err(PeriodError(message))
}

impl Period {
    pub fn month(year: i32, month: u32) -> Result<Self, PeriodError> {
        let Some(from) = NaiveDate::from_ymd_opt(year, month, 1) else {
            return err(format!("{year}-{month:02} is not a month"));
        };
        Ok(Period {
            kind: PeriodKind::Month,
            from,
            to: last_day_of_month(from),
        })
    }

    pub fn quarter(year: i32, quarter: u32) -> Result<Self, PeriodError> {
        if !(1..=4).contains(&quarter) {
            return err(format!("Q{quarter} is not a quarter; use Q1 to Q4"));
        }
        let first = Period::month(year, (quarter - 1) * 3 + 1)?;
        let last = Period::month(year, quarter * 3)?;
        Ok(Period {
            kind: PeriodKind::Quarter,
            from: first.from,
            to: last.to,
        })
    }

    pub fn year(year: i32) -> Result<Self, PeriodError> {
        match (
            NaiveDate::from_ymd_opt(year, 1, 1),
            NaiveDate::from_ymd_opt(year, 12, 31),
        ) {
            (Some(from), Some(to)) => Ok(Period {
                kind: PeriodKind::Year,
                from,
                to,
            }),
            _ => err(format!("{year} is not a supported year")),
        }
    }

    pub fn range(from: NaiveDate, to: NaiveDate) -> Result<Self, PeriodError> {
        if from > to {
            return err(format!("--from {from} is after --to {to}"));
        }
        Ok(Period {
            kind: PeriodKind::Range,
            from,
            to,
        })
    }

    /// `--month YYYY-MM`
    pub fn parse_month(text: &str) -> Result<Self, PeriodError> {
        let parsed = text
            .split_once('-')
            .and_then(|(y, m)| Some((parse_year(y)?, parse_number(m, 2)?)));
        match parsed {
            Some((year, month)) => Period::month(year, month),
            None => err(format!(
                "`{text}` is not a month; use YYYY-MM, like 2024-03"
            )),
        }
    }

    /// `--quarter YYYY-QN`
    pub fn parse_quarter(text: &str) -> Result<Self, PeriodError> {
        let parsed = text.split_once(['-']).and_then(|(y, q)| {
            Some((
                parse_year(y)?,
                parse_number(q.strip_prefix(['Q', 'q'])?, 1)?,
            ))
        });
        match parsed {
            Some((year, quarter)) => Period::quarter(year, quarter),
            None => err(format!(
                "`{text}` is not a quarter; use YYYY-QN, like 2024-Q1"
            )),
        }
    }

    /// `--year YYYY`
    pub fn parse_year(text: &str) -> Result<Self, PeriodError> {
        match parse_year(text) {
            Some(year) => Period::year(year),
            None => err(format!("`{text}` is not a year; use YYYY, like 2024")),
        }
    }

    /// The default period: the last complete calendar month before `today`.
    pub fn last_complete_month(today: NaiveDate) -> Self {
        let this_month = Period {
            kind: PeriodKind::Month,
            from: first_day_of_month(today),
            to: last_day_of_month(today),
        };
        this_month.previous()
    }

    /// `2024-03`, `2024-Q1`, `2024`, or `2024-01-15_2024-02-10`.
    pub fn label(&self) -> String {
        match self.kind {
            PeriodKind::Month => self.from.format("%Y-%m").to_string(),
            // Four-digit years, as the parsers read them (`--year 0729` labels `0729`).
            PeriodKind::Quarter => {
                format!("{:04}-Q{}", self.from.year(), self.from.month0() / 3 + 1)
            }
            PeriodKind::Year => format!("{:04}", self.from.year()),
            PeriodKind::Range => format!("{}_{}", self.from, self.to),
        }
    }

    /// The period whose [`label`](Self::label) is `label` (`2024-03`, `2024-Q1`, `2024`,
    /// `2024-01-01_2024-02-10`), read back from a file name; `None` for anything else.
    pub fn from_label(label: &str) -> Option<Self> {
        let period = if let Some((from, to)) = label.split_once('_') {
            Period::range(from.parse().ok()?, to.parse().ok()?).ok()?
        } else if label.contains('Q') {
            Period::parse_quarter(label).ok()?
        } else if label.contains('-') {
            Period::parse_month(label).ok()?
        } else {
            Period::parse_year(label).ok()?
        };
        // Only the label the period itself writes: one file name per period.
        (period.label() == label).then_some(period)
    }

    pub fn contains(&self, date: NaiveDate) -> bool {
        self.from <= date && date <= self.to
    }

    /// Number of days, both ends included.
    pub fn days(&self) -> i64 {
        (self.to - self.from).num_days() + 1
    }

    /// The period of equal standing just before: the previous month, quarter or year; for a
    /// range, the same number of days ending the day before `from`.
    pub fn previous(&self) -> Self {
        match self.kind {
            PeriodKind::Month | PeriodKind::Quarter | PeriodKind::Year => {
                let months = match self.kind {
                    PeriodKind::Month => 1,
                    PeriodKind::Quarter => 3,
                    _ => 12,
                };
                let from = self
                    .from
                    .checked_sub_months(Months::new(months))
                    .unwrap_or(NaiveDate::MIN);
                let to = self.from.pred_opt().unwrap_or(NaiveDate::MIN);
                Period {
                    kind: self.kind,
                    from,
                    to,
                }
            }
            PeriodKind::Range => {
                let to = self.from.pred_opt().unwrap_or(NaiveDate::MIN);
                let from = self
                    .from
                    .checked_sub_days(Days::new(self.days().unsigned_abs()))
                    .unwrap_or(NaiveDate::MIN);
                Period {
                    kind: self.kind,
                    from,
                    to,
                }
            }
        }
    }

    /// The same dates one year earlier; 29 February becomes 28 February.
    pub fn year_ago(&self) -> Self {
        Period {
            kind: self.kind,
            from: same_day_year_earlier(self.from),
            to: same_day_year_earlier(self.to),
        }
    }

    /// The `n` calendar months ending with the period's last month (at least one).
    pub fn trailing_months(&self, n: u32) -> Self {
        let last_month = first_day_of_month(self.to);
        let from = last_month
            .checked_sub_months(Months::new(n.saturating_sub(1)))
            .unwrap_or(last_month);
        Period {
            kind: PeriodKind::Range,
            from,
            to: last_day_of_month(self.to),
        }
    }

    /// 1 January of the period's last year up to the period's last day.
    pub fn year_to_date(&self) -> Self {
        let from = NaiveDate::from_ymd_opt(self.to.year(), 1, 1).unwrap_or(self.from);
        Period {
            kind: PeriodKind::Range,
            from,
            to: self.to,
        }
    }

    /// The calendar months or quarters that lie wholly inside the period and have ended by
    /// `today` (a brief of a month still running would be wrong by its end), ascending.
    pub fn each(&self, each: Each, today: NaiveDate) -> Vec<Period> {
        self.months()
            .into_iter()
            .filter_map(|first| {
                let (year, month) = (first.year(), first.month());
                match each {
                    Each::Month => Period::month(year, month).ok(),
                    Each::Quarter if (month - 1) % 3 == 0 => {
                        Period::quarter(year, (month - 1) / 3 + 1).ok()
                    }
                    Each::Quarter => None,
                }
            })
            .filter(|p| p.from >= self.from && p.to <= self.to && p.to < today)
            .collect()
    }

    /// Every calendar month the period touches, as its first day, ascending.
    pub fn months(&self) -> Vec<NaiveDate> {
        let mut months = Vec::new();
        let mut month = first_day_of_month(self.from);
        while month <= self.to {
            months.push(month);
            match month.checked_add_months(Months::new(1)) {
                Some(next) => month = next,
                None => break,
            }
        }
        months
    }
}

#[cfg(test)]
mod each_tests {
    use super::*;

    fn date(text: &str) -> NaiveDate {
        text.parse().expect("date")
    }

    #[test]
    fn a_year_divides_into_its_ended_months_and_quarters() {
        let year = Period::year(2024).expect("year");
        let months = year.each(Each::Month, date("2026-11-30"));
        assert_eq!(months.len(), 12);
        assert_eq!(months[1].label(), "2024-02");
        assert_eq!(months[1].to, date("2024-02-29"));
        let quarters = year.each(Each::Quarter, date("2024-08-15"));
        let labels: Vec<String> = quarters.iter().map(Period::label).collect();
        assert_eq!(labels, ["2024-Q1", "2024-Q2"]);
    }

    #[test]
    fn only_whole_months_of_a_range_count() {
        let range = Period::range(date("2024-01-15"), date("2024-03-31")).expect("range");
        let labels: Vec<String> = range
            .each(Each::Month, date("2026-11-30"))
            .iter()
            .map(Period::label)
            .collect();
        assert_eq!(labels, ["2024-02", "2024-03"]);
        assert!(range.each(Each::Quarter, date("2026-11-30")).is_empty());
    }
}

fn parse_year(text: &str) -> Option<i32> {
    parse_number(text, 4).and_then(|y| i32::try_from(y).ok())
}

/// A fixed-width decimal number (no sign, no spaces).
fn parse_number(text: &str, width: usize) -> Option<u32> {
    (text.len() == width && text.bytes().all(|b| b.is_ascii_digit()))
        .then(|| text.parse().ok())
        .flatten()
}

/// The first day of `date`'s month.
pub fn first_day_of_month(date: NaiveDate) -> NaiveDate {
    date.with_day(1).unwrap_or(date)
}

/// The last day of `date`'s month.
pub fn last_day_of_month(date: NaiveDate) -> NaiveDate {
    first_day_of_month(date)
        .checked_add_months(Months::new(1))
        .and_then(|d| d.pred_opt())
        .unwrap_or(NaiveDate::MAX)
}

/// One year earlier, with 29 February mapped to 28 February.
pub fn same_day_year_earlier(date: NaiveDate) -> NaiveDate {
    // chrono's month arithmetic clamps to the last valid day, which is exactly the contract's rule.
    date.checked_sub_months(Months::new(12))
        .unwrap_or(NaiveDate::MIN)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_label_reads_back_as_its_period_and_nothing_else_does() {
        let day = |s: &str| s.parse::<NaiveDate>().expect("date");
        for period in [
            Period::parse_month("2024-03").expect("month"),
            Period::parse_quarter("2024-Q1").expect("quarter"),
            Period::parse_year("2024").expect("year"),
            Period::range(day("2024-01-01"), day("2024-02-10")).expect("range"),
        ] {
            assert_eq!(Period::from_label(&period.label()), Some(period));
        }
        for other in [
            "2024-3",
            "2024-q1",
            "24",
            "2024-13",
            "x",
            "",
            "2024-02-10_2024-01-01",
        ] {
            assert_eq!(Period::from_label(other), None, "{other}");
        }
    }

    fn d(text: &str) -> NaiveDate {
        text.parse().expect("test date")
    }

    fn span(p: Period) -> (String, String) {
        (p.from.to_string(), p.to.to_string())
    }

    fn pair(a: &str, b: &str) -> (String, String) {
        (a.to_owned(), b.to_owned())
    }

    #[test]
    fn months_know_their_length_and_leap_years() {
        assert_eq!(
            span(Period::parse_month("2024-02").unwrap()),
            pair("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            span(Period::parse_month("2023-02").unwrap()),
            pair("2023-02-01", "2023-02-28")
        );
        assert_eq!(
            span(Period::parse_month("1900-02").unwrap()),
            pair("1900-02-01", "1900-02-28")
        );
        assert_eq!(
            span(Period::parse_month("2000-02").unwrap()),
            pair("2000-02-01", "2000-02-29")
        );
        assert_eq!(
            span(Period::parse_month("2024-12").unwrap()),
            pair("2024-12-01", "2024-12-31")
        );
        assert_eq!(Period::parse_month("2024-03").unwrap().label(), "2024-03");
    }

    #[test]
    fn malformed_periods_are_errors() {
        for bad in [
            "2024-13",
            "2024-00",
            "2024-3",
            "24-03",
            "2024/03",
            "",
            "2024-03-01",
            "２０２４-03",
        ] {
            assert!(Period::parse_month(bad).is_err(), "{bad}");
        }
        for bad in ["2024-Q0", "2024-Q5", "2024Q1", "2024-1", "2024-Q12"] {
            assert!(Period::parse_quarter(bad).is_err(), "{bad}");
        }
        for bad in ["24", "20245", "-2024", "year"] {
            assert!(Period::parse_year(bad).is_err(), "{bad}");
        }
        assert!(Period::range(d("2024-02-10"), d("2024-01-15")).is_err());
    }

    #[test]
    fn quarters_and_years() {
        let q = Period::parse_quarter("2024-Q1").unwrap();
        assert_eq!(
            (span(q), q.label()),
            (pair("2024-01-01", "2024-03-31"), "2024-Q1".to_owned())
        );
        assert_eq!(
            span(Period::parse_quarter("2023-q4").unwrap()),
            pair("2023-10-01", "2023-12-31")
        );
        let y = Period::parse_year("2024").unwrap();
        assert_eq!(
            (span(y), y.label(), y.days()),
            (pair("2024-01-01", "2024-12-31"), "2024".to_owned(), 366)
        );
    }

    #[test]
    fn ranges_are_inclusive_and_labelled() {
        let r = Period::range(d("2024-01-15"), d("2024-02-10")).unwrap();
        assert_eq!(r.label(), "2024-01-15_2024-02-10");
        assert_eq!(r.days(), 27);
        assert!(
            r.contains(d("2024-01-15"))
                && r.contains(d("2024-02-10"))
                && !r.contains(d("2024-02-11"))
        );
        let one_day = Period::range(d("2024-03-01"), d("2024-03-01")).unwrap();
        assert_eq!(span(one_day.previous()), pair("2024-02-29", "2024-02-29"));
    }

    #[test]
    fn previous_periods() {
        assert_eq!(
            span(Period::parse_month("2024-03").unwrap().previous()),
            pair("2024-02-01", "2024-02-29")
        );
        assert_eq!(
            span(Period::parse_month("2024-01").unwrap().previous()),
            pair("2023-12-01", "2023-12-31")
        );
        assert_eq!(
            span(Period::parse_quarter("2024-Q1").unwrap().previous()),
            pair("2023-10-01", "2023-12-31")
        );
        assert_eq!(
            span(Period::parse_quarter("2024-Q3").unwrap().previous()),
            pair("2024-04-01", "2024-06-30")
        );
        assert_eq!(
            span(Period::parse_year("2024").unwrap().previous()),
            pair("2023-01-01", "2023-12-31")
        );
        let r = Period::range(d("2024-01-15"), d("2024-02-10")).unwrap();
        assert_eq!(span(r.previous()), pair("2023-12-19", "2024-01-14"));
        assert_eq!(r.previous().days(), r.days());
    }

    #[test]
    fn year_ago_maps_29_february_to_28() {
        assert_eq!(
            span(Period::parse_month("2024-02").unwrap().year_ago()),
            pair("2023-02-01", "2023-02-28")
        );
        assert_eq!(
            span(Period::parse_month("2025-02").unwrap().year_ago()),
            pair("2024-02-01", "2024-02-28")
        );
        let r = Period::range(d("2024-02-29"), d("2024-03-05")).unwrap();
        assert_eq!(span(r.year_ago()), pair("2023-02-28", "2023-03-05"));
        assert_eq!(
            span(Period::parse_quarter("2024-Q1").unwrap().year_ago()),
            pair("2023-01-01", "2023-03-31")
        );
    }

    #[test]
    fn default_is_last_complete_month() {
        assert_eq!(
            Period::last_complete_month(d("2026-11-25")).label(),
            "2026-10"
        );
        assert_eq!(
            Period::last_complete_month(d("2026-01-01")).label(),
            "2025-12"
        );
        assert_eq!(
            Period::last_complete_month(d("2024-03-31")).label(),
            "2024-02"
        );
    }

    #[test]
    fn months_of_a_period() {
        let r = Period::range(d("2023-12-15"), d("2024-02-01")).unwrap();
        let months: Vec<String> = r
            .months()
            .iter()
            .map(|m| m.format("%Y-%m").to_string())
            .collect();
        assert_eq!(months, ["2023-12", "2024-01", "2024-02"]);
        assert_eq!(Period::parse_year("2024").unwrap().months().len(), 12);
    }
}
