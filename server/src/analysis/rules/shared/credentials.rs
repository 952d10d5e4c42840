//! Credentials (CIO013 hardcoded-credential, CIO020 placeholder-credential): which argument
//! of which client is which credential, the string literals that reach it (asked of the
//! value service), and whether a literal looks like a real key or a placeholder.

use std::ops::Range;

use tree_sitter::Node;

use crate::analysis::resolve::values::{self, Fallback, Literal, Value};
use crate::analysis::rules::context::RuleContext;
use crate::analysis::syntax::{self, KindExt, Location};

/// A credential position.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Credential {
    SiteId,
    TrackKey,
    AppKey,
    WriteKey,
}

impl Credential {
    /// The credential a query capture names (`site_id`, `track_key`, `app_key`,
    /// `write_key`), and whether the capture is an options object holding it (`…_options`:
    /// its `writeKey` property is the credential).
    pub fn of_capture(name: &str) -> Option<(Credential, bool)> {
        let (base, in_options) = match name.strip_suffix("_options") {
            Some(base) => (base, true),
            None => (name, false),
        };
        let credential = match base {
            "site_id" => Credential::SiteId,
            "track_key" => Credential::TrackKey,
            "app_key" => Credential::AppKey,
            "write_key" => Credential::WriteKey,
            _ => return None,
        };
        Some((credential, in_options))
    }

    /// What messages call it.
    pub fn describe(self) -> &'static str {
        match self {
            Credential::SiteId => "Site ID",
            Credential::TrackKey => "Track API key",
            Credential::AppKey => "App API key",
            Credential::WriteKey => "write key",
        }
    }

    /// The environment variable fixes read it from.
    pub fn variable(self) -> &'static str {
        match self {
            Credential::SiteId => "CUSTOMERIO_SITE_ID",
            Credential::TrackKey => "CUSTOMERIO_TRACK_API_KEY",
            Credential::AppKey => "CUSTOMERIO_APP_API_KEY",
            Credential::WriteKey => "CUSTOMERIO_WRITE_KEY",
        }
    }
}

/// A string literal that reaches a credential position.
#[derive(Debug, Clone)]
pub struct CredentialLiteral {
    pub credential: Credential,
    /// Where it is written: in this file, or in another workspace module.
    pub at: LiteralAt,
    /// Its text, without quotes. Never put it in a message.
    pub text: String,
    /// Set when it only applies when a value read at run time is missing.
    pub fallback: Option<Fallback>,
    /// The credential expression of the call (where a literal of another file is reported).
    pub position: Range<usize>,
}

#[derive(Debug, Clone)]
pub enum LiteralAt {
    Here(Range<usize>),
    There(Location),
}

/// The credential positions a query match captured: each position's node and credential.
pub fn captured<'t>(
    hit: &crate::analysis::rules::engine::Hit<'t, '_>,
) -> Vec<(Node<'t>, Credential, bool)> {
    hit.captures
        .iter()
        .filter_map(|(name, node)| {
            let (credential, in_options) = Credential::of_capture(name)?;
            Some((*node, credential, in_options))
        })
        .collect()
}

/// The string literals that can reach `position` (or its `writeKey` property when
/// `in_options`), each once, with what the value service knows of them. Empty literals and
/// literals that are only punctuation hold no secret and are left out, except as fallbacks
/// (an empty fallback is a placeholder).
pub fn literals_reaching(
    ctx: &RuleContext,
    position: Node,
    credential: Credential,
    in_options: bool,
) -> Vec<CredentialLiteral> {
    let cx = ctx.values();
    let found = if in_options {
        if position.kind_name() == "string" {
            values::string_values(position, &cx)
        } else {
            values::property_values(position, "writeKey", &cx)
        }
    } else {
        values::string_values(position, &cx)
    };
    let mut literals: Vec<CredentialLiteral> = Vec::new();
    for value in found.iter() {
        for literal in whole_literals(value, ctx.source, position) {
            let (at, text) = literal;
            let duplicate = literals.iter().any(|l| match (&l.at, &at) {
                (LiteralAt::Here(a), LiteralAt::Here(b)) => a == b,
                (LiteralAt::There(a), LiteralAt::There(b)) => a == b,
                _ => false,
            });
            if duplicate {
                continue;
            }
            literals.push(CredentialLiteral {
                credential,
                at,
                text,
                fallback: value.fallback.clone(),
                position: position.byte_range(),
            });
        }
    }
    literals
}

/// The literals of `value` that are whole string literals (not a fragment of a template with
/// substitutions), with their text.
fn whole_literals(value: &Value, source: &str, position: Node) -> Vec<(LiteralAt, String)> {
    let root = syntax::tree_root(position);
    value
        .literals
        .iter()
        .filter_map(|literal| match literal {
            Literal::Here(range) => {
                let node = syntax::descendant_for_byte_range(root, range.start, range.end)?;
                if !matches!(node.kind_name(), "string" | "template_string") {
                    return None;
                }
                let text = syntax::string_literal_value(node, source)?.to_string();
                Some((LiteralAt::Here(range.clone()), text))
            }
            Literal::There(location) => {
                // The text of another file's literal is not kept; a value made of that one
                // literal has it as its text.
                let text = value.text().unwrap_or_default();
                Some((LiteralAt::There(location.clone()), text))
            }
        })
        .collect()
}

/// Whether a literal holds something secret-like: not empty, not only punctuation and
/// spaces.
pub fn holds_a_secret(text: &str) -> bool {
    text.chars().any(|c| c.is_alphanumeric())
}

/// Words that make a literal a stand-in rather than a key.
const PLACEHOLDER_WORDS: &[&str] = &[
    "demo",
    "test",
    "example",
    "placeholder",
    "your",
    "xxx",
    "changeme",
    "change-me",
    "change_me",
    "dummy",
    "fake",
    "sample",
    "todo",
    "replace",
    "insert",
    "missing",
    "notset",
    "not-set",
    "not_set",
    "undefined",
    "null",
    "none",
    "default",
    "secret",
    "key",
    "site",
];

/// Whether a literal looks like a placeholder rather than a real key: empty, short, or
/// spelled with a placeholder word (`"demo-key"`, `"your-site-id"`, `"xxx"`). Real Site IDs and
/// keys are long runs of hex or base64 characters.
pub fn looks_like_placeholder(text: &str) -> bool {
    let lower = text.to_ascii_lowercase();
    let key_like = text.len() >= 16
        && text
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '_' | '-' | '+' | '/' | '=' | '.'))
        && text.chars().any(|c| c.is_ascii_digit());
    !key_like || PLACEHOLDER_WORDS.iter().any(|word| lower.contains(word))
}

/// Whether `path` is a test or a story file, where placeholder credentials are the point: by
/// its name (`*.test.*`, `*.spec.*`, `*.stories.*`) or a directory of the project on its way
/// (`__tests__/`, `test/`, `tests/`, `__mocks__/`, `stories/`). Directories are read below
/// `root` when the workspace is known (a project may itself live under `…/tests/`), else only
/// the unmistakable `__tests__` and `__mocks__`.
pub fn is_test_or_story(path: &std::path::Path, root: Option<&std::path::Path>) -> bool {
    let name = path
        .file_name()
        .map(|n| n.to_string_lossy().to_string())
        .unwrap_or_default();
    if [".test.", ".spec.", ".stories.", ".story."]
        .iter()
        .any(|marker| name.contains(marker))
    {
        return true;
    }
    let (within, directories): (&std::path::Path, &[&str]) =
        match root.and_then(|root| path.strip_prefix(root).ok()) {
            Some(relative) => (
                relative,
                &["__tests__", "test", "tests", "__mocks__", "stories"],
            ),
            None => (path, &["__tests__", "__mocks__"]),
        };
    let parent = within.parent().unwrap_or(std::path::Path::new(""));
    parent.components().any(|component| {
        let component = component.as_os_str().to_string_lossy();
        directories.contains(&component.as_ref())
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_and_keys() {
        for placeholder in [
            "",
            "demo-key",
            "your-site-id",
            "xxx",
            "test",
            "changeme",
            "abc",
        ] {
            assert!(looks_like_placeholder(placeholder), "{placeholder}");
        }
        for key in [
            "3f1a9c0e22b4d5e6f7a8",
            "9b8c7d6e5f4a3b2c1d0e",
            "sk_live_0123456789abcdef",
        ] {
            assert!(!looks_like_placeholder(key), "{key}");
        }
    }

    #[test]
    fn test_and_story_files() {
        use std::path::Path;
        let root = Some(Path::new("/home/me/tests/app"));
        let test = |path: &str| is_test_or_story(Path::new(path), root);
        assert!(test("/home/me/tests/app/src/cio.test.ts"));
        assert!(test("/home/me/tests/app/src/__tests__/cio.ts"));
        assert!(test("/home/me/tests/app/test/setup.js"));
        assert!(test("/home/me/tests/app/src/Button.stories.tsx"));
        assert!(!test("/home/me/tests/app/src/lib/customerio.ts"));
        assert!(!test("/home/me/tests/app/src/testing-utils.ts"));
        // Without a workspace, only the unmistakable directories count.
        assert!(!is_test_or_story(
            Path::new("/home/me/tests/app/src/cio.ts"),
            None
        ));
        assert!(is_test_or_story(
            Path::new("/home/me/app/__tests__/cio.ts"),
            None
        ));
    }
}
