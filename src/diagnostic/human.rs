//! rustc-style output: `path:line:col: error: field: message`, the line, and a caret under it.

use super::{Diagnostic, Severity, Shown, fold_repeats};
use crate::text::shown;
use std::fmt::Write;

#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum ColorChoice {
    Always,
    Never,
}

impl ColorChoice {
    /// Colour only on a terminal, and never when `NO_COLOR` is set to anything non-empty.
    pub fn for_stream(is_terminal: bool) -> Self {
        let no_color = std::env::var_os("NO_COLOR").is_some_and(|v| !v.is_empty());
        if is_terminal && !no_color {
            ColorChoice::Always
        } else {
            ColorChoice::Never
        }
    }

    fn paint(self, code: &str, text: &str) -> String {
        match self {
            ColorChoice::Always => format!("\x1b[{code}m{text}\x1b[0m"),
            ColorChoice::Never => text.to_owned(),
        }
    }
}

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
                    color.paint("1", &format!("{}:", shown(path))),
                    severity.as_str(),
                    if count == 1 { "" } else { "s" },
                    crate::text::echo(&kind),
                );
                continue;
            }
        };
        let (code, label) = match d.severity {
            Severity::Error => ("1;31", "error"),
            Severity::Warning => ("1;33", "warning"),
        };
        let location = format!("{}:{}:{}:", shown(&d.path), d.line, d.column);
        let _ = writeln!(
            out,
            "{} {} {}",
            color.paint("1", &location),
            color.paint(code, &format!("{label}:")),
            color.paint("1", &d.shown_headline())
        );
        if let Some(excerpt) = &d.excerpt {
            let gutter = d.line.to_string();
            let pad = " ".repeat(gutter.len());
            let bar = color.paint("1;34", "|");
            let _ = writeln!(out, "{pad} {bar}");
            let _ = writeln!(
                out,
                "{} {bar} {}",
                color.paint("1;34", &gutter),
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
        assert!(
            render_human(std::slice::from_ref(&d), ColorChoice::Always)
                .contains("\x1b[1;31merror:\x1b[0m")
        );
        assert!(!render_human(&[d], ColorChoice::Never).contains('\x1b'));
    }
}
