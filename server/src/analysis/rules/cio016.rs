//! CIO016 region-mismatch: see `queries/CIO016-region-mismatch.md`.

use std::collections::HashMap;
use std::path::PathBuf;

use crate::analysis::resolve::Construction;
use crate::analysis::rules::context::{RuleContext, WorkspaceContext};
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Finding, Related};
use crate::analysis::rules::shared::constructions::{self, REGION_EU, REGION_US};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    if let Some(new) = hit.get("new") {
        constructions::record(ctx, new);
    }
}

/// The region a construction uses when it is known: an omitted region is the SDK's default,
/// `RegionUS`; a region computed at run time is unknown and takes no part in the comparison.
fn known_region(construction: &Construction) -> Option<&str> {
    match &construction.region {
        None => Some(REGION_US),
        Some((_, name)) if name == REGION_US || name == REGION_EU => Some(name),
        Some(_) => None,
    }
}

pub fn workspace_check(ctx: &WorkspaceContext) -> Vec<Finding> {
    // Every customerio-node client whose region is known, by package (each package of a
    // monorepo is a workspace of its own), built once per state of the index.
    let regions = ctx.index.derived("CIO016 client regions", |index| {
        let mut by_package: HashMap<Option<PathBuf>, Vec<(Construction, String)>> = HashMap::new();
        for (path, facts) in index.files() {
            let known = facts
                .constructions
                .iter()
                .filter(|c| c.sdk.is_customerio_node())
                .filter_map(|c| Some((c.clone(), known_region(c)?.to_string())));
            by_package
                .entry(index.package_key(path))
                .or_default()
                .extend(known);
        }
        by_package
    });
    let all: Vec<(&Construction, &str)> = regions
        .get(&ctx.index.package_key(ctx.path))
        .into_iter()
        .flatten()
        .map(|(c, r)| (c, r.as_str()))
        .collect();
    let Some((_, first_region)) = all.first() else {
        return Vec::new();
    };
    if all.iter().all(|(_, region)| region == first_region) {
        return Vec::new();
    }
    ctx.facts
        .constructions
        .iter()
        .filter(|c| c.sdk.is_customerio_node())
        .filter_map(|mine| {
            let region = known_region(mine)?;
            // Where the region is written, or the whole `new` expression when it is omitted.
            let at = mine
                .region
                .as_ref()
                .map_or(&mine.location, |(location, _)| location);
            let others: Vec<&(&Construction, &str)> =
                all.iter().filter(|(_, other)| *other != region).collect();
            let mut other_regions: Vec<&str> = others.iter().map(|(_, r)| *r).collect();
            other_regions.sort_unstable();
            other_regions.dedup();
            let implicit = if mine.region.is_none() {
                " (the default: no region is given)"
            } else {
                ""
            };
            let message = format!(
                "This {} uses {region}{implicit}, but other Customer.io clients of this workspace use {}: a person identified in one region's workspace does not exist in the other's",
                mine.sdk.describe(),
                other_regions.join(", ")
            );
            let mut finding = ctx.finding_at(at.range.clone(), message);
            for (other, other_region) in others {
                let location = other
                    .region
                    .as_ref()
                    .map_or(&other.location, |(location, _)| location);
                finding = finding.with_related(Related {
                    location: location.clone(),
                    message: format!("{} uses {other_region}", other.sdk.describe()),
                });
            }
            Some(finding)
        })
        .collect()
}
