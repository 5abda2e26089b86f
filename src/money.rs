//! US dollar amounts for people: `$147.5M` in tables, `$147.5 million` in prose.

use crate::incident::UsdTotal;

const THOUSAND: UsdTotal = 1_000;
const MILLION: UsdTotal = 1_000_000;
const BILLION: UsdTotal = 1_000_000_000;

/// How an amount is written: `$147.5M` in tables and charts, `$147.5 million` in prose.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Style {
    Compact,
    Prose,
}

/// Compact form for tables: millions with one decimal, billions with two, thousands with one,
/// trailing zeros dropped.
pub fn compact(amount: UsdTotal) -> String {
    written(amount, Style::Compact)
}

/// Dollars for prose: `$1.46 billion`, `$147.5 million`, `$850,000`. Millions keep one decimal
/// and billions two (trailing zeros dropped); smaller sums are rounded to the thousand.
pub fn prose(amount: UsdTotal) -> String {
    written(amount, Style::Prose)
}

/// The one money formatter. Rounds half up, in integers, saturating at the largest total (a
/// sum is never wrapped into a small number). A unit is used once the next smaller one would
/// write 1000: `$999.9M`, then `$1B`.
fn written(amount: UsdTotal, style: Style) -> String {
    // `amount` in units of `unit / 10^decimals`, rounded half up.
    let rounded = |unit: UsdTotal, decimals: u32| -> UsdTotal {
        let step = unit / 10u128.pow(decimals);
        amount.saturating_add(step / 2) / step
    };
    let reaches_1000 =
        |unit: UsdTotal, decimals: u32| rounded(unit, decimals) >= 1000 * 10u128.pow(decimals);
    let thousands_decimals = match style {
        Style::Compact => 1,
        Style::Prose => 0,
    };
    let (value, decimals, suffix) = if reaches_1000(MILLION, 1) {
        (rounded(BILLION, 2), 2, ["B", " billion"])
    } else if reaches_1000(THOUSAND, thousands_decimals) {
        (rounded(MILLION, 1), 1, ["M", " million"])
    } else if amount >= THOUSAND && style == Style::Compact {
        (rounded(THOUSAND, 1), 1, ["K", ""])
    } else if amount >= THOUSAND {
        return format!(
            "${}",
            grouped(rounded(THOUSAND, 0).saturating_mul(THOUSAND))
        );
    } else {
        return format!("${amount}");
    };
    let suffix = suffix[usize::from(style == Style::Prose)];
    format!("${}{suffix}", decimal(value, decimals))
}

/// `value / 10^decimals` written out, without trailing zeros.
fn decimal(value: UsdTotal, decimals: u32) -> String {
    let divisor = 10u128.pow(decimals);
    let fraction = format!("{:0width$}", value % divisor, width = decimals as usize);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        (value / divisor).to_string()
    } else {
        format!("{}.{fraction}", value / divisor)
    }
}

/// A share of a total in whole percent, rounded half up; 0 of a total of 0. The one rounding
/// for every share: the figures' coverage and the brief's shares alike.
pub fn percent(part: UsdTotal, total: UsdTotal) -> UsdTotal {
    part.saturating_mul(100)
        .saturating_add(total / 2)
        .checked_div(total)
        .unwrap_or(0)
}

/// `305000000` as `305,000,000`, for exact figures.
pub fn grouped(amount: UsdTotal) -> String {
    let digits = amount.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(c);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn compact_amounts() {
        assert_eq!(compact(147_500_000), "$147.5M");
        assert_eq!(compact(305_000_000), "$305M");
        assert_eq!(compact(1_460_000_000), "$1.46B");
        assert_eq!(compact(1_500_000_000), "$1.5B");
        assert_eq!(compact(3_600_000_000), "$3.6B");
        assert_eq!(compact(850_000), "$850K");
        assert_eq!(compact(999_960_000), "$1B");
        assert_eq!(compact(999_940_000), "$999.9M");
        assert_eq!(compact(999_950), "$1M");
        assert_eq!(compact(37_349_999), "$37.3M");
        assert_eq!(compact(37_350_000), "$37.4M");
        assert_eq!(compact(1_234), "$1.2K");
        assert_eq!(compact(999), "$999");
        assert_eq!(compact(u128::from(u64::MAX)), "$18446744073.71B");
        // Saturates rather than wraps: at the very top, half up cannot go up.
        assert_eq!(
            compact(UsdTotal::MAX),
            "$340282366920938463463374607431.76B"
        );
    }

    #[test]
    fn prose_amounts() {
        assert_eq!(prose(147_500_000), "$147.5 million");
        assert_eq!(prose(1_460_000_000), "$1.46 billion");
        assert_eq!(prose(1_455_000_000), "$1.46 billion");
        assert_eq!(prose(850_000), "$850,000");
        assert_eq!(prose(849_600), "$850,000");
        assert_eq!(prose(999_999_999), "$1 billion");
        // The next unit once this one would write 1000, as in tables.
        assert_eq!(prose(996_000_000), "$996 million");
        assert_eq!(prose(999_960), "$1 million");
        assert_eq!(prose(950_000), "$950,000");
        assert_eq!(prose(91_350_000), "$91.4 million");
        assert_eq!(prose(7_000_000), "$7 million");
        assert_eq!(prose(2_000_000_000), "$2 billion");
        assert_eq!(prose(450), "$450");
        assert_eq!(prose(0), "$0");
        assert_eq!(
            prose(UsdTotal::MAX),
            "$340282366920938463463374607431.76 billion"
        );
    }

    #[test]
    fn grouped_amounts() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(305_000_000), "305,000,000");
    }
}
