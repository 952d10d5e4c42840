//! CIO010 event-name-style: see `queries/CIO010-event-name-style.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;
use crate::analysis::rules::WorkspaceContext;
use crate::analysis::Finding;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}

pub fn workspace_check(_ctx: &WorkspaceContext) -> Vec<Finding> {
    Vec::new()
}
