//! A fuzz target for the user-rule loader (issue 24): random and mutated `NAME.scm` /
//! `NAME.toml` pairs (and `cio-lsp.toml` files naming their directory) are loaded, compiled and
//! run over a Customer.io file with a short query budget. Nothing a rule directory holds may
//! panic, overflow a stack or hang: a panic fails the test with the seed that reproduces it,
//! an abort kills the process (the inputs of the last iteration are left in the directory
//! printed at the start).
//!
//! By default a few hundred inputs (seconds). A long run:
//! `CIO_FUZZ_SECONDS=600 cargo test --release --test fuzz_user_rules -- --nocapture`;
//! `CIO_FUZZ_SEED=n` repeats a run.

use std::panic::{catch_unwind, AssertUnwindSafe};
use std::path::{Path, PathBuf};
use std::sync::Arc;
use std::time::{Duration, Instant};

use cio_lsp::analysis::config;
use cio_lsp::analysis::user_rules::UserRules;
use cio_lsp::analysis::{analyze, parse, Lang, NoWorkspaceView, Settings, SourceFile};

#[path = "support/user_rule.rs"]
mod user_rule;

const SOURCE: &str = "import { TrackClient } from \"customerio-node\";\nconst cio = new TrackClient(process.env.SITE!, process.env.KEY!);\nexport async function forget(id: string) {\n  await cio.destroy(id);\n  cio.track(id, `signed_${id}`, { at: Date.now() });\n  for (const x of [1, 2, 3]) { if (x) { cio.identify(id, { email: id }); } }\n}\n";

/// Pieces of query syntax the mutations insert.
const QUERY_TOKENS: &[&str] = &[
    "(",
    ")",
    "[",
    "]",
    "_",
    "(_)",
    "@x",
    "@report",
    "*",
    "+",
    "?",
    ".",
    "!",
    "\"",
    ";",
    "\n",
    " ",
    "(identifier)",
    "(call_expression)",
    "function:",
    "arguments:",
    "#eq?",
    "#match?",
    "#any-of?",
    "#not-eq?",
    "#cio-client?",
    "#cio-call?",
    "#cio-new?",
    "#cio-helper?",
    "(_)*",
    "(_)+",
    "\"track\"",
    "\\",
    "😀",
    "\0",
    "(#eq? @x \"a\")",
    "(program",
    "(ERROR)",
    "(MISSING)",
    "/",
    "field:",
    "(string (string_fragment) @s)",
];

/// Pieces of TOML syntax the mutations insert.
const META_TOKENS: &[&str] = &[
    "[",
    "]",
    "{",
    "}",
    "=",
    "\"",
    "'",
    "'''",
    "\"\"\"",
    "#",
    "\n",
    ",",
    "id = \"X1\"\n",
    "languages = [\"tsx\"]\n",
    "languages = []\n",
    "report = \"x\"\n",
    "fix = \"{{x}}\"\n",
    "{{",
    "}}",
    "{{report}}",
    "severity = \"error\"\n",
    "\\u0000",
    "1e400",
    "😀",
    "\0",
];

/// xorshift64*: reproducible from its seed, no dependency.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 ^= self.0 >> 12;
        self.0 ^= self.0 << 25;
        self.0 ^= self.0 >> 27;
        self.0.wrapping_mul(0x2545_F491_4F6C_DD1D)
    }

    fn below(&mut self, n: usize) -> usize {
        (self.next() % n.max(1) as u64) as usize
    }

    fn pick<'a>(&mut self, items: &[&'a str]) -> &'a str {
        items[self.below(items.len())]
    }
}

/// `seed` changed by a few random edits: tokens inserted, ranges deleted or repeated, bytes
/// replaced, the whole wrapped in deep nesting, or cut short.
fn mutate(rng: &mut Rng, seed: &[u8], tokens: &[&str]) -> Vec<u8> {
    let mut bytes = seed.to_vec();
    for _ in 0..1 + rng.below(8) {
        let at = rng.below(bytes.len() + 1);
        match rng.below(7) {
            0 | 1 => {
                let token = rng.pick(tokens).as_bytes().to_vec();
                bytes.splice(at..at, token);
            }
            2 => {
                let end = (at + rng.below(16)).min(bytes.len());
                bytes.drain(at..end);
            }
            3 => {
                let end = (at + 1 + rng.below(12)).min(bytes.len());
                let piece = bytes[at.min(end)..end].to_vec();
                for _ in 0..rng.below(200) {
                    bytes.splice(at..at, piece.iter().copied());
                }
            }
            4 => {
                if let Some(byte) = bytes.get_mut(at) {
                    *byte = rng.next() as u8;
                }
            }
            5 => {
                // Mostly within the nesting limit, sometimes far past it (a stack's worth).
                let depth = if rng.below(4) == 0 {
                    rng.below(20_000)
                } else {
                    rng.below(120)
                };
                let open = rng.pick(&["(_ ", "[", "{", "(program "]).repeat(depth);
                bytes.splice(0..0, open.into_bytes());
            }
            _ => bytes.truncate(at),
        }
    }
    bytes
}

/// A text of random tokens.
fn random(rng: &mut Rng, tokens: &[&str]) -> Vec<u8> {
    (0..rng.below(60))
        .flat_map(|_| rng.pick(tokens).bytes())
        .collect()
}

fn query_seeds() -> Vec<Vec<u8>> {
    let queries = Path::new(env!("CARGO_MANIFEST_DIR")).join("../queries");
    let mut seeds: Vec<Vec<u8>> = std::fs::read_dir(queries)
        .unwrap()
        .filter_map(Result::ok)
        .map(|entry| entry.path())
        .filter(|path| path.extension().is_some_and(|e| e == "scm"))
        .map(|path| std::fs::read(path).unwrap())
        .collect();
    seeds.push(user_rule::DESTROY_QUERY.as_bytes().to_vec());
    seeds.push(b"((program (_)* @a (_)* @b (_)* @c (_)* @d) @report)\n".to_vec());
    seeds
}

/// One input: one to three rules, a configuration naming their directory, loaded and run.
fn one_input(rng: &mut Rng, dir: &Path, query_seeds: &[Vec<u8>]) {
    let rules = dir.join("rules");
    let _ = std::fs::remove_dir_all(&rules);
    std::fs::create_dir_all(&rules).unwrap();
    for n in 0..1 + rng.below(3) {
        let query = match rng.below(4) {
            0 => random(rng, QUERY_TOKENS),
            _ => {
                let seed = &query_seeds[rng.below(query_seeds.len())];
                mutate(rng, seed, QUERY_TOKENS)
            }
        };
        let meta_seed = user_rule::DESTROY_META.replace("ACME001", &format!("ACME{n}"));
        let meta = match rng.below(3) {
            0 => meta_seed.into_bytes(),
            _ => mutate(rng, meta_seed.as_bytes(), META_TOKENS),
        };
        std::fs::write(rules.join(format!("r{n}.scm")), query).unwrap();
        std::fs::write(rules.join(format!("r{n}.toml")), meta).unwrap();
    }
    let config_text = mutate(
        rng,
        b"rule_dirs = [\"rules\"]\nquery_budget_ms = 20\n",
        META_TOKENS,
    );
    let _ = config::parse(
        &dir.join(config::FILE_NAME),
        &String::from_utf8_lossy(&config_text),
    );

    let user_rules = UserRules::load(&[rules]);
    let settings = Settings {
        user_rules: Arc::new(user_rules),
        query_budget: Some(Duration::from_millis(20)),
        ..Settings::default()
    };
    let tree = parse(Lang::TypeScript, SOURCE, None);
    let file = SourceFile {
        path: Path::new("src/app.ts"),
        lang: Lang::TypeScript,
        text: SOURCE,
        tree: &tree,
    };
    analyze(&file, &settings, &NoWorkspaceView);
}

#[test]
fn the_user_rule_loader_survives_random_and_mutated_rule_files() {
    let seconds: u64 = std::env::var("CIO_FUZZ_SECONDS")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or(0);
    let seed: u64 = std::env::var("CIO_FUZZ_SEED")
        .ok()
        .and_then(|s| s.parse().ok())
        .unwrap_or_else(|| {
            let now = std::time::SystemTime::now().duration_since(std::time::UNIX_EPOCH);
            now.map_or(1, |d| d.as_nanos() as u64) | 1
        });
    let dir = tempfile::tempdir().unwrap();
    let dir: PathBuf = dir.keep();
    eprintln!(
        "fuzzing the user rule loader: seed {seed}, inputs in {}",
        dir.display()
    );
    let query_seeds = query_seeds();
    let deadline = Instant::now() + Duration::from_secs(seconds);
    let mut inputs = 0u64;
    while inputs < 300 || Instant::now() < deadline {
        let input_seed = seed.wrapping_add(inputs.wrapping_mul(0x9E37_79B9_7F4A_7C15)) | 1;
        let mut rng = Rng(input_seed);
        let outcome = catch_unwind(AssertUnwindSafe(|| one_input(&mut rng, &dir, &query_seeds)));
        assert!(
            outcome.is_ok(),
            "input {inputs} panicked: CIO_FUZZ_SEED={seed} (its files are in {})",
            dir.display()
        );
        inputs += 1;
    }
    eprintln!("{inputs} inputs, 0 crashes");
    let _ = std::fs::remove_dir_all(&dir);
}
