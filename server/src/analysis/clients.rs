//! Which values in a file are Customer.io clients, and of which SDK.
//!
//! Resolution, strongest first (catalog, "SDK shapes to recognise"): bindings initialised from
//! a constructor or factory imported from a Customer.io package (ESM, `require`, renamed,
//! destructured, class fields); bindings imported from another workspace file that exports a
//! client; the browser globals; names listed in the configuration.
//!
//! This is scope logic that a query cannot express, so it is Rust: a walk over the top-level
//! statements for imports and exports, then a text search for each constructor name whose hits
//! are looked up in the tree. It never walks the whole tree.

use crate::analysis::syntax::KindExt;
use std::cell::RefCell;
use std::collections::HashMap;
use std::ops::Range;
use std::rc::Rc;
use std::sync::atomic::{AtomicU64, Ordering};

use rustc_hash::FxHashMap;
use serde::{Deserialize, Serialize};
use tree_sitter::{Node, Tree};

use super::scopes::{self, Declaration, DeclarationKind};
use super::syntax::{
    self, function_name, named_child_of_kind, require_specifier, text, unwrap_expression,
    word_occurrences, FieldExt,
};
use super::workspace::AwaitingHelper;

/// The Customer.io SDK a client belongs to.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
#[serde(rename_all = "kebab-case")]
pub enum Sdk {
    /// `customerio-node` `TrackClient`.
    NodeTrack,
    /// `customerio-node` `APIClient` (App API).
    NodeApp,
    /// `customerio-node` ≥ 5 `PipelinesClient`.
    NodePipelines,
    /// `customerio-node` v1–v2 default export `new CIO(siteId, key)` (a Track client).
    NodeLegacy,
    /// The browser snippet's `_cio` global.
    Snippet,
    /// `@customerio/cdp-analytics-node` `Analytics`.
    CdpNode,
    /// `@customerio/cdp-analytics-browser` `AnalyticsBrowser.load()` / `cioanalytics`.
    CdpBrowser,
    /// `customerio-reactnative` `CustomerIO`.
    ReactNative,
}

impl Sdk {
    /// Clients of the `customerio-node` package (Track, App, Pipelines and legacy).
    pub fn is_customerio_node(self) -> bool {
        matches!(
            self,
            Sdk::NodeTrack | Sdk::NodeApp | Sdk::NodePipelines | Sdk::NodeLegacy
        )
    }

    /// Clients whose calls take the Track API's `(id, attributes)` shapes.
    pub fn is_track_api(self) -> bool {
        matches!(self, Sdk::NodeTrack | Sdk::NodeLegacy)
    }

    /// Segment-compatible libraries: `Date` objects and ISO strings are valid timestamps.
    pub fn is_cdp(self) -> bool {
        matches!(
            self,
            Sdk::NodePipelines | Sdk::CdpNode | Sdk::CdpBrowser | Sdk::ReactNative
        )
    }

    /// Whether this SDK's calls return promises that can reject.
    pub fn returns_promise(self) -> bool {
        self.is_customerio_node()
    }

    /// Whether `family`, a word used in `.scm` predicates, names this SDK.
    ///
    /// Families: `any`, `node` (all of customerio-node), `track` (Track API clients), `app`,
    /// `pipelines`, `legacy`, `snippet`, `cdp` (Segment-compatible), `cdp-node`, `cdp-browser`,
    /// `react-native`.
    pub fn in_family(self, family: &str) -> bool {
        match family {
            "any" => true,
            "node" => self.is_customerio_node(),
            "track" => self.is_track_api(),
            "app" => self == Sdk::NodeApp,
            "pipelines" => self == Sdk::NodePipelines,
            "legacy" => self == Sdk::NodeLegacy,
            "snippet" => self == Sdk::Snippet,
            "cdp" => self.is_cdp(),
            "cdp-node" => self == Sdk::CdpNode,
            "cdp-browser" => self == Sdk::CdpBrowser,
            "react-native" => self == Sdk::ReactNative,
            _ => false,
        }
    }

    pub fn from_family(family: &str) -> Option<Sdk> {
        Some(match family {
            "track" => Sdk::NodeTrack,
            "app" => Sdk::NodeApp,
            "pipelines" => Sdk::NodePipelines,
            "legacy" => Sdk::NodeLegacy,
            "snippet" => Sdk::Snippet,
            "cdp-node" => Sdk::CdpNode,
            "cdp-browser" => Sdk::CdpBrowser,
            "react-native" => Sdk::ReactNative,
            _ => return None,
        })
    }

    pub fn describe(self) -> &'static str {
        match self {
            Sdk::NodeTrack => "customerio-node TrackClient",
            Sdk::NodeApp => "customerio-node APIClient",
            Sdk::NodePipelines => "customerio-node PipelinesClient",
            Sdk::NodeLegacy => "customerio-node legacy client",
            Sdk::Snippet => "Customer.io browser snippet (_cio)",
            Sdk::CdpNode => "@customerio/cdp-analytics-node Analytics",
            Sdk::CdpBrowser => "@customerio/cdp-analytics-browser",
            Sdk::ReactNative => "customerio-reactnative CustomerIO",
        }
    }
}

/// Text whose presence makes a file worth parsing: package names and globals. A file without
/// any of these (nor an import of a workspace module that exports a client) cannot hold a
/// Customer.io call.
pub const PREFILTER_TOKENS: &[&str] = &["customerio", "_cio", "cioanalytics", "CustomerIO"];

/// What a binding holds.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Constructs {
    /// `new Name(...)` makes a client.
    Class(Sdk),
    /// `Name.load(...)` makes a client (CDP browser `AnalyticsBrowser`).
    Loader(Sdk),
    /// `name(...)` makes a client (a local factory function such as `getClient()`).
    Factory(Sdk),
    /// `Name.TrackClient` etc. are constructors (`import * as cio from "customerio-node"`);
    /// for customerio-node a namespace from `require` is also the legacy constructor.
    Namespace,
}

/// How a module names what it exports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum ExportName {
    Default,
    Named(String),
}

/// What a module passes on from another workspace module: `export { cio } from "./client"`,
/// `export * from "./client"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReExport {
    /// `export { imported as exported } from "specifier"`.
    Named {
        exported: ExportName,
        imported: ExportName,
        specifier: String,
    },
    /// `export * from "specifier"`: every named export, never the default one.
    All { specifier: String },
}

impl ReExport {
    /// The module and export name that this module's export `name` stands for, if this
    /// re-export provides it.
    pub fn source_of(&self, name: &ExportName) -> Option<(&str, ExportName)> {
        match self {
            ReExport::Named {
                exported,
                imported,
                specifier,
            } => (exported == name).then(|| (specifier.as_str(), imported.clone())),
            ReExport::All { specifier } => {
                matches!(name, ExportName::Named(_)).then(|| (specifier.as_str(), name.clone()))
            }
        }
    }

    pub fn specifier(&self) -> &str {
        match self {
            ReExport::Named { specifier, .. } | ReExport::All { specifier } => specifier,
        }
    }
}

/// `import { cio } from "./lib/customerio"` and friends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleImport {
    pub local: String,
    pub imported: ExportName,
    pub specifier: String,
}

/// A client bound to a name in this file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ClientBinding {
    pub sdk: Sdk,
    /// Where it was constructed, when it was constructed in this file.
    pub construction: Option<Range<usize>>,
}

/// A client stored in `this.x`.
#[derive(Debug, Clone, PartialEq, Eq)]
struct MemberBinding {
    sdk: Sdk,
    /// The class whose instances hold it; `None` for a `this` outside any class (an old-style
    /// constructor function), which only uses outside classes see.
    class: Option<Range<usize>>,
}

/// Answers questions about other files of the workspace.
pub trait ExportLookup {
    /// The SDK of the client that module `specifier`, imported from this file, exports as `name`.
    fn exported_client(&self, specifier: &str, name: &ExportName) -> Option<Sdk>;

    /// The function that module `specifier` exports as `name`, when it awaits a Customer.io
    /// call (CIO007 across files).
    fn awaiting_helper(&self, _specifier: &str, _name: &ExportName) -> Option<AwaitingHelper> {
        None
    }

    /// Both answers about export `name` of module `specifier`: what [`Bindings`] asks for each
    /// import of a workspace module. Implementations that resolve the module override it to
    /// resolve it once.
    fn imported_export(&self, specifier: &str, name: &ExportName) -> ImportedExport {
        ImportedExport {
            client: self.exported_client(specifier, name),
            awaiting_helper: self.awaiting_helper(specifier, name),
        }
    }
}

/// What the workspace says about one imported name (see [`ExportLookup::imported_export`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedExport {
    pub client: Option<Sdk>,
    pub awaiting_helper: Option<AwaitingHelper>,
}

/// No workspace: single-file analysis.
pub struct NoWorkspace;

impl ExportLookup for NoWorkspace {
    fn exported_client(&self, _: &str, _: &ExportName) -> Option<Sdk> {
        None
    }
}

/// The client facts of one file.
#[derive(Debug, Default, Clone)]
pub struct Bindings {
    /// Tells these bindings apart from any others in the resolution memo (0: never memoised).
    id: u64,
    /// Binding name (`cio`) → client.
    clients: HashMap<String, ClientBinding>,
    /// `this.x` → the clients stored there, each with the class that stores it.
    members: HashMap<String, Vec<MemberBinding>>,
    /// Names of parameters typed as a client (`function send(cio: TrackClient)`): resolved at
    /// each use from the parameter's type, listed here for the range selection.
    typed_parameters: Vec<String>,
    constructors: HashMap<String, Constructs>,
    /// Every `new`/factory site that makes a client, with its SDK.
    pub constructions: Vec<(Range<usize>, Sdk)>,
    /// What this file exports that is a client.
    pub exports: Vec<(ExportName, Sdk)>,
    /// Imports of other workspace modules (relative or aliased specifiers).
    pub module_imports: Vec<ModuleImport>,
    /// What the workspace answered for each of `module_imports`, in the same order: the only
    /// questions collection asks the workspace (see [`Bindings::still_valid`]).
    import_answers: Vec<ImportedExport>,
    /// What this file re-exports from other workspace modules.
    pub reexports: Vec<ReExport>,
    /// Every name this file exports, with the local name it exports (clients or not).
    exported_locals: Vec<(ExportName, String)>,
    /// Imported functions that await a Customer.io call, by local name.
    awaiting_helpers: HashMap<String, AwaitingHelper>,
    /// Names declared in this file that shadow a browser global (`const _cio = …`).
    shadowed_globals: Vec<String>,
    /// Whether the file imports or requires `customerio-node` in the v1–v2 default-export way.
    pub legacy_import: Option<Range<usize>>,
    /// Names the configuration declares as clients.
    extra_clients: HashMap<String, Sdk>,
    /// Wrapper packages the configuration declares as re-exporting a Customer.io package.
    extra_packages: HashMap<String, &'static str>,
}

/// The Customer.io packages whose clients we recognise (also the values a configured wrapper
/// package may re-export, `[clients] packages` in `cio-lsp.toml`).
pub const CUSTOMERIO_PACKAGES: &[&str] = &[
    "customerio-node",
    "@customerio/cdp-analytics-node",
    "@customerio/cdp-analytics-browser",
    "customerio-reactnative",
];

/// The package a module specifier names, if it is a Customer.io one.
fn customerio_package(specifier: &str) -> Option<&'static str> {
    if specifier == "customerio-node" || specifier.starts_with("customerio-node/") {
        Some("customerio-node")
    } else if specifier == "@customerio/cdp-analytics-node" {
        Some("@customerio/cdp-analytics-node")
    } else if specifier == "@customerio/cdp-analytics-browser" {
        Some("@customerio/cdp-analytics-browser")
    } else if specifier == "customerio-reactnative" {
        Some("customerio-reactnative")
    } else {
        None
    }
}

/// What a named import of a Customer.io package constructs.
fn named_export(package: &str, name: &str) -> Option<Constructs> {
    Some(match (package, name) {
        ("customerio-node", "TrackClient") => Constructs::Class(Sdk::NodeTrack),
        ("customerio-node", "APIClient") => Constructs::Class(Sdk::NodeApp),
        ("customerio-node", "PipelinesClient") => Constructs::Class(Sdk::NodePipelines),
        ("@customerio/cdp-analytics-node", "Analytics") => Constructs::Class(Sdk::CdpNode),
        ("@customerio/cdp-analytics-browser", "AnalyticsBrowser") => {
            Constructs::Loader(Sdk::CdpBrowser)
        }
        _ => return None,
    })
}

/// Whether a specifier names another workspace module (relative or a common path alias).
pub fn is_workspace_specifier(specifier: &str) -> bool {
    specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier.starts_with("@/")
        || specifier.starts_with("~/")
        || specifier == "."
        || specifier == ".."
}

impl Bindings {
    /// Resolves the clients of one parsed file.
    pub fn collect(
        tree: &Tree,
        source: &str,
        workspace: &dyn ExportLookup,
        extra_clients: &HashMap<String, Sdk>,
    ) -> Bindings {
        Self::collect_configured(tree, source, workspace, extra_clients, &HashMap::new())
    }

    /// Like [`Bindings::collect`], also treating the configured wrapper packages
    /// (`extra_packages`: import source → the Customer.io package it re-exports) as that package.
    pub fn collect_configured(
        tree: &Tree,
        source: &str,
        workspace: &dyn ExportLookup,
        extra_clients: &HashMap<String, Sdk>,
        extra_packages: &HashMap<String, &'static str>,
    ) -> Bindings {
        let _indexed = syntax::index_tree(tree);
        static IDS: AtomicU64 = AtomicU64::new(1);
        let mut bindings = Bindings {
            id: IDS.fetch_add(1, Ordering::Relaxed),
            extra_clients: extra_clients.clone(),
            extra_packages: extra_packages.clone(),
            ..Bindings::default()
        };
        let root = tree.root_node();
        let mut pending_exports: Vec<(ExportName, String)> = Vec::new();
        // From the index: a cursor's walk over a long file's statements costs more than
        // looking at them.
        for statement in syntax::top_level_statements(root) {
            if statement.is_named() {
                bindings.top_level(statement, source, workspace, &mut pending_exports);
            }
        }
        bindings.find_constructions(root, source);
        for (export, local) in &pending_exports {
            if let Some(binding) = bindings.clients.get(local) {
                bindings.exports.push((export.clone(), binding.sdk));
            }
        }
        bindings.exported_locals = pending_exports;
        bindings.exports.sort();
        bindings.exports.dedup();
        bindings
    }

    /// Whether collecting these bindings again from the same tree and settings, against
    /// `workspace`, would give the same bindings. Collection consults the workspace only about
    /// the file's imports of workspace modules, and which questions it asks depends on the
    /// tree alone: when every answer is unchanged, so is everything derived from them. This
    /// lets the project pipeline collect a file's bindings once for all of its passes.
    pub fn still_valid(&self, workspace: &dyn ExportLookup) -> bool {
        self.module_imports
            .iter()
            .zip(&self.import_answers)
            .all(|(import, answer)| {
                workspace.imported_export(&import.specifier, &import.imported) == *answer
            })
    }

    /// The client a receiver expression denotes (`cio`, `this.cio`, `window._cio`,
    /// `new TrackClient(...)`), or `None` when it is not known to be one.
    ///
    /// Several patterns and rules ask about the same receiver, so while the tree is indexed
    /// ([`syntax::index_tree`], as during an analysis) answers are memoised per node.
    pub fn resolve(&self, receiver: Node, source: &str) -> Option<Sdk> {
        let receiver = unwrap_expression(receiver);
        let Some(key) = self.memo_key(receiver) else {
            return self.resolve_uncached(receiver, source);
        };
        if let Some(known) = MEMO.with(|memo| memo.borrow_mut().resolved(key, receiver.id())) {
            return known;
        }
        let sdk = self.resolve_uncached(receiver, source);
        MEMO.with(|memo| memo.borrow_mut().remember_resolved(key, receiver.id(), sdk));
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
                let object = receiver.field("object")?;
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
    /// is a client only when its type says so; a local is not one unless it holds this file's
    /// client construction (`const cio = new TrackClient()` inside a factory).
    fn shadow(&self, declaration: Declaration, name: &str, source: &str) -> Option<Shadow> {
        let sdk = match declaration.kind {
            DeclarationKind::Parameter { type_annotation } => {
                type_annotation.and_then(|t| self.annotated_sdk(t, source))
            }
            // The client's own declaration hides nothing.
            DeclarationKind::Local { declarator } if self.holds_construction(declarator, name) => {
                return None;
            }
            DeclarationKind::Local { .. } | DeclarationKind::Other => None,
        };
        Some(Shadow {
            scope: declaration.scope,
            sdk,
        })
    }

    /// Whether `declarator`'s value holds the construction of the client bound to `name`.
    fn holds_construction(&self, declarator: Node, name: &str) -> bool {
        let construction = self.clients.get(name).and_then(|b| b.construction.as_ref());
        let value = declarator.field("value");
        construction.zip(value).is_some_and(|(made, value)| {
            value.start_byte() <= made.start && made.end <= value.end_byte()
        })
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

    /// Names bound to clients, for text search by the rules' range selection.
    /// Whether `other` resolves the same names to the same clients, ignoring where things
    /// are (byte ranges move with every edit). The language server re-analyses a whole file
    /// when this changes and only the edited functions when it does not.
    pub fn same_resolution(&self, other: &Bindings) -> bool {
        let sdks = |b: &Bindings| {
            let mut clients: Vec<(String, Sdk)> =
                b.clients.iter().map(|(n, c)| (n.clone(), c.sdk)).collect();
            clients.sort();
            clients
        };
        let constructions = |b: &Bindings| b.constructions.iter().map(|c| c.1).collect::<Vec<_>>();
        sdks(self) == sdks(other)
            && self.constructors == other.constructors
            && constructions(self) == constructions(other)
            && self.exports == other.exports
            && self.module_imports == other.module_imports
            && self.shadowed_globals == other.shadowed_globals
            && self.legacy_import.is_some() == other.legacy_import.is_some()
            && self.extra_clients == other.extra_clients
    }

    pub fn client_names(&self) -> impl Iterator<Item = &str> {
        self.clients
            .keys()
            .chain(self.members.keys())
            .chain(self.typed_parameters.iter())
            .map(|name| name.strip_prefix("this.").unwrap_or(name))
            .chain(self.extra_clients.keys().map(String::as_str))
    }

    /// Constructor and factory names, for text search by the rules' range selection.
    pub fn constructor_names(&self) -> impl Iterator<Item = &str> {
        self.constructors.keys().map(String::as_str)
    }

    /// Imported functions that await a Customer.io call, for the rules' range selection.
    pub fn awaiting_helper_names(&self) -> impl Iterator<Item = &str> {
        self.awaiting_helpers.keys().map(String::as_str)
    }

    /// The imported function `name`, when it awaits a Customer.io call.
    pub fn awaiting_helper(&self, name: &str) -> Option<&AwaitingHelper> {
        self.awaiting_helpers.get(name)
    }

    /// The names under which this file exports its local `name`.
    pub fn exports_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ExportName> + 'a {
        self.exported_locals
            .iter()
            .filter(move |(_, local)| local == name)
            .map(|(export, _)| export)
    }

    /// Whether the file mentions any client at all.
    pub fn is_empty(&self) -> bool {
        self.clients.is_empty()
            && self.members.is_empty()
            && self.constructors.is_empty()
            && self.extra_clients.is_empty()
    }

    pub fn binding(&self, name: &str) -> Option<&ClientBinding> {
        self.clients.get(name)
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

    fn top_level(
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
    fn package_of(&self, specifier: &str) -> Option<&'static str> {
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
                self.bind(local, Sdk::ReactNative, None);
            }
            (Some(package), ExportName::Named(name)) => {
                if let Some(constructs) = named_export(package, name) {
                    self.constructors.insert(local.to_string(), constructs);
                }
            }
            (None, _) if is_workspace_specifier(specifier) => {
                let answer = workspace.imported_export(specifier, &imported);
                if let Some(sdk) = answer.client {
                    self.bind(local, sdk, None);
                }
                if let Some(helper) = &answer.awaiting_helper {
                    self.awaiting_helpers
                        .insert(local.to_string(), helper.clone());
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

    fn declaration(
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
        // `require("x").TrackClient` as a value.
        let (call, member) = match value.kind_name() {
            "member_expression" => (
                value.field("object"),
                value.field("property").map(|p| text(p, source)),
            ),
            _ => (Some(value), None),
        };
        let Some(specifier) = call.and_then(|call| require_specifier(call, source)) else {
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

    fn export_statement(
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

    /// `export { cio } from "./client"`, `export * from "./client"` (workspace modules only:
    /// a re-export of a Customer.io package's constructor makes no client).
    fn reexport_statement(&mut self, statement: Node, specifier: &str, source: &str) {
        if !is_workspace_specifier(specifier) {
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
    fn module_exports_assignment(
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

    /// Finds every `new Ctor(...)` and factory call by searching the text for constructor
    /// names, then binds the target each one is assigned to. Factories found on the way
    /// (`function getClient() { return new TrackClient() }`) are searched for in turn.
    fn find_constructions(&mut self, root: Node, source: &str) {
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
        while let Some(parent) = syntax::parent(value) {
            match parent.kind_name() {
                "await_expression"
                | "parenthesized_expression"
                | "as_expression"
                | "satisfies_expression"
                | "non_null_expression" => value = parent,
                // `client ?? new TrackClient()` / `client || new …` inside a lazy getter.
                "binary_expression" => value = parent,
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
                    "identifier" => self.bind(text(left, source), sdk, range),
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
                }
            }
            _ => {}
        }
    }

    fn bind_member(&mut self, name: String, sdk: Sdk, class: Option<Node>) {
        let class = class.map(|c| c.byte_range());
        let members = self.members.entry(name).or_default();
        if !members.iter().any(|m| m.class == class) {
            members.push(MemberBinding { sdk, class });
        }
    }

    /// The client in `this.x` (`name`) as seen from `this_node`: one stored by the class around
    /// it or a class it extends (in this file), or one stored outside any class when the use is
    /// outside any class too.
    fn member_sdk(&self, name: &str, this_node: Node, source: &str) -> Option<Sdk> {
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
    fn annotated_sdk(&self, annotation: Node, source: &str) -> Option<Sdk> {
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

    fn bind(&mut self, name: &str, sdk: Sdk, construction: Option<Range<usize>>) {
        self.clients
            .entry(name.to_string())
            .or_insert(ClientBinding { sdk, construction });
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
fn export_name(name: &str) -> ExportName {
    match name.trim_matches(['"', '\'']) {
        "default" => ExportName::Default,
        name => ExportName::Named(name.to_string()),
    }
}

/// `module.exports` → default, `module.exports.x` / `exports.x` → named `x`.
fn commonjs_export_target(left: Node, source: &str) -> Option<ExportName> {
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

fn global_sdk(name: &str) -> Option<Sdk> {
    match name {
        "_cio" => Some(Sdk::Snippet),
        "cioanalytics" => Some(Sdk::CdpBrowser),
        _ => None,
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
}
