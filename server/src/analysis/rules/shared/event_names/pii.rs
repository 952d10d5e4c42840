//! What a value's name says it holds: its words, the data key it goes under, and the personal
//! data it names (also email addresses written in static text).

use std::sync::OnceLock;

use regex::Regex;
use tree_sitter::Node;

use super::style::words;
use crate::analysis::syntax::{text, unwrap_expression, FieldExt, KindExt};

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

pub(super) fn email_regex() -> &'static Regex {
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

#[cfg(test)]
mod tests {
    use super::*;

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
}
