//! Client settings (`initializationOptions`, `workspace/didChangeConfiguration`).
//!
//! Shape: the core's [`ConfigOverrides`] (`{ "rules": { "CIO010": "off" }, "eventNameStyle":
//! "camelCase", "clients": { "names": {…}, "packages": {…} } }`, see docs/configuration.md)
//! plus the server's own `"enable": bool` and `"logLevel": "info"`, at the top level or nested under a `cioLsp` key
//! (how VS Code sends a `cioLsp.*` configuration section). They are merged over the
//! workspace's `cio-lsp.toml` by `config::merge`: one mapping for the file and the editor.

use serde_json::Value;
use tracing_subscriber::filter::LevelFilter;

use super::logging;
use crate::analysis::config::{ConfigOverrides, Level};

/// The server's view of the client's settings.
#[derive(Debug, Clone)]
pub struct ClientSettings {
    pub enable: bool,
    /// `logLevel`: which events the server logs (see `lsp::logging`).
    pub log_level: LevelFilter,
    pub overrides: ConfigOverrides,
}

impl Default for ClientSettings {
    fn default() -> Self {
        ClientSettings {
            enable: true,
            log_level: logging::DEFAULT_LEVEL,
            overrides: ConfigOverrides::default(),
        }
    }
}

/// Parses settings; returns them with a message for each value that was ignored. A bad value
/// is skipped on its own: the rest of the settings still apply.
pub fn parse(value: &Value) -> (ClientSettings, Vec<String>) {
    let mut value = value.get("cioLsp").unwrap_or(value).clone();
    let mut warnings = Vec::new();
    if value.is_null() {
        return (ClientSettings::default(), warnings);
    }
    let enable = match value.get("enable") {
        None => true,
        Some(Value::Bool(enable)) => *enable,
        Some(other) => {
            warnings.push(format!(
                "settings: `enable` must be true or false, not {other}"
            ));
            true
        }
    };
    let log_level = match value.get("logLevel") {
        None | Some(Value::Null) => logging::DEFAULT_LEVEL,
        Some(level) => level
            .as_str()
            .and_then(logging::parse_level)
            .unwrap_or_else(|| {
                warnings.push(format!(
                    "settings: `logLevel` is one of error, warn, info, debug, trace, not {level}"
                ));
                logging::DEFAULT_LEVEL
            }),
    };
    drop_invalid_levels(&mut value, &mut warnings);
    let overrides = match serde_json::from_value::<ConfigOverrides>(value) {
        Ok(overrides) => overrides,
        Err(error) => {
            warnings.push(format!("settings ignored: {error}"));
            ConfigOverrides::default()
        }
    };
    (
        ClientSettings {
            enable,
            log_level,
            overrides,
        },
        warnings,
    )
}

/// `initializationOptions.workspaceTrusted` (default true): whether the editor trusts the
/// workspace, so that its user rules may run. Read at `initialize` only.
pub fn workspace_trusted(options: &Value, warnings: &mut Vec<String>) -> bool {
    let options = options.get("cioLsp").unwrap_or(options);
    match options.get("workspaceTrusted") {
        None | Some(Value::Null) => true,
        Some(Value::Bool(trusted)) => *trusted,
        Some(other) => {
            warnings.push(format!(
                "settings: `workspaceTrusted` must be true or false, not {other}; the workspace is treated as untrusted"
            ));
            false
        }
    }
}

/// Removes `rules` entries whose level is not one of `off|info|warning|error`, with a warning
/// each, so that one typo does not discard every setting.
fn drop_invalid_levels(value: &mut Value, warnings: &mut Vec<String>) {
    let Some(rules) = value.get_mut("rules").and_then(Value::as_object_mut) else {
        return;
    };
    rules.retain(|id, level| {
        let valid = level.as_str().and_then(Level::parse).is_some();
        if !valid {
            warnings.push(format!("settings: {level} is not a level for {id}"));
        }
        valid
    });
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::config::merge;
    use crate::analysis::{EventNameStyle, RuleLevel, Severity};

    #[test]
    fn nested_and_flat_shapes_parse_alike() {
        let flat = serde_json::json!({
            "enable": false,
            "rules": { "CIO010": "off", "CIO002": "warning" },
            "eventNameStyle": "Title Case",
            "clients": { "names": { "analytics": "cdp-node" } },
            "trace": { "server": "verbose" }
        });
        for value in [flat.clone(), serde_json::json!({ "cioLsp": flat })] {
            let (client, warnings) = parse(&value);
            assert!(warnings.is_empty(), "{warnings:?}");
            assert!(!client.enable);
            let (settings, warnings) = merge(None, &client.overrides);
            assert!(warnings.is_empty(), "{warnings:?}");
            assert_eq!(settings.event_name_style, EventNameStyle::TitleCase);
            assert_eq!(settings.rule_levels.get("CIO010"), Some(&RuleLevel::Off));
            assert_eq!(
                settings.rule_levels.get("CIO002"),
                Some(&RuleLevel::On(Severity::Warning))
            );
            assert!(settings.extra_clients.contains_key("analytics"));
        }
    }

    #[test]
    fn bad_values_are_reported_not_fatal() {
        let (client, warnings) = parse(&serde_json::json!({
            "rules": { "CIO002": "loud", "CIO010": "off" }
        }));
        assert!(client.enable);
        assert_eq!(warnings.len(), 1, "{warnings:?}");
        assert_eq!(client.overrides.rules.len(), 1);
        let (_, warnings) = parse(&serde_json::json!({ "eventNameStyle": 3 }));
        assert_eq!(warnings.len(), 1);
        // Unknown rule ids are the merge's to report.
        let (client, _) = parse(&serde_json::json!({ "rules": { "CIO999": "off" } }));
        assert_eq!(merge(None, &client.overrides).1.len(), 1);
    }
}
