//! CIO011 unthrottled-loop: see `queries/CIO011-unthrottled-loop.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
