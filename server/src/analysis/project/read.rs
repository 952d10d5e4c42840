//! A discovered project read from disk, in parallel, and analysed as one workspace.

use std::path::{Path, PathBuf};

use rayon::prelude::*;

use super::analyze_sources::{analyze_sources_covering, LoadedSource, ProjectReport};
use super::discover::{read_source, Discovered, Skipped};
use crate::analysis::resolve::{Coverage, WorkspaceIndex};
use crate::analysis::settings::Settings;
use crate::analysis::syntax::Lang;

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
/// files against the same workspace, as [`fix_project`](super::fix::fix_project) does).
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
                .map_err(|reason| Skipped::unreadable(path.clone(), reason));
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
    let (mut report, index) =
        analyze_sources_covering(root, &package_jsons, &files, settings, coverage(discovered));
    report.skipped.extend(skipped);
    report.skipped.sort_by(|a, b| a.path.cmp(&b.path));
    (report, index)
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
