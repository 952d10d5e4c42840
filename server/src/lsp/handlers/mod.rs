//! The handlers of the `LanguageServer` methods, one module per feature; `super::server`
//! routes each method here. A handler builds its response from the document model
//! (`super::documents`), the shared state (`super::state`) and the analysis core; positions,
//! ranges, diagnostics and edits are converted by `super::convert` alone.
//!
//! - [`lifecycle`]: initialize, initialized, shutdown.
//! - [`text_sync`]: didOpen, didChange, didSave, didClose.
//! - [`diagnostics`]: publishing, pull diagnostics, re-linting.
//! - [`hover`]: rule documentation and call notes.
//! - [`code_actions`]: quick fixes, suppressions, fix-all.
//! - [`workspace`]: watched files, editor settings, the configuration file, the index.
//!
//! Concurrency rules (tower-lsp-server runs up to four handlers at once, interleaved at every
//! `.await`):
//! - a handler applies its document change, and analyses, before its first `.await`, so that
//!   the order of `didChange` notifications is the order in which they are applied;
//! - no `DashMap` guard or settings/index lock is ever held across an `.await`;
//! - diagnostics carry the version they were computed for, and are not sent when the document
//!   has moved on in the meantime.

pub mod code_actions;
pub mod diagnostics;
pub mod hover;
pub mod lifecycle;
pub mod text_sync;
pub mod workspace;
