//! Layer 4 of the analysis (see `docs/architecture.md`): the one fix engine. Applies the
//! rules' text edits to a text, for single fixes and for fix-all. It imports only from the
//! layers below (the findings and edits of `rules`).

pub mod apply;
pub mod fix_all;

pub use apply::{apply_edits, apply_fix, FixError};
pub use fix_all::{fix_all_edits, fix_all_rounds, FixAllOutcome, MAX_FIX_ROUNDS};
