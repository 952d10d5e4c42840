//! The `package.json` files and lockfiles of a workspace, by folder: which package a file
//! belongs to, and which version of a Customer.io package it runs against.

use std::collections::HashMap;
use std::path::{Path, PathBuf};

use crate::analysis::resolve::packages::{LockedVersions, Manifest, PackageVersion, VersionRange};

/// The manifests and lockfiles of a workspace, keyed by their folder.
#[derive(Debug, Default, Clone)]
pub struct Packages {
    manifests: HashMap<PathBuf, Manifest>,
    lockfiles: HashMap<PathBuf, LockedVersions>,
}

impl Packages {
    pub fn set_manifest(&mut self, dir: PathBuf, text: &str) {
        self.manifests.insert(dir, Manifest::parse(text));
    }

    pub fn remove_manifest(&mut self, dir: &Path) {
        self.manifests.remove(dir);
    }

    pub fn set_lockfile(&mut self, dir: PathBuf, file_name: &str, text: &str) {
        self.lockfiles
            .insert(dir, LockedVersions::parse(file_name, text));
    }

    pub fn remove_lockfile(&mut self, dir: &Path) {
        self.lockfiles.remove(dir);
    }

    /// The folder `dir` as a package folder (the key of its manifest), if it has one.
    pub fn manifest_dir(&self, dir: &Path) -> Option<&Path> {
        self.manifests
            .get_key_value(dir)
            .map(|(dir, _)| dir.as_path())
    }

    /// Whether the lockfile in `dir` can answer a question: a manifest in `dir` or below it
    /// declares a Customer.io package without a version. Lockfiles are large; the others are
    /// never read.
    pub fn wants_lockfile(&self, dir: &Path) -> bool {
        self.manifests.iter().any(|(manifest_dir, manifest)| {
            manifest_dir.starts_with(dir) && manifest.needs_lockfile()
        })
    }

    /// The version of `package` that the code in `dir` runs against: the requirement of the
    /// nearest manifest at or above `dir` (up to `root`, and not past a workspace root) that
    /// declares it; when that requirement names no version, the nearest lockfile's.
    pub fn version(&self, dir: &Path, root: &Path, package: &str) -> PackageVersion {
        for current in ancestors_within(dir, root) {
            let Some(manifest) = self.manifests.get(current) else {
                continue;
            };
            if let Some(requirement) = manifest.requirement(package) {
                return match VersionRange::parse(requirement) {
                    Some(range) => PackageVersion::Range(range),
                    None => self
                        .locked(current, root, package)
                        .map_or(PackageVersion::Unknown, PackageVersion::Range),
                };
            }
            if manifest.is_workspace_root {
                break;
            }
        }
        PackageVersion::NotDeclared
    }

    /// The base paths that `specifier` names when it imports a member of the workspace by its
    /// package name (`@acme/lib`, `@acme/lib/cio`): a sub-path in the member's folder (or its
    /// `src/`), else the member's entry points, its `index` file and `src/index`.
    pub fn member_bases(&self, specifier: &str) -> Vec<PathBuf> {
        let Some((name, sub_path)) = split_package_specifier(specifier) else {
            return Vec::new();
        };
        let mut bases = Vec::new();
        for (dir, manifest) in &self.manifests {
            if manifest.name.as_deref() != Some(name) {
                continue;
            }
            if let Some(sub_path) = sub_path {
                bases.extend([dir.join(sub_path), dir.join("src").join(sub_path)]);
                continue;
            }
            bases.extend(manifest.entries.iter().map(|entry| dir.join(entry)));
            bases.extend([dir.clone(), dir.join("src")]);
        }
        bases
    }

    /// Whether `specifier` imports a member of the workspace by its package name.
    pub fn names_member(&self, specifier: &str) -> bool {
        let Some((name, _)) = split_package_specifier(specifier) else {
            return false;
        };
        self.manifests
            .values()
            .any(|manifest| manifest.name.as_deref() == Some(name))
    }

    /// The versions of `package` in the nearest lockfile at or above `dir` that has it.
    fn locked(&self, dir: &Path, root: &Path, package: &str) -> Option<VersionRange> {
        ancestors_within(dir, root)
            .filter_map(|current| self.lockfiles.get(current))
            .find_map(|lockfile| lockfile.range(package))
    }
}

/// A bare specifier's package name and the path after it: `@acme/lib/cio` → (`@acme/lib`,
/// `cio`), `lodash` → (`lodash`, none).
fn split_package_specifier(specifier: &str) -> Option<(&str, Option<&str>)> {
    let name_end = if specifier.starts_with('@') {
        let scope_end = specifier.find('/')?;
        specifier[scope_end + 1..]
            .find('/')
            .map_or(specifier.len(), |at| scope_end + 1 + at)
    } else {
        specifier.find('/').unwrap_or(specifier.len())
    };
    let (name, rest) = specifier.split_at(name_end);
    let sub_path = rest.strip_prefix('/').filter(|rest| !rest.is_empty());
    Some((name, sub_path))
}

/// `dir` and its ancestors, up to and including `root` (or the last one when `dir` is not
/// inside `root`).
fn ancestors_within<'p>(dir: &'p Path, root: &'p Path) -> impl Iterator<Item = &'p Path> {
    let mut done = false;
    dir.ancestors().take_while(move |current| {
        if done {
            return false;
        }
        done = *current == root || current.as_os_str().is_empty();
        true
    })
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::resolve::packages::Version;

    fn version(packages: &Packages, dir: &str, package: &str) -> String {
        match packages.version(Path::new(dir), Path::new("/w"), package) {
            PackageVersion::Range(range) => range.to_string(),
            other => format!("{other:?}"),
        }
    }

    #[test]
    fn the_nearest_manifest_that_declares_the_package_decides() {
        let mut packages = Packages::default();
        packages.set_manifest(
            "/w".into(),
            r#"{"workspaces":["apps/*"],"dependencies":{"customerio-node":"^5.2.0"}}"#,
        );
        packages.set_manifest(
            "/w/apps/legacy".into(),
            r#"{"dependencies":{"customerio-node":"~3.1.0"}}"#,
        );
        packages.set_manifest("/w/apps/web".into(), r#"{"dependencies":{"react":"^18"}}"#);
        packages.set_manifest(
            "/w/apps/mobile".into(),
            r#"{"dependencies":{"customerio-reactnative":"latest"}}"#,
        );
        assert_eq!(
            version(&packages, "/w/apps/legacy/src", "customerio-node"),
            ">=3.1.0 <3.2.0"
        );
        // A member that does not declare it runs against the workspace root's.
        assert_eq!(
            version(&packages, "/w/apps/web/src", "customerio-node"),
            ">=5.2.0 <6.0.0"
        );
        assert_eq!(
            version(&packages, "/w/apps/mobile", "customerio-reactnative"),
            "Unknown"
        );
        assert_eq!(
            version(&packages, "/w/apps/web", "customerio-reactnative"),
            "NotDeclared"
        );
        assert!(packages.wants_lockfile(Path::new("/w")));
        assert!(!packages.wants_lockfile(Path::new("/w/apps/web")));
        packages.set_lockfile(
            "/w".into(),
            "yarn.lock",
            "customerio-reactnative@latest:\n  version \"6.12.0\"\n",
        );
        assert_eq!(
            version(&packages, "/w/apps/mobile", "customerio-reactnative"),
            "6.12.0"
        );
        let answer = packages.version(Path::new("/w/apps/web"), Path::new("/w"), "customerio-node");
        assert!(answer.is_at_least(Version::new(5, 2, 0)));
        assert!(!answer.is_below(Version::new(5, 2, 0)));
    }

    #[test]
    fn the_search_stops_at_a_workspace_root_and_at_the_index_root() {
        let mut packages = Packages::default();
        packages.set_manifest(
            "/".into(),
            r#"{"dependencies":{"customerio-node":"5.0.0"}}"#,
        );
        packages.set_manifest("/w/inner".into(), r#"{"workspaces":["x"]}"#);
        packages.set_manifest("/w/other".into(), "{}");
        assert_eq!(
            version(&packages, "/w/inner/x", "customerio-node"),
            "NotDeclared"
        );
        // Outside the index root.
        assert_eq!(
            version(&packages, "/w/other", "customerio-node"),
            "NotDeclared"
        );
    }

    #[test]
    fn a_member_is_imported_by_its_package_name() {
        let mut packages = Packages::default();
        packages.set_manifest("/w".into(), r#"{"workspaces":["packages/*"]}"#);
        packages.set_manifest(
            "/w/packages/lib".into(),
            r#"{"name":"@acme/lib","main":"dist/index.js"}"#,
        );
        assert!(packages.names_member("@acme/lib/customerio"));
        assert!(!packages.names_member("@acme/other"));
        assert!(!packages.names_member("react"));
        let bases = |specifier| -> Vec<String> {
            packages
                .member_bases(specifier)
                .iter()
                .map(|p| p.to_string_lossy().into_owned())
                .collect()
        };
        assert_eq!(
            bases("@acme/lib"),
            [
                "/w/packages/lib/dist/index.js",
                "/w/packages/lib",
                "/w/packages/lib/src"
            ]
        );
        assert_eq!(
            bases("@acme/lib/customerio"),
            [
                "/w/packages/lib/customerio",
                "/w/packages/lib/src/customerio"
            ]
        );
    }
}
