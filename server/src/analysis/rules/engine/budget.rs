//! What a query may spend on one file. The rules' queries come partly from the repository
//! (user rules), and a pattern with nested quantifiers (`(_)* @a (_)* @b (_)* @c`) matches in
//! time polynomial in a node's children: on a thousand-line file, minutes. Every query run
//! therefore carries a [`QueryBudget`]: tree-sitter's match limit bounds the matches kept in
//! progress at once, and the cursor's progress callback stops the run once the file's time is
//! spent. The caller reads [`QueryBudget::exhausted`] and says so.

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

/// One file's allowance for one set of queries (the built-in rules; the user rules).
#[derive(Debug)]
pub struct QueryBudget {
    /// `None` when the allowance is too large to count (`u64::MAX` milliseconds).
    deadline: Option<Instant>,
    exhausted: bool,
}

impl QueryBudget {
    /// An allowance of `time`, starting now.
    pub fn new(time: Duration) -> QueryBudget {
        QueryBudget {
            deadline: Instant::now().checked_add(time),
            exhausted: false,
        }
    }

    /// Whether a run stopped because the time was spent: its matches are incomplete.
    pub fn exhausted(&self) -> bool {
        self.exhausted
    }

    /// Whether the time is spent (checked by the cursor every hundred steps); remembers it.
    pub(super) fn spent(&mut self) -> bool {
        if !self.exhausted && self.deadline.is_some_and(|at| Instant::now() >= at) {
            self.exhausted = true;
        }
        self.exhausted
    }
}

/// A cursor with the match limit set.
pub(super) fn limited_cursor() -> QueryCursor {
    let mut cursor = QueryCursor::new();
    cursor.set_match_limit(MATCH_LIMIT);
    cursor
}
