//! CIO014 unhandled-rejection: see `queries/CIO014-unhandled-rejection.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
