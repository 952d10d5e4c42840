//! CIO005 identify-without-email: see `queries/CIO005-identify-without-email.md`.

use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;

pub fn check(_ctx: &mut RuleContext, _hit: &Hit) {}
