//! Naming styles (snake_case, Title Case, camelCase): whether a name follows one, the
//! conversion to it, and how spellings of one name are compared.

use std::sync::OnceLock;

use regex::Regex;

use crate::analysis::resolve::Sdk;
use crate::analysis::rules::options::EventNameStyle;

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
}
