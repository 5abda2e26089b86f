//! The rules `check` enforces, as contributors read them.
//!
//! One list serves the documentation and the tests: CONTRIBUTING.md embeds [`markdown`] (a test
//! fails when the two differ), and each rule names the fixture under `tests/fixtures/` that
//! breaks it, which a test runs to see `check` fail. A rule cannot be documented without being
//! enforced, nor enforced without being documented.

/// One rule: what it says, and the fixture folder that breaks it.
pub struct Rule {
    pub text: &'static str,
    pub fixture: &'static str,
}

pub const RULES: &[Rule] = &[
    Rule {
        text: "A file that is empty, not UTF-8 or not valid TOML is an error (never a crash).",
        fixture: "invalid-toml",
    },
    Rule {
        text: "Unknown keys are errors (they are usually typos); the nearest known key is suggested.",
        fixture: "unknown-key",
    },
    Rule {
        text: "Every required field is present, and every field has its type: dates are TOML dates without quotes or times, amounts are integers, `[[sources]]` and `[[laundering]]` are arrays of tables.",
        fixture: "missing-field",
    },
    Rule {
        text: "`victim_kind`, `vector`, `attribution` and a laundering `method` take only the values listed above.",
        fixture: "bad-enum",
    },
    Rule {
        text: "Amounts are whole dollars greater than 0 (and at most 9,223,372,036,854,775,807, TOML's largest integer).",
        fixture: "amount-zero",
    },
    Rule {
        text: "`date` is not in the future and not before 3 January 2009 (the first Bitcoin block).",
        fixture: "date-future",
    },
    Rule {
        text: "A source's `published` date and a laundering step's `date` are not before the theft; `accessed` is not in the future nor before `published`.",
        fixture: "published-before-theft",
    },
    Rule {
        text: "The file name is the record's id: valid UTF-8, starting with the theft's date (`YYYY-MM-DD-victim.toml`). When a correction changes the date, rename the file and keep the old id in `aliases`.",
        fixture: "file-name-mismatch",
    },
    Rule {
        text: "Ids are unique across the whole folder, and an alias is nobody else's id or alias.",
        fixture: "duplicate-id",
    },
    Rule {
        text: "Two ids never differ only in the case of their letters: each record's link anchor (`rec-` and its id) must land on it alone, in viewers that ignore case too.",
        fixture: "anchor-collision",
    },
    Rule {
        text: "`country` is an ISO 3166-1 alpha-2 code (`JP`); `chains` are lower-case words.",
        fixture: "bad-country-chain",
    },
    Rule {
        text: "No text field is empty or made only of invisible characters. Names, keywords, tags, aliases and URLs are one line of visible text: no control, bidirectional-override or zero-width characters. `summary`, `attribution_note` and `quote` may also hold newlines and tabs.",
        fixture: "hostile-text",
    },
    Rule {
        text: "A record has at least one `[[sources]]` table.",
        fixture: "no-sources",
    },
    Rule {
        text: "Every `url` is a plain `http://` or `https://` address on a public host name, as a reader sees it: no user name before `@`, no IP address, `localhost` or single-label host, no non-ASCII host name, no trailing dot, no spaces or characters that must be percent-encoded (`<>\"{}|\\^` and backquote), at most 2,000 characters.",
        fixture: "deceptive-url",
    },
    Rule {
        text: "A `quote` is at most 300 characters. A source without a `quote` is a warning: add the sentence of the page that states what the record takes from it.",
        fixture: "long-quote",
    },
    Rule {
        text: "A `[[revisions]]` entry (a correction of the record) has a `date`, the `field` it corrected (`date`, `victim`, `amount_usd` or `attribution`), the value that field held before as `previous`, typed as that field and not the record's current value, and a one-line `reason`.",
        fixture: "revision-unchanged",
    },
    Rule {
        text: "A revision's `date` is not in the future.",
        fixture: "revision-future",
    },
];

/// The rules as the Markdown list CONTRIBUTING.md embeds.
pub fn markdown() -> String {
    RULES.iter().map(|r| format!("- {}\n", r.text)).collect()
}
