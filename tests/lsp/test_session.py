"""A 1,000-edit random editing session against the server (fixed seed): at checkpoints its
record-level findings are the CLI's on the same text, and nothing is logged at error level."""

from __future__ import annotations

import random

from jsonl_lint.config import load_settings
from jsonl_lint.engine import Engine
from jsonl_lint.registry import all_rules
from jsonl_lint.rule import DatasetRule
from rawclient import RawClient, editor_index, editor_position

SEED = 20261202
EDITS = 1000
CHECKPOINT = 100
RECORDS = [
    '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}',
    '{"messages": [{"role": "User", "content": "Hi 😀 there"}, {"role": "assistant", "content": " padded "}]}',
    '{"prompt": "2+2=", "completion": "4"}',
    '{"instruction": "Add", "input": "2 and 2", "output": "4"}',
    '{"messages": [{"role": "user", "content": "oops"}',
    '{"messages": [{"role": "user", "content": "Mail maria.gonzalez1987@gmail.com"}, '
    '{"role": "assistant", "content": "Done."}]}',
    '{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Why?"}]}',
    "",
]
PIECES = ["a", " ", '"', "{", "}", ",", ":", "[", "]", "é", "😀", "\n", "\r\n", "User", "user", "null", "1"]


def random_edit(rng: random.Random, text: str) -> tuple[tuple[int, int], tuple[int, int], str]:
    lines = text.count("\n") + 1
    line = rng.randrange(lines + 1)
    start = (line, rng.randrange(0, 120))
    kind = rng.random()
    if kind < 0.5:  # typing
        return start, start, rng.choice(PIECES)
    if kind < 0.75:  # deleting a few characters, now and then across a line break
        return start, (line + (rng.random() < 0.1), rng.randrange(0, 120)), ""
    if kind < 0.9:  # pasting a record
        return (line, 0), (line, 0), rng.choice(RECORDS) + "\n"
    return (line, 0), (line + 1, 0), ""  # deleting a line


def record_level(items, codes) -> list[tuple[str, int, int]]:
    return sorted((d["code"], d["range"]["start"]["line"], d["range"]["start"]["character"])
                  for d in items if d["code"] in codes)


def cli_findings(engine: Engine, text: str, path: str, codes) -> list[tuple[str, int, int]]:
    """The CLI's per-record findings on ``text``, at LSP positions computed independently."""
    line_starts = [0]
    for i, ch in enumerate(text):
        if ch == "\n":
            line_starts.append(i + 1)
    out = []
    for d in engine.run_text(text, path, dataset_rules=False).diagnostics:
        if d.code in codes:
            index = line_starts[d.location.line - 1] + d.location.column - 1
            out.append((d.code, *editor_position(text, index)))
    return sorted(out)


def test_a_random_editing_session_keeps_the_cli_findings(tmp_path):
    (tmp_path / ".jsonl-lint.toml").write_text('select = ["ALL"]\n')
    path = tmp_path / "session.jsonl"
    codes = {cls.code for cls in all_rules() if not issubclass(cls, DatasetRule)}
    engine = Engine(load_settings(start=str(path)).updated(baseline=str(tmp_path / "none.json")))
    rng = random.Random(SEED)
    text = "\n".join(rng.choice(RECORDS) for _ in range(40)) + "\n"
    client = RawClient(tmp_path, {"debounce": 5, "datasetDelay": 200})
    try:
        client.initialize(tmp_path)
        uri = path.as_uri()
        client.open(uri, text)
        checked = 0
        for n in range(1, EDITS + 1):
            start, end, new = random_edit(rng, text)
            a, b = editor_index(text, *start), editor_index(text, *end)
            text = text[:a] + new + text[max(a, b):]
            client.change(uri, n + 1, start, end, new)
            if n % CHECKPOINT == 0:
                expected = cli_findings(engine, text, str(path), codes)

                def settled(seen, version=n + 1, expected=expected):
                    for m in reversed(seen):
                        if m.get("method") == "textDocument/publishDiagnostics":
                            return m["params"]["version"] == version and \
                                record_level(m["params"]["diagnostics"], codes) == expected
                    return False

                try:
                    client.wait_until(settled, timeout=90)
                except AssertionError:
                    last = next(m for m in reversed(client.seen) if m.get("method") == "textDocument/publishDiagnostics")
                    got = record_level(last["params"]["diagnostics"], codes)
                    raise AssertionError(f"edit {n}: server {sorted(set(got) - set(expected))} "
                                         f"vs CLI {sorted(set(expected) - set(got))}") from None
                checked += 1
        assert checked == EDITS // CHECKPOINT
        errors = [m["params"]["message"] for m in client.seen
                  if m.get("method") in ("window/logMessage", "window/showMessage") and m["params"]["type"] == 1]
        assert errors == []
        assert client.close() == 0
        assert "ERROR" not in client.stderr_text and "Traceback" not in client.stderr_text, client.stderr_text
    finally:
        client.kill()
