//! CIO013 hardcoded-credential: see `queries/CIO013-hardcoded-credential.md`.

use crate::analysis::rules::context::RuleContext;
use crate::analysis::rules::engine::Hit;
use crate::analysis::rules::finding::{Applicability, Fix, TextEdit};
use crate::analysis::syntax::{string_literal_value, Lang};

/// A credential position: the query's capture name, what to call it, and the environment
/// variable the fix reads it from.
const CREDENTIALS: &[(&str, &str, &str)] = &[
    ("site_id", "Site ID", "CUSTOMERIO_SITE_ID"),
    ("track_key", "Track API key", "CUSTOMERIO_TRACK_API_KEY"),
    ("app_key", "App API key", "CUSTOMERIO_APP_API_KEY"),
    ("write_key", "write key", "CUSTOMERIO_WRITE_KEY"),
];

pub fn check(ctx: &mut RuleContext, hit: &Hit) {
    let Some((literal, what, variable)) = CREDENTIALS
        .iter()
        .find_map(|(capture, what, variable)| Some((hit.get(capture)?, *what, *variable)))
    else {
        return;
    };
    // A template with substitutions is built at run time; an empty string holds no secret.
    if string_literal_value(literal, ctx.source).is_none_or(str::is_empty) {
        return;
    }
    // The message never quotes the literal: it is the secret.
    let message = format!(
        "The Customer.io {what} is written in the source; anyone who can read the code can use it. Read it from the environment"
    );
    // `process.env.X` is `string | undefined` in TypeScript; the constructors take `string`.
    let non_null = if ctx.lang == Lang::JavaScript {
        ""
    } else {
        "!"
    };
    let finding = ctx.finding(literal, message).with_fix(Fix {
        title: format!("Read the {what} from `process.env.{variable}`"),
        applicability: Applicability::QuickFix,
        edits: vec![TextEdit::replace(
            literal.byte_range(),
            format!("process.env.{variable}{non_null}"),
        )],
    });
    ctx.report(finding);
}
