//! `cio-lsp.toml`, the project configuration (documented in `docs/configuration.md`, schema in
//! `schemas/cio-lsp.schema.json`).
//!
//! Precedence, lowest first: built-in defaults ← the file ← editor settings
//! ([`ConfigOverrides`], see [`merge`]). The CLI finds the file by walking up from each checked
//! path ([`find_config`]) unless `--config PATH` names it; the server reads the one at the
//! workspace root. Every mistake in the file is a [`ConfigError`] naming the file, line, column
//! and key, so that the CLI can exit 2 with it and the server can put a diagnostic on it.

use std::collections::{BTreeMap, HashMap};
use std::fmt;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use globset::{GlobBuilder, GlobSet, GlobSetBuilder};
use serde::{Deserialize, Deserializer};
use toml::Spanned;

use super::resolve::CUSTOMERIO_PACKAGES;
use super::syntax::position::{Encoding, LineIndex};
use super::user_rules::UserRules;
use super::{rules, suppress, EventNameStyle, RuleLevel, Sdk, Settings, Severity};

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
    /// `ignore = ["generated/**"]`: globs of paths not to check, relative to the file.
    #[serde(default)]
    pub ignore: Vec<Spanned<String>>,
    /// `rule_dirs = ["cio-rules"]`: directories of user rules, relative to the file.
    #[serde(default)]
    pub rule_dirs: Vec<Spanned<String>>,
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

fn quoted_list(items: &[&str]) -> String {
    items
        .iter()
        .map(|item| format!("`{item}`"))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A mistake in a configuration file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ConfigError {
    pub path: PathBuf,
    /// 1-based line and column (in characters) of the mistake; 0 when it concerns the whole
    /// file (it cannot be read).
    pub line: u32,
    pub column: u32,
    /// The dotted key the mistake is in (`rules.CIO099`, `clients.names.analytics`,
    /// `rule_dirs[0]`), when there is one.
    pub key: Option<String>,
    pub message: String,
    /// Byte range in the file, for an editor diagnostic.
    pub span: Option<Range<usize>>,
}

impl ConfigError {
    fn at(path: &Path, text: &str, span: Option<Range<usize>>, message: String) -> Self {
        let (line, column) = match &span {
            Some(span) => {
                let index = LineIndex::new(text);
                let position = index.position(text, span.start, Encoding::Utf8);
                let line_text = &text[index.line_range(text, position.line as usize)];
                let chars = line_text
                    .get(..position.col as usize)
                    .map_or(0, |prefix| prefix.chars().count());
                (position.line + 1, chars as u32 + 1)
            }
            None => (0, 0),
        };
        ConfigError {
            path: path.to_path_buf(),
            line,
            column,
            key: span.as_ref().and_then(|span| key_at(text, span.start)),
            message,
            span,
        }
    }
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.path.display())?;
        if self.line > 0 {
            write!(f, ":{}:{}", self.line, self.column)?;
        }
        match &self.key {
            Some(key) => write!(f, ": key `{key}`: {}", self.message),
            None => write!(f, ": {}", self.message),
        }
    }
}

impl std::error::Error for ConfigError {}

/// `ignore` globs, matched against paths relative to the configuration file's directory.
#[derive(Debug, Clone, Default)]
pub struct IgnoreGlobs {
    root: PathBuf,
    canonical_root: Option<PathBuf>,
    set: GlobSet,
    pub patterns: Vec<String>,
}

impl IgnoreGlobs {
    /// Compiles `patterns` (gitignore-like: a pattern without `/` matches at any depth; `*`
    /// stays within one path segment, `**` crosses them).
    pub fn new(root: &Path, patterns: &[String]) -> Result<Self, (usize, String)> {
        let mut builder = GlobSetBuilder::new();
        for (i, pattern) in patterns.iter().enumerate() {
            let trimmed = pattern.trim_start_matches("./").trim_end_matches('/');
            let anchored = if trimmed.contains('/') {
                trimmed.trim_start_matches('/').to_string()
            } else {
                format!("**/{trimmed}")
            };
            let glob = GlobBuilder::new(&anchored)
                .literal_separator(true)
                .build()
                .map_err(|error| (i, error.kind().to_string()))?;
            builder.add(glob);
        }
        let set = builder.build().map_err(|error| (0, error.to_string()))?;
        Ok(IgnoreGlobs {
            root: absolute(root),
            canonical_root: root.canonicalize().ok(),
            set,
            patterns: patterns.to_vec(),
        })
    }

    /// Whether `path` (a file or a directory; relative paths are taken from the current
    /// directory) matches an ignore glob.
    pub fn is_ignored(&self, path: &Path) -> bool {
        if self.patterns.is_empty() {
            return false;
        }
        let path = absolute(path);
        let relative = match path.strip_prefix(&self.root) {
            Ok(relative) => relative.to_path_buf(),
            // The same directory reached through a symlink.
            Err(_) => match (&self.canonical_root, path.canonicalize()) {
                (Some(root), Ok(canonical)) => match canonical.strip_prefix(root) {
                    Ok(relative) => relative.to_path_buf(),
                    Err(_) => return false,
                },
                _ => return false,
            },
        };
        let relative = relative.to_string_lossy().replace('\\', "/");
        !relative.is_empty() && self.set.is_match(relative.trim_start_matches("./"))
    }
}

fn absolute(path: &Path) -> PathBuf {
    std::path::absolute(path).unwrap_or_else(|_| path.to_path_buf())
}

/// A loaded, validated configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file.
    pub path: PathBuf,
    /// Its directory: what `ignore` and `rule_dirs` are relative to.
    pub root: PathBuf,
    pub rule_levels: HashMap<String, RuleLevel>,
    pub event_name_style: Option<EventNameStyle>,
    pub extra_clients: HashMap<String, Sdk>,
    pub extra_packages: HashMap<String, &'static str>,
    pub ignore: IgnoreGlobs,
    /// The user rules of `rule_dirs`, compiled. Rules that failed to load are in its `errors`
    /// (not fatal: the other rules still run).
    pub user_rules: Arc<UserRules>,
}

impl Config {
    /// The analysis settings this file asks for (no editor overrides).
    pub fn settings(&self) -> Settings {
        merge(Some(self), &ConfigOverrides::default()).0
    }
}

/// Reads and validates the configuration file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    let text = std::fs::read_to_string(path).map_err(|error| ConfigError {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        key: None,
        message: format!("cannot read the configuration file: {error}"),
        span: None,
    })?;
    parse(path, &text)
}

/// Validates configuration `text` as if read from `path` (an editor buffer, a test).
/// `rule_dirs` and `ignore` are resolved against `path`'s directory; rule directories must lie
/// inside it.
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    let file: ConfigFile = toml::from_str(text)
        .map_err(|error| ConfigError::at(path, text, error.span(), error.message().to_string()))?;
    let error_at =
        |span: Range<usize>, message: String| ConfigError::at(path, text, Some(span), message);
    let root = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };

    let rule_dirs = resolve_rule_dirs(&root, &file.rule_dirs)
        .map_err(|(span, message)| error_at(span, message))?;
    let user_rules = UserRules::load(&rule_dirs);

    let mut rule_levels = HashMap::new();
    for (id, level) in &file.rules {
        if !is_known_rule(id.get_ref(), &user_rules) {
            return Err(error_at(id.span(), unknown_rule_message(id.get_ref())));
        }
        rule_levels.insert(id.get_ref().clone(), level.rule_level());
    }

    let mut extra_clients = HashMap::new();
    for (name, family) in &file.clients.names {
        if !is_client_name(name.get_ref()) {
            return Err(error_at(
                name.span(),
                format!(
                    "`{}` is not a name or member path such as `analytics` or `this.customerio`",
                    name.get_ref()
                ),
            ));
        }
        extra_clients.insert(name.get_ref().clone(), family.0);
    }

    let mut extra_packages = HashMap::new();
    for (package, wrapped) in &file.clients.packages {
        let name = package.get_ref();
        if name.is_empty() || name.contains(char::is_whitespace) {
            return Err(error_at(
                package.span(),
                format!("`{name}` is not a package name"),
            ));
        }
        extra_packages.insert(name.clone(), wrapped.0);
    }

    let patterns: Vec<String> = file.ignore.iter().map(|p| p.get_ref().clone()).collect();
    let ignore = IgnoreGlobs::new(&root, &patterns).map_err(|(i, message)| {
        let span = file.ignore.get(i).map_or(0..0, |p| p.span());
        error_at(span, format!("invalid glob: {message}"))
    })?;

    Ok(Config {
        path: path.to_path_buf(),
        root,
        rule_levels,
        event_name_style: file.event_name_style,
        extra_clients,
        extra_packages,
        ignore,
        user_rules: Arc::new(user_rules),
    })
}

/// `rule_dirs` as directories, refusing ones that do not exist or lie outside `root` (a
/// configuration must not make the server run queries from anywhere on the machine).
fn resolve_rule_dirs(
    root: &Path,
    dirs: &[Spanned<String>],
) -> Result<Vec<PathBuf>, (Range<usize>, String)> {
    let canonical_root = root
        .canonicalize()
        .map_err(|error| (0..0, format!("cannot resolve {}: {error}", root.display())))?;
    dirs.iter()
        .map(|dir| {
            let joined = root.join(dir.get_ref());
            let canonical = joined.canonicalize().map_err(|error| {
                (
                    dir.span(),
                    format!("rule directory `{}`: {error}", dir.get_ref()),
                )
            })?;
            if !canonical.starts_with(&canonical_root) {
                return Err((
                    dir.span(),
                    format!(
                        "rule directory `{}` is outside the workspace root; rule directories must be inside the directory of {FILE_NAME}",
                        dir.get_ref()
                    ),
                ));
            }
            if !canonical.is_dir() {
                return Err((
                    dir.span(),
                    format!("rule directory `{}` is not a directory", dir.get_ref()),
                ));
            }
            Ok(canonical)
        })
        .collect()
}

/// Built-in rule ids, `unused-suppression` and the ids of the loaded user rules.
fn is_known_rule(id: &str, user_rules: &UserRules) -> bool {
    rules::RULES.iter().any(|rule| rule.id == id)
        || id == suppress::UNUSED_SUPPRESSION
        || user_rules.find(id).is_some()
}

fn unknown_rule_message(id: &str) -> String {
    let hint = rules::find(id)
        .map(|rule| format!(" (did you mean `{}`?)", rule.id))
        .unwrap_or_default();
    format!("unknown rule id `{id}`{hint}; `cio-lsp rules` lists the rule ids")
}

/// `analytics`, `this.customerio`, `deps.cio`: identifiers joined by dots.
fn is_client_name(name: &str) -> bool {
    !name.is_empty()
        && name.split('.').all(|part| {
            let mut chars = part.chars();
            chars
                .next()
                .is_some_and(|c| c.is_alphabetic() || c == '_' || c == '$')
                && chars.all(|c| c.is_alphanumeric() || c == '_' || c == '$')
        })
}

/// The dotted key whose key or value contains byte `offset` (the deepest one).
fn key_at(text: &str, offset: usize) -> Option<String> {
    let table = toml::de::DeTable::parse(text).ok()?;
    let mut best: Option<(usize, String)> = None;
    search_table(table.get_ref(), offset, "", 0, &mut best);
    best.map(|(_, key)| key)
}

fn search_table(
    table: &toml::de::DeTable,
    offset: usize,
    prefix: &str,
    depth: usize,
    best: &mut Option<(usize, String)>,
) {
    for (key, value) in table.iter() {
        let name = key.get_ref();
        let bare = !name.is_empty()
            && name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-');
        let segment = if bare {
            name.to_string()
        } else {
            format!("\"{name}\"")
        };
        let path = if prefix.is_empty() {
            segment
        } else {
            format!("{prefix}.{segment}")
        };
        search_value(key.span(), value, offset, path, depth + 1, best);
    }
}

fn search_value(
    key_span: Range<usize>,
    value: &Spanned<toml::de::DeValue>,
    offset: usize,
    path: String,
    depth: usize,
    best: &mut Option<(usize, String)>,
) {
    let holds = key_span.contains(&offset) || value.span().contains(&offset);
    if holds && best.as_ref().is_none_or(|(d, _)| depth > *d) {
        *best = Some((depth, path.clone()));
    }
    match value.get_ref() {
        toml::de::DeValue::Table(inner) => search_table(inner, offset, &path, depth, best),
        toml::de::DeValue::Array(items) => {
            for (i, item) in items.iter().enumerate() {
                search_value(0..0, item, offset, format!("{path}[{i}]"), depth + 1, best);
            }
        }
        _ => {}
    }
}

/// The configuration file that applies to `start` (a file or directory): the nearest
/// `cio-lsp.toml` in it or one of its ancestors.
pub fn find_config(start: &Path) -> Option<PathBuf> {
    let start = absolute(start);
    let mut dir = if start.is_dir() {
        Some(start.as_path())
    } else {
        start.parent()
    };
    while let Some(current) = dir {
        let candidate = current.join(FILE_NAME);
        if candidate.is_file() {
            return Some(candidate);
        }
        dir = current.parent();
    }
    None
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

/// Settings from defaults ← `config` ← `overrides`. Returns warnings for overrides that name
/// unknown rules, SDK families or packages (they are skipped: editor settings never stop the
/// analysis).
pub fn merge(config: Option<&Config>, overrides: &ConfigOverrides) -> (Settings, Vec<String>) {
    let mut settings = Settings::default();
    let mut warnings = Vec::new();
    let no_user_rules = UserRules::default();
    let user_rules = config.map_or(&no_user_rules, |c| c.user_rules.as_ref());
    if let Some(config) = config {
        settings.rule_levels = config.rule_levels.clone();
        settings.event_name_style = config.event_name_style.unwrap_or_default();
        settings.extra_clients = config.extra_clients.clone();
        settings.extra_packages = config.extra_packages.clone();
        settings.user_rules = config.user_rules.clone();
    }
    for (id, level) in &overrides.rules {
        if is_known_rule(id, user_rules) {
            settings.rule_levels.insert(id.clone(), level.rule_level());
        } else {
            warnings.push(format!(
                "editor setting rules.{id}: {}",
                unknown_rule_message(id)
            ));
        }
    }
    if let Some(style) = overrides.event_name_style {
        settings.event_name_style = style;
    }
    for (name, family) in &overrides.clients.names {
        match Sdk::from_family(family) {
            Some(sdk) if is_client_name(name) => {
                settings.extra_clients.insert(name.clone(), sdk);
            }
            _ => warnings.push(format!(
                "editor setting clients.names.{name}: expected a name and one of {}",
                quoted_list(CLIENT_FAMILIES)
            )),
        }
    }
    for (package, wrapped) in &overrides.clients.packages {
        match CUSTOMERIO_PACKAGES.iter().find(|p| **p == wrapped.as_str()) {
            Some(wrapped) => {
                settings.extra_packages.insert(package.clone(), wrapped);
            }
            None => warnings.push(format!(
                "editor setting clients.packages.{package}: expected one of {}",
                quoted_list(CUSTOMERIO_PACKAGES)
            )),
        }
    }
    (settings, warnings)
}
