//! CIO014 unhandled-rejection: see `queries/CIO014-unhandled-rejection.md`.

use tree_sitter::Node;

use super::shared::fixes::CATCH_HANDLER;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{self, text, FieldExt, KindExt};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let Some(call) = hit.get("call").and_then(|node| ctx.call(node)) else {
        return;
    };
    if !call.may_reject() {
        return;
    }
    let Some((chain_end, handled)) = promise_chain(call.call, ctx.source) else {
        return;
    };
    if handled {
        return;
    }
    let Some(fate) = discarded(chain_end, ctx.source) else {
        return;
    };
    let described = call.describe(ctx.source);
    let message = format!(
        "The promise of {described} is {fate}; a rejection (network error, 4xx/5xx) is unhandled and crashes Node.js"
    );
    let finding = ctx
        .finding_at(syntax::call_head(call.call), message)
        .with_fix(Fix {
            title: format!("Catch errors of {described}"),
            applicability: Applicability::FixAll,
            edits: vec![TextEdit::insert(chain_end.end_byte(), CATCH_HANDLER)],
        });
    ctx.report(finding);
}

/// Climbs `call.then(...).finally(...)…` to the end of the promise chain. Returns the chain's
/// last call and whether some link handles rejections (`.catch(...)`, `.then(_, onRejected)`);
/// `None` when the chain is not a plain promise chain.
fn promise_chain<'t>(call: Node<'t>, source: &str) -> Option<(Node<'t>, bool)> {
    let mut end = call;
    let mut handled = false;
    loop {
        let Some(member) = syntax::parent(syntax::outer_expression(end))
            .filter(|p| p.kind_name() == "member_expression")
        else {
            return Some((end, handled));
        };
        let link = syntax::parent(member).filter(|p| {
            p.kind_name() == "call_expression" && p.field("function") == Some(member)
        })?;
        let method = text(member.field("property")?, source);
        match method {
            "catch" => handled = true,
            "then" => handled |= syntax::arguments(link).len() >= 2,
            "finally" => {}
            _ => return None,
        }
        end = link;
    }
}

/// How the promise ending at `chain_end` is thrown away, or `None` when it is kept (awaited,
/// returned to a caller, assigned, passed on).
fn discarded(chain_end: Node, source: &str) -> Option<&'static str> {
    let outer = syntax::outer_expression(chain_end);
    let parent = syntax::parent(outer)?;
    match parent.kind_name() {
        "expression_statement" => Some("neither awaited nor caught"),
        "unary_expression" if text(parent.field("operator")?, source) == "void" => {
            Some("discarded by `void`")
        }
        "arrow_function" if returned_to_for_each(parent, source) => {
            Some("returned to `forEach`, which discards it")
        }
        "return_statement" => syntax::enclosing_function(parent)
            .filter(|function| returned_to_for_each(*function, source))
            .map(|_| "returned to `forEach`, which discards it"),
        _ => None,
    }
}

fn returned_to_for_each(function: Node, source: &str) -> bool {
    syntax::call_receiving_callback(function).and_then(|call| syntax::called_method(call, source))
        == Some("forEach")
}
