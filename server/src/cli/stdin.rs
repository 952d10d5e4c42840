//! `check --stdin --stdin-filename PATH`: the text on standard input checked as the file PATH
//! (its language, configuration and package.json come from the name), for editors and tools
//! that pipe a buffer that may not be saved. As a file named alone, it is checked in the
//! context of its project (`project::context`), the piped text standing in for the file; only
//! it is reported. Without a project, workspace rules that conclude from absence (CIO008) stay
//! quiet.

use std::io::{self, Read};
use std::path::{Path, PathBuf};
use std::sync::Arc;

use crate::analysis::project::{
    absolute, analyze_project_with_texts, analyze_sources_covering, discover_in_context,
    needs_project, read_package_files, ConfigLookup, DiscoverOptions, LoadedSource, ProjectReport,
    Skipped, IGNORED_BY_CONFIG,
};
use crate::analysis::resolve::packages::LOCKFILE_NAMES;
use crate::analysis::resolve::Coverage;
use crate::analysis::settings::Settings;
use crate::analysis::syntax::Lang;

pub fn check(
    name: &Path,
    configs: &Arc<ConfigLookup>,
    settings: &Settings,
) -> Result<ProjectReport, String> {
    let lang = Lang::from_path(name).ok_or_else(|| {
        format!(
            "--stdin-filename {}: not a JavaScript or TypeScript file name",
            name.display()
        )
    })?;
    let mut text = String::new();
    io::stdin()
        .read_to_string(&mut text)
        .map_err(|error| format!("cannot read standard input: {error}"))?;
    if name.ancestors().any(|path| configs.is_ignored(path)) {
        let mut skipped = Skipped::unreadable(name.to_path_buf(), IGNORED_BY_CONFIG);
        skipped.explicit = true;
        return Ok(ProjectReport {
            skipped: vec![skipped],
            ..Default::default()
        });
    }
    if needs_project(name, &text, settings) {
        let path = absolute(name);
        let options = DiscoverOptions {
            ignore: None,
            configs: Some(configs),
            account_skipped: false,
        };
        if let Some((discovered, root)) = discover_in_context(std::slice::from_ref(&path), options)
        {
            let file = LoadedSource { lang, path, text };
            return Ok(analyze_project_with_texts(
                &root,
                &discovered,
                &[file],
                settings,
            ));
        }
    }
    let package_jsons = package_files_above(name);
    let file = LoadedSource {
        lang,
        path: name.to_path_buf(),
        text,
    };
    let (report, _) = analyze_sources_covering(
        Path::new("."),
        &package_jsons,
        &[file],
        settings,
        Coverage::Partial,
        &[],
    );
    Ok(report)
}

/// The `package.json` files of the folder `name` is in and of the folders above it (the
/// nearest one that declares a Customer.io package decides its version, a monorepo's root
/// too), with the lockfiles beside them that a version question may need.
fn package_files_above(name: &Path) -> Vec<(PathBuf, String)> {
    let dirs = name.ancestors().skip(1);
    let existing = |file: &str| -> Vec<PathBuf> {
        dirs.clone()
            .map(|dir| dir.join(file))
            .filter(|path| path.is_file())
            .collect()
    };
    let package_jsons = existing("package.json");
    let lockfiles: Vec<PathBuf> = LOCKFILE_NAMES
        .iter()
        .flat_map(|name| existing(name))
        .collect();
    read_package_files(&package_jsons, &lockfiles)
}
