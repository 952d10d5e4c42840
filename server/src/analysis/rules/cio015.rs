//! CIO015 legacy-constructor: see `queries/CIO015-legacy-constructor.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
