//! CIO003 track-before-identify: see `queries/CIO003-track-before-identify.md`.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::rc::Rc;

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
    let Some(block) = syntax::parent(track_statement) else {
        return;
    };
    // Most files never call identify: nothing to order.
    if !Occurrences::of(ctx, block).within(block.byte_range()) {
        return;
    }
    let summary = summary(ctx, block);
    let Some(&track_index) = summary.index_of.get(&track_statement.id()) else {
        return;
    };
    if summary.identified_before(&person, track_index) || before(ctx, block).contains(&person) {
        return;
    }
    let Some(identify_index) = summary.next_identify(&person, track_index) else {
        return;
    };
    let Some(identify_statement) = block.named_child(identify_index) else {
        return;
    };
    let message = format!(
        "`{person}` is tracked before it is identified (the identify call comes later in this \
         block): the event reaches Customer.io before the person's profile and attributes do, \
         so campaigns it triggers may not match them"
    );
    let mut finding = ctx.finding_at(syntax::call_head(track), message);
    let movable = !written_between(ctx, block, identify_statement, track_index, identify_index);
    if let Some(edits) = movable
        .then(|| move_above(ctx, identify_statement, track_statement))
        .flatten()
    {
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

/// Where the file's text says `identify`: a call can only identify where its method is
/// written, so a range without one needs no walk. Found once per file.
struct Occurrences(Vec<usize>);

impl Occurrences {
    fn of(ctx: &RuleContext, node: Node) -> Rc<Occurrences> {
        syntax::memoized(syntax::tree_root(node), || {
            Occurrences(memchr::memmem::find_iter(ctx.source.as_bytes(), "identify").collect())
        })
    }

    fn within(&self, range: Range<usize>) -> bool {
        let first = self.0.partition_point(|&at| at < range.start);
        self.0.get(first).is_some_and(|&at| at < range.end)
    }
}

/// What CIO003 asks about one block sequence (a function body, a file's top level, a
/// `case`), found in one pass over its statements, once per block: asking each track call's
/// block about the statements around it made a file of 10,000 top-level calls cubic.
#[derive(Default)]
struct BlockSummary {
    /// The position of each statement (named child) by node id.
    index_of: HashMap<usize, usize>,
    /// Person → the positions of the statements that are themselves an identify of them
    /// (`await cio.identify(id, …)`, `const r = await cio.identify(…)`), in order.
    identifying: HashMap<String, Vec<usize>>,
    /// Person → the first statement that identifies them anywhere inside, nested blocks
    /// included (nested functions not).
    first_identifying: HashMap<String, usize>,
}

impl BlockSummary {
    fn identified_before(&self, person: &str, index: usize) -> bool {
        self.first_identifying
            .get(person)
            .is_some_and(|&first| first < index)
    }

    fn next_identify(&self, person: &str, after: usize) -> Option<usize> {
        let positions = self.identifying.get(person)?;
        positions
            .get(positions.partition_point(|&at| at <= after))
            .copied()
    }
}

fn summary(ctx: &RuleContext, block: Node) -> Rc<BlockSummary> {
    syntax::memoized(block, || {
        compute_nested_blocks(ctx, block);
        let occurrences = Occurrences::of(ctx, block);
        let mut summary = BlockSummary::default();
        let mut cursor = block.walk();
        for (index, statement) in block.named_children(&mut cursor).enumerate() {
            summary.index_of.insert(statement.id(), index);
            if !occurrences.within(statement.byte_range()) {
                continue;
            }
            let found = identifies_in(ctx, statement, &occurrences);
            for person in found.direct {
                summary.identifying.entry(person).or_default().push(index);
            }
            for person in found.anywhere {
                summary.first_identifying.entry(person).or_insert(index);
            }
        }
        summary
    })
}

/// The people identified in a statement: by the statement itself (outside nested blocks) and
/// anywhere inside it (nested blocks included), never inside a nested function.
#[derive(Default)]
struct Identified {
    direct: Vec<String>,
    anywhere: HashSet<String>,
}

/// One walk of `statement` that enters neither functions nor blocks: a nested block's people
/// come from its memo ([`people_in_block`]), which [`compute_nested_blocks`] has filled.
fn identifies_in(ctx: &RuleContext, statement: Node, occurrences: &Occurrences) -> Identified {
    let mut found = Identified::default();
    let mut pending = vec![statement];
    while let Some(node) = pending.pop() {
        if node.kind_name() == "call_expression" {
            if let Some(person) = identified_by(ctx, node) {
                found.direct.push(person.clone());
                found.anywhere.insert(person);
            }
        }
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            if syntax::is_function(child) || !occurrences.within(child.byte_range()) {
                continue;
            }
            if child.kind_name() == "statement_block" {
                found
                    .anywhere
                    .extend(people_in_block(ctx, child).iter().cloned());
            } else {
                pending.push(child);
            }
        }
    }
    found
}

/// The person an identify call names (normalised), when `call` is one.
fn identified_by(ctx: &RuleContext, call: Node) -> Option<String> {
    let identify = ctx.call(call).filter(|c| c.method == Method::Identify)?;
    Some(normalized(ctx.text(identify.person_id(ctx.source)?)))
}

/// The people identified anywhere in a nested block, outside nested functions.
fn people_in_block(ctx: &RuleContext, block: Node) -> Rc<HashSet<String>> {
    syntax::memoized(block, || {
        let occurrences = Occurrences::of(ctx, block);
        let mut people = HashSet::new();
        let mut cursor = block.walk();
        for statement in block.named_children(&mut cursor) {
            if !syntax::is_function(statement) && occurrences.within(statement.byte_range()) {
                people.extend(identifies_in(ctx, statement, &occurrences).anywhere);
            }
        }
        people
    })
}

/// Fills the memos of the blocks nested in `block` (outside functions, except the bodies of
/// the functions its own statements declare, which an earlier statement's identify search has
/// always entered), innermost first, so that no block's summary waits on another's: blocks
/// nest as deep as the source makes them, and the summaries never recurse.
fn compute_nested_blocks(ctx: &RuleContext, block: Node) {
    let occurrences = Occurrences::of(ctx, block);
    let mut nested = Vec::new();
    let mut pending: Vec<(Node, bool)> = vec![(block, true)];
    while let Some((node, top)) = pending.pop() {
        let mut cursor = node.walk();
        for child in node.named_children(&mut cursor) {
            let enter = !syntax::is_function(child) || top;
            if !enter || !occurrences.within(child.byte_range()) {
                continue;
            }
            if child.kind_name() == "statement_block" {
                nested.push(child);
            }
            pending.push((child, false));
        }
    }
    for inner in nested.into_iter().rev() {
        people_in_block(ctx, inner);
    }
}

/// The people identified before `block` starts, in earlier statements of the blocks around it
/// in the same function: computed once per block, from the block around it.
fn before(ctx: &RuleContext, block: Node) -> Rc<HashSet<String>> {
    // The blocks around `block` up to its function, innermost first; each with the statement
    // that holds the one inside.
    let mut chain = Vec::new();
    let mut current = block;
    while let Some(statement) = sequence_statement(current) {
        let Some(outer) = syntax::parent(statement) else {
            break;
        };
        chain.push((current, outer, statement));
        current = outer;
    }
    let mut known: Rc<HashSet<String>> = Rc::new(HashSet::new());
    for (inner, outer, statement) in chain.into_iter().rev() {
        let around = known.clone();
        known = syntax::memoized(inner, || {
            let summary = summary(ctx, outer);
            let index = summary.index_of.get(&statement.id()).copied();
            let earlier: Vec<&String> = summary
                .first_identifying
                .iter()
                .filter(|(_, &first)| index.is_some_and(|index| first < index))
                .map(|(person, _)| person)
                .collect();
            BlockBefore(if earlier.iter().all(|p| around.contains(*p)) {
                around
            } else {
                let mut people = (*around).clone();
                people.extend(earlier.into_iter().cloned());
                Rc::new(people)
            })
        })
        .0
        .clone();
    }
    known
}

/// [`before`]'s memo (a type of its own, apart from [`people_in_block`]'s).
struct BlockBefore(Rc<HashSet<String>>);

/// Whether a statement from position `track` up to `identify` of `block` writes a
/// name that the identify statement reads (moving it above that write would change what it
/// reads). Per name, a binary search of the positions that write it.
fn written_between(
    ctx: &RuleContext,
    block: Node,
    identify: Node,
    track: usize,
    identify_index: usize,
) -> bool {
    let writes = Writes::of(ctx, block);
    syntax::identifiers_in(identify, ctx.source)
        .iter()
        .filter_map(|name| writes.0.get(name))
        .any(|positions| {
            let first_from = positions.partition_point(|&at| at < track);
            positions
                .get(first_from)
                .is_some_and(|&at| at < identify_index)
        })
}

/// Name → the positions of the statements of a block that declare or assign it, in order:
/// found once per block (asking the statements between each track and identify again was
/// quadratic in a block of many pairs).
struct Writes(HashMap<String, Vec<usize>>);

impl Writes {
    fn of(ctx: &RuleContext, block: Node) -> Rc<Writes> {
        syntax::memoized(block, || {
            let mut writes: HashMap<String, Vec<usize>> = HashMap::new();
            let mut cursor = block.walk();
            for (index, statement) in block.named_children(&mut cursor).enumerate() {
                for name in syntax::names_written(statement, ctx.source) {
                    let positions = writes.entry(name).or_default();
                    if positions.last() != Some(&index) {
                        positions.push(index);
                    }
                }
            }
            Writes(writes)
        })
    }
}

/// Edits that move the line(s) of `statement` above the line(s) of `target` (an earlier
/// statement of the same block), re-indented to `target`'s indentation. `None` when either does
/// not have its lines to itself. (The caller has made sure that no statement in between
/// declares or assigns something `statement` uses.)
fn move_above(ctx: &RuleContext, statement: Node, target: Node) -> Option<Vec<TextEdit>> {
    let source = ctx.source;
    let lines = whole_lines(source, statement)?;
    whole_lines(source, target)?;
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
