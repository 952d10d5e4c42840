//! Everything the analysis can be configured with ([`Settings`]), parsed once by `config`
//! (the file, then the editor's overrides) and handed down as plain data: the rules get
//! [`RuleOptions`], client resolution gets [`ClientConfig`], the pipeline applies the levels.

use std::collections::HashMap;
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::Duration;

use crate::analysis::resolve::{ClientConfig, Sdk};
use crate::analysis::rules::engine::DEFAULT_QUERY_BUDGET;
use crate::analysis::rules::finding::Severity;
use crate::analysis::rules::options::{
    configured_severity, EventNameStyle, RuleLevel, RuleOptions,
};
use crate::analysis::rules::Rule;
use crate::analysis::user_rules::UserRules;

/// Everything the analysis can be configured with.
#[derive(Debug, Clone, Default)]
pub struct Settings {
    /// Per-rule level overrides by rule id; rules not listed use their default severity.
    pub rule_levels: HashMap<String, RuleLevel>,
    pub event_name_style: EventNameStyle,
    /// Extra names (`analytics`, `this.customerio`) to treat as clients of an SDK.
    pub extra_clients: HashMap<String, Sdk>,
    /// Wrapper packages (`@acme/customerio`) → the Customer.io package they re-export.
    pub extra_packages: HashMap<String, &'static str>,
    /// User rules from the configuration's `rule_dirs` (empty by default).
    pub user_rules: Arc<UserRules>,
    /// The time the rules' queries may take per file (`query_budget_ms`); `None`:
    /// [`DEFAULT_QUERY_BUDGET`].
    pub query_budget: Option<Duration>,
}

impl Settings {
    /// The configured clients and packages, for client resolution and the prefilter.
    pub fn clients(&self) -> ClientConfig<'_> {
        ClientConfig {
            extra_clients: &self.extra_clients,
            extra_packages: &self.extra_packages,
            react_native_positional: false,
        }
    }

    /// The severity a rule reports at, or `None` when it is off.
    pub fn severity_of(&self, rule: &Rule) -> Option<Severity> {
        configured_severity(&self.rule_levels, rule.id, rule.severity)
    }

    /// The severity rule `id` reports at given its default, or `None` when it is off. For
    /// rules that are not built-in (user rules, `unused-suppression`).
    pub fn severity_of_id(&self, id: &str, default: Severity) -> Option<Severity> {
        configured_severity(&self.rule_levels, id, default)
    }

    /// The time the built-in rules' queries may take on one file, and the user rules' too.
    pub fn query_budget(&self) -> Duration {
        self.query_budget.unwrap_or(DEFAULT_QUERY_BUDGET)
    }

    /// What the rules' checks read of the settings.
    pub fn rule_options(&self) -> RuleOptions {
        RuleOptions {
            event_name_style: self.event_name_style,
        }
    }
}

/// The settings each file is analysed with: one for all of them, or each file's nearest
/// configuration's (a monorepo, see [`crate::analysis::project::ConfigLookup`]).
pub trait SettingsOf: Sync {
    /// The settings of file `path`.
    fn of(&self, path: &Path) -> &Settings;
    /// Every settings in use, for what must hold for all files at once (the text prefilter
    /// lets through what any of them treats as Customer.io).
    fn every(&self) -> Vec<&Settings>;
}

impl SettingsOf for Settings {
    fn of(&self, _: &Path) -> &Settings {
        self
    }

    fn every(&self) -> Vec<&Settings> {
        vec![self]
    }
}

/// Settings by directory: each file gets those of the directory that holds it, and a file
/// of a directory without any, the defaults.
#[derive(Debug, Default)]
pub struct SettingsByDir {
    defaults: Settings,
    distinct: Vec<Settings>,
    by_dir: HashMap<PathBuf, usize>,
}

impl SettingsByDir {
    pub fn new(defaults: Settings) -> Self {
        SettingsByDir {
            defaults,
            ..Default::default()
        }
    }

    /// Adds settings, returning their number for [`Self::assign`].
    pub fn add(&mut self, settings: Settings) -> usize {
        self.distinct.push(settings);
        self.distinct.len() - 1
    }

    /// The files of `dir` (as their paths spell it) get the settings numbered `number`.
    pub fn assign(&mut self, dir: PathBuf, number: usize) {
        self.by_dir.insert(dir, number);
    }

    /// The defaults and every added settings, to adjust them all alike.
    pub fn every_mut(&mut self) -> impl Iterator<Item = &mut Settings> {
        std::iter::once(&mut self.defaults).chain(self.distinct.iter_mut())
    }
}

impl SettingsOf for SettingsByDir {
    fn of(&self, path: &Path) -> &Settings {
        let dir = match path.parent() {
            Some(parent) if !parent.as_os_str().is_empty() => parent,
            _ => Path::new("."),
        };
        self.by_dir
            .get(dir)
            .map_or(&self.defaults, |&number| &self.distinct[number])
    }

    fn every(&self) -> Vec<&Settings> {
        std::iter::once(&self.defaults)
            .chain(self.distinct.iter())
            .collect()
    }
}
