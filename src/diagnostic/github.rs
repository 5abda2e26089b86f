//! GitHub Actions workflow commands, so a pull request shows each problem on its line.

use super::Diagnostic;
use std::fmt::Write;

pub fn render_github(diagnostics: &[Diagnostic]) -> String {
    let mut out = String::new();
    for d in diagnostics {
        let title = d.field.as_deref().unwrap_or("heistbrief");
        let _ = writeln!(
            out,
            "::{} file={},line={},col={},title={}::{}",
            d.severity.as_str(),
            escape_property(&d.path.to_string_lossy()),
            d.line,
            d.column,
            escape_property(title),
            escape_data(&d.headline())
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
            "::error file=dir%2Ca%3Ab.toml,line=1,col=1,title=sources[0].url::sources[0].url: 100%25 wrong%0Areally\n"
        );
    }
}
