//! CIO007 blocking-request-path: see `queries/CIO007-blocking-request-path.md`.
//!
//! The query finds awaited Customer.io calls and `.then(...)` chains on them; this check knows
//! what a request handler looks like, whether the response already went out before the call,
//! and follows helpers (`await trackSignup(user)` in a handler, where `trackSignup` awaits
//! `cio.track`) through their function summaries (`resolve::summaries`): same-file ones by
//! name, imported ones through the summaries their file records in the workspace index.

use tree_sitter::Node;

use super::shared::fixes::CATCH_HANDLER;
use super::shared::handlers::{chain_root, is_request_handler};
use crate::analysis::resolve::summaries::CallSite;
use crate::analysis::resolve::{CioCall, Sdk};
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Finding, Fix, Related, TextEdit};
use crate::analysis::syntax::{self, mentions, text, FieldExt, KindExt, Location};

/// Response methods that send the response (Express `res`, Fastify `reply`).
const SEND_METHODS: &[&str] = &[
    "end",
    "json",
    "send",
    "sendStatus",
    "redirect",
    "render",
    "sendFile",
    "jsonp",
    "download",
];

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    if let (Some(helper), Some(wait)) = (hit.get("helper"), hit.get("await")) {
        check_helper(ctx, helper, wait);
        return;
    }
    let Some(call) = hit.get("call").and_then(|node| ctx.call(node)) else {
        return;
    };
    match hit.pattern {
        0 => {
            if let Some(wait) = hit.get("await") {
                check_await(ctx, &call, wait, false);
            }
        }
        1 => {
            if let (Some(chain), Some(on_fulfilled)) = (hit.get("chain"), hit.get("on_fulfilled")) {
                check_then_response(ctx, &call, chain, on_fulfilled);
            }
        }
        _ => {
            let handled = hit
                .get("chain_method")
                .is_some_and(|m| text(m, ctx.source) == "catch");
            if let Some(wait) = hit.get("await") {
                check_await(ctx, &call, wait, handled);
            }
        }
    }
}

/// `await <call>` (or `await <call>.catch(…)` when `handled`).
fn check_await(ctx: &mut RuleContext, call: &CioCall, wait: Node, handled: bool) {
    if !blocks_response(call, wait) {
        return;
    }
    let Some(function) = syntax::enclosing_function(wait) else {
        return;
    };
    let described = describe(call, ctx.source);
    if is_request_handler(ctx, function) {
        if !call.is_track_api_request() && outcome_reported(wait, function) {
            return;
        }
        if response_sent_before(function, wait, ctx.source) {
            return;
        }
        let message = format!(
            "The request handler waits for {described} before responding; send it in the background"
        );
        let head = syntax::head_from(wait, call.call);
        let finding = with_fix(ctx.finding_at(head, message), wait, handled, &described);
        ctx.report(finding);
    }
    // Outside a handler, the function's summary says that it waits on the call: handlers
    // that await it are reported at their own await (`check_helper`).
}

/// Whether waiting for `call` delays the response for nothing: Track API requests always,
/// App API requests when their result is thrown away (a handler that returns the customer
/// it looked up must wait for it).
fn blocks_response(call: &CioCall, wait: Node) -> bool {
    if call.is_track_api_request() {
        return true;
    }
    call.sdk == Sdk::NodeApp && value_unused(wait)
}

/// Whether a handler's `wait` on an App API request (or a helper that makes one) decides its
/// response: its value is used (assigned, returned, passed on), or it sits in a `try` whose
/// `catch` answers the failure. Sending a transactional message and reporting whether it went
/// out is the point of such a handler, not a delay.
fn outcome_reported(wait: Node, handler: Node) -> bool {
    if !value_unused(wait) {
        return true;
    }
    syntax::inside_try_with_catch(wait, handler)
}

/// Whether the handler around `wait` (an await of a helper that makes an App API request)
/// reports the helper's outcome (see [`outcome_reported`]).
fn reported_by_handler(wait: Node) -> bool {
    syntax::enclosing_function(wait).is_some_and(|handler| outcome_reported(wait, handler))
}

/// `await recordSignup(…)` where `recordSignup`, a function of this file or of another
/// workspace file, waits on a Customer.io call (its summary says so): "going further".
fn check_helper(ctx: &mut RuleContext, helper: Node, wait: Node) {
    let name = ctx.text(helper);
    let Some(awaited) = ctx.bindings.awaiting_helper(name).cloned() else {
        return;
    };
    // Only a helper that makes the call itself: one that reaches it through further functions
    // does more than talk to Customer.io, and dropping the handler's `await` of it would change
    // what the handler does.
    if awaited.depth > 1 {
        return;
    }
    if !handler_waits_at(ctx, wait) || !awaited.track_api && reported_by_handler(wait) {
        return;
    }
    let call = match awaited.site {
        CallSite::Here(range) => ctx.location(range),
        CallSite::There(location) => location,
    };
    let finding = helper_await_finding(ctx, wait, name, &awaited.described, call);
    ctx.report(finding);
}

/// Whether `wait` is in a request handler, before the response is sent.
fn handler_waits_at(ctx: &RuleContext, wait: Node) -> bool {
    syntax::enclosing_function(wait).is_some_and(|handler| {
        is_request_handler(ctx, handler) && !response_sent_before(handler, wait, ctx.source)
    })
}

/// A handler's `await helper(…)`, with the helper's Customer.io call as related information.
fn helper_await_finding(
    ctx: &RuleContext,
    wait: Node,
    name: &str,
    described: &str,
    call: Location,
) -> Finding {
    let message = format!(
        "The request handler waits for `{name}()`, which awaits {described}, before responding; send it in the background"
    );
    // `await recordSignup`: the await and the helper it waits for.
    let head = match wait.named_child(0).map(syntax::unwrap_expression) {
        Some(helper_call) => syntax::head_from(wait, helper_call),
        None => wait.byte_range(),
    };
    with_fix(
        ctx.finding_at(head, message),
        wait,
        false,
        &format!("`{name}()`"),
    )
    .with_related(Related {
        location: call,
        message: format!("`{name}` awaits {described} here"),
    })
}

/// `cio.track(...).then(() => res.json(...))` in a handler: the response waits for the call.
fn check_then_response(ctx: &mut RuleContext, call: &CioCall, chain: Node, on_fulfilled: Node) {
    // `await cio.track().then(...)` is reported at the await by the third pattern.
    if syntax::value_parent(chain).is_some_and(|p| p.kind_name() == "await_expression") {
        return;
    }
    let uses_result = !syntax::parameter_names(on_fulfilled, ctx.source).is_empty();
    if !(call.is_track_api_request() || call.sdk == Sdk::NodeApp && !uses_result) {
        return;
    }
    let Some(handler) = syntax::enclosing_function(chain) else {
        return;
    };
    if !is_request_handler(ctx, handler) || response_sent_before(handler, chain, ctx.source) {
        return;
    }
    let Some(response) = response_name(handler, ctx.source) else {
        return;
    };
    if !sends_response(on_fulfilled, response, ctx.source) {
        return;
    }
    let described = describe(call, ctx.source);
    let message = format!(
        "The response is sent only after {described} completes; send the response first and the call in the background"
    );
    let finding = ctx.finding_at(syntax::call_head(call.call), message);
    ctx.report(finding);
}

/// "Drop the `await`, chain the catch handler", offered only when the awaited value is unused.
fn with_fix(finding: Finding, wait: Node, handled: bool, described: &str) -> Finding {
    if !value_unused(wait) {
        return finding;
    }
    let Some(awaited) = wait.named_child(0) else {
        return finding;
    };
    let mut edits = vec![TextEdit::replace(
        wait.start_byte()..awaited.start_byte(),
        "",
    )];
    if !handled {
        edits.push(TextEdit::insert(awaited.end_byte(), CATCH_HANDLER));
    }
    finding.with_fix(Fix {
        title: format!("Run {described} in the background (drop `await`, catch errors)"),
        applicability: Applicability::QuickFix,
        edits,
    })
}

/// Whether the value of `expression` is discarded (it is a statement of its own).
fn value_unused(expression: Node) -> bool {
    syntax::value_parent(expression).is_some_and(|p| p.kind_name() == "expression_statement")
}

fn describe(call: &CioCall, source: &str) -> String {
    call.describe(source)
}

/// The name of the handler's response parameter, if it has one.
fn response_name<'s>(handler: Node, source: &'s str) -> Option<&'s str> {
    syntax::parameter_names(handler, source)
        .get(1)
        .copied()
        .flatten()
}

/// Whether a statement of `handler` that runs before `node` (a preceding statement of one of
/// the blocks around `node`) already sends the response. A statement that also returns (an
/// early-exit guard such as `if (!ok) return res.status(400).end()`) does not count: the code
/// after it runs only when it did not send.
fn response_sent_before(handler: Node, node: Node, source: &str) -> bool {
    let Some(response) = response_name(handler, source) else {
        return false;
    };
    // Sending names the response: a handler whose body does not before `node` (most awaits
    // come first) is answered by a text search instead of a walk of the statements.
    let body_start = handler
        .field("body")
        .map_or(handler.start_byte(), |body| body.start_byte());
    let named_before = source
        .get(body_start..node.start_byte())
        .is_some_and(|before| mentions(before, response));
    if !named_before {
        return false;
    }
    let mut current = node;
    for ancestor in syntax::ancestors(node) {
        if ancestor == handler {
            break;
        }
        if ancestor.kind_name() == "statement_block" {
            let mut cursor = ancestor.walk();
            let sent = ancestor
                .named_children(&mut cursor)
                .take_while(|statement| statement.end_byte() <= current.start_byte())
                .any(|statement| {
                    mentions(text(statement, source), response)
                        && sends_response(statement, response, source)
                        && !returns(statement)
                });
            if sent {
                return true;
            }
        }
        current = ancestor;
    }
    false
}

/// Whether `node` (outside nested functions, except when `node` is itself the callback being
/// asked about) calls a sending method on `response`.
fn sends_response(node: Node, response: &str, source: &str) -> bool {
    let body = if syntax::is_function(node) {
        node.field("body").unwrap_or(node)
    } else {
        node
    };
    let mut found = is_send_call(body, response, source);
    syntax::for_each_in_function_body(body, &mut |n| {
        found = found || is_send_call(n, response, source);
    });
    found
}

fn is_send_call(node: Node, response: &str, source: &str) -> bool {
    node.kind_name() == "call_expression"
        && syntax::called_method(node, source).is_some_and(|m| SEND_METHODS.contains(&m))
        && node.field("function").and_then(|f| chain_root(f, source)) == Some(response)
}

fn returns(statement: Node) -> bool {
    let mut found = statement.kind_name() == "return_statement";
    syntax::for_each_in_function_body(statement, &mut |n| {
        found = found || n.kind_name() == "return_statement";
    });
    found
}
