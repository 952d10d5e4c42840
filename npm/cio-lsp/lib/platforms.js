"use strict";
// The platforms cio-lsp ships a binary for, and how a running Node.js finds the one it needs.
// One table for the launcher (bin/cio-lsp.js), the package builder (npm/build.mjs), the VS Code
// packager and the release workflow's matrix (checked by npm/test/packages.test.mjs).

/** Keyed by `${process.platform}-${process.arch}`. */
const PLATFORMS = {
  "linux-x64": {
    package: "@cio-lsp/linux-x64-gnu",
    rustTarget: "x86_64-unknown-linux-gnu",
    vscodeTarget: "linux-x64",
    os: "linux",
    cpu: "x64",
    libc: "glibc",
  },
  "linux-arm64": {
    package: "@cio-lsp/linux-arm64-gnu",
    rustTarget: "aarch64-unknown-linux-gnu",
    vscodeTarget: "linux-arm64",
    os: "linux",
    cpu: "arm64",
    libc: "glibc",
  },
  "darwin-x64": {
    package: "@cio-lsp/darwin-x64",
    rustTarget: "x86_64-apple-darwin",
    vscodeTarget: "darwin-x64",
    os: "darwin",
    cpu: "x64",
  },
  "darwin-arm64": {
    package: "@cio-lsp/darwin-arm64",
    rustTarget: "aarch64-apple-darwin",
    vscodeTarget: "darwin-arm64",
    os: "darwin",
    cpu: "arm64",
  },
  "win32-x64": {
    package: "@cio-lsp/win32-x64",
    rustTarget: "x86_64-pc-windows-msvc",
    vscodeTarget: "win32-x64",
    os: "win32",
    cpu: "x64",
  },
};

const SOURCE_INSTALL =
  "Build it from source instead (Rust toolchain): `cargo install --git <repository> cio-lsp`, " +
  "then point CIO_LSP_BINARY at the binary or put it on PATH.";

/** The executable's file name inside a platform package. */
function executableName(os) {
  return os === "win32" ? "cio-lsp.exe" : "cio-lsp";
}

/** True when this Linux runs on glibc (the linux-* packages are built against it). */
function hasGlibc(report = process.report) {
  try {
    return Boolean(report && report.getReport().header.glibcVersionRuntime);
  } catch {
    return false;
  }
}

/**
 * The platform entry for this process, or an Error that says why there is none.
 * `host` defaults to the running process; tests pass other values.
 */
function platformFor(host = { platform: process.platform, arch: process.arch, glibc: undefined }) {
  const key = `${host.platform}-${host.arch}`;
  const entry = PLATFORMS[key];
  if (!entry) {
    return new Error(
      `cio-lsp: no prebuilt binary for ${key}. Prebuilt binaries exist for ` +
        `${Object.keys(PLATFORMS).join(", ")}. ${SOURCE_INSTALL}`,
    );
  }
  const glibc = host.glibc === undefined ? host.platform !== "linux" || hasGlibc() : host.glibc;
  if (entry.libc === "glibc" && !glibc) {
    return new Error(
      `cio-lsp: the prebuilt ${key} binary needs glibc, and this system uses another C library ` +
        `(musl, as on Alpine Linux). ${SOURCE_INSTALL}`,
    );
  }
  return entry;
}

module.exports = { PLATFORMS, executableName, platformFor };
