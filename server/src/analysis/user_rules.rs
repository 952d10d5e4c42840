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

use std::collections::BTreeSet;
use std::collections::HashMap;
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::OnceLock;
use std::time::Duration;

use rayon::prelude::*;
use serde::Deserialize;

use crate::analysis::resolve::Bindings;
use crate::analysis::rules::engine::{CombinedQuery, Hit, QueryBudget, QueryError};
use crate::analysis::rules::finding::{Applicability, Finding, Fix, Severity, TextEdit};
use crate::analysis::rules::options::{configured_severity, RuleLevel};
use crate::analysis::rules::registry::{self, UNUSED_SUPPRESSION};
use crate::analysis::syntax::{text, Lang, SourceFile};
use crate::analysis::user_rule_limits::{self as limits, LimitError};

/// `NAME.toml`, as written.
#[derive(Debug, Clone, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct RuleMeta {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    pub message: String,
    #[serde(default)]
    pub docs: String,
    #[serde(default)]
    pub fix: Option<String>,
    #[serde(default)]
    pub report: Option<String>,
    /// Default: every language.
    #[serde(default)]
    pub languages: Option<Vec<RuleLanguage>>,
}

/// A grammar a user rule's query is written for.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Deserialize)]
#[serde(rename_all = "lowercase")]
pub enum RuleLanguage {
    Javascript,
    Typescript,
    Tsx,
}

impl RuleLanguage {
    fn lang(self) -> Lang {
        match self {
            RuleLanguage::Javascript => Lang::JavaScript,
            RuleLanguage::Typescript => Lang::TypeScript,
            RuleLanguage::Tsx => Lang::Tsx,
        }
    }
}

/// A piece of a message or fix template.
#[derive(Debug, Clone, PartialEq, Eq)]
enum Piece {
    Text(String),
    Capture(String),
}

/// `Event {{name}} is…` split into text and capture references.
#[derive(Debug, Clone, PartialEq, Eq)]
struct Template(Vec<Piece>);

impl Template {
    fn parse(template: &str) -> Template {
        let mut pieces = Vec::new();
        let mut rest = template;
        while let Some(open) = rest.find("{{") {
            let Some(close) = rest[open..].find("}}") else {
                break;
            };
            if open > 0 {
                pieces.push(Piece::Text(rest[..open].to_string()));
            }
            let name = rest[open + 2..open + close].trim();
            pieces.push(Piece::Capture(name.trim_start_matches('@').to_string()));
            rest = &rest[open + close + 2..];
        }
        if !rest.is_empty() {
            pieces.push(Piece::Text(rest.to_string()));
        }
        Template(pieces)
    }

    fn captures(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|piece| match piece {
            Piece::Capture(name) => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }

    fn render(&self, capture_text: impl Fn(&str) -> String) -> String {
        self.0
            .iter()
            .map(|piece| match piece {
                Piece::Text(text) => text.clone(),
                Piece::Capture(name) => capture_text(name),
            })
            .collect()
    }
}

/// A loaded user rule.
#[derive(Debug, Clone)]
pub struct UserRule {
    pub id: String,
    pub name: String,
    pub severity: Severity,
    /// The message template as written (shown by `cio-lsp rules`).
    pub message: String,
    /// Markdown, for hover and `cio-lsp explain`.
    pub docs: String,
    pub has_fix: bool,
    pub query_path: PathBuf,
    pub meta_path: PathBuf,
    message_template: Template,
    fix_template: Option<Template>,
    report: Option<String>,
    languages: Vec<Lang>,
}

/// A user rule that could not be loaded, or a language its query does not compile for.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RuleLoadError {
    pub path: PathBuf,
    /// 1-based line and column in `path` when the error has a place (0 otherwise).
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl RuleLoadError {
    fn new(path: &Path, message: String) -> RuleLoadError {
        RuleLoadError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message,
        }
    }

    fn over_limit(path: &Path, error: LimitError) -> RuleLoadError {
        RuleLoadError {
            path: path.to_path_buf(),
            line: error.line,
            column: error.column,
            message: error.message,
        }
    }
}

impl fmt::Display for RuleLoadError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        write!(f, ": {}", self.message)
    }
}

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

/// The `(NAME.toml, NAME.scm)` pairs of `dir`; a lone half of a pair is an error.
fn rule_files(dir: &Path, errors: &mut Vec<RuleLoadError>) -> Vec<(PathBuf, PathBuf)> {
    let entries = match std::fs::read_dir(dir) {
        Ok(entries) => entries,
        Err(error) => {
            errors.push(RuleLoadError::new(
                dir,
                format!("cannot read the rule directory: {error}"),
            ));
            return Vec::new();
        }
    };
    let mut files: Vec<PathBuf> = entries
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.is_file())
        .collect();
    files.sort();
    let has = |path: &Path| files.iter().any(|f| f == path);
    let mut pairs = Vec::new();
    for file in &files {
        match file.extension().and_then(|e| e.to_str()) {
            Some("toml") => {
                let query = file.with_extension("scm");
                if has(&query) {
                    pairs.push((file.clone(), query));
                } else {
                    errors.push(RuleLoadError::new(
                        file,
                        format!("no query file {} beside it", file_name(&query)),
                    ));
                }
            }
            Some("scm") if !has(&file.with_extension("toml")) => errors.push(RuleLoadError::new(
                file,
                format!(
                    "no metadata file {} beside it",
                    file_name(&file.with_extension("toml"))
                ),
            )),
            _ => {}
        }
    }
    pairs
}

fn file_name(path: &Path) -> String {
    path.file_name()
        .map_or_else(String::new, |n| n.to_string_lossy().into_owned())
}

/// Reads and checks one rule; returns it with its query text. Both files are held to the
/// bounds of [`limits`] before they are parsed.
fn load_rule(
    meta_path: &Path,
    query_path: &Path,
    earlier: &[UserRule],
) -> Result<(UserRule, String), RuleLoadError> {
    let meta_text = limits::read_bounded(meta_path, limits::MAX_META_BYTES)
        .and_then(|text| limits::check_meta(&text).map(|()| text))
        .map_err(|error| RuleLoadError::over_limit(meta_path, error))?;
    let source = limits::read_bounded(query_path, limits::MAX_QUERY_BYTES)
        .and_then(|text| limits::check_query(&text).map(|()| text))
        .map_err(|error| RuleLoadError::over_limit(query_path, error))?;
    let meta: RuleMeta = toml::from_str(&meta_text).map_err(|error| {
        let line = error
            .span()
            .map(|span| meta_text[..span.start].matches('\n').count() + 1);
        let message = match line {
            Some(line) => format!("line {line}: {}", error.message()),
            None => error.message().to_string(),
        };
        RuleLoadError::new(meta_path, message)
    })?;
    let paths = (meta_path, query_path);
    check_metadata(meta, source, paths, earlier)
        .map_err(|message| RuleLoadError::new(meta_path, message))
}

/// The rule `meta` describes, once its id, languages and captures are checked.
fn check_metadata(
    meta: RuleMeta,
    source: String,
    (meta_path, query_path): (&Path, &Path),
    earlier: &[UserRule],
) -> Result<(UserRule, String), String> {
    check_id(&meta.id, earlier)?;
    let languages: Vec<Lang> = match &meta.languages {
        Some(list) if list.is_empty() => return Err("`languages` is empty".into()),
        Some(list) => list.iter().map(|l| l.lang()).collect(),
        None => Lang::ALL.to_vec(),
    };
    let message_template = Template::parse(&meta.message);
    let fix_template = meta.fix.as_deref().map(Template::parse);
    check_captures(&source, &meta, &message_template, fix_template.as_ref())?;
    let rule = UserRule {
        id: meta.id,
        name: meta.name,
        severity: meta.severity,
        message: meta.message,
        docs: meta.docs,
        has_fix: fix_template.is_some(),
        query_path: query_path.to_path_buf(),
        meta_path: meta_path.to_path_buf(),
        message_template,
        fix_template,
        report: meta.report,
        languages,
    };
    Ok((rule, source))
}

/// Ids are words (`ACME001`, `no-test-events`) that no other rule uses; `CIO` + digits is kept
/// for built-in rules.
fn check_id(id: &str, earlier: &[UserRule]) -> Result<(), String> {
    let word = id.chars().next().is_some_and(|c| c.is_ascii_alphabetic())
        && id
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '_');
    if !word {
        return Err(format!(
            "rule id `{id}` must start with a letter and contain only letters, digits, `-` and `_`"
        ));
    }
    let reserved = id.len() > 3
        && id[..3].eq_ignore_ascii_case("CIO")
        && id[3..].chars().all(|c| c.is_ascii_digit());
    if reserved || registry::find(id).is_some() || id == UNUSED_SUPPRESSION {
        return Err(format!(
            "rule id `{id}` is reserved for built-in rules; choose another prefix"
        ));
    }
    if let Some(other) = earlier.iter().find(|r| r.id.eq_ignore_ascii_case(id)) {
        return Err(format!(
            "rule id `{id}` is already used by {}",
            other.meta_path.display()
        ));
    }
    Ok(())
}

/// Every capture the templates and `report` name must exist in the query. Read from the query
/// text (compiling it is what costs; that happens once per language in [`UserRules::load`]).
fn check_captures(
    source: &str,
    meta: &RuleMeta,
    message: &Template,
    fix: Option<&Template>,
) -> Result<(), String> {
    let names = capture_names(source);
    let referenced = message
        .captures()
        .chain(fix.into_iter().flat_map(Template::captures))
        .chain(meta.report.as_deref());
    for name in referenced {
        if !names.contains(name) {
            let defined: Vec<String> = names.iter().map(|n| format!("`@{n}`")).collect();
            return Err(format!(
                "capture `@{name}` is used by the metadata but not defined by the query (it defines {})",
                if defined.is_empty() {
                    "none".to_string()
                } else {
                    defined.join(", ")
                }
            ));
        }
    }
    Ok(())
}

/// The `@names` of a query, skipping `;` comments and string literals.
fn capture_names(source: &str) -> BTreeSet<&str> {
    let bytes = source.as_bytes();
    let is_name_byte = |b: u8| b.is_ascii_alphanumeric() || matches!(b, b'_' | b'-' | b'.');
    let mut names = BTreeSet::new();
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b';' => i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n),
            b'"' => {
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                i += 1;
            }
            b'@' => {
                let start = i + 1;
                let mut end = start;
                while end < bytes.len() && is_name_byte(bytes[end]) {
                    end += 1;
                }
                if end > start {
                    names.insert(&source[start..end]);
                }
                i = end;
            }
            _ => i += 1,
        }
    }
    names
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
        let mut clock = QueryBudget::new(budget);
        query.for_each_match(
            file.tree,
            file.text,
            bindings,
            ranges,
            &mut clock,
            |i, hit| {
                let rule = rule_of(source_of(i));
                let severity = configured_severity(rule_levels, &rule.id, rule.severity);
                found.extend(severity.and_then(|s| finding_for(rule, s, &hit, file.text)));
            },
        );
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn templates_split_text_and_captures() {
        let template = Template::parse("Event {{ name }} on {{@client}}!");
        assert_eq!(template.captures().collect::<Vec<_>>(), ["name", "client"]);
        let rendered = template.render(|name| name.to_uppercase());
        assert_eq!(rendered, "Event NAME on CLIENT!");
        assert_eq!(
            Template::parse("no {{ end").render(|_| String::new()),
            "no {{ end"
        );
    }

    #[test]
    fn capture_names_skip_comments_and_strings() {
        let query = "; @not_this\n((call) @call (#eq? @call \"@nor \\\" @this\") (x) @a.b)";
        assert_eq!(
            capture_names(query).into_iter().collect::<Vec<_>>(),
            ["a.b", "call"]
        );
    }

    #[test]
    fn ids_must_be_words_and_not_reserved() {
        assert!(check_id("ACME001", &[]).is_ok());
        assert!(check_id("no-test-events", &[]).is_ok());
        assert!(check_id("CIO002", &[]).is_err());
        assert!(check_id("cio099", &[]).is_err());
        assert!(check_id("unused-suppression", &[]).is_err());
        assert!(check_id("1abc", &[]).is_err());
        assert!(check_id("a b", &[]).is_err());
    }
}
