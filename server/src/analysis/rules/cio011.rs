//! CIO011 unthrottled-loop: see `queries/CIO011-unthrottled-loop.md`.

use tree_sitter::Node;

use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::shared::batch;
use crate::analysis::syntax::{self, text, FieldExt, KindExt};

/// Array methods whose callback runs once per element, all at once for async callbacks.
const PER_ELEMENT_METHODS: &[&str] = &["map", "forEach"];
/// Methods of limiter objects that run a task under the limit (Bottleneck `schedule`/`wrap`,
/// p-queue `add`/`addAll`).
const LIMITER_METHODS: &[&str] = &["schedule", "wrap", "add", "addAll", "submit"];

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let Some(call) = hit.get("call").and_then(|node| ctx.call(node)) else {
        return;
    };
    if !call.sdk.is_customerio_node() {
        return;
    }
    let described = call.describe(ctx.source);
    let mut batch_fix = None;
    let message = match hit.pattern {
        0 if call.is_track_api_request() => {
            let Some(looped) = enclosing_loop(call.call) else {
                return;
            };
            if is_limited(call.call, looped, ctx.source)
                || waits_between(looped, ctx.source)
                || over_a_few_literals(looped)
            {
                return;
            }
            batch_fix = batch::rewrite_loop(&call, looped, ctx.source);
            format!(
                "{described} is awaited once per loop iteration with no rate limiter; the Track API allows about 100 requests/second and answers bursts with 429"
            )
        }
        1 => {
            if let Some(callback) = per_element_callback(call.call, ctx.source) {
                if is_limited(call.call, callback, ctx.source) {
                    return;
                }
                format!(
                    "{described} runs once per element, all at once, with no rate limiter; the Track API allows about 100 requests/second and answers bursts with 429"
                )
            } else {
                // Not awaited in a loop (the awaited ones are the first pattern's): every
                // iteration fires a request at once.
                let Some(looped) = enclosing_loop(call.call) else {
                    return;
                };
                if !call.is_track_api_request()
                    || is_awaited(call.call)
                    || is_limited(call.call, looped, ctx.source)
                    || waits_between(looped, ctx.source)
                    || over_a_few_literals(looped)
                {
                    return;
                }
                format!(
                    "{described} is started once per loop iteration without waiting, a burst with no rate limiter; the Track API allows about 100 requests/second and answers bursts with 429"
                )
            }
        }
        _ => return,
    };
    // An awaited call is shown from its `await`: what the loop waits for on every iteration.
    let head = match syntax::value_parent(call.call) {
        Some(wait) if wait.kind_name() == "await_expression" => syntax::head_from(wait, call.call),
        _ => syntax::call_head(call.call),
    };
    let can_batch = batch::can_batch(&call, ctx.workspace);
    let message = if can_batch {
        format!("{message}. customerio-node ≥ 5 sends many of them in one request: `{}.batch(items.map(…))` of v2 operations", ctx.text(call.receiver))
    } else {
        message
    };
    let mut finding = ctx.finding_at(head, message);
    if let Some(fix) = batch_fix.filter(|_| can_batch) {
        finding = finding.with_fix(fix);
    }
    ctx.report(finding);
}

/// The loop of the current function whose body holds `node`.
fn enclosing_loop(node: Node) -> Option<Node> {
    let mut child = node;
    for ancestor in syntax::ancestors(node) {
        if syntax::is_function(ancestor) {
            return None;
        }
        if syntax::is_loop(ancestor) && ancestor.field("body") == Some(child) {
            return Some(ancestor);
        }
        child = ancestor;
    }
    None
}

/// Whether `call`'s promise is awaited (through a `.then`/`.catch` chain or parentheses).
fn is_awaited(call: Node) -> bool {
    let mut value = call;
    while let Some(parent) = syntax::value_parent(value) {
        match parent.kind_name() {
            "await_expression" => return true,
            "member_expression" => {
                let Some(link) =
                    syntax::parent(parent).filter(|p| p.kind_name() == "call_expression")
                else {
                    return false;
                };
                value = link;
            }
            _ => return false,
        }
    }
    false
}

/// Most items a loop over a literal list may have to run its calls as they are (three
/// welcome events in a row are no burst).
const FEW_ITEMS: usize = 5;

/// `for (const name of ["a", "b", "c"])`: a loop over a fixed literal list of a few items.
fn over_a_few_literals(looped: Node) -> bool {
    looped.kind_name() == "for_in_statement"
        && looped
            .field("right")
            .map(syntax::unwrap_expression)
            .is_some_and(|list| {
                list.kind_name() == "array" && list.named_child_count() <= FEW_ITEMS
            })
}

/// The `.map`/`.forEach` callback that `node` runs in (its nearest function).
fn per_element_callback<'t>(node: Node<'t>, source: &str) -> Option<Node<'t>> {
    let function = syntax::enclosing_function(node)?;
    let call = syntax::call_receiving_callback(function)?;
    syntax::called_method(call, source)
        .filter(|method| PER_ELEMENT_METHODS.contains(method))
        .map(|_| function)
}

/// Whether a limiter call wraps `node` on the way up to `boundary`.
fn is_limited(node: Node, boundary: Node, source: &str) -> bool {
    syntax::ancestors(node)
        .take_while(|ancestor| *ancestor != boundary)
        .any(|ancestor| is_limiter_call(ancestor, source))
}

/// `limiter.schedule(...)`, `queue.add(...)`, `limit(() => ...)`, `throttled(...)`.
fn is_limiter_call(node: Node, source: &str) -> bool {
    if node.kind_name() != "call_expression" {
        return false;
    }
    let Some(function) = node.field("function").map(syntax::unwrap_expression) else {
        return false;
    };
    match function.kind_name() {
        "identifier" => names_a_limiter(text(function, source)),
        "member_expression" => function
            .field("property")
            .is_some_and(|p| LIMITER_METHODS.contains(&text(p, source))),
        _ => false,
    }
}

fn names_a_limiter(name: &str) -> bool {
    let lower = name.to_ascii_lowercase();
    lower.contains("limit") || lower.contains("throttle")
}

/// Whether the loop body also waits on a timer (`await sleep(100)`, `await delay(…)`,
/// `await setTimeout(…)` from `timers/promises`): hand-made throttling.
fn waits_between(looped: Node, source: &str) -> bool {
    let Some(body) = looped.field("body") else {
        return false;
    };
    let mut found = false;
    syntax::for_each_in_function_body(body, &mut |node| {
        if found || node.kind_name() != "await_expression" {
            return;
        }
        let awaited = node.named_child(0).map(syntax::unwrap_expression);
        if awaited.is_some_and(|awaited| is_inline_pause(awaited, source)) {
            found = true;
            return;
        }
        let callee = awaited
            .filter(|awaited| awaited.kind_name() == "call_expression")
            .and_then(|awaited| awaited.field("function"));
        found = callee.is_some_and(|callee| {
            let name = text(callee, source);
            let last = name.rsplit('.').next().unwrap_or(name).to_ascii_lowercase();
            matches!(
                last.as_str(),
                "sleep" | "delay" | "wait" | "settimeout" | "pause"
            )
        });
    });
    found
}

/// `new Promise((resolve) => setTimeout(resolve, ms))`: a sleep written inline.
fn is_inline_pause(awaited: Node, source: &str) -> bool {
    awaited.kind_name() == "new_expression"
        && awaited
            .field("constructor")
            .is_some_and(|c| text(c, source) == "Promise")
        && awaited
            .field("arguments")
            .is_some_and(|args| text(args, source).contains("setTimeout"))
}
