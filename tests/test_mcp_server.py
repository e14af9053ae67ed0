"""`jsonl-lint mcp`, driven as an agent's client drives it: the server runs as a subprocess
and the `mcp` SDK's own client talks to it over stdio. Two servers per run (each costs a
few seconds to start): one whose client declares roots, one whose client declares none
(the server's working directory is then the workspace)."""

from __future__ import annotations

import io
import json
import re
import shlex
import shutil
import sys
from contextlib import asynccontextmanager
from pathlib import Path

import pytest
from anyio.from_thread import start_blocking_portal
from mcp import Client as ModernClient
from mcp import ClientSession, StdioServerParameters, types
from mcp.client.stdio import stdio_client

from jsonl_lint.cli import main
from test_masking import dataset as secret_dataset
from test_masking import leaks, realistic_secrets

TOOLS = {"check", "stats", "targets", "explain_rule", "fix_preview", "apply_fixes"}


def _record(user: str, answer: str, role: str = "user", system: str | None = None) -> str:
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": role, "content": user}, {"role": "assistant", "content": answer}]
    return json.dumps({"messages": messages})


def sample_dataset() -> str:
    """Findings of many kinds: a misspelled role (safe fix), trailing whitespace (safe fix),
    a duplicate (unsafe fix), invalid JSON, a blank line, a record with no assistant turn."""
    pairs = [("How do I reset the router?", "Hold the reset button for ten seconds, then wait for the green light."),
             ("Can I return an opened kettle?", "Yes, within 30 days, with the receipt and all parts."),
             ("Why is my toaster smoking?", "Unplug it, let it cool, and empty the crumb tray underneath."),
             ("Where is the serial number?", "On the sticker under the base, starting with SN."),
             ("Does the blender go in the dishwasher?", "The jug does, top rack only; wipe the motor base by hand."),
             ("My order never arrived.", "Sorry about that! Send me the order number and I will trace the parcel."),
             ("What voltage does the charger take?", "Any mains voltage from 100 to 240 volts."),
             ("How long is the warranty?", "Two years from the date of purchase."),
             ("Can I pay in instalments?", "Yes, at checkout choose 'pay in 3'."),
             ("The app will not log me in.", "Reset your password from the login screen, then try again."),
             ("Is there a store in Lyon?", "Not yet; our nearest store is in Geneva."),
             ("How do I clean the filter?", "Rinse it under warm water monthly and let it dry fully.")]
    lines = [_record(q, a, system="You are a support assistant.") for q, a in pairs]
    lines[2] = _record("How do I pair it?", "Open the app and tap Pair.", role="User")
    lines[4] = _record("Is it waterproof?", " It is splash resistant, not waterproof.")
    lines.append(lines[5])
    lines.append('{"messages": [{"role": "user", "content": "broken"')
    lines.append("")
    lines.append(json.dumps({"messages": [{"role": "user", "content": "only a question"}]}))
    return "\n".join(lines) + "\n"


def cli(*args: str) -> tuple[int, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(list(args), out, err)
    return code, out.getvalue()


class Client:
    """A connected MCP client session, called from plain (sync) tests."""

    def __init__(self, portal, session: ClientSession, roots: list[Path]):
        self.portal = portal
        self.session = session
        self.roots = roots  # what the client declares (the roots client only)

    def call(self, tool: str, arguments: dict | None = None, progress=None) -> types.CallToolResult:
        return self.portal.call(lambda: self.session.call_tool(tool, arguments or {}, progress_callback=progress))

    def ok(self, tool: str, arguments: dict | None = None) -> dict:
        result = self.call(tool, arguments)
        assert not result.is_error, result.content[0].text
        # the text block clients show the model carries the same JSON as the structured content
        assert json.loads(result.content[0].text) == result.structured_content
        return result.structured_content

    def error(self, tool: str, arguments: dict | None = None) -> str:
        result = self.call(tool, arguments)
        assert result.is_error, f"{tool} should have failed: {result.content[0].text[:300]}"
        return result.content[0].text

    def run(self, coroutine_function, *args):
        return self.portal.call(coroutine_function, *args)


@asynccontextmanager
async def _session(params: StdioServerParameters, roots: list[Path] | None):
    async def list_roots(context) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=root.as_uri(), name=root.name) for root in roots])

    async with stdio_client(params) as (read, write):
        async with ClientSession(read, write, list_roots_callback=list_roots if roots is not None else None) as s:
            await s.initialize()
            yield s


def _client(cwd: Path, roots: list[Path] | None):
    params = StdioServerParameters(command=sys.executable, args=["-m", "jsonl_lint", "mcp"], cwd=str(cwd))
    with start_blocking_portal() as portal:
        with portal.wrap_async_context_manager(_session(params, roots)) as session:
            yield Client(portal, session, roots)


@pytest.fixture(scope="module")
def workspace(tmp_path_factory) -> Path:
    base = tmp_path_factory.mktemp("mcp")
    ws = base / "project"
    (ws / "data").mkdir(parents=True)
    (ws / "data" / "train.jsonl").write_text(sample_dataset())
    # the workspace's configuration applies to the tools as to the CLI
    (ws / ".jsonl-lint.toml").write_text('ignore = ["JL202"]\npreview = true\n')  # JL116, JL202: preview rules
    (base / "outside.jsonl").write_text(sample_dataset())
    return ws


@pytest.fixture(scope="module")
def client(workspace):
    """A client that declares the workspace as its root; the server runs elsewhere."""
    yield from _client(workspace.parent, [workspace])


@pytest.fixture(scope="module")
def plain_client(workspace):
    """A client that declares no roots: the server's working directory is the workspace."""
    yield from _client(workspace, None)


def fresh(workspace: Path, name: str, text: str | None = None) -> Path:
    path = workspace / "data" / name
    path.write_text(sample_dataset() if text is None else text)
    return path


def test_every_tool_is_listed_with_its_schemas(client):
    assert client.run(client.session.initialize).protocol_version == "2025-11-25"  # as docs/mcp.md says
    tools = {t.name: t for t in client.run(client.session.list_tools).tools}
    assert set(tools) == TOOLS
    for tool in tools.values():
        assert tool.description and tool.input_schema["type"] == "object"
        assert tool.output_schema and tool.output_schema["properties"], tool.name
        assert "roots" not in tool.input_schema.get("properties", {})  # filled by the server, not the agent
    assert tools["check"].annotations.read_only_hint and tools["fix_preview"].annotations.read_only_hint
    assert tools["apply_fixes"].annotations.read_only_hint is False
    finding = tools["check"].output_schema["$defs"]["Finding"]["properties"]
    assert {"code", "location", "pointer", "fix", "fingerprint"} <= set(finding)
    assert "write" in tools["apply_fixes"].input_schema["properties"]


def test_check_findings_equal_the_cli_json(client, workspace):
    path = workspace / "data" / "train.jsonl"
    data = client.ok("check", {"paths": ["data/train.jsonl"], "max_findings": 2000})
    code, out = cli("check", str(path), "--output-format", "json")
    assert data["findings"] == json.loads(out)
    assert data["total"] == len(data["findings"]) and not data["truncated"]
    assert data["failed"] == (code == 1) and data["failed"]
    assert {"JL104", "JL116", "JL301", "JL001", "JL003", "JL105"} <= set(data["by_rule"])
    assert "JL202" not in data["by_rule"]  # ignored by the workspace's .jsonl-lint.toml
    assert "JL202" in cli("check", str(path), "--isolated", "--preview", "--output-format", "concise")[1]
    assert data["files"] == [{"file": str(path), "group": "train", "records": 15}]


def test_check_pages_large_results_with_counts(client):
    first = client.ok("check", {"paths": ["data/train.jsonl"], "max_findings": 2})
    rest = client.ok("check", {"paths": ["data/train.jsonl"], "max_findings": 2000, "offset": 2})
    assert first["truncated"] and len(first["findings"]) == 2 and not rest["truncated"]
    assert first["total"] == rest["total"] == 2 + len(rest["findings"])
    assert sum(first["by_rule"].values()) == sum(first["by_severity"].values()) == first["total"]


def test_check_inline_text_and_folders(client, workspace):
    inline = client.ok("check", {"text": sample_dataset(), "name": "data/draft.jsonl", "select": ["JL1", "JL0"]})
    on_disk = client.ok("check", {"paths": ["data/train.jsonl"], "select": ["JL1", "JL0"]})
    where = lambda d: [(f["code"], f["location"], f["message"]) for f in d["findings"]]  # noqa: E731
    assert where(inline) == where(on_disk) and inline["total"] > 3
    assert inline["files"][0]["file"] == str(workspace / "data" / "draft.jsonl")
    assert client.error("check", {"text": "{}", "paths": ["data"]}).endswith("give paths or text, not both")
    whole = client.ok("check", {"select": ["JL104"]})  # no paths: the workspace root, folders searched
    assert str(workspace / "data" / "train.jsonl") in {f["file"] for f in whole["files"]}


def test_stats_equal_the_cli_json(client, workspace):
    path = workspace / "data" / "train.jsonl"
    data = client.ok("stats", {"paths": ["data/train.jsonl"], "per_example": True, "max_examples": 3})
    _, out = cli("stats", str(path), "--output-format", "json")
    expected = json.loads(out)
    assert data["per_example"] == expected.pop("per_example")[:3] and data["per_example_truncated"]
    assert data.pop("notes") == []
    assert {k: v for k, v in data.items() if not k.startswith("per_example")} == expected
    assert data["examples"] == 14 and data["exact"] and data["cost"]["epochs"] >= 1


def test_targets_matrix_equals_the_cli_json(client, workspace):
    path = workspace / "data" / "train.jsonl"
    asked = ["mistral", "bedrock-nova", "trl"]
    data = client.ok("targets", {"paths": ["data/train.jsonl"], "target": asked})
    _, out = cli("targets", str(path), "--target", ",".join(asked), "--output-format", "json")
    assert data.pop("notes") == [] and data == json.loads(out)
    assert [row["target"] for row in data["targets"]] == asked
    assert {row["verdict"] for row in data["targets"]} == {"needs changes"}  # the misspelled role, at least
    assert all(row["errors_by_requirement"]["roles"] >= 1 for row in data["targets"])
    every = client.ok("targets", {"paths": ["data/train.jsonl"]})
    assert [row["target"] for row in every["targets"]] == [
        row["target"] for row in json.loads(cli("targets", "--list", "--output-format", "json")[1])]
    assert "unknown target 'nosuch'" in client.error("targets", {"paths": ["data/train.jsonl"], "target": ["nosuch"]})
    assert "is outside the workspace roots" in client.error("targets", {"paths": ["../outside.jsonl"]})


def test_targets_of_inline_text_equal_the_cli_json_of_that_file(client, workspace):
    inline = client.ok("targets", {"text": sample_dataset(), "name": "data/targets-draft.jsonl",
                                   "target": ["together", "openai"]})
    path = fresh(workspace, "targets-draft.jsonl")
    _, out = cli("targets", str(path), "--target", "together,openai", "--output-format", "json")
    path.unlink()
    assert inline.pop("notes") == [] and inline == json.loads(out)
    assert client.error("targets", {"text": "{}", "paths": ["data"]}).endswith("give paths or text, not both")


def test_check_with_target_equals_the_cli_json(client, workspace):
    path = workspace / "data" / "train.jsonl"
    found = client.ok("check", {"paths": ["data/train.jsonl"], "target": ["mistral", "trl"], "max_findings": 2000})
    _, out = cli("check", str(path), "--target", "mistral,trl", "--output-format", "json")
    assert found["findings"] == json.loads(out)
    jl9 = [f for f in found["findings"] if f["code"].startswith("JL9")]
    assert jl9 and {f["target"] for f in jl9} == {"mistral", "trl"}
    inline = client.ok("check", {"text": sample_dataset(), "name": "data/draft.jsonl", "target": ["mistral", "trl"],
                                 "select": ["JL9"]})
    assert [(f["code"], f["target"], f["location"], f["message"]) for f in inline["findings"]] == [
        (f["code"], f["target"], f["location"], f["message"]) for f in jl9]

def test_explain_rule_is_the_rule_page(client):
    doc = client.ok("explain_rule", {"rule": "unknown-role"})
    _, page = cli("rule", "JL104")
    assert doc["code"] == "JL104" and doc["documentation"] == page and doc["kind"] == "record"
    assert client.ok("explain_rule", {"rule": "jl104"})["name"] == "unknown-role"
    assert "did you mean unknown-role" in client.error("explain_rule", {"rule": "unknown-rol"})


def test_rule_documentation_resources(client):
    index = client.run(client.session.read_resource, "jsonl-lint://rules").contents[0]
    assert index.mime_type == "text/markdown" and "| [JL104](JL104.md) | `unknown-role` |" in index.text
    page = client.run(client.session.read_resource, "jsonl-lint://rules/JL104").contents[0].text
    assert page == cli("rule", "JL104")[1]
    assert client.run(client.session.read_resource, "jsonl-lint://rules/JL104.md").contents[0].text == page
    templates = client.run(client.session.list_resource_templates).resource_templates
    assert [t.uri_template for t in templates] == ["jsonl-lint://rules/{rule}"]


def test_fix_preview_is_the_cli_diff_and_writes_nothing(client, workspace):
    path = fresh(workspace, "preview.jsonl")
    before = path.read_bytes(), path.stat().st_mtime_ns
    safe = client.ok("fix_preview", {"paths": ["data/preview.jsonl"]})
    unsafe = client.ok("fix_preview", {"paths": ["data/preview.jsonl"], "unsafe": True})
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert safe["diff"] == cli("check", str(path), "--diff")[1]
    assert unsafe["diff"] == cli("check", str(path), "--diff", "--unsafe-fixes")[1]
    assert safe["fixes"] == 3 and unsafe["fixes"] > safe["fixes"] and safe["unsafe_available"] >= 1
    assert safe["files"] == [{"file": str(path), "fixes": 3}]
    assert '"role": "user", "content": "How do I pair it?"' in safe["diff"]
    cut = client.ok("fix_preview", {"paths": ["data/preview.jsonl"], "max_diff_chars": 1000})
    assert cut["diff_truncated"] and len(cut["diff"]) <= 1000 and cut["diff"].endswith("\n")


def test_apply_fixes_writes_only_with_its_flag(client, workspace, tmp_path):
    path = fresh(workspace, "fix.jsonl")
    before = path.read_bytes(), path.stat().st_mtime_ns
    dry = client.ok("apply_fixes", {"paths": ["data/fix.jsonl"], "unsafe": True})
    assert (path.read_bytes(), path.stat().st_mtime_ns) == before
    assert not dry["written"] and dry["fixes"] > 2 and "write=true" in dry["notes"][-1]
    expected = tmp_path / "fix.jsonl"
    expected.write_text(sample_dataset())
    cli("check", str(expected), "--fix", "--unsafe-fixes", "--preview")  # as the workspace config
    done = client.ok("apply_fixes", {"paths": ["data/fix.jsonl"], "unsafe": True, "write": True})
    assert done["written"] and done["fixes"] == dry["fixes"] and done["not_written"] == {}
    assert done["files"] == [{"file": str(path), "fixes": dry["fixes"]}]
    assert path.read_bytes() == expected.read_bytes() != before[0]
    assert not [p for p in path.parent.iterdir() if p.name.endswith(".jsonl-lint-tmp")]
    again = client.ok("apply_fixes", {"paths": ["data/fix.jsonl"], "unsafe": True, "write": True})
    assert again["fixes"] == 0 and again["files"] == []


def test_paths_outside_the_roots_are_refused(client, workspace):
    outside = workspace.parent / "outside.jsonl"
    before = outside.read_bytes()
    folder = workspace / "linked"
    folder.mkdir()
    (folder / "own.jsonl").write_text(sample_dataset())
    link = folder / "link.jsonl"
    link.symlink_to(outside)
    for path in ("../outside.jsonl", str(outside), "data/../../outside.jsonl", "linked/link.jsonl"):
        for tool, extra in (("check", {}), ("stats", {}), ("fix_preview", {}), ("apply_fixes", {"write": True})):
            message = client.error(tool, {"paths": [path], **extra})
            assert "is outside the workspace roots" in message and str(workspace) in message, message
    assert "-> " + str(outside) in client.error("check", {"paths": ["linked/link.jsonl"]})
    assert "outside the workspace" in client.error("check", {"text": "{}", "name": "../x.jsonl"})
    # a folder holding a link to a file outside: the link is left out, and said so
    data = client.ok("check", {"paths": ["linked"], "select": ["JL104"]})
    assert [f["file"] for f in data["files"]] == [str(folder / "own.jsonl")]
    assert any("link.jsonl: left out" in n for n in data["notes"])
    fixed = client.ok("apply_fixes", {"paths": ["linked"], "unsafe": True, "write": True})
    assert [f["file"] for f in fixed["files"]] == [str(folder / "own.jsonl")]
    assert outside.read_bytes() == before


def test_the_2026_protocol_asks_for_the_roots_within_the_call(workspace):
    """From protocol 2026-07-28 on, there is no session: the server asks for the roots as part
    of the tool call (an input-required round trip), which the SDK's Client answers."""
    async def list_roots(context) -> types.ListRootsResult:
        return types.ListRootsResult(roots=[types.Root(uri=workspace.as_uri())])

    async def calls():
        params = StdioServerParameters(command=sys.executable, args=["-m", "jsonl_lint", "mcp"],
                                       cwd=str(workspace.parent))
        async with ModernClient(params, mode="2026-07-28", list_roots_callback=list_roots) as modern:
            inside = await modern.call_tool("check", {"paths": ["data/train.jsonl"], "select": ["JL104"]})
            outside = await modern.call_tool("check", {"paths": ["../outside.jsonl"]})
            return modern.session.protocol_version, inside, outside

    with start_blocking_portal() as portal:
        version, inside, outside = portal.call(calls)
    assert version == "2026-07-28"
    assert not inside.is_error and inside.structured_content["by_rule"] == {"JL104": 1}
    assert outside.is_error and "is outside the workspace roots" in outside.content[0].text


def test_remote_locations_are_refused_and_file_uris_resolved(client, workspace):
    for path in ("s3://bucket/train.jsonl", "hf://datasets/org/name/train.jsonl"):
        assert "only local files inside the workspace" in client.error("check", {"paths": [path]})
    assert "is outside the workspace roots" in client.error("check", {"paths": [(workspace.parent / "outside.jsonl")
                                                                                .as_uri()]})
    inside = client.ok("check", {"paths": [(workspace / "data" / "train.jsonl").as_uri()], "select": ["JL104"]})
    assert inside["by_rule"] == {"JL104": 1}


def test_the_configuration_cannot_send_the_work_to_a_cluster(tmp_path):
    from jsonl_lint.commands._common import settings_from_args
    from jsonl_lint.mcp_server.server import dataset_args

    (tmp_path / ".jsonl-lint.toml").write_text('backend = "ray"\naddress = "127.0.0.1:6379"\nignore = ["JL202"]\n')
    (tmp_path / "a.jsonl").write_text(sample_dataset())
    settings = settings_from_args(dataset_args([str(tmp_path / "a.jsonl")]))
    assert settings.backend == "local" and "JL202" in settings.ignore  # the rest of the file still applies


def test_without_client_roots_the_working_directory_is_the_workspace(plain_client, workspace):
    data = plain_client.ok("check", {"paths": ["data/train.jsonl"], "max_findings": 2000})
    assert data["findings"] == json.loads(cli("check", str(workspace / "data" / "train.jsonl"),
                                              "--output-format", "json")[1])
    assert "is outside the workspace roots" in plain_client.error("check", {"paths": ["../outside.jsonl"]})


def test_a_client_that_cannot_list_its_roots_gets_the_root_folders(workspace):
    """A client that declares roots but answers roots/list with an error (some editors do)
    still gets working tools, confined to the server's --root folder, and a warning why."""
    async def refuse(context) -> types.ErrorData:
        return types.ErrorData(code=types.METHOD_NOT_FOUND, message="Method not found")

    warnings: list[str] = []

    async def on_log(params: types.LoggingMessageNotificationParams) -> None:
        warnings.append(f"{params.level}: {params.data}")

    async def calls():
        params = StdioServerParameters(command=sys.executable, args=["-m", "jsonl_lint", "mcp", "--root",
                                                                     str(workspace)], cwd=str(workspace.parent))
        async with stdio_client(params) as (read, write):
            async with ClientSession(read, write, list_roots_callback=refuse, logging_callback=on_log) as session:
                await session.initialize()
                inside = await session.call_tool("check", {"paths": ["data/train.jsonl"], "select": ["JL104"]})
                outside = await session.call_tool("check", {"paths": ["../outside.jsonl"]})
                return inside, outside

    with start_blocking_portal() as portal:
        inside, outside = portal.call(calls)
    assert not inside.is_error and inside.structured_content["by_rule"] == {"JL104": 1}
    assert outside.is_error and "is outside the workspace roots (" + str(workspace) + ")" in outside.content[0].text
    assert warnings and warnings[0].startswith("warning: the client declares roots but did not list them "
                                               "(Method not found)")

def test_results_mask_secrets(client, workspace):
    secrets = realistic_secrets()
    path = fresh(workspace, "secrets.jsonl", secret_dataset(secrets))
    # a role that is a key: the targets' first error quotes it
    fresh(workspace, "secret-roles.jsonl", "".join(_record("Hello?", "Hi.", role=secrets["aws-id"]) + "\n"
                                                   for _ in range(3)))
    outputs = {
        "check": client.call("check", {"paths": ["data/secrets.jsonl"], "max_findings": 2000}),
        "check JL1 only": client.call("check", {"paths": ["data/secrets.jsonl"], "select": ["JL1", "JL3"]}),
        "inline": client.call("check", {"text": path.read_text(), "name": "data/other.jsonl"}),
        "fix_preview": client.call("fix_preview", {"paths": ["data/secrets.jsonl"], "unsafe": True}),
        "apply_fixes": client.call("apply_fixes", {"paths": ["data/secrets.jsonl"], "unsafe": True}),
        "targets": client.call("targets", {"paths": ["data/secret-roles.jsonl", "data/secrets.jsonl"]}),
        "check with targets": client.call("check", {"paths": ["data/secret-roles.jsonl"], "target": ["trl"]}),
    }
    assert "trl: role `AKIA" in json.dumps(outputs["targets"].structured_content)
    assert sum(1 for f in outputs["check"].structured_content["findings"] if f["code"].startswith("JL70")) >= 9
    assert "--- a/" in outputs["fix_preview"].structured_content["diff"]
    for name, result in outputs.items():
        assert not result.is_error
        text = result.content[0].text + json.dumps(result.structured_content, ensure_ascii=False)
        assert not leaks(text, secrets), f"{name} shows a secret: {leaks(text, secrets)[:3]}"
    path.unlink()
    (workspace / "data" / "secret-roles.jsonl").unlink()


def test_progress_notifications_follow_the_reading(client, workspace):
    """Two large files under two configuration files (check lints them as two datasets, one
    after the other): the progress of every tool that reads them covers both, and only goes
    up, as the protocol requires."""
    large = "".join(_record(f"Question {i} about the warranty terms?", f"Answer {i}: the warranty lasts two years.")
                    + "\n" for i in range(3000))
    first = fresh(workspace, "large.jsonl", large)
    (workspace / "second").mkdir()
    (workspace / "second" / ".jsonl-lint.toml").write_text('ignore = ["JL202"]\n')
    second = workspace / "second" / "large.jsonl"
    second.write_text(large)
    seen: list[tuple[float, float | None, str | None]] = []

    async def on_progress(progress, total, message):
        seen.append((progress, total, message))

    both = ["data/large.jsonl", "second/large.jsonl"]
    for tool, options in (("check", {"select": ["JL1"]}), ("stats", {}), ("targets", {"target": ["openai"]})):
        seen.clear()
        result = client.call(tool, {"paths": both, **options}, progress=on_progress)
        assert not result.is_error and len(result.structured_content["files"]) == 2
        done = [p for p, _, _ in seen]
        assert len(seen) >= 10 and all(b > a for a, b in zip(done, done[1:])), (tool, done)
        assert {total for _, total, _ in seen} == {first.stat().st_size + second.stat().st_size}
        assert done[-1] > first.stat().st_size and "% of the data read" in seen[-1][2]
    first.unlink()
    shutil.rmtree(workspace / "second")


def test_the_cli_names_the_extra_when_the_sdk_is_missing(monkeypatch):
    for name in [n for n in sys.modules if n.split(".")[0] in ("mcp", "mcp_types")]:
        monkeypatch.setitem(sys.modules, name, None)  # `import mcp` fails as it does without the package
    monkeypatch.delitem(sys.modules, "jsonl_lint.mcp_server.server", raising=False)
    out, err = io.StringIO(), io.StringIO()
    assert main(["mcp"], out, err) == 2
    assert "pip install 'jsonl-lint[mcp]'" in err.getvalue() and out.getvalue() == ""
    assert main(["mcp", "--root", "/no/such/folder"], out, err) == 2 and "no such folder" in err.getvalue()


def test_the_documented_client_configurations_start_this_server():
    from jsonl_lint.cli import build_parser

    doc = (Path(__file__).parents[1] / "docs" / "mcp.md").read_text()
    commands = [shlex.split(line.split(" -- ", 1)[1]) for line in doc.splitlines() if line.startswith("claude mcp add")]
    for block in re.findall(r"```json\n(.*?)```", doc, re.S):
        servers = json.loads(block)
        (server,) = (servers.get("mcpServers") or servers["servers"]).values()
        commands.append([server["command"], *server["args"]])
    assert len(commands) == 4  # the Claude Code command, its .mcp.json, VS Code, Cursor
    for command in commands:
        assert command[0] == "jsonl-lint"
        args = build_parser().parse_args([a.replace("${workspaceFolder}", "/work/project") for a in command[1:]])
        assert args.func.__module__ == "jsonl_lint.commands.mcp" and args.root in (None, ["/work/project"])
