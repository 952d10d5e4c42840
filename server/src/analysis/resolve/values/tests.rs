use std::collections::HashMap;

use super::*;
use crate::analysis::resolve::bindings::Bindings;
use crate::analysis::resolve::workspace::view::NoWorkspace;
use crate::analysis::syntax::{self, parse, Lang};

/// The values of the first argument of the last `probe(…)` call in `source`, as text with
/// `{env:X}` for environment reads and `{?}` / `{?name}` for unknowns (the expression's text).
fn probe(source: &str) -> Vec<String> {
    probe_with(source, true)
}

fn probe_with(source: &str, follow_parameters: bool) -> Vec<String> {
    let tree = parse(Lang::TypeScript, source, None);
    let _indexed = syntax::index_tree(&tree);
    let bindings = Bindings::collect(&tree, source, &NoWorkspace, &HashMap::new());
    let mut cx = ValueContext::new(source, &bindings, &NoWorkspace);
    cx.follow_parameters = follow_parameters;
    let at = source.rfind("probe(").expect("a probe") + "probe(".len();
    let argument = syntax::descendant_for_byte_range(tree.root_node(), at, at + 1).unwrap();
    let argument = std::iter::once(argument)
        .chain(syntax::ancestors(argument))
        .take_while(|n| n.start_byte() == at)
        .last()
        .unwrap();
    let values = string_values(argument, &cx);
    values
        .values
        .iter()
        .map(|value| describe(value, source))
        .collect()
}

fn describe(value: &Value, source: &str) -> String {
    let mut out = String::new();
    for part in &value.parts {
        match part {
            Part::Text(text) => out.push_str(text),
            Part::Env(name) => out.push_str(&format!("{{env:{name}}}")),
            Part::Unknown(hole) => {
                let expression = hole.expression.clone().map_or("", |r| &source[r]);
                let transformed = match hole.change {
                    Change::None => "",
                    Change::Spelling => "~",
                    Change::Derived => "#",
                    Change::Altered => "%",
                };
                out.push_str(&format!("{{?{transformed}{expression}}}"));
            }
        }
    }
    if let Some(fallback) = &value.fallback {
        out.push_str(if fallback.default {
            " [default]"
        } else if fallback.from_env {
            " [env fallback]"
        } else {
            " [fallback]"
        });
    }
    out
}

#[test]
fn literals_constants_templates_and_concatenation() {
    assert_eq!(
        probe(r#"probe("https://track.customer.io");"#),
        ["https://track.customer.io"]
    );
    let source = r#"
const HOST = "https://track.customer.io";
const BASE = `${HOST}/api/v1`;
function send(id) { probe(BASE + "/customers/" + id); }
"#;
    assert_eq!(
        probe_with(source, false),
        ["https://track.customer.io/api/v1/customers/{?id}"]
    );
}

#[test]
fn environment_reads_and_their_fallbacks() {
    let source = r#"
const KEY = process.env.CIO_KEY || "demo-key";
probe(KEY);
"#;
    assert_eq!(probe(source), ["{env:CIO_KEY}", "demo-key [env fallback]"]);
    assert_eq!(
        probe(r#"probe(import.meta.env.VITE_SITE ?? "");"#),
        ["{env:VITE_SITE}", " [env fallback]"]
    );
    assert_eq!(probe(r#"probe(Deno.env.get("KEY"));"#), ["{env:KEY}"]);
    assert_eq!(
        probe(r#"probe(this.config.get("cio.key") || "test");"#),
        ["{env:cio.key}", "test [env fallback]"]
    );
    // A known left side never falls back.
    assert_eq!(probe(r#"probe("a" || "b");"#), ["a"]);
}

#[test]
fn ternaries_functions_and_region_maps() {
    let source = r#"
function trackBase() {
  return process.env.REGION === "eu" ? "https://track-eu.customer.io/api/v1" : "https://track.customer.io/api/v1";
}
probe(`${trackBase()}/customers/1`);
"#;
    assert_eq!(
        probe(source),
        [
            "https://track-eu.customer.io/api/v1/customers/1",
            "https://track.customer.io/api/v1/customers/1"
        ]
    );
    let source = r#"
const HOSTS = { us: "https://track.customer.io", eu: "https://track-eu.customer.io" } as const;
const config = { baseUrl: HOSTS[region] };
probe(config.baseUrl);
"#;
    assert_eq!(
        probe(source),
        ["https://track.customer.io", "https://track-eu.customer.io"]
    );
}

#[test]
fn config_objects_destructuring_and_member_chains() {
    let source = r#"
const settings = { customerio: { siteId: "site-123", apiKey: process.env.CIO_KEY } };
const { siteId } = settings.customerio;
const { apiKey: key = "fallback-key" } = settings.customerio;
probe([siteId, key].join(":"));
"#;
    assert_eq!(
        probe(source),
        ["site-123:{env:CIO_KEY}", "site-123:fallback-key [default]"]
    );
    let source = r#"
function getConfig() {
  return { ...defaults, baseUrl: "https://api.customer.io/v1" };
}
const config = getConfig();
probe(config.baseUrl);
"#;
    assert_eq!(probe(source), ["https://api.customer.io/v1"]);
}

#[test]
fn constructor_fields_and_class_fields() {
    let source = r#"
class CustomerIo {
  private auth = "Basic xyz";
  constructor(eu: boolean) {
    this.baseUrl = eu ? "https://track-eu.customer.io/api/v1" : "https://track.customer.io/api/v1";
  }
  identify(id: string) { probe(`${this.baseUrl}/customers/${id}`); }
}
"#;
    assert_eq!(
        probe_with(source, false),
        [
            "https://track-eu.customer.io/api/v1/customers/{?id}",
            "https://track.customer.io/api/v1/customers/{?id}"
        ]
    );
    let source = r#"
class Client {
  constructor(private readonly siteId: string) {}
  send() { probe(this.siteId); }
}
const client = new Client("abc123");
"#;
    assert_eq!(probe(source), ["abc123"]);
}

#[test]
fn parameters_defaults_and_call_sites() {
    let source = r#"
function request(path, base = "https://track.customer.io/api/v1") { probe(base + path); }
request("/customers/1");
request("/events", "https://track-eu.customer.io/api/v1");
"#;
    assert_eq!(
        probe(source),
        [
            "https://track.customer.io/api/v1/customers/1 [default]",
            "https://track.customer.io/api/v1/events [default]",
            "https://track-eu.customer.io/api/v1/customers/1",
            "https://track-eu.customer.io/api/v1/events"
        ]
    );
    // An exported function may be called with anything.
    let source = r#"
export function request(base) { probe(base); }
request("https://track.customer.io");
"#;
    assert_eq!(probe(source), ["{?base}"]);
    // Component props: JSX attributes of the same file.
    let source = r#"
function Tracker({ writeKey }) { probe(writeKey); return null; }
const app = <Tracker writeKey="wk_live_123" />;
"#;
    let tree_source = source;
    let tree = parse(Lang::Tsx, tree_source, None);
    let _indexed = syntax::index_tree(&tree);
    let bindings = Bindings::collect(&tree, source, &NoWorkspace, &HashMap::new());
    let cx = ValueContext::new(source, &bindings, &NoWorkspace);
    let at = source.find("probe(").unwrap() + 6;
    let argument = syntax::descendant_for_byte_range(tree.root_node(), at, at + 8).unwrap();
    let values = string_values(argument, &cx);
    assert_eq!(values.texts().collect::<Vec<_>>(), ["wk_live_123"]);
}

#[test]
fn parameters_stay_unknown_when_not_followed() {
    let source = r#"
function identify(email) { probe(encodeURIComponent(email.trim())); }
identify("a@b.c");
"#;
    assert_eq!(probe_with(source, false), ["{?~email}"]);
    assert_eq!(probe_with(source, true), ["a@b.c"]);
}

#[test]
fn same_function_consts_and_transforms() {
    let source = r#"
async function handler(body) {
  const customerId = encodeURIComponent(body.email);
  probe(`${customerId}`);
}
"#;
    assert_eq!(probe_with(source, false), ["{?~body.email}"]);
    assert_eq!(
        probe(r#"probe("Site".toLowerCase() + "ID".toLowerCase());"#),
        ["siteid"]
    );
}

#[test]
fn base64_of_known_credentials() {
    let source = r#"
const SITE = "site";
const KEY = "key";
probe(`Basic ${btoa(`${SITE}:${KEY}`)}`);
"#;
    assert_eq!(probe(source), ["Basic c2l0ZTprZXk="]);
    let source = r#"probe("Basic " + Buffer.from("site:key").toString("base64"));"#;
    assert_eq!(probe(source), ["Basic c2l0ZTprZXk="]);
    assert_eq!(combine::base64(b"a"), "YQ==");
    assert_eq!(combine::base64(b"ab"), "YWI=");
}

#[test]
fn literals_are_remembered_where_they_are_written() {
    let source = r#"
const SITE_ID = "abcdef";
const config = { key: prod ? "key-one" : "key-two" };
probe(SITE_ID + config.key);
"#;
    let tree = parse(Lang::TypeScript, source, None);
    let _indexed = syntax::index_tree(&tree);
    let bindings = Bindings::collect(&tree, source, &NoWorkspace, &HashMap::new());
    let cx = ValueContext::new(source, &bindings, &NoWorkspace);
    let at = source.find("SITE_ID +").unwrap();
    let end = source.find(".key)").unwrap() + 4;
    let argument = syntax::descendant_for_byte_range(tree.root_node(), at, end).unwrap();
    let values = string_values(argument, &cx);
    let literals: Vec<Vec<&str>> = values
        .iter()
        .map(|v| v.literals_here().map(|r| &source[r]).collect())
        .collect();
    assert_eq!(
        literals,
        [
            vec!["\"abcdef\"", "\"key-one\""],
            vec!["\"abcdef\"", "\"key-two\""]
        ]
    );
}

#[test]
fn let_reassignments_shadowing_and_cycles() {
    let source = r#"
let base = "https://track.customer.io";
if (eu) base = "https://track-eu.customer.io";
probe(base);
"#;
    assert_eq!(
        probe(source),
        ["https://track.customer.io", "https://track-eu.customer.io"]
    );
    let source = r#"
const host = "https://track.customer.io";
function f(host) { probe(host); }
"#;
    assert_eq!(probe_with(source, false), ["{?host}"]);
    let source = "const a = b + \"x\";\nconst b = a + \"y\";\nprobe(a);\n";
    let values = probe(source);
    assert_eq!(values.len(), 1);
    assert!(
        values[0].contains("{?"),
        "a cycle ends in an unknown: {values:?}"
    );
}

#[test]
fn bounds_make_values_unknown() {
    // 2^4 combinations pass the bound of 8.
    let source = r#"probe((a ? "1" : "2") + (b ? "1" : "2") + (c ? "1" : "2") + (d ? "1" : "2"));"#;
    let values = probe(source);
    assert_eq!(values.len(), 1);
    assert!(values[0].starts_with("{?"), "{values:?}");
}

#[test]
fn deep_expressions_do_not_recurse() {
    // 50,000 nested `+` and 20,000 nested ternaries: no stack overflow, an answer.
    let mut source = String::from("probe(\"a\"");
    for _ in 0..50_000 {
        source.push_str(" + \"b\"");
    }
    source.push_str(");\n");
    let values = probe(&source);
    assert_eq!(values.len(), 1);
    let mut source = String::from("probe(");
    for i in 0..20_000 {
        source.push_str(&format!("c{i} ? \"x\" : "));
    }
    source.push_str("\"y\");\n");
    let values = probe(&source);
    assert_eq!(values.len(), 1);
}

#[test]
fn imported_constants_and_config_objects_come_from_the_workspace_index() {
    use crate::analysis::resolve::workspace::{FileFacts, WorkspaceIndex};
    use std::path::Path;
    let config = r#"
export const TRACK_URL = process.env.CIO_URL || "https://track-eu.customer.io/api/v1";
const settings = { customerio: { siteId: "site-123" }, other: 1 };
export default settings;
"#;
    let config_path = Path::new("/w/src/config.ts");
    let tree = parse(Lang::TypeScript, config, None);
    let bindings = Bindings::collect(&tree, config, &NoWorkspace, &HashMap::new());
    let exported = exported_values(&tree, config_path, config, &bindings, &NoWorkspace);
    let mut index = WorkspaceIndex::new("/w");
    index.set_file(
        config_path,
        FileFacts {
            exported_values: exported,
            ..FileFacts::default()
        },
    );
    let user = r#"
import settings, { TRACK_URL } from "./config";
probe(`${TRACK_URL}/customers/${settings.customerio.siteId}`);
"#;
    let user_path = Path::new("/w/src/user.ts");
    let tree = parse(Lang::TypeScript, user, None);
    let _indexed = syntax::index_tree(&tree);
    let view = index.view(user_path);
    let bindings = Bindings::collect(&tree, user, &view, &HashMap::new());
    let cx = ValueContext::new(user, &bindings, &view);
    let at = user.find("probe(").unwrap() + 6;
    let argument = syntax::descendant_for_byte_range(tree.root_node(), at, at + 1)
        .and_then(syntax::parent)
        .unwrap();
    let values = string_values(argument, &cx);
    let described: Vec<String> = values.iter().map(|v| describe(v, user)).collect();
    assert_eq!(
        described,
        [
            "{env:CIO_URL}/customers/site-123",
            "https://track-eu.customer.io/api/v1/customers/site-123"
        ]
    );
    // The literals are located in the config module.
    let there: Vec<u32> = values.values[1]
        .literals
        .iter()
        .filter_map(|l| match l {
            Literal::There(location) => Some(location.utf8.0.line),
            Literal::Here(_) => None,
        })
        .collect();
    assert_eq!(there, [1, 2]);
}

#[test]
fn same_file_calls_substitute_their_arguments() {
    let source = r#"
function normalizeEmail(e) { return e.trim().toLowerCase(); }
function send(user) { probe(normalizeEmail(user.email)); }
"#;
    assert_eq!(probe_with(source, false), ["{?~user.email}"]);
    let source = r#"
const BASE = "https://track.customer.io/api/v1";
const url = (path) => `${BASE}${path}`;
probe(url("/customers/1"));
"#;
    assert_eq!(
        probe(source),
        ["https://track.customer.io/api/v1/customers/1"]
    );
    // A function that calls itself ends.
    let source = "function f(x) { return f(x) + \"a\"; }\nprobe(f(\"b\"));\n";
    assert_eq!(probe(source).len(), 1);
}

#[test]
fn hashes_and_encodings_keep_where_the_value_comes_from() {
    let source = r#"
function id(email) {
  probe(createHash("sha256").update(email).digest("hex").slice(0, 12));
}
"#;
    assert_eq!(probe_with(source, false), ["{?#email}"]);
    let source = "function id(email) { probe(btoa(email)); }\n";
    assert_eq!(probe_with(source, false), ["{?#email}"]);
    let source = "function id(email) { probe(sha256(email).slice(0, 12)); }\n";
    assert_eq!(probe_with(source, false), ["{?#email}"]);
    let source = "function id(email) { probe(email.trim().replace(/@.*/, \"\")); }\n";
    assert_eq!(probe_with(source, false), ["{?%email}"]);
}
