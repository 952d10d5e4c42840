//! Workspace facts: what each file contributes to cross-file analysis ([`facts`]), the
//! questions a file's analysis may ask about the others ([`view`]), and the index that
//! answers them ([`index`], resolving imports with [`module_resolution`]).

mod cache;
pub mod facts;
pub mod index;
pub mod module_resolution;
pub mod packages;
pub mod tsconfig;
pub mod view;

pub use facts::{Construction, EventNameUse, FileFacts, KeyApi, KeySource, KeyUse};
pub use index::{Coverage, FileView, WorkspaceIndex};
pub use module_resolution::normalize;
pub use view::{ExportLookup, ImportedExport, NoWorkspace, NoWorkspaceView, WorkspaceView};
