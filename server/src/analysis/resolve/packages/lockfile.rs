//! The versions a lockfile installed for the Customer.io packages, for dependencies whose
//! requirement names no version (`*`, `latest`). npm (`package-lock.json`,
//! `npm-shrinkwrap.json`), Yarn classic and Berry (`yarn.lock`) and pnpm (`pnpm-lock.yaml`).
//! Only the entries of tracked packages are read, with line scans for the text formats: a
//! lockfile is large and nothing else in it matters here.

use std::collections::HashMap;

use serde_json::Value;

use super::manifest::{is_tracked_package, unalias};
use super::semver::{Version, VersionRange};

/// The lockfile names, as the package managers write them.
pub const LOCKFILE_NAMES: &[&str] = &[
    "package-lock.json",
    "npm-shrinkwrap.json",
    "yarn.lock",
    "pnpm-lock.yaml",
];

/// Whether `name` is a lockfile's file name.
pub fn is_lockfile_name(name: &str) -> bool {
    LOCKFILE_NAMES.contains(&name)
}

/// The installed versions of the tracked packages of one lockfile.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LockedVersions {
    versions: HashMap<String, Vec<Version>>,
}

impl LockedVersions {
    /// Reads the lockfile `file_name` (one of [`LOCKFILE_NAMES`]).
    pub fn parse(file_name: &str, text: &str) -> LockedVersions {
        let mut locked = LockedVersions::default();
        match file_name {
            "yarn.lock" => locked.read_yarn(text),
            "pnpm-lock.yaml" => locked.read_pnpm(text),
            _ => locked.read_npm(text),
        }
        for versions in locked.versions.values_mut() {
            versions.sort();
            versions.dedup();
        }
        locked
    }

    /// The range of the versions installed for `package` (several when packages of a
    /// monorepo install different ones).
    pub fn range(&self, package: &str) -> Option<VersionRange> {
        let versions = self.versions.get(package)?;
        let (first, last) = (versions.first()?, versions.last()?);
        Some(VersionRange::exactly(*first).union(VersionRange::exactly(*last)))
    }

    fn add(&mut self, package: &str, version: &str) {
        if !is_tracked_package(package) {
            return;
        }
        if let Some(version) = Version::parse(version) {
            self.versions
                .entry(package.to_string())
                .or_default()
                .push(version);
        }
    }

    /// `packages: { "node_modules/customerio-node": { "version": "5.2.0" } }` (lockfile v2 and
    /// v3, also under a workspace member's folder), or v1's nested `dependencies`.
    fn read_npm(&mut self, text: &str) {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return;
        };
        if let Some(packages) = value.get("packages").and_then(Value::as_object) {
            for (key, entry) in packages {
                let Some((_, installed)) = key.rsplit_once("node_modules/") else {
                    continue;
                };
                let package = entry
                    .get("name")
                    .and_then(Value::as_str)
                    .unwrap_or(installed);
                if let Some(version) = entry.get("version").and_then(Value::as_str) {
                    self.add(package, version);
                }
            }
        }
        let mut pending: Vec<&Value> = value.get("dependencies").into_iter().collect();
        while let Some(dependencies) = pending.pop() {
            let Some(dependencies) = dependencies.as_object() else {
                continue;
            };
            for (name, entry) in dependencies {
                if let Some(version) = entry.get("version").and_then(Value::as_str) {
                    let (package, version) = unalias(name, version);
                    self.add(package, version);
                }
                pending.extend(entry.get("dependencies"));
            }
        }
    }

    /// A header line names the package and its requirements (`customerio-node@^5.0.0,
    /// customerio-node@latest:`, Berry: `"customerio-node@npm:^5.0.0":`, an alias:
    /// `cio@npm:customerio-node@5`), the indented `version` line below it the version.
    fn read_yarn(&mut self, text: &str) {
        let mut package: Option<String> = None;
        for line in text.lines() {
            if !line.starts_with([' ', '\t']) {
                package = yarn_header_package(line);
                continue;
            }
            let Some(current) = &package else {
                continue;
            };
            let trimmed = line.trim();
            if let Some(version) = trimmed.strip_prefix("version") {
                let version = version.trim_start_matches(':').trim().trim_matches('"');
                let current = current.clone();
                self.add(&current, version);
                package = None;
            }
        }
    }

    /// Package keys (`/customerio-node@5.2.0:`, v5 `/customerio-node/5.2.0:`, v9
    /// `customerio-node@5.2.0:`, with peer suffixes `(…)` or `_…`), and the importers'
    /// `customerio-node:` entries whose `version:` follows.
    fn read_pnpm(&mut self, text: &str) {
        let mut importer: Option<(String, usize)> = None;
        for (number, line) in text.lines().enumerate() {
            let trimmed = line.trim();
            if let Some((package, seen_at)) = &importer {
                if number > seen_at + 3 {
                    importer = None;
                } else if let Some(version) = trimmed.strip_prefix("version:") {
                    let version = pnpm_version(version.trim().trim_matches(['\'', '"']));
                    let package = package.clone();
                    self.add(&package, version);
                    importer = None;
                    continue;
                }
            }
            let key = trimmed
                .trim_end_matches(':')
                .trim_matches(['\'', '"'])
                .trim_start_matches('/');
            if !is_tracked_package(key) || !trimmed.ends_with(':') {
                continue;
            }
            match split_name_and_version(key) {
                Some((package, version)) => self.add(package, pnpm_version(version)),
                None => importer = Some((key.to_string(), number)),
            }
        }
    }
}

/// `customerio-node@5.2.0`, `customerio-node/5.2.0`, `@customerio/cdp-analytics-node@0.5.9`
/// → the name and the version; a bare name → `None`.
fn split_name_and_version(key: &str) -> Option<(&str, &str)> {
    // A scoped name's own `/` is not the separator.
    let name_start = if key.starts_with('@') {
        key.find('/')? + 1
    } else {
        0
    };
    let at = key[name_start..].find(['@', '/'])? + name_start;
    Some((&key[..at], &key[at + 1..]))
}
/// `5.2.0(encoding@0.1.13)` / `5.2.0_encoding@0.1.13` → `5.2.0`.
fn pnpm_version(version: &str) -> &str {
    version.split(['(', '_']).next().unwrap_or(version)
}

/// The package a `yarn.lock` header line is about, when it is a tracked one.
fn yarn_header_package(line: &str) -> Option<String> {
    let first = line.trim_end_matches(':').split(", ").next()?;
    let spec = first.trim_matches('"');
    let (name, requirement) = split_name_and_requirement(spec)?;
    // Berry writes `npm:^5.0.0` for the registry; an alias (`npm:customerio-node@5`) names the
    // package it installs.
    let requirement = requirement.strip_prefix("npm:").unwrap_or(requirement);
    let package = split_name_and_requirement(requirement).map_or(name, |(target, _)| target);
    is_tracked_package(package).then(|| package.to_string())
}

/// `name@requirement` (the name may be scoped) → its two parts.
fn split_name_and_requirement(spec: &str) -> Option<(&str, &str)> {
    let scoped = usize::from(spec.starts_with('@'));
    let at = spec[scoped..].find('@')? + scoped;
    Some((&spec[..at], &spec[at + 1..]))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn range(file_name: &str, text: &str, package: &str) -> Option<String> {
        LockedVersions::parse(file_name, text)
            .range(package)
            .map(|r| r.to_string())
    }

    #[test]
    fn npm_lockfiles_of_every_version() {
        let v3 = r#"{"lockfileVersion":3,"packages":{
            "": {"dependencies": {"customerio-node": "latest"}},
            "node_modules/customerio-node": {"version": "5.2.0"},
            "node_modules/cio": {"name": "customerio-reactnative", "version": "6.12.0"},
            "apps/web/node_modules/customerio-node": {"version": "5.1.0"},
            "node_modules/react": {"version": "18.2.0"}}}"#;
        assert_eq!(
            range("package-lock.json", v3, "customerio-node").as_deref(),
            Some(">=5.1.0 <5.2.1")
        );
        assert_eq!(
            range("package-lock.json", v3, "customerio-reactnative").as_deref(),
            Some("6.12.0")
        );
        assert_eq!(range("package-lock.json", v3, "react"), None);
        let v1 = r#"{"lockfileVersion":1,"dependencies":{
            "customerio-node": {"version": "4.1.0"},
            "x": {"version": "1.0.0", "dependencies": {"cio": {"version": "npm:@customerio/cdp-analytics-node@0.5.9"}}}}}"#;
        assert_eq!(
            range("package-lock.json", v1, "customerio-node").as_deref(),
            Some("4.1.0")
        );
        assert_eq!(
            range("npm-shrinkwrap.json", v1, "@customerio/cdp-analytics-node").as_deref(),
            Some("0.5.9")
        );
    }

    #[test]
    fn yarn_classic_and_berry() {
        let classic = "# yarn lockfile v1\n\n\
            customerio-node@^5.0.0, customerio-node@latest:\n  version \"5.2.0\"\n  resolved \"x\"\n\n\
            \"@customerio/cdp-analytics-browser@*\":\n  version \"0.5.11\"\n\n\
            cio@npm:customerio-reactnative@6:\n  version \"6.12.0\"\n\n\
            react@^18:\n  version \"18.2.0\"\n";
        assert_eq!(
            range("yarn.lock", classic, "customerio-node").as_deref(),
            Some("5.2.0")
        );
        assert_eq!(
            range("yarn.lock", classic, "@customerio/cdp-analytics-browser").as_deref(),
            Some("0.5.11")
        );
        assert_eq!(
            range("yarn.lock", classic, "customerio-reactnative").as_deref(),
            Some("6.12.0")
        );
        let berry = "__metadata:\n  version: 6\n\n\
            \"customerio-node@npm:*, customerio-node@npm:latest\":\n  version: 4.2.0\n  resolution: \"customerio-node@npm:4.2.0\"\n";
        assert_eq!(
            range("yarn.lock", berry, "customerio-node").as_deref(),
            Some("4.2.0")
        );
    }

    #[test]
    fn pnpm_package_keys_and_importers() {
        let v6 = "lockfileVersion: '6.0'\n\nimporters:\n  .:\n    dependencies:\n      customerio-node:\n        specifier: latest\n        version: 5.2.0(encoding@0.1.13)\n\n\
            packages:\n\n  /customerio-node@5.2.0(encoding@0.1.13):\n    resolution: {integrity: x}\n\n  /@customerio/cdp-analytics-node@0.5.9:\n    resolution: {integrity: y}\n";
        assert_eq!(
            range("pnpm-lock.yaml", v6, "customerio-node").as_deref(),
            Some("5.2.0")
        );
        assert_eq!(
            range("pnpm-lock.yaml", v6, "@customerio/cdp-analytics-node").as_deref(),
            Some("0.5.9")
        );
        let v5 = "lockfileVersion: 5.4\n\npackages:\n\n  /customerio-node/3.4.1_encoding@0.1.13:\n    resolution: {integrity: x}\n";
        assert_eq!(
            range("pnpm-lock.yaml", v5, "customerio-node").as_deref(),
            Some("3.4.1")
        );
        let v9 = "lockfileVersion: '9.0'\n\npackages:\n\n  customerio-reactnative@6.12.0:\n    resolution: {integrity: z}\n";
        assert_eq!(
            range("pnpm-lock.yaml", v9, "customerio-reactnative").as_deref(),
            Some("6.12.0")
        );
    }
}
