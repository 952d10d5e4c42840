//! CIO006 dynamic-event-name: see `queries/CIO006-dynamic-event-name.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
