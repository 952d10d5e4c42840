//! CIO004 email-as-id: see `queries/CIO004-email-as-id.md`.

use tree_sitter::Node;

use crate::analysis::resolve::CioCall;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{self, outer_expression, text, unwrap_expression, FieldExt, KindExt};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let Some(call) = hit.get("call").and_then(|call| ctx.call(call)) else {
        return;
    };
    if hit.get("operations").is_some() {
        for operation in call.operations(ctx.source) {
            if let Some(id) = operation.person_id(ctx.source) {
                check_id(ctx, &call, id);
            }
        }
        return;
    }
    let Some(id) = call.person_id(ctx.source).map(unwrap_expression) else {
        return;
    };
    // A positional capture must be the SDK's person id, not the event name of
    // `_cio.track("…")`; in a payload object the check reads the id itself.
    if hit.get("id").is_some_and(|captured| captured != id) {
        return;
    }
    check_id(ctx, &call, id);
}

/// Reports `id`, the person id of `call` (or of one of its operations), when it names an email.
fn check_id(ctx: &mut RuleContext, call: &CioCall, id: Node) {
    let id = unwrap_expression(id);
    if !names_an_email(id, ctx.source) {
        return;
    }
    let message = format!(
        "The person id of `{}` is an email address. Email is an attribute, not a permanent id: when the address changes, Customer.io sees a new person",
        call.method_name
    );
    let mut finding = ctx.finding(id, message);
    // `user.email` → `user.id`: the same object usually carries the permanent id. A string
    // method after it goes too (`user.email.trim()` → `user.id`): an id is used as it is.
    let email_value = without_string_methods(id, ctx.source);
    if email_value.kind_name() == "member_expression" {
        if let (Some(object), Some(property)) =
            (email_value.field("object"), email_value.field("property"))
        {
            let mut edits = vec![TextEdit::replace(property.byte_range(), "id")];
            let methods = outer_expression(email_value).end_byte()..id.end_byte();
            if !methods.is_empty() {
                edits.push(TextEdit::replace(methods, ""));
            }
            finding = finding.with_fix(Fix {
                title: format!("Use `{}.id` as the person id", ctx.text(object)),
                applicability: Applicability::Suggestion,
                edits,
            });
        }
    }
    ctx.report(finding);
}

/// String methods that return the same address in another spelling (`email.toLowerCase()`).
const EMAIL_PRESERVING_METHODS: &[&str] = &[
    "toLowerCase",
    "toUpperCase",
    "toLocaleLowerCase",
    "toLocaleUpperCase",
    "trim",
    "trimStart",
    "trimEnd",
    "normalize",
];

/// A string literal containing `@`, or a name (identifier or member property) that says email,
/// possibly normalised by string methods (`user.email.trim().toLowerCase()`).
fn names_an_email(id: Node, source: &str) -> bool {
    let id = without_string_methods(id, source);
    match id.kind_name() {
        "string" | "template_string" => text(id, source).contains('@'),
        "identifier" => is_email_name(text(id, source)),
        "member_expression" => id
            .field("property")
            .is_some_and(|p| is_email_name(text(p, source))),
        _ => false,
    }
}

/// `x` of `x.trim().toLowerCase()`: the value that the email-preserving methods are called on.
fn without_string_methods<'t>(mut node: Node<'t>, source: &str) -> Node<'t> {
    while node.kind_name() == "call_expression"
        && syntax::called_method(node, source)
            .is_some_and(|method| EMAIL_PRESERVING_METHODS.contains(&method))
    {
        let Some(receiver) = node
            .field("function")
            .and_then(|f| unwrap_expression(f).field("object"))
        else {
            break;
        };
        node = unwrap_expression(receiver);
    }
    node
}

/// `email`, `…Email`, `…_email` (any case of `email` after an underscore: `ADMIN_EMAIL`).
fn is_email_name(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower == "email" || name.ends_with("Email") || lower.ends_with("_email")
}
