//! What the configuration tells the rules, as plain data: the options a check reads
//! ([`RuleOptions`]) and the level each rule is configured at ([`RuleLevel`]). The facade's
//! `Settings` parses them once (`config`) and hands them down; no rule reads the settings.

use std::collections::HashMap;

use super::finding::Severity;

/// How event names should be spelled (CIO010).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum EventNameStyle {
    #[default]
    #[serde(rename = "snake_case")]
    SnakeCase,
    #[serde(rename = "Title Case")]
    TitleCase,
    #[serde(rename = "camelCase")]
    CamelCase,
}

/// A rule's configured level.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum RuleLevel {
    Off,
    On(Severity),
}

/// The options the rules' checks read.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct RuleOptions {
    /// How event names should be spelled (CIO010).
    pub event_name_style: EventNameStyle,
}

/// The severity rule `id` reports at, given its `default` and the configured `levels`, or
/// `None` when it is off.
pub fn configured_severity(
    levels: &HashMap<String, RuleLevel>,
    id: &str,
    default: Severity,
) -> Option<Severity> {
    match levels.get(id) {
        Some(RuleLevel::Off) => None,
        Some(RuleLevel::On(severity)) => Some(*severity),
        None => Some(default),
    }
}
