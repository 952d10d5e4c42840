//! A user rule as loaded: its metadata as written ([`RuleMeta`]), its message and fix
//! templates, and the error that keeps one from loading ([`RuleLoadError`]).

use std::fmt;
use std::path::{Path, PathBuf};

use serde::Deserialize;

use super::limits::LimitError;
use crate::analysis::rules::finding::Severity;
use crate::analysis::syntax::Lang;

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
    pub(super) fn lang(self) -> Lang {
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
pub(super) struct Template(Vec<Piece>);

impl Template {
    pub(super) fn parse(template: &str) -> Template {
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

    pub(super) fn captures(&self) -> impl Iterator<Item = &str> {
        self.0.iter().filter_map(|piece| match piece {
            Piece::Capture(name) => Some(name.as_str()),
            Piece::Text(_) => None,
        })
    }

    pub(super) fn render(&self, capture_text: impl Fn(&str) -> String) -> String {
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
    pub(super) message_template: Template,
    pub(super) fix_template: Option<Template>,
    pub(super) report: Option<String>,
    pub(super) languages: Vec<Lang>,
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
    pub(super) fn new(path: &Path, message: String) -> RuleLoadError {
        RuleLoadError {
            path: path.to_path_buf(),
            line: 0,
            column: 0,
            message,
        }
    }

    pub(super) fn over_limit(path: &Path, error: LimitError) -> RuleLoadError {
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
}
