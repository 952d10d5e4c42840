#!/usr/bin/env bash
# Writes DIR/SHA256SUMS: the SHA-256 of every release file under DIR (as `sha256sum -c` reads it).
#   release/checksums.sh dist
set -euo pipefail
dir="${1:?usage: release/checksums.sh DIR}"
cd "$dir"
sum() { if command -v sha256sum >/dev/null; then sha256sum "$@"; else shasum -a 256 "$@"; fi; }
files="$(find . -type f ! -name SHA256SUMS | sed 's|^\./||' | LC_ALL=C sort)"
sums="$(while read -r file; do sum "$file"; done <<<"$files")"
echo "$sums" >SHA256SUMS
cat SHA256SUMS
