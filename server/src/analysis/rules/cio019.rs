//! CIO019 webhook-signature: see `queries/CIO019-webhook-signature.md`.
//!
//! The query finds `verifyRequestSignature(…)` and `createHmac(…)` calls in files that handle
//! Customer.io's signed webhooks; this check reads what they are given and where their result
//! goes, within the enclosing function.

use tree_sitter::Node;

use crate::analysis::resolve::values::initializers;
use crate::analysis::resolve::webhooks;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{
    self, object_property, string_literal_value, text, unwrap_expression, value_parent,
    word_occurrences, FieldExt, KindExt,
};

/// Comparisons that stop at the first differing character: their timing tells an attacker how
/// much of a forged signature is right.
const EARLY_EXIT_COMPARISONS: &[&str] = &["===", "==", "!==", "!="];

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    if let Some(call) = hit.get("call") {
        if webhooks::uses_sdk_verification(ctx.source) {
            check_sdk_verification(ctx, call);
        }
    } else if let Some(hmac) = hit.get("hmac") {
        if webhooks::names_signature_header(ctx.source) {
            check_hand_made(ctx, hmac);
        }
    }
}

/// `verifyRequestSignature({ signingSecret, timestamp, body, signature })`.
fn check_sdk_verification(ctx: &mut RuleContext, call: Node) {
    let options = syntax::arguments(call)
        .first()
        .map(|options| unwrap_expression(*options))
        .filter(|options| options.kind_name() == "object");
    if let Some(options) = options {
        if let Some(body) = object_property(options, "body", ctx.source) {
            report_reserialised_body(ctx, body);
        }
        if let Some(secret) = object_property(options, "signingSecret", ctx.source) {
            report_literal_secret(ctx, secret);
        }
    }
    if let Some(why) = discarded(call, ctx.source) {
        let message = format!(
            "The result of `verifyRequestSignature` is {why}: the request is processed whether or not Customer.io signed it. Reject the request when it returns false"
        );
        let finding = ctx.finding_at(syntax::call_head(call), message);
        ctx.report(finding);
    }
}

/// `createHmac("sha256", secret).update(`v0:${timestamp}:${body}`).digest("hex")`.
fn check_hand_made(ctx: &mut RuleContext, hmac: Node) {
    let arguments = syntax::arguments(hmac);
    if let Some(key) = arguments.get(1) {
        report_literal_secret(ctx, *key);
    }
    let mut chains = vec![hmac_chain(hmac, ctx.source)];
    // `const hmac = createHmac(…); hmac.update(…); hmac.digest()`: each use of the object
    // continues the chain.
    let (first_end, _) = &chains[0];
    if syntax::called_method(*first_end, ctx.source) != Some("digest") {
        if let Some(name) = declared_name(*first_end) {
            let uses = reads_in_scope(name, ctx.source);
            chains.extend(uses.into_iter().map(|read| hmac_chain(read, ctx.source)));
        }
    }
    let mut signed = Vec::new();
    let mut comparisons = Vec::new();
    for (chain_end, updates) in chains {
        signed.extend(updates);
        if syntax::called_method(chain_end, ctx.source) == Some("digest") {
            comparisons.extend(comparisons_of(chain_end, ctx.source));
        }
    }
    // A digest that is never compared signs a request (a test's fake webhook, a client of
    // the endpoint): its body is whatever it sends, re-serialised or not.
    if !comparisons.is_empty() || compares_in_constant_time(hmac, ctx.source) {
        for data in signed {
            report_reserialised_body(ctx, data);
        }
    }
    for comparison in comparisons {
        report_comparison(ctx, comparison);
    }
}

/// Whether the function of `node` calls `timingSafeEqual`: it verifies a signature.
fn compares_in_constant_time(node: Node, source: &str) -> bool {
    let scope = syntax::enclosing_function(node).unwrap_or_else(|| syntax::tree_root(node));
    text(scope, source).contains("timingSafeEqual")
}

/// The name `value` initialises (`const name = value`), if any.
fn declared_name(value: Node) -> Option<Node> {
    value_parent(value)
        .filter(|p| p.kind_name() == "variable_declarator")
        .and_then(|declarator| declarator.field("name"))
        .filter(|name| name.kind_name() == "identifier")
}

/// The outermost call of the method chain that starts at `hmac` (`.update(…)…digest(…)`), and
/// the arguments of its `update` calls.
fn hmac_chain<'t>(hmac: Node<'t>, source: &str) -> (Node<'t>, Vec<Node<'t>>) {
    let mut end = hmac;
    let mut updates = Vec::new();
    while let Some(member) =
        syntax::value_parent(end).filter(|p| p.kind_name() == "member_expression")
    {
        let Some(call) = syntax::parent(member).filter(|p| p.kind_name() == "call_expression")
        else {
            break;
        };
        if call.field("function") != Some(member) {
            break;
        }
        if syntax::called_method(call, source) == Some("update") {
            updates.extend(syntax::arguments(call).first().copied());
        }
        end = call;
    }
    (end, updates)
}

/// The `===`-style comparisons the digest `value` takes part in: directly, or through the
/// `const` it initialises, read in the same function.
fn comparisons_of<'t>(value: Node<'t>, source: &str) -> Vec<Node<'t>> {
    if let Some(comparison) = value_parent(value).filter(|p| is_early_exit_comparison(*p, source)) {
        return vec![comparison];
    }
    let Some(name) = declared_name(value) else {
        return Vec::new();
    };
    reads_in_scope(name, source)
        .into_iter()
        .filter_map(|read| value_parent(read).filter(|p| is_early_exit_comparison(*p, source)))
        .collect()
}

fn is_early_exit_comparison(node: Node, source: &str) -> bool {
    node.kind_name() == "binary_expression"
        && node
            .field("operator")
            .is_some_and(|op| EARLY_EXIT_COMPARISONS.contains(&text(op, source)))
}

/// The identifiers after the declaration of `name` in its function (or the file) that read it.
fn reads_in_scope<'t>(name: Node<'t>, source: &str) -> Vec<Node<'t>> {
    let scope = syntax::enclosing_function(name)
        .and_then(|f| f.field("body"))
        .unwrap_or_else(|| syntax::tree_root(name));
    let word = text(name, source);
    let searched = name.end_byte()..scope.end_byte();
    let Some(after) = source.get(searched.clone()) else {
        return Vec::new();
    };
    let root = syntax::tree_root(name);
    word_occurrences(after, word)
        .map(|offset| searched.start + offset)
        .filter_map(|offset| syntax::descendant_for_byte_range(root, offset, offset + word.len()))
        .filter(|node| node.kind_name() == "identifier")
        .collect()
}

fn report_comparison(ctx: &mut RuleContext, comparison: Node) {
    let operator = comparison
        .field("operator")
        .map_or("===", |op| text(op, ctx.source));
    let message = format!(
        "The webhook signature is compared with `{operator}`, which stops at the first differing character: its timing helps forge a signature. Compare with `crypto.timingSafeEqual`"
    );
    let finding = ctx.finding(comparison, message);
    ctx.report(finding);
}

/// Why the value of `call` is never looked at, if it is not: a bare statement, `void`, or a
/// `const` never read.
fn discarded(call: Node, source: &str) -> Option<&'static str> {
    let mut value = call;
    let mut parent = value_parent(value)?;
    while matches!(parent.kind_name(), "await_expression") {
        value = parent;
        parent = value_parent(value)?;
    }
    match parent.kind_name() {
        "expression_statement" => Some("thrown away"),
        "unary_expression" if text(parent, source).starts_with("void") => Some("thrown away"),
        "variable_declarator" => {
            let name = parent
                .field("name")
                .filter(|n| n.kind_name() == "identifier")?;
            reads_in_scope(name, source)
                .is_empty()
                .then_some("assigned and never read")
        }
        _ => None,
    }
}

/// `value` and, when it names a variable, what the variable is initialised with.
fn with_initializers<'t>(ctx: &RuleContext, value: Node<'t>) -> Vec<Node<'t>> {
    let mut candidates = vec![value];
    if matches!(
        value.kind_name(),
        "identifier" | "shorthand_property_identifier"
    ) {
        candidates.extend(initializers(value, &ctx.values()));
    }
    candidates
}

/// `JSON.stringify(…)` where the raw body belongs: directly, inside a template or `+` of the
/// signed string, or through a `const` of the same function.
fn report_reserialised_body(ctx: &mut RuleContext, body: Node) {
    let body = unwrap_expression(body);
    let candidates = with_initializers(ctx, body);
    for candidate in candidates {
        if let Some(stringify) = reserialisation(candidate, ctx.source) {
            let at = if stringify.start_byte() >= body.start_byte()
                && stringify.end_byte() <= body.end_byte()
            {
                stringify
            } else {
                body
            };
            report_body(ctx, at, stringify);
            return;
        }
    }
}

/// The `JSON.stringify(…)` call in `expression`: the expression itself, a substitution of a
/// template, or an operand of a `+` chain (walked with a stack, never recursively).
fn reserialisation<'t>(expression: Node<'t>, source: &str) -> Option<Node<'t>> {
    let mut stack = vec![unwrap_expression(expression)];
    while let Some(node) = stack.pop() {
        match node.kind_name() {
            "call_expression" if is_json_stringify(node, source) => return Some(node),
            "template_string" => {
                let mut cursor = node.walk();
                stack.extend(
                    node.named_children(&mut cursor)
                        .filter(|c| c.kind_name() == "template_substitution")
                        .filter_map(|c| c.named_child(0))
                        .map(unwrap_expression),
                );
            }
            "binary_expression"
                if node
                    .field("operator")
                    .is_some_and(|o| text(o, source) == "+") =>
            {
                stack.extend(node.field("left").map(unwrap_expression));
                stack.extend(node.field("right").map(unwrap_expression));
            }
            _ => {}
        }
    }
    None
}

fn is_json_stringify(call: Node, source: &str) -> bool {
    call.field("function")
        .is_some_and(|f| text(unwrap_expression(f), source) == "JSON.stringify")
}

fn report_body(ctx: &mut RuleContext, at: Node, stringify: Node) {
    let message = "The signature is checked against a re-serialised body: `JSON.stringify` of the parsed JSON does not give back the bytes Customer.io signed, so valid webhooks fail the check. Pass the raw request body";
    let mut finding = ctx.finding(at, message);
    // `JSON.stringify(req.body)` → `req.rawBody`: a suggestion, the raw body needs a
    // middleware (`express.raw`, or a `verify` callback that keeps it).
    let parsed = syntax::arguments(stringify)
        .first()
        .map(|a| unwrap_expression(*a))
        .filter(|a| a.kind_name() == "member_expression");
    let raw = parsed.and_then(|parsed| {
        let property = parsed.field("property")?;
        (text(property, ctx.source) == "body").then(|| {
            let object = parsed
                .field("object")
                .map_or("req", |o| text(o, ctx.source));
            format!("{object}.rawBody")
        })
    });
    if let Some(raw) = raw {
        finding = finding.with_fix(Fix {
            title: format!("Pass the raw body (`{raw}`; needs a raw-body middleware)"),
            applicability: Applicability::Suggestion,
            edits: vec![TextEdit::replace(stringify.byte_range(), raw)],
        });
    }
    ctx.report(finding);
}

/// A signing secret written as a literal, directly or as a `const`'s initialiser.
fn report_literal_secret(ctx: &mut RuleContext, secret: Node) {
    let secret = unwrap_expression(secret);
    let candidates = with_initializers(ctx, secret);
    let literal = candidates.into_iter().map(unwrap_expression).find(|c| {
        string_literal_value(*c, ctx.source).is_some_and(|value| !value.trim().is_empty())
    });
    let Some(literal) = literal else {
        return;
    };
    // The message never quotes the literal: it is the secret.
    let message = "The webhook signing secret is written in the source; anyone who can read the code can sign webhooks. Read it from the environment";
    let replacement = match ctx.lang {
        syntax::Lang::JavaScript => "process.env.CUSTOMERIO_WEBHOOK_SIGNING_SECRET",
        _ => "process.env.CUSTOMERIO_WEBHOOK_SIGNING_SECRET!",
    };
    let finding = ctx.finding(literal, message).with_fix(Fix {
        title: "Read the signing secret from `process.env.CUSTOMERIO_WEBHOOK_SIGNING_SECRET`"
            .to_string(),
        applicability: Applicability::Suggestion,
        edits: vec![TextEdit::replace(literal.byte_range(), replacement)],
    });
    ctx.report(finding);
}
