// Pure logic of the extension (no `vscode` import), unit-tested in test/server.test.ts.

export interface LaunchSettings {
  /** `jsonlLint.path`: a jsonl-lint executable and the arguments before `server`. */
  path: string[];
  /** `jsonlLint.interpreter`: a Python interpreter and its arguments. */
  interpreter: string[];
  /** `jsonlLint.serverArgs`: extra arguments for `jsonl-lint server`. */
  serverArgs: string[];
}

export interface Launch {
  command: string;
  args: string[];
  /** Where the command came from, for the logs. */
  source: "path setting" | "interpreter setting" | "Python extension" | "default";
}

function clean(values: unknown): string[] {
  return Array.isArray(values) ? values.filter((v): v is string => typeof v === "string" && v.trim() !== "") : [];
}

/**
 * How to start the server: `jsonlLint.path` wins, then `jsonlLint.interpreter`, then the
 * Python extension's active interpreter (when that extension is installed), then `python3`.
 * `--stdio` is passed explicitly; the client adds no transport flag of its own.
 */
export function resolveLaunch(settings: Partial<LaunchSettings>, pythonFromExtension?: string[]): Launch {
  const extra = clean(settings.serverArgs);
  const path = clean(settings.path);
  if (path.length > 0) {
    return { command: path[0], args: [...path.slice(1), "server", "--stdio", ...extra], source: "path setting" };
  }
  const interpreter = clean(settings.interpreter);
  let python = interpreter;
  let source: Launch["source"] = "interpreter setting";
  if (python.length === 0 && pythonFromExtension && clean(pythonFromExtension).length > 0) {
    python = clean(pythonFromExtension);
    source = "Python extension";
  }
  if (python.length === 0) {
    python = ["python3"];
    source = "default";
  }
  return { command: python[0], args: [...python.slice(1), "-m", "jsonl_lint", "server", "--stdio", ...extra], source };
}

/** Settings that need a server restart when they change (the others are sent live). */
export const RESTART_SETTINGS = ["jsonlLint.path", "jsonlLint.interpreter", "jsonlLint.serverArgs"];

export type ServerState = "starting" | "running" | "stopped" | "failed" | "missing";

export interface Status {
  text: string;
  tooltip: string;
  error: boolean;
}

export function statusFor(state: ServerState, launch?: Launch, detail?: string): Status {
  const how = launch ? `${launch.command} ${launch.args.join(" ")} (${launch.source})` : "";
  switch (state) {
    case "starting":
      return { text: "$(sync~spin) jsonl-lint", tooltip: `jsonl-lint: starting ${how}`, error: false };
    case "running":
      return { text: "$(check) jsonl-lint", tooltip: `jsonl-lint: running ${how}\nClick to show the logs`, error: false };
    case "stopped":
      return { text: "$(circle-slash) jsonl-lint", tooltip: "jsonl-lint: stopped. Click to show the logs", error: false };
    case "missing":
      return {
        text: "$(warning) jsonl-lint",
        tooltip: `jsonl-lint: the server cannot run${detail ? `: ${detail}` : ""}. Click to show the logs`,
        error: true,
      };
    default:
      return {
        text: "$(error) jsonl-lint",
        tooltip: `jsonl-lint: the server failed${detail ? `: ${detail}` : ""}. Is jsonl-lint installed for ${
          launch?.command ?? "python3"
        }? Set jsonlLint.interpreter or jsonlLint.path. Click to show the logs`,
        error: true,
      };
  }
}

/** The Python extension's active interpreter, through its public API when present. */
export async function pythonFromExtensionApi(api: unknown, resource?: unknown): Promise<string[] | undefined> {
  try {
    const envs = (api as any)?.environments;
    if (!envs?.getActiveEnvironmentPath) {
      return undefined;
    }
    const active = envs.getActiveEnvironmentPath(resource);
    const resolved = await envs.resolveEnvironment(active);
    const exe: string | undefined = resolved?.executable?.uri?.fsPath ?? resolved?.path ?? active?.path;
    return exe ? [exe] : undefined;
  } catch {
    return undefined;
  }
}

/** The oldest jsonl-lint server this extension works with (it needs `server --check`). */
export const MIN_SERVER_VERSION = "0.1.0";

/** How to ask an installation whether it can run the server, without starting it. */
export function checkCommand(launch: Launch): { command: string; args: string[] } {
  const serverAt = launch.args.indexOf("server");
  return { command: launch.command, args: [...launch.args.slice(0, serverAt + 1), "--check"] };
}

export interface CheckResult {
  ok: boolean;
  version?: string;
  /** Why the server cannot run, in one sentence (when not ok). */
  reason?: string;
}

function versionAtLeast(version: string, minimum: string): boolean {
  const parts = (v: string) => v.split(/[.+-]/).slice(0, 3).map((x) => parseInt(x, 10) || 0);
  const [a, b] = [parts(version), parts(minimum)];
  for (let i = 0; i < 3; i++) {
    if ((a[i] ?? 0) !== (b[i] ?? 0)) {
      return (a[i] ?? 0) > (b[i] ?? 0);
    }
  }
  return true;
}

/** What `server --check` said (exit code, stdout, stderr; `spawnError` when it did not run at all). */
export function parseCheck(code: number | null, stdout: string, stderr: string, spawnError?: string): CheckResult {
  if (spawnError) {
    return { ok: false, reason: /ENOENT/.test(spawnError) ? "the program was not found" : spawnError };
  }
  if (code === 0) {
    try {
      const info = JSON.parse(stdout.trim().split("\n").pop() ?? "");
      if (typeof info.version === "string") {
        return versionAtLeast(info.version, MIN_SERVER_VERSION)
          ? { ok: true, version: info.version }
          : { ok: false, version: info.version, reason: `jsonl-lint ${info.version} is older than ${MIN_SERVER_VERSION}, which this extension needs` };
      }
    } catch {
      // not the JSON line: fall through
    }
  }
  const missing = /No module named '?([\w.]+)'?/.exec(stderr);
  if (missing && missing[1].split(".")[0] === "jsonl_lint") {
    return { ok: false, reason: "jsonl-lint is not installed there" };
  }
  if (missing || /cannot import/.test(stderr)) {
    const what = missing ? missing[1] : stderr.trim().split("\n").pop();
    return { ok: false, reason: `jsonl-lint is installed but its dependency ${what} is missing` };
  }
  if (/unrecognized arguments: --check|invalid choice: 'server'/.test(stderr)) {
    return { ok: false, reason: `that jsonl-lint is older than ${MIN_SERVER_VERSION}, which this extension needs` };
  }
  const last = stderr.trim().split("\n").pop() || `exit code ${code}`;
  return { ok: false, reason: `the check failed: ${last}` };
}

function shellQuote(arg: string, windows: boolean): string {
  if (/^[\w@%+=:,./\\-]+$/.test(arg)) {
    return arg;
  }
  return windows ? `"${arg.replace(/"/g, '""')}"` : `'${arg.replace(/'/g, `'\\''`)}'`;
}

/** The exact command that installs a compatible jsonl-lint where the launch looks for it. */
export function installCommand(launch: Launch, windows = false): string {
  const spec = shellQuote(`jsonl-lint>=${MIN_SERVER_VERSION}`, windows);
  if (launch.source === "path setting") {
    return `${windows ? "py -3" : "python3"} -m pip install --upgrade ${spec}`;
  }
  return `${shellQuote(launch.command, windows)} -m pip install --upgrade ${spec}`;
}

/** The one notification shown when the server cannot run: what was tried, why, and the fix. */
export function missingServerMessage(launch: Launch, check: CheckResult, windows = false): string {
  const where = launch.source === "path setting" ? `jsonlLint.path (${launch.command})` : `the Python interpreter ${launch.command}`;
  const fix = launch.source === "path setting"
    ? `Install it with \`${installCommand(launch, windows)}\` and point jsonlLint.path at its jsonl-lint, or clear the setting.`
    : `Install it with: ${installCommand(launch, windows)}`;
  return `jsonl-lint cannot start its server with ${where}: ${check.reason}. ${fix}`;
}

/**
 * The launch settings to use. In a workspace that is not trusted (VS Code's Restricted
 * Mode) the workspace's own values of the settings that name a program are ignored: only
 * the user's settings count, so opening a folder never runs a binary it names.
 */
export function launchSettings(
  trusted: boolean,
  inspect: (key: keyof LaunchSettings) => { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown; defaultValue?: unknown } | undefined,
): LaunchSettings {
  const pick = (key: keyof LaunchSettings): string[] => {
    const i = inspect(key);
    const value = trusted ? i?.workspaceFolderValue ?? i?.workspaceValue ?? i?.globalValue : i?.globalValue;
    return clean(value ?? i?.defaultValue);
  };
  return { path: pick("path"), interpreter: pick("interpreter"), serverArgs: pick("serverArgs") };
}
