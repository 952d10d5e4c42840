//! A name expression split into its pieces: static text, and values only known at run time.

use tree_sitter::Node;

use super::pii::{pii_kind, value_key};
use crate::analysis::syntax::{self, text, unwrap_expression, FieldExt, KindExt};

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
