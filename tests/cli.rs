//! `cio-lsp` on real files: the built binary runs on temporary directories and on `examples/`.
//!
//! The report snapshots (`tests/snapshots/cli__*.snap`) use a small fixed project whose only
//! mistakes are CIO002's, so that they stay stable while other rules change; the tool version
//! and absolute paths are redacted.

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use cio_lsp::analysis::rules::RULES;
use serde_json::Value;

const VERSION: &str = env!("CARGO_PKG_VERSION");

/// The fixed project: a client module, a file with two millisecond timestamps (one after an
/// emoji, so that UTF-16 columns differ from byte columns), and a clean file.
const CLIENT_TS: &str = r#"import { TrackClient, RegionUS } from "customerio-node";

export const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!, {
  region: RegionUS,
});

export async function unsubscribe(id: string) {
  await cio.suppress(id);
}
"#;

const SIGNUP_TS: &str = r#"import { cio } from "./customerio";

export async function recordSignup(user: { id: string; email: string }) {
  await cio.identify(user.id, { email: user.email, created_at: Date.now() });
}

export async function recordParty(user: { id: string }) {
  const startedAt = Date.now();
  await cio.track(user.id, { name: "party_started", data: { mood: "🎉", started_at: startedAt } });
}
"#;

const CLEAN_TS: &str = r#"import { cio } from "./customerio";

export async function recordLogin(userId: string) {
  await cio.track(userId, { name: "logged_in", data: { at_time: Math.floor(Date.now() / 1000) } });
}
"#;

const PACKAGE_JSON: &str = r#"{ "name": "fixture", "dependencies": { "customerio-node": "^4.1.1" } }
"#;

fn binary() -> &'static str {
    env!("CARGO_BIN_EXE_cio-lsp")
}

fn examples_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../examples")
}

fn write(dir: &Path, relative: &str, contents: impl AsRef<[u8]>) {
    let path = dir.join(relative);
    fs::create_dir_all(path.parent().unwrap()).unwrap();
    fs::write(path, contents).unwrap();
}

/// A temporary copy of the fixed project.
fn fixture() -> tempfile::TempDir {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "package.json", PACKAGE_JSON);
    write(dir.path(), "src/customerio.ts", CLIENT_TS);
    write(dir.path(), "src/signup.ts", SIGNUP_TS);
    write(dir.path(), "src/login.ts", CLEAN_TS);
    dir
}

/// Runs `cio-lsp ARGS` in `dir` with piped output (so: no colour, no progress bar).
fn run(dir: &Path, args: &[&str]) -> Output {
    Command::new(binary())
        .args(args)
        .current_dir(dir)
        .env_remove("NO_COLOR")
        .stdin(Stdio::null())
        .output()
        .unwrap()
}

fn code(output: &Output) -> i32 {
    output.status.code().expect("exited normally")
}

fn stdout(output: &Output) -> String {
    String::from_utf8(output.stdout.clone()).unwrap()
}

fn stderr(output: &Output) -> String {
    String::from_utf8(output.stderr.clone()).unwrap()
}

fn json_report(dir: &Path, args: &[&str]) -> Value {
    let mut all = vec!["check", "--format", "json"];
    all.extend_from_slice(args);
    let output = run(dir, &all);
    serde_json::from_slice(&output.stdout)
        .unwrap_or_else(|e| panic!("not JSON ({e}): {}{}", stdout(&output), stderr(&output)))
}

fn redact_version(text: &str) -> String {
    text.replace(&format!("\"{VERSION}\""), "\"[version]\"")
}

// ---- formats -----------------------------------------------------------------------------

#[test]
fn human_format() {
    let dir = fixture();
    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    insta::assert_snapshot!("human", stdout(&output));
}

#[test]
fn json_format() {
    let dir = fixture();
    let output = run(dir.path(), &["check", "--format", "json"]);
    assert_eq!(code(&output), 1);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["version"], 1);
    assert_eq!(report["tool"]["version"], VERSION);
    insta::assert_snapshot!("json", redact_version(&stdout(&output)));
}

#[test]
fn github_format() {
    let dir = fixture();
    let output = run(dir.path(), &["check", "--format", "github"]);
    assert_eq!(code(&output), 1);
    insta::assert_snapshot!("github", stdout(&output));
}

#[test]
fn sarif_format() {
    let dir = fixture();
    let output = run(dir.path(), &["check", "--format", "sarif"]);
    assert_eq!(code(&output), 1);
    let mut sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    let run = &mut sarif["runs"][0];
    // Rule texts belong to the rules' docs (snapshotted there, checked below); here: their ids.
    let driver = &mut run["tool"]["driver"];
    let ids: Vec<Value> = driver["rules"]
        .as_array()
        .unwrap()
        .iter()
        .map(|rule| rule["id"].clone())
        .collect();
    driver["rules"] = Value::Array(ids);
    driver["version"] = "[version]".into();
    driver["semanticVersion"] = "[version]".into();
    let root = run["originalUriBaseIds"]["%SRCROOT%"]["uri"]
        .as_str()
        .unwrap();
    assert!(
        root.starts_with("file:///") && root.ends_with('/'),
        "{root}"
    );
    run["originalUriBaseIds"]["%SRCROOT%"]["uri"] = "[root]".into();
    insta::assert_snapshot!("sarif", serde_json::to_string_pretty(&sarif).unwrap());
}

/// The structure SARIF 2.1.0 requires and GitHub code scanning reads.
#[test]
fn sarif_is_valid() {
    let dir = fixture();
    write(dir.path(), "src/binary.ts", b"\0\x01\x02");
    let output = run(dir.path(), &["check", "--format", "sarif"]);
    let sarif: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(sarif["version"], "2.1.0");
    assert!(sarif["$schema"].as_str().unwrap().contains("sarif-2.1.0"));
    let runs = sarif["runs"].as_array().unwrap();
    assert_eq!(runs.len(), 1);
    let run = &runs[0];
    let driver = &run["tool"]["driver"];
    assert_eq!(driver["name"], "cio-lsp");
    assert_eq!(driver["version"], VERSION);
    let rules = driver["rules"].as_array().unwrap();
    assert_eq!(rules.len(), RULES.len());
    for rule in rules {
        let id = rule["id"].as_str().unwrap();
        assert!(id.starts_with("CIO"), "{id}");
        assert!(rule["name"].as_str().is_some_and(|n| !n.is_empty()), "{id}");
        for text in [
            &rule["shortDescription"]["text"],
            &rule["fullDescription"]["text"],
            &rule["help"]["text"],
            &rule["help"]["markdown"],
        ] {
            assert!(text.as_str().is_some_and(|t| !t.is_empty()), "{id}");
        }
        let level = rule["defaultConfiguration"]["level"].as_str().unwrap();
        assert!(["error", "warning", "note"].contains(&level), "{id}");
        // The one place for the project's address is Cargo.toml's `repository`.
        let help = rule["helpUri"].as_str().unwrap();
        assert!(help.starts_with(env!("CARGO_PKG_REPOSITORY")), "{help}");
    }
    assert_eq!(driver["informationUri"], env!("CARGO_PKG_REPOSITORY"));
    assert_eq!(run["columnKind"], "utf16CodeUnits");
    let results = run["results"].as_array().unwrap();
    assert_eq!(results.len(), 2);
    for result in results {
        let index = result["ruleIndex"].as_u64().unwrap() as usize;
        assert_eq!(rules[index]["id"], result["ruleId"]);
        assert!(["error", "warning", "note"].contains(&result["level"].as_str().unwrap()));
        assert!(!result["message"]["text"].as_str().unwrap().is_empty());
        let location = &result["locations"][0]["physicalLocation"];
        let uri = location["artifactLocation"]["uri"].as_str().unwrap();
        assert!(!uri.starts_with('/') && !uri.contains(':'), "{uri}");
        assert_eq!(location["artifactLocation"]["uriBaseId"], "%SRCROOT%");
        assert_region(&location["region"]);
        for fix in result["fixes"].as_array().unwrap() {
            assert!(fix["description"]["text"].is_string());
            for change in fix["artifactChanges"].as_array().unwrap() {
                assert_eq!(change["artifactLocation"]["uri"], uri);
                for replacement in change["replacements"].as_array().unwrap() {
                    assert_region(&replacement["deletedRegion"]);
                    assert!(replacement["insertedContent"]["text"].is_string());
                }
            }
        }
    }
    let notifications = run["invocations"][0]["toolExecutionNotifications"]
        .as_array()
        .unwrap();
    assert_eq!(
        notifications.len(),
        1,
        "the binary file is reported as skipped"
    );
    assert_eq!(
        notifications[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
        "src/binary.ts"
    );
}

fn assert_region(region: &Value) {
    let number = |key: &str| region[key].as_u64().unwrap_or_else(|| panic!("{key}"));
    let (start, end) = (
        (number("startLine"), number("startColumn")),
        (number("endLine"), number("endColumn")),
    );
    assert!(start.0 >= 1 && start.1 >= 1, "1-based: {region}");
    assert!(start <= end, "{region}");
}

/// Applying the SARIF fixes by their line/UTF-16-column regions gives exactly what `--fix`
/// writes: the regions address the right text, emoji and all.
#[test]
fn sarif_fixes_apply_to_the_same_text_as_fix() {
    let dir = fixture();
    let sarif: Value =
        serde_json::from_slice(&run(dir.path(), &["check", "--format", "sarif"]).stdout).unwrap();
    let mut replacements: Vec<(usize, usize, String)> = Vec::new();
    for result in sarif["runs"][0]["results"].as_array().unwrap() {
        for change in result["fixes"][0]["artifactChanges"].as_array().unwrap() {
            assert_eq!(change["artifactLocation"]["uri"], "src/signup.ts");
            for replacement in change["replacements"].as_array().unwrap() {
                let region = &replacement["deletedRegion"];
                let at = |line: &str, column: &str| {
                    utf16_offset(
                        SIGNUP_TS,
                        region[line].as_u64().unwrap() as usize,
                        region[column].as_u64().unwrap() as usize,
                    )
                };
                replacements.push((
                    at("startLine", "startColumn"),
                    at("endLine", "endColumn"),
                    replacement["insertedContent"]["text"]
                        .as_str()
                        .unwrap()
                        .to_string(),
                ));
            }
        }
    }
    replacements.sort();
    let mut expected = SIGNUP_TS.to_string();
    for (start, end, text) in replacements.into_iter().rev() {
        expected.replace_range(start..end, &text);
    }
    let output = run(dir.path(), &["check", "--fix"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    assert_eq!(
        fs::read_to_string(dir.path().join("src/signup.ts")).unwrap(),
        expected
    );
}

/// Byte offset of a 1-based line and 1-based UTF-16 column (an independent implementation).
fn utf16_offset(text: &str, line: usize, column: usize) -> usize {
    let line_start: usize = text
        .split_inclusive('\n')
        .take(line - 1)
        .map(str::len)
        .sum();
    let mut units = 0;
    for (i, ch) in text[line_start..].char_indices() {
        if units == column - 1 {
            return line_start + i;
        }
        units += ch.len_utf16();
    }
    panic!("column {column} is past line {line}")
}

#[test]
fn report_can_go_to_a_file() {
    let dir = fixture();
    let output = run(
        dir.path(),
        &["check", "--format", "sarif", "--output", "out.sarif"],
    );
    assert_eq!(code(&output), 1);
    assert!(output.stdout.is_empty());
    let sarif: Value =
        serde_json::from_str(&fs::read_to_string(dir.path().join("out.sarif")).unwrap()).unwrap();
    assert_eq!(sarif["runs"][0]["results"].as_array().unwrap().len(), 2);
}

/// A device or a pipe is written to directly: no temporary file, no fsync (which fails on
/// them), and the report arrives whole.
#[cfg(unix)]
#[test]
fn report_can_go_to_a_device_or_a_pipe() {
    let dir = fixture();
    let null = run(dir.path(), &["check", "-o", "/dev/null"]);
    assert_eq!(code(&null), 1, "{}", stderr(&null));
    assert_eq!(stderr(&null), "");
    let piped = run(
        dir.path(),
        &["check", "--format", "json", "-o", "/dev/stdout"],
    );
    assert_eq!(code(&piped), 1, "{}", stderr(&piped));
    let report: Value = serde_json::from_slice(&piped.stdout).unwrap();
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
}

/// A report file is replaced whole, keeping its permissions.
#[cfg(unix)]
#[test]
fn a_report_file_is_replaced_keeping_its_permissions() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture();
    let report = dir.path().join("report.json");
    fs::write(&report, "old").unwrap();
    fs::set_permissions(&report, fs::Permissions::from_mode(0o640)).unwrap();
    assert_eq!(
        code(&run(
            dir.path(),
            &["check", "--format", "json", "-o", "report.json"]
        )),
        1
    );
    let written: Value = serde_json::from_str(&fs::read_to_string(&report).unwrap()).unwrap();
    assert_eq!(written["findings"].as_array().unwrap().len(), 2);
    assert_eq!(
        fs::metadata(&report).unwrap().permissions().mode() & 0o777,
        0o640
    );
    let leftovers: Vec<_> = fs::read_dir(dir.path())
        .unwrap()
        .filter_map(|e| e.ok()?.file_name().into_string().ok())
        .filter(|name| name.starts_with(".cio-lsp"))
        .collect();
    assert!(leftovers.is_empty(), "{leftovers:?}");
}

#[test]
fn github_format_escapes_workflow_command_characters() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "package.json", PACKAGE_JSON);
    // A file name with `,` and `%`, which would otherwise end or garble the `file=` property.
    write(dir.path(), "a,b%c.ts", self_contained_hits());
    let output = run(dir.path(), &["check", "--format", "github"]);
    let first = stdout(&output).lines().next().unwrap().to_string();
    assert!(
        first.starts_with("::error file=a%2Cb%25c.ts,line="),
        "{first}"
    );
    assert!(
        first.contains(",title=CIO002 millisecond-timestamp::"),
        "{first}"
    );
}

// ---- exit codes --------------------------------------------------------------------------

#[test]
fn exit_0_when_clean() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "package.json", PACKAGE_JSON);
    write(dir.path(), "src/customerio.ts", CLIENT_TS);
    write(dir.path(), "src/login.ts", CLEAN_TS);
    for format in ["human", "json", "sarif", "github"] {
        let output = run(
            dir.path(),
            &["check", "--format", format, "--deny-warnings"],
        );
        assert_eq!(code(&output), 0, "{format}: {}", stdout(&output));
    }
    assert_eq!(
        stdout(&run(dir.path(), &["check"])),
        "No problems found (2 files checked).\n"
    );
}

#[test]
fn exit_1_on_errors_in_every_format() {
    let dir = fixture();
    for format in ["human", "json", "sarif", "github"] {
        assert_eq!(
            code(&run(dir.path(), &["check", "--format", format])),
            1,
            "{format}"
        );
    }
    assert_eq!(code(&run(dir.path(), &["check", "--deny-warnings"])), 1);
}

#[test]
fn exit_2_on_usage_errors() {
    let dir = fixture();
    let missing = run(dir.path(), &["check", "does-not-exist"]);
    assert_eq!(code(&missing), 2);
    assert!(
        stderr(&missing).contains("does-not-exist"),
        "{}",
        stderr(&missing)
    );
    assert_eq!(
        code(&run(dir.path(), &["check", "src", "does-not-exist"])),
        2
    );
    assert_eq!(code(&run(dir.path(), &["check", "--format", "xml"])), 2);
    assert_eq!(code(&run(dir.path(), &["check", "--no-such-flag"])), 2);
    assert_eq!(code(&run(dir.path(), &["no-such-command"])), 2);
}

#[test]
fn exit_2_when_the_report_cannot_be_written() {
    let dir = fixture();
    let output = run(
        dir.path(),
        &["check", "--output", "missing-dir/report.json"],
    );
    assert_eq!(code(&output), 2);
    assert!(
        stderr(&output).contains("missing-dir/report.json"),
        "{}",
        stderr(&output)
    );
    // A directory is not a writable report file either.
    assert_eq!(code(&run(dir.path(), &["check", "--output", "src"])), 2);
}

#[cfg(target_os = "linux")]
#[test]
fn exit_2_when_standard_output_is_full() {
    let Ok(full) = fs::OpenOptions::new().write(true).open("/dev/full") else {
        return; // no /dev/full in this sandbox
    };
    let dir = fixture();
    let status = Command::new(binary())
        .args(["check", "--format", "json"])
        .current_dir(dir.path())
        .stdout(full)
        .stderr(Stdio::null())
        .status()
        .unwrap();
    assert_eq!(status.code(), Some(2));
}

// ---- --fix -------------------------------------------------------------------------------

#[test]
fn fix_then_check_is_clean() {
    let dir = fixture();
    let signup = dir.path().join("src/signup.ts");
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        fs::set_permissions(&signup, fs::Permissions::from_mode(0o640)).unwrap();
    }
    let output = run(dir.path(), &["check", "--fix"]);
    assert_eq!(code(&output), 0, "{}{}", stdout(&output), stderr(&output));
    assert_eq!(
        stdout(&output),
        "Fixed 2 problems in 1 file:\n  src/signup.ts: 2 fixes\nNo problems found (3 files checked).\n"
    );
    let fixed = fs::read_to_string(&signup).unwrap();
    assert!(
        fixed.contains("created_at: Math.floor(Date.now() / 1000)"),
        "{fixed}"
    );
    assert!(
        fixed.contains("started_at: Math.floor(startedAt / 1000)"),
        "{fixed}"
    );
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        let mode = fs::metadata(&signup).unwrap().permissions().mode();
        assert_eq!(mode & 0o777, 0o640, "the fixed file keeps its permissions");
    }
    // No temporary file is left behind.
    let names: Vec<_> = fs::read_dir(dir.path().join("src"))
        .unwrap()
        .map(|e| e.unwrap().file_name().into_string().unwrap())
        .collect();
    assert_eq!(names.len(), 3, "{names:?}");

    let again = json_report(dir.path(), &[]);
    assert_eq!(again["findings"], Value::Array(vec![]));
    // A second --fix finds nothing to do and leaves the file alone.
    let output = run(dir.path(), &["check", "--fix", "--format", "json"]);
    assert_eq!(code(&output), 0);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(report["summary"]["fixes_applied"], 0);
    assert_eq!(fs::read_to_string(&signup).unwrap(), fixed);
}

#[test]
fn fix_reports_what_it_fixed_in_json() {
    let dir = fixture();
    let report = json_report(dir.path(), &["--fix"]);
    assert_eq!(
        report["fixed"],
        serde_json::json!([{ "path": "src/signup.ts", "fixes": 2 }])
    );
    assert_eq!(report["summary"]["fixes_applied"], 2);
    assert_eq!(report["summary"]["errors"], 0);
}

/// ESLint's habits: `--quiet`, `--max-warnings`, `--rule`.
#[test]
fn quiet_max_warnings_and_rule() {
    let dir = fixture();
    // Two CIO002 errors, and a CIO006 warning in a file of its own.
    write(
        dir.path(),
        "src/viewed.ts",
        "import { cio } from \"./customerio\";\nexport function viewed(id: string, sku: string) {\n  return cio.track(id, { name: `viewed_${sku}` }).catch(() => {});\n}\n",
    );
    assert_eq!(
        rules_of(&json_report(dir.path(), &[])),
        ["CIO002", "CIO002", "CIO006"]
    );
    assert_eq!(
        rules_of(&json_report(dir.path(), &["--quiet"])),
        ["CIO002", "CIO002"]
    );
    assert_eq!(
        rules_of(&json_report(dir.path(), &["--rule", "dynamic-event-name"])),
        ["CIO006"]
    );
    assert_eq!(
        rules_of(&json_report(dir.path(), &["--rule", "CIO006,cio002"])),
        ["CIO002", "CIO002", "CIO006"]
    );
    // Warnings alone: exit 0, unless more than --max-warnings.
    let warnings_only = ["check", "--rule", "CIO006"];
    assert_eq!(code(&run(dir.path(), &warnings_only)), 0);
    assert_eq!(
        code(&run(
            dir.path(),
            &[&warnings_only[..], &["--max-warnings", "1"]].concat()
        )),
        0
    );
    assert_eq!(
        code(&run(
            dir.path(),
            &[&warnings_only[..], &["--max-warnings", "0"]].concat()
        )),
        1
    );
    assert_eq!(
        code(&run(
            dir.path(),
            &[&warnings_only[..], &["--deny-warnings"]].concat()
        )),
        1
    );
    // --quiet drops the warnings the maximum would count.
    assert_eq!(
        code(&run(
            dir.path(),
            &[
                "check",
                "--rule",
                "CIO006",
                "--quiet",
                "--max-warnings",
                "0"
            ]
        )),
        0
    );
    let unknown = run(dir.path(), &["check", "--rule", "CIO999"]);
    assert_eq!(code(&unknown), 2);
    assert!(
        stderr(&unknown).contains("no rule `CIO999`"),
        "{}",
        stderr(&unknown)
    );
}

/// `check --format json --stdin --stdin-filename NAME` run in `dir` with `text` piped in.
fn check_stdin(dir: &Path, name: &str, text: &str) -> Output {
    use std::io::Write;
    let mut child = Command::new(binary())
        .args([
            "check",
            "--format",
            "json",
            "--stdin",
            "--stdin-filename",
            name,
        ])
        .current_dir(dir)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(text.as_bytes())
        .unwrap();
    child.wait_with_output().unwrap()
}

/// The rule of each finding of a JSON report, in order.
fn rules_of(report: &Value) -> Vec<String> {
    report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap().to_string())
        .collect()
}

/// `--stdin --stdin-filename`: the piped text is checked as that file (an unsaved buffer).
#[test]
fn stdin_is_checked_as_the_named_file() {
    let dir = fixture();
    let output = check_stdin(dir.path(), "src/unsaved.ts", &self_contained_hits());
    assert_eq!(code(&output), 1, "{}", stderr(&output));
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2);
    assert!(findings
        .iter()
        .all(|f| f["path"] == "src/unsaved.ts" && f["rule"] == "CIO002"));
    assert!(!dir.path().join("src/unsaved.ts").exists());
    // Not a JavaScript or TypeScript name; --fix does not apply to a pipe.
    assert_eq!(
        code(&run(
            dir.path(),
            &["check", "--stdin", "--stdin-filename", "notes.md"]
        )),
        2
    );
    assert_eq!(
        code(&run(
            dir.path(),
            &["check", "--stdin", "--stdin-filename", "a.ts", "--fix"]
        )),
        2
    );
}

/// `--stdin`: the version of customerio-node comes from the `package.json` files above the
/// named file (a monorepo member that does not declare it runs against its root's) and from the
/// lockfile when the requirement says `latest`.
#[test]
fn stdin_reads_the_sdk_version_from_the_packages_above_the_file() {
    let legacy = "const CIO = require(\"customerio-node\");\n\
                  module.exports = new CIO(process.env.SITE_ID, process.env.TRACK_API_KEY);\n";
    let check = |dir: &Path, name: &str| -> Vec<String> {
        let output = check_stdin(dir, name, legacy);
        // Checked in its project, the buffer also gets the project's CIO008: only CIO015 asks
        // for the version.
        let mut rules = rules_of(&serde_json::from_slice(&output.stdout).unwrap());
        rules.retain(|rule| rule == "CIO015");
        rules
    };
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "package.json",
        r#"{"workspaces":["apps/*"],"dependencies":{"customerio-node":"latest"}}"#,
    );
    write(dir.path(), "apps/api/package.json", r#"{"name":"api"}"#);
    assert!(
        check(dir.path(), "apps/api/src/cio.js").is_empty(),
        "no lockfile: unknown"
    );
    write(
        dir.path(),
        "yarn.lock",
        "customerio-node@latest:\n  version \"4.2.0\"\n",
    );
    assert_eq!(check(dir.path(), "apps/api/src/cio.js"), ["CIO015"]);
}

#[test]
fn examples_show_the_catalog() {
    let readme = fs::read_to_string(examples_dir().join("README.md")).unwrap();
    for n in 1..=16 {
        let id = format!("CIO{n:03}");
        assert!(
            readme.contains(&id),
            "examples/README.md does not say where {id} is"
        );
    }
    let report = json_report(&examples_dir(), &[]);
    let fired: std::collections::BTreeSet<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    let every_rule: std::collections::BTreeSet<String> =
        (1..=16).map(|n| format!("CIO{n:03}")).collect();
    assert_eq!(
        fired,
        every_rule.iter().map(String::as_str).collect(),
        "every rule fires somewhere in examples/"
    );
    let mut cio002: Vec<String> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["rule"] == "CIO002")
        .map(|f| {
            format!(
                "{}:{}",
                f["path"].as_str().unwrap(),
                f["range"]["start"]["line"]
            )
        })
        .collect();
    cio002.sort();
    assert_eq!(
        cio002,
        [
            "express-app/public/tracking.js:6",
            "express-app/src/jobs/backfill.ts:15",
            "express-app/src/server.ts:16",
            "next-app/app/api/signup/route.ts:13",
            "next-app/app/components/analytics.ts:13",
            "next-app/pages/api/orders.ts:14",
        ]
    );
    assert!(report["skipped"].as_array().unwrap().is_empty());
}

#[test]
fn fix_on_a_copy_of_the_examples_leaves_no_fix_all_finding() {
    let dir = tempfile::tempdir().unwrap();
    copy_dir(&examples_dir(), dir.path());
    let output = run(dir.path(), &["check", "--fix", "--format", "json"]);
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    assert!(report["summary"]["fixes_applied"].as_u64().unwrap() >= 6);
    let again = json_report(dir.path(), &[]);
    for finding in again["findings"].as_array().unwrap() {
        assert_ne!(finding["rule"], "CIO002", "{finding}");
        for fix in finding["fixes"].as_array().unwrap() {
            assert_ne!(fix["applicability"], "fix-all", "{finding}");
        }
    }
}

fn copy_dir(from: &Path, to: &Path) {
    for entry in fs::read_dir(from).unwrap() {
        let entry = entry.unwrap();
        let target = to.join(entry.file_name());
        if entry.file_type().unwrap().is_dir() {
            fs::create_dir_all(&target).unwrap();
            copy_dir(&entry.path(), &target);
        } else {
            fs::copy(entry.path(), target).unwrap();
        }
    }
}

// ---- what is checked and what is skipped ---------------------------------------------------

#[test]
fn unreadable_files_are_skipped_with_a_reason() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "package.json", PACKAGE_JSON);
    write(dir.path(), "src/customerio.ts", CLIENT_TS);
    write(dir.path(), "src/binary.ts", b"customerio-node\0\xff\xfe");
    write(dir.path(), "src/latin1.js", b"// caf\xe9 customerio-node\n");
    let mut huge = String::from("// customerio-node\n");
    while huge.len() <= 2 * 1024 * 1024 {
        huge.push_str("export const padding = 'a line of generated code that nobody reads';\n");
    }
    write(dir.path(), "src/huge.ts", &huge);

    let report = json_report(dir.path(), &[]);
    let skipped: Vec<(String, String)> = report["skipped"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| {
            (
                s["path"].as_str().unwrap().into(),
                s["reason"].as_str().unwrap().into(),
            )
        })
        .collect();
    assert_eq!(skipped.len(), 3, "{skipped:?}");
    assert_eq!(skipped[0].0, "src/binary.ts");
    assert!(skipped[0].1.contains("binary"), "{skipped:?}");
    assert_eq!(skipped[1].0, "src/huge.ts");
    assert!(skipped[1].1.contains("larger than 2 MiB"), "{skipped:?}");
    assert_eq!(skipped[2].0, "src/latin1.js");
    assert!(skipped[2].1.contains("UTF-8"), "{skipped:?}");
    assert_eq!(report["summary"]["files_checked"], 1);

    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 0, "skipping is not an error");
    let human = stdout(&output);
    assert!(
        human.contains("note: skipped src/binary.ts: binary file"),
        "{human}"
    );
    assert!(
        human.contains("note: skipped src/latin1.js: not valid UTF-8"),
        "{human}"
    );
    assert!(
        human.contains("No problems found (1 file checked, 3 skipped)."),
        "{human}"
    );
}

/// One file with its own client and [`SIGNUP_TS`]'s mistakes.
fn self_contained_hits() -> String {
    CLIENT_TS.to_string() + &SIGNUP_TS.replace("import { cio } from \"./customerio\";\n", "")
}

/// A file with mistakes, placed where `check` must not look.
fn hidden_hit(dir: &Path, relative: &str) {
    write(dir, relative, self_contained_hits());
}

#[test]
fn ignore_files_node_modules_and_minified_files_are_not_checked_and_are_counted() {
    let dir = fixture();
    write(
        dir.path(),
        ".gitignore",
        "generated/\n*.gen.ts\ndist/\n.next/\n",
    );
    write(dir.path(), "packages/web/.ignore", "legacy/\n");
    hidden_hit(dir.path(), "generated/client.ts");
    hidden_hit(dir.path(), "src/api.gen.ts");
    hidden_hit(dir.path(), "node_modules/some-sdk/index.ts");
    hidden_hit(dir.path(), "packages/web/node_modules/x/index.js");
    hidden_hit(dir.path(), "packages/web/legacy/old.js");
    hidden_hit(dir.path(), "dist/signup.js");
    hidden_hit(dir.path(), ".next/server/app.js");
    hidden_hit(dir.path(), ".git/hooks/pre-commit.js");
    hidden_hit(dir.path(), "public/vendor.min.js");
    // Minified by content: a few very long lines.
    let line = format!("{} ", self_contained_hits().replace('\n', " ")).repeat(20);
    write(dir.path(), "public/bundle.js", format!("{line}\n{line}\n"));

    let report = json_report(dir.path(), &[]);
    let paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    assert_eq!(paths, ["src/signup.ts", "src/signup.ts"]);
    let ignored = "ignored by .gitignore or .ignore";
    assert_eq!(
        report["skipped"],
        serde_json::json!([
            { "path": ".next", "reason": ignored },
            { "path": "dist", "reason": ignored },
            { "path": "generated", "reason": ignored },
            { "path": "node_modules", "reason": "dependencies (node_modules)" },
            { "path": "packages/web/legacy", "reason": ignored },
            { "path": "packages/web/node_modules", "reason": "dependencies (node_modules)" },
            { "path": "public/bundle.js", "reason": "minified file" },
            { "path": "public/vendor.min.js", "reason": "minified file (by its name)" },
            { "path": "src/api.gen.ts", "reason": ignored },
        ])
    );
    assert_eq!(report["summary"]["files_checked"], 3);

    // People see the count, and the list with --verbose.
    let human = stdout(&run(dir.path(), &["check"]));
    assert!(
        human.contains("3 files checked, 9 skipped (`--verbose` lists them)."),
        "{human}"
    );
    assert!(
        human.contains("note: skipped public/bundle.js: minified file"),
        "{human}"
    );
    assert!(!human.contains("skipped dist"), "{human}");
    let verbose = stdout(&run(dir.path(), &["check", "--verbose"]));
    assert!(
        verbose.contains(&format!("note: skipped dist: {ignored}")),
        "{verbose}"
    );
    assert!(verbose.contains("3 files checked, 9 skipped."), "{verbose}");
}

/// Only node_modules and version-control folders are left out by name: `target`, `dist`, `build`
/// or a hidden folder that no ignore file names hold real sources (webpack's test cases do).
#[test]
fn folders_are_left_out_only_by_ignore_files() {
    let dir = fixture();
    for folder in ["test/cases/target", "dist", "build", ".storybook"] {
        hidden_hit(dir.path(), &format!("{folder}/hits.ts"));
    }
    let report = json_report(dir.path(), &[]);
    let mut paths: Vec<&str> = report["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["path"].as_str().unwrap())
        .collect();
    paths.dedup();
    assert_eq!(
        paths,
        [
            ".storybook/hits.ts",
            "build/hits.ts",
            "dist/hits.ts",
            "src/signup.ts",
            "test/cases/target/hits.ts"
        ]
    );
    assert_eq!(report["skipped"], serde_json::json!([]));
}

/// As ESLint's "File ignored": a path named on the command line that is not checked says so.
#[test]
fn a_named_file_that_is_not_checked_is_reported() {
    let dir = fixture();
    write(dir.path(), "README.md", "# fixture\n");
    write(dir.path(), "cio-lsp.toml", "ignore = [\"src/legacy\"]\n");
    hidden_hit(dir.path(), "src/legacy/old.ts");
    for (path, reason) in [
        ("README.md", "not a JavaScript or TypeScript file"),
        (
            "src/legacy/old.ts",
            "ignored by the configuration's `ignore`",
        ),
    ] {
        let output = run(dir.path(), &["check", path]);
        assert_eq!(code(&output), 0, "{path}");
        assert_eq!(
            stderr(&output),
            format!("cio-lsp: warning: {path} skipped: {reason}\n")
        );
        assert!(
            stdout(&output).contains("0 files checked, 1 skipped"),
            "{}",
            stdout(&output)
        );
    }
}

#[test]
fn single_files_and_several_paths_form_one_workspace() {
    let dir = fixture();
    // The client comes from another given file: still resolved.
    let report = json_report(dir.path(), &["src/signup.ts", "src/customerio.ts"]);
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
    assert_eq!(report["findings"][0]["path"], "src/signup.ts");
    // Run from elsewhere: paths stay readable.
    let parent = dir.path().parent().unwrap();
    let name = dir.path().file_name().unwrap().to_str().unwrap();
    let report = json_report(parent, &[name]);
    assert_eq!(
        report["findings"][0]["path"],
        format!("{name}/src/signup.ts")
    );
}

/// A file named alone (a pre-commit hook, an editor's "lint this file") is checked in the
/// context of its project, the nearest folder above it with a package.json: the client it
/// imports from another file is known, and it gets exactly the findings a check of the whole
/// project gives it. Only the named file is reported, and only it is fixed.
#[test]
fn a_file_named_alone_is_checked_in_its_project() {
    let dir = fixture();
    write(dir.path(), "src/other.ts", SIGNUP_TS);
    let whole = json_report(dir.path(), &[]);
    let signup: Vec<&Value> = whole["findings"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|f| f["path"] == "src/signup.ts")
        .collect();
    assert_eq!(signup.len(), 2);
    let alone = json_report(dir.path(), &["src/signup.ts"]);
    let alone_findings: Vec<&Value> = alone["findings"].as_array().unwrap().iter().collect();
    assert_eq!(alone_findings, signup);
    assert_eq!(alone["summary"]["files_checked"], 1);
    // From a folder below the project's root, with the path as written there.
    let below = json_report(&dir.path().join("src"), &["signup.ts"]);
    let paths: Vec<&Value> = below["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| &f["path"])
        .collect();
    assert_eq!(paths, ["signup.ts", "signup.ts"]);
    // --fix rewrites the named file, not the project's other file with the same mistakes.
    let output = run(dir.path(), &["check", "--fix", "src/signup.ts"]);
    assert_eq!(code(&output), 0, "{}", stdout(&output));
    let fixed = fs::read_to_string(dir.path().join("src/signup.ts")).unwrap();
    assert!(
        fixed.contains("created_at: Math.floor(Date.now() / 1000)"),
        "{fixed}"
    );
    assert_eq!(
        fs::read_to_string(dir.path().join("src/other.ts")).unwrap(),
        SIGNUP_TS
    );
}

/// A file that neither names Customer.io nor imports a module of the workspace cannot be
/// changed by its project: it is checked alone, and nothing else is parsed.
#[test]
fn a_file_named_alone_that_cannot_use_customerio_is_checked_alone() {
    let dir = fixture();
    write(
        dir.path(),
        "src/math.ts",
        "import { sum } from \"lodash\";\nexport const add = (a: number[]) => sum(a);\n",
    );
    let alone = json_report(dir.path(), &["src/math.ts"]);
    assert_eq!(alone["summary"]["files_checked"], 1);
    assert_eq!(alone["summary"]["files_parsed"], 0);
    // A file that imports the client module brings its project: its files are parsed.
    let in_context = json_report(dir.path(), &["src/login.ts"]);
    assert_eq!(in_context["summary"]["files_checked"], 1);
    assert!(in_context["summary"]["files_parsed"].as_u64().unwrap() >= 3);
    assert_eq!(in_context["findings"], Value::Array(Vec::new()));
}

/// A piped buffer is checked in its project as well: an unsaved file that imports the
/// project's client gets its findings.
#[test]
fn a_piped_buffer_is_checked_in_its_project() {
    use std::io::Write;
    let dir = fixture();
    let mut child = Command::new(binary())
        .args(["check", "--format", "json", "--stdin", "--stdin-filename"])
        .arg("src/new.ts")
        .current_dir(dir.path())
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    let buffer = SIGNUP_TS.replace("recordSignup", "recordNewSignup");
    child
        .stdin
        .take()
        .unwrap()
        .write_all(buffer.as_bytes())
        .unwrap();
    let output = child.wait_with_output().unwrap();
    let report: Value = serde_json::from_slice(&output.stdout).unwrap();
    let findings = report["findings"].as_array().unwrap();
    assert_eq!(findings.len(), 2, "{report:#}");
    assert!(findings
        .iter()
        .all(|f| f["path"] == "src/new.ts" && f["rule"] == "CIO002"));
}

#[test]
fn no_progress_bar_when_stderr_is_piped() {
    let dir = fixture();
    for i in 0..210 {
        write(
            dir.path(),
            &format!("src/many/file{i}.ts"),
            "export const x = 1;\n",
        );
    }
    let output = run(dir.path(), &["check"]);
    assert_eq!(code(&output), 1);
    assert_eq!(stderr(&output), "", "nothing but the report");
    assert!(stdout(&output).contains("213 files checked"));
}

// ---- rules, explain, --version, --help -----------------------------------------------------

#[test]
fn rules_lists_every_rule() {
    let output = run(Path::new("."), &["rules"]);
    assert_eq!(code(&output), 0);
    let text = stdout(&output);
    for n in 1..=16 {
        assert!(
            text.contains(&format!("CIO{n:03} ")),
            "CIO{n:03} missing:\n{text}"
        );
    }
    assert!(text.contains("millisecond-timestamp"));
}

#[test]
fn explain_prints_the_rule_docs() {
    let output = run(Path::new("."), &["explain", "CIO002"]);
    assert_eq!(code(&output), 0);
    assert!(stdout(&output).starts_with("# CIO002 millisecond-timestamp"));
    // Case-insensitive ids and names work too.
    assert_eq!(
        stdout(&run(Path::new("."), &["explain", "cio002"])),
        stdout(&output)
    );
    assert_eq!(
        stdout(&run(Path::new("."), &["explain", "millisecond-timestamp"])),
        stdout(&output)
    );
}

#[test]
fn explain_an_unknown_rule_is_a_usage_error() {
    let output = run(Path::new("."), &["explain", "CIO999"]);
    assert_eq!(code(&output), 2);
    assert!(output.stdout.is_empty());
    assert!(stderr(&output).contains("no rule `CIO999`"));
}

#[test]
fn version_and_help() {
    let output = run(Path::new("."), &["--version"]);
    assert_eq!(code(&output), 0);
    assert_eq!(stdout(&output), format!("cio-lsp {VERSION}\n"));
    let help = stdout(&run(Path::new("."), &["--help"]));
    for needle in ["check", "rules", "explain", "serve", "Examples:"] {
        assert!(help.contains(needle), "{needle}:\n{help}");
    }
    let check_help = run(Path::new("."), &["check", "--help"]);
    assert_eq!(code(&check_help), 0);
    let check_help = stdout(&check_help);
    for needle in [
        "--format",
        "--fix",
        "--deny-warnings",
        "--output",
        "Exit code",
        "sarif",
        "github",
    ] {
        assert!(check_help.contains(needle), "{needle}:\n{check_help}");
    }
}

#[cfg(unix)]
#[test]
fn a_file_without_read_permission_is_skipped() {
    use std::os::unix::fs::PermissionsExt;
    let dir = fixture();
    let secret = dir.path().join("src/secret.ts");
    fs::write(&secret, "export const x = 1;\n").unwrap();
    fs::set_permissions(&secret, fs::Permissions::from_mode(0o000)).unwrap();
    if fs::read(&secret).is_ok() {
        return; // running as root: permissions do not stop reading
    }
    let report = json_report(dir.path(), &[]);
    assert_eq!(report["skipped"][0]["path"], "src/secret.ts");
    assert!(report["skipped"][0]["reason"]
        .as_str()
        .unwrap()
        .contains("ermission"));
    assert_eq!(report["findings"].as_array().unwrap().len(), 2);
}

#[path = "support/expectations.rs"]
mod expectations;

/// The fixture workspaces of the shapes that real applications write (values followed
/// through constants, config modules and props; placeholder credentials; handlers of every
/// web runtime; factories, wrappers and imports resolved through tsconfig and monorepo
/// members; direct HTTP requests), checked through the binary: `check DIR --format json`
/// reports exactly the annotated lines of the rule.
#[test]
fn the_binary_finds_the_annotated_shapes_of_the_fixture_workspaces() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let rules = [
        "CIO002", "CIO004", "CIO006", "CIO007", "CIO010", "CIO011", "CIO012", "CIO013", "CIO014",
        "CIO019", "CIO020",
    ];
    for rule in rules {
        let dir = fixtures.join(rule);
        let report = json_report(&dir, &[]);
        let found: std::collections::BTreeSet<(String, usize)> = report["findings"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|f| f["rule"] == rule)
            .map(|f| {
                let line = f["range"]["start"]["line"].as_u64().unwrap() as usize;
                (f["path"].as_str().unwrap().to_string(), line)
            })
            .collect();
        let mut expected = std::collections::BTreeSet::new();
        let mut stack = vec![dir.clone()];
        while let Some(current) = stack.pop() {
            for entry in fs::read_dir(&current).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    stack.push(path);
                    continue;
                }
                let Ok(text) = fs::read_to_string(&path) else {
                    continue;
                };
                let name = path
                    .strip_prefix(&dir)
                    .unwrap()
                    .to_string_lossy()
                    .replace('\\', "/");
                for (file, line, _, _, id) in expectations::expectations(&name, &text) {
                    if id == rule {
                        expected.insert((file, line));
                    }
                }
            }
        }
        assert!(!expected.is_empty(), "{rule}: no annotated fixture");
        assert_eq!(found, expected, "{rule}");
    }
}
