//! CIO013 hardcoded-credential: see `queries/CIO013-hardcoded-credential.md`.

use crate::analysis::finding::{Applicability, Fix, TextEdit};
use crate::analysis::query::Hit;
use crate::analysis::rules::RuleContext;
use crate::analysis::syntax::string_literal_value;
use crate::analysis::Lang;

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

#[cfg(test)]
mod tests {
    use std::path::Path;

    use crate::analysis::{analyze, parse, Lang, NoWorkspaceView, Sdk, Settings, SourceFile};

    /// `analytics.load("…")` is the CDP browser snippet when the configuration says that
    /// `analytics` is the CDP browser client; otherwise it is Segment's, and not reported.
    fn write_key_findings(settings: &Settings) -> Vec<String> {
        let text = "analytics.load(\"wk_0123456789abcdef\");\n";
        let tree = parse(Lang::JavaScript, text, None);
        let file = SourceFile {
            path: Path::new("snippet.js"),
            lang: Lang::JavaScript,
            text,
            tree: &tree,
        };
        analyze(&file, settings, &NoWorkspaceView)
            .findings
            .into_iter()
            .filter(|f| f.rule == "CIO013")
            .map(|f| text[f.range].to_string())
            .collect()
    }

    #[test]
    fn a_configured_cdp_browser_client_loading_a_literal_write_key_is_a_hit() {
        let mut settings = Settings::default();
        settings
            .extra_clients
            .insert("analytics".into(), Sdk::CdpBrowser);
        assert_eq!(write_key_findings(&settings), ["\"wk_0123456789abcdef\""]);
        assert!(write_key_findings(&Settings::default()).is_empty());
    }
}
