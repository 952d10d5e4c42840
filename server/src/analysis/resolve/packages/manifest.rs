//! What the analysis reads from a `package.json`: the Customer.io packages it depends on, with
//! the requirement written for each (through `npm:` aliases), whether it is the root of a
//! workspace (monorepo), and the package's name and entry points (a monorepo member's code
//! imports another member by its name).

use serde_json::Value;

/// The dependency sections whose packages can be imported by the package's code.
const DEPENDENCY_SECTIONS: &[&str] = &[
    "dependencies",
    "devDependencies",
    "peerDependencies",
    "optionalDependencies",
];

/// The parts of one `package.json` that version questions need.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Manifest {
    /// Each Customer.io dependency: the package installed (the target of an `npm:` alias),
    /// and the requirement written for it.
    pub dependencies: Vec<Dependency>,
    /// A `workspaces` field: the root of a monorepo, where the search for a dependency stops.
    pub is_workspace_root: bool,
    /// The package's `name`.
    pub name: Option<String>,
    /// Its entry points, as written (`source`, `module`, `main`, `types`), most likely to be a
    /// source file first.
    pub entries: Vec<String>,
}

/// The fields that name a package's entry point, a source file's first.
const ENTRY_FIELDS: &[&str] = &["source", "module", "main", "types", "typings"];

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Dependency {
    /// The npm package (`customerio-node`), also when the manifest installs it under an alias.
    pub package: String,
    /// The name the code imports it by (the alias, or the package itself).
    pub imported_as: String,
    /// The version requirement (`^5.2.0`, `latest`), without the alias' `npm:name@` prefix.
    pub requirement: String,
}

/// Whether the analysis keeps a package's version: the Customer.io packages (the SDKs, the
/// Expo plugin, the `analytics` library's Customer.io plugins).
pub fn is_tracked_package(name: &str) -> bool {
    name.contains("customerio")
}

impl Manifest {
    /// Reads a `package.json`; text that does not parse is a manifest without dependencies.
    pub fn parse(text: &str) -> Manifest {
        let Ok(value) = serde_json::from_str::<Value>(text) else {
            return Manifest::default();
        };
        let mut dependencies = Vec::new();
        for section in DEPENDENCY_SECTIONS {
            let Some(entries) = value.get(section).and_then(Value::as_object) else {
                continue;
            };
            for (name, requirement) in entries {
                let Some(requirement) = requirement.as_str() else {
                    continue;
                };
                let (package, requirement) = unalias(name, requirement);
                if is_tracked_package(package)
                    && !dependencies
                        .iter()
                        .any(|d: &Dependency| d.imported_as == *name)
                {
                    dependencies.push(Dependency {
                        package: package.to_string(),
                        imported_as: name.clone(),
                        requirement: requirement.to_string(),
                    });
                }
            }
        }
        let field = |name: &str| value.get(name).and_then(Value::as_str).map(str::to_string);
        Manifest {
            dependencies,
            is_workspace_root: value.get("workspaces").is_some(),
            name: field("name"),
            entries: ENTRY_FIELDS.iter().filter_map(|f| field(f)).collect(),
        }
    }

    /// The requirement written for `package`, under its own name or an alias.
    pub fn requirement(&self, package: &str) -> Option<&str> {
        self.dependencies
            .iter()
            .find(|d| d.package == package)
            .map(|d| d.requirement.as_str())
    }

    /// Whether some Customer.io dependency names no version (`*`, `latest`): its version is
    /// the lockfile's.
    pub fn needs_lockfile(&self) -> bool {
        self.dependencies.iter().any(|d| {
            super::semver::VersionRange::parse(&d.requirement).is_none()
                && !d.requirement.contains(':')
                && !d.requirement.contains('/')
        })
    }
}

/// `"cio": "npm:customerio-node@^5"` → (`customerio-node`, `^5`); anything else as written.
pub fn unalias<'a>(name: &'a str, requirement: &'a str) -> (&'a str, &'a str) {
    let Some(target) = requirement.strip_prefix("npm:") else {
        return (name, requirement);
    };
    // The version follows an `@` that does not start a scope.
    match target[1.min(target.len())..].find('@').map(|at| at + 1) {
        Some(at) => (&target[..at], &target[at + 1..]),
        None => (target, ""),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn customerio_dependencies_are_read_through_aliases() {
        let manifest = Manifest::parse(
            r#"{
              "workspaces": ["packages/*"],
              "dependencies": { "customerio-node": "^5.2.0", "react": "^18" },
              "devDependencies": { "cio": "npm:customerio-node@4.1.0",
                                   "rn": "npm:customerio-reactnative",
                                   "@customerio/cdp-analytics-node": "npm:@customerio/cdp-analytics-node@^0.5.9" }
            }"#,
        );
        assert!(manifest.is_workspace_root);
        assert_eq!(manifest.name, None);
        assert_eq!(manifest.requirement("customerio-node"), Some("^5.2.0"));
        assert_eq!(
            manifest.requirement("@customerio/cdp-analytics-node"),
            Some("^0.5.9")
        );
        assert_eq!(manifest.requirement("customerio-reactnative"), Some(""));
        assert_eq!(manifest.requirement("react"), None);
        let aliased: Vec<&str> = manifest
            .dependencies
            .iter()
            .map(|d| d.imported_as.as_str())
            .collect();
        assert_eq!(
            aliased,
            [
                "customerio-node",
                "cio",
                "rn",
                "@customerio/cdp-analytics-node"
            ]
        );
        assert!(manifest.needs_lockfile());
        assert!(!Manifest::parse("not json").needs_lockfile());
    }

    #[test]
    fn a_version_requirement_needs_no_lockfile() {
        let pinned = Manifest::parse(r#"{"dependencies":{"customerio-node":"5.2.0"}}"#);
        assert!(!pinned.needs_lockfile());
        let local = Manifest::parse(r#"{"dependencies":{"customerio-node":"file:../sdk"}}"#);
        assert!(!local.needs_lockfile());
        let latest = Manifest::parse(r#"{"dependencies":{"customerio-node":"latest"}}"#);
        assert!(latest.needs_lockfile());
    }

    #[test]
    fn a_members_name_and_entry_points_are_read() {
        let manifest = Manifest::parse(
            r#"{ "name": "@acme/lib", "main": "dist/index.js", "types": "src/index.ts" }"#,
        );
        assert_eq!(manifest.name.as_deref(), Some("@acme/lib"));
        assert_eq!(manifest.entries, ["dist/index.js", "src/index.ts"]);
    }
}
