//! Numbers and dates as a brief words them: `$147.5 million`, `22 November 2023`, `up 38%`.

use crate::incident::UsdTotal;
use crate::period::{Period, PeriodKind};
use chrono::{Datelike, NaiveDate};

/// Dollars for prose: `$147.5 million` (the one money formatter, in its prose style).
pub use crate::money::prose as money;

/// `22 November 2023`.
pub fn date(date: NaiveDate) -> String {
    date.format("%-d %B %Y").to_string()
}

/// A period as a brief names it: `March 2024`, `Q1 2024`, `2024`, `1 January 2024 to 10 February 2024`.
pub fn period_name(period: Period) -> String {
    match period.kind {
        PeriodKind::Month => period.from.format("%B %Y").to_string(),
        PeriodKind::Quarter => format!("Q{} {}", period.from.month0() / 3 + 1, period.from.year()),
        PeriodKind::Year => period.from.year().to_string(),
        PeriodKind::Range => format!("{} to {}", date(period.from), date(period.to)),
    }
}

/// `1 theft`, `2 thefts`.
pub fn thefts(n: usize) -> String {
    plural(n, "theft")
}

/// `1 record`, `2 records`: nouns whose plural adds an s.
pub fn plural(n: usize, noun: &str) -> String {
    format!("{n} {noun}{}", if n == 1 { "" } else { "s" })
}

/// A share of a total in whole percent, and `<1%` for a share that rounds to nothing.
pub fn share(part: UsdTotal, total: UsdTotal) -> String {
    match crate::money::percent(part, total) {
        _ if total == 0 => "0%".into(),
        0 if part > 0 => "<1%".into(),
        p => format!("{p}%"),
    }
}

/// The change from `before` to `now` in whole percent, rounded half away from zero; `None` from
/// a zero base, where a percentage means nothing.
pub fn percent_change(now: UsdTotal, before: UsdTotal) -> Option<i128> {
    if before == 0 {
        return None;
    }
    let (now, before) = (i128::try_from(now).ok()?, i128::try_from(before).ok()?);
    let scaled = (now - before).checked_mul(200)? / before;
    // Half away from zero: (2x ± 1) / 2 in integers.
    Some(if scaled >= 0 {
        (scaled + 1) / 2
    } else {
        (scaled - 1) / 2
    })
}

/// How the period compares with an earlier one, as a brief says it: never "−100%", never a
/// percentage from a zero base.
pub fn change(now: UsdTotal, now_count: usize, before: UsdTotal, before_count: usize) -> String {
    match (now_count, before_count) {
        (0, 0) => "no thefts in either".to_owned(),
        (_, 0) => "no thefts then".to_owned(),
        (0, _) => format!("no thefts, against {}", money(before)),
        _ => match percent_change(now, before) {
            Some(0) | None => format!("unchanged from {}", money(before)),
            Some(p) if p > 0 => format!("up {p}% from {}", money(before)),
            Some(p) => format!("down {}% from {}", -p, money(before)),
        },
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn shares_never_show_zero_for_something() {
        assert_eq!(share(14, 3935), "<1%");
        assert_eq!(share(0, 10), "0%");
        assert_eq!(share(5, 10), "50%");
        assert_eq!(share(1, 0), "0%");
    }

    #[test]
    fn dates_in_prose() {
        let d = NaiveDate::from_ymd_opt(2023, 11, 22).unwrap_or_default();
        assert_eq!(date(d), "22 November 2023");
    }

    #[test]
    fn changes_never_divide_by_zero_nor_say_minus_100() {
        assert_eq!(percent_change(138, 100), Some(38));
        assert_eq!(percent_change(0, 100), Some(-100));
        assert_eq!(percent_change(5, 0), None);
        assert_eq!(percent_change(1005, 1000), Some(1));
        assert_eq!(percent_change(995, 1000), Some(-1));
        assert_eq!(change(0, 0, 0, 0), "no thefts in either");
        assert_eq!(change(5_000_000, 1, 0, 0), "no thefts then");
        assert_eq!(change(0, 0, 5_000_000, 1), "no thefts, against $5 million");
        assert_eq!(
            change(13_800_000, 2, 10_000_000, 1),
            "up 38% from $10 million"
        );
        assert_eq!(
            change(5_000_000, 1, 10_000_000, 3),
            "down 50% from $10 million"
        );
    }
}
