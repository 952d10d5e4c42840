//! A mistake in the configuration file, located: file, line, column and the key it is under.

use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};

use toml::Spanned;

use crate::analysis::syntax::{Encoding, LineIndex};

/// A mistake in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column (in characters) of the mistake; 0 when it concerns the whole
    /// file (it cannot be read).
    pub line: u32,
    pub column: u32,
    /// The dotted key the mistake is in (`rules.CIO099`, `clients.names.analytics`,
    /// `rule_dirs[0]`), when there is one.
    pub key: Option<String>,
    pub message: String,
    /// Byte range in the file, for an editor diagnostic.
    pub span: Option<Range<usize>>,
}

impl ConfigError {
    pub(super) fn at(path: &Path, text: &str, span: Option<Range<usize>>, message: String) -> Self {
        let (line, column) = match &span {
            Some(span) => {
                let index = LineIndex::new(text);
                let position = index.position(text, span.start, Encoding::Utf8);
                let line_text = &text[index.line_range(text, position.line as usize)];
                let chars = line_text
                    .get(..position.col as usize)
                    .map_or(0, |prefix| prefix.chars().count());
                (position.line + 1, chars as u32 + 1)
            }
            None => (0, 0),
        };
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            key: span.as_ref().and_then(|span| key_at(text, span.start)),
            message,
            span,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        match &self.key {
            Some(key) => write!(f, ": key `{key}`: {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// The dotted key whose key or value contains byte `offset` (the deepest one).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let table = toml::de::DeTable::parse(text).ok()?;
    let mut best: Option<(usize, String)> = None;
    search_table(table.get_ref(), offset, "", 0, &mut best);
    best.map(|(_, key)| key)
}

fn search_table(
    table: &toml::de::DeTable,
    offset: usize,
    prefix: &str,
    depth: usize,
    best: &mut Option<(usize, String)>,
) {
    for (key, value) in table.iter() {
        let name = key.get_ref();
        let bare = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let segment = if bare {
            name.to_string()
        } else {
            format!("\"{name}\"")
        };
        let path = if prefix.is_empty() {
            segment
        } else {
            format!("{prefix}.{segment}")
        };
        search_value(key.span(), value, offset, path, depth + 1, best);
    }
}

fn search_value(
    key_span: Range<usize>,
    value: &Spanned<toml::de::DeValue>,
    offset: usize,
    path: String,
    depth: usize,
    best: &mut Option<(usize, String)>,
) {
    let holds = key_span.contains(&offset) || value.span().contains(&offset);
    if holds && best.as_ref().is_none_or(|(d, _)| depth > *d) {
        *best = Some((depth, path.clone()));
    }
    match value.get_ref() {
        toml::de::DeValue::Table(inner) => search_table(inner, offset, &path, depth, best),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                search_value(0..0, item, offset, format!("{path}[{i}]"), depth + 1, best);
            }
        }
        _ => {}
    }
}
