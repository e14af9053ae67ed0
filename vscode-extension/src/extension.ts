import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from "vscode-languageclient/node";
import { Launch, RESTART_SETTINGS, ServerState, pythonFromExtensionApi, resolveLaunch, statusFor } from "./server";

const ID = "jsonlLint"; // also the prefix of the trace setting: jsonlLint.trace.server
const PYTHON_EXTENSION = "ms-python.python";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let launch: Launch | undefined;
let restarting: Promise<void> | undefined;

function setStatus(state: ServerState, detail?: string): void {
  const s = statusFor(state, launch, detail);
  status.text = s.text;
  status.tooltip = s.tooltip;
  status.backgroundColor = s.error ? new vscode.ThemeColor("statusBarItem.errorBackground") : undefined;
  updateVisibility();
}

function updateVisibility(): void {
  const doc = vscode.window.activeTextEditor?.document;
  if (doc && (doc.languageId === "jsonl" || /\.(jsonl|ndjson)$/.test(doc.fileName))) {
    status.show();
  } else {
    status.hide();
  }
}

/** The Python extension is optional: used only when installed, never a dependency. */
async function pythonFromExtension(resource?: vscode.Uri): Promise<string[] | undefined> {
  const ext = vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (!ext) {
    return undefined;
  }
  try {
    const api = ext.isActive ? ext.exports : await ext.activate();
    return await pythonFromExtensionApi(api, resource);
  } catch (err) {
    output.warn(`Python extension API unavailable: ${err}`);
    return undefined;
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const config = vscode.workspace.getConfiguration("jsonlLint", folder?.uri);
  launch = resolveLaunch(
    {
      path: config.get<string[]>("path", []),
      interpreter: config.get<string[]>("interpreter", []),
      serverArgs: config.get<string[]>("serverArgs", []),
    },
    await pythonFromExtension(folder?.uri),
  );
  output.info(`starting: ${launch.command} ${launch.args.join(" ")} (from ${launch.source})`);
  setStatus("starting");

  // No `transport`: the server talks stdio by default and `--stdio` is already in args.
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    options: { cwd: folder?.uri.fsPath, env: { ...process.env } },
  };
  const clientOptions: LanguageClientOptions = {
    documentSelector: [
      { scheme: "file", language: "jsonl" },
      { scheme: "untitled", language: "jsonl" },
      { scheme: "file", pattern: "**/*.{jsonl,ndjson}" },
    ],
    synchronize: { configurationSection: "jsonlLint" },
    outputChannel: output,
    traceOutputChannel: output,
    initializationOptions: { settings: config },
  };
  const c = new LanguageClient(ID, "jsonl-lint", serverOptions, clientOptions);
  c.onDidChangeState((e) => {
    if (e.newState === State.Running) {
      setStatus("running");
    } else if (e.newState === State.Starting) {
      setStatus("starting");
    } else {
      setStatus(client === c ? "failed" : "stopped");
    }
  });
  client = c;
  try {
    await c.start();
  } catch (err) {
    output.error(`the server did not start: ${err}`);
    setStatus("failed", String(err));
  }
}

async function stopClient(): Promise<void> {
  const c = client;
  client = undefined;
  if (c) {
    try {
      await c.stop(2000);
    } catch (err) {
      output.warn(`stopping the server: ${err}`);
    }
  }
  setStatus("stopped");
}

async function restart(context: vscode.ExtensionContext): Promise<void> {
  if (restarting) {
    return restarting;
  }
  restarting = (async () => {
    await stopClient();
    await startClient(context);
  })().finally(() => {
    restarting = undefined;
  });
  return restarting;
}

export async function activate(context: vscode.ExtensionContext): Promise<void> {
  output = vscode.window.createOutputChannel("jsonl-lint", { log: true });
  status = vscode.window.createStatusBarItem("jsonl-lint.status", vscode.StatusBarAlignment.Right, 100);
  status.name = "jsonl-lint";
  status.command = "jsonl-lint.showLogs";
  context.subscriptions.push(
    output,
    status,
    vscode.commands.registerCommand("jsonl-lint.restart", () => restart(context)),
    vscode.commands.registerCommand("jsonl-lint.showLogs", () => output.show(true)),
    vscode.window.onDidChangeActiveTextEditor(updateVisibility),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (RESTART_SETTINGS.some((s) => e.affectsConfiguration(s))) {
        void restart(context);
      }
    }),
  );
  const py = vscode.extensions.getExtension(PYTHON_EXTENSION);
  if (py) {
    try {
      const api = py.isActive ? py.exports : await py.activate();
      const event = api?.environments?.onDidChangeActiveEnvironmentPath;
      if (event) {
        context.subscriptions.push(
          event(() => {
            const interpreter = vscode.workspace.getConfiguration("jsonlLint").get<string[]>("interpreter", []);
            const path = vscode.workspace.getConfiguration("jsonlLint").get<string[]>("path", []);
            if (interpreter.length === 0 && path.length === 0) {
              void restart(context);
            }
          }),
        );
      }
    } catch {
      // the Python extension is optional
    }
  }
  await startClient(context);
}

export async function deactivate(): Promise<void> {
  await stopClient();
}
