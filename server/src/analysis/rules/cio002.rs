//! CIO002 millisecond-timestamp: see `queries/CIO002-millisecond-timestamp.md`.

use tree_sitter::Node;

use super::shared::timestamps::{
    as_time_key_member, classify, is_time_key, time_key_members, TimeKeyMember, TimeValue,
};
use crate::analysis::resolve::CioCall;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{self, text, word_occurrences, FieldExt, KindExt, Lang};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let Some(call) = hit
        .get("call")
        .and_then(|call| CioCall::from_call(call, ctx.bindings, ctx.source))
    else {
        return;
    };
    for member in timestamp_members(&call, ctx.source, ctx.lang) {
        let key = text(member.key, ctx.source).trim_matches(['"', '\'']);
        // `{ placedAt }` is its own key and value; `{ placed_at: x }` is a `pair` node.
        let shorthand = member.member == member.key;
        check_value(ctx, &call, key, member.value, shorthand);
    }
    // A wrapper's call site: the arguments it passes on as time keys of the call.
    if call.wrapped().is_some() {
        for (key, value) in call.properties(ctx.source) {
            if is_time_key(&key) {
                check_value(ctx, &call, &key, value, false);
            }
        }
    }
}

/// The time-key members of the objects where `call` takes timestamps: identify attributes,
/// track data, and the payload's own `timestamp`, also of each operation of a `batch` /
/// `entity` call; each once, in source order.
fn timestamp_members<'t>(call: &CioCall<'t>, source: &str, lang: Lang) -> Vec<TimeKeyMember<'t>> {
    let operations = call.operations(source);
    let objects = [call.attributes(source), call.event_data(source)]
        .into_iter()
        .chain(
            operations
                .iter()
                .flat_map(|op| [op.attributes(source), op.event_data(source)]),
        );
    let mut members: Vec<TimeKeyMember> = objects
        .flatten()
        .filter(|object| object.kind_name() == "object")
        .flat_map(|object| time_key_members(object, source, lang))
        .collect();
    // The payloads' own `timestamp`: `{ name, data, timestamp }`, CDP `{ userId, event,
    // timestamp }`, a v2 operation's. Their one time key is known by name.
    let payload_timestamps = std::iter::once(call.timestamp_member(source))
        .chain(operations.iter().map(|op| op.timestamp_member(source)))
        .flatten()
        .filter_map(as_time_key_member);
    members.extend(payload_timestamps);
    // The snippet's identify object is both its attributes and its payload.
    members.sort_by_key(|m| m.member.start_byte());
    members.dedup_by_key(|m| m.member.id());
    members
}

/// Reports `value`, the value of time key `key`, when it is not in Unix seconds.
fn check_value(ctx: &mut RuleContext, call: &CioCall, key: &str, value: Node, shorthand: bool) {
    let lang = ctx.lang;
    let shape_node = const_initializer(value, ctx.source).unwrap_or(value);
    let Some(kind) = classify(shape_node, ctx.source, lang) else {
        return;
    };
    if call.sdk.is_cdp() && kind != TimeValue::Millis {
        return; // Segment-compatible SDKs take Date objects and ISO strings.
    }
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

/// The initialiser of the `const` that identifier `value` names, declared in the same function
/// (or at module top level when the use is there): the nearest such declaration before the use.
///
/// Found from the text, not by walking the scope: each whole-word occurrence of the name
/// between the scope's start and the use is looked up in the tree and kept when it names a
/// `const` declarator of the same scope. A walk of every declaration of the function body
/// (of the whole file, for a use at top level) per time key made this check a tenth of a
/// dense file's analysis.
fn const_initializer<'t>(value: Node<'t>, source: &str) -> Option<Node<'t>> {
    if !matches!(
        value.kind_name(),
        "identifier" | "shorthand_property_identifier"
    ) {
        return None;
    }
    let name = text(value, source);
    let scope = syntax::enclosing_function(value)
        .and_then(|f| f.field("body"))
        .unwrap_or_else(|| syntax::tree_root(value));
    // A declarator starts with its name, and only those starting before the use count.
    let searched = scope.start_byte()..(value.start_byte() + name.len()).min(scope.end_byte());
    let before_use = source.get(searched.clone()).unwrap_or("");
    let root = syntax::tree_root(value);
    let nearest = word_occurrences(before_use, name)
        .map(|offset| searched.start + offset)
        .filter(|&offset| offset <= value.start_byte())
        .filter_map(|offset| syntax::descendant_for_byte_range(root, offset, offset + name.len()))
        .filter_map(|declared| const_declarator_value(declared, scope, source))
        .last();
    nearest.map(syntax::unwrap_expression)
}

/// The value of the declarator that identifier `declared` names, when that declarator is part
/// of a `const` declaration in `scope` itself (not in a function nested in it).
fn const_declarator_value<'t>(
    declared: Node<'t>,
    scope: Node<'t>,
    source: &str,
) -> Option<Node<'t>> {
    if declared.kind_name() != "identifier" {
        return None;
    }
    let mut ancestors = syntax::ancestors(declared);
    let declarator = ancestors.next()?;
    if declarator.kind_name() != "variable_declarator" || declarator.field("name") != Some(declared)
    {
        return None;
    }
    let declaration = ancestors.next()?;
    if declaration.kind_name() != "lexical_declaration"
        || !text(declaration, source).starts_with("const")
    {
        return None;
    }
    // Up to the scope, through no function (a nested function's locals are not visible here).
    let in_scope = std::iter::once(declaration)
        .chain(ancestors)
        .take_while(|ancestor| !syntax::is_function(*ancestor))
        .any(|ancestor| ancestor == scope);
    if !in_scope {
        return None;
    }
    declarator.field("value")
}

/// `X` → `Math.floor(X / 1000)`; a literal → the literal divided by 1000.
fn millis_to_seconds(value: Node, value_text: &str, _source: &str) -> String {
    if value.kind_name() == "number" {
        let digits: String = value_text.chars().filter(|c| *c != '_').collect();
        if let Ok(millis) = digits.parse::<u128>() {
            return (millis / 1000).to_string();
        }
    }
    format!("Math.floor({} / 1000)", parenthesize(value, value_text))
}

/// Wraps low-precedence expressions in parentheses before a member access or division.
fn parenthesize(node: Node, node_text: &str) -> String {
    match node.kind_name() {
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
