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

export type ServerState = "starting" | "running" | "stopped" | "failed";

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
