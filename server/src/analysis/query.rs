//! Rule queries: the rules' `.scm` patterns compiled into combined queries per grammar (one
//! pass instead of one per rule), and the `#cio-…?` predicates that let a pattern ask about
//! client resolution.
//!
//! Predicate vocabulary (evaluated here, after tree-sitter's own `#eq?`/`#match?`/`#any-of?`):
//! - `(#cio-client? @x)` — `@x` is a Customer.io client; optional further string arguments
//!   restrict it to SDK families (`"node"`, `"track"`, `"app"`, `"cdp"`, …, see
//!   [`Sdk::in_family`]).
//! - `(#cio-new? @x)` — `@x` is a `new` expression constructing a Customer.io client (same
//!   optional families).
//! - `(#cio-call? @x)` — `@x` is a call on a Customer.io client (same optional families).
//! - `(#cio-helper? @x)` — `@x` names an imported function that awaits a Customer.io call.
//!
//! The built-in patterns with one of these predicates can only match a node that holds a
//! client's (or helper's) name, so they run over those names alone, selected by the methods
//! called there ([`BuiltinQuery`]); the others run over the whole statements that mention a
//! client.

use std::collections::{HashMap, HashSet};
use std::ops::Range;
use std::sync::{Arc, OnceLock, RwLock};

use streaming_iterator::StreamingIterator;
use tree_sitter::{Language, Node, Query, QueryCursor, QueryPredicateArg, Tree};

use super::resolve::{Bindings, Sdk};
use super::syntax::{self, unwrap_expression, FieldExt, KindExt, Lang};

/// A predicate of ours, attached to one pattern.
#[derive(Debug, Clone)]
enum CioPredicate {
    Client { capture: u32, families: Vec<String> },
    New { capture: u32, families: Vec<String> },
    Call { capture: u32, families: Vec<String> },
    Helper { capture: u32 },
}

/// Several rules' patterns compiled as one query.
pub struct CombinedQuery {
    pub query: Query,
    /// For each pattern of `query`: the index of its rule in the list it was built from, and
    /// the pattern's index within that rule's own file.
    pattern_owner: Vec<(usize, usize)>,
    predicates: Vec<Vec<CioPredicate>>,
    /// By node kind id: whether some pattern's root node can have that kind. `None` when a
    /// pattern's root is not a plain named kind (wildcard, supertype, group, non-local): then
    /// every range is queried from the tree's root.
    pattern_roots: Option<Vec<bool>>,
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
    /// with its rule index and the pattern's index within the rule.
    pub fn for_each_match<'t>(
        &self,
        tree: &'t Tree,
        source: &str,
        bindings: &Bindings,
        ranges: Option<&[Range<usize>]>,
        mut on_match: impl FnMut(usize, Hit<'t, '_>),
    ) {
        let whole = 0..source.len();
        let ranges = ranges.unwrap_or(std::slice::from_ref(&whole));
        let mut runner = Runner::new(source, bindings, ranges.len() > 1);
        let root = tree.root_node();
        for range in ranges {
            if let Some(start) = self.start_node(root, range) {
                self.run(&mut runner, start, range, &mut on_match);
            }
        }
    }

    /// The matches of the query started at `start` that intersect `range`.
    fn run<'t>(
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
        } = runner;
        let names = self.query.capture_names();
        cursor.set_byte_range(range.clone());
        let mut matches = cursor.matches(&self.query, start, source.as_bytes());
        let mut resolved = Resolved::default();
        while let Some(m) = matches.next() {
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
struct Runner<'a> {
    cursor: QueryCursor,
    source: &'a str,
    bindings: &'a Bindings,
    seen: Seen,
}

impl<'a> Runner<'a> {
    fn new(source: &'a str, bindings: &'a Bindings, ranges_may_overlap: bool) -> Runner<'a> {
        Runner {
            cursor: QueryCursor::new(),
            source,
            bindings,
            seen: Seen::new(ranges_may_overlap),
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
    fn start_on_path<'t>(&self, path: &[Node<'t>]) -> Option<Node<'t>> {
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

/// The node kinds a pattern's text starts with: `(kind …`, `[(a …) @x (b …)]`, or either
/// wrapped in a group with its captures and predicates (`((kind …) @x (#eq? @x "…"))`, the
/// usual way to attach predicates); `None` for anything else.
fn root_names(pattern: &str) -> Option<Vec<&str>> {
    let pattern = pattern.trim_start();
    if let Some(node) = grouped_pattern(pattern) {
        return root_names(node);
    }
    if pattern.starts_with('(') {
        return kind_after_paren(pattern).map(|name| vec![name]);
    }
    // An alternation: every branch must itself be a pattern with plain root kinds.
    let mut rest = pattern.strip_prefix('[')?;
    let mut names = Vec::new();
    loop {
        rest = skip_trivia(rest);
        if rest.starts_with(']') {
            return (!names.is_empty()).then_some(names);
        }
        if !rest.starts_with(['(', '[']) {
            return None;
        }
        let end = balanced_end(rest)?;
        names.extend(root_names(&rest[..end])?);
        rest = after_captures(&rest[end..])?;
    }
}

/// `text` after leading whitespace and `;` comments.
fn skip_trivia(mut text: &str) -> &str {
    loop {
        text = text.trim_start();
        match text.strip_prefix(';') {
            Some(comment) => text = comment.find('\n').map_or("", |eol| &comment[eol..]),
            None => return text,
        }
    }
}

/// `text` after the captures that follow a node pattern (`(a) @x @y`), then trivia; `None`
/// when a quantifier follows, which makes the pattern something else than one node.
fn after_captures(mut text: &str) -> Option<&str> {
    loop {
        text = skip_trivia(text);
        let Some(capture) = text.strip_prefix('@') else {
            break;
        };
        let len = capture
            .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
            .unwrap_or(capture.len());
        text = &capture[len..];
    }
    (!text.starts_with(['*', '+', '?'])).then_some(text)
}

/// The byte just past the bracket that closes the `(` or `[` that `text` starts with, skipping
/// string literals (with their escapes) and comments, which may hold brackets.
fn balanced_end(text: &str) -> Option<usize> {
    let mut depth = 0usize;
    let mut chars = text.char_indices();
    while let Some((i, c)) = chars.next() {
        match c {
            '(' | '[' => depth += 1,
            ')' | ']' => {
                depth = depth.checked_sub(1)?;
                if depth == 0 {
                    return Some(i + 1);
                }
            }
            '"' => loop {
                match chars.next()?.1 {
                    '\\' => {
                        chars.next()?;
                    }
                    '"' => break,
                    _ => {}
                }
            },
            ';' => {
                for (_, c) in chars.by_ref() {
                    if c == '\n' {
                        break;
                    }
                }
            }
            _ => {}
        }
        if depth == 0 {
            return None;
        }
    }
    None
}

/// `kind` in `(kind …`, if it is a plain named kind (not `_`, `ERROR` or `MISSING`).
fn kind_after_paren(text: &str) -> Option<&str> {
    let rest = text.strip_prefix('(')?.trim_start();
    let len = rest
        .find(|c: char| !(c.is_ascii_alphanumeric() || c == '_'))
        .unwrap_or(rest.len());
    let name = &rest[..len];
    let plain =
        name.starts_with(|c: char| c.is_ascii_alphabetic()) && !matches!(name, "ERROR" | "MISSING");
    plain.then_some(name)
}

/// One match of a rule's pattern.
pub struct Hit<'t, 'q> {
    /// Index of the pattern within its rule's `.scm` file (0 for the first pattern).
    pub pattern: usize,
    pub captures: Vec<(&'q str, Node<'t>)>,
}

impl<'t> Hit<'t, '_> {
    /// The first node captured as `@name`.
    pub fn get(&self, name: &str) -> Option<Node<'t>> {
        self.captures
            .iter()
            .find(|(capture, _)| *capture == name)
            .map(|(_, node)| *node)
    }

    /// Every node captured as `@name` (quantified captures).
    pub fn all<'a>(&'a self, name: &'a str) -> impl Iterator<Item = Node<'t>> + 'a {
        self.captures
            .iter()
            .filter(move |(capture, _)| *capture == name)
            .map(|(_, node)| *node)
    }
}

fn cio_predicates(query: &Query, pattern: usize) -> Vec<CioPredicate> {
    query
        .general_predicates(pattern)
        .iter()
        .filter_map(|predicate| {
            let mut args = predicate.args.iter();
            let capture = match args.next()? {
                QueryPredicateArg::Capture(index) => *index,
                QueryPredicateArg::String(_) => return None,
            };
            let families = args
                .filter_map(|arg| match arg {
                    QueryPredicateArg::String(s) => Some(s.to_string()),
                    QueryPredicateArg::Capture(_) => None,
                })
                .collect();
            match &*predicate.operator {
                "cio-client?" => Some(CioPredicate::Client { capture, families }),
                "cio-new?" => Some(CioPredicate::New { capture, families }),
                "cio-call?" => Some(CioPredicate::Call { capture, families }),
                "cio-helper?" => Some(CioPredicate::Helper { capture }),
                _ => None,
            }
        })
        .collect()
}

/// The clients that one query run's predicates found, by the predicate's kind and the captured
/// node: the patterns that match around one mention mostly ask about the same call, and its
/// resolution (fields, unwrapping, the bindings' memo) cost more than the matching around it.
#[derive(Default)]
struct Resolved {
    answers: Vec<(std::mem::Discriminant<CioPredicate>, usize, Option<Sdk>)>,
}

impl Resolved {
    fn get_or(
        &mut self,
        predicate: &CioPredicate,
        node: Node,
        resolve: impl FnOnce() -> Option<Sdk>,
    ) -> Option<Sdk> {
        let key = (std::mem::discriminant(predicate), node.id());
        if let Some(&(_, _, sdk)) = self.answers.iter().find(|a| (a.0, a.1) == key) {
            return sdk;
        }
        let sdk = resolve();
        self.answers.push((key.0, key.1, sdk));
        sdk
    }
}

fn predicate_holds(
    predicate: &CioPredicate,
    captures: &[tree_sitter::QueryCapture],
    bindings: &Bindings,
    source: &str,
    resolved: &mut Resolved,
) -> bool {
    let (capture, families) = match predicate {
        CioPredicate::Client { capture, families }
        | CioPredicate::New { capture, families }
        | CioPredicate::Call { capture, families } => (*capture, families.as_slice()),
        CioPredicate::Helper { capture } => (*capture, [].as_slice()),
    };
    let Some(node) = captures.iter().find(|c| c.index == capture).map(|c| c.node) else {
        return false;
    };
    if let CioPredicate::Helper { .. } = predicate {
        let name = source.get(node.byte_range()).unwrap_or("");
        return bindings.awaiting_helper(name).is_some();
    }
    let sdk = resolved.get_or(predicate, node, || match predicate {
        CioPredicate::Client { .. } => bindings.resolve(node, source),
        CioPredicate::New { .. } => bindings.constructed_sdk(unwrap_expression(node), source),
        CioPredicate::Call { .. } => unwrap_expression(node)
            .field("function")
            .and_then(|f| unwrap_expression(f).field("object"))
            .and_then(|receiver| bindings.resolve(receiver, source)),
        CioPredicate::Helper { .. } => None,
    });
    sdk.is_some_and(|sdk| in_families(sdk, families))
}

fn in_families(sdk: Sdk, families: &[String]) -> bool {
    families.is_empty() || families.iter().any(|family| sdk.in_family(family))
}

/// Where the built-in query runs: the statements that mention a client, and the mentions
/// themselves (client, constructor and helper names), each sorted and non-overlapping.
#[derive(Debug, Clone, Copy)]
pub struct QueryRanges<'r> {
    pub statements: &'r [Range<usize>],
    pub mentions: &'r [Range<usize>],
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
/// The other patterns (none today; a test keeps it so) run over the statements.
pub struct BuiltinQuery {
    lang: Lang,
    /// The anchored patterns, in rule order.
    anchored: Vec<AnchoredPattern>,
    /// Every method name that some anchored pattern requires; a selection of the anchored
    /// patterns is keyed by the set of these names met (a bit per name, [`ALL_PATTERNS`] for
    /// all of them).
    method_names: Vec<String>,
    selections: RwLock<HashMap<u64, Arc<OnceLock<CombinedQuery>>>>,
    /// Patterns without a `#cio-…?` predicate.
    pub contextual: CombinedQuery,
}

/// A compiled selection of the anchored patterns ([`BuiltinQuery::selection`]).
struct Selection(Arc<OnceLock<CombinedQuery>>);

impl std::ops::Deref for Selection {
    type Target = CombinedQuery;

    fn deref(&self) -> &CombinedQuery {
        self.0
            .get()
            .expect("a selection is compiled before it is handed out")
    }
}

/// One anchored pattern, with where it came from.
struct AnchoredPattern {
    rule_index: usize,
    pattern_index: usize,
    text: String,
    /// The bits (in [`BuiltinQuery::method_names`]) of the method names the pattern's root
    /// call must have, if it requires one.
    methods: Option<u64>,
}

/// The selection key of every anchored pattern (whole-tree runs). Any other key selects the
/// patterns that require one of its methods, and [`NO_METHOD`] those that require none.
const ALL_PATTERNS: u64 = u64::MAX;

/// The selection key of the anchored patterns that require no method.
const NO_METHOD: u64 = 0;

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
        mut on_match: impl FnMut(usize, Hit<'t, '_>),
    ) {
        match ranges {
            Some(ranges) => {
                self.match_mentions(tree, source, bindings, ranges.mentions, &mut on_match)
            }
            None => self.selection(ALL_PATTERNS).for_each_match(
                tree,
                source,
                bindings,
                None,
                &mut on_match,
            ),
        }
        // Empty while every built-in pattern has a client predicate (a test keeps it so):
        // then no cursor need be started on any statement.
        if self.contextual.query.pattern_count() > 0 {
            let statements = ranges.map(|r| r.statements);
            self.contextual
                .for_each_match(tree, source, bindings, statements, &mut on_match);
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
        on_match: &mut impl FnMut(usize, Hit<'t, '_>),
    ) {
        let root = tree.root_node();
        let mut runner = Runner::new(source, bindings, mentions.len() > 1);
        for range in mentions {
            let Some(target) = syntax::descendant_for_byte_range(root, range.start, range.end)
            else {
                continue;
            };
            // The mention and its ancestors up to its statement (or the root).
            let mut path: Vec<Node> = std::iter::once(target)
                .chain(syntax::ancestors(target))
                .collect();
            if let Some(statement) = path.iter().position(|n| syntax::is_statement(*n)) {
                path.truncate(statement + 1);
            }
            let methods = self.methods_on(&path, source);
            let keys = if methods == NO_METHOD {
                &[NO_METHOD][..]
            } else {
                &[NO_METHOD, methods][..]
            };
            for &key in keys {
                let query = self.selection(key);
                if let Some(start) = query.start_on_path(&path) {
                    query.run(&mut runner, start, range, on_match);
                }
            }
        }
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
    fn selection(&self, key: u64) -> Selection {
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
        let mut part = Part::default();
        for pattern in &self.anchored {
            let selected = match pattern.methods {
                None => key == NO_METHOD || key == ALL_PATTERNS,
                Some(methods) => methods & key != 0,
            };
            if selected {
                part.push(pattern.rule_index, pattern.pattern_index, &pattern.text);
            }
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

/// The method names a pattern requires of the call it is rooted at: the pattern's root is
/// `(call_expression function: (member_expression property: (property_identifier) @m) …)` and
/// `@m` is restricted by `(#eq? @m "name")` or `(#any-of? @m "a" "b" …)`. `None` when the
/// pattern does not have that shape (it then runs around every mention).
fn required_methods(pattern: &str) -> Option<Vec<String>> {
    let root = root_node_text(pattern)?;
    let inner = root.strip_prefix("(call_expression")?;
    let function = field_pattern(inner, "function")?;
    let member = function.strip_prefix("(member_expression")?;
    let property = field_pattern(member, "property")?;
    if !property.starts_with("(property_identifier)") {
        return None;
    }
    let capture = capture_after(&member[member.find(property)? + property.len()..])?;
    let predicate_names = |operator: &str| -> Option<Vec<String>> {
        let start = pattern.find(&format!("(#{operator} @{capture} "))?;
        let predicate = &pattern[start..start + balanced_end(&pattern[start..])?];
        let names = predicate.split('"').skip(1).step_by(2);
        Some(names.map(str::to_string).collect())
    };
    let names = predicate_names("eq?").or_else(|| predicate_names("any-of?"))?;
    (!names.is_empty() && names.iter().all(|n| !n.contains('\\'))).then_some(names)
}

/// The text of the node pattern a pattern is rooted at: `(kind …)` itself, or the one node of
/// a group `((kind …) @x (#pred …))`; `None` for alternations and sequences.
fn root_node_text(pattern: &str) -> Option<&str> {
    let pattern = pattern.trim_start();
    if let Some(node) = grouped_pattern(pattern) {
        return root_node_text(node);
    }
    if !pattern.starts_with('(') {
        return None;
    }
    Some(&pattern[..balanced_end(pattern)?])
}

/// The one node pattern or alternation of a group that attaches captures and predicates to
/// it (`((kind …) @x (#eq? @x "…"))`, the usual way to attach predicates); `None` for anything
/// else, such as two node patterns (a sequence of siblings, which roots nothing) or a
/// quantified one.
fn grouped_pattern(pattern: &str) -> Option<&str> {
    let inner = skip_trivia(pattern.strip_prefix('(')?);
    if !inner.starts_with(['(', '[']) {
        return None;
    }
    let end = balanced_end(inner)?;
    let mut rest = after_captures(&inner[end..])?;
    while rest.starts_with("(#") {
        rest = skip_trivia(&rest[balanced_end(rest)?..]);
    }
    rest.starts_with(')').then_some(&inner[..end])
}

/// In the body of a node pattern (the text after `(kind`), the node pattern of field `name`
/// at its top level (`name: (…)`), without the captures after it.
fn field_pattern<'p>(mut body: &'p str, name: &str) -> Option<&'p str> {
    loop {
        body = skip_trivia(body);
        if body.is_empty() || body.starts_with(')') {
            return None;
        }
        if let Some(rest) = body.strip_prefix(name).and_then(|r| r.strip_prefix(':')) {
            let rest = skip_trivia(rest);
            return rest
                .starts_with('(')
                .then(|| balanced_end(rest))
                .flatten()
                .map(|end| &rest[..end]);
        }
        // Skip one item: a field prefix, a node or alternation, a capture, a quantifier, an
        // anchor or a string.
        body = if body.starts_with(['(', '[']) {
            &body[balanced_end(body)?..]
        } else if let Some(string) = body.strip_prefix('"') {
            let end = string.find('"')?;
            &string[end + 1..]
        } else {
            let len = body
                .find(|c: char| c.is_whitespace() || matches!(c, '(' | '[' | ')' | '"'))
                .unwrap_or(body.len())
                .max(1);
            &body[len..]
        };
    }
}

/// The capture name right after a node pattern (`@m` in `(property_identifier) @m)`), when the
/// node has no quantifier (an optional node would let the pattern match without the name).
fn capture_after(text: &str) -> Option<&str> {
    let capture = skip_trivia(text).strip_prefix('@')?;
    let len = capture
        .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
        .unwrap_or(capture.len());
    Some(&capture[..len])
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

/// The top-level patterns of a query source, each with its captures, quantifiers and
/// predicates; `None` when the text holds something else at top level.
fn split_patterns(source: &str) -> Option<Vec<&str>> {
    let mut patterns = Vec::new();
    let mut rest = skip_trivia(source);
    while !rest.is_empty() {
        if !rest.starts_with(['(', '[']) {
            return None;
        }
        let mut end = balanced_end(rest)?;
        // Captures and quantifiers after the node: `(call) @x`, `[(a) (b)]* @y`.
        loop {
            let next = skip_trivia(&rest[end..]);
            let token = if let Some(name) = next.strip_prefix('@') {
                1 + name
                    .find(|c: char| !(c.is_alphanumeric() || matches!(c, '_' | '-' | '.')))
                    .unwrap_or(name.len())
            } else if next.starts_with(['*', '+', '?']) {
                1
            } else {
                break;
            };
            end = rest.len() - next.len() + token;
        }
        patterns.push(&rest[..end]);
        rest = skip_trivia(&rest[end..]);
    }
    Some(patterns)
}

/// The built-in rules' queries for `lang`, compiled once per process.
pub fn builtin(lang: Lang) -> &'static BuiltinQuery {
    static QUERIES: [OnceLock<BuiltinQuery>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    QUERIES[lang as usize].get_or_init(|| {
        let sources: Vec<&str> = super::rules::RULES.iter().map(|r| r.query).collect();
        let (query, errors) = BuiltinQuery::build(lang, &sources);
        assert!(
            errors.is_empty(),
            "built-in rule queries must compile: {errors:?}"
        );
        query
    })
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
    fn pattern_roots_are_read_from_plain_kinds_and_alternations() {
        assert_eq!(root_names("(pair key: (_) @k)"), Some(vec!["pair"]));
        assert_eq!(
            root_names("[(call_expression) @call (new_expression (identifier))] @x"),
            Some(vec!["call_expression", "new_expression"])
        );
        assert_eq!(root_names("(_ (identifier))"), None);
        assert_eq!(root_names("((comment) . (identifier))"), None);
        assert_eq!(root_names("\"new\" @keyword"), None);
        assert_eq!(root_names("[(a) (b)*]"), None);
        assert_eq!(root_names("[(a (#eq? @x \"]\"))]"), Some(vec!["a"]));
        assert_eq!(
            root_names("((new_expression) @new (#match? @new \"(?i)\\\")[\")\n ; c)\n)"),
            Some(vec!["new_expression"])
        );
        assert_eq!(
            root_names("([(a) @x (b)] @y (#eq? @y \"z\"))"),
            Some(vec!["a", "b"])
        );
        assert_eq!(root_names("((a) (b))"), None);
        assert_eq!(root_names("((a) . (b) (#eq? @x \"\"))"), None);
        assert_eq!(root_names("((a)* @x)"), None);
    }

    #[test]
    fn the_builtin_queries_start_below_the_root() {
        // A rule pattern whose root cannot be read would silently turn the start-node
        // optimisation off for every file (docs/performance.md).
        for lang in Lang::ALL {
            let all = builtin(lang).selection(ALL_PATTERNS);
            assert!(all.pattern_roots.is_some(), "{lang:?}");
            assert!(builtin(lang).contextual.pattern_roots.is_some(), "{lang:?}");
        }
    }

    #[test]
    fn every_builtin_pattern_is_split_out_and_keeps_its_rule_and_index() {
        use crate::analysis::rules::RULES;
        let grammar = Lang::TypeScript.grammar();
        let mut expected = Vec::new();
        for (rule_index, rule) in RULES.iter().enumerate() {
            let count = Query::new(&grammar, rule.query).unwrap().pattern_count();
            let split = split_patterns(rule.query).expect("built-in queries split");
            assert_eq!(split.len(), count, "{}", rule.id);
            expected.extend((0..count).map(|pattern| (rule_index, pattern)));
        }
        let query = builtin(Lang::TypeScript);
        let mut owners = [
            query.selection(ALL_PATTERNS).pattern_owner.clone(),
            query.contextual.pattern_owner.clone(),
        ]
        .concat();
        owners.sort();
        assert_eq!(owners, expected);
        // Every built-in pattern is anchored at a client reference: a pattern without one
        // makes every statement that mentions a client be walked a second time
        // (docs/performance.md).
        assert!(query.contextual.pattern_owner.is_empty());
    }

    #[test]
    fn patterns_split_with_their_captures_quantifiers_and_comments() {
        let source = "; lead\n(a) @x\n\n((b (c)) @y (#eq? @y \"(\"))\n[(d) (e)]* @z ; trailing\n";
        assert_eq!(
            split_patterns(source),
            Some(vec![
                "(a) @x",
                "((b (c)) @y (#eq? @y \"(\"))",
                "[(d) (e)]* @z"
            ])
        );
        assert_eq!(split_patterns("\"new\" @keyword"), None);
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

    #[test]
    fn required_methods_are_read_from_the_root_call() {
        let required = |pattern: &str| required_methods(pattern);
        assert_eq!(
            required(
                "((call_expression\n  function: (member_expression property: (property_identifier) @m)\n  arguments: (arguments . (_))) @c\n (#eq? @m \"track\")\n (#cio-call? @c))"
            ),
            Some(vec!["track".to_string()])
        );
        assert_eq!(
            required(
                "(call_expression function: (member_expression object: (call_expression) @call property: (property_identifier) @then) (#any-of? @then \"then\" \"catch\") (#cio-call? @call))"
            ),
            Some(vec!["then".to_string(), "catch".to_string()])
        );
        // Not the root call's method, not a fixed name, or an optional method node.
        for pattern in [
            "(await_expression (call_expression function: (member_expression property: (property_identifier) @m)) (#eq? @m \"track\"))",
            "((call_expression function: (member_expression property: (property_identifier) @m)) @c (#match? @m \"^track$\"))",
            "((call_expression function: (member_expression property: (property_identifier) @m)) @c (#not-eq? @m \"track\"))",
            "((call_expression function: (member_expression property: (property_identifier)? @m)) @c (#eq? @m \"track\"))",
            "((call_expression arguments: (arguments (call_expression function: (member_expression property: (property_identifier) @m)))) @c (#eq? @m \"track\"))",
            "[(call_expression function: (member_expression property: (property_identifier) @m)) (new_expression)] (#eq? @m \"x\")",
        ] {
            assert_eq!(required(pattern), None, "{pattern}");
        }
    }

    #[test]
    fn built_in_patterns_that_name_their_method_are_selected_by_it() {
        let query = builtin(Lang::TypeScript);
        let identify = query
            .method_names
            .iter()
            .position(|m| m == "identify")
            .unwrap();
        let rules_of = |key: u64| -> HashSet<&str> {
            query
                .selection(key)
                .pattern_owner
                .iter()
                .map(|(rule, _)| crate::analysis::rules::RULES[*rule].id)
                .collect()
        };
        // CIO005 requires identify; CIO006 requires track; CIO014 requires no method.
        let identify_rules = rules_of(1 << identify);
        assert!(identify_rules.contains("CIO005"), "{identify_rules:?}");
        assert!(!identify_rules.contains("CIO006"), "{identify_rules:?}");
        assert!(!identify_rules.contains("CIO014"), "{identify_rules:?}");
        let no_method_rules = rules_of(NO_METHOD);
        assert!(no_method_rules.contains("CIO014"), "{no_method_rules:?}");
        assert!(!no_method_rules.contains("CIO005"), "{no_method_rules:?}");
        // Every selection of the built-in patterns compiles, for every grammar, and each
        // pattern is in the no-method query or in the selection of each of its methods.
        for lang in Lang::ALL {
            let query = builtin(lang);
            let all = query.selection(ALL_PATTERNS);
            assert_eq!(all.pattern_owner.len(), query.anchored.len(), "{lang:?}");
            let mut selected = query.selection(NO_METHOD).pattern_owner.clone();
            for (index, _) in query.method_names.iter().enumerate() {
                let selection = query.selection(1 << index);
                assert!(selection.query.pattern_count() > 0);
                selected.extend(selection.pattern_owner.iter().copied());
            }
            selected.sort_unstable();
            selected.dedup();
            assert_eq!(selected.len(), query.anchored.len(), "{lang:?}");
        }
    }
}
