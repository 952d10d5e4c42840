//! Which version of a Customer.io package a file's code runs against: the requirement of the
//! nearest `package.json` that declares it (through `npm:` aliases, up to the root of a
//! workspace), and the lockfile's installed version when that requirement names none (`*`,
//! `latest`). The workspace index holds the manifests and lockfiles and answers per file
//! (`WorkspaceView::package_version`), so each package of a monorepo has its own answer.

pub mod lockfile;
pub mod manifest;
pub mod semver;

pub use lockfile::{is_lockfile_name, LockedVersions, LOCKFILE_NAMES};
pub use manifest::Manifest;
pub use semver::{Version, VersionRange};

/// What a file's package says about the version of one package.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PackageVersion {
    /// No `package.json` above the file declares the package (or none is known: a
    /// single-file run without one).
    NotDeclared,
    /// Declared, but with no version the analysis can read (`*`, `latest` without a lockfile,
    /// a path or git URL).
    Unknown,
    /// The versions the requirement allows (or the lockfile installed).
    Range(VersionRange),
}

impl PackageVersion {
    /// Whether every version the file may run against is at least `version`: `None` when
    /// some are and some are not, or the version is not known.
    pub fn at_least(&self, version: Version) -> Option<bool> {
        match self {
            PackageVersion::Range(range) => range.at_least(version),
            PackageVersion::NotDeclared | PackageVersion::Unknown => None,
        }
    }

    /// `at_least` answered `Some(true)`: rules that need a version to act only act then.
    pub fn is_at_least(&self, version: Version) -> bool {
        self.at_least(version) == Some(true)
    }

    /// Every version the file may run against is below `version`.
    pub fn is_below(&self, version: Version) -> bool {
        self.at_least(version) == Some(false)
    }

    /// The requirement as messages show it (`>=5.2.0 <6.0.0`), when known.
    pub fn range(&self) -> Option<VersionRange> {
        match self {
            PackageVersion::Range(range) => Some(*range),
            _ => None,
        }
    }
}
