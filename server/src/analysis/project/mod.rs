//! Analysing many files as one workspace: discovery, the text prefilter, parallel parsing,
//! the workspace index and the workspace rules. Used by `cio-lsp check`; the language server
//! uses the same pieces for its background index.

pub mod analyze_sources;
pub mod configs;
pub mod context;
pub mod discover;
pub mod fix;
pub mod read;

pub use analyze_sources::{
    analyze_sources, analyze_sources_covering, unparsed_file_facts, FileReport, LoadedSource,
    ProjectReport,
};
pub use configs::ConfigLookup;
pub use context::{absolute, discover_in_context, needs_project, project_root};
pub use discover::{
    discover, discover_ignoring, discover_with, is_lockfile, is_tsconfig, read_source,
    repository_above, DiscoverOptions, Discovered, Skipped, IGNORED_BY_CONFIG,
    IGNORED_BY_IGNORE_FILE, IGNORED_DEPENDENCIES, LINK_OUTSIDE, LINK_OUTSIDE_DIR, MAX_FILE_BYTES,
    MINIFIED_NAME, NOT_A_SOURCE,
};
pub use fix::{fix_project, write_atomically, FixSkipped, FixSummary, FixedFile};
pub use read::{
    analyze_project, analyze_project_with_index, analyze_project_with_texts, discover_configured,
    read_package_files,
};
