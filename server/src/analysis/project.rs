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
    analyze, analyze_with_bindings, file_bindings, mentions, merge_workspace_findings, parse,
    workspace_findings, Applicability, Bindings, FileAnalysis, FileFacts, Finding, Lang,
    NoWorkspaceView, Prefilter, Settings, SourceFile, WorkspaceIndex,
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
                    !is_excluded_dir(entry)
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

/// Whether `entry` is a dependency or build-output directory. The type comes from the
/// directory listing: asking the file system (`Path::is_dir`) cost one `stat` per entry.
fn is_excluded_dir(entry: &ignore::DirEntry) -> bool {
    entry.depth() > 0
        && entry.file_type().is_some_and(|t| t.is_dir())
        && entry.file_name().to_str().is_some_and(|name| {
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
    use std::io::Read;
    let too_large = |len: u64| {
        format!(
            "larger than {} MiB ({len} bytes)",
            MAX_FILE_BYTES / (1024 * 1024)
        )
    };
    // The size from the open file (one `stat`, not one for the path and one for the read),
    // and the read bounded by the limit, should the file grow meanwhile.
    let file = std::fs::File::open(path).map_err(|e| e.to_string())?;
    let len = file.metadata().map_err(|e| e.to_string())?.len();
    if len > MAX_FILE_BYTES {
        return Err(too_large(len));
    }
    let mut bytes = Vec::with_capacity(len as usize + 1);
    file.take(MAX_FILE_BYTES + 1)
        .read_to_end(&mut bytes)
        .map_err(|e| e.to_string())?;
    if bytes.len() as u64 > MAX_FILE_BYTES {
        return Err(too_large(bytes.len() as u64));
    }
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

/// Where a file stands in [`analyze_sources`].
enum Stage {
    /// Not parsed (yet): no prefilter let it through.
    Unparsed,
    /// Parsed; the tree is kept until the file's (last) analysis, with the bindings last
    /// collected from it (`None` until a pass needs them), which later passes reuse while the
    /// workspace answers their imports the same way ([`Bindings::still_valid`]).
    Parsed(Tree, Option<Box<Bindings>>),
    /// Analysed in pass 1 and its tree dropped: it imports no workspace module, so nothing
    /// learnt later about other files can change its analysis.
    AnalysedEarly,
    /// Analysed against the index with these bindings, and its tree dropped right after (while
    /// still in cache). Should the index later answer one of its imports differently, the file
    /// is parsed again and re-analysed: that is rare, and keeping every tree until then would
    /// hold the whole workspace's trees in memory, to drop them cold.
    Analysed(Box<Bindings>),
}

/// A source file read into memory, ready for [`analyze_sources`].
#[derive(Debug, Clone)]
pub struct LoadedSource {
    pub path: PathBuf,
    pub lang: Lang,
    pub text: String,
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
    let package_jsons: Vec<(PathBuf, String)> = discovered
        .package_jsons
        .iter()
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(path).ok()?)))
        .collect();

    // Read everything, in parallel; small chunks keep both cores busy when large files cluster.
    let loaded: Vec<Result<LoadedSource, Skipped>> = discovered
        .sources
        .par_iter()
        .with_max_len(4)
        .map(|path| {
            let result = read_source(path)
                .map(|text| LoadedSource {
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
    let mut skipped = discovered.skipped.clone();
    for item in loaded {
        match item {
            Ok(file) => files.push(file),
            Err(reason) => skipped.push(reason),
        }
    }
    let (mut report, index) = analyze_sources_with_index(
        root,
        &package_jsons,
        &files,
        settings,
        discovered.covers_project,
    );
    report.skipped.extend(skipped);
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    (report, index)
}

/// Analyses files already in memory as one workspace rooted at `root`: the prefilter, parsing,
/// the per-file rules and the workspace rules. `package_jsons` are (path, text) pairs; `files`
/// are taken to be all of the project's sources (so CIO008 may conclude from absence).
pub fn analyze_sources(
    root: &Path,
    package_jsons: &[(PathBuf, String)],
    files: &[LoadedSource],
    settings: &Settings,
) -> ProjectReport {
    analyze_sources_with_index(root, package_jsons, files, settings, true).0
}

/// [`analyze_sources`], also returning the index; `complete`: whether `files` are all of the
/// project's sources (see [`WorkspaceIndex::set_complete`]).
fn analyze_sources_with_index(
    root: &Path,
    package_jsons: &[(PathBuf, String)],
    files: &[LoadedSource],
    settings: &Settings,
    complete: bool,
) -> (ProjectReport, WorkspaceIndex) {
    let mut report = ProjectReport {
        files_checked: files.len(),
        ..Default::default()
    };
    let mut index = WorkspaceIndex::new(root);
    index.set_complete(complete);
    for (path, text) in package_jsons {
        index.set_package_json(path, text);
    }

    // Pass 1: files that name a Customer.io package or global; what they export.
    let (mut stages, early) = first_pass(&mut index, files, settings);
    // The kept files import workspace modules: what they export may be an imported client,
    // known now that every pass-1 file's exports are in.
    let importing: Vec<usize> = (0..files.len())
        .filter(|i| matches!(stages[*i], Stage::Parsed(..)))
        .collect();
    record_exports(&mut index, files, &mut stages, &importing, settings);
    // Pass 2: files that may import a client from a workspace module.
    parse_importers(&mut index, files, &mut stages, settings);
    report.files_parsed = parsed_count(&stages);

    // Analyse the files that import workspace modules against the complete export index.
    let deferred: Vec<usize> = (0..files.len())
        .filter(|i| matches!(stages[*i], Stage::Parsed(..)))
        .collect();
    // Taken before any analysis' facts are in: only the analyses find awaiting helpers.
    let stems_before = index.exporting_stems();
    let mut analysed: BTreeMap<usize, FileAnalysis> = early
        .into_iter()
        .chain(analyse_files(
            files,
            &mut stages,
            &deferred,
            &index,
            settings,
        ))
        .collect();
    for (i, analysis) in &analysed {
        index.set_file(&files[*i].path, analysis.facts.clone());
    }
    // CIO007 across files: a request handler may await a helper imported from a module whose
    // export awaits a Customer.io call, without naming Customer.io itself. Those helpers are
    // known only now: parse the files that name their modules, and (re-)analyse them. (Files
    // analysed in pass 1 import no workspace module: no helper can reach them.)
    let again = importers_of_new_exports(&mut index, files, &mut stages, &stems_before, settings);
    if !again.is_empty() {
        report.files_parsed = parsed_count(&stages);
        for (i, analysis) in analyse_files(files, &mut stages, &again, &index, settings) {
            index.set_file(&files[i].path, analysis.facts.clone());
            analysed.insert(i, analysis);
        }
    }
    drop(stages);
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
    (report, index)
}

/// Pass 1: parses the files that name a Customer.io package or global (or a configured client
/// or package) and records what they export. A file that imports no workspace module cannot
/// depend on other files' facts (a file's analysis reaches them only through its own workspace
/// imports, see [`super::WorkspaceView`]), so it is analysed right away, while its tree is
/// still in cache, and the tree is dropped; this also keeps memory bounded on large
/// workspaces. The others keep their tree and bindings: later passes reuse the bindings while
/// the workspace answers the file's imports the same way. Returns every file's stage and
/// those analyses.
fn first_pass(
    index: &mut WorkspaceIndex,
    files: &[LoadedSource],
    settings: &Settings,
) -> (Vec<Stage>, Vec<(usize, FileAnalysis)>) {
    let prefilter = Prefilter::new(settings.clients(), &[]);
    let view_of = |path: &Path| index.view(path);
    let outcomes: Vec<(usize, FileFacts, Stage, Option<FileAnalysis>)> = files
        .par_iter()
        .enumerate()
        .with_max_len(4)
        .filter(|(_, file)| prefilter.matches(&file.text))
        .map(|(i, file)| {
            let tree = parse(file.lang, &file.text, None);
            let source = SourceFile {
                path: &file.path,
                lang: file.lang,
                text: &file.text,
                tree: &tree,
            };
            let bindings = file_bindings(&source, settings, &NoWorkspaceView);
            let exports = export_facts(&bindings);
            if !bindings.module_imports.is_empty() {
                return (
                    i,
                    exports,
                    Stage::Parsed(tree, Some(Box::new(bindings))),
                    None,
                );
            }
            let analysis =
                analyze_with_bindings(&source, settings, &view_of(&file.path), &bindings);
            (i, exports, Stage::AnalysedEarly, Some(analysis))
        })
        .collect();
    let mut stages: Vec<Stage> = files.iter().map(|_| Stage::Unparsed).collect();
    let mut early = Vec::new();
    for (i, exports, stage, analysis) in outcomes {
        if exports != FileFacts::default() {
            index.set_file(&files[i].path, exports);
        }
        stages[i] = stage;
        early.extend(analysis.map(|analysis| (i, analysis)));
    }
    (stages, early)
}

/// How many rounds of barrel files (`export { cio } from "./client"`) the prefilter looks for:
/// a barrel of barrels is as deep as workspaces go.
const BARREL_ROUNDS: usize = 2;

/// How many files were parsed, whether or not their tree is still kept.
fn parsed_count(stages: &[Stage]) -> usize {
    stages
        .iter()
        .filter(|stage| !matches!(stage, Stage::Unparsed))
        .count()
}

/// What a file exports (clients, re-exports), as facts for the index before it is analysed.
fn export_facts(bindings: &Bindings) -> FileFacts {
    FileFacts {
        exports: bindings.exports.clone(),
        reexports: bindings.reexports.clone(),
        ..FileFacts::default()
    }
}

/// Parses the files not parsed yet that `wanted` accepts; returns their indices.
fn parse_where(
    files: &[LoadedSource],
    stages: &mut [Stage],
    wanted: impl Fn(&LoadedSource) -> bool + Sync,
) -> Vec<usize> {
    let current: &[Stage] = stages;
    let indices: Vec<usize> = files
        .par_iter()
        .enumerate()
        .filter(|(i, f)| matches!(current[*i], Stage::Unparsed) && wanted(f))
        .map(|(i, _)| i)
        .collect();
    parse_files(files, stages, &indices);
    indices
}

/// Parses the files `indices` in parallel; each becomes [`Stage::Parsed`], without bindings.
fn parse_files(files: &[LoadedSource], stages: &mut [Stage], indices: &[usize]) {
    let parsed: Vec<(usize, Tree)> = indices
        .par_iter()
        .with_max_len(4)
        .map(|&i| (i, parse(files[i].lang, &files[i].text, None)))
        .collect();
    for (i, tree) in parsed {
        stages[i] = Stage::Parsed(tree, None);
    }
}

/// Records what files export (clients, re-exports) before anything is analysed: the prefilter
/// of the files that import them depends on it. Bindings are collected against the index so
/// far, so that a module re-exporting an imported client (`import { cio } from "./client";
/// export { cio }`) counts as exporting it; the bindings a file already has are kept when the
/// index answers its imports as before ([`Bindings::still_valid`]).
fn record_exports(
    index: &mut WorkspaceIndex,
    files: &[LoadedSource],
    stages: &mut [Stage],
    indices: &[usize],
    settings: &Settings,
) {
    for &i in indices {
        let (file, Stage::Parsed(tree, kept)) = (&files[i], &mut stages[i]) else {
            continue;
        };
        let source = SourceFile {
            path: &file.path,
            lang: file.lang,
            text: &file.text,
            tree,
        };
        let view = index.view(&file.path);
        let bindings = match kept.take() {
            Some(bindings) if bindings.still_valid(&view) => bindings,
            _ => Box::new(file_bindings(&source, settings, &view)),
        };
        let facts = export_facts(&bindings);
        *kept = Some(bindings);
        if facts != FileFacts::default() {
            index.set_file(&file.path, facts);
        }
    }
}

/// Parses the files that name a module known to export something (a client, through barrel
/// files too); returns their indices. Only files that no earlier prefilter let through are
/// left, so only the modules' stems are searched for.
fn parse_importers(
    index: &mut WorkspaceIndex,
    files: &[LoadedSource],
    stages: &mut [Stage],
    settings: &Settings,
) -> Vec<usize> {
    let mut parsed = Vec::new();
    // Barrels pass exports on without naming Customer.io: each round finds the barrels of the
    // modules known so far.
    for _ in 0..BARREL_ROUNDS {
        let stems = index.exporting_stems();
        if stems.is_empty() {
            break;
        }
        let prefilter = Prefilter::from_needles(&stems);
        let barrels = parse_where(files, stages, |f| {
            may_reexport(&f.text) && prefilter.matches(&f.text)
        });
        if barrels.is_empty() {
            break;
        }
        record_exports(index, files, stages, &barrels, settings);
        parsed.extend(barrels);
    }
    let stems = index.exporting_stems();
    if !stems.is_empty() {
        let prefilter = Prefilter::from_needles(&stems);
        parsed.extend(parse_where(files, stages, |f| prefilter.matches(&f.text)));
    }
    parsed
}

/// After the first analysis: the files to (re-)analyse because the analyses found modules to
/// export something more (an awaiting helper). Those are the files not parsed yet that name a
/// module new among the exporting ones, and the analysed files whose imports the index now
/// answers differently, parsed again. Files analysed in pass 1 are not among them: they import
/// no workspace module.
fn importers_of_new_exports(
    index: &mut WorkspaceIndex,
    files: &[LoadedSource],
    stages: &mut [Stage],
    stems_before: &[String],
    settings: &Settings,
) -> Vec<usize> {
    // Only a module that newly exports something can make an unparsed file an importer; a
    // module that already did may still have more to export now, so every analysed file's
    // imports are asked again.
    let newly_parsed = if index.exporting_stems() != stems_before {
        parse_importers(index, files, stages, settings)
    } else {
        Vec::new()
    };
    let stale: Vec<usize> = (0..files.len())
        .into_par_iter()
        .filter(|&i| match &stages[i] {
            Stage::Analysed(bindings) => !bindings.still_valid(&index.view(&files[i].path)),
            _ => false,
        })
        .collect();
    parse_files(files, stages, &stale);
    let mut again: Vec<usize> = stale.into_iter().chain(newly_parsed).collect();
    again.sort_unstable();
    again.dedup();
    again
}

/// Whether a file can hold `export … from` (a cheap text test before parsing it).
fn may_reexport(text: &str) -> bool {
    mentions(text, "export") && mentions(text, "from")
}

/// Analyses the files `indices` that still have a tree against the index, in parallel. Each
/// tree is dropped as soon as its file is analysed; the file keeps the bindings the analysis
/// used ([`Stage::Analysed`]).
fn analyse_files(
    files: &[LoadedSource],
    stages: &mut [Stage],
    indices: &[usize],
    index: &WorkspaceIndex,
    settings: &Settings,
) -> Vec<(usize, FileAnalysis)> {
    let parsed: Vec<(usize, Tree, Option<Box<Bindings>>)> = indices
        .iter()
        .filter_map(
            |&i| match std::mem::replace(&mut stages[i], Stage::Unparsed) {
                Stage::Parsed(tree, kept) => Some((i, tree, kept)),
                other => {
                    stages[i] = other;
                    None
                }
            },
        )
        .collect();
    let outcomes: Vec<(usize, FileAnalysis, Box<Bindings>)> = parsed
        .into_par_iter()
        .with_max_len(4)
        .map(|(i, tree, kept)| {
            let file = &files[i];
            let source = SourceFile {
                path: &file.path,
                lang: file.lang,
                text: &file.text,
                tree: &tree,
            };
            let view = index.view(&file.path);
            let bindings = match kept {
                Some(bindings) if bindings.still_valid(&view) => bindings,
                _ => Box::new(file_bindings(&source, settings, &view)),
            };
            let analysis = analyze_with_bindings(&source, settings, &view, &bindings);
            (i, analysis, bindings)
        })
        .collect();
    outcomes
        .into_iter()
        .map(|(i, analysis, bindings)| {
            stages[i] = Stage::Analysed(bindings);
            (i, analysis)
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
