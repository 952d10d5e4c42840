#!/usr/bin/env bash
# Tests of how cio-lsp ships beyond the binary: the GitHub Action (action.yml, its steps run here),
# the pre-commit hook (in a real pre-commit, on a temporary git repository), the SARIF report
# (Microsoft's SARIF Multitool) and the lint of what only GitHub can run (the release workflow,
# the README's example workflow).
#
# Installs its tools inside tests/shipping/.cache and tests/shipping/node_modules (a venv with
# pre-commit and actionlint from PyPI; action-validator and the SARIF Multitool from npm),
# and shellcheck from Debian, installed only in CI (CI=true, as root). Builds the npm tarballs
# from the release binary ($CIO_LSP_BIN, default target/release/cio-lsp, built when missing).
# Each test prints ok / not ok lines and a closing `N passed, N failed`; the script exits
# non-zero when one failed.
set -uo pipefail

here="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
root="$(cd "$here/../.." && pwd)"
cache="$here/.cache"
mkdir -p "$cache"
export npm_config_cache="$cache/npm" npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false

say() { printf '[shipping] %s\n' "$*"; }
die() { say "$*"; echo "shipping: 0 passed, 1 failed"; exit 1; }
stamp_ok() { [ -f "$1/.cio-stamp" ] && [ "$(cat "$1/.cio-stamp")" = "$(sha256sum "$2" | cut -d' ' -f1)" ]; }
stamp_write() { sha256sum "$2" | cut -d' ' -f1 >"$1/.cio-stamp"; }

t0=$SECONDS
venv="$cache/venv"
if ! { [ -x "$venv/bin/python" ] && stamp_ok "$venv" "$here/requirements.txt"; }; then
  say "venv: pip install -r requirements.txt"
  rm -rf "$venv"
  { python3 -m venv "$venv" && "$venv/bin/pip" install -q --disable-pip-version-check -r "$here/requirements.txt"; } ||
    die "could not install the Python tools (requirements.txt)"
  stamp_write "$venv" "$here/requirements.txt"
fi
if ! { [ -d "$here/node_modules" ] && stamp_ok "$here/node_modules" "$here/package-lock.json"; }; then
  say "npm ci (action-validator)"
  (cd "$here" && npm ci --loglevel error) || die "npm ci in tests/shipping failed"
  stamp_write "$here/node_modules" "$here/package-lock.json"
fi
# The Multitool's own postinstall (not run: npm runs no install scripts here) makes it executable.
chmod u+x "$here/node_modules/@microsoft/sarif-multitool-linux/Sarif.Multitool" 2>/dev/null
if ! command -v shellcheck >/dev/null 2>&1 && [ "${CI:-}" = true ] && [ "$(id -u)" -eq 0 ]; then
  say "apt-get install shellcheck"
  { apt-get install -y -q --no-install-recommends shellcheck || { apt-get update -q && apt-get install -y -q --no-install-recommends shellcheck; }; } >"$cache/apt.log" 2>&1 ||
    say "apt-get install shellcheck failed (see $cache/apt.log)"
fi

binary="${CIO_LSP_BIN:-$root/target/release/cio-lsp}"
if [ -z "${CIO_LSP_BIN:-}" ]; then
  cargo build --release --locked --bin cio-lsp --manifest-path "$root/Cargo.toml" -q || die "cargo build --release failed"
fi
[ -x "$binary" ] || die "no cio-lsp binary at $binary"
binary="$(cd "$(dirname "$binary")" && pwd)/$(basename "$binary")"
tarballs="$(node "$root/npm/build.mjs" --binary "$binary" --out "$cache/npm-packages" --pack)" ||
  die "npm/build.mjs failed"
launcher="$(grep -v -- '-gnu-\|darwin-\|win32-' <<<"$tarballs")"
platform="$(grep -- '-gnu-\|darwin-\|win32-' <<<"$tarballs")"
say "setup: $((SECONDS - t0))s"

failed=0
for test in test_lint test_sarif test_action test_pre_commit; do
  t=$SECONDS
  case "$test" in
    test_lint) args=("$root" "$here/node_modules/.bin/action-validator") ;;
    test_sarif) args=("$root" "$binary" "$here/node_modules/.bin/sarif-multitool") ;;
    test_action) args=("$root" "$binary" "$launcher" "$platform") ;;
    test_pre_commit) args=("$root" "$launcher" "$platform") ;;
  esac
  (cd "$here" && "$venv/bin/python" "$test.py" "${args[@]}") || failed=$((failed + 1))
  say "$test: $((SECONDS - t))s"
done
say "shipping tests finished in $((SECONDS - t0))s"
[ "$failed" -eq 0 ]
