//! Quick reproduction of the `check` benchmark's table: generates the dense and realistic
//! corpora, times parse / read / check on 1 and 2 threads (best of `CIO_BENCH_RUNS`, default 5)
//! and prints MB/s and the ratios against the targets. See `docs/performance.md`.
//!
//! `cargo run --release --example bench_check`
//!
//! For profiling, `bench_check profile dense|realistic parse|read|check|check-mem` runs one
//! workload once on one thread, e.g. under
//! `valgrind --tool=callgrind --collect-atstart=no --toggle-collect='*Workload::run*'`, built
//! with `--profile profiling` (the release profile strips the symbols that toggle needs).
//! `CIO_BENCH_REPEAT=N` runs it N times, so that a sampling profiler (`perf record`) sees
//! mostly the workload rather than the corpus generation and the warm-up.

#[path = "../benches/corpus/mod.rs"]
mod corpus;

use corpus::workload::{corpus_bytes, describe, pool, time_once, Results, Task, Workload};
use corpus::Density;

fn main() {
    // As `cio-lsp check` does (see `allocator`), so that the figures are the product's.
    // SAFETY: first thing in the process, before any tree-sitter object exists.
    unsafe { cio_lsp::allocator::install_for_tree_sitter() };
    let args: Vec<String> = std::env::args().skip(1).collect();
    if args.first().map(String::as_str) == Some("profile") {
        return profile(&args[1..]);
    }
    let runs: usize = std::env::var("CIO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let mut results = Results::default();
    let pools = [(1, pool(1)), (2, pool(2))];
    for density in [Density::Dense, Density::Realistic] {
        let workload = Workload::new(density, corpus_bytes());
        eprintln!("{}", describe(&workload));
        results.add_corpus(&workload);
        let tasks: Vec<Task> = Task::ALL
            .into_iter()
            .filter(|t| t.applies_to(density))
            .collect();
        // Round-robin over the workloads, so that a burst of load from other jobs on the
        // machine hits every workload alike instead of skewing one ratio.
        for round in 0..=runs {
            for (threads, pool) in &pools {
                for &task in &tasks {
                    let sample = time_once(&workload, pool, task);
                    if round > 0 {
                        results.record(density, *threads, task, sample); // round 0 warms up
                    }
                }
            }
        }
    }
    println!("{}", results.table());
}

fn profile(args: &[String]) {
    let density = match args.first().map(String::as_str) {
        Some("realistic") => Density::Realistic,
        _ => Density::Dense,
    };
    let task = Task::ALL
        .into_iter()
        .find(|t| Some(t.name()) == args.get(1).map(String::as_str))
        .unwrap_or(Task::CheckInMemory);
    let workload = Workload::new(density, corpus_bytes());
    eprintln!("{}; profiling {}", describe(&workload), task.name());
    let pool = pool(1);
    // Compile the queries and warm the caches outside the profiled run.
    pool.install(|| workload.run(Task::CheckInMemory));
    let repeat: usize = std::env::var("CIO_BENCH_REPEAT")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(1);
    for _ in 0..repeat {
        let sample = time_once(&workload, &pool, task);
        eprintln!("{:?}", sample);
    }
}
