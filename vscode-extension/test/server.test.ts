// Unit tests of the extension's own logic: `npm test` (node's test runner, no VS Code).
import assert from "node:assert/strict";
import { test } from "node:test";
import { pythonFromExtensionApi, resolveLaunch, statusFor } from "../src/server";

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
