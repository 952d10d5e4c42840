//! Which grammar parses which file, parsing itself, and a parsed file ([`SourceFile`]).

use std::cell::RefCell;
use std::path::Path;

use tree_sitter::{Language, Parser, Tree};

/// The grammars we parse with.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Lang {
    JavaScript,
    TypeScript,
    Tsx,
}

impl Lang {
    pub const ALL: [Lang; 3] = [Lang::JavaScript, Lang::TypeScript, Lang::Tsx];

    /// `.js .jsx .mjs .cjs` → JavaScript, `.ts .mts .cts` → TypeScript, `.tsx` → TSX.
    /// Declaration files (`.d.ts`) hold no calls and are skipped.
    pub fn from_path(path: &Path) -> Option<Lang> {
        let name = path.file_name()?.to_str()?;
        if name.ends_with(".d.ts") || name.ends_with(".d.mts") || name.ends_with(".d.cts") {
            return None;
        }
        match path.extension()?.to_str()? {
            "js" | "jsx" | "mjs" | "cjs" => Some(Lang::JavaScript),
            "ts" | "mts" | "cts" => Some(Lang::TypeScript),
            "tsx" => Some(Lang::Tsx),
            _ => None,
        }
    }

    /// From an LSP language id (`typescriptreact`, …).
    pub fn from_language_id(id: &str) -> Option<Lang> {
        match id {
            "javascript" | "javascriptreact" | "jsx" => Some(Lang::JavaScript),
            "typescript" => Some(Lang::TypeScript),
            "typescriptreact" | "tsx" => Some(Lang::Tsx),
            _ => None,
        }
    }

    pub fn grammar(self) -> Language {
        match self {
            Lang::JavaScript => tree_sitter_javascript::LANGUAGE.into(),
            Lang::TypeScript => tree_sitter_typescript::LANGUAGE_TYPESCRIPT.into(),
            Lang::Tsx => tree_sitter_typescript::LANGUAGE_TSX.into(),
        }
    }

    pub fn name(self) -> &'static str {
        match self {
            Lang::JavaScript => "javascript",
            Lang::TypeScript => "typescript",
            Lang::Tsx => "tsx",
        }
    }

    fn slot(self) -> usize {
        self as usize
    }
}

thread_local! {
    // Parsers are cheap to keep and costly to make; one per grammar per thread.
    static PARSERS: RefCell<[Option<Parser>; 3]> = const { RefCell::new([None, None, None]) };
}

/// Parses `text`, reusing `old_tree` (already `edit`ed to match `text`) when given.
pub fn parse(lang: Lang, text: &str, old_tree: Option<&Tree>) -> Tree {
    PARSERS.with(|parsers| {
        let mut parsers = parsers.borrow_mut();
        let parser = parsers[lang.slot()].get_or_insert_with(|| {
            let mut parser = Parser::new();
            parser
                .set_language(&lang.grammar())
                .expect("bundled grammar ABI is supported by the tree-sitter runtime");
            parser
        });
        parser
            .parse(text, old_tree)
            .expect("parse only fails without a language or on cancellation, neither is used")
    })
}

/// One file, parsed.
pub struct SourceFile<'a> {
    pub path: &'a Path,
    pub lang: Lang,
    pub text: &'a str,
    pub tree: &'a Tree,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_grammar_loads_into_the_runtime() {
        for lang in Lang::ALL {
            let tree = parse(lang, "const a = 1;", None);
            assert!(!tree.root_node().has_error(), "{lang:?}");
        }
    }

    #[test]
    fn extensions_map_to_grammars() {
        assert_eq!(
            Lang::from_path(Path::new("a/b.mjs")),
            Some(Lang::JavaScript)
        );
        assert_eq!(Lang::from_path(Path::new("b.cts")), Some(Lang::TypeScript));
        assert_eq!(Lang::from_path(Path::new("b.tsx")), Some(Lang::Tsx));
        assert_eq!(Lang::from_path(Path::new("b.d.ts")), None);
        assert_eq!(Lang::from_path(Path::new("b.json")), None);
    }
}
