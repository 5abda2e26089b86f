//! GitHub Actions workflow commands, so a pull request shows each problem on its line.

use super::Diagnostic;
use std::fmt::Write;

pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for shown_item in super::fold_repeats(diagnostics) {
        let d = match shown_item {
            super::Shown::One(d) => d,
            super::Shown::More {
                path,
                severity,
                kind,
                count,
            } => {
                let _ = writeln!(
                    out,
                    "::{} file={},title={}::… and {count} more like this in this file; `heistbrief check --format json` lists them all",
                    severity.as_str(),
                    escape_property(&crate::text::shown(path)),
                    escape_property(&crate::text::echo(&kind)),
                );
                continue;
            }
        };
        let title = d
            .field
            .as_deref()
            .map_or_else(|| "heistbrief".to_owned(), crate::text::echo);
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.severity.as_str(),
            escape_property(&crate::text::shown(&d.path)),
            d.line,
            d.column,
            escape_property(&title),
            escape_data(&d.shown_headline())
        );
    }
    out
}

// The workflow-command grammar reserves these characters; unescaped they cut the message short.
fn escape_data(text: &str) -> String {
    text.replace('%', "%25")
        .replace('\r', "%0D")
        .replace('\n', "%0A")
}

fn escape_property(text: &str) -> String {
    escape_data(text).replace(':', "%3A").replace(',', "%2C")
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::path::Path;

    #[test]
    fn escapes_reserved_characters() {
        let mut d = Diagnostic::for_file(Path::new("dir,a:b.toml"), "100% wrong\nreally");
        d.field = Some("sources[0].url".into());
        assert_eq!(
            render_github(&[d]),
            "::error file=dir%2Ca%3Ab.toml,line=1,col=1,title=sources[0].url::sources[0].url: 100%25 wrong\\nreally\n"
        );
    }

    #[test]
    fn text_from_records_cannot_forge_a_command_or_an_escape() {
        let mut d = Diagnostic::for_file(
            Path::new("a\n::error file=x::forged.toml"),
            "unknown value `x\r\n::warning::y\u{1b}]0;t\u{7}\u{202E}`",
        );
        d.field = Some("\"k\n::error::z\"".into());
        let out = render_github(&[d]);
        assert_eq!(out.lines().count(), 1, "{out}");
        assert!(
            !out.contains(['\u{1b}', '\u{7}', '\u{202E}', '\r']),
            "{out}"
        );
        assert!(out.contains("\\u{1b}]0;t\\u{7}\\u{202e}"), "{out}");
    }
}
