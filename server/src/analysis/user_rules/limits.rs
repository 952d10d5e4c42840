//! The bounds a user rule's files are held to before anything parses them (docs/configuration.md,
//! "Limits"). A rule directory comes with the repository, so its files are untrusted input:
//! tree-sitter's query parser and the TOML parser both recurse per level of nesting, and a
//! 100,000-deep `(_ (_ (_ …` would overflow the stack of whichever thread compiles it. Each
//! file is scanned once, without recursion, and refused at the first place over a bound.

use std::io::Read;
use std::path::Path;

/// The largest `.scm` query read (a real rule is a few hundred bytes).
pub const MAX_QUERY_BYTES: u64 = 64 * 1024;
/// The largest `.toml` metadata file read (its `docs` may be a page of markdown).
pub const MAX_META_BYTES: u64 = 64 * 1024;
/// The deepest nesting of `(…)` and `[…]` in a query (real rules stay under 15).
pub const MAX_QUERY_NESTING: usize = 64;
/// The most top-level patterns in one query file.
pub const MAX_QUERY_PATTERNS: usize = 100;
/// The deepest nesting of arrays and inline tables in a metadata file (it needs 2).
pub const MAX_META_NESTING: usize = 16;

/// Where a file broke a bound (1-based line and column; 0 when it concerns the whole file),
/// and how.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct LimitError {
    pub line: usize,
    pub column: usize,
    pub message: String,
}

impl LimitError {
    fn whole_file(message: String) -> LimitError {
        LimitError {
            line: 0,
            column: 0,
            message,
        }
    }

    fn at(text: &str, offset: usize, message: String) -> LimitError {
        let before = &text.as_bytes()[..offset];
        let line = before.iter().filter(|&&b| b == b'\n').count() + 1;
        let line_start = before
            .iter()
            .rposition(|&b| b == b'\n')
            .map_or(0, |n| n + 1);
        let column = text[line_start..offset].chars().count() + 1;
        LimitError {
            line,
            column,
            message,
        }
    }
}

/// Reads `path` as UTF-8, refusing it past `max_bytes` without reading further (a rule
/// directory may hold a huge file, or a link to one).
pub fn read_bounded(path: &Path, max_bytes: u64) -> Result<String, LimitError> {
    let file = std::fs::File::open(path)
        .map_err(|error| LimitError::whole_file(format!("cannot read it: {error}")))?;
    let mut bytes = Vec::new();
    file.take(max_bytes + 1)
        .read_to_end(&mut bytes)
        .map_err(|error| LimitError::whole_file(format!("cannot read it: {error}")))?;
    if bytes.len() as u64 > max_bytes {
        return Err(LimitError::whole_file(format!(
            "the file is larger than {} KiB, the limit for a rule file",
            max_bytes / 1024
        )));
    }
    String::from_utf8(bytes)
        .map_err(|_| LimitError::whole_file("the file is not valid UTF-8".to_string()))
}

/// Checks a query's nesting depth and pattern count, skipping `;` comments and strings.
pub fn check_query(source: &str) -> Result<(), LimitError> {
    let bytes = source.as_bytes();
    let mut depth = 0usize;
    let mut patterns = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b';' => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            b'"' => {
                if depth == 0 {
                    patterns += 1;
                }
                i = string_end(bytes, i + 1, b'"', true);
                continue;
            }
            b'(' | b'[' => {
                if depth == 0 {
                    patterns += 1;
                    if patterns > MAX_QUERY_PATTERNS {
                        return Err(LimitError::at(
                            source,
                            i,
                            format!("the query has more than {MAX_QUERY_PATTERNS} patterns"),
                        ));
                    }
                }
                depth += 1;
                if depth > MAX_QUERY_NESTING {
                    return Err(LimitError::at(
                        source,
                        i,
                        format!("the query nests deeper than {MAX_QUERY_NESTING} levels"),
                    ));
                }
            }
            b')' | b']' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// Checks the nesting of arrays and inline tables in a TOML file, skipping comments and the
/// four kinds of strings. Table headers (`[a]`, `[[a]]`) open and close on their line.
pub fn check_meta(text: &str) -> Result<(), LimitError> {
    let bytes = text.as_bytes();
    let mut depth = 0usize;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'#' => {
                i = memchr::memchr(b'\n', &bytes[i..]).map_or(bytes.len(), |n| i + n);
                continue;
            }
            quote @ (b'"' | b'\'') => {
                let escapes = quote == b'"';
                i = if bytes[i..].starts_with(&[quote; 3]) {
                    multiline_string_end(bytes, i + 3, quote, escapes)
                } else {
                    string_end(bytes, i + 1, quote, escapes)
                };
                continue;
            }
            b'[' | b'{' => {
                depth += 1;
                if depth > MAX_META_NESTING {
                    return Err(LimitError::at(
                        text,
                        i,
                        format!("arrays and tables nest deeper than {MAX_META_NESTING} levels"),
                    ));
                }
            }
            b']' | b'}' => depth = depth.saturating_sub(1),
            _ => {}
        }
        i += 1;
    }
    Ok(())
}

/// The offset after the closing `quote` of a one-line string whose text starts at `i`.
fn string_end(bytes: &[u8], mut i: usize, quote: u8, escapes: bool) -> usize {
    while i < bytes.len() && bytes[i] != quote {
        i += if escapes && bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 1).min(bytes.len())
}

/// The offset after the closing triple `quote` of a multi-line string whose text starts at `i`.
fn multiline_string_end(bytes: &[u8], mut i: usize, quote: u8, escapes: bool) -> usize {
    while i < bytes.len() && !bytes[i..].starts_with(&[quote; 3]) {
        i += if escapes && bytes[i] == b'\\' { 2 } else { 1 };
    }
    (i + 3).min(bytes.len())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_deep_query_is_refused_where_it_passes_the_limit() {
        let deep = format!("(program\n{}", "(_ ".repeat(100_000));
        let error = check_query(&deep).unwrap_err();
        assert_eq!(
            (error.line, error.column),
            (2, 3 * (MAX_QUERY_NESTING - 1) + 1)
        );
        assert!(
            error.message.contains("deeper than 64"),
            "{}",
            error.message
        );
    }

    #[test]
    fn brackets_in_comments_and_strings_do_not_count() {
        let query = format!(
            "; {}\n((identifier) @a (#eq? @a \"{}\\\"(\"))",
            "(".repeat(1000),
            "[".repeat(1000)
        );
        assert_eq!(check_query(&query), Ok(()));
    }

    #[test]
    fn too_many_patterns_are_refused() {
        let many = "(identifier) @a\n".repeat(MAX_QUERY_PATTERNS + 1);
        let error = check_query(&many).unwrap_err();
        assert_eq!((error.line, error.column), (MAX_QUERY_PATTERNS + 1, 1));
        assert_eq!(
            check_query(&"(identifier) @a\n".repeat(MAX_QUERY_PATTERNS)),
            Ok(())
        );
    }

    #[test]
    fn deep_toml_arrays_are_refused_but_brackets_in_strings_are_not() {
        let deep = format!("id = \"A\"\nx = {}", "[".repeat(100_000));
        let error = check_meta(&deep).unwrap_err();
        assert_eq!((error.line, error.column), (2, 5 + MAX_META_NESTING));
        let fine = "id = \"[[[[\" # [[[[\ndocs = '''\n[[[[[[[[[[[[[[[[[[[[\n'''\n[table]\nlanguages = [\"tsx\"]\n";
        assert_eq!(check_meta(fine), Ok(()));
        let literal = format!("docs = \"\"\"\n{}\n\"\"\"\nx = [[1]]\n", "{".repeat(100));
        assert_eq!(check_meta(&literal), Ok(()));
    }

    #[test]
    fn a_file_over_the_size_limit_is_not_read_past_it() {
        let dir = tempfile::tempdir().unwrap();
        let path = dir.path().join("big.scm");
        std::fs::write(&path, "a".repeat(MAX_QUERY_BYTES as usize + 1)).unwrap();
        let error = read_bounded(&path, MAX_QUERY_BYTES).unwrap_err();
        assert!(
            error.message.contains("larger than 64 KiB"),
            "{}",
            error.message
        );
        std::fs::write(&path, "a".repeat(MAX_QUERY_BYTES as usize)).unwrap();
        assert!(read_bounded(&path, MAX_QUERY_BYTES).is_ok());
    }
}
