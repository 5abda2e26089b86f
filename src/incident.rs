//! The incident record: the types behind `incidents/**/*.toml` (data contract, part 1).
//!
//! These types are the single definition of the record: the loader builds them, the JSON Schema is
//! derived from them, and `list --format json` serialises them. Nothing else lives here.

use chrono::NaiveDate;
use schemars::JsonSchema;
use serde::{Deserialize, Serialize};
use std::sync::Arc;

/// A positive amount of US dollars, whole dollars only. Sums of amounts use [`UsdTotal`].
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Serialize, Deserialize)]
#[serde(transparent)]
pub struct Usd(pub u64);

impl JsonSchema for Usd {
    fn schema_name() -> std::borrow::Cow<'static, str> {
        "Usd".into()
    }
    fn json_schema(_: &mut schemars::SchemaGenerator) -> schemars::Schema {
        // TOML integers are i64, so that is the real upper bound of what a record can hold.
        schemars::json_schema!({
            "description": "Whole US dollars, greater than 0 (underscores allowed: 305_000_000).",
            "type": "integer",
            "minimum": 1,
            "maximum": i64::MAX,
        })
    }
}

/// A sum of [`Usd`] amounts. `u128` cannot overflow when adding fewer than 2^64 values of at most
/// `u64::MAX`, so totals never wrap; additions are still checked to keep that promise explicit.
pub type UsdTotal = u128;

/// One theft, as a contributor records it in one TOML file.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
#[schemars(title = "heistbrief incident record", extend("$id" = "https://heistbrief.invalid/schema/incident.schema.json"))]
pub struct Incident {
    /// Record id: the file stem (not written in the file).
    #[serde(skip_deserializing, default)]
    #[schemars(skip)]
    pub id: String,
    /// The day of the theft (TOML local date, e.g. 2024-05-31).
    pub date: NaiveDate,
    /// Organisation or protocol robbed, as it writes its own name.
    pub victim: String,
    /// Earlier ids of this record (file stems it had before a correction renamed it), so a
    /// reader who cited the old id can still find it.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub aliases: Vec<String>,
    pub victim_kind: VictimKind,
    /// ISO 3166-1 alpha-2 code of the victim's base, e.g. "JP".
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(regex(pattern = r"^[A-Z]{2}$"))]
    pub country: Option<String>,
    /// Lower-case chain names, e.g. ["ethereum", "bitcoin"].
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub chains: Vec<String>,
    pub vector: Vector,
    /// Integer USD at the time of theft: the figure the brief uses.
    pub amount_usd: Usd,
    pub attribution: Attribution,
    /// Who attributed the theft, and any dispute.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub attribution_note: Option<String>,
    /// Group name as the sources give it (Lazarus Group, TraderTraitor, APT38…).
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub actor: Option<String>,
    /// Two or three sentences of Markdown.
    pub summary: String,
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub tags: Vec<String>,
    /// Laundering steps in route order.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub laundering: Vec<LaunderingStep>,
    /// At least one public source.
    #[schemars(length(min = 1))]
    pub sources: Vec<Source>,
    /// Corrections of the figures a brief prints (date, victim, amount, tier), oldest first:
    /// what each field held before and why it changed, so a brief can say why a published
    /// figure moved.
    #[serde(default, skip_serializing_if = "Vec::is_empty")]
    pub revisions: Vec<Revision>,
}

/// One correction of a record: the day it was made, the field and the value it had before,
/// and why.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
// `field` and `previous` are defined by the variants of `Previous`: no other key is allowed.
#[schemars(extend("unevaluatedProperties" = false))]
pub struct Revision {
    /// The day the correction was made.
    pub date: NaiveDate,
    /// The field corrected and the value it held before, typed as that field.
    #[serde(flatten)]
    pub previous: Previous,
    /// Why it changed, in one sentence (the source that settled it).
    pub reason: String,
}

/// A field a revision corrects, with its earlier value: the fields a brief's figures read.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(tag = "field", content = "previous")]
pub enum Previous {
    #[serde(rename = "date")]
    Date(NaiveDate),
    #[serde(rename = "victim")]
    Victim(String),
    #[serde(rename = "amount_usd")]
    AmountUsd(Usd),
    #[serde(rename = "attribution")]
    Attribution(Attribution),
}

impl Previous {
    pub fn field(&self) -> RevisedField {
        match self {
            Previous::Date(_) => RevisedField::Date,
            Previous::Victim(_) => RevisedField::Victim,
            Previous::AmountUsd(_) => RevisedField::AmountUsd,
            Previous::Attribution(_) => RevisedField::Attribution,
        }
    }

    /// The same field's value in `incident` now.
    pub fn current(&self, incident: &Incident) -> Previous {
        match self.field() {
            RevisedField::Date => Previous::Date(incident.date),
            RevisedField::Victim => Previous::Victim(incident.victim.clone()),
            RevisedField::AmountUsd => Previous::AmountUsd(incident.amount_usd),
            RevisedField::Attribution => Previous::Attribution(incident.attribution),
        }
    }
}

/// One hop of the stolen funds' route.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct LaunderingStep {
    /// When the step happened; without it the step counts on the theft's date.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub date: Option<NaiveDate>,
    pub method: LaunderingMethod,
    /// Name of the service or protocol, e.g. "Tornado Cash".
    pub service: String,
    /// USD moved in this step, as reported.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_usd: Option<Usd>,
}

impl LaunderingStep {
    /// The date the step counts on: its own, or else the theft's.
    pub fn effective_date(&self, theft_date: NaiveDate) -> NaiveDate {
        self.date.unwrap_or(theft_date)
    }
}

/// A public source for the record.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize, JsonSchema)]
#[serde(deny_unknown_fields)]
pub struct Source {
    /// Publisher: PeckShield, Elliptic, Chainalysis, FBI, UN Panel of Experts…
    // Shared: loading interns publisher names, so thousands of records citing "Elliptic" hold
    // one string per loading thread (see `load::publisher_name`).
    pub name: Arc<str>,
    /// http(s) URL of the page that states the facts.
    #[schemars(regex(pattern = r"^https?://"))]
    pub url: String,
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub published: Option<NaiveDate>,
    /// This source's own estimate of the theft, in USD.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub amount_usd: Option<Usd>,
    /// The sentence or two of this page that states what the record takes from it, verbatim
    /// (at most 300 characters), so a reviewer can check the record without redoing the research.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    #[schemars(length(max = 300))]
    pub quote: Option<String>,
    /// The day the page was read.
    #[serde(default, skip_serializing_if = "Option::is_none")]
    pub accessed: Option<NaiveDate>,
}

impl Incident {
    /// The order of "the largest thefts": amount descending, then date, then id (a full order,
    /// so any first few are well defined).
    pub fn largest_first(a: &Incident, b: &Incident) -> std::cmp::Ordering {
        b.amount_usd
            .cmp(&a.amount_usd)
            .then(a.date.cmp(&b.date))
            .then_with(|| a.id.cmp(&b.id))
    }

    /// Date order, ties by id.
    pub fn chronological(a: &Incident, b: &Incident) -> std::cmp::Ordering {
        a.date.cmp(&b.date).then_with(|| a.id.cmp(&b.id))
    }

    /// The lowest and highest theft estimates: `amount_usd` and every source's own figure.
    pub fn estimate_range(&self) -> (Usd, Usd) {
        self.sources
            .iter()
            .filter_map(|s| s.amount_usd)
            .fold((self.amount_usd, self.amount_usd), |(lo, hi), a| {
                (lo.min(a), hi.max(a))
            })
    }
}

/// The closed vocabularies of the record. Each is a kebab-case keyword in TOML, in JSON and on
/// the command line; `ALL` lists them in the contract's order for messages and schemas.
pub trait Keyword: Sized + Copy + 'static {
    const ALL: &'static [Self];
    fn as_str(self) -> &'static str;
    fn parse(text: &str) -> Option<Self> {
        Self::ALL.iter().copied().find(|k| k.as_str() == text)
    }
}

macro_rules! keyword_enum {
    ($(#[$meta:meta])* $name:ident { $($variant:ident = $text:literal),+ $(,)? }) => {
        $(#[$meta])*
        #[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash,
                 Serialize, Deserialize, JsonSchema, clap::ValueEnum)]
        pub enum $name {
            $(#[serde(rename = $text)] #[value(name = $text)] $variant,)+
        }
        impl Keyword for $name {
            const ALL: &'static [Self] = &[$($name::$variant),+];
            fn as_str(self) -> &'static str {
                match self { $($name::$variant => $text),+ }
            }
        }
        impl std::fmt::Display for $name {
            fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
                f.write_str(self.as_str())
            }
        }
    };
}

keyword_enum! {
    /// What kind of organisation was robbed.
    VictimKind {
        Exchange = "exchange", Defi = "defi", Bridge = "bridge", Wallet = "wallet",
        Payments = "payments", Gaming = "gaming", Other = "other",
    }
}

keyword_enum! {
    /// How the attackers got in.
    Vector {
        PrivateKeyCompromise = "private-key-compromise",
        SocialEngineering = "social-engineering",
        SupplyChain = "supply-chain",
        SmartContractExploit = "smart-contract-exploit",
        Insider = "insider",
        Unknown = "unknown",
    }
}

keyword_enum! {
    /// Who named North Korea: `confirmed` a government or law-enforcement body; `attributed` the UN
    /// Panel / MSMT, an analytics firm or the victim; `suspected` researchers or media, or contested.
    Attribution { Confirmed = "confirmed", Attributed = "attributed", Suspected = "suspected" }
}

keyword_enum! {
    /// The fields a `[[revisions]]` entry may correct: those behind a brief's figures.
    RevisedField {
        Date = "date", Victim = "victim", AmountUsd = "amount_usd", Attribution = "attribution",
    }
}

keyword_enum! {
    /// What kind of service a laundering step used.
    LaunderingMethod {
        Mixer = "mixer", Bridge = "bridge", Dex = "dex", Exchange = "exchange", Otc = "otc",
        SwapService = "swap-service", Other = "other",
    }
}

/// A minimal valid record for unit tests: `id` dated `date` (`YYYY-MM-DD`), stolen `usd`.
#[cfg(test)]
pub(crate) fn test_incident(id: &str, date: &str, usd: u64) -> Incident {
    Incident {
        id: id.into(),
        date: date.parse().expect("test date"),
        victim: id.to_uppercase(),
        aliases: Vec::new(),
        victim_kind: VictimKind::Exchange,
        country: None,
        chains: Vec::new(),
        vector: Vector::Unknown,
        amount_usd: Usd(usd),
        attribution: Attribution::Attributed,
        attribution_note: None,
        actor: None,
        summary: "s".into(),
        tags: Vec::new(),
        laundering: Vec::new(),
        sources: vec![Source {
            name: "Elliptic".into(),
            url: "https://e.test/".into(),
            published: None,
            amount_usd: None,
            quote: None,
            accessed: None,
        }],
        revisions: Vec::new(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn agree_with_serde_and_clap<
        K: Keyword + Serialize + clap::ValueEnum + std::fmt::Debug + PartialEq,
    >() {
        for &k in K::ALL {
            let json = serde_json::to_value(k).expect("keyword serialises");
            assert_eq!(json, serde_json::Value::String(k.as_str().to_owned()));
            let clap_name = k
                .to_possible_value()
                .expect("visible")
                .get_name()
                .to_owned();
            assert_eq!(clap_name, k.as_str());
            assert_eq!(K::parse(k.as_str()), Some(k));
        }
        assert_eq!(K::value_variants().len(), K::ALL.len());
    }

    #[test]
    fn keywords_are_spelled_alike_in_toml_json_and_cli() {
        agree_with_serde_and_clap::<VictimKind>();
        agree_with_serde_and_clap::<Vector>();
        agree_with_serde_and_clap::<Attribution>();
        agree_with_serde_and_clap::<LaunderingMethod>();
        agree_with_serde_and_clap::<RevisedField>();
    }

    #[test]
    fn estimate_range_spans_record_and_sources() {
        let mut incident = test_incident("x", "2024-01-02", 100);
        let source = |amount: u64| Source {
            amount_usd: Some(Usd(amount)),
            ..incident.sources[0].clone()
        };
        incident.sources = vec![source(80), source(130)];
        assert_eq!(incident.estimate_range(), (Usd(80), Usd(130)));
        incident.sources.clear();
        assert_eq!(incident.estimate_range(), (Usd(100), Usd(100)));
    }
}
