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
  ({ locateServer, expandPath } = createRequire(import.meta.url)(out));
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("the cioLsp.server.path setting wins", () => {
  const configured = exe(path.join(tmp, "a", "custom"));
  const ext = path.join(tmp, "a", "ext");
  exe(path.join(ext, "server"));
  exe(path.join(tmp, "a", "bin"));
  const r = locateServer({ configuredPath: configured, extensionPath: ext, workspaceFolder: undefined, envPath: path.join(tmp, "a", "bin") });
  assert.deepEqual(r, { ok: true, command: configured, origin: "setting" });
});

test("a setting that points nowhere is an error naming the setting", () => {
  const r = locateServer({ configuredPath: path.join(tmp, "missing", "cio-lsp"), extensionPath: tmp, workspaceFolder: undefined, envPath: "" });
  assert.equal(r.ok, false);
  assert.match(r.message, /"cioLsp\.server\.path"/);
});

test("${workspaceFolder} and relative paths resolve against the workspace", () => {
  const ws = path.join(tmp, "ws");
  const bin = exe(path.join(ws, "target", "release"));
  for (const configured of ["${workspaceFolder}/target/release/cio-lsp", "target/release/cio-lsp"]) {
    const r = locateServer({ configuredPath: configured, extensionPath: tmp, workspaceFolder: ws, envPath: "" });
    assert.deepEqual(r, { ok: true, command: bin, origin: "setting" });
  }
  assert.equal(expandPath("~/x", undefined), path.join(os.homedir(), "x"));
});

test("the bundled server comes before PATH", () => {
  const ext = path.join(tmp, "b", "ext");
  const bundled = exe(path.join(ext, "server"));
  exe(path.join(tmp, "b", "bin"));
  const r = locateServer({ configuredPath: "", extensionPath: ext, workspaceFolder: undefined, envPath: path.join(tmp, "b", "bin") });
  assert.deepEqual(r, { ok: true, command: bundled, origin: "bundled" });
});

test("PATH is searched last, skipping non-executables", () => {
  const d1 = path.join(tmp, "c", "d1");
  fs.mkdirSync(d1, { recursive: true });
  fs.writeFileSync(path.join(d1, "cio-lsp"), "not executable");
  const onPath = exe(path.join(tmp, "c", "d2"));
  const r = locateServer({ configuredPath: "  ", extensionPath: path.join(tmp, "c", "ext"), workspaceFolder: undefined, envPath: [d1, path.join(tmp, "c", "d2")].join(path.delimiter) });
  assert.deepEqual(r, { ok: true, command: onPath, origin: "path" });
});

test("nothing found: the error names the setting", () => {
  const r = locateServer({ configuredPath: "", extensionPath: path.join(tmp, "d", "ext"), workspaceFolder: undefined, envPath: path.join(tmp, "d", "empty") });
  assert.equal(r.ok, false);
  assert.match(r.message, /cioLsp\.server\.path/);
  assert.match(r.message, /PATH/);
});

test("package.json contributes the documented settings and commands", () => {
  const pkg = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  const props = pkg.contributes.configuration.properties;
  for (const key of ["cioLsp.enable", "cioLsp.server.path", "cioLsp.rules", "cioLsp.eventNameStyle", "cioLsp.trace.server"]) {
    assert.ok(props[key], key);
  }
  assert.deepEqual(props["cioLsp.eventNameStyle"].enum, ["snake_case", "Title Case", "camelCase"]);
  const commands = pkg.contributes.commands.map((c) => c.command).sort();
  assert.deepEqual(commands, ["cioLsp.fixAll", "cioLsp.restartServer", "cioLsp.showOutput"]);
  for (const lang of ["javascript", "javascriptreact", "typescript", "typescriptreact"]) {
    assert.ok(pkg.activationEvents.includes(`onLanguage:${lang}`), lang);
  }
  assert.ok(pkg.activationEvents.includes("workspaceContains:**/cio-lsp.toml"));
});
