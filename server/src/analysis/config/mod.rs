//! `cio-lsp.toml`, the project configuration (documented in `docs/configuration.md`, schema in
//! `schemas/cio-lsp.schema.json`).
//!
//! Precedence, lowest first: built-in defaults ← the file ← editor settings
//! ([`ConfigOverrides`], see [`merge`]). The CLI finds the file by walking up from each checked
//! path ([`find_config`]) unless `--config PATH` names it; the server reads the one at the
//! workspace root. Every mistake in the file is a [`ConfigError`] naming the file, line, column
//! and key, so that the CLI can exit 2 with it and the server can put a diagnostic on it.

use std::collections::HashMap;
use std::ops::Range;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use toml::Spanned;

use crate::analysis::resolve::{Sdk, CUSTOMERIO_PACKAGES};
use crate::analysis::rules::options::{EventNameStyle, RuleLevel};
use crate::analysis::rules::registry::{self, UNUSED_SUPPRESSION};
use crate::analysis::settings::Settings;
use crate::analysis::user_rules::UserRules;

pub mod error;
pub mod format;
pub mod ignore;

pub use error::ConfigError;
pub use format::{
    ClientFamily, ClientOverrides, ClientsTable, ConfigFile, ConfigOverrides, Level,
    WrappedPackage, CLIENT_FAMILIES, FILE_NAME,
};
pub use ignore::IgnoreGlobs;

use format::quoted_list;
use ignore::absolute;

/// A loaded, validated configuration file.
#[derive(Debug, Clone)]
pub struct Config {
    /// The file.
    pub path: PathBuf,
    /// Its directory: what `ignore` and `rule_dirs` are relative to.
    pub root: PathBuf,
    /// `root = true`: its directory is a unit of its own for the workspace rules.
    pub starts_unit: bool,
    /// The files it was read from: itself, then those it `extends`, nearest first (an edit of
    /// any of them changes it).
    pub files: Vec<PathBuf>,
    pub rule_levels: HashMap<String, RuleLevel>,
    pub event_name_style: Option<EventNameStyle>,
    pub extra_clients: HashMap<String, Sdk>,
    pub extra_packages: HashMap<String, &'static str>,
    pub ignore: IgnoreGlobs,
    /// The user rules of `rule_dirs`, compiled. Rules that failed to load are in its `errors`
    /// (not fatal: the other rules still run).
    pub user_rules: Arc<UserRules>,
    /// Whether the file names `rule_dirs` that were not read ([`UserRulePolicy::Skip`]).
    pub user_rules_skipped: bool,
    /// `query_budget_ms`, when set.
    pub query_budget: Option<Duration>,
}

impl Config {
    /// The analysis settings this file asks for (no editor overrides).
    pub fn settings(&self) -> Settings {
        merge(Some(self), &ConfigOverrides::default()).0
    }
}

/// Reads and validates the configuration file at `path`.
pub fn load(path: &Path) -> Result<Config, ConfigError> {
    load_with(path, UserRulePolicy::Load)
}

fn read_config(path: &Path) -> Result<String, ConfigError> {
    std::fs::read_to_string(path).map_err(|error| ConfigError {
        path: path.to_path_buf(),
        line: 0,
        column: 0,
        key: None,
        message: format!("cannot read the configuration file: {error}"),
        span: None,
    })
}

/// Whether a configuration may load the user rules of its `rule_dirs`: not in a workspace the
/// editor does not trust, nor in a CI job that says `--no-user-rules`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum UserRulePolicy {
    #[default]
    Load,
    Skip,
}

/// Validates configuration `text` as if read from `path` (an editor buffer, a test).
/// `rule_dirs` and `ignore` are resolved against `path`'s directory; rule directories must lie
/// inside it. A file that `extends` another starts from that one's settings (read from disk).
pub fn parse(path: &Path, text: &str) -> Result<Config, ConfigError> {
    parse_with(path, text, UserRulePolicy::Load)
}

/// [`load`] with a [`UserRulePolicy`].
pub fn load_with(path: &Path, policy: UserRulePolicy) -> Result<Config, ConfigError> {
    let text = read_config(path)?;
    parse_with(path, &text, policy)
}

/// [`parse`] with a [`UserRulePolicy`]. When user rules are skipped, no `rule_dirs` is read
/// (nor any of the files it `extends`), and `[rules]` may name ids that are not built-in (they
/// would be user rules).
pub fn parse_with(path: &Path, text: &str, policy: UserRulePolicy) -> Result<Config, ConfigError> {
    parse_extending(path, text, 0, policy)
}

/// How many files an `extends` chain may hold; the bound also ends cycles.
const MAX_EXTENDS: usize = 8;

fn parse_extending(
    path: &Path,
    text: &str,
    depth: usize,
    policy: UserRulePolicy,
) -> Result<Config, ConfigError> {
    let file: ConfigFile = toml::from_str(text)
        .map_err(|error| ConfigError::at(path, text, error.span(), error.message().to_string()))?;
    let error_at =
        |span: Range<usize>, message: String| ConfigError::at(path, text, Some(span), message);
    let root = match path.parent() {
        Some(parent) if !parent.as_os_str().is_empty() => parent.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let base = match &file.extends {
        Some(extends) => Some(load_extended(&root, extends, depth, policy, &error_at)?),
        None => None,
    };

    let user_rules = match (policy, &file.rule_dirs, &base) {
        (UserRulePolicy::Skip, _, _) => Arc::new(UserRules::default()),
        (UserRulePolicy::Load, Some(dirs), _) => Arc::new(UserRules::load(
            &resolve_rule_dirs(&root, dirs).map_err(|(span, message)| error_at(span, message))?,
        )),
        (UserRulePolicy::Load, None, Some(base)) => Arc::clone(&base.user_rules),
        (UserRulePolicy::Load, None, None) => Arc::new(UserRules::default()),
    };
    let user_rules_skipped = policy == UserRulePolicy::Skip
        && (file.rule_dirs.as_ref().is_some_and(|dirs| !dirs.is_empty())
            || base.as_ref().is_some_and(|base| base.user_rules_skipped));

    let query_budget = match &file.query_budget_ms {
        Some(ms) if *ms.get_ref() == 0 => {
            return Err(error_at(
                ms.span(),
                "`query_budget_ms` must be at least 1 (a millisecond)".to_string(),
            ))
        }
        Some(ms) => Some(Duration::from_millis(*ms.get_ref())),
        None => base.as_ref().and_then(|base| base.query_budget),
    };

    let mut rule_levels = base
        .as_ref()
        .map(|base| base.rule_levels.clone())
        .unwrap_or_default();
    for (id, level) in &file.rules {
        let may_be_skipped_user_rule = policy == UserRulePolicy::Skip;
        if !may_be_skipped_user_rule && !is_known_rule(id.get_ref(), &user_rules) {
            return Err(error_at(id.span(), unknown_rule_message(id.get_ref())));
        }
        rule_levels.insert(id.get_ref().clone(), level.rule_level());
    }

    let mut extra_clients = base
        .as_ref()
        .map(|base| base.extra_clients.clone())
        .unwrap_or_default();
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

    let mut extra_packages = base
        .as_ref()
        .map(|base| base.extra_packages.clone())
        .unwrap_or_default();
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

    let ignore = match (&file.ignore, &base) {
        (Some(patterns), _) => {
            let written: Vec<String> = patterns.iter().map(|p| p.get_ref().clone()).collect();
            IgnoreGlobs::new(&root, &written).map_err(|(i, message)| {
                let span = patterns.get(i).map_or(0..0, |p| p.span());
                error_at(span, format!("invalid glob: {message}"))
            })?
        }
        (None, Some(base)) => base.ignore.clone(),
        (None, None) => IgnoreGlobs::default(),
    };

    let mut files = vec![path.to_path_buf()];
    files.extend(base.iter().flat_map(|base| base.files.iter().cloned()));
    Ok(Config {
        path: path.to_path_buf(),
        root,
        starts_unit: file.root,
        files,
        rule_levels,
        event_name_style: file
            .event_name_style
            .or(base.as_ref().and_then(|base| base.event_name_style)),
        extra_clients,
        extra_packages,
        ignore,
        user_rules,
        user_rules_skipped,
        query_budget,
    })
}

/// The configuration that `extends` names, relative to the directory `root` of the file that
/// names it. Its own mistakes keep its own file:line:column; a file that cannot be read, or a
/// chain too long (a cycle), is a mistake at the `extends` key.
fn load_extended(
    root: &Path,
    extends: &Spanned<String>,
    depth: usize,
    policy: UserRulePolicy,
    error_at: &dyn Fn(Range<usize>, String) -> ConfigError,
) -> Result<Config, ConfigError> {
    if depth + 1 >= MAX_EXTENDS {
        return Err(error_at(
            extends.span(),
            format!("`extends` chains more than {MAX_EXTENDS} files (does it lead back here?)"),
        ));
    }
    let target = root.join(extends.get_ref());
    let text = std::fs::read_to_string(&target).map_err(|error| {
        error_at(
            extends.span(),
            format!("cannot read `{}`: {error}", extends.get_ref()),
        )
    })?;
    parse_extending(&target, &text, depth + 1, policy)
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
    registry::RULES.iter().any(|rule| rule.id == id)
        || id == UNUSED_SUPPRESSION
        || user_rules.find(id).is_some()
}

fn unknown_rule_message(id: &str) -> String {
    let hint = registry::find(id)
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
        settings.query_budget = config.query_budget;
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
