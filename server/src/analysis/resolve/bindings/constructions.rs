//! Where clients are made: every `new Ctor(…)`, `Ctor.load(…)` and factory call found by a
//! text search for the constructor names, bound to the name it is stored into (`const cio`,
//! `this.cio`, `client ??=`, `module.exports`), and client type annotations (`cio: TrackClient`)
//! that declare clients too.

use tree_sitter::Node;

use super::exports::commonjs_export_target;
use super::{Bindings, Constructs};
use crate::analysis::resolve::modules::ExportName;
use crate::analysis::resolve::scopes;
use crate::analysis::resolve::sdk::Sdk;
use crate::analysis::resolve::summaries::ReturnedClient;
use crate::analysis::syntax::{self, function_name, text, word_occurrences, FieldExt, KindExt};

impl Bindings {
    /// Finds every `new Ctor(...)` and factory call by searching the text for constructor
    /// names, then binds the target each one is assigned to. Factories found on the way
    /// (`function getClient() { return new TrackClient() }`) are searched for in turn.
    pub(super) fn find_constructions(&mut self, root: Node, source: &str) {
        let mut searched: Vec<String> = Vec::new();
        loop {
            let names: Vec<String> = self
                .constructors
                .keys()
                .filter(|name| !searched.contains(name))
                .cloned()
                .collect();
            if names.is_empty() || searched.len() > 32 {
                break;
            }
            for name in names {
                for offset in word_occurrences(source, &name) {
                    self.construction_at(root, source, offset, &name);
                }
                searched.push(name);
            }
        }
    }

    fn construction_at(&mut self, root: Node, source: &str, offset: usize, name: &str) {
        let Some(identifier) = syntax::descendant_for_byte_range(root, offset, offset + name.len())
        else {
            return;
        };
        // A type annotation (`cio: TrackClient`, `cio: sdk.TrackClient`) declares a client too.
        match (identifier.kind_name(), syntax::parent(identifier)) {
            ("type_identifier", _) => return self.typed_declaration(identifier, source),
            ("identifier", Some(parent)) if parent.kind_name() == "nested_type_identifier" => {
                return self.typed_declaration(parent, source);
            }
            ("identifier", _) => {}
            _ => return,
        }
        // The constructing expression: `new Name(...)`, `new Name.TrackClient(...)`,
        // `Name.load(...)`, `name(...)`.
        let mut expression = identifier;
        if let Some(parent) = syntax::parent(expression) {
            if parent.kind_name() == "member_expression"
                && parent.field("object") == Some(expression)
            {
                expression = parent;
            }
        }
        let Some(parent) = syntax::parent(expression) else {
            return;
        };
        let sdk = match parent.kind_name() {
            "new_expression" if parent.field("constructor") == Some(expression) => {
                self.constructed_sdk(parent, source)
            }
            "call_expression" if parent.field("function") == Some(expression) => {
                self.factory_sdk(parent, source)
            }
            _ => None,
        };
        let Some(sdk) = sdk else {
            return;
        };
        self.constructions.push((parent.byte_range(), sdk));
        self.bind_construction(parent, sdk, source);
    }

    /// Binds the name that a constructing expression is stored into.
    fn bind_construction(&mut self, construction: Node, sdk: Sdk, source: &str) {
        let range = Some(construction.byte_range());
        let mut value = construction;
        // Whether the value may be a client made earlier (`client ?? new TrackClient()`).
        let mut kept = false;
        while let Some(parent) = syntax::parent(value) {
            match parent.kind_name() {
                "await_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression" => value = parent,
                // `client ?? new TrackClient()` / `client || new …` inside a lazy getter, and
                // `key ? new TrackClient(…) : null`.
                "binary_expression" | "ternary_expression" => {
                    kept |= parent.kind_name() == "binary_expression";
                    value = parent;
                }
                _ => break,
            }
        }
        let Some(parent) = syntax::parent(value) else {
            return;
        };
        match parent.kind_name() {
            "variable_declarator" => {
                if let Some(name) = parent.field("name") {
                    if name.kind_name() == "identifier" {
                        self.bind(text(name, source), sdk, range);
                    }
                }
            }
            "assignment_expression" | "augmented_assignment_expression" => {
                let Some(left) = parent.field("left") else {
                    return;
                };
                match left.kind_name() {
                    "identifier" => {
                        let name = text(left, source);
                        self.assigned
                            .push((name.to_string(), construction.byte_range(), sdk));
                        self.bind(name, sdk, range);
                    }
                    "member_expression" => {
                        let object = left.field("object");
                        let property = left.field("property");
                        if let (Some(object), Some(property)) = (object, property) {
                            if object.kind_name() == "this" {
                                let key = format!("this.{}", text(property, source));
                                self.bind_member(key, sdk, scopes::enclosing_class(object));
                            }
                        }
                        if let Some(export) = commonjs_export_target(left, source) {
                            self.exports.push((export, sdk));
                        }
                    }
                    _ => {}
                }
            }
            "public_field_definition" | "field_definition" => {
                let name = parent.field("name").or_else(|| parent.field("property"));
                if let Some(name) = name {
                    let key = format!("this.{}", text(name, source));
                    self.bind_member(key, sdk, scopes::enclosing_class(parent));
                }
            }
            "export_statement" => self.exports.push((ExportName::Default, sdk)),
            "return_statement" | "arrow_function" => {
                if let Some(factory) = syntax::enclosing_function(value)
                    .and_then(|function| function_name(function, source))
                {
                    self.constructors
                        .entry(factory.to_string())
                        .or_insert(Constructs::Factory(sdk));
                    self.returned
                        .push((factory.to_string(), ReturnedClient { sdk, fresh: !kept }));
                }
            }
            _ => {}
        }
    }

    /// Records what a client type annotation found at `type_node` declares: `this.x` for a
    /// class field or a constructor parameter property, a typed parameter, or a module-level
    /// variable.
    fn typed_declaration(&mut self, type_node: Node, source: &str) {
        let mut annotation = type_node;
        while let Some(parent) = syntax::parent(annotation) {
            match parent.kind_name() {
                "union_type" | "parenthesized_type" => annotation = parent,
                "type_annotation" => {
                    annotation = parent;
                    break;
                }
                _ => return,
            }
        }
        if annotation.kind_name() != "type_annotation" {
            return;
        }
        let Some(sdk) = self.annotated_sdk(annotation, source) else {
            return;
        };
        let Some(declaration) = syntax::parent(annotation) else {
            return;
        };
        match declaration.kind_name() {
            "required_parameter" | "optional_parameter" => {
                let Some(pattern) = declaration
                    .field("pattern")
                    .filter(|p| p.kind_name() == "identifier")
                else {
                    return;
                };
                let name = text(pattern, source);
                self.typed_parameters.push(name.to_string());
                let in_constructor = syntax::enclosing_function(declaration).is_some_and(|f| {
                    f.kind_name() == "method_definition"
                        && f.field("name")
                            .is_some_and(|n| text(n, source) == "constructor")
                });
                if in_constructor && scopes::is_parameter_property(declaration) {
                    let class = scopes::enclosing_class(declaration);
                    self.bind_member(format!("this.{name}"), sdk, class);
                }
            }
            // `({ cio }: { cio: TrackClient })`: a property of an object parameter's type.
            "property_signature" if is_parameter_object_type(declaration) => {
                if let Some(name) = declaration.field("name") {
                    self.typed_parameters.push(text(name, source).to_string());
                }
            }
            // `private cio: TrackClient;` (set by the constructor or by dependency injection)
            "public_field_definition" | "field_definition" => {
                if let Some(name) = declaration.field("name") {
                    let class = scopes::enclosing_class(declaration);
                    self.bind_member(format!("this.{}", text(name, source)), sdk, class);
                }
            }
            // `let cio: TrackClient;` at module level; a local one is left alone (its scope is
            // one block, which the file-wide name table cannot express).
            "variable_declarator" => {
                let Some(name) = declaration
                    .field("name")
                    .filter(|n| n.kind_name() == "identifier")
                else {
                    return;
                };
                let module_level = syntax::parent(declaration)
                    .and_then(syntax::parent)
                    .is_some_and(|p| {
                        p.kind_name() == "program"
                            || (p.kind_name() == "export_statement"
                                && syntax::parent(p).is_some_and(|r| r.kind_name() == "program"))
                    });
                if module_level {
                    self.bind(text(name, source), sdk, None);
                }
            }
            _ => {}
        }
    }
}

/// Whether a property signature belongs to the object type that annotates a parameter
/// (`{ cio }: { cio: TrackClient }`).
fn is_parameter_object_type(signature: Node) -> bool {
    let mut ancestors = syntax::ancestors(signature);
    let kinds = [
        ancestors.next().map(|n| n.kind_name()),
        ancestors.next().map(|n| n.kind_name()),
        ancestors.next().map(|n| n.kind_name()),
    ];
    matches!(
        kinds,
        [
            Some("object_type"),
            Some("type_annotation"),
            Some("required_parameter" | "optional_parameter")
        ]
    )
}
