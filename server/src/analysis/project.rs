//! Analysing many files as one workspace: discovery, the text prefilter, parallel parsing,
//! the workspace index and the workspace rules. Used by `cio-lsp check`; the language server
//! uses the same pieces for its background index.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::clients::ExportName;
use super::{
    analyze, analyze_with_bindings, merge_workspace_findings, parse, workspace_findings, Bindings,
    Finding, Lang, NoWorkspaceView, Prefilter, Sdk, Settings, SourceFile, WorkspaceIndex,
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
}

/// Walks `paths` (files or directories) respecting `.gitignore`, skipping `node_modules`,
/// build output and minified files.
pub fn discover(paths: &[PathBuf]) -> Discovered {
    let mut found = Discovered::default();
    for path in paths {
        if !path.exists() {
            found
                .errors
                .push(format!("{}: no such file or directory", path.display()));
            continue;
        }
        let walker = ignore::WalkBuilder::new(path)
            .hidden(true)
            .git_ignore(true)
            .require_git(false)
            .filter_entry(|entry| !is_excluded_dir(entry.path(), entry.depth()))
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

/// The clients a file exports.
type Exports = Vec<(ExportName, Sdk)>;

/// What pass 1 of [`analyze_sources`] did with a file.
enum FirstPass {
    Analysed(super::FileAnalysis),
    /// The file imports workspace modules: analysed once every module's exports are known.
    Deferred(tree_sitter::Tree),
}

/// A source file read into memory, ready for [`analyze_sources`].
#[derive(Debug, Clone)]
pub struct LoadedSource {
    pub path: PathBuf,
    pub lang: Lang,
    pub text: String,
}

/// Analyses `sources` as one workspace rooted at `root`. `on_progress` is called once per
/// file read (for a progress bar).
pub fn analyze_project(
    root: &Path,
    discovered: &Discovered,
    settings: &Settings,
    on_progress: &(dyn Fn() + Sync),
) -> ProjectReport {
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
    let mut report = analyze_sources(root, &package_jsons, &files, settings);
    report.skipped.extend(skipped);
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    report
}

/// Analyses files already in memory as one workspace rooted at `root`: the prefilter, parsing,
/// the per-file rules and the workspace rules. `package_jsons` are (path, text) pairs.
pub fn analyze_sources(
    root: &Path,
    package_jsons: &[(PathBuf, String)],
    files: &[LoadedSource],
    settings: &Settings,
) -> ProjectReport {
    let mut report = ProjectReport {
        files_checked: files.len(),
        ..Default::default()
    };
    let mut index = WorkspaceIndex::new(root);
    for (path, text) in package_jsons {
        index.set_package_json(path, text);
    }

    // Pass 1: files that name a Customer.io package or global; what they export. A file that
    // imports no workspace module cannot depend on the export index, so it is analysed right
    // away, while its tree is still in cache, and the tree is dropped; only files that import
    // workspace modules keep their tree until the index is complete. This also avoids
    // collecting those files' bindings twice, and keeps memory bounded on large workspaces.
    let prefilter = Prefilter::new(settings, &[]);
    let direct: Vec<bool> = files
        .par_iter()
        .map(|f| prefilter.matches(&f.text))
        .collect();
    let pass_one: Vec<(usize, Exports, FirstPass)> = files
        .par_iter()
        .enumerate()
        .with_max_len(4)
        .filter(|(i, _)| direct[*i])
        .map(|(i, file)| {
            let tree = parse(file.lang, &file.text, None);
            let bindings =
                Bindings::collect(&tree, &file.text, &NoWorkspaceView, &settings.extra_clients);
            let exports = bindings.exports.clone();
            if !bindings.module_imports.is_empty() {
                return (i, exports, FirstPass::Deferred(tree));
            }
            let source = SourceFile {
                path: &file.path,
                lang: file.lang,
                text: &file.text,
                tree: &tree,
            };
            let view = index.view(&file.path);
            let analysis = analyze_with_bindings(&source, settings, &view, &bindings);
            (i, exports, FirstPass::Analysed(analysis))
        })
        .collect();
    let mut analysed: Vec<(usize, super::FileAnalysis)> = Vec::with_capacity(pass_one.len());
    let mut deferred: Vec<(usize, tree_sitter::Tree)> = Vec::new();
    for (i, exports, outcome) in pass_one {
        if !exports.is_empty() {
            let facts = super::FileFacts {
                exports,
                ..Default::default()
            };
            index.set_file(&files[i].path, facts);
        }
        match outcome {
            FirstPass::Analysed(analysis) => analysed.push((i, analysis)),
            FirstPass::Deferred(tree) => deferred.push((i, tree)),
        }
    }
    let direct_count = analysed.len() + deferred.len();

    // Pass 2: files that may import a client from a workspace module. Pass 1's prefilter
    // already rejected them, so only the exporting modules' stems are searched for.
    let stems = index.exporting_stems();
    let parsed_indirect: Vec<(usize, tree_sitter::Tree)> = if stems.is_empty() {
        Vec::new()
    } else {
        let prefilter = Prefilter::from_needles(&stems);
        files
            .par_iter()
            .enumerate()
            .with_max_len(4)
            .filter(|(i, f)| !direct[*i] && prefilter.matches(&f.text))
            .map(|(i, f)| (i, parse(f.lang, &f.text, None)))
            .collect()
    };
    report.files_parsed = direct_count + parsed_indirect.len();

    // Analyse the files that import workspace modules against the complete export index.
    deferred.extend(parsed_indirect);
    let late: Vec<(usize, super::FileAnalysis)> = deferred
        .par_iter()
        .with_max_len(4)
        .map(|(i, tree)| {
            let file = &files[*i];
            let source = SourceFile {
                path: &file.path,
                lang: file.lang,
                text: &file.text,
                tree,
            };
            (*i, analyze(&source, settings, &index.view(&file.path)))
        })
        .collect();
    drop(deferred);
    // Direct files first, then the others, each in file order (as the report always had it).
    analysed.extend(late);
    analysed.sort_by_key(|(i, _)| (!direct[*i], *i));
    for (i, analysis) in &analysed {
        index.set_file(&files[*i].path, analysis.facts.clone());
    }

    // Workspace rules, now that every file's facts are in.
    for (i, analysis) in analysed {
        let file = &files[i];
        let mut findings = analysis.findings;
        let extra = workspace_findings(&file.path, &analysis.facts, &index, settings);
        merge_workspace_findings(&mut findings, extra);
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
    report
}
