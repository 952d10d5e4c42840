//! What one file contributes to cross-file analysis ([`FileFacts`]): the clients and the
//! function summaries it exports, its re-exports, and the facts behind the workspace rules (constructions, event
//! names, bounce handling). An unopened file costs its facts, never a tree.

use serde::Serialize;

use crate::analysis::resolve::modules::{ExportName, ReExport};
use crate::analysis::resolve::sdk::Sdk;
use crate::analysis::resolve::summaries::FunctionSummary;
use crate::analysis::resolve::values::value::{ExportedFunction, ExportedValue};
use crate::analysis::syntax::Location;

/// A client construction site (`new TrackClient(…)`), for CIO008 and CIO016.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Construction {
    pub location: Location,
    pub sdk: Sdk,
    /// The region argument, when one is given: its location and the region's name
    /// (`RegionUS`, `RegionEU`), or the expression's own text when the region is only known at
    /// run time (`config.region`, an options variable). `None`: omitted, the SDK's default.
    pub region: Option<(Location, String)>,
}

/// A literal event name and where it is used, for CIO010's related spellings.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct EventNameUse {
    pub name: String,
    pub location: Location,
    /// The SDK of the call, which decides the styles accepted for the name.
    pub sdk: Sdk,
}

/// Which API a key is given to (CIO001: one key for both APIs).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize)]
pub enum KeyApi {
    /// The Track API: the key of a `TrackClient` (or the legacy client).
    Track,
    /// The App API: the key of an `APIClient`.
    App,
}

/// What a key is read from, as far as two uses of it can be told to be the same key.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize)]
pub enum KeySource {
    /// An environment (or configuration service) name: the same name anywhere in a package is
    /// the same key.
    Env(String),
    /// An expression of this file that the value comes from and that the value service could
    /// not follow further (`getSecret("cio")`, a parameter): the same one within the file is
    /// the same key.
    Here(std::ops::Range<usize>),
}

/// A key given to a Track or App client, for CIO001's "one key for both APIs".
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct KeyUse {
    pub api: KeyApi,
    pub source: KeySource,
    /// The key expression.
    pub location: Location,
    /// The key expression's text, as messages show it.
    pub text: String,
}

/// What one file contributes to the workspace.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct FileFacts {
    pub exports: Vec<(ExportName, Sdk)>,
    /// `export { cio } from "./client"`, `export * from "./client"`.
    pub reexports: Vec<ReExport>,
    /// What the functions it exports do with Customer.io: factories, functions whose
    /// promise waits on a Customer.io call, wrappers.
    pub functions: Vec<(ExportName, FunctionSummary)>,
    pub constructions: Vec<Construction>,
    /// The file calls `suppress(` on a customerio-node client.
    pub calls_suppress: bool,
    /// The file handles a bounce webhook (`email_bounced`, `"bounced"` metrics).
    pub handles_bounce: bool,
    /// The file verifies Customer.io's webhooks with `verifyRequestSignature` and reads their
    /// `metric`: with customerio-node ≥ 5.2, a reporting webhook handler (CIO008).
    pub verifies_metric_webhooks: bool,
    pub event_names: Vec<EventNameUse>,
    /// Exported constants and config object properties with (partly) known string values.
    pub exported_values: Vec<ExportedValue>,
    /// Exported functions that return one of their parameters (string normalisers).
    pub exported_functions: Vec<ExportedFunction>,
    /// Keys given to Track and App clients.
    pub key_uses: Vec<KeyUse>,
}
