//! CIO008 no-bounce-handling: see `queries/CIO008-no-bounce-handling.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;
use crate::analysis::rules::WorkspaceContext;
use crate::analysis::Finding;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}

pub fn workspace_check(_ctx: &WorkspaceContext) -> Vec<Finding> {
    Vec::new()
}
