"""No process outlives jsonl-lint: the CLI's parallel workers die with it."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time

import pytest

from helpers import child_processes
from jsonl_lint.procs import pid_alive, watch


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="reads /proc")
def test_parallel_workers_die_with_a_killed_cli(tmp_path):
    record = {"messages": [{"role": "user", "content": "Tell me about item"},
                           {"role": "assistant", "content": "It is a fine item."}]}
    lines = [json.dumps({**record, "messages": [record["messages"][0], {"role": "assistant",
                                                                        "content": f"Item {i} is fine."}]})
             for i in range(60_000)]
    data = tmp_path / "big.jsonl"
    data.write_text("\n".join(lines) + "\n")
    cli = subprocess.Popen([sys.executable, "-m", "jsonl_lint", "check", str(data), "--isolated", "--jobs", "2",
                            "--output-format", "concise"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        end = time.monotonic() + 60
        workers: list[int] = []
        while len(workers) < 2 and time.monotonic() < end and cli.poll() is None:
            workers = child_processes().get(cli.pid, [])
            time.sleep(0.05)
        assert len(workers) >= 2, "the run did not start its workers"
        cli.send_signal(signal.SIGKILL)
        cli.wait(10)
        end = time.monotonic() + 5
        while any(pid_alive(p) for p in workers) and time.monotonic() < end:
            time.sleep(0.1)
        assert not [p for p in workers if pid_alive(p)]
    finally:
        cli.kill()


def test_watch_calls_back_once_the_process_is_gone():
    done = threading.Event()
    state = {"alive": True}
    watch(lambda: state["alive"], done.set)
    assert not done.wait(0.2)
    state["alive"] = False
    assert done.wait(5)
    assert pid_alive(os.getpid())
