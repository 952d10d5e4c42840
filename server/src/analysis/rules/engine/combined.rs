//! Several rules' patterns compiled as one query ([`CombinedQuery`]), run over ranges of a
//! tree from the highest node that can root a pattern, handing each match whose predicates
//! hold to its rule.

use std::collections::HashSet;
use std::ops::Range;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Node, Query, QueryCursor, QueryCursorOptions, QueryCursorState, Tree};

use super::budget::{limited_cursor, QueryBudget};
use super::hit::Hit;
use super::patterns::root_names;
use super::predicates::{cio_predicates, predicate_holds, CioPredicate, Resolved};
use crate::analysis::resolve::Bindings;
use crate::analysis::syntax::{self, Lang};

/// Several rules' patterns compiled as one query.
pub struct CombinedQuery {
    pub query: Query,
    /// For each pattern of `query`: the index of its rule in the list it was built from, and
    /// the pattern's index within that rule's own file.
    pub(in crate::analysis::rules) pattern_owner: Vec<(usize, usize)>,
    predicates: Vec<Vec<CioPredicate>>,
    /// By node kind id: whether some pattern's root node can have that kind. `None` when a
    /// pattern's root is not a plain named kind (wildcard, supertype, group, non-local): then
    /// every range is queried from the tree's root.
    pub(in crate::analysis::rules) pattern_roots: Option<Vec<bool>>,
}

/// A pattern's compile error, attributed to the rule's source.
#[derive(Debug, Clone)]
pub struct QueryError {
    pub rule_index: usize,
    pub message: String,
}

impl CombinedQuery {
    /// Compiles `sources` (one `.scm` text per rule) as one query. Each source is compiled on
    /// its own first so that a bad one is reported with its rule and left out.
    pub fn build(lang: Lang, sources: &[&str]) -> (CombinedQuery, Vec<QueryError>) {
        // Compiling a query is the costly part (tens of milliseconds per grammar), so the
        // common case where every source is valid compiles only once; patterns are attributed
        // to their source by their start byte.
        if let Some(query) = Self::build_at_once(lang, sources) {
            return (query, Vec::new());
        }
        let grammar = lang.grammar();
        let mut combined_source = String::new();
        let mut pattern_owner = Vec::new();
        let mut errors = Vec::new();
        for (rule_index, source) in sources.iter().enumerate() {
            match Query::new(&grammar, source) {
                Ok(query) => {
                    pattern_owner.extend((0..query.pattern_count()).map(|p| (rule_index, p)));
                    combined_source.push_str(source);
                    combined_source.push('\n');
                }
                Err(error) => errors.push(QueryError {
                    rule_index,
                    message: format!("{error}"),
                }),
            }
        }
        let query = Query::new(&grammar, &combined_source)
            .expect("queries that compile alone compile together");
        let predicates = (0..query.pattern_count())
            .map(|pattern| cio_predicates(&query, pattern))
            .collect();
        let pattern_roots = pattern_root_kinds(&query, &combined_source, &grammar);
        (
            CombinedQuery {
                query,
                pattern_owner,
                predicates,
                pattern_roots,
            },
            errors,
        )
    }

    /// All `sources` compiled in one go, or `None` when one of them does not compile.
    fn build_at_once(lang: Lang, sources: &[&str]) -> Option<CombinedQuery> {
        let mut combined_source = String::new();
        let mut source_starts = Vec::with_capacity(sources.len());
        for source in sources {
            source_starts.push(combined_source.len());
            combined_source.push_str(source);
            combined_source.push('\n');
        }
        let query = Query::new(&lang.grammar(), &combined_source).ok()?;
        let mut pattern_owner: Vec<(usize, usize)> = Vec::with_capacity(query.pattern_count());
        for pattern in 0..query.pattern_count() {
            let start = query.start_byte_for_pattern(pattern);
            let owner = source_starts.partition_point(|&s| s <= start) - 1;
            let within = match pattern_owner.last() {
                Some(&(previous, index)) if previous == owner => index + 1,
                _ => 0,
            };
            pattern_owner.push((owner, within));
        }
        let predicates = (0..query.pattern_count())
            .map(|pattern| cio_predicates(&query, pattern))
            .collect();
        let pattern_roots = pattern_root_kinds(&query, &combined_source, &lang.grammar());
        Some(CombinedQuery {
            query,
            pattern_owner,
            predicates,
            pattern_roots,
        })
    }

    /// Runs the query over `ranges` of `tree` (or the whole tree when `ranges` is `None`),
    /// keeping the matches whose `#cio-…?` predicates hold, and hands each to `on_match`
    /// with its rule index and the pattern's index within the rule. Stops when `budget` is
    /// spent (then [`QueryBudget::exhausted`] says so).
    pub fn for_each_match<'t>(
        &self,
        tree: &'t Tree,
        source: &str,
        bindings: &Bindings,
        ranges: Option<&[Range<usize>]>,
        budget: &QueryBudget,
        mut on_match: impl FnMut(usize, Hit<'t, '_>),
    ) {
        let whole = 0..source.len();
        let ranges = ranges.unwrap_or(std::slice::from_ref(&whole));
        let mut runner = Runner::new(source, bindings, ranges.len() > 1, budget);
        let root = tree.root_node();
        for range in ranges {
            if let Some(start) = self.start_node(root, range) {
                self.run(&mut runner, start, range, &mut on_match);
            }
        }
    }

    /// The matches of the query started at `start` that intersect `range`, while the
    /// runner's budget lasts.
    pub(super) fn run<'t>(
        &self,
        runner: &mut Runner,
        start: Node<'t>,
        range: &Range<usize>,
        on_match: &mut impl FnMut(usize, Hit<'t, '_>),
    ) {
        let Runner {
            cursor,
            source,
            bindings,
            seen,
            budget,
        } = runner;
        if budget.exhausted() {
            return;
        }
        let names = self.query.capture_names();
        cursor.set_byte_range(range.clone());
        let budget: &QueryBudget = budget;
        let mut out_of_time = |_: &QueryCursorState| budget.spent();
        let options = QueryCursorOptions::new().progress_callback(&mut out_of_time);
        let mut matches =
            cursor.matches_with_options(&self.query, start, source.as_bytes(), options);
        let mut resolved = Resolved::default();
        loop {
            budget.start_search();
            let next = matches.next();
            budget.end_search();
            let Some(m) = next else {
                break;
            };
            let pattern = m.pattern_index;
            if !self.predicates[pattern]
                .iter()
                .all(|p| predicate_holds(p, m.captures, bindings, source, &mut resolved))
            {
                continue;
            }
            let (rule_index, rule_pattern) = self.pattern_owner[pattern];
            if !seen.first_time(rule_index, rule_pattern, m.captures) {
                continue;
            }
            let captures = m
                .captures
                .iter()
                .map(|c| (names[c.index as usize], c.node))
                .collect();
            on_match(
                rule_index,
                Hit {
                    pattern: rule_pattern,
                    captures,
                },
            );
        }
    }
}

/// What the query runs over one file's ranges share.
pub(super) struct Runner<'a> {
    cursor: QueryCursor,
    source: &'a str,
    bindings: &'a Bindings,
    seen: Seen,
    budget: &'a QueryBudget,
}

impl<'a> Runner<'a> {
    pub(super) fn new(
        source: &'a str,
        bindings: &'a Bindings,
        ranges_may_overlap: bool,
        budget: &'a QueryBudget,
    ) -> Runner<'a> {
        Runner {
            cursor: limited_cursor(),
            source,
            bindings,
            seen: Seen::new(ranges_may_overlap),
            budget,
        }
    }
}

/// The matches already handed out, when the ranges queried may overlap: a match whose root
/// holds two ranges is found from both. Keyed by rule and pattern within the rule, so that
/// matches of the same pattern compiled into different queries compare equal.
struct Seen {
    matches: Option<HashSet<(usize, usize, Vec<usize>)>>,
}

impl Seen {
    fn new(ranges_may_overlap: bool) -> Seen {
        Seen {
            matches: ranges_may_overlap.then(HashSet::new),
        }
    }

    fn first_time(
        &mut self,
        rule: usize,
        pattern: usize,
        captures: &[tree_sitter::QueryCapture],
    ) -> bool {
        let Some(matches) = &mut self.matches else {
            return true;
        };
        matches.insert((
            rule,
            pattern,
            captures.iter().map(|c| c.node.id()).collect(),
        ))
    }
}

impl CombinedQuery {
    /// Where to start the query for `range`: the highest node on the path from `root` down to
    /// the range whose kind can root a pattern (or the range's own node). Nothing above it can
    /// be a match's root, so the matches are those of a query started at `root`; but a query
    /// cursor started at `root` enters, in full, every earlier sibling on the way down (every
    /// preceding top-level statement, class member, …), which cost more than the matching
    /// itself on files with many client calls.
    fn start_node<'t>(&self, root: Node<'t>, range: &Range<usize>) -> Option<Node<'t>> {
        let Some(roots) = &self.pattern_roots else {
            return Some(root);
        };
        let Some(target) = syntax::descendant_for_byte_range(root, range.start, range.end) else {
            return Some(root);
        };
        let can_root = |node: Node| roots.get(node.kind_id() as usize).copied().unwrap_or(true);
        let mut node = root;
        while node.id() != target.id() && !can_root(node) {
            match node.child_with_descendant(target) {
                Some(child) => node = child,
                None => return Some(root),
            }
        }
        Some(node)
    }
}

impl CombinedQuery {
    /// Where to start the query for a mention, given the `path` from the mention's node up
    /// to its statement: the highest node on it whose kind can root a pattern. One climb
    /// gives the whole path; each cursor entry costs about as much as parsing a node, so the
    /// siblings of non-root levels are worth skipping. `None` when no node on the path can
    /// root a pattern (an import or a type annotation naming a client): no match there.
    pub(super) fn start_on_path<'t>(&self, path: &[Node<'t>]) -> Option<Node<'t>> {
        let target = *path.first()?;
        let Some(roots) = &self.pattern_roots else {
            return Some(syntax::tree_root(target));
        };
        let can_root = |node: &&Node| roots.get(node.kind_id() as usize).copied().unwrap_or(true);
        // Below a leaf nothing can start; below an inner node something still might.
        path.iter()
            .rev()
            .find(can_root)
            .copied()
            .or_else(|| (target.child_count() > 0).then_some(target))
    }
}

/// For [`CombinedQuery::start_node`]: by node kind id, whether a pattern of `query` can be
/// rooted at a node of that kind, read from each pattern's source text (tree-sitter does not
/// expose pattern roots). `None` when some pattern's root cannot be read as plain named kinds:
/// a wildcard, a supertype, an anonymous node, a group of siblings, or a non-local pattern.
fn pattern_root_kinds(query: &Query, source: &str, grammar: &Language) -> Option<Vec<bool>> {
    let mut roots = vec![false; grammar.node_kind_count()];
    for pattern in 0..query.pattern_count() {
        if !query.is_pattern_rooted(pattern) || query.is_pattern_non_local(pattern) {
            return None;
        }
        let text = source.get(query.start_byte_for_pattern(pattern)..)?;
        for name in root_names(text)? {
            let ids: Vec<u16> = (0..grammar.node_kind_count() as u16)
                .filter(|&id| {
                    grammar.node_kind_is_named(id) && grammar.node_kind_for_id(id) == Some(name)
                })
                .collect();
            if ids.is_empty() || ids.iter().any(|id| grammar.supertypes().contains(id)) {
                return None;
            }
            for id in ids {
                roots[id as usize] = true;
            }
        }
    }
    Some(roots)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn patterns_are_attributed_to_their_source_with_or_without_a_broken_one() {
        let two = "(identifier) @a\n; a comment\n(number) @b\n";
        let none = "; only a comment\n";
        let one = "(string) @c\n";
        let (query, errors) = CombinedQuery::build(Lang::TypeScript, &[two, none, one]);
        assert!(errors.is_empty());
        assert_eq!(query.pattern_owner, [(0, 0), (0, 1), (2, 0)]);

        let broken = "(no_such_node) @x\n";
        let (query, errors) = CombinedQuery::build(Lang::TypeScript, &[two, broken, one]);
        assert_eq!(errors.len(), 1);
        assert_eq!(errors[0].rule_index, 1);
        assert_eq!(query.pattern_owner, [(0, 0), (0, 1), (2, 0)]);
    }

    #[test]
    fn a_supertype_or_wildcard_root_queries_from_the_tree_root() {
        let grammar = Lang::TypeScript.grammar();
        let build = |source: &str| {
            let query = Query::new(&grammar, source).unwrap();
            pattern_root_kinds(&query, source, &grammar)
        };
        assert!(build("(pair) @p\n(object) @o").is_some());
        assert!(build("(expression) @e").is_none());
        assert!(build("(_) @any").is_none());
    }
}
