//! What the value service may consult besides the tree ([`ValueContext`]).

use crate::analysis::resolve::bindings::Bindings;
use crate::analysis::resolve::workspace::view::ExportLookup;

/// What the service may consult besides the tree: the file's imports of workspace modules
/// (from its [`Bindings`]) and the workspace that answers for them.
#[derive(Clone, Copy)]
pub struct ValueContext<'a> {
    pub source: &'a str,
    pub bindings: &'a Bindings,
    pub workspace: &'a dyn ExportLookup,
    /// Whether a parameter stands for the values its function's call sites pass (and its
    /// default). `false` keeps the parameter itself as the unknown expression: "this id is the
    /// handler's `email` parameter" is what the email-as-id rule needs to see.
    pub follow_parameters: bool,
}

impl<'a> ValueContext<'a> {
    /// The context for `source` with `bindings`, following parameters to their call sites.
    pub fn new(source: &'a str, bindings: &'a Bindings, workspace: &'a dyn ExportLookup) -> Self {
        ValueContext {
            source,
            bindings,
            workspace,
            follow_parameters: true,
        }
    }

    /// The same context, keeping parameters as unknown expressions.
    pub fn without_parameters(self) -> Self {
        ValueContext {
            follow_parameters: false,
            ..self
        }
    }
}
