//! Analysing files already in memory as one workspace: the prefilter, parallel parsing in
//! passes (files that name Customer.io, barrel files, importers of workspace modules), the
//! per-file analysis against the workspace index, and the workspace rules.

use std::collections::{BTreeMap, HashMap};
use std::path::{Path, PathBuf};

use rayon::prelude::*;
use tree_sitter::Tree;

use super::discover::{is_lockfile, is_tsconfig, Skipped};
use crate::analysis::pipeline::{
    analyze_with_bindings, file_bindings, merge_workspace_findings, workspace_findings,
    FileAnalysis, Notice,
};
use crate::analysis::resolve::values::{exported_functions, exported_values};
use crate::analysis::resolve::workspace::normalize;
use crate::analysis::resolve::{
    Bindings, Coverage, ExportLookup, FileFacts, NoWorkspaceView, Prefilter, WorkspaceIndex,
};
use crate::analysis::rules::cio008;
use crate::analysis::rules::finding::Finding;
use crate::analysis::settings::{Settings, SettingsOf};
use crate::analysis::suppress;
use crate::analysis::syntax::{mentions, parse, Lang, SourceFile};

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
    /// What the analyses had to say besides findings, sorted by path.
    pub notices: Vec<Notice>,
}

/// A source file read into memory, ready for [`analyze_sources`].
#[derive(Debug, Clone)]
pub struct LoadedSource {
    pub path: PathBuf,
    pub lang: Lang,
    pub text: String,
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

/// The facts of a file that is not parsed (it never mentions Customer.io): only what a text
/// search shows, its bounce webhook handling (CIO008). `None` when there is nothing to record.
pub fn unparsed_file_facts(text: &str) -> Option<FileFacts> {
    cio008::mentions_bounce_handling(text).then(|| FileFacts {
        handles_bounce: true,
        ..Default::default()
    })
}

/// Analyses files already in memory as one workspace rooted at `root`: the prefilter, parsing,
/// the per-file rules and the workspace rules. `package_jsons` are (path, text) pairs of
/// `package.json` files and lockfiles (told apart by name); `files`
/// are taken to be all of the project's sources (so CIO008 may conclude from absence).
pub fn analyze_sources(
    root: &Path,
    package_jsons: &[(PathBuf, String)],
    files: &[LoadedSource],
    settings: &dyn SettingsOf,
) -> ProjectReport {
    analyze_sources_covering(root, package_jsons, files, settings, Coverage::Whole, &[]).0
}

/// [`analyze_sources`] for files that may not be whole projects, also returning the index;
/// `coverage`: which projects `files` hold all the sources of (see
/// [`WorkspaceIndex::set_coverage`]); `unit_roots`: the folders that start a unit of their
/// own for the workspace rules (see [`WorkspaceIndex::set_unit_roots`]).
pub fn analyze_sources_covering(
    root: &Path,
    package_jsons: &[(PathBuf, String)],
    files: &[LoadedSource],
    settings: &dyn SettingsOf,
    coverage: Coverage,
    unit_roots: &[PathBuf],
) -> (ProjectReport, WorkspaceIndex) {
    let mut report = ProjectReport {
        files_checked: files.len(),
        ..Default::default()
    };
    let mut index = WorkspaceIndex::new(root);
    index.set_coverage(coverage);
    index.set_unit_roots(unit_roots.iter().cloned());
    for (path, text) in package_jsons {
        if is_lockfile(path) {
            index.set_lockfile(path, text);
        } else if is_tsconfig(path) {
            index.set_tsconfig(path, text);
        } else {
            index.set_package_json(path, text);
        }
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
    let mut asked = Vec::new();
    let mut analysed: BTreeMap<usize, FileAnalysis> = early
        .into_iter()
        .chain(analyse_files(
            files,
            &mut stages,
            &deferred,
            &index,
            settings,
            &mut asked,
        ))
        .collect();
    for (i, analysis) in &analysed {
        index.set_file(&files[*i].path, analysis.facts.clone());
    }
    // CIO007 across files: a request handler may await a helper imported from a module whose
    // export awaits a Customer.io call, without naming Customer.io itself. Those helpers are
    // known only now: parse the files that name their modules, and (re-)analyse them. (Files
    // analysed in pass 1 import no workspace module: no helper can reach them.)
    let mut again =
        importers_of_new_exports(&mut index, files, &mut stages, &stems_before, settings);
    // Values across files: a constant, a config object or an email normaliser imported from a
    // module that names no Customer.io package was not parsed; the analyses said which they
    // needed. Parse those, and analyse again the files that asked.
    again.extend(value_modules_and_askers(
        &mut index,
        files,
        &mut stages,
        std::mem::take(&mut asked),
        settings,
    ));
    again.sort_unstable();
    again.dedup();
    if !again.is_empty() {
        report.files_parsed = parsed_count(&stages);
        for (i, analysis) in analyse_files(files, &mut stages, &again, &index, settings, &mut asked)
        {
            index.set_file(&files[i].path, analysis.facts.clone());
            analysed.insert(i, analysis);
        }
    }
    drop(stages);
    // CIO008: a bounce webhook handler may never name Customer.io, so the prefilter skipped
    // it; record its bounce handling from a cheap text search of every file not analysed.
    let unparsed_facts: Vec<(usize, FileFacts)> = (0..files.len())
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
        let settings = settings.of(&file.path);
        let extra = workspace_findings(&file.path, &analysis.facts, &index, settings);
        merge_workspace_findings(&mut findings, extra);
        // Suppression comments apply to local and workspace findings alike.
        suppress::apply(&file.text, &analysis.suppressions, &mut findings, settings);
        report.internal_errors.extend(analysis.internal_errors);
        report.notices.extend(analysis.notices);
        if !findings.is_empty() {
            report.files.push(FileReport {
                path: file.path.clone(),
                text: file.text.clone(),
                findings,
            });
        }
    }
    report.files.sort_by(|a, b| a.path.cmp(&b.path));
    report.notices.sort_by(|a, b| a.path.cmp(&b.path));
    (report, index)
}

/// Pass 1: parses the files that name a Customer.io package or global (or a configured client
/// or package) and records what they export. A file that imports no workspace module cannot
/// depend on other files' facts (a file's analysis reaches them only through its own workspace
/// imports, see [`WorkspaceView`](crate::analysis::resolve::WorkspaceView)), so it is analysed right away, while its tree is
/// still in cache, and the tree is dropped; this also keeps memory bounded on large
/// workspaces. The others keep their tree and bindings: later passes reuse the bindings while
/// the workspace answers the file's imports the same way. Returns every file's stage and
/// those analyses.
fn first_pass(
    index: &mut WorkspaceIndex,
    files: &[LoadedSource],
    settings: &dyn SettingsOf,
) -> (Vec<Stage>, Vec<(usize, FileAnalysis)>) {
    let prefilter = union_prefilter(&settings.every());
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
            let settings = settings.of(&file.path);
            // The index knows no file yet, only the package.json and tsconfig files: it answers
            // which imports name workspace modules (tsconfig paths, monorepo members) and the
            // packages' versions; what those modules export comes later.
            let bindings = file_bindings(&source, settings, &view_of(&file.path));
            let exports = export_facts(&source, &bindings, &NoWorkspaceView);
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

/// The prefilter of pass 1: what any of the settings in use treats as Customer.io (a file
/// let through for another configuration's client name is parsed, and finds nothing).
fn union_prefilter(every: &[&Settings]) -> Prefilter {
    if let [only] = every {
        return Prefilter::new(only.clients(), &[]);
    }
    let mut union = Settings::default();
    for settings in every {
        union.extra_clients.extend(settings.extra_clients.clone());
        union.extra_packages.extend(settings.extra_packages.clone());
    }
    Prefilter::new(union.clients(), &[])
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

/// What a file exports (clients, re-exports, string values, function summaries), as facts
/// for the index before it is analysed.
fn export_facts(file: &SourceFile, bindings: &Bindings, workspace: &dyn ExportLookup) -> FileFacts {
    FileFacts {
        exports: bindings.exports.clone(),
        reexports: bindings.reexports.clone(),
        functions: bindings.exported_summaries(file.path, file.text),
        exported_values: exported_values(file.tree, file.path, file.text, bindings, workspace),
        exported_functions: exported_functions(file.tree, file.text, bindings, workspace),
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
    settings: &dyn SettingsOf,
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
            _ => Box::new(file_bindings(&source, settings.of(&file.path), &view)),
        };
        let facts = export_facts(&source, &bindings, &view);
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
    settings: &dyn SettingsOf,
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
    settings: &dyn SettingsOf,
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
    settings: &dyn SettingsOf,
    asked: &mut Vec<(usize, Vec<String>)>,
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
    let outcomes: Vec<(usize, FileAnalysis, Box<Bindings>, Vec<String>)> = parsed
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
            let settings = settings.of(&file.path);
            let bindings = match kept {
                Some(bindings) if bindings.still_valid(&view) => bindings,
                _ => Box::new(file_bindings(&source, settings, &view)),
            };
            let analysis = analyze_with_bindings(&source, settings, &view, &bindings);
            let unresolved = view.unresolved_value_modules();
            (i, analysis, bindings, unresolved)
        })
        .collect();
    outcomes
        .into_iter()
        .map(|(i, analysis, bindings, unresolved)| {
            stages[i] = Stage::Analysed(bindings);
            if !unresolved.is_empty() {
                asked.push((i, unresolved));
            }
            (i, analysis)
        })
        .collect()
}

/// After an analysis round: the modules whose values the analyses asked about but that were
/// not parsed (a config module, an email normaliser: they name no Customer.io package), parsed
/// now with their exports recorded, and the files that asked, parsed again. Returns the
/// indices to analyse (again): both.
fn value_modules_and_askers(
    index: &mut WorkspaceIndex,
    files: &[LoadedSource],
    stages: &mut [Stage],
    asked: Vec<(usize, Vec<String>)>,
    settings: &dyn SettingsOf,
) -> Vec<usize> {
    if asked.is_empty() {
        return Vec::new();
    }
    let by_path: HashMap<PathBuf, usize> = files
        .iter()
        .enumerate()
        .map(|(i, f)| (normalize(&f.path), i))
        .collect();
    let mut modules: Vec<usize> = Vec::new();
    let mut askers: Vec<usize> = Vec::new();
    for (asker, specifiers) in asked {
        let found: Vec<usize> = specifiers
            .iter()
            .filter_map(|specifier| {
                index
                    .module_paths(&files[asker].path, specifier)
                    .iter()
                    .find_map(|candidate| by_path.get(candidate).copied())
            })
            .filter(|&module| matches!(stages[module], Stage::Unparsed))
            .collect();
        if !found.is_empty() {
            askers.push(asker);
            modules.extend(found);
        }
    }
    modules.sort_unstable();
    modules.dedup();
    if modules.is_empty() {
        return Vec::new();
    }
    parse_files(files, stages, &modules);
    record_exports(index, files, stages, &modules, settings);
    let askers: Vec<usize> = askers
        .into_iter()
        .filter(|&i| matches!(stages[i], Stage::Analysed(_)))
        .collect();
    parse_files(files, stages, &askers);
    let mut again: Vec<usize> = modules.into_iter().chain(askers).collect();
    again.sort_unstable();
    again.dedup();
    again
}
