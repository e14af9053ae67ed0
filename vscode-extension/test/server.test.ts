// Unit tests of the extension's own logic: `npm test` (node's test runner, no VS Code).
import assert from "node:assert/strict";
import { test } from "node:test";
import {
  MIN_SERVER_VERSION,
  RESTART_SETTINGS,
  checkCommand,
  installCommand,
  launchSettings,
  missingServerMessage,
  parseCheck,
  pythonFromExtensionApi,
  resolveLaunch,
  statusFor,
} from "../src/server";

test("path setting wins and gets server --stdio", () => {
  const l = resolveLaunch({ path: ["/opt/bin/jsonl-lint"], interpreter: ["/usr/bin/python3.12"], serverArgs: ["--log-file", "x"] });
  assert.equal(l.command, "/opt/bin/jsonl-lint");
  assert.deepEqual(l.args, ["server", "--stdio", "--log-file", "x"]);
  assert.equal(l.source, "path setting");
});

test("interpreter setting runs the module, with its own arguments first", () => {
  const l = resolveLaunch({ interpreter: ["/venv/bin/python", "-X", "utf8"] }, ["/other/python"]);
  assert.equal(l.command, "/venv/bin/python");
  assert.deepEqual(l.args, ["-X", "utf8", "-m", "jsonl_lint", "server", "--stdio"]);
  assert.equal(l.source, "interpreter setting");
});

test("the Python extension's interpreter is used only when no setting is given", () => {
  assert.equal(resolveLaunch({ interpreter: [] }, ["/env/bin/python"]).command, "/env/bin/python");
  assert.equal(resolveLaunch({ interpreter: [] }, ["/env/bin/python"]).source, "Python extension");
  const l = resolveLaunch({}, undefined);
  assert.equal(l.command, "python3");
  assert.equal(l.source, "default");
});

test("blank and non-string entries are ignored", () => {
  const l = resolveLaunch({ path: ["", "  "], interpreter: [42 as unknown as string, "py"] });
  assert.equal(l.command, "py");
});

test("status texts", () => {
  assert.match(statusFor("running").text, /check/);
  assert.equal(statusFor("running").error, false);
  const failed = statusFor("failed", resolveLaunch({}), "spawn python3 ENOENT");
  assert.equal(failed.error, true);
  assert.match(failed.tooltip, /ENOENT/);
  assert.match(failed.tooltip, /jsonlLint.interpreter/);
});

test("Python extension API: active environment resolved to its executable", async () => {
  const api = {
    environments: {
      getActiveEnvironmentPath: () => ({ path: "/env" }),
      resolveEnvironment: async () => ({ executable: { uri: { fsPath: "/env/bin/python" } } }),
    },
  };
  assert.deepEqual(await pythonFromExtensionApi(api), ["/env/bin/python"]);
  assert.equal(await pythonFromExtensionApi({}), undefined);
  const broken = { environments: { getActiveEnvironmentPath: () => { throw new Error("no"); } } };
  assert.equal(await pythonFromExtensionApi(broken), undefined);
});

test("the check asks the same installation, without starting a server", () => {
  const viaPython = resolveLaunch({ interpreter: ["/venv/bin/python", "-X", "utf8"], serverArgs: ["--log-file", "x"] });
  assert.deepEqual(checkCommand(viaPython), { command: "/venv/bin/python", args: ["-X", "utf8", "-m", "jsonl_lint", "server", "--check"] });
  const viaPath = resolveLaunch({ path: ["/opt/jsonl-lint"] });
  assert.deepEqual(checkCommand(viaPath), { command: "/opt/jsonl-lint", args: ["server", "--check"] });
});

test("check results: ok, not installed, a missing dependency, too old, not found", () => {
  const ok = parseCheck(0, '{"version": "0.1.0", "python": "3.11.7"}\n', "");
  assert.deepEqual(ok, { ok: true, version: "0.1.0" });
  const absent = parseCheck(1, "", "/venv/bin/python: No module named jsonl_lint\n");
  assert.equal(absent.ok, false);
  assert.equal(absent.reason, "jsonl-lint is not installed there");
  const dep = parseCheck(1, "", "Traceback (most recent call last):\n ...\nModuleNotFoundError: No module named 'lsprotocol'\n");
  assert.match(dep.reason!, /dependency lsprotocol is missing/);
  const old = parseCheck(2, "", "jsonl-lint server: error: unrecognized arguments: --check\n");
  assert.match(old.reason!, /older than/);
  assert.match(parseCheck(0, '{"version": "0.0.9"}', "").reason!, /0\.0\.9 is older than/);
  assert.equal(parseCheck(null, "", "", "ENOENT: spawn /nope ENOENT").reason, "the program was not found");
});

test("the notification names the interpreter and the exact install command", () => {
  const l = resolveLaunch({ interpreter: ["/home/me/my venv/bin/python"] });
  const message = missingServerMessage(l, { ok: false, reason: "jsonl-lint is not installed there" });
  assert.match(message, /the Python interpreter \/home\/me\/my venv\/bin\/python: jsonl-lint is not installed there/);
  assert.equal(installCommand(l), `'/home/me/my venv/bin/python' -m pip install --upgrade 'jsonl-lint>=${MIN_SERVER_VERSION}'`);
  assert.ok(message.endsWith(installCommand(l)));
  assert.equal(installCommand(resolveLaunch({ interpreter: ["C:\\Py 3\\python.exe"] }), true),
    `"C:\\Py 3\\python.exe" -m pip install --upgrade "jsonl-lint>=${MIN_SERVER_VERSION}"`);
  assert.match(missingServerMessage(resolveLaunch({ path: ["/opt/jl"] }), { ok: false, reason: "the program was not found" }),
    /jsonlLint.path \(\/opt\/jl\): the program was not found/);
});

test("Restricted Mode reads only the user's launch settings, never the workspace's", () => {
  const values: Record<string, object> = {
    interpreter: { globalValue: ["/usr/bin/python3"], workspaceValue: ["./evil/python"] },
    path: { workspaceFolderValue: ["./bin/jsonl-lint"], defaultValue: [] },
    serverArgs: { workspaceValue: ["--log-file", "/etc/x"], defaultValue: [] },
  };
  const inspect = (key: string) => values[key] as never;
  assert.deepEqual(launchSettings(false, inspect), { path: [], interpreter: ["/usr/bin/python3"], serverArgs: [] });
  assert.deepEqual(launchSettings(true, inspect), { path: ["./bin/jsonl-lint"], interpreter: ["./evil/python"], serverArgs: ["--log-file", "/etc/x"] });
});

test("missing-server status", () => {
  const s = statusFor("missing", resolveLaunch({}), "jsonl-lint is not installed there");
  assert.equal(s.error, true);
  assert.match(s.tooltip, /cannot run: jsonl-lint is not installed there/);
});

test("package.json: limited support in untrusted workspaces, the settings that run a program restricted", async () => {
  const { readFileSync } = await import("node:fs");
  const pkg = JSON.parse(readFileSync(`${__dirname}/../../package.json`, "utf8"));
  const trust = pkg.capabilities.untrustedWorkspaces;
  assert.equal(trust.supported, "limited");
  assert.deepEqual([...trust.restrictedConfigurations].sort(), RESTART_SETTINGS.slice().sort());
});
