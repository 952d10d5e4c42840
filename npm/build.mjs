#!/usr/bin/env node
// Builds the npm packages of cio-lsp from a release binary:
//   <out>/cio-lsp/            the launcher package `cio-lsp` (bin -> the platform binary)
//   <out>/<platform>-…/       the platform package `@cio-lsp/<platform>…` holding the binary
// and with --pack their tarballs in <out>/ (`npm pack`).
//
//   node npm/build.mjs [--platform linux-x64] [--binary PATH] [--out DIR] [--pack]
//
// --platform is a key of cio-lsp/lib/platforms.js (`${process.platform}-${process.arch}`),
// default this machine's. --binary defaults to target/<rust target>/release/cio-lsp, else (for
// this machine's platform) target/release/cio-lsp. Version, license, description and addresses
// come from the Cargo metadata. Prints the package folders (or tarballs), one a line.

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PLATFORMS, checkBinary, crateMetadata, defaultBinary, executableName, hostPlatformKey, parseFlags } from "./metadata.mjs";

const here = path.dirname(fileURLToPath(import.meta.url));

function parseArgs(argv) {
  const flags = parseFlags(argv, { "--platform": "value", "--binary": "value", "--out": "value", "--pack": "switch" });
  return {
    platform: flags.platform,
    binary: flags.binary && path.resolve(flags.binary),
    out: path.resolve(flags.out ?? path.join(here, "dist")),
    pack: flags.pack === true,
  };
}

function writeJson(file, value) {
  fs.writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);
}

/** The fields every package takes from the crate. */
function crateFields(crate) {
  return {
    version: crate.version,
    license: crate.license,
    homepage: crate.homepage,
    repository: { type: "git", url: `git+${crate.repository}.git` },
  };
}

function buildPlatformPackage(crate, key, binary, out) {
  const platform = PLATFORMS[key];
  const dir = path.join(out, platform.package.split("/")[1]);
  fs.rmSync(dir, { recursive: true, force: true });
  fs.mkdirSync(path.join(dir, "bin"), { recursive: true });
  const exe = path.join(dir, "bin", executableName(platform.os));
  fs.copyFileSync(binary, exe);
  fs.chmodSync(exe, 0o755);
  fs.copyFileSync(path.join(here, "cio-lsp", "LICENSE"), path.join(dir, "LICENSE"));
  fs.writeFileSync(
    path.join(dir, "README.md"),
    `# ${platform.package}\n\nThe ${key} binary of [cio-lsp](https://www.npmjs.com/package/cio-lsp). ` +
      "Install `cio-lsp`, which depends on this package on this platform, rather than this package.\n",
  );
  writeJson(path.join(dir, "package.json"), {
    name: platform.package,
    ...crateFields(crate),
    description: `The ${key} binary of cio-lsp`,
    os: [platform.os],
    cpu: [platform.cpu],
    ...(platform.libc ? { libc: [platform.libc] } : {}),
    files: ["bin/"],
    preferUnplugged: true,
  });
  return dir;
}

function buildLauncherPackage(crate, out) {
  const src = path.join(here, "cio-lsp");
  const dir = path.join(out, "cio-lsp");
  fs.rmSync(dir, { recursive: true, force: true });
  fs.cpSync(src, dir, { recursive: true });
  const template = JSON.parse(fs.readFileSync(path.join(src, "package.json"), "utf8"));
  const optionalDependencies = Object.fromEntries(Object.values(PLATFORMS).map((p) => [p.package, crate.version]));
  writeJson(path.join(dir, "package.json"), {
    name: template.name,
    ...crateFields(crate),
    description: crate.description,
    ...template,
    optionalDependencies,
  });
  return dir;
}

function pack(dir, out) {
  const json = execFileSync("npm", ["pack", "--json", "--pack-destination", out], { cwd: dir, encoding: "utf8" });
  return path.join(out, JSON.parse(json)[0].filename);
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  const key = args.platform ?? hostPlatformKey();
  if (!PLATFORMS[key]) throw new Error(`unknown platform ${key}; known: ${Object.keys(PLATFORMS).join(", ")}`);
  const crate = crateMetadata();
  const binary = args.binary ?? defaultBinary(key);
  checkBinary(binary, key, crate.version);
  fs.mkdirSync(args.out, { recursive: true });
  const dirs = [buildLauncherPackage(crate, args.out), buildPlatformPackage(crate, key, binary, args.out)];
  for (const dir of dirs) {
    console.log(args.pack ? pack(dir, args.out) : dir);
  }
}

try {
  main();
} catch (error) {
  console.error(`npm/build.mjs: ${error.message}`);
  process.exit(1);
}
