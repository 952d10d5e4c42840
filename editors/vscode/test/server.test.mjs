// Unit tests of server discovery (src/server.ts), run with `npm test` (node's test runner).
import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";
import * as esbuild from "esbuild";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
let tmp;
let locateServer;
let expandPath;
let describeOrigin;

function exe(dir, name = "cio-lsp") {
  fs.mkdirSync(dir, { recursive: true });
  const p = path.join(dir, name);
  fs.writeFileSync(p, "#!/bin/sh\nexit 0\n");
  fs.chmodSync(p, 0o755);
  return p;
}

before(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cio-lsp-vscode-test-"));
  const out = path.join(tmp, "server.cjs");
  await esbuild.build({ entryPoints: [path.join(root, "src", "server.ts")], bundle: true, platform: "node", format: "cjs", outfile: out, logLevel: "silent" });
  ({ locateServer, expandPath, describeOrigin } = createRequire(import.meta.url)(out));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("the cioLsp.server.path setting wins", () => {
  const configured = exe(path.join(tmp, "a", "custom"));
  const ext = path.join(tmp, "a", "ext");
  exe(path.join(ext, "server"));
  exe(path.join(tmp, "a", "bin"));
  const r = locateServer({ configuredPath: configured, extensionPath: ext, workspaceFolders: [], envPath: path.join(tmp, "a", "bin") });
  assert.deepEqual(r, { ok: true, command: configured, origin: "setting" });
});

test("a setting that points nowhere is an error naming the setting", () => {
  const r = locateServer({ configuredPath: path.join(tmp, "missing", "cio-lsp"), extensionPath: tmp, workspaceFolders: [], envPath: "" });
  assert.equal(r.ok, false);
  assert.match(r.message, /"cioLsp\.server\.path"/);
});

test("${workspaceFolder} and relative paths resolve against the workspace", () => {
  const ws = path.join(tmp, "ws");
  const bin = exe(path.join(ws, "target", "release"));
  for (const configured of ["${workspaceFolder}/target/release/cio-lsp", "target/release/cio-lsp"]) {
    const r = locateServer({ configuredPath: configured, extensionPath: tmp, workspaceFolders: [ws], envPath: "" });
    assert.deepEqual(r, { ok: true, command: bin, origin: "setting" });
  }
  assert.equal(expandPath("~/x", undefined), path.join(os.homedir(), "x"));
});

test("the bundled server comes before PATH", () => {
  const ext = path.join(tmp, "b", "ext");
  const bundled = exe(path.join(ext, "server"));
  exe(path.join(tmp, "b", "bin"));
  const r = locateServer({ configuredPath: "", extensionPath: ext, workspaceFolders: [], envPath: path.join(tmp, "b", "bin") });
  assert.deepEqual(r, { ok: true, command: bundled, origin: "bundled" });
});

// A workspace after `npm install --save-dev cio-lsp`: the launcher, its .bin link, and this
// platform's package (another platform's is listed but, as npm does, not installed).
function npmWorkspace(dir, { platformBinary = true } = {}) {
  const nm = path.join(dir, "node_modules");
  const pkg = `@cio-lsp/${process.platform}-${process.arch}`;
  fs.mkdirSync(path.join(nm, "cio-lsp"), { recursive: true });
  fs.writeFileSync(path.join(nm, "cio-lsp", "package.json"), JSON.stringify({ name: "cio-lsp", optionalDependencies: { "@cio-lsp/other-os": "1.0.0", [pkg]: "1.0.0" } }));
  const launcher = exe(path.join(nm, ".bin"));
  if (!platformBinary) return { launcher };
  fs.mkdirSync(path.join(nm, ...pkg.split("/")), { recursive: true });
  fs.writeFileSync(path.join(nm, ...pkg.split("/"), "package.json"), JSON.stringify({ name: pkg, os: [process.platform], cpu: [process.arch] }));
  return { launcher, binary: exe(path.join(nm, ...pkg.split("/"), "bin")) };
}

test("the workspace's npm package comes after the bundled binary and before PATH, as the platform binary", () => {
  const ws = path.join(tmp, "npm", "ws");
  const { binary } = npmWorkspace(ws);
  const bin = path.join(tmp, "npm", "bin");
  exe(bin);
  const ext = path.join(tmp, "npm", "ext");
  const lookup = () => locateServer({ configuredPath: "", extensionPath: ext, workspaceFolders: [path.join(tmp, "npm", "empty"), ws], envPath: bin });
  assert.deepEqual(lookup(), { ok: true, command: binary, origin: "node_modules" });
  const bundled = exe(path.join(ext, "server"));
  assert.deepEqual(lookup(), { ok: true, command: bundled, origin: "bundled" });
});

test("without its platform package, node_modules/.bin/cio-lsp (the launcher) is run", () => {
  const ws = path.join(tmp, "npm-launcher", "ws");
  const { launcher } = npmWorkspace(ws, { platformBinary: false });
  const r = locateServer({ configuredPath: "", extensionPath: path.join(tmp, "npm-launcher", "ext"), workspaceFolders: [ws], envPath: "" });
  assert.deepEqual(r, { ok: true, command: launcher, origin: "node_modules" });
});

test("an untrusted workspace runs nothing it holds: no node_modules binary, no path into it", () => {
  const ws = path.join(tmp, "untrusted", "ws");
  npmWorkspace(ws);
  const inWorkspace = exe(path.join(ws, "tools"));
  const bin = path.join(tmp, "untrusted", "bin");
  const onPath = exe(bin);
  const ext = path.join(tmp, "untrusted", "ext");
  for (const configuredPath of ["", "tools/cio-lsp", "${workspaceFolder}/tools/cio-lsp"]) {
    const r = locateServer({ configuredPath, extensionPath: ext, workspaceFolders: [ws], envPath: bin, trusted: false });
    assert.deepEqual(r, { ok: true, command: onPath, origin: "path" }, configuredPath);
  }
  const trusted = locateServer({ configuredPath: "tools/cio-lsp", extensionPath: ext, workspaceFolders: [ws], envPath: bin });
  assert.deepEqual(trusted, { ok: true, command: inWorkspace, origin: "setting" });
  const absolute = locateServer({ configuredPath: onPath, extensionPath: ext, workspaceFolders: [ws], envPath: "", trusted: false });
  assert.deepEqual(absolute, { ok: true, command: onPath, origin: "setting" });
  const bundled = exe(path.join(ext, "server"));
  const r = locateServer({ configuredPath: "", extensionPath: ext, workspaceFolders: [ws], envPath: bin, trusted: false });
  assert.deepEqual(r, { ok: true, command: bundled, origin: "bundled" });
});

test("the output channel names each origin", () => {
  assert.match(describeOrigin("setting"), /cioLsp\.server\.path/);
  assert.match(describeOrigin("bundled"), /bundled/);
  assert.match(describeOrigin("node_modules"), /node_modules\/\.bin\/cio-lsp/);
  assert.equal(describeOrigin("path"), "PATH");
});

test("PATH is searched last, skipping non-executables", () => {
  const d1 = path.join(tmp, "c", "d1");
  fs.mkdirSync(d1, { recursive: true });
  fs.writeFileSync(path.join(d1, "cio-lsp"), "not executable");
  const onPath = exe(path.join(tmp, "c", "d2"));
  const r = locateServer({ configuredPath: "  ", extensionPath: path.join(tmp, "c", "ext"), workspaceFolders: [], envPath: [d1, path.join(tmp, "c", "d2")].join(path.delimiter) });
  assert.deepEqual(r, { ok: true, command: onPath, origin: "path" });
});

test("nothing found: the error names the setting", () => {
  const r = locateServer({ configuredPath: "", extensionPath: path.join(tmp, "d", "ext"), workspaceFolders: [], envPath: path.join(tmp, "d", "empty") });
  assert.equal(r.ok, false);
  assert.match(r.message, /cioLsp\.server\.path/);
  assert.match(r.message, /PATH/);
  assert.match(r.message, /npm install --save-dev cio-lsp/);
});

test("package.json contributes the documented settings and commands", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const props = pkg.contributes.configuration.properties;
  for (const key of ["cioLsp.enable", "cioLsp.server.path", "cioLsp.rules", "cioLsp.eventNameStyle", "cioLsp.trace.server", "cioLsp.logLevel"]) {
    assert.ok(props[key], key);
  }
  assert.deepEqual(props["cioLsp.eventNameStyle"].enum, ["snake_case", "Title Case", "camelCase"]);
  assert.deepEqual(props["cioLsp.logLevel"].enum, ["error", "warn", "info", "debug", "trace"]);
  const commands = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(commands, ["cioLsp.fixAll", "cioLsp.restartServer", "cioLsp.showOutput"]);
  for (const lang of ["javascript", "javascriptreact", "typescript", "typescriptreact"]) {
    assert.ok(pkg.activationEvents.includes(`onLanguage:${lang}`), lang);
  }
  assert.ok(pkg.activationEvents.includes("workspaceContains:**/cio-lsp.toml"));
});

test("package.json declares limited support for untrusted workspaces, the server path restricted", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const untrusted = pkg.capabilities.untrustedWorkspaces;
  assert.equal(untrusted.supported, "limited");
  assert.deepEqual(untrusted.restrictedConfigurations, ["cioLsp.server.path"]);
  assert.match(untrusted.description, /user rules/);
});
