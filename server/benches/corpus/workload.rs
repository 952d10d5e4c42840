//! The benchmark's workloads over a generated corpus, and the table of ratios against the
//! targets of issue 2 ("Performance"). Shared by `benches/check.rs` (criterion) and
//! `examples/bench_check.rs` (a quick run that prints the table only).
//!
//! Like is compared with like: every workload runs inside a rayon pool of the given size, so
//! "1 thread" parse, read and check are all single-threaded and "2 threads" all use two.

use std::collections::BTreeMap;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

use cio_lsp::analysis::project::{
    analyze_project, analyze_sources, discover, Discovered, LoadedSource, ProjectReport,
};
use cio_lsp::analysis::{parse, Lang, Settings};
use rayon::prelude::*;

use super::{generate, Corpus, Density};

/// One corpus, written to a temporary directory and also held in memory.
pub struct Workload {
    pub corpus: Corpus,
    /// Keeps the directory alive for the workload's lifetime.
    _dir: tempfile::TempDir,
    pub root: PathBuf,
    /// What discovery finds under `root` (used by the read baseline).
    pub discovered: Discovered,
    /// The same files in memory, with absolute paths.
    pub sources: Vec<LoadedSource>,
    pub package_jsons: Vec<(PathBuf, String)>,
    pub settings: Settings,
}

/// Corpus size in bytes: `CIO_BENCH_MB` (default 8).
pub fn corpus_bytes() -> usize {
    let mb: f64 = std::env::var("CIO_BENCH_MB")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(8.0);
    (mb * 1024.0 * 1024.0) as usize
}

impl Workload {
    pub fn new(density: Density, bytes: usize) -> Workload {
        let corpus = generate(density, bytes, 0x00C1_0BE7);
        let dir = tempfile::tempdir().expect("temporary directory");
        let root = dir.path().to_path_buf();
        corpus.write_to(&root).expect("write the corpus");
        let discovered = discover(std::slice::from_ref(&root));
        assert_eq!(
            discovered.sources.len(),
            corpus.files.len(),
            "discovery finds every file"
        );
        let sources = corpus
            .files
            .iter()
            .map(|f| {
                let path = root.join(&f.path);
                LoadedSource {
                    lang: Lang::from_path(&path).expect("generated files have JS/TS extensions"),
                    path,
                    text: f.text.clone(),
                }
            })
            .collect();
        let package_jsons = vec![(root.join("package.json"), corpus.package_json.clone())];
        let workload = Workload {
            corpus,
            _dir: dir,
            root,
            discovered,
            sources,
            package_jsons,
            settings: Settings::default(),
        };
        workload.read(); // warm the page cache
        workload
    }

    pub fn bytes(&self) -> usize {
        self.corpus.bytes()
    }

    /// Bare tree-sitter parsing of every file, from memory. Returns the node count so that
    /// nothing is optimised away.
    pub fn parse(&self) -> usize {
        self.sources
            .par_iter()
            .with_max_len(4)
            .map(|f| parse(f.lang, &f.text, None).root_node().descendant_count())
            .sum()
    }

    /// Bare parsing of only the files that touch Customer.io (what the prefilter should let
    /// through): with reading, the work that `check` cannot avoid on a realistic corpus.
    pub fn parse_selected(&self) -> usize {
        self.sources
            .par_iter()
            .zip(&self.corpus.files)
            .with_max_len(4)
            .filter(|(_, generated)| generated.touches_customerio)
            .map(|(f, _)| parse(f.lang, &f.text, None).root_node().descendant_count())
            .sum()
    }

    /// Reading every file into a `String` (UTF-8 validated), from a warm page cache.
    pub fn read(&self) -> usize {
        self.discovered
            .sources
            .par_iter()
            .with_max_len(4)
            .map(|path| std::fs::read_to_string(path).map_or(0, |text| text.len()))
            .sum()
    }

    /// `cio-lsp check DIR` minus the printing: discovery, reading, the prefilter, parsing,
    /// every rule and the workspace rules.
    pub fn check(&self) -> ProjectReport {
        let discovered = discover(std::slice::from_ref(&self.root));
        analyze_project(&self.root, &discovered, &self.settings, &|| {})
    }

    /// The same pipeline from files already in memory (compare with [`Workload::parse`]).
    pub fn check_in_memory(&self) -> ProjectReport {
        analyze_sources(
            &self.root,
            &self.package_jsons,
            &self.sources,
            &self.settings,
        )
    }

    pub fn run(&self, task: Task) -> usize {
        match task {
            Task::Parse => self.parse(),
            Task::ParseSelected => self.parse_selected(),
            Task::Read => self.read(),
            Task::Check => self.check().files_parsed,
            Task::CheckInMemory => self.check_in_memory().files_parsed,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Task {
    Parse,
    ParseSelected,
    Read,
    Check,
    CheckInMemory,
}

impl Task {
    pub const ALL: [Task; 5] = [
        Task::Parse,
        Task::ParseSelected,
        Task::Read,
        Task::Check,
        Task::CheckInMemory,
    ];

    /// Parsing only the Customer.io files of the dense corpus is parsing all of it.
    pub fn applies_to(self, density: Density) -> bool {
        !(self == Task::ParseSelected && density == Density::Dense)
    }

    pub fn name(self) -> &'static str {
        match self {
            Task::Parse => "parse",
            Task::ParseSelected => "parse-cio",
            Task::Read => "read",
            Task::Check => "check",
            Task::CheckInMemory => "check-mem",
        }
    }
}

pub fn pool(threads: usize) -> rayon::ThreadPool {
    rayon::ThreadPoolBuilder::new()
        .num_threads(threads)
        .build()
        .expect("rayon pool")
}

/// CPU time of the whole process (all threads, user + system). On a machine shared with other
/// jobs, wall time includes time spent descheduled; CPU time does not.
pub fn process_cpu_time() -> Duration {
    let mut ts = libc::timespec {
        tv_sec: 0,
        tv_nsec: 0,
    };
    // SAFETY: `ts` is a valid, writable timespec and the clock id is a constant.
    let rc = unsafe { libc::clock_gettime(libc::CLOCK_PROCESS_CPUTIME_ID, &mut ts) };
    assert_eq!(rc, 0, "clock_gettime(CLOCK_PROCESS_CPUTIME_ID)");
    Duration::new(ts.tv_sec as u64, ts.tv_nsec as u32)
}

/// One timed run: wall-clock and CPU time.
#[derive(Debug, Clone, Copy)]
pub struct Sample {
    pub wall: Duration,
    pub cpu: Duration,
}

/// Runs `task` once in `pool` and times it.
pub fn time_once(workload: &Workload, pool: &rayon::ThreadPool, task: Task) -> Sample {
    let cpu = process_cpu_time();
    let start = Instant::now();
    std::hint::black_box(pool.install(|| workload.run(task)));
    Sample {
        wall: start.elapsed(),
        cpu: process_cpu_time() - cpu,
    }
}

/// Samples per (corpus, threads, task), for the summary table.
#[derive(Default)]
pub struct Results {
    /// (density, threads, task) → samples.
    pub samples: BTreeMap<(&'static str, usize, Task), Vec<Sample>>,
    /// density → (bytes, files, Customer.io files).
    pub corpora: BTreeMap<&'static str, (usize, usize, usize)>,
}

impl Results {
    pub fn add_corpus(&mut self, workload: &Workload) {
        self.corpora.insert(
            workload.corpus.density.name(),
            (
                workload.bytes(),
                workload.corpus.files.len(),
                workload.corpus.customerio_files(),
            ),
        );
    }

    pub fn record(&mut self, density: Density, threads: usize, task: Task, sample: Sample) {
        self.samples
            .entry((density.name(), threads, task))
            .or_default()
            .push(sample);
    }

    /// The best (smallest) wall and CPU time: interference from other jobs only ever adds time.
    fn best(&self, density: &str, threads: usize, task: Task) -> Option<Sample> {
        let samples = self.samples.get(&(density, threads, task))?;
        Some(Sample {
            wall: samples.iter().map(|s| s.wall).min()?,
            cpu: samples.iter().map(|s| s.cpu).min()?,
        })
    }

    /// The summary: MB/s per workload and the ratios against their targets.
    pub fn table(&self) -> String {
        use std::fmt::Write as _;
        let mut out = String::new();
        let mb = |bytes: usize| bytes as f64 / (1024.0 * 1024.0);
        let _ = writeln!(out, "\ncheck benchmark (best run of each workload)");
        for (density, (bytes, files, cio)) in &self.corpora {
            let _ = writeln!(
                out,
                "  {density:<9} corpus: {:.2} MB in {files} files, {cio} touch Customer.io",
                mb(*bytes)
            );
        }
        let _ = writeln!(
            out,
            "\n  MB/s of the whole corpus, wall clock [CPU time: process CPU / threads]"
        );
        let _ = write!(out, "  {:<10} {:>3} ", "corpus", "thr");
        for task in Task::ALL {
            let _ = write!(out, " {:>17}", task.name());
        }
        out.push('\n');
        let mut threads: Vec<usize> = self.samples.keys().map(|k| k.1).collect();
        threads.sort();
        threads.dedup();
        for (density, (bytes, _, _)) in &self.corpora {
            for &thr in &threads {
                let _ = write!(out, "  {density:<10} {thr:>3} ");
                for task in Task::ALL {
                    let cell = self.best(density, thr, task).map_or("-".into(), |s| {
                        format!(
                            "{:.1} [{:.1}]",
                            mb(*bytes) / s.wall.as_secs_f64(),
                            mb(*bytes) / (s.cpu.as_secs_f64() / thr as f64)
                        )
                    });
                    let _ = write!(out, " {cell:>17}");
                }
                out.push('\n');
            }
        }
        let _ = writeln!(out, "\n  ratios, wall clock [CPU time]");
        let verdict = |ok: bool| if ok { "met" } else { "MISSED" };
        for &thr in &threads {
            let time = |density: &str, task: Task| self.best(density, thr, task);
            let ratio = |a: Sample, b: Sample| {
                (
                    a.wall.as_secs_f64() / b.wall.as_secs_f64(),
                    a.cpu.as_secs_f64() / b.cpu.as_secs_f64(),
                )
            };
            // Throughput ratio = parse time / check time.
            if let (Some(parse), Some(check)) = (
                time("dense", Task::Parse),
                time("dense", Task::CheckInMemory),
            ) {
                let (wall, cpu) = ratio(parse, check);
                let _ = writeln!(
                    out,
                    "  {thr} thr  dense      check-mem vs parse throughput: {wall:.2}x [{cpu:.2}x]  target >= 0.8x: {} [{}]",
                    verdict(wall >= 0.8),
                    verdict(cpu >= 0.8)
                );
            }
            if let (Some(parse), Some(check)) =
                (time("dense", Task::Parse), time("dense", Task::Check))
            {
                let (wall, cpu) = ratio(parse, check);
                let _ = writeln!(
                    out,
                    "  {thr} thr  dense      check (from disk) vs parse throughput: {wall:.2}x [{cpu:.2}x]"
                );
            }
            if let (Some(check), Some(read)) = (
                time("realistic", Task::Check),
                time("realistic", Task::Read),
            ) {
                let (wall, cpu) = ratio(check, read);
                let _ = writeln!(
                    out,
                    "  {thr} thr  realistic  check time vs read time: {wall:.2}x [{cpu:.2}x]  target <= 2x: {} [{}]",
                    verdict(wall <= 2.0),
                    verdict(cpu <= 2.0)
                );
            }
            if let (Some(check), Some(read), Some(parse)) = (
                time("realistic", Task::Check),
                time("realistic", Task::Read),
                time("realistic", Task::ParseSelected),
            ) {
                let floor = Sample {
                    wall: read.wall + parse.wall,
                    cpu: read.cpu + parse.cpu,
                };
                let (wall, cpu) = ratio(check, floor);
                let _ = writeln!(
                    out,
                    "  {thr} thr  realistic  check time vs (read + parse-cio) time: {wall:.2}x [{cpu:.2}x]"
                );
            }
        }
        out
    }
}

/// The directory a workload wrote its corpus to (for ad-hoc profiling runs).
pub fn describe(workload: &Workload) -> String {
    format!(
        "{}: {} files, {:.2} MB at {}",
        workload.corpus.density.name(),
        workload.corpus.files.len(),
        workload.bytes() as f64 / (1024.0 * 1024.0),
        Path::new(&workload.root).display()
    )
}
