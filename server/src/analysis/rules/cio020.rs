//! CIO020 placeholder-credential: see `queries/CIO020-placeholder-credential.md`.
//!
//! The same credential positions as CIO013; the value service says which literals reach them
//! and which of those only apply when the environment lacks the value.

use tree_sitter::Node;

use crate::analysis::resolve::values::Fallback;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::rules::shared::credentials::{
    self, is_test_or_story, looks_like_placeholder, CredentialLiteral, LiteralAt,
};
use crate::analysis::syntax::{self, text, unwrap_expression, word_occurrences, FieldExt, KindExt};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    // Placeholders are what tests and stories are made of.
    if is_test_or_story(ctx.path, ctx.workspace.root()) {
        return;
    }
    for (position, credential, in_options) in credentials::captured(hit) {
        let root = syntax::tree_root(position);
        for literal in credentials::literals_reaching(ctx, position, credential, in_options) {
            let Some(fallback) = &literal.fallback else {
                continue;
            };
            let LiteralAt::Here(range) = &literal.at else {
                continue;
            };
            if !(fallback.from_env || fallback.default) || !looks_like_placeholder(&literal.text) {
                continue;
            }
            // An empty fallback that the code tests switches the integration off on purpose.
            if literal.text.is_empty() && switched_off(ctx, fallback, root) {
                continue;
            }
            report(ctx, &literal, fallback, range.clone(), root);
        }
    }
}

fn report(
    ctx: &mut RuleContext,
    literal: &CredentialLiteral,
    fallback: &Fallback,
    range: std::ops::Range<usize>,
    root: Node,
) {
    let what = literal.credential.describe();
    let placeholder = if literal.text.is_empty() {
        "an empty string"
    } else {
        "a placeholder"
    };
    let from = match (&fallback.env, fallback.default) {
        (Some(name), _) => format!("when `{name}` is not set"),
        (None, true) => "when none is passed".to_string(),
        (None, false) => "when the environment lacks it".to_string(),
    };
    // The placeholder itself is not quoted: credentials never are.
    let message = format!(
        "The Customer.io {what} falls back to {placeholder} {from}: the service starts, and every call gets 401, usually swallowed by a `.catch`. Fail at startup instead"
    );
    let mut finding = ctx.finding_at(range.clone(), message);
    if let Some(fix) = fail_at_startup(fallback, range, root, what) {
        finding = finding.with_fix(fix);
    }
    ctx.report(finding);
}

/// The suggestion: a missing environment value throws where the fallback was; a default
/// parameter is dropped.
fn fail_at_startup(
    fallback: &Fallback,
    literal: std::ops::Range<usize>,
    root: Node,
    what: &str,
) -> Option<Fix> {
    let at = syntax::descendant_for_byte_range(root, fallback.at.start, fallback.at.end)?;
    if fallback.default {
        let left = at.field("left")?;
        let right = at.field("right").or_else(|| at.field("value"))?;
        if unwrap_expression(right).byte_range() != literal {
            return None;
        }
        return Some(Fix {
            title: format!("Drop the default {what}"),
            applicability: Applicability::Suggestion,
            edits: vec![TextEdit::replace(left.end_byte()..at.end_byte(), "")],
        });
    }
    let right = at.field("right")?;
    if unwrap_expression(right).byte_range() != literal {
        return None;
    }
    let name = fallback
        .env
        .as_deref()
        .unwrap_or("the Customer.io credential");
    Some(Fix {
        title: format!("Throw when `{name}` is not set"),
        applicability: Applicability::Suggestion,
        edits: vec![TextEdit::replace(
            literal,
            format!("(() => {{ throw new Error(\"{name} is not set\"); }})()"),
        )],
    })
}

/// Whether the value with an empty fallback at `fallback.at` is tested before use: the name
/// that holds it (`const key = process.env.X || ""`, `{ apiKey: process.env.X ?? "" }`) or the
/// environment value itself appears in a condition (`if (!key) return`, `key ? init(key) :
/// null`, `if (config.apiKey && …)`).
fn switched_off(ctx: &RuleContext, fallback: &Fallback, root: Node) -> bool {
    let Some(at) = syntax::descendant_for_byte_range(root, fallback.at.start, fallback.at.end)
    else {
        return false;
    };
    let mut names: Vec<&str> = Vec::new();
    if let Some(holder) = syntax::value_parent(syntax::outer_expression(at)) {
        match holder.kind_name() {
            "variable_declarator" => names.extend(
                holder
                    .field("name")
                    .filter(|n| n.kind_name() == "identifier")
                    .map(|n| text(n, ctx.source)),
            ),
            "pair" => names.extend(
                holder
                    .field("key")
                    .and_then(|k| syntax::property_key(k, ctx.source)),
            ),
            "assignment_expression" => names.extend(
                holder
                    .field("left")
                    .map(|l| syntax::last_name(l, ctx.source))
                    .filter(|n| !n.is_empty()),
            ),
            _ => {}
        }
    }
    names.extend(fallback.env.as_deref());
    names.iter().any(|name| tested(root, name, ctx.source))
}

/// Whether `name` (a variable, or the last property of a member expression) is tested
/// somewhere in the file: negated, or the condition of an `if`, a ternary or a loop, possibly
/// within `&&` / `||`.
fn tested(root: Node, name: &str, source: &str) -> bool {
    word_occurrences(source, name).any(|offset| {
        let Some(mention) = syntax::descendant_for_byte_range(root, offset, offset + name.len())
        else {
            return false;
        };
        if !matches!(mention.kind_name(), "identifier" | "property_identifier") {
            return false;
        }
        // The whole value read: `config.apiKey` for the property `apiKey`.
        let mut value = mention;
        if let Some(member) = syntax::parent(mention).filter(|m| {
            m.kind_name() == "member_expression" && m.field("property") == Some(mention)
        }) {
            value = member;
        }
        in_test_position(value)
    })
}

fn in_test_position(value: Node) -> bool {
    let mut current = value;
    for ancestor in syntax::ancestors(value) {
        match ancestor.kind_name() {
            "unary_expression" => return true,
            "parenthesized_expression" => {}
            "binary_expression" => {
                let operator = ancestor.child(1).map(|o| o.kind_name());
                if !matches!(operator, Some("&&" | "||")) {
                    return false;
                }
            }
            "if_statement" | "while_statement" | "do_statement" => {
                return ancestor.field("condition").is_some_and(|c| {
                    c.start_byte() <= current.start_byte() && current.end_byte() <= c.end_byte()
                });
            }
            "ternary_expression" => return ancestor.field("condition") == Some(current),
            _ => return false,
        }
        current = ancestor;
    }
    false
}
