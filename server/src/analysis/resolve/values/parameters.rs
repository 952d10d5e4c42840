//! Parameters and fields: what a parameter holds (its default and what the call sites of its
//! function pass, JSX attributes for a component's props) and what `this.<field>` holds
//! (initializers, constructor parameter properties, assignments anywhere in the class).

use std::ops::Range;

use tree_sitter::Node;

use super::context::ValueContext;
use super::memo;
use super::sources::{destructured_key, Source};
use super::value::Values;
use crate::analysis::resolve::scopes;
use crate::analysis::syntax::{
    self, function_name, property_key, text, unwrap_expression, word_occurrences, FieldExt, KindExt,
};

/// How many call sites of a function a parameter is looked up in.
const MAX_CALL_SITES: usize = 16;

/// The values of parameter `name` of `function`: its default, and the arguments its call
/// sites in this file pass. A function that other code may call (exported, passed as a
/// value, a method) also gets an unknown value.
pub(super) fn parameter<'t>(
    function: Node<'t>,
    name: &str,
    use_site: Node<'t>,
    cx: &ValueContext,
) -> Vec<Source<'t>> {
    let source = cx.source;
    let unknown = Source::Known(Values::unknown(Some(use_site.byte_range())));
    let Some((index, key, default)) = parameter_position(function, name, source) else {
        return vec![unknown];
    };
    let mut sources: Vec<Source<'t>> = default
        .map(|(value, at)| Source::Default(value, at))
        .into_iter()
        .collect();
    let sites = if memo::may_search(use_site, cx, source.len()) {
        call_sites(function, source)
    } else {
        None
    };
    match sites {
        Some(sites) => {
            for site in sites {
                match site.argument(index, key.as_deref(), source) {
                    Some(argument) => sources.push(Source::Expression(argument)),
                    // Omitted: the default applies (already listed), or `undefined`.
                    None if sources.iter().any(|s| matches!(s, Source::Default(..))) => {}
                    None => sources.push(unknown.clone()),
                }
            }
        }
        None => sources.push(unknown),
    }
    sources
}

/// Where parameter `name` sits in `function`'s parameters: its index, the property key when
/// it is destructured from an object parameter (`function C({ siteId })`), and its default.
#[allow(clippy::type_complexity)]
fn parameter_position<'t>(
    function: Node<'t>,
    name: &str,
    source: &str,
) -> Option<(usize, Option<String>, Option<(Node<'t>, Range<usize>)>)> {
    if let Some(single) = function.field("parameter") {
        return (text(single, source) == name).then_some((0, None, None));
    }
    let parameters = function.field("parameters")?;
    let mut cursor = parameters.walk();
    let list: Vec<Node> = parameters
        .named_children(&mut cursor)
        .filter(|p| p.kind_name() != "comment")
        .collect();
    for (index, parameter) in list.into_iter().enumerate() {
        let pattern = parameter.field("pattern").unwrap_or(parameter);
        let default = parameter
            .field("value")
            .map(|value| (value, parameter.byte_range()));
        match pattern.kind_name() {
            "identifier" if text(pattern, source) == name => return Some((index, None, default)),
            "assignment_pattern" => {
                let left = pattern.field("left")?;
                if text(left, source) == name {
                    let value = pattern.field("right")?;
                    return Some((index, None, Some((value, pattern.byte_range()))));
                }
            }
            "object_pattern" => {
                if let Some((key, default)) = destructured_key(pattern, name, source) {
                    let default = default.map(|d| {
                        let at = syntax::parent(d).map_or(d.byte_range(), |p| p.byte_range());
                        (d, at)
                    });
                    return Some((index, Some(key), default));
                }
            }
            _ => {}
        }
    }
    None
}

/// A place that calls a function: a call, a `new` of its class, a JSX element of its
/// component.
struct CallSite<'t> {
    node: Node<'t>,
}

impl<'t> CallSite<'t> {
    /// The argument at `index`, or for a destructured parameter the property `key` of the
    /// object passed there (a JSX attribute for a component).
    fn argument(&self, index: usize, key: Option<&str>, source: &str) -> Option<Node<'t>> {
        if matches!(
            self.node.kind_name(),
            "jsx_self_closing_element" | "jsx_opening_element"
        ) {
            return jsx_attribute(self.node, key?, source);
        }
        let argument = unwrap_expression(*syntax::arguments(self.node).get(index)?);
        match key {
            None => Some(argument),
            Some(key) if argument.kind_name() == "object" => {
                syntax::object_property(argument, key, source)
            }
            // An object built elsewhere: its property is a value to look up.
            Some(_) => None,
        }
    }
}

/// The value of JSX attribute `key` of `element` (`siteId="…"`, `siteId={x}`).
fn jsx_attribute<'t>(element: Node<'t>, key: &str, source: &str) -> Option<Node<'t>> {
    let mut cursor = element.walk();
    let found = element
        .named_children(&mut cursor)
        .filter(|n| n.kind_name() == "jsx_attribute")
        .find_map(|attribute| {
            let mut cursor = attribute.walk();
            let mut children = attribute.named_children(&mut cursor);
            let name = children.next()?;
            if text(name, source) != key {
                return None;
            }
            let value = children.next()?;
            Some(match value.kind_name() {
                "jsx_expression" => value.named_child(0)?,
                _ => value,
            })
        });
    found
}

/// Every call site of `function` in this file, or `None` when other code may call it too
/// (exported, used as a value, a method of an object or class, an anonymous callback) or
/// there are too many to look at.
fn call_sites<'t>(function: Node<'t>, source: &str) -> Option<Vec<CallSite<'t>>> {
    let (name, declared_at) = callable_name(function, source)?;
    let root = syntax::tree_root(function);
    let mut sites = Vec::new();
    for offset in word_occurrences(source, name) {
        if offset == declared_at {
            continue;
        }
        let mention = syntax::descendant_for_byte_range(root, offset, offset + name.len())?;
        if !matches!(mention.kind_name(), "identifier" | "type_identifier") {
            // A property name, a string, a comment, a JSX tag part: not a use.
            if matches!(
                mention.kind_name(),
                "property_identifier" | "string_fragment" | "comment"
            ) {
                continue;
            }
        }
        let holder = syntax::parent(mention)?;
        let site = match holder.kind_name() {
            "call_expression" | "new_expression"
                if holder.field("function") == Some(mention)
                    || holder.field("constructor") == Some(mention) =>
            {
                holder
            }
            "jsx_self_closing_element" | "jsx_opening_element" => holder,
            "jsx_closing_element" => continue,
            // `export { f }`, `export default f`, `[f]`, `g(f)`: called from elsewhere too.
            _ => return None,
        };
        sites.push(CallSite { node: site });
        if sites.len() > MAX_CALL_SITES {
            return None;
        }
    }
    Some(sites)
}

/// The name `function` is called by and where that name is declared, when it can only be
/// called by name in this file: a function declaration or a `const` arrow/function that is
/// not exported, or a class constructor (called as `new Class(…)`) of a class that is not.
fn callable_name<'s>(function: Node, source: &'s str) -> Option<(&'s str, usize)> {
    let (name_node, declaration) = if function.kind_name() == "method_definition" {
        if function_name(function, source) != Some("constructor") {
            return None;
        }
        let class = scopes::enclosing_class(function)?;
        (class.field("name")?, class)
    } else if let Some(name) = function.field("name") {
        (name, function)
    } else {
        let declarator = syntax::parent(function)?;
        if declarator.kind_name() != "variable_declarator" {
            return None;
        }
        let name = declarator.field("name")?;
        let declaration = syntax::parent(declarator)?;
        (name, declaration)
    };
    if name_node.kind_name() != "identifier" && name_node.kind_name() != "type_identifier" {
        return None;
    }
    let exported = syntax::parent(declaration).is_some_and(|p| p.kind_name() == "export_statement");
    if exported {
        return None;
    }
    Some((text(name_node, source), name_node.start_byte()))
}

/// The values stored in `this.<field>` as seen from `this_node`: the class's field
/// initializer, its constructor parameter property, and every `this.<field> = …` in the class.
pub(super) fn this_field<'t>(
    this_node: Node<'t>,
    field: &str,
    cx: &ValueContext,
) -> Vec<Source<'t>> {
    let unknown = || vec![Source::Known(Values::unknown(None))];
    let Some(class) = scopes::enclosing_class(this_node) else {
        return unknown();
    };
    let Some(body) = class.field("body") else {
        return unknown();
    };
    let mut sources = Vec::new();
    let mut cursor = body.walk();
    for member in body.named_children(&mut cursor) {
        match member.kind_name() {
            "public_field_definition" | "field_definition" => {
                let named = member
                    .field("name")
                    .or_else(|| member.field("property"))
                    .and_then(|n| property_key(n, cx.source))
                    == Some(field);
                if named {
                    match member.field("value") {
                        Some(value) => sources.push(Source::Expression(value)),
                        None => sources.push(Source::Known(Values::unknown(None))),
                    }
                }
            }
            "method_definition" if function_name(member, cx.source) == Some("constructor") => {
                if let Some(parameters) = member.field("parameters") {
                    let mut cursor = parameters.walk();
                    for declared in parameters.named_children(&mut cursor) {
                        let pattern = declared.field("pattern");
                        let is_property = scopes::is_parameter_property(declared);
                        if is_property && pattern.is_some_and(|p| text(p, cx.source) == field) {
                            sources.extend(if cx.follow_parameters {
                                parameter(member, field, this_node, cx)
                            } else {
                                unknown()
                            });
                        }
                    }
                }
            }
            _ => {}
        }
    }
    // `this.field = …` anywhere in the class (constructor, `init()`).
    if !memo::may_search(this_node, cx, body.byte_range().len()) {
        return unknown();
    }
    let class_text = syntax::text(body, cx.source);
    let root = syntax::tree_root(this_node);
    for offset in word_occurrences(class_text, field).map(|o| body.start_byte() + o) {
        let Some(property) = syntax::descendant_for_byte_range(root, offset, offset + field.len())
        else {
            continue;
        };
        let Some(member) = syntax::parent(property).filter(|m| {
            m.kind_name() == "member_expression"
                && m.field("property") == Some(property)
                && m.field("object").is_some_and(|o| o.kind_name() == "this")
        }) else {
            continue;
        };
        let Some(assignment) = syntax::parent(member) else {
            continue;
        };
        if matches!(
            assignment.kind_name(),
            "assignment_expression" | "augmented_assignment_expression"
        ) && assignment.field("left") == Some(member)
        {
            sources.extend(assignment.field("right").map(Source::Expression));
        }
    }
    if sources.is_empty() {
        return unknown();
    }
    sources
}
