//! CIO003 track-before-identify: see `queries/CIO003-track-before-identify.md`.

use tree_sitter::Node;

use crate::analysis::resolve::Method;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{self, normalized, KindExt};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let Some(track) = hit.get("track") else {
        return;
    };
    let Some(call) = ctx.call(track).filter(|c| c.method == Method::Track) else {
        return;
    };
    let Some(person) = call.person_id(ctx.source) else {
        return;
    };
    let person = normalized(ctx.text(person));
    let Some(track_statement) = sequence_statement(track) else {
        return;
    };
    if identified_before(ctx, track_statement, &person) {
        return;
    }
    let Some(identify_statement) =
        std::iter::successors(track_statement.next_named_sibling(), |s| {
            s.next_named_sibling()
        })
        .find(|s| identifies(ctx, *s, &person))
    else {
        return;
    };
    let message = format!(
        "`{person}` is tracked before it is identified (the identify call comes later in this \
         block): the event reaches Customer.io before the person's profile and attributes do, \
         so campaigns it triggers may not match them"
    );
    let mut finding = ctx.finding_at(syntax::call_head(track), message);
    if let Some(edits) = move_above(ctx, identify_statement, track_statement) {
        finding = finding.with_fix(Fix {
            title: format!("Identify `{person}` before tracking the event"),
            applicability: Applicability::QuickFix,
            edits,
        });
    }
    ctx.report(finding);
}

/// Node kinds whose children run one after the other.
fn is_sequence(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "program" | "statement_block" | "switch_case" | "switch_default"
    )
}

/// The statement of a block sequence that `node` is part of, without leaving its function
/// (a call in a callback runs at another time).
fn sequence_statement(node: Node) -> Option<Node> {
    let mut current = node;
    for parent in syntax::ancestors(node) {
        if is_sequence(parent) {
            return Some(current);
        }
        if syntax::is_function(parent) {
            return None;
        }
        current = parent;
    }
    None
}

/// Whether an identify of `person` runs before `statement`: in an earlier statement of its
/// block or of an enclosing block of the same function.
fn identified_before(ctx: &RuleContext, statement: Node, person: &str) -> bool {
    let mut current = Some(statement);
    while let Some(statement) = current {
        let Some(block) = syntax::parent(statement) else {
            return false;
        };
        // One pass over the block's statements: `prev_named_sibling` climbs from the root and
        // scans the block again for every step back.
        let mut cursor = block.walk();
        let identified = block
            .named_children(&mut cursor)
            .take_while(|earlier| *earlier != statement)
            .any(|earlier| contains_identify(ctx, earlier, person));
        if identified {
            return true;
        }
        current = sequence_statement(block);
    }
    false
}

/// Whether `statement` is itself an identify of `person` (`await cio.identify(id, …)`,
/// `const r = await cio.identify(…)`, `cio.identify(…).catch(…)`), not one nested in a block.
fn identifies(ctx: &RuleContext, statement: Node, person: &str) -> bool {
    names_identify(ctx, statement) && find_identify(ctx, statement, person, false)
}

/// Whether an identify of `person` appears anywhere in `statement`, nested blocks included.
fn contains_identify(ctx: &RuleContext, statement: Node, person: &str) -> bool {
    names_identify(ctx, statement) && find_identify(ctx, statement, person, true)
}

/// Whether `statement`'s text holds the method name at all: a text search that spares the
/// walk of most statements (every SDK spells the method `identify`).
fn names_identify(ctx: &RuleContext, statement: Node) -> bool {
    syntax::mentions(ctx.text(statement), "identify")
}

fn find_identify(ctx: &RuleContext, node: Node, person: &str, enter_blocks: bool) -> bool {
    if node.kind_name() == "call_expression" {
        let identify = ctx.call(node).filter(|c| c.method == Method::Identify);
        if let Some(id) = identify.and_then(|c| c.person_id(ctx.source)) {
            if normalized(ctx.text(id)) == person {
                return true;
            }
        }
    }
    let mut cursor = node.walk();
    let found = node.named_children(&mut cursor).any(|child| {
        !syntax::is_function(child)
            && (enter_blocks || child.kind_name() != "statement_block")
            && find_identify(ctx, child, person, enter_blocks)
    });
    found
}

/// Edits that move the line(s) of `statement` above the line(s) of `target` (an earlier
/// statement of the same block), re-indented to `target`'s indentation. `None` when either does
/// not have its lines to itself, or when the move would put `statement` before something it
/// uses that the statements in between declare or assign.
fn move_above(ctx: &RuleContext, statement: Node, target: Node) -> Option<Vec<TextEdit>> {
    let source = ctx.source;
    let lines = whole_lines(source, statement)?;
    whole_lines(source, target)?;
    let used = syntax::identifiers_in(statement, source);
    let in_between = std::iter::successors(Some(target), |s| s.next_named_sibling())
        .take_while(|s| *s != statement);
    for between in in_between {
        if syntax::names_written(between, source)
            .iter()
            .any(|name| used.contains(name))
        {
            return None;
        }
    }
    let from_indent = syntax::line_indent(source, statement.start_byte());
    let to_indent = syntax::line_indent(source, target.start_byte());
    let mut moved: String = source[lines.clone()]
        .split_inclusive('\n')
        .map(|line| match line.strip_prefix(from_indent) {
            Some(rest) => format!("{to_indent}{rest}"),
            None => line.to_string(),
        })
        .collect();
    let mut removed = lines;
    if !moved.ends_with('\n') {
        // The last line of the file: take the line break before it instead.
        moved.push('\n');
        removed.start -= 1;
    }
    let insert_at = syntax::line_start(source, target.start_byte());
    Some(vec![
        TextEdit::insert(insert_at, moved),
        TextEdit::replace(removed, ""),
    ])
}

/// The full lines of `statement` (with their line break), when nothing but indentation comes
/// before it on its first line and nothing but a comment after it on its last.
fn whole_lines(source: &str, statement: Node) -> Option<std::ops::Range<usize>> {
    let start = syntax::line_start(source, statement.start_byte());
    if !source[start..statement.start_byte()].trim().is_empty() {
        return None;
    }
    let end = source[statement.end_byte()..]
        .find('\n')
        .map_or(source.len(), |i| statement.end_byte() + i + 1);
    let rest = source[statement.end_byte()..end].trim();
    let comment_only = rest.is_empty() || rest.starts_with("//") || is_block_comment(rest);
    comment_only.then_some(start..end)
}

fn is_block_comment(text: &str) -> bool {
    text.starts_with("/*") && text.ends_with("*/") && !text[2..text.len() - 2].contains("*/")
}
