// Locating the cio-lsp executable.
//
// Order: the `cioLsp.server.path` setting, then the binary bundled in the
// extension's `server/` folder, then `cio-lsp` on PATH.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const SERVER_PATH_SETTING = "cioLsp.server.path";

export type ServerLookup =
  | { ok: true; command: string; origin: "setting" | "bundled" | "path" }
  | { ok: false; message: string };

const EXE = process.platform === "win32" ? "cio-lsp.exe" : "cio-lsp";

function isExecutable(file: string): boolean {
  try {
    const st = fs.statSync(file);
    if (!st.isFile()) {
      return false;
    }
    if (process.platform === "win32") {
      return true;
    }
    fs.accessSync(file, fs.constants.X_OK);
    return true;
  } catch {
    return false;
  }
}

/** Expands `~` and `${workspaceFolder}` in a user-supplied path. */
export function expandPath(raw: string, workspaceFolder: string | undefined): string {
  let p = raw.trim();
  if (p === "~" || p.startsWith("~/") || p.startsWith("~\\")) {
    p = path.join(os.homedir(), p.slice(1));
  }
  if (workspaceFolder !== undefined) {
    p = p.split("${workspaceFolder}").join(workspaceFolder);
  }
  if (!path.isAbsolute(p) && workspaceFolder !== undefined) {
    p = path.join(workspaceFolder, p);
  }
  return p;
}

export function findOnPath(envPath: string | undefined): string | undefined {
  if (!envPath) {
    return undefined;
  }
  for (const dir of envPath.split(path.delimiter)) {
    if (!dir) {
      continue;
    }
    const candidate = path.join(dir, EXE);
    if (isExecutable(candidate)) {
      return candidate;
    }
  }
  return undefined;
}

export function locateServer(opts: {
  configuredPath: string;
  extensionPath: string;
  workspaceFolder: string | undefined;
  envPath: string | undefined;
}): ServerLookup {
  if (opts.configuredPath.trim() !== "") {
    const p = expandPath(opts.configuredPath, opts.workspaceFolder);
    if (isExecutable(p)) {
      return { ok: true, command: p, origin: "setting" };
    }
    return {
      ok: false,
      message:
        `cio-lsp: the server binary set in "${SERVER_PATH_SETTING}" (${p}) does not exist or is not executable. ` +
        `Fix the "${SERVER_PATH_SETTING}" setting, or clear it to use the bundled binary or cio-lsp on PATH.`,
    };
  }
  const bundled = path.join(opts.extensionPath, "server", EXE);
  if (isExecutable(bundled)) {
    return { ok: true, command: bundled, origin: "bundled" };
  }
  const onPath = findOnPath(opts.envPath);
  if (onPath !== undefined) {
    return { ok: true, command: onPath, origin: "path" };
  }
  return {
    ok: false,
    message:
      `cio-lsp: could not find the cio-lsp server. Set "${SERVER_PATH_SETTING}" to the path of the cio-lsp ` +
      `binary (build it with "cargo build --release"), or put cio-lsp on PATH.`,
  };
}
