//! US dollar amounts for people: `$147.5M`, `$1.46B`, `$850K`.

use crate::incident::UsdTotal;

/// Compact form for tables: millions with one decimal, billions with two, thousands with one,
/// trailing zeros dropped. Rounds half up, in integers.
pub fn compact(amount: UsdTotal) -> String {
    const THOUSAND: UsdTotal = 1_000;
    const MILLION: UsdTotal = 1_000_000;
    const BILLION: UsdTotal = 1_000_000_000;
    let scaled = |unit: UsdTotal, decimals: u32| -> UsdTotal {
        let step = unit / 10u128.pow(decimals);
        (amount + step / 2) / step
    };
    let (value, decimals, suffix) = if scaled(MILLION, 1) >= 10_000 {
        (scaled(BILLION, 2), 2, "B")
    } else if scaled(THOUSAND, 1) >= 10_000 {
        (scaled(MILLION, 1), 1, "M")
    } else if amount >= THOUSAND {
        (scaled(THOUSAND, 1), 1, "K")
    } else {
        return format!("${amount}");
    };
    let divisor = 10u128.pow(decimals);
    let whole = value / divisor;
    let fraction = format!("{:0width$}", value % divisor, width = decimals as usize);
    let fraction = fraction.trim_end_matches('0');
    if fraction.is_empty() {
        format!("${whole}{suffix}")
    } else {
        format!("${whole}.{fraction}{suffix}")
    }
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
    }

    #[test]
    fn grouped_amounts() {
        assert_eq!(grouped(0), "0");
        assert_eq!(grouped(999), "999");
        assert_eq!(grouped(1_000), "1,000");
        assert_eq!(grouped(305_000_000), "305,000,000");
    }
}
