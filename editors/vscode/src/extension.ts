import * as vscode from "vscode";
import {
  DidChangeConfigurationNotification,
  LanguageClient,
  LanguageClientOptions,
  RevealOutputChannelOn,
  ServerOptions,
} from "vscode-languageclient/node";
import { describeOrigin, locateServer, SERVER_PATH_SETTING } from "./server";

const SECTION = "cioLsp";
const FIX_ALL_KIND = vscode.CodeActionKind.SourceFixAll.append("cio-lsp");

type Severity = "off" | "info" | "warning" | "error";

/** The settings object the server understands (see editors/README.md). */
export interface ServerSettings {
  enable: boolean;
  rules: Record<string, Severity>;
  eventNameStyle: "snake_case" | "Title Case" | "camelCase";
  trace: "off" | "messages" | "verbose";
  logLevel: "error" | "warn" | "info" | "debug" | "trace";
}

const SEVERITIES = new Set(["off", "info", "warning", "error"]);

export function serverSettings(scope?: vscode.ConfigurationScope): ServerSettings {
  const cfg = vscode.workspace.getConfiguration(SECTION, scope);
  const rawRules = cfg.get<Record<string, unknown>>("rules") ?? {};
  const rules: Record<string, Severity> = {};
  for (const [id, sev] of Object.entries(rawRules)) {
    if (typeof sev === "string" && SEVERITIES.has(sev)) {
      rules[id.toUpperCase()] = sev as Severity;
    }
  }
  return {
    enable: cfg.get<boolean>("enable", true),
    rules,
    eventNameStyle: cfg.get<ServerSettings["eventNameStyle"]>("eventNameStyle", "snake_case"),
    trace: cfg.get<ServerSettings["trace"]>("trace.server", "off"),
    logLevel: cfg.get<ServerSettings["logLevel"]>("logLevel", "info"),
  };
}

let client: LanguageClient | undefined;
let output: vscode.OutputChannel;
let status: vscode.StatusBarItem;

function workspaceFolderPaths(): string[] {
  return (vscode.workspace.workspaceFolders ?? [])
    .filter((folder) => folder.uri.scheme === "file")
    .map((folder) => folder.uri.fsPath);
}

async function reportMissingServer(message: string): Promise<void> {
  output.appendLine(message);
  status.text = "$(error) cio-lsp";
  status.tooltip = message;
  status.show();
  const open = "Open Setting";
  const choice = await vscode.window.showErrorMessage(message, open);
  if (choice === open) {
    await vscode.commands.executeCommand("workbench.action.openSettings", SERVER_PATH_SETTING);
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const cfg = vscode.workspace.getConfiguration(SECTION);
  const trusted = vscode.workspace.isTrusted;
  const found = locateServer({
    configuredPath: cfg.get<string>("server.path", ""),
    extensionPath: context.extensionPath,
    workspaceFolders: workspaceFolderPaths(),
    envPath: process.env.PATH,
    trusted,
  });
  if (!found.ok) {
    void reportMissingServer(found.message);
    return;
  }
  output.appendLine(
    `Starting ${found.command} serve (found via ${describeOrigin(found.origin)})` +
      (trusted ? "" : " in Restricted Mode: the workspace's user rules are not loaded"),
  );

  const serverOptions: ServerOptions = {
    command: found.command,
    args: ["serve"],
    options: { env: { ...process.env, RUST_BACKTRACE: "1" } },
  };

  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "javascript" },
      { scheme: "file", language: "javascriptreact" },
      { scheme: "file", language: "typescript" },
      { scheme: "file", language: "typescriptreact" },
      { scheme: "untitled", language: "javascript" },
      { scheme: "untitled", language: "typescript" },
      { scheme: "file", pattern: "**/cio-lsp.toml" },
    ],
    // In Restricted Mode the server loads none of the workspace's user rules; it is restarted
    // with them when the user trusts the workspace (`onDidGrantWorkspaceTrust` below). Set
    // here, never from settings: a workspace's settings cannot vouch for it.
    initializationOptions: { ...serverSettings(), workspaceTrusted: trusted },
    outputChannel: output,
    traceOutputChannel: output,
    revealOutputChannelOn: RevealOutputChannelOn.Never,
    synchronize: {
      fileEvents: vscode.workspace.createFileSystemWatcher("**/{cio-lsp.toml,package.json}"),
    },
    middleware: {
      workspace: {
        // Answer `workspace/configuration` for our section with the server's shape
        // rather than VS Code's raw settings tree.
        configuration: async (params, token, next) => {
          const raw = await next(params, token);
          if (!Array.isArray(raw)) {
            return raw;
          }
          return params.items.map((item, i) => {
            if (item.section === SECTION) {
              const scope = item.scopeUri ? vscode.Uri.parse(item.scopeUri) : undefined;
              return serverSettings(scope);
            }
            return raw[i];
          });
        },
      },
    },
  };

  const c = new LanguageClient("cioLsp", "cio-lsp", serverOptions, clientOptions);
  client = c;
  try {
    await c.start();
    status.text = "$(check) cio-lsp";
    status.tooltip = `cio-lsp running (${found.command})`;
    status.show();
  } catch (err) {
    const msg = `cio-lsp: the server failed to start: ${err instanceof Error ? err.message : String(err)}`;
    output.appendLine(msg);
    status.text = "$(error) cio-lsp";
    status.tooltip = msg;
    void vscode.window.showErrorMessage(msg, "Show Output").then((choice) => {
      if (choice) {
        output.show(true);
      }
    });
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop();
    } catch (err) {
      output.appendLine(`cio-lsp: error while stopping the server: ${String(err)}`);
    }
  }
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  output.appendLine("Restarting cio-lsp");
  await stopClient();
  await startClient(context);
}

/** Applies the server's `source.fixAll.cio-lsp` action to the active editor. */
async function fixAll(): Promise<void> {
  const editor = vscode.window.activeTextEditor;
  if (!editor) {
    void vscode.window.showInformationMessage("cio-lsp: open a JavaScript or TypeScript file first.");
    return;
  }
  const doc = editor.document;
  const fullRange = new vscode.Range(doc.positionAt(0), doc.positionAt(doc.getText().length));
  const actions =
    (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>(
      "vscode.executeCodeActionProvider",
      doc.uri,
      fullRange,
      FIX_ALL_KIND.value,
    )) ?? [];
  let applied = 0;
  for (const action of actions) {
    if ("kind" in action || "edit" in action || "diagnostics" in action) {
      const ca = action as vscode.CodeAction;
      if (ca.kind && !FIX_ALL_KIND.contains(ca.kind)) {
        continue;
      }
      if (ca.edit && (await vscode.workspace.applyEdit(ca.edit))) {
        applied++;
      }
      if (ca.command) {
        await vscode.commands.executeCommand(ca.command.command, ...(ca.command.arguments ?? []));
        applied++;
      }
    } else {
      const cmd = action as vscode.Command;
      await vscode.commands.executeCommand(cmd.command, ...(cmd.arguments ?? []));
      applied++;
    }
  }
  if (applied === 0) {
    void vscode.window.showInformationMessage("cio-lsp: no automatic fixes to apply in this file.");
  }
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("cio-lsp");
  status = vscode.window.createStatusBarItem(vscode.StatusBarAlignment.Right, 0);
  status.command = "cioLsp.showOutput";
  status.text = "cio-lsp";
  context.subscriptions.push(output, status);

  context.subscriptions.push(
    vscode.commands.registerCommand("cioLsp.restartServer", () => restart(context)),
    vscode.commands.registerCommand("cioLsp.fixAll", fixAll),
    vscode.commands.registerCommand("cioLsp.showOutput", () => output.show(true)),
    vscode.workspace.onDidChangeConfiguration(async (e) => {
      if (!e.affectsConfiguration(SECTION)) {
        return;
      }
      if (e.affectsConfiguration(SERVER_PATH_SETTING)) {
        await restart(context);
        return;
      }
      if (client?.isRunning()) {
        await client.sendNotification(DidChangeConfigurationNotification.type, {
          settings: { [SECTION]: serverSettings() },
        });
      }
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => restart(context)),
    { dispose: () => void stopClient() },
  );

  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
