//! A synthetic JS/TS project, generated deterministically from a seed (no network, no files
//! checked in), for the `check` benchmark and the range-selection equivalence test.
//!
//! Files look like an ordinary Node/React code base: Express routes, service classes, React
//! components and utility modules, of varied sizes (a few hundred bytes to ~100 KB). Files that
//! touch Customer.io make clients the ways the catalog lists (ESM and CommonJS imports, class
//! fields, a shared `src/lib/customerio.ts` module, the `_cio` snippet, the CDP node library,
//! the legacy default export) and call them with attributes, timestamps and event names — mostly
//! right, sometimes with a catalog pitfall. Files that don't touch it still use time keys,
//! Segment-style `analytics.track` calls and the like, so the prefilter and range selection
//! have something to reject.
//!
//! Shared by `benches/check.rs`, `examples/bench_check.rs` and `tests/range_selection.rs`
//! (through `#[path]`), so it only depends on std.

#![allow(dead_code)]

pub mod workload;

use std::fmt::Write as _;
use std::path::{Path, PathBuf};

/// How many files touch Customer.io.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Density {
    /// Every file calls the SDK.
    Dense,
    /// About 3% of files touch Customer.io, as in an ordinary product code base.
    Realistic,
}

impl Density {
    pub fn name(self) -> &'static str {
        match self {
            Density::Dense => "dense",
            Density::Realistic => "realistic",
        }
    }

    /// Whether the `index`th generated file touches Customer.io: every file, or exactly one in
    /// 33 (3%) spread evenly, so that the share does not depend on the corpus size or seed.
    fn touches(self, index: usize) -> bool {
        match self {
            Density::Dense => true,
            Density::Realistic => index % 33 == 16,
        }
    }
}

/// One generated file; `path` is relative to the project root.
#[derive(Debug, Clone)]
pub struct CorpusFile {
    pub path: PathBuf,
    pub text: String,
    /// Whether the generator put Customer.io code in it.
    pub touches_customerio: bool,
}

/// A generated project.
#[derive(Debug, Clone)]
pub struct Corpus {
    pub density: Density,
    pub files: Vec<CorpusFile>,
    pub package_json: String,
}

impl Corpus {
    /// Total source bytes (package.json excluded).
    pub fn bytes(&self) -> usize {
        self.files.iter().map(|f| f.text.len()).sum()
    }

    pub fn customerio_files(&self) -> usize {
        self.files.iter().filter(|f| f.touches_customerio).count()
    }

    /// Writes the project under `root` (which must exist).
    pub fn write_to(&self, root: &Path) -> std::io::Result<()> {
        std::fs::write(root.join("package.json"), &self.package_json)?;
        for file in &self.files {
            let path = root.join(&file.path);
            if let Some(parent) = path.parent() {
                std::fs::create_dir_all(parent)?;
            }
            std::fs::write(path, &file.text)?;
        }
        Ok(())
    }
}

/// Generates a project of about `target_bytes` of source.
pub fn generate(density: Density, target_bytes: usize, seed: u64) -> Corpus {
    let mut rng = Rng::new(seed ^ density as u64);
    let mut files = vec![shared_client_module()];
    let mut bytes = files[0].text.len();
    let mut index = 0;
    while bytes < target_bytes {
        let touches = density.touches(index);
        let file = generate_file(&mut rng, index, touches);
        bytes += file.text.len();
        files.push(file);
        index += 1;
    }
    Corpus {
        density,
        files,
        package_json: PACKAGE_JSON.to_string(),
    }
}

const PACKAGE_JSON: &str = r#"{
  "name": "shop",
  "private": true,
  "dependencies": {
    "customerio-node": "^4.1.0",
    "@customerio/cdp-analytics-node": "^0.3.0",
    "express": "^4.19.2",
    "react": "^18.3.1"
  }
}
"#;

/// `src/lib/customerio.ts`: the module most files import their client from.
fn shared_client_module() -> CorpusFile {
    let text = r#"import { APIClient, RegionUS, TrackClient } from "customerio-node";

// One client per process: every request reuses its connections.
export const cio = new TrackClient(
  process.env.CUSTOMERIO_SITE_ID ?? "",
  process.env.CUSTOMERIO_TRACK_API_KEY ?? "",
  { region: RegionUS },
);

export const cioApi = new APIClient(process.env.CUSTOMERIO_APP_API_KEY ?? "", {
  region: RegionUS,
});

export async function suppressBounced(personId: string): Promise<void> {
  await cio.suppress(personId);
}
"#;
    CorpusFile {
        path: PathBuf::from("src/lib/customerio.ts"),
        text: text.to_string(),
        touches_customerio: true,
    }
}

// ---------------------------------------------------------------------------------------------
// Randomness: a small SplitMix64, so the corpus is the same on every machine and version.

pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }

    pub fn next_u64(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number in `0..n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next_u64() % n as u64) as usize
    }

    pub fn range(&mut self, low: usize, high: usize) -> usize {
        low + self.below(high - low + 1)
    }

    pub fn chance(&mut self, p: f64) -> bool {
        (self.next_u64() >> 11) as f64 / (1u64 << 53) as f64 <= p && p > 0.0
    }

    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}

// ---------------------------------------------------------------------------------------------
// Vocabulary.

const ENTITIES: &[&str] = &[
    "order",
    "invoice",
    "user",
    "account",
    "cart",
    "product",
    "subscription",
    "payment",
    "shipment",
    "review",
    "coupon",
    "team",
    "project",
    "ticket",
    "message",
    "refund",
    "address",
    "webhook",
];

const EVENTS: &[&str] = &[
    "order_placed",
    "checkout_started",
    "cart_abandoned",
    "invoice_paid",
    "subscription_renewed",
    "trial_started",
    "password_reset",
    "review_submitted",
    "coupon_redeemed",
    "shipment_delivered",
];

const FIELDS: &[&str] = &[
    "status", "total", "currency", "title", "quantity", "note", "owner", "priority", "channel",
    "source", "region", "locale",
];

fn capitalize(word: impl AsRef<str>) -> String {
    let word = word.as_ref();
    let mut chars = word.chars();
    chars
        .next()
        .map(|c| c.to_ascii_uppercase().to_string() + chars.as_str())
        .unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq, Eq)]
enum Kind {
    Route,
    Service,
    Component,
    Util,
}

/// How a file that touches Customer.io gets its client, and what the calls look like.
#[derive(Clone, Copy, PartialEq, Eq)]
enum Client {
    /// `import { cio } from "../../lib/customerio"` (or `require`).
    Shared,
    /// `import { TrackClient } from "customerio-node"` and a module-level client.
    NodeEsm,
    /// `const { TrackClient } = require("customerio-node")`.
    NodeRequire,
    /// `private cio = new TrackClient(...)`, calls on `this.cio`.
    ClassField,
    /// v1–v2 `const CIO = require("customerio-node"); new CIO(site, key)`.
    Legacy,
    /// `@customerio/cdp-analytics-node`.
    CdpNode,
    /// The browser snippet's `_cio` / `window._cio`.
    Snippet,
}

struct FileGen<'r> {
    rng: &'r mut Rng,
    ts: bool,
    out: String,
    /// The receiver of Customer.io calls (`cio`, `this.cio`, `analytics`, `_cio`), when any.
    client: Option<(Client, String)>,
    entity: &'static str,
}

fn generate_file(rng: &mut Rng, index: usize, touches: bool) -> CorpusFile {
    let kind = *rng.pick(&[
        Kind::Route,
        Kind::Route,
        Kind::Service,
        Kind::Service,
        Kind::Service,
        Kind::Component,
        Kind::Component,
        Kind::Util,
        Kind::Util,
    ]);
    let entity = *rng.pick(ENTITIES);
    let (dir, ext) = match kind {
        Kind::Route => ("routes", *rng.pick(&["ts", "ts", "js", "mjs"])),
        Kind::Service => ("services", *rng.pick(&["ts", "ts", "ts", "js", "cjs"])),
        Kind::Component => ("components", *rng.pick(&["tsx", "tsx", "jsx"])),
        Kind::Util => ("utils", *rng.pick(&["ts", "js"])),
    };
    let ts = matches!(ext, "ts" | "tsx");
    let path = PathBuf::from(format!(
        "src/{dir}/g{:02}/{entity}_{index}.{ext}",
        index / 40
    ));
    // Size: most files are small, some medium, a few large (a long tail, like real code).
    let blocks = match rng.below(20) {
        0..=9 => rng.range(1, 4),
        10..=17 => rng.range(5, 16),
        _ => rng.range(25, 70),
    };
    let mut gen = FileGen {
        rng,
        ts,
        out: String::new(),
        client: None,
        entity,
    };
    let commonjs = ext == "cjs" || (ext == "js" && gen.rng.chance(0.4));
    gen.header(kind, commonjs);
    if touches {
        let client = gen.choose_client(kind);
        gen.client_setup(client, commonjs);
    }
    let mut called = false;
    for block in 0..blocks {
        // Dense files call the SDK in about a third of their functions, at least once.
        let call =
            gen.client.is_some() && (gen.rng.chance(0.33) || (!called && block + 1 == blocks));
        called |= call;
        match kind {
            Kind::Route => gen.route(call),
            Kind::Service => gen.service_method_block(call),
            Kind::Component => gen.component(call),
            Kind::Util => gen.util(call),
        }
    }
    gen.footer(kind, commonjs);
    let text = if commonjs {
        to_commonjs(&gen.out)
    } else {
        gen.out
    };
    CorpusFile {
        path,
        text,
        touches_customerio: touches,
    }
}

impl FileGen<'_> {
    fn ty(&self, annotation: &str) -> String {
        if self.ts {
            format!(": {annotation}")
        } else {
            String::new()
        }
    }

    fn header(&mut self, kind: Kind, commonjs: bool) {
        let e = self.entity;
        let entity_type = capitalize(e);
        let imports: &[(&str, &str)] = match kind {
            Kind::Route => &[("Router", "express"), ("z", "zod")],
            Kind::Service => &[("randomUUID", "node:crypto"), ("Pool", "pg")],
            Kind::Component => &[("useEffect, useMemo, useState", "react"), ("clsx", "clsx")],
            Kind::Util => &[("format", "date-fns"), ("debounce", "lodash")],
        };
        for (names, module) in imports {
            if commonjs {
                let _ = writeln!(self.out, "const {{ {names} }} = require(\"{module}\");");
            } else {
                let _ = writeln!(self.out, "import {{ {names} }} from \"{module}\";");
            }
        }
        if kind != Kind::Util && !commonjs {
            let import_type = if self.ts { "import type" } else { "import" };
            let _ = writeln!(
                self.out,
                "import {{ logger }} from \"../../lib/logger\";\n{import_type} {{ {entity_type} }} from \"../../types/{e}\";"
            );
        }
        self.out.push('\n');
        if self.ts && kind != Kind::Component {
            let fields: Vec<String> = (0..self.rng.range(3, 7))
                .map(|_| {
                    let field = self.rng.pick(FIELDS);
                    let ty = self
                        .rng
                        .pick(&["string", "number", "boolean", "string | null"]);
                    format!("  {field}: {ty};")
                })
                .collect();
            let _ = writeln!(
                self.out,
                "export interface {entity_type}Input {{\n  id: string;\n  createdAt: Date;\n{}\n}}\n",
                fields.join("\n")
            );
        }
        if kind == Kind::Route {
            let _ = writeln!(self.out, "const router = Router();\n");
        }
    }

    fn footer(&mut self, kind: Kind, commonjs: bool) {
        match (kind, commonjs) {
            (Kind::Route, false) => self.out.push_str("export default router;\n"),
            (Kind::Route, true) => self.out.push_str("module.exports = router;\n"),
            _ => {}
        }
    }

    fn choose_client(&mut self, kind: Kind) -> Client {
        match kind {
            Kind::Component => *self
                .rng
                .pick(&[Client::Snippet, Client::Snippet, Client::Shared]),
            Kind::Service => *self.rng.pick(&[
                Client::Shared,
                Client::ClassField,
                Client::ClassField,
                Client::NodeEsm,
                Client::CdpNode,
            ]),
            _ => *self.rng.pick(&[
                Client::Shared,
                Client::Shared,
                Client::NodeEsm,
                Client::NodeRequire,
                Client::CdpNode,
                Client::Legacy,
            ]),
        }
    }

    fn client_setup(&mut self, client: Client, commonjs: bool) {
        let import = |names: &str, module: &str| {
            if commonjs {
                format!("const {{ {names} }} = require(\"{module}\");\n")
            } else {
                format!("import {{ {names} }} from \"{module}\";\n")
            }
        };
        let region = *self.rng.pick(&["RegionUS", "RegionUS", "RegionEU"]);
        let site = if self.rng.chance(0.1) {
            "\"f3a9c1d2e4b5\"".to_string() // a hard-coded Site ID (CIO013)
        } else {
            "process.env.CUSTOMERIO_SITE_ID".to_string()
        };
        let receiver = match client {
            Client::Shared => {
                self.out += &import("cio", "../../lib/customerio");
                "cio"
            }
            Client::NodeEsm | Client::ClassField => {
                self.out += &import(&format!("TrackClient, {region}"), "customerio-node");
                if client == Client::NodeEsm {
                    let _ = writeln!(
                        self.out,
                        "\nconst cio = new TrackClient({site}, process.env.CUSTOMERIO_TRACK_API_KEY, {{ region: {region} }});"
                    );
                    "cio"
                } else {
                    "this.cio"
                }
            }
            Client::NodeRequire => {
                let _ = writeln!(
                    self.out,
                    "const {{ TrackClient: Tracker, {region} }} = require(\"customerio-node\");\n\nconst customerio = new Tracker({site}, process.env.CUSTOMERIO_TRACK_API_KEY, {{ region: {region} }});"
                );
                "customerio"
            }
            Client::Legacy => {
                let _ = writeln!(
                    self.out,
                    "const CIO = require(\"customerio-node\");\n\nconst cio = new CIO({site}, process.env.CUSTOMERIO_API_KEY);"
                );
                "cio"
            }
            Client::CdpNode => {
                self.out += &import("Analytics", "@customerio/cdp-analytics-node");
                let _ = writeln!(
                    self.out,
                    "\nconst analytics = new Analytics({{ writeKey: process.env.CUSTOMERIO_WRITE_KEY, host: \"https://cdp.customer.io\" }});"
                );
                "analytics"
            }
            Client::Snippet => {
                if self.rng.chance(0.5) {
                    "window._cio"
                } else {
                    "_cio"
                }
            }
        };
        self.out.push('\n');
        self.client = Some((client, receiver.to_string()));
    }

    // --- Customer.io calls -------------------------------------------------------------------

    /// A timestamp expression: mostly Unix seconds, sometimes one of CIO002's pitfalls.
    fn timestamp(&mut self, date: &str) -> String {
        match self.rng.below(12) {
            0 => "Date.now()".into(),
            1 => format!("{date}.getTime()"),
            2 => format!("{date}.toISOString()"),
            3 => "new Date()".into(),
            4 => "1704067200000".into(),
            5 => format!("dayjs({date}).unix()"),
            6 => "Date.now() / 1000 | 0".into(),
            _ => format!("Math.floor({date}.getTime() / 1000)"),
        }
    }

    fn event_name(&mut self, subject: &str) -> String {
        let event = *self.rng.pick(EVENTS);
        match self.rng.below(14) {
            0 => format!("`{event}_${{{subject}.id}}`"), // dynamic (CIO006)
            1 => format!("\"{}\"", title_case(event)),   // style (CIO010)
            2 => format!("`signup_${{{subject}.email}}`"), // PII (CIO012)
            _ => format!("\"{event}\""),
        }
    }

    /// The statements of one Customer.io interaction, indented by `indent`.
    fn customerio_call(&mut self, subject: &str, indent: &str) -> String {
        let Some((client, receiver)) = self.client.clone() else {
            return String::new();
        };
        let mut out = String::new();
        let created = self.timestamp(&format!("{subject}.createdAt"));
        let when = self.timestamp("new Date()");
        let name = self.event_name(subject);
        let field = *self.rng.pick(FIELDS);
        let awaited = if self.rng.chance(0.8) { "await " } else { "" };
        let catch = if awaited.is_empty() && self.rng.chance(0.5) {
            ".catch((err) => logger.warn(\"customer.io call failed\", err))"
        } else {
            ""
        };
        let id = if self.rng.chance(0.1) {
            format!("{subject}.email") // email as id (CIO004)
        } else {
            format!("{subject}.id")
        };
        match client {
            Client::CdpNode => {
                let _ = writeln!(
                    out,
                    "{indent}{receiver}.identify({{ userId: {id}, traits: {{ email: {subject}.email, created_at: {created}, {field}: {subject}.{field} }} }});"
                );
                let _ = writeln!(
                    out,
                    "{indent}{receiver}.track({{\n{indent}  userId: {id},\n{indent}  event: {name},\n{indent}  properties: {{ {field}: {subject}.{field}, sent_at: {when} }},\n{indent}}});"
                );
            }
            Client::Snippet => {
                let _ = writeln!(
                    out,
                    "{indent}{receiver}.identify({{ id: {id}, email: {subject}.email, created_at: {created} }});"
                );
                let _ = writeln!(
                    out,
                    "{indent}{receiver}.track({name}, {{ {field}: {subject}.{field}, viewed_at: {when} }});"
                );
            }
            _ => match self.rng.below(6) {
                0 => {
                    // A loop over people (CIO011 when awaited).
                    let _ = writeln!(
                        out,
                        "{indent}for (const member of {subject}.members ?? []) {{\n{indent}  {awaited}{receiver}.identify(member.id, {{ email: member.email, {field}: member.{field} }}){catch};\n{indent}}}"
                    );
                }
                1 => {
                    // A const bound to a timestamp, then used (CIO002 follows the const).
                    let _ = writeln!(
                        out,
                        "{indent}const sentAt = {when};\n{indent}{awaited}{receiver}.track({id}, {{ name: {name}, data: {{ {field}: {subject}.{field}, sent_at: sentAt }} }}){catch};"
                    );
                }
                2 => {
                    // Track before identify on the same person (CIO003).
                    let _ = writeln!(
                        out,
                        "{indent}{awaited}{receiver}.track({id}, {{ name: {name} }}){catch};\n{indent}{awaited}{receiver}.identify({id}, {{ email: {subject}.email, created_at: {created} }}){catch};"
                    );
                }
                _ => {
                    let email = if self.rng.chance(0.85) {
                        format!("email: {subject}.email, ")
                    } else {
                        String::new() // no email (CIO005)
                    };
                    let _ = writeln!(
                        out,
                        "{indent}{awaited}{receiver}.identify({id}, {{\n{indent}  {email}created_at: {created},\n{indent}  {field}: {subject}.{field},\n{indent}  plan: {subject}.plan ?? \"free\",\n{indent}}}){catch};"
                    );
                    let _ = writeln!(
                        out,
                        "{indent}{awaited}{receiver}.track({id}, {{\n{indent}  name: {name},\n{indent}  data: {{ {field}: {subject}.{field}, total: {subject}.total, updated_at: {when} }},\n{indent}}}){catch};"
                    );
                }
            },
        }
        out
    }

    // --- Ordinary code -----------------------------------------------------------------------

    /// Statements that don't involve Customer.io: validation, DB access, object building
    /// (with time keys, which CIO002's pattern matches and its check must reject).
    fn plain_statements(&mut self, subject: &str, indent: &str) -> String {
        let mut out = String::new();
        for _ in 0..self.rng.range(1, 4) {
            let field = *self.rng.pick(FIELDS);
            let table = self.entity;
            match self.rng.below(7) {
                0 => {
                    let _ = writeln!(
                        out,
                        "{indent}if (!{subject}.{field}) {{\n{indent}  throw new Error(\"{table} {field} is required\");\n{indent}}}"
                    );
                }
                1 => {
                    let _ = writeln!(
                        out,
                        "{indent}const record = {{\n{indent}  ...{subject},\n{indent}  {field}: String({subject}.{field}).trim(),\n{indent}  updated_at: Date.now(),\n{indent}  createdAt: new Date(),\n{indent}}};\n{indent}await db.query(\"INSERT INTO {table}s (id, {field}, updated_at) VALUES ($1, $2, $3)\", [record.id, record.{field}, record.updated_at]);"
                    );
                }
                2 => {
                    let _ = writeln!(
                        out,
                        "{indent}const items = ({subject}.items ?? [])\n{indent}  .filter((item) => item.quantity > 0)\n{indent}  .map((item) => ({{ ...item, subtotal: item.price * item.quantity }}));\n{indent}const total = items.reduce((sum, item) => sum + item.subtotal, 0);"
                    );
                }
                3 => {
                    let _ = writeln!(
                        out,
                        "{indent}logger.info(`{table} ${{{subject}.id}} {field} changed`, {{ {field}: {subject}.{field}, at: new Date().toISOString() }});"
                    );
                }
                4 => {
                    // Segment's client: same method names, never a Customer.io call.
                    let _ = writeln!(
                        out,
                        "{indent}segment.track({{ userId: {subject}.id, event: \"{} Updated\", properties: {{ updated_at: Date.now() }} }});",
                        capitalize(table)
                    );
                }
                5 => {
                    let _ = writeln!(
                        out,
                        "{indent}try {{\n{indent}  const cached = await cache.get(`{table}:${{{subject}.id}}`);\n{indent}  if (cached) {{\n{indent}    return JSON.parse(cached);\n{indent}  }}\n{indent}}} catch (err) {{\n{indent}  logger.warn(\"cache miss\", err);\n{indent}}}"
                    );
                }
                _ => {
                    let _ = writeln!(
                        out,
                        "{indent}// Keep the {field} in sync with the upstream {table} record.\n{indent}const {field}Changed = previous?.{field} !== {subject}.{field};\n{indent}if ({field}Changed && {subject}.{field} != null) {{\n{indent}  await queue.add(\"sync-{table}\", {{ id: {subject}.id, {field}: {subject}.{field} }});\n{indent}}}"
                    );
                }
            }
        }
        out
    }

    fn route(&mut self, call: bool) {
        let e = self.entity;
        let verb = *self.rng.pick(&["get", "post", "put", "delete"]);
        let path = format!("/{e}s/:id/{}", self.rng.pick(FIELDS));
        let body = self.plain_statements(e, "    ");
        let calls = if call {
            self.customerio_call(e, "    ")
        } else {
            String::new()
        };
        let req_ty = if self.ts { ": Request" } else { "" };
        let res_ty = if self.ts { ": Response" } else { "" };
        let _ = writeln!(
            self.out,
            "router.{verb}(\"{path}\", async (req{req_ty}, res{res_ty}, next) => {{\n  try {{\n    const {e} = await {e}Service.findById(req.params.id);\n    if (!{e}) {{\n      return res.status(404).json({{ error: \"{e} not found\" }});\n    }}\n{body}{calls}    res.json({{ ok: true, {e} }});\n  }} catch (err) {{\n    next(err);\n  }}\n}});\n"
        );
    }

    /// Services are classes; a block is one method (the class wraps them all).
    fn service_method_block(&mut self, call: bool) {
        let e = self.entity;
        let class = format!("{}Service", capitalize(e));
        if !self.out.contains(&format!("class {class}")) {
            let field = match &self.client {
                Some((Client::ClassField, _)) => {
                    let region = *self.rng.pick(&["RegionUS", "RegionEU"]);
                    if self.ts {
                        format!("  private readonly cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID!, process.env.CUSTOMERIO_TRACK_API_KEY!, {{ region: {region} }});\n")
                    } else {
                        format!("  cio = new TrackClient(process.env.CUSTOMERIO_SITE_ID, process.env.CUSTOMERIO_TRACK_API_KEY, {{ region: {region} }});\n")
                    }
                }
                _ => String::new(),
            };
            let ctor = if self.ts {
                "  constructor(private readonly db: Pool, private readonly cache: Map<string, unknown> = new Map()) {}\n"
            } else {
                "  constructor(db, cache = new Map()) {\n    this.db = db;\n    this.cache = cache;\n  }\n"
            };
            let _ = write!(self.out, "export class {class} {{\n{field}{ctor}");
            // The class is closed by the last method: mark where methods go.
            self.out.push_str("}\n");
        }
        // Insert the method before the class's closing brace (always the last line).
        self.out.truncate(self.out.len() - 2);
        let method = format!(
            "{}{}",
            capitalize(
                self.rng
                    .pick(&["find", "update", "archive", "sync", "refresh"])
            ),
            capitalize(self.rng.pick(FIELDS))
        );
        let input_ty = self.ty(&format!("{}Input", capitalize(e)));
        let ret = self.ty("Promise<void>");
        let body = self
            .plain_statements("input", "    ")
            .replace("db.query", "this.db.query");
        let calls = if call {
            self.customerio_call("input", "    ")
        } else {
            String::new()
        };
        let _ = write!(
            self.out,
            "\n  async {}{method}(input{input_ty}){ret} {{\n{body}{calls}  }}\n}}\n",
            e
        );
    }

    fn component(&mut self, call: bool) {
        let e = self.entity;
        let name = format!(
            "{}{}",
            capitalize(e),
            self.rng
                .pick(&["Card", "List", "Details", "Form", "Badge", "Row"])
        );
        let props = if self.ts {
            format!(
                "{{ {e}, onSelect }}: {{ {e}: {}; onSelect: (id: string) => void }}",
                capitalize(e)
            )
        } else {
            format!("{{ {e}, onSelect }}")
        };
        let effect = if call {
            let calls = self.customerio_call(e, "    ");
            format!("  useEffect(() => {{\n{calls}  }}, [{e}.id]);\n")
        } else {
            format!("  useEffect(() => {{\n    document.title = `${{{e}.title}} · Shop`;\n  }}, [{e}.title]);\n")
        };
        let field = *self.rng.pick(FIELDS);
        let rows: String = (0..self.rng.range(1, 5))
            .map(|i| format!("        <li key=\"{i}\" className=\"row\">{{{e}.items?.[{i}]?.title ?? \"—\"}}</li>\n"))
            .collect();
        let _ = writeln!(
            self.out,
            "export function {name}({props}) {{\n  const [open, setOpen] = useState(false);\n  const total = useMemo(() => ({e}.items ?? []).reduce((sum, item) => sum + item.price, 0), [{e}.items]);\n{effect}  return (\n    <div className={{clsx(\"{e}-card\", open && \"open\")}} onClick={{() => onSelect({e}.id)}}>\n      <h3>{{{e}.title}}</h3>\n      <span className=\"{field}\">{{String({e}.{field})}}</span>\n      <ul>\n{rows}      </ul>\n      <button onClick={{() => setOpen(!open)}}>{{open ? \"Less\" : \"More\"}}</button>\n      <strong>{{total.toFixed(2)}}</strong>\n    </div>\n  );\n}}\n"
        );
    }

    fn util(&mut self, call: bool) {
        let e = self.entity;
        let field = *self.rng.pick(FIELDS);
        let n = self.out.len();
        match self.rng.below(3) {
            0 => {
                let _ = writeln!(
                    self.out,
                    "export function format{}{n}(value{}, locale = \"en-US\"){} {{\n  if (value == null) {{\n    return \"\";\n  }}\n  return new Intl.NumberFormat(locale, {{ maximumFractionDigits: 2 }}).format(Number(value));\n}}\n",
                    capitalize(field),
                    self.ty("number | string | null"),
                    self.ty("string")
                );
            }
            1 => {
                let _ = writeln!(
                    self.out,
                    "export const group{}By{}{n} = (items{}) => {{\n  const groups = new Map();\n  for (const item of items) {{\n    const key = item.{field} ?? \"unknown\";\n    groups.set(key, [...(groups.get(key) ?? []), item]);\n  }}\n  return groups;\n}};\n",
                    capitalize(e),
                    capitalize(field),
                    self.ty("Array<Record<string, unknown>>")
                );
            }
            _ => {
                let body = self.plain_statements(e, "  ");
                let _ = writeln!(
                    self.out,
                    "export async function normalize{}{n}({e}{}) {{\n{body}  return {{ ...{e}, normalized_at: Math.floor(Date.now() / 1000) }};\n}}\n",
                    capitalize(e),
                    self.ty("any")
                );
            }
        }
        if call {
            let calls = self.customerio_call(e, "  ");
            let _ = writeln!(
                self.out,
                "export async function report{}{n}({e}{}) {{\n{calls}}}\n",
                capitalize(e),
                self.ty("any")
            );
        }
    }
}

/// Turns `export function f` / `export class C` / `export const c` into plain declarations plus
/// a `module.exports = { … }` at the end, as a CommonJS module would be written.
fn to_commonjs(esm: &str) -> String {
    let mut out = String::with_capacity(esm.len() + 64);
    let mut names = Vec::new();
    for line in esm.split_inclusive('\n') {
        let Some(declaration) = line.strip_prefix("export ") else {
            out.push_str(line);
            continue;
        };
        let name = declaration
            .trim_start_matches("async ")
            .split_whitespace()
            .nth(1)
            .map(|n| n.split(['(', '<', ' ']).next().unwrap_or(n));
        names.extend(name.map(str::to_string));
        out.push_str(declaration);
    }
    if !names.is_empty() {
        out.push_str(&format!("\nmodule.exports = {{ {} }};\n", names.join(", ")));
    }
    out
}

fn title_case(snake: &str) -> String {
    snake
        .split('_')
        .map(capitalize)
        .collect::<Vec<_>>()
        .join(" ")
}
