//! Client settings (`initializationOptions`, `workspace/didChangeConfiguration`) →
//! `analysis::Settings`.
//!
//! Shape: `{ "enable": bool, "rules": { "CIO010": "off"|"info"|"warning"|"error"|"hint" },
//! "eventNameStyle": "snake_case"|"Title Case"|"camelCase", "trace": … }`, at the top level
//! or nested under a `cioLsp` key (how VS Code sends a `cioLsp.*` configuration section).

use serde::Deserialize;
use serde_json::Value;

use crate::analysis::{rules, EventNameStyle, RuleLevel, Settings, Severity};

/// The server's view of the client's settings.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub enable: bool,
    pub analysis: Settings,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            enable: true,
            analysis: Settings::default(),
        }
    }
}

#[derive(Debug, Default, Deserialize)]
#[serde(rename_all = "camelCase")]
struct Raw {
    enable: Option<bool>,
    #[serde(default)]
    rules: std::collections::HashMap<String, String>,
    event_name_style: Option<EventNameStyle>,
}

/// Parses settings; returns them with a message for each value that was ignored.
pub fn parse(value: &Value) -> (ClientSettings, Vec<String>) {
    let value = value.get("cioLsp").unwrap_or(value);
    let mut warnings = Vec::new();
    let raw: Raw = match serde_json::from_value(value.clone()) {
        Ok(raw) => raw,
        Err(error) if value.is_null() => {
            let _ = error;
            Raw::default()
        }
        Err(error) => {
            warnings.push(format!("settings ignored: {error}"));
            Raw::default()
        }
    };
    let mut settings = ClientSettings {
        enable: raw.enable.unwrap_or(true),
        ..Default::default()
    };
    settings.analysis.event_name_style = raw.event_name_style.unwrap_or_default();
    for (id, level) in raw.rules {
        let Some(rule) = rules::find(&id) else {
            warnings.push(format!("settings: no rule `{id}`"));
            continue;
        };
        let level = match level.to_ascii_lowercase().as_str() {
            "off" => RuleLevel::Off,
            "hint" => RuleLevel::On(Severity::Hint),
            "info" | "information" => RuleLevel::On(Severity::Info),
            "warning" | "warn" => RuleLevel::On(Severity::Warning),
            "error" => RuleLevel::On(Severity::Error),
            other => {
                warnings.push(format!("settings: `{other}` is not a level for {id}"));
                continue;
            }
        };
        settings
            .analysis
            .rule_levels
            .insert(rule.id.to_string(), level);
    }
    (settings, warnings)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn nested_and_flat_shapes_parse_alike() {
        let flat = serde_json::json!({
            "enable": false,
            "rules": { "CIO010": "off", "cio002": "warning" },
            "eventNameStyle": "Title Case",
            "trace": { "server": "verbose" }
        });
        for value in [flat.clone(), serde_json::json!({ "cioLsp": flat })] {
            let (settings, warnings) = parse(&value);
            assert!(warnings.is_empty(), "{warnings:?}");
            assert!(!settings.enable);
            assert_eq!(
                settings.analysis.event_name_style,
                EventNameStyle::TitleCase
            );
            assert_eq!(
                settings.analysis.rule_levels.get("CIO010"),
                Some(&RuleLevel::Off)
            );
            assert_eq!(
                settings.analysis.rule_levels.get("CIO002"),
                Some(&RuleLevel::On(Severity::Warning))
            );
        }
    }

    #[test]
    fn bad_values_are_reported_not_fatal() {
        let (settings, warnings) = parse(&serde_json::json!({ "rules": { "CIO999": "off" } }));
        assert!(settings.enable);
        assert_eq!(warnings.len(), 1);
        let (_, warnings) = parse(&serde_json::json!({ "eventNameStyle": 3 }));
        assert_eq!(warnings.len(), 1);
    }
}
