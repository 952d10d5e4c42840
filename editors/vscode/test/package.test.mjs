// Packaging refuses to make a server-less extension (scripts/package.mjs). The packaged .vsix
// itself is checked by editors/test/vscode-e2e/check_vsix.py and installed by the e2e test.
import { test } from "node:test";
import assert from "node:assert/strict";
import { spawnSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
const packageScript = path.join(root, "scripts", "package.mjs");

function packageWith(...args) {
  return spawnSync(process.execPath, [packageScript, ...args], { cwd: root, encoding: "utf8", env: { ...process.env, CIO_LSP_SERVER: "" } });
}

test("packaging without a server binary fails and says how to build one", () => {
  const r = packageWith("--binary", path.join(root, "no-such-dir", "cio-lsp"), "--out", path.join(root, "no-such-dir", "x.vsix"));
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no cio-lsp binary at .*no-such-dir/);
  assert.match(r.stderr, /cargo build --release/);
});

test("a target without a cio-lsp build is refused", () => {
  const r = packageWith("--target", "alpine-x64");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /no cio-lsp build for the VS Code target alpine-x64; known: linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64/);
});

test("`vsce package` alone is refused by vscode:prepublish", () => {
  const { scripts } = JSON.parse(fs.readFileSync(path.join(root, "package.json"), "utf8"));
  assert.equal(scripts["vscode:prepublish"], "node scripts/package.mjs --refuse");
  const r = packageWith("--refuse");
  assert.equal(r.status, 1);
  assert.match(r.stderr, /npm run package/);
});
