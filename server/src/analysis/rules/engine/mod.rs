//! The query engine: the rules' `.scm` patterns compiled into combined queries per grammar (one
//! pass instead of one per rule), and the `#cio-…?` predicates that let a pattern ask about
//! client resolution. It knows nothing of the rule registry: it is given the sources.
//!
//! Predicate vocabulary (evaluated here, after tree-sitter's own `#eq?`/`#match?`/`#any-of?`):
//! - `(#cio-client? @x)` — `@x` is a Customer.io client; optional further string arguments
//!   restrict it to SDK families (`"node"`, `"track"`, `"app"`, `"cdp"`, …, see
//!   [`Sdk::in_family`](crate::analysis::resolve::Sdk::in_family)).
//! - `(#cio-new? @x)` — `@x` is a `new` expression constructing a Customer.io client (same
//!   optional families).
//! - `(#cio-call? @x)` — `@x` is a call on a Customer.io client (same optional families).
//! - `(#cio-helper? @x)` — `@x` names an imported function that awaits a Customer.io call.
//! - `(#cio-webhook? @x)` — the file handles Customer.io's signed webhooks
//!   (`verifyRequestSignature` from customerio-node, or the `X-CIO-Signature` header); the
//!   pipeline then adds the names of the signature functions (`verifyRequestSignature`,
//!   `createHmac`) to the mentions.
//!
//! The built-in patterns with one of these predicates can only match a node that holds a
//! client's (or helper's, or signature function's) name, so they run over those names alone, selected by the methods
//! called there ([`BuiltinQuery`]); the others run over the whole statements that mention a
//! client.

pub mod budget;
pub mod combined;
pub mod hit;
pub mod patterns;
pub mod predicates;
pub mod selection;

pub use budget::{QueryBudget, DEFAULT_QUERY_BUDGET, MATCH_LIMIT};
pub use combined::{CombinedQuery, QueryError};
pub use hit::Hit;
pub use selection::{BuiltinQuery, QueryRanges};
