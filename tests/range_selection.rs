//! Range selection loses nothing: on every file of the generated Customer.io-dense corpus (the
//! one `cargo bench --bench check` measures), `analyze` — which runs the combined query only
//! over the statements that mention a client — gives exactly the findings and workspace facts
//! of `analyze_whole_tree`, which queries the whole tree. Independent of which rules exist.

#[path = "../server/benches/corpus/mod.rs"]
mod corpus;

use std::path::Path;

use cio_lsp::analysis::{
    analyze, analyze_whole_tree, parse, Bindings, FileFacts, Lang, NoWorkspaceView, Settings,
    SourceFile, WorkspaceIndex,
};
use corpus::{generate, Density};

#[test]
fn range_restricted_analysis_equals_whole_tree_analysis_on_the_dense_corpus() {
    let corpus = generate(Density::Dense, 400 * 1024, 7);
    let root = Path::new("/project");
    let settings = Settings::default();

    // The workspace index as `analyze_project` builds it: which modules export a client.
    let mut index = WorkspaceIndex::new(root);
    for file in &corpus.files {
        let path = root.join(&file.path);
        let lang = Lang::from_path(&path).unwrap();
        let tree = parse(lang, &file.text, None);
        let bindings = Bindings::collect(&tree, &file.text, &NoWorkspaceView, &Default::default());
        if !bindings.exports.is_empty() {
            let facts = FileFacts {
                exports: bindings.exports.clone(),
                ..Default::default()
            };
            index.set_file(&path, facts);
        }
    }

    let mut findings = 0;
    for file in &corpus.files {
        let path = root.join(&file.path);
        let lang = Lang::from_path(&path).unwrap();
        let tree = parse(lang, &file.text, None);
        let source = SourceFile {
            path: &path,
            lang,
            text: &file.text,
            tree: &tree,
        };
        let view = index.view(&path);
        let ranged = analyze(&source, &settings, &view);
        let whole = analyze_whole_tree(&source, &settings, &view);
        assert_eq!(
            ranged.findings,
            whole.findings,
            "findings of {}",
            file.path.display()
        );
        assert_eq!(
            ranged.facts,
            whole.facts,
            "facts of {}",
            file.path.display()
        );
        assert!(
            ranged.internal_errors.is_empty(),
            "{:?}",
            ranged.internal_errors
        );
        findings += ranged.findings.len();
    }
    // The corpus carries pitfalls: the comparison is not between two empty lists.
    assert!(findings > 0, "the dense corpus produced no findings");
}

#[test]
fn the_corpus_is_deterministic_and_dense_means_every_file() {
    let a = generate(Density::Dense, 100 * 1024, 1);
    let b = generate(Density::Dense, 100 * 1024, 1);
    assert_eq!(
        a.files.iter().map(|f| &f.text).collect::<Vec<_>>(),
        b.files.iter().map(|f| &f.text).collect::<Vec<_>>()
    );
    assert!(a.files.iter().all(|f| f.touches_customerio));
    let realistic = generate(Density::Realistic, 2 * 1024 * 1024, 1);
    let share = realistic.customerio_files() as f64 / realistic.files.len() as f64;
    assert!((0.01..0.08).contains(&share), "share {share}");
}
