//! Computing summaries from the calls a file makes: each Customer.io call (on a client, an HTTP
//! request, or a call of a function already summarised) is found by a text search for the
//! names that make it, and summarises the functions around it: the one whose promise waits on
//! it, and the one whose parameters flow into it.

use std::collections::HashMap;

use rustc_hash::FxHashSet;
use tree_sitter::Node;

use super::parameters::{parameter_ref, Declarations, ParameterRef};
use super::{
    ArgumentRole, CallSite, FunctionSummary, Role, SummarisedCall, WrappedCall, MAX_DEPTH,
    MAX_ROLES,
};
use crate::analysis::resolve::call::{CioCall, Resolver, Route};
use crate::analysis::syntax::{self, function_name, text, words_occurrences, FieldExt, KindExt};

/// Summaries that the calls of `names` (clients, HTTP clients, summarised functions) give
/// the functions of this file, by function name: only fields that `known` does not have yet.
pub fn summarise_calls(
    resolver: &dyn Resolver,
    root: Node,
    source: &str,
    names: &[&str],
    known: &HashMap<String, FunctionSummary>,
) -> HashMap<String, FunctionSummary> {
    let mut found: HashMap<String, FunctionSummary> = HashMap::new();
    let mut seen = FxHashSet::default();
    let mut declarations = Declarations::default();
    for (offset, index) in words_occurrences(source, names) {
        for call in calls_made_by(root, offset, offset + names[index].len()) {
            if !seen.insert(call.id()) {
                continue;
            }
            match CioCall::from_call(call, resolver, source) {
                Some(call) => summarise_call(&call, source, known, &mut declarations, &mut found),
                None => summarise_helper_call(call, resolver, source, known, &mut found),
            }
        }
    }
    found
}

/// The calls that the name at `start..end` makes: `name(…)`, `name.method(…)`,
/// `this.name.method(…)`, and the method called on a factory's result (`getClient().track(…)`,
/// `(await getClient()).track(…)`).
fn calls_made_by(root: Node, start: usize, end: usize) -> Vec<Node> {
    let mut calls = Vec::new();
    let Some(mut expression) = syntax::descendant_for_byte_range(root, start, end) else {
        return calls;
    };
    // `this.cio` and `window._cio`: the name is the property of the receiver.
    if let Some(member) = syntax::parent(expression)
        .filter(|p| p.kind_name() == "member_expression" && p.field("property") == Some(expression))
    {
        expression = member;
    }
    let Some(call) = called_through(expression) else {
        return calls;
    };
    calls.push(call);
    // The call's result may be the receiver of another call.
    let mut result = call;
    while let Some(parent) = syntax::parent(result).filter(|p| {
        matches!(
            p.kind_name(),
            "await_expression" | "parenthesized_expression"
        )
    }) {
        result = parent;
    }
    calls.extend(called_through(result).filter(|outer| *outer != call));
    calls
}

/// The call whose callee is `expression` (`f(…)`), or a method of it (`f.track(…)`).
fn called_through(expression: Node) -> Option<Node> {
    let mut callee = expression;
    let mut parent = syntax::parent(callee)?;
    if parent.kind_name() == "member_expression" && parent.field("object") == Some(callee) {
        callee = parent;
        parent = syntax::parent(callee)?;
    }
    (parent.kind_name() == "call_expression" && parent.field("function") == Some(callee))
        .then_some(parent)
}

/// A call of a function whose promise waits on a Customer.io call but that wraps none (no
/// parameter flows into the call): the function around it waits on the call too.
fn summarise_helper_call(
    call: Node,
    resolver: &dyn Resolver,
    source: &str,
    known: &HashMap<String, FunctionSummary>,
    found: &mut HashMap<String, FunctionSummary>,
) {
    let Some(summary) = call
        .field("function")
        .filter(|f| f.kind_name() == "identifier")
        .and_then(|f| resolver.function(text(f, source)))
    else {
        return;
    };
    let Some(function) = syntax::enclosing_function(call).filter(|f| is_summarisable(*f)) else {
        return;
    };
    let reach = Reach::of(call, function, source);
    let route = Route::Wrapper(summary.clone());
    if let Some(waits_on) = waited_call(&route, None, false, reach) {
        record_wait(function, waits_on, source, known, found);
    }
}

/// Records that `function`'s promise waits on `waits_on`, unless it is known to wait already.
fn record_wait(
    function: Node,
    waits_on: SummarisedCall,
    source: &str,
    known: &HashMap<String, FunctionSummary>,
    found: &mut HashMap<String, FunctionSummary>,
) {
    let Some(name) = function_name(function, source) else {
        return;
    };
    if known.get(name).is_none_or(|k| k.waits_on.is_none()) {
        let summary = found.entry(name.to_string()).or_default();
        summary.waits_on.get_or_insert(waits_on);
    }
}

/// Adds what one Customer.io call says about the functions around it to `found`.
fn summarise_call(
    call: &CioCall,
    source: &str,
    known: &HashMap<String, FunctionSummary>,
    declarations: &mut Declarations,
    found: &mut HashMap<String, FunctionSummary>,
) {
    let innermost = syntax::enclosing_function(call.call).filter(|f| is_summarisable(*f));
    let innermost_name = innermost.and_then(|f| function_name(f, source));
    // What the function around the call already has: a function's first calls summarise it,
    // its others need not be read (most of a Customer.io-dense file).
    let has = |field: fn(&FunctionSummary) -> bool| {
        innermost_name.is_some_and(|name| {
            known.get(name).is_some_and(field) || found.get(name).is_some_and(field)
        })
    };
    let waits_known = has(|s| s.waits_on.is_some());
    let wraps_known = has(|s| s.wraps.is_some());
    if waits_known && wraps_known {
        return;
    }
    let Some(summarised) = summarised(call, source) else {
        return;
    };
    let reach = innermost.map(|function| Reach::of(call.call, function, source));
    if let (Some(function), Some(reach), false) = (innermost, reach, waits_known) {
        let returns_promise = call.sdk.returns_promise();
        if let Some(waits_on) = waited_call(&call.route, Some(&summarised), returns_promise, reach)
        {
            record_wait(function, waits_on, source, known, found);
        }
    }
    if wraps_known {
        return;
    }
    let (roles, wrapper) = parameter_roles(call, source, declarations);
    let Some(wrapper) = wrapper.or(innermost.filter(|_| roles.is_empty())) else {
        return;
    };
    let passes_rejection = innermost == Some(wrapper)
        && reach.is_some_and(|reach| passes_rejection(call, reach, wrapper, source));
    if roles.is_empty() && !passes_rejection {
        return;
    }
    let Some(name) = function_name(wrapper, source) else {
        return;
    };
    if known.get(name).is_some_and(|k| k.wraps.is_some()) {
        return;
    }
    let summary = found.entry(name.to_string()).or_default();
    summary.wraps.get_or_insert(WrappedCall {
        call: summarised,
        roles,
        passes_rejection,
    });
}

/// The Customer.io call that `call` ends in, one level further: the call itself, or the call
/// that the wrapper it calls ends in. `None` past [`MAX_DEPTH`].
fn summarised(call: &CioCall, source: &str) -> Option<SummarisedCall> {
    match &call.route {
        Route::Wrapper(summary) => deeper(&summary.wraps.as_ref()?.call),
        Route::Client | Route::Http(_) => Some(SummarisedCall {
            sdk: call.sdk,
            method: call.method,
            method_name: call.method_name.clone(),
            site: CallSite::Here(call.call.byte_range()),
            described: call.describe(source),
            track_api: call.is_track_api_request(),
            depth: 1,
        }),
    }
}

/// How a call's promise reaches the function around it: awaited, or returned (directly, or
/// through `.then`/`.catch`/`.finally`), and whether a `.catch` in that chain handles it.
#[derive(Debug, Clone, Copy)]
struct Reach {
    awaited: bool,
    /// Awaited as a statement of its own: the function throws the value away.
    awaited_unused: bool,
    returned: bool,
    caught: bool,
}

impl Reach {
    fn of(call: Node, function: Node, source: &str) -> Reach {
        let mut end = syntax::outer_expression(call);
        let mut caught = false;
        // Climb `call.then(…).catch(…)`.
        while let Some(member) = syntax::parent(end)
            .filter(|p| p.kind_name() == "member_expression" && p.field("object") == Some(end))
        {
            let Some(link) = syntax::parent(member).filter(|p| {
                p.kind_name() == "call_expression" && p.field("function") == Some(member)
            }) else {
                break;
            };
            match member.field("property").map(|p| text(p, source)) {
                Some("catch") => caught = true,
                Some("then") => caught |= syntax::arguments(link).len() >= 2,
                Some("finally") => {}
                _ => break,
            }
            end = syntax::outer_expression(link);
        }
        let parent = syntax::parent(end);
        let kind = parent.map(|p| p.kind_name());
        let awaited = kind == Some("await_expression")
            && parent.and_then(syntax::enclosing_function) == Some(function);
        let returned = kind == Some("return_statement")
            && parent.and_then(syntax::enclosing_function) == Some(function)
            || function.kind_name() == "arrow_function" && function.field("body") == Some(end);
        let awaited_unused = awaited
            && parent
                .and_then(syntax::value_parent)
                .is_some_and(|p| p.kind_name() == "expression_statement");
        Reach {
            awaited,
            awaited_unused,
            returned,
            caught,
        }
    }
}

/// What `function`'s own promise waits on, when it awaits or returns a call of `route`: the
/// Customer.io call itself when its SDK returns promises (a Track API request; an App API
/// request that it returns or whose answer it discards), or a summarised function's wait, one
/// level further.
fn waited_call(
    route: &Route,
    summarised: Option<&SummarisedCall>,
    sdk_returns_promise: bool,
    reach: Reach,
) -> Option<SummarisedCall> {
    if !(reach.awaited || reach.returned) {
        return None;
    }
    match route {
        Route::Wrapper(summary) => deeper(summary.waits_on.as_ref()?),
        Route::Client | Route::Http(_) => summarised
            .filter(|_| sdk_returns_promise)
            // A helper that reads an App API answer (`const r = await api.sendEmail(…)`) is
            // made for it: its callers wait for what it computes, not for a side request.
            .filter(|call| call.track_api || reach.returned || reach.awaited_unused)
            .cloned(),
    }
}

/// `inner`, seen from one function further, or `None` past [`MAX_DEPTH`].
fn deeper(inner: &SummarisedCall) -> Option<SummarisedCall> {
    (inner.depth < MAX_DEPTH).then(|| SummarisedCall {
        depth: inner.depth + 1,
        ..inner.clone()
    })
}

/// Whether a wrapper hands `call`'s rejection to its caller: it returns the promise (no
/// `.catch` on the way), or it is `async` and awaits the call outside a `try` with a `catch`.
fn passes_rejection(call: &CioCall, reach: Reach, function: Node, source: &str) -> bool {
    if !call.may_reject() || reach.caught {
        return false;
    }
    reach.returned
        || reach.awaited
            && is_async(function, source)
            && !syntax::inside_try_with_catch(call.call, function)
}

fn is_async(function: Node, source: &str) -> bool {
    text(function, source).starts_with("async")
        || syntax::parent(function).is_some_and(|p| {
            p.kind_name() == "export_statement" && text(function, source).starts_with("async")
        })
}

/// The parts of `call` that are parameters (or properties of parameters) of one enclosing
/// function, and that function.
fn parameter_roles<'t>(
    call: &CioCall<'t>,
    source: &str,
    declarations: &mut Declarations,
) -> (Vec<ArgumentRole>, Option<Node<'t>>) {
    let parts = [
        (Role::PersonId, call.person_id(source)),
        (Role::EventName, call.event_name(source)),
        (Role::Attributes, call.attributes(source)),
        (Role::EventData, call.event_data(source)),
    ];
    let properties = call
        .properties(source)
        .into_iter()
        .map(|(key, value)| (Role::Property(key), Some(value)));
    let mut wrapper: Option<Node<'t>> = None;
    let mut roles = Vec::new();
    for (role, value) in parts.into_iter().chain(properties) {
        let Some(ParameterRef {
            function,
            index,
            property,
            read_as,
        }) = value.and_then(|v| parameter_ref(v, source, declarations))
        else {
            continue;
        };
        if !is_summarisable(function) || wrapper.is_some_and(|w| w != function) {
            continue;
        }
        wrapper = Some(function);
        if roles.len() < MAX_ROLES {
            roles.push(ArgumentRole {
                role,
                parameter: index,
                property,
                read_as,
            });
        }
    }
    (roles, wrapper)
}

/// Functions that calls can name: declared functions and functions assigned to a variable
/// (`function f`, `const f = () => …`), not methods (their callers go through an object).
fn is_summarisable(function: Node) -> bool {
    if function.kind_name() == "method_definition" {
        return false;
    }
    function.field("name").is_some()
        || syntax::parent(function).is_some_and(|p| {
            p.kind_name() == "variable_declarator"
                && p.field("name")
                    .is_some_and(|n| n.kind_name() == "identifier")
        })
}
