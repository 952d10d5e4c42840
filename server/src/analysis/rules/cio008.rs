//! CIO008 no-bounce-handling: see `queries/CIO008-no-bounce-handling.md`.

use std::collections::HashSet;
use std::path::{Path, PathBuf};

use crate::analysis::resolve::{webhooks, Sdk, Version, WorkspaceIndex};
use crate::analysis::rules::context::{RuleContext, WorkspaceContext};
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::Finding;
use crate::analysis::rules::shared::constructions;
use crate::analysis::syntax::word_occurrences;

/// The first customerio-node version with `verifyRequestSignature`.
const FIRST_WITH_WEBHOOK_VERIFICATION: Version = Version::new(5, 2, 0);

/// Text that shows a file handles Customer.io's bounce reporting webhooks: the event type, or
/// the `"bounced"` metric as a quoted string (a `case "bounced":` or `metric === 'bounced'`).
const BOUNCE_MARKERS: &[&str] = &["email_bounced", "\"bounced\"", "'bounced'", "`bounced`"];

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    if let Some(new) = hit.get("new") {
        constructions::record(ctx, new);
    }
    if hit.get("suppress").is_some() {
        ctx.facts.calls_suppress = true;
    }
}

/// Whether `text` handles bounce webhooks. A plain text search, run on every file of a scan,
/// including the ones that never mention Customer.io and so are not parsed.
pub fn mentions_bounce_handling(text: &str) -> bool {
    let bytes = text.as_bytes();
    BOUNCE_MARKERS
        .iter()
        .any(|marker| memchr::memmem::find(bytes, marker.as_bytes()).is_some())
}

/// Whether `text` verifies Customer.io's webhooks with the SDK and reads their `metric`: a
/// reporting webhook handler that records every metric, bounces among them, without naming
/// one.
pub fn verifies_metric_webhooks(text: &str) -> bool {
    webhooks::uses_sdk_verification(text) && word_occurrences(text, "metric").next().is_some()
}

pub fn workspace_check(ctx: &WorkspaceContext) -> Vec<Finding> {
    // "No file suppresses" is only a fact when every file of the package was seen: a
    // single-file run, or the scan of a subdirectory, may just not include the handler.
    // Handling anywhere in the unit (the repository, or a `root = true` configuration's
    // folder) counts: one Customer.io workspace, bounces handled once for all its packages.
    if !ctx.index.is_complete_for(ctx.path) {
        return Vec::new();
    }
    let handling = ctx
        .index
        .derived("CIO008 units that handle bounces", |index| {
            index
                .files()
                .filter(|(path, facts)| {
                    facts.calls_suppress
                        || facts.handles_bounce
                        || facts.verifies_metric_webhooks && may_verify_webhooks(index, path)
                })
                .map(|(path, _)| index.unit_key(path))
                .collect::<HashSet<PathBuf>>()
        });
    if handling.contains(&ctx.index.unit_key(ctx.path)) {
        return Vec::new();
    }
    ctx.facts
        .constructions
        .iter()
        // Pipelines (CDP) clients are out of scope, like the CDP libraries and the snippet.
        .filter(|c| matches!(c.sdk, Sdk::NodeTrack | Sdk::NodeApp | Sdk::NodeLegacy))
        .map(|c| {
            ctx.finding_at(
                c.location.range.clone(),
                "No file of this workspace suppresses people (`suppress(…)`) or handles bounce webhooks (`email_bounced`, or a `verifyRequestSignature` handler that reads the `metric`): Customer.io keeps messaging addresses that bounce, which hurts deliverability",
            )
        })
        .collect()
}

/// Whether the package of `path` may run a customerio-node that has `verifyRequestSignature`
/// (5.2 or later): unless every version it allows is older (an unknown version may be).
fn may_verify_webhooks(index: &WorkspaceIndex, path: &Path) -> bool {
    !index
        .package_version(path, "customerio-node")
        .is_below(FIRST_WITH_WEBHOOK_VERIFICATION)
}
