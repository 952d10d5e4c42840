//! What configuration looks like as written: `cio-lsp.toml` ([`ConfigFile`]) and the editor's
//! settings ([`ConfigOverrides`]), with the values they accept.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer};
use toml::Spanned;

use crate::analysis::resolve::{Sdk, CUSTOMERIO_PACKAGES};
use crate::analysis::rules::finding::Severity;
use crate::analysis::rules::options::{EventNameStyle, RuleLevel};

/// The configuration file's name.
pub const FILE_NAME: &str = "cio-lsp.toml";

/// The SDK family words accepted as values of `[clients] names` (see [`Sdk::from_family`]).
pub const CLIENT_FAMILIES: &[&str] = &[
    "track",
    "app",
    "pipelines",
    "legacy",
    "snippet",
    "cdp-node",
    "cdp-browser",
    "react-native",
];

/// The file as written: one field per TOML key. Unknown keys are errors.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ConfigFile {
    /// `[rules] CIO010 = "off"`: per-rule levels, by rule id.
    #[serde(default)]
    pub rules: BTreeMap<Spanned<String>, Level>,
    /// `event_name_style = "snake_case"`: the naming style CIO010 enforces.
    #[serde(default)]
    pub event_name_style: Option<EventNameStyle>,
    /// `[clients]`: more names and packages to treat as Customer.io.
    #[serde(default)]
    pub clients: ClientsTable,
    /// `ignore = ["generated/**"]`: globs of paths not to check, relative to the file. `None`
    /// when not written (a file that `extends` another then keeps that one's).
    #[serde(default)]
    pub ignore: Option<Vec<Spanned<String>>>,
    /// `rule_dirs = ["cio-rules"]`: directories of user rules, relative to the file. `None`
    /// when not written, as `ignore`.
    #[serde(default)]
    pub rule_dirs: Option<Vec<Spanned<String>>>,
    /// `extends = "../cio-lsp.toml"`: a configuration whose settings this one starts from
    /// (its keys override them), relative to this file. Without it a file stands alone.
    #[serde(default)]
    pub extends: Option<Spanned<String>>,
    /// `root = true`: the directory of this file is a unit of its own for the workspace rules
    /// (a package that talks to another Customer.io workspace than the rest of the repository).
    #[serde(default)]
    pub root: bool,
    /// `query_budget_ms = 500`: the time the rules' queries may take per file.
    #[serde(default)]
    pub query_budget_ms: Option<Spanned<u64>>,
}

/// `[clients]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(deny_unknown_fields)]
pub struct ClientsTable {
    /// `names = { analytics = "cdp-node", "this.customerio" = "track" }`: names that hold a
    /// client (an identifier or a member path), with the SDK family of the client.
    #[serde(default)]
    pub names: BTreeMap<Spanned<String>, ClientFamily>,
    /// `packages = { "@acme/customerio" = "customerio-node" }`: import sources that re-export a
    /// Customer.io package under its own export names.
    #[serde(default)]
    pub packages: BTreeMap<Spanned<String>, WrappedPackage>,
}

/// A rule level as written in the file: `off`, `info`, `warning` or `error`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Level {
    Off,
    Info,
    Warning,
    Error,
}

impl Level {
    pub const ALL: [Level; 4] = [Level::Off, Level::Info, Level::Warning, Level::Error];

    pub fn as_str(self) -> &'static str {
        match self {
            Level::Off => "off",
            Level::Info => "info",
            Level::Warning => "warning",
            Level::Error => "error",
        }
    }

    pub fn parse(word: &str) -> Option<Level> {
        Level::ALL.into_iter().find(|level| level.as_str() == word)
    }

    pub fn rule_level(self) -> RuleLevel {
        match self {
            Level::Off => RuleLevel::Off,
            Level::Info => RuleLevel::On(Severity::Info),
            Level::Warning => RuleLevel::On(Severity::Warning),
            Level::Error => RuleLevel::On(Severity::Error),
        }
    }
}

impl<'de> Deserialize<'de> for Level {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        Level::parse(&word).ok_or_else(|| {
            let names: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
            serde::de::Error::custom(format!(
                "unknown level `{word}`, expected one of {}",
                quoted_list(&names)
            ))
        })
    }
}

/// An SDK family word (`track`, `cdp-node`, …) naming the SDK of an extra client.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct ClientFamily(pub Sdk);

impl<'de> Deserialize<'de> for ClientFamily {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let word = String::deserialize(deserializer)?;
        Sdk::from_family(&word).map(ClientFamily).ok_or_else(|| {
            serde::de::Error::custom(format!(
                "unknown SDK family `{word}`, expected one of {}",
                quoted_list(CLIENT_FAMILIES)
            ))
        })
    }
}

/// The Customer.io package that a wrapper package re-exports.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct WrappedPackage(pub &'static str);

impl<'de> Deserialize<'de> for WrappedPackage {
    fn deserialize<D: Deserializer<'de>>(deserializer: D) -> Result<Self, D::Error> {
        let name = String::deserialize(deserializer)?;
        CUSTOMERIO_PACKAGES
            .iter()
            .find(|package| **package == name)
            .map(|package| WrappedPackage(package))
            .ok_or_else(|| {
                serde::de::Error::custom(format!(
                    "`{name}` is not a Customer.io package, expected one of {}",
                    quoted_list(CUSTOMERIO_PACKAGES)
                ))
            })
    }
}

pub(super) fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// Editor settings (`initializationOptions`, `didChangeConfiguration`), which override the file.
/// Deserialised from `{ "rules": { "CIO010": "off" }, "eventNameStyle": "camelCase",
/// "clients": { "names": {…}, "packages": {…} } }`; other keys are ignored (editors send more).
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(rename_all = "camelCase", default)]
pub struct ConfigOverrides {
    pub rules: BTreeMap<String, Level>,
    pub event_name_style: Option<EventNameStyle>,
    pub clients: ClientOverrides,
}

/// `clients` in editor settings: the same shape as the file's `[clients]`.
#[derive(Debug, Clone, Default, Deserialize)]
#[serde(default)]
pub struct ClientOverrides {
    pub names: BTreeMap<String, String>,
    pub packages: BTreeMap<String, String>,
}
