//! CIO013 hardcoded-credential: see `queries/CIO013-hardcoded-credential.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
