"""hf://datasets/... through huggingface_hub's HfFileSystem, against a fake Hub on
127.0.0.1 (a contract test of the endpoints it uses, pinned to the huggingface_hub
version of the test extra)."""

from __future__ import annotations

import io
import json

import pytest

from jsonl_lint.cli import main


@pytest.fixture
def hub(fake_hub):
    from huggingface_hub import HfFileSystem

    from jsonl_lint import sources

    HfFileSystem.clear_instance_cache()
    sources.filesystem.cache_clear()
    fake_hub.repos.clear()
    fake_hub.requests.clear()
    yield fake_hub
    sources.filesystem.cache_clear()


def _records(n):
    out = []
    for i in range(n):
        role = "asistant" if i == 7 else "assistant"
        out.append(json.dumps({"messages": [{"role": "user", "content": f"Question number {i} about my order"},
                                            {"role": role, "content": f"Answer {i}: it ships tomorrow."}]}))
    return ("\n".join(out) + "\n").encode()


def test_hf_dataset_files_are_read_by_range_with_line_numbers(hub, tmp_path):
    data = _records(3000)
    hub.repos["acme/support"] = {"data/train.jsonl": data, "README.md": b"# card\n"}
    local = tmp_path / "train.jsonl"
    local.write_bytes(data)
    args = ["--select", "JL104", "--output-format", "concise", "--no-progress", "--isolated", "--jobs", "2"]
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "hf://datasets/acme/support/data/train.jsonl", *args], out, err) == 1, err.getvalue()
    expected = io.StringIO()
    main(["check", str(local), *args], expected, io.StringIO())
    assert out.getvalue().replace("hf://datasets/acme/support/data/train.jsonl", "F") == \
        expected.getvalue().replace(str(local), "F")
    assert "hf://datasets/acme/support/data/train.jsonl:8:" in out.getvalue()
    reads = [r for r in hub.requests if "/resolve/" in r and r.startswith("GET")]
    spans = [tuple(map(int, r.rsplit("bytes=", 1)[1].split("-"))) for r in reads]
    assert len(spans) == len(reads) > 1  # every read is a range request
    assert all(end - start + 1 < len(data) for start, end in spans)  # none is the whole file


def test_hf_folder_is_searched_for_datasets(hub):
    hub.repos["acme/support"] = {"data/train.jsonl": _records(5), "data/notes.txt": b"x"}
    out, err = io.StringIO(), io.StringIO()
    assert main(["check", "hf://datasets/acme/support/data", "--select", "JL104", "--output-format", "concise",
                 "--no-progress", "--isolated"], out, err) == 0, err.getvalue()
