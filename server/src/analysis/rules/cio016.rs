//! CIO016 region-mismatch: see `queries/CIO016-region-mismatch.md`.

use std::collections::{BTreeMap, HashMap};
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

/// Related locations listed per finding at most; the message gives the full count.
const MAX_RELATED: usize = 20;

/// The customerio-node clients of the workspace whose region is known, by region, each with
/// its position in the index's order (by file, then as recorded): built once per state of the
/// index, and each finding takes the first few of the other regions' sites (listing every
/// other site made 2,000 sites 4 million related locations).
#[derive(Default)]
struct SitesByRegion(BTreeMap<String, Vec<(usize, Construction)>>);

impl SitesByRegion {
    /// Adds a site after those already added.
    fn add(&mut self, region: &str, construction: &Construction) {
        // Two regions at most: counting is cheap.
        let position = self.0.values().map(Vec::len).sum::<usize>();
        let sites = self.0.entry(region.to_string()).or_default();
        sites.push((position, construction.clone()));
    }
}

pub fn workspace_check(ctx: &WorkspaceContext) -> Vec<Finding> {
    // Every customerio-node client whose region is known, by unit (a repository, or a
    // `root = true` configuration's folder), then by region.
    let regions = ctx.index.derived("CIO016 client regions", |index| {
        let mut by_unit: HashMap<PathBuf, SitesByRegion> = HashMap::new();
        for (path, facts) in index.files() {
            let sites = by_unit.entry(index.unit_key(path)).or_default();
            let known = facts
                .constructions
                .iter()
                .filter(|c| c.sdk.is_customerio_node())
                .filter_map(|c| Some((known_region(c)?, c)));
            for (region, construction) in known {
                sites.add(region, construction);
            }
        }
        by_unit
    });
    let Some(regions) = regions.get(&ctx.index.unit_key(ctx.path)) else {
        return Vec::new();
    };
    if regions.0.len() < 2 {
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
            let others: Vec<(&str, &Vec<(usize, Construction)>)> = regions
                .0
                .iter()
                .filter(|(other, _)| *other != region)
                .map(|(other, sites)| (other.as_str(), sites))
                .collect();
            let other_regions: Vec<&str> = others.iter().map(|(r, _)| *r).collect();
            let other_sites: usize = others.iter().map(|(_, sites)| sites.len()).sum();
            let implicit = if mine.region.is_none() {
                " (the default: no region is given)"
            } else {
                ""
            };
            let mut message = format!(
                "This {} uses {region}{implicit}, but other Customer.io clients of this workspace use {}: a person identified in one region's workspace does not exist in the other's",
                mine.sdk.describe(),
                other_regions.join(", ")
            );
            if other_sites > MAX_RELATED {
                message.push_str(&format!(
                    " ({other_sites} clients use another region; the first {MAX_RELATED} are listed)"
                ));
            }
            let mut finding = ctx.finding_at(at.range.clone(), message);
            for (other_region, other) in first_in_index_order(&others) {
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

/// The first [`MAX_RELATED`] sites of `regions` in the index's order.
fn first_in_index_order<'a>(
    regions: &[(&'a str, &'a Vec<(usize, Construction)>)],
) -> Vec<(&'a str, &'a Construction)> {
    let mut sites: Vec<(usize, &str, &Construction)> = regions
        .iter()
        .flat_map(|(region, sites)| {
            let first = sites.iter().take(MAX_RELATED);
            first.map(|(position, site)| (*position, *region, site))
        })
        .collect();
    sites.sort_by_key(|(position, _, _)| *position);
    sites
        .into_iter()
        .take(MAX_RELATED)
        .map(|(_, region, site)| (region, site))
        .collect()
}
