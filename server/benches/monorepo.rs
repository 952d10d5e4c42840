//! The monorepo benchmark (issue 25, "Performance"): a generated monorepo of 50 packages of
//! 400 files each, checked as `cio-lsp check` checks it (discovery with each path's
//! configuration, each file with its nearest configuration's settings, the analysis), once
//! with one `cio-lsp.toml` at the root and once with a `cio-lsp.toml` in every package (half
//! of them extending the root's). The same files, in trees of their own; the runs alternate,
//! and the medians are compared: target ≤ 1.1×. Then the server's index of the tree with 50
//! configurations, in bytes of facts per byte of source: target ≤ 2.
//!
//! `cargo bench --bench monorepo`. `CIO_BENCH_ROUNDS` (default 5) runs of each tree;
//! `CIO_BENCH_PACKAGES` / `CIO_BENCH_FILES` (default 50 / 400) size the monorepo;
//! `CIO_BENCH_ONLY=one|many` runs one tree only (for `valgrind --tool=callgrind`).

use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cio_lsp::analysis::config::Config;
use cio_lsp::analysis::project::{analyze_project, discover_configured, ConfigLookup};

fn main() {
    // As `cio-lsp check` does (see `allocator`), so that the figures are the product's.
    // SAFETY: first thing in the process, before any tree-sitter object exists.
    unsafe { cio_lsp::allocator::install_for_tree_sitter() };
    let packages = env_number("CIO_BENCH_PACKAGES", 50);
    let files = env_number("CIO_BENCH_FILES", 400);
    let rounds = env_number("CIO_BENCH_ROUNDS", 5);
    let only = std::env::var("CIO_BENCH_ONLY").ok();
    let dir = tempfile::tempdir().unwrap();
    let one = dir.path().join("one");
    let many = dir.path().join("many");
    let source_bytes = write_monorepo(&one, packages, files, false);
    write_monorepo(&many, packages, files, true);
    println!(
        "monorepo: {packages} packages x {files} files, {:.1} MiB of sources",
        source_bytes as f64 / (1024.0 * 1024.0)
    );

    let trees: Vec<(&str, &Path)> = [("one", one.as_path()), ("many", many.as_path())]
        .into_iter()
        .filter(|(name, _)| only.as_deref().is_none_or(|o| o == *name))
        .collect();
    let mut times: Vec<Vec<Duration>> = vec![Vec::new(); trees.len()];
    // A warm-up run of each (page cache, allocator), then the measured rounds, alternating.
    for round in 0..=rounds {
        for (i, (name, root)) in trees.iter().enumerate() {
            let started = Instant::now();
            let (checked, findings, configs) = check(root);
            let elapsed = started.elapsed();
            if round == 0 {
                println!("{name:>4}: {checked} files checked, {findings} findings, {configs} configurations");
            } else {
                times[i].push(elapsed);
            }
        }
    }
    for ((name, _), samples) in trees.iter().zip(&mut times) {
        println!("{name:>4}: median {:?} over {rounds} runs", median(samples));
    }
    if let [one_time, many_time] = &mut times[..] {
        let ratio = median(many_time).as_secs_f64() / median(one_time).as_secs_f64();
        println!("50 configurations / one configuration: {ratio:.3}x (target <= 1.1x)");
    }

    if only.is_none() {
        let index = cio_lsp::lsp::workspace::build_index(
            std::slice::from_ref(&many),
            &Arc::new(ConfigLookup::new()),
            &Default::default(),
            &|_, _| {},
        );
        let bytes = cio_lsp::lsp::workspace::memory_estimate(&index);
        println!(
            "server index of the 50-configuration tree: {} files, ~{} KiB of facts for {} KiB of source ({:.3} bytes per source byte, target <= 2)",
            index.file_count(),
            bytes / 1024,
            source_bytes / 1024,
            bytes as f64 / source_bytes as f64
        );
    }
}

/// `cio-lsp check ROOT`'s pipeline: (files checked, findings, configurations loaded).
fn check(root: &Path) -> (usize, usize, usize) {
    let configs = Arc::new(ConfigLookup::new());
    let make = |config: Option<&Config>| config.map(Config::settings).unwrap_or_default();
    let (discovered, settings) = discover_configured(&[root.to_path_buf()], &configs, true, &make);
    let report = analyze_project(root, &discovered, &settings, &|| {});
    let findings = report.files.iter().map(|f| f.findings.len()).sum();
    (report.files_checked, findings, configs.configs().len())
}

fn median(samples: &mut [Duration]) -> Duration {
    samples.sort();
    samples.get(samples.len() / 2).copied().unwrap_or_default()
}

fn env_number(name: &str, default: usize) -> usize {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

/// Writes the monorepo under `root`; with `configured`, a `cio-lsp.toml` in every package (the
/// even ones extending the root's). Returns the bytes of source written.
fn write_monorepo(root: &Path, packages: usize, files: usize, configured: bool) -> usize {
    let write = |path: PathBuf, text: &str| {
        std::fs::create_dir_all(path.parent().unwrap()).unwrap();
        std::fs::write(path, text).unwrap();
    };
    write(
        root.join("package.json"),
        r#"{"private":true,"workspaces":["packages/*"]}"#,
    );
    write(root.join("cio-lsp.toml"), "[rules]\nCIO014 = \"off\"\n");
    let mut bytes = 0;
    for package in 0..packages {
        let dir = root.join(format!("packages/p{package:02}"));
        write(
            dir.join("package.json"),
            &format!(r#"{{"name":"p{package:02}","dependencies":{{"customerio-node":"^4.1.0"}}}}"#),
        );
        if configured {
            let config = if package % 2 == 0 {
                "extends = \"../../cio-lsp.toml\"\n[rules]\nCIO010 = \"info\"\n".to_string()
            } else {
                format!("event_name_style = \"Title Case\"\n[rules]\nCIO002 = \"warning\"\nCIO009 = \"off\"\n# package {package}\n")
            };
            write(dir.join("cio-lsp.toml"), &config);
        }
        for file in 0..files {
            let text = source(package, file);
            bytes += text.len();
            // Eight folders of a package, as src/ trees are.
            write(dir.join(format!("src/m{}/f{file:03}.ts", file % 8)), &text);
        }
    }
    bytes
}

/// An ordinary module; one in 33 calls Customer.io (with a CIO002 mistake and an event name
/// the Title Case packages object to).
fn source(package: usize, file: usize) -> String {
    let mut text = format!(
        "import {{ formatPrice }} from \"../m0/f000\";\n\n\
         export interface Item{file} {{ id: string; price: number; quantity: number }}\n\n\
         export function total{file}(items: Item{file}[]): number {{\n  \
           return items.reduce((sum, item) => sum + item.price * item.quantity, 0);\n}}\n\n\
         export function describe{file}(items: Item{file}[]): string {{\n  \
           const count = items.length;\n  \
           const created_at = Date.now();\n  \
           return `${{count}} items, ${{formatPrice(total{file}(items))}} (package {package}, ${{created_at}})`;\n}}\n"
    );
    if file % 33 == 16 {
        text.push_str(&format!(
            "\nimport {{ TrackClient, RegionUS }} from \"customerio-node\";\n\
             const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!, {{ region: RegionUS }});\n\n\
             export async function signup{file}(user: {{ id: string; email: string }}) {{\n  \
               await cio.identify(user.id, {{ email: user.email, created_at: Date.now() }});\n  \
               await cio.track(user.id, {{ name: \"signed_up\", data: {{ plan: \"pro\" }} }});\n}}\n"
        ));
    }
    text
}
