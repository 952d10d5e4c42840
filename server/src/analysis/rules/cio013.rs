//! CIO013 hardcoded-credential: see `queries/CIO013-hardcoded-credential.md`.
//!
//! The query captures the credential positions; which literals reach them is the value
//! service's answer (`rules::shared::credentials`). A literal that only serves as a fallback
//! and looks like a placeholder is left to CIO020.

use tree_sitter::Node;

use crate::analysis::resolve::values::Fallback;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, Related, TextEdit};
use crate::analysis::rules::shared::credentials::{
    self, holds_a_secret, looks_like_placeholder, Credential, CredentialLiteral, LiteralAt,
};
use crate::analysis::syntax::{
    self, object_property, string_literal_value, unwrap_expression, FieldExt, KindExt, Lang,
};

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    if let Some(request) = hit.get("request") {
        return request_credentials(ctx, request);
    }
    for (position, credential, in_options) in credentials::captured(hit) {
        report_literals_reaching(ctx, position, credential, in_options);
    }
}

/// Reports each real-looking literal that reaches a credential position.
fn report_literals_reaching(
    ctx: &mut RuleContext,
    position: Node,
    credential: Credential,
    in_options: bool,
) {
    for literal in credentials::literals_reaching(ctx, position, credential, in_options) {
        let placeholder_fallback =
            literal.fallback.is_some() && looks_like_placeholder(&literal.text);
        if placeholder_fallback || !holds_a_secret(&literal.text) {
            continue;
        }
        report(ctx, &literal, syntax::tree_root(position));
    }
}

/// The literal credentials of a direct request to the Track API: an `Authorization` header
/// written out, and axios `auth: { username, password }` (the Site ID and the Track API key).
fn request_credentials(ctx: &mut RuleContext, request: Node) {
    let Some(call) = ctx.call(request) else {
        return;
    };
    let Some(http) = call.http() else {
        return;
    };
    if let Some(header) = http.authorization(ctx.source).map(unwrap_expression) {
        if string_literal_value(header, ctx.source).is_some_and(|v| !v.trim().is_empty()) {
            let message = "The Customer.io `Authorization` header is written in the source; anyone who can read the code can use its credentials. Build it from the environment";
            let basic = "\"Basic \" + btoa(`${process.env.CUSTOMERIO_SITE_ID}:${process.env.CUSTOMERIO_TRACK_API_KEY}`)".to_string();
            let finding = ctx.finding(header, message).with_fix(Fix {
                title:
                    "Build the header from `process.env.CUSTOMERIO_SITE_ID` and `…_TRACK_API_KEY`"
                        .into(),
                applicability: Applicability::QuickFix,
                edits: vec![TextEdit::replace(header.byte_range(), basic)],
            });
            ctx.report(finding);
        }
    }
    let auth = http
        .options
        .and_then(|options| object_property(options, "auth", ctx.source))
        .map(unwrap_expression)
        .filter(|auth| auth.kind_name() == "object");
    if let Some(auth) = auth {
        let parts = [
            ("username", Credential::SiteId),
            ("password", Credential::TrackKey),
        ];
        for (key, credential) in parts {
            if let Some(value) = object_property(auth, key, ctx.source) {
                report_literals_reaching(ctx, unwrap_expression(value), credential, false);
            }
        }
    }
}

fn report(ctx: &mut RuleContext, literal: &CredentialLiteral, root: Node) {
    let what = literal.credential.describe();
    // The message never quotes the literal: it is the secret.
    let message = format!(
        "The Customer.io {what} is written in the source; anyone who can read the code can use it. Read it from the environment"
    );
    match &literal.at {
        LiteralAt::Here(range) => {
            let mut finding = ctx.finding_at(range.clone(), message);
            if let Some(fix) = fix(ctx, literal, range.clone(), root) {
                finding = finding.with_fix(fix);
            }
            ctx.report(finding);
        }
        // Written in another module: reported where it is used, pointing there.
        LiteralAt::There(location) => {
            let finding = ctx
                .finding_at(literal.position.clone(), message)
                .with_related(Related {
                    location: location.clone(),
                    message: format!("the {what} is written here"),
                });
            ctx.report(finding);
        }
    }
}

/// Read the credential from the environment: the literal becomes `process.env.…`; a fallback
/// after an environment read (`process.env.X || "key"`) is dropped instead.
fn fix(
    ctx: &RuleContext,
    literal: &CredentialLiteral,
    range: std::ops::Range<usize>,
    root: Node,
) -> Option<Fix> {
    let what = literal.credential.describe();
    if let Some(fallback) = &literal.fallback {
        return drop_fallback(root, fallback, range, what, ctx.lang);
    }
    let variable = literal.credential.variable();
    // `process.env.X` is `string | undefined` in TypeScript; the constructors take `string`.
    let non_null = if ctx.lang == Lang::JavaScript {
        ""
    } else {
        "!"
    };
    let mut replacement = format!("process.env.{variable}{non_null}");
    // A JSX attribute's value is an expression only in braces.
    let in_jsx = syntax::descendant_for_byte_range(root, range.start, range.end)
        .and_then(syntax::parent)
        .is_some_and(|parent| parent.kind_name() == "jsx_attribute");
    if in_jsx {
        replacement = format!("{{{replacement}}}");
    }
    Some(Fix {
        title: format!("Read the {what} from `process.env.{variable}`"),
        applicability: Applicability::QuickFix,
        edits: vec![TextEdit::replace(range, replacement)],
    })
}

/// `process.env.X || "key"` → `process.env.X`, when the literal is the whole right side.
fn drop_fallback(
    root: Node,
    fallback: &Fallback,
    literal: std::ops::Range<usize>,
    what: &str,
    lang: Lang,
) -> Option<Fix> {
    if fallback.default {
        return None;
    }
    let or = syntax::descendant_for_byte_range(root, fallback.at.start, fallback.at.end)?;
    if or.kind_name() != "binary_expression" {
        return None;
    }
    let (left, right) = (or.field("left")?, or.field("right")?);
    if syntax::unwrap_expression(right).byte_range() != literal {
        return None;
    }
    Some(Fix {
        title: format!("Read the {what} from the environment only (drop the fallback)"),
        applicability: Applicability::QuickFix,
        // What the environment holds is `string | undefined` in TypeScript.
        edits: vec![TextEdit::replace(
            left.end_byte()..or.end_byte(),
            if lang == Lang::JavaScript { "" } else { "!" },
        )],
    })
}
