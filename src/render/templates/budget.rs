//! What one render may spend, counted while it runs: loop steps, `range`'s length, the size of
//! a value a template makes, and the bytes it writes. Tera has none of these limits: a
//! `{% for i in range(end=1000000000) %}` allocated the whole range and then ran for ever,
//! and a doubling `{% set s = s ~ s %}` exhausted memory.
//!
//! Tera has no hook for a step counter, so every loop body, macro body and template is given
//! one: a call to [`STEP`] placed at its start (see [`instrument`]), which prints nothing.
//! The counters are the render thread's own (each render runs on a thread of its own, see the
//! parent module), so the formats rendering side by side do not share a budget.
//!
//! Also here: the functions a template must not reach. `get_env` (registered by Tera even
//! without its default features) would print the process's environment, secrets included, into
//! a published brief; `now` and `get_random` (Tera's `builtins` feature, off here but turned
//! on by any crate that asks for it) the clock and randomness. They are replaced by functions
//! that refuse, so a brief depends only on its view (the date only through `generated_on`,
//! from `SOURCE_DATE_EPOCH`).

use std::cell::RefCell;
use std::collections::HashMap;
use tera::ast::{Expr, ExprVal, FunctionCall, Node, WS};
use tera::{Tera, Value};

/// Loop iterations, macro calls and template starts in one render. The default brief over
/// 100 000 records takes a few thousand.
pub const MAX_STEPS: u64 = 1_000_000;
/// The most numbers one `range` makes.
pub const MAX_RANGE: u64 = 100_000;
/// The largest value a `set`, `replace`, `join` or `indent` may make, in bytes (for an
/// array or object, roughly its size as JSON).
pub const MAX_VALUE_BYTES: usize = 16 << 20;
/// The most a render may write: the default brief over 100 000 records is about 2 MB.
pub const MAX_OUTPUT_BYTES: usize = 64 << 20;

/// The step function's name: no template can define a function, and this one is ours.
pub const STEP: &str = "__heistbrief_step";
const VALUE: &str = "__heistbrief_value";

/// Where and why a render stopped, when a limit stopped it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Stop {
    pub template: Option<String>,
    pub token: Option<String>,
    pub message: String,
}

#[derive(Default)]
struct Counters {
    steps: u64,
    stop: Option<Stop>,
}

thread_local! {
    static COUNTERS: RefCell<Counters> = RefCell::default();
}

/// Starts a render's count on this thread.
pub fn start() {
    COUNTERS.with(|c| *c.borrow_mut() = Counters::default());
}

/// Why the render on this thread was stopped, if a limit stopped it.
pub fn stopped() -> Option<Stop> {
    COUNTERS.with(|c| c.borrow_mut().stop.take())
}

fn stop(template: Option<String>, token: Option<String>, message: String) -> tera::Error {
    let error = tera::Error::msg(message.clone());
    COUNTERS.with(|c| {
        c.borrow_mut().stop.get_or_insert(Stop {
            template,
            token,
            message,
        });
    });
    error
}

/// Registers the bounded and refusing functions and filters on an engine.
pub fn register(tera: &mut Tera) {
    tera.register_function(STEP, Step);
    tera.register_function("range", range);
    for name in ["get_env", "now", "get_random"] {
        tera.register_function(name, Refused(name));
    }
    tera.register_filter(VALUE, checked_value);
    tera.register_filter("replace", replace);
    tera.register_filter("join", join);
    tera.register_filter("indent", indent);
}

/// Places a step at the start of every loop body, macro body and template, and a size check
/// on every `set`, in every copy Tera keeps of them (the template, its blocks, its macros and
/// the blocks its children see).
pub fn instrument(tera: &mut Tera, line_of: &dyn Fn(&str, &str) -> Option<usize>) {
    for (name, template) in tera.templates.iter_mut() {
        let mut at = |token: &str| place(name, line_of(name, token));
        let whole = place(name, None);
        body(&mut template.ast, &mut at);
        template.ast.insert(0, step_node(whole));
        for block in template.blocks.values_mut() {
            body(&mut block.body, &mut at);
        }
        for (macro_name, definition) in template.macros.iter_mut() {
            body(&mut definition.body, &mut at);
            let start = at(&format!("macro {macro_name}"));
            definition.body.insert(0, step_node(start));
        }
        for definitions in template.blocks_definitions.values_mut() {
            for (owner, block) in definitions.iter_mut() {
                let mut at = |token: &str| place(owner, line_of(owner, token));
                body(&mut block.body, &mut at);
            }
        }
    }
}

/// `template:line` for the step argument: where the loop or macro is.
fn place(template: &str, line: Option<usize>) -> String {
    match line {
        Some(line) => format!("{template}\u{0}{line}"),
        None => template.to_owned(),
    }
}

fn step_node(at: String) -> Node {
    let mut args = HashMap::new();
    args.insert("at".to_owned(), Expr::new(ExprVal::String(at)));
    Node::VariableBlock(
        WS::default(),
        Expr::new(ExprVal::FunctionCall(FunctionCall {
            name: STEP.to_owned(),
            args,
        })),
    )
}

fn body(nodes: &mut [Node], at: &mut dyn FnMut(&str) -> String) {
    for node in nodes {
        match node {
            Node::Forloop(_, forloop, _) => {
                body(&mut forloop.body, at);
                let place = at(&format!("for {}", forloop.value));
                forloop.body.insert(0, step_node(place));
                if let Some(empty) = &mut forloop.empty_body {
                    body(empty, at);
                }
            }
            Node::Set(_, set) => {
                let mut args = HashMap::new();
                args.insert(
                    "key".to_owned(),
                    Expr::new(ExprVal::String(set.key.clone())),
                );
                set.value.filters.push(FunctionCall {
                    name: VALUE.to_owned(),
                    args,
                });
            }
            Node::Block(_, block, _) => body(&mut block.body, at),
            Node::FilterSection(_, section, _) => body(&mut section.body, at),
            Node::If(condition, _) => {
                for (_, _, branch) in &mut condition.conditions {
                    body(branch, at);
                }
                if let Some((_, otherwise)) = &mut condition.otherwise {
                    body(otherwise, at);
                }
            }
            Node::MacroDefinition(_, definition, _) => body(&mut definition.body, at),
            _ => {}
        }
    }
}

/// Counts one step; prints nothing.
struct Step;

impl tera::Function for Step {
    fn call(&self, args: &HashMap<String, Value>) -> tera::Result<Value> {
        let over = COUNTERS.with(|c| {
            let mut counters = c.borrow_mut();
            counters.steps += 1;
            counters.steps > MAX_STEPS
        });
        if over {
            let at = args.get("at").and_then(Value::as_str).unwrap_or("");
            let (template, line) = at.split_once('\u{0}').unwrap_or((at, ""));
            return Err(stop(
                Some(template.to_owned()).filter(|t| !t.is_empty()),
                Some(line.to_owned()).filter(|l| !l.is_empty()),
                format!(
                    "the templates run more than {MAX_STEPS} loop steps, macro calls and includes in one brief; a loop runs too long"
                ),
            ));
        }
        Ok(Value::String(String::new()))
    }

    fn is_safe(&self) -> bool {
        true
    }
}

struct Refused(&'static str);

impl tera::Function for Refused {
    fn call(&self, _: &HashMap<String, Value>) -> tera::Result<Value> {
        Err(tera::Error::msg(format!(
            "`{}` is not available: a template sees only the brief's variables (the date only as `generated_on`)",
            self.0
        )))
    }
}

fn number(args: &HashMap<String, Value>, key: &str, default: Option<u64>) -> tera::Result<u64> {
    match args.get(key) {
        Some(value) => value.as_u64().ok_or_else(|| {
            tera::Error::msg(format!(
                "`range` takes a whole number for `{key}`, not {value}"
            ))
        }),
        None => default.ok_or_else(|| tera::Error::msg("`range` needs `end`")),
    }
}

/// Tera's `range(start, end, step_by)`, refusing more than [`MAX_RANGE`] numbers before it
/// makes any.
fn range(args: &HashMap<String, Value>) -> tera::Result<Value> {
    let start = number(args, "start", Some(0))?;
    let end = number(args, "end", None)?;
    let step_by = number(args, "step_by", Some(1))?;
    if step_by == 0 {
        return Err(tera::Error::msg("`range` needs a `step_by` above 0"));
    }
    if start > end {
        return Err(tera::Error::msg("`range` needs `start` at most `end`"));
    }
    let count = (end - start).div_ceil(step_by);
    if count > MAX_RANGE {
        return Err(stop(
            None,
            Some("range".to_owned()),
            format!("`range` would make {count} numbers; it makes at most {MAX_RANGE}"),
        ));
    }
    Ok(Value::Array(
        (start..end)
            .step_by(usize::try_from(step_by).unwrap_or(usize::MAX))
            .map(Value::from)
            .collect(),
    ))
}

/// Roughly a value's size as JSON, counting no further than `limit`.
fn size(value: &Value, limit: usize) -> usize {
    let mut total = 0usize;
    let mut stack = vec![value];
    while let Some(value) = stack.pop() {
        total = total.saturating_add(match value {
            Value::String(s) => s.len() + 2,
            Value::Array(items) => {
                stack.extend(items.iter());
                items.len() + 2
            }
            Value::Object(map) => {
                stack.extend(map.values());
                map.keys().map(|k| k.len() + 4).sum::<usize>() + 2
            }
            _ => 8,
        });
        if total > limit {
            break;
        }
    }
    total
}

fn too_large(what: &str, bytes: usize) -> tera::Error {
    stop(
        None,
        Some(what.to_owned()),
        format!(
            "`{what}` would make a value of more than {bytes} bytes; a template's values hold at most {MAX_VALUE_BYTES} (16 MiB)"
        ),
    )
}

/// Placed after every `set` value: refuses one above [`MAX_VALUE_BYTES`].
fn checked_value(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let bytes = size(value, MAX_VALUE_BYTES);
    if bytes > MAX_VALUE_BYTES {
        let key = args.get("key").and_then(Value::as_str).unwrap_or("");
        return Err(too_large(&format!("set {key}"), MAX_VALUE_BYTES));
    }
    Ok(value.clone())
}

fn string_arg<'a>(
    filter: &str,
    args: &'a HashMap<String, Value>,
    key: &str,
) -> tera::Result<Option<&'a str>> {
    match args.get(key) {
        None => Ok(None),
        Some(Value::String(s)) => Ok(Some(s)),
        Some(other) => Err(tera::Error::msg(format!(
            "Filter `{filter}` received an incorrect type for arg `{key}`: got `{other}` but expected a String"
        ))),
    }
}

fn string_value<'a>(filter: &str, value: &'a Value) -> tera::Result<&'a str> {
    value.as_str().ok_or_else(|| {
        tera::Error::msg(format!(
            "Filter `{filter}` was called on an incorrect value: got `{value}` but expected a String"
        ))
    })
}

/// Tera's `replace(from, to)`, its result's size known before it is made: `from=""` puts `to`
/// between every character, which squared a long string.
fn replace(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = string_value("replace", value)?;
    let from = string_arg("replace", args, "from")?
        .ok_or_else(|| tera::Error::msg("Filter `replace` expected an arg called `from`"))?;
    let to = string_arg("replace", args, "to")?
        .ok_or_else(|| tera::Error::msg("Filter `replace` expected an arg called `to`"))?;
    let matches = s.matches(from).count();
    let bytes = (s.len() - matches * from.len()).saturating_add(matches.saturating_mul(to.len()));
    if bytes > MAX_VALUE_BYTES {
        return Err(too_large("replace", bytes));
    }
    Ok(Value::String(s.replace(from, to)))
}

/// Tera's `join(sep)`: the separator's `\n` and `\t` are a newline and a tab.
fn join(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let items = value.as_array().ok_or_else(|| {
        tera::Error::msg(format!(
            "Filter `join` was called on an incorrect value: got `{value}` but expected a Vec<Value>"
        ))
    })?;
    let sep = string_arg("join", args, "sep")?
        .unwrap_or("")
        .replace("\\n", "\n")
        .replace("\\t", "\t");
    let bytes = size(value, MAX_VALUE_BYTES).saturating_add(items.len().saturating_mul(sep.len()));
    if bytes > MAX_VALUE_BYTES {
        return Err(too_large("join", bytes));
    }
    let rendered: Vec<String> = items.iter().map(shown).collect();
    Ok(Value::String(rendered.join(&sep)))
}

/// A value as Tera prints it: strings as they are, `[a, b]` for an array, `[object]`.
fn shown(value: &Value) -> String {
    match value {
        Value::String(s) => s.clone(),
        Value::Null => String::new(),
        Value::Array(items) => format!(
            "[{}]",
            items.iter().map(shown).collect::<Vec<_>>().join(", ")
        ),
        Value::Object(_) => "[object]".to_owned(),
        other => other.to_string(),
    }
}

/// Tera's `indent(prefix, first, blank)`.
fn indent(value: &Value, args: &HashMap<String, Value>) -> tera::Result<Value> {
    let s = string_value("indent", value)?;
    let prefix = string_arg("indent", args, "prefix")?.unwrap_or("    ");
    let flag = |key: &str| -> tera::Result<bool> {
        match args.get(key) {
            None => Ok(false),
            Some(Value::Bool(b)) => Ok(*b),
            Some(other) => Err(tera::Error::msg(format!(
                "Filter `indent` received an incorrect type for arg `{key}`: got `{other}` but expected a bool"
            ))),
        }
    };
    let (first, blank) = (flag("first")?, flag("blank")?);
    let lines = s.bytes().filter(|b| *b == b'\n').count() + 1;
    let bytes = s.len().saturating_add(lines.saturating_mul(prefix.len()));
    if bytes > MAX_VALUE_BYTES {
        return Err(too_large("indent", bytes));
    }
    let mut out = String::with_capacity(bytes);
    for (i, line) in s.lines().enumerate() {
        if i == 0 {
            if first {
                out.push_str(prefix);
            }
        } else {
            out.push('\n');
            if blank || !line.trim_start().is_empty() {
                out.push_str(prefix);
            }
        }
        out.push_str(line);
    }
    Ok(Value::String(out))
}

/// The output of one render, refusing to grow past [`MAX_OUTPUT_BYTES`].
#[derive(Default)]
pub struct Output {
    pub bytes: Vec<u8>,
}

impl std::io::Write for Output {
    fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
        if self.bytes.len().saturating_add(buf.len()) > MAX_OUTPUT_BYTES {
            let _ = stop(
                None,
                None,
                format!(
                    "the brief would be more than {MAX_OUTPUT_BYTES} bytes (64 MiB); a loop prints too much"
                ),
            );
            return Err(std::io::Error::other("output limit"));
        }
        self.bytes.extend_from_slice(buf);
        Ok(buf.len())
    }

    fn flush(&mut self) -> std::io::Result<()> {
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn args(pairs: &[(&str, Value)]) -> HashMap<String, Value> {
        pairs
            .iter()
            .map(|(k, v)| ((*k).to_owned(), v.clone()))
            .collect()
    }

    #[test]
    fn range_is_tera_s_within_its_bound() {
        let made = range(&args(&[
            ("start", 2.into()),
            ("end", 9.into()),
            ("step_by", 3.into()),
        ]));
        assert_eq!(made.ok(), Some(Value::from(vec![2, 5, 8])));
        start();
        assert!(range(&args(&[("end", 1_000_000_000u64.into())])).is_err());
        assert!(stopped().is_some_and(|s| s.message.contains("1000000000 numbers")));
        assert!(range(&args(&[("end", MAX_RANGE.into())])).is_ok());
    }

    #[test]
    fn amplifying_filters_know_their_size_first() {
        let long = Value::String("x".repeat(5000));
        let to = args(&[("from", "".into()), ("to", "y".repeat(5000).into())]);
        assert!(replace(&long, &to).is_err());
        let small = replace(
            &"ab".into(),
            &args(&[("from", "".into()), ("to", "-".into())]),
        );
        assert_eq!(small.ok(), Some(Value::from("-a-b-")));
        let joined = join(&Value::from(vec!["a", "b"]), &args(&[("sep", ", ".into())]));
        assert_eq!(joined.ok(), Some(Value::from("a, b")));
        let indented = indent(&"a\n\nb\n".into(), &HashMap::new());
        assert_eq!(indented.ok(), Some(Value::from("a\n\n    b")));
    }
}
