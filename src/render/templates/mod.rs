//! Editor-owned templates: defaults embedded in the binary, overridden file by file from a
//! folder, each default also reachable as `builtin/<name>` so an override can extend it and
//! replace one block.
//!
//! Two Tera engines, one per output language, each escaping by default: in `*.md.tera` every
//! `{{ value }}` is Markdown-escaped (record text cannot open a table cell, a heading, a link or
//! raw HTML), in `*.html.tera` HTML-escaped. A template opts out with `| safe` where it inserts
//! trusted output (the rendered Markdown into the HTML shell).
//!
//! Templates come from a folder a pull request can change, so they are read without following
//! symbolic links and only from inside the folder, and the engine is bounded: `shape` checks
//! each template's size and nesting before Tera parses it, `graph` refuses cycles and long
//! chains of includes and macro calls, and `budget` counts loop steps, values and output
//! while a template renders. Every render runs on a thread of its own with a stack
//! ([`RENDER_STACK`]) far above what those bounds let Tera's recursion reach.

mod budget;
mod graph;
mod shape;

pub use budget::{MAX_OUTPUT_BYTES, MAX_RANGE, MAX_STEPS, MAX_VALUE_BYTES};
pub use graph::MAX_CHAIN;
pub use shape::{MAX_BRACKETS, MAX_NESTING, MAX_TAG_BYTES, MAX_TEMPLATE_BYTES};

use std::collections::BTreeMap;
use std::fmt;
use std::path::{Path, PathBuf};
use tera::{Context, Tera};

/// The default templates, as shipped in `templates/`.
pub const DEFAULTS: &[(&str, &str)] = &[
    (
        "brief.md.tera",
        include_str!("../../../templates/brief.md.tera"),
    ),
    (
        "chart.md.tera",
        include_str!("../../../templates/chart.md.tera"),
    ),
    (
        "chart-data.md.tera",
        include_str!("../../../templates/chart-data.md.tera"),
    ),
    (
        "brief.html.tera",
        include_str!("../../../templates/brief.html.tera"),
    ),
    ("style.css", include_str!("../../../templates/style.css")),
    (
        "index.md.tera",
        include_str!("../../../templates/index.md.tera"),
    ),
    (
        "index.html.tera",
        include_str!("../../../templates/index.html.tera"),
    ),
    ("pdf.toml", include_str!("../../../templates/pdf.toml")),
];

/// Where a template's text came from, for error messages.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Origin {
    Builtin,
    File(PathBuf),
}

#[derive(Clone, Debug)]
struct Source {
    text: String,
    origin: Origin,
}

/// A template problem, placed: the file (or built-in default), the line when known, and what
/// is wrong, in words that already say what the cause said (so a report stops here); the cause
/// itself (tera's error, the file system's) is kept as the error's source.
#[derive(Debug, Clone)]
pub struct TemplateError {
    pub template: String,
    pub origin: Option<Origin>,
    pub line: Option<usize>,
    pub column: Option<usize>,
    pub message: String,
    pub cause: Option<Cause>,
}

/// The error under a template error; shared, as an engine's error is kept for every format.
pub type Cause = std::sync::Arc<dyn std::error::Error + Send + Sync>;

impl fmt::Display for TemplateError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let place = match &self.origin {
            Some(Origin::File(path)) => crate::text::shown(path),
            Some(Origin::Builtin) => format!("built-in template {}", self.template),
            None => self.template.clone(),
        };
        match (self.line, self.column) {
            (Some(line), Some(column)) => write!(f, "{place}:{line}:{column}: {}", self.message),
            (Some(line), None) => write!(f, "{place}:{line}: {}", self.message),
            _ => write!(f, "{place}: {}", self.message),
        }
    }
}

impl TemplateError {
    /// Whether the file could not be read (an I/O error, as for the benchmarks file) rather
    /// than read and found wrong.
    pub fn is_io(&self) -> bool {
        self.cause
            .as_deref()
            .is_some_and(|e| e.is::<std::io::Error>())
    }
}

/// The stack each render thread gets. The bounds in `shape` and `graph` keep Tera's deepest
/// recursion (a chain of [`MAX_CHAIN`] templates, each nested [`MAX_NESTING`] deep, with a
/// [`MAX_TAG_BYTES`] expression at the bottom) to a few megabytes in a debug build; a test
/// renders exactly that.
pub const RENDER_STACK: usize = 64 << 20;

impl std::error::Error for TemplateError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.cause
            .as_deref()
            .map(|e| e as &(dyn std::error::Error + 'static))
    }
}

/// The templates a build uses: the defaults, with a folder's files in their place.
#[derive(Clone, Debug)]
pub struct Templates {
    files: BTreeMap<String, Source>,
    /// Each language's engine, parsed once however many formats render with it.
    markdown: std::sync::OnceLock<Result<Tera, TemplateError>>,
    html: std::sync::OnceLock<Result<Tera, TemplateError>>,
}

impl Templates {
    /// The built-in defaults only.
    pub fn builtin() -> Self {
        Templates {
            files: DEFAULTS
                .iter()
                .map(|(name, text)| {
                    (
                        (*name).to_owned(),
                        Source {
                            text: (*text).to_owned(),
                            origin: Origin::Builtin,
                        },
                    )
                })
                .collect(),
            markdown: std::sync::OnceLock::new(),
            html: std::sync::OnceLock::new(),
        }
    }

    /// The defaults with every `*.tera`, `*.css` and `*.toml` file under `dir` in place of the default of
    /// the same name (names are paths relative to `dir`, with `/`).
    pub fn with_overrides(dir: &Path) -> Result<Self, TemplateError> {
        let mut templates = Templates::builtin();
        let mut found = Vec::new();
        let is_link = dir.symlink_metadata().map(|m| m.file_type().is_symlink());
        let walked = match is_link {
            Ok(true) => Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                "a symbolic link, which is not followed: name the folder it points to",
            )),
            Ok(false) => collect(dir, dir, &mut found),
            Err(e) => Err(e),
        };
        walked.map_err(|e| TemplateError {
            template: crate::text::shown(dir),
            origin: None,
            line: None,
            column: None,
            message: format!("cannot read the templates folder: {e}"),
            cause: Some(std::sync::Arc::new(e)),
        })?;
        for (name, path) in found {
            let relative = path.strip_prefix(dir).unwrap_or(&path);
            let bytes = crate::fs::read_beneath(dir, relative).map_err(|e| TemplateError {
                template: name.clone(),
                origin: Some(Origin::File(path.clone())),
                line: None,
                column: None,
                message: format!("cannot read: {e}"),
                cause: Some(std::sync::Arc::new(e)),
            })?;
            let text = String::from_utf8(bytes).map_err(|e| TemplateError {
                template: name.clone(),
                origin: Some(Origin::File(path.clone())),
                line: None,
                column: None,
                message: "is not valid UTF-8; save it as UTF-8".into(),
                cause: Some(std::sync::Arc::new(e)),
            })?;
            templates.files.insert(
                name,
                Source {
                    text,
                    origin: Origin::File(path),
                },
            );
        }
        Ok(templates)
    }

    /// A file's text and where it came from.
    pub fn source(&self, name: &str) -> Option<(&str, &Origin)> {
        self.files.get(name).map(|s| (s.text.as_str(), &s.origin))
    }

    /// The text of a non-template asset (the stylesheet).
    pub fn asset(&self, name: &str) -> &str {
        self.files.get(name).map_or("", |s| s.text.as_str())
    }

    /// Renders `name` from the engine for its language with `context`.
    pub fn render(&self, name: &str, context: &Context) -> Result<String, TemplateError> {
        let language = if name.ends_with(".md.tera") {
            Language::Markdown
        } else {
            Language::Html
        };
        let cell = match language {
            Language::Markdown => &self.markdown,
            Language::Html => &self.html,
        };
        // Parsing and rendering both recurse in Tera: both run on a thread whose stack the
        // bounds are measured against, whichever thread (a rayon worker's is 2 MiB) asks.
        std::thread::scope(|scope| {
            std::thread::Builder::new()
                .name("template".into())
                .stack_size(RENDER_STACK)
                .spawn_scoped(scope, || {
                    let tera = cell
                        .get_or_init(|| self.engine(language))
                        .as_ref()
                        .map_err(Clone::clone)?;
                    self.render_bounded(tera, name, context, language)
                })
                .map_err(|e| {
                    self.unplaced(
                        name,
                        format!("cannot start a render thread: {e}"),
                        Some(std::sync::Arc::new(e)),
                    )
                })?
                .join()
                .unwrap_or_else(|_| {
                    Err(self.unplaced(name, "the template engine failed".into(), None))
                })
        })
    }

    /// One render within the budget; a limit that stops it is reported where it was reached.
    fn render_bounded(
        &self,
        tera: &Tera,
        name: &str,
        context: &Context,
        language: Language,
    ) -> Result<String, TemplateError> {
        budget::start();
        let mut output = budget::Output::default();
        match tera.render_to(name, context, &mut output) {
            Ok(()) => String::from_utf8(output.bytes).map_err(|e| {
                self.unplaced(
                    name,
                    "the output is not UTF-8".into(),
                    Some(std::sync::Arc::new(e)),
                )
            }),
            Err(error) => Err(match budget::stopped() {
                Some(stop) => {
                    let (template, line) = match (stop.template, stop.token) {
                        (Some(template), token) => (template, token.and_then(|t| t.parse().ok())),
                        (None, Some(token)) => self
                            .first_use(name, &token, language)
                            .map_or((name.to_owned(), None), |(t, l)| (t, Some(l))),
                        (None, None) => (name.to_owned(), None),
                    };
                    TemplateError {
                        origin: self.origin_of(&template),
                        template,
                        line,
                        column: None,
                        message: stop.message,
                        cause: Some(std::sync::Arc::new(error)),
                    }
                }
                None => self.placed(name, error, language),
            }),
        }
    }

    /// An error about `name` as a whole.
    fn unplaced(&self, name: &str, message: String, cause: Option<Cause>) -> TemplateError {
        TemplateError {
            template: name.to_owned(),
            origin: self.origin_of(name),
            line: None,
            column: None,
            message,
            cause,
        }
    }

    fn engine(&self, language: Language) -> Result<Tera, TemplateError> {
        let suffix = language.suffix();
        let mut tera = Tera::default();
        tera.autoescape_on(vec![suffix]);
        budget::register(&mut tera);
        if language == Language::Markdown {
            tera.set_escape_fn(escape_markdown);
            tera.register_filter("url", UrlFilter);
        }
        let mut sources: Vec<(String, String)> = Vec::new();
        for (name, source) in &self.files {
            if name.ends_with(suffix) {
                sources.push((name.clone(), source.text.clone()));
            }
        }
        for (name, text) in DEFAULTS {
            if name.ends_with(suffix) {
                sources.push((format!("builtin/{name}"), (*text).to_owned()));
            }
        }
        // Size and nesting first: Tera's parser recurses once per level.
        for (name, text) in &sources {
            shape::check(text).map_err(|e| TemplateError {
                origin: self.origin_of(name),
                template: name.clone(),
                line: Some(e.line),
                column: None,
                message: e.message,
                cause: None,
            })?;
        }
        tera.add_raw_templates(sources)
            .map_err(|e| self.placed("", e, language))?;
        graph::check(&tera.templates).map_err(|e| TemplateError {
            origin: self.origin_of(&e.template),
            line: self.text_of(&e.template).and_then(|t| line_of(t, &e.token)),
            template: e.template,
            column: None,
            message: e.message,
            cause: None,
        })?;
        budget::instrument(&mut tera, &|name, token| {
            line_of(self.text_of(name)?, token)
        });
        Ok(tera)
    }

    /// A Tera error with its template, file and line. Tera names the template in its messages
    /// but gives a line only for syntax errors; for a render error the line is where the
    /// unknown variable, filter or test first appears in the templates it names.
    fn placed(&self, rendering: &str, error: tera::Error, language: Language) -> TemplateError {
        let chain = error_chain(&error);
        let template = quoted_names(&chain)
            .into_iter()
            .rev()
            .find(|n| self.text_of(n).is_some())
            .unwrap_or_else(|| rendering.to_owned());
        let message = chain
            .iter()
            .rev()
            .find(|m| !m.starts_with("Failed to render") && !m.starts_with("Failed to parse"))
            .cloned()
            .unwrap_or_else(|| chain.join(": "));
        let mut line = syntax_line(&chain);
        // A syntax error's message is pest's drawing of the line; keep its verdict (`= …`).
        let message = if line.is_some() {
            let verdict = chain
                .iter()
                .flat_map(|m| m.lines())
                .find_map(|l| l.trim().strip_prefix("= "))
                .unwrap_or("invalid syntax");
            format!("syntax error: {verdict}")
        } else {
            message
        };
        let mut template = template;
        if line.is_none()
            && let Some(token) = backquoted(&message)
            && let Some((name, at)) = self.first_use(&template, &token, language)
        {
            template = name;
            line = Some(at);
        }
        TemplateError {
            origin: self.origin_of(&template),
            template,
            line,
            column: None,
            message: crate::text::escape(&message).into_owned(),
            cause: Some(std::sync::Arc::new(error)),
        }
    }

    /// The first template (`rendering`, then any other of the language) using `token` in a
    /// tag, and the line.
    fn first_use(
        &self,
        rendering: &str,
        token: &str,
        language: Language,
    ) -> Option<(String, usize)> {
        let mut candidates = vec![rendering.to_owned()];
        candidates.extend(
            self.files
                .keys()
                .filter(|n| n.ends_with(language.suffix()))
                .cloned(),
        );
        candidates
            .iter()
            .find_map(|n| Some((n.clone(), line_of(self.text_of(n)?, token)?)))
    }

    fn text_of(&self, name: &str) -> Option<&str> {
        match name.strip_prefix("builtin/") {
            Some(default) => DEFAULTS
                .iter()
                .find(|(n, _)| *n == default)
                .map(|(_, t)| *t),
            None => self.files.get(name).map(|s| s.text.as_str()),
        }
    }

    fn origin_of(&self, name: &str) -> Option<Origin> {
        if name.starts_with("builtin/") {
            return Some(Origin::Builtin);
        }
        self.files.get(name).map(|s| s.origin.clone())
    }
}

/// `{{ source.url | url }}`: a source URL printed verbatim (Markdown escapes are not read inside
/// an autolink), which is safe because `check` has already refused URLs holding anything that
/// could end the link; the filter checks again rather than trust that.
struct UrlFilter;

impl tera::Filter for UrlFilter {
    fn filter(
        &self,
        value: &tera::Value,
        _: &std::collections::HashMap<String, tera::Value>,
    ) -> tera::Result<tera::Value> {
        let url = value
            .as_str()
            .ok_or_else(|| tera::Error::msg("the `url` filter takes a string"))?;
        crate::web_url::check_web_url(url).map_err(tera::Error::msg)?;
        Ok(tera::Value::String(url.to_owned()))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Language {
    Markdown,
    Html,
}

impl Language {
    fn suffix(self) -> &'static str {
        match self {
            Language::Markdown => ".md.tera",
            Language::Html => ".html.tera",
        }
    }
}

fn collect(root: &Path, dir: &Path, out: &mut Vec<(String, PathBuf)>) -> std::io::Result<()> {
    let mut entries: Vec<_> = std::fs::read_dir(dir)?.collect::<Result<_, _>>()?;
    entries.sort_by_key(|e| e.file_name());
    for entry in entries {
        let path = entry.path();
        let file_type = entry.file_type()?;
        let name = entry.file_name().to_string_lossy().into_owned();
        if name.starts_with('.') {
            continue;
        }
        let wanted = name.ends_with(".tera") || name.ends_with(".css") || name.ends_with(".toml");
        if file_type.is_symlink() && wanted {
            // Refused rather than skipped: the default would silently take its place.
            return Err(std::io::Error::new(
                std::io::ErrorKind::InvalidInput,
                format!(
                    "{} is a symbolic link, which is not followed: put the file itself in the templates folder",
                    crate::text::shown(&path)
                ),
            ));
        }
        if file_type.is_dir() {
            collect(root, &path, out)?;
        } else if wanted {
            let relative = path
                .strip_prefix(root)
                .unwrap_or(&path)
                .components()
                .map(|c| c.as_os_str().to_string_lossy().into_owned())
                .collect::<Vec<_>>()
                .join("/");
            out.push((relative, path));
        }
    }
    Ok(())
}

fn error_chain(error: &tera::Error) -> Vec<String> {
    let mut chain = vec![error.to_string()];
    let mut source = std::error::Error::source(error);
    while let Some(e) = source {
        chain.push(e.to_string());
        source = e.source();
    }
    chain
}

/// Template names Tera quotes in its messages ('brief.md.tera').
fn quoted_names(chain: &[String]) -> Vec<String> {
    let mut names = Vec::new();
    for message in chain {
        let mut rest = message.as_str();
        while let Some(start) = rest.find('\'') {
            let after = &rest[start + 1..];
            match after.find('\'') {
                Some(end) => {
                    let name = &after[..end];
                    if name.ends_with(".tera") {
                        names.push(name.to_owned());
                    }
                    rest = &after[end + 1..];
                }
                None => break,
            }
        }
    }
    names
}

/// The line of a syntax error: pest writes ` --> 12:5`.
fn syntax_line(chain: &[String]) -> Option<usize> {
    chain.iter().find_map(|m| {
        let at = m.find("--> ")?;
        let digits: String = m[at + 4..]
            .chars()
            .take_while(char::is_ascii_digit)
            .collect();
        digits.parse().ok()
    })
}

/// The variable, filter or test Tera could not find: the first `backquoted` word of its message,
/// or the first 'quoted' one that is not a template name.
fn backquoted(message: &str) -> Option<String> {
    let between = |quote: char| -> Vec<&str> { message.split(quote).skip(1).step_by(2).collect() };
    between('`')
        .into_iter()
        .chain(between('\'').into_iter().filter(|t| !t.ends_with(".tera")))
        .find(|t| !t.is_empty())
        .map(str::to_owned)
}

/// The 1-based line where `token` first appears inside a Tera tag of `text`.
fn line_of(text: &str, token: &str) -> Option<usize> {
    let mut offset = 0;
    while let Some(found) = text[offset..].find(token) {
        let at = offset + found;
        let before = &text[..at];
        let open = before.rfind("{{").max(before.rfind("{%"));
        let close = before.rfind("}}").max(before.rfind("%}"));
        if open.is_some() && open > close {
            return Some(before.matches('\n').count() + 1);
        }
        offset = at + token.len();
    }
    None
}

/// An empty HTML comment, which splits a text into two for a Markdown renderer and shows
/// nothing. GitHub's renderer (cmark-gfm's autolink extension) makes a link of a bare
/// `www.host`, `scheme://…` and `name@host` found in one run of text, and a backslash escape
/// does not stop it (escapes are undone before it looks); a comment does. Our HTML and PDF
/// drop it.
pub const LINK_BREAK: &str = "<!-- -->";

/// Markdown escaping for values a template prints: every character that could start markup is
/// backslash-escaped, line breaks become spaces, so a value stays inside its table cell,
/// heading or sentence; and [`LINK_BREAK`] goes where an autolink could start (after `www`
/// before its dot, between `:` and `//`, after `@`), so record text stays text on GitHub too.
/// Linear in the text.
pub fn escape_markdown(text: &str) -> String {
    let mut out = String::with_capacity(text.len() + 8);
    let leading_digits = text.chars().take_while(char::is_ascii_digit).count();
    let mut chars = text.char_indices().enumerate().peekable();
    while let Some((i, (at, c))) = chars.next() {
        match c {
            '\n' | '\r' => out.push(' '),
            '\\' | '`' | '*' | '_' | '[' | ']' | '<' | '>' | '#' | '|' | '!' | '~' | '&' | '{'
            | '}' => {
                out.push('\\');
                out.push(c);
            }
            // Only at the start of a line do these open a list, a heading underline or an
            // ordered list item.
            '-' | '+' | '=' if i == 0 => {
                out.push('\\');
                out.push(c);
            }
            '.' | ')'
                if i == leading_digits
                    && i > 0
                    && chars
                        .peek()
                        .is_none_or(|(_, (_, next))| next.is_whitespace()) =>
            {
                out.push('\\');
                out.push(c);
            }
            '.' if text[..at].len() >= 3
                && text.as_bytes()[at - 3..at].eq_ignore_ascii_case(b"www") =>
            {
                out.push_str(LINK_BREAK);
                out.push('.');
            }
            ':' if text[at + 1..].starts_with("//") => {
                out.push(':');
                out.push_str(LINK_BREAK);
            }
            '@' => {
                out.push('@');
                out.push_str(LINK_BREAK);
            }
            c => out.push(c),
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn markdown_escaping_keeps_values_in_their_place() {
        assert_eq!(escape_markdown("DMM Bitcoin"), "DMM Bitcoin");
        assert_eq!(
            escape_markdown("a|b *c* _d_ [e](javascript:x) <script>"),
            "a\\|b \\*c\\* \\_d\\_ \\[e\\](javascript:x) \\<script\\>"
        );
        assert_eq!(
            escape_markdown("# not a heading\nnext"),
            "\\# not a heading next"
        );
        assert_eq!(escape_markdown("1. item"), "1\\. item");
        assert_eq!(escape_markdown("0.1.0"), "0.1.0");
        assert_eq!(escape_markdown("- item"), "\\- item");
        assert_eq!(escape_markdown("a-b"), "a-b");
        assert_eq!(escape_markdown("12)"), "12\\)");
        assert_eq!(escape_markdown("12.5"), "12.5");
    }

    #[test]
    fn markdown_escaping_breaks_every_autolink() {
        assert_eq!(
            escape_markdown("see WWW.evil.example"),
            "see WWW<!-- -->.evil.example"
        );
        assert_eq!(
            escape_markdown("https://user@evil.example/login"),
            "https:<!-- -->//user@<!-- -->evil.example/login"
        );
        assert_eq!(escape_markdown("a@b.c"), "a@<!-- -->b.c");
        assert_eq!(escape_markdown("Note: ww.x"), "Note: ww.x");
        assert_eq!(escape_markdown("é.www.x"), "é.www<!-- -->.x");
    }

    #[test]
    fn tags_are_found_by_line() {
        let text = "line one {{ a }}\n{% if b %}\n{{ key.totl }}\n";
        assert_eq!(line_of(text, "key.totl"), Some(3));
        assert_eq!(line_of("key.totl outside\n{{ x }}", "key.totl"), None);
    }
}
