//! Files named on their own (a pre-commit hook's staged files, `check --stdin`, an editor's
//! "lint this file") checked in the context of their projects. Alone, `src/server.ts` cannot
//! see `lib/customerio.ts`, where the client it imports is made, nor the other clients that the
//! workspace rules compare it with; so each named file that may use Customer.io brings the
//! sources of its project (the nearest folder above it with a `package.json`, `tsconfig.json`
//! or `jsconfig.json`), discovered as `check <project>` would, and only the named files are
//! reported. The cost is that of checking the project. A file that neither names Customer.io
//! nor imports a module of the workspace cannot be changed by its project, and is checked alone.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use super::discover::{discover_with, DiscoverOptions, Discovered};
use crate::analysis::pipeline::{mentions_customerio, standalone_bindings};
use crate::analysis::resolve::packages::Manifest;
use crate::analysis::resolve::workspace::normalize;
use crate::analysis::settings::Settings;
use crate::analysis::syntax::{mentions, Lang};

/// The files whose folder is a project root.
const PROJECT_MARKERS: &[&str] = &["package.json", "tsconfig.json", "jsconfig.json"];

/// `path` made absolute (against the current directory) and lexically normalised: the form
/// the walk of its project gives it, so that the named file and the project's copy of it are
/// one file.
pub fn absolute(path: &Path) -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_default();
    normalize(&cwd.join(path))
}

/// The project of `file` (absolute): the nearest folder above it that holds a `package.json`,
/// `tsconfig.json` or `jsconfig.json`; in a monorepo, the monorepo's root (the folder above
/// whose `package.json` has `workspaces`, or with a `pnpm-workspace.yaml`), where its members'
/// versions and shared clients are, as `check` of that root reads them.
pub fn project_root(file: &Path) -> Option<PathBuf> {
    let nearest = file
        .ancestors()
        .skip(1)
        .find(|dir| PROJECT_MARKERS.iter().any(|m| dir.join(m).is_file()))?;
    let monorepo = nearest.ancestors().find(|dir| is_monorepo_root(dir));
    Some(monorepo.unwrap_or(nearest).to_path_buf())
}

fn is_monorepo_root(dir: &Path) -> bool {
    dir.join("pnpm-workspace.yaml").is_file()
        || std::fs::read_to_string(dir.join("package.json"))
            .is_ok_and(|text| Manifest::parse(&text).is_workspace_root)
}

/// Whether the findings of `text` (the source `path`) may depend on its project: it names
/// Customer.io (a package, a global, a configured client or wrapper package), or imports a
/// module of the workspace, which may export a client or a helper that awaits one.
pub fn needs_project(path: &Path, text: &str, settings: &Settings) -> bool {
    if Lang::from_path(path).is_none() {
        return false;
    }
    if mentions_customerio(text, settings, &[]) {
        return true;
    }
    if !(mentions(text, "import") || mentions(text, "require") || mentions(text, "from")) {
        return false;
    }
    standalone_bindings(path, text, settings)
        .is_some_and(|bindings| !bindings.module_imports.is_empty())
}

/// A discovery of the projects of `named` files (absolute, see [`absolute`]), each project
/// walked as `check <project>` walks it (ignore files, and the `ignore` globs `options` give),
/// with the named files added should the walk leave them out (a named file is checked even if an ignore file names
/// it); only they are reported ([`Discovered::reported`]). Returns it with the analysis root:
/// the project, or the folder holding all of them. `None` when no named file has a project.
pub fn discover_in_context(
    named: &[PathBuf],
    options: DiscoverOptions,
) -> Option<(Discovered, PathBuf)> {
    let roots: BTreeSet<PathBuf> = named.iter().filter_map(|f| project_root(f)).collect();
    let root = common_ancestor(roots.iter())?;
    let roots: Vec<PathBuf> = roots.into_iter().collect();
    let mut discovered = discover_with(&roots, options);
    for error in std::mem::take(&mut discovered.errors) {
        // A folder of the project that cannot be read narrows the context; it is not an error
        // of the check.
        tracing::warn!("reading the project of a named file: {error}");
    }
    discovered.sources.extend(named.iter().cloned());
    discovered.sources.sort();
    discovered.sources.dedup();
    discovered.reported = Some(named.iter().cloned().collect());
    Some((discovered, root))
}

/// The deepest folder that holds every one of `dirs`.
fn common_ancestor<'p>(mut dirs: impl Iterator<Item = &'p PathBuf>) -> Option<PathBuf> {
    let first = dirs.next()?.clone();
    Some(dirs.fold(first, |common, dir| {
        common
            .ancestors()
            .find(|ancestor| dir.starts_with(ancestor))
            .map_or_else(PathBuf::new, Path::to_path_buf)
    }))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_file_needs_its_project_when_it_names_customerio_or_imports_a_module() {
        let settings = Settings::default();
        let needs = |text: &str| needs_project(Path::new("a.ts"), text, &settings);
        assert!(needs("import { TrackClient } from \"customerio-node\";"));
        assert!(needs(
            "import { cio } from \"./lib/customerio\";\ncio.track(id, {});"
        ));
        assert!(needs("const { track } = require(\"../tracking\");"));
        assert!(!needs("import React from \"react\";\nexport const x = 1;"));
        assert!(!needs(
            "export function add(a: number, b: number) { return a + b; }"
        ));
    }

    #[test]
    fn a_monorepo_member_is_checked_in_its_monorepo() {
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path();
        let write = |path: &str, text: &str| {
            std::fs::create_dir_all(root.join(path).parent().unwrap()).unwrap();
            std::fs::write(root.join(path), text).unwrap();
        };
        write("apps/api/tsconfig.json", "{}");
        write("apps/api/src/a.ts", "");
        assert_eq!(
            project_root(&root.join("apps/api/src/a.ts")),
            Some(root.join("apps/api"))
        );
        write("package.json", r#"{"workspaces":["apps/*"]}"#);
        assert_eq!(
            project_root(&root.join("apps/api/src/a.ts")),
            Some(root.to_path_buf())
        );
    }

    #[test]
    fn the_common_ancestor_holds_every_project() {
        let dirs = [
            PathBuf::from("/w/packages/a"),
            PathBuf::from("/w/packages/b/c"),
        ];
        assert_eq!(
            common_ancestor(dirs.iter()),
            Some(PathBuf::from("/w/packages"))
        );
        assert_eq!(common_ancestor([].iter()), None);
    }
}
