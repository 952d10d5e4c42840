// Locating the cio-lsp executable.
//
// Order: the `cioLsp.server.path` setting, then the binary bundled in the extension's `server/`
// folder, then the workspace's npm install (`node_modules/.bin/cio-lsp`), then `cio-lsp` on PATH.

import * as fs from "fs";
import * as os from "os";
import * as path from "path";

export const SERVER_PATH_SETTING = "cioLsp.server.path";

export type ServerOrigin = "setting" | "bundled" | "node_modules" | "path";

export type ServerLookup =
  | { ok: true; command: string; origin: ServerOrigin }
  | { ok: false; message: string };

const EXE = process.platform === "win32" ? "cio-lsp.exe" : "cio-lsp";

/** How the output channel names where the server came from. */
export function describeOrigin(origin: ServerOrigin): string {
  switch (origin) {
    case "setting":
      return `the "${SERVER_PATH_SETTING}" setting`;
    case "bundled":
      return "the binary bundled with the extension";
    case "node_modules":
      return "the workspace's npm package (node_modules/.bin/cio-lsp)";
    case "path":
      return "PATH";
  }
}

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

function readJson(file: string): Record<string, unknown> | undefined {
  try {
    return JSON.parse(fs.readFileSync(file, "utf8"));
  } catch {
    return undefined;
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

/**
 * The cio-lsp of a workspace that installed the npm package: the platform binary npm put in
 * `node_modules/@cio-lsp/<platform>` (found through the launcher's optionalDependencies, so that
 * no Node.js is needed to start it), else the `node_modules/.bin/cio-lsp` launcher itself.
 */
export function findInNodeModules(workspaceFolder: string, platform = process.platform, arch = process.arch): string | undefined {
  const nodeModules = path.join(workspaceFolder, "node_modules");
  const launcher = path.join(nodeModules, ".bin", "cio-lsp");
  if (!fs.existsSync(launcher) && !fs.existsSync(`${launcher}.cmd`)) {
    return undefined;
  }
  const manifest = readJson(path.join(nodeModules, "cio-lsp", "package.json"));
  const platformPackages = Object.keys((manifest?.optionalDependencies as object | undefined) ?? {});
  for (const name of platformPackages) {
    const pkg = readJson(path.join(nodeModules, name, "package.json"));
    const os = pkg?.os as string[] | undefined;
    const cpu = pkg?.cpu as string[] | undefined;
    if (os?.includes(platform) && cpu?.includes(arch)) {
      const binary = path.join(nodeModules, name, "bin", platform === "win32" ? "cio-lsp.exe" : "cio-lsp");
      if (isExecutable(binary)) {
        return binary;
      }
    }
  }
  // The launcher needs `node` on PATH, and on Windows a shell for its .cmd shim: only where it runs as is.
  return platform !== "win32" && isExecutable(launcher) ? launcher : undefined;
}

/**
 * In a workspace VS Code does not trust (Restricted Mode, `trusted: false`), nothing the
 * workspace holds is run: no `node_modules` binary, and no configured path that points into the
 * workspace (relative, or through `${workspaceFolder}`); the bundled binary, a configured
 * absolute path from the user's own settings, then PATH.
 */
export function locateServer(opts: {
  configuredPath: string;
  extensionPath: string;
  workspaceFolders: readonly string[];
  envPath: string | undefined;
  trusted?: boolean;
}): ServerLookup {
  const trusted = opts.trusted ?? true;
  const firstFolder = opts.workspaceFolders[0];
  const configured = opts.configuredPath.trim();
  const intoWorkspace = configured.includes("${workspaceFolder}") || !(path.isAbsolute(configured) || configured.startsWith("~"));
  if (configured !== "" && (trusted || !intoWorkspace)) {
    const p = expandPath(opts.configuredPath, firstFolder);
    if (isExecutable(p)) {
      return { ok: true, command: p, origin: "setting" };
    }
    return {
      ok: false,
      message:
        `cio-lsp: the server binary set in "${SERVER_PATH_SETTING}" (${p}) does not exist or is not executable. ` +
        `Fix the "${SERVER_PATH_SETTING}" setting, or clear it to use the bundled binary, the workspace's ` +
        `npm package or cio-lsp on PATH.`,
    };
  }
  const bundled = path.join(opts.extensionPath, "server", EXE);
  if (isExecutable(bundled)) {
    return { ok: true, command: bundled, origin: "bundled" };
  }
  for (const folder of trusted ? opts.workspaceFolders : []) {
    const installed = findInNodeModules(folder);
    if (installed !== undefined) {
      return { ok: true, command: installed, origin: "node_modules" };
    }
  }
  const onPath = findOnPath(opts.envPath);
  if (onPath !== undefined) {
    return { ok: true, command: onPath, origin: "path" };
  }
  return {
    ok: false,
    message:
      `cio-lsp: could not find the cio-lsp server. Install it in the workspace (npm install --save-dev cio-lsp), ` +
      `put cio-lsp on PATH, or set "${SERVER_PATH_SETTING}" to the path of the cio-lsp binary.`,
  };
}
