//! What a file exports (`export const`, `export default`, `export { … }`, `module.exports`,
//! `exports.x`) and re-exports from other workspace modules (`export … from`).

use tree_sitter::Node;

use super::Bindings;
use crate::analysis::resolve::modules::{ExportName, ReExport};
use crate::analysis::resolve::workspace::view::ExportLookup;
use crate::analysis::syntax::{
    self, named_child_of_kind, text, unwrap_expression, FieldExt, KindExt,
};

impl Bindings {
    pub(super) fn export_statement(
        &mut self,
        statement: Node,
        source: &str,
        workspace: &dyn ExportLookup,
        pending_exports: &mut Vec<(ExportName, String)>,
    ) {
        if let Some(declaration) = statement.field("declaration") {
            match declaration.kind_name() {
                "lexical_declaration" | "variable_declaration" => {
                    let mut names = Vec::new();
                    self.declaration(declaration, source, workspace, Some(&mut names));
                    pending_exports.extend(names);
                }
                // `export async function f`, `export default function f`: the helpers of CIO007.
                "function_declaration" | "generator_function_declaration" => {
                    if let Some(name) = declaration.field("name") {
                        let name = text(name, source);
                        let is_default = statement
                            .child(1)
                            .is_some_and(|c| c.kind_name() == "default");
                        let export = if is_default {
                            ExportName::Default
                        } else {
                            ExportName::Named(name.to_string())
                        };
                        pending_exports.push((export, name.to_string()));
                    }
                }
                _ => {}
            }
            return;
        }
        // export default cio;  (export default new TrackClient() is found by the search)
        if let Some(value) = statement.field("value") {
            if value.kind_name() == "identifier" {
                pending_exports.push((ExportName::Default, text(value, source).to_string()));
            }
            return;
        }
        if let Some(specifier) = statement
            .field("source")
            .and_then(|s| syntax::string_literal_value(s, source))
        {
            self.reexport_statement(statement, specifier, source);
            return;
        }
        // export { cio, cio as default }
        if let Some(clause) = named_child_of_kind(statement, "export_clause") {
            for (local, export) in export_specifiers(clause, source) {
                pending_exports.push((export, local.to_string()));
            }
        }
    }

    /// `export { cio } from "./client"`, `export * from "./client"`, also from a bare path
    /// that the index may resolve (`lib/cio` under a `baseUrl`, a monorepo member); not from
    /// a Customer.io package (a re-export of its constructor makes no client).
    fn reexport_statement(&mut self, statement: Node, specifier: &str, source: &str) {
        if self.package_of(specifier).is_some() {
            return;
        }
        let specifier = specifier.to_string();
        if let Some(clause) = named_child_of_kind(statement, "export_clause") {
            for (imported, exported) in export_specifiers(clause, source) {
                self.reexports.push(ReExport::Named {
                    exported,
                    imported: export_name(imported),
                    specifier: specifier.clone(),
                });
            }
        } else if named_child_of_kind(statement, "namespace_export").is_none() {
            // `export * as ns from …` would need `ns.cio` resolution: not followed.
            self.reexports.push(ReExport::All { specifier });
        }
    }

    /// `module.exports = cio`, `module.exports = { cio }`, `exports.cio = cio`.
    pub(super) fn module_exports_assignment(
        &mut self,
        expression: Node,
        source: &str,
        pending_exports: &mut Vec<(ExportName, String)>,
    ) {
        if expression.kind_name() != "assignment_expression" {
            return;
        }
        let (Some(left), Some(right)) = (expression.field("left"), expression.field("right"))
        else {
            return;
        };
        let right = unwrap_expression(right);
        let Some(export) = commonjs_export_target(left, source) else {
            return;
        };
        match (export, right.kind_name()) {
            (export, "identifier") => {
                pending_exports.push((export, text(right, source).to_string()))
            }
            (ExportName::Default, "object") => {
                let mut cursor = right.walk();
                for member in right.named_children(&mut cursor) {
                    match member.kind_name() {
                        "shorthand_property_identifier" => {
                            let name = text(member, source).to_string();
                            pending_exports.push((ExportName::Named(name.clone()), name));
                        }
                        "pair" => {
                            let key = member
                                .field("key")
                                .and_then(|k| syntax::property_key(k, source));
                            let value = member.field("value");
                            if let (Some(key), Some(value)) = (key, value) {
                                if value.kind_name() == "identifier" {
                                    pending_exports.push((
                                        ExportName::Named(key.to_string()),
                                        text(value, source).to_string(),
                                    ));
                                }
                            }
                        }
                        _ => {}
                    }
                }
            }
            _ => {}
        }
    }
}

/// The `(name, exported as)` pairs of an `export { a, b as c, d as default }` clause.
fn export_specifiers<'s>(clause: Node, source: &'s str) -> Vec<(&'s str, ExportName)> {
    let mut cursor = clause.walk();
    let specifiers = clause
        .named_children(&mut cursor)
        .filter_map(|spec| {
            let name = text(spec.field("name")?, source);
            let exported = spec
                .field("alias")
                .map_or(name, |alias| text(alias, source));
            Some((name, export_name(exported)))
        })
        .collect();
    specifiers
}

/// `default` names the default export; any other name a named one.
pub(super) fn export_name(name: &str) -> ExportName {
    match name.trim_matches(['"', '\'']) {
        "default" => ExportName::Default,
        name => ExportName::Named(name.to_string()),
    }
}

/// `module.exports` → default, `module.exports.x` / `exports.x` → named `x`.
pub(super) fn commonjs_export_target(left: Node, source: &str) -> Option<ExportName> {
    let target = text(left, source);
    if target == "module.exports" {
        return Some(ExportName::Default);
    }
    target
        .strip_prefix("module.exports.")
        .or_else(|| target.strip_prefix("exports."))
        .filter(|name| {
            name.chars()
                .all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
        .map(|name| ExportName::Named(name.to_string()))
}
