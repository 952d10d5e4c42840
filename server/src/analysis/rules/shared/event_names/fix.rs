//! The fix: static text as the name, values (and email addresses lifted out of the text) into
//! the event data.

use tree_sitter::Node;

use super::pieces::Piece;
use super::pii::email_regex;
use crate::analysis::resolve::{CioCall, Sdk};
use crate::analysis::rules::finding::TextEdit;
use crate::analysis::syntax::{self, text, FieldExt, KindExt};

/// Lifts email addresses written in the static text out as values under the key `email`,
/// so that the fix moves them into the event data.
pub fn lift_emails(pieces: Vec<Piece>) -> Vec<Piece> {
    let mut out = Vec::new();
    for piece in pieces {
        let Piece::Text(static_text) = piece else {
            out.push(piece);
            continue;
        };
        let mut cursor = 0;
        for found in email_regex().find_iter(&static_text) {
            out.push(Piece::Text(static_text[cursor..found.start()].to_string()));
            out.push(Piece::Value {
                expression: js_string(found.as_str()),
                key: "email".to_string(),
                pii: Some("email"),
            });
            cursor = found.end();
        }
        out.push(Piece::Text(static_text[cursor..].to_string()));
    }
    out
}

const SEPARATORS: &[char] = &['_', '-', ' ', '.', ':', '/'];

/// The static text of `pieces` joined into one name: a separator left doubled where a value was
/// removed is dropped (`user_${id}_signed_up` → `user_signed_up`), and separators at either end
/// are trimmed (`viewed_${id}` → `viewed`).
pub fn static_name(pieces: &[Piece]) -> String {
    let mut name = String::new();
    for piece in pieces {
        let Piece::Text(static_text) = piece else {
            continue;
        };
        let joined = if name.ends_with(SEPARATORS) {
            static_text.trim_start_matches(SEPARATORS)
        } else {
            static_text
        };
        name.push_str(joined);
    }
    name.trim_matches(SEPARATORS).to_string()
}

/// The data entries (`product_id: productId`) for the values of `pieces`, with keys made unique
/// against each other and against `taken` (keys already in the data object).
pub fn data_entries(pieces: &[Piece], taken: &[String]) -> Vec<String> {
    let mut used: Vec<String> = taken.to_vec();
    let mut entries = Vec::new();
    for piece in pieces {
        let Piece::Value {
            expression, key, ..
        } = piece
        else {
            continue;
        };
        let mut unique = key.clone();
        let mut n = 2;
        while used.contains(&unique) {
            unique = format!("{key}_{n}");
            n += 1;
        }
        entries.push(if *expression == unique {
            unique.clone()
        } else {
            format!("{unique}: {expression}")
        });
        used.push(unique);
    }
    entries
}

/// A double-quoted JavaScript string holding `raw`, source text taken from a string or template
/// literal (escape sequences are kept; bare double quotes are escaped).
pub fn js_string(raw: &str) -> String {
    let mut out = String::with_capacity(raw.len() + 2);
    out.push('"');
    let mut escaped = false;
    for c in raw.chars() {
        match c {
            '"' if !escaped => out.push_str("\\\""),
            '\n' if !escaped => out.push_str("\\n"),
            _ => out.push(c),
        }
        escaped = c == '\\' && !escaped;
    }
    out.push('"');
    out
}

/// The edits that rename the event to its static text and move the values of `pieces` into
/// the event data of `call`, or `None` when no static text is left to name the event.
///
/// The data is merged into an object literal (`data: { a: 1 }` → `{ a: 1, product_id: productId }`);
/// a data expression that is not a literal is spread into a new object
/// (`props` → `{ ...props, product_id: productId }`); missing data is added where the SDK takes
/// it (`data:` / `properties:` in the payload, or the second argument).
pub fn move_values_to_data(
    call: &CioCall,
    name: Node,
    pieces: &[Piece],
    source: &str,
) -> Option<(String, Vec<TextEdit>)> {
    let new_name = static_name(pieces);
    if new_name.is_empty() {
        return None;
    }
    let mut edits = vec![TextEdit::replace(name.byte_range(), js_string(&new_name))];
    // The name may be an operation's, in a `batch` / `entity` call: its data is the operation's.
    let operation = call
        .operations(source)
        .into_iter()
        .find(|operation| operation.event_name(source) == Some(name));
    let data = match &operation {
        Some(operation) => operation.event_data(source),
        None => call.event_data(source),
    };
    let taken = data
        .filter(|d| d.kind_name() == "object")
        .map(|d| object_keys(d, source))
        .unwrap_or_default();
    let entries = data_entries(pieces, &taken);
    match data {
        Some(object) if object.kind_name() == "object" => {
            edits.push(add_members(object, &entries, source));
        }
        Some(expression) => {
            let spread = format!(
                "{{ ...{}, {} }}",
                text(expression, source),
                entries.join(", ")
            );
            // A shorthand `{ name, data }` member is both key and value.
            let replacement = if expression.kind_name() == "shorthand_property_identifier" {
                format!("{}: {spread}", text(expression, source))
            } else {
                spread
            };
            edits.push(TextEdit::replace(expression.byte_range(), replacement));
        }
        // A wrapper that takes no data: there is nowhere to move the values.
        None if call.wrapped().is_some() => return None,
        None => {
            let object = format!("{{ {} }}", entries.join(", "));
            if let Some(operation) = &operation {
                let member = format!("{}: {object}", operation.data_key());
                edits.push(add_members(operation.object, &[member], source));
                return Some((new_name, edits));
            }
            match (call.event_payload(), call.sdk) {
                (Some(payload), Sdk::NodeTrack | Sdk::NodeLegacy) => {
                    edits.push(add_members(payload, &[format!("data: {object}")], source));
                }
                (Some(payload), _) => {
                    edits.push(add_members(
                        payload,
                        &[format!("properties: {object}")],
                        source,
                    ));
                }
                (None, _) => {
                    let first = *call.args().first()?;
                    if call.args().len() != 1 {
                        return None;
                    }
                    edits.push(TextEdit::insert(first.end_byte(), format!(", {object}")));
                }
            }
        }
    }
    Some((new_name, edits))
}

fn object_keys(object: Node, source: &str) -> Vec<String> {
    let mut cursor = object.walk();
    let keys = object
        .named_children(&mut cursor)
        .filter_map(|member| match member.kind_name() {
            "pair" => member
                .field("key")
                .and_then(|k| syntax::property_key(k, source))
                .map(str::to_string),
            "shorthand_property_identifier" => Some(text(member, source).to_string()),
            _ => None,
        })
        .collect();
    keys
}

/// Inserts `members` at the end of an object literal, matching its layout: on one line
/// (`{ a: 1, b }`) or one member per line, before a trailing comma if there is one.
fn add_members(object: Node, members: &[String], source: &str) -> TextEdit {
    let mut cursor = object.walk();
    let last = object
        .named_children(&mut cursor)
        .filter(|m| m.kind_name() != "comment")
        .last();
    let Some(last) = last else {
        return TextEdit::replace(object.byte_range(), format!("{{ {} }}", members.join(", ")));
    };
    let multiline = source[object.start_byte()..last.start_byte()].contains('\n');
    let inserted = if multiline {
        let indent = syntax::line_indent(source, last.start_byte());
        members
            .iter()
            .map(|m| format!(",\n{indent}{m}"))
            .collect::<String>()
    } else {
        members.iter().map(|m| format!(", {m}")).collect::<String>()
    };
    TextEdit::insert(last.end_byte(), inserted)
}

/// A short description of the values moved, for fix titles (`productId`, `user.email`).
pub fn describe_values(pieces: &[Piece]) -> String {
    let values: Vec<String> = pieces
        .iter()
        .filter_map(|p| match p {
            Piece::Value { expression, .. } => Some(format!("`{expression}`")),
            Piece::Text(_) => None,
        })
        .collect();
    values.join(", ")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn static_names_drop_doubled_and_outer_separators() {
        let t = |s: &str| Piece::Text(s.to_string());
        let v = || Piece::Value {
            expression: "x".into(),
            key: "x".into(),
            pii: None,
        };
        assert_eq!(static_name(&[t("viewed_"), v(), t("")]), "viewed");
        assert_eq!(
            static_name(&[t("user_"), v(), t("_signed_up")]),
            "user_signed_up"
        );
        assert_eq!(
            static_name(&[t(""), v(), t(" plan upgraded")]),
            "plan upgraded"
        );
        assert_eq!(static_name(&[t(""), v(), t("")]), "");
    }

    #[test]
    fn strings_are_quoted_safely() {
        assert_eq!(js_string(r#"say "hi""#), r#""say \"hi\"""#);
        assert_eq!(js_string(r#"a\"b"#), r#""a\"b""#);
    }
}
