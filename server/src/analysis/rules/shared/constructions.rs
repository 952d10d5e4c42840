//! Client construction facts shared by the workspace rules CIO008 (where clients are made) and
//! CIO016 (which region each one uses). Both rules' queries match `new` expressions; whichever
//! runs first records the construction, the other finds it recorded.

use std::cell::RefCell;
use std::collections::HashSet;

use tree_sitter::Node;

use crate::analysis::resolve::{Construction, Sdk};
use crate::analysis::rules::context::RuleContext;
use crate::analysis::syntax::{self, text, unwrap_expression, FieldExt, KindExt};

/// The region names customerio-node exports.
pub const REGION_US: &str = "RegionUS";
pub const REGION_EU: &str = "RegionEU";

/// Records the customerio-node client that `new` constructs, once per site.
pub fn record(ctx: &mut RuleContext, new: Node) {
    let Some(sdk) = ctx
        .bindings
        .constructed_sdk(new, ctx.source)
        .filter(|sdk| sdk.is_customerio_node())
    else {
        return;
    };
    // Shown at `new TrackClient`, not over its arguments (CIO008, CIO016 and related
    // information alike).
    let range = syntax::call_head(new);
    // Sites recorded in this file, by range (a search of the facts per site was quadratic).
    let recorded = syntax::memoized(syntax::tree_root(new), || Recorded(RefCell::default()));
    if !recorded.0.borrow_mut().insert((range.start, range.end)) {
        return;
    }
    let region = region_argument(new, sdk, ctx.source)
        .map(|(node, name)| (ctx.location(syntax::first_line(node)), name));
    let construction = Construction {
        location: ctx.location(range),
        sdk,
        region,
    };
    ctx.facts.constructions.push(construction);
}

/// The construction sites [`record`] has recorded in the file being analysed.
struct Recorded(RefCell<HashSet<(usize, usize)>>);

/// The region a construction names: `None` when it is omitted (the SDK's default, US);
/// otherwise the node to report at and `RegionUS` / `RegionEU`, or the expression's own text
/// when the region is not known statically (`config.region`, an options variable, a spread).
fn region_argument<'t>(new: Node<'t>, sdk: Sdk, source: &str) -> Option<(Node<'t>, String)> {
    let options_index = match sdk {
        Sdk::NodeTrack | Sdk::NodeLegacy => 2,
        Sdk::NodeApp | Sdk::NodePipelines => 1,
        _ => return None,
    };
    let options = unwrap_expression(*syntax::arguments(new).get(options_index)?);
    if options.kind_name() != "object" {
        return Some((options, text(options, source).to_string()));
    }
    if let Some(region) = syntax::object_property(options, "region", source) {
        return Some((region, region_name(region, source)));
    }
    let mut cursor = options.walk();
    let spread = options
        .named_children(&mut cursor)
        .find(|member| member.kind_name() == "spread_element");
    // Reported at the spread, which may carry the region; named by the whole options' text.
    spread.map(|spread| (spread, text(options, source).to_string()))
}

/// `RegionEU`, `CIO.RegionEU`, `regions.RegionUS` → the region's name; anything else → its text.
fn region_name(value: Node, source: &str) -> String {
    let value = unwrap_expression(value);
    let name = match value.kind_name() {
        "identifier" => Some(text(value, source)),
        "member_expression" => value.field("property").map(|p| text(p, source)),
        _ => None,
    };
    match name {
        Some(name @ (REGION_US | REGION_EU)) => name.to_string(),
        _ => text(value, source).to_string(),
    }
}
