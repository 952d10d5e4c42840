//! Event-name logic shared by CIO006 (dynamic names), CIO010 (naming style) and CIO012 (personal
//! data in names): splitting a name expression into static text and run-time values, naming
//! styles and conversions between them, PII-name detection, and the fix that moves run-time
//! values out of the name into the event data.

use crate::analysis::syntax::KindExt;
use std::sync::OnceLock;

use regex::Regex;
use tree_sitter::Node;

use crate::analysis::finding::TextEdit;
use crate::analysis::query::Hit;
use crate::analysis::resolve::CioCall;
use crate::analysis::resolve::Sdk;
use crate::analysis::rules::RuleContext;
use crate::analysis::syntax::{self, text, unwrap_expression, FieldExt};
use crate::analysis::EventNameStyle;

/// The Customer.io call and event name of a match of the event-name patterns (`@call`,
/// `@name`), when the call model agrees that `@name` is the call's event name: the queries find
/// the SDK's name position, the call model has the last word on it.
pub fn event_name_hit<'t>(ctx: &RuleContext, hit: &Hit<'t, '_>) -> Option<(CioCall<'t>, Node<'t>)> {
    let call = ctx.call(hit.get("call")?)?;
    let name = hit.get("name")?;
    (call.event_name(ctx.source) == Some(name)).then_some((call, name))
}

/// One piece of an event-name expression.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Piece {
    /// Static text, as written in the source (escape sequences kept).
    Text(String),
    /// A value only known at run time (or, for CIO012, an email address lifted out of the
    /// static text): the expression to put in the event data and the key to put it under.
    Value {
        expression: String,
        key: String,
        /// What personal data the value's name says it holds (`email`, `phone`, …).
        pii: Option<&'static str>,
    },
}

/// The pieces of a name built at run time: a template literal with substitutions, or a `+`
/// concatenation of a string with a non-literal. `None` for anything else (a literal, a plain
/// variable, arithmetic).
pub fn dynamic_name_pieces(name: Node, source: &str) -> Option<Vec<Piece>> {
    let name = unwrap_expression(name);
    let is_concatenation = is_plus(name) && has_string_leaf(name);
    if !(name.kind_name() == "template_string" && syntax::has_substitution(name)
        || is_concatenation)
    {
        return None;
    }
    let mut pieces = Vec::new();
    collect_pieces(name, source, &mut pieces);
    pieces
        .iter()
        .any(|p| matches!(p, Piece::Value { .. }))
        .then_some(pieces)
}

/// The pieces of any string-valued name expression (literal, template, concatenation).
pub fn name_pieces(name: Node, source: &str) -> Option<Vec<Piece>> {
    let name = unwrap_expression(name);
    let stringy = matches!(name.kind_name(), "string" | "template_string")
        || is_plus(name) && has_string_leaf(name);
    if !stringy {
        return None;
    }
    let mut pieces = Vec::new();
    collect_pieces(name, source, &mut pieces);
    Some(pieces)
}

fn is_plus(node: Node) -> bool {
    node.kind_name() == "binary_expression"
        && node
            .field("operator")
            .is_some_and(|op| op.kind_name() == "+")
}

fn has_string_leaf(node: Node) -> bool {
    let node = unwrap_expression(node);
    match node.kind_name() {
        "string" | "template_string" => true,
        _ if is_plus(node) => {
            let left = node.field("left");
            let right = node.field("right");
            left.is_some_and(has_string_leaf) || right.is_some_and(has_string_leaf)
        }
        _ => false,
    }
}

fn collect_pieces(node: Node, source: &str, pieces: &mut Vec<Piece>) {
    let node = unwrap_expression(node);
    match node.kind_name() {
        "string" | "number" => pieces.push(Piece::Text(literal_content(node, source))),
        "template_string" => {
            // Static text is whatever lies between the backticks outside the substitutions.
            let mut cursor = node.start_byte() + 1;
            let mut children = node.walk();
            for child in node.named_children(&mut children) {
                if child.kind_name() != "template_substitution" {
                    continue;
                }
                pieces.push(Piece::Text(source[cursor..child.start_byte()].to_string()));
                if let Some(expression) = child.named_child(0) {
                    pieces.push(value_piece(expression, source));
                }
                cursor = child.end_byte();
            }
            let end = node.end_byte().saturating_sub(1).max(cursor);
            pieces.push(Piece::Text(source[cursor..end].to_string()));
        }
        _ if is_plus(node) && has_string_leaf(node) => {
            for side in ["left", "right"] {
                if let Some(operand) = node.field(side) {
                    collect_pieces(operand, source, pieces);
                }
            }
        }
        _ => pieces.push(value_piece(node, source)),
    }
}

fn literal_content(node: Node, source: &str) -> String {
    match node.kind_name() {
        "string" => syntax::string_literal_value(node, source)
            .unwrap_or("")
            .to_string(),
        _ => text(node, source).to_string(),
    }
}

fn value_piece(expression: Node, source: &str) -> Piece {
    let mut expression_text = text(expression, source).to_string();
    // A comma expression must be parenthesised to be a property value.
    if unwrap_expression(expression).kind_name() == "sequence_expression" {
        expression_text = format!("({expression_text})");
    }
    Piece::Value {
        expression: expression_text,
        key: value_key(expression, source),
        pii: pii_kind(expression, source),
    }
}

// ---------------------------------------------------------------------------------------------
// Naming the values

/// Methods that transform a value without changing what it is (`user.email.toLowerCase()`).
const TRANSFORMS: &[&str] = &[
    "toLowerCase",
    "toUpperCase",
    "toLocaleLowerCase",
    "toLocaleUpperCase",
    "toString",
    "trim",
    "normalize",
];

/// The words that name a value: `productId` → [product, id]; `product.id` → [product, id];
/// `user.getEmail()` → [email]; `user.email.toLowerCase()` → [user, email].
fn value_words(expression: Node, source: &str) -> Vec<String> {
    let expression = unwrap_expression(expression);
    match expression.kind_name() {
        "identifier" | "property_identifier" | "shorthand_property_identifier" => {
            words(text(expression, source))
        }
        "member_expression" => {
            let property = expression
                .field("property")
                .map_or(Vec::new(), |p| words(text(p, source)));
            let object = expression
                .field("object")
                .map(unwrap_expression)
                .filter(|o| o.kind_name() != "this");
            let owner = match object {
                Some(o) if o.kind_name() == "identifier" => words(text(o, source)),
                Some(o) if o.kind_name() == "member_expression" => o
                    .field("property")
                    .map_or(Vec::new(), |p| words(text(p, source))),
                _ => Vec::new(),
            };
            owner.into_iter().chain(property).collect()
        }
        "call_expression" => {
            let Some(function) = expression.field("function") else {
                return Vec::new();
            };
            let function = unwrap_expression(function);
            let method = match function.kind_name() {
                "member_expression" => function.field("property"),
                "identifier" => Some(function),
                _ => None,
            };
            let Some(method) = method.map(|m| text(m, source)) else {
                return Vec::new();
            };
            if TRANSFORMS.contains(&method) {
                return function
                    .field("object")
                    .map_or(Vec::new(), |object| value_words(object, source));
            }
            let mut method_words = words(method);
            if method_words.len() > 1 && method_words[0] == "get" {
                method_words.remove(0);
            }
            method_words
        }
        _ => Vec::new(),
    }
}

/// The snake_case data key for a value moved out of a name (`productId` → `product_id`,
/// `product.id` → `product_id`); `value` when the expression has no name.
pub fn value_key(expression: Node, source: &str) -> String {
    let key = value_words(expression, source).join("_");
    let valid = key
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_lowercase() || c == '_')
        && key
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_');
    if valid {
        key
    } else {
        "value".to_string()
    }
}

// ---------------------------------------------------------------------------------------------
// Personal data

/// Words that, qualifying `name`, make it a person's name (`firstName`, `user.name`).
const PERSON_WORDS: &[&str] = &[
    "first",
    "last",
    "full",
    "middle",
    "given",
    "family",
    "sur",
    "nick",
    "display",
    "real",
    "legal",
    "user",
    "customer",
    "person",
    "member",
    "contact",
    "profile",
    "account",
    "recipient",
    "owner",
    "author",
    "buyer",
    "subscriber",
    "lead",
    "patient",
    "employee",
    "student",
    "me",
    "viewer",
    "sender",
];

/// Whether `expression`'s name says it holds personal data; returns what kind
/// (`email`, `phone`, `name`, `address`, `ssn`, `ip`).
pub fn pii_kind(expression: Node, source: &str) -> Option<&'static str> {
    pii_kind_of_words(&value_words(expression, source))
}

fn pii_kind_of_words(words: &[String]) -> Option<&'static str> {
    let has = |w: &str| words.iter().any(|word| word == w);
    if has("email") || has("mail") && has("e") {
        return Some("email");
    }
    if has("phone") || has("telephone") || has("msisdn") {
        return Some("phone");
    }
    if has("ssn") {
        return Some("ssn");
    }
    if has("ip") {
        return Some("ip");
    }
    if has("address") {
        return Some("address");
    }
    let single_word_names = ["username", "surname", "firstname", "lastname", "fullname"];
    if words
        .iter()
        .any(|w| single_word_names.contains(&w.as_str()))
    {
        return Some("name");
    }
    // `name` on its own, or qualified as a person's (`firstName`, `user.name`); not
    // `product.name` or `eventName`.
    let name_at = words.iter().position(|w| w == "name")?;
    let qualified = words[..name_at]
        .iter()
        .any(|w| PERSON_WORDS.contains(&w.as_str()));
    (words.len() == 1 || qualified).then_some("name")
}

fn email_regex() -> &'static Regex {
    static EMAIL: OnceLock<Regex> = OnceLock::new();
    EMAIL.get_or_init(|| {
        // `_` separates the words of an event name, so it ends the local part here:
        // `signup_jane@example.com` is the event `signup` and the address `jane@example.com`.
        Regex::new(r"[A-Za-z0-9][A-Za-z0-9.%+-]*@[A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*\.[A-Za-z]{2,}")
            .expect("valid email regex")
    })
}

/// Whether static text contains an email address.
pub fn contains_email(text: &str) -> bool {
    email_regex().is_match(text)
}

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

// ---------------------------------------------------------------------------------------------
// Styles

fn style_regex(style: EventNameStyle) -> &'static Regex {
    static SNAKE: OnceLock<Regex> = OnceLock::new();
    static TITLE: OnceLock<Regex> = OnceLock::new();
    static CAMEL: OnceLock<Regex> = OnceLock::new();
    let (cell, pattern) = match style {
        EventNameStyle::SnakeCase => (&SNAKE, r"^[a-z][a-z0-9]*(_[a-z0-9]+)*$"),
        // Words start with a capital; all-capital acronyms are words too ("SMS Sent").
        EventNameStyle::TitleCase => (
            &TITLE,
            r"^([A-Z][a-z0-9]*|[A-Z0-9]+)( ([A-Z][a-z0-9]*|[A-Z0-9]+))*$",
        ),
        EventNameStyle::CamelCase => (&CAMEL, r"^[a-z][a-z0-9]*([A-Z][a-z0-9]*)*$"),
    };
    cell.get_or_init(|| Regex::new(pattern).expect("valid style regex"))
}

pub fn style_label(style: EventNameStyle) -> &'static str {
    match style {
        EventNameStyle::SnakeCase => "snake_case",
        EventNameStyle::TitleCase => "Title Case",
        EventNameStyle::CamelCase => "camelCase",
    }
}

/// Whether `name` follows `style`.
pub fn follows_style(name: &str, style: EventNameStyle) -> bool {
    style_regex(style).is_match(name)
}

/// Whether a client of `sdk` accepts `name` under the configured `style`: the CDP/Pipelines
/// clients also accept Segment's "Object Action" Title Case by default.
pub fn accepted(name: &str, style: EventNameStyle, sdk: Sdk) -> bool {
    follows_style(name, style) || sdk.is_cdp() && follows_style(name, EventNameStyle::TitleCase)
}

/// The words of a name: split at separators, lower→upper case changes and the end of an
/// acronym (`HTTPRequest` → http, request). Lower-cased.
pub fn words(name: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    let chars: Vec<char> = name.chars().collect();
    for (i, &c) in chars.iter().enumerate() {
        if !c.is_alphanumeric() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
            continue;
        }
        let previous = i.checked_sub(1).map(|p| chars[p]);
        let next = chars.get(i + 1);
        let starts_word = c.is_uppercase()
            && previous.is_some_and(|p| {
                p.is_lowercase()
                    || p.is_ascii_digit()
                    || p.is_uppercase() && next.is_some_and(|n| n.is_lowercase())
            });
        if starts_word && !current.is_empty() {
            out.push(std::mem::take(&mut current));
        }
        current.extend(c.to_lowercase());
    }
    if !current.is_empty() {
        out.push(current);
    }
    out
}

/// `name` converted to `style`, when the result follows it (names starting with a digit, or in
/// scripts without case, have no conversion).
pub fn convert(name: &str, style: EventNameStyle) -> Option<String> {
    let original: Vec<&str> = name
        .split(|c: char| !c.is_alphanumeric())
        .filter(|w| !w.is_empty())
        .collect();
    let parts = words(name);
    let converted = match style {
        EventNameStyle::SnakeCase => parts.join("_"),
        EventNameStyle::CamelCase => parts
            .iter()
            .enumerate()
            .map(|(i, w)| if i == 0 { w.clone() } else { capitalize(w) })
            .collect(),
        EventNameStyle::TitleCase => parts
            .iter()
            .map(|w| {
                // Keep acronyms written in capitals ("SMS").
                let acronym = original
                    .iter()
                    .any(|o| o.len() > 1 && o.to_lowercase() == *w && o.to_uppercase() == *o);
                if acronym {
                    w.to_uppercase()
                } else {
                    capitalize(w)
                }
            })
            .collect::<Vec<_>>()
            .join(" "),
    };
    follows_style(&converted, style).then_some(converted)
}

fn capitalize(word: &str) -> String {
    let mut chars = word.chars();
    chars.next().map_or(String::new(), |first| {
        first.to_uppercase().chain(chars).collect()
    })
}

/// How spellings of one name are compared across the workspace: lower case, no separators
/// (`orderPlaced`, `order_placed` and `Order Placed` are one name).
pub fn spelling_key(name: &str) -> String {
    name.chars()
        .filter(|c| c.is_alphanumeric())
        .flat_map(char::to_lowercase)
        .collect()
}

// ---------------------------------------------------------------------------------------------
// The fix: static text as the name, values into the event data

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
    let data = call.event_data(source);
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
        None => {
            let object = format!("{{ {} }}", entries.join(", "));
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
    fn words_split_cases_and_separators() {
        assert_eq!(words("orderPlaced"), ["order", "placed"]);
        assert_eq!(words("Order Placed"), ["order", "placed"]);
        assert_eq!(words("order-placed.v2"), ["order", "placed", "v2"]);
        assert_eq!(words("HTTPRequestSent"), ["http", "request", "sent"]);
        assert_eq!(words("step2Done"), ["step2", "done"]);
    }

    #[test]
    fn conversions_follow_their_style() {
        assert_eq!(
            convert("orderPlaced", EventNameStyle::SnakeCase).as_deref(),
            Some("order_placed")
        );
        assert_eq!(
            convert("Order Placed", EventNameStyle::SnakeCase).as_deref(),
            Some("order_placed")
        );
        assert_eq!(
            convert("order_placed", EventNameStyle::TitleCase).as_deref(),
            Some("Order Placed")
        );
        assert_eq!(
            convert("SMS sent", EventNameStyle::TitleCase).as_deref(),
            Some("SMS Sent")
        );
        assert_eq!(
            convert("order-placed", EventNameStyle::CamelCase).as_deref(),
            Some("orderPlaced")
        );
        assert_eq!(convert("2fa enabled", EventNameStyle::SnakeCase), None);
    }

    #[test]
    fn styles() {
        assert!(follows_style("order_placed", EventNameStyle::SnakeCase));
        assert!(!follows_style("orderPlaced", EventNameStyle::SnakeCase));
        assert!(follows_style("Order Completed", EventNameStyle::TitleCase));
        assert!(!follows_style("OrderCompleted", EventNameStyle::TitleCase));
        assert!(follows_style("orderPlaced", EventNameStyle::CamelCase));
        assert!(accepted(
            "Order Completed",
            EventNameStyle::SnakeCase,
            Sdk::CdpNode
        ));
        assert!(!accepted(
            "Order Completed",
            EventNameStyle::SnakeCase,
            Sdk::NodeTrack
        ));
    }

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
    fn pii_words() {
        let kind =
            |w: &[&str]| pii_kind_of_words(&w.iter().map(|s| s.to_string()).collect::<Vec<_>>());
        assert_eq!(kind(&["user", "email"]), Some("email"));
        assert_eq!(kind(&["phone", "number"]), Some("phone"));
        assert_eq!(kind(&["name"]), Some("name"));
        assert_eq!(kind(&["first", "name"]), Some("name"));
        assert_eq!(kind(&["user", "name"]), Some("name"));
        assert_eq!(kind(&["product", "name"]), None);
        assert_eq!(kind(&["event", "name"]), None);
        assert_eq!(kind(&["client", "ip"]), Some("ip"));
        assert_eq!(kind(&["zip"]), None);
        assert_eq!(kind(&["shipping", "address"]), Some("address"));
        assert!(contains_email("signup_jane@example.com"));
        assert!(!contains_email("user@"));
    }

    #[test]
    fn strings_are_quoted_safely() {
        assert_eq!(js_string(r#"say "hi""#), r#""say \"hi\"""#);
        assert_eq!(js_string(r#"a\"b"#), r#""a\"b""#);
    }
}
