//! How modules name what they import and export: export names, re-exports, imports of other
//! workspace modules, and which specifiers name a workspace module at all.

use serde::{Deserialize, Serialize};

/// How a module names what it exports.
#[derive(Debug, Clone, PartialEq, Eq, Hash, Serialize, Deserialize, PartialOrd, Ord)]
pub enum ExportName {
    Default,
    Named(String),
}

/// What a module passes on from another workspace module: `export { cio } from "./client"`,
/// `export * from "./client"`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub enum ReExport {
    /// `export { imported as exported } from "specifier"`.
    Named {
        exported: ExportName,
        imported: ExportName,
        specifier: String,
    },
    /// `export * from "specifier"`: every named export, never the default one.
    All { specifier: String },
}

impl ReExport {
    /// The module and export name that this module's export `name` stands for, if this
    /// re-export provides it.
    pub fn source_of(&self, name: &ExportName) -> Option<(&str, ExportName)> {
        match self {
            ReExport::Named {
                exported,
                imported,
                specifier,
            } => (exported == name).then(|| (specifier.as_str(), imported.clone())),
            ReExport::All { specifier } => {
                matches!(name, ExportName::Named(_)).then(|| (specifier.as_str(), name.clone()))
            }
        }
    }

    pub fn specifier(&self) -> &str {
        match self {
            ReExport::Named { specifier, .. } | ReExport::All { specifier } => specifier,
        }
    }
}

/// `import { cio } from "./lib/customerio"` and friends.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ModuleImport {
    pub local: String,
    pub imported: ExportName,
    pub specifier: String,
}

/// Whether a specifier names another workspace module (relative or a common path alias).
pub fn is_workspace_specifier(specifier: &str) -> bool {
    specifier.starts_with("./")
        || specifier.starts_with("../")
        || specifier.starts_with("@/")
        || specifier.starts_with("~/")
        || specifier == "."
        || specifier == ".."
}
