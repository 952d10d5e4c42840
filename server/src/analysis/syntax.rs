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
    // SAFETY: `into_raw` is safe and yields the node's `TSNode`, whose `tree` pointer is the
    // (non-null) tree the node borrows, valid for the node's lifetime. `ts_tree_root_node` only
    // reads that tree and returns a node into its memory; it is the very call `ts_node_parent`
    // (behind the safe `Node::parent`) starts with. The elided lifetimes give the root the
    // input node's lifetime, so it cannot outlive the tree.
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

/// The nearest ancestor of `node` that is not a parenthesized expression or a cast: where the
/// value of `node` actually goes.
pub fn value_parent(node: Node) -> Option<Node> {
    ancestors(node).find(|n| {
        !matches!(
            n.kind(),
            "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
                | "type_assertion"
        )
    })
}

/// `node` widened to the outermost parenthesized expression or cast that wraps it.
pub fn outer_expression(mut node: Node) -> Node {
    while let Some(parent) = node.parent() {
        if matches!(
            parent.kind(),
            "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression"
                | "type_assertion"
        ) {
            node = parent;
        } else {
            break;
        }
    }
    node
}

/// Loop statements (`for`, `for…of`, `for…in`, `while`, `do`).
pub fn is_loop(node: Node) -> bool {
    matches!(
        node.kind(),
        "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
    )
}

/// The call that `function` is passed to as an argument (`items.map(function)`), if any.
pub fn call_receiving_callback(function: Node) -> Option<Node> {
    let arguments = outer_expression(function).parent()?;
    if arguments.kind() != "arguments" {
        return None;
    }
    arguments
        .parent()
        .filter(|call| matches!(call.kind(), "call_expression" | "new_expression"))
}

/// The method name of a call through a member expression (`x.forEach(...)` → `forEach`).
pub fn called_method<'s>(call: Node, source: &'s str) -> Option<&'s str> {
    let function = unwrap_expression(call.child_by_field_name("function")?);
    if function.kind() != "member_expression" {
        return None;
    }
    Some(text(function.child_by_field_name("property")?, source))
}

/// The names of a function's parameters in order (`None` for destructured ones).
pub fn parameter_names<'s>(function: Node, source: &'s str) -> Vec<Option<&'s str>> {
    if let Some(single) = function.child_by_field_name("parameter") {
        return vec![Some(text(single, source))];
    }
    let Some(parameters) = function.child_by_field_name("parameters") else {
        return Vec::new();
    };
    let mut cursor = parameters.walk();
    let names = parameters
        .named_children(&mut cursor)
        .filter(|p| p.kind() != "comment")
        .map(|param| {
            let pattern = param.child_by_field_name("pattern").unwrap_or(param);
            (pattern.kind() == "identifier").then(|| text(pattern, source))
        })
        .collect();
    names
}

/// Calls `visit` on every descendant of `node` (not `node` itself) that is not inside a nested
/// function.
pub fn for_each_in_function_body<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    let mut cursor = node.walk();
    for child in node.named_children(&mut cursor) {
        visit(child);
        if !is_function(child) {
            for_each_in_function_body(child, visit);
        }
    }
}

/// Every identifier name used in `node` (for "does this statement use that name?").
pub fn identifiers_in(node: Node, source: &str) -> std::collections::HashSet<String> {
    let mut names = std::collections::HashSet::new();
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if matches!(
            current.kind(),
            "identifier"
                | "shorthand_property_identifier"
                | "shorthand_property_identifier_pattern"
        ) {
            names.insert(text(current, source).to_string());
        }
        let mut cursor = current.walk();
        stack.extend(current.named_children(&mut cursor));
    }
    names
}

/// The names that `node` declares or assigns to, outside nested functions: variable
/// declarations (all names of a destructuring pattern), function and class declarations, the
/// root of an assignment's or update's target (`user.id = x` writes `user`).
pub fn names_written(node: Node, source: &str) -> Vec<String> {
    let mut names = Vec::new();
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        let target = match current.kind() {
            "variable_declarator" => current.child_by_field_name("name"),
            "function_declaration" | "generator_function_declaration" | "class_declaration" => {
                current.child_by_field_name("name")
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                current.child_by_field_name("left")
            }
            "update_expression" => current.child_by_field_name("argument"),
            _ => None,
        };
        if let Some(target) = target {
            names.extend(written_roots(target, source));
        }
        let mut cursor = current.walk();
        stack.extend(
            current
                .named_children(&mut cursor)
                .filter(|child| !is_function(*child)),
        );
    }
    names
}

/// The names a write target binds or changes: every identifier of a pattern, the root object
/// of a member expression.
fn written_roots(target: Node, source: &str) -> Vec<String> {
    let mut root = unwrap_expression(target);
    while matches!(root.kind(), "member_expression" | "subscript_expression") {
        match root.child_by_field_name("object") {
            Some(object) => root = unwrap_expression(object),
            None => break,
        }
    }
    if root.kind() == "identifier" {
        return vec![text(root, source).to_string()];
    }
    identifiers_in(root, source).into_iter().collect()
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
