//! CIO005 identify-without-email: see `queries/CIO005-identify-without-email.md`.

use tree_sitter::Node;

use crate::analysis::resolve::CioCall;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{self, text, FieldExt, KindExt};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let Some(call) = hit.get("call").and_then(|call| ctx.call(call)) else {
        return;
    };
    let Some(attributes) = call
        .attributes(ctx.source)
        .filter(|attributes| attributes.kind_name() == "object")
    else {
        return;
    };
    let Some(created_key) = created_key(&call, attributes, ctx.source) else {
        return;
    };
    if syntax::object_member(attributes, "email", ctx.source).is_some() || has_spread(attributes) {
        return;
    }
    let message = format!(
        "This identify creates a profile (`{created_key}`) without an `email` attribute: the person cannot receive email"
    );
    let mut finding = ctx.finding_at(syntax::call_head(call.call), message);
    if let Some(fix) = insert_email(&call, attributes, ctx.source) {
        finding = finding.with_fix(fix);
    }
    ctx.report(finding);
}

/// The key that shows this identify creates the profile: `created_at`, or with the CDP
/// libraries also their `createdAt` trait.
fn created_key(call: &CioCall, attributes: Node, source: &str) -> Option<&'static str> {
    let keys: &[&'static str] = if call.sdk.is_cdp() {
        &["created_at", "createdAt"]
    } else {
        &["created_at"]
    };
    keys.iter()
        .copied()
        .find(|key| syntax::object_member(attributes, key, source).is_some())
}

fn has_spread(object: Node) -> bool {
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .any(|member| member.kind_name() == "spread_element");
    found
}

/// When the id is `x.id`, `x` most likely has the address too: insert `email: x.email` as the
/// first attribute, on its own line when the object is laid out one member per line.
fn insert_email(call: &CioCall, attributes: Node, source: &str) -> Option<Fix> {
    let id = call.person_id(source)?;
    if id.kind_name() != "member_expression" {
        return None;
    }
    let property = id.field("property")?;
    if text(property, source) != "id" {
        return None;
    }
    let object = id.field("object")?;
    let operator = &source[object.end_byte()..property.start_byte()]; // `.` or `?.`
    let email = format!("{}{operator}email", text(object, source));
    let mut cursor = attributes.walk();
    let first = attributes
        .named_children(&mut cursor)
        .find(|member| member.kind_name() != "comment")?;
    let on_own_line = first.start_position().row > attributes.start_position().row;
    let separator = if on_own_line {
        format!(",\n{}", syntax::line_indent(source, first.start_byte()))
    } else {
        ", ".to_string()
    };
    Some(Fix {
        title: format!("Add `email: {email}`"),
        applicability: Applicability::Suggestion,
        edits: vec![TextEdit::insert(
            first.start_byte(),
            format!("email: {email}{separator}"),
        )],
    })
}
