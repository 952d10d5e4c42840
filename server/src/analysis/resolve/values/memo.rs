//! The value service's memo: answers per node for the tree being analysed on this thread,
//! and the search budget of its lookups, kept while the tree stays indexed
//! ([`syntax::index_tree`]) and dropped as soon as another tree, other bindings or another
//! mode asks.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::context::ValueContext;
use super::value::Values;
use crate::analysis::syntax;

/// What a memo is valid for: one indexing of one tree, one set of bindings, one mode.
pub(super) type Key = (u64, u64, bool);

#[derive(Default)]
pub(super) struct Memo {
    key: Option<Key>,
    /// By node id.
    values: FxHashMap<usize, Rc<Values>>,
    /// Bytes of text searched for names so far (see [`may_search`]).
    searched: usize,
}

thread_local! {
    static MEMO: RefCell<Memo> = RefCell::new(Memo::default());
}

/// The key of `node`'s tree and `cx`, or `None` when the tree is not indexed (node ids are
/// then not known to stay unique, and nothing is memoised).
pub(super) fn key_of(node: Node, cx: &ValueContext) -> Option<Key> {
    let generation = syntax::indexed_generation(node)?;
    Some((generation, cx.bindings.memo_id(), cx.follow_parameters))
}

fn with<R>(key: Key, f: impl FnOnce(&mut Memo) -> R) -> R {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.key != Some(key) {
            *memo = Memo {
                key: Some(key),
                ..Memo::default()
            };
        }
        f(&mut memo)
    })
}

/// The memoised values of node `id`.
pub(super) fn values(key: Option<Key>, id: usize) -> Option<Rc<Values>> {
    with(key?, |memo| memo.values.get(&id).cloned())
}

pub(super) fn remember(key: Option<Key>, id: usize, values: &Rc<Values>) {
    if let Some(key) = key {
        with(key, |memo| memo.values.insert(id, values.clone()));
    }
}

/// Whether the lookups may search `bytes` more of `source` for a name (a scope for a
/// declaration, a file for call sites), counting them. Each lookup searches text in
/// proportion to a scope, so a file that asks about many names in one huge statement would
/// cost time quadratic in its length; past a budget proportional to the file's length the
/// lookups answer "unknown" instead. Unindexed trees (one-off questions) are not counted.
pub(super) fn may_search(node: Node, cx: &ValueContext, bytes: usize) -> bool {
    let Some(key) = key_of(node, cx) else {
        return true;
    };
    let budget = SEARCH_BUDGET_PER_BYTE * cx.source.len() + SEARCH_BUDGET_BASE;
    with(key, |memo| {
        memo.searched = memo.searched.saturating_add(bytes);
        memo.searched <= budget
    })
}

/// The search budget: this many times the file's length…
const SEARCH_BUDGET_PER_BYTE: usize = 16;
/// …plus this much (small files ask little and may search their few scopes freely).
const SEARCH_BUDGET_BASE: usize = 1 << 22;
