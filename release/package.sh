#!/usr/bin/env bash
# Builds everything a release ships for one platform into dist/:
#   dist/cio-lsp-<version>-<rust target>.tar.gz (.zip on Windows)  the binary, README, LICENSE
#   dist/npm/*.tgz                                                   the npm packages (npm/build.mjs)
#   dist/vsix/cio-lsp-<vscode target>-<version>.vsix                 the VS Code extension
#
#   release/package.sh [PLATFORM] [--binary PATH]
#
# PLATFORM is a key of npm/cio-lsp/lib/platforms.js (linux-x64, linux-arm64, darwin-x64,
# darwin-arm64, win32-x64), default this machine's. Without --binary it builds the shipped binary
# with `cargo build --profile dist --locked --target <rust target>` first (the release profile
# with whole-program LTO, see Cargo.toml). The release workflow runs
# this once per platform; run it here to make the current platform's files the same way.
set -euo pipefail

root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
cd "$root"

platform="" binary=""
while [ $# -gt 0 ]; do
  case "$1" in
    --binary) binary="$(cd "$(dirname "$2")" && pwd)/$(basename "$2")"; shift 2 ;;
    -*) echo "release/package.sh: unknown option $1" >&2; exit 2 ;;
    *) platform="$1"; shift ;;
  esac
done

# The platform table is npm/cio-lsp/lib/platforms.js; read what this script needs from it.
platform_field() {
  # shellcheck disable=SC2016 # JavaScript, not shell, inside the quotes
  node -e '
    const { PLATFORMS, platformFor } = require("./npm/cio-lsp/lib/platforms.js");
    const key = process.argv[1] || Object.keys(PLATFORMS).find((k) => PLATFORMS[k] === platformFor());
    const entry = PLATFORMS[key];
    if (!entry) { console.error(`unknown platform ${key}`); process.exit(2); }
    console.log(process.argv[2] === "key" ? key : entry[process.argv[2]]);
  ' "$platform" "$1"
}
platform="$(platform_field key)"
rust_target="$(platform_field rustTarget)"
vscode_target="$(platform_field vscodeTarget)"
exe=cio-lsp
[ "$(platform_field os)" = win32 ] && exe=cio-lsp.exe
version="$(cargo metadata --no-deps --format-version 1 --offline |
  node -e 'let s="";process.stdin.on("data",d=>s+=d).on("end",()=>console.log(JSON.parse(s).packages.find(p=>p.name==="cio-lsp").version))')"

echo "== cio-lsp $version for $platform ($rust_target)"
if [ -z "$binary" ]; then
  cargo build --profile dist --locked --target "$rust_target" --bin cio-lsp
  binary="$root/target/$rust_target/dist/$exe"
fi

dist="$root/dist"
mkdir -p "$dist/npm" "$dist/vsix"

echo "== archive"
stage="$(mktemp -d)"
trap 'rm -rf "$stage"' EXIT
name="cio-lsp-$version-$rust_target"
mkdir "$stage/$name"
cp "$binary" "$stage/$name/$exe"
cp README.md "$stage/$name/"
cp npm/cio-lsp/LICENSE "$stage/$name/"
if [ "$exe" = cio-lsp.exe ]; then
  (cd "$stage" && 7z a -tzip "$dist/$name.zip" "$name" >/dev/null)
else
  tar -C "$stage" -czf "$dist/$name.tar.gz" "$name"
fi

echo "== npm packages"
node npm/build.mjs --platform "$platform" --binary "$binary" --out "$stage/npm" --pack >"$stage/tarballs"
while read -r tarball; do cp "$tarball" "$dist/npm/"; done <"$stage/tarballs"

echo "== VS Code extension"
(cd editors/vscode && npm ci --no-audit --no-fund && npm run typecheck && node esbuild.mjs --production &&
  node scripts/package.mjs --target "$vscode_target" --binary "$binary" --out "$dist/vsix/cio-lsp-$vscode_target-$version.vsix")

echo "== done"
ls -l "$dist"/"$name".* "$dist"/npm/*"$version".tgz "$dist/vsix/cio-lsp-$vscode_target-$version.vsix"
