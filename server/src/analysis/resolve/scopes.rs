//! Which declaration a name refers to at a use site, as far as client resolution needs it.
//!
//! Client resolution starts from module-level facts (`const cio = new TrackClient()`, a class
//! field `this.client = new TrackClient()`). A use site sees one of those only when no nearer
//! declaration hides it: a parameter, a loop variable, a `catch` parameter, a local (also a
//! destructured one), or, for `this.x`, another class. Getting this wrong is a false positive,
//! so these helpers err on the side of "something else".

use tree_sitter::Node;

use crate::analysis::syntax::{self, text, FieldExt, KindExt};

/// A declaration of a name that hides the file's module-level meaning of that name within
/// `scope` (the bytes where the declaration is visible).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Declaration<'t> {
    pub scope: std::ops::Range<usize>,
    pub kind: DeclarationKind<'t>,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeclarationKind<'t> {
    /// A function parameter; its type annotation, if any, decides what it holds.
    Parameter { type_annotation: Option<Node<'t>> },
    /// A loop variable, a `catch` parameter: never a client we know of.
    Other,
    /// A variable declared in a block (`const cio = …` inside a handler), with its declarator.
    Local { declarator: Node<'t> },
}

/// Every declaration of `name` below module level inside `statement` (a top-level statement):
/// parameters, loop variables, `catch` parameters and block-scoped variables (also
/// destructured ones). Found from the text: each whole-word occurrence of `name` is looked up
/// in the tree and kept when it is a binding pattern. One pass per name and statement, instead
/// of a walk around every use; no such declaration is visible outside its top-level statement.
pub fn local_declarations<'t>(
    statement: Node<'t>,
    name: &str,
    source: &str,
) -> Vec<Declaration<'t>> {
    let start = statement.start_byte();
    let text = source.get(statement.byte_range()).unwrap_or("");
    syntax::word_occurrences(text, name)
        .map(|offset| start + offset)
        // From the statement, not the root: no index needed.
        .filter_map(|offset| {
            #[allow(clippy::disallowed_methods)]
            statement.descendant_for_byte_range(offset, offset + name.len())
        })
        .filter(|node| {
            matches!(
                node.kind_name(),
                "identifier" | "shorthand_property_identifier_pattern"
            )
        })
        .filter_map(|declared| declaration_of(declared, source))
        .collect()
}

/// The declaration that identifier `declared` is the name of, if it is a binding below module
/// level.
fn declaration_of<'t>(declared: Node<'t>, source: &str) -> Option<Declaration<'t>> {
    let mut ancestors = syntax::ancestors(declared);
    // Climb the binding pattern around the name (`{ a: [cio = x] }`) to the node it binds in.
    let mut part = declared;
    let mut holder = ancestors.next()?;
    // The property a destructured name is read from (`{ cio }`, `{ client: cio }`), when the
    // name is a direct member of an object pattern: a typed parameter's object type says what
    // that property holds.
    let mut property = (declared.kind_name() == "shorthand_property_identifier_pattern")
        .then(|| text(declared, source));
    let mut object_levels = 0;
    loop {
        if holder.kind_name() == "pair_pattern" && holder.field("value") == Some(part) {
            property = holder.field("key").map(|key| text(key, source));
        }
        if holder.kind_name() == "object_pattern" {
            object_levels += 1;
        }
        let climb = match holder.kind_name() {
            "object_pattern" | "array_pattern" | "rest_pattern" => true,
            "pair_pattern" => holder.field("value") == Some(part),
            "assignment_pattern" | "object_assignment_pattern" => {
                holder.field("left") == Some(part)
            }
            "required_parameter" | "optional_parameter" => holder.field("pattern") == Some(part),
            _ => false,
        };
        if !climb {
            break;
        }
        part = holder;
        holder = ancestors.next()?;
    }
    let kind = match holder.kind_name() {
        "formal_parameters" => {
            let function = ancestors.next()?;
            let property = property.filter(|_| object_levels == 1);
            let type_annotation = (part.kind_name() != "identifier")
                .then(|| parameter_type(part, text(declared, source), property, source))
                .flatten();
            return Some(Declaration {
                scope: function.byte_range(),
                kind: DeclarationKind::Parameter { type_annotation },
            });
        }
        "arrow_function" if holder.field("parameter") == Some(part) => DeclarationKind::Parameter {
            type_annotation: None,
        },
        "for_in_statement" if holder.field("left") == Some(part) => DeclarationKind::Other,
        "catch_clause" if holder.field("parameter") == Some(part) => DeclarationKind::Other,
        "variable_declarator" if holder.field("name") == Some(part) => {
            let declarator = holder;
            ancestors.next()?; // the `lexical_declaration` or `variable_declaration`
            let around = ancestors.next()?;
            if around.kind_name() == "for_statement" {
                // `for (let cio = first; …)`: visible in the loop.
                return Some(Declaration {
                    scope: around.byte_range(),
                    kind: DeclarationKind::Other,
                });
            }
            // Visible in its block; a module-level variable is what the file-wide tables
            // describe, not a shadow.
            let block = std::iter::once(around)
                .chain(ancestors)
                .find(|n| matches!(n.kind_name(), "statement_block" | "program"))?;
            if block.kind_name() == "program" {
                return None;
            }
            return Some(Declaration {
                scope: block.byte_range(),
                kind: DeclarationKind::Local { declarator },
            });
        }
        _ => return None,
    };
    Some(Declaration {
        scope: holder.byte_range(),
        kind,
    })
}

/// The type of `name` given by a parameter's annotation: the annotation itself for a parameter
/// that is exactly the identifier `name` (`cio: TrackClient`); for a name destructured from
/// `property` of an object parameter, that property's type in an object type annotation
/// (`{ cio }: { cio: TrackClient }`).
fn parameter_type<'t>(
    parameter: Node<'t>,
    name: &str,
    property: Option<&str>,
    source: &str,
) -> Option<Node<'t>> {
    let pattern = parameter.field("pattern")?;
    let annotation = parameter.field("type")?;
    match pattern.kind_name() {
        "identifier" if text(pattern, source) == name => Some(annotation),
        "object_pattern" => property_type(annotation, property?, source),
        _ => None,
    }
}

/// The type annotation of member `property` of an object type (`{ cio: TrackClient }`),
/// given the object type's own annotation.
fn property_type<'t>(annotation: Node<'t>, property: &str, source: &str) -> Option<Node<'t>> {
    let object_type = annotation
        .named_child(0)
        .filter(|t| t.kind_name() == "object_type")?;
    let mut cursor = object_type.walk();
    let member = object_type.named_children(&mut cursor).find(|member| {
        member.kind_name() == "property_signature"
            && member
                .field("name")
                .is_some_and(|n| text(n, source) == property)
    });
    member?.field("type")
}

/// Node kinds of a class (declaration or expression).
fn is_class(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "class_declaration" | "class" | "abstract_class_declaration"
    )
}

/// The class whose `this` a node sees (the nearest enclosing class).
pub fn enclosing_class(node: Node) -> Option<Node> {
    syntax::ancestors(node).find(|n| is_class(*n))
}

/// A class's name, when it has one.
pub fn class_name<'s>(class: Node, source: &'s str) -> Option<&'s str> {
    class.field("name").map(|n| text(n, source))
}

/// The name of the class `class` extends, when it is a plain identifier.
fn superclass_name<'s>(class: Node, source: &'s str) -> Option<&'s str> {
    let mut cursor = class.walk();
    let heritage = class
        .named_children(&mut cursor)
        .find(|n| n.kind_name() == "class_heritage")?;
    let mut cursor = heritage.walk();
    let first = heritage.named_children(&mut cursor).next()?;
    // TypeScript wraps it: `(class_heritage (extends_clause value: …))`.
    let value = if first.kind_name() == "extends_clause" {
        first.field("value")?
    } else {
        first
    };
    (value.kind_name() == "identifier").then(|| text(value, source))
}

/// The classes `class` inherits from within this file, nearest first (at most a few levels:
/// deeper hierarchies are rare and a cycle must end).
pub fn superclasses<'t>(class: Node<'t>, source: &str) -> Vec<Node<'t>> {
    let mut found = Vec::new();
    let mut current = class;
    let root = syntax::tree_root(class);
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
        let class = if statement.kind_name() == "export_statement" {
            statement.field("declaration")?
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
            child.kind_name(),
            "accessibility_modifier" | "readonly" | "override_modifier"
        )
    });
    found
}
