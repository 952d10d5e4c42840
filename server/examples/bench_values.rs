//! Scale of the string-value service: `check`'s analysis of one generated file whose
//! Customer.io positions (a credential, a person id) are fed by the worst shapes for value
//! resolution, at growing sizes. Linear means the time per MB stays flat as the file doubles.
//!
//! `cargo run --release --example bench_values` (`CIO_BENCH_RUNS`, default 5: best of).
//!
//! Shapes (each file is one shape, grown to the size):
//! - `nested`: one constant of templates nested in ternaries (`c0 ? \`${c1 ? \`…\` : "b"}\` : "a"`),
//!   thousands deep, passed as the Site ID;
//! - `chain`: one `+` chain of thousands of distinct module constants passed as a key (every
//!   name looked up in the same huge statement: the search budget keeps this linear);
//! - `constants`: thousands of constants each built from the previous one through a template
//!   and a transform, the last one used as the person id of an identify;
//! - `exports`: thousands of exported constants and exported normalisers, and one function
//!   declared again and again (generated code): the workspace facts of a file match each
//!   export with its declaration once, not once per statement.

use std::path::Path;
use std::time::{Duration, Instant};

use cio_lsp::analysis::{analyze, parse, Lang, NoWorkspaceView, Settings, SourceFile};

/// Makes a file of about the given size in bytes.
type Generator = fn(usize) -> String;

const HEADER: &str = "import { TrackClient } from \"customerio-node\";\n";

fn nested(bytes: usize) -> String {
    // Each level adds about 40 bytes; the innermost level closes them all.
    let levels = bytes / 40;
    let mut out = String::with_capacity(bytes + 64);
    out.push_str(HEADER);
    out.push_str("const SITE_ID = ");
    for i in 0..levels {
        out.push_str(&format!("c{i} ? `x${{"));
    }
    out.push_str("\"site\"");
    for i in 0..levels {
        out.push_str(&format!("}}y{i}` : \"v{i}\""));
    }
    out.push_str(";\nexport const cio = new TrackClient(SITE_ID, process.env.KEY!);\n");
    out
}

fn chain(bytes: usize) -> String {
    let names = bytes / 40;
    let mut out = String::with_capacity(bytes + 64);
    out.push_str(HEADER);
    for i in 0..names {
        out.push_str(&format!("const part{i} = \"p{i}\";\n"));
    }
    out.push_str("const KEY = part0");
    for i in 1..names {
        out.push_str(&format!(" + part{i}"));
    }
    out.push_str(";\nexport const cio = new TrackClient(process.env.SITE!, KEY);\n");
    out
}

fn constants(bytes: usize) -> String {
    let names = bytes / 60;
    let mut out = String::with_capacity(bytes + 128);
    out.push_str(HEADER);
    out.push_str("const cio = new TrackClient(process.env.SITE!, process.env.KEY!);\n");
    out.push_str(
        "export async function run(user: { email: string }) {\n  const v0 = user.email;\n",
    );
    for i in 1..names {
        out.push_str(&format!("  const v{i} = `${{v{}}}`.trim();\n", i - 1));
    }
    out.push_str(&format!(
        "  await cio.identify(v{}, {{ plan: \"free\" }});\n}}\n",
        names - 1
    ));
    out
}

fn exports(bytes: usize) -> String {
    let names = bytes / 160;
    let mut out = String::with_capacity(bytes + 128);
    out.push_str(HEADER);
    for i in 0..names {
        out.push_str(&format!(
            "export const value{i} = \"v{i}\";\nexport function normalize{i}(e: string) {{ return e.trim(); }}\nexport function pad(a: string) {{ return a; }}\n"
        ));
    }
    out.push_str("export const cio = new TrackClient(process.env.SITE!, value0);\n");
    out
}

fn best_of(runs: usize, text: &str) -> Duration {
    let path = Path::new("bench.ts");
    let tree = parse(Lang::TypeScript, text, None);
    let file = SourceFile {
        path,
        lang: Lang::TypeScript,
        text,
        tree: &tree,
    };
    let settings = Settings::default();
    (0..=runs)
        .map(|_| {
            let start = Instant::now();
            let analysis = analyze(&file, &settings, &NoWorkspaceView);
            std::hint::black_box(analysis);
            start.elapsed()
        })
        .skip(1) // warm-up
        .min()
        .unwrap_or_default()
}

fn main() {
    // As `cio-lsp check` does (see `allocator`).
    // SAFETY: first thing in the process, before any tree-sitter object exists.
    unsafe { cio_lsp::allocator::install_for_tree_sitter() };
    let runs: usize = std::env::var("CIO_BENCH_RUNS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(5);
    let shapes: [(&str, Generator); 4] = [
        ("nested", nested),
        ("chain", chain),
        ("constants", constants),
        ("exports", exports),
    ];
    println!("| shape | size | analysis | ms per MB | × per doubling |");
    println!("|---|---|---|---|---|");
    for (name, generate) in shapes {
        let mut previous: Option<Duration> = None;
        for kib in [256usize, 512, 1024, 2048] {
            let text = generate(kib * 1024);
            let time = best_of(runs, &text);
            let per_mb = time.as_secs_f64() * 1000.0 / (text.len() as f64 / (1024.0 * 1024.0));
            let growth = previous.map_or("".to_string(), |p| {
                format!("{:.2}", time.as_secs_f64() / p.as_secs_f64().max(1e-9))
            });
            println!(
                "| {name} | {} KiB | {:.1} ms | {per_mb:.1} | {growth} |",
                text.len() / 1024,
                time.as_secs_f64() * 1000.0
            );
            previous = Some(time);
        }
    }
}
