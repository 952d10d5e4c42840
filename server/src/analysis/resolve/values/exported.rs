//! What a module exports as string values (a constant, a config object's properties): the
//! facts that let another file's value questions follow an import (`import { TRACK_URL }
//! from "./config"`, `config.customerio.siteId`).

use std::collections::HashMap;
use std::path::Path;

use tree_sitter::Node;

use super::context::ValueContext;
use super::eval::evaluate;
use super::value::{Change, ExportedFunction, ExportedValue, Literal, Part, Values};
use crate::analysis::resolve::bindings::Bindings;
use crate::analysis::resolve::modules::ExportName;
use crate::analysis::resolve::workspace::view::ExportLookup;
use crate::analysis::syntax::{
    self, property_key, text, unwrap_expression, FieldExt, KindExt, LineIndex, Location,
};

/// At most this many exported values per file (a config module has a few dozen).
const MAX_EXPORTED: usize = 64;
/// How deep into a config object properties are recorded (`config.track.url` is two).
const MAX_PROPERTY_DEPTH: usize = 2;

/// The string values `tree`'s file (at `path`) exports: each exported constant whose value
/// is at least partly known, and the properties of exported object literals, to
/// [`MAX_PROPERTY_DEPTH`]. Literals become locations in this file.
pub fn exported_values(
    tree: &tree_sitter::Tree,
    path: &Path,
    source: &str,
    bindings: &Bindings,
    workspace: &dyn ExportLookup,
) -> Vec<ExportedValue> {
    let _indexed = syntax::index_tree(tree);
    let root = tree.root_node();
    let cx = ValueContext::new(source, bindings, workspace);
    let mut exported = Vec::new();
    let mut lines = None;
    let mut exports = exports_by_local(bindings);
    for statement in syntax::top_level_statements(root) {
        for (export, value) in exported_expressions(statement, &mut exports, source) {
            record(&mut exported, export, value, &cx, path, &mut lines);
            if exported.len() >= MAX_EXPORTED {
                exported.truncate(MAX_EXPORTED);
                return exported;
            }
        }
    }
    exported
}

/// The names each local of a file is exported as (`export { a as b }`: `a` → `b`).
type ExportsByLocal<'b> = HashMap<&'b str, Vec<&'b ExportName>>;

/// Looked up once per top-level statement, and taken out when used: a file with thousands of
/// exports must not scan them all for each statement, nor a name declared thousands of times
/// (generated code) see its exports again at each declaration. The first declaration wins.
fn exports_by_local(bindings: &Bindings) -> ExportsByLocal<'_> {
    let mut by_local: ExportsByLocal = HashMap::new();
    for (export, local) in bindings.exported_locals() {
        let exports = by_local.entry(local.as_str()).or_default();
        if !exports.contains(&export) {
            exports.push(export);
        }
    }
    by_local
}

/// The exported names a top-level statement gives a value, with that value.
fn exported_expressions<'t>(
    statement: Node<'t>,
    exports: &mut ExportsByLocal,
    source: &str,
) -> Vec<(ExportName, Node<'t>)> {
    let declaration = match statement.kind_name() {
        "export_statement" => {
            if let Some(value) = statement.field("value") {
                // `export default { … }` / `export default "…"`
                return vec![(ExportName::Default, value)];
            }
            match statement.field("declaration") {
                Some(declaration) => declaration,
                None => return Vec::new(),
            }
        }
        // `const config = {…}; export { config }` / `export default config`.
        "lexical_declaration" | "variable_declaration" => statement,
        _ => return Vec::new(),
    };
    if !matches!(
        declaration.kind_name(),
        "lexical_declaration" | "variable_declaration"
    ) {
        return Vec::new();
    }
    let mut found = Vec::new();
    let mut cursor = declaration.walk();
    for declarator in declaration
        .named_children(&mut cursor)
        .filter(|d| d.kind_name() == "variable_declarator")
    {
        let (Some(name), Some(value)) = (declarator.field("name"), declarator.field("value"))
        else {
            continue;
        };
        if name.kind_name() != "identifier" {
            continue;
        }
        let local = text(name, source);
        found.extend(
            exports
                .remove(local)
                .into_iter()
                .flatten()
                .map(|export| (export.clone(), value)),
        );
    }
    found
}

/// Records the values of `value` as `export`, and of its properties when it is an object.
fn record(
    exported: &mut Vec<ExportedValue>,
    export: ExportName,
    value: Node,
    cx: &ValueContext,
    path: &Path,
    lines: &mut Option<LineIndex>,
) {
    // (expression, property path)
    let mut work = vec![(value, Vec::<String>::new())];
    while let Some((expression, keys)) = work.pop() {
        let expression = unwrap_expression(expression);
        if expression.kind_name() == "object" {
            if keys.len() >= MAX_PROPERTY_DEPTH {
                continue;
            }
            let mut cursor = expression.walk();
            for member in expression.named_children(&mut cursor) {
                let (key, value) = match member.kind_name() {
                    "pair" => match (
                        member.field("key").and_then(|k| property_key(k, cx.source)),
                        member.field("value"),
                    ) {
                        (Some(key), Some(value)) => (key, value),
                        _ => continue,
                    },
                    "shorthand_property_identifier" => (text(member, cx.source), member),
                    _ => continue,
                };
                let mut longer = keys.clone();
                longer.push(key.to_string());
                work.push((value, longer));
            }
            continue;
        }
        let values = evaluate(expression, cx);
        if values.is_unknown() || values.values.is_empty() {
            continue;
        }
        let values = located(&values, path, cx.source, lines);
        exported.push(ExportedValue {
            export: export.clone(),
            path: keys,
            values,
        });
        if exported.len() >= MAX_EXPORTED {
            return;
        }
    }
}

/// `values` with this file's literals as locations (another file's analysis reads them) and
/// no ranges of this file left in holes or fallbacks.
fn located(values: &Values, path: &Path, source: &str, lines: &mut Option<LineIndex>) -> Values {
    let lines = lines.get_or_insert_with(|| LineIndex::new(source));
    let mut values = values.clone();
    for value in &mut values.values {
        for literal in &mut value.literals {
            if let Literal::Here(range) = literal {
                *literal = Literal::There(Location::new(
                    path.to_path_buf(),
                    source,
                    lines,
                    range.clone(),
                ));
            }
        }
        for part in &mut value.parts {
            if let Part::Unknown(hole) = part {
                hole.expression = None;
            }
        }
        // A fallback of another file is reported there, not here.
        value.fallback = None;
    }
    values
}

/// The exported functions of `tree`'s file that return one of their parameters, possibly
/// changed (`export function normalizeEmail(e) { return e.trim().toLowerCase(); }`).
pub fn exported_functions(
    tree: &tree_sitter::Tree,
    source: &str,
    bindings: &Bindings,
    workspace: &dyn ExportLookup,
) -> Vec<ExportedFunction> {
    let _indexed = syntax::index_tree(tree);
    let root = tree.root_node();
    let cx = ValueContext::new(source, bindings, workspace).without_parameters();
    let mut found = Vec::new();
    let mut exports_by_local = exports_by_local(bindings);
    for statement in syntax::top_level_statements(root) {
        let Some((name, function)) = declared_function(statement, source) else {
            continue;
        };
        let Some(exports) = exports_by_local.remove(name) else {
            continue;
        };
        let Some((parameter, change)) = returned_parameter(function, &cx) else {
            continue;
        };
        found.extend(exports.into_iter().map(|export| ExportedFunction {
            export: export.clone(),
            parameter,
            change,
        }));
        if found.len() >= MAX_EXPORTED {
            break;
        }
    }
    found
}

/// The function a top-level statement declares, with its name.
fn declared_function<'t, 's>(statement: Node<'t>, source: &'s str) -> Option<(&'s str, Node<'t>)> {
    let declaration = syntax::declaration_of(statement)?;
    if syntax::is_function(declaration) {
        return Some((syntax::function_name(declaration, source)?, declaration));
    }
    if !matches!(
        declaration.kind_name(),
        "lexical_declaration" | "variable_declaration"
    ) {
        return None;
    }
    let declarator = declaration.named_child(0)?;
    let value = unwrap_expression(declarator.field("value")?);
    let name = declarator
        .field("name")
        .filter(|n| n.kind_name() == "identifier")?;
    syntax::is_function(value).then(|| (text(name, source), value))
}

/// The parameter every return of `function` is (with the strongest change on the way), when
/// all of them return the same one.
fn returned_parameter(function: Node, cx: &ValueContext) -> Option<(usize, Change)> {
    let parameters = syntax::parameter_names(function, cx.source);
    let root = syntax::tree_root(function);
    let mut found: Option<(usize, Change)> = None;
    let returns = super::lookup::returns(function);
    if returns.is_empty() {
        return None;
    }
    for returned in returns {
        let values = evaluate(returned, cx);
        for value in values.iter() {
            let [Part::Unknown(hole)] = value.parts.as_slice() else {
                return None;
            };
            let range = hole.expression.clone()?;
            let node = syntax::descendant_for_byte_range(root, range.start, range.end)?;
            if node.kind_name() != "identifier" || node.byte_range() != range {
                return None;
            }
            let name = text(node, cx.source);
            let index = parameters.iter().position(|p| *p == Some(name))?;
            found = match found {
                None => Some((index, hole.change)),
                Some((seen, change)) if seen == index => Some((index, change.max(hole.change))),
                Some(_) => return None,
            };
        }
    }
    found
}
