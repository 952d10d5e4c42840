//! The functions a file's top-level statements declare, and whether an edited part of a file
//! is linked by name to the rest: what the language server needs to know to re-check only the
//! edited functions.

use std::collections::HashSet;
use std::ops::Range;

use tree_sitter::Tree;

use crate::analysis::syntax::{self, in_any, FieldExt, KindExt};

/// Whether the top-level statements in `within` are linked by name to other top-level
/// statements of the file: a function declared in `within` is named outside it, or `within`
/// names a function declared outside it (`declared_outside`, from
/// [`declared_functions`] of this text or of any version of it whose statements
/// outside `within` are the same). File-scoped rules follow exactly such links (CIO007 from a
/// handler to the helpers it awaits, CIO009 from a function to its callers), so an edit
/// without them leaves their findings elsewhere unchanged.
pub fn linked_by_name(
    tree: &Tree,
    source: &str,
    within: &[Range<usize>],
    declared_outside: &HashSet<&str>,
) -> bool {
    let inside = |offset: usize| in_any(offset, within);
    let edited: Vec<tree_sitter::Node> = within
        .iter()
        .flat_map(|range| syntax::top_level_statements_in(tree.root_node(), range.clone()))
        .collect();
    let names_outside = |name: &str| syntax::word_occurrences(source, name).any(|o| !inside(o));
    let declares_named = edited
        .iter()
        .filter_map(|statement| declared_function(*statement, source))
        .any(names_outside);
    declares_named
        || edited.iter().any(|statement| {
            let mut names_declared = false;
            syntax::for_each_descendant(*statement, &mut |node| {
                names_declared = names_declared
                    || (node.kind_name() == "identifier"
                        && declared_outside.contains(syntax::text(node, source)));
            });
            names_declared
        })
}

/// The names of the `declared` functions whose statements start outside `within` (the
/// `declared_outside` of [`linked_by_name`]).
pub fn declared_outside<'d>(
    declared: &'d [DeclaredFunction],
    within: &[Range<usize>],
) -> HashSet<&'d str> {
    declared
        .iter()
        .filter(|(range, _)| !in_any(range.start, within))
        .map(|(_, name)| name.as_str())
        .collect()
}

/// A function declared by a top-level statement: the statement's range and the name.
pub type DeclaredFunction = (Range<usize>, String);

/// The functions that the top-level statements declare (only those starting inside `within`,
/// when given), in order. An editor keeps them between keystrokes: the statements an edit
/// did not touch declare the same functions (see [`linked_by_name`]).
pub fn declared_functions(
    tree: &Tree,
    source: &str,
    within: Option<&[Range<usize>]>,
) -> Vec<DeclaredFunction> {
    let root = tree.root_node();
    let statements = match within {
        None => syntax::top_level_statements(root),
        Some(within) => within
            .iter()
            .flat_map(|range| syntax::top_level_statements_in(root, range.clone()))
            .collect(),
    };
    statements
        .into_iter()
        .filter_map(|statement| {
            declared_function(statement, source).map(|name| (statement.byte_range(), name.into()))
        })
        .collect()
}

/// The name of the function a top-level statement declares (`function f`, `export function f`,
/// `const f = () => …`).
fn declared_function<'s>(statement: tree_sitter::Node, source: &'s str) -> Option<&'s str> {
    let declaration = match statement.kind_name() {
        "export_statement" => statement.field("declaration")?,
        _ => statement,
    };
    let function = if syntax::is_function(declaration) {
        declaration
    } else if declaration.kind_name() == "lexical_declaration" {
        let declarator = declaration.named_child(0)?;
        declarator
            .field("value")
            .filter(|v| syntax::is_function(*v))?
    } else {
        return None;
    };
    syntax::function_name(function, source)
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::{parse, Lang};

    /// Whether the top-level statement holding `marker` is linked by name to the others.
    fn linked(source: &str, marker: &str) -> bool {
        let tree = parse(Lang::TypeScript, source, None);
        let at = source.find(marker).unwrap();
        let statement = tree
            .root_node()
            .named_children(&mut tree.walk())
            .find(|s| s.start_byte() <= at && at < s.end_byte())
            .unwrap();
        let within = [statement.byte_range()];
        let declared_functions = declared_functions(&tree, source, None);
        let declared = declared_outside(&declared_functions, &within);
        let unindexed = linked_by_name(&tree, source, &within, &declared);
        let _index = syntax::index_tree(&tree);
        assert_eq!(linked_by_name(&tree, source, &within, &declared), unindexed);
        unindexed
    }

    #[test]
    fn statements_are_linked_by_the_functions_they_declare_and_name() {
        let source = "export async function helper() { await cio.track('a', {}); }\n\
                      export async function handler() { await helper(); /*h*/ }\n\
                      export const arrow = async () => { await cio.identify('b', {}); /*a*/ };\n\
                      function lonely() { const helperish = 1; return helperish; /*l*/ }\n";
        // `helper` is awaited by `handler`; `handler` names `helper`.
        assert!(linked(source, "cio.track"));
        assert!(linked(source, "/*h*/"));
        // Neither declares a name used elsewhere nor uses one declared elsewhere.
        assert!(!linked(source, "/*a*/"));
        assert!(!linked(source, "/*l*/"));
    }
}
