//! CIO007 blocking-request-path: see `queries/CIO007-blocking-request-path.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
