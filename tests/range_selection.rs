//! Range selection loses nothing: on every file of the generated Customer.io-dense corpus (the
//! one `cargo bench --bench check` measures), `analyze` — which runs the combined query only
//! over the statements that mention a client — gives exactly the findings and workspace facts
//! of `analyze_whole_tree`, which queries the whole tree. Independent of which rules exist.

#[path = "../server/benches/corpus/mod.rs"]
mod corpus;

use std::path::{Path, PathBuf};

use cio_lsp::analysis::project::{analyze_sources, unparsed_file_facts, LoadedSource};
use cio_lsp::analysis::resolve::summaries::MAX_DEPTH;
use cio_lsp::analysis::resolve::values::{exported_functions, exported_values};
use cio_lsp::analysis::{
    analyze, analyze_whole_tree, mentions_customerio, merge_workspace_findings, parse, suppress,
    workspace_findings, Bindings, FileFacts, Finding, Lang, NoWorkspaceView, Settings, SourceFile,
    WorkspaceIndex,
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

/// The plain pipeline, without the fast paths of `analyze_sources`: parse every file, index
/// exports, re-exports and function summaries to a fixed point, analyse every file the prefilter lets through over its whole tree
/// against the complete index, analyse them again once the awaiting helpers (CIO007 across
/// files) are known, record the unparsed files' facts (CIO008), then the workspace rules and
/// the suppression comments.
fn reference_pipeline(
    root: &Path,
    files: &[LoadedSource],
    package_json: &str,
) -> Vec<(PathBuf, Vec<Finding>)> {
    let settings = Settings::default();
    let mut index = WorkspaceIndex::new(root);
    index.set_complete(true);
    index.set_package_json(&root.join("package.json"), package_json);
    let trees: Vec<_> = files.iter().map(|f| parse(f.lang, &f.text, None)).collect();
    // Exports, re-exports, exported values and normalisers, and function summaries, collected
    // against the index so far until nothing changes (a wrapper of an imported wrapper needs the
    // index of the round before). Every module's values count, as if every file were parsed
    // (the project pipeline parses a module that names no Customer.io package when an analysis
    // asks about its values).
    for _round in 0..=MAX_DEPTH + 1 {
        for (file, tree) in files.iter().zip(&trees) {
            let view = index.view(&file.path);
            let bindings = Bindings::collect(tree, &file.text, &view, &Default::default());
            let facts = FileFacts {
                exports: bindings.exports.clone(),
                reexports: bindings.reexports.clone(),
                functions: bindings.exported_summaries(&file.path, &file.text),
                exported_values: exported_values(
                    tree,
                    &file.path,
                    &file.text,
                    &bindings,
                    &NoWorkspaceView,
                ),
                exported_functions: exported_functions(
                    tree,
                    &file.text,
                    &bindings,
                    &NoWorkspaceView,
                ),
                ..Default::default()
            };
            if facts != FileFacts::default() {
                index.set_file(&file.path, facts);
            }
        }
    }
    let mut analyses = Vec::new();
    for _round in 0..2 {
        let stems = index.exporting_stems();
        analyses = files
            .iter()
            .zip(&trees)
            .filter(|(f, _)| mentions_customerio(&f.text, &settings, &stems))
            .map(|(file, tree)| {
                let source = SourceFile {
                    path: &file.path,
                    lang: file.lang,
                    text: &file.text,
                    tree,
                };
                (
                    file,
                    analyze_whole_tree(&source, &settings, &index.view(&file.path)),
                )
            })
            .collect();
        for (file, analysis) in &analyses {
            index.set_file(&file.path, analysis.facts.clone());
        }
    }
    for file in files {
        if !analyses
            .iter()
            .any(|(analysed, _)| analysed.path == file.path)
        {
            if let Some(facts) = unparsed_file_facts(&file.text) {
                index.set_file(&file.path, facts);
            }
        }
    }
    let mut all = Vec::new();
    for (file, analysis) in analyses {
        let mut findings = analysis.findings;
        let extra = workspace_findings(&file.path, &analysis.facts, &index, &settings);
        merge_workspace_findings(&mut findings, extra);
        suppress::apply(&file.text, &analysis.suppressions, &mut findings, &settings);
        if !findings.is_empty() {
            all.push((file.path.clone(), findings));
        }
    }
    all.sort_by(|a, b| a.0.cmp(&b.0));
    all
}

#[test]
fn the_project_pipeline_equals_the_plain_two_pass_pipeline() {
    for density in [Density::Dense, Density::Realistic] {
        let corpus = generate(density, 300 * 1024, 11);
        let root = Path::new("/project");
        let files: Vec<LoadedSource> = corpus
            .files
            .iter()
            .map(|f| LoadedSource {
                path: root.join(&f.path),
                lang: Lang::from_path(&f.path).unwrap(),
                text: f.text.clone(),
            })
            .collect();
        let package_jsons = vec![(root.join("package.json"), corpus.package_json.clone())];
        let report = analyze_sources(root, &package_jsons, &files, &Settings::default());
        let actual: Vec<(PathBuf, Vec<Finding>)> = report
            .files
            .into_iter()
            .map(|f| (f.path, f.findings))
            .collect();
        let expected = reference_pipeline(root, &files, &corpus.package_json);
        assert!(
            !expected.is_empty(),
            "{density:?} corpus produced no findings"
        );
        assert_eq!(actual, expected, "{density:?}");
    }
}

/// The same on every rule's fixture workspace: these hold what the generated corpus does not
/// (CIO007 helpers imported from other modules, barrel files, bounce handlers that never name
/// Customer.io, suppression comments), so pass 1's early analysis is checked against them.
#[test]
fn the_project_pipeline_equals_the_plain_pipeline_on_the_fixture_workspaces() {
    let fixtures = Path::new(env!("CARGO_MANIFEST_DIR")).join("../tests/fixtures");
    let mut rules: Vec<PathBuf> = std::fs::read_dir(&fixtures)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .collect();
    rules.sort();
    for dir in rules {
        let mut files = Vec::new();
        let mut pending = vec![dir.clone()];
        while let Some(current) = pending.pop() {
            for entry in std::fs::read_dir(&current).unwrap() {
                let path = entry.unwrap().path();
                if path.is_dir() {
                    pending.push(path);
                } else if let Some(lang) = Lang::from_path(&path) {
                    let text = std::fs::read_to_string(&path).unwrap();
                    files.push(LoadedSource { path, lang, text });
                }
            }
        }
        files.sort_by(|a, b| a.path.cmp(&b.path));
        let package_json = std::fs::read_to_string(dir.join("package.json")).unwrap_or_default();
        let package_jsons = vec![(dir.join("package.json"), package_json.clone())];
        let report = analyze_sources(&dir, &package_jsons, &files, &Settings::default());
        let actual: Vec<(PathBuf, Vec<Finding>)> = report
            .files
            .into_iter()
            .map(|f| (f.path, f.findings))
            .collect();
        let expected = reference_pipeline(&dir, &files, &package_json);
        assert!(!expected.is_empty(), "{} has no findings", dir.display());
        assert_eq!(actual, expected, "{}", dir.display());
    }
}

/// A module known to export a client from the start (so the set of exporting modules does not
/// change) whose helper awaits Customer.io: only its analysis finds the helper, and the handler
/// importing it, analysed before that, must be analysed again. The fixture workspace of CIO007
/// holds the same two files among others whose new exports hid this.
#[test]
fn an_importer_is_analysed_again_when_a_known_module_turns_out_to_export_a_helper() {
    let root = Path::new("/project");
    let source = |path: &str, text: &str| LoadedSource {
        path: root.join(path),
        lang: Lang::from_path(Path::new(path)).unwrap(),
        text: text.to_string(),
    };
    let files = vec![
        source(
            "lib/notify.ts",
            "import { TrackClient } from \"customerio-node\";\n\
             export const notifier = new TrackClient(\"site\", \"key\");\n\
             export async function notifySignup(id: string) {\n\
             \x20 await notifier.track(id, { name: \"signed_up\", data: {} });\n\
             }\n",
        ),
        source(
            "routes/signup.ts",
            "import express from \"express\";\n\
             import { notifySignup } from \"../lib/notify\";\n\
             const router = express.Router();\n\
             router.post(\"/signup\", async (req, res) => {\n\
             \x20 await notifySignup(req.body.id);\n\
             \x20 res.status(201).end();\n\
             });\n",
        ),
    ];
    let report = analyze_sources(root, &[], &files, &Settings::default());
    let rules: Vec<(PathBuf, String)> = report
        .files
        .iter()
        .flat_map(|f| f.findings.iter().map(|x| (f.path.clone(), x.rule.clone())))
        .filter(|(_, rule)| rule == "CIO007")
        .collect();
    assert_eq!(
        rules,
        vec![(root.join("routes/signup.ts"), "CIO007".into())]
    );
    let actual: Vec<(PathBuf, Vec<Finding>)> = report
        .files
        .into_iter()
        .map(|f| (f.path, f.findings))
        .collect();
    assert_eq!(actual, reference_pipeline(root, &files, ""));
}
