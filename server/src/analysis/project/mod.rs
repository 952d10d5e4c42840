//! Analysing many files as one workspace: discovery, the text prefilter, parallel parsing,
//! the workspace index and the workspace rules. Used by `cio-lsp check`; the language server
//! uses the same pieces for its background index.

pub mod analyze_sources;
pub mod discover;
pub mod fix;
pub mod read;

pub use analyze_sources::{
    analyze_sources, unparsed_file_facts, FileReport, LoadedSource, ProjectReport,
};
pub use discover::{discover, discover_ignoring, read_source, Discovered, Skipped, MAX_FILE_BYTES};
pub use fix::{fix_project, write_atomically, FixSummary, FixedFile};
pub use read::{analyze_project, analyze_project_with_index};
