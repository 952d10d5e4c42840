//! Which parameter of which enclosing function a value is: `name` (a parameter), `user.email`
//! (a property of one), or a name destructured from one (`({ name, data }) => …`).

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use crate::analysis::syntax::{self, text, unwrap_expression, FieldExt, KindExt};

/// A value that is a function's parameter, or one property of it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(super) struct ParameterRef<'t> {
    pub function: Node<'t>,
    pub index: u8,
    pub property: Option<String>,
    /// The name the wrapper's own call reads the value by: `email` of `cio.identify(email)`
    /// and of `cio.identify(user.email)`.
    pub read_as: String,
}

/// Whether a block declares a name among its own statements, found once per block and name
/// while a file's summaries are computed (a function's calls ask about the same parameters).
#[derive(Default)]
pub(super) struct Declarations {
    /// (block node id, name) → whether the block's statements declare the name.
    known: FxHashMap<(usize, String), bool>,
}

impl Declarations {
    fn block_declares(&mut self, block: Node, name: &str, source: &str) -> bool {
        *self
            .known
            .entry((block.id(), name.to_string()))
            .or_insert_with(|| {
                let mut cursor = block.walk();
                let declares = block
                    .named_children(&mut cursor)
                    .any(|statement| declaration_names(statement, name, source));
                declares
            })
    }
}

/// The parameter that `value` is, or reads one property of, when the nearest declaration of
/// its name is a parameter of an enclosing function.
pub(super) fn parameter_ref<'t>(
    value: Node<'t>,
    source: &str,
    declarations: &mut Declarations,
) -> Option<ParameterRef<'t>> {
    let value = unwrap_expression(value);
    let (name_node, read_property) = match value.kind_name() {
        "identifier" | "shorthand_property_identifier" => (value, None),
        "member_expression" => {
            let object = unwrap_expression(value.field("object")?);
            let property = value.field("property")?;
            if object.kind_name() != "identifier" || property.kind_name() != "property_identifier" {
                return None;
            }
            (object, Some(text(property, source).to_string()))
        }
        _ => return None,
    };
    let name = text(name_node, source);
    // Up to the nearest function that declares the name as a parameter, through no scope that
    // declares it again (a block's `const`, a loop variable, a `catch` parameter).
    let mut child = value;
    let mut found = None;
    for ancestor in syntax::ancestors(value) {
        if syntax::is_function(ancestor) {
            if let Some(position) = parameter_position(ancestor, name, source) {
                found = Some((ancestor, position));
                break;
            }
        } else if redeclares(ancestor, child, name, source, declarations) {
            return None;
        }
        child = ancestor;
    }
    let (function, (index, destructured)) = found?;
    let read_as = read_property.clone().unwrap_or_else(|| name.to_string());
    let property = match (destructured, read_property) {
        (None, property) => property,
        (Some(key), None) => Some(key),
        // `({ user }) => user.email`: two levels down.
        (Some(_), Some(_)) => return None,
    };
    Some(ParameterRef {
        function,
        index,
        property,
        read_as,
    })
}

/// Whether `scope`, entered through its child `from`, declares `name` for `from`: a block's
/// own declarations, a loop's variable, a `catch` parameter.
fn redeclares(
    scope: Node,
    from: Node,
    name: &str,
    source: &str,
    declarations: &mut Declarations,
) -> bool {
    match scope.kind_name() {
        "statement_block" => declarations.block_declares(scope, name, source),
        "for_in_statement" => {
            scope.field("body") == Some(from)
                && scope
                    .field("left")
                    .is_some_and(|left| binds(left, name, source))
        }
        "for_statement" => scope
            .field("initializer")
            .is_some_and(|init| declaration_names(init, name, source)),
        "catch_clause" => scope
            .field("parameter")
            .is_some_and(|parameter| binds(parameter, name, source)),
        _ => false,
    }
}

/// Whether a statement is a declaration of `name` (`const name = …`, `let { name } = …`,
/// `function name() {}`, `class name {}`).
fn declaration_names(statement: Node, name: &str, source: &str) -> bool {
    match statement.kind_name() {
        "lexical_declaration" | "variable_declaration" => {
            let mut cursor = statement.walk();
            let found = statement
                .named_children(&mut cursor)
                .filter(|d| d.kind_name() == "variable_declarator")
                .filter_map(|d| d.field("name"))
                .any(|pattern| binds(pattern, name, source));
            found
        }
        "function_declaration" | "class_declaration" | "generator_function_declaration" => {
            statement
                .field("name")
                .is_some_and(|n| text(n, source) == name)
        }
        _ => false,
    }
}

/// Whether a binding pattern binds `name` (at any depth of a destructuring pattern).
fn binds(pattern: Node, name: &str, source: &str) -> bool {
    let mut pending = vec![pattern];
    let mut visited = 0;
    while let Some(node) = pending.pop() {
        visited += 1;
        if visited > 64 {
            // A pattern this large: be safe, say it may bind the name.
            return true;
        }
        match node.kind_name() {
            "identifier" | "shorthand_property_identifier_pattern"
                if text(node, source) == name =>
            {
                return true;
            }
            "pair_pattern" => pending.extend(node.field("value")),
            "assignment_pattern" | "object_assignment_pattern" => {
                pending.extend(node.field("left"))
            }
            "object_pattern" | "array_pattern" | "rest_pattern" => {
                let mut cursor = node.walk();
                pending.extend(node.named_children(&mut cursor));
            }
            _ => {}
        }
    }
    false
}

/// The index of `function`'s parameter that declares `name`, and the property it is
/// destructured from, if it is (`{ name }`, `{ key: name }`, `{ name = "x" }`).
fn parameter_position(function: Node, name: &str, source: &str) -> Option<(u8, Option<String>)> {
    if let Some(single) = function.field("parameter") {
        return (text(single, source) == name).then_some((0, None));
    }
    let parameters = function.field("parameters")?;
    let mut cursor = parameters.walk();
    let found = parameters
        .named_children(&mut cursor)
        .filter(|p| p.kind_name() != "comment")
        .enumerate()
        .find_map(|(index, parameter)| {
            let destructured = declares_in(parameter, name, source)?;
            Some((u8::try_from(index).ok()?, destructured))
        });
    found
}

/// Whether one parameter declares `name`: `Some(None)` when it is the parameter itself,
/// `Some(Some(key))` when it is destructured from property `key` of an object parameter.
fn declares_in(parameter: Node, name: &str, source: &str) -> Option<Option<String>> {
    let mut pattern = parameter.field("pattern").unwrap_or(parameter);
    if pattern.kind_name() == "assignment_pattern" {
        pattern = pattern.field("left")?;
    }
    match pattern.kind_name() {
        "identifier" => (text(pattern, source) == name).then_some(None),
        "object_pattern" => {
            let mut cursor = pattern.walk();
            let key = pattern
                .named_children(&mut cursor)
                .find_map(|member| destructured_key(member, name, source));
            key.map(Some)
        }
        _ => None,
    }
}

/// The key of an object pattern's member that binds `name` directly.
fn destructured_key(member: Node, name: &str, source: &str) -> Option<String> {
    match member.kind_name() {
        "shorthand_property_identifier_pattern" => {
            (text(member, source) == name).then(|| name.to_string())
        }
        "object_assignment_pattern" => {
            let left = member.field("left")?;
            (text(left, source) == name).then(|| name.to_string())
        }
        "pair_pattern" => {
            let value = member.field("value")?;
            let value = match value.kind_name() {
                "assignment_pattern" => value.field("left")?,
                _ => value,
            };
            (value.kind_name() == "identifier" && text(value, source) == name)
                .then(|| syntax::property_key(member.field("key")?, source).map(str::to_string))
                .flatten()
        }
        _ => None,
    }
}
