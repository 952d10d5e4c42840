//! Which declaration a name refers to at a use site, as far as client resolution needs it.
//!
//! Client resolution starts from module-level facts (`const cio = new TrackClient()`, a class
//! field `this.client = new TrackClient()`). A use site sees one of those only when no nearer
//! declaration hides it: a parameter, a loop variable, a `catch` parameter, a local (also a
//! destructured one), or, for `this.x`, another class. Getting this wrong is a false positive,
//! so these helpers err on the side of "something else".

use tree_sitter::Node;

use super::syntax::{self, text};

/// The declaration nearest to a use of a name, found by walking outwards from the use.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum NearestDeclaration<'t> {
    /// A function parameter; its type annotation, if any, decides what it holds.
    Parameter { type_annotation: Option<Node<'t>> },
    /// A loop variable, a `catch` parameter: never a client we know of.
    Other,
}

/// The parameter, loop variable or catch parameter that declares `name` nearest to `use_site`,
/// or `None` when the name is not declared by any of these around it (block-level locals are
/// [`is_shadowed_local`]'s business).
pub fn nearest_binding_declaration<'t>(
    use_site: Node<'t>,
    name: &str,
    source: &str,
) -> Option<NearestDeclaration<'t>> {
    for scope in syntax::ancestors(use_site) {
        if syntax::is_function(scope) {
            let parameters = scope
                .child_by_field_name("parameters")
                .or_else(|| scope.child_by_field_name("parameter"));
            if let Some(parameter) = parameters.and_then(|p| declaring_parameter(p, name, source)) {
                return Some(NearestDeclaration::Parameter {
                    type_annotation: parameter_type(parameter, name, source),
                });
            }
            continue;
        }
        let declares = match scope.kind() {
            // `for (const cio of list)`, `for (cio in map)`
            "for_in_statement" => scope
                .child_by_field_name("left")
                .is_some_and(|left| pattern_declares(left, name, source)),
            // `for (let cio = first; …)`
            "for_statement" => scope
                .child_by_field_name("initializer")
                .is_some_and(|init| declaration_declares(init, name, source)),
            // `catch (cio) { … }`
            "catch_clause" => scope
                .child_by_field_name("parameter")
                .is_some_and(|param| pattern_declares(param, name, source)),
            _ => false,
        };
        if declares {
            return Some(NearestDeclaration::Other);
        }
    }
    None
}

/// The parameter node (of `parameters`) that declares `name`.
fn declaring_parameter<'t>(parameters: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    if parameters.kind() == "identifier" {
        return (text(parameters, source) == name).then_some(parameters);
    }
    let mut cursor = parameters.walk();
    let found = parameters.named_children(&mut cursor).find(|parameter| {
        let pattern = parameter
            .child_by_field_name("pattern")
            .unwrap_or(*parameter);
        pattern_declares(pattern, name, source)
    });
    found
}

/// The type annotation of a parameter that is exactly the identifier `name` (`cio: TrackClient`);
/// a destructured parameter's type describes the whole object, not the name.
fn parameter_type<'t>(parameter: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let pattern = parameter.child_by_field_name("pattern")?;
    if pattern.kind() != "identifier" || text(pattern, source) != name {
        return None;
    }
    parameter.child_by_field_name("type")
}

/// Whether a binding pattern (an identifier, `{ a, b: c }`, `[a, ...rest]`, `a = default`)
/// introduces `name`.
pub fn pattern_declares(pattern: Node, name: &str, source: &str) -> bool {
    match pattern.kind() {
        "identifier" | "shorthand_property_identifier_pattern" => text(pattern, source) == name,
        "lexical_declaration" | "variable_declaration" => {
            declaration_declares(pattern, name, source)
        }
        // `a = default` (JS): only the left side is declared.
        "assignment_pattern" | "object_assignment_pattern" => pattern
            .child_by_field_name("left")
            .is_some_and(|left| pattern_declares(left, name, source)),
        // `{ key: value }`: the value is declared, the key is not.
        "pair_pattern" => pattern
            .child_by_field_name("value")
            .is_some_and(|value| pattern_declares(value, name, source)),
        "object_pattern" | "array_pattern" | "rest_pattern" => {
            let mut cursor = pattern.walk();
            let found = pattern
                .named_children(&mut cursor)
                .any(|part| pattern_declares(part, name, source));
            found
        }
        // TypeScript parameters wrap their pattern.
        "required_parameter" | "optional_parameter" => pattern
            .child_by_field_name("pattern")
            .is_some_and(|inner| pattern_declares(inner, name, source)),
        _ => false,
    }
}

fn declaration_declares(declaration: Node, name: &str, source: &str) -> bool {
    if !matches!(
        declaration.kind(),
        "lexical_declaration" | "variable_declaration"
    ) {
        return pattern_declares(declaration, name, source);
    }
    let mut cursor = declaration.walk();
    let found = declaration
        .named_children(&mut cursor)
        .filter(|d| d.kind() == "variable_declarator")
        .filter_map(|d| d.child_by_field_name("name"))
        .any(|pattern| pattern_declares(pattern, name, source));
    found
}

/// The variable declarator whose name pattern contains the identifier `declared`
/// (`const cio = …`, `const { cio } = deps`, `const [cio] = list`).
pub fn declarator_of(declared: Node) -> Option<Node> {
    let mut part = declared;
    loop {
        let parent = part.parent()?;
        match parent.kind() {
            "variable_declarator" => {
                return (parent.child_by_field_name("name") == Some(part)).then_some(parent);
            }
            "object_pattern" | "array_pattern" | "rest_pattern" => part = parent,
            "pair_pattern" if parent.child_by_field_name("value") == Some(part) => part = parent,
            "assignment_pattern" | "object_assignment_pattern"
                if parent.child_by_field_name("left") == Some(part) =>
            {
                part = parent
            }
            _ => return None,
        }
    }
}

/// Node kinds of a class (declaration or expression).
fn is_class(node: Node) -> bool {
    matches!(
        node.kind(),
        "class_declaration" | "class" | "abstract_class_declaration"
    )
}

/// The class whose `this` a node sees (the nearest enclosing class).
pub fn enclosing_class(node: Node) -> Option<Node> {
    syntax::ancestors(node).find(|n| is_class(*n))
}

/// A class's name, when it has one.
pub fn class_name<'s>(class: Node, source: &'s str) -> Option<&'s str> {
    class.child_by_field_name("name").map(|n| text(n, source))
}

/// The name of the class `class` extends, when it is a plain identifier.
fn superclass_name<'s>(class: Node, source: &'s str) -> Option<&'s str> {
    let mut cursor = class.walk();
    let heritage = class
        .named_children(&mut cursor)
        .find(|n| n.kind() == "class_heritage")?;
    let mut cursor = heritage.walk();
    let first = heritage.named_children(&mut cursor).next()?;
    // TypeScript wraps it: `(class_heritage (extends_clause value: …))`.
    let value = if first.kind() == "extends_clause" {
        first.child_by_field_name("value")?
    } else {
        first
    };
    (value.kind() == "identifier").then(|| text(value, source))
}

/// The classes `class` inherits from within this file, nearest first (at most a few levels:
/// deeper hierarchies are rare and a cycle must end).
pub fn superclasses<'t>(class: Node<'t>, source: &str) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    let mut current = class;
    let root = syntax::ancestors(class).last().unwrap_or(class);
    while found.len() < 4 {
        let Some(parent_name) = superclass_name(current, source) else {
            break;
        };
        let Some(parent) = top_level_class(root, parent_name, source) else {
            break;
        };
        found.push(parent);
        current = parent;
    }
    found
}

fn top_level_class<'t>(root: Node<'t>, name: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = root.walk();
    let found = root.named_children(&mut cursor).find_map(|statement| {
        let class = if statement.kind() == "export_statement" {
            statement.child_by_field_name("declaration")?
        } else {
            statement
        };
        (is_class(class) && class_name(class, source) == Some(name)).then_some(class)
    });
    found
}

/// Whether a constructor parameter is a TypeScript parameter property
/// (`constructor(private readonly cio: TrackClient)`), which also declares `this.cio`.
pub fn is_parameter_property(parameter: Node) -> bool {
    let mut cursor = parameter.walk();
    let found = parameter.children(&mut cursor).any(|child| {
        matches!(
            child.kind(),
            "accessibility_modifier" | "readonly" | "override_modifier"
        )
    });
    found
}
