#!/usr/bin/env bash
# The steps of the cio-lsp GitHub Action (action.yml at the repository root), one per command:
#
#   run.sh install    install cio-lsp from npm (or take $CIO_ACTION_BINARY); output `binary`
#   run.sh check      run `cio-lsp check`; outputs `exit-code` and `sarif-file`; never fails
#                     itself, so that the SARIF upload runs before the verdict
#   run.sh conclude   fail when the check's exit code calls for it under the fail level
#
# Inputs come as CIO_ACTION_* environment variables (action.yml maps them), outputs go to
# $GITHUB_OUTPUT. Everything here runs outside GitHub too: action/test.py runs these steps.
set -euo pipefail

action_root="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"

output() { echo "$1=$2" >>"${GITHUB_OUTPUT:?GITHUB_OUTPUT is not set}"; }
fail() { echo "::error title=cio-lsp::$*"; exit 2; }

# The version of this action: its Cargo.toml, whose first `version` is the workspace's.
action_version() {
  sed -n 's/^version *= *"\([^"]*\)".*/\1/p' "$action_root/Cargo.toml" | head -n 1
}

install() {
  if [ -n "${CIO_ACTION_BINARY:-}" ]; then
    [ -x "$CIO_ACTION_BINARY" ] || fail "the cio-lsp input ($CIO_ACTION_BINARY) is not an executable"
    output binary "$CIO_ACTION_BINARY"
    return
  fi
  local version="${CIO_ACTION_VERSION:-}" specs=()
  [ -n "$version" ] || version="$(action_version)"
  case "$version" in
    # npm package specs (tarballs, a fork): installed as given.
    */* | *.tgz | *" "*) read -ra specs <<<"$version" ;;
    *) specs=("cio-lsp@$version") ;;
  esac
  local prefix="${RUNNER_TEMP:?RUNNER_TEMP is not set}/cio-lsp"
  mkdir -p "$prefix"
  echo "Installing ${specs[*]} from npm"
  npm install --prefix "$prefix" --no-save --no-audit --no-fund --loglevel error "${specs[@]}" ||
    fail "npm install ${specs[*]} failed"
  local binary="$prefix/node_modules/.bin/cio-lsp"
  "$binary" --version || fail "the installed cio-lsp does not run on this runner"
  output binary "$binary"
}

check() {
  local binary="${CIO_ACTION_BINARY:?the install step gave no binary}"
  local format="${CIO_ACTION_FORMAT:-github}" fail_level="${CIO_ACTION_FAIL_LEVEL:-error}"
  local paths=() extra=()
  read -ra paths -d '' <<<"${CIO_ACTION_PATHS:-.}" || true
  [ "${#paths[@]}" -gt 0 ] || paths=(.)
  read -ra extra <<<"${CIO_ACTION_ARGS:-}" || true
  local args=(check "${paths[@]}" --format "$format" --no-progress "${extra[@]}")
  case "$format" in
    github) ;;
    sarif)
      local sarif="${CIO_ACTION_SARIF_FILE:-cio-lsp.sarif}"
      args+=(--output "$sarif")
      ;;
    *) fail "format must be github or sarif, not $format" ;;
  esac
  case "$fail_level" in
    error | none) ;;
    warning) args+=(--deny-warnings) ;;
    *) fail "fail-level must be error, warning or none, not $fail_level" ;;
  esac
  echo "$binary ${args[*]}"
  local code=0
  "$binary" "${args[@]}" || code=$?
  output exit-code "$code"
  if [ "$format" = sarif ] && [ -f "$sarif" ]; then
    output sarif-file "$sarif"
  fi
}

conclude() {
  local code="${CIO_ACTION_EXIT_CODE:-}" fail_level="${CIO_ACTION_FAIL_LEVEL:-error}"
  case "$code" in
    0) echo "cio-lsp: no findings at fail level $fail_level" ;;
    1)
      if [ "$fail_level" = none ]; then
        echo "cio-lsp: findings reported (fail-level none: not failing)"
      else
        echo "::error title=cio-lsp::findings at fail level $fail_level (see the annotations or code scanning)"
        exit 1
      fi
      ;;
    *) fail "cio-lsp check could not run (exit code ${code:-missing})" ;;
  esac
}

case "${1:-}" in
  install | check | conclude) "$1" ;;
  *) echo "usage: $0 install|check|conclude" >&2; exit 2 ;;
esac
