//! The tree itself: field and kind lookups cached per grammar, node kinds that open functions
//! and statements, and walks with one cursor (never recursion: 40k-deep expressions are real).
//! Ancestors and parents, cheap while a tree is indexed, are in `indexed`.

use std::ops::Range;

use tree_sitter::Node;

use super::indexed::ancestors;

/// Field access at the cost of an id: [`Node::child_by_field_name`] looks the name up among
/// the grammar's field names, a linear run of string comparisons, on every call, which made
/// field lookups a sixth of a keystroke's re-analysis. Ids are looked up once per grammar and
/// name, then cached on this thread.
pub trait FieldExt<'t> {
    /// The child in field `name`: [`Node::child_by_field_name`], cached.
    fn field(&self, name: &'static str) -> Option<Node<'t>>;
}

impl<'t> FieldExt<'t> for Node<'t> {
    fn field(&self, name: &'static str) -> Option<Node<'t>> {
        let language = self.language().clone().into_raw() as usize;
        let key = (language, name.as_ptr() as usize, name.len());
        let id = FIELD_IDS.with(|ids| {
            *ids.borrow_mut()
                .entry(key)
                .or_insert_with(|| self.language().field_id_for_name(name))
        })?;
        self.child_by_field_id(id.get())
    }
}

thread_local! {
    /// `(grammar, name pointer, name length)` → field id (names are `'static` literals).
    // FxHash: keys are three words, hashed on every field access.
    static FIELD_IDS: std::cell::RefCell<rustc_hash::FxHashMap<(usize, usize, usize), Option<std::num::NonZeroU16>>> =
        std::cell::RefCell::new(rustc_hash::FxHashMap::default());
}

/// A node's kind at the cost of an index: [`Node::kind`] measures and UTF-8-checks the
/// grammar's C string on every call (~190 instructions), and kinds are compared everywhere.
pub trait KindExt {
    /// [`Node::kind`], from a table built once per grammar on this thread.
    fn kind_name(&self) -> &'static str;
}

impl KindExt for Node<'_> {
    fn kind_name(&self) -> &'static str {
        // SAFETY: `ts_node_language` only reads the node's tree, which the node borrows.
        let language = unsafe { tree_sitter::ffi::ts_node_language(self.into_raw()) } as usize;
        let id = usize::from(self.kind_id());
        let known = KIND_NAMES.with(|tables| {
            let mut tables = tables.borrow_mut();
            let position = tables.iter().position(|(grammar, _)| *grammar == language);
            let index = position.unwrap_or_else(|| {
                let grammar = self.language();
                let names = (0..grammar.node_kind_count() as u16)
                    .map(|id| grammar.node_kind_for_id(id).unwrap_or(""))
                    .collect();
                tables.push((language, names));
                tables.len() - 1
            });
            tables[index].1.get(id).copied()
        });
        // Ids past the table (the ERROR symbol) take the ordinary path.
        #[allow(clippy::disallowed_methods)]
        known.unwrap_or_else(|| self.kind())
    }
}

thread_local! {
    /// `(grammar, kind names by id)` for each grammar seen on this thread (three at most).
    static KIND_NAMES: std::cell::RefCell<Vec<(usize, Vec<&'static str>)>> =
        const { std::cell::RefCell::new(Vec::new()) };
}

/// The source text of a node.
pub fn text<'s>(node: Node, source: &'s str) -> &'s str {
    source.get(node.byte_range()).unwrap_or("")
}

/// The top-level statements that start inside `range`, found from its start rather than by
/// walking every statement (cheap on an unindexed tree too).
pub fn top_level_statements_in(root: Node, range: Range<usize>) -> Vec<Node> {
    let mut cursor = root.walk();
    let mut statements = Vec::new();
    if cursor.goto_first_child_for_byte(range.start).is_none() {
        return statements;
    }
    loop {
        let node = cursor.node();
        if node.start_byte() >= range.end {
            break;
        }
        if node.start_byte() >= range.start {
            statements.push(node);
        }
        if !cursor.goto_next_sibling() {
            break;
        }
    }
    statements
}

/// Node kinds that open a new function body.
pub fn is_function(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "function_declaration"
            | "function_expression"
            | "function"
            | "arrow_function"
            | "method_definition"
            | "generator_function_declaration"
            | "generator_function"
    )
}

/// The nearest enclosing function of `node`, if any.
pub fn enclosing_function(node: Node) -> Option<Node> {
    ancestors(node).find(|n| is_function(*n))
}

/// The nearest ancestor-or-self that is a statement or declaration (not a block), used to
/// widen a match to a unit that can be re-analysed on its own.
pub fn enclosing_statement(node: Node) -> Node {
    std::iter::once(node)
        .chain(ancestors(node))
        .find(|n| is_statement(*n))
        .unwrap_or(node)
}

pub fn is_statement(node: Node) -> bool {
    let kind = node.kind_name();
    (kind.ends_with("_statement") || kind.ends_with("_declaration")) && kind != "statement_block"
        || matches!(kind, "public_field_definition" | "field_definition")
}

/// Whether `node` sits in the body of a `try` that has a `catch`, below `within` (a function
/// around it): the catch sees what an await there throws.
pub fn inside_try_with_catch(node: Node, within: Node) -> bool {
    let mut child = node;
    for ancestor in ancestors(node) {
        if ancestor == within {
            return false;
        }
        if ancestor.kind_name() == "try_statement"
            && ancestor.field("body") == Some(child)
            && ancestor.field("handler").is_some()
        {
            return true;
        }
        child = ancestor;
    }
    false
}

/// Loop statements (`for`, `for…of`, `for…in`, `while`, `do`).
pub fn is_loop(node: Node) -> bool {
    matches!(
        node.kind_name(),
        "for_statement" | "for_in_statement" | "while_statement" | "do_statement"
    )
}

/// Calls `visit` on every descendant of `node` (not `node` itself) that is not inside a nested
/// function.
pub fn for_each_in_function_body<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    walk_named_descendants(node, |child| !is_function(child), visit);
}

/// Calls `visit` on every named descendant of `node` (not `node` itself), nested functions
/// included.
pub fn for_each_descendant<'t>(node: Node<'t>, visit: &mut impl FnMut(Node<'t>)) {
    walk_named_descendants(node, |_| true, visit);
}

/// Visits the named descendants of `node` in pre-order, entering those for which `enter`
/// holds, with one tree cursor for the whole walk (not one per node).
fn walk_named_descendants<'t>(
    node: Node<'t>,
    enter: impl Fn(Node<'t>) -> bool,
    visit: &mut impl FnMut(Node<'t>),
) {
    let mut cursor = node.walk();
    if !cursor.goto_first_child() {
        return;
    }
    let mut depth = 1;
    loop {
        let current = cursor.node();
        if current.is_named() {
            visit(current);
            if enter(current) && cursor.goto_first_child() {
                depth += 1;
                continue;
            }
        }
        while !cursor.goto_next_sibling() {
            cursor.goto_parent();
            depth -= 1;
            if depth == 0 {
                return;
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::syntax::language::{parse, Lang};

    #[test]
    #[allow(clippy::disallowed_methods)] // the reference the table must equal
    fn kind_names_from_the_table_equal_the_grammars_own() {
        // Aliased nodes, anonymous tokens, JSX, type syntax and an ERROR node.
        let source = "import x from 'y';\nconst a = <div a={1}>t</div>;\nlet b: Map<string, number> = f?.(1) ?? 2;\nclass C { #p = 1; }\n) oops (\n";
        for lang in Lang::ALL {
            let tree = parse(lang, source, None);
            let mut stack = vec![tree.root_node()];
            let mut kinds = std::collections::HashSet::new();
            while let Some(node) = stack.pop() {
                assert_eq!(node.kind_name(), node.kind(), "{lang:?}");
                kinds.insert(node.kind());
                let mut cursor = node.walk();
                stack.extend(node.children(&mut cursor));
            }
            assert!(kinds.contains("ERROR") && kinds.contains("=") && kinds.len() > 30);
        }
    }

    #[test]
    fn top_level_statements_in_a_range_are_those_starting_in_it() {
        let source = "a();\nb();\nfunction c() {\n  d();\n}\ne();\n";
        let tree = parse(Lang::TypeScript, source, None);
        let texts = |range: Range<usize>| -> Vec<&str> {
            top_level_statements_in(tree.root_node(), range)
                .into_iter()
                .map(|node| text(node, source))
                .collect()
        };
        let b = source.find("b()").unwrap();
        let d = source.find("d()").unwrap();
        let e = source.find("e()").unwrap();
        assert_eq!(texts(b..d), ["b();", "function c() {\n  d();\n}"]);
        // A range starting inside a statement does not include it.
        assert_eq!(texts(d..e + 1), ["e();"]);
        assert_eq!(texts(0..source.len()).len(), 4);
        assert!(texts(source.len()..source.len()).is_empty());
    }

    #[test]
    fn a_function_body_walk_visits_named_nodes_in_order_and_skips_nested_functions() {
        fn reference<'t>(node: Node<'t>, out: &mut Vec<usize>) {
            let mut cursor = node.walk();
            for child in node.named_children(&mut cursor) {
                out.push(child.id());
                if !is_function(child) {
                    reference(child, out);
                }
            }
        }
        let source = "function f(a) { if (a) { g(() => { h(); }); } // c\n return [a, { b: 1 }]; }";
        let tree = parse(Lang::JavaScript, source, None);
        let function = tree.root_node().named_child(0).unwrap();
        for node in [function, function.field("body").unwrap(), tree.root_node()] {
            let mut expected = Vec::new();
            reference(node, &mut expected);
            let mut actual = Vec::new();
            for_each_in_function_body(node, &mut |n| actual.push(n.id()));
            assert_eq!(actual, expected);
        }
        let leaf = function.field("name").unwrap();
        for_each_in_function_body(leaf, &mut |_| panic!("a leaf has no descendants"));
    }
}
