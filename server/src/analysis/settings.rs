//! Everything the analysis can be configured with ([`Settings`]), parsed once by `config`
//! (the file, then the editor's overrides) and handed down as plain data: the rules get
//! [`RuleOptions`], client resolution gets [`ClientConfig`], the pipeline applies the levels.

use std::collections::HashMap;
use std::sync::Arc;

use crate::analysis::resolve::{ClientConfig, Sdk};
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
}

impl Settings {
    /// The configured clients and packages, for client resolution and the prefilter.
    pub fn clients(&self) -> ClientConfig<'_> {
        ClientConfig {
            extra_clients: &self.extra_clients,
            extra_packages: &self.extra_packages,
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

    /// What the rules' checks read of the settings.
    pub fn rule_options(&self) -> RuleOptions {
        RuleOptions {
            event_name_style: self.event_name_style,
        }
    }
}
