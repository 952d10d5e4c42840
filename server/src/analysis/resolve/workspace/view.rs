//! The questions the analysis of one file may ask about the rest of the workspace:
//! [`ExportLookup`] (what an imported name is) and [`WorkspaceView`] (also which version of
//! a Customer.io package the file runs against), with the single-file answers.

use crate::analysis::resolve::modules::{is_workspace_specifier, ExportName};
use crate::analysis::resolve::packages::PackageVersion;
use crate::analysis::resolve::sdk::Sdk;
use crate::analysis::resolve::summaries::FunctionSummary;

/// Answers questions about other files of the workspace.
pub trait ExportLookup {
    /// Whether `specifier` may name a module of the workspace rather than an installed
    /// package: relative paths and the `@/`, `~/` conventions anywhere; bare paths that the
    /// workspace's tsconfig/jsconfig or its monorepo members resolve, when there is one.
    fn names_workspace_module(&self, specifier: &str) -> bool {
        is_workspace_specifier(specifier)
    }

    /// The SDK of the client that module `specifier`, imported from this file, exports as `name`.
    fn exported_client(&self, specifier: &str, name: &ExportName) -> Option<Sdk>;

    /// The summary of the function that module `specifier` exports as `name`, when it does
    /// something with Customer.io (a factory, a helper that waits on a call, a wrapper).
    fn exported_summary(&self, _specifier: &str, _name: &ExportName) -> Option<FunctionSummary> {
        None
    }

    /// The string values of export `name` of module `specifier` (or of its property `path`,
    /// `config.track.url` → `["track", "url"]`), when the module's facts record them: an
    /// imported constant or config object (the value service asks).
    fn exported_values(
        &self,
        _specifier: &str,
        _name: &ExportName,
        _path: &[&str],
    ) -> Option<crate::analysis::resolve::values::value::Values> {
        None
    }

    /// The function that module `specifier` exports as `name`, when it returns one of its
    /// parameters (the value service follows a call of it to that argument).
    fn exported_function(
        &self,
        _specifier: &str,
        _name: &ExportName,
    ) -> Option<crate::analysis::resolve::values::value::ExportedFunction> {
        None
    }

    /// Both answers about export `name` of module `specifier`: what [`Bindings`](crate::analysis::resolve::Bindings) asks for each
    /// import of a workspace module. Implementations that resolve the module override it to
    /// resolve it once.
    fn imported_export(&self, specifier: &str, name: &ExportName) -> ImportedExport {
        ImportedExport {
            client: self.exported_client(specifier, name),
            function: self.exported_summary(specifier, name),
        }
    }
}

/// What the workspace says about one imported name (see [`ExportLookup::imported_export`]).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct ImportedExport {
    pub client: Option<Sdk>,
    pub function: Option<FunctionSummary>,
}

/// No workspace: single-file analysis.
pub struct NoWorkspace;

impl ExportLookup for NoWorkspace {
    fn exported_client(&self, _: &str, _: &ExportName) -> Option<Sdk> {
        None
    }
}

/// What the analysis of one file may ask about the rest of the workspace.
///
/// Other files' facts may only be reached through the file's own workspace imports
/// (`exported_client`): `project::analyze_sources` analyses a file that imports no workspace
/// module before the export index is complete. Questions about the whole workspace belong in
/// a rule's `workspace_check`.
pub trait WorkspaceView: ExportLookup {
    /// The version of the Customer.io `package` (`customerio-node`) that the file runs
    /// against: the nearest `package.json` that declares it, or its lockfile.
    fn package_version(&self, package: &str) -> PackageVersion;

    /// The workspace's root directory, when the file is analysed as part of a workspace
    /// (rules that read a file's place in the project, such as "a test file", read it from
    /// there rather than from the machine's absolute path).
    fn root(&self) -> Option<&std::path::Path> {
        None
    }
}

/// Single-file analysis: nothing is known about other files.
pub struct NoWorkspaceView;

impl ExportLookup for NoWorkspaceView {
    fn exported_client(&self, _: &str, _: &ExportName) -> Option<Sdk> {
        None
    }
}

impl WorkspaceView for NoWorkspaceView {
    fn package_version(&self, _package: &str) -> PackageVersion {
        PackageVersion::NotDeclared
    }
}
