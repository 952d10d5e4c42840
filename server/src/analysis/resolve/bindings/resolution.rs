//! What a receiver denotes at a use site (`cio`, `this.cio`, `window._cio`, a `new` or factory
//! call): the file's bindings, hidden by nearer declarations ([`scopes`]), memoised per node
//! while the tree is indexed.
//!
//! [`scopes`]: crate::analysis::resolve::scopes

use std::cell::RefCell;
use std::ops::Range;
use std::rc::Rc;

use rustc_hash::FxHashMap;
use tree_sitter::Node;

use super::{named_export, Bindings, Constructs};
use crate::analysis::resolve::scopes::{self, Declaration, DeclarationKind};
use crate::analysis::resolve::sdk::{global_sdk, Sdk};
use crate::analysis::syntax::{self, text, unwrap_expression, FieldExt, KindExt};

impl Bindings {
    /// The client a receiver expression denotes (`cio`, `this.cio`, `window._cio`,
    /// `new TrackClient(...)`), or `None` when it is not known to be one.
    ///
    /// Several patterns and rules ask about the same receiver, so while the tree is indexed
    /// ([`syntax::index_tree`], as during an analysis) answers are memoised per node.
    pub fn resolve(&self, receiver: Node, source: &str) -> Option<Sdk> {
        let receiver = unwrap_expression(receiver);
        let Some(key) = self.memo_key(receiver) else {
            return self.resolve_guarded(receiver, source);
        };
        if let Some(known) = MEMO.with(|memo| memo.borrow_mut().resolved(key, receiver.id())) {
            return known;
        }
        let sdk = self.resolve_guarded(receiver, source);
        MEMO.with(|memo| memo.borrow_mut().remember_resolved(key, receiver.id(), sdk));
        sdk
    }

    /// [`Bindings::resolve_uncached`] within [`MAX_RESOLUTION_DEPTH`]: a local's client comes
    /// from its initialiser, which may name another local (`const a = b`), so resolution
    /// follows a chain of names; `const cio = cio` must end.
    fn resolve_guarded(&self, receiver: Node, source: &str) -> Option<Sdk> {
        let depth = DEPTH.with(|depth| depth.get());
        if depth >= MAX_RESOLUTION_DEPTH {
            return None;
        }
        DEPTH.with(|d| d.set(depth + 1));
        let sdk = self.resolve_uncached(receiver, source);
        DEPTH.with(|d| d.set(depth));
        sdk
    }

    fn resolve_uncached(&self, receiver: Node, source: &str) -> Option<Sdk> {
        match receiver.kind_name() {
            "identifier" => {
                let name = text(receiver, source);
                // Most receivers (`res`, `logger`) name nothing a client could be; the scope
                // lookup below is for the few that do.
                if !self.may_name_client(name) {
                    return None;
                }
                let shadows = self.shadows(receiver, name, source);
                if let Some(shadow) = innermost_shadow(&shadows, receiver.byte_range()) {
                    return shadow.sdk;
                }
                self.clients
                    .get(name)
                    .map(|binding| binding.sdk)
                    .or_else(|| self.extra_clients.get(name).copied())
                    .or_else(|| self.global(name))
            }
            "member_expression" => {
                // `(window as any)._cio` too.
                let object = unwrap_expression(receiver.field("object")?);
                let property = text(receiver.field("property")?, source);
                match object.kind_name() {
                    "this" => {
                        let name = format!("this.{property}");
                        // A configured `this.x` client (cio-lsp.toml `[clients] names`) when the
                        // file itself does not assign one.
                        self.member_sdk(&name, object, source)
                            .or_else(|| self.extra_clients.get(&name).copied())
                    }
                    "identifier"
                        if matches!(text(object, source), "window" | "globalThis" | "self") =>
                    {
                        global_sdk(property)
                    }
                    _ => self
                        .extra_clients
                        .get(syntax::text(receiver, source))
                        .copied(),
                }
            }
            "new_expression" => self.constructed_sdk(receiver, source),
            "call_expression" => self.factory_sdk(receiver, source),
            // `(await makeClient()).track(…)`
            "await_expression" => self.resolve(receiver.named_child(0)?, source),
            _ => None,
        }
    }

    /// The memo key for resolutions in `node`'s tree with these bindings, when the tree is
    /// indexed (node ids are then stable and unique).
    fn memo_key(&self, node: Node) -> Option<(u64, u64)> {
        let generation = syntax::indexed_generation(node)?;
        (self.id != 0).then_some((generation, self.id))
    }

    /// What `name` means in the scopes below module level that declare it again (parameters,
    /// loop variables, locals) within the top-level statement of `use_site`, memoised per
    /// statement and name while the tree is indexed.
    fn shadows(&self, use_site: Node, name: &str, source: &str) -> Rc<[Shadow]> {
        let statement = syntax::top_level_ancestor(use_site);
        let key = self.memo_key(use_site);
        if let Some(key) = key {
            let known = MEMO.with(|memo| memo.borrow_mut().shadows(key, statement.id(), name));
            if let Some(shadows) = known {
                return shadows;
            }
        }
        let shadows: Rc<[Shadow]> = scopes::local_declarations(statement, name, source)
            .into_iter()
            .filter_map(|declaration| self.shadow(declaration, name, source))
            .collect();
        if let Some(key) = key {
            MEMO.with(|memo| {
                let shadows = shadows.clone();
                memo.borrow_mut()
                    .remember_shadows(key, statement.id(), name, shadows)
            });
        }
        shadows
    }

    /// What a declaration of `name` below module level makes of it in its scope: a parameter
    /// is a client only when its type says so; a local holds the client its initialiser
    /// denotes, else one that its block assigns to it later (see [`Bindings::local_sdk`]).
    fn shadow(&self, declaration: Declaration, name: &str, source: &str) -> Option<Shadow> {
        let sdk = match declaration.kind {
            DeclarationKind::Parameter { type_annotation } => {
                type_annotation.and_then(|t| self.annotated_sdk(t, source))
            }
            DeclarationKind::Local { declarator } => {
                self.local_sdk(declarator, &declaration.scope, name, source)
            }
            DeclarationKind::Other => None,
        };
        Some(Shadow {
            scope: declaration.scope,
            sdk,
        })
    }

    /// The client a local `name` declared by `declarator` holds in `scope`: the one its
    /// initialiser denotes (`const cio = new TrackClient(…)`, `= getClient()`,
    /// `= (window as any)._cio || []`, `= this.cio`), else one that the block assigns to it
    /// (`let cio; if (key) cio = new TrackClient(…)`). Two functions declaring the same name
    /// thus each see their own client.
    fn local_sdk(
        &self,
        declarator: Node,
        scope: &Range<usize>,
        name: &str,
        source: &str,
    ) -> Option<Sdk> {
        let initialised = declarator
            .field("value")
            .and_then(|value| self.value_sdk(value, source));
        initialised.or_else(|| {
            self.assigned
                .iter()
                .find(|(assigned, at, _)| {
                    assigned == name && scope.start <= at.start && at.end <= scope.end
                })
                .map(|(_, _, sdk)| *sdk)
        })
    }

    /// The client a value denotes, looking through `await`, `||` / `??` (either side) and
    /// the branches of a ternary: `await getClient()`, `window._cio || []`,
    /// `key ? new TrackClient(…) : null`. Iterative, over a bounded number of nodes.
    pub(crate) fn value_sdk(&self, value: Node, source: &str) -> Option<Sdk> {
        let mut pending = vec![value];
        let mut visited = 0;
        while let Some(node) = pending.pop() {
            visited += 1;
            if visited > MAX_VALUE_NODES {
                return None;
            }
            let node = unwrap_expression(node);
            match node.kind_name() {
                "await_expression" => pending.extend(node.named_child(0)),
                "binary_expression"
                    if node
                        .field("operator")
                        .is_some_and(|o| matches!(o.kind_name(), "||" | "??")) =>
                {
                    pending.extend(node.field("right"));
                    pending.extend(node.field("left"));
                }
                "ternary_expression" => {
                    pending.extend(node.field("alternative"));
                    pending.extend(node.field("consequence"));
                }
                // `client ??= new TrackClient(…)`: the value is the client either side names.
                "assignment_expression" | "augmented_assignment_expression" => {
                    pending.extend(node.field("right"));
                    pending.extend(node.field("left"));
                }
                _ => {
                    if let Some(sdk) = self.resolve(node, source) {
                        return Some(sdk);
                    }
                }
            }
        }
        None
    }

    /// Whether an identifier spelled `name` can denote a client somewhere in this file: a
    /// client binding, a parameter typed as a client, a configured name or a global.
    fn may_name_client(&self, name: &str) -> bool {
        self.clients.contains_key(name)
            || self.typed_parameters.iter().any(|p| p == name)
            || self.extra_clients.contains_key(name)
            || global_sdk(name).is_some()
    }

    /// The SDK that a `new` expression constructs, if it is a Customer.io constructor.
    pub fn constructed_sdk(&self, new_expression: Node, source: &str) -> Option<Sdk> {
        let constructor = unwrap_expression(new_expression.field("constructor")?);
        match constructor.kind_name() {
            "identifier" => match self.constructors.get(text(constructor, source))? {
                Constructs::Class(sdk) => Some(*sdk),
                Constructs::Namespace => Some(Sdk::NodeLegacy),
                Constructs::Factory(_) | Constructs::Loader(_) => None,
            },
            "member_expression" => {
                let object = constructor.field("object")?;
                let property = constructor.field("property")?;
                self.namespace_class(object, property, source)
            }
            _ => None,
        }
    }

    /// The client class `namespace.name` names (`cio.TrackClient` after
    /// `import * as cio from "customerio-node"`), in a `new` or a type annotation.
    fn namespace_class(&self, namespace: Node, name: Node, source: &str) -> Option<Sdk> {
        if self.constructors.get(text(namespace, source)) != Some(&Constructs::Namespace) {
            return None;
        }
        match named_export("customerio-node", text(name, source))? {
            Constructs::Class(sdk) => Some(sdk),
            _ => None,
        }
    }

    /// The SDK that a factory call (`AnalyticsBrowser.load(...)`, a local `makeClient()`) makes.
    pub fn factory_sdk(&self, call: Node, source: &str) -> Option<Sdk> {
        let function = unwrap_expression(call.field("function")?);
        match function.kind_name() {
            "identifier" => match self.constructors.get(text(function, source))? {
                Constructs::Factory(sdk) => Some(*sdk),
                _ => None,
            },
            "member_expression" => {
                let object = function.field("object")?;
                let property = text(function.field("property")?, source);
                match self.constructors.get(text(object, source))? {
                    Constructs::Loader(sdk) if property == "load" => Some(*sdk),
                    _ => None,
                }
            }
            _ => None,
        }
    }

    /// The client in `this.x` (`name`) as seen from `this_node`: one stored by the class around
    /// it or a class it extends (in this file), or one stored outside any class when the use is
    /// outside any class too.
    pub(super) fn member_sdk(&self, name: &str, this_node: Node, source: &str) -> Option<Sdk> {
        let members = self.members.get(name)?;
        let Some(class) = scopes::enclosing_class(this_node) else {
            return members.iter().find(|m| m.class.is_none()).map(|m| m.sdk);
        };
        std::iter::once(class)
            .chain(scopes::superclasses(class, source))
            .find_map(|class| {
                let range = class.byte_range();
                members
                    .iter()
                    .find(|m| m.class.as_ref() == Some(&range))
                    .map(|m| m.sdk)
            })
    }

    /// The SDK of a client type (`TrackClient`, `TrackClient | undefined`, `cio.APIClient`,
    /// `AnalyticsBrowser`), given a `type_annotation` or a type node.
    pub(super) fn annotated_sdk(&self, annotation: Node, source: &str) -> Option<Sdk> {
        match annotation.kind_name() {
            "type_annotation" | "parenthesized_type" => {
                self.annotated_sdk(annotation.named_child(0)?, source)
            }
            // `TrackClient | undefined`: any client member decides.
            "union_type" => {
                let mut cursor = annotation.walk();
                let found = annotation
                    .named_children(&mut cursor)
                    .find_map(|member| self.annotated_sdk(member, source));
                found
            }
            "type_identifier" => match self.constructors.get(text(annotation, source))? {
                Constructs::Class(sdk) | Constructs::Loader(sdk) => Some(*sdk),
                Constructs::Factory(_) | Constructs::Namespace => None,
            },
            "nested_type_identifier" => {
                let module = annotation.field("module")?;
                let name = annotation.field("name")?;
                self.namespace_class(module, name, source)
            }
            _ => None,
        }
    }

    fn global(&self, name: &str) -> Option<Sdk> {
        if self.shadowed_globals.iter().any(|g| g == name) {
            return None;
        }
        match name {
            "_cio" => Some(Sdk::Snippet),
            "cioanalytics" => Some(Sdk::CdpBrowser),
            _ => None,
        }
    }
}

/// A scope below module level where a name is declared again, and what it holds there
/// (`None`: not a client).
#[derive(Debug, Clone)]
struct Shadow {
    scope: Range<usize>,
    sdk: Option<Sdk>,
}

/// The innermost of `shadows` whose scope holds `use_site`.
fn innermost_shadow(shadows: &[Shadow], use_site: Range<usize>) -> Option<&Shadow> {
    shadows
        .iter()
        .filter(|s| s.scope.start <= use_site.start && use_site.end <= s.scope.end)
        .min_by_key(|s| s.scope.len())
}

/// Resolutions of the tree being analysed on this thread, for one set of bindings: rules ask
/// about the same receivers many times. Keyed by the tree's indexing ([`syntax::index_tree`])
/// and the bindings' id, and emptied whenever either changes, so it never answers for a node
/// of another tree.
#[derive(Default)]
struct ResolutionMemo {
    key: (u64, u64),
    resolved: FxHashMap<usize, Option<Sdk>>,
    /// By top-level statement (node id) and name.
    shadows: FxHashMap<(usize, String), Rc<[Shadow]>>,
}

impl ResolutionMemo {
    fn switch_to(&mut self, key: (u64, u64)) {
        if self.key != key {
            self.key = key;
            self.resolved.clear();
            self.shadows.clear();
        }
    }

    fn resolved(&mut self, key: (u64, u64), node: usize) -> Option<Option<Sdk>> {
        self.switch_to(key);
        self.resolved.get(&node).copied()
    }

    fn remember_resolved(&mut self, key: (u64, u64), node: usize, sdk: Option<Sdk>) {
        self.switch_to(key);
        self.resolved.insert(node, sdk);
    }

    fn shadows(&mut self, key: (u64, u64), statement: usize, name: &str) -> Option<Rc<[Shadow]>> {
        self.switch_to(key);
        self.shadows.get(&(statement, name.to_string())).cloned()
    }

    fn remember_shadows(
        &mut self,
        key: (u64, u64),
        statement: usize,
        name: &str,
        shadows: Rc<[Shadow]>,
    ) {
        self.switch_to(key);
        self.shadows.insert((statement, name.to_string()), shadows);
    }
}

thread_local! {
    static MEMO: RefCell<ResolutionMemo> = RefCell::new(ResolutionMemo::default());
    /// How many resolutions are in progress on this thread (see [`MAX_RESOLUTION_DEPTH`]).
    static DEPTH: std::cell::Cell<usize> = const { std::cell::Cell::new(0) };
}

/// How long a chain of names (`const a = b`, `const b = getClient()`) resolution follows.
const MAX_RESOLUTION_DEPTH: usize = 8;

/// How many nodes of one value [`Bindings::value_sdk`] looks at (`a || b || c …`).
const MAX_VALUE_NODES: usize = 16;
