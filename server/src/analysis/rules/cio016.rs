//! CIO016 region-mismatch: see `queries/CIO016-region-mismatch.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;
use crate::analysis::rules::WorkspaceContext;
use crate::analysis::Finding;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}

pub fn workspace_check(_ctx: &WorkspaceContext) -> Vec<Finding> {
    Vec::new()
}
