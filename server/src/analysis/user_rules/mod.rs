//! User rules: tree-sitter queries with a small metadata file each, from the directories listed
//! in `cio-lsp.toml` (`rule_dirs`). Format in `docs/configuration.md`:
//!
//! - `NAME.scm`: the query. The `#cio-client?`, `#cio-new?`, `#cio-call?` and `#cio-helper?`
//!   predicates work as in built-in rules.
//! - `NAME.toml`: `id`, `name`, `severity`, `message` (may interpolate captures, `{{event}}`),
//!   `docs` (markdown, shown on hover), optional `fix` (a template replacing the reported node),
//!   `report` (the capture to report at; default `@report`, else the match's first capture) and
//!   `languages`.
//!
//! User rules run in the same pass as the built-in ones, over the same statements (those that
//! mention a Customer.io client). A rule that fails to load is reported with its file and the
//! error, and the other rules still run.

use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::PathBuf;
use std::sync::OnceLock;
use std::time::Duration;

use rayon::prelude::*;

use files::{load_rule, rule_files};
pub use rule::{RuleLanguage, RuleLoadError, RuleMeta, UserRule};

use crate::analysis::resolve::Bindings;
use crate::analysis::rules::engine::{CombinedQuery, Hit, QueryBudget, QueryError};
use crate::analysis::rules::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::rules::options::{configured_severity, RuleLevel};
use crate::analysis::syntax::{text, Lang, SourceFile};

mod files;
pub mod limits;
mod rule;

/// One language's compiled user rules.
struct LangQuery {
    lang: Lang,
    query: CombinedQuery,
    /// For each source given to [`CombinedQuery::build`]: its index in `UserRules::rules`.
    rule_of_source: Vec<usize>,
    /// For each source: its text, and its query compiled alone, on the first file where the
    /// rules together ran out of time (to tell which rule did).
    sources: Vec<String>,
    alone: Vec<OnceLock<CombinedQuery>>,
}

impl LangQuery {
    fn alone(&self, source: usize) -> &CombinedQuery {
        self.alone[source]
            .get_or_init(|| CombinedQuery::build(self.lang, &[&self.sources[source]]).0)
    }
}

/// The user rules of the configured directories, compiled per language.
#[derive(Default)]
pub struct UserRules {
    pub rules: Vec<UserRule>,
    pub errors: Vec<RuleLoadError>,
    queries: [Option<LangQuery>; 3],
}

impl fmt::Debug for UserRules {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("UserRules")
            .field("rules", &self.rules)
            .field("errors", &self.errors)
            .finish_non_exhaustive()
    }
}

impl UserRules {
    /// Loads every `NAME.scm` + `NAME.toml` pair of `dirs` (not recursive, in name order).
    pub fn load(dirs: &[PathBuf]) -> UserRules {
        let mut loaded = UserRules::default();
        let mut sources: Vec<String> = Vec::new();
        for dir in dirs {
            for (meta_path, query_path) in rule_files(dir, &mut loaded.errors) {
                match load_rule(&meta_path, &query_path, &loaded.rules) {
                    Ok((rule, source)) => {
                        loaded.rules.push(rule);
                        sources.push(source);
                    }
                    Err(error) => loaded.errors.push(error),
                }
            }
        }
        // One compile per grammar, in parallel: compiling is what loading costs.
        let compiled: Vec<(Lang, Vec<usize>, CombinedQuery, Vec<QueryError>)> = Lang::ALL
            .par_iter()
            .filter_map(|&lang| {
                let rule_of_source: Vec<usize> = (0..loaded.rules.len())
                    .filter(|&i| loaded.rules[i].languages.contains(&lang))
                    .collect();
                if rule_of_source.is_empty() {
                    return None;
                }
                let texts: Vec<&str> = rule_of_source
                    .iter()
                    .map(|&i| sources[i].as_str())
                    .collect();
                let (query, errors) = CombinedQuery::build(lang, &texts);
                Some((lang, rule_of_source, query, errors))
            })
            .collect();
        for (lang, rule_of_source, query, errors) in compiled {
            let texts: Vec<String> = rule_of_source.iter().map(|&i| sources[i].clone()).collect();
            for error in errors {
                let rule = &loaded.rules[rule_of_source[error.rule_index]];
                loaded.errors.push(RuleLoadError::new(
                    &rule.query_path,
                    format!(
                        "the query does not compile for {lang:?}, so rule {} is skipped there: {}",
                        rule.id, error.message
                    ),
                ));
            }
            loaded.queries[lang as usize] = Some(LangQuery {
                lang,
                query,
                alone: texts.iter().map(|_| OnceLock::new()).collect(),
                sources: texts,
                rule_of_source,
            });
        }
        loaded
    }

    /// A user rule by id (case-insensitive) or name.
    pub fn find(&self, id_or_name: &str) -> Option<&UserRule> {
        self.rules
            .iter()
            .find(|r| r.id.eq_ignore_ascii_case(id_or_name) || r.name == id_or_name)
    }

    pub fn is_empty(&self) -> bool {
        self.rules.is_empty()
    }
}

/// Runs `user_rules` over `ranges` of `file` (the whole tree when `None`), at the levels
/// `rule_levels` configure, adding their findings. The rules together may take `budget`; when
/// they run out of it, each runs alone with the same budget, so that the findings of those
/// that finish stand. Returns the ids of the rules that ran out of time on this file.
pub fn run(
    file: &SourceFile,
    user_rules: &UserRules,
    rule_levels: &HashMap<String, RuleLevel>,
    bindings: &Bindings,
    ranges: Option<&[Range<usize>]>,
    budget: Duration,
    findings: &mut Vec<Finding>,
) -> Vec<String> {
    let Some(compiled) = &user_rules.queries[file.lang as usize] else {
        return Vec::new();
    };
    let rule_of = |source: usize| &user_rules.rules[compiled.rule_of_source[source]];
    let run_query = |query: &CombinedQuery, source_of: &dyn Fn(usize) -> usize| {
        let mut found = Vec::new();
        let clock = QueryBudget::new(budget);
        query.for_each_match(file.tree, file.text, bindings, ranges, &clock, |i, hit| {
            let rule = rule_of(source_of(i));
            let severity = configured_severity(rule_levels, &rule.id, rule.severity);
            found.extend(severity.and_then(|s| finding_for(rule, s, &hit, file.text)));
        });
        (!clock.exhausted()).then_some(found)
    };
    if let Some(found) = run_query(&compiled.query, &|source| source) {
        findings.extend(found);
        return Vec::new();
    }
    let mut out_of_time = Vec::new();
    for source in 0..compiled.rule_of_source.len() {
        let alone = if compiled.rule_of_source.len() == 1 {
            None
        } else {
            run_query(compiled.alone(source), &|_| source)
        };
        match alone {
            Some(found) => findings.extend(found),
            None => out_of_time.push(rule_of(source).id.clone()),
        }
    }
    out_of_time
}

fn finding_for(rule: &UserRule, severity: Severity, hit: &Hit, source: &str) -> Option<Finding> {
    let node = match &rule.report {
        Some(name) => hit.get(name)?,
        None => hit
            .get("report")
            .or_else(|| hit.captures.first().map(|(_, node)| *node))?,
    };
    let capture_text = |name: &str| hit.get(name).map(|n| text(n, source)).unwrap_or_default();
    let message = rule
        .message_template
        .render(|name| one_line(capture_text(name)));
    let mut finding = Finding::new(&rule.id, severity, node.byte_range(), message);
    if let Some(fix) = &rule.fix_template {
        finding = finding.with_fix(Fix {
            title: format!("Fix {}: {}", rule.id, rule.name),
            applicability: Applicability::QuickFix,
            edits: vec![TextEdit::replace(
                node.byte_range(),
                fix.render(|name| capture_text(name).to_string()),
            )],
        });
    }
    Some(finding)
}

/// A capture's text for a message: one line, at most 60 characters.
fn one_line(text: &str) -> String {
    let collapsed: String = text.split_whitespace().collect::<Vec<_>>().join(" ");
    if collapsed.chars().count() > 60 {
        let cut: String = collapsed.chars().take(59).collect();
        format!("{cut}…")
    } else {
        collapsed
    }
}
