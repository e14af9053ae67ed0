"""The server's dataset pass: on workers forked per core, and reusing the last pass's
tasks, its findings are the CLI's on the editor's text."""

import json
import multiprocessing
import random
import sys
from concurrent.futures import ProcessPoolExecutor

import pytest

from jsonl_lint.config import load_settings
from jsonl_lint.engine import Engine
from jsonl_lint.lsp import dataset
from jsonl_lint.lsp.dataset import dataset_pass

LINES = [
    '\ufeff{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}',
    '{"messages": [{"role": "User", "content": "Hi 😀 there"}, {"role": "assistant", "content": " padded "}]}\r',
    "",
    '{"messages": [{"role": "user", "content": "oops"}',
    '{"messages": [{"role": "user", "content": "Mail maria.gonzalez1987@gmail.com"}, '
    '{"role": "assistant", "content": "Done."}]}',
    '{"prompt": "2+2=", "completion": "4"}',
    '{"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}',
    '{"messages": [{"role": "system", "content": "Be brief."}, {"role": "user", "content": "Why?"}]}',
]


def near_pairs(n: int) -> list[str]:
    """Records with long prompts, every tenth followed by a near copy (a near duplicate or
    a conflicting answer, found by comparing texts the pass must re-read)."""
    rnd = random.Random(3)
    words = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda mu nu xi omicron".split()
    out = []
    for i in range(n):
        prompt = [rnd.choice(words) for _ in range(40)]
        answer = " ".join(rnd.choice(words) for _ in range(30))
        out.append(json.dumps({"messages": [{"role": "user", "content": " ".join(prompt)},
                                            {"role": "assistant", "content": answer}]}))
        if i % 10 == 0:
            prompt[5] = "changed"
            out.append(json.dumps({"messages": [{"role": "user", "content": " ".join(prompt)},
                                                {"role": "assistant", "content": answer + (" more" if i % 20 else "")}]}))
    return out


def dataset_lines() -> list[str]:
    """Every kind of line, and findings of the dataset rules that re-read records."""
    near = near_pairs(150)
    return [x for k in range(len(near)) for x in ([near[k]] + (LINES if k % 8 == 0 else []))]


@pytest.fixture
def run(tmp_path):
    path = tmp_path / "train.jsonl"
    path.write_text("")  # the editor's text is not on disk: the pass must not read the file
    settings = load_settings(isolated=True).updated(select=("ALL",), jobs=2)
    engine = Engine(settings.updated(baseline=str(tmp_path / "none.json")))
    codes = {r.code for r in engine.pack.dataset_rules}

    def cli(text: str) -> list:
        return [d for d in engine.run_text(text, str(path)).diagnostics if d.code in codes]

    return settings, str(path), cli


@pytest.mark.parametrize("end", ["\n", ""])
def test_forked_workers_find_what_the_cli_finds(run, monkeypatch, end):
    settings, path, cli = run
    text = "\n".join(dataset_lines()) + end
    monkeypatch.setattr(dataset, "PARALLEL_MIN_LINES", 10 ** 9)
    serial = dataset_pass(settings, path, text)
    monkeypatch.setattr(dataset, "PARALLEL_MIN_LINES", 1)
    monkeypatch.setattr(dataset, "_kept", {})
    forked = dataset_pass(settings, path, text)
    assert forked == serial == cli(text)
    assert {"JL301", "JL303"} <= {d.code for d in serial}  # JL303 re-reads the texts it compares


@pytest.mark.parametrize("parallel", [1, 10 ** 9])
def test_a_pass_after_edits_reuses_the_tasks_they_leave_alone(run, monkeypatch, parallel):
    settings, path, cli = run
    monkeypatch.setattr(dataset, "PARALLEL_MIN_LINES", parallel)
    monkeypatch.setattr(dataset, "CUT_EVERY", 16)  # many tasks for a small text
    monkeypatch.setattr(dataset, "_kept", {})
    lines = dataset_lines()
    assert dataset_pass(settings, path, "\n".join(lines) + "\n") == cli("\n".join(lines) + "\n")
    for edit in range(3):
        before = set(dataset._kept[path])
        at = 150 + 40 * edit
        lines[at] = lines[at - 1]  # a duplicate: a new dataset finding there
        lines.insert(at + 5, lines[4] if edit != 1 else "{broken")
        text = "\n".join(lines) + "\n"
        found = dataset_pass(settings, path, text)
        assert found == cli(text)
        kept = set(dataset._kept[path])
        assert len(before & kept) > len(kept) // 2 and before & kept != kept  # most reused, moved after the edit


def _in_spawned_worker() -> tuple[str, bool, list]:
    from jsonl_lint import backends

    backends.probe_mark = True  # only a worker forked from this process sees it
    with backends.ProcessBackend(2) as backend:
        return multiprocessing.get_start_method(), backend.forks, list(backend.map(_sees_mark, [0, 1]))


def _sees_mark(_) -> bool:
    return getattr(sys.modules.get("jsonl_lint.backends"), "probe_mark", False)


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="workers are forked on Linux")
def test_the_servers_spawned_worker_still_forks_the_pass_workers():
    """The server runs the pass in a spawned process, whose default start method is "spawn";
    the pass's workers must still be forked (they read the in-memory text), or the pass
    falls back to one core."""
    with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as pool:
        default, forks, seen = pool.submit(_in_spawned_worker).result(timeout=120)
    assert default == "spawn"
    assert forks and seen == [True, True]  # said to fork, and did
