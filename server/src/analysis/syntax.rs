//! Small helpers over tree-sitter nodes shared by the rules.

use tree_sitter::Node;

/// The source text of a node.
pub fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// Ancestors of `node`, nearest first, excluding `node` itself.
///
/// In tree-sitter 0.25 `Node::parent` walks down from the root on every call, so climbing
/// with it costs one descent per ancestor. This walks down once with `child_with_descendant`
/// (the step `parent` itself repeats), recording the same ancestors, and hands them back
/// nearest first.
pub fn ancestors(node: Node) -> impl Iterator<Item = Node> {
    let mut chain = Vec::with_capacity(16);
    let mut current = tree_root(node);
    while current.id() != node.id() {
        chain.push(current);
        match current.child_with_descendant(node) {
            Some(child) => current = child,
            None => break,
        }
    }
    chain.into_iter().rev()
}

/// The root node of the tree that `node` belongs to (the Rust API has no accessor for it).
fn tree_root(node: Node) -> Node {
    // SAFETY: a node carries a pointer to its tree, valid for the node's lifetime; the root
    // returned by the C API is a node of that same tree, so it lives as long.
    unsafe { Node::from_raw(tree_sitter::ffi::ts_tree_root_node(node.into_raw().tree)) }
}

/// Node kinds that open a new function body.
pub fn is_function(node: Node) -> bool {
    matches!(
        node.kind(),
        "function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "generator_function_declaration"
            | "generator_function"
    )
}

/// The nearest enclosing function of `node`, if any.
pub fn enclosing_function(node: Node) -> Option<Node> {
    ancestors(node).find(|n| is_function(*n))
}

/// The nearest ancestor-or-self that is a statement or declaration (not a block), used to
/// widen a match to a unit that can be re-analysed on its own.
pub fn enclosing_statement(node: Node) -> Node {
    std::iter::once(node)
        .chain(ancestors(node))
        .find(|n| is_statement(*n))
        .unwrap_or(node)
}

pub fn is_statement(node: Node) -> bool {
    let kind = node.kind();
    (kind.ends_with("_statement") || kind.ends_with("_declaration")) && kind != "statement_block"
        || matches!(kind, "public_field_definition" | "field_definition")
}

/// Whether a string-ish node is a plain string literal (no substitutions).
pub fn string_literal_value<'s>(node: Node, source: &'s str) -> Option<&'s str> {
    match node.kind() {
        "string" => {
            let raw = text(node, source);
            raw.get(1..raw.len().saturating_sub(1))
        }
        "template_string" if node.named_child_count() == 0 || !has_substitution(node) => {
            let raw = text(node, source);
            raw.get(1..raw.len().saturating_sub(1))
        }
        _ => None,
    }
}

pub fn has_substitution(template: Node) -> bool {
    let mut cursor = template.walk();
    let found = template
        .named_children(&mut cursor)
        .any(|c| c.kind() == "template_substitution");
    found
}

/// Removes parentheses, `as` / `satisfies` casts and non-null assertions around an expression.
pub fn unwrap_expression(mut node: Node) -> Node {
    loop {
        match node.kind() {
            "parenthesized_expression"
            | "as_expression"
            | "satisfies_expression"
            | "non_null_expression"
            | "type_assertion" => match node.named_child(0) {
                Some(inner) => node = inner,
                None => return node,
            },
            _ => return node,
        }
    }
}

/// Named arguments of a call or `new` expression (comments excluded).
pub fn arguments(call: Node) -> Vec<Node> {
    let Some(args) = call.child_by_field_name("arguments") else {
        return Vec::new();
    };
    let mut cursor = args.walk();
    let list: Vec<Node> = args
        .named_children(&mut cursor)
        .filter(|n| n.kind() != "comment")
        .collect();
    list
}

/// The value of property `key` in an object literal, if present as `key: value` or shorthand.
pub fn object_property<'t>(object: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .find_map(|member| match member.kind() {
            "pair" => {
                let k = member.child_by_field_name("key")?;
                (property_key(k, source)? == key).then(|| member.child_by_field_name("value"))?
            }
            "shorthand_property_identifier" if text(member, source) == key => Some(member),
            _ => None,
        });
    found
}

/// The pair (or shorthand) node for property `key` in an object literal.
pub fn object_member<'t>(object: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .find(|member| match member.kind() {
            "pair" => member
                .child_by_field_name("key")
                .and_then(|k| property_key(k, source))
                .is_some_and(|k| k == key),
            "shorthand_property_identifier" => text(*member, source) == key,
            _ => false,
        });
    found
}

/// The name of a property key: identifiers as written, string keys without quotes.
pub fn property_key<'s>(key: Node, source: &'s str) -> Option<&'s str> {
    match key.kind() {
        "property_identifier" | "private_property_identifier" | "number" => Some(text(key, source)),
        "string" => string_literal_value(key, source),
        _ => None,
    }
}

/// Leading whitespace of the line containing `offset`.
pub fn line_indent(source: &str, offset: usize) -> &str {
    let line_start = source[..offset].rfind('\n').map_or(0, |i| i + 1);
    let rest = &source[line_start..];
    let width = rest.len() - rest.trim_start_matches([' ', '\t']).len();
    &rest[..width]
}

/// Start of the line containing `offset`.
pub fn line_start(source: &str, offset: usize) -> usize {
    source[..offset].rfind('\n').map_or(0, |i| i + 1)
}

/// Collapses whitespace so that expressions can be compared by text.
pub fn normalized(text: &str) -> String {
    text.split_whitespace().collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::{parse, Lang};

    #[test]
    fn ancestors_are_the_parent_chain() {
        let source = "class A { m(x) { for (const y of x) { cio.track(y.id, { at: Date.now() }); } } }\nconst b = () => [1, { c: 2 }];";
        let tree = parse(Lang::TypeScript, source, None);
        let mut cursor = tree.walk();
        let mut stack = vec![tree.root_node()];
        while let Some(node) = stack.pop() {
            let expected: Vec<usize> = std::iter::successors(node.parent(), |n| n.parent())
                .map(|n| n.id())
                .collect();
            let actual: Vec<usize> = ancestors(node).map(|n| n.id()).collect();
            assert_eq!(actual, expected, "{}", node.kind());
            stack.extend(node.children(&mut cursor));
        }
    }
}
