//! Which template or macro can start which other, found on the parsed templates before any is
//! rendered: `extends`, `include`, `import` and macro calls. Tera follows each of these by
//! recursion and has no limit of its own, so a template that includes itself (or two that
//! include each other, or a macro that calls itself) overflowed the stack and aborted the
//! process. A cycle is refused here, and so is a chain longer than [`MAX_CHAIN`], which with
//! `shape`'s nesting bound keeps the renderer's recursion bounded.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use tera::Template;
use tera::ast::{Expr, ExprVal, Node};

/// The longest chain of templates and macros one render can go through (a template includes
/// one that calls a macro that calls another…). The defaults use two.
pub const MAX_CHAIN: usize = 12;

/// A template or a macro (its file and name).
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Unit {
    Template(String),
    Macro(String, String),
}

impl Unit {
    fn file(&self) -> &str {
        match self {
            Unit::Template(file) | Unit::Macro(file, _) => file,
        }
    }

    fn describe(&self) -> String {
        match self {
            Unit::Template(file) => format!("`{file}`"),
            Unit::Macro(file, name) => format!("macro `{name}` of `{file}`"),
        }
    }
}

/// A chain problem, with the template holding the reference and the word to find its line by.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GraphError {
    pub template: String,
    pub token: String,
    pub message: String,
}

/// Refuses cycles and chains longer than [`MAX_CHAIN`] among `templates`.
pub fn check(templates: &HashMap<String, Template>) -> Result<(), GraphError> {
    let edges = edges(templates);
    // Colours of an iterative depth-first search; `depth` is the longest chain from a unit.
    let mut done: BTreeMap<&Unit, usize> = BTreeMap::new();
    for start in edges.keys() {
        if done.contains_key(start) {
            continue;
        }
        let mut path: Vec<(&Unit, usize)> = vec![(start, 0)];
        let mut on_path: BTreeSet<&Unit> = BTreeSet::from([start]);
        while let Some((unit, next)) = path.last().copied() {
            let targets = edges.get(unit).map_or(&[][..], Vec::as_slice);
            if let Some(target) = targets.get(next) {
                if let Some(last) = path.last_mut() {
                    last.1 += 1;
                }
                if on_path.contains(target) {
                    let from = path.iter().position(|(u, _)| *u == target).unwrap_or(0);
                    let cycle: Vec<String> = path[from..]
                        .iter()
                        .map(|(u, _)| u.describe())
                        .chain(std::iter::once(target.describe()))
                        .collect();
                    return Err(GraphError {
                        template: unit.file().to_owned(),
                        token: token(target),
                        message: format!(
                            "{} would start itself again: {}; a template cannot include, extend or import itself, nor a macro call itself, directly or through others",
                            target.describe(),
                            cycle.join(" → ")
                        ),
                    });
                }
                if !done.contains_key(target) {
                    on_path.insert(target);
                    path.push((target, 0));
                }
                continue;
            }
            let depth = 1 + targets
                .iter()
                .filter_map(|t| done.get(t))
                .max()
                .unwrap_or(&0);
            if depth > MAX_CHAIN {
                let deepest = targets
                    .iter()
                    .max_by_key(|t| done.get(t).copied().unwrap_or(0));
                return Err(GraphError {
                    template: unit.file().to_owned(),
                    token: deepest.map(token).unwrap_or_default(),
                    message: format!(
                        "{} starts a chain of {depth} templates and macros; a render goes at most {MAX_CHAIN} deep",
                        unit.describe()
                    ),
                });
            }
            done.insert(unit, depth);
            on_path.remove(unit);
            path.pop();
        }
    }
    Ok(())
}

/// The word naming `unit` in the template that refers to it.
fn token(unit: &Unit) -> String {
    match unit {
        Unit::Template(file) => file.clone(),
        Unit::Macro(_, name) => name.clone(),
    }
}

/// Every unit and the units it can start, sorted and without repeats.
fn edges(templates: &HashMap<String, Template>) -> BTreeMap<Unit, Vec<Unit>> {
    let mut edges: BTreeMap<Unit, BTreeSet<Unit>> = BTreeMap::new();
    for (name, template) in templates {
        let namespaces: HashMap<&str, &str> = template
            .imported_macro_files
            .iter()
            .map(|(file, namespace)| (namespace.as_str(), file.as_str()))
            .collect();
        let resolve = |namespace: &str, called: &str| -> Option<Unit> {
            let file = if namespace == "self" {
                name.as_str()
            } else {
                namespaces.get(namespace).copied()?
            };
            templates
                .get(file)
                .filter(|t| t.macros.contains_key(called))
                .map(|_| Unit::Macro(file.to_owned(), called.to_owned()))
        };
        let mut targets = BTreeSet::new();
        if let Some(parent) = &template.parent {
            targets.insert(Unit::Template(parent.clone()));
        }
        for (file, _) in &template.imported_macro_files {
            targets.insert(Unit::Template(file.clone()));
        }
        let mut references = References::default();
        references.nodes(&template.ast);
        targets.extend(references.resolve(templates, &resolve));
        edges.insert(Unit::Template(name.clone()), targets);
        for (macro_name, definition) in &template.macros {
            let mut references = References::default();
            references.nodes(&definition.body);
            edges.insert(
                Unit::Macro(name.clone(), macro_name.clone()),
                references.resolve(templates, &resolve),
            );
        }
    }
    edges
        .into_iter()
        .map(|(unit, targets)| (unit, targets.into_iter().collect()))
        .collect()
}

/// The includes and macro calls in a body (not inside macro definitions, which are units of
/// their own).
#[derive(Default)]
struct References {
    includes: Vec<String>,
    calls: Vec<(String, String)>,
}

impl References {
    fn resolve(
        self,
        templates: &HashMap<String, Template>,
        resolve: &dyn Fn(&str, &str) -> Option<Unit>,
    ) -> BTreeSet<Unit> {
        let mut units: BTreeSet<Unit> = self
            .includes
            .into_iter()
            .filter(|name| templates.contains_key(name))
            .map(Unit::Template)
            .collect();
        units.extend(
            self.calls
                .iter()
                .filter_map(|(namespace, name)| resolve(namespace, name)),
        );
        units
    }

    fn nodes(&mut self, nodes: &[Node]) {
        for node in nodes {
            match node {
                Node::Include(_, names, _) => self.includes.extend(names.iter().cloned()),
                Node::VariableBlock(_, expr) => self.expr(expr),
                Node::Set(_, set) => self.expr(&set.value),
                Node::FilterSection(_, section, _) => {
                    section.filter.args.values().for_each(|e| self.expr(e));
                    self.nodes(&section.body);
                }
                Node::Block(_, block, _) => self.nodes(&block.body),
                Node::Forloop(_, forloop, _) => {
                    self.expr(&forloop.container);
                    self.nodes(&forloop.body);
                    if let Some(empty) = &forloop.empty_body {
                        self.nodes(empty);
                    }
                }
                Node::If(condition, _) => {
                    for (_, expr, body) in &condition.conditions {
                        self.expr(expr);
                        self.nodes(body);
                    }
                    if let Some((_, body)) = &condition.otherwise {
                        self.nodes(body);
                    }
                }
                Node::MacroDefinition(..)
                | Node::Super
                | Node::Text(_)
                | Node::Extends(..)
                | Node::ImportMacro(..)
                | Node::Raw(..)
                | Node::Break(_)
                | Node::Continue(_)
                | Node::Comment(..) => {}
            }
        }
    }

    fn expr(&mut self, expr: &Expr) {
        for filter in &expr.filters {
            filter.args.values().for_each(|e| self.expr(e));
        }
        match &expr.val {
            ExprVal::MacroCall(call) => {
                self.calls.push((call.namespace.clone(), call.name.clone()));
                call.args.values().for_each(|e| self.expr(e));
            }
            ExprVal::FunctionCall(call) => call.args.values().for_each(|e| self.expr(e)),
            ExprVal::Math(math) => {
                self.expr(&math.lhs);
                self.expr(&math.rhs);
            }
            ExprVal::Logic(logic) => {
                self.expr(&logic.lhs);
                self.expr(&logic.rhs);
            }
            ExprVal::In(within) => {
                self.expr(&within.lhs);
                self.expr(&within.rhs);
            }
            ExprVal::Test(test) => test.args.iter().for_each(|e| self.expr(e)),
            ExprVal::Array(items) => items.iter().for_each(|e| self.expr(e)),
            ExprVal::StringConcat(_)
            | ExprVal::String(_)
            | ExprVal::Int(_)
            | ExprVal::Float(_)
            | ExprVal::Bool(_)
            | ExprVal::Ident(_) => {}
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parsed(templates: &[(&str, &str)]) -> HashMap<String, Template> {
        let mut tera = tera::Tera::default();
        tera.add_raw_templates(templates.iter().copied())
            .expect("parses");
        tera.templates
            .into_iter()
            .filter(|(name, _)| !name.starts_with("__tera"))
            .collect()
    }

    #[test]
    fn cycles_are_refused_and_chains_bounded() {
        let own = parsed(&[("a.md.tera", "{% include \"a.md.tera\" %}")]);
        let error = check(&own).expect_err("self-include");
        assert_eq!(error.template, "a.md.tera");
        assert!(
            error.message.contains("would start itself again"),
            "{error:?}"
        );
        let mutual = parsed(&[
            ("a.md.tera", "{% include \"b.md.tera\" %}"),
            (
                "b.md.tera",
                "{% if x %}{% include \"a.md.tera\" %}{% endif %}",
            ),
        ]);
        assert!(check(&mutual).is_err());
        let recursive = parsed(&[(
            "m.md.tera",
            "{% macro f(n) %}{{ self::f(n=n+1) }}{% endmacro f %}{{ self::f(n=0) }}",
        )]);
        let error = check(&recursive).expect_err("recursive macro");
        assert!(error.message.contains("macro `f`"), "{error:?}");
        let chain: Vec<(String, String)> = (0..=MAX_CHAIN)
            .map(|i| {
                (
                    format!("t{i:02}.md.tera"),
                    format!("{{% include \"t{:02}.md.tera\" %}}", i + 1),
                )
            })
            .collect();
        let chain: Vec<(&str, &str)> = chain
            .iter()
            .map(|(a, b)| (a.as_str(), b.as_str()))
            .collect();
        assert!(check(&parsed(&chain)).is_err_and(|e| e.message.contains("at most 12 deep")));
        assert_eq!(check(&parsed(&chain[1..])), Ok(()));
    }
}
