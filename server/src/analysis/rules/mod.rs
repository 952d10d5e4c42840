//! Layer 3 of the analysis (see `docs/architecture.md`): the query engine ([`engine`]), the
//! one rule registry ([`registry`]), what a check sees ([`context`]), one file per rule, and
//! what several rules share ([`shared`]). It imports only from `resolve` and `syntax`.
//!
//! Each rule `CIOnnn` has:
//! - its query `queries/CIOnnn-<name>.scm` (the syntactic shape, with `#cio-…?` predicates),
//! - its documentation `queries/CIOnnn-<name>.md` (hover, `cio-lsp explain`, SARIF help),
//! - its Rust check `server/src/analysis/rules/cionnn.rs` (what a query cannot say: scope,
//!   ordering, fixes),
//! - its entry in [`RULES`] (`server/src/analysis/rules/registry.rs`),
//! - its fixtures `tests/fixtures/CIOnnn/` (hits and non-hits with inline expectations).

pub mod context;
pub mod docs;
pub mod engine;
pub mod finding;
pub mod options;
pub mod registry;
pub mod shared;

mod cio001;
mod cio002;
mod cio003;
mod cio004;
mod cio005;
mod cio006;
mod cio007;
pub mod cio008;
mod cio009;
mod cio010;
mod cio011;
mod cio012;
mod cio013;
mod cio014;
mod cio015;
mod cio016;
mod cio019;
mod cio020;

pub use context::{Rule, RuleContext, Scope, WorkspaceContext};
pub use registry::{builtin, docs_url, find, is_file_scoped, HOMEPAGE, RULES, UNUSED_SUPPRESSION};
