//! CIO006 dynamic-event-name: see `queries/CIO006-dynamic-event-name.md`.

use tree_sitter::Node;

use super::shared::event_names::{
    describe_values, dynamic_name_pieces, event_name_hits, move_values_to_data,
};
use crate::analysis::resolve::CioCall;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    for (call, name) in event_name_hits(ctx, hit) {
        check_name(ctx, &call, name);
    }
}

fn check_name(ctx: &mut RuleContext, call: &CioCall, name: Node) {
    let Some(pieces) = dynamic_name_pieces(name, ctx.source) else {
        return;
    };
    let values = describe_values(&pieces);
    let message = format!(
        "Event name built at run time: each value of {values} makes a new event name that \
         campaign triggers cannot match; use a fixed name and send the value as event data"
    );
    let mut finding = ctx.finding(name, message);
    if let Some((new_name, edits)) = move_values_to_data(call, name, &pieces, ctx.source) {
        finding = finding.with_fix(Fix {
            title: format!("Name the event \"{new_name}\" and move {values} into the event data"),
            applicability: Applicability::QuickFix,
            edits,
        });
    }
    ctx.report(finding);
}
