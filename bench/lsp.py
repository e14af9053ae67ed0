"""Benchmark: `jsonl-lint server` driven like an editor, next to the CLI on the same file.

    python bench/lsp.py [--lines 50000] [--edits 100] [--seed 7] [--file data.jsonl]

Generates a chat dataset (fixed seed, ~1% invalid lines, ~1% unknown roles) in a temp
folder, starts the server over stdio, and measures

* open -> first diagnostics (progressive: the first batch of lines), open -> every
  per-record diagnostic (as many as the CLI finds), open -> dataset-wide rules done (the
  $/progress end), open -> every diagnostic (the last publish before the server is quiet
  for ``QUIET`` seconds after that end; edits start then);
* one-character edits -> the publish for that document version (p50 / p95 / max over
  ``--edits`` edits, one every 100 ms like slow typing; every 10th edit breaks the line's
  JSON and the next one repairs it, and the script checks the finding appears / goes);
* save -> dataset-wide rules done (after the edits);
* the CPU seconds of the server and its worker processes for the open and for the save
  (the machine may be shared: CPU is the figure to compare);
* `jsonl-lint check` on the same file (wall time, a separate process) in the same run.

Writes nothing into the repository.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import statistics
import subprocess
import sys
import tempfile
import time

QUIET = 1.5  # seconds without a publish after the dataset pass's end: the open is done
_CONTENT = re.compile(r'"content":\s*"')
WORDS = ("the a model data train token user assistant reply question answer json line record fine tune "
         "dataset example value review prompt output label batch epoch loss weight").split()


def make_dataset(n: int, seed: int) -> list[str]:
    rnd = random.Random(seed)
    out = []
    for i in range(n):
        def sent(k: int) -> str:
            return " ".join(rnd.choice(WORDS) for _ in range(k)).capitalize() + "."

        msgs = [{"role": "system", "content": "You are a helpful assistant."},
                {"role": "user", "content": f"{sent(rnd.randint(8, 30))} #{i}"},
                {"role": "assistant", "content": " ".join(sent(rnd.randint(8, 20)) for _ in range(rnd.randint(1, 5)))}]
        r = rnd.random()
        if r < 0.01:
            out.append('{"messages": [{"role": "user", "content": "broken ' + str(i) + '"}')
            continue
        if r < 0.02:
            msgs[1]["role"] = "User"
        out.append(json.dumps({"messages": msgs}, ensure_ascii=False))
    return out


class Client:
    """A minimal LSP client over the server's stdio that answers server requests."""

    def __init__(self, proc: asyncio.subprocess.Process):
        self.proc = proc
        self.next_id = 0
        self.pending: dict[int, asyncio.Future] = {}
        self.publishes: asyncio.Queue = asyncio.Queue()
        self.progress_end = asyncio.Event()
        self.progress_end_at = 0.0
        self.reader = asyncio.ensure_future(self._read())

    def send(self, msg: dict) -> None:
        body = json.dumps(msg).encode()
        self.proc.stdin.write(b"Content-Length: %d\r\n\r\n" % len(body) + body)

    async def request(self, method: str, params) -> object:
        self.next_id += 1
        fut = asyncio.get_running_loop().create_future()
        self.pending[self.next_id] = fut
        self.send({"jsonrpc": "2.0", "id": self.next_id, "method": method, "params": params})
        await self.proc.stdin.drain()
        return await fut

    def notify(self, method: str, params) -> None:
        self.send({"jsonrpc": "2.0", "method": method, "params": params})

    async def _read(self) -> None:
        stream = self.proc.stdout
        while True:
            length = 0
            while True:
                line = await stream.readline()
                if not line:
                    return
                if line in (b"\r\n", b"\n"):
                    break
                if line.lower().startswith(b"content-length:"):
                    length = int(line.split(b":")[1])
            msg = json.loads(await stream.readexactly(length))
            now = time.perf_counter()
            if "method" in msg and "id" in msg:  # a request from the server
                result = [{"largeFileSize": 5_000_000}] if msg["method"] == "workspace/configuration" else None
                self.send({"jsonrpc": "2.0", "id": msg["id"], "result": result})
            elif "method" in msg:
                if msg["method"] == "textDocument/publishDiagnostics":
                    self.publishes.put_nowait((now, msg["params"]))
                elif msg["method"] == "$/progress" and msg["params"]["value"].get("kind") == "end":
                    self.progress_end_at = now
                    self.progress_end.set()
            elif msg.get("id") in self.pending:
                self.pending.pop(msg["id"]).set_result(msg.get("result"))


def own_cpu(pid: int) -> float:
    """CPU seconds of process ``pid`` alone (the server: its event loop and lint thread)."""
    with open(f"/proc/{pid}/stat") as f:
        fields = f.read().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def tree_cpu(pid: int) -> float:
    """CPU seconds of process ``pid`` and its descendants (their exited children included)."""
    parents: dict[int, int] = {}
    times: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        parents[int(name)] = int(fields[1])
        times[int(name)] = sum(int(x) for x in fields[11:15])  # utime stime cutime cstime
    tree, todo = set(), [pid]
    while todo:
        p = todo.pop()
        tree.add(p)
        todo += [c for c, pp in parents.items() if pp == p and c not in tree]
    return sum(times.get(p, 0) for p in tree) / os.sysconf("SC_CLK_TCK")


def pct(values: list[float], q: float) -> float:
    values = sorted(values)
    return values[min(len(values) - 1, int(round(q * (len(values) - 1))))]


async def run(args) -> dict:
    from jsonl_lint.config import load_settings
    from jsonl_lint.registry import resolve

    tmp = tempfile.mkdtemp(prefix="jsonl-lint-bench-")
    path = os.path.join(tmp, "train.jsonl")
    if args.file:  # chat records written elsewhere (bench/full.py's real-text records)
        with open(args.file, encoding="utf-8") as f:
            lines = f.read().splitlines()
        args.lines = len(lines)
    else:
        lines = make_dataset(args.lines, args.seed)
    text = "\n".join(lines) + "\n"
    with open(path, "w", encoding="utf-8") as f:
        f.write(text)
    dataset_codes = {r.code for r in resolve(load_settings(start=path)).dataset_rules}

    # the CLI on the same file
    t = time.perf_counter()
    cli = subprocess.run([sys.executable, "-m", "jsonl_lint", "check", path, "--output-format", "json"]
                         + (["--select", "JL001"] if args.no_cli else []), capture_output=True, text=True, cwd=tmp)
    cli_s = time.perf_counter() - t
    cli_diags = json.loads(cli.stdout) if cli.stdout.strip() else []
    if isinstance(cli_diags, dict):
        cli_diags = cli_diags.get("diagnostics", [])
    expected = sum(1 for d in cli_diags if (d.get("code") or d.get("rule")) not in dataset_codes)

    command = os.environ.get("BENCH_SERVER_CMD", f"{sys.executable} -m jsonl_lint server --stdio").split()
    proc = await asyncio.create_subprocess_exec(
        *command, cwd=tmp,
        stdin=asyncio.subprocess.PIPE, stdout=asyncio.subprocess.PIPE, limit=1 << 26)
    c = Client(proc)
    uri = "file://" + path
    t = time.perf_counter()
    await c.request("initialize", {"processId": os.getpid(), "rootUri": "file://" + tmp, "capabilities": {
        "workspace": {"configuration": True}, "window": {"workDoneProgress": True}}})
    c.notify("initialized", {})
    init_s = time.perf_counter() - t
    await asyncio.sleep(args.wait)  # like an editor: the server starts, then the user opens the file

    cpu0, own0 = tree_cpu(proc.pid), own_cpu(proc.pid)
    t0 = time.perf_counter()
    c.notify("textDocument/didOpen", {"textDocument": {"uri": uri, "languageId": "jsonl", "version": 1,
                                                       "text": text}})
    # Every diagnostic is there at the last publish once the dataset pass has ended and, with
    # the CLI's count, the per-record findings are all there: the server then stays quiet.
    first = complete = dataset_s = last = None
    while True:
        try:
            now, params = await asyncio.wait_for(c.publishes.get(), QUIET if dataset_s is not None else 600)
        except asyncio.TimeoutError:
            if complete is not None or args.no_cli:
                break
            raise
        per_record = sum(1 for d in params["diagnostics"] if d["code"] not in dataset_codes)
        if first is None:
            first = now - t0
        if complete is None and not args.no_cli and per_record >= expected:
            complete = now - t0
        last = now - t0
        if dataset_s is None and c.progress_end.is_set():
            dataset_s = c.progress_end_at - t0
    open_cpu, open_own = tree_cpu(proc.pid) - cpu0, own_cpu(proc.pid) - own0
    complete = last if complete is None else complete

    rnd = random.Random(args.seed + 1)
    latencies: list[float] = []
    checks_ok = True
    version = 1
    broken = 0  # the line the previous edit broke (repaired by the next one)
    for k in range(args.edits):
        line = rnd.randrange(len(lines))
        while not lines[line].startswith('{"messages"') or '"broken' in lines[line]:
            line = rnd.randrange(len(lines))
        version += 1
        if k % 10 == 9:  # break the line's JSON, then repair it with the next edit
            col = len(lines[line]) - 1
            change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col + 1}},
                      "text": ""}
        elif k % 10 == 0 and k > 0:
            change = {"range": {"start": {"line": broken, "character": len(lines[broken])},
                                "end": {"line": broken, "character": len(lines[broken])}}, "text": "}"}
            line = broken
        else:
            col = _CONTENT.search(lines[line], 40).end()  # json.dumps or orjson spacing (--file)
            change = {"range": {"start": {"line": line, "character": col}, "end": {"line": line, "character": col}},
                      "text": "x"}
        t = time.perf_counter()
        c.notify("textDocument/didChange", {"textDocument": {"uri": uri, "version": version},
                                            "contentChanges": [change]})
        while True:
            now, params = await asyncio.wait_for(c.publishes.get(), 60)
            if params.get("version") == version:
                break
        latencies.append(now - t)
        on_line = [d["code"] for d in params["diagnostics"] if d["range"]["start"]["line"] == line]
        if k % 10 == 9:
            broken = line
            checks_ok &= "JL001" in on_line
        elif k % 10 == 0 and k > 0:
            checks_ok &= "JL001" not in on_line
        # keep the local copy in step (for the next edit's columns)
        s, e = change["range"]["start"]["character"], change["range"]["end"]["character"]
        lines[line] = lines[line][:s] + change["text"] + lines[line][e:]
        await asyncio.sleep(0.1)

    await asyncio.sleep(1.0)
    c.progress_end.clear()
    cpu0 = tree_cpu(proc.pid)
    t = time.perf_counter()
    c.notify("textDocument/didSave", {"textDocument": {"uri": uri}})
    await asyncio.wait_for(c.progress_end.wait(), 600)
    save_s = time.perf_counter() - t
    save_cpu = tree_cpu(proc.pid) - cpu0

    await c.request("shutdown", None)
    c.notify("exit", None)
    try:
        await asyncio.wait_for(proc.wait(), 10)
    except asyncio.TimeoutError:
        proc.kill()
    return {
        "lines": args.lines, "bytes": len(text.encode()), "cli_s": cli_s, "cli_findings": len(cli_diags),
        "init_s": init_s, "first_s": first, "complete_s": complete, "dataset_s": dataset_s, "every_s": last,
        "open_cpu": open_cpu, "open_own": open_own, "save_s": save_s, "save_cpu": save_cpu,
        "p50_ms": statistics.median(latencies) * 1000, "p95_ms": pct(latencies, 0.95) * 1000,
        "max_ms": max(latencies) * 1000, "edits": len(latencies), "checks_ok": checks_ok,
    }


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--lines", type=int, default=50_000)
    ap.add_argument("--edits", type=int, default=100)
    ap.add_argument("--seed", type=int, default=7)
    ap.add_argument("--wait", type=float, default=5.0, help="seconds between initialize and opening the file")
    ap.add_argument("--no-cli", action="store_true", help="skip the CLI run (profiling the server); the open is "
                                                          "then done at the last publish before the server is quiet")
    ap.add_argument("--file", help="open this JSONL chat file instead of generating one (every record a "
                                   "system, user and assistant turn)")
    args = ap.parse_args()
    r = asyncio.run(run(args))
    print(f"dataset: {r['lines']:,} lines, {r['bytes'] / 1e6:.1f} MB; CLI findings: {r['cli_findings']:,}")
    print(f"{'measure':<52} {'value':>12}")
    print(f"{'CLI `jsonl-lint check` (wall, separate process)':<52} {r['cli_s']:>10.2f} s")
    print(f"{'server initialize':<52} {r['init_s']:>10.2f} s")
    print(f"{'open -> first diagnostics (target < 2 s)':<52} {r['first_s']:>10.2f} s")
    print(f"{'open -> all per-record diagnostics':<52} {r['complete_s']:>10.2f} s")
    print(f"{'open -> dataset-wide rules done':<52} {r['dataset_s']:>10.2f} s")
    print(f"{'open -> every diagnostic (target < 5 s)':<52} {r['every_s']:>10.2f} s")
    print(f"{'  CPU of the server and its workers':<52} {r['open_cpu']:>10.2f} s")
    print(f"{'  of which the server process (lint thread, loop)':<52} {r['open_own']:>10.2f} s")
    print(f"{'save -> dataset-wide rules done':<52} {r['save_s']:>10.2f} s")
    print(f"{'  CPU of the server and its workers':<52} {r['save_cpu']:>10.2f} s")
    print(f"{'edit -> diagnostics p50':<52} {r['p50_ms']:>9.1f} ms")
    print(f"{'edit -> diagnostics p95 (target < 150 ms)':<52} {r['p95_ms']:>9.1f} ms")
    print(f"{'edit -> diagnostics max':<52} {r['max_ms']:>9.1f} ms")
    print(f"{'edits; findings appeared/vanished as expected':<52} {r['edits']:>6} {'yes' if r['checks_ok'] else 'NO':>5}")


if __name__ == "__main__":
    main()
