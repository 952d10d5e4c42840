//! Event-name logic shared by CIO006 (dynamic names), CIO010 (naming style) and CIO012 (personal
//! data in names): splitting a name expression into static text and run-time values, naming
//! styles and conversions between them, PII-name detection, and the fix that moves run-time
//! values out of the name into the event data.

use tree_sitter::Node;

use crate::analysis::resolve::CioCall;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;

pub mod fix;
pub mod pieces;
pub mod pii;
pub mod style;

pub use fix::{describe_values, lift_emails, move_values_to_data};
pub use pieces::{dynamic_name_pieces, name_pieces, Piece};
pub use pii::{contains_email, pii_kind};
pub use style::{accepted, convert, follows_style, spelling_key, style_label, words};

/// The event names of a match of the event-name patterns: the one of [`event_name_hit`], or,
/// for a `batch` / `entity` match (`@operations`), the name of each event operation.
pub fn event_name_hits<'t>(ctx: &RuleContext, hit: &Hit<'t, '_>) -> Vec<(CioCall<'t>, Node<'t>)> {
    if hit.get("operations").is_none() {
        return event_name_hit(ctx, hit).into_iter().collect();
    }
    let Some(call) = hit.get("call").and_then(|call| ctx.call(call)) else {
        return Vec::new();
    };
    call.operations(ctx.source)
        .iter()
        .filter_map(|operation| operation.event_name(ctx.source))
        .map(|name| (call.clone(), name))
        .collect()
}

/// The Customer.io call and event name of a match of the event-name patterns (`@call`,
/// `@name`), when the call model agrees that `@name` is the call's event name: the queries find
/// the SDK's name position, the call model has the last word on it. A routed call (a direct
/// HTTP request) has no `@name`: the call model finds it.
pub fn event_name_hit<'t>(ctx: &RuleContext, hit: &Hit<'t, '_>) -> Option<(CioCall<'t>, Node<'t>)> {
    let call = ctx.call(hit.get("call")?)?;
    let Some(name) = hit.get("name") else {
        let name = call.event_name(ctx.source).filter(|_| call.is_routed())?;
        return Some((call, name));
    };
    (call.event_name(ctx.source) == Some(name)).then_some((call, name))
}
