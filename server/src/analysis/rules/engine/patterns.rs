//! The text of `.scm` patterns, read without compiling them (tree-sitter exposes neither a
//! pattern's root nor its text): splitting a source into its patterns, the node kinds a
//! pattern is rooted at, and the method names a pattern requires of its root call.

/// The node kinds a pattern's text starts with: `(kind …`, `[(a …) @x (b …)]`, or either
/// wrapped in a group with its captures and predicates (`((kind …) @x (#eq? @x "…"))`, the
/// usual way to attach predicates); `None` for anything else.
pub(super) fn root_names(pattern: &str) -> Option<Vec<&str>> {
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

/// The method names a pattern requires of the call it is rooted at: the pattern's root is
/// `(call_expression function: (member_expression property: (property_identifier) @m) …)` and
/// `@m` is restricted by `(#eq? @m "name")` or `(#any-of? @m "a" "b" …)`. `None` when the
/// pattern does not have that shape (it then runs around every mention).
pub(super) fn required_methods(pattern: &str) -> Option<Vec<String>> {
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

/// The top-level patterns of a query source, each with its captures, quantifiers and
/// predicates; `None` when the text holds something else at top level.
pub(in crate::analysis::rules) fn split_patterns(source: &str) -> Option<Vec<&str>> {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
