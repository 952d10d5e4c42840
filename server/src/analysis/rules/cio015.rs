//! CIO015 legacy-constructor: see `queries/CIO015-legacy-constructor.md`.

use tree_sitter::Node;

use crate::analysis::resolve::Version;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{
    self, require_specifier, text, unwrap_expression, word_occurrences, FieldExt, KindExt,
};

/// The first customerio-node version whose entry point has no default export.
const FIRST_WITHOUT_DEFAULT_EXPORT: Version = Version::new(3, 0, 0);

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let (Some(new), Some(constructor)) = (hit.get("new"), hit.get("constructor")) else {
        return;
    };
    // Unless every version the package may install is 3 or later, `new CIO()` may be right
    // (v1–v2): an unknown version is no finding.
    let version = ctx.workspace.package_version("customerio-node");
    let Some(range) = version
        .range()
        .filter(|_| version.is_at_least(FIRST_WITHOUT_DEFAULT_EXPORT))
    else {
        return;
    };
    let name = ctx.text(constructor);
    let message = format!(
        "`new {name}(…)` uses the default export of customerio-node 1–2; package.json asks for customerio-node {range}, which has no default export: this throws `{name} is not a constructor`. Use `TrackClient`"
    );
    let mut finding = ctx.finding_at(syntax::call_head(new), message);
    if let Some(fix) = legacy_fix(ctx.source, new, name) {
        finding = finding.with_fix(fix);
    }
    ctx.report(finding);
}

/// How the legacy constructor is bound at the top level of the file.
enum Declaration<'t> {
    /// `const CIO = require("customerio-node")`: the bound name.
    Require(Node<'t>),
    /// TypeScript's `import CIO = require("customerio-node")`: the bound name. It cannot
    /// destructure, so the fix keeps it and constructs `CIO.TrackClient`.
    ImportRequire,
    /// `import CIO from "customerio-node"` / `import CIO, { RegionEU } from …`.
    Import {
        default: Node<'t>,
        named_imports: Option<Node<'t>>,
    },
}

/// Rewrites the binding and every `new NAME(` of the file, so that the fix leaves no
/// constructor call behind on a binding that no longer exists.
///
/// - When `NAME` is only ever constructed: the catalog's fix, `const { TrackClient } = require(…)`
///   / `import { TrackClient } from …` and `new TrackClient(…)`.
/// - When `NAME` is used otherwise too (`CIO.RegionEU`, passed to a function) or `TrackClient`
///   is already a name in the file: the binding stays the module object (`import * as NAME`
///   for an ESM default import) and each `new NAME(` becomes `new NAME.TrackClient(`, so the
///   other uses keep working.
fn legacy_fix(source: &str, new: Node, name: &str) -> Option<Fix> {
    let root = syntax::tree_root(new);
    let (declaration, declared_at) = find_declaration(root, source, name)?;
    let mut constructor_sites = Vec::new();
    let mut used_otherwise = false;
    for offset in word_occurrences(source, name) {
        if offset == declared_at {
            continue;
        }
        let Some(node) = syntax::descendant_for_byte_range(root, offset, offset + name.len())
        else {
            continue;
        };
        if !matches!(
            node.kind_name(),
            "identifier" | "type_identifier" | "shorthand_property_identifier"
        ) {
            continue; // In a comment, a string or a property name: not a use.
        }
        let parent = syntax::parent(node);
        let constructs = parent.is_some_and(|p| {
            p.kind_name() == "new_expression" && p.field("constructor") == Some(node)
        });
        if constructs {
            constructor_sites.push(node.byte_range());
        } else {
            used_otherwise = true;
        }
    }
    let track_client_taken = word_occurrences(source, "TrackClient").next().is_some();
    let mut edits = Vec::new();
    let destructuring = destructuring_edit(&declaration);
    if let Some(declaration_edit) = destructuring.filter(|_| !used_otherwise && !track_client_taken)
    {
        edits.push(declaration_edit);
        edits.extend(
            constructor_sites
                .into_iter()
                .map(|site| TextEdit::replace(site, "TrackClient")),
        );
        return Some(Fix {
            title: "Use `TrackClient` from customerio-node".into(),
            applicability: Applicability::QuickFix,
            edits,
        });
    }
    match declaration {
        Declaration::Require(_) | Declaration::ImportRequire => {}
        Declaration::Import {
            default,
            named_imports: None,
        } => edits.push(TextEdit::replace(
            default.byte_range(),
            format!("* as {name}"),
        )),
        // `import * as CIO, { … }` is not valid syntax: leave this one to a human.
        Declaration::Import { .. } => return None,
    }
    edits.extend(
        constructor_sites
            .into_iter()
            .map(|site| TextEdit::replace(site, format!("{name}.TrackClient"))),
    );
    Some(Fix {
        title: format!("Use `{name}.TrackClient`"),
        applicability: Applicability::QuickFix,
        edits,
    })
}

/// The declaration rewritten to bind `TrackClient` itself, when its syntax can destructure.
fn destructuring_edit(declaration: &Declaration) -> Option<TextEdit> {
    Some(match declaration {
        Declaration::Require(bound) => TextEdit::replace(bound.byte_range(), "{ TrackClient }"),
        Declaration::ImportRequire => return None,
        Declaration::Import {
            default,
            named_imports: None,
        } => TextEdit::replace(default.byte_range(), "{ TrackClient }"),
        // `CIO, { RegionEU }` → `{ TrackClient, RegionEU }`.
        Declaration::Import {
            default,
            named_imports: Some(named),
        } => TextEdit::replace(
            default.start_byte()..named.start_byte() + 1,
            "{ TrackClient,",
        ),
    })
}

/// The top-level statement that binds `name` to customerio-node's default export, and the
/// offset of the bound name.
fn find_declaration<'t>(
    root: Node<'t>,
    source: &str,
    name: &str,
) -> Option<(Declaration<'t>, usize)> {
    let mut cursor = root.walk();
    let statements: Vec<Node<'t>> = root.named_children(&mut cursor).collect();
    statements
        .into_iter()
        .find_map(|statement| match statement.kind_name() {
            "import_statement" => {
                if let Some(clause) = named_child(statement, "import_require_clause") {
                    return import_require_declaration(clause, source, name);
                }
                let specifier = statement
                    .field("source")
                    .and_then(|s| syntax::string_literal_value(s, source))?;
                if specifier != "customerio-node" {
                    return None;
                }
                let clause = named_child(statement, "import_clause")?;
                let default =
                    named_child(clause, "identifier").filter(|d| text(*d, source) == name)?;
                if named_child(clause, "namespace_import").is_some() {
                    return None;
                }
                Some((
                    Declaration::Import {
                        default,
                        named_imports: named_child(clause, "named_imports"),
                    },
                    default.start_byte(),
                ))
            }
            "lexical_declaration" | "variable_declaration" => {
                let mut inner = statement.walk();
                let declarators: Vec<Node<'t>> = statement.named_children(&mut inner).collect();
                declarators.into_iter().find_map(|declarator| {
                    let bound = declarator
                        .field("name")
                        .filter(|n| n.kind_name() == "identifier" && text(*n, source) == name)?;
                    let value = unwrap_expression(declarator.field("value")?);
                    (require_specifier(value, source)? == "customerio-node")
                        .then_some((Declaration::Require(bound), bound.start_byte()))
                })
            }
            _ => None,
        })
}

fn named_child<'t>(node: Node<'t>, kind: &str) -> Option<Node<'t>> {
    let mut cursor = node.walk();
    let found = node
        .named_children(&mut cursor)
        .find(|n| n.kind_name() == kind);
    found
}

/// `import NAME = require("customerio-node")`.
fn import_require_declaration<'t>(
    clause: Node<'t>,
    source: &str,
    name: &str,
) -> Option<(Declaration<'t>, usize)> {
    let bound = named_child(clause, "identifier").filter(|b| text(*b, source) == name)?;
    let specifier = clause
        .field("source")
        .and_then(|s| syntax::string_literal_value(s, source))?;
    (specifier == "customerio-node").then_some((Declaration::ImportRequire, bound.start_byte()))
}
