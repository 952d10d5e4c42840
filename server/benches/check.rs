//! The `check` benchmark (issue 2, "Performance"): on a generated Customer.io-dense corpus and
//! a realistic one (~3% of files touch Customer.io), measures in one run
//! - bare tree-sitter parse throughput (files in memory),
//! - reading the files from disk (warm page cache),
//! - `check` (discovery + `analyze_project`) and the same pipeline from memory,
//!
//! each on 1 and 2 rayon threads, then prints the ratios against the targets:
//! dense check ≥ 0.8× bare parse throughput; realistic check ≤ 2× the time of reading.
//!
//! `cargo bench --bench check` (add `-- --quick` for a shorter run; `CIO_BENCH_MB=4` for a
//! smaller corpus). `cargo run --release --example bench_check` prints the table only.

#[path = "corpus/mod.rs"]
mod corpus;

use std::sync::Mutex;
use std::time::Duration;

use corpus::workload::{corpus_bytes, pool, time_once, Results, Task, Workload};
use corpus::Density;
use criterion::{BenchmarkId, Criterion, SamplingMode, Throughput};

fn main() {
    // As `cio-lsp check` does (see `allocator`), so that the figures are the product's.
    // SAFETY: first thing in the process, before any tree-sitter object exists.
    unsafe { cio_lsp::allocator::install_for_tree_sitter() };
    let mut criterion = Criterion::default()
        .sample_size(10)
        .warm_up_time(Duration::from_secs(1))
        .measurement_time(Duration::from_secs(5))
        .configure_from_args();
    let results = Mutex::new(Results::default());
    let pools = [(1, pool(1)), (2, pool(2))];
    for density in [Density::Dense, Density::Realistic] {
        let workload = Workload::new(density, corpus_bytes());
        results.lock().unwrap().add_corpus(&workload);
        let mut group = criterion.benchmark_group(density.name());
        group
            .sampling_mode(SamplingMode::Flat)
            .throughput(Throughput::Bytes(workload.bytes() as u64));
        for (threads, pool) in &pools {
            for task in Task::ALL.into_iter().filter(|t| t.applies_to(density)) {
                let id = BenchmarkId::new(task.name(), format!("{threads}t"));
                group.bench_function(id, |b| {
                    b.iter_custom(|iterations| {
                        let mut total = Duration::ZERO;
                        for _ in 0..iterations {
                            let sample = time_once(&workload, pool, task);
                            results
                                .lock()
                                .unwrap()
                                .record(density, *threads, task, sample);
                            total += sample.wall;
                        }
                        total
                    })
                });
            }
        }
        group.finish();
    }
    criterion.final_summary();
    println!("{}", results.into_inner().unwrap().table());
}
