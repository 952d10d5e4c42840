//! Worst-case inputs that real repositories contain (issue 17): long concatenated event names,
//! files of thousands of top-level calls, `.then` chains, a client per request, suppression
//! comments by the hundred thousand, workspaces full of region sites or event-name spellings,
//! tens of thousands of small files, minified bundles, deep nesting, a document typed into.
//!
//! Each generator takes a size (terms, statements, files or bytes, see [`Row::unit`]) and
//! returns a project deterministically, so that the scale bench and the CI smoke test
//! (`tests/scale_smoke.rs`, through `#[path]`) see the same inputs. Only std.

use std::fmt::Write as _;
use std::path::Path;

/// A generated project: files by path relative to its root (a `package.json` included).
#[derive(Debug, Clone, Default)]
pub struct Input {
    pub files: Vec<(String, String)>,
}

impl Input {
    /// Source bytes (the `package.json` left out).
    pub fn source_bytes(&self) -> usize {
        self.sources().map(|(_, text)| text.len()).sum()
    }

    /// The size of the largest source file.
    pub fn largest_file(&self) -> usize {
        self.sources()
            .map(|(_, text)| text.len())
            .max()
            .unwrap_or(0)
    }

    pub fn source_files(&self) -> usize {
        self.sources().count()
    }

    fn sources(&self) -> impl Iterator<Item = &(String, String)> {
        self.files.iter().filter(|(path, _)| path != "package.json")
    }

    /// The first source file: the one a server row opens.
    pub fn main_file(&self) -> &(String, String) {
        self.sources()
            .next()
            .expect("every input has a source file")
    }

    pub fn write_to(&self, root: &Path) -> std::io::Result<()> {
        for (path, text) in &self.files {
            let path = root.join(path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, text)?;
        }
        Ok(())
    }

    fn with_package_json(mut self) -> Input {
        self.files
            .push(("package.json".to_string(), PACKAGE_JSON.to_string()));
        self
    }
}

/// How a row's input is run.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Drive {
    /// `cio-lsp check <root> --format <format>`.
    Check(&'static str),
    /// The language server: `didOpen` of the main file → its `publishDiagnostics`.
    ServerOpen,
    /// The language server: `didOpen`, its diagnostics, then `edits` one-character edits sent
    /// back to back → the diagnostics of the last version.
    ServerTyping { edits: usize },
    /// The language server: `didOpen`, its diagnostics, then `requests` hovers and as many
    /// code-action requests at the document's client calls, one at a time; the time is the
    /// 99th percentile of their latencies.
    ServerHover { requests: usize },
}

impl Drive {
    pub fn describe(self) -> String {
        match self {
            Drive::Check(format) => format!("check --format {format}"),
            Drive::ServerOpen => "server: didOpen → diagnostics".to_string(),
            Drive::ServerTyping { edits } => {
                format!("server: {edits} quick edits → final diagnostics")
            }
            Drive::ServerHover { requests } => {
                format!("server: p99 of {requests} hovers + {requests} code actions")
            }
        }
    }
}

/// One row of the scale table: a generator, its three sizes and how it is run.
#[derive(Clone, Copy)]
pub struct Row {
    pub name: &'static str,
    /// What the input is, for the table.
    pub what: &'static str,
    /// What a size counts: `terms`, `statements`, `files`, `KB`, …
    pub unit: &'static str,
    pub sizes: [usize; 3],
    pub generate: fn(usize) -> Input,
    pub drive: Drive,
}

/// Every row, in the order of the issue's table, then the other shapes the issue names.
#[rustfmt::skip] // one row per line reads as the table it makes
pub fn rows() -> Vec<Row> {
    const KB: &str = "KB";
    vec![
        row("concatenation", "event name `\"a\" + x + \"b\" + …`, one term per line", "terms", [1_000, 2_000, 4_000], concatenated_name, Drive::Check("json")),
        row("top-level-calls", "top-level `cio.track(…)` statements, one file", "statements", [2_500, 5_000, 10_000], top_level_calls, Drive::Check("json")),
        row("top-level-calls-server", "the same, opened in the server", "statements", [2_500, 5_000, 10_000], top_level_calls, Drive::ServerOpen),
        row("then-chains", "one statement per line, `.then(…)` 8 deep", KB, [256, 512, 1_024], then_chains, Drive::Check("json")),
        row("client-per-request", "a client made in every request handler (CIO009)", KB, [256, 512, 1_024], client_per_request, Drive::Check("json")),
        // `check` skips files over 2 MiB: its sizes stay below.
        row("suppressions", "`// cio-lsp-disable-next-line` comments", "comments", [7_500, 15_000, 30_000], suppressions, Drive::Check("json")),
        row("suppressions-server", "the same, opened in the server", "comments", [25_000, 50_000, 100_000], suppressions, Drive::ServerOpen),
        row("region-sites", "CIO016: region sites in one workspace, 10 per file", "sites", [500, 1_000, 2_000], region_sites, Drive::Check("json")),
        row("small-files-human", "small Customer.io files, human output", "files", [12_500, 25_000, 50_000], small_files, Drive::Check("human")),
        row("small-files-json", "the same, JSON output", "files", [12_500, 25_000, 50_000], small_files, Drive::Check("json")),
        row("small-files-sarif", "the same, SARIF output", "files", [12_500, 25_000, 50_000], small_files, Drive::Check("sarif")),
        row("typing", "a dense document, 50 one-character edits back to back", KB, [256, 512, 1_024], dense_document, Drive::ServerTyping { edits: 50 }),
        row("cold-start", "small Customer.io files, one `check` each run", "files", [1, 10, 100], small_files, Drive::Check("human")),
        row("same-named-helpers", "files exporting same-named async functions that await a client", KB, [512, 1_024, 2_048], same_named_helpers, Drive::Check("json")),
        row("track-before-identify", "one block of `track` calls, then `identify`", "statements", [2_500, 5_000, 10_000], track_before_identify, Drive::Check("json")),
        row("deep-nesting", "nested blocks, a client call at every level", "levels", [1_000, 2_000, 4_000], deep_nesting, Drive::Check("json")),
        row("spellings", "CIO010: one event name in many spellings across a workspace", "uses", [1_000, 2_000, 4_000], spellings, Drive::Check("json")),
        // `check` skips minified files; an editor opens them.
        row("minified", "a minified bundle on one line, opened in the server", KB, [256, 512, 1_024], minified, Drive::ServerOpen),
        row("hover", "hover and code actions in a dense document", KB, [1_280, 2_560, 5_120], dense_document, Drive::ServerHover { requests: 100 }),
    ]
}

fn row(
    name: &'static str,
    what: &'static str,
    unit: &'static str,
    sizes: [usize; 3],
    generate: fn(usize) -> Input,
    drive: Drive,
) -> Row {
    Row {
        name,
        what,
        unit,
        sizes,
        generate,
        drive,
    }
}

const PACKAGE_JSON: &str = r#"{
  "name": "scale",
  "private": true,
  "dependencies": { "customerio-node": "^4.1.0", "express": "^4.19.2" }
}
"#;

const CLIENT: &str = "import { TrackClient, RegionUS, RegionEU } from \"customerio-node\";\n\
    const cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!, { region: RegionUS });\n\n";

fn one_file(path: &str, text: String) -> Input {
    Input {
        files: vec![(path.to_string(), text)],
    }
    .with_package_json()
}

/// Repeats `line(i)` until the text reaches `kilobytes` KB.
fn fill(mut text: String, kilobytes: usize, line: impl Fn(usize) -> String) -> String {
    let target = kilobytes * 1024;
    let mut i = 0;
    while text.len() < target {
        text.push_str(&line(i));
        i += 1;
    }
    text
}

/// `cio.track(user.id, { name: "a0" + x + "a1" + x + … })` with `terms` operands.
fn concatenated_name(terms: usize) -> Input {
    let mut name = String::new();
    for i in 0..terms {
        if i > 0 {
            name.push_str(" +\n    ");
        }
        if i % 2 == 0 {
            let _ = write!(name, "\"a{i}_\"");
        } else {
            name.push_str("user.plan");
        }
    }
    let text = format!(
        "{CLIENT}export function onUpgrade(user: {{ id: string; plan: string }}) {{\n  \
         cio.track(user.id, {{ name: {name}, data: {{ plan: user.plan }} }});\n}}\n"
    );
    one_file("src/upgrade.ts", text)
}

fn top_level_calls(statements: usize) -> Input {
    let mut text = CLIENT.to_string();
    for i in 0..statements {
        let _ = writeln!(
            text,
            "cio.track(\"user-{i}\", {{ name: \"event_{}\", data: {{ step: {i} }} }});",
            i % 50
        );
    }
    one_file("src/seed.ts", text)
}

fn then_chains(kilobytes: usize) -> Input {
    let text = fill(CLIENT.to_string(), kilobytes, |i| {
        let mut line = format!("cio.track(\"user-{i}\", {{ name: \"step_done\" }})");
        for depth in 0..8 {
            let _ = write!(line, ".then(() => log({i}, {depth}))");
        }
        line.push_str(";\n");
        line
    });
    one_file("src/chains.ts", text)
}

fn client_per_request(kilobytes: usize) -> Input {
    let header = format!("import express from \"express\";\n{CLIENT}const app = express();\n\n");
    let text = fill(header, kilobytes, |i| {
        format!(
            "app.post(\"/signup/{i}\", async (req, res) => {{\n  \
             const client = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!);\n  \
             await client.identify(req.body.id, {{ email: req.body.email }});\n  \
             res.end();\n}});\n\n"
        )
    });
    one_file("src/routes.ts", text)
}

/// Each comment suppresses CIO006 on a template-literal event name below it (~70 bytes a
/// pair, as in the issue's 7 MB for 100,000).
fn suppressions(comments: usize) -> Input {
    let mut text = CLIENT.to_string();
    for i in 0..comments {
        let _ = writeln!(
            text,
            "// cio-lsp-disable-next-line CIO006\ncio.track(id, {{ name: `s{}${{k}}` }});",
            i % 1000
        );
    }
    one_file("src/legacy.ts", text)
}

/// `sites` client constructions, 10 per file, alternating US and EU regions.
fn region_sites(sites: usize) -> Input {
    let mut files = Vec::new();
    for file in 0..sites.div_ceil(10) {
        let mut text =
            "import { TrackClient, APIClient, RegionUS, RegionEU } from \"customerio-node\";\n\n"
                .to_string();
        for site in 0..10.min(sites - file * 10) {
            let region = if (file * 10 + site) % 2 == 0 {
                "RegionUS"
            } else {
                "RegionEU"
            };
            let _ = writeln!(
                text,
                "export const client{site} = new TrackClient(process.env.SITE_ID!, process.env.KEY!, {{ region: {region} }});"
            );
        }
        files.push((format!("src/clients/c{file}.ts"), text));
    }
    Input { files }.with_package_json()
}

/// Small files that each make a client and call it with a finding or two.
fn small_files(count: usize) -> Input {
    let files = (0..count)
        .map(|i| {
            let text = format!(
                "{CLIENT}export async function onEvent{i}(user: {{ id: string; email: string }}) {{\n  \
                 await cio.identify(user.id, {{ email: user.email, created_at: Date.now() }});\n  \
                 await cio.track(user.id, {{ name: \"Order Placed {}\" }});\n}}\n",
                i % 7
            );
            (format!("src/f{}/m{i}.ts", i / 500), text)
        })
        .collect();
    Input { files }.with_package_json()
}

/// The keystroke benchmark's kind of document: every function calls the client.
fn dense_document(kilobytes: usize) -> Input {
    let text = fill(CLIENT.to_string(), kilobytes, |i| {
        format!(
            "export async function onSignup{i}(user: User) {{\n  \
             await cio.identify(user.id, {{ email: user.email, created_at: Date.now() }});\n  \
             await cio.track(user.id, {{ name: \"signed_up\", data: {{ plan: user.plan }} }});\n  \
             const total = user.orders.length + {i};\n  \
             if (user.invited) {{\n    \
             await cio.track(user.id, {{ name: \"invite_accepted\", data: {{ by: user.inviter }} }});\n  \
             }}\n  \
             return total;\n}}\n\n"
        )
    });
    one_file("src/dense.ts", text)
}

/// Files of 32 KB that each export `notify`, an async function awaiting the shared client,
/// declared again and again (JavaScript allows it), and a request handler awaiting the `notify`
/// of the file before.
fn same_named_helpers(kilobytes: usize) -> Input {
    let client = "import { TrackClient } from \"customerio-node\";\n\
        export const cio = new TrackClient(process.env.SITE_ID, process.env.KEY);\n";
    let mut files = vec![("src/lib/customerio.js".to_string(), client.to_string())];
    let mut bytes = client.len();
    let mut i = 0;
    while bytes < kilobytes * 1024 {
        let (import, callee) = match i {
            0 => (String::new(), "notify"),
            _ => (
                format!(
                    "import {{ notify as notifyBefore }} from \"./h{}\";\n",
                    i - 1
                ),
                "notifyBefore",
            ),
        };
        let header = format!(
            "import express from \"express\";\nimport {{ cio }} from \"../lib/customerio\";\n{import}\
             const router = express.Router();\n\n\
             router.post(\"/h{i}\", async (req, res) => {{\n  await {callee}(req.body.id);\n  res.end();\n}});\n\n"
        );
        let text = fill(header, 32, |j| {
            format!(
                "export async function notify(id) {{\n  await cio.track(id, {{ name: \"notified\", data: {{ from: {j} }} }});\n}}\n\n"
            )
        });
        bytes += text.len();
        files.push((format!("src/helpers/h{i}.js"), text));
        i += 1;
    }
    Input { files }.with_package_json()
}

fn track_before_identify(statements: usize) -> Input {
    let mut text = format!(
        "{CLIENT}export async function onboard(user: {{ id: string; email: string }}) {{\n"
    );
    for i in 0..statements {
        let _ = writeln!(text, "  cio.track(user.id, {{ name: \"step_{i}\" }});");
    }
    text.push_str("  cio.identify(user.id, { email: user.email });\n}\n");
    one_file("src/onboard.ts", text)
}

fn deep_nesting(levels: usize) -> Input {
    let mut text =
        format!("{CLIENT}export function deep(user: {{ id: string }}, flags: boolean[]) {{\n");
    for i in 0..levels {
        let _ = writeln!(
            text,
            "if (flags[{i}]) {{ cio.track(user.id, {{ name: \"level_{i}\" }});"
        );
    }
    text.push_str(&"}".repeat(levels));
    text.push_str("\n}\n");
    one_file("src/deep.ts", text)
}

/// `uses` literal event names spelling one name in as many ways as there are uses (the case of
/// each letter varies), 20 per file.
fn spellings(uses: usize) -> Input {
    const NAME: &str = "orderplacedbyacustomer";
    let mut files = Vec::new();
    for file in 0..uses.div_ceil(20) {
        let mut text = CLIENT.to_string();
        for j in 0..20.min(uses - file * 20) {
            let n = file * 20 + j;
            let spelled: String = NAME
                .chars()
                .enumerate()
                .map(|(bit, c)| {
                    if n >> bit & 1 == 1 {
                        c.to_ascii_uppercase()
                    } else {
                        c
                    }
                })
                .collect();
            let _ = writeln!(text, "cio.track(\"user-{n}\", {{ name: \"{spelled}\" }});");
        }
        files.push((format!("src/events/e{file}.ts"), text));
    }
    Input { files }.with_package_json()
}

fn minified(kilobytes: usize) -> Input {
    let header = "import{TrackClient as T}from\"customerio-node\";const c=new T(process.env.S,process.env.K);".to_string();
    let mut text = fill(header, kilobytes, |i| {
        format!(
            "function f{i}(u){{c.identify(u.id,{{email:u.email,created_at:Date.now()}});\
             c.track(u.id,{{name:\"v_\"+u.kind,data:{{i:{i}}}}}).then(function(r){{return r}})}}"
        )
    });
    text.push('\n');
    one_file("dist/bundle.js", text)
}
