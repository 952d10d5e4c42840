//! Tests of the workspace index (`index.rs`).

use super::*;
use crate::analysis::resolve::modules::ReExport;
use crate::analysis::resolve::workspace::view::NoWorkspaceView;

#[test]
fn derived_summaries_are_computed_once_per_state_of_the_index() {
    let mut index = WorkspaceIndex::new("/w");
    let computed = std::cell::Cell::new(0);
    let files = |index: &WorkspaceIndex| {
        computed.set(computed.get() + 1);
        index.file_count()
    };
    assert_eq!(*index.derived("files", files), 0);
    assert_eq!(*index.derived("files", files), 0);
    assert_eq!(computed.get(), 1, "the second call reuses the first result");
    index.set_file(Path::new("/w/a.ts"), FileFacts::default());
    assert_eq!(
        *index.derived("files", files),
        1,
        "a change drops the summary"
    );
    index.remove_file(Path::new("/w/a.ts"));
    assert_eq!(*index.derived("files", files), 0);
    assert_eq!(computed.get(), 3);
    assert_eq!(*index.clone().derived("files", files), 0);
    assert_eq!(computed.get(), 4, "a clone starts without summaries");
}

#[test]
fn bindings_stay_valid_exactly_while_their_imports_get_the_same_answers() {
    use crate::analysis::resolve::bindings::Bindings;
    use crate::analysis::syntax::{parse, Lang};
    let text = "import { cio } from \"./client\";\nimport { other } from \"./other\";\n\
                export async function handler() { await cio.track(\"1\", {}); }\n";
    let tree = parse(Lang::TypeScript, text, None);
    let collect = |view: &dyn ExportLookup| {
        Bindings::collect(&tree, text, view, &std::collections::HashMap::new())
    };
    let alone = collect(&NoWorkspaceView);
    assert!(alone.still_valid(&NoWorkspaceView));

    let mut index = WorkspaceIndex::new("ws");
    let path = Path::new("ws/app.ts");
    // A module that exports nothing asked about changes no answer.
    index.set_file(Path::new("ws/other.ts"), FileFacts::default());
    assert!(alone.still_valid(&index.view(path)));
    // Once `./client` is known to export a client, the bindings are stale…
    let client = FileFacts {
        exports: vec![(ExportName::Named("cio".into()), Sdk::NodeTrack)],
        ..Default::default()
    };
    index.set_file(Path::new("ws/client.ts"), client);
    assert!(!alone.still_valid(&index.view(path)));
    // …and bindings collected against the index are valid for it, and differ.
    let current = collect(&index.view(path));
    assert!(current.still_valid(&index.view(path)));
    assert!(!current.same_resolution(&alone));
    assert!(!current.still_valid(&NoWorkspaceView));
}

#[test]
fn specifiers_resolve_with_extensions_and_index_files() {
    let mut index = WorkspaceIndex::new("ws");
    let facts = FileFacts {
        exports: vec![(ExportName::Named("cio".into()), Sdk::NodeTrack)],
        ..Default::default()
    };
    index.set_file(Path::new("ws/src/lib/customerio.ts"), facts.clone());
    index.set_file(Path::new("ws/src/clients/index.js"), facts);
    let view = index.view(Path::new("ws/src/routes/a.ts"));
    let cio = ExportName::Named("cio".into());
    assert_eq!(
        view.exported_client("../lib/customerio", &cio),
        Some(Sdk::NodeTrack)
    );
    assert_eq!(
        view.exported_client("../lib/customerio.js", &cio),
        Some(Sdk::NodeTrack)
    );
    assert_eq!(
        view.exported_client("../clients", &cio),
        Some(Sdk::NodeTrack)
    );
    assert_eq!(
        view.exported_client("@/lib/customerio", &cio),
        Some(Sdk::NodeTrack)
    );
    assert_eq!(view.exported_client("../lib/other", &cio), None);
    assert_eq!(view.exported_client("customerio-node", &cio), None);
}

#[test]
fn resolutions_follow_files_entering_and_leaving_the_index() {
    let mut index = WorkspaceIndex::new("ws");
    let facts = |sdk| FileFacts {
        exports: vec![(ExportName::Default, sdk)],
        ..Default::default()
    };
    let client = |index: &WorkspaceIndex, specifier| {
        let view = index.view(Path::new("ws/src/routes/a.ts"));
        view.exported_client(specifier, &ExportName::Default)
    };
    assert_eq!(client(&index, "../lib/cio"), None);
    index.set_file(Path::new("ws/src/lib/cio/index.js"), facts(Sdk::NodeTrack));
    assert_eq!(client(&index, "../lib/cio"), Some(Sdk::NodeTrack));
    // A file tried earlier than the index file now takes precedence.
    index.set_file(Path::new("ws/src/lib/cio.ts"), facts(Sdk::NodeApp));
    assert_eq!(client(&index, "../lib/cio"), Some(Sdk::NodeApp));
    assert_eq!(client(&index, "../lib/cio.js"), Some(Sdk::NodeApp));
    index.remove_file(Path::new("ws/src/lib/cio.ts"));
    assert_eq!(client(&index, "../lib/cio"), Some(Sdk::NodeTrack));
    index.remove_file(Path::new("ws/src/lib/cio/index.js"));
    assert_eq!(client(&index, "../lib/cio"), None);
}

#[test]
fn reexports_are_followed_two_hops_and_cycles_end() {
    let mut index = WorkspaceIndex::new("ws");
    let client = FileFacts {
        exports: vec![(ExportName::Named("cio".into()), Sdk::NodeTrack)],
        ..Default::default()
    };
    let barrel = |reexports| FileFacts {
        reexports,
        ..Default::default()
    };
    let all = |specifier: &str| ReExport::All {
        specifier: specifier.into(),
    };
    index.set_file(Path::new("ws/lib/client.ts"), client);
    // lib/index.ts: `export { cio as customerio } from "./client"`.
    index.set_file(
        Path::new("ws/lib/index.ts"),
        barrel(vec![ReExport::Named {
            exported: ExportName::Named("customerio".into()),
            imported: ExportName::Named("cio".into()),
            specifier: "./client".into(),
        }]),
    );
    // src/index.ts: `export * from "../lib"`: two hops to the client.
    index.set_file(Path::new("ws/src/index.ts"), barrel(vec![all("../lib")]));
    // A cycle: a.ts and b.ts re-export each other.
    index.set_file(Path::new("ws/cycle/a.ts"), barrel(vec![all("./b")]));
    index.set_file(Path::new("ws/cycle/b.ts"), barrel(vec![all("./a")]));
    let view = index.view(Path::new("ws/app.ts"));
    let named = |name: &str| ExportName::Named(name.into());
    assert_eq!(
        view.exported_client("./lib", &named("customerio")),
        Some(Sdk::NodeTrack)
    );
    assert_eq!(view.exported_client("./lib", &named("cio")), None);
    assert_eq!(
        view.exported_client("./src", &named("customerio")),
        Some(Sdk::NodeTrack)
    );
    // `export *` never passes the default export on.
    assert_eq!(view.exported_client("./src", &ExportName::Default), None);
    assert_eq!(view.exported_client("./cycle/a", &named("cio")), None);
    assert_eq!(index.exporting_stems(), ["client", "lib", "src"]);
}
