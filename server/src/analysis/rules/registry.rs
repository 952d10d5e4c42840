//! The one rule registry ([`RULES`]), and the built-in rules' queries compiled from it
//! ([`builtin`]).

use std::sync::OnceLock;

use super::context::{Rule, Scope};
use super::engine::BuiltinQuery;
use super::finding::Severity;
use super::{
    cio001, cio002, cio003, cio004, cio005, cio006, cio007, cio008, cio009, cio010, cio011, cio012,
    cio013, cio014, cio015, cio016, cio019, cio020,
};
use crate::analysis::syntax::Lang;

macro_rules! rule {
    ($module:ident, $id:literal, $name:literal, $severity:ident, $autofix:literal, $summary:literal) => {
        rule!(
            $module,
            $id,
            $name,
            $severity,
            $autofix,
            $summary,
            None,
            &[]
        )
    };
    ($module:ident, $id:literal, $name:literal, $severity:ident, $autofix:literal, $summary:literal,
     $workspace:expr, $supersedes:expr) => {
        Rule {
            id: $id,
            name: $name,
            severity: Severity::$severity,
            autofix: $autofix,
            summary: $summary,
            query: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../queries/",
                $id,
                "-",
                $name,
                ".scm"
            )),
            docs: include_str!(concat!(
                env!("CARGO_MANIFEST_DIR"),
                "/../queries/",
                $id,
                "-",
                $name,
                ".md"
            )),
            check: $module::check,
            workspace_check: $workspace,
            supersedes: $supersedes,
            scope: file_scoped($id),
        }
    };
}

/// The rules whose checks read beyond the function of their match (see [`Scope::File`]).
const FILE_SCOPED: &[&str] = &[
    "CIO001", "CIO007", "CIO009", "CIO013", "CIO015", "CIO019", "CIO020",
];

const fn file_scoped(id: &str) -> Scope {
    let mut i = 0;
    while i < FILE_SCOPED.len() {
        if const_str_eq(FILE_SCOPED[i], id) {
            return Scope::File;
        }
        i += 1;
    }
    Scope::Function
}

const fn const_str_eq(a: &str, b: &str) -> bool {
    let (a, b) = (a.as_bytes(), b.as_bytes());
    if a.len() != b.len() {
        return false;
    }
    let mut i = 0;
    while i < a.len() {
        if a[i] != b[i] {
            return false;
        }
        i += 1;
    }
    true
}

/// Whether rule `id`'s findings must be recomputed over the whole file after an edit: a
/// file-scoped built-in rule. (User rules report at their own match: function scope.)
pub fn is_file_scoped(id: &str) -> bool {
    find(id).is_some_and(|rule| rule.scope == Scope::File)
}

/// Every built-in rule, in id order.
pub static RULES: &[Rule] = &[
    rule!(
        cio001,
        "CIO001",
        "wrong-api-key",
        Error,
        "yes",
        "A Track API key is passed to the App API client, or the reverse",
        Some(cio001::workspace_check),
        &[]
    ),
    rule!(
        cio002,
        "CIO002",
        "millisecond-timestamp",
        Error,
        "yes (fix-all safe)",
        "A timestamp in milliseconds where Customer.io expects Unix seconds"
    ),
    rule!(
        cio003,
        "CIO003",
        "track-before-identify",
        Warning,
        "yes (move)",
        "An event is tracked for a person before the person is identified"
    ),
    rule!(
        cio004,
        "CIO004",
        "email-as-id",
        Warning,
        "suggestion",
        "An email address is used as the person's permanent id"
    ),
    rule!(
        cio005,
        "CIO005",
        "identify-without-email",
        Warning,
        "suggestion",
        "A profile is created without an email attribute"
    ),
    rule!(
        cio006,
        "CIO006",
        "dynamic-event-name",
        Warning,
        "yes",
        "An event name is built at run time"
    ),
    rule!(
        cio007,
        "CIO007",
        "blocking-request-path",
        Warning,
        "yes",
        "A web request handler waits for a Customer.io call before responding"
    ),
    rule!(
        cio008,
        "CIO008",
        "no-bounce-handling",
        Info,
        "no",
        "The workspace never suppresses people or handles bounce webhooks",
        Some(cio008::workspace_check),
        &[]
    ),
    rule!(
        cio009,
        "CIO009",
        "client-per-request",
        Warning,
        "yes (hoist)",
        "A Customer.io client is constructed inside a function"
    ),
    rule!(
        cio010,
        "CIO010",
        "event-name-style",
        Warning,
        "suggestion",
        "An event name does not follow the configured naming style",
        Some(cio010::workspace_check),
        &[]
    ),
    rule!(
        cio011,
        "CIO011",
        "unthrottled-loop",
        Warning,
        "suggestion (batch, customerio-node ≥ 5)",
        "Track API calls in a loop with no rate limiter"
    ),
    rule!(
        cio012,
        "CIO012",
        "pii-in-event-name",
        Error,
        "yes",
        "Personal data in an event name",
        None,
        &["CIO006"]
    ),
    rule!(
        cio013,
        "CIO013",
        "hardcoded-credential",
        Error,
        "yes",
        "A Customer.io credential is written in the source"
    ),
    rule!(
        cio014,
        "CIO014",
        "unhandled-rejection",
        Warning,
        "yes (fix-all safe)",
        "A Customer.io promise is neither awaited nor caught"
    ),
    rule!(
        cio015,
        "CIO015",
        "legacy-constructor",
        Error,
        "yes",
        "The v1–v2 default-export constructor used with customerio-node 3 or later"
    ),
    rule!(
        cio016,
        "CIO016",
        "region-mismatch",
        Warning,
        "no",
        "Customer.io clients of one workspace use different regions",
        Some(cio016::workspace_check),
        &[]
    ),
    rule!(
        cio019,
        "CIO019",
        "webhook-signature",
        Error,
        "yes (re-serialised body)",
        "A Customer.io webhook signature check that cannot work or can be bypassed"
    ),
    rule!(
        cio020,
        "CIO020",
        "placeholder-credential",
        Warning,
        "suggestion",
        "A Customer.io credential falls back to a placeholder when the environment lacks it"
    ),
];

/// Looks a rule up by id (case-insensitive) or by name.
pub fn find(id_or_name: &str) -> Option<&'static Rule> {
    RULES
        .iter()
        .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
}

/// Where the project lives: Cargo.toml's `repository`, the one place for it. Every link to
/// documentation (the diagnostics' `codeDescription`, SARIF's `informationUri` and `helpUri`)
/// is built from this constant, and the npm and VS Code packages read the same metadata.
pub const HOMEPAGE: &str = env!("CARGO_PKG_REPOSITORY");

/// The stable documentation URL of a rule: its `queries/CIOnnn-<name>.md` on the homepage.
pub fn docs_url(rule: &Rule) -> String {
    format!("{HOMEPAGE}/blob/main/queries/{}-{}.md", rule.id, rule.name)
}

/// The built-in rules' queries for `lang`, compiled once per process.
pub fn builtin(lang: Lang) -> &'static BuiltinQuery {
    static QUERIES: [OnceLock<BuiltinQuery>; 3] =
        [OnceLock::new(), OnceLock::new(), OnceLock::new()];
    QUERIES[lang as usize].get_or_init(|| {
        let sources: Vec<&str> = RULES.iter().map(|r| r.query).collect();
        let (query, errors) = BuiltinQuery::build(lang, &sources);
        assert!(
            errors.is_empty(),
            "built-in rule queries must compile: {errors:?}"
        );
        query
    })
}

/// The id of the finding that reports a `cio-lsp-disable` comment suppressing nothing: not a
/// rule of the registry, but configured like one (`[rules] unused-suppression = "off"`).
pub const UNUSED_SUPPRESSION: &str = "unused-suppression";

#[cfg(test)]
mod tests {
    use std::collections::HashSet;

    use tree_sitter::Query;

    use super::*;
    use crate::analysis::rules::engine::patterns::split_patterns;
    use crate::analysis::rules::engine::selection::{ALL_PATTERNS, NO_METHOD};

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
                .map(|(rule, _)| RULES[*rule].id)
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
            // The routed patterns (`#cio-routed?`) are a query of their own.
            selected.extend(query.routed_selection().pattern_owner.iter().copied());
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
