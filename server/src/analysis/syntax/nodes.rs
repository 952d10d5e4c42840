//! What JavaScript and TypeScript nodes mean, read from the tree: literals, arguments, object
//! members, the expression around a value, parameters, names written, `require("x")`, a
//! function's name.

use tree_sitter::Node;

use super::indexed::{ancestors, parent};
use super::tree::{is_function, text, FieldExt, KindExt};

/// Whether a string-ish node is a plain string literal (no substitutions).
pub fn string_literal_value<'s>(node: Node, source: &'s str) -> Option<&'s str> {
    match node.kind_name() {
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
        .any(|c| c.kind_name() == "template_substitution");
    found
}

/// Removes parentheses, `as` / `satisfies` casts and non-null assertions around an expression.
pub fn unwrap_expression(mut node: Node) -> Node {
    loop {
        match node.kind_name() {
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
    let Some(args) = call.field("arguments") else {
        return Vec::new();
    };
    let mut cursor = args.walk();
    let list: Vec<Node> = args
        .named_children(&mut cursor)
        .filter(|n| n.kind_name() != "comment")
        .collect();
    list
}

/// The value of property `key` in an object literal, if present as `key: value` or shorthand.
pub fn object_property<'t>(object: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = object.walk();
    let found = object
        .named_children(&mut cursor)
        .find_map(|member| match member.kind_name() {
            "pair" => {
                let k = member.field("key")?;
                (property_key(k, source)? == key).then(|| member.field("value"))?
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
        .find(|member| match member.kind_name() {
            "pair" => member
                .field("key")
                .and_then(|k| property_key(k, source))
                .is_some_and(|k| k == key),
            "shorthand_property_identifier" => text(*member, source) == key,
            _ => false,
        });
    found
}

/// The name of a property key: identifiers as written, string keys without quotes.
pub fn property_key<'s>(key: Node, source: &'s str) -> Option<&'s str> {
    match key.kind_name() {
        "property_identifier" | "private_property_identifier" | "number" => Some(text(key, source)),
        "string" => string_literal_value(key, source),
        _ => None,
    }
}

/// The nearest ancestor of `node` that is not a parenthesized expression or a cast: where the
/// value of `node` actually goes.
pub fn value_parent(node: Node) -> Option<Node> {
    ancestors(node).find(|n| {
        !matches!(
            n.kind_name(),
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
    while let Some(parent) = parent(node) {
        if matches!(
            parent.kind_name(),
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

/// The call that `function` is passed to as an argument (`items.map(function)`), if any.
pub fn call_receiving_callback(function: Node) -> Option<Node> {
    let arguments = parent(outer_expression(function))?;
    if arguments.kind_name() != "arguments" {
        return None;
    }
    parent(arguments)
        .filter(|call| matches!(call.kind_name(), "call_expression" | "new_expression"))
}

/// The method name of a call through a member expression (`x.forEach(...)` → `forEach`).
pub fn called_method<'s>(call: Node, source: &'s str) -> Option<&'s str> {
    let function = unwrap_expression(call.field("function")?);
    if function.kind_name() != "member_expression" {
        return None;
    }
    Some(text(function.field("property")?, source))
}

/// The names of a function's parameters in order (`None` for destructured ones).
pub fn parameter_names<'s>(function: Node, source: &'s str) -> Vec<Option<&'s str>> {
    if let Some(single) = function.field("parameter") {
        return vec![Some(text(single, source))];
    }
    let Some(parameters) = function.field("parameters") else {
        return Vec::new();
    };
    let mut cursor = parameters.walk();
    let names = parameters
        .named_children(&mut cursor)
        .filter(|p| p.kind_name() != "comment")
        .map(|param| {
            let pattern = param.field("pattern").unwrap_or(param);
            (pattern.kind_name() == "identifier").then(|| text(pattern, source))
        })
        .collect();
    names
}

/// Every identifier name used in `node` (for "does this statement use that name?").
pub fn identifiers_in(node: Node, source: &str) -> std::collections::HashSet<String> {
    let mut names = std::collections::HashSet::new();
    let mut stack = vec![node];
    while let Some(current) = stack.pop() {
        if matches!(
            current.kind_name(),
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
        let target = match current.kind_name() {
            "variable_declarator" => current.field("name"),
            "function_declaration" | "generator_function_declaration" | "class_declaration" => {
                current.field("name")
            }
            "assignment_expression" | "augmented_assignment_expression" => current.field("left"),
            "update_expression" => current.field("argument"),
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
    while matches!(
        root.kind_name(),
        "member_expression" | "subscript_expression"
    ) {
        match root.field("object") {
            Some(object) => root = unwrap_expression(object),
            None => break,
        }
    }
    if root.kind_name() == "identifier" {
        return vec![text(root, source).to_string()];
    }
    identifiers_in(root, source).into_iter().collect()
}

/// The specifier of `require("x")`.
pub fn require_specifier<'s>(call: Node, source: &'s str) -> Option<&'s str> {
    if call.kind_name() != "call_expression" {
        return None;
    }
    let function = call.field("function")?;
    if text(function, source) != "require" {
        return None;
    }
    let argument = arguments(call).into_iter().next()?;
    string_literal_value(argument, source)
}

/// The specifier of a module loaded by a call: `require("x")` or a dynamic `import("x")`.
pub fn module_call_specifier<'s>(call: Node, source: &'s str) -> Option<&'s str> {
    if call.kind_name() != "call_expression" {
        return None;
    }
    match call.field("function")?.kind_name() {
        "import" => string_literal_value(*arguments(call).first()?, source),
        _ => require_specifier(call, source),
    }
}

/// The name a function is known by: its declaration name, or the variable it is assigned to.
pub fn function_name<'s>(function: Node, source: &'s str) -> Option<&'s str> {
    if let Some(name) = function.field("name") {
        return Some(text(name, source));
    }
    let parent = parent(function)?;
    match parent.kind_name() {
        "variable_declarator" => parent
            .field("name")
            .filter(|n| n.kind_name() == "identifier")
            .map(|n| text(n, source)),
        _ => None,
    }
}

/// The last name of an identifier or member chain: `Router` of `express.Router`, `x` of `a.b.x`,
/// `Hono` of `Hono`; empty for anything else.
pub fn last_name<'s>(node: Node, source: &'s str) -> &'s str {
    let node = unwrap_expression(node);
    match node.kind_name() {
        "member_expression" => node.field("property").map_or("", |p| text(p, source)),
        "identifier" => text(node, source),
        _ => "",
    }
}

/// What a top-level statement declares: the statement itself, or the declaration an
/// `export` statement wraps (`None` for an export without one, `export { a }`).
pub fn declaration_of(statement: Node) -> Option<Node> {
    match statement.kind_name() {
        "export_statement" => statement.field("declaration"),
        _ => Some(statement),
    }
}

/// The first named child of `node` of kind `kind`.
pub fn named_child_of_kind<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .find(|n| n.kind_name() == kind);
    found
}
