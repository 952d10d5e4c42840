//! Which file of the index an import names: relative paths, the nearest tsconfig's `paths`
//! and `baseUrl`, the `@/` and `~/` conventions, and monorepo members by package name.

use std::path::{Path, PathBuf};

use super::WorkspaceIndex;
use crate::analysis::resolve::modules::is_workspace_specifier;
use crate::analysis::resolve::workspace::module_resolution::{module_candidates, normalize};

impl WorkspaceIndex {
    /// The file of the index that `specifier`, imported from file `from`, names.
    pub(super) fn resolve_module(&self, from: &Path, specifier: &str) -> Option<PathBuf> {
        self.bases(from, specifier).into_iter().find_map(|base| {
            self.resolved
                .get_or_insert_with(&base, || self.existing_module(&base))
        })
    }

    /// The file on disk that `specifier`, imported by `from`, names, tried as an import of an
    /// indexed file is: for reading what a file imports before the index holds it.
    pub fn module_on_disk(&self, from: &Path, specifier: &str) -> Option<PathBuf> {
        self.module_paths(from, specifier)
            .into_iter()
            .find(|candidate| candidate.is_file())
    }

    /// Every file `specifier`, imported from `from`, may name, whether the index holds it or
    /// not: what to parse when an import's module is needed but was not indexed.
    pub fn module_paths(&self, from: &Path, specifier: &str) -> Vec<PathBuf> {
        self.bases(&normalize(from), specifier)
            .iter()
            .flat_map(|base| module_candidates(base).collect::<Vec<_>>())
            .collect()
    }

    /// The base paths that `specifier`, imported from file `from`, may name, in the order
    /// TypeScript tries them: a relative path; else the `paths` and `baseUrl` of the nearest
    /// tsconfig/jsconfig, the `@/` and `~/` conventions (the root, or its `src/`), and a
    /// workspace member imported by its package name (normalised; none for a package).
    fn bases(&self, from: &Path, specifier: &str) -> Vec<PathBuf> {
        let dir = from.parent().unwrap_or(Path::new(""));
        if specifier.starts_with('.') {
            return vec![normalize(&dir.join(specifier))];
        }
        let mut bases = self.tsconfigs.candidate_bases(dir, &self.root, specifier);
        if let Some(rest) = specifier
            .strip_prefix("@/")
            .or_else(|| specifier.strip_prefix("~/"))
        {
            bases.extend([self.root.join(rest), self.root.join("src").join(rest)]);
        }
        bases.extend(self.packages.member_bases(specifier));
        bases.iter().map(|base| normalize(base)).collect()
    }

    /// Whether `specifier`, imported from file `from`, may name a module of the workspace
    /// rather than an installed package (see [`Self::bases`]).
    pub fn names_workspace_module(&self, from: &Path, specifier: &str) -> bool {
        is_workspace_specifier(specifier)
            || self.tsconfigs.may_name_module(
                from.parent().unwrap_or(Path::new("")),
                &self.root,
                specifier,
            )
            || self.packages.names_member(specifier)
    }

    /// The first of `base`'s [`module_candidates`] that the index holds.
    fn existing_module(&self, base: &Path) -> Option<PathBuf> {
        module_candidates(base).find(|candidate| self.files.contains_key(candidate))
    }
}
