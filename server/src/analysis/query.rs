//! Rule queries: every built-in rule's `.scm` patterns compiled into ONE query per grammar
//! (one pass over the tree instead of one per rule), and the `#cio-…?` predicates that let a
//! pattern ask about client resolution.
//!
//! Predicate vocabulary (evaluated here, after tree-sitter's own `#eq?`/`#match?`/`#any-of?`):
//! - `(#cio-client? @x)` — `@x` is a Customer.io client; optional further string arguments
//!   restrict it to SDK families (`"node"`, `"track"`, `"app"`, `"cdp"`, …, see
//!   [`Sdk::in_family`]).
//! - `(#cio-new? @x)` — `@x` is a `new` expression constructing a Customer.io client (same
//!   optional families).
//! - `(#cio-call? @x)` — `@x` is a call on a Customer.io client (same optional families).

use std::collections::HashSet;
use std::ops::Range;
use std::sync::OnceLock;

use streaming_iterator::StreamingIterator;
use tree_sitter::{Node, Query, QueryCursor, QueryPredicateArg, Tree};

use super::clients::{Bindings, Sdk};
use super::language::Lang;
use super::syntax::unwrap_expression;

/// A predicate of ours, attached to one pattern.
#[derive(Debug, Clone)]
enum CioPredicate {
    Client { capture: u32, families: Vec<String> },
    New { capture: u32, families: Vec<String> },
    Call { capture: u32, families: Vec<String> },
}

/// Several rules' patterns compiled as one query.
pub struct CombinedQuery {
    pub query: Query,
    /// For each pattern of `query`: the index of its rule in the list it was built from, and
    /// the pattern's index within that rule's own file.
    pattern_owner: Vec<(usize, usize)>,
    predicates: Vec<Vec<CioPredicate>>,
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
        (
            CombinedQuery {
                query,
                pattern_owner,
                predicates,
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
        Some(CombinedQuery {
            query,
            pattern_owner,
            predicates,
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
        let whole = std::slice::from_ref(&(0..source.len())).to_vec();
        let ranges = ranges.unwrap_or(&whole);
        let mut cursor = QueryCursor::new();
        let mut seen: HashSet<(usize, Vec<usize>)> = HashSet::new();
        let names = self.query.capture_names();
        for range in ranges {
            cursor.set_byte_range(range.clone());
            let mut matches = cursor.matches(&self.query, tree.root_node(), source.as_bytes());
            while let Some(m) = matches.next() {
                let pattern = m.pattern_index;
                if !self.predicates[pattern]
                    .iter()
                    .all(|p| predicate_holds(p, m.captures, bindings, source))
                {
                    continue;
                }
                if ranges.len() > 1 {
                    let key = (pattern, m.captures.iter().map(|c| c.node.id()).collect());
                    if !seen.insert(key) {
                        continue;
                    }
                }
                let (rule_index, rule_pattern) = self.pattern_owner[pattern];
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
                _ => None,
            }
        })
        .collect()
}

fn predicate_holds(
    predicate: &CioPredicate,
    captures: &[tree_sitter::QueryCapture],
    bindings: &Bindings,
    source: &str,
) -> bool {
    let (capture, families) = match predicate {
        CioPredicate::Client { capture, families }
        | CioPredicate::New { capture, families }
        | CioPredicate::Call { capture, families } => (*capture, families),
    };
    let Some(node) = captures.iter().find(|c| c.index == capture).map(|c| c.node) else {
        return false;
    };
    let sdk = match predicate {
        CioPredicate::Client { .. } => bindings.resolve(node, source),
        CioPredicate::New { .. } => bindings.constructed_sdk(unwrap_expression(node), source),
        CioPredicate::Call { .. } => unwrap_expression(node)
            .child_by_field_name("function")
            .and_then(|f| unwrap_expression(f).child_by_field_name("object"))
            .and_then(|receiver| bindings.resolve(receiver, source)),
    };
    sdk.is_some_and(|sdk| in_families(sdk, families))
}

fn in_families(sdk: Sdk, families: &[String]) -> bool {
    families.is_empty() || families.iter().any(|family| sdk.in_family(family))
}

/// The built-in rules' combined query for `lang`, compiled once per process.
pub fn builtin(lang: Lang) -> &'static CombinedQuery {
    static QUERIES: [OnceLock<CombinedQuery>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    QUERIES[lang as usize].get_or_init(|| {
        let sources: Vec<&str> = super::rules::RULES.iter().map(|r| r.query).collect();
        let (query, errors) = CombinedQuery::build(lang, &sources);
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
}
