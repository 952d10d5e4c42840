//! The top-level statements that bring names in: `import` (also TypeScript's
//! `import x = require(…)`), `require` in declarations, from Customer.io packages (constructors,
//! factories) or from workspace modules (clients and awaiting helpers the workspace exports).

use std::sync::Arc;

use tree_sitter::Node;

use super::exports::export_name;
use super::{named_export, Bindings, Constructs};
use crate::analysis::resolve::modules::{ExportName, ModuleImport};
use crate::analysis::resolve::sdk::{customerio_package, Sdk};
use crate::analysis::resolve::workspace::view::ExportLookup;
use crate::analysis::syntax::{
    self, module_call_specifier, named_child_of_kind, text, unwrap_expression, word_occurrences,
    FieldExt, KindExt,
};

impl Bindings {
    pub(super) fn top_level(
        &mut self,
        statement: Node,
        source: &str,
        workspace: &dyn ExportLookup,
        pending_exports: &mut Vec<(ExportName, String)>,
    ) {
        match statement.kind_name() {
            "import_statement" => self.import_statement(statement, source, workspace),
            "lexical_declaration" | "variable_declaration" => {
                self.declaration(statement, source, workspace, None)
            }
            "export_statement" => {
                self.export_statement(statement, source, workspace, pending_exports)
            }
            "expression_statement" => {
                if let Some(expr) = statement.named_child(0) {
                    self.module_exports_assignment(expr, source, pending_exports);
                }
            }
            _ => {}
        }
    }

    /// The Customer.io package `specifier` names, directly or through a configured wrapper.
    pub(super) fn package_of(&self, specifier: &str) -> Option<&'static str> {
        customerio_package(specifier).or_else(|| self.extra_packages.get(specifier).copied())
    }

    fn import_statement(&mut self, statement: Node, source: &str, workspace: &dyn ExportLookup) {
        if let Some(clause) = named_child_of_kind(statement, "import_require_clause") {
            self.import_require(clause, source, workspace);
            return;
        }
        let Some(specifier) = statement
            .field("source")
            .and_then(|s| syntax::string_literal_value(s, source))
        else {
            return;
        };
        let package = self.package_of(specifier);
        let Some(clause) = named_child_of_kind(statement, "import_clause") else {
            return;
        };
        let mut cursor = clause.walk();
        for part in clause.named_children(&mut cursor) {
            match part.kind_name() {
                // import CIO from "customerio-node"
                "identifier" => {
                    let local = text(part, source);
                    self.import_binding(package, specifier, local, ExportName::Default, workspace);
                    if package == Some("customerio-node") {
                        self.legacy_import = Some(statement.byte_range());
                    }
                }
                // import * as cio from "customerio-node"
                "namespace_import" => {
                    if let Some(local) = named_child_of_kind(part, "identifier") {
                        if package == Some("customerio-node") {
                            self.constructors
                                .insert(text(local, source).to_string(), Constructs::Namespace);
                        }
                    }
                }
                // import { TrackClient as TC } from "customerio-node"
                "named_imports" => {
                    let mut inner = part.walk();
                    for spec in part.named_children(&mut inner) {
                        if spec.kind_name() != "import_specifier" {
                            continue;
                        }
                        let Some(name) = spec.field("name") else {
                            continue;
                        };
                        let imported = text(name, source).trim_matches(['"', '\'']);
                        let local = spec
                            .field("alias")
                            .map_or(imported, |alias| text(alias, source));
                        let export = export_name(imported);
                        self.import_binding(package, specifier, local, export, workspace);
                    }
                }
                _ => {}
            }
        }
    }

    /// TypeScript's `import CIO = require("customerio-node")`: a `require` of the whole module,
    /// spelled as an import.
    fn import_require(&mut self, clause: Node, source: &str, workspace: &dyn ExportLookup) {
        let (Some(local), Some(specifier)) = (
            named_child_of_kind(clause, "identifier"),
            clause
                .field("source")
                .and_then(|s| syntax::string_literal_value(s, source)),
        ) else {
            return;
        };
        let package = self.package_of(specifier);
        if package == Some("customerio-node") {
            self.legacy_import = Some(clause.byte_range());
        }
        let local = text(local, source);
        self.import_binding(package, specifier, local, ExportName::Default, workspace);
    }

    /// Records one imported name, from a Customer.io package or a workspace module.
    fn import_binding(
        &mut self,
        package: Option<&str>,
        specifier: &str,
        local: &str,
        imported: ExportName,
        workspace: &dyn ExportLookup,
    ) {
        match (package, &imported) {
            (Some("customerio-node"), ExportName::Default) => {
                self.constructors
                    .insert(local.to_string(), Constructs::Namespace);
            }
            (Some("customerio-reactnative"), ExportName::Named(name)) if name == "CustomerIO" => {
                let sdk = if self.react_native_positional {
                    Sdk::ReactNativeLegacy
                } else {
                    Sdk::ReactNative
                };
                self.bind(local, sdk, None);
            }
            (Some(package), ExportName::Named(name)) => {
                if let Some(constructs) = named_export(package, name) {
                    self.constructors.insert(local.to_string(), constructs);
                }
            }
            (None, _) if workspace.names_workspace_module(specifier) => {
                let answer = workspace.imported_export(specifier, &imported);
                if let Some(sdk) = answer.client {
                    self.bind(local, sdk, None);
                }
                if let Some(summary) = &answer.function {
                    if let Some(returned) = summary.returns {
                        self.constructors
                            .insert(local.to_string(), Constructs::Factory(returned.sdk));
                    }
                    self.functions
                        .insert(local.to_string(), Arc::new(summary.clone()));
                }
                self.import_answers.push(answer);
                self.module_imports.push(ModuleImport {
                    local: local.to_string(),
                    imported,
                    specifier: specifier.to_string(),
                });
            }
            _ => {}
        }
    }

    pub(super) fn declaration(
        &mut self,
        declaration: Node,
        source: &str,
        workspace: &dyn ExportLookup,
        mut exported: Option<&mut Vec<(ExportName, String)>>,
    ) {
        let mut cursor = declaration.walk();
        for declarator in declaration.named_children(&mut cursor) {
            if declarator.kind_name() != "variable_declarator" {
                continue;
            }
            let Some(name) = declarator.field("name") else {
                continue;
            };
            if name.kind_name() == "identifier" {
                let local = text(name, source);
                if matches!(local, "_cio" | "cioanalytics") {
                    self.shadowed_globals.push(local.to_string());
                }
                if let Some(list) = exported.as_deref_mut() {
                    list.push((ExportName::Named(local.to_string()), local.to_string()));
                }
            }
            let Some(value) = declarator.field("value") else {
                continue;
            };
            self.require_binding(name, unwrap_expression(value), source, workspace);
        }
    }

    /// `const CIO = require("customerio-node")`, `const { TrackClient } = require(...)`,
    /// `const { cio } = require("./lib/cio")`.
    fn require_binding(
        &mut self,
        pattern: Node,
        value: Node,
        source: &str,
        workspace: &dyn ExportLookup,
    ) {
        // `await import("x")` inside an async function.
        let value = match value.kind_name() {
            "await_expression" => value.named_child(0).map_or(value, unwrap_expression),
            _ => value,
        };
        // `require("x").TrackClient` as a value.
        let (call, member) = match value.kind_name() {
            "member_expression" => (
                value.field("object"),
                value.field("property").map(|p| text(p, source)),
            ),
            _ => (Some(value), None),
        };
        let Some(specifier) = call.and_then(|call| module_call_specifier(call, source)) else {
            return;
        };
        let package = self.package_of(specifier);
        match (pattern.kind_name(), member) {
            ("identifier", Some(member)) => self.import_binding(
                package,
                specifier,
                text(pattern, source),
                ExportName::Named(member.to_string()),
                workspace,
            ),
            ("identifier", None) => {
                let local = text(pattern, source);
                if package == Some("customerio-node") {
                    self.legacy_import = Some(value.byte_range());
                }
                self.import_binding(package, specifier, local, ExportName::Default, workspace)
            }
            ("object_pattern", None) => {
                let mut cursor = pattern.walk();
                for property in pattern.named_children(&mut cursor) {
                    let (imported, local) = match property.kind_name() {
                        "shorthand_property_identifier_pattern" => {
                            (text(property, source), text(property, source))
                        }
                        "pair_pattern" => {
                            let key = property
                                .field("key")
                                .and_then(|k| syntax::property_key(k, source));
                            let value = property.field("value");
                            match (key, value) {
                                (Some(key), Some(v)) if v.kind_name() == "identifier" => {
                                    (key, text(v, source))
                                }
                                _ => continue,
                            }
                        }
                        _ => continue,
                    };
                    self.import_binding(
                        package,
                        specifier,
                        local,
                        ExportName::Named(imported.to_string()),
                        workspace,
                    );
                }
            }
            _ => {}
        }
    }

    /// `require(…)` and `await import(…)` below module level (`function send() { const {
    /// TrackClient } = require("customerio-node"); … }`): found by a text search, bound like
    /// their top-level forms. Names stay file-wide, as every binding here does.
    pub(super) fn nested_module_loads(
        &mut self,
        root: Node,
        source: &str,
        workspace: &dyn ExportLookup,
    ) {
        for word in ["require", "import"] {
            for offset in word_occurrences(source, word) {
                let Some(mut callee) =
                    syntax::descendant_for_byte_range(root, offset, offset + word.len())
                else {
                    continue;
                };
                // The `import` keyword's token sits inside the `import` node of the call.
                if !callee.is_named() {
                    match syntax::parent(callee) {
                        Some(named) if named.byte_range() == callee.byte_range() => callee = named,
                        _ => continue,
                    }
                }
                let Some(call) = syntax::parent(callee).filter(|call| {
                    call.kind_name() == "call_expression" && call.field("function") == Some(callee)
                }) else {
                    continue;
                };
                if let Some((pattern, value)) = nested_declaration_of(call) {
                    self.require_binding(pattern, value, source, workspace);
                }
            }
        }
    }
}

/// The declared pattern and value of the declarator below module level whose value is `call`
/// (through `await` and one member access: `require("x").TrackClient`). Top-level
/// declarations are read with the other top-level statements.
fn nested_declaration_of(call: Node) -> Option<(Node, Node)> {
    let mut value = syntax::outer_expression(call);
    loop {
        let parent = syntax::parent(value)?;
        match parent.kind_name() {
            "await_expression" | "parenthesized_expression" => value = parent,
            "member_expression" if parent.field("object") == Some(value) => value = parent,
            _ => break,
        }
    }
    let declarator = syntax::parent(value)
        .filter(|d| d.kind_name() == "variable_declarator" && d.field("value") == Some(value))?;
    let declaration = syntax::parent(declarator)?;
    let around = syntax::parent(declaration)?;
    let top_level = around.kind_name() == "program"
        || around.kind_name() == "export_statement"
            && syntax::parent(around).is_some_and(|p| p.kind_name() == "program");
    if top_level {
        return None;
    }
    Some((declarator.field("name")?, value))
}
