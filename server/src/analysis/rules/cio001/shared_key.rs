//! CIO001, one key for both APIs: the same environment name (or the same value of one file)
//! given as the Track API key in one place and as the App API key in another. One of the two
//! APIs answers every call with 401.
//!
//! Each file records the keys it gives to Track and App clients ([`KeyUse`], asked of the
//! value service: a constant, a config object or an imported config module that reads
//! `process.env.X` is the key `X`); the workspace check compares them within a unit (the
//! scope of every workspace rule: the repository, or each unit of a monorepo's configuration).

use std::collections::HashMap;
use std::path::PathBuf;

use tree_sitter::Node;

use crate::analysis::resolve::values::{self, Part};
use crate::analysis::resolve::workspace::{KeyApi, KeySource, KeyUse};
use crate::analysis::rules::context::{RuleContext, WorkspaceContext};
use crate::analysis::rules::finding::{Finding, Related};

/// Records the key `key` given to a client of `api`, when what it is read from is known.
/// The caller leaves out keys whose name says their kind (`CUSTOMERIO_TRACK_API_KEY`): the
/// name check reports those where they are given to the wrong client.
pub fn record(ctx: &mut RuleContext, key: Node, api: KeyApi) {
    let text = ctx.text(key).to_string();
    if text.starts_with(['"', '\'', '`']) {
        return;
    }
    let Some(source) = key_source(ctx, key) else {
        return;
    };
    if ctx
        .facts
        .key_uses
        .iter()
        .any(|k| k.location.range == key.byte_range())
    {
        return;
    }
    let location = ctx.location(key.byte_range());
    ctx.facts.key_uses.push(KeyUse {
        api,
        source,
        location,
        text,
    });
}

/// What the key is read from: one environment name, or one expression of this file that the
/// value service could not follow. Anything else (several possible values, a template) cannot
/// be matched with confidence. Literal values are not what the key is read from: a fallback
/// (`process.env.X || ""`, marked as one only in its own file) or a key written in the source
/// (CIO013's).
fn key_source(ctx: &RuleContext, key: Node) -> Option<KeySource> {
    let found = values::string_values(key, &ctx.values());
    let mut sources = found
        .iter()
        .filter(|value| value.fallback.is_none() && !value.is_known())
        .map(|value| match value.parts.as_slice() {
            [Part::Env(name)] => Some(KeySource::Env(name.to_string())),
            [Part::Unknown(hole)] => hole.expression.clone().map(KeySource::Here),
            _ => None,
        });
    let first = sources.next()??;
    sources
        .all(|other| other.as_ref() == Some(&first))
        .then_some(first)
}

/// The Track keys of the workspace, by unit and environment name.
type TrackKeysByEnv = HashMap<(PathBuf, String), Vec<KeyUse>>;

pub fn workspace_check(ctx: &WorkspaceContext) -> Vec<Finding> {
    let app_keys: Vec<&KeyUse> = ctx
        .facts
        .key_uses
        .iter()
        .filter(|k| k.api == KeyApi::App)
        .collect();
    if app_keys.is_empty() {
        return Vec::new();
    }
    let track_by_env = ctx.index.derived("CIO001 track keys by env", |index| {
        let mut by_env: TrackKeysByEnv = HashMap::new();
        for (path, facts) in index.files() {
            for key in facts.key_uses.iter().filter(|k| k.api == KeyApi::Track) {
                if let KeySource::Env(name) = &key.source {
                    by_env
                        .entry((index.unit_key(path), name.clone()))
                        .or_default()
                        .push(key.clone());
                }
            }
        }
        by_env
    });
    let unit = ctx.index.unit_key(ctx.path);
    app_keys
        .into_iter()
        .filter_map(|app| {
            let tracks: Vec<&KeyUse> = match &app.source {
                KeySource::Env(name) => track_by_env
                    .get(&(unit.clone(), name.clone()))
                    .into_iter()
                    .flatten()
                    .collect(),
                // The same expression of this file.
                KeySource::Here(_) => ctx
                    .facts
                    .key_uses
                    .iter()
                    .filter(|k| k.api == KeyApi::Track && k.source == app.source)
                    .collect(),
            };
            (!tracks.is_empty()).then(|| finding(ctx, app, &tracks))
        })
        .collect()
}

fn finding(ctx: &WorkspaceContext, app: &KeyUse, tracks: &[&KeyUse]) -> Finding {
    let read = match &app.source {
        KeySource::Env(name) => format!("`{name}`"),
        KeySource::Here(_) => format!("`{}`", app.text),
    };
    let message = format!(
        "{read} is the App API key here and the Track API key of a Track client elsewhere; \
         Customer.io gives each API its own key, so one of the two answers every call with 401"
    );
    let mut finding = ctx.finding_at(app.location.range.clone(), message);
    for track in tracks {
        finding = finding.with_related(Related {
            location: track.location.clone(),
            message: format!("`{}` is given to a Track client here", track.text),
        });
    }
    finding
}
