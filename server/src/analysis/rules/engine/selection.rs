//! The built-in rules' patterns, compiled by selection ([`BuiltinQuery`]): each client mention
//! runs only the patterns that can match around it.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::{Arc, OnceLock, RwLock};

use tree_sitter::{Node, Query, Tree};

use super::budget::QueryBudget;
use super::combined::{CombinedQuery, QueryError, Runner};
use super::hit::Hit;
use super::patterns::{required_methods, split_patterns};
use crate::analysis::resolve::Bindings;
use crate::analysis::syntax::{self, KindExt, Lang};

/// Where the built-in query runs: the statements that mention a client, and the mentions
/// themselves (client, constructor and helper names), each sorted and non-overlapping; and the
/// mentions of what may route a call to Customer.io another way (an HTTP client's name),
/// around which only the routed patterns run.
#[derive(Debug, Clone, Copy)]
pub struct QueryRanges<'r> {
    pub statements: &'r [Range<usize>],
    pub mentions: &'r [Range<usize>],
    pub routed_mentions: &'r [Range<usize>],
}

/// The built-in rules' patterns, compiled by selection.
///
/// A pattern with a `#cio-…?` predicate ("anchored") matches only where its root holds a
/// client reference (the receiver, the constructor, the helper's name), so it runs over the
/// mentions: the query cursor then starts patterns only on the nodes around each name, instead
/// of on every call and object of the statement (nested `Date.now()`, `JSON.stringify(…)`, …),
/// which was most of the query's cost. Each mention is queried from the statement that holds
/// it: a built-in pattern reaches its client reference through expressions only (never through
/// a statement block), so its root lies within that statement; starting higher (at a route
/// registration around a handler) re-matched the same outer calls once per mention.
///
/// Each mention runs only the anchored patterns that can match around it. A pattern rooted at
/// a call whose method is fixed by `#eq?` / `#any-of?` (`.identify(…)`, `.track(…)`; see
/// [`required_methods`]) can only match at a call of that name on the way from the mention to
/// its statement. tree-sitter tests those predicates only once a whole match is built, after
/// walking the call's arguments for it, so each set of method names met around mentions gets
/// its own query of those methods' patterns, compiled on first use and run from the highest
/// call on the way. The patterns without such a method are one query of their own, run around
/// every mention: in selections they were compiled again for each set of methods met, most of
/// the compile time of a `check` run (docs/performance.md).
///
/// Patterns whose predicate is `#cio-routed?` (a call that reaches Customer.io through an HTTP
/// request rather than a client's method) are a query of their own, run only around the names
/// of what routes such calls (`fetch`, `axios`): client mentions never need them, and they
/// never need the client patterns.
///
/// The other patterns (none today; a test keeps it so) run over the statements.
pub struct BuiltinQuery {
    lang: Lang,
    /// The anchored patterns, in rule order.
    pub(in crate::analysis::rules) anchored: Vec<AnchoredPattern>,
    /// Every method name that some anchored pattern requires; a selection of the anchored
    /// patterns is keyed by the set of these names met (a bit per name, [`ALL_PATTERNS`] for
    /// all of them).
    pub(in crate::analysis::rules) method_names: Vec<String>,
    selections: RwLock<HashMap<u64, Arc<OnceLock<CombinedQuery>>>>,
    /// The routed patterns, compiled on first use.
    routed: Arc<OnceLock<CombinedQuery>>,
    /// Patterns without a `#cio-…?` predicate.
    pub contextual: CombinedQuery,
}

/// A compiled selection of the anchored patterns ([`BuiltinQuery::selection`]).
pub(in crate::analysis::rules) struct Selection(Arc<OnceLock<CombinedQuery>>);

impl std::ops::Deref for Selection {
    type Target = CombinedQuery;

    fn deref(&self) -> &CombinedQuery {
        self.0
            .get()
            .expect("a selection is compiled before it is handed out")
    }
}

/// One anchored pattern, with where it came from.
pub(in crate::analysis::rules) struct AnchoredPattern {
    rule_index: usize,
    pattern_index: usize,
    text: String,
    /// The bits (in [`BuiltinQuery::method_names`]) of the method names the pattern's root
    /// call must have, if it requires one.
    methods: Option<u64>,
    /// Whether the pattern's predicate is `#cio-routed?` (see [`BuiltinQuery`]).
    routed: bool,
}

/// The selection key of every anchored pattern (whole-tree runs). Any other key selects the
/// patterns that require one of its methods, and [`NO_METHOD`] those that require none.
pub(in crate::analysis::rules) const ALL_PATTERNS: u64 = u64::MAX;

/// The selection key of the anchored patterns that require no method.
pub(in crate::analysis::rules) const NO_METHOD: u64 = 0;

/// The bit of the method name at `index` in a selection key; past 64 names, none (a pattern
/// requiring such a name runs around every mention).
fn method_bit(index: usize) -> Option<u64> {
    1u64.checked_shl(u32::try_from(index).ok()?)
}

impl BuiltinQuery {
    /// Splits each rule's source into its patterns, keeping each pattern's rule and index
    /// within the rule, and compiles the patterns without a client predicate. A source the
    /// splitter cannot read goes whole to `contextual` (still correct, only slower).
    pub fn build(lang: Lang, sources: &[&str]) -> (BuiltinQuery, Vec<QueryError>) {
        let mut anchored = Vec::new();
        let mut contextual = Part::default();
        for (rule_index, source) in sources.iter().enumerate() {
            let Some(patterns) = split_patterns(source) else {
                contextual.push_whole(lang, rule_index, source);
                continue;
            };
            for (pattern_index, pattern) in patterns.into_iter().enumerate() {
                if pattern.contains("(#cio-") {
                    anchored.push((rule_index, pattern_index, pattern));
                } else {
                    contextual.push(rule_index, pattern_index, pattern);
                }
            }
        }
        let required: Vec<Option<Vec<String>>> = anchored
            .iter()
            .map(|(_, _, p)| required_methods(p))
            .collect();
        let mut method_names: Vec<String> = required.iter().flatten().flatten().cloned().collect();
        method_names.sort();
        method_names.dedup();
        let bits = |methods: &Vec<String>| -> Option<u64> {
            methods.iter().try_fold(0, |bits, method| {
                let index = method_names.binary_search(method).ok()?;
                Some(bits | method_bit(index)?)
            })
        };
        let anchored = anchored
            .into_iter()
            .zip(&required)
            .map(
                |((rule_index, pattern_index, text), methods)| AnchoredPattern {
                    rule_index,
                    pattern_index,
                    routed: text.contains("(#cio-routed?"),
                    text: text.to_string(),
                    methods: methods.as_ref().and_then(bits),
                },
            )
            .collect();
        let (contextual, errors) = contextual.compile(lang);
        let query = BuiltinQuery {
            lang,
            anchored,
            method_names,
            selections: RwLock::new(HashMap::new()),
            routed: Arc::default(),
            contextual,
        };
        (query, errors)
    }

    /// Runs the queries (over the whole tree when `ranges` is `None`) and hands every match
    /// whose predicates hold to `on_match`, as [`CombinedQuery::for_each_match`] does.
    pub fn for_each_match<'t>(
        &self,
        tree: &'t Tree,
        source: &str,
        bindings: &Bindings,
        ranges: Option<QueryRanges>,
        budget: &QueryBudget,
        mut on_match: impl FnMut(usize, Hit<'t, '_>),
    ) {
        match ranges {
            Some(ranges) => {
                let mentions = ranges.mentions;
                self.match_mentions(tree, source, bindings, mentions, budget, &mut on_match);
                self.match_routed(
                    tree,
                    source,
                    bindings,
                    ranges.routed_mentions,
                    budget,
                    &mut on_match,
                );
            }
            None => self.selection(ALL_PATTERNS).for_each_match(
                tree,
                source,
                bindings,
                None,
                budget,
                &mut on_match,
            ),
        }
        // Empty while every built-in pattern has a client predicate (a test keeps it so):
        // then no cursor need be started on any statement.
        if self.contextual.query.pattern_count() > 0 {
            let statements = ranges.map(|r| r.statements);
            self.contextual.for_each_match(
                tree,
                source,
                bindings,
                statements,
                budget,
                &mut on_match,
            );
        }
    }

    /// The anchored patterns over each mention, each from the highest node of the mention's
    /// statement that can root one of the patterns selected for it.
    fn match_mentions<'t>(
        &self,
        tree: &'t Tree,
        source: &str,
        bindings: &Bindings,
        mentions: &[Range<usize>],
        budget: &QueryBudget,
        on_match: &mut impl FnMut(usize, Hit<'t, '_>),
    ) {
        let selections = |path: &[Node]| {
            let methods = self.methods_on(path, source);
            if methods == NO_METHOD {
                vec![self.selection(NO_METHOD)]
            } else {
                vec![self.selection(NO_METHOD), self.selection(methods)]
            }
        };
        run_over_mentions(
            tree, source, bindings, mentions, selections, budget, on_match,
        );
    }

    /// The routed patterns over each routed mention, from the highest node of its statement
    /// that can root one of them.
    fn match_routed<'t>(
        &self,
        tree: &'t Tree,
        source: &str,
        bindings: &Bindings,
        mentions: &[Range<usize>],
        budget: &QueryBudget,
        on_match: &mut impl FnMut(usize, Hit<'t, '_>),
    ) {
        if mentions.is_empty() {
            return;
        }
        let selections = |_: &[Node]| vec![self.routed_selection()];
        run_over_mentions(
            tree, source, bindings, mentions, selections, budget, on_match,
        );
    }

    /// The routed patterns (see [`BuiltinQuery`]), compiled on first use.
    pub(in crate::analysis::rules) fn routed_selection(&self) -> Selection {
        self.routed
            .get_or_init(|| self.compile(|pattern| pattern.routed));
        Selection(self.routed.clone())
    }

    /// The selection key for a mention: the required method names called on its `path`.
    fn methods_on(&self, path: &[Node], source: &str) -> u64 {
        let mut key = 0;
        for node in path.iter().filter(|n| n.kind_name() == "call_expression") {
            let Some(name) = syntax::called_method(*node, source) else {
                continue;
            };
            if let Ok(index) = self.method_names.binary_search_by(|m| m.as_str().cmp(name)) {
                key |= method_bit(index).unwrap_or(0);
            }
        }
        key
    }

    /// The anchored patterns that can match where the methods of `key` are called, compiled
    /// on first use. The map's lock is held only to find or add the slot: threads that need
    /// the same selection meanwhile wait for its one compilation, the others go on.
    pub(in crate::analysis::rules) fn selection(&self, key: u64) -> Selection {
        let known = self
            .selections
            .read()
            .ok()
            .and_then(|s| s.get(&key).cloned());
        let slot = known.unwrap_or_else(|| {
            let mut selections = self.selections.write().unwrap_or_else(|e| e.into_inner());
            selections.entry(key).or_default().clone()
        });
        slot.get_or_init(|| self.compile_selection(key));
        Selection(slot)
    }

    fn compile_selection(&self, key: u64) -> CombinedQuery {
        self.compile(|pattern| match (key, pattern.routed, pattern.methods) {
            (ALL_PATTERNS, _, _) => true,
            (_, true, _) => false,
            (_, false, None) => key == NO_METHOD,
            (_, false, Some(methods)) => methods & key != 0,
        })
    }

    /// The anchored patterns that `selected` accepts, compiled as one query.
    fn compile(&self, selected: impl Fn(&AnchoredPattern) -> bool) -> CombinedQuery {
        let mut part = Part::default();
        for pattern in self.anchored.iter().filter(|p| selected(p)) {
            part.push(pattern.rule_index, pattern.pattern_index, &pattern.text);
        }
        let (query, errors) = part.compile(self.lang);
        // Every built-in pattern compiles (tests), and so does any subset of them; a broken
        // one would be left out, reported here.
        for error in errors {
            tracing::error!(
                "built-in query of rule #{} does not compile: {}",
                error.rule_index,
                error.message
            );
        }
        query
    }
}

/// Runs, over each mention, the selections that `selections_for` picks for its statement path,
/// each from the highest node of the path that can root one of its patterns.
fn run_over_mentions<'t>(
    tree: &'t Tree,
    source: &str,
    bindings: &Bindings,
    mentions: &[Range<usize>],
    selections_for: impl Fn(&[Node]) -> Vec<Selection>,
    budget: &QueryBudget,
    on_match: &mut impl FnMut(usize, Hit<'t, '_>),
) {
    let root = tree.root_node();
    let mut runner = Runner::new(source, bindings, mentions.len() > 1, budget);
    for range in mentions {
        let Some(path) = statement_path(root, range) else {
            continue;
        };
        for query in selections_for(&path) {
            if let Some(start) = query.start_on_path(&path) {
                query.run(&mut runner, start, range, on_match);
            }
        }
    }
}

/// A mention's node and its ancestors up to its statement (or the root).
fn statement_path<'t>(root: Node<'t>, range: &Range<usize>) -> Option<Vec<Node<'t>>> {
    let target = syntax::descendant_for_byte_range(root, range.start, range.end)?;
    let mut path: Vec<Node> = std::iter::once(target)
        .chain(syntax::ancestors(target))
        .collect();
    if let Some(statement) = path.iter().position(|n| syntax::is_statement(*n)) {
        path.truncate(statement + 1);
    }
    Some(path)
}

/// The patterns of one of [`BuiltinQuery`]'s queries, with where each came from.
#[derive(Default)]
struct Part {
    /// One text per rule (rules without patterns here have an empty text).
    texts: Vec<String>,
    /// `(rule, pattern index within the rule's own source)` of each pattern, in order.
    owners: Vec<(usize, usize)>,
}

impl Part {
    fn text_of(&mut self, rule_index: usize) -> &mut String {
        if self.texts.len() <= rule_index {
            self.texts.resize(rule_index + 1, String::new());
        }
        &mut self.texts[rule_index]
    }

    fn push(&mut self, rule_index: usize, pattern_index: usize, pattern: &str) {
        let text = self.text_of(rule_index);
        text.push_str(pattern);
        text.push('\n');
        self.owners.push((rule_index, pattern_index));
    }

    /// A rule's whole source, its patterns numbered as in the source.
    fn push_whole(&mut self, lang: Lang, rule_index: usize, source: &str) {
        let text = self.text_of(rule_index);
        text.push_str(source);
        text.push('\n');
        let count = Query::new(&lang.grammar(), source).map_or(0, |q| q.pattern_count());
        self.owners
            .extend((0..count).map(|pattern| (rule_index, pattern)));
    }

    fn compile(self, lang: Lang) -> (CombinedQuery, Vec<QueryError>) {
        let sources: Vec<&str> = self.texts.iter().map(String::as_str).collect();
        let (mut query, errors) = CombinedQuery::build(lang, &sources);
        // The query numbers each rule's patterns from the text it was given, a subset of the
        // rule's source; rules know their patterns by their index in the whole source.
        if errors.is_empty() && self.owners.len() == query.pattern_owner.len() {
            query.pattern_owner = self.owners;
        }
        (query, errors)
    }
}
