//! A tree indexed for the time of its analysis ([`index_tree`]): ancestors and parents that
//! cost no more than the distance from the last node asked about, and memos that last as long
//! as the index.
//!
//! tree-sitter 0.25 nodes hold no parent pointers and no child positions: `Node::parent`
//! walks down from the root, and finding which of the root's children holds a node means
//! summing the sizes of every earlier child. While a tree is indexed on a thread, two
//! structures replace those walks:
//!
//! - a sorted table of the root's children (the top-level statements), so that the first step
//!   down is a binary search;
//! - the path walked down last time (the *finger*): the analysis asks about nodes near each
//!   other, mostly in document order, so the next path shares most of the last one. The
//!   deepest node of the finger that holds the new node is found by binary search (the
//!   finger's ranges nest) and only the rest of the way is walked. In a block nested 4,000
//!   deep, with a client call at every level, asking for each call's ancestors cost a walk of
//!   the whole depth per call; now it costs a step or two.

use std::any::{Any, TypeId};
use std::cell::RefCell;
use std::collections::HashMap;
use std::rc::Rc;

use tree_sitter::ffi::TSNode;
use tree_sitter::Node;

/// One node of the finger, linked to its parent on the same path. Shared, so that an
/// [`Ancestors`] iterator keeps its chain while the finger moves on.
struct PathLink {
    node: TSNode,
    start: usize,
    end: usize,
    /// `None` for a top-level statement (its parent is the root).
    parent: Option<Rc<PathLink>>,
}

impl Drop for PathLink {
    /// Unlinks the chain above one link at a time: the default drop of the last owner of a
    /// path 50,000 deep would recurse once per link and overflow the stack.
    fn drop(&mut self) {
        let mut next = self.parent.take();
        while let Some(link) = next {
            next = match Rc::try_unwrap(link) {
                Ok(mut only_owner) => only_owner.parent.take(),
                Err(_) => None, // Still held elsewhere (the finger, an iterator): stop here.
            };
        }
    }
}

/// The index of the tree being analysed on this thread.
struct TreeIndex {
    tree: *const tree_sitter::ffi::TSTree,
    /// Distinguishes one indexing from the next (memos keyed by node id use it).
    generation: u64,
    /// `(start byte, end byte, node)` of each child of the root, in order.
    statements: Vec<(usize, usize, TSNode)>,
    /// The last path walked down, from a top-level statement to the last node asked about.
    finger: RefCell<Vec<Rc<PathLink>>>,
    /// Values computed once per node while the index lives ([`memoized`]).
    memos: RefCell<HashMap<(TypeId, usize), Rc<dyn Any>>>,
}

thread_local! {
    static INDEX: RefCell<Option<TreeIndex>> = const { RefCell::new(None) };
}

/// Keeps a tree indexed on this thread (see [`index_tree`]) until dropped, then restores the
/// index that was there before. Not `Send`: it must be dropped on the thread that made it.
#[must_use = "the index lasts as long as the guard"]
pub struct TreeIndexGuard<'t> {
    /// The index to restore; `None` when the tree was already indexed (nothing to undo).
    previous: Option<Option<TreeIndex>>,
    _tree: std::marker::PhantomData<(&'t tree_sitter::Tree, *const ())>,
}

impl Drop for TreeIndexGuard<'_> {
    fn drop(&mut self) {
        if let Some(previous) = self.previous.take() {
            INDEX.with(|index| *index.borrow_mut() = previous);
        }
    }
}

/// Indexes `tree` on this thread for as long as the guard lives, which makes [`ancestors`] and
/// [`parent`] cost the distance from the last node asked about instead of a walk down from the
/// root, and keeps [`memoized`] values. Purely an optimisation: nodes of any other tree take
/// the ordinary path.
pub fn index_tree(tree: &tree_sitter::Tree) -> TreeIndexGuard<'_> {
    static GENERATIONS: std::sync::atomic::AtomicU64 = std::sync::atomic::AtomicU64::new(1);
    let root = tree.root_node();
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
    let index = TreeIndex {
        tree: root.into_raw().tree,
        generation: GENERATIONS.fetch_add(1, std::sync::atomic::Ordering::Relaxed),
        statements,
        finger: RefCell::new(Vec::new()),
        memos: RefCell::new(HashMap::new()),
    };
    let previous = INDEX.with(|slot| slot.borrow_mut().replace(index));
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

/// `compute()` for `node`, computed once while `node`'s tree stays indexed on this thread (and
/// each time when it is not). `T` tells memos of different kinds apart; `compute` may use
/// other memos.
pub fn memoized<T: 'static>(node: Node, compute: impl FnOnce() -> T) -> Rc<T> {
    let key = (TypeId::of::<T>(), node.id());
    let known = with_index(node, |index| index.memos.borrow().get(&key).cloned());
    if let Some(value) = known.and_then(|value| value.downcast::<T>().ok()) {
        return value;
    }
    let value = Rc::new(compute());
    let shared: Rc<dyn Any> = value.clone();
    with_index(node, |index| index.memos.borrow_mut().insert(key, shared));
    value
}

/// `f` of this thread's index, when it indexes `node`'s tree.
fn with_index<R>(node: Node, f: impl FnOnce(&TreeIndex) -> Option<R>) -> Option<R> {
    let tree = node.into_raw().tree;
    INDEX.with(|slot| {
        slot.borrow()
            .as_ref()
            .filter(|index| index.tree == tree)
            .and_then(f)
    })
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

/// Ancestors of `node`, nearest first, excluding `node` itself.
///
/// In tree-sitter 0.25 `Node::parent` walks down from the root on every call, so climbing
/// with it costs one descent per ancestor. This walks down once with `child_with_descendant`
/// (the step `parent` itself repeats), from the finger while the tree is indexed, else from
/// the root.
pub fn ancestors(node: Node<'_>) -> Ancestors<'_> {
    let root = tree_root(node);
    if root.id() == node.id() {
        return Ancestors(Chain::Walked(Vec::new().into_iter()));
    }
    match path_to(node) {
        Some(link) => Ancestors(Chain::Linked {
            next: link.parent.clone(),
            root: Some(root),
        }),
        None => {
            let mut chain = Vec::with_capacity(16);
            chain.push(root);
            descend_below(root, node, |ancestor| chain.push(ancestor));
            chain.reverse();
            Ancestors(Chain::Walked(chain.into_iter()))
        }
    }
}

/// The iterator [`ancestors`] returns.
pub struct Ancestors<'t>(Chain<'t>);

enum Chain<'t> {
    /// Up the finger's links, then the root.
    Linked {
        next: Option<Rc<PathLink>>,
        root: Option<Node<'t>>,
    },
    /// A chain walked down from the root (an unindexed tree), nearest first.
    Walked(std::vec::IntoIter<Node<'t>>),
}

impl<'t> Iterator for Ancestors<'t> {
    type Item = Node<'t>;

    fn next(&mut self) -> Option<Node<'t>> {
        match &mut self.0 {
            Chain::Linked { next, root } => match next.take() {
                Some(link) => {
                    *next = link.parent.clone();
                    // SAFETY: links hold nodes of the indexed tree, which the node this
                    // iterator started from borrows for 't.
                    Some(unsafe { Node::from_raw(link.node) })
                }
                None => root.take(),
            },
            Chain::Walked(chain) => chain.next(),
        }
    }
}

/// The parent of `node`: [`Node::parent`], but fast while the tree is indexed.
pub fn parent(node: Node) -> Option<Node> {
    let root = tree_root(node);
    if root.id() == node.id() {
        return None;
    }
    match path_to(node) {
        // SAFETY: as in `Ancestors::next`.
        Some(link) => Some(
            link.parent
                .as_ref()
                .map_or(root, |parent| unsafe { Node::from_raw(parent.node) }),
        ),
        None => {
            let mut parent = root;
            descend_below(root, node, |ancestor| parent = ancestor);
            Some(parent)
        }
    }
}

/// The link of `node` on the finger, which is moved to pass through `node` (kept below it when
/// it already did); `None` when the tree is not indexed or the way down is ambiguous (a
/// zero-width node on a statement's edge), which sends the caller down the ordinary path from
/// the root.
fn path_to(node: Node) -> Option<Rc<PathLink>> {
    let (start, end) = (node.start_byte(), node.end_byte());
    with_index(node, |index| {
        let mut finger = index.finger.borrow_mut();
        // The finger's ranges nest, so the nodes that surely hold `node` are a prefix of it.
        let holding = finger.partition_point(|link| surely_holds(link, start, end));
        // `node` itself may be on the finger, after the ancestors of the same extent.
        let on_finger = finger[holding..]
            .iter()
            .take_while(|link| (link.start, link.end) == (start, end))
            .position(|link| link.node.id as usize == node.id());
        if let Some(offset) = on_finger {
            // Left as it is: the nodes below it are where the next questions usually are (a
            // rule asks about a call, then about its function, then about the next call).
            return Some(finger[holding + offset].clone());
        }
        finger.truncate(holding);
        let mut current = match finger.last() {
            // SAFETY: a node of the indexed tree, which `node` borrows.
            Some(link) => unsafe { Node::from_raw(link.node) },
            None => {
                let statement = statement_in(index, start, end)?;
                finger.push(link(statement, None));
                statement
            }
        };
        while current.id() != node.id() {
            current = current.child_with_descendant(node)?;
            let parent = finger.last().cloned();
            finger.push(link(current, parent));
        }
        finger.last().cloned()
    })
}

fn link(node: Node, parent: Option<Rc<PathLink>>) -> Rc<PathLink> {
    Rc::new(PathLink {
        node: node.into_raw(),
        start: node.start_byte(),
        end: node.end_byte(),
        parent,
    })
}

/// Whether the node of `link` is a proper ancestor of every node spanning `start..end`: nodes
/// nest, and siblings do not overlap, so a node whose extent holds another's and is larger is
/// its ancestor, except for a zero-width node on its edge (which may belong to a neighbour).
fn surely_holds(link: &PathLink, start: usize, end: usize) -> bool {
    let inside = link.start <= start && end <= link.end;
    let larger = (link.start, link.end) != (start, end);
    let on_edge = start == end && (start == link.start || end == link.end);
    inside && larger && !on_edge
}

/// The children of `root` (a tree's root node), from the index when the tree is indexed.
pub fn top_level_statements(root: Node) -> Vec<Node> {
    let indexed = with_index(root, |index| {
        Some(index.statements.iter().map(|s| s.2).collect::<Vec<_>>())
    });
    match indexed {
        // SAFETY: nodes of `root`'s (borrowed) tree, from its index.
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

/// The child of the root that holds `node`, or `node` itself when it is the root or a child
/// of it.
pub fn top_level_ancestor(node: Node) -> Node {
    let (start, end) = (node.start_byte(), node.end_byte());
    if let Some(statement) = with_index(node, |index| statement_in(index, start, end)) {
        return statement;
    }
    let root = tree_root(node);
    let mut below_root = node;
    for ancestor in ancestors(node) {
        if ancestor.id() == root.id() {
            break;
        }
        below_root = ancestor;
    }
    below_root
}

/// The smallest node of `root`'s tree that spans `start..end`: [`Node::descendant_for_byte_range`]
/// on the root, but while the tree is indexed starting at the deepest node of the finger that
/// holds the range (else the top-level statement that does), and leaving the finger at the node
/// found: the analysis looks up the words it searches for in document order, and a walk from
/// the root per word cost the depth of the nesting each (quadratic in a deeply nested file).
#[allow(clippy::disallowed_methods)] // from the finger: the fast path itself
pub fn descendant_for_byte_range(root: Node, start: usize, end: usize) -> Option<Node> {
    let from = with_index(root, |index| {
        let finger = index.finger.borrow();
        let holding = finger.partition_point(|link| unambiguously_holds(link, start, end));
        match holding.checked_sub(1) {
            // SAFETY: a node of the indexed tree, which `root` borrows.
            Some(deepest) => Some(unsafe { Node::from_raw(finger[deepest].node) }),
            None => statement_in(index, start, end),
        }
    });
    let found = from.unwrap_or(root).descendant_for_byte_range(start, end)?;
    if from.is_some() {
        path_to(found);
    }
    Some(found)
}

/// Whether the descent from the root to the smallest node spanning `start..end` surely passes
/// through the node of `link`: it spans the range, and an empty range is not on its edge
/// (where a neighbour may take it). Siblings do not overlap, so no earlier sibling can span a
/// range inside this one.
fn unambiguously_holds(link: &PathLink, start: usize, end: usize) -> bool {
    let inside = link.start <= start && end <= link.end;
    inside && (start < end || (link.start < start && end < link.end))
}

/// The child of the root that holds the bytes `start..end`, when the answer is unambiguous.
fn statement_in<'t>(index: &TreeIndex, start: usize, end: usize) -> Option<Node<'t>> {
    let after = index.statements.partition_point(|s| s.0 <= start);
    let &(first, last, raw) = index.statements.get(after.checked_sub(1)?)?;
    // An empty range on a statement's edge (a zero-width node) could belong to either
    // neighbour; let tree-sitter decide those.
    let inside = first <= start && end <= last && (start < end || (first < start && end < last));
    // SAFETY: `raw` was taken from the index of the tree the caller's node borrows, so it is
    // valid for that node's lifetime; the index itself lives only while a `TreeIndexGuard`
    // borrows the tree.
    inside.then(|| unsafe { Node::from_raw(raw) })
}

/// Visits each node below `root` on the way down to `node`, excluding both.
fn descend_below<'t>(root: Node<'t>, node: Node<'t>, mut visit: impl FnMut(Node<'t>)) {
    let mut current = root;
    while let Some(child) = current.child_with_descendant(node) {
        if child.id() == node.id() {
            break;
        }
        visit(child);
        current = child;
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::language::{parse, Lang};

    /// Every node's ancestors and parent, from the fast paths, equal `Node::parent`'s chain,
    /// whatever order the nodes are asked about in.
    #[allow(clippy::disallowed_methods)] // the reference the fast paths must equal
    fn assert_parent_chains(source: &str, lang: Lang, indexed: bool) {
        let tree = parse(lang, source, None);
        let _index = indexed.then(|| index_tree(&tree));
        assert_eq!(indexed_generation(tree.root_node()).is_some(), indexed);
        let mut cursor = tree.walk();
        let mut nodes = vec![];
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            nodes.push(node);
            stack.extend(node.children(&mut cursor));
        }
        // Document order, the stack's order, and a scattered order that jumps up and down.
        let mut orders = vec![nodes.clone()];
        nodes.sort_by_key(|n| (n.start_byte(), std::cmp::Reverse(n.end_byte())));
        orders.push(nodes.clone());
        let n = nodes.len();
        orders.push((0..n).map(|i| nodes[(i * 7919) % n.max(1)]).collect());
        for order in orders {
            for node in order {
                let expected: Vec<usize> = std::iter::successors(node.parent(), |n| n.parent())
                    .map(|n| n.id())
                    .collect();
                let actual: Vec<usize> = ancestors(node).map(|n| n.id()).collect();
                assert_eq!(
                    actual,
                    expected,
                    "{} at {:?}",
                    node.kind(),
                    node.byte_range()
                );
                assert_eq!(parent(node).map(|n| n.id()), expected.first().copied());
                let below_root = expected
                    .len()
                    .checked_sub(2)
                    .map_or(node.id(), |i| expected[i]);
                assert_eq!(top_level_ancestor(node).id(), below_root);
                // Lookups by range, from wherever the finger was left, equal the root's.
                let (start, end) = (node.start_byte(), node.end_byte());
                for (start, end) in [(start, end), (start, start), (end, end)] {
                    let root = tree.root_node();
                    let expected = root.descendant_for_byte_range(start, end).map(|n| n.id());
                    let actual = descendant_for_byte_range(root, start, end).map(|n| n.id());
                    assert_eq!(actual, expected, "{start}..{end}");
                }
            }
        }
    }

    #[test]
    fn ancestors_are_the_parent_chain() {
        let sources = [
            "class A { m(x) { for (const y of x) { cio.track(y.id, { at: Date.now() }); } } }\nconst b = () => [1, { c: 2 }];",
            // Comments, empty statements and a missing semicolon at top level.
            "// lead\n;;\nconst a = 1\n/* c */ function f() { return a }\nexport { f };\n",
            // Broken syntax: ERROR and MISSING nodes at top level and inside.
            "const a = ;\nfunction (\ncio.track(\n",
            "function f() { if (a) { g(( } }\nx\n",
            // Nodes of the same extent stacked (`x` is an expression statement, an
            // identifier), and deep nesting.
            "x\nf(((((a)))))\nif (a) { if (b) { if (c) { t(1) } t(2) } t(3) }\n",
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
    fn an_ancestors_iterator_keeps_its_chain_while_the_finger_moves() {
        let source = "function f() { if (a) { g(1); } }\nfunction h() { k(2); }\n";
        let tree = parse(Lang::JavaScript, source, None);
        let _index = index_tree(&tree);
        let root = tree.root_node();
        let one = descendant_for_byte_range(root, 26, 27).unwrap();
        let two = descendant_for_byte_range(root, 52, 53).unwrap();
        let mut first = ancestors(one);
        let nearest = first.next().unwrap();
        // Asking about a node elsewhere moves the finger to another statement.
        assert!(ancestors(two).count() > 2);
        #[allow(clippy::disallowed_methods)] // a test: plain kinds
        let rest: Vec<&str> = first.map(|n| n.kind()).collect();
        #[allow(clippy::disallowed_methods)]
        let nearest = nearest.kind();
        assert_eq!(nearest, "arguments");
        assert_eq!(
            rest,
            [
                "call_expression",
                "expression_statement",
                "statement_block",
                "if_statement",
                "statement_block",
                "function_declaration",
                "program"
            ]
        );
    }

    #[test]
    fn a_path_50_000_deep_is_walked_and_dropped_without_recursion() {
        let depth = 50_000;
        let source = format!("x = {}1{};", "(".repeat(depth), ")".repeat(depth));
        let tree = parse(Lang::JavaScript, &source, None);
        let index = index_tree(&tree);
        let root = tree.root_node();
        let leaf = descendant_for_byte_range(root, depth + 4, depth + 5).unwrap();
        assert!(ancestors(leaf).count() > depth);
        drop(index); // The finger, 50,000 links, goes with the index.
    }

    #[test]
    fn memos_last_as_long_as_the_index() {
        let tree = parse(Lang::JavaScript, "a(); b();", None);
        let root = tree.root_node();
        let computed = std::cell::Cell::new(0);
        let count = || {
            computed.set(computed.get() + 1);
            computed.get()
        };
        {
            let _index = index_tree(&tree);
            assert_eq!(*memoized(root, count), 1);
            assert_eq!(*memoized(root, count), 1, "kept while indexed");
            assert_eq!(*memoized(root, || "other kind"), "other kind");
        }
        assert_eq!(
            *memoized(root, count),
            2,
            "computed each time when not indexed"
        );
        let _index = index_tree(&tree);
        assert_eq!(
            *memoized(root, count),
            3,
            "a new index starts without memos"
        );
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
