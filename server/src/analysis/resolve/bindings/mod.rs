//! Which values in a file are Customer.io clients, and of which SDK.
//!
//! Resolution, strongest first (catalog, "SDK shapes to recognise"): bindings initialised from
//! a constructor or factory imported from a Customer.io package (ESM, `require`, renamed,
//! destructured, class fields); bindings imported from another workspace file that exports a
//! client; the browser globals; names listed in the configuration.
//!
//! This is scope logic that a query cannot express, so it is Rust: a walk over the top-level
//! statements for imports (`imports`) and exports (`exports`), then a text search for each
//! constructor name whose hits are looked up in the tree (`constructions`). It never walks
//! the whole tree. What a receiver denotes at a use site is answered by `resolution`.

use std::collections::HashMap;
use std::ops::Range;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::Arc;

use tree_sitter::{Node, Tree};

use crate::analysis::resolve::http;
use crate::analysis::resolve::modules::{ExportName, ModuleImport, ReExport};
use crate::analysis::resolve::sdk::{ClientConfig, Sdk};
use crate::analysis::resolve::summaries::{FunctionSummary, ReturnedClient};
use crate::analysis::resolve::workspace::view::{ExportLookup, ImportedExport};
use crate::analysis::syntax;

mod constructions;
mod exports;
mod functions;
mod imports;
mod resolution;

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
    /// Clients assigned to a plain name after its declaration (`cio = new TrackClient()`,
    /// `client ??= …`), with where: a local declared without a client (`let cio;`) holds one
    /// when its block assigns it.
    assigned: Vec<(String, Range<usize>, Sdk)>,
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
    /// What the functions this file declares or imports do with Customer.io, by local name
    /// (see [`crate::analysis::resolve::summaries`]).
    functions: HashMap<String, Arc<FunctionSummary>>,
    /// Functions found to return a client, before they are summarised.
    returned: Vec<(String, ReturnedClient)>,
    /// Names declared in this file that shadow a browser global (`const _cio = …`).
    shadowed_globals: Vec<String>,
    /// Whether the file imports or requires `customerio-node` in the v1–v2 default-export way.
    pub legacy_import: Option<Range<usize>>,
    /// Names the configuration declares as clients.
    extra_clients: HashMap<String, Sdk>,
    /// Wrapper packages the configuration declares as re-exporting a Customer.io package.
    extra_packages: HashMap<String, &'static str>,
    /// Whether the file names a Customer.io host, so that it may make direct HTTP requests to
    /// the Track API.
    direct_requests: bool,
    /// `customerio-reactnative`'s `CustomerIO` is the < 4 client (see [`ClientConfig`]).
    react_native_positional: bool,
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

impl Bindings {
    /// Resolves the clients of one parsed file.
    pub fn collect(
        tree: &Tree,
        source: &str,
        workspace: &dyn ExportLookup,
        extra_clients: &HashMap<String, Sdk>,
    ) -> Bindings {
        let no_packages = HashMap::new();
        let clients = ClientConfig {
            extra_clients,
            extra_packages: &no_packages,
            react_native_positional: false,
        };
        Self::collect_configured(tree, source, workspace, clients)
    }

    /// Like [`Bindings::collect`], with all of the configuration: its clients and its wrapper
    /// packages (`extra_packages`: import source → the Customer.io package it re-exports),
    /// treated as that package.
    pub fn collect_configured(
        tree: &Tree,
        source: &str,
        workspace: &dyn ExportLookup,
        clients: ClientConfig,
    ) -> Bindings {
        let _indexed = syntax::index_tree(tree);
        static IDS: AtomicU64 = AtomicU64::new(1);
        let mut bindings = Bindings {
            id: IDS.fetch_add(1, Ordering::Relaxed),
            extra_clients: clients.extra_clients.clone(),
            extra_packages: clients.extra_packages.clone(),
            direct_requests: syntax::mentions(source, http::HOST_TOKEN),
            react_native_positional: clients.react_native_positional,
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
        bindings.nested_module_loads(root, source, workspace);
        bindings.find_constructions(root, source);
        bindings.summarise_functions(root, source);
        for (export, local) in &pending_exports {
            if let Some(binding) = bindings.clients.get(local) {
                bindings.exports.push((export.clone(), binding.sdk));
            }
        }
        // By local name, for `exports_of` (a stable sort keeps each name's exports in order).
        pending_exports.sort_by(|a, b| a.1.cmp(&b.1));
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
            && self.direct_requests == other.direct_requests
            && self.same_functions(other)
    }

    /// Names bound to clients, for text search by the rules' range selection.
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

    /// Whether calls of HTTP clients in this file may be requests to the Track API (the file
    /// names a Customer.io host).
    pub fn makes_direct_requests(&self) -> bool {
        self.direct_requests
    }

    /// The names of the HTTP clients whose calls may be requests to the Track API, for the
    /// rules' range selection.
    pub fn http_client_names(&self) -> &'static [&'static str] {
        if self.direct_requests {
            http::CLIENT_NAMES
        } else {
            &[]
        }
    }

    /// The names under which this file exports its local `name`.
    pub fn exports_of<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a ExportName> + 'a {
        let first = self
            .exported_locals
            .partition_point(|(_, local)| local.as_str() < name);
        self.exported_locals[first..]
            .iter()
            .take_while(move |(_, local)| local == name)
            .map(|(export, _)| export)
    }

    /// Every name this file exports, with the local name it exports.
    pub fn exported_locals(&self) -> &[(ExportName, String)] {
        &self.exported_locals
    }

    /// Tells these bindings apart from others in memos keyed by them (the value service's).
    pub fn memo_id(&self) -> u64 {
        self.id
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

    fn bind(&mut self, name: &str, sdk: Sdk, construction: Option<Range<usize>>) {
        self.clients
            .entry(name.to_string())
            .or_insert(ClientBinding { sdk, construction });
    }

    fn bind_member(&mut self, name: String, sdk: Sdk, class: Option<Node>) {
        let class = class.map(|c| c.byte_range());
        let members = self.members.entry(name).or_default();
        if !members.iter().any(|m| m.class == class) {
            members.push(MemberBinding { sdk, class });
        }
    }
}
