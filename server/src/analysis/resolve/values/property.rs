//! Property lookups: what `object.key` is when `object` is a config object, reached through
//! names, calls, `this` fields, ternaries, spreads and member chains, or the environment.

use tree_sitter::Node;

use super::context::ValueContext;
use super::lookup::{self, ModuleDeclarations};
use super::parameters;
use super::sources::Source;
use super::value::{Part, Value, Values, MAX_VALUES};
use crate::analysis::syntax::{
    property_key, string_literal_value, text, unwrap_expression, FieldExt, KindExt,
};

/// How many objects a property lookup follows (through spreads, ternaries, definitions).
const MAX_OBJECTS: usize = 32;

/// What a property lookup found: value nodes to evaluate (with the hops left for them),
/// values known already, and whether some object could not be followed.
pub(super) struct FoundProperty<'t> {
    pub(super) values: Vec<(Node<'t>, u8)>,
    pub(super) known: Vec<Values>,
    pub(super) unknown: bool,
}

/// Property `key` (or every property, for `None`) of the objects `object` may evaluate to:
/// object literals reached through names, calls of same-file functions, `this` fields,
/// ternaries, `||`/`??`, spreads and member chains (`config.track.baseUrl`); imported
/// objects from the workspace's facts; `process.env`. A worklist, not recursion.
pub(super) fn lookup_property<'t>(
    object: Node<'t>,
    key: Option<&str>,
    hops: u8,
    cx: &ValueContext,
    declarations: &ModuleDeclarations,
) -> FoundProperty<'t> {
    let source = cx.source;
    let mut found = FoundProperty {
        values: Vec::new(),
        known: Vec::new(),
        unknown: false,
    };
    let path: Vec<Option<String>> = vec![key.map(str::to_string)];
    // (expression, the property path still to take from it, hops left)
    let mut work: Vec<(Node<'t>, Vec<Option<String>>, u8)> = vec![(object, path, hops)];
    let mut visited = 0;
    while let Some((expression, path, hops)) = work.pop() {
        visited += 1;
        if visited > MAX_OBJECTS {
            found.unknown = true;
            break;
        }
        let expression = unwrap_expression(expression);
        let Some((first, rest)) = path.split_first() else {
            found.values.push((expression, hops));
            continue;
        };
        let rest = rest.to_vec();
        let Some(hops_after) = hops.checked_sub(1) else {
            found.unknown = true;
            continue;
        };
        match expression.kind_name() {
            "object" => {
                let members = object_members(expression, first.as_deref(), source);
                if members.values.is_empty() && members.spreads.is_empty() {
                    found.unknown = true;
                }
                // Last pushed, first taken: the first member's values come first.
                for value in members.values.into_iter().rev() {
                    work.push((value, rest.clone(), hops_after));
                }
                for spread in members.spreads {
                    work.push((spread, path.clone(), hops_after));
                }
            }
            "member_expression" => {
                let (Some(inner), Some(property)) =
                    (expression.field("object"), expression.field("property"))
                else {
                    found.unknown = true;
                    continue;
                };
                let name = text(property, source);
                if is_env_object(inner, source) {
                    // `process.env.X` is a string: it has no properties we know of.
                    found.unknown = true;
                    continue;
                }
                if is_env_object(expression, source) {
                    match first {
                        Some(key) if rest.is_empty() => found.known.push(env(key)),
                        _ => found.unknown = true,
                    }
                    continue;
                }
                if unwrap_expression(inner).kind_name() == "this" {
                    for source in parameters::this_field(inner, name, cx) {
                        push_source(&mut work, &mut found, source, &path, hops_after);
                    }
                    continue;
                }
                let mut longer = vec![Some(name.to_string())];
                longer.extend(path.iter().cloned());
                work.push((inner, longer, hops));
            }
            "identifier" => {
                let name = text(expression, source);
                let keys: Option<Vec<&str>> = path.iter().map(|k| k.as_deref()).collect();
                if let Some(values) = keys
                    .as_deref()
                    .and_then(|keys| lookup::imported_property(name, keys, cx))
                {
                    found.known.push(values);
                    continue;
                }
                for source in lookup::identifier(expression, name, cx, declarations) {
                    push_source(&mut work, &mut found, source, &path, hops_after);
                }
            }
            "call_expression" => {
                match expression
                    .field("function")
                    .and_then(|f| lookup::called_function(f, cx, declarations))
                {
                    Some(function) => {
                        let returns = lookup::returns(function);
                        if returns.is_empty() {
                            found.unknown = true;
                        }
                        for returned in returns {
                            work.push((returned, path.clone(), hops_after));
                        }
                    }
                    None => found.unknown = true,
                }
            }
            "ternary_expression" => {
                for branch in ["consequence", "alternative"] {
                    match expression.field(branch) {
                        Some(branch) => work.push((branch, path.clone(), hops)),
                        None => found.unknown = true,
                    }
                }
            }
            "binary_expression" => {
                let operator = expression.field("operator").map_or("", |o| text(o, source));
                if !matches!(operator, "||" | "??") {
                    found.unknown = true;
                    continue;
                }
                for side in ["left", "right"] {
                    if let Some(side) = expression.field(side) {
                        work.push((side, path.clone(), hops));
                    }
                }
            }
            "await_expression" | "assignment_expression" => {
                match expression
                    .named_child(0)
                    .filter(|_| expression.kind_name() == "await_expression")
                    .or_else(|| expression.field("right"))
                {
                    Some(inner) => work.push((inner, path.clone(), hops)),
                    None => found.unknown = true,
                }
            }
            _ => found.unknown = true,
        }
    }
    found
}

/// Adds a definition found while looking up a property to the worklist (or to what is known).
fn push_source<'t>(
    work: &mut Vec<(Node<'t>, Vec<Option<String>>, u8)>,
    found: &mut FoundProperty<'t>,
    source: Source<'t>,
    path: &[Option<String>],
    hops: u8,
) {
    match source {
        Source::Expression(node) => work.push((node, path.to_vec(), hops)),
        Source::Property(object, key) => {
            let mut longer = vec![Some(key)];
            longer.extend(path.iter().cloned());
            work.push((object, longer, hops));
        }
        Source::Default(..) | Source::Known(_) => found.unknown = true,
    }
}

/// The members of an object literal relevant to a property lookup.
struct Members<'t> {
    /// The values of the property (all properties for `None`).
    values: Vec<Node<'t>>,
    /// Spread objects that may hold the property, when the literal itself does not.
    spreads: Vec<Node<'t>>,
}

fn object_members<'t>(object: Node<'t>, key: Option<&str>, source: &str) -> Members<'t> {
    let mut members = Members {
        values: Vec::new(),
        spreads: Vec::new(),
    };
    let mut cursor = object.walk();
    for member in object.named_children(&mut cursor) {
        match member.kind_name() {
            "pair" => {
                let name = member.field("key").and_then(|k| property_key(k, source));
                if key.is_none() || name == key {
                    members.values.extend(member.field("value"));
                }
            }
            "shorthand_property_identifier"
                if key.is_none_or(|key| text(member, source) == key) =>
            {
                members.values.push(member);
            }
            "spread_element" => members.spreads.extend(member.named_child(0)),
            _ => {}
        }
    }
    // A later spread may override a property written earlier; an earlier one is overridden.
    if !members.values.is_empty() && key.is_some() {
        members.spreads.clear();
    }
    members.values.truncate(MAX_VALUES * 2);
    members
}

/// Whether `object` is the environment: `process.env`, `import.meta.env`, `Bun.env`, or the
/// `env` of a Workers / Pages handler (`env`, `context.env`, `c.env`).
pub(super) fn is_env_object(object: Node, source: &str) -> bool {
    let object = unwrap_expression(object);
    match object.kind_name() {
        "identifier" => text(object, source) == "env",
        "member_expression" => object
            .field("property")
            .is_some_and(|p| text(p, source) == "env"),
        _ => false,
    }
}

/// The name read by `Deno.env.get("X")`, `config.get("x")`, `configService.get("x")`,
/// `this.config.get("x")`, `env.get("X")`.
pub(super) fn env_call<'s>(
    receiver: Node,
    method: &str,
    argument: Option<Node>,
    source: &'s str,
) -> Option<&'s str> {
    if !matches!(method, "get" | "getOrThrow") {
        return None;
    }
    let name = string_literal_value(unwrap_expression(argument?), source)?;
    let receiver = unwrap_expression(receiver);
    let last = match receiver.kind_name() {
        "identifier" => text(receiver, source),
        "member_expression" => text(receiver.field("property")?, source),
        _ => return None,
    };
    let lower = last.to_ascii_lowercase();
    (lower == "env" || lower.contains("config")).then_some(name)
}

pub(super) fn env(name: &str) -> Values {
    Values::one(Value::of(Part::Env(name.into())))
}
