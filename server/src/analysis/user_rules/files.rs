//! Reading a rule directory: the `NAME.toml` + `NAME.scm` pairs, each file held to the
//! [`limits`](super::limits) before it is parsed, the metadata checked against the query.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::limits;
use super::rule::{RuleLoadError, RuleMeta, Template, UserRule};
use crate::analysis::rules::registry::{self, UNUSED_SUPPRESSION};
use crate::analysis::syntax::Lang;

/// The `(NAME.toml, NAME.scm)` pairs of `dir`; a lone half of a pair is an error.
pub(super) fn rule_files(dir: &Path, errors: &mut Vec<RuleLoadError>) -> Vec<(PathBuf, PathBuf)> {
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
pub(super) fn load_rule(
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

#[cfg(test)]
mod tests {
    use super::*;

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
