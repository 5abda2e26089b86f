//! rustc-style output: `path:line:col: error: field: message`, the line, and a caret under it.

use super::{Diagnostic, Severity, Shown, fold_repeats};
use crate::text::shown;
use anstyle::Style;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Always,
    Never,
}

impl ColorChoice {
    /// Colour only where anstream would give it: a terminal, without `NO_COLOR` (or with
    /// `CLICOLOR_FORCE`), and not `TERM=dumb`.
    pub fn for_stream(stream: &impl anstream::stream::RawStream) -> Self {
        match anstream::AutoStream::choice(stream) {
            anstream::ColorChoice::Never => ColorChoice::Never,
            _ => ColorChoice::Always,
        }
    }

    fn paint(self, style: Style, text: &str) -> String {
        match self {
            ColorChoice::Always => format!("{}{text}{}", style.render(), style.render_reset()),
            ColorChoice::Never => text.to_owned(),
        }
    }
}

const BOLD: Style = Style::new().bold();
const ERROR: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Red)));
const WARNING: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Yellow)));
const GUTTER: Style = Style::new()
    .bold()
    .fg_color(Some(anstyle::Color::Ansi(anstyle::AnsiColor::Blue)));

pub fn render_human(diagnostics: &[Diagnostic], color: ColorChoice) -> String {
    let mut out = String::new();
    for shown_item in fold_repeats(diagnostics) {
        let d = match shown_item {
            Shown::One(d) => d,
            Shown::More {
                path,
                severity,
                kind,
                count,
            } => {
                let _ = writeln!(
                    out,
                    "{} … and {count} more {}{} like this in this file ({}); `check --format json` lists them all\n",
                    color.paint(BOLD, &format!("{}:", shown(path))),
                    severity.as_str(),
                    if count == 1 { "" } else { "s" },
                    crate::text::echo(&kind),
                );
                continue;
            }
        };
        let (code, label) = match d.severity {
            Severity::Error => (ERROR, "error"),
            Severity::Warning => (WARNING, "warning"),
        };
        let location = format!("{}:{}:{}:", shown(&d.path), d.line, d.column);
        let _ = writeln!(
            out,
            "{} {} {}",
            color.paint(BOLD, &location),
            color.paint(code, &format!("{label}:")),
            color.paint(BOLD, &d.shown_headline())
        );
        if let Some(excerpt) = &d.excerpt {
            let gutter = d.line.to_string();
            let pad = " ".repeat(gutter.len());
            let bar = color.paint(GUTTER, "|");
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                color.paint(GUTTER, &gutter),
                excerpt.text
            );
            let _ = writeln!(
                out,
                "{pad} {bar} {}{}",
                " ".repeat(excerpt.caret),
                color.paint(code, &"^".repeat(excerpt.width))
            );
        }
        out.push('\n');
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::diagnostic::SourceText;
    use std::path::Path;

    #[test]
    fn prints_location_line_and_caret() {
        let text = "amount_usd = 0\n";
        let file = SourceText::new(Path::new("incidents/x.toml"), text);
        let d = Diagnostic::at(
            &file,
            13..14,
            Some("amount_usd".into()),
            "must be greater than 0",
        );
        assert_eq!(
            render_human(&[d], ColorChoice::Never),
            "incidents/x.toml:1:14: error: amount_usd: must be greater than 0\n  |\n1 | amount_usd = 0\n  |              ^\n\n"
        );
    }

    #[test]
    fn colour_wraps_in_ansi_codes_only_when_asked() {
        let d = Diagnostic::for_file(Path::new("a.toml"), "empty file");
        let coloured = render_human(std::slice::from_ref(&d), ColorChoice::Always);
        // Bold red, then a reset, around the label.
        assert!(
            coloured.contains("\x1b[1m\x1b[31merror:\x1b[0m"),
            "{coloured:?}"
        );
        assert!(!render_human(&[d], ColorChoice::Never).contains('\x1b'));
    }
}
