//! The parts of a rule's page (`queries/CIOnnn-<name>.md`) that are shown on their own. The
//! whole page is what `cio-lsp explain` prints and SARIF carries as help; an editor's hover
//! shows only its `## In short` section: why the mistake matters in two or three lines, and one
//! wrong → right example. A user rule's `docs` may have the same section.

/// The heading of the section a hover shows.
pub const SUMMARY_HEADING: &str = "## In short";

/// The body of a page's `## In short` section (up to the next `## ` heading), trimmed; `None`
/// when the page has no such section, or an empty one.
pub fn summary(page: &str) -> Option<&str> {
    let start = section_start(page)?;
    let body = &page[start..];
    let end = next_heading(body).unwrap_or(body.len());
    let summary = body[..end].trim();
    (!summary.is_empty()).then_some(summary)
}

/// The prose of a page's summary, before its example: why the mistake matters (SARIF's full
/// description of a rule).
pub fn why(page: &str) -> Option<&str> {
    let summary = summary(page)?;
    let prose = summary.split("\n```").next().unwrap_or(summary).trim();
    (!prose.is_empty()).then_some(prose)
}

/// The byte offset just past the summary heading's line.
fn section_start(page: &str) -> Option<usize> {
    let mut offset = 0;
    for line in page.split_inclusive('\n') {
        offset += line.len();
        if line.trim_end() == SUMMARY_HEADING {
            return Some(offset);
        }
    }
    None
}

/// The offset of the first `## ` heading of `body` outside code blocks.
fn next_heading(body: &str) -> Option<usize> {
    let mut offset = 0;
    let mut in_code = false;
    for line in body.split_inclusive('\n') {
        if line.starts_with("```") {
            in_code = !in_code;
        } else if !in_code && line.starts_with("## ") {
            return Some(offset);
        }
        offset += line.len();
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::analysis::rules::registry::RULES;

    /// The prose of a summary (before its example) and its example's code lines.
    fn parts(summary: &str) -> (Vec<&str>, Vec<&str>, usize) {
        let mut prose = Vec::new();
        let mut code = Vec::new();
        let mut blocks = 0;
        let mut in_code = false;
        for line in summary.lines() {
            if line.starts_with("```") {
                blocks += usize::from(!in_code);
                in_code = !in_code;
            } else if in_code {
                code.push(line);
            } else if blocks == 0 && !line.trim().is_empty() {
                prose.push(line);
            } else {
                assert!(line.trim().is_empty(), "text after the example: {line}");
            }
        }
        (prose, code, blocks)
    }

    /// Every rule's page has a summary of the shape a hover can show whole: two or three lines
    /// of why (at most 100 columns each), then one example of at most eight lines that says
    /// what is wrong and what is right, and nothing after it.
    #[test]
    fn every_rule_page_has_a_short_summary() {
        for rule in RULES {
            let summary =
                summary(rule.docs).unwrap_or_else(|| panic!("{}: no `{SUMMARY_HEADING}`", rule.id));
            let (prose, code, blocks) = parts(summary);
            assert!(
                (1..=3).contains(&prose.len()) && prose.iter().all(|l| l.chars().count() <= 100),
                "{}: the why is 1–3 lines of up to 100 columns: {prose:#?}",
                rule.id
            );
            assert_eq!(blocks, 1, "{}: one example", rule.id);
            assert!(code.len() <= 8, "{}: {} example lines", rule.id, code.len());
            let wrong = code
                .iter()
                .position(|l| l.trim_start().starts_with("// Wrong"));
            let right = code
                .iter()
                .position(|l| l.trim_start().starts_with("// Right"));
            assert!(
                matches!((wrong, right), (Some(w), Some(r)) if w < r),
                "{}: the example shows the wrong code, then the right code: {code:#?}",
                rule.id
            );
            assert!(
                rule.docs.contains("**Range:**"),
                "{}: the page states where findings are shown",
                rule.id
            );
        }
    }

    #[test]
    fn the_summary_ends_at_the_next_heading_outside_code() {
        let page =
            "# X\n\n## In short\n\nWhy.\n\n```md\n## not a heading\n```\n\n## Fix\n\nMore.\n";
        assert_eq!(summary(page), Some("Why.\n\n```md\n## not a heading\n```"));
        assert_eq!(why(page), Some("Why."));
        assert_eq!(summary("# X\n\nNo summary.\n"), None);
        assert_eq!(summary("# X\n\n## In short\n\n## Fix\n"), None);
    }
}
