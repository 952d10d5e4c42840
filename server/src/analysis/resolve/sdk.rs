//! The Customer.io SDKs: which clients there are, the packages and browser globals that make
//! them (catalog, "SDK shapes to recognise"), and the names and packages the configuration
//! adds ([`ClientConfig`]).

use std::collections::HashMap;

use serde::{Deserialize, Serialize};

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
    /// `customerio-reactnative` ≥ 4 `CustomerIO` (object form: `identify({ userId, traits })`).
    ReactNative,
    /// `customerio-reactnative` < 4 `CustomerIO` (positional: `identify(id, attributes)`),
    /// chosen when the nearest package.json allows only versions below 4. It sends to the
    /// Track API, not through CDP: Unix seconds, the classic event name style.
    ReactNativeLegacy,
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
            "react-native" => matches!(self, Sdk::ReactNative | Sdk::ReactNativeLegacy),
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
            Sdk::ReactNativeLegacy => "customerio-reactnative < 4 CustomerIO",
        }
    }
}

/// Text whose presence makes a file worth parsing: package names and globals, and the hosts'
/// domain (a direct HTTP request to `track.customer.io`). A file without any of these (nor an
/// import of a workspace module that exports a client) cannot hold a Customer.io call.
/// Customer.io's webhook signature headers count too: a hand-made signature check need not
/// name any package (CIO019).
pub const PREFILTER_TOKENS: &[&str] = &[
    "customerio",
    "_cio",
    "cioanalytics",
    "CustomerIO",
    "customer.io",
    "x-cio-signature",
    "X-CIO-Signature",
    "X-Cio-Signature",
    "X-CIO-SIGNATURE",
];

/// The Customer.io packages whose clients we recognise (also the values a configured wrapper
/// package may re-export, `[clients] packages` in `cio-lsp.toml`).
pub const CUSTOMERIO_PACKAGES: &[&str] = &[
    "customerio-node",
    "@customerio/cdp-analytics-node",
    "@customerio/cdp-analytics-browser",
    "customerio-reactnative",
];

/// The package a module specifier names, if it is a Customer.io one.
pub fn customerio_package(specifier: &str) -> Option<&'static str> {
    let bare = bare_specifier(specifier);
    let specifier = bare.as_ref();
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

/// CDNs that serve npm packages by URL (Deno and browser imports).
const PACKAGE_CDNS: &[&str] = &[
    "https://esm.sh/",
    "https://cdn.skypack.dev/",
    "https://esm.run/",
    "https://jspm.dev/",
    "https://cdn.jsdelivr.net/npm/",
    "https://unpkg.com/",
];

/// A package specifier as npm spells it: Deno's `npm:customerio-node@4`, a CDN URL
/// (`https://esm.sh/customerio-node@4.1.0?target=deno`) → `customerio-node`, with any sub-path
/// kept (`npm:customerio-node@4/dist/x` → `customerio-node/dist/x`).
pub fn bare_specifier(specifier: &str) -> std::borrow::Cow<'_, str> {
    let rest = specifier.strip_prefix("npm:").or_else(|| {
        PACKAGE_CDNS
            .iter()
            .find_map(|cdn| specifier.strip_prefix(cdn))
    });
    let Some(rest) = rest else {
        return std::borrow::Cow::Borrowed(specifier);
    };
    let rest = rest.split(['?', '#']).next().unwrap_or(rest);
    // The version follows an `@` that is not the scope's.
    let Some(at) = rest[1.min(rest.len())..].find('@').map(|i| i + 1) else {
        return std::borrow::Cow::Owned(rest.to_string());
    };
    let after = &rest[at..];
    let sub_path = after.find('/').map_or("", |slash| &after[slash..]);
    std::borrow::Cow::Owned(format!("{}{sub_path}", &rest[..at]))
}

/// The browser global `name` holds a client of, when it is one (`_cio`, `cioanalytics`).
pub fn global_sdk(name: &str) -> Option<Sdk> {
    match name {
        "_cio" => Some(Sdk::Snippet),
        "cioanalytics" => Some(Sdk::CdpBrowser),
        _ => None,
    }
}

/// The clients and packages that the configuration adds to those recognised by default
/// (`[clients]` in `cio-lsp.toml`, editor settings): plain data, handed down by the facade's
/// `Settings`.
#[derive(Debug, Clone, Copy)]
pub struct ClientConfig<'a> {
    /// Extra names (`analytics`, `this.customerio`) to treat as clients of an SDK.
    pub extra_clients: &'a HashMap<String, Sdk>,
    /// Wrapper packages (`@acme/customerio`) → the Customer.io package they re-export.
    pub extra_packages: &'a HashMap<String, &'static str>,
    /// The file runs against `customerio-reactnative` < 4, whose `CustomerIO` takes
    /// positional arguments ([`Sdk::ReactNativeLegacy`]).
    pub react_native_positional: bool,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn deno_and_cdn_specifiers_name_their_package() {
        assert_eq!(
            customerio_package("npm:customerio-node@4"),
            Some("customerio-node")
        );
        assert_eq!(
            customerio_package("https://esm.sh/customerio-node@4.1.0?target=deno"),
            Some("customerio-node")
        );
        assert_eq!(
            customerio_package("npm:@customerio/cdp-analytics-node@0.2.0"),
            Some("@customerio/cdp-analytics-node")
        );
        assert_eq!(
            bare_specifier("npm:customerio-node@4/dist/x"),
            "customerio-node/dist/x"
        );
        assert_eq!(customerio_package("npm:other"), None);
        assert_eq!(
            customerio_package("customerio-node"),
            Some("customerio-node")
        );
    }
}
