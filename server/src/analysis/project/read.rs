//! A discovered project read from disk, in parallel, and analysed as one workspace.

use std::collections::HashSet;
use std::path::{Path, PathBuf};
use std::sync::Arc;

use rayon::prelude::*;

use super::analyze_sources::{analyze_sources_covering, LoadedSource, ProjectReport};
use super::configs::ConfigLookup;
use super::discover::{discover_with, read_source, DiscoverOptions, Discovered, Skipped};
use crate::analysis::config::Config;
use crate::analysis::resolve::packages::Manifest;
use crate::analysis::resolve::{Coverage, WorkspaceIndex};
use crate::analysis::settings::{Settings, SettingsByDir, SettingsOf};
use crate::analysis::syntax::Lang;

/// Discovers `paths` as `cio-lsp check` does in a tree of configurations: each path is judged
/// by the `ignore` globs of the configuration that governs it, and each source gets the
/// settings `make` makes of it (`None`: no configuration, or an invalid one, whose error is
/// in `configs`). `account_skipped`: see [`DiscoverOptions`].
pub fn discover_configured(
    paths: &[PathBuf],
    configs: &Arc<ConfigLookup>,
    account_skipped: bool,
    make: &dyn Fn(Option<&Config>) -> Settings,
) -> (Discovered, SettingsByDir) {
    let options = DiscoverOptions {
        ignore: None,
        configs: Some(configs),
        account_skipped,
    };
    let discovered = discover_with(paths, options);
    let settings = configs.settings_of(&discovered.sources, make);
    (discovered, settings)
}

/// Analyses `sources` as one workspace rooted at `root`. `on_progress` is called once per
/// file read (for a progress bar).
pub fn analyze_project(
    root: &Path,
    discovered: &Discovered,
    settings: &dyn SettingsOf,
    on_progress: &(dyn Fn() + Sync),
) -> ProjectReport {
    analyze_project_with_index(root, discovered, settings, on_progress).0
}

/// [`analyze_project`], also returning the workspace index it built (for re-analysing single
/// files against the same workspace, as [`fix_project`](super::fix::fix_project) does).
pub fn analyze_project_with_index(
    root: &Path,
    discovered: &Discovered,
    settings: &dyn SettingsOf,
    on_progress: &(dyn Fn() + Sync),
) -> (ProjectReport, WorkspaceIndex) {
    analyze_discovered(root, discovered, &[], settings, on_progress)
}

/// [`analyze_project`] with the texts of some sources given rather than read (a buffer piped
/// on standard input, which may differ from the file on disk, or not be saved at all).
pub fn analyze_project_with_texts(
    root: &Path,
    discovered: &Discovered,
    given: &[LoadedSource],
    settings: &dyn SettingsOf,
) -> ProjectReport {
    analyze_discovered(root, discovered, given, settings, &|| {}).0
}

fn analyze_discovered(
    root: &Path,
    discovered: &Discovered,
    given: &[LoadedSource],
    settings: &dyn SettingsOf,
    on_progress: &(dyn Fn() + Sync),
) -> (ProjectReport, WorkspaceIndex) {
    let mut package_files = read_package_files(&discovered.package_jsons, &discovered.lockfiles);
    package_files.extend(
        discovered
            .tsconfigs
            .iter()
            .filter_map(|path| Some((path.clone(), std::fs::read_to_string(path).ok()?))),
    );

    // Read everything, in parallel; small chunks keep both cores busy when large files cluster.
    let loaded: Vec<Result<LoadedSource, Skipped>> = discovered
        .sources
        .par_iter()
        .with_max_len(4)
        .filter(|path| !given.iter().any(|file| file.path == **path))
        .map(|path| {
            let result = read_source(path)
                .map(|text| LoadedSource {
                    lang: Lang::from_path(path).unwrap_or(Lang::TypeScript),
                    path: path.clone(),
                    text,
                })
                .map_err(|reason| Skipped::unreadable(path.clone(), reason));
            on_progress();
            result
        })
        .collect();
    let mut files = given.to_vec();
    let mut skipped = discovered.skipped.clone();
    for item in loaded {
        match item {
            Ok(file) => files.push(file),
            Err(reason) => skipped.push(reason),
        }
    }
    let (mut report, index) = analyze_sources_covering(
        root,
        &package_files,
        &files,
        settings,
        coverage(discovered),
        &discovered.unit_roots,
    );
    report.skipped.extend(skipped);
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    if let Some(reported) = &discovered.reported {
        keep_reported(&mut report, reported);
    }
    (report, index)
}

/// The `package.json` files, and the lockfiles that can tell a version one of them leaves
/// open (`"customerio-node": "latest"`), as (path, text) pairs; a lockfile is large and most
/// are never needed.
pub fn read_package_files(
    package_jsons: &[PathBuf],
    lockfiles: &[PathBuf],
) -> Vec<(PathBuf, String)> {
    let mut files: Vec<(PathBuf, String)> = package_jsons
        .iter()
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(path).ok()?)))
        .collect();
    let open: Vec<&Path> = files
        .iter()
        .filter(|(_, text)| Manifest::parse(text).needs_lockfile())
        .filter_map(|(path, _)| path.parent())
        .collect();
    let wanted: Vec<&PathBuf> = lockfiles
        .iter()
        .filter(|lockfile| {
            let dir = lockfile.parent().unwrap_or(Path::new(""));
            open.iter().any(|package| package.starts_with(dir))
        })
        .collect();
    let lockfiles: Vec<(PathBuf, String)> = wanted
        .into_iter()
        .filter_map(|path| Some((path.clone(), std::fs::read_to_string(path).ok()?)))
        .collect();
    files.extend(lockfiles);
    files
}

/// Leaves only the `reported` files' findings and skips in `report`: the rest of it was their
/// context.
fn keep_reported(report: &mut ProjectReport, reported: &HashSet<PathBuf>) {
    report.files.retain(|file| reported.contains(&file.path));
    report
        .skipped
        .retain(|skipped| skipped.explicit || reported.contains(&skipped.path));
    report.files_checked = reported.len();
}

/// The packages a scan holds whole: each `package.json` found inside a directory that was
/// walked (named files do not make a package whole). Workspace rules take their scope from
/// them, as in a monorepo root; the scanned folder need not be a package itself.
fn coverage(discovered: &Discovered) -> Coverage {
    let dirs = discovered
        .package_jsons
        .iter()
        .filter(|json| {
            discovered
                .scanned_dirs
                .iter()
                .any(|dir| json.starts_with(dir))
        })
        .filter_map(|json| json.parent().map(Path::to_path_buf))
        .collect();
    Coverage::Packages(dirs)
}
