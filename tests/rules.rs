//! Rule fixtures: `tests/fixtures/CIOnnn/` holds one small workspace per rule.
//!
//! - `hits*.{js,ts,tsx,…}` files mark every expected finding of the rule with a caret line under
//!   it: `//   ^^^^^^^^ CIO002`. The carets start at the finding's first column and run to its
//!   end (or to the end of the line for multi-line ranges). Several caret lines may follow one
//!   code line.
//! - `non-hits*` files must produce no finding of the rule.
//! - Other files (`package.json`, helper modules) make up the workspace.
//!
//! Each directory is analysed as one workspace, like `cio-lsp check DIR`. A workspace rule that
//! needs several workspaces (CIO008: one that suppresses, one that does not) puts each in its own
//! subdirectory and nothing else at the top level: each subdirectory is then checked on its own,
//! and the hits/non-hits requirement applies across them. The fixes of every
//! finding are applied and the result is snapshotted (`tests/snapshots/`), re-parsed (the fix
//! must not break the parse) and re-checked (the rule must not fire again where it was fixed).

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use cio_lsp::analysis::fix::apply_edits;
use cio_lsp::analysis::project::{analyze_project, discover, ProjectReport};
use cio_lsp::analysis::rules::engine::CombinedQuery;
use cio_lsp::analysis::rules::RULES;
use cio_lsp::analysis::{
    analyze, parse, EventNameStyle, Finding, Lang, NoWorkspaceView, Settings, SourceFile, TextEdit,
};

fn fixtures_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures")
}

#[path = "support/expectations.rs"]
mod expectations;
use expectations::{expectations, Expectation};

fn actual(name: &str, text: &str, findings: &[&Finding]) -> BTreeSet<Expectation> {
    let line_starts: Vec<usize> = std::iter::once(0)
        .chain(text.match_indices('\n').map(|(i, _)| i + 1))
        .collect();
    findings
        .iter()
        .map(|f| {
            let line = line_starts.partition_point(|&s| s <= f.range.start) - 1;
            let line_start = line_starts[line];
            let line_end = text[line_start..]
                .find('\n')
                .map_or(text.len(), |i| line_start + i);
            let line_end = if text[..line_end].ends_with('\r') {
                line_end - 1
            } else {
                line_end
            };
            let start = text[line_start..f.range.start].chars().count();
            let end = text[line_start..f.range.end.min(line_end)].chars().count();
            (
                name.to_string(),
                line + 1,
                start,
                end.max(start + 1),
                f.rule.clone(),
            )
        })
        .collect()
}

fn check_dir(dir: &Path) -> ProjectReport {
    let discovered = discover(&[dir.to_path_buf()]);
    analyze_project(dir, &discovered, &Settings::default(), &|| {})
}

/// The workspaces of a rule's fixture directory: the directory itself, or each of its
/// subdirectories when it holds nothing else.
fn workspaces(dir: &Path) -> Vec<PathBuf> {
    let mut entries: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    entries.sort();
    if entries.iter().all(|e| e.is_dir()) {
        entries
    } else {
        vec![dir.to_path_buf()]
    }
}

fn source_files(dir: &Path) -> Vec<PathBuf> {
    let mut files: Vec<PathBuf> = walk(dir)
        .into_iter()
        .filter(|p| Lang::from_path(p).is_some())
        .collect();
    files.sort();
    files
}

fn walk(dir: &Path) -> Vec<PathBuf> {
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.is_dir() {
            out.extend(walk(&path));
        } else {
            out.push(path);
        }
    }
    out
}

fn relative(path: &Path, dir: &Path) -> String {
    path.strip_prefix(dir)
        .unwrap_or(path)
        .to_string_lossy()
        .replace('\\', "/")
}

/// Applies the first fix of each finding, skipping fixes that overlap one already taken.
fn apply_all_fixes(text: &str, findings: &[&Finding]) -> String {
    let mut chosen: Vec<TextEdit> = Vec::new();
    for fix in findings.iter().filter_map(|f| f.fixes.first()) {
        let overlaps = fix.edits.iter().any(|e| {
            chosen.iter().any(|c| {
                e.range.start < c.range.end && c.range.start < e.range.end
                    || e.range.start == c.range.start
            })
        });
        if !overlaps {
            chosen.extend(fix.edits.iter().cloned());
        }
    }
    apply_edits(text, &chosen).expect("fix edits apply")
}

fn run_rule_fixtures(rule_id: &str) {
    let dir = fixtures_root().join(rule_id);
    assert!(
        dir.is_dir(),
        "{rule_id} has no fixtures directory {}",
        dir.display()
    );
    let mut saw_hit_file = false;
    let mut saw_non_hit_file = false;
    for workspace in workspaces(&dir) {
        let (hit, non_hit) = check_workspace(rule_id, &dir, &workspace);
        saw_hit_file |= hit;
        saw_non_hit_file |= non_hit;
    }
    assert!(saw_hit_file, "{rule_id}: no hits* fixture");
    assert!(saw_non_hit_file, "{rule_id}: no non-hits* fixture");
}

/// Checks one fixture workspace; returns whether it had a hits file and a non-hits file.
fn check_workspace(rule_id: &str, rule_dir: &Path, workspace: &Path) -> (bool, bool) {
    let report = check_dir(workspace);
    assert!(
        report.internal_errors.is_empty(),
        "{:?}",
        report.internal_errors
    );
    let files = source_files(workspace);
    let mut saw_hit_file = false;
    let mut saw_non_hit_file = false;
    for path in &files {
        let name = relative(path, rule_dir);
        let text = std::fs::read_to_string(path).unwrap();
        let findings: Vec<&Finding> = report
            .files
            .iter()
            .filter(|f| f.path == *path)
            .flat_map(|f| f.findings.iter())
            .filter(|f| f.rule == rule_id)
            .collect();
        let expected = expectations(&name, &text);
        let got = actual(&name, &text, &findings);
        let file_name = path.file_name().unwrap().to_string_lossy();
        if file_name.starts_with("hits") {
            saw_hit_file = true;
            assert!(
                !expected.is_empty(),
                "{name}: a hits file needs at least one expectation"
            );
        }
        if file_name.starts_with("non-hits") {
            saw_non_hit_file = true;
            assert!(
                expected.is_empty(),
                "{name}: a non-hits file must not expect findings"
            );
        }
        let missing: Vec<_> = expected.difference(&got).collect();
        let unexpected: Vec<_> = got.difference(&expected).collect();
        assert!(
            missing.is_empty() && unexpected.is_empty(),
            "{rule_id} {name}\n  missing: {missing:#?}\n  unexpected: {unexpected:#?}\n  messages: {:#?}",
            findings.iter().map(|f| &f.message).collect::<Vec<_>>()
        );
        if findings.iter().any(|f| !f.fixes.is_empty()) {
            check_fixes(rule_id, workspace, path, &name, &text, &findings);
        }
    }
    (saw_hit_file, saw_non_hit_file)
}

fn check_fixes(
    rule_id: &str,
    dir: &Path,
    path: &Path,
    name: &str,
    text: &str,
    findings: &[&Finding],
) {
    let fixed = apply_all_fixes(text, findings);
    let lang = Lang::from_path(path).unwrap();
    let had_errors = parse(lang, text, None).root_node().has_error();
    assert!(
        had_errors || !parse(lang, &fixed, None).root_node().has_error(),
        "{rule_id} {name}: the fixed text does not parse:\n{fixed}"
    );
    insta::with_settings!({ snapshot_path => "snapshots", prepend_module_to_snapshot => false }, {
        insta::assert_snapshot!(format!("{rule_id}__{}", name.replace('/', "__")), fixed);
    });
    // Re-check the fixed file in place of the original, in a copy of the workspace.
    let copy = tempfile::tempdir().unwrap();
    for file in walk(dir) {
        let target = copy.path().join(file.strip_prefix(dir).unwrap());
        std::fs::create_dir_all(target.parent().unwrap()).unwrap();
        if file == path {
            std::fs::write(&target, &fixed).unwrap();
        } else {
            std::fs::copy(&file, &target).unwrap();
        }
    }
    let discovered = discover(&[copy.path().to_path_buf()]);
    let again = analyze_project(copy.path(), &discovered, &Settings::default(), &|| {});
    let target = copy.path().join(path.strip_prefix(dir).unwrap());
    let fixed_again: Vec<&Finding> = again
        .files
        .iter()
        .filter(|f| f.path == target)
        .flat_map(|f| &f.findings)
        .filter(|f| f.rule == rule_id && !f.fixes.is_empty())
        .collect();
    assert!(
        fixed_again.is_empty(),
        "{rule_id} {name}: fixable findings remain after applying the fixes: {fixed_again:#?}\n{fixed}"
    );
}

macro_rules! rule_fixture_tests {
    ($($name:ident => $id:literal),* $(,)?) => {
        $( #[test] fn $name() { run_rule_fixtures($id); } )*
    };
}

rule_fixture_tests! {
    cio001_wrong_api_key => "CIO001",
    cio002_millisecond_timestamp => "CIO002",
    cio007_blocking_request_path => "CIO007",
    cio009_client_per_request => "CIO009",
    cio011_unthrottled_loop => "CIO011",
    cio014_unhandled_rejection => "CIO014",
    cio003_track_before_identify => "CIO003",
    cio006_dynamic_event_name => "CIO006",
    cio010_event_name_style => "CIO010",
    cio012_pii_in_event_name => "CIO012",
    cio004_email_as_id => "CIO004",
    cio005_identify_without_email => "CIO005",
    cio008_no_bounce_handling => "CIO008",
    cio013_hardcoded_credential => "CIO013",
    cio015_legacy_constructor => "CIO015",
    cio016_region_mismatch => "CIO016",
    cio019_webhook_signature => "CIO019",
    cio020_placeholder_credential => "CIO020",
}

/// Querying only the statements that mention a client finds what querying the whole tree finds.
#[test]
fn range_selection_loses_no_finding() {
    use cio_lsp::analysis::{analyze, analyze_whole_tree, NoWorkspaceView, SourceFile};
    for rule in RULES {
        for path in source_files(&fixtures_root().join(rule.id)) {
            let text = std::fs::read_to_string(&path).unwrap();
            let lang = Lang::from_path(&path).unwrap();
            let tree = parse(lang, &text, None);
            let file = SourceFile {
                path: &path,
                lang,
                text: &text,
                tree: &tree,
            };
            let settings = Settings::default();
            let ranged = analyze(&file, &settings, &NoWorkspaceView).findings;
            let whole = analyze_whole_tree(&file, &settings, &NoWorkspaceView).findings;
            assert_eq!(ranged, whole, "{}", path.display());
        }
    }
}

/// CIO010 is workspace-aware: a name's other spellings anywhere in the workspace are related
/// information of its finding.
#[test]
fn cio010_lists_other_spellings_as_related() {
    let report = check_dir(&fixtures_root().join("CIO010"));
    let dir = fixtures_root().join("CIO010");
    let hits = report
        .files
        .iter()
        .find(|f| f.path == dir.join("hits.ts"))
        .expect("hits.ts has findings");
    let finding = hits
        .findings
        .iter()
        .find(|f| f.rule == "CIO010" && &hits.text[f.range.clone()] == "\"orderPlaced\"")
        .expect("a CIO010 finding on \"orderPlaced\"");
    let other = dir.join("non-hits-other-spellings.js");
    let other_text = std::fs::read_to_string(&other).unwrap();
    let related: Vec<(&Path, &str)> = finding
        .related
        .iter()
        .map(|r| {
            (
                r.location.path.as_path(),
                &other_text[r.location.range.clone()],
            )
        })
        .collect();
    assert_eq!(
        related,
        [
            (other.as_path(), "\"order_placed\""),
            (other.as_path(), "\"Order Placed\"")
        ],
        "{finding:#?}"
    );
    assert!(
        finding.message.contains("\"order_placed\""),
        "{}",
        finding.message
    );
    assert_eq!(finding.fixes[0].edits[0].new_text, "order_placed");
    // A name with no other spelling keeps its local finding, without related information.
    let alone = hits
        .findings
        .iter()
        .find(|f| f.rule == "CIO010" && &hits.text[f.range.clone()] == "\"checkout-started\"")
        .expect("a CIO010 finding on \"checkout-started\"");
    assert!(alone.related.is_empty());
}

/// A name used 30 times in each of 13 spellings (one in the style): each finding lists 20 uses
/// of the other spellings (in the index's order, none of its own) and names 10 of the 12 others.
#[test]
fn cio010_lists_at_most_20_uses_and_10_spellings() {
    let dir = tempfile::tempdir().unwrap();
    // "orderplaced" with the letters of the bits of 0..13 in upper case: one spelling key.
    let spellings: Vec<String> = (0..13)
        .map(|i: usize| {
            let letters = "orderplaced".chars().enumerate();
            letters
                .map(|(bit, c)| {
                    if i >> bit & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect()
        })
        .collect();
    let mut text = String::from("import { TrackClient } from \"customerio-node\";\nconst cio = new TrackClient(site, key);\n");
    for use_number in 0..30 {
        for name in &spellings {
            text.push_str(&format!(
                "cio.track(\"u{use_number}\", {{ name: \"{name}\" }});\n"
            ));
        }
    }
    std::fs::write(dir.path().join("events.js"), &text).unwrap();
    let report = check_dir(dir.path());
    let findings: Vec<&Finding> = report.files[0]
        .findings
        .iter()
        .filter(|f| f.rule == "CIO010")
        .collect();
    assert_eq!(findings.len(), 12 * 30);
    for finding in findings {
        let own = &text[finding.range.clone()];
        assert_eq!(finding.related.len(), 20, "{finding:#?}");
        assert!(finding
            .related
            .iter()
            .all(|r| &text[r.location.range.clone()] != own));
        let starts: Vec<usize> = finding
            .related
            .iter()
            .map(|r| r.location.range.start)
            .collect();
        assert!(starts.is_sorted(), "{starts:?}");
        assert!(
            finding.message.ends_with("and 2 other spellings"),
            "{}",
            finding.message
        );
    }
}

/// CIO010 follows the configured style.
#[test]
fn cio010_follows_the_configured_style() {
    let source = r#"import { TrackClient } from "customerio-node";
const cio = new TrackClient("a", "b");
cio.track("u", { name: "order_placed" });
cio.track("u", { name: "Order Placed" });
cio.track("u", { name: "orderPlaced" });
"#;
    let names = |style| {
        let settings = Settings {
            event_name_style: style,
            ..Settings::default()
        };
        let tree = parse(Lang::TypeScript, source, None);
        let file = SourceFile {
            path: Path::new("a.ts"),
            lang: Lang::TypeScript,
            text: source,
            tree: &tree,
        };
        analyze(&file, &settings, &NoWorkspaceView)
            .findings
            .iter()
            .filter(|f| f.rule == "CIO010")
            .map(|f| {
                let fix = &f.fixes[0].edits[0].new_text;
                format!("{} -> {fix}", &source[f.range.clone()])
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(
        names(EventNameStyle::TitleCase),
        [
            "\"order_placed\" -> Order Placed",
            "\"orderPlaced\" -> Order Placed"
        ]
    );
    assert_eq!(
        names(EventNameStyle::CamelCase),
        [
            "\"order_placed\" -> orderPlaced",
            "\"Order Placed\" -> orderPlaced"
        ]
    );
}

#[test]
fn every_rule_query_compiles_for_every_grammar() {
    for lang in Lang::ALL {
        let sources: Vec<&str> = RULES.iter().map(|r| r.query).collect();
        let (_, errors) = CombinedQuery::build(lang, &sources);
        let errors: Vec<String> = errors
            .iter()
            .map(|e| {
                format!(
                    "{} on {}: {}",
                    RULES[e.rule_index].id,
                    lang.name(),
                    e.message
                )
            })
            .collect();
        assert!(errors.is_empty(), "{errors:#?}");
    }
}

#[test]
fn registry_ids_are_ordered_and_unique() {
    for pair in RULES.windows(2) {
        assert!(
            pair[0].id < pair[1].id,
            "{} then {}",
            pair[0].id,
            pair[1].id
        );
    }
}

#[test]
fn cio008_is_silent_on_a_single_file_run() {
    // The same file that is a hit in its workspace: discovered alone, without its project (the
    // command line adds the project as context, see tests/cli.rs), the scan cannot know whether
    // another file handles bounces.
    let file = fixtures_root().join("CIO008/no-handling/hits-clients.ts");
    let discovered = discover(std::slice::from_ref(&file));
    let report = analyze_project(
        file.parent().unwrap(),
        &discovered,
        &Settings::default(),
        &|| {},
    );
    assert_eq!(report.files_parsed, 1);
    let cio008: Vec<&Finding> = report
        .files
        .iter()
        .flat_map(|f| &f.findings)
        .filter(|f| f.rule == "CIO008")
        .collect();
    assert!(cio008.is_empty(), "{cio008:#?}");
}

#[test]
fn cio016_lists_the_clients_in_other_regions_as_related() {
    let dir = fixtures_root().join("CIO016/mismatch");
    let report = check_dir(&dir);
    let related_of = |file: &str| -> Vec<String> {
        let report = report
            .files
            .iter()
            .find(|f| f.path.ends_with(file))
            .unwrap_or_else(|| panic!("no findings in {file}"));
        let finding = report.findings.iter().find(|f| f.rule == "CIO016").unwrap();
        finding
            .related
            .iter()
            .map(|r| {
                let start = r.location.utf8.0;
                format!(
                    "{}:{}:{}: {}",
                    relative(&r.location.path, &dir),
                    start.line + 1,
                    start.col + 1,
                    r.message
                )
            })
            .collect()
    };
    assert_eq!(
        related_of("lib/app.ts"),
        [
            "hits-pipelines.js:4:11: customerio-node PipelinesClient uses RegionUS",
            "lib/customerio.ts:4:20: customerio-node TrackClient uses RegionUS",
        ]
    );
    assert_eq!(
        related_of("lib/customerio.ts"),
        ["lib/app.ts:3:81: customerio-node APIClient uses RegionEU"]
    );
}

/// 25 clients in the EU and one in the US: the US client's finding lists the first 20 in the
/// index's order and counts all of them in its message; each EU client's lists the US one.
#[test]
fn cio016_lists_at_most_20_related_locations_and_counts_the_rest() {
    let dir = tempfile::tempdir().unwrap();
    let import =
        "import { APIClient, TrackClient, RegionEU, RegionUS } from \"customerio-node\";\n";
    for i in 0..25 {
        let text =
            format!("{import}export const c = new APIClient(key, {{ region: RegionEU }});\n");
        std::fs::write(dir.path().join(format!("eu{i:02}.ts")), text).unwrap();
    }
    let us =
        format!("{import}export const t = new TrackClient(site, key, {{ region: RegionUS }});\n");
    std::fs::write(dir.path().join("us.ts"), us).unwrap();
    let report = check_dir(dir.path());
    let cio016 = |file: &str| -> Finding {
        let report = report
            .files
            .iter()
            .find(|f| f.path.ends_with(file))
            .unwrap();
        let finding = report.findings.iter().find(|f| f.rule == "CIO016");
        finding.unwrap().clone()
    };
    let us = cio016("us.ts");
    assert_eq!(us.related.len(), 20);
    assert!(us
        .message
        .contains("(25 clients use another region; the first 20 are listed)"));
    let listed: Vec<String> = us
        .related
        .iter()
        .map(|r| relative(&r.location.path, dir.path()))
        .collect();
    let expected: Vec<String> = (0..20).map(|i| format!("eu{i:02}.ts")).collect();
    assert_eq!(listed, expected);
    let eu = cio016("eu07.ts");
    assert_eq!(eu.related.len(), 1);
    assert!(!eu.message.contains("are listed"), "{}", eu.message);
}

/// CIO007 "going further" across files: a handler's await of an imported helper points at the
/// helper's Customer.io call in the other file.
#[test]
fn cio007_imported_helper_points_at_its_call_in_the_other_file() {
    let dir = fixtures_root().join("CIO007");
    let report = check_dir(&dir);
    let handlers = dir.join("routes/hits-helpers.ts");
    let file = report
        .files
        .iter()
        .find(|f| f.path == handlers)
        .expect("routes/hits-helpers.ts has findings");
    let finding = file
        .findings
        .iter()
        .find(|f| {
            // Shown at the await and the helper it waits for (the arguments are not the mistake).
            f.rule == "CIO007" && &file.text[f.range.clone()] == "await recordSignup"
        })
        .expect("a CIO007 finding on the handler's await");
    let helper = dir.join("lib/tracking.ts");
    let helper_text = std::fs::read_to_string(&helper).unwrap();
    let [related] = finding.related.as_slice() else {
        panic!("one related location expected: {finding:#?}");
    };
    assert_eq!(related.location.path, helper);
    assert_eq!(
        &helper_text[related.location.range.clone()],
        r#"cio.track(id, { name: "signed_up", data: {} })"#
    );
    assert_eq!(related.location.utf8.0.line, 4);
    assert!(
        finding.message.contains("`cio.track()`"),
        "{}",
        finding.message
    );
}

/// No finding of a fixture spans more than one line: a call is shown at its callee, an awaited
/// call from `await` through its callee, a construction at `new Client` (each rule's page,
/// "Range"). A mistake that itself spans lines (a multi-line template literal event name)
/// would be the exception; no fixture has one.
#[test]
fn findings_span_one_line() {
    for rule in RULES {
        for workspace in workspaces(&fixtures_root().join(rule.id)) {
            let report = check_dir(&workspace);
            for file in &report.files {
                for finding in &file.findings {
                    let shown = &file.text[finding.range.clone()];
                    assert!(
                        !shown.contains('\n'),
                        "{} in {}: {} spans several lines: {shown:?}",
                        finding.rule,
                        file.path.display(),
                        finding.message
                    );
                }
            }
        }
    }
}

// Rule checks observed through the whole analysis (moved here from the rules' own modules:
// a rule sits below the analysis facade and does not call it).

mod cio002_named_timestamp_values {
    use std::path::Path;

    use cio_lsp::analysis::{analyze, parse, Lang, NoWorkspaceView, Settings, SourceFile};

    /// The values CIO002 reports in `body`, placed after a client's declaration.
    fn reported(body: &str) -> Vec<String> {
        let text = format!(
            "import {{ TrackClient }} from \"customerio-node\";\n\
             const cio = new TrackClient(\"a\", \"b\");\n{body}"
        );
        let tree = parse(Lang::TypeScript, &text, None);
        let file = SourceFile {
            path: Path::new("a.ts"),
            lang: Lang::TypeScript,
            text: &text,
            tree: &tree,
        };
        analyze(&file, &Settings::default(), &NoWorkspaceView)
            .findings
            .iter()
            .filter(|f| f.rule == "CIO002")
            .map(|f| text[f.range.clone()].to_string())
            .collect()
    }

    #[test]
    fn a_named_value_follows_the_nearest_const_of_its_own_scope_declared_before_it() {
        // Module level: the nearest `const` before the use decides.
        let module = "const at = 1;\nconst stamp = Date.now();\n\
                      cio.identify(\"1\", { created_at: stamp });\n";
        assert_eq!(reported(module), ["stamp"]);
        // A later declaration of the same name does not count.
        let later = "function f() {\n  cio.identify(\"1\", { created_at: stamp });\n  \
                     const stamp = Date.now();\n}\n";
        assert!(reported(later).is_empty());
        // A `const` of a nested function is not visible in the outer one.
        let nested = "function f() {\n  const g = () => { const stamp = Date.now(); };\n  \
                      cio.identify(\"1\", { created_at: stamp });\n}\n";
        assert!(reported(nested).is_empty());
        // Blocks of the same function are walked into; `let` is not followed.
        let block = "function f(ok) {\n  if (ok) { const stamp = Date.now(); }\n  \
                     let other = Date.now();\n  \
                     cio.identify(\"1\", { created_at: stamp, updated_at: other });\n}\n";
        assert_eq!(reported(block), ["stamp"]);
        // The nearest one wins: here it is not milliseconds.
        let shadowed = "const stamp = Date.now();\nfunction f() {\n  \
                        const stamp = Math.floor(Date.now() / 1000);\n  \
                        cio.identify(\"1\", { created_at: stamp });\n}\n";
        assert!(reported(shadowed).is_empty());
        // A name only contained in a longer one is not a declaration of it.
        let longer = "const stampAt = Date.now();\ncio.identify(\"1\", { created_at: stamp });\n";
        assert!(reported(longer).is_empty());
        // Shorthand properties follow their `const` too.
        let shorthand = "function f() {\n  const createdAt = new Date().getTime();\n  \
                         cio.identify(\"1\", { createdAt });\n}\n";
        assert_eq!(reported(shorthand), ["createdAt"]);
    }
}

mod cio007_same_file_helpers {
    use std::path::Path;

    use cio_lsp::analysis::{analyze, parse, Lang, NoWorkspaceView, Settings, SourceFile};

    #[test]
    fn a_handler_awaiting_a_same_file_helper_points_at_the_helpers_call() {
        let text = r#"import { TrackClient } from "customerio-node";
const cio = new TrackClient(process.env.SITE_ID, process.env.TRACK_KEY);
async function recordSignup(id) {
  await cio.track(id, { name: "signed_up", data: {} });
}
app.post("/signup", async (req, res) => {
  await recordSignup(req.body.id);
  res.end();
});
"#;
        let tree = parse(Lang::JavaScript, text, None);
        let file = SourceFile {
            path: Path::new("server.js"),
            lang: Lang::JavaScript,
            text,
            tree: &tree,
        };
        let analysis = analyze(&file, &Settings::default(), &NoWorkspaceView);
        let findings: Vec<_> = analysis
            .findings
            .iter()
            .filter(|f| f.rule == "CIO007")
            .collect();
        assert_eq!(findings.len(), 1, "{findings:#?}");
        let finding = findings[0];
        assert_eq!(&text[finding.range.clone()], "await recordSignup");
        assert_eq!(finding.related.len(), 1);
        let related = &finding.related[0];
        assert_eq!(
            &text[related.location.range.clone()],
            r#"cio.track(id, { name: "signed_up", data: {} })"#
        );
        assert_eq!(related.location.utf8.0.line, 3);
    }
}

mod cio013_configured_clients {
    use std::path::Path;

    use cio_lsp::analysis::{analyze, parse, Lang, NoWorkspaceView, Sdk, Settings, SourceFile};

    /// `analytics.load("…")` is the CDP browser snippet when the configuration says that
    /// `analytics` is the CDP browser client; otherwise it is Segment's, and not reported.
    fn write_key_findings(settings: &Settings) -> Vec<String> {
        let text = "analytics.load(\"wk_0123456789abcdef\");\n";
        let tree = parse(Lang::JavaScript, text, None);
        let file = SourceFile {
            path: Path::new("snippet.js"),
            lang: Lang::JavaScript,
            text,
            tree: &tree,
        };
        analyze(&file, settings, &NoWorkspaceView)
            .findings
            .into_iter()
            .filter(|f| f.rule == "CIO013")
            .map(|f| text[f.range].to_string())
            .collect()
    }

    #[test]
    fn a_configured_cdp_browser_client_loading_a_literal_write_key_is_a_hit() {
        let mut settings = Settings::default();
        settings
            .extra_clients
            .insert("analytics".into(), Sdk::CdpBrowser);
        assert_eq!(write_key_findings(&settings), ["\"wk_0123456789abcdef\""]);
        assert!(write_key_findings(&Settings::default()).is_empty());
    }
}
