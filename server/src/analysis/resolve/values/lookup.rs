//! Where a name, a property or a parameter gets its value: the definitions the value service
//! evaluates next. Lexical scopes come from [`scopes::local_declarations`] (below module level)
//! and a table of the module's own declarations and imports ([`ModuleDeclarations`]).

use std::collections::HashMap;
use std::ops::Range;

use tree_sitter::Node;

use super::context::ValueContext;
use super::memo;
use super::parameters;
use super::sources::{declarator_sources, pattern_names, Source};
use super::value::{Values, MAX_HOPS, MAX_VALUES};
use crate::analysis::resolve::scopes::{self, DeclarationKind};
use crate::analysis::syntax::{self, text, unwrap_expression, word_occurrences, FieldExt, KindExt};

/// The module-level declarations of a file, by name.
#[derive(Debug, Default)]
pub(super) struct ModuleDeclarations {
    names: HashMap<String, Vec<Declared>>,
}

#[derive(Debug, Clone)]
enum Declared {
    /// A `const`/`let`/`var` declarator (its name may be a pattern).
    Declarator {
        declarator: NodeRef,
        reassignable: bool,
    },
    /// A function declaration.
    Function(NodeRef),
    /// A class declaration.
    Class,
}

/// A node of the tree the table was built from, by id and range: the table outlives the
/// borrow of the tree it was built from (it is memoised per indexing of that tree), so it
/// keeps what finds the node again ([`NodeRef::find`]).
#[derive(Debug, Clone)]
struct NodeRef {
    id: usize,
    range: Range<usize>,
}

impl NodeRef {
    fn of(node: Node) -> NodeRef {
        NodeRef {
            id: node.id(),
            range: node.byte_range(),
        }
    }

    /// The node in `root`'s tree: the smallest node over the range or one of its ancestors
    /// with the same range.
    fn find<'t>(&self, root: Node<'t>) -> Option<Node<'t>> {
        let mut node = syntax::descendant_for_byte_range(root, self.range.start, self.range.end)?;
        loop {
            if node.id() == self.id {
                return Some(node);
            }
            node = syntax::parent(node).filter(|p| p.byte_range() == self.range)?;
        }
    }
}

impl ModuleDeclarations {
    /// Reads the top-level statements of `root`'s tree.
    pub(super) fn build(root: Node, source: &str) -> ModuleDeclarations {
        let mut table = ModuleDeclarations::default();
        for statement in syntax::top_level_statements(root) {
            let Some(declaration) = syntax::declaration_of(statement) else {
                continue;
            };
            match declaration.kind_name() {
                "lexical_declaration" | "variable_declaration" => {
                    let reassignable = !text(declaration, source).starts_with("const");
                    let mut cursor = declaration.walk();
                    for declarator in declaration
                        .named_children(&mut cursor)
                        .filter(|n| n.kind_name() == "variable_declarator")
                    {
                        let Some(name) = declarator.field("name") else {
                            continue;
                        };
                        for bound in pattern_names(name, source) {
                            table.add(
                                bound,
                                Declared::Declarator {
                                    declarator: NodeRef::of(declarator),
                                    reassignable,
                                },
                            );
                        }
                    }
                }
                "function_declaration" | "generator_function_declaration" => {
                    if let Some(name) = declaration.field("name") {
                        table.add(
                            text(name, source),
                            Declared::Function(NodeRef::of(declaration)),
                        );
                    }
                }
                "class_declaration" | "abstract_class_declaration" => {
                    if let Some(name) = declaration.field("name") {
                        table.add(text(name, source), Declared::Class);
                    }
                }
                _ => {}
            }
        }
        table
    }

    fn add(&mut self, name: &str, declared: Declared) {
        self.names
            .entry(name.to_string())
            .or_default()
            .push(declared);
    }

    fn get(&self, name: &str) -> &[Declared] {
        self.names.get(name).map_or(&[], Vec::as_slice)
    }
}

/// The definitions of the identifier `use_site` (named `name`), innermost scope first.
pub(super) fn identifier<'t>(
    use_site: Node<'t>,
    name: &str,
    cx: &ValueContext,
    declarations: &ModuleDeclarations,
) -> Vec<Source<'t>> {
    let unknown = || vec![Source::Known(Values::unknown(Some(use_site.byte_range())))];
    if matches!(name, "undefined" | "null" | "NaN") {
        return unknown();
    }
    let Some(local) = local_declaration(use_site, name, cx) else {
        return unknown();
    };
    if let Some(local) = local {
        return match local.kind {
            DeclarationKind::Local { declarator } => {
                let mut sources = declarator_sources(declarator, name, cx.source);
                if !text(syntax::parent(declarator).unwrap_or(declarator), cx.source)
                    .starts_with("const")
                {
                    sources.extend(assignments(name, local.scope.clone(), use_site, cx));
                }
                sources
            }
            DeclarationKind::Parameter { .. } => {
                let function = syntax::descendant_for_byte_range(
                    syntax::tree_root(use_site),
                    local.scope.start,
                    local.scope.end,
                )
                .filter(|f| syntax::is_function(*f));
                match function {
                    Some(function) if cx.follow_parameters => {
                        parameters::parameter(function, name, use_site, cx)
                    }
                    _ => unknown(),
                }
            }
            DeclarationKind::Other => unknown(),
        };
    }
    let root = syntax::tree_root(use_site);
    let declared = declarations.get(name);
    if declared.is_empty() {
        return imported(name, cx).unwrap_or_else(unknown);
    }
    let mut sources = Vec::new();
    for declared in declared {
        match declared {
            Declared::Declarator {
                declarator,
                reassignable,
            } => {
                let Some(node) = declarator.find(root) else {
                    continue;
                };
                sources.extend(declarator_sources(node, name, cx.source));
                if *reassignable {
                    sources.extend(assignments(name, root.byte_range(), use_site, cx));
                }
            }
            Declared::Function(_) | Declared::Class => return unknown(),
        }
    }
    if sources.is_empty() {
        return unknown();
    }
    sources
}

/// The innermost declaration of `name` below module level that `use_site` sees: `Some(None)`
/// when there is none (a module-level name), `None` when the search budget is spent.
fn local_declaration<'t>(
    use_site: Node<'t>,
    name: &str,
    cx: &ValueContext,
) -> Option<Option<scopes::Declaration<'t>>> {
    let statement = syntax::top_level_ancestor(use_site);
    if !memo::may_search(use_site, cx, statement.byte_range().len()) {
        return None;
    }
    let at = use_site.byte_range();
    Some(
        scopes::local_declarations(statement, name, cx.source)
            .into_iter()
            .filter(|d| d.scope.start <= at.start && at.end <= d.scope.end)
            .min_by_key(|d| d.scope.len()),
    )
}

/// The value of an import of a workspace module, from the workspace's facts.
fn imported<'t>(name: &str, cx: &ValueContext) -> Option<Vec<Source<'t>>> {
    let import = cx
        .bindings
        .module_imports
        .iter()
        .find(|i| i.local == name)?;
    let values = cx
        .workspace
        .exported_values(&import.specifier, &import.imported, &[])?;
    Some(vec![Source::Known(values)])
}

/// Property `path` of a workspace module's export imported as `name`, when the workspace
/// knows it.
pub(super) fn imported_property(name: &str, path: &[&str], cx: &ValueContext) -> Option<Values> {
    let import = cx
        .bindings
        .module_imports
        .iter()
        .find(|i| i.local == name)?;
    cx.workspace
        .exported_values(&import.specifier, &import.imported, path)
}

/// The values assigned to `name` (`name = x`, `name ??= x`) within `scope`, other than at
/// `use_site` itself.
fn assignments<'t>(
    name: &str,
    scope: Range<usize>,
    use_site: Node<'t>,
    cx: &ValueContext,
) -> Vec<Source<'t>> {
    let source = cx.source;
    if !memo::may_search(use_site, cx, scope.len()) {
        return vec![Source::Known(Values::unknown(Some(use_site.byte_range())))];
    }
    let root = syntax::tree_root(use_site);
    let Some(text_in_scope) = source.get(scope.clone()) else {
        return Vec::new();
    };
    word_occurrences(text_in_scope, name)
        .map(|offset| scope.start + offset)
        .filter_map(|offset| syntax::descendant_for_byte_range(root, offset, offset + name.len()))
        .filter_map(|target| {
            let assignment = syntax::parent(target)?;
            let is_assignment = matches!(
                assignment.kind_name(),
                "assignment_expression" | "augmented_assignment_expression"
            );
            (is_assignment && assignment.field("left") == Some(target))
                .then(|| assignment.field("right"))
                .flatten()
        })
        .map(Source::Expression)
        .collect()
}

/// The expressions a function returns: an arrow's expression body, or the values of its
/// `return` statements (not those of nested functions).
pub(super) fn returns(function: Node) -> Vec<Node> {
    let Some(body) = function.field("body") else {
        return Vec::new();
    };
    if body.kind_name() != "statement_block" {
        return vec![body];
    }
    let mut found = Vec::new();
    syntax::for_each_in_function_body(body, &mut |node| {
        if node.kind_name() == "return_statement" {
            found.extend(node.named_child(0));
        }
    });
    found.truncate(MAX_VALUES * 2);
    found
}

/// The function a callee names in this file (`getBase` of `getBase()`), when it is declared
/// at module level or as a local `const`.
pub(super) fn called_function<'t>(
    callee: Node<'t>,
    cx: &ValueContext,
    declarations: &ModuleDeclarations,
) -> Option<Node<'t>> {
    let callee = unwrap_expression(callee);
    if callee.kind_name() != "identifier" {
        return None;
    }
    let name = text(callee, cx.source);
    let root = syntax::tree_root(callee);
    if let Some(local) = local_declaration(callee, name, cx)? {
        return match local.kind {
            DeclarationKind::Local { declarator } => declarator
                .field("value")
                .map(unwrap_expression)
                .filter(|v| syntax::is_function(*v)),
            _ => None,
        };
    }
    let declared = declarations.get(name);
    let [declared] = declared else {
        return None;
    };
    match declared {
        Declared::Function(function) => function.find(root),
        Declared::Declarator {
            declarator,
            reassignable: false,
        } => declarator
            .find(root)?
            .field("value")
            .map(unwrap_expression)
            .filter(|v| syntax::is_function(*v)),
        _ => None,
    }
}

thread_local! {
    /// The module declarations of the tree being analysed on this thread, by memo key.
    static DECLARATIONS: std::cell::RefCell<Option<(memo::Key, std::rc::Rc<ModuleDeclarations>)>> =
        const { std::cell::RefCell::new(None) };
}

/// The module-level declarations of `node`'s file, built once per indexing of its tree.
pub(super) fn module_declarations(
    node: Node,
    cx: &ValueContext,
) -> std::rc::Rc<ModuleDeclarations> {
    let build = || {
        std::rc::Rc::new(ModuleDeclarations::build(
            syntax::tree_root(node),
            cx.source,
        ))
    };
    let Some(key) = memo::key_of(node, cx) else {
        return build();
    };
    if let Some(known) = DECLARATIONS.with(|slot| {
        slot.borrow()
            .as_ref()
            .filter(|(k, _)| k.file == key.file)
            .map(|(_, d)| d.clone())
    }) {
        return known;
    }
    let built = build();
    DECLARATIONS.with(|slot| *slot.borrow_mut() = Some((key, built.clone())));
    built
}

/// See [`super::initializers`].
pub(super) fn initializers<'t>(identifier: Node<'t>, cx: &ValueContext) -> Vec<Node<'t>> {
    let declarations = module_declarations(identifier, cx);
    let mut found = Vec::new();
    let mut work = vec![(identifier, MAX_HOPS)];
    while let Some((node, hops)) = work.pop() {
        let node = unwrap_expression(node);
        if node.kind_name() != "identifier" || hops == 0 {
            found.push(node);
            continue;
        }
        let name = text(node, cx.source);
        for source in self::identifier(node, name, cx, &declarations) {
            if let Source::Expression(value) = source {
                work.push((value, hops - 1));
            }
        }
        if found.len() + work.len() > MAX_VALUES {
            break;
        }
    }
    found
}
