//! What a name is bound to: [`Source`]s, and how binding patterns bind names
//! (`const { a, b: c = "x" } = object`).

use std::ops::Range;

use tree_sitter::Node;

use super::value::Values;
use crate::analysis::syntax::{self, property_key, text, FieldExt, KindExt};

/// Something whose value is (part of) the value looked up.
#[derive(Debug, Clone)]
pub(super) enum Source<'t> {
    /// An expression to evaluate.
    Expression(Node<'t>),
    /// A default (`x = "…"` in a parameter or a destructuring pattern) at `at`: its value is a
    /// fallback.
    Default(Node<'t>, Range<usize>),
    /// Property `key` of the object `object` evaluates to (destructuring `const { key } = object`).
    Property(Node<'t>, String),
    /// Values known without a tree (an imported constant, an environment read).
    Known(Values),
}

/// The names a binding pattern binds (`a`, `{ a, b: c }` → `a`, `c`).
pub(super) fn pattern_names<'s>(pattern: Node, source: &'s str) -> Vec<&'s str> {
    let mut names = Vec::new();
    let mut stack = vec![pattern];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "identifier" | "shorthand_property_identifier_pattern" => {
                names.push(text(node, source))
            }
            "object_pattern" | "array_pattern" | "rest_pattern" => {
                let mut cursor = node.walk();
                stack.extend(node.named_children(&mut cursor));
            }
            "pair_pattern" => stack.extend(node.field("value")),
            "assignment_pattern" | "object_assignment_pattern" => stack.extend(node.field("left")),
            _ => {}
        }
    }
    names
}

/// What a declarator gives the name `name` it binds: its value, or for a destructuring
/// pattern the property of its value, with the pattern's default.
pub(super) fn declarator_sources<'t>(
    declarator: Node<'t>,
    name: &str,
    source: &str,
) -> Vec<Source<'t>> {
    let (Some(pattern), value) = (declarator.field("name"), declarator.field("value")) else {
        return Vec::new();
    };
    let unknown = || {
        vec![Source::Known(Values::unknown(Some(
            declarator.byte_range(),
        )))]
    };
    if pattern.kind_name() == "identifier" {
        return value.map_or_else(Vec::new, |v| vec![Source::Expression(v)]);
    }
    let Some(value) = value else {
        return unknown();
    };
    match destructured_key(pattern, name, source) {
        Some((key, default)) => {
            let mut sources = vec![Source::Property(value, key)];
            if let Some(default) = default {
                let at = syntax::parent(default).map_or(default.byte_range(), |p| p.byte_range());
                sources.push(Source::Default(default, at));
            }
            sources
        }
        None => unknown(),
    }
}

/// In an object pattern, the property key that binds `name` and its default value
/// (`{ a }`, `{ key: a }`, `{ a = "x" }`); nested patterns are not followed.
pub(super) fn destructured_key<'t>(
    pattern: Node<'t>,
    name: &str,
    source: &str,
) -> Option<(String, Option<Node<'t>>)> {
    if pattern.kind_name() != "object_pattern" {
        return None;
    }
    let mut cursor = pattern.walk();
    let found = pattern
        .named_children(&mut cursor)
        .find_map(|member| match member.kind_name() {
            "shorthand_property_identifier_pattern" if text(member, source) == name => {
                Some((name.to_string(), None))
            }
            "object_assignment_pattern" => {
                let left = member.field("left")?;
                (text(left, source) == name).then(|| (name.to_string(), member.field("right")))
            }
            "pair_pattern" => {
                let key = property_key(member.field("key")?, source)?;
                let value = member.field("value")?;
                match value.kind_name() {
                    "identifier" if text(value, source) == name => Some((key.to_string(), None)),
                    "assignment_pattern" => {
                        let left = value.field("left")?;
                        (text(left, source) == name)
                            .then(|| (key.to_string(), value.field("right")))
                    }
                    _ => None,
                }
            }
            _ => None,
        });
    found
}
