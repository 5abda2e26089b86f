//! An archive of briefs: one per month or quarter of a span, and an index (Markdown and HTML)
//! listing each with its headline figures and files.

use super::Format;
use super::templates::{TemplateError, Templates};
use super::view::Brief;
use crate::period::{Each, Period};
use serde::Serialize;

/// The index's view.
#[derive(Debug, Serialize)]
pub struct Archive {
    pub title: String,
    /// The span divided, as a brief names a period: `1 January 2024 to 31 December 2024`.
    pub span: String,
    /// `month` or `quarter`.
    pub each: &'static str,
    pub version: String,
    pub briefs: Vec<ArchivedBrief>,
}

/// One brief in the index.
#[derive(Debug, Serialize)]
pub struct ArchivedBrief {
    pub label: String,
    pub name: String,
    pub incidents: usize,
    pub total: String,
    /// The period's largest thefts' victims, largest first (at most three).
    pub largest: Vec<String>,
    /// How many thefts beyond those.
    pub more: usize,
    pub laundering: Option<String>,
    pub files: Vec<BriefFile>,
}

/// A file of a brief: its format's name for a reader and its file name.
#[derive(Debug, Serialize)]
pub struct BriefFile {
    pub format: &'static str,
    pub file: String,
}

impl Archive {
    /// The index of `briefs` (given in date order), listed newest first: a reader of an
    /// archive comes for the latest brief.
    pub fn new(span: &Period, each: Each, version: &str, mut briefs: Vec<ArchivedBrief>) -> Self {
        briefs.reverse();
        let adjective = match each {
            Each::Month => "monthly",
            Each::Quarter => "quarterly",
        };
        Archive {
            title: format!(
                "North Korea-attributed crypto thefts: {adjective} briefs, {}",
                super::view::period_name(*span)
            ),
            span: format!(
                "{} to {}",
                super::words::date(span.from),
                super::words::date(span.to)
            ),
            each: each_name(each),
            version: version.to_owned(),
            briefs,
        }
    }
}

/// `month` or `quarter`.
pub fn each_name(each: Each) -> &'static str {
    match each {
        Each::Month => "month",
        Each::Quarter => "quarter",
    }
}

/// How many victims the index names per brief.
const LARGEST: usize = 3;

impl ArchivedBrief {
    pub fn new(brief: &Brief, files: Vec<BriefFile>) -> Self {
        let key = &brief.key;
        // The brief's table of thefts is already largest first.
        let largest: Vec<String> = brief
            .incidents
            .iter()
            .take(LARGEST)
            .map(|r| r.victim.clone())
            .collect();
        ArchivedBrief {
            label: brief.period.label.clone(),
            name: brief.period.name.clone(),
            incidents: key.incidents,
            total: key.total.clone(),
            more: key.incidents.saturating_sub(largest.len()),
            largest,
            laundering: key.laundering_total.clone(),
            files,
        }
    }
}

/// The index as Markdown, as the `format` output will use it.
fn markdown(
    archive: &Archive,
    templates: &Templates,
    format: Format,
) -> Result<String, TemplateError> {
    let context = super::context(archive, "archive view", format)?;
    let text = templates.render("index.md.tera", &context)?;
    Ok(super::tidy(&text))
}

pub fn index_markdown(archive: &Archive, templates: &Templates) -> Result<String, TemplateError> {
    markdown(archive, templates, Format::Md)
}

pub fn index_html(archive: &Archive, templates: &Templates) -> Result<String, TemplateError> {
    let text = markdown(archive, templates, Format::Html)?;
    let content = super::html::fragment(&text, &std::collections::HashMap::new());
    let mut context = super::context(archive, "archive view", Format::Html)?;
    context.insert("content", &content);
    context.insert("style", templates.asset("style.css"));
    let page = templates.render("index.html.tera", &context)?;
    Ok(super::tidy(&page))
}
