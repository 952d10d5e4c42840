//! The scale bench's smoke run (issue 17): every generator of `cargo bench --bench scale` at its
//! smallest size, through the binary, each run as the bench runs it (`check`, or the language
//! server over stdio). It fails when a run crashes, ends with an exit code other than 0 or 1,
//! or passes the bench's limits (60 s, 4 GB); it measures nothing.
//!
//! Not part of `cargo test` (`test = false`: debug builds take minutes on these inputs).
//! `.ci/run` runs it on the release build: `cargo test --release --locked --test scale_smoke`.

#[path = "../server/benches/scale/mod.rs"]
mod scale;

use std::path::Path;
use std::time::Duration;

use scale::drive::measure;
use scale::generators::rows;
use scale::process::Limits;

#[test]
fn every_generator_runs_at_its_smallest_size() {
    let binary = Path::new(env!("CARGO_BIN_EXE_cio-lsp"));
    let limits = Limits {
        time: Duration::from_secs(60),
        memory_bytes: 4 << 30,
    };
    let mut failed = Vec::new();
    for row in rows() {
        let size = row.sizes[0];
        let input = (row.generate)(size);
        let dir = tempfile::tempdir().unwrap();
        let root = dir.path().canonicalize().unwrap();
        input.write_to(&root).unwrap();
        let run = measure(binary, &root, &input, row.drive, limits);
        eprintln!(
            "{} {size} {}: {:?} in {:.2} s, {} MB {}",
            row.name,
            row.unit,
            run.outcome,
            run.time.as_secs_f64(),
            run.peak_rss_bytes >> 20,
            run.detail
        );
        if !run.ok() {
            failed.push(format!(
                "{} {size} {}: {:?}",
                row.name, row.unit, run.outcome
            ));
        }
    }
    assert!(failed.is_empty(), "{failed:#?}");
}
