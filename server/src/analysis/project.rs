//! Analysing many files as one workspace: discovery, the text prefilter, parallel parsing,
//! the workspace index and the workspace rules. Used by `cio-lsp check`; the language server
//! uses the same pieces for its background index.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tree_sitter::Tree;

use super::config::IgnoreGlobs;
use super::fix::{fix_all_rounds, MAX_FIX_ROUNDS};

use super::{
    analyze, mentions, mentions_any, mentions_customerio, merge_workspace_findings, parse,
    workspace_findings, Applicability, Bindings, FileAnalysis, FileFacts, Finding, Lang, Settings,
    SourceFile, WorkspaceIndex,
};

/// Files larger than this are skipped with a note (generated bundles, fixtures).
pub const MAX_FILE_BYTES: u64 = 2 * 1024 * 1024;

/// A file that was not analysed, and why.
#[derive(Debug, Clone, PartialEq, Eq, serde::Serialize)]
pub struct Skipped {
    pub path: PathBuf,
    pub reason: String,
}

/// What discovery found under the given paths.
#[derive(Debug, Default)]
pub struct Discovered {
    pub sources: Vec<PathBuf>,
    pub package_jsons: Vec<PathBuf>,
    pub skipped: Vec<Skipped>,
    /// Paths that do not exist or cannot be walked (usage errors).
    pub errors: Vec<String>,
    /// Whether a given path is a directory holding a `package.json`: the scan covers a whole
    /// project, so workspace rules may conclude from absence (CIO008).
    pub covers_project: bool,
}

/// Walks `paths` (files or directories) respecting `.gitignore`, skipping `node_modules`,
/// build output and minified files.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    discover_ignoring(paths, None)
}

/// Like [`discover`], also skipping what the configuration's `ignore` globs match.
pub fn discover_ignoring(paths: &[PathBuf], ignore: Option<&IgnoreGlobs>) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        if !path.exists() {
            found
                .errors
                .push(format!("{}: no such file or directory", path.display()));
            continue;
        }
        found.covers_project |= path.is_dir() && path.join("package.json").is_file();
        let walker = ignore::WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .filter_entry({
                let ignore = ignore.cloned();
                move |entry| {
                    !is_excluded_dir(entry.path(), entry.depth())
                        && !ignore
                            .as_ref()
                            .is_some_and(|globs| globs.is_ignored(entry.path()))
                }
            })
            .build();
        for entry in walker {
            let entry = match entry {
                Ok(entry) => entry,
                Err(error) => {
                    found.errors.push(error.to_string());
                    continue;
                }
            };
            if !entry.file_type().is_some_and(|t| t.is_file()) {
                continue;
            }
            let file = entry.into_path();
            if file.file_name().is_some_and(|n| n == "package.json") {
                found.package_jsons.push(file);
            } else if Lang::from_path(&file).is_some() {
                if is_minified_name(&file) {
                    continue;
                }
                found.sources.push(file);
            }
        }
    }
    found.sources.sort();
    found.sources.dedup();
    found.package_jsons.sort();
    found.package_jsons.dedup();
    found
}

fn is_excluded_dir(path: &Path, depth: usize) -> bool {
    depth > 0
        && path.is_dir()
        && path
            .file_name()
            .and_then(|n| n.to_str())
            .is_some_and(|name| {
                matches!(
                    name,
                    "node_modules"
                        | "dist"
                        | "build"
                        | "out"
                        | ".next"
                        | "coverage"
                        | ".turbo"
                        | ".vercel"
                        | ".output"
                        | ".svelte-kit"
                        | "target"
                )
            })
}

fn is_minified_name(path: &Path) -> bool {
    path.file_name()
        .and_then(|n| n.to_str())
        .is_some_and(|n| n.contains(".min.") || n.contains("-min."))
}

/// A file's text, or why it cannot be analysed.
pub fn read_source(path: &Path) -> Result<String, String> {
    let metadata = std::fs::metadata(path).map_err(|e| e.to_string())?;
    if metadata.len() > MAX_FILE_BYTES {
        return Err(format!(
            "larger than {} MiB ({} bytes)",
            MAX_FILE_BYTES / (1024 * 1024),
            metadata.len()
        ));
    }
    let bytes = std::fs::read(path).map_err(|e| e.to_string())?;
    if memchr::memchr(0, &bytes).is_some() {
        return Err("binary file (contains NUL bytes)".into());
    }
    let text = String::from_utf8(bytes).map_err(|_| "not valid UTF-8".to_string())?;
    if looks_minified(&text) {
        return Err("minified file".into());
    }
    Ok(text)
}

/// Very long average lines mean generated or minified code.
fn looks_minified(text: &str) -> bool {
    let lines = memchr::memchr_iter(b'\n', text.as_bytes()).count() + 1;
    text.len() > 4096 && text.len() / lines > 500
}

/// The findings of one file.
#[derive(Debug, Clone)]
pub struct FileReport {
    pub path: PathBuf,
    pub text: String,
    pub findings: Vec<Finding>,
}

/// The result of analysing a workspace.
#[derive(Debug, Default)]
pub struct ProjectReport {
    /// Files with at least one finding, sorted by path.
    pub files: Vec<FileReport>,
    pub skipped: Vec<Skipped>,
    pub files_checked: usize,
    pub files_parsed: usize,
    pub internal_errors: Vec<String>,
}

struct Loaded {
    path: PathBuf,
    lang: Lang,
    text: String,
}

/// The facts of a file that is not parsed (it never mentions Customer.io): only what a text
/// search shows, its bounce webhook handling (CIO008). `None` when there is nothing to record.
pub fn unparsed_file_facts(text: &str) -> Option<super::FileFacts> {
    super::rules::cio008::mentions_bounce_handling(text).then(|| super::FileFacts {
        handles_bounce: true,
        ..Default::default()
    })
}

/// Analyses `sources` as one workspace rooted at `root`. `on_progress` is called once per
/// file read (for a progress bar).
pub fn analyze_project(
    root: &Path,
    discovered: &Discovered,
    settings: &Settings,
    on_progress: &(dyn Fn() + Sync),
) -> ProjectReport {
    analyze_project_with_index(root, discovered, settings, on_progress).0
}

/// [`analyze_project`], also returning the workspace index it built (for re-analysing single
/// files against the same workspace, as [`fix_project`] does).
pub fn analyze_project_with_index(
    root: &Path,
    discovered: &Discovered,
    settings: &Settings,
    on_progress: &(dyn Fn() + Sync),
) -> (ProjectReport, WorkspaceIndex) {
    let mut report = ProjectReport {
        skipped: discovered.skipped.clone(),
        ..Default::default()
    };
    let mut index = WorkspaceIndex::new(root);
    index.set_complete(discovered.covers_project);
    for package in &discovered.package_jsons {
        if let Ok(text) = std::fs::read_to_string(package) {
            index.set_package_json(package, &text);
        }
    }

    // Read everything, in parallel; small chunks keep both cores busy when large files cluster.
    let loaded: Vec<Result<Loaded, crate::analysis::project::Skipped>> = discovered
        .sources
        .par_iter()
        .with_max_len(4)
        .map(|path| {
            let result = read_source(path)
                .map(|text| Loaded {
                    lang: Lang::from_path(path).unwrap_or(Lang::TypeScript),
                    path: path.clone(),
                    text,
                })
                .map_err(|reason| Skipped {
                    path: path.clone(),
                    reason,
                });
            on_progress();
            result
        })
        .collect();
    let mut files = Vec::with_capacity(loaded.len());
    for item in loaded {
        match item {
            Ok(file) => files.push(file),
            Err(skipped) => report.skipped.push(skipped),
        }
    }
    report.files_checked = files.len();

    // Pass 1: files that name a Customer.io package or global; what they export.
    let mut trees: Vec<Option<Tree>> = files.iter().map(|_| None).collect();
    let direct = parse_where(&files, &mut trees, |f| {
        mentions_customerio(&f.text, settings, &[])
    });
    record_exports(&mut index, &files, &trees, &direct, settings);
    // Pass 2: files that may import a client from a workspace module.
    parse_importers(&mut index, &files, &mut trees, settings);
    report.files_parsed = trees.iter().flatten().count();

    // Analyse every parsed file against the export index.
    let parsed: Vec<usize> = (0..files.len()).filter(|i| trees[*i].is_some()).collect();
    let stems_before = index.exporting_stems();
    let mut analysed: BTreeMap<usize, FileAnalysis> =
        analyse_files(&files, &trees, &parsed, &index, settings)
            .into_iter()
            .collect();
    for (i, analysis) in &analysed {
        index.set_file(&files[*i].path, analysis.facts.clone());
    }
    // CIO007 across files: a request handler may await a helper imported from a module whose
    // export awaits a Customer.io call, without naming Customer.io itself. Those helpers are
    // known only now: parse the files that name their modules, and (re-)analyse them.
    let again = importers_of_new_exports(&mut index, &files, &mut trees, &stems_before, settings);
    if !again.is_empty() {
        report.files_parsed = trees.iter().flatten().count();
        for (i, analysis) in analyse_files(&files, &trees, &again, &index, settings) {
            index.set_file(&files[i].path, analysis.facts.clone());
            analysed.insert(i, analysis);
        }
    }
    drop(trees);
    // CIO008: a bounce webhook handler may never name Customer.io, so the prefilter skipped
    // it; record its bounce handling from a cheap text search of every file not analysed.
    let unparsed_facts: Vec<(usize, super::FileFacts)> = (0..files.len())
        .into_par_iter()
        .filter(|i| !analysed.contains_key(i))
        .filter_map(|i| Some((i, unparsed_file_facts(&files[i].text)?)))
        .collect();
    for (i, facts) in unparsed_facts {
        index.set_file(&files[i].path, facts);
    }

    // Workspace rules, now that every file's facts are in.
    for (i, analysis) in analysed {
        let file = &files[i];
        let mut findings = analysis.findings;
        let extra = workspace_findings(&file.path, &analysis.facts, &index, settings);
        merge_workspace_findings(&mut findings, extra);
        // Suppression comments apply to local and workspace findings alike.
        super::suppress::apply(&file.text, &analysis.suppressions, &mut findings, settings);
        report.internal_errors.extend(analysis.internal_errors);
        if !findings.is_empty() {
            report.files.push(FileReport {
                path: file.path.clone(),
                text: file.text.clone(),
                findings,
            });
        }
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    (report, index)
}

/// How many rounds of barrel files (`export { cio } from "./client"`) the prefilter looks for:
/// a barrel of barrels is as deep as workspaces go.
const BARREL_ROUNDS: usize = 2;

/// Parses the files not parsed yet that `wanted` accepts; returns their indices.
fn parse_where(
    files: &[Loaded],
    trees: &mut [Option<Tree>],
    wanted: impl Fn(&Loaded) -> bool + Sync,
) -> Vec<usize> {
    let unparsed: &[Option<Tree>] = trees;
    let parsed: Vec<(usize, Tree)> = files
        .par_iter()
        .enumerate()
        .with_max_len(4)
        .filter(|(i, f)| unparsed[*i].is_none() && wanted(f))
        .map(|(i, f)| (i, parse(f.lang, &f.text, None)))
        .collect();
    parsed
        .into_iter()
        .map(|(i, tree)| {
            trees[i] = Some(tree);
            i
        })
        .collect()
}

/// Records what files export (clients, re-exports) before anything is analysed: the prefilter
/// of the files that import them depends on it.
fn record_exports(
    index: &mut WorkspaceIndex,
    files: &[Loaded],
    trees: &[Option<Tree>],
    indices: &[usize],
    settings: &Settings,
) {
    for &i in indices {
        let (file, Some(tree)) = (&files[i], &trees[i]) else {
            continue;
        };
        let bindings = Bindings::collect_configured(
            tree,
            &file.text,
            &index.view(&file.path),
            &settings.extra_clients,
            &settings.extra_packages,
        );
        if bindings.exports.is_empty() && bindings.reexports.is_empty() {
            continue;
        }
        let facts = FileFacts {
            exports: bindings.exports,
            reexports: bindings.reexports,
            ..FileFacts::default()
        };
        index.set_file(&file.path, facts);
    }
}

/// Parses the files that name a module known to export something (a client, through barrel
/// files too); returns their indices.
fn parse_importers(
    index: &mut WorkspaceIndex,
    files: &[Loaded],
    trees: &mut [Option<Tree>],
    settings: &Settings,
) -> Vec<usize> {
    let mut parsed = Vec::new();
    // Barrels pass exports on without naming Customer.io: each round finds the barrels of the
    // modules known so far.
    for _ in 0..BARREL_ROUNDS {
        let stems = index.exporting_stems();
        let barrels = parse_where(files, trees, |f| {
            may_reexport(&f.text) && mentions_customerio(&f.text, settings, &stems)
        });
        if barrels.is_empty() {
            break;
        }
        record_exports(index, files, trees, &barrels, settings);
        parsed.extend(barrels);
    }
    let stems = index.exporting_stems();
    if !stems.is_empty() {
        parsed.extend(parse_where(files, trees, |f| {
            mentions_customerio(&f.text, settings, &stems)
        }));
    }
    parsed
}

/// After the first analysis: the files to (re-)analyse because they name a module that only
/// the analysis found to export something (an awaiting helper), parsing those not parsed yet.
fn importers_of_new_exports(
    index: &mut WorkspaceIndex,
    files: &[Loaded],
    trees: &mut [Option<Tree>],
    stems_before: &[String],
    settings: &Settings,
) -> Vec<usize> {
    if index.exporting_stems() == stems_before {
        return Vec::new();
    }
    let newly_parsed = parse_importers(index, files, trees, settings);
    let new_stems: Vec<String> = index
        .exporting_stems()
        .into_iter()
        .filter(|stem| !stems_before.contains(stem))
        .collect();
    let mut again: Vec<usize> = (0..files.len())
        .filter(|i| trees[*i].is_some() && mentions_any(&files[*i].text, &new_stems))
        .chain(newly_parsed)
        .collect();
    again.sort_unstable();
    again.dedup();
    again
}

/// Whether a file can hold `export … from` (a cheap text test before parsing it).
fn may_reexport(text: &str) -> bool {
    mentions(text, "export") && mentions(text, "from")
}

/// Analyses the files `indices` against the index, in parallel.
fn analyse_files(
    files: &[Loaded],
    trees: &[Option<Tree>],
    indices: &[usize],
    index: &WorkspaceIndex,
    settings: &Settings,
) -> Vec<(usize, FileAnalysis)> {
    indices
        .par_iter()
        .with_max_len(4)
        .filter_map(|&i| {
            let file = &files[i];
            let source = SourceFile {
                path: &file.path,
                lang: file.lang,
                text: &file.text,
                tree: trees[i].as_ref()?,
            };
            Some((i, analyze(&source, settings, &index.view(&file.path))))
        })
        .collect()
}

// ---- `check --fix` -------------------------------------------------------------------------
// Lives in the core (not the CLI) so that every caller fixes the same way: the multi-round
// loop itself is `fix::fix_all_rounds`, shared with the server's fix-all.

/// A file that `fix_project` rewrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct FixedFile {
    pub path: PathBuf,
    pub fixes_applied: usize,
}

/// What `fix_project` did.
#[derive(Debug, Default)]
pub struct FixSummary {
    pub fixed: Vec<FixedFile>,
    /// Files that could not be written, or whose fixes were refused (I/O errors).
    pub errors: Vec<String>,
}

impl FixSummary {
    pub fn fixes_applied(&self) -> usize {
        self.fixed.iter().map(|f| f.fixes_applied).sum()
    }
}

/// Applies every fix-all-safe fix of the workspace in place, re-analysing each fixed file until
/// nothing changes (at most [`MAX_FIX_ROUNDS`] rounds), writes each changed file atomically,
/// then analyses the workspace again: the returned report holds what is left.
pub fn fix_project(
    root: &Path,
    discovered: &Discovered,
    settings: &Settings,
    on_progress: &(dyn Fn() + Sync),
) -> (FixSummary, ProjectReport) {
    let (report, index) = analyze_project_with_index(root, discovered, settings, on_progress);
    let fixable = report.files.iter().filter(|file| {
        file.findings
            .iter()
            .flat_map(|f| &f.fixes)
            .any(|fix| fix.applicability == Applicability::FixAll)
    });
    let results: Vec<Result<Option<FixedFile>, String>> = fixable
        .collect::<Vec<_>>()
        .par_iter()
        .map(|file| fix_file(file, &index, settings))
        .collect();
    let mut summary = FixSummary::default();
    for result in results {
        match result {
            Ok(Some(fixed)) => summary.fixed.push(fixed),
            Ok(None) => {}
            Err(error) => summary.errors.push(error),
        }
    }
    if summary.fixed.is_empty() {
        return (summary, report);
    }
    // Fixed files changed on disk: the remaining findings come from a fresh analysis.
    let report = analyze_project(root, discovered, settings, &|| {});
    (summary, report)
}

fn fix_file(
    file: &FileReport,
    index: &WorkspaceIndex,
    settings: &Settings,
) -> Result<Option<FixedFile>, String> {
    let lang = Lang::from_path(&file.path).unwrap_or(Lang::TypeScript);
    let view = index.view(&file.path);
    let analyze_text = |text: &str| {
        let tree = parse(lang, text, None);
        let source = SourceFile {
            path: &file.path,
            lang,
            text,
            tree: &tree,
        };
        analyze(&source, settings, &view).findings
    };
    let outcome = fix_all_rounds(&file.text, MAX_FIX_ROUNDS, analyze_text)
        .map_err(|error| format!("{}: fixes not applied: {error}", file.path.display()))?;
    if outcome.fixes_applied == 0 || outcome.text == file.text {
        return Ok(None);
    }
    // Safety net: a fix must never break the parse. Rules are tested for this; if one slips,
    // keep the user's file as it was.
    let broke_parse = |text: &str| parse(lang, text, None).root_node().has_error();
    if broke_parse(&outcome.text) && !broke_parse(&file.text) {
        return Err(format!(
            "{}: fixes not applied: they would break the syntax",
            file.path.display()
        ));
    }
    write_atomically(&file.path, &outcome.text).map_err(|error| {
        format!(
            "{}: cannot write the fixed file: {error}",
            file.path.display()
        )
    })?;
    Ok(Some(FixedFile {
        path: file.path.clone(),
        fixes_applied: outcome.fixes_applied,
    }))
}

/// Replaces `path`'s contents with `text` without ever leaving a half-written file: writes a
/// temporary file in the same directory (so the rename stays on one file system), gives it the
/// original's permissions, then renames it over the original.
pub fn write_atomically(path: &Path, text: &str) -> std::io::Result<()> {
    use std::io::Write;
    let dir = match path.parent() {
        Some(dir) if !dir.as_os_str().is_empty() => dir,
        _ => Path::new("."),
    };
    let permissions = std::fs::metadata(path)?.permissions();
    let mut temp = tempfile::Builder::new()
        .prefix(".cio-lsp-fix")
        .tempfile_in(dir)?;
    temp.write_all(text.as_bytes())?;
    temp.as_file().sync_all()?;
    std::fs::set_permissions(temp.path(), permissions)?;
    temp.persist(path).map_err(|error| error.error)?;
    Ok(())
}
