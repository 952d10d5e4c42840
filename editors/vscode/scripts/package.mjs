// Builds the platform-specific .vsix of the extension with the release build of cio-lsp inside:
//
//   npm run package -- [--target linux-x64] [--binary PATH] [--out FILE]
//
// --target is a VS Code platform (linux-x64, linux-arm64, darwin-x64, darwin-arm64, win32-x64),
// default this machine's. --binary (or $CIO_LSP_SERVER) defaults to the repository's
// target/<rust target>/release/cio-lsp, else target/release/cio-lsp. Without a binary it fails:
// an extension without its server would install and then do nothing.
//
// The extension is staged in a temporary folder (package.json with the crate's version and
// addresses, the bundle, the docs, server/cio-lsp) and packed there with `vsce package --target`.
// With --refuse it only explains that `vsce package` alone is not the way (vscode:prepublish).

import { execFileSync } from "node:child_process";
import * as fs from "node:fs";
import * as os from "node:os";
import * as path from "node:path";
import { fileURLToPath } from "node:url";
import { PLATFORMS, checkBinary, crateMetadata, defaultBinary, executableName, hostPlatformKey, parseFlags } from "../../../npm/metadata.mjs";

const extRoot = path.resolve(path.dirname(fileURLToPath(import.meta.url)), "..");

function parseArgs(argv) {
  const flags = parseFlags(argv, { "--target": "value", "--binary": "value", "--out": "value", "--refuse": "switch" });
  return {
    ...flags,
    binary: flags.binary && path.resolve(flags.binary),
    out: flags.out && path.resolve(flags.out),
  };
}

function platformOf(vscodeTarget) {
  const key = Object.keys(PLATFORMS).find((k) => PLATFORMS[k].vscodeTarget === vscodeTarget);
  if (!key) {
    const known = Object.values(PLATFORMS).map((p) => p.vscodeTarget).join(", ");
    throw new Error(`no cio-lsp build for the VS Code target ${vscodeTarget}; known: ${known}`);
  }
  return key;
}

/** The extension's manifest as shipped: the crate's version and addresses, no build scripts. */
function shippedManifest(crate) {
  const manifest = JSON.parse(fs.readFileSync(path.join(extRoot, "package.json"), "utf8"));
  for (const buildOnly of ["scripts", "devDependencies", "allowScripts"]) delete manifest[buildOnly];
  return {
    ...manifest,
    version: crate.version,
    homepage: crate.homepage,
    repository: { type: "git", url: `${crate.repository}.git` },
    bugs: { url: `${crate.repository}/issues` },
  };
}

function stage(crate, key, binary) {
  const bundle = path.join(extRoot, "dist", "extension.js");
  if (!fs.existsSync(bundle)) throw new Error(`${bundle} is missing: run \`npm run build\` first`);
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), "cio-lsp-vsix-"));
  fs.mkdirSync(path.join(dir, "dist"));
  fs.copyFileSync(bundle, path.join(dir, "dist", "extension.js"));
  for (const doc of ["README.md", "CHANGELOG.md", "LICENSE", ".vscodeignore"]) {
    fs.copyFileSync(path.join(extRoot, doc), path.join(dir, doc));
  }
  fs.writeFileSync(path.join(dir, "package.json"), `${JSON.stringify(shippedManifest(crate), null, 2)}\n`);
  fs.mkdirSync(path.join(dir, "server"));
  const server = path.join(dir, "server", executableName(PLATFORMS[key].os));
  fs.copyFileSync(binary, server);
  fs.chmodSync(server, 0o755);
  return dir;
}

function main() {
  const args = parseArgs(process.argv.slice(2));
  if (args.refuse) {
    throw new Error(
      "package the extension with `npm run package`: it bundles the cio-lsp server for one platform " +
        "(`vsce package` alone would make an extension without its server)",
    );
  }
  const key = args.target ? platformOf(args.target) : hostPlatformKey();
  const target = PLATFORMS[key].vscodeTarget;
  const crate = crateMetadata();
  const binary = args.binary ?? (process.env.CIO_LSP_SERVER ? path.resolve(process.env.CIO_LSP_SERVER) : defaultBinary(key));
  checkBinary(binary, key, crate.version);
  const out = args.out ?? path.join(extRoot, `cio-lsp-${target}.vsix`);
  const dir = stage(crate, key, binary);
  try {
    const vsce = path.join(extRoot, "node_modules", ".bin", process.platform === "win32" ? "vsce.cmd" : "vsce");
    execFileSync(vsce, ["package", "--no-dependencies", "--target", target, "--out", out], {
      cwd: dir,
      stdio: "inherit",
      shell: process.platform === "win32",
    });
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
  const mb = (fs.statSync(out).size / 1024 / 1024).toFixed(1);
  console.log(`package: ${path.relative(process.cwd(), out)} (${target}, ${mb} MB, server from ${binary})`);
}

try {
  main();
} catch (error) {
  console.error(`package: ${error.message}`);
  process.exit(1);
}
