//! Synthetic record files for the benchmarks and the hard-input generator (never written to
//! `incidents/`): dates spread over 2017–2025, amounts, sources and laundering steps varied,
//! the same every run.

#![allow(dead_code)]

use chrono::{Duration, NaiveDate};

/// A deterministic pseudo-random sequence (xorshift), so every run measures the same data.
pub struct Sequence(pub u64);

impl Sequence {
    pub fn next(&mut self, bound: u64) -> u64 {
        self.0 ^= self.0 << 13;
        self.0 ^= self.0 >> 7;
        self.0 ^= self.0 << 17;
        self.0 % bound
    }
}

/// Record `n`: its id (the file stem) and its text.
pub fn record_text(n: usize, seq: &mut Sequence) -> (String, String) {
    const VECTORS: [&str; 6] = [
        "private-key-compromise",
        "social-engineering",
        "supply-chain",
        "smart-contract-exploit",
        "insider",
        "unknown",
    ];
    const KINDS: [&str; 7] = [
        "exchange", "defi", "bridge", "wallet", "payments", "gaming", "other",
    ];
    const ATTRIBUTIONS: [&str; 3] = ["confirmed", "attributed", "suspected"];
    const PUBLISHERS: [&str; 5] = [
        "FBI",
        "Elliptic",
        "Chainalysis",
        "TRM Labs",
        "UN Panel of Experts",
    ];
    let start = NaiveDate::from_ymd_opt(2017, 1, 1).expect("date");
    let date = start + Duration::days(seq.next(9 * 365) as i64);
    let id = format!("{date}-synthetic-{n:06}");
    let mut text = format!(
        "date = {date}\nvictim = \"Synthetic {n}\"\nvictim_kind = \"{}\"\nvector = \"{}\"\namount_usd = {}\nattribution = \"{}\"\nsummary = \"Synthetic record {n} for benchmarks.\"\ntags = [\"hot-wallet\"]\n",
        KINDS[seq.next(7) as usize],
        VECTORS[seq.next(6) as usize],
        1 + seq.next(2_000_000_000),
        ATTRIBUTIONS[seq.next(3) as usize],
    );
    if seq.next(4) == 0 {
        let later = date + Duration::days(seq.next(200) as i64);
        text.push_str(&format!("\n[[laundering]]\ndate = {later}\nmethod = \"mixer\"\nservice = \"Tornado Cash\"\namount_usd = {}\n", 1 + seq.next(50_000_000)));
    }
    for s in 0..=seq.next(3) {
        let name = PUBLISHERS[seq.next(5) as usize];
        text.push_str(&format!("\n[[sources]]\nname = \"{name}\"\nurl = \"https://source.test/{n}/{s}\"\nquote = \"Synthetic quote.\"\namount_usd = {}\n", 1 + seq.next(2_000_000_000)));
    }
    (id, text)
}

/// Five record files broken in five ways (a syntax error, an unknown field, a wrong type, a
/// bad URL, an empty file), by id, for trees that must report every problem.
pub const BROKEN: [(&str, &str); 5] = [
    (
        "2024-01-02-broken-syntax",
        "date = 2024-01-02\nvictim = \"A\n",
    ),
    (
        "2024-02-03-broken-field",
        "date = 2024-02-03\nvictm = \"A\"\n",
    ),
    ("2024-03-04-broken-type", "date = \"2024-03-04\"\n"),
    (
        "2024-04-05-broken-url",
        "date = 2024-04-05\nvictim = \"A\"\nvictim_kind = \"exchange\"\nvector = \"unknown\"\namount_usd = 5\nattribution = \"suspected\"\nsummary = \"s\"\n[[sources]]\nname = \"X\"\nurl = \"ftp://example.test/\"\nquote = \"q\"\n",
    ),
    ("2024-05-06-broken-empty", ""),
];
