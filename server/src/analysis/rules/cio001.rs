//! CIO001 wrong-api-key: see `queries/CIO001-wrong-api-key.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
