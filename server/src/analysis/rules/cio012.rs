//! CIO012 pii-in-event-name: see `queries/CIO012-pii-in-event-name.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
