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

/// The records' shape, named in the benchmark folder: change it when the records change.
pub const SHAPE: &str = "realistic";

/// Record `n`: its id (the file stem) and its text, shaped like the bundled records (about
/// 3 KB: four quoted sources on average, a laundering step in most records, a summary of
/// several sentences with Markdown, an attribution note), so that loading and building are
/// measured on what real data costs.
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
    const PUBLISHERS: [&str; 12] = [
        "FBI",
        "Elliptic",
        "Chainalysis",
        "TRM Labs",
        "UN Panel of Experts",
        "Reuters (via Yahoo News)",
        "The Record by Recorded Future",
        "CoinDesk",
        "The Block",
        "PeckShield",
        "SlowMist",
        "Nikkei Asia",
    ];
    const METHODS: [&str; 5] = ["mixer", "bridge", "dex", "exchange", "otc"];
    const SERVICES: [&str; 8] = [
        "Tornado Cash",
        "Sinbad",
        "Wasabi Wallet",
        "THORChain",
        "eXch",
        "Huione Guarantee",
        "Avalanche Bridge",
        "Uniswap",
    ];
    const CHAINS: [&str; 5] = ["ethereum", "bitcoin", "tron", "bnb-chain", "solana"];
    const ACTORS: [&str; 4] = ["Lazarus Group", "TraderTraitor", "APT38", "AppleJeus"];
    const COUNTRIES: [&str; 6] = ["JP", "KR", "SG", "US", "IN", "TR"];
    let start = NaiveDate::from_ymd_opt(2017, 1, 1).expect("date");
    let date = start + Duration::days(seq.next(9 * 365) as i64);
    let id = format!("{date}-synthetic-{n:06}");
    let amount = 1 + seq.next(2_000_000_000);
    let actor = ACTORS[seq.next(4) as usize];
    let mut text = format!(
        "#:schema ../../schema/incident.schema.json\ndate = {date}\nvictim = \"Synthetic Exchange {n}\"\nvictim_kind = \"{}\"\ncountry = \"{}\"\nchains = [\"{}\", \"{}\"]\nvector = \"{}\"\namount_usd = {amount}\nattribution = \"{}\"\n",
        KINDS[seq.next(7) as usize],
        COUNTRIES[seq.next(6) as usize],
        CHAINS[seq.next(5) as usize],
        CHAINS[seq.next(5) as usize],
        VECTORS[seq.next(6) as usize],
        ATTRIBUTIONS[seq.next(3) as usize],
    );
    text.push_str(&format!(
        "attribution_note = \"The FBI and Japan's National Police Agency named North Korea's {actor} for theft {n}; Elliptic and TRM Labs traced the funds to wallets of earlier {actor} thefts. The agencies' own release was not reachable, so it is cited through press reports of it.\"\nactor = \"{actor}\"\n"
    ));
    text.push_str(&format!(
        "summary = \"\"\"On {date} attackers drained the hot wallets of Synthetic Exchange {n}, a *centralised* exchange, after compromising a developer's machine with a fake job offer and a \"skills test\" that ran malware. The exchange paused withdrawals within hours and said customer balances were covered by its own reserves. **{actor}** moved the funds through several intermediary addresses, swapped tokens for ether on decentralised exchanges and sent part of it to a mixer over the following weeks. This record uses the exchange's own final count of the loss; analytics firms' same-day estimates, which valued the tokens at earlier prices, are kept in the sources and shown as the range.\"\"\"\ntags = [\"hot-wallet\", \"fake-recruiter\", \"{}\"]\n",
        actor.to_lowercase().replace(' ', "-"),
    ));
    // Three records in four have a laundering step, a few have two or three.
    let steps = [0, 1, 1, 1, 1, 2, 1, 3][seq.next(8) as usize];
    for s in 0..steps {
        let later = date + Duration::days(seq.next(200) as i64);
        text.push_str(&format!(
            "\n[[laundering]]\ndate = {later}\nmethod = \"{}\"\nservice = \"{}\"\namount_usd = {}\n",
            METHODS[(seq.next(5) as usize + s) % 5],
            SERVICES[seq.next(8) as usize],
            1 + seq.next(50_000_000),
        ));
    }
    // Two to six sources, four on average, each with its quote and the day it was read.
    for s in 0..2 + seq.next(5) {
        let name = PUBLISHERS[seq.next(12) as usize];
        let published = date + Duration::days(seq.next(30) as i64);
        text.push_str(&format!(
            "\n[[sources]]\nname = \"{name}\"\nurl = \"https://news.example.org/{}/{:02}/north-korean-hackers-stole-crypto-from-synthetic-exchange-{n}-source-{s}\"\npublished = {published}\namount_usd = {}\nquote = \"Synthetic Exchange {n} said on Friday that hackers had stolen cryptocurrency worth about ${} million, in what the company called an \\\"unauthorised leak\\\" from its hot wallets … the largest theft it has suffered.\"\naccessed = 2026-11-30\n",
            published.format("%Y"),
            published.format("%m"),
            amount.saturating_sub(seq.next(amount / 10 + 1)).max(1),
            amount / 1_000_000,
        ));
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
