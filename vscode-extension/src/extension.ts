import * as vscode from "vscode";
import { LanguageClient, LanguageClientOptions, ServerOptions, State } from "vscode-languageclient/node";
import { execFile } from "node:child_process";
import {
  CheckResult,
  Launch,
  RESTART_SETTINGS,
  ServerState,
  checkCommand,
  installCommand,
  launchSettings,
  missingServerMessage,
  parseCheck,
  pythonFromExtensionApi,
  resolveLaunch,
  statusFor,
} from "./server";

const ID = "jsonlLint"; // also the prefix of the trace setting: jsonlLint.trace.server
const PYTHON_EXTENSION = "ms-python.python";

let client: LanguageClient | undefined;
let output: vscode.LogOutputChannel;
let status: vscode.StatusBarItem;
let launch: Launch | undefined;
let restarting: Promise<void> | undefined;
const notified = new Set<string>();

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

/** Whether the launch can run the server: `server --check` (imports everything, prints the version). */
function checkServer(l: Launch, cwd: string): Promise<CheckResult> {
  const { command, args } = checkCommand(l);
  return new Promise((resolve) => {
    execFile(command, args, { cwd, timeout: 60_000, windowsHide: true }, (err, stdout, stderr) => {
      const spawnError = err && typeof err.code === "string" ? `${err.code}: ${err.message}` : undefined;
      const code = err ? (typeof err.code === "number" ? err.code : null) : 0;
      resolve(parseCheck(code, String(stdout), String(stderr), spawnError));
    });
  });
}

/**
 * One notification (per launch and reason) instead of a restart loop: what was tried, why it
 * cannot run, and buttons to install jsonl-lint in a terminal, pick another interpreter, or
 * read the logs. A successful install restarts the server.
 */
async function showMissingServer(context: vscode.ExtensionContext, l: Launch, check: CheckResult): Promise<void> {
  const key = `${l.command} ${l.args.join(" ")}: ${check.reason}`;
  if (notified.has(key)) {
    return;
  }
  notified.add(key);
  const windows = process.platform === "win32";
  const install = "Install in terminal";
  const pick = "Select interpreter";
  const logs = "Show logs";
  const choice = await vscode.window.showErrorMessage(missingServerMessage(l, check, windows), install, pick, logs);
  if (choice === install) {
    const cmd = installCommand(l, windows);
    const task = new vscode.Task({ type: "jsonl-lint", action: "install" }, vscode.TaskScope.Workspace,
      "install jsonl-lint", "jsonl-lint", new vscode.ShellExecution(cmd));
    const done = vscode.tasks.onDidEndTaskProcess((e) => {
      if (e.execution.task.name === task.name && e.execution.task.source === task.source) {
        done.dispose();
        output.info(`${cmd}: exit code ${e.exitCode}`);
        if (e.exitCode === 0) {
          notified.delete(key);
          void restart(context);
        }
      }
    });
    context.subscriptions.push(done);
    await vscode.tasks.executeTask(task);
  } else if (choice === pick) {
    if (vscode.extensions.getExtension(PYTHON_EXTENSION)) {
      await vscode.commands.executeCommand("python.setInterpreter");
    } else {
      await vscode.commands.executeCommand("workbench.action.openSettings", "jsonlLint.interpreter");
    }
  } else if (choice === logs) {
    output.show(true);
  }
}

async function startClient(context: vscode.ExtensionContext): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0];
  const config = vscode.workspace.getConfiguration("jsonlLint", folder?.uri);
  // Restricted Mode: the workspace's interpreter, path and server arguments are not read, nor
  // the interpreter the Python extension picked for it (it may live in the workspace).
  const trusted = vscode.workspace.isTrusted;
  launch = resolveLaunch(
    launchSettings(trusted, (key) => config.inspect(key)),
    trusted ? await pythonFromExtension(folder?.uri) : undefined,
  );
  const cwd = context.extensionPath; // not the workspace: `python -m` imports from its working folder
  output.info(`checking: ${launch.command} ${checkCommand(launch).args.join(" ")} (from ${launch.source}${trusted ? "" : ", Restricted Mode"})`);
  setStatus("starting");
  const check = await checkServer(launch, cwd);
  if (!check.ok) {
    output.error(missingServerMessage(launch, check, process.platform === "win32"));
    setStatus("missing", check.reason);
    void showMissingServer(context, launch, check);
    return;
  }
  output.info(`starting jsonl-lint ${check.version}: ${launch.command} ${launch.args.join(" ")}`);

  // No `transport`: the server talks stdio by default and `--stdio` is already in args.
  const serverOptions: ServerOptions = {
    command: launch.command,
    args: launch.args,
    options: { cwd, env: { ...process.env } },
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
    vscode.workspace.onDidGrantWorkspaceTrust(() => void restart(context)),
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
