//! The value service's memo: answers per node for the tree being analysed on this thread,
//! and the search budget of its lookups, kept while the tree stays indexed
//! ([`syntax::index_tree`]) and dropped as soon as another tree or other bindings ask. The
//! two modes (parameters followed or not) keep their answers side by side.

use std::cell::RefCell;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::context::ValueContext;
use super::value::Values;
use crate::analysis::syntax;

/// What a memo is valid for: one indexing of one tree and one set of bindings (`file`), and
/// the mode its answers are for.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) struct Key {
    pub(super) file: (u64, u64),
    follow_parameters: bool,
}

#[derive(Default)]
pub(super) struct Memo {
    file: Option<(u64, u64)>,
    /// By node id and mode.
    values: FxHashMap<(usize, bool), Rc<Values>>,
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
    Some(Key {
        file: (generation, cx.bindings.memo_id()),
        follow_parameters: cx.follow_parameters,
    })
}

fn with<R>(key: Key, f: impl FnOnce(&mut Memo) -> R) -> R {
    MEMO.with(|memo| {
        let mut memo = memo.borrow_mut();
        if memo.file != Some(key.file) {
            *memo = Memo {
                file: Some(key.file),
                ..Memo::default()
            };
        }
        f(&mut memo)
    })
}

/// The memoised values of node `id`.
pub(super) fn values(key: Option<Key>, id: usize) -> Option<Rc<Values>> {
    let key = key?;
    with(key, |memo| {
        memo.values.get(&(id, key.follow_parameters)).cloned()
    })
}

pub(super) fn remember(key: Option<Key>, id: usize, values: &Rc<Values>) {
    if let Some(key) = key {
        with(key, |memo| {
            memo.values
                .insert((id, key.follow_parameters), values.clone())
        });
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
