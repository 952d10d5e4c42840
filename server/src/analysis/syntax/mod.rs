//! Layer 1 of the analysis (see `docs/architecture.md`): languages and parsing, the one
//! position converter, and helpers over trees, nodes, text and byte ranges. It imports nothing
//! from the rest of the analysis.
//!
//! Each file is a module of its own (`syntax::tree`, `syntax::nodes`, …); everything public is
//! also re-exported here, so that the layers above write `syntax::parent`, `syntax::text`.

pub mod indexed;
pub mod language;
pub mod nodes;
pub mod position;
pub mod ranges;
pub mod scan;
pub mod spans;
pub mod tree;

pub use indexed::*;
pub use language::*;
pub use nodes::*;
pub use position::*;
pub use ranges::*;
pub use scan::*;
pub use spans::*;
pub use tree::*;
