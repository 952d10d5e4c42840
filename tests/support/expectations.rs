//! The caret annotations of fixture files (`//   ^^^^ CIO002` under the code line), shared by
//! the rule fixture tests and the command-line tests (`#[path]`-included by both).

use std::collections::BTreeSet;

/// (file name, 1-based line, 0-based start char column, end char column, rule)
pub type Expectation = (String, usize, usize, usize, String);

pub fn expectations(name: &str, text: &str) -> BTreeSet<Expectation> {
    let mut expected = BTreeSet::new();
    let mut code_line = 0;
    for (number, line) in text.lines().enumerate() {
        let trimmed = line.trim_start();
        let is_annotation = trimmed.starts_with("//")
            && trimmed[2..].trim_start().starts_with('^')
            && code_line > 0;
        if !is_annotation {
            code_line = number + 1;
            continue;
        }
        let caret_start = line.find('^').unwrap();
        let carets = line[caret_start..]
            .chars()
            .take_while(|c| *c == '^')
            .count();
        let rule = line[caret_start + carets..]
            .split_whitespace()
            .next()
            .unwrap_or("")
            .to_string();
        let start = line[..caret_start].chars().count();
        expected.insert((name.to_string(), code_line, start, start + carets, rule));
    }
    expected
}
