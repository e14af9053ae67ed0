"""The language server against a hostile client (raw JSON-RPC over stdio): every request
gets an answer, no frame loses the ones after it, no client error prints a traceback,
lines follow LSP's rule, and no process outlives the server."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time

import pytest

from jsonl_lint.procs import pid_alive
from rawclient import RawClient, frame

GOOD = '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}'
HUMAN = '{"messages": [{"role": "User", "content": "Hi"}, {"role": "assistant", "content": "Hey"}]}'
CONFIG = 'select = ["JL001", "JL104", "JL301"]\n'
FAST = {"debounce": 10, "datasetDelay": 50}


@pytest.fixture
def ws(tmp_path):
    (tmp_path / ".jsonl-lint.toml").write_text(CONFIG)
    return tmp_path


@pytest.fixture
def client(ws):
    c = RawClient(ws, FAST)
    c.initialize(ws)
    yield c
    c.kill()


def hover_params(uri: str, line=0, character=0) -> dict:
    return {"textDocument": {"uri": uri}, "position": {"line": line, "character": character}}


def no_client_error_output(client: RawClient) -> None:
    """Nothing on stderr (no traceback, no error line) and no pop-up."""
    time.sleep(0.3)
    assert "Traceback" not in client.stderr_text and "ERROR" not in client.stderr_text, client.stderr_text
    assert not [m for m in client.seen if m.get("method") == "window/showMessage"]


def test_requests_with_invalid_params_get_invalid_params(client, ws):
    uri = (ws / "a.jsonl").as_uri()
    client.open(uri, GOOD + "\n")
    for params in (hover_params(uri, line=-1), None, {"textDocument": {"uri": 5}, "position": {"line": "a"}}):
        answer = client.call("textDocument/hover", params)
        assert answer["error"]["code"] == -32602, answer
        assert "textDocument/hover" in answer["error"]["message"]
    assert "result" in client.call("textDocument/hover", hover_params(uri))
    no_client_error_output(client)


def test_malformed_bodies_get_json_rpc_errors_and_the_session_goes_on(client, ws):
    cases = [
        (frame(b"{not json"), -32700, None),
        (frame(b'{"jsonrpc": "2.0", "id": 5, "method": "shutdown", "x": "\xff"}'), -32700, None),  # not UTF-8
        (frame([{"jsonrpc": "2.0", "id": 6, "method": "shutdown"}]), -32600, None),  # a batch
        (frame({"id": 7, "method": "textDocument/hover", "params": {}}), -32600, 7),  # no "jsonrpc"
        (frame(b"42"), -32600, None),
        (frame({"jsonrpc": "2.0", "id": True, "method": "shutdown"}), -32600, None),
    ]
    for data, code, msg_id in cases:
        n = len(client.seen)
        client.send_bytes(data)
        error = client.wait_until(lambda seen: next((m for m in seen[n:] if "error" in m), None))
        assert (error["error"]["code"], error["id"]) == (code, msg_id), (data, error)
    uri = (ws / "a.jsonl").as_uri()
    client.open(uri, HUMAN + "\n")
    assert [d["code"] for d in client.diagnostics(uri, lambda ds: ds)] == ["JL104"]
    no_client_error_output(client)


@pytest.mark.parametrize("bad", [
    frame({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}, length=12),  # short
    frame({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}, length=400),  # long
    frame({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}, length="abc"),
    frame({"jsonrpc": "2.0", "id": 1, "method": "textDocument/hover", "params": {}}, length=10**15),
    b"Content-Length: 3\r\n",  # a header without its blank line, then the next frame
    b"garbage that is not a frame\r\n",
], ids=["short", "long", "abc", "huge", "unterminated header", "garbage"])
def test_a_wrong_frame_loses_no_later_message(client, ws, bad):
    uri = (ws / "a.jsonl").as_uri()
    client.send_bytes(bad)
    client.open(uri, HUMAN + "\n")
    assert client.diagnostics(uri, lambda ds: ds)[0]["code"] == "JL104"
    answer = client.call("textDocument/hover", hover_params(uri, 0, 3))
    assert "record 1" in answer["result"]["contents"]["value"]
    errors = [m for m in client.seen if "error" in m]
    assert errors and all(m["id"] in (None, 1) for m in errors)  # the bad frame was answered
    assert client.proc.poll() is None
    no_client_error_output(client)


def test_bad_command_arguments_are_invalid_params(client, ws):
    uri = (ws / "a.jsonl").as_uri()
    client.open(uri, GOOD + "\n")
    for args in ([uri, "not a line"], [uri], [uri, 1, 2, 3, 4], None):
        answer = client.call("workspace/executeCommand", {"command": "jsonl-lint.showPartner", "arguments": args})
        assert answer["error"]["code"] == -32602, answer
    answer = client.call("workspace/executeCommand", {"command": "no.such.command", "arguments": []})
    assert answer["error"]["code"] == -32602
    no_client_error_output(client)


def test_a_request_after_shutdown_gets_an_error(client, ws):
    assert client.call("shutdown")["result"] is None
    answer = client.call("textDocument/hover", hover_params((ws / "a.jsonl").as_uri()))
    assert answer["error"]["code"] == -32600
    client.notify("exit")
    assert client.proc.wait(10) == 0


def test_exit_without_shutdown_exits_with_1(client):
    client.notify("exit")
    assert client.proc.wait(10) == 1


def test_a_did_change_with_negative_positions_keeps_the_text_in_step(client, ws):
    uri = (ws / "a.jsonl").as_uri()
    client.open(uri, GOOD + "\n" + GOOD.replace("Hello!", "Bye") + "\n")
    client.diagnostics(uri)
    client.change(uri, 2, (-1, -5), (0, 1), "x")  # clamped to (0, 0): replaces the first "{"
    ds = client.diagnostics(uri, lambda ds: ds)
    assert [(d["code"], d["range"]["start"]["line"]) for d in ds] == [("JL001", 0)]
    client.change(uri, 3, (0, 0), (0, 1), "{")  # the editor's text again: no finding
    assert client.diagnostics(uri, lambda ds: not ds) == []


def test_lone_cr_findings_land_on_the_editor_lines(client, ws):
    """A raw CR is JSON whitespace (one record for the CLI) but ends a line in the editor."""
    uri = (ws / "a.jsonl").as_uri()
    first = GOOD.replace('"content": "Hi"', '"content":\r"Hi"')
    client.open(uri, first + "\n" + HUMAN + "\n")
    ds = client.diagnostics(uri, lambda ds: ds)
    assert [(d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"]) for d in ds] == \
        [("JL104", 2, HUMAN.index('"User"'))]
    client.change(uri, 2, (2, HUMAN.index("User")), (2, HUMAN.index("User") + 1), "u")  # the editor's line 2
    assert client.diagnostics(uri, lambda ds: not ds) == []


def test_dataset_findings_stay_on_their_record_whatever_versions_the_client_sends(ws):
    """A client that repeats its version number: dataset findings still move with the edits."""
    client = RawClient(ws, {**FAST, "largeFileSize": 1})  # dataset rules on open and save only
    try:
        client.initialize(ws)
        uri = (ws / "a.jsonl").as_uri()
        other = GOOD.replace("Hello!", "Something else")
        client.open(uri, "\n".join([GOOD, other, GOOD]) + "\n")
        ds = client.diagnostics(uri, lambda ds: any(d["code"] == "JL301" for d in ds))
        assert [d["range"]["start"]["line"] for d in ds if d["code"] == "JL301"] == [2]
        for _ in range(2):
            client.change(uri, 1, (0, 0), (0, 0), other.replace("Something", "More") + "\n")  # version 1 again
        ds = client.diagnostics(uri, lambda ds: any(d["code"] == "JL301" and d["range"]["start"]["line"] == 4
                                                    for d in ds))
        assert [d["range"]["start"]["line"] for d in ds if d["code"] == "JL301"] == [4]
    finally:
        client.kill()


# -- processes -------------------------------------------------------------------------------

linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")


def big_dataset(n: int = 30_000) -> str:
    return "\n".join(GOOD.replace("Hello!", f"Hello {i % 9_000}!") for i in range(n)) + "\n"


def wait_gone(pids: list[int], timeout: float = 5.0) -> list[int]:
    end = time.monotonic() + timeout
    while time.monotonic() < end and any(pid_alive(p) for p in pids):
        time.sleep(0.1)
    return [p for p in pids if pid_alive(p)]


@linux_only
@pytest.mark.parametrize("sig", [signal.SIGKILL, signal.SIGTERM], ids=["SIGKILL", "SIGTERM"])
def test_killing_the_server_during_a_dataset_pass_leaves_no_process(ws, sig):
    client = RawClient(ws, FAST)
    try:
        client.initialize(ws, progress=True)
        client.open((ws / "big.jsonl").as_uri(), big_dataset())
        client.wait_until(lambda seen: any(m.get("method") == "$/progress" and m["params"]["value"]["kind"] == "begin"
                                           for m in seen), timeout=120)
        children = client.wait_until(lambda seen: client.descendants(), timeout=30)
        time.sleep(0.5)  # the worker is busy with the pass
        children = client.descendants()
        client.proc.send_signal(sig)
        assert client.proc.wait(10) in (0, -signal.SIGKILL)
        assert wait_gone(children) == [], f"still alive 5 s after the server: {children}"
    finally:
        client.kill()


@linux_only
def test_the_server_ends_when_the_editor_process_does(ws):
    editor = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(120)"])
    client = RawClient(ws, FAST)
    try:
        client.initialize(ws, process_id=editor.pid)
        client.open((ws / "a.jsonl").as_uri(), GOOD + "\n")
        client.diagnostics((ws / "a.jsonl").as_uri())
        children = client.descendants()
        editor.kill()
        editor.wait()
        assert client.proc.wait(10) == 1
        assert wait_gone(children) == []
    finally:
        editor.kill()
        client.kill()


def test_a_process_id_from_elsewhere_is_not_watched(ws):
    """An editor outside the server's PID namespace (a container) sends a pid the server
    cannot see: the server keeps serving instead of ending at once."""
    gone = subprocess.Popen([sys.executable, "-c", "pass"])
    gone.wait()
    client = RawClient(ws, FAST)
    try:
        client.initialize(ws, process_id=gone.pid)
        time.sleep(2.5)  # more than two checks of a watched process
        assert client.proc.poll() is None
        assert "result" in client.call("shutdown")
        assert "not watched" in client.stderr_text
    finally:
        client.kill()


@linux_only
def test_closing_stdin_ends_the_server(ws):
    client = RawClient(ws, FAST)
    client.initialize(ws)
    client.proc.stdin.close()
    assert client.proc.wait(10) == 1
    client.kill()


def test_stderr_is_quiet_for_a_normal_session(ws):
    client = RawClient(ws, FAST)
    try:
        client.initialize(ws)
        uri = (ws / "a.jsonl").as_uri()
        client.open(uri, "\n".join([GOOD, HUMAN, GOOD]) + "\n")
        client.diagnostics(uri, lambda ds: any(d["code"] == "JL301" for d in ds))
        client.call("textDocument/hover", hover_params(uri, 1, 3))
        client.notify("$/cancelRequest", {"id": 424242})  # an unknown request: not worth a warning
        assert client.close() == 0
        assert client.stderr_text == ""
    finally:
        client.kill()
    assert os.path.exists(ws / "a.jsonl") is False  # the server never writes the dataset


def test_secrets_are_masked_in_diagnostics_and_hovers(tmp_path):
    """A house rule that quotes what it matched, next to JL7xx findings: the language server
    shows neither the key nor the email unmasked."""
    from test_masking import QUOTING_RULE, dataset, leaks, realistic_secrets

    (tmp_path / "rules" / "House").mkdir(parents=True)
    (tmp_path / "rules" / "House" / "Quote.yml").write_text(QUOTING_RULE)
    (tmp_path / ".jsonl-lint.toml").write_text('rules-path = ["rules"]\n')
    secrets = realistic_secrets()
    text = dataset(secrets)
    client = RawClient(tmp_path, FAST)
    try:
        client.initialize(tmp_path)
        uri = (tmp_path / "train.jsonl").as_uri()
        client.open(uri, text)
        ds = client.diagnostics(uri, lambda ds: any(d["code"].startswith("House") for d in ds)
                                and any(d["code"] == "JL701" for d in ds))
        hovers = [client.call("textDocument/hover", hover_params(uri, d["range"]["start"]["line"],
                                                                 d["range"]["start"]["character"]))
                  for d in ds]
        shown = str(ds) + str(hovers) + str(client.call("textDocument/codeLens", {"textDocument": {"uri": uri}}))
        assert "quoted 'mail m*****" in shown
        assert not leaks(shown, secrets)
    finally:
        client.kill()
