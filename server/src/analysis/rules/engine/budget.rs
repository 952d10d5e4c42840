//! What a query may spend on one file. The rules' queries come partly from the repository
//! (user rules), and a pattern with nested quantifiers (`(_)* @a (_)* @b (_)* @c`) matches in
//! time polynomial in a node's children: on a thousand-line file, minutes. Every query run
//! therefore carries a [`QueryBudget`]: tree-sitter's match limit bounds the matches kept in
//! progress at once, and the cursor's progress callback stops the run once the file's time is
//! spent. The caller reads [`QueryBudget::exhausted`] and says so.

use std::cell::Cell;
use std::time::{Duration, Instant};

use tree_sitter::QueryCursor;

/// The time a file's queries may take when the configuration says nothing
/// (`query_budget_ms`): about a hundred times what the built-in rules take on a dense
/// thousand-line file.
pub const DEFAULT_QUERY_BUDGET: Duration = Duration::from_millis(500);

/// How many matches tree-sitter keeps in progress at once; past it, the oldest are dropped.
/// The built-in patterns keep a handful; a pattern of nested quantifiers, one per way to split
/// a node's children.
pub const MATCH_LIMIT: u32 = 1_000;

/// One file's allowance for one set of queries (the built-in rules; the user rules). Only the
/// time tree-sitter spends looking for matches counts: not compiling a query on first use (a
/// selection of the built-in patterns, a shared query: longer than running it on a small
/// file), nor the rules' checks of each match.
#[derive(Debug)]
pub struct QueryBudget {
    allowance: Duration,
    /// Time spent in searches that have ended.
    used: Cell<Duration>,
    /// When the search in progress started.
    searching_since: Cell<Option<Instant>>,
    exhausted: Cell<bool>,
}

impl QueryBudget {
    /// An allowance of `time` of searching.
    pub fn new(time: Duration) -> QueryBudget {
        QueryBudget {
            allowance: time,
            used: Cell::new(Duration::ZERO),
            searching_since: Cell::new(None),
            exhausted: Cell::new(false),
        }
    }

    /// Whether a run stopped because the time was spent: its matches are incomplete.
    pub fn exhausted(&self) -> bool {
        self.exhausted.get()
    }

    /// The cursor starts looking for the next match: its time counts from now.
    pub(super) fn start_search(&self) {
        self.searching_since.set(Some(Instant::now()));
    }

    /// The cursor found a match or the end.
    pub(super) fn end_search(&self) {
        if let Some(since) = self.searching_since.take() {
            self.used
                .set(self.used.get().saturating_add(since.elapsed()));
        }
    }

    /// Whether the time is spent (asked by the cursor every hundred steps); remembers it.
    pub(super) fn spent(&self) -> bool {
        if !self.exhausted.get() {
            let searching = self
                .searching_since
                .get()
                .map_or(Duration::ZERO, |s| s.elapsed());
            self.exhausted
                .set(self.used.get().saturating_add(searching) >= self.allowance);
        }
        self.exhausted.get()
    }
}

/// A cursor with the match limit set.
pub(super) fn limited_cursor() -> QueryCursor {
    let mut cursor = QueryCursor::new();
    cursor.set_match_limit(MATCH_LIMIT);
    cursor
}
