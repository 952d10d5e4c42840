//! Where a finding is shown. A diagnostic spans one line unless the mistake itself does: a
//! finding about a whole call is shown at its callee (`cio.track`), one about an awaited call
//! from `await` through the callee (`await cio.identify`), one about a construction at
//! `new TrackClient`, never over the arguments, where other findings (a `Date.now()` in the
//! attributes) would disappear under a wider squiggle.

use std::ops::Range;

use tree_sitter::Node;

use super::nodes::unwrap_expression;
use super::tree::{FieldExt, KindExt};

/// The callee of a call or `new` expression: `cio.track` of `cio.track(id, {…})`,
/// `new TrackClient` of `new TrackClient(site, key)`.
pub fn call_head(call: Node) -> Range<usize> {
    head_from(call, call)
}

/// From `start` (an `await`, or the call itself) through the callee of `call` (a call or `new`
/// expression inside it). When that would cross a line (`await cio\n  .track(…)`), only the
/// method name (`track`) or the constructor: the part of the call that names what it does.
pub fn head_from(start: Node, call: Node) -> Range<usize> {
    let Some(callee) = callee(call) else {
        return first_line(call);
    };
    if start.start_position().row == callee.end_position().row {
        return start.start_byte()..callee.end_byte();
    }
    let named = match callee.kind_name() {
        "member_expression" => callee.field("property").unwrap_or(callee),
        _ => callee,
    };
    first_line(named)
}

/// What a call calls, or what a `new` expression constructs (without parentheses or casts).
fn callee(call: Node) -> Option<Node> {
    let field = match call.kind_name() {
        "new_expression" => "constructor",
        _ => "function",
    };
    call.field(field).map(unwrap_expression)
}

/// `node`'s range, cut at the end of its first line.
pub fn first_line(node: Node) -> Range<usize> {
    if node.start_position().row == node.end_position().row {
        return node.byte_range();
    }
    let mut cursor = node.walk();
    let first_line_end = node
        .children(&mut cursor)
        .take_while(|child| child.end_position().row == node.start_position().row)
        .last()
        .map_or(node.start_byte() + 1, |child| child.end_byte());
    node.start_byte()..first_line_end.min(node.end_byte())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::language::{parse, Lang};
    use crate::analysis::syntax::tree::for_each_descendant;

    fn spans(source: &str, kind: &str, head: fn(Node) -> Range<usize>) -> Vec<String> {
        let tree = parse(Lang::TypeScript, source, None);
        let mut found = Vec::new();
        for_each_descendant(tree.root_node(), &mut |node| {
            if node.kind_name() == kind {
                found.push(source[head(node)].to_string());
            }
        });
        found
    }

    #[test]
    fn a_call_is_shown_at_its_callee() {
        let source =
            "cio.track(user.id, {\n  name: \"x\",\n});\nnew TrackClient(\n  a,\n  b,\n);\n";
        assert_eq!(spans(source, "call_expression", call_head), ["cio.track"]);
        assert_eq!(
            spans(source, "new_expression", call_head),
            ["new TrackClient"]
        );
    }

    #[test]
    fn an_await_is_shown_through_its_callee_on_its_line() {
        let awaited = |node: Node| {
            let call = node.named_child(0).unwrap();
            head_from(node, call)
        };
        let source = "async () => {\n  await cio.identify(id, {\n    a: 1,\n  });\n  await (cio as X)\n    .track(id);\n};\n";
        assert_eq!(
            spans(source, "await_expression", awaited),
            ["await cio.identify", "track"]
        );
    }
}
