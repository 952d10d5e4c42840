//! CIO009 client-per-request: see `queries/CIO009-client-per-request.md`.

use std::collections::HashSet;

use tree_sitter::Node;

use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{self, function_name, text, word_occurrences, FieldExt, KindExt};

/// Globals that a hoisted constructor's arguments may use besides module-level names.
const HOISTABLE_GLOBALS: &[&str] = &["process", "globalThis", "undefined", "Number", "String"];

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let Some(new) = hit.get("new") else {
        return;
    };
    let source = ctx.source;
    let Some(function) = syntax::enclosing_function(new) else {
        return; // Module top level (and class fields) make one client.
    };
    if is_class_constructor(function, source)
        || is_constructor_function(new, function, source)
        || is_run_once_at_top_level(function, source)
        || is_lazy_singleton(new, function, source)
        || is_cached_per_key(new, function, source)
        || is_managed_by_container(new, function, source)
    {
        return;
    }
    let constructor = new
        .field("constructor")
        .map_or("client", |c| text(c, source));
    let message = format!(
        "`new {constructor}(…)` inside a function makes a new client (and new connections) on every call; create one client at module scope and reuse it"
    );
    let finding = ctx.finding_at(syntax::call_head(new), message);
    let finding = match hoist_fix(new, source) {
        Some(fix) => finding.with_fix(fix),
        None => finding,
    };
    ctx.report(finding);
}

fn is_class_constructor(function: Node, source: &str) -> bool {
    function.kind_name() == "method_definition"
        && function
            .field("name")
            .is_some_and(|name| text(name, source) == "constructor")
}

/// An ES5 constructor function storing the client on `this` (`function Tracker() { this.cio =
/// new TrackClient(…) }`, used as `new Tracker()` or given `Tracker.prototype` methods): like a
/// class constructor, the caller decides how many instances exist.
fn is_constructor_function(new: Node, function: Node, source: &str) -> bool {
    if !matches!(
        function.kind_name(),
        "function_declaration" | "function_expression" | "function"
    ) {
        return false;
    }
    let stored_on_this = syntax::parent(syntax::outer_expression(new))
        .filter(|p| p.kind_name() == "assignment_expression")
        .and_then(|assignment| assignment.field("left"))
        .and_then(|left| left.field("object"))
        .is_some_and(|object| object.kind_name() == "this");
    let Some(name) = function_name(function, source) else {
        return false;
    };
    stored_on_this
        && word_occurrences(source, name).any(|offset| {
            let after = &source[offset + name.len()..];
            let before = source[..offset].trim_end();
            let after_new_keyword = before.strip_suffix("new").is_some_and(|rest| {
                !rest.ends_with(|c: char| c.is_alphanumeric() || c == '_' || c == '$')
            });
            after.starts_with(".prototype") || after_new_keyword
        })
}

/// A factory that only ever runs at module load: an IIFE at top level, or a named function
/// whose every call in this file is at module top level (and that is called at least once).
fn is_run_once_at_top_level(function: Node, source: &str) -> bool {
    // `const cio = (() => new TrackClient(…))()`
    if let Some(call) = syntax::value_parent(function).filter(|p| {
        p.kind_name() == "call_expression"
            && p.field("function").map(syntax::unwrap_expression) == Some(function)
    }) {
        return syntax::enclosing_function(call).is_none();
    }
    let Some(name) = function_name(function, source) else {
        return false;
    };
    let root = syntax::tree_root(function);
    let mut calls = 0;
    for offset in word_occurrences(source, name) {
        let Some(callee) = syntax::descendant_for_byte_range(root, offset, offset + name.len())
        else {
            continue;
        };
        let Some(call) = syntax::parent(callee)
            .filter(|p| p.kind_name() == "call_expression" && p.field("function") == Some(callee))
        else {
            continue;
        };
        if syntax::enclosing_function(call).is_some() {
            return false;
        }
        calls += 1;
    }
    calls > 0
}

/// `client ??= new …`, `client ||= new …`, `if (!client) client = new …`,
/// `return client ?? (client = new …)`: the client is made once and kept.
fn is_lazy_singleton(new: Node, function: Node, source: &str) -> bool {
    let value = syntax::outer_expression(new);
    let Some(assignment) = syntax::parent(value) else {
        return false;
    };
    let target = match assignment.kind_name() {
        "augmented_assignment_expression" => {
            let operator = assignment.field("operator").map(|o| text(o, source));
            return matches!(operator, Some("??=" | "||="));
        }
        "assignment_expression" => match assignment.field("left") {
            Some(left) => syntax::normalized(text(left, source)),
            None => return false,
        },
        _ => return false,
    };
    let mentions_target = |node: Option<Node>| {
        node.is_some_and(|n| syntax::normalized(text(n, source)).contains(&target))
    };
    // A guard around the assignment (`if (!client)`, `client ?? (client = …)`, a ternary).
    let guarded_around = syntax::ancestors(assignment)
        .take_while(|a| *a != function)
        .any(|a| match a.kind_name() {
            "if_statement" => mentions_target(a.field("condition")),
            "ternary_expression" => mentions_target(a.field("condition")),
            "binary_expression" => {
                let operator = a.field("operator").map(|o| text(o, source));
                matches!(operator, Some("??" | "||")) && mentions_target(a.field("left"))
            }
            _ => false,
        });
    // An early return before it (`if (client) return client;`).
    let mut guarded_before = false;
    if let Some(body) = function.field("body") {
        syntax::for_each_in_function_body(body, &mut |node| {
            guarded_before = guarded_before
                || node.kind_name() == "if_statement"
                    && node.end_byte() <= assignment.start_byte()
                    && mentions_target(node.field("condition"));
        });
    }
    guarded_around || guarded_before
}

/// A client made for a dependency-injection container or a server instance, which keeps it:
/// a NestJS provider's `useFactory` (singleton by default), Fastify's `decorate("cio", new …)`.
fn is_managed_by_container(new: Node, function: Node, source: &str) -> bool {
    let is_use_factory = match function.kind_name() {
        // `useFactory(config) { return new … }`
        "method_definition" => function
            .field("name")
            .is_some_and(|name| text(name, source) == "useFactory"),
        // `useFactory: () => new …`
        _ => syntax::value_parent(function).is_some_and(|pair| {
            pair.kind_name() == "pair"
                && pair
                    .field("key")
                    .is_some_and(|key| text(key, source) == "useFactory")
        }),
    };
    if is_use_factory {
        return true;
    }
    let value = syntax::outer_expression(new);
    syntax::parent(value)
        .filter(|p| p.kind_name() == "arguments")
        .and_then(syntax::parent)
        .is_some_and(|call| {
            syntax::called_method(call, source) == Some("decorate")
                && syntax::arguments(call).get(1) == Some(&value)
        })
}

/// A memoising cache keyed per tenant: `cache.set(key, new …)`, or a local that the function
/// stores with `cache.set(key, client)`.
fn is_cached_per_key(new: Node, function: Node, source: &str) -> bool {
    let value = syntax::outer_expression(new);
    let Some(parent) = syntax::parent(value) else {
        return false;
    };
    if parent.kind_name() == "arguments" {
        let call = syntax::parent(parent);
        return call.is_some_and(|call| {
            syntax::called_method(call, source) == Some("set")
                && syntax::arguments(call).get(1) == Some(&value)
        });
    }
    let stored = match parent.kind_name() {
        "variable_declarator" => parent.field("name"),
        "assignment_expression" => parent.field("left"),
        _ => None,
    };
    let Some(stored) = stored.filter(|s| s.kind_name() == "identifier") else {
        return false;
    };
    let name = text(stored, source);
    let Some(body) = function.field("body") else {
        return false;
    };
    let mut cached = false;
    syntax::for_each_in_function_body(body, &mut |node| {
        cached = cached
            || node.kind_name() == "call_expression"
                && syntax::called_method(node, source) == Some("set")
                && syntax::arguments(node)
                    .get(1)
                    .is_some_and(|arg| text(*arg, source) == name);
    });
    cached
}

/// Moves `const client = new TrackClient(...)` to module scope below the imports, when the
/// constructor's arguments use only module-level names (and globals such as `process.env`)
/// and the name is free at module scope.
fn hoist_fix(new: Node, source: &str) -> Option<Fix> {
    let declarator = syntax::parent(syntax::outer_expression(new))
        .filter(|p| p.kind_name() == "variable_declarator")?;
    let declaration = syntax::parent(declarator).filter(|d| {
        d.kind_name() == "lexical_declaration" && text(*d, source).starts_with("const")
    })?;
    if declaration.named_child_count() != 1
        || syntax::parent(declaration)?.kind_name() != "statement_block"
    {
        return None;
    }
    let name = declarator
        .field("name")
        .filter(|n| n.kind_name() == "identifier")?;
    let name = text(name, source);
    let program = syntax::tree_root(new);
    let module_names = module_level_names(program, source);
    if module_names.contains(name) {
        return None;
    }
    let local_names = enclosing_local_names(new, source);
    let arguments = new.field("arguments")?;
    let mut hoistable = true;
    visit_references(arguments, source, &mut |reference| {
        hoistable &= !local_names.contains(reference)
            && (module_names.contains(reference) || HOISTABLE_GLOBALS.contains(&reference));
    });
    if !hoistable {
        return None;
    }
    let moved = dedent(
        text(declaration, source),
        syntax::line_indent(source, declaration.start_byte()),
    );
    let insert = match last_import(program, source) {
        Some(import) => TextEdit::insert(import.end_byte(), format!("\n\n{moved}")),
        None => {
            let first = program.named_child(0)?;
            TextEdit::insert(first.start_byte(), format!("{moved}\n\n"))
        }
    };
    Some(Fix {
        title: format!("Create `{name}` once at module scope"),
        applicability: Applicability::QuickFix,
        edits: vec![
            insert,
            TextEdit::replace(whole_lines(declaration, source), ""),
        ],
    })
}

/// Identifiers that `node`'s subtree reads (not property names).
fn visit_references<'s>(node: Node, source: &'s str, visit: &mut impl FnMut(&'s str)) {
    if matches!(
        node.kind_name(),
        "identifier" | "shorthand_property_identifier"
    ) {
        visit(text(node, source));
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        visit_references(child, source, visit);
    }
}

/// Names declared at module top level: imports, variables, functions, classes.
fn module_level_names<'s>(program: Node, source: &'s str) -> HashSet<&'s str> {
    let mut names = HashSet::new();
    let mut cursor = program.walk();
    for statement in program.named_children(&mut cursor) {
        let Some(declaration) = syntax::declaration_of(statement) else {
            continue;
        };
        match declaration.kind_name() {
            "import_statement" => declared_identifiers(declaration, source, &mut names),
            "lexical_declaration" | "variable_declaration" => {
                let mut inner = declaration.walk();
                for declarator in declaration.named_children(&mut inner) {
                    if let Some(pattern) = declarator.field("name") {
                        declared_identifiers(pattern, source, &mut names);
                    }
                }
            }
            "function_declaration"
            | "generator_function_declaration"
            | "class_declaration"
            | "abstract_class_declaration" => {
                if let Some(name) = declaration.field("name") {
                    names.insert(text(name, source));
                }
            }
            _ => {}
        }
    }
    names
}

/// Every binding identifier under an import clause or a declaration pattern.
fn declared_identifiers<'s>(node: Node, source: &'s str, names: &mut HashSet<&'s str>) {
    if matches!(
        node.kind_name(),
        "identifier" | "shorthand_property_identifier_pattern"
    ) {
        names.insert(text(node, source));
    }
    if node.kind_name() == "string" {
        return;
    }
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        // `{ a: b }` binds `b`, not `a`; `import { a as b }` binds `b`.
        if child.kind_name() == "property_identifier" {
            continue;
        }
        declared_identifiers(child, source, names);
    }
}

/// Parameters and variables of the functions around `node`: names that would change meaning
/// if the expression moved to module scope.
fn enclosing_local_names<'s>(node: Node, source: &'s str) -> HashSet<&'s str> {
    let mut names = HashSet::new();
    for function in syntax::ancestors(node).filter(|n| syntax::is_function(*n)) {
        names.extend(
            syntax::parameter_names(function, source)
                .into_iter()
                .flatten(),
        );
        if let Some(parameters) = function.field("parameters") {
            declared_identifiers(parameters, source, &mut names);
        }
        if let Some(body) = function.field("body") {
            syntax::for_each_in_function_body(body, &mut |n| {
                if n.kind_name() == "variable_declarator" {
                    if let Some(pattern) = n.field("name") {
                        declared_identifiers(pattern, source, &mut names);
                    }
                }
            });
        }
    }
    names
}

/// The last import of the module: `import … from`, or a top-level `require` declaration.
fn last_import<'t>(program: Node<'t>, source: &str) -> Option<Node<'t>> {
    let mut cursor = program.walk();
    let last = program
        .named_children(&mut cursor)
        .filter(|statement| match statement.kind_name() {
            "import_statement" => true,
            "lexical_declaration" | "variable_declaration" => {
                text(*statement, source).contains("require(")
            }
            _ => false,
        })
        .last();
    last
}

/// `node`'s range widened to whole lines when it is alone on its lines.
fn whole_lines(node: Node, source: &str) -> std::ops::Range<usize> {
    let line_start = syntax::line_start(source, node.start_byte());
    let before_is_blank = source[line_start..node.start_byte()].trim().is_empty();
    let after = &source[node.end_byte()..];
    let line_end = after
        .find('\n')
        .map_or(source.len(), |i| node.end_byte() + i + 1);
    let after_is_blank = source[node.end_byte()..line_end].trim().is_empty();
    if before_is_blank && after_is_blank {
        line_start..line_end
    } else {
        node.byte_range()
    }
}

/// Removes `indent` from the start of every line after the first.
fn dedent(code: &str, indent: &str) -> String {
    let mut lines = code.split('\n');
    let mut out = lines.next().unwrap_or("").to_string();
    for line in lines {
        out.push('\n');
        out.push_str(line.strip_prefix(indent).unwrap_or(line));
    }
    out
}
