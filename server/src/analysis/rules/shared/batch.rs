//! customerio-node ≥ 5's `batch`: one request to the Track API's v2 batch endpoint for many
//! operations. CIO011 suggests it for a loop that sends one Track call per item, and rewrites
//! the loop when its body is exactly that call.

use tree_sitter::Node;

use crate::analysis::resolve::{CioCall, Method, Sdk, Version, WorkspaceView};
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{self, object_property, text, FieldExt, KindExt};

/// The first customerio-node version with `TrackClient.batch`.
const FIRST_WITH_BATCH: Version = Version::new(5, 0, 0);

/// Whether `call` could go into a `batch` instead: a Track client of customerio-node ≥ 5
/// (every version the nearest package.json allows; unknown is no).
pub fn can_batch(call: &CioCall, workspace: &dyn WorkspaceView) -> bool {
    call.sdk == Sdk::NodeTrack
        && matches!(call.method, Method::Identify | Method::Track)
        && workspace
            .package_version("customerio-node")
            .is_at_least(FIRST_WITH_BATCH)
}

/// The loop `for (const x of items) { await cio.track(…); }` rewritten as one
/// `await cio.batch(items.map((x) => ({ … })))` of the equivalent v2 operations, when the loop
/// body is exactly that awaited call and its payload is written out.
pub fn rewrite_loop(call: &CioCall, looped: Node, source: &str) -> Option<Fix> {
    if looped.kind_name() != "for_in_statement" || !is_for_of(looped, source) {
        return None;
    }
    let statement = only_statement(looped.field("body")?)?;
    let awaited = statement.named_child(0).map(syntax::unwrap_expression)?;
    let is_the_call = awaited.kind_name() == "await_expression"
        && awaited.named_child(0).map(syntax::unwrap_expression) == Some(call.call);
    if !is_the_call {
        return None;
    }
    let item = looped.field("left")?;
    let items = looped.field("right")?;
    let operation = operation(call, source)?;
    let replacement = format!(
        "await {}.batch({}.map(({}) => ({operation})));",
        text(call.receiver, source),
        text(items, source),
        text(item, source),
    );
    Some(Fix {
        title: format!(
            "Send the loop's `{}` calls as one `batch` request",
            call.method_name
        ),
        applicability: Applicability::Suggestion,
        edits: vec![TextEdit::replace(looped.byte_range(), replacement)],
    })
}

/// `for (… of …)`, not `for (… in …)` nor `for await`.
fn is_for_of(looped: Node, source: &str) -> bool {
    let head = text(looped, source);
    let Some(paren) = head.find('(') else {
        return false;
    };
    !head[..paren].contains("await")
        && looped
            .field("operator")
            .is_some_and(|operator| text(operator, source) == "of")
}

/// The one statement of a loop body (a block of one statement, or the statement itself). A
/// block with comments is left alone: the rewrite would drop them.
fn only_statement(body: Node) -> Option<Node> {
    let statement = if body.kind_name() == "statement_block" {
        let mut cursor = body.walk();
        let statements: Vec<Node> = body.named_children(&mut cursor).collect();
        match statements.as_slice() {
            [only] => *only,
            _ => return None,
        }
    } else {
        body
    };
    (statement.kind_name() == "expression_statement").then_some(statement)
}

/// The v2 operation equivalent to `call`: `identify(id, attributes)` →
/// `{ type: "person", identifiers: { id }, action: "identify", attributes }`; `track(id, { name,
/// data, timestamp })` → `{ …, action: "event", name, attributes: data, timestamp }`.
fn operation(call: &CioCall, source: &str) -> Option<String> {
    let id = text(call.person_id(source)?, source);
    let mut parts = vec![
        "type: \"person\"".to_string(),
        format!("identifiers: {{ id: {id} }}"),
    ];
    match call.method {
        Method::Identify => {
            parts.push("action: \"identify\"".to_string());
            if let Some(attributes) = call.attributes(source) {
                parts.push(format!("attributes: {}", text(attributes, source)));
            }
        }
        Method::Track => {
            let payload = call.event_payload()?;
            // Anything else in the payload (`type`, a spread) has no sure v2 spelling.
            let mut cursor = payload.walk();
            let known = payload.named_children(&mut cursor).all(|member| {
                member.kind_name() == "pair"
                    && member
                        .field("key")
                        .and_then(|k| syntax::property_key(k, source))
                        .is_some_and(|k| matches!(k, "name" | "data" | "timestamp"))
            });
            if !known {
                return None;
            }
            parts.push("action: \"event\"".to_string());
            parts.push(format!("name: {}", text(call.event_name(source)?, source)));
            if let Some(data) = call.event_data(source) {
                parts.push(format!("attributes: {}", text(data, source)));
            }
            if let Some(timestamp) = object_property(payload, "timestamp", source) {
                parts.push(format!("timestamp: {}", text(timestamp, source)));
            }
        }
        _ => return None,
    }
    Some(format!("{{ {} }}", parts.join(", ")))
}
