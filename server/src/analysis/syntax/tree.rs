//! The tree itself: field and kind lookups cached per grammar, ancestors and parents that are
//! cheap on an indexed tree ([`index_tree`]), node kinds that open functions and statements,
//! and walks with one cursor (never recursion: 40k-deep expressions are real).

use std::ops::Range;

use tree_sitter::Node;

/// Field access at the cost of an id: [`Node::child_by_field_name`] looks the name up among
/// the grammar's field names, a linear run of string comparisons, on every call, which made
/// field lookups a sixth of a keystroke's re-analysis. Ids are looked up once per grammar and
/// name, then cached on this thread.
pub trait FieldExt<'t> {
    /// The child in field `name`: [`Node::child_by_field_name`], cached.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> FieldExt<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let language = self.language().clone().into_raw() as usize;
        let key = (language, name.as_ptr() as usize, name.len());
        let id = FIELD_IDS.with(|ids| {
            *ids.borrow_mut()
                .entry(key)
                .or_insert_with(|| self.language().field_id_for_name(name))
        })?;
        self.child_by_field_id(id.get())
    }
}

thread_local! {
    /// `(grammar, name pointer, name length)` → field id (names are `'static` literals).
    // FxHash: keys are three words, hashed on every field access.
    static FIELD_IDS: std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize, usize), Option<std::num::NonZeroU16>>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// A node's kind at the cost of an index: [`Node::kind`] measures and UTF-8-checks the
/// grammar's C string on every call (~190 instructions), and kinds are compared everywhere.
pub trait KindExt {
    /// [`Node::kind`], from a table built once per grammar on this thread.
    fn kind_name(&self) -> &'static str;
}

impl KindExt for Node<'_> {
    fn kind_name(&self) -> &'static str {
        // SAFETY: `ts_node_language` only reads the node's tree, which the node borrows.
        let language = unsafe { tree_sitter::ffi::ts_node_language(self.into_raw()) } as usize;
        let id = usize::from(self.kind_id());
        let known = KIND_NAMES.with(|tables| {
            let mut tables = tables.borrow_mut();
            let position = tables.iter().position(|(grammar, _)| *grammar == language);
            let index = position.unwrap_or_else(|| {
                let grammar = self.language();
                let names = (0..grammar.node_kind_count() as u16)
                    .map(|id| grammar.node_kind_for_id(id).unwrap_or(""))
                    .collect();
                tables.push((language, names));
                tables.len() - 1
            });
            tables[index].1.get(id).copied()
        });
        // Ids past the table (the ERROR symbol) take the ordinary path.
        #[allow(clippy::disallowed_methods)]
        known.unwrap_or_else(|| self.kind())
    }
}

thread_local! {
    /// `(grammar, kind names by id)` for each grammar seen on this thread (three at most).
    static KIND_NAMES: std::cell::RefCell<Vec<(usize, Vec<&'static str>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The source text of a node.
pub fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// Ancestors of `node`, nearest first, excluding `node` itself.
///
/// In tree-sitter 0.25 `Node::parent` walks down from the root on every call, so climbing
/// with it costs one descent per ancestor. This walks down once with `child_with_descendant`
/// (the step `parent` itself repeats), recording the same ancestors, and hands them back
/// nearest first. While the tree is indexed ([`index_tree`]) the walk starts at the top-level
/// statement holding `node`, found by binary search, instead of scanning the root's children.
pub fn ancestors(node: Node) -> impl Iterator<Item = Node> {
    let mut chain = Vec::with_capacity(16);
    let root = tree_root(node);
    if root.id() != node.id() {
        chain.push(root);
        let start = top_level_statement(node).unwrap_or(root);
        if start.id() != root.id() {
            descend(start, node, |ancestor| chain.push(ancestor));
        } else {
            descend_below(root, node, |ancestor| chain.push(ancestor));
        }
    }
    chain.into_iter().rev()
}

/// The parent of `node`: [`Node::parent`], but fast while the tree is indexed.
pub fn parent(node: Node) -> Option<Node> {
    let root = tree_root(node);
    if root.id() == node.id() {
        return None;
    }
    let Some(start) = top_level_statement(node) else {
        let mut parent = root;
        descend_below(root, node, |ancestor| parent = ancestor);
        return Some(parent);
    };
    let mut parent = root;
    descend(start, node, |ancestor| parent = ancestor);
    Some(parent)
}

/// The children of `root` (a tree's root node), from the index when the tree is indexed.
pub fn top_level_statements(root: Node) -> Vec<Node> {
    let indexed = with_index(root, |index| {
        Some(index.statements.iter().map(|s| s.2).collect::<Vec<_>>())
    });
    match indexed {
        // SAFETY: as in `statement_holding`: nodes of `root`'s (borrowed) tree.
        Some(raw) => raw
            .into_iter()
            .map(|raw| unsafe { Node::from_raw(raw) })
            .collect(),
        None => {
            let mut cursor = root.walk();
            let children = root.children(&mut cursor).collect();
            children
        }
    }
}

/// The top-level statements that start inside `range`, found from its start rather than by
/// walking every statement (cheap on an unindexed tree too).
pub fn top_level_statements_in(root: Node, range: Range<usize>) -> Vec<Node> {
    let mut cursor = root.walk();
    let mut statements = Vec::new();
    if cursor.goto_first_child_for_byte(range.start).is_none() {
        return statements;
    }
    loop {
        let node = cursor.node();
        if node.start_byte() >= range.end {
            break;
        }
        if node.start_byte() >= range.start {
            statements.push(node);
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    statements
}

/// The child of the root that holds `node`, or `node` itself when it is the root or a child
/// of it.
pub fn top_level_ancestor(node: Node) -> Node {
    if let Some(statement) = top_level_statement(node) {
        return statement;
    }
    let ancestors: Vec<Node> = ancestors(node).collect();
    match ancestors.len() {
        0 | 1 => node,
        n => ancestors[n - 2],
    }
}

/// The smallest node of `root`'s tree that spans `start..end`: [`Node::descendant_for_byte_range`]
/// on the root, but starting at the indexed top-level statement that holds the range.
#[allow(clippy::disallowed_methods)] // from the statement: the fast path itself
pub fn descendant_for_byte_range(root: Node, start: usize, end: usize) -> Option<Node> {
    statement_holding(root, start, end)
        .unwrap_or(root)
        .descendant_for_byte_range(start, end)
}

/// Visits `from` and each node below it on the way down to `node`, excluding `node`.
fn descend<'t>(from: Node<'t>, node: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    let mut current = from;
    while current.id() != node.id() {
        visit(current);
        match current.child_with_descendant(node) {
            Some(child) => current = child,
            None => break,
        }
    }
}

/// Like [`descend`] from `root`, without visiting `root` itself.
fn descend_below<'t>(root: Node<'t>, node: Node<'t>, visit: impl FnMut(Node<'t>)) {
    if let Some(child) = root.child_with_descendant(node) {
        descend(child, node, visit);
    }
}

/// The root node of the tree that `node` belongs to (the Rust API has no accessor for it).
pub fn tree_root(node: Node) -> Node {
    // SAFETY: `into_raw` is safe and yields the node's `TSNode`, whose `tree` pointer is the
    // (non-null) tree the node borrows, valid for the node's lifetime. `ts_tree_root_node` only
    // reads that tree and returns a node into its memory; it is the very call `ts_node_parent`
    // (behind the safe `Node::parent`) starts with. The elided lifetimes give the root the
    // input node's lifetime, so it cannot outlive the tree.
    unsafe { Node::from_raw(tree_sitter::ffi::ts_tree_root_node(node.into_raw().tree)) }
}

/// The top-level statements of the tree indexed on this thread, by position.
///
/// tree-sitter nodes hold no parent pointers and no child positions: finding which of the
/// root's children holds a node means summing the sizes of every earlier child. On a file of
/// thousands of top-level statements that made each ancestor lookup cost thousands of steps,
/// and the analysis makes one per query match and more per rule. A sorted table of the root's
/// children turns that first step into a binary search.
struct TopLevelIndex {
    tree: *const tree_sitter::ffi::TSTree,
    /// Distinguishes one indexing from the next (memos keyed by node id use it).
    generation: u64,
    /// `(start byte, end byte, node)` of each child of the root, in order.
    statements: Vec<(usize, usize, tree_sitter::ffi::TSNode)>,
}

thread_local! {
    static TOP_LEVEL: std::cell::RefCell<Option<TopLevelIndex>> =
        const { std::cell::RefCell::new(None) };
}

/// Keeps a tree indexed on this thread (see [`index_tree`]) until dropped, then restores the
/// index that was there before. Not `Send`: it must be dropped on the thread that made it.
#[must_use = "the index lasts as long as the guard"]
pub struct TreeIndexGuard<'t> {
    /// The index to restore; `None` when the tree was already indexed (nothing to undo).
    previous: Option<Option<TopLevelIndex>>,
    _tree: std::marker::PhantomData<(&'t tree_sitter::Tree, *const ())>,
}

impl Drop for TreeIndexGuard<'_> {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            TOP_LEVEL.with(|index| *index.borrow_mut() = previous);
        }
    }
}

/// Indexes `tree`'s top-level statements on this thread for as long as the guard lives, which
/// makes [`ancestors`] and [`parent`] logarithmic instead of linear in the number of top-level
/// statements. Purely an optimisation: nodes of any other tree take the ordinary path.
pub fn index_tree(tree: &tree_sitter::Tree) -> TreeIndexGuard<'_> {
    static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let root = tree.root_node();
    let raw_tree = root.into_raw().tree;
    if indexed_generation(root).is_some() {
        return TreeIndexGuard {
            previous: None,
            _tree: std::marker::PhantomData,
        };
    }
    let mut cursor = root.walk();
    let statements = root
        .children(&mut cursor)
        .map(|child| (child.start_byte(), child.end_byte(), child.into_raw()))
        .collect();
    let index = TopLevelIndex {
        tree: raw_tree,
        generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        statements,
    };
    let previous = TOP_LEVEL.with(|slot| slot.borrow_mut().replace(index));
    TreeIndexGuard {
        previous: Some(previous),
        _tree: std::marker::PhantomData,
    }
}

/// A number that identifies the current indexing of `node`'s tree on this thread, or `None`
/// when the tree is not indexed. Node ids are unique within one tree while it lives, so
/// `(generation, node id)` keys a memo that can never see a node of another tree.
pub fn indexed_generation(node: Node) -> Option<u64> {
    with_index(node, |index| Some(index.generation))
}

/// `f` of this thread's index, when it indexes `node`'s tree.
fn with_index<R>(node: Node, f: impl FnOnce(&TopLevelIndex) -> Option<R>) -> Option<R> {
    let tree = node.into_raw().tree;
    TOP_LEVEL.with(|slot| {
        slot.borrow()
            .as_ref()
            .filter(|index| index.tree == tree)
            .and_then(f)
    })
}

/// The child of the root that holds `node` (or is `node`), when the tree is indexed and the
/// answer is unambiguous; `None` sends the caller down the ordinary path from the root.
fn top_level_statement(node: Node) -> Option<Node> {
    statement_holding(node, node.start_byte(), node.end_byte())
}

/// The child of the root of `node`'s tree that holds the bytes `start..end`, when the tree is
/// indexed and the answer is unambiguous.
fn statement_holding(node: Node, start: usize, end: usize) -> Option<Node> {
    let raw = with_index(node, |index| {
        let after = index.statements.partition_point(|s| s.0 <= start);
        let &(first, last, raw) = index.statements.get(after.checked_sub(1)?)?;
        // An empty range on a statement's edge (a zero-width node) could belong to either
        // neighbour; let tree-sitter decide those.
        let inside =
            first <= start && end <= last && (start < end || (first < start && end < last));
        inside.then_some(raw)
    })?;
    // SAFETY: `raw` was taken from the index of `node`'s own tree, which `node` borrows, so
    // it is valid for `node`'s lifetime; the index itself lives only while a
    // `TreeIndexGuard` borrows the tree.
    Some(unsafe { Node::from_raw(raw) })
}

/// Node kinds that open a new function body.
pub fn is_function(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "generator_function_declaration"
            | "generator_function"
    )
}

/// The nearest enclosing function of `node`, if any.
pub fn enclosing_function(node: Node) -> Option<Node> {
    ancestors(node).find(|n| is_function(*n))
}

/// The nearest ancestor-or-self that is a statement or declaration (not a block), used to
/// widen a match to a unit that can be re-analysed on its own.
pub fn enclosing_statement(node: Node) -> Node {
    std::iter::once(node)
        .chain(ancestors(node))
        .find(|n| is_statement(*n))
        .unwrap_or(node)
}

pub fn is_statement(node: Node) -> bool {
    let kind = node.kind_name();
    (kind.ends_with("_statement") || kind.ends_with("_declaration")) && kind != "statement_block"
        || matches!(kind, "public_field_definition" | "field_definition")
}

/// Loop statements (`for`, `for…of`, `for…in`, `while`, `do`).
pub fn is_loop(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
    )
}

/// Calls `visit` on every descendant of `node` (not `node` itself) that is not inside a nested
/// function.
pub fn for_each_in_function_body<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    walk_named_descendants(node, |child| !is_function(child), visit);
}

/// Calls `visit` on every named descendant of `node` (not `node` itself), nested functions
/// included.
pub fn for_each_descendant<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    walk_named_descendants(node, |_| true, visit);
}

/// Visits the named descendants of `node` in pre-order, entering those for which `enter`
/// holds, with one tree cursor for the whole walk (not one per node).
fn walk_named_descendants<'t>(
    node: Node<'t>,
    enter: impl Fn(Node<'t>) -> bool,
    visit: &mut impl FnMut(Node<'t>),
) {
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return;
    }
    let mut depth = 1;
    loop {
        let current = cursor.node();
        if current.is_named() {
            visit(current);
            if enter(current) && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
        }
        while !cursor.goto_next_sibling() {
            cursor.goto_parent();
            depth -= 1;
            if depth == 0 {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::language::{parse, Lang};

    #[test]
    #[allow(clippy::disallowed_methods)] // the reference the table must equal
    fn kind_names_from_the_table_equal_the_grammars_own() {
        // Aliased nodes, anonymous tokens, JSX, type syntax and an ERROR node.
        let source = "import x from 'y';\nconst a = <div a={1}>t</div>;\nlet b: Map<string, number> = f?.(1) ?? 2;\nclass C { #p = 1; }\n) oops (\n";
        for lang in Lang::ALL {
            let tree = parse(lang, source, None);
            let mut stack = vec![tree.root_node()];
            let mut kinds = std::collections::HashSet::new();
            while let Some(node) = stack.pop() {
                assert_eq!(node.kind_name(), node.kind(), "{lang:?}");
                kinds.insert(node.kind());
                let mut cursor = node.walk();
                stack.extend(node.children(&mut cursor));
            }
            assert!(kinds.contains("ERROR") && kinds.contains("=") && kinds.len() > 30);
        }
    }

    #[test]
    fn top_level_statements_in_a_range_are_those_starting_in_it() {
        let source = "a();\nb();\nfunction c() {\n  d();\n}\ne();\n";
        let tree = parse(Lang::TypeScript, source, None);
        let texts = |range: Range<usize>| -> Vec<&str> {
            top_level_statements_in(tree.root_node(), range)
                .into_iter()
                .map(|node| text(node, source))
                .collect()
        };
        let b = source.find("b()").unwrap();
        let d = source.find("d()").unwrap();
        let e = source.find("e()").unwrap();
        assert_eq!(texts(b..d), ["b();", "function c() {\n  d();\n}"]);
        // A range starting inside a statement does not include it.
        assert_eq!(texts(d..e + 1), ["e();"]);
        assert_eq!(texts(0..source.len()).len(), 4);
        assert!(texts(source.len()..source.len()).is_empty());
    }

    /// Every node's ancestors and parent, from the fast paths, equal `Node::parent`'s chain.
    #[allow(clippy::disallowed_methods)] // the reference the fast paths must equal
    fn assert_parent_chains(source: &str, lang: Lang, indexed: bool) {
        let tree = parse(lang, source, None);
        let _index = indexed.then(|| index_tree(&tree));
        assert_eq!(indexed_generation(tree.root_node()).is_some(), indexed);
        let mut cursor = tree.walk();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            let expected: Vec<usize> = std::iter::successors(node.parent(), |n| n.parent())
                .map(|n| n.id())
                .collect();
            let actual: Vec<usize> = ancestors(node).map(|n| n.id()).collect();
            assert_eq!(
                actual,
                expected,
                "{} at {:?}",
                node.kind_name(),
                node.byte_range()
            );
            assert_eq!(parent(node).map(|n| n.id()), expected.first().copied());
            stack.extend(node.children(&mut cursor));
        }
    }

    #[test]
    fn ancestors_are_the_parent_chain() {
        let sources = [
            "class A { m(x) { for (const y of x) { cio.track(y.id, { at: Date.now() }); } } }\nconst b = () => [1, { c: 2 }];",
            // Comments, empty statements and a missing semicolon at top level.
            "// lead\n;;\nconst a = 1\n/* c */ function f() { return a }\nexport { f };\n",
            // Broken syntax: ERROR and MISSING nodes at top level.
            "const a = ;\nfunction (\ncio.track(\n",
            "",
        ];
        for source in sources {
            for indexed in [false, true] {
                assert_parent_chains(source, Lang::TypeScript, indexed);
                assert_parent_chains(source, Lang::JavaScript, indexed);
            }
        }
    }

    #[test]
    fn a_function_body_walk_visits_named_nodes_in_order_and_skips_nested_functions() {
        fn reference<'t>(node: Node<'t>, out: &mut Vec<usize>) {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                out.push(child.id());
                if !is_function(child) {
                    reference(child, out);
                }
            }
        }
        let source = "function f(a) { if (a) { g(() => { h(); }); } // c\n return [a, { b: 1 }]; }";
        let tree = parse(Lang::JavaScript, source, None);
        let function = tree.root_node().named_child(0).unwrap();
        for node in [function, function.field("body").unwrap(), tree.root_node()] {
            let mut expected = Vec::new();
            reference(node, &mut expected);
            let mut actual = Vec::new();
            for_each_in_function_body(node, &mut |n| actual.push(n.id()));
            assert_eq!(actual, expected);
        }
        let leaf = function.field("name").unwrap();
        for_each_in_function_body(leaf, &mut |_| panic!("a leaf has no descendants"));
    }

    #[test]
    fn an_index_covers_only_its_own_tree_and_ends_with_its_guard() {
        let first = parse(Lang::TypeScript, "const a = 1;", None);
        let second = parse(Lang::TypeScript, "const a = 1;", None);
        {
            let _index = index_tree(&first);
            assert!(indexed_generation(first.root_node()).is_some());
            assert!(indexed_generation(second.root_node()).is_none());
            let generation = indexed_generation(first.root_node());
            {
                let _nested = index_tree(&first);
                assert_eq!(indexed_generation(first.root_node()), generation);
                let _other = index_tree(&second);
                assert!(indexed_generation(first.root_node()).is_none());
            }
            assert_eq!(indexed_generation(first.root_node()), generation);
        }
        assert!(indexed_generation(first.root_node()).is_none());
    }
}
