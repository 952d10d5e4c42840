// What the packaging scripts (npm/build.mjs, editors/vscode/scripts/package.mjs) share: the crate's
// metadata, the one source of the packages' version and addresses, and this machine's platform.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { createRequire } from "node:module";
import { fileURLToPath } from "node:url";

export const repositoryRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");
export const { PLATFORMS, executableName, platformFor } = createRequire(import.meta.url)("./cio-lsp/lib/platforms.js");

/** The cio-lsp crate's metadata (version, license, description, repository, homepage). */
export function crateMetadata() {
  const json = execFileSync("cargo", ["metadata", "--no-deps", "--format-version", "1", "--offline"], {
    cwd: repositoryRoot,
    encoding: "utf8",
  });
  const crate = JSON.parse(json).packages.find((p) => p.name === "cio-lsp");
  if (!crate) throw new Error("cargo metadata lists no cio-lsp package");
  for (const field of ["version", "license", "description", "repository", "homepage"]) {
    if (!crate[field]) throw new Error(`Cargo.toml sets no ${field} for cio-lsp`);
  }
  return crate;
}

/** This machine's key in PLATFORMS; throws (with the launcher's message) where there is none. */
export function hostPlatformKey() {
  const host = platformFor();
  if (host instanceof Error) throw host;
  return Object.keys(PLATFORMS).find((key) => PLATFORMS[key] === host);
}

/**
 * The release binary for a platform: target/<rust target>/release/cio-lsp (cross or
 * `--target` builds), else, for this machine's platform, target/release/cio-lsp.
 */
export function defaultBinary(key) {
  const platform = PLATFORMS[key];
  const exe = executableName(platform.os);
  const targeted = path.join(repositoryRoot, "target", platform.rustTarget, "release", exe);
  if (key !== hostPlatformKey()) return targeted;
  const plain = path.join(repositoryRoot, "target", "release", exe);
  return fs.existsSync(targeted) ? targeted : plain;
}

/**
 * Refuses a binary that is missing, or (when it runs here) that reports another version than
 * the crate's: a package must never ship without its binary or with a stale one.
 */
export function checkBinary(binary, key, version) {
  if (!fs.existsSync(binary)) {
    throw new Error(`no cio-lsp binary at ${binary}: build it with \`cargo build --release\` (or name one)`);
  }
  if (key !== hostPlatformKey()) return;
  const reported = execFileSync(binary, ["--version"], { encoding: "utf8" }).trim();
  if (reported !== `cio-lsp ${version}`) {
    throw new Error(`${binary} reports "${reported}", the package is for cio-lsp ${version}: rebuild it`);
  }
}

/**
 * Command-line flags: `spec` maps each flag (`--out`) to "value" (it takes the next argument)
 * or "switch"; the result maps the flag's name without dashes (`out`) to its value or `true`.
 */
export function parseFlags(argv, spec) {
  const flags = {};
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i];
    const name = flag.replace(/^--/, "");
    if (spec[flag] === "switch") {
      flags[name] = true;
    } else if (spec[flag] === "value") {
      if (i + 1 >= argv.length) throw new Error(`${flag} needs a value`);
      flags[name] = argv[++i];
    } else {
      throw new Error(`unknown argument ${flag}`);
    }
  }
  return flags;
}
