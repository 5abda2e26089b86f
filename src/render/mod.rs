//! Every presentation of the figures: the brief view, its charts, the templates, and the
//! Markdown and HTML briefs. Each renderer is a pure function from a [`view::Brief`] to bytes;
//! writing files is the command line's business.

pub mod archive;
pub mod assessment;
pub mod charts;
pub mod csv;
pub mod document;
pub mod html;
pub mod link;
pub mod listing;
pub mod pdf;
pub mod records;
pub mod revisions;
pub mod summary;
pub mod templates;
pub mod view;
pub mod words;

use std::collections::HashMap;
use templates::{TemplateError, Templates};
use tera::Context;
use view::Brief;

/// The output formats `build` writes.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, clap::ValueEnum)]
pub enum Format {
    Md,
    Html,
    Pdf,
}

impl Format {
    /// The brief's file in this format: `brief-2024-03.pdf`.
    pub fn file_name(self, label: &str) -> String {
        format!("brief-{label}.{}", self.as_str())
    }

    pub fn as_str(self) -> &'static str {
        match self {
            Format::Md => "md",
            Format::Html => "html",
            Format::Pdf => "pdf",
        }
    }
}

/// A view as the templates see it, with `format` set to the output being made.
fn context(
    view: &impl serde::Serialize,
    name: &str,
    format: Format,
) -> Result<Context, TemplateError> {
    let mut context = Context::from_serialize(view).map_err(|e| TemplateError {
        template: name.into(),
        origin: None,
        line: None,
        column: None,
        message: e.to_string(),
        cause: Some(std::sync::Arc::new(e)),
    })?;
    context.insert("format", format.as_str());
    Ok(context)
}

/// The brief as Markdown, as the `format` output will use it.
pub fn markdown(
    brief: &Brief,
    templates: &Templates,
    format: Format,
) -> Result<String, TemplateError> {
    markdown_in(&context(brief, "brief view", format)?, templates)
}

fn markdown_in(context: &Context, templates: &Templates) -> Result<String, TemplateError> {
    Ok(tidy(&templates.render("brief.md.tera", context)?))
}

/// The brief as one self-contained HTML file: the same Markdown rendered, the charts inlined,
/// the stylesheet inlined, placed in the editor's shell.
pub fn html(brief: &Brief, templates: &Templates) -> Result<String, TemplateError> {
    // One context for the Markdown and the page around it: turning the view into the
    // templates' values is a large part of rendering a long brief.
    let mut context = context(brief, "brief view", Format::Html)?;
    let markdown = markdown_in(&context, templates)?;
    let charts: HashMap<String, &charts::Chart> =
        brief.charts.iter().map(|c| (c.file.clone(), c)).collect();
    let content = html::fragment(&markdown, &charts);
    context.insert("content", &content);
    context.insert("style", templates.asset("style.css"));
    let page = templates.render("brief.html.tera", &context)?;
    Ok(tidy(&page))
}

/// One trailing newline and no runs of blank lines: template whitespace is not the reader's
/// concern, and golden files stay stable when an editor adds a blank line around a block.
fn tidy(text: &str) -> String {
    let mut out = String::with_capacity(text.len());
    let mut blank = 0;
    for line in text.lines() {
        let line = line.trim_end();
        if line.is_empty() {
            blank += 1;
            if blank > 1 || out.is_empty() {
                continue;
            }
        } else {
            blank = 0;
        }
        out.push_str(line);
        out.push('\n');
    }
    while out.ends_with("\n\n") {
        out.pop();
    }
    out
}
