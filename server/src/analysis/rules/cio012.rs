//! CIO012 pii-in-event-name: see `queries/CIO012-pii-in-event-name.md`.

use tree_sitter::Node;

use super::shared::event_names::{
    contains_email, describe_values, event_name_hits, lift_emails, move_values_to_data,
    name_pieces, Piece,
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
    let Some(pieces) = name_pieces(name, ctx.source) else {
        return;
    };
    let Some(what) = personal_data(&pieces) else {
        return;
    };
    let message = format!(
        "Event name contains personal data ({what}): event names are indexed and cannot be \
         erased; send the value as event data"
    );
    let mut finding = ctx.finding(name, message);
    // Every value leaves the name, not only the personal one: what remains must be fixed text.
    let pieces = lift_emails(pieces);
    if let Some((new_name, edits)) = move_values_to_data(call, name, &pieces, ctx.source) {
        finding = finding.with_fix(Fix {
            title: format!(
                "Name the event \"{new_name}\" and move {} into the event data",
                describe_values(&pieces)
            ),
            applicability: Applicability::QuickFix,
            edits,
        });
    }
    ctx.report(finding);
}

/// What personal data a name carries (`an email address`, `` `user.email` (email) ``), if any.
fn personal_data(pieces: &[Piece]) -> Option<String> {
    let mut found: Vec<String> = Vec::new();
    for piece in pieces {
        match piece {
            Piece::Text(text) if contains_email(text) => {
                found.push("an email address".to_string());
            }
            Piece::Value {
                expression,
                pii: Some(kind),
                ..
            } => found.push(format!("`{expression}` ({kind})")),
            _ => {}
        }
    }
    found.dedup();
    (!found.is_empty()).then(|| found.join(", "))
}
