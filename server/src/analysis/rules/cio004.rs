//! CIO004 email-as-id: see `queries/CIO004-email-as-id.md`.

use tree_sitter::Node;

use crate::analysis::resolve::summaries::Role;
use crate::analysis::resolve::values::{self, Part};
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
    if email_named_inside_wrapper(&call) {
        return;
    }
    // A positional capture must be the SDK's person id, not the event name of
    // `_cio.track("…")`; in a payload object the check reads the id itself.
    if hit.get("id").is_some_and(|captured| captured != id) {
        return;
    }
    check_id(ctx, &call, id);
}

/// Whether `call` is a call of a wrapper whose own Customer.io call already reads the person id
/// by an email name (`identify(email)`, `identify(user.email)`): that call is reported, and the
/// fix belongs there, not at each of the wrapper's call sites.
fn email_named_inside_wrapper(call: &CioCall) -> bool {
    call.wrapped().is_some_and(|wrapped| {
        wrapped
            .roles
            .iter()
            .any(|r| r.role == Role::PersonId && is_email_name(&r.read_as))
    })
}

/// Reports `id`, the person id of `call` (or of one of its operations), when it is an email
/// or made from one.
fn check_id(ctx: &mut RuleContext, call: &CioCall, id: Node) {
    let id = unwrap_expression(id);
    let origin = if names_an_email(id, ctx.source) {
        EmailOrigin::Itself
    } else {
        match email_reaching(ctx, id) {
            Some(origin) => origin,
            None => return,
        }
    };
    let message = match &origin {
        EmailOrigin::Itself => format!(
            "The person id of `{}` is an email address. Email is an attribute, not a permanent id: when the address changes, Customer.io sees a new person",
            call.method_name
        ),
        EmailOrigin::Through(from) => format!(
            "The person id of `{}` is made from an email address (`{from}`). Email is an attribute, not a permanent id: when the address changes, Customer.io sees a new person",
            call.method_name
        ),
    };
    let mut finding = ctx.finding(id, message);
    if matches!(origin, EmailOrigin::Itself) {
        if let Some(fix) = use_the_id(ctx, id) {
            finding = finding.with_fix(fix);
        }
    }
    ctx.report(finding);
}

/// How the person id is an email.
enum EmailOrigin {
    /// The id expression names one (`user.email`, `email.trim()`, `"a@b.c"`).
    Itself,
    /// It is made from one the value service found (`customerId` bound to
    /// `encodeURIComponent(body.email)`, `normalizeEmail(user.email)`, `sha256(email)`): the
    /// email expression's text.
    Through(String),
}

/// The email an id is made from, when every value the id can have comes from one email
/// expression (through same-function constants, string transforms, a template holding only
/// it, hashes and encodings of it, same-file functions that return a transform of their
/// parameter), or is a literal with an `@`.
fn email_reaching(ctx: &RuleContext, id: Node) -> Option<EmailOrigin> {
    let cx = ctx.values().without_parameters();
    let values = values::string_values(id, &cx);
    let root = syntax::tree_root(id);
    values.iter().find_map(|value| {
        if value.text().is_some_and(|text| text.contains('@')) {
            let literal = value.literals_here().next()?;
            return Some(EmailOrigin::Through(ctx.source.get(literal)?.to_string()));
        }
        let [Part::Unknown(hole)] = value.parts.as_slice() else {
            return None;
        };
        // `email.replace(/@.*/, "")` is something else; a hash of it still changes with it.
        if !hole.change.keeps_identity() {
            return None;
        }
        let range = hole.expression.clone()?;
        let origin = syntax::descendant_for_byte_range(root, range.start, range.end)?;
        (names_an_email(origin, ctx.source) && origin.byte_range() != id.byte_range())
            .then(|| EmailOrigin::Through(ctx.text(origin).to_string()))
    })
}

/// `user.email` → `user.id`: the same object usually carries the permanent id. A string method
/// after it goes too (`user.email.trim()` → `user.id`): an id is used as it is.
fn use_the_id(ctx: &RuleContext, id: Node) -> Option<Fix> {
    let email_value = without_string_methods(id, ctx.source);
    if email_value.kind_name() != "member_expression" {
        return None;
    }
    let (object, property) = (email_value.field("object")?, email_value.field("property")?);
    let mut edits = vec![TextEdit::replace(property.byte_range(), "id")];
    let methods = outer_expression(email_value).end_byte()..id.end_byte();
    if !methods.is_empty() {
        edits.push(TextEdit::replace(methods, ""));
    }
    Some(Fix {
        title: format!("Use `{}.id` as the person id", ctx.text(object)),
        applicability: Applicability::Suggestion,
        edits,
    })
}

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
            .is_some_and(|method| values::SPELLING_METHODS.contains(&method))
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
