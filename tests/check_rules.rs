//! `check` on one fixture folder per rule: exit code, file, line, column, field and message.

mod common;
use common::{fixture, heistbrief};

/// (fixture, exit code, the GitHub annotations `check` must print, in order).
const CASES: &[(&str, i32, &[&str])] = &[
    (
        "anchor-collision",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=1,title=id::id: id `2024-05-31-fixture` would share its link anchor with `2024-05-31-Fixture` (incidents/2024/2024-05-31-Fixture.toml): anchors are matched without regard to case; rename one of them",
        ],
    ),
    (
        "alias-collision",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=1,title=aliases::aliases: alias `2024-05-30-fixture` is already the id or an alias of incidents/2024/2024-05-30-fixture.toml; an old id must lead to one record",
        ],
    ),
    (
        "deceptive-url",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=11,col=7,title=sources[0].url::sources[0].url: `https://www.fbi.gov@evil.example/` has a user name before `@`: the page is on the host after it, not the one a reader sees first; link the real address",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=16,col=7,title=sources[1].url::sources[1].url: `http://127.0.0.1/admin` points at an IP address; link the publisher's page by its host name",
        ],
    ),
    (
        "hostile-key",
        1,
        // The quoted key's newline and escape sequence are shown as text: one annotation, no
        // forged `::error` command, nothing for the terminal to act on.
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=8,col=1,title=key\\n%3A%3Aerror%3A%3Aforged\\u{1b}[2J::key\\n::error::forged\\u{1b}[2J: unknown field `key\\n::error::forged\\u{1b}[2J`; expected one of: date, victim, aliases, victim_kind, country, chains, vector, amount_usd, attribution, attribution_note, actor, summary, tags, laundering, sources, revisions",
        ],
    ),
    (
        "hostile-text",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=2,col=10,title=victim::victim: contains U+000A, a control character; this field is one line",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=7,col=9,title=actor::actor: contains U+001B, a control character; remove it",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=8,col=11,title=summary::summary: contains U+001B, a control character; remove it",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=9,col=9,title=tags[0]::tags[0]: holds only invisible characters",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=12,col=8,title=sources[0].name::sources[0].name: contains U+202E, a bidirectional control character, which changes how the text around it is displayed; remove it",
        ],
    ),
    (
        "long-quote",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=13,col=12,title=sources[0].accessed::sources[0].accessed: 2024-06-01 is before the page was published (2024-06-10)",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=14,col=9,title=sources[0].quote::sources[0].quote: is 301 characters; quote at most 300: the sentence that states the figure, date or attribution",
            "::warning file=incidents/2024/2024-05-31-fixture.toml,line=16,col=1,title=sources[1]::sources[1]: has no `quote`: add the sentence of the page that states what the record takes from it",
        ],
    ),
    (
        "revision-unchanged",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=17,col=12,title=revisions[0].previous::revisions[0].previous: is the record's current `amount_usd`; `previous` is the value it held before this correction",
        ],
    ),
    (
        "revision-future",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=15,col=8,title=revisions[0].date::revisions[0].date: 2999-01-01 is in the future (today is 2026-12-05)",
        ],
    ),
    (
        "amount-huge",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=5,col=14,title=amount_usd::amount_usd: 12345678901234567890 is too large for a TOML integer (the largest is 9223372036854775807)",
        ],
    ),
    (
        "amount-negative",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=5,col=14,title=amount_usd::amount_usd: must be greater than 0",
        ],
    ),
    (
        "amount-zero",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=5,col=14,title=amount_usd::amount_usd: must be greater than 0",
        ],
    ),
    (
        "array-for-table",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=9,col=12,title=sources[0]::sources[0]: expected an array of tables, written as [[sources]] sections, found a string",
        ],
    ),
    (
        "bad-country-chain",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=4,col=11,title=country::country: `Japan` is not an ISO 3166-1 alpha-2 code; use two capital letters, like \"JP\"",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=5,col=11,title=chains[0]::chains[0]: `Ethereum`: chain names are lower-case words, like \"ethereum\"",
        ],
    ),
    (
        "bad-enum",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=3,col=15,title=victim_kind::victim_kind: unknown value `Exchange`; expected one of exchange, defi, bridge, wallet, payments, gaming, other; did you mean `exchange`?",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=4,col=10,title=vector::vector: unknown value `phishing`; expected one of private-key-compromise, social-engineering, supply-chain, smart-contract-exploit, insider, unknown",
        ],
    ),
    (
        "bad-url",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=11,col=7,title=sources[0].url::sources[0].url: `ftp://fbi.test/fixture` is not an http(s) URL; it must start with https:// or http://",
        ],
    ),
    (
        "binary",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=2,col=118,title=heistbrief::file is not valid UTF-8 (byte 0x80); save it as UTF-8",
        ],
    ),
    (
        "date-before-genesis",
        1,
        &[
            "::error file=incidents/2008/2008-12-31-fixture.toml,line=1,col=8,title=date::date: 2008-12-31 is before the first Bitcoin block (2009-01-03)",
        ],
    ),
    (
        "date-feb-30",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=8,title=date::date: invalid TOML: invalid date, expected day between 01 and 29",
        ],
    ),
    (
        "date-future",
        1,
        &[
            "::error file=incidents/2999/2999-01-01-fixture.toml,line=1,col=8,title=date::date: 2999-01-01 is in the future (today is 2026-12-05)",
        ],
    ),
    (
        "date-with-time",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=8,title=date::date: expected a date without a time, like 2024-05-31, found `2024-05-31T10:00:00Z`",
        ],
    ),
    (
        "duplicate-id",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=1,title=id::id: duplicate id `2024-05-31-fixture`: incidents/2023/2024-05-31-fixture.toml has the same file name; rename one of them",
        ],
    ),
    (
        "empty-file",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=1,title=heistbrief::file is empty; a record needs at least date, victim, victim_kind, vector, amount_usd, attribution, summary and one [[sources]] table",
        ],
    ),
    (
        "empty-strings",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=2,col=10,title=victim::victim: must not be empty",
        ],
    ),
    (
        "file-name-mismatch",
        1,
        &[
            "::error file=incidents/2024/2024-06-01-fixture.toml,line=1,col=8,title=date::date: the file name must start with the theft's date: rename it to 2024-05-31-<victim>.toml (keep the old name in `aliases`)",
        ],
    ),
    (
        "float-amount",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=5,col=14,title=amount_usd::amount_usd: expected an integer number of US dollars (whole dollars, like 305_000_000), found a float",
        ],
    ),
    (
        "invalid-toml",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=2,col=27,title=victim::victim: invalid TOML: invalid basic string, expected `\"`",
        ],
    ),
    (
        "latin1",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=2,col=19,title=heistbrief::file is not valid UTF-8 (byte 0xC9); save it as UTF-8",
        ],
    ),
    (
        "laundering-before-theft",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=15,col=8,title=laundering[0].date::laundering[0].date: 2024-05-01 is before the theft (2024-05-31)",
        ],
    ),
    (
        "many-files",
        1,
        &[
            "::error file=incidents/2023/2023-01-01-other.toml,line=10,col=8,title=sources[0].name::sources[0].name: must not be empty",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=5,col=14,title=amount_usd::amount_usd: must be greater than 0",
        ],
    ),
    (
        "missing-field",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=1,title=victim::victim: missing required field `victim` in the record",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=13,col=1,title=sources[1].name::sources[1].name: missing required field `name` in this [[sources]] table",
        ],
    ),
    (
        "no-sources",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=9,col=11,title=sources::sources: at least one source is required: add a [[sources]] table with name and url",
        ],
    ),
    (
        "published-before-theft",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=12,col=13,title=sources[0].published::sources[0].published: 2024-05-30 is before the theft (2024-05-31)",
        ],
    ),
    (
        "table-for-array",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=8,col=14,title=laundering::laundering: expected an array of tables, written as [[laundering]] sections, found a table",
        ],
    ),
    (
        "unknown-key",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=1,title=amount_usd::amount_usd: missing required field `amount_usd` in the record",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=5,col=1,title=amout_usd::amout_usd: unknown field `amout_usd`; did you mean `amount_usd`?",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=12,col=1,title=sources[0].colour::sources[0].colour: unknown field `colour`; expected one of: name, url, published, amount_usd, quote, accessed",
        ],
    ),
    ("valid", 0, &[]),
    (
        "wrong-type",
        1,
        &[
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=1,col=8,title=date::date: expected a TOML date without quotes, like 2024-05-31, found the string \"2024-05-31\"; remove the quotes",
            "::error file=incidents/2024/2024-05-31-fixture.toml,line=7,col=11,title=summary::summary: expected a string, found an integer",
        ],
    ),
];

#[test]
fn every_rule_fails_with_its_file_line_and_message() {
    for (name, code, expected) in CASES {
        let run = heistbrief(&fixture(name), &["check", "--format", "github"]);
        let lines: Vec<&str> = run.stdout.lines().collect();
        assert_eq!(&lines, expected, "fixture {name}: stdout");
        assert_eq!(
            run.code, *code,
            "fixture {name}: exit code; stderr: {}",
            run.stderr
        );
    }
}

#[test]
fn every_fixture_folder_has_a_case() {
    let mut folders: Vec<String> = std::fs::read_dir(common::repo_root().join("tests/fixtures"))
        .expect("fixtures")
        .map(|e| e.expect("entry").file_name().to_string_lossy().into_owned())
        // `stats*` are build fixtures, `templates-*` editors' templates, not check cases.
        .filter(|n| !n.starts_with("stats") && !n.starts_with("templates-"))
        .collect();
    folders.sort();
    let mut cases: Vec<String> = CASES.iter().map(|(c, _, _)| c.to_string()).collect();
    cases.sort();
    assert_eq!(folders, cases);
}

#[test]
fn contributing_lists_exactly_the_rules_in_the_code() {
    let contributing = std::fs::read_to_string(common::repo_root().join("CONTRIBUTING.md"))
        .expect("CONTRIBUTING.md");
    let marker = contributing
        .find("<!-- rules:")
        .expect("the rules begin marker");
    let begin = marker
        + contributing[marker..]
            .find("-->\n")
            .map(|i| i + 4)
            .expect("the marker's end");
    let end = contributing
        .find("<!-- end of rules -->")
        .expect("the rules end marker");
    assert_eq!(
        &contributing[begin..end],
        heistbrief::rules::markdown(),
        "CONTRIBUTING.md's rules differ from src/rules.rs; copy `rules::markdown()` into it"
    );
}

#[test]
fn every_documented_rule_is_enforced_as_an_error_by_its_fixture() {
    for rule in heistbrief::rules::RULES {
        let case = CASES.iter().find(|(name, _, _)| *name == rule.fixture);
        let Some((_, code, expected)) = case else {
            panic!("rule without a fixture case: {}", rule.text);
        };
        assert_eq!(*code, 1, "{}: the fixture must fail check", rule.fixture);
        assert!(
            expected.iter().any(|line| line.starts_with("::error")),
            "{}: the fixture must produce an error",
            rule.fixture
        );
    }
}
