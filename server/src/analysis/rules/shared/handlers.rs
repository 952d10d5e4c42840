//! What a web request handler looks like, in every runtime the catalog names (CIO007):
//! Express/Fastify/Koa/Hono/Elysia route callbacks, `(req, res)` functions, Next.js API and
//! App Router handlers, SvelteKit `+server` exports and form actions, SolidStart route
//! exports, Remix/React Router `action`/`loader`, Cloudflare Pages `onRequest…` exports and
//! Workers' `fetch`, `Deno.serve`, Supabase functions' `serve`, `Bun.serve`.

use std::path::Path;

use tree_sitter::Node;

use crate::analysis::resolve::values;
use crate::analysis::rules::context::RuleContext;
use crate::analysis::syntax::{self, function_name, text, unwrap_expression, FieldExt, KindExt};

/// Objects whose route registrations take request handlers (`app.get("/", handler)`).
const ROUTER_NAMES: &[&str] = &["app", "router", "server", "fastify"];
/// Route registration methods (Express, Fastify, Koa-router, Hono, Elysia).
const ROUTE_METHODS: &[&str] = &[
    "get", "post", "put", "patch", "delete", "all", "use", "route", "head", "options", "on",
];
/// What makes a router or an app in the frameworks whose instances take route callbacks:
/// `new Hono()`, `new Elysia()`, `new Koa()`, `new Router()`, `express()`, `express.Router()`,
/// `fastify()`.
const ROUTER_MAKERS: &[&str] = &[
    "Hono",
    "OpenAPIHono",
    "Elysia",
    "Koa",
    "Router",
    "KoaRouter",
    "express",
    "Express",
    "fastify",
    "Fastify",
];
/// Handler exports named by HTTP method (Next.js App Router, SvelteKit, SolidStart).
const HTTP_VERBS: &[&str] = &["GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"];
/// Cloudflare Pages Functions' handler exports.
const PAGES_HANDLERS: &[&str] = &[
    "onRequest",
    "onRequestGet",
    "onRequestPost",
    "onRequestPut",
    "onRequestPatch",
    "onRequestDelete",
    "onRequestHead",
    "onRequestOptions",
];

/// Whether `function` handles web requests.
pub fn is_request_handler(ctx: &RuleContext, function: Node) -> bool {
    let source = ctx.source;
    is_route_callback(ctx, function)
        || takes_request_and_response(function, source)
        || is_exported_route_handler(function, ctx.path, ctx.workspace.root(), source)
        || is_worker_fetch(function, source)
        || is_serve_callback(function, source)
}

/// A callback of `app.get(...)`, `router.route("/x").post(...)`, `new Hono().post(...)`, or
/// the `handler` of `fastify.route({ ... })`.
fn is_route_callback(ctx: &RuleContext, function: Node) -> bool {
    let source = ctx.source;
    let argument = match syntax::parent(syntax::outer_expression(function)) {
        // `fastify.route({ method, url, handler })`
        Some(pair) if pair.kind_name() == "pair" => {
            let key = pair
                .field("key")
                .and_then(|k| syntax::property_key(k, source));
            match (key, syntax::parent(pair)) {
                (Some("handler"), Some(object)) => object,
                _ => return false,
            }
        }
        _ => function,
    };
    let Some(call) = syntax::call_receiving_callback(argument) else {
        return false;
    };
    if !syntax::called_method(call, source).is_some_and(|m| ROUTE_METHODS.contains(&m)) {
        return false;
    }
    let Some(receiver) = call
        .field("function")
        .and_then(|f| unwrap_expression(f).field("object"))
    else {
        return false;
    };
    let Some(root) = chain_root_node(receiver) else {
        return false;
    };
    match root.kind_name() {
        "identifier" => {
            let name = text(root, source);
            is_router_name(name) || is_router_instance(ctx, root)
        }
        // `new Elysia().post(…)`, `express.Router().get(…)`
        _ => makes_router(root, source),
    }
}

/// `app`, `router`, `server`, `fastify`, and routers named like `userRouter`.
fn is_router_name(name: &str) -> bool {
    ROUTER_NAMES.contains(&name) || name.ends_with("Router")
}

/// Whether `identifier` holds a framework's app or router (`const api = new Hono()`).
fn is_router_instance(ctx: &RuleContext, identifier: Node) -> bool {
    values::initializers(identifier, &ctx.values())
        .into_iter()
        .any(|value| makes_router(value, ctx.source))
}

/// `new Hono()`, `new Elysia({ … })`, `express()`, `express.Router()`, `fastify()`, and one
/// of those with routes chained on (`new Hono().basePath("/api")`).
fn makes_router(expression: Node, source: &str) -> bool {
    let mut node = unwrap_expression(expression);
    loop {
        match node.kind_name() {
            "new_expression" => {
                return node
                    .field("constructor")
                    .is_some_and(|c| ROUTER_MAKERS.contains(&syntax::last_name(c, source)));
            }
            "call_expression" => {
                let Some(function) = node.field("function").map(unwrap_expression) else {
                    return false;
                };
                if ROUTER_MAKERS.contains(&syntax::last_name(function, source)) {
                    return true;
                }
                match function.kind_name() {
                    "member_expression" => match function.field("object") {
                        Some(object) => node = unwrap_expression(object),
                        None => return false,
                    },
                    _ => return false,
                }
            }
            _ => return false,
        }
    }
}

/// The identifier a member/call chain starts from: `res.status(200).json` → `res`.
pub fn chain_root<'s>(node: Node, source: &'s str) -> Option<&'s str> {
    let root = chain_root_node(node)?;
    (root.kind_name() == "identifier").then(|| text(root, source))
}

/// The expression a member/call chain starts from: an identifier, or a `new`/call that is
/// not itself a member call (`new Hono()` of `new Hono().post`).
fn chain_root_node(mut node: Node) -> Option<Node> {
    loop {
        node = unwrap_expression(node);
        match node.kind_name() {
            "identifier" => return Some(node),
            "member_expression" => node = node.field("object")?,
            "call_expression" => {
                let function = unwrap_expression(node.field("function")?);
                match function.kind_name() {
                    "member_expression" => node = function,
                    _ => return Some(node),
                }
            }
            "new_expression" => return Some(node),
            _ => return None,
        }
    }
}

/// `(req, res)`, Fastify's `(request, reply)`, and the like.
fn takes_request_and_response(function: Node, source: &str) -> bool {
    let parameters = syntax::parameter_names(function, source);
    matches!(
        parameters.as_slice(),
        [
            Some("req" | "request"),
            Some("res" | "response" | "reply"),
            ..
        ]
    )
}

/// A handler exported by name from a file whose place makes it a route: `GET`/`POST`/… in a
/// Next.js `route.ts`, a SvelteKit `+server.ts` or a SolidStart `routes/` file; `action` and
/// `loader` in a Remix/React Router `routes/` file; `load` and the `actions` of a SvelteKit
/// `+page.server.ts`; `onRequest…` (Cloudflare Pages Functions) anywhere.
fn is_exported_route_handler(
    function: Node,
    path: &Path,
    root: Option<&Path>,
    source: &str,
) -> bool {
    let stem = path.file_stem().and_then(|s| s.to_str()).unwrap_or("");
    let in_routes = in_directory(path, root, "routes");
    let sveltekit_page = stem.starts_with("+page.server") || stem.starts_with("+layout.server");
    if sveltekit_page && is_sveltekit_action(function, source) {
        return true;
    }
    let Some(name) = exported_name(function, source) else {
        return false;
    };
    if PAGES_HANDLERS.contains(&name) {
        return true;
    }
    if HTTP_VERBS.contains(&name) {
        return stem == "route" || stem.starts_with("+server") || in_routes;
    }
    match name {
        "action" | "loader" => in_routes,
        "load" => sveltekit_page,
        _ => false,
    }
}

/// The name `function` is exported by (`export async function POST`, `export const POST =
/// async () => …`), when it is exported.
fn exported_name<'s>(function: Node, source: &'s str) -> Option<&'s str> {
    let name = function_name(function, source)?;
    let declaration = match function.kind_name() {
        "function_declaration" => Some(function),
        _ => syntax::ancestors(function).find(|n| n.kind_name() == "lexical_declaration"),
    };
    let exported = declaration
        .and_then(syntax::parent)
        .is_some_and(|p| p.kind_name() == "export_statement");
    exported.then_some(name)
}

/// A method of SvelteKit's `export const actions = { default: async (event) => … }`.
fn is_sveltekit_action(function: Node, source: &str) -> bool {
    let Some(object) = object_holding(function) else {
        return false;
    };
    let Some(declarator) =
        syntax::parent(object).filter(|d| d.kind_name() == "variable_declarator")
    else {
        return false;
    };
    declarator
        .field("name")
        .is_some_and(|n| text(n, source) == "actions")
        && syntax::parent(declarator)
            .and_then(syntax::parent)
            .is_some_and(|p| p.kind_name() == "export_statement")
}

/// The object literal `function` is a method or a property value of.
fn object_holding(function: Node) -> Option<Node> {
    let holder = syntax::parent(syntax::outer_expression(function))?;
    match holder.kind_name() {
        "object" => Some(holder),
        "pair" => syntax::parent(holder).filter(|o| o.kind_name() == "object"),
        _ => None,
    }
}

/// Cloudflare Workers' `export default { async fetch(request, env, ctx) { … } }` (also a
/// `fetch` method of the default-exported class), and `Bun.serve({ fetch(req) { … } })`.
fn is_worker_fetch(function: Node, source: &str) -> bool {
    if function_or_key_name(function, source) != Some("fetch") {
        return false;
    }
    let holder = object_holding(function).or_else(|| {
        // A class method: `class … { async fetch(request) {} }`.
        syntax::parent(function)
            .filter(|b| b.kind_name() == "class_body")
            .and_then(syntax::parent)
    });
    let Some(holder) = holder else {
        return false;
    };
    let parent = syntax::parent(syntax::outer_expression(holder));
    match parent.map(|p| p.kind_name()) {
        Some("export_statement") => true,
        // `Bun.serve({ fetch })`
        Some("arguments") => parent
            .and_then(syntax::parent)
            .and_then(|call| call.field("function"))
            .is_some_and(|f| text(f, source) == "Bun.serve"),
        _ => false,
    }
}

/// A method's name, or the key of the pair whose value `function` is.
fn function_or_key_name<'s>(function: Node, source: &'s str) -> Option<&'s str> {
    if function.kind_name() == "method_definition" {
        return function.field("name").map(|n| text(n, source));
    }
    let pair =
        syntax::parent(syntax::outer_expression(function)).filter(|p| p.kind_name() == "pair")?;
    pair.field("key")
        .and_then(|k| syntax::property_key(k, source))
}

/// The handler passed to `Deno.serve(…)` or to the `serve(…)` of Deno's standard library
/// (what Supabase functions use): the function argument of the call.
fn is_serve_callback(function: Node, source: &str) -> bool {
    let Some(call) = syntax::call_receiving_callback(function) else {
        return false;
    };
    let Some(callee) = call.field("function").map(unwrap_expression) else {
        return false;
    };
    match text(callee, source) {
        "Deno.serve" => true,
        "serve" => imports_deno_serve(callee, source),
        _ => false,
    }
}

/// Whether the file imports `serve` from Deno's standard library (`https://deno.land/std…/http
/// /server.ts`, `jsr:@std/http`, `std/http`): the name alone is too common to mean a server.
fn imports_deno_serve(callee: Node, source: &str) -> bool {
    let root = syntax::tree_root(callee);
    syntax::top_level_statements(root)
        .into_iter()
        .any(|statement| {
            statement.kind_name() == "import_statement"
                && statement
                    .field("source")
                    .and_then(|s| syntax::string_literal_value(s, source))
                    .is_some_and(|specifier| {
                        specifier.contains("std") && specifier.contains("http")
                            || specifier.contains("supabase") && specifier.contains("functions")
                    })
                && syntax::text(statement, source).contains("serve")
        })
}

/// Whether `path` has a directory named `name` on its way, below `root` when it is known.
fn in_directory(path: &Path, root: Option<&Path>, name: &str) -> bool {
    let within = root
        .and_then(|root| path.strip_prefix(root).ok())
        .unwrap_or(path);
    within
        .parent()
        .is_some_and(|dir| dir.components().any(|c| c.as_os_str() == name))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn directories_are_read_below_the_root() {
        let root = Some(Path::new("/home/me/routes/app"));
        assert!(in_directory(
            Path::new("/home/me/routes/app/src/routes/api/x.ts"),
            root,
            "routes"
        ));
        assert!(!in_directory(
            Path::new("/home/me/routes/app/src/lib/x.ts"),
            root,
            "routes"
        ));
    }
}
