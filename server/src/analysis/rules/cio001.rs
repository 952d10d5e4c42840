//! CIO001 wrong-api-key: see `queries/CIO001-wrong-api-key.md`. A key whose name says the
//! other kind is reported here; one key given to both APIs is [`shared_key`]'s.

mod shared_key;

pub use shared_key::workspace_check;

use std::sync::OnceLock;

use regex::Regex;
use tree_sitter::Node;

use crate::analysis::resolve::workspace::KeyApi;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{
    self, text, unwrap_expression, word_occurrences, FieldExt, KindExt, Lang,
};

/// The two kinds of key a reference can name.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Track,
    App,
}

impl KeyKind {
    fn describe(self) -> &'static str {
        match self {
            KeyKind::Track => "a Track API key",
            KeyKind::App => "an App API key",
        }
    }
}

fn track_marker() -> &'static Regex {
    static MARKER: OnceLock<Regex> = OnceLock::new();
    MARKER.get_or_init(|| Regex::new(r"(?i)track").expect("valid regex"))
}

fn app_marker() -> &'static Regex {
    // Only the `app` word is captured: it is what the fix renames.
    static MARKER: OnceLock<Regex> = OnceLock::new();
    MARKER.get_or_init(|| Regex::new(r"(?i)(app)_?(api_?)?key").expect("valid regex"))
}

/// Which key a reference's text names, when it names exactly one kind.
fn named_kind(reference: &str) -> Option<KeyKind> {
    match (
        track_marker().is_match(reference),
        app_marker().is_match(reference),
    ) {
        (true, false) => Some(KeyKind::Track),
        (false, true) => Some(KeyKind::App),
        _ => None,
    }
}

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    if let Some(request) = hit.get("request") {
        bearer_to_track(ctx, request);
        return;
    }
    // Every key, for "one key for both APIs"; only names that say neither kind
    // (`CUSTOMERIO_API_KEY`, `apiKey`) take part: the others are reported below.
    let key_use = [
        ("track_key_use", KeyApi::Track),
        ("app_key_use", KeyApi::App),
    ]
    .into_iter()
    .find_map(|(capture, api)| Some((hit.get(capture)?, api)));
    if let Some((key, api)) = key_use {
        if named_kind(ctx.text(key)).is_none() {
            shared_key::record(ctx, key, api);
        }
        return;
    }
    if let Some(new) = hit.get("missing_site_id") {
        missing_site_id(ctx, new, hit.get("only"));
        return;
    }
    let (Some(new), Some(key)) = (hit.get("new"), hit.get("key")) else {
        return;
    };
    let Some(sdk) = ctx.bindings.constructed_sdk(new, ctx.source) else {
        return;
    };
    // The key kind the constructor needs, and the kind that must not be given to it.
    let (expected, wrong) = if sdk.is_track_api() {
        (KeyKind::Track, KeyKind::App)
    } else {
        (KeyKind::App, KeyKind::Track)
    };
    let key_text = ctx.text(key);
    if named_kind(key_text) != Some(wrong) {
        return;
    }
    let constructor = constructor_name(new, ctx.source);
    let message = format!(
        "`{constructor}` is given {} (`{key_text}`); it needs {}, and the API answers 401 to the other kind",
        wrong.describe(),
        expected.describe()
    );
    let mut finding = ctx.finding(key, message);
    if let Some(fix) = rename_fix(ctx.source, key, wrong, expected) {
        finding = finding.with_fix(fix);
    }
    ctx.report(finding);
}

/// A direct request to the Track API authorised with a Bearer token: the App API's scheme, and
/// so an App API key; the Track API takes Basic auth with the Site ID and the Track API key.
fn bearer_to_track(ctx: &mut RuleContext, request: Node) {
    let Some(call) = ctx.call(request) else {
        return;
    };
    let Some(authorization) = call.http().and_then(|r| r.authorization(ctx.source)) else {
        return;
    };
    let value = unwrap_expression(authorization);
    let starts_bearer = matches!(value.kind_name(), "string" | "template_string")
        && ctx.text(value)[1..].trim_start().starts_with("Bearer");
    if !starts_bearer {
        return;
    }
    let message = format!(
        "{} is authorised with a Bearer token, the App API's scheme; the Track API takes Basic auth with the Site ID and a Track API key, and answers 401",
        call.describe(ctx.source)
    );
    let finding = ctx.finding(value, message);
    ctx.report(finding);
}

fn missing_site_id(ctx: &mut RuleContext, new: Node, only: Option<Node>) {
    let constructor = constructor_name(new, ctx.source);
    let message = format!(
        "`new {constructor}` takes a Site ID and a Track API key; with one argument the Site ID is missing"
    );
    let mut finding = ctx.finding_at(syntax::call_head(new), message);
    // When the one argument names an App key, the mistake is the client, not a missing Site ID:
    // no mechanical fix.
    if let Some(only) = only.filter(|o| named_kind(ctx.text(*o)) != Some(KeyKind::App)) {
        let non_null = if ctx.lang == Lang::JavaScript {
            ""
        } else {
            "!"
        };
        finding = finding.with_fix(Fix {
            title: "Pass the Site ID from `process.env.CUSTOMERIO_SITE_ID`".into(),
            applicability: Applicability::QuickFix,
            edits: vec![TextEdit::insert(
                only.start_byte(),
                format!("process.env.CUSTOMERIO_SITE_ID{non_null}, "),
            )],
        });
    }
    ctx.report(finding);
}

/// `CUSTOMERIO_TRACK_API_KEY` → `CUSTOMERIO_APP_API_KEY`, `appApiKey` → `trackApiKey`.
///
/// Offered only when the renamed reference can exist: an environment variable (a missing one
/// reads as `undefined`, as the wrong one did), or a name that already occurs in the file.
/// Renaming a local variable into one that is not declared would break the code.
fn rename_fix(source: &str, key: Node, from: KeyKind, to: KeyKind) -> Option<Fix> {
    let key_text = text(key, source);
    let marker = match from {
        KeyKind::Track => track_marker(),
        KeyKind::App => app_marker(),
    };
    let mut found = marker.captures_iter(key_text);
    let captures = found.next()?;
    if found.next().is_some() {
        return None; // Two candidates: which one to rename is a guess.
    }
    let word = captures
        .get(1)
        .unwrap_or_else(|| captures.get(0).expect("whole match"));
    let replacement = same_case(
        word.as_str(),
        match to {
            KeyKind::Track => "track",
            KeyKind::App => "app",
        },
    );
    let start = key.start_byte() + word.start();
    let end = key.start_byte() + word.end();
    let (token, token_start) = identifier_around(source, start, end);
    let renamed = format!(
        "{}{replacement}{}",
        &source[token_start..start],
        &source[end..token_start + token.len()]
    );
    let env = unwrap_expression(key);
    let env_text = text(env, source);
    let is_env = env_text.starts_with("process.env") || env_text.starts_with("import.meta.env");
    if !is_env && word_occurrences(source, &renamed).next().is_none() {
        return None;
    }
    Some(Fix {
        title: format!("Use `{renamed}`"),
        applicability: Applicability::QuickFix,
        edits: vec![TextEdit::replace(start..end, replacement)],
    })
}

/// `to` spelled in the case of `like`: `TRACK` → `APP`, `Track` → `App`, `track` → `app`.
fn same_case(like: &str, to: &str) -> String {
    if like.chars().all(|c| c.is_ascii_uppercase()) {
        to.to_ascii_uppercase()
    } else if like.starts_with(|c: char| c.is_ascii_uppercase()) {
        let mut chars = to.chars();
        chars
            .next()
            .map(|first| first.to_ascii_uppercase().to_string() + chars.as_str())
            .unwrap_or_default()
    } else {
        to.to_string()
    }
}

/// The identifier-like token of `source` that contains `start..end`, and where it starts.
fn identifier_around(source: &str, start: usize, end: usize) -> (&str, usize) {
    let is_word = |b: u8| b.is_ascii_alphanumeric() || b == b'_' || b == b'$';
    let bytes = source.as_bytes();
    let token_start = (0..start)
        .rev()
        .take_while(|&i| is_word(bytes[i]))
        .last()
        .unwrap_or(start);
    let token_end = (end..bytes.len())
        .take_while(|&i| is_word(bytes[i]))
        .last()
        .map_or(end, |i| i + 1);
    (&source[token_start..token_end], token_start)
}

fn constructor_name<'s>(new: Node, source: &'s str) -> &'s str {
    new.field("constructor")
        .map_or("client", |c| text(c, source))
}
