// The npm packages as a user gets them: build them from the release binary (npm/build.mjs), pack
// them, install the tarballs into a fresh project and run `npx cio-lsp check` and
// `npx cio-lsp serve` there. Run with `node --test npm/test/`; CIO_LSP_BIN names the binary to
// package (default: target/release/cio-lsp, which `cargo build --release` makes).
//
// npm talks to a closed loopback port instead of a registry: the four platform packages that do
// not match this machine are optional and stay uninstalled, and nothing leaves the machine.

import { test, before, after } from "node:test";
import assert from "node:assert/strict";
import { execFileSync, spawn, spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const npmDir = path.resolve(here, "..");
const root = path.resolve(npmDir, "..");
const require = createRequire(import.meta.url);
const { PLATFORMS, platformFor } = require("../cio-lsp/lib/platforms.js");
const binary = process.env.CIO_LSP_BIN
  ? path.resolve(process.env.CIO_LSP_BIN)
  : path.join(root, "target", "release", process.platform === "win32" ? "cio-lsp.exe" : "cio-lsp");
const OFFLINE = ["--registry", "http://127.0.0.1:9/", "--fetch-retries", "0", "--no-audit", "--no-fund", "--loglevel", "error"];

let tmp;
let tarballs;
let project;

function run(cmd, args, opts = {}) {
  return spawnSync(cmd, args, { encoding: "utf8", timeout: 120000, ...opts });
}

before(() => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), "cio-lsp-npm-test-"));
  const out = path.join(tmp, "dist");
  const built = run(process.execPath, [path.join(npmDir, "build.mjs"), "--binary", binary, "--out", out, "--pack"]);
  assert.equal(built.status, 0, `npm/build.mjs failed:\n${built.stdout}\n${built.stderr}`);
  tarballs = built.stdout.trim().split("\n");

  // A fresh project with the example project in it, as a new user's repository would be.
  project = path.join(tmp, "project");
  fs.mkdirSync(project);
  fs.writeFileSync(path.join(project, "package.json"), JSON.stringify({ name: "fresh", version: "1.0.0", private: true }));
  fs.cpSync(path.join(root, "examples"), path.join(project, "examples"), { recursive: true });
  const installed = run("npm", ["install", "--save-dev", ...OFFLINE, ...tarballs], { cwd: project });
  assert.equal(installed.status, 0, `npm install of the tarballs failed:\n${installed.stdout}\n${installed.stderr}`);
});

after(() => fs.rmSync(tmp, { recursive: true, force: true }));

test("the build makes the launcher and this platform's package, versioned like the crate", () => {
  const version = JSON.parse(execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1", "--offline"], { cwd: root, encoding: "utf8" }))
    .packages.find((p) => p.name === "cio-lsp").version;
  const host = platformFor();
  const names = tarballs.map((t) => path.basename(t)).sort();
  assert.deepEqual(names, [`cio-lsp-${version}.tgz`, `${host.package.replace("@", "").replace("/", "-")}-${version}.tgz`].sort());
  const launcher = JSON.parse(fs.readFileSync(path.join(project, "node_modules", "cio-lsp", "package.json"), "utf8"));
  assert.equal(launcher.version, version);
  assert.deepEqual(launcher.bin, { "cio-lsp": "bin/cio-lsp.js" });
  assert.deepEqual(Object.keys(launcher.optionalDependencies).sort(), Object.values(PLATFORMS).map((p) => p.package).sort());
  for (const v of Object.values(launcher.optionalDependencies)) assert.equal(v, version);
  const platformPkg = JSON.parse(fs.readFileSync(path.join(project, "node_modules", ...host.package.split("/"), "package.json"), "utf8"));
  assert.deepEqual([platformPkg.os, platformPkg.cpu], [[host.os], [host.cpu]]);
  assert.equal(platformPkg.version, version);
});

test("npx cio-lsp check finds the example project's 40 problems, in examples/ and from the root", () => {
  for (const target of ["examples/", "."]) {
    const r = run("npx", ["--no-install", "cio-lsp", "check", target, "--format", "json"], { cwd: project });
    assert.equal(r.status, 1, `exit code of check ${target} (error findings): ${r.stderr}`);
    const report = JSON.parse(r.stdout);
    assert.equal(report.findings.length, 40, `check ${target}`);
    assert.ok(report.findings.every((f) => f.path.startsWith("examples/") && !f.path.includes("node_modules")));
  }
});

// Content-Length framed JSON-RPC over the child's stdio.
function lspSession(child) {
  let buffer = Buffer.alloc(0);
  const waiting = new Map();
  child.stdout.on("data", (chunk) => {
    buffer = Buffer.concat([buffer, chunk]);
    for (;;) {
      const headerEnd = buffer.indexOf("\r\n\r\n");
      if (headerEnd < 0) return;
      const length = Number(/Content-Length: (\d+)/i.exec(buffer.subarray(0, headerEnd).toString())[1]);
      if (buffer.length < headerEnd + 4 + length) return;
      const message = JSON.parse(buffer.subarray(headerEnd + 4, headerEnd + 4 + length).toString());
      buffer = buffer.subarray(headerEnd + 4 + length);
      if (message.id !== undefined && waiting.has(message.id)) {
        waiting.get(message.id)(message);
        waiting.delete(message.id);
      }
    }
  });
  let nextId = 1;
  const send = (message) => {
    const body = JSON.stringify({ jsonrpc: "2.0", ...message });
    child.stdin.write(`Content-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
  };
  return {
    request(method, params) {
      const id = nextId++;
      const reply = new Promise((resolve) => waiting.set(id, resolve));
      send({ id, method, params });
      return reply;
    },
    notify: (method, params) => send({ method, params }),
  };
}

const exited = (child) => new Promise((resolve) => child.on("exit", (code, signal) => resolve({ code, signal })));

test("npx cio-lsp serve answers initialize and shuts down cleanly", { timeout: 60000 }, async () => {
  const child = spawn("npx", ["--no-install", "cio-lsp", "serve"], { cwd: project, stdio: ["pipe", "pipe", "inherit"] });
  const done = exited(child);
  const lsp = lspSession(child);
  const init = await lsp.request("initialize", { processId: process.pid, rootUri: `file://${project}`, capabilities: {} });
  assert.equal(init.result.serverInfo.name, "cio-lsp");
  assert.ok(init.result.capabilities.codeActionProvider, "code actions are offered");
  lsp.notify("initialized", {});
  const shutdown = await lsp.request("shutdown", null);
  assert.equal(shutdown.result, null);
  lsp.notify("exit", null);
  assert.deepEqual(await done, { code: 0, signal: null });
});

test("stopping the launcher stops the server behind it", { timeout: 60000 }, async () => {
  const launcher = path.join(project, "node_modules", ".bin", "cio-lsp");
  const child = spawn(launcher, ["serve"], { cwd: project, stdio: ["pipe", "pipe", "inherit"] });
  const done = exited(child);
  const lsp = lspSession(child);
  await lsp.request("initialize", { processId: null, rootUri: null, capabilities: {} });
  child.kill("SIGTERM");
  // The launcher only exits once the binary has, and then with the binary's signal.
  assert.deepEqual(await done, { code: null, signal: "SIGTERM" });
});

test("a missing platform package and an unsupported platform get a clear message", () => {
  const lone = path.join(tmp, "lone");
  fs.cpSync(path.join(project, "node_modules", "cio-lsp"), lone, { recursive: true });
  const r = run(process.execPath, [path.join(lone, "bin", "cio-lsp.js"), "--version"], { cwd: tmp });
  assert.equal(r.status, 2);
  assert.match(r.stderr, new RegExp(`the package ${platformFor().package.replace("/", "\\/")}.*is not installed`));
  assert.match(r.stderr, /--omit=optional/);

  const freebsd = platformFor({ platform: "freebsd", arch: "x64" });
  assert.ok(freebsd instanceof Error);
  assert.match(freebsd.message, /no prebuilt binary for freebsd-x64/);
  assert.match(freebsd.message, /linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64/);
  assert.match(freebsd.message, /cargo install/);
  const musl = platformFor({ platform: "linux", arch: "x64", glibc: false });
  assert.ok(musl instanceof Error);
  assert.match(musl.message, /needs glibc/);
  assert.equal(platformFor({ platform: "darwin", arch: "arm64" }).package, "@cio-lsp/darwin-arm64");
});

test("CIO_LSP_BINARY runs another binary, but never the launcher itself", () => {
  const launcher = path.join(project, "node_modules", ".bin", "cio-lsp");
  const r = run(launcher, ["--version"], { cwd: project, env: { ...process.env, CIO_LSP_BINARY: binary } });
  assert.equal(r.status, 0, r.stderr);
  assert.match(r.stdout, /^cio-lsp \d+\.\d+\.\d+/);
  const loop = run(launcher, ["--version"], { cwd: project, env: { ...process.env, CIO_LSP_BINARY: launcher }, timeout: 20000 });
  assert.equal(loop.status, 2, loop.stderr);
  assert.match(loop.stderr, /CIO_LSP_BINARY .* is this launcher/);
});
