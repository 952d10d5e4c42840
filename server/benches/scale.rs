//! The scale bench (issue 17): worst-case inputs that real repositories contain, each at three
//! sizes, run through the release binary (`cio-lsp check`, or the language server over stdio)
//! as a process of its own. For every size it prints the time and the peak memory, each beside
//! bare tree-sitter parsing of the same input measured in the same run (a child process that
//! reads and parses the same files one at a time), and the growth exponent between sizes
//! (1 is linear: twice the input, twice the time).
//!
//! `cargo bench --bench scale` runs every row; `cargo bench --bench scale -- typing hover`
//! only the rows whose names contain one of the words; `-- --smallest` only each row's
//! smallest size. Environment: `CIO_SCALE_BEFORE` (an older `cio-lsp` binary measured in the
//! same run, interleaved, for before/after columns), `CIO_SCALE_BIN` (the binary measured,
//! default this build's), `CIO_SCALE_RUNS` (best of, default 3; a run over 5 s is not
//! repeated), `CIO_SCALE_TIMEOUT` (seconds per run, default 60), `CIO_SCALE_MAX_MB` (memory per
//! run, default 4096). `-- --write=DIR` writes the inputs instead, for a profiler. A size that fails (time or memory limit, crash) ends its row for that
//! binary. See `docs/performance.md`.

#[path = "scale/mod.rs"]
mod scale;

use std::path::{Path, PathBuf};
use std::process::Command;
use std::time::Duration;

use scale::drive::{measure, Measured};
use scale::generators::{rows, Drive, Input, Row};
use scale::process::{self, Finished, Limits, Outcome};

/// Set in the parse baseline's child process: the directory (or file) to parse.
const PARSE_ENV: &str = "CIO_SCALE_PARSE";

fn main() {
    if std::env::var_os(process::LAUNCH_ENV).is_some() {
        process::launcher_main();
    }
    if let Some(target) = std::env::var_os(PARSE_ENV) {
        return parse_baseline(Path::new(&target));
    }
    process::use_launcher(std::env::current_exe().unwrap());
    let args: Vec<String> = std::env::args()
        .skip(1)
        .filter(|a| a != "--bench")
        .collect();
    let smallest_only = args.iter().any(|a| a == "--smallest");
    let filters: Vec<&String> = args.iter().filter(|a| !a.starts_with("--")).collect();
    if let Some(dir) = args.iter().find_map(|a| a.strip_prefix("--write=")) {
        return write_inputs(Path::new(dir), &filters, smallest_only);
    }
    let settings = BenchSettings::from_env();
    for (label, binary) in &settings.binaries {
        println!("{label}: {}", binary.display());
    }
    println!(
        "best of {} runs; limits {} s, {} MB per run",
        settings.runs,
        settings.limits.time.as_secs(),
        settings.limits.memory_bytes >> 20
    );
    let mut table = Table::new(&settings);
    for row in selected_rows(&filters) {
        let sizes = if smallest_only {
            &row.sizes[..1]
        } else {
            &row.sizes[..]
        };
        run_row(&row, sizes, &settings, &mut table);
    }
    println!("\n{}", table.render());
}

/// `--write=DIR`: writes the selected inputs to `DIR/<row>-<size>/` (for a profiler) instead of
/// measuring them.
fn write_inputs(dir: &Path, filters: &[&String], smallest_only: bool) {
    for row in selected_rows(filters) {
        let sizes = if smallest_only {
            &row.sizes[..1]
        } else {
            &row.sizes[..]
        };
        for &size in sizes {
            let root = dir.join(format!("{}-{size}", row.name));
            (row.generate)(size)
                .write_to(&root)
                .expect("writing the input");
            println!("{}", root.display());
        }
    }
}

fn selected_rows(filters: &[&String]) -> Vec<Row> {
    rows()
        .into_iter()
        .filter(|row| filters.is_empty() || filters.iter().any(|f| row.name.contains(f.as_str())))
        .collect()
}

struct BenchSettings {
    /// The binaries measured, labelled: `after` (this build or `CIO_SCALE_BIN`), and
    /// `before` first when `CIO_SCALE_BEFORE` names one.
    binaries: Vec<(&'static str, PathBuf)>,
    runs: usize,
    limits: Limits,
}

impl BenchSettings {
    fn from_env() -> BenchSettings {
        let number = |name: &str, default: u64| {
            std::env::var(name)
                .ok()
                .and_then(|v| v.parse().ok())
                .unwrap_or(default)
        };
        let after = std::env::var_os("CIO_SCALE_BIN")
            .map(PathBuf::from)
            .unwrap_or_else(|| PathBuf::from(env!("CARGO_BIN_EXE_cio-lsp")));
        let mut binaries: Vec<(&'static str, PathBuf)> = std::env::var_os("CIO_SCALE_BEFORE")
            .map(|before| ("before", PathBuf::from(before)))
            .into_iter()
            .collect();
        binaries.push(("after", after));
        BenchSettings {
            binaries,
            runs: number("CIO_SCALE_RUNS", 3).max(1) as usize,
            limits: Limits {
                time: Duration::from_secs(number("CIO_SCALE_TIMEOUT", 60)),
                memory_bytes: number("CIO_SCALE_MAX_MB", 4096) << 20,
            },
        }
    }
}

/// One size of one row, measured.
struct Point {
    size: usize,
    source_bytes: usize,
    files: usize,
    largest_file: usize,
    parse: Finished,
    /// Per binary (in [`BenchSettings::binaries`]' order); `None` once it failed a smaller
    /// size.
    runs: Vec<Option<Measured>>,
}

fn run_row(row: &Row, sizes: &[usize], settings: &BenchSettings, table: &mut Table) {
    let mut points: Vec<Point> = Vec::new();
    let mut failed = vec![false; settings.binaries.len()];
    for &size in sizes {
        if failed.iter().all(|f| *f) {
            break; // A larger size would only fail later.
        }
        let input = (row.generate)(size);
        let dir = tempfile::tempdir().expect("a temporary directory");
        let root = dir.path().canonicalize().unwrap();
        input.write_to(&root).expect("writing the generated input");
        let point = measure_point(row, size, &input, &root, settings, &failed);
        for ((label, _), (run, failed)) in settings
            .binaries
            .iter()
            .zip(point.runs.iter().zip(failed.iter_mut()))
        {
            let Some(run) = run else { continue };
            eprintln!(
                "{} {} {} [{label}]: parse {:.1} ms (CPU {:.1} ms), run {:.1} ms (CPU {:.1} ms; {:?}), {:.1} MB {}",
                row.name,
                size,
                row.unit,
                ms(point.parse.wall),
                ms(point.parse.cpu),
                ms(run.time),
                ms(run.cpu.unwrap_or_default()),
                run.outcome,
                mb(run.peak_rss_bytes),
                run.detail
            );
            *failed |= !run.ok();
        }
        points.push(point);
    }
    table.add(row, &points);
}

fn measure_point(
    row: &Row,
    size: usize,
    input: &Input,
    root: &Path,
    settings: &BenchSettings,
    failed: &[bool],
) -> Point {
    let parse_target = match row.drive {
        Drive::Check(_) => root.to_path_buf(),
        _ => root.join(&input.main_file().0),
    };
    let mut best_parse: Option<Finished> = None;
    let mut best: Vec<Option<Measured>> = vec![None; settings.binaries.len()];
    let mut done = failed.to_vec();
    for _ in 0..settings.runs {
        // Interleaved, so that a burst of load from other jobs hits every program alike.
        let parse = parse_child(&parse_target, settings.limits);
        if best_parse.is_none_or(|best| parse.wall < best.wall) {
            best_parse = Some(parse);
        }
        for (i, (_, binary)) in settings.binaries.iter().enumerate() {
            if done[i] {
                continue;
            }
            let run = measure(binary, root, input, row.drive, settings.limits);
            done[i] = run.time > Duration::from_secs(5) || !run.ok();
            if best[i]
                .as_ref()
                .is_none_or(|best| run.ok() && run.time < best.time)
            {
                best[i] = Some(run);
            }
        }
        if done.iter().all(|d| *d) {
            break;
        }
    }
    Point {
        size,
        source_bytes: input.source_bytes(),
        files: input.source_files(),
        largest_file: input.largest_file(),
        parse: best_parse.unwrap(),
        runs: best,
    }
}

/// This bench binary again, asked to parse `target` and nothing else.
fn parse_child(target: &Path, limits: Limits) -> Finished {
    let mut command = Command::new(std::env::current_exe().unwrap());
    command.env(PARSE_ENV, target);
    let finished = process::run(command, limits);
    assert_eq!(
        finished.outcome,
        Outcome::Exited(0),
        "the parse baseline failed on {}",
        target.display()
    );
    finished
}

/// The baseline: read and parse every JS/TS file under `target` (or `target` itself), one at
/// a time, dropping each tree, with tree-sitter's allocations routed as `cio-lsp check` routes
/// them.
fn parse_baseline(target: &Path) {
    // SAFETY: first thing in the process, before any tree-sitter object exists.
    unsafe { cio_lsp::allocator::install_for_tree_sitter() };
    let mut pending = vec![target.to_path_buf()];
    let mut nodes = 0;
    while let Some(path) = pending.pop() {
        if path.is_dir() {
            pending.extend(std::fs::read_dir(&path).unwrap().map(|e| e.unwrap().path()));
        } else if let Some(lang) = cio_lsp::analysis::Lang::from_path(&path) {
            let text = std::fs::read_to_string(&path).unwrap();
            let tree = cio_lsp::analysis::parse(lang, &text, None);
            nodes += tree.root_node().descendant_count();
        }
    }
    std::hint::black_box(nodes);
}

fn ms(duration: Duration) -> f64 {
    duration.as_secs_f64() * 1e3
}

fn mb(bytes: u64) -> f64 {
    bytes as f64 / (1 << 20) as f64
}

/// The figures of every row measured, as a Markdown table.
struct Table {
    labels: Vec<&'static str>,
    lines: Vec<String>,
}

impl Table {
    fn new(settings: &BenchSettings) -> Table {
        Table {
            labels: settings.binaries.iter().map(|(label, _)| *label).collect(),
            lines: Vec::new(),
        }
    }

    fn add(&mut self, row: &Row, points: &[Point]) {
        for (i, point) in points.iter().enumerate() {
            let mut line = format!(
                "| {} | {} {} | {:.0} KB / {} | {:.1} ms, {:.1} ms, {:.1} MB |",
                if i == 0 { row.name } else { "" },
                point.size,
                row.unit,
                point.source_bytes as f64 / 1024.0,
                point.files,
                ms(point.parse.wall),
                ms(point.parse.cpu),
                mb(point.parse.peak_rss_bytes),
            );
            let mut details = Vec::new();
            for binary in 0..self.labels.len() {
                let earlier = points[..i]
                    .last()
                    .and_then(|p| p.runs[binary].as_ref().map(|run| (p, run)));
                match &point.runs[binary] {
                    Some(run) => {
                        line.push_str(&cells(point, run, earlier));
                        if !run.detail.is_empty() {
                            details.push(run.detail.clone());
                        }
                    }
                    None => line.push_str(" not run | | |"),
                }
            }
            line.push_str(&format!(" {} |", details.join("; ")));
            self.lines.push(line);
        }
    }

    fn render(&self) -> String {
        let mut header =
            String::from("| row | size | source / files | bare parse: time, peak RSS |");
        let mut rule = String::from("|---|---|---|---|");
        for label in &self.labels {
            header.push_str(&format!(
                " {label}: time (× parse), CPU time (× parse) | {label}: peak RSS (× parse; B per byte of the largest file) | {label}: exponent time, memory |"
            ));
            rule.push_str("---|---|---|");
        }
        header.push_str(" notes |");
        rule.push_str("---|");
        let mut out = format!("{header}\n{rule}\n");
        for line in &self.lines {
            out.push_str(line);
            out.push('\n');
        }
        out
    }
}

/// One binary's three cells of a point: time, memory, growth exponents from `earlier`.
fn cells(point: &Point, run: &Measured, earlier: Option<(&Point, &Measured)>) -> String {
    let outcome = match run.outcome {
        Outcome::Exited(0) | Outcome::Exited(1) => String::new(),
        Outcome::TimedOut => " **timed out**".to_string(),
        Outcome::OverMemory => " **over the memory limit**".to_string(),
        other => format!(" **{other:?}**"),
    };
    let exponents = match earlier {
        Some((before, earlier_run)) if run.ok() && earlier_run.ok() => {
            let growth = |now: f64, then: f64| {
                (now / then).ln() / (point.source_bytes as f64 / before.source_bytes as f64).ln()
            };
            format!(
                "{:.2}, {:.2}",
                growth(run.time.as_secs_f64(), earlier_run.time.as_secs_f64()),
                growth(run.peak_rss_bytes as f64, earlier_run.peak_rss_bytes as f64)
            )
        }
        _ => "–".to_string(),
    };
    let cpu = run.cpu.map_or(String::new(), |cpu| {
        format!(
            "; CPU {} ({:.1}×)",
            time_text(cpu),
            cpu.as_secs_f64() / point.parse.cpu.as_secs_f64()
        )
    });
    format!(
        " {}{outcome} ({:.1}×){cpu} | {:.1} MB ({:.1}×; {:.0}) | {exponents} |",
        time_text(run.time),
        run.time.as_secs_f64() / point.parse.wall.as_secs_f64(),
        mb(run.peak_rss_bytes),
        run.peak_rss_bytes as f64 / point.parse.peak_rss_bytes as f64,
        run.peak_rss_bytes as f64 / point.largest_file.max(1) as f64,
    )
}

fn time_text(time: Duration) -> String {
    if time >= Duration::from_secs(1) {
        format!("{:.2} s", time.as_secs_f64())
    } else {
        format!("{:.1} ms", ms(time))
    }
}
