// Copies the release build of cio-lsp into server/ so that `vsce package` bundles it.
// Source: $CIO_LSP_SERVER if set, else <repo>/target/release/cio-lsp.
import * as fs from "node:fs";
import * as path from "node:path";
import { fileURLToPath } from "node:url";

const here = path.dirname(fileURLToPath(import.meta.url));
const extRoot = path.resolve(here, "..");
const exe = process.platform === "win32" ? "cio-lsp.exe" : "cio-lsp";
const src = process.env.CIO_LSP_SERVER
  ? path.resolve(process.env.CIO_LSP_SERVER)
  : path.resolve(extRoot, "..", "..", "target", "release", exe);
const destDir = path.join(extRoot, "server");
const dest = path.join(destDir, exe);

if (!fs.existsSync(src)) {
  console.error(
    `copy-server: ${src} does not exist. Build the server first with "cargo build --release" ` +
      `at the repository root, or point CIO_LSP_SERVER at a cio-lsp binary.`,
  );
  process.exit(1);
}
fs.mkdirSync(destDir, { recursive: true });
fs.copyFileSync(src, dest);
fs.chmodSync(dest, 0o755);
console.log(`copy-server: ${path.relative(process.cwd(), src)} -> ${path.relative(process.cwd(), dest)}`);
