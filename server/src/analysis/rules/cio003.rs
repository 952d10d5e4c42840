//! CIO003 track-before-identify: see `queries/CIO003-track-before-identify.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
