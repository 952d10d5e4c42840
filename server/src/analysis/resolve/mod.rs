//! Layer 2 of the analysis (see `docs/architecture.md`): what a value is and where it comes
//! from. Scopes and bindings, the SDKs and the call model (`CioCall`), client resolution,
//! module resolution (imports, exports, re-exports), direct HTTP requests to the Track API, the workspace index and its facts, the
//! text prefilter. It imports only from `syntax`.

pub mod bindings;
pub mod call;
pub mod functions;
pub mod http;
pub mod modules;
pub mod packages;
pub mod prefilter;
pub mod scopes;
pub mod sdk;
pub mod sdk_calls;
pub mod summaries;
pub mod values;
pub mod webhooks;
pub mod workspace;

pub use bindings::{Bindings, ClientBinding};
pub use call::{CallRole, CioCall, Method, Operation, Resolver, Route};
pub use functions::{declared_functions, declared_outside, linked_by_name, DeclaredFunction};
pub use modules::{is_workspace_specifier, ExportName, ModuleImport, ReExport};
pub use packages::{PackageVersion, Version, VersionRange};
pub use prefilter::Prefilter;
pub use sdk::{ClientConfig, Sdk, CUSTOMERIO_PACKAGES, PREFILTER_TOKENS};
pub use workspace::{
    Construction, Coverage, EventNameUse, ExportLookup, FileFacts, FileView, ImportedExport,
    NoWorkspace, NoWorkspaceView, WorkspaceIndex, WorkspaceView,
};
