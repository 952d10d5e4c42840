//! CIO002 millisecond-timestamp: see `queries/CIO002-millisecond-timestamp.md`.

use tree_sitter::Node;

use super::timestamps::{classify, TimeValue};
use crate::analysis::finding::{Applicability, Fix, TextEdit};
use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;
use crate::analysis::sdk::CioCall;
use crate::analysis::syntax::{self, text, FieldExt};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let (Some(key), Some(value)) = (hit.get("key"), hit.get("value")) else {
        return;
    };
    // `{ placedAt }` is its own pair; `{ placed_at: x }` is a `pair` node.
    let shorthand = key.kind() == "shorthand_property_identifier";
    let Some(pair) = (if shorthand {
        Some(key)
    } else {
        syntax::parent(key)
    }) else {
        return;
    };
    let Some(object) = syntax::parent(pair).filter(|o| o.kind() == "object") else {
        return;
    };
    let Some(call) = ctx.enclosing_call(object) else {
        return;
    };
    if !holds_timestamps(&call, object, pair, ctx.source) {
        return;
    }
    let lang = ctx.lang;
    let shape_node = const_initializer(value, ctx.source).unwrap_or(value);
    let Some(kind) = classify(shape_node, ctx.source, lang) else {
        return;
    };
    if call.sdk.is_cdp() && kind != TimeValue::Millis {
        return; // Segment-compatible SDKs take Date objects and ISO strings.
    }
    let key = text(key, ctx.source).trim_matches(['"', '\'']);
    let value_text = text(value, ctx.source);
    let (message, replacement) = match kind {
        TimeValue::Millis => (
            format!("`{key}` is in milliseconds; Customer.io expects Unix seconds"),
            millis_to_seconds(value, value_text, ctx.source),
        ),
        TimeValue::DateObject => (
            format!("`{key}` is a Date object; Customer.io stores it as text, not as a date: send Unix seconds"),
            format!("Math.floor({}.getTime() / 1000)", parenthesize(value, value_text)),
        ),
        TimeValue::IsoString => {
            let receiver = shape_node
                .field("function")
                .and_then(|f| f.field("object"));
            let date = match (receiver, shape_node == value) {
                (Some(receiver), true) => parenthesize(receiver, text(receiver, ctx.source)),
                _ => format!("new Date({value_text})"),
            };
            (
                format!("`{key}` is an ISO string; Customer.io stores it as text, not as a date: send Unix seconds"),
                format!("Math.floor({date}.getTime() / 1000)"),
            )
        }
    };
    let finding = ctx.finding(value, message).with_fix(Fix {
        title: format!("Convert `{key}` to Unix seconds"),
        applicability: Applicability::FixAll,
        edits: vec![TextEdit::replace(
            value.byte_range(),
            if shorthand {
                format!("{key}: {replacement}")
            } else {
                replacement
            },
        )],
    });
    ctx.report(finding);
}

/// Whether `object` (containing `pair`) is where `call` takes timestamps: identify attributes,
/// track data, or the event payload's own `timestamp`.
fn holds_timestamps(call: &CioCall, object: Node, pair: Node, source: &str) -> bool {
    let is = |candidate: Option<Node>| candidate == Some(object);
    if is(call.attributes(source)) || is(call.event_data(source)) {
        return true;
    }
    // The payload object itself: `{ name, data, timestamp }`, CDP `{ userId, event, timestamp }`.
    let payload_timestamp = call
        .event_payload()
        .or_else(|| call.args.first().copied().filter(|a| a.kind() == "object"))
        .filter(|payload| *payload == object)
        .and_then(|payload| syntax::object_member(payload, "timestamp", source));
    payload_timestamp == Some(pair)
}

/// The initialiser of the `const` that identifier `value` names, declared in the same function
/// (or at module top level when the use is there).
fn const_initializer<'t>(value: Node<'t>, source: &str) -> Option<Node<'t>> {
    if !matches!(value.kind(), "identifier" | "shorthand_property_identifier") {
        return None;
    }
    let name = text(value, source);
    let scope = syntax::enclosing_function(value)
        .and_then(|f| f.field("body"))
        .unwrap_or_else(|| root_of(value));
    let mut found = None;
    visit_declarations(
        scope,
        &mut |declarator| {
            let declaration = syntax::parent(declarator)?;
            if declaration.kind() != "lexical_declaration"
                || !text(declaration, source).starts_with("const")
            {
                return None;
            }
            if declarator.start_byte() > value.start_byte() {
                return None;
            }
            let declared = declarator.field("name")?;
            (text(declared, source) == name).then(|| declarator.field("value"))?
        },
        &mut found,
    );
    found.map(syntax::unwrap_expression)
}

/// Calls `matches` on each variable declarator under `scope` without entering nested functions;
/// keeps the last one it accepts (the nearest before the use).
fn visit_declarations<'t>(
    scope: Node<'t>,
    matches: &mut impl FnMut(Node<'t>) -> Option<Node<'t>>,
    found: &mut Option<Node<'t>>,
) {
    let mut cursor = scope.walk();
    for child in scope.named_children(&mut cursor) {
        if syntax::is_function(child) {
            continue;
        }
        if child.kind() == "variable_declarator" {
            if let Some(init) = matches(child) {
                *found = Some(init);
            }
        }
        visit_declarations(child, matches, found);
    }
}

fn root_of(node: Node) -> Node {
    syntax::ancestors(node).last().unwrap_or(node)
}

/// `X` → `Math.floor(X / 1000)`; a literal → the literal divided by 1000.
fn millis_to_seconds(value: Node, value_text: &str, _source: &str) -> String {
    if value.kind() == "number" {
        let digits: String = value_text.chars().filter(|c| *c != '_').collect();
        if let Ok(millis) = digits.parse::<u128>() {
            return (millis / 1000).to_string();
        }
    }
    format!("Math.floor({} / 1000)", parenthesize(value, value_text))
}

/// Wraps low-precedence expressions in parentheses before a member access or division.
fn parenthesize(node: Node, node_text: &str) -> String {
    match node.kind() {
        "identifier"
        | "shorthand_property_identifier"
        | "member_expression"
        | "call_expression"
        | "parenthesized_expression"
        | "number"
        | "subscript_expression" => node_text.to_string(),
        "new_expression" if node_text.ends_with(')') => node_text.to_string(),
        _ => format!("({node_text})"),
    }
}
