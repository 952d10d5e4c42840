//! CIO010 event-name-style: see `queries/CIO010-event-name-style.md`.

use std::collections::{BTreeMap, HashMap};
use std::ops::Range;
use std::path::PathBuf;

use tree_sitter::Node;

use super::shared::event_names::{
    accepted, contains_email, convert, event_name_hits, spelling_key, style_label,
};
use crate::analysis::resolve::CioCall;
use crate::analysis::resolve::EventNameUse;
use crate::analysis::rules::context::{RuleContext, WorkspaceContext};
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Finding, Fix, Related, TextEdit};
use crate::analysis::rules::options::EventNameStyle;
use crate::analysis::syntax::string_literal_value;

/// Related locations listed per finding at most, so that one popular name does not flood it.
const MAX_RELATED: usize = 20;

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    for (call, name) in event_name_hits(ctx, hit) {
        check_name(ctx, &call, name);
    }
}

fn check_name(ctx: &mut RuleContext, call: &CioCall, name: Node) {
    // `string_literal_value` is `None` for a template with substitutions (CIO006's).
    let Some(literal) = string_literal_value(name, ctx.source) else {
        return;
    };
    // A name holding an email address is CIO012's: its fix removes the address.
    if literal.is_empty() || contains_email(literal) {
        return;
    }
    let name_use = EventNameUse {
        name: literal.to_string(),
        location: ctx.location(name.byte_range()),
        sdk: call.sdk,
    };
    let style = ctx.options.event_name_style;
    if !accepted(literal, style, call.sdk) {
        let (message, fix) = describe(&name_use, style, &[], 0);
        let finding = ctx.finding(name, message);
        ctx.report(with_fix(finding, fix));
    }
    ctx.facts.event_names.push(name_use);
}

/// Spellings named in one message at most.
const MAX_SPELLINGS: usize = 10;

/// Unit (see [`WorkspaceIndex::unit_of`](crate::analysis::resolve::WorkspaceIndex)) →
/// spelling key → the uses of the names so spelt.
type Spellings = HashMap<PathBuf, HashMap<String, SpellingUses>>;

/// The uses of one spelling key, kept per name once and bounded: every name with its count of
/// uses, and the first uses of each name in the index's order, enough for any name's finding
/// to list [`MAX_RELATED`] uses of the others. (Listing every use of every other spelling per
/// finding was quadratic in the uses of a popular name.)
#[derive(Default)]
struct SpellingUses {
    uses_per_name: BTreeMap<String, usize>,
    first_uses: Vec<EventNameUse>,
}

impl SpellingUses {
    fn add(&mut self, name_use: &EventNameUse) {
        let count = self.uses_per_name.entry(name_use.name.clone()).or_default();
        *count += 1;
        if *count <= MAX_RELATED {
            self.first_uses.push(name_use.clone());
        }
    }

    /// The first uses of the names other than `name`, in the index's order.
    fn others<'a>(&'a self, name: &'a str) -> impl Iterator<Item = &'a EventNameUse> + 'a {
        self.first_uses
            .iter()
            .filter(move |other| other.name != name)
            .take(MAX_RELATED)
    }

    /// The other names (sorted, at most [`MAX_SPELLINGS`]) and how many there are.
    fn other_names<'a>(&'a self, name: &str) -> (Vec<&'a str>, usize) {
        let count = self.uses_per_name.len() - usize::from(self.uses_per_name.contains_key(name));
        let names = self
            .uses_per_name
            .keys()
            .filter(|other| *other != name)
            .take(MAX_SPELLINGS)
            .map(String::as_str)
            .collect();
        (names, count)
    }
}

/// Re-emits this file's findings with the other spellings of each name found anywhere in the
/// workspace as related information; the driver replaces the local finding of the same range.
pub fn workspace_check(ctx: &WorkspaceContext) -> Vec<Finding> {
    let style = ctx.options.event_name_style;
    let off_style: Vec<&EventNameUse> = ctx
        .facts
        .event_names
        .iter()
        .filter(|name_use| !accepted(&name_use.name, style, name_use.sdk))
        .collect();
    if off_style.is_empty() {
        return Vec::new();
    }
    // Every use of the workspace by unit (a repository, or a `root = true` configuration's
    // folder) and spelling key, built once per state of the index.
    let spellings = ctx
        .index
        .derived("CIO010 event names by spelling", |index| {
            let mut spellings: Spellings = HashMap::new();
            for (path, facts) in index.files() {
                let unit = spellings.entry(index.unit_key(path)).or_default();
                for other in &facts.event_names {
                    let key = spelling_key(&other.name);
                    unit.entry(key).or_default().add(other);
                }
            }
            spellings
        });
    let Some(spellings) = spellings.get(&ctx.index.unit_key(ctx.path)) else {
        return Vec::new();
    };
    let mut findings = Vec::new();
    for name_use in off_style {
        let Some(uses) = spellings.get(&spelling_key(&name_use.name)) else {
            continue;
        };
        let (other_names, count) = uses.other_names(&name_use.name);
        if count == 0 {
            continue; // The local finding stands as it is.
        }
        let (message, fix) = describe(name_use, style, &other_names, count);
        let mut finding = ctx.finding_at(name_use.location.range.clone(), message);
        for other in uses.others(&name_use.name) {
            finding = finding.with_related(Related {
                location: other.location.clone(),
                message: format!("also spelled \"{}\" here", other.name),
            });
        }
        findings.push(with_fix(finding, fix));
    }
    findings
}

/// The message and the suggested rename for a name that is not in `style`.
fn describe(
    name_use: &EventNameUse,
    style: EventNameStyle,
    other_names: &[&str],
    other_count: usize,
) -> (String, Option<Fix>) {
    let name = &name_use.name;
    let label = style_label(style);
    let accepted_styles = if name_use.sdk.is_cdp() && style != EventNameStyle::TitleCase {
        format!("{label} or Title Case")
    } else {
        label.to_string()
    };
    let mut message = format!(
        "Event name \"{name}\" is not {accepted_styles}: campaign triggers match names exactly, \
         so one naming style keeps events from splitting across spellings"
    );
    if !other_names.is_empty() {
        let spelled: Vec<String> = other_names.iter().map(|o| format!("\"{o}\"")).collect();
        message.push_str(&format!(
            "; this workspace also spells it {}",
            spelled.join(", ")
        ));
        if other_count > other_names.len() {
            let more = other_count - other_names.len();
            message.push_str(&format!(" and {more} other spellings"));
        }
    }
    let fix = convert(name, style).map(|renamed| Fix {
        title: format!(
            "Rename the event to \"{renamed}\" (update the campaigns that trigger on \"{name}\")"
        ),
        applicability: Applicability::Suggestion,
        edits: vec![TextEdit::replace(
            inside_quotes(&name_use.location.range),
            renamed,
        )],
    });
    (message, fix)
}

/// The text of a literal between its quotes.
fn inside_quotes(literal: &Range<usize>) -> Range<usize> {
    literal.start + 1..literal.end - 1
}

fn with_fix(finding: Finding, fix: Option<Fix>) -> Finding {
    match fix {
        Some(fix) => finding.with_fix(fix),
        None => finding,
    }
}
