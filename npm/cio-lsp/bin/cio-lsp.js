#!/usr/bin/env node
"use strict";
// Runs the cio-lsp binary of this platform, installed by npm as one of this package's
// optionalDependencies (@cio-lsp/<platform>), with the same arguments, standard streams and
// exit status. CIO_LSP_BINARY names another binary to run instead.

const { spawn } = require("node:child_process");
const fs = require("node:fs");
const path = require("node:path");
const { executableName, platformFor } = require("../lib/platforms.js");

function fail(message) {
  process.stderr.write(`${message}\n`);
  // 2: cio-lsp's exit code for "could not run", as opposed to 1 for findings.
  process.exit(2);
}

function sameFile(a, b) {
  try {
    return fs.realpathSync(a) === fs.realpathSync(b);
  } catch {
    return false;
  }
}

function binaryPath() {
  const override = process.env.CIO_LSP_BINARY;
  if (override) {
    // Pointing it at this launcher (or its node_modules/.bin link) would start launchers forever.
    if (sameFile(override, __filename)) {
      fail(`cio-lsp: CIO_LSP_BINARY (${override}) is this launcher; point it at a cio-lsp binary`);
    }
    return override;
  }
  const platform = platformFor();
  if (platform instanceof Error) {
    fail(platform.message);
  }
  try {
    const manifest = require.resolve(`${platform.package}/package.json`);
    return path.join(path.dirname(manifest), "bin", executableName(platform.os));
  } catch {
    fail(
      `cio-lsp: the package ${platform.package}, which holds the binary for this platform, is not ` +
        `installed. npm installs it as an optional dependency of cio-lsp: reinstall without ` +
        `--no-optional / --omit=optional (and with the lockfile made on a machine that allowed it), ` +
        `or add ${platform.package} to your devDependencies.`,
    );
  }
  return undefined;
}

const child = spawn(binaryPath(), process.argv.slice(2), { stdio: "inherit", windowsHide: true });

// An editor or CI stopping the launcher stops the server or checker behind it too.
for (const signal of ["SIGINT", "SIGTERM", "SIGHUP"]) {
  process.on(signal, () => {
    if (child.exitCode === null && child.signalCode === null) {
      child.kill(signal);
    }
  });
}

child.on("error", (error) => fail(`cio-lsp: could not start ${child.spawnfile}: ${error.message}`));
child.on("exit", (code, signal) => {
  if (signal) {
    // Die of the same signal, so that the caller sees what the binary saw.
    process.removeAllListeners(signal);
    process.kill(process.pid, signal);
    return;
  }
  process.exit(code ?? 2);
});
