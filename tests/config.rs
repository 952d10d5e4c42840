//! `cio-lsp.toml`, suppression comments and user rules (issue 4): discovery and precedence,
//! every key, invalid files, each suppression form, user rules end to end through the binary,
//! and agreement between the published JSON Schemas and the parser.
//!
//! Findings come from CIO002 (`created_at: Date.now()` in an identify call on a
//! `new TrackClient(...)` client).

use std::cell::RefCell;
use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use cio_lsp::analysis::config::{
    self, ClientsTable, ConfigFile, ConfigOverrides, Level, CLIENT_FAMILIES, FILE_NAME,
};
use cio_lsp::analysis::fix::apply_edits;
use cio_lsp::analysis::project::{analyze_project, discover_ignoring, ProjectReport};
use cio_lsp::analysis::rules::RULES;
use cio_lsp::analysis::suppress::{self, UNUSED_SUPPRESSION};
use cio_lsp::analysis::user_rules::RuleMeta;
use cio_lsp::analysis::{
    parse, resolve::CUSTOMERIO_PACKAGES, EventNameStyle, Finding, Lang, RuleLevel, Sdk, Settings,
    Severity,
};
use serde::Deserialize;
use tempfile::TempDir;

// ---------------------------------------------------------------------------------------------
// Helpers

const CLIENT: &str = "import { TrackClient } from \"customerio-node\";\nconst cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!);\n";

/// A CIO002 hit on line 4 (1-based) of a file starting with [`CLIENT`].
fn cio002_file() -> String {
    format!("{CLIENT}export async function signup(id: string) {{\n  await cio.identify(id, {{ email: id, created_at: Date.now() }});\n}}\n")
}

fn workspace(files: &[(&str, &str)]) -> TempDir {
    let dir = tempfile::tempdir().unwrap();
    for (name, text) in files {
        let path = dir.path().join(name);
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    }
    dir
}

/// Loads the workspace's `cio-lsp.toml` (when there is one) and analyses the workspace with it.
fn check(dir: &Path) -> ProjectReport {
    let config = config::find_config(dir).map(|path| config::load(&path).unwrap());
    let discovered = discover_ignoring(&[dir.to_path_buf()], config.as_ref().map(|c| &c.ignore));
    let settings = config.as_ref().map(|c| c.settings()).unwrap_or_default();
    analyze_project(dir, &discovered, &settings, &|| {})
}

/// (file name, 1-based line, rule, severity) of every finding.
fn summary(report: &ProjectReport) -> Vec<(String, usize, String, Severity)> {
    report
        .files
        .iter()
        .flat_map(|file| {
            let name = file.path.file_name().unwrap().to_string_lossy().to_string();
            file.findings.iter().map(move |f| {
                let line = file.text[..f.range.start].matches('\n').count() + 1;
                (name.clone(), line, f.rule.clone(), f.severity)
            })
        })
        .collect()
}

fn findings_of<'a>(report: &'a ProjectReport, name: &str) -> Vec<&'a Finding> {
    report
        .files
        .iter()
        .filter(|f| f.path.file_name().unwrap() == name)
        .flat_map(|f| f.findings.iter())
        .collect()
}

fn cli(dir: &Path, args: &[&str]) -> (i32, String, String) {
    let output = Command::new(env!("CARGO_BIN_EXE_cio-lsp"))
        .args(args)
        .current_dir(dir)
        .output()
        .unwrap();
    (
        output.status.code().unwrap_or(-1),
        String::from_utf8_lossy(&output.stdout).into_owned(),
        String::from_utf8_lossy(&output.stderr).into_owned(),
    )
}

/// Every `"rule"` value anywhere in a JSON document (robust to the report's layout).
fn rules_in_json(value: &serde_json::Value, found: &mut Vec<(String, String)>) {
    match value {
        serde_json::Value::Object(map) => {
            if let (Some(rule), Some(message)) = (map.get("rule"), map.get("message")) {
                found.push((
                    rule.as_str().unwrap_or_default().to_string(),
                    message.as_str().unwrap_or_default().to_string(),
                ));
            }
            map.values().for_each(|v| rules_in_json(v, found));
        }
        serde_json::Value::Array(items) => items.iter().for_each(|v| rules_in_json(v, found)),
        _ => {}
    }
}

fn parse_error(text: &str) -> config::ConfigError {
    let dir = tempfile::tempdir().unwrap();
    let path = dir.path().join(FILE_NAME);
    std::fs::write(&path, text).unwrap();
    config::load(&path).expect_err("the configuration must be refused")
}

// ---------------------------------------------------------------------------------------------
// Discovery and precedence

#[test]
fn the_nearest_config_above_a_path_is_found() {
    let dir = workspace(&[
        (FILE_NAME, ""),
        ("app/src/signup.ts", &cio002_file()),
        ("app/cio-lsp.toml", ""),
        ("other/x.ts", ""),
    ]);
    let root = dir.path();
    let nearest = |p: &str| config::find_config(&root.join(p)).unwrap();
    assert!(nearest("app/src/signup.ts").ends_with("app/cio-lsp.toml"));
    assert!(nearest("app/src").ends_with("app/cio-lsp.toml"));
    assert!(nearest("app").ends_with("app/cio-lsp.toml"));
    assert_eq!(
        nearest("other/x.ts").parent().unwrap(),
        std::path::absolute(root).unwrap()
    );
}

#[test]
fn editor_settings_override_the_file_which_overrides_defaults() {
    let dir = workspace(&[
        (
            FILE_NAME,
            "event_name_style = \"Title Case\"\n[rules]\nCIO002 = \"warning\"\nCIO004 = \"off\"\n",
        ),
        ("signup.ts", &cio002_file()),
    ]);
    // Defaults.
    let defaults = Settings::default();
    assert_eq!(defaults.event_name_style, EventNameStyle::SnakeCase);
    assert_eq!(
        summary(&analyze_project(
            dir.path(),
            &discover_ignoring(&[dir.path().to_path_buf()], None),
            &defaults,
            &|| {}
        )),
        [("signup.ts".into(), 4, "CIO002".into(), Severity::Error)]
    );
    // The file.
    let file = config::load(&dir.path().join(FILE_NAME)).unwrap();
    let from_file = file.settings();
    assert_eq!(from_file.event_name_style, EventNameStyle::TitleCase);
    assert_eq!(
        summary(&check(dir.path())),
        [("signup.ts".into(), 4, "CIO002".into(), Severity::Warning)]
    );
    // Editor settings over the file, from the JSON an editor sends.
    let overrides: ConfigOverrides = serde_json::from_value(serde_json::json!({
        "rules": { "CIO002": "off", "CIO099": "error" },
        "eventNameStyle": "camelCase",
        "clients": { "names": { "analytics": "cdp-node" } },
        "trace": "verbose"
    }))
    .unwrap();
    let (merged, warnings) = config::merge(Some(&file), &overrides);
    assert_eq!(merged.rule_levels["CIO002"], RuleLevel::Off);
    assert_eq!(
        merged.rule_levels["CIO004"],
        RuleLevel::Off,
        "kept from the file"
    );
    assert_eq!(merged.event_name_style, EventNameStyle::CamelCase);
    assert_eq!(merged.extra_clients["analytics"], Sdk::CdpNode);
    assert_eq!(warnings.len(), 1, "{warnings:?}");
    assert!(warnings[0].contains("CIO099"), "{warnings:?}");
    // Editor settings without a file.
    let (alone, _) = config::merge(None, &overrides);
    assert_eq!(alone.rule_levels.len(), 1);
}

#[test]
fn the_cli_uses_the_discovered_config_and_config_overrides_it() {
    let dir = workspace(&[
        (FILE_NAME, "[rules]\nCIO002 = \"off\"\n"),
        ("strict.toml", "[rules]\nCIO002 = \"error\"\n"),
        ("src/signup.ts", &cio002_file()),
    ]);
    let (code, stdout, _) = cli(dir.path(), &["check", "--format", "json", "src"]);
    assert_eq!(code, 0, "CIO002 is off in the discovered file: {stdout}");
    let (code, stdout, _) = cli(
        dir.path(),
        &[
            "check",
            "--format",
            "json",
            "--config",
            "strict.toml",
            "src",
        ],
    );
    assert_eq!(code, 1, "--config names the file: {stdout}");
}

// ---------------------------------------------------------------------------------------------
// Monorepos: the nearest configuration governs each file

/// A repository with two packages: the root turns CIO002 down to a warning, the API's own
/// file turns it off (standing alone), the web app has none of its own.
fn two_packages(api_config: &str) -> TempDir {
    workspace(&[
        (FILE_NAME, "[rules]\nCIO002 = \"warning\"\n"),
        ("package.json", r#"{"workspaces":["apps/*"]}"#),
        ("apps/web/package.json", r#"{"name":"web"}"#),
        ("apps/web/src/signup.ts", &cio002_file()),
        ("apps/api/package.json", r#"{"name":"api"}"#),
        ("apps/api/cio-lsp.toml", api_config),
        ("apps/api/src/signup.ts", &cio002_file()),
        ("strict.toml", "[rules]\nCIO002 = \"error\"\n"),
    ])
}

/// (path with `/`, rule, severity) of every finding of a `check --format json` run.
fn cli_report(dir: &Path, args: &[&str]) -> Vec<(String, String, String)> {
    let mut full = vec!["check", "--format", "json"];
    full.extend_from_slice(args);
    let (code, stdout, stderr) = cli(dir, &full);
    assert!(code < 2, "{stdout}{stderr}");
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| {
            (
                f["path"].as_str().unwrap().replace('\\', "/"),
                f["rule"].as_str().unwrap().to_string(),
                f["severity"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

/// The CIO002 findings of a run, as [`cli_report`].
fn cli_findings(dir: &Path, args: &[&str]) -> Vec<(String, String, String)> {
    let mut findings = cli_report(dir, args);
    findings.retain(|(_, rule, _)| rule == "CIO002");
    findings
}

fn finding(path: &str, severity: &str) -> (String, String, String) {
    (path.to_string(), "CIO002".to_string(), severity.to_string())
}

#[test]
fn each_file_is_checked_with_its_nearest_config_whatever_the_paths() {
    let dir = two_packages("[rules]\nCIO002 = \"off\"\n");
    let root = dir.path();
    let web = || finding("apps/web/src/signup.ts", "warning");
    // The repository root, as CI runs it.
    assert_eq!(cli_findings(root, &["."]), [web()]);
    assert_eq!(cli_findings(root, &[]), [web()]);
    // Both packages named: the API's file does not govern the web app, nor the reverse.
    assert_eq!(cli_findings(root, &["apps/web", "apps/api"]), [web()]);
    assert_eq!(cli_findings(root, &["apps/api", "apps/web"]), [web()]);
    // One package, from the root and from inside it; single files too.
    assert!(cli_findings(root, &["apps/api"]).is_empty());
    assert!(cli_findings(&root.join("apps/api"), &["."]).is_empty());
    assert!(cli_findings(&root.join("apps/api/src"), &["signup.ts"]).is_empty());
    assert_eq!(
        cli_findings(&root.join("apps/web"), &["src/signup.ts"]),
        [finding("src/signup.ts", "warning")]
    );
    assert_eq!(
        cli_findings(root, &["apps/api/src/signup.ts", "apps/web/src/signup.ts"]),
        [web()]
    );
    // --config governs every file.
    assert_eq!(
        cli_findings(root, &["--config", "strict.toml", "."]),
        [
            finding("apps/api/src/signup.ts", "error"),
            finding("apps/web/src/signup.ts", "error")
        ]
    );
}

#[test]
fn a_nested_config_stands_alone_unless_it_extends_its_parent() {
    // Alone: the root's `warning` does not reach the API, whose file sets nothing: defaults.
    let alone = two_packages("event_name_style = \"camelCase\"\n");
    assert_eq!(
        cli_findings(alone.path(), &["."]),
        [
            finding("apps/api/src/signup.ts", "error"),
            finding("apps/web/src/signup.ts", "warning")
        ]
    );
    // Extending: the parent's settings, with this file's keys over them.
    let extending = two_packages("extends = \"../../cio-lsp.toml\"\n[rules]\nCIO004 = \"off\"\n");
    assert_eq!(
        cli_findings(extending.path(), &["."]),
        [
            finding("apps/api/src/signup.ts", "warning"),
            finding("apps/web/src/signup.ts", "warning")
        ]
    );
    let overriding = two_packages("extends = \"../../cio-lsp.toml\"\n[rules]\nCIO002 = \"info\"\n");
    assert_eq!(
        cli_findings(overriding.path(), &["."]),
        [
            finding("apps/api/src/signup.ts", "info"),
            finding("apps/web/src/signup.ts", "warning")
        ]
    );
}

#[test]
fn extends_merges_tables_and_keeps_paths_relative_to_the_file_that_names_them() {
    let dir = workspace(&[
        (
            FILE_NAME,
            "ignore = [\"generated\"]\nevent_name_style = \"camelCase\"\n[rules]\nCIO002 = \"warning\"\nCIO010 = \"off\"\n[clients.names]\nanalytics = \"cdp-node\"\n",
        ),
        (
            "apps/api/cio-lsp.toml",
            "extends = \"../../cio-lsp.toml\"\nroot = true\n[rules]\nCIO002 = \"info\"\n[clients.names]\n\"this.cio\" = \"track\"\n",
        ),
        ("apps/api/generated/signup.ts", &cio002_file()),
        ("apps/api/src/signup.ts", &cio002_file()),
    ]);
    let api = config::load(&dir.path().join("apps/api/cio-lsp.toml")).unwrap();
    assert_eq!(api.rule_levels.len(), 2, "{:?}", api.rule_levels);
    assert_eq!(api.event_name_style, Some(EventNameStyle::CamelCase));
    assert_eq!(api.extra_clients.len(), 2);
    assert!(api.starts_unit);
    assert_eq!(api.files.len(), 2);
    // The parent's `ignore` is relative to the parent: `generated` at any depth under it.
    assert_eq!(
        cli_findings(dir.path(), &["."]),
        [finding("apps/api/src/signup.ts", "info")]
    );
    // A nested file's own `ignore` is relative to itself.
    let own = workspace(&[
        ("apps/api/cio-lsp.toml", "ignore = [\"src/legacy\"]\n"),
        ("apps/api/src/legacy/signup.ts", &cio002_file()),
        ("src/legacy/signup.ts", &cio002_file()),
    ]);
    assert_eq!(
        cli_findings(own.path(), &["."]),
        [finding("src/legacy/signup.ts", "error")]
    );
}

#[test]
fn a_mistake_in_a_nested_or_extended_config_names_its_own_file() {
    // In the nested file.
    let nested = two_packages("[rules]\nCIO002 = \"loud\"\n");
    let (code, _, stderr) = cli(nested.path(), &["check", "."]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("apps/api/cio-lsp.toml:2:10"), "{stderr}");
    // In the file it extends: that file's line and column.
    let extended = workspace(&[
        (FILE_NAME, "\n[rules]\nCIO002 = \"loud\"\n"),
        (
            "apps/api/cio-lsp.toml",
            "extends = \"../../cio-lsp.toml\"\n",
        ),
        ("apps/api/signup.ts", &cio002_file()),
    ]);
    let error = config::load(&extended.path().join("apps/api/cio-lsp.toml")).unwrap_err();
    assert!(error.path.ends_with(FILE_NAME) && !error.path.ends_with("api/cio-lsp.toml"));
    assert_eq!((error.line, error.column), (3, 10), "{error}");
    // A missing file, and a cycle: at the `extends` key.
    let missing = parse_error("\nextends = \"nowhere.toml\"\n");
    assert_eq!((missing.line, missing.column), (2, 11), "{missing}");
    assert_eq!(missing.key.as_deref(), Some("extends"));
    let cycle = workspace(&[(FILE_NAME, "extends = \"cio-lsp.toml\"\n")]);
    let error = config::load(&cycle.path().join(FILE_NAME)).unwrap_err();
    assert!(error.message.contains("chains more than"), "{error}");
}

/// (path, rule) of every finding of a run, as [`cli_report`].
fn cli_rules(dir: &Path, args: &[&str]) -> Vec<(String, String)> {
    let report = cli_report(dir, args);
    report
        .into_iter()
        .map(|(path, rule, _)| (path, rule))
        .collect()
}

/// The API makes a client; the web app handles bounce webhooks.
fn bounces_handled_in_another_package(extra: &[(&str, &str)]) -> TempDir {
    let mut files = vec![
        ("package.json", r#"{"workspaces":["apps/*"]}"#),
        ("apps/api/package.json", r#"{"name":"api"}"#),
        ("apps/api/src/client.ts", CLIENT),
        ("apps/web/package.json", r#"{"name":"web"}"#),
        (
            "apps/web/src/webhooks.ts",
            "export function onReport(event: { metric: string }) {\n  if (event.metric === \"bounced\") {\n    console.log(\"bounce\");\n  }\n}\n",
        ),
    ];
    files.extend_from_slice(extra);
    workspace(&files)
}

#[test]
fn workspace_rules_span_the_repository_unless_a_config_starts_a_unit() {
    let cio008 = || ("apps/api/src/client.ts".to_string(), "CIO008".to_string());
    // One unit (no repository: the current directory): the web app's handling covers the API.
    let one = bounces_handled_in_another_package(&[]);
    assert!(cli_rules(one.path(), &["."]).is_empty());
    assert!(cli_rules(one.path(), &[]).is_empty());
    // `root = true`: the API talks to a workspace of its own, whose bounces nobody handles.
    let separate =
        bounces_handled_in_another_package(&[("apps/api/cio-lsp.toml", "root = true\n")]);
    assert_eq!(cli_rules(separate.path(), &["."]), [cio008()]);
    // A nested file without it stays in the repository's unit.
    let nested = bounces_handled_in_another_package(&[("apps/api/cio-lsp.toml", "")]);
    assert!(cli_rules(nested.path(), &["."]).is_empty());
    // A repository of its own (its metadata folder) is a unit too.
    let repositories = bounces_handled_in_another_package(&[("apps/api/.git/HEAD", "")]);
    assert_eq!(cli_rules(repositories.path(), &["."]), [cio008()]);
    // While the repository above the checked folder is one unit, whichever folder is checked.
    let repository = bounces_handled_in_another_package(&[(".git/HEAD", "")]);
    assert!(cli_rules(repository.path(), &["."]).is_empty());
    assert!(cli_rules(&repository.path().join("apps"), &["."]).is_empty());
}

#[test]
fn regions_are_compared_across_the_packages_of_a_unit() {
    let eu_client = "import { APIClient, RegionEU } from \"customerio-node\";\nexport const api = new APIClient(process.env.CUSTOMERIO_APP_API_KEY!, { region: RegionEU });\n";
    let files = |extra: &[(&'static str, &'static str)]| {
        let mut files = vec![
            ("apps/api/package.json", r#"{"name":"api"}"#),
            ("apps/api/src/client.ts", CLIENT),
            ("apps/api/src/suppress.ts", "cio.suppress(id);\n"),
            ("apps/web/package.json", r#"{"name":"web"}"#),
            ("apps/web/src/client.ts", eu_client),
        ];
        files.extend_from_slice(extra);
        files
    };
    let cio016 = |rules: Vec<(String, String)>| {
        rules
            .into_iter()
            .filter(|(_, rule)| rule == "CIO016")
            .map(|(path, _)| path)
            .collect::<Vec<_>>()
    };
    let one = workspace(&files(&[]));
    assert_eq!(
        cio016(cli_rules(one.path(), &["."])),
        ["apps/api/src/client.ts", "apps/web/src/client.ts"]
    );
    let separate = workspace(&files(&[("apps/web/cio-lsp.toml", "root = true\n")]));
    assert!(cio016(cli_rules(separate.path(), &["."])).is_empty());
}

// ---------------------------------------------------------------------------------------------
// Every key

#[test]
fn rules_set_levels_and_turn_rules_off() {
    for (level, expected) in [
        ("info", Some(Severity::Info)),
        ("warning", Some(Severity::Warning)),
        ("error", Some(Severity::Error)),
        ("off", None),
    ] {
        let dir = workspace(&[
            (FILE_NAME, &format!("[rules]\nCIO002 = \"{level}\"\n")),
            ("signup.ts", &cio002_file()),
        ]);
        let found: Vec<Severity> = summary(&check(dir.path()))
            .into_iter()
            .map(|(_, _, _, s)| s)
            .collect();
        assert_eq!(found, expected.into_iter().collect::<Vec<_>>(), "{level}");
    }
}

#[test]
fn event_name_style_is_read() {
    for (written, style) in [
        ("snake_case", EventNameStyle::SnakeCase),
        ("Title Case", EventNameStyle::TitleCase),
        ("camelCase", EventNameStyle::CamelCase),
    ] {
        let config = config::parse(
            Path::new(FILE_NAME),
            &format!("event_name_style = \"{written}\"\n"),
        )
        .unwrap();
        assert_eq!(config.settings().event_name_style, style);
    }
}

#[test]
fn client_names_make_unimported_names_clients() {
    let source = "export async function signup(id: string) {\n  await analytics.identify(id, { email: id, created_at: Date.now() });\n  await this.customerio.identify(id, { email: id, created_at: Date.now() });\n}\n";
    let without = workspace(&[("signup.ts", source)]);
    assert!(summary(&check(without.path())).is_empty());
    let with = workspace(&[
        (
            FILE_NAME,
            "[clients]\nnames = { analytics = \"track\", \"this.customerio\" = \"track\" }\n",
        ),
        ("signup.ts", source),
    ]);
    let lines: Vec<usize> = summary(&check(with.path()))
        .into_iter()
        .map(|(_, line, _, _)| line)
        .collect();
    assert_eq!(lines, [2, 3]);
}

#[test]
fn client_packages_make_a_wrapper_package_a_customerio_package() {
    let source = cio002_file().replace("\"customerio-node\"", "\"@acme/tracking\"");
    let without = workspace(&[("signup.ts", &source)]);
    assert!(summary(&check(without.path())).is_empty());
    let with = workspace(&[
        (
            FILE_NAME,
            "[clients.packages]\n\"@acme/tracking\" = \"customerio-node\"\n",
        ),
        ("signup.ts", &source),
    ]);
    assert_eq!(
        summary(&check(with.path())),
        [("signup.ts".into(), 4, "CIO002".into(), Severity::Error)]
    );
}

#[test]
fn ignore_globs_skip_files_and_directories() {
    let dir = workspace(&[
        (
            FILE_NAME,
            "ignore = [\"generated\", \"*.test.ts\", \"legacy/**/old-*.ts\"]\n",
        ),
        ("src/signup.ts", &cio002_file()),
        ("src/signup.test.ts", &cio002_file()),
        ("generated/client.ts", &cio002_file()),
        ("legacy/v1/old-signup.ts", &cio002_file()),
        ("legacy/v1/new-signup.ts", &cio002_file()),
    ]);
    let mut files: Vec<String> = summary(&check(dir.path()))
        .into_iter()
        .map(|(name, _, _, _)| name)
        .collect();
    files.sort();
    assert_eq!(files, ["new-signup.ts", "signup.ts"]);
    // The CLI applies them too, with relative paths from inside the workspace.
    let (code, stdout, _) = cli(&dir.path().join("src"), &["check", "--format", "json", "."]);
    assert_eq!(code, 1);
    let report: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let paths = |key: &str| -> Vec<String> {
        report[key]
            .as_array()
            .unwrap()
            .iter()
            .map(|item| item["path"].as_str().unwrap().to_string())
            .collect()
    };
    assert_eq!(paths("findings"), ["signup.ts"]);
    // Left out, and counted as such.
    assert_eq!(paths("skipped"), ["signup.test.ts"]);
    assert_eq!(
        report["skipped"][0]["reason"],
        "ignored by the configuration's `ignore`"
    );
}

// ---------------------------------------------------------------------------------------------
// Invalid configurations

#[test]
fn invalid_configs_name_file_line_and_key() {
    // (file text, 1-based line, key, part of the message)
    let cases: &[(&str, u32, &str, &str)] = &[
        ("colour = \"red\"\n", 1, "colour", "unknown field"),
        (
            "[rules]\nCIO002 = \"loud\"\n",
            2,
            "rules.CIO002",
            "unknown level `loud`, expected one of `off`",
        ),
        ("[rules]\nCIO002 = 3\n", 2, "rules.CIO002", "invalid type"),
        (
            "\n[rules]\nCIO099 = \"off\"\n",
            3,
            "rules.CIO099",
            "unknown rule id",
        ),
        (
            "[rules]\ncio002 = \"off\"\n",
            2,
            "rules.cio002",
            "did you mean `CIO002`",
        ),
        (
            "event_name_style = \"kebab-case\"\n",
            1,
            "event_name_style",
            "kebab-case",
        ),
        ("ignore = \"dist\"\n", 1, "ignore", "invalid type"),
        (
            "ignore = [\"ok\", \"a[b\"]\n",
            1,
            "ignore[1]",
            "invalid glob",
        ),
        (
            "[clients]\nnames = { analytics = \"segment\" }\n",
            2,
            "clients.names.analytics",
            "unknown SDK family",
        ),
        (
            "[clients]\nnames = { \"not a name\" = \"track\" }\n",
            2,
            "clients.names.\"not a name\"",
            "not a name",
        ),
        (
            "[clients]\npackages = { \"@acme/x\" = \"left-pad\" }\n",
            2,
            "clients.packages.\"@acme/x\"",
            "not a Customer.io package",
        ),
        (
            "[clients]\nnicknames = {}\n",
            2,
            "clients.nicknames",
            "unknown field",
        ),
        (
            "rule_dirs = [\"..\"]\n",
            1,
            "rule_dirs[0]",
            "outside the workspace root",
        ),
        ("rule_dirs = [\"missing\"]\n", 1, "rule_dirs[0]", "missing"),
    ];
    for (text, line, key, message) in cases {
        let error = parse_error(text);
        let shown = error.to_string();
        assert_eq!(error.line, *line, "{text:?}: {shown}");
        assert_eq!(error.key.as_deref(), Some(*key), "{text:?}: {shown}");
        assert!(shown.contains(message), "{text:?}: {shown}");
        assert!(
            shown.contains(&format!("{FILE_NAME}:{line}:")),
            "{text:?}: {shown}"
        );
        assert!(shown.contains(&format!("`{key}`")), "{text:?}: {shown}");
    }
}

#[test]
fn a_syntax_error_names_its_line_and_column() {
    let error = parse_error("[rules]\nCIO002 = \n");
    assert_eq!((error.line, error.column), (2, 10), "{error}");
    assert!(error.span.is_some());
}

#[test]
fn the_cli_exits_2_on_an_invalid_config() {
    let dir = workspace(&[
        (FILE_NAME, "[rules]\nCIO002 = \"loud\"\n"),
        ("signup.ts", &cio002_file()),
    ]);
    let (code, stdout, stderr) = cli(dir.path(), &["check", "."]);
    assert_eq!(code, 2, "{stdout}{stderr}");
    assert!(stderr.contains("cio-lsp.toml:2:10"), "{stderr}");
    assert!(stderr.contains("`rules.CIO002`"), "{stderr}");
    let (code, _, stderr) = cli(dir.path(), &["check", "--config", "nope.toml", "."]);
    assert_eq!(code, 2);
    assert!(stderr.contains("nope.toml"), "{stderr}");
}

// ---------------------------------------------------------------------------------------------
// Suppressions

fn suppressed_rules(source: &str) -> Vec<(usize, String)> {
    let dir = workspace(&[("signup.ts", source)]);
    summary(&check(dir.path()))
        .into_iter()
        .map(|(_, line, rule, _)| (line, rule))
        .collect()
}

#[test]
fn each_suppression_form_suppresses_its_findings() {
    let body =
        |lines: &str| format!("{CLIENT}export async function signup(id: string) {{\n{lines}}}\n");
    let hit = "  await cio.identify(id, { email: id, created_at: Date.now() });\n";
    // next-line, with a reason
    let source = body(&format!(
        "  // cio-lsp-disable-next-line CIO002 -- imported data is in ms upstream\n{hit}{hit}"
    ));
    assert_eq!(suppressed_rules(&source), [(6, "CIO002".to_string())]);
    // same line, block comment, no id
    let source = body(&format!(
        "  await cio.identify(id, {{ email: id, created_at: Date.now() }}); /* cio-lsp-disable-line */\n{hit}"
    ));
    assert_eq!(suppressed_rules(&source), [(5, "CIO002".to_string())]);
    // several ids separated by commas
    let source = body(&format!(
        "{hit}  await cio.identify(id, {{ email: id, created_at: Date.now() }}); // cio-lsp-disable-line CIO004,CIO002\n"
    ));
    // (CIO004 reports nothing on that line, so that part of the list is reported unused)
    assert_eq!(
        suppressed_rules(&source),
        [
            (4, "CIO002".to_string()),
            (5, UNUSED_SUPPRESSION.to_string())
        ]
    );
    // file-level, anywhere in the file
    let source = format!(
        "/* cio-lsp-disable-file CIO002 */\n{}",
        body(&format!("{hit}{hit}"))
    );
    assert!(suppressed_rules(&source).is_empty());
    // another rule's suppression does not hide CIO002 (and is itself unused)
    let source = body(&format!("  // cio-lsp-disable-next-line CIO004\n{hit}"));
    assert_eq!(
        suppressed_rules(&source),
        [
            (4, UNUSED_SUPPRESSION.to_string()),
            (5, "CIO002".to_string())
        ]
    );
    // the marker inside a string is not a suppression
    let source = body(&format!(
        "  const note = \"// cio-lsp-disable-next-line\";\n{hit}"
    ));
    assert_eq!(suppressed_rules(&source), [(5, "CIO002".to_string())]);
}

#[test]
fn an_unused_suppression_is_a_hint_whose_fix_removes_it() {
    let source = format!(
        "{CLIENT}export async function signup(id: string) {{\n  // cio-lsp-disable-next-line -- nothing here\n  await cio.identify(id, {{ email: id, created_at: 1700000000 }});\n}}\n"
    );
    let dir = workspace(&[("signup.ts", &source)]);
    let report = check(dir.path());
    let findings = findings_of(&report, "signup.ts");
    assert_eq!(findings.len(), 1, "{findings:?}");
    let hint = findings[0];
    assert_eq!(hint.rule, UNUSED_SUPPRESSION);
    assert_eq!(hint.severity, Severity::Hint);
    assert_eq!(
        &source[hint.range.clone()],
        "// cio-lsp-disable-next-line -- nothing here"
    );
    let fixed = apply_edits(&source, &hint.fixes[0].edits).unwrap();
    assert_eq!(
        fixed,
        format!("{CLIENT}export async function signup(id: string) {{\n  await cio.identify(id, {{ email: id, created_at: 1700000000 }});\n}}\n")
    );
    assert!(!parse(Lang::TypeScript, &fixed, None)
        .root_node()
        .has_error());
}

#[test]
fn an_unused_id_in_a_list_is_reported_and_its_fix_keeps_the_used_ones() {
    let source = format!(
        "{CLIENT}export async function signup(id: string) {{\n  // cio-lsp-disable-next-line CIO002, CIO02 -- typo\n  await cio.identify(id, {{ email: id, created_at: Date.now() }});\n}}\n"
    );
    let dir = workspace(&[("signup.ts", &source)]);
    let report = check(dir.path());
    let findings = findings_of(&report, "signup.ts");
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].rule, UNUSED_SUPPRESSION);
    assert_eq!(&source[findings[0].range.clone()], "CIO02");
    assert!(
        findings[0].message.contains("no such rule"),
        "{}",
        findings[0].message
    );
    let fixed = apply_edits(&source, &findings[0].fixes[0].edits).unwrap();
    assert!(
        fixed.contains("// cio-lsp-disable-next-line CIO002 -- typo\n"),
        "{fixed}"
    );
}

#[test]
fn unused_suppression_can_be_configured_and_off_rules_are_not_judged() {
    let source = format!("// cio-lsp-disable-next-line CIO002\n{CLIENT}");
    let off = workspace(&[
        (FILE_NAME, "[rules]\nunused-suppression = \"off\"\n"),
        ("signup.ts", &source),
    ]);
    assert!(summary(&check(off.path())).is_empty());
    let warned = workspace(&[
        (FILE_NAME, "[rules]\nunused-suppression = \"warning\"\n"),
        ("signup.ts", &source),
    ]);
    assert_eq!(
        summary(&check(warned.path())),
        [(
            "signup.ts".into(),
            1,
            UNUSED_SUPPRESSION.into(),
            Severity::Warning
        )]
    );
    // A suppression of a rule that is turned off cannot be judged: no hint.
    let rule_off = workspace(&[
        (FILE_NAME, "[rules]\nCIO002 = \"off\"\n"),
        ("signup.ts", &source),
    ]);
    assert!(summary(&check(rule_off.path())).is_empty());
}

#[test]
fn the_disable_edit_suppresses_the_finding_it_was_made_for() {
    let source = format!(
        "{CLIENT}export async function signup(id: string) {{\n    if (id) {{\n        await cio.identify(id, {{ email: id, created_at: Date.now() }});\n    }}\n}}\n"
    );
    let dir = workspace(&[("signup.ts", &source)]);
    let report = check(dir.path());
    let finding = findings_of(&report, "signup.ts")[0].clone();
    let edit = suppress::disable_next_line_edit(&source, finding.range.clone(), &finding.rule);
    assert_eq!(
        edit.new_text,
        "        // cio-lsp-disable-next-line CIO002\n"
    );
    let fixed = apply_edits(&source, &[edit]).unwrap();
    assert!(!parse(Lang::TypeScript, &fixed, None)
        .root_node()
        .has_error());
    let again = workspace(&[("signup.ts", &fixed)]);
    assert!(summary(&check(again.path())).is_empty());
}

// ---------------------------------------------------------------------------------------------
// User rules

#[path = "support/user_rule.rs"]
mod user_rule;
use user_rule::{DESTROY_META, DESTROY_QUERY};

fn source_for_forget() -> String {
    format!("{CLIENT}export async function forget(id: string) {{\n  await cio.destroy(id);\n  await other.destroy(id);\n}}\n")
}

/// A workspace with the ACME001 user rule and `src/forget.ts` (one hit, on line 4).
fn user_rule_workspace(extra: &[(&str, &str)]) -> TempDir {
    let source = source_for_forget();
    let mut files: Vec<(&str, &str)> = vec![
        (FILE_NAME, "rule_dirs = [\"cio-rules\"]\n"),
        ("cio-rules/no-destroy.scm", DESTROY_QUERY),
        ("cio-rules/no-destroy.toml", DESTROY_META),
        ("src/forget.ts", &source),
    ];
    files.extend_from_slice(extra);
    workspace(&files)
}

#[test]
fn a_user_rule_reports_with_captures_fix_and_docs() {
    let dir = user_rule_workspace(&[]);
    let config = config::load(&dir.path().join(FILE_NAME)).unwrap();
    assert!(
        config.user_rules.errors.is_empty(),
        "{:?}",
        config.user_rules.errors
    );
    let rule = config.user_rules.find("ACME001").unwrap();
    assert!(rule.docs.contains("suppress, never destroy"));
    let report = check(dir.path());
    let findings = findings_of(&report, "forget.ts");
    assert_eq!(
        findings.len(),
        1,
        "only the Customer.io client: {findings:?}"
    );
    let finding = findings[0];
    let source = source_for_forget();
    assert_eq!(finding.rule, "ACME001");
    assert_eq!(finding.severity, Severity::Warning);
    assert_eq!(&source[finding.range.clone()], "cio.destroy(id)");
    assert_eq!(
        finding.message,
        "`destroy` deletes id and their history; suppress them instead"
    );
    let fixed = apply_edits(&source, &finding.fixes[0].edits).unwrap();
    assert!(fixed.contains("await cio.suppress(id);"), "{fixed}");
    // Levels and suppressions apply to user rules like built-in ones.
    std::fs::write(
        dir.path().join(FILE_NAME),
        "rule_dirs = [\"cio-rules\"]\n[rules]\nACME001 = \"error\"\n",
    )
    .unwrap();
    assert_eq!(
        summary(&check(dir.path())),
        [("forget.ts".into(), 4, "ACME001".into(), Severity::Error)]
    );
    std::fs::write(
        dir.path().join("src/forget.ts"),
        source.replace(
            "  await cio.destroy",
            "  // cio-lsp-disable-next-line ACME001\n  await cio.destroy",
        ),
    )
    .unwrap();
    assert!(summary(&check(dir.path())).is_empty());
}

#[test]
fn user_rules_run_in_the_cli_and_a_broken_one_is_reported_while_the_rest_run() {
    let dir = user_rule_workspace(&[
        (
            "cio-rules/broken.scm",
            "(call_expression (no_such_node) @x)\n",
        ),
        (
            "cio-rules/broken.toml",
            "id = \"ACME002\"\nname = \"broken\"\nseverity = \"error\"\nmessage = \"never\"\n",
        ),
        ("cio-rules/lonely.scm", "(identifier) @x\n"),
    ]);
    let (code, stdout, stderr) = cli(dir.path(), &["check", "--format", "json", "src"]);
    assert_eq!(code, 0, "a warning only: {stdout}{stderr}");
    let document: serde_json::Value = serde_json::from_str(&stdout).unwrap();
    let mut found = Vec::new();
    rules_in_json(&document, &mut found);
    assert_eq!(found.len(), 1, "{found:?}");
    assert_eq!(found[0].0, "ACME001");
    assert!(found[0].1.contains("deletes id"), "{found:?}");
    assert!(stderr.contains("broken.scm"), "{stderr}");
    assert!(
        stderr.contains("no_such_node"),
        "the tree-sitter error: {stderr}"
    );
    assert!(stderr.contains("lonely.scm"), "{stderr}");

    let (code, stdout, _) = cli(dir.path(), &["rules"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("CIO002"), "{stdout}");
    let acme = stdout.lines().find(|l| l.starts_with("ACME001")).unwrap();
    assert!(
        acme.contains("no-destroy") && acme.contains("warning"),
        "{acme}"
    );

    let (code, stdout, _) = cli(dir.path(), &["explain", "ACME001"]);
    assert_eq!(code, 0);
    assert!(stdout.contains("suppress, never destroy"), "{stdout}");
}

#[test]
fn bad_user_rule_metadata_is_reported_with_its_file() {
    let dir = workspace(&[
        (FILE_NAME, "rule_dirs = [\"rules\"]\n"),
        ("rules/a.scm", "(identifier) @name\n"),
        (
            "rules/a.toml",
            "id = \"CIO777\"\nname = \"a\"\nseverity = \"warning\"\nmessage = \"m\"\n",
        ),
        ("rules/b.scm", "(identifier) @name\n"),
        (
            "rules/b.toml",
            "id = \"B1\"\nname = \"b\"\nseverity = \"loud\"\nmessage = \"m\"\n",
        ),
        ("rules/c.scm", "(identifier) @name\n"),
        (
            "rules/c.toml",
            "id = \"C1\"\nname = \"c\"\nseverity = \"info\"\nmessage = \"{{nam}}\"\n",
        ),
        ("rules/d.scm", "(identifier) @name\n"),
        (
            "rules/d.toml",
            "id = \"D1\"\nname = \"d\"\nseverity = \"info\"\nmessage = \"m\"\nwhen = 1\n",
        ),
    ]);
    let config = config::load(&dir.path().join(FILE_NAME)).unwrap();
    assert!(config.user_rules.rules.is_empty());
    let errors: Vec<String> = config
        .user_rules
        .errors
        .iter()
        .map(|e| e.to_string())
        .collect();
    assert_eq!(errors.len(), 4, "{errors:#?}");
    assert!(
        errors[0].contains("a.toml") && errors[0].contains("reserved"),
        "{errors:#?}"
    );
    assert!(
        errors[1].contains("b.toml") && errors[1].contains("line 3"),
        "{errors:#?}"
    );
    assert!(
        errors[2].contains("c.toml") && errors[2].contains("`@nam`"),
        "{errors:#?}"
    );
    assert!(
        errors[3].contains("d.toml") && errors[3].contains("when"),
        "{errors:#?}"
    );
}

#[test]
fn rule_levels_may_name_user_rules_but_not_unknown_ones() {
    let dir = user_rule_workspace(&[]);
    let path = dir.path().join(FILE_NAME);
    std::fs::write(
        &path,
        "rule_dirs = [\"cio-rules\"]\n[rules]\nACME001 = \"off\"\n",
    )
    .unwrap();
    assert!(config::load(&path).is_ok());
    std::fs::write(&path, "[rules]\nACME001 = \"off\"\n").unwrap();
    let error = config::load(&path).unwrap_err();
    assert_eq!(error.key.as_deref(), Some("rules.ACME001"));
}

// ---------------------------------------------------------------------------------------------
// Schema ↔ parser agreement

/// A deserializer that records the field names a `#[derive(Deserialize)]` struct accepts.
struct FieldRecorder<'a>(&'a RefCell<Vec<&'static str>>);

impl<'de> serde::Deserializer<'de> for FieldRecorder<'_> {
    type Error = serde::de::value::Error;

    fn deserialize_any<V: serde::de::Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
        Err(serde::de::Error::custom("not a struct"))
    }

    fn deserialize_struct<V: serde::de::Visitor<'de>>(
        self,
        _name: &'static str,
        fields: &'static [&'static str],
        _visitor: V,
    ) -> Result<V::Value, Self::Error> {
        self.0.borrow_mut().extend_from_slice(fields);
        Err(serde::de::Error::custom("recorded"))
    }

    serde::forward_to_deserialize_any! {
        bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes byte_buf
        option unit unit_struct newtype_struct seq tuple tuple_struct map enum identifier
        ignored_any
    }
}

fn accepted_keys<T: for<'de> Deserialize<'de>>() -> BTreeSet<String> {
    let fields = RefCell::new(Vec::new());
    let _ = T::deserialize(FieldRecorder(&fields));
    fields.into_inner().into_iter().map(String::from).collect()
}

fn schema(name: &str) -> serde_json::Value {
    let path = PathBuf::from(env!("CARGO_MANIFEST_DIR"))
        .join("../schemas")
        .join(name);
    serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap()
}

fn documented_keys(object: &serde_json::Value) -> BTreeSet<String> {
    object["properties"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect()
}

fn enum_values(value: &serde_json::Value) -> Vec<String> {
    value["enum"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect()
}

#[test]
fn the_config_schema_documents_exactly_the_keys_the_parser_accepts() {
    let schema = schema("cio-lsp.schema.json");
    assert_eq!(documented_keys(&schema), accepted_keys::<ConfigFile>());
    assert_eq!(schema["additionalProperties"], false);
    let clients = &schema["properties"]["clients"];
    assert_eq!(documented_keys(clients), accepted_keys::<ClientsTable>());
    assert_eq!(clients["additionalProperties"], false);

    // Rule ids: every built-in rule and unused-suppression.
    let mut ids: BTreeSet<String> = RULES.iter().map(|r| r.id.to_string()).collect();
    ids.insert(UNUSED_SUPPRESSION.to_string());
    assert_eq!(documented_keys(&schema["properties"]["rules"]), ids);

    // Values: levels, styles, SDK families, packages.
    let levels = enum_values(&schema["definitions"]["level"]);
    let parser_levels: Vec<&str> = Level::ALL.iter().map(|l| l.as_str()).collect();
    assert_eq!(levels, parser_levels);
    for style in enum_values(&schema["properties"]["event_name_style"]) {
        config::parse(
            Path::new(FILE_NAME),
            &format!("event_name_style = \"{style}\""),
        )
        .unwrap();
    }
    let families = enum_values(&clients["properties"]["names"]["additionalProperties"]);
    assert_eq!(families, CLIENT_FAMILIES);
    assert!(families.iter().all(|f| Sdk::from_family(f).is_some()));
    let packages = enum_values(&clients["properties"]["packages"]["additionalProperties"]);
    assert_eq!(packages, CUSTOMERIO_PACKAGES);

    // A file using every documented key with every documented value parses.
    let mut every = String::from(
        "event_name_style = \"camelCase\"\nignore = [\"dist\"]\nrule_dirs = []\nroot = true\n[rules]\n",
    );
    for (id, level) in ids.iter().zip(levels.iter().cycle()) {
        every.push_str(&format!("\"{id}\" = \"{level}\"\n"));
    }
    every.push_str("[clients.names]\n");
    for (i, family) in families.iter().enumerate() {
        every.push_str(&format!("client{i} = \"{family}\"\n"));
    }
    every.push_str("[clients.packages]\n");
    for (i, package) in packages.iter().enumerate() {
        every.push_str(&format!("\"@acme/wrapper{i}\" = \"{package}\"\n"));
    }
    let config = config::parse(Path::new(FILE_NAME), &every).unwrap();
    assert_eq!(config.rule_levels.len(), ids.len());
    assert_eq!(config.extra_clients.len(), families.len());
    assert_eq!(config.extra_packages.len(), packages.len());
}

#[test]
fn the_rule_metadata_schema_documents_exactly_the_keys_the_parser_accepts() {
    let schema = schema("cio-lsp-rule.schema.json");
    assert_eq!(documented_keys(&schema), accepted_keys::<RuleMeta>());
    let severities = enum_values(&schema["properties"]["severity"]);
    for severity in &severities {
        let meta =
            format!("id = \"X1\"\nname = \"x\"\nseverity = \"{severity}\"\nmessage = \"m\"\n");
        toml::from_str::<RuleMeta>(&meta).unwrap();
    }
    assert_eq!(severities, ["hint", "info", "warning", "error"]);
    for language in enum_values(&schema["properties"]["languages"]["items"]) {
        let meta = format!("id = \"X1\"\nname = \"x\"\nseverity = \"info\"\nmessage = \"m\"\nlanguages = [\"{language}\"]\n");
        toml::from_str::<RuleMeta>(&meta).unwrap();
    }
    let required: BTreeSet<String> = schema["required"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap().to_string())
        .collect();
    let minimal = "id = \"X1\"\nname = \"x\"\nseverity = \"info\"\nmessage = \"m\"\n";
    toml::from_str::<RuleMeta>(minimal).unwrap();
    for key in &required {
        let without: String = minimal
            .lines()
            .filter(|l| !l.starts_with(&format!("{key} ")))
            .map(|l| format!("{l}\n"))
            .collect();
        assert!(
            toml::from_str::<RuleMeta>(&without).is_err(),
            "{key} is required"
        );
    }
}
