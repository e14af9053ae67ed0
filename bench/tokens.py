"""Token-counting benchmark: the whole `check` with the JL6xx rules against a floor.

Floor: parse every line with orjson and count every message text with tiktoken's
``encode_ordinary``, nothing else, in 2 processes over byte ranges (both cores).
Check: ``Engine(select=JL6).run([file], jobs=2)``: reading, counting with the formula
(plain OpenAI chat and ShareGPT records straight from their messages, other shapes through
the normalized view; both paths are measured),
the JL6xx rules and their findings. Both run in the same process, several
times, alternating (the machine may be shared: compare the two, not absolute times).

    python bench/tokens.py                 # 100k generated records
    python bench/tokens.py --records 20000 --repeat 3
    python bench/tokens.py --corpora       # also: counts equal tiktoken's on ../shared/corpora

Cold runs compare like with like: the CLI in a fresh process against the floor in a fresh
process (Python start, imports, loading the encoding from tiktoken's cache).
Writes only temporary files (removed at the end).
"""

from __future__ import annotations

import argparse
import os
import random
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor

import orjson

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
sys.path.insert(0, os.path.join(ROOT, "src"))

from jsonl_lint import tokens  # noqa: E402
from jsonl_lint.config import settings_from_table  # noqa: E402
from jsonl_lint.engine import Engine  # noqa: E402
from jsonl_lint.reader import iter_lines_offsets  # noqa: E402

WORDS = ("the of and to in is you that it he was for on are as with his they at be this have from or one had by "
         "word but not what all were we when your can said there use an each which she do how their if will up "
         "other about out many then them these so some her would make like him into time has look two more write "
         "go see number no way could people my than first water been call who oil its now find long down day did "
         "get come made may part model data token limit training example assistant user system prompt answer "
         "dataset quality check latency python function return value error 2024 42 3.14 café naïve 東京").split()


SHAPES = {
    "openai": "OpenAI chat: role and content, a weight on the assistant's: counted straight from the messages",
    "sharegpt": "the same texts as ShareGPT (LLaMA-Factory: system prompt as a top-level key): counted straight "
                "from the conversation",
    "alpaca": "the same texts as Alpaca (system, instruction, output): counted through the normalized view, as "
              "preference pairs and chat with tools or content parts are",
}
SHAREGPT_ROLES = {"user": "human", "assistant": "gpt"}


def generate(path: str, n: int, seed: int = 1234, shape: str = "openai") -> int:
    """Chat records; the same texts for every shape (same seed)."""
    rng = random.Random(seed)
    systems = ["You are a helpful assistant.", "You are a concise support agent for Acme Corp. Answer politely.",
               "Answer in the style of a pirate."]
    with open(path, "wb") as f:
        for i in range(n):
            system = rng.choice(systems) if rng.random() < 0.8 else None
            user = " ".join(rng.choices(WORDS, k=rng.randint(20, 60))) + "?"
            reply = " ".join(rng.choices(WORDS, k=rng.randint(80, 220))) + "."
            if shape == "openai":
                msgs = [{"role": "system", "content": system}] if system else []
                record = {"messages": msgs + [{"role": "user", "content": user},
                                              {"role": "assistant", "content": reply, "weight": 1}]}
            elif shape == "sharegpt":
                record = {"conversations": [{"from": "human", "value": user}, {"from": "gpt", "value": reply}]}
                if system:
                    record["system"] = system
            else:
                record = {"instruction": user, "input": "", "output": reply}
                if system:
                    record["system"] = system
            f.write(orjson.dumps(record) + b"\n")
    return os.path.getsize(path)


def texts_of(value: dict, shape: str) -> list[str]:
    """Every text of a generated record (the floor counts exactly these)."""
    if shape == "openai":
        return [m["content"] for m in value["messages"]]
    texts = [m["value"] for m in value["conversations"]] if shape == "sharegpt" else \
        [value["instruction"], value["output"]]
    return texts + [value["system"]] if "system" in value else texts


# -- floor ---------------------------------------------------------------------------------
_ENC = None


def _floor_part(args):
    path, start, end, shape = args
    encode = _ENC.encode_ordinary
    n = texts = 0
    with open(path, "rb") as f:
        f.seek(start)
        pos = start
        for line in f:
            if pos >= end:
                break
            pos += len(line)
            for text in texts_of(orjson.loads(line), shape):
                n += len(encode(text))
                texts += 1
    return n, texts


def _cpu() -> float:
    """CPU seconds of this process and its finished children (workers are joined before reading)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def floor(path: str, jobs: int, shape: str) -> tuple[float, float, int, int]:
    ranges = [(path, s, e, shape) for s, e, _, _ in iter_lines_offsets(path, jobs)]
    c, t = _cpu(), time.perf_counter()
    with ProcessPoolExecutor(max_workers=jobs) as pool:
        parts = list(pool.map(_floor_part, ranges))
    return time.perf_counter() - t, _cpu() - c, sum(p[0] for p in parts), sum(p[1] for p in parts)


def check(path: str, jobs: int, settings) -> tuple[float, float, int, int]:
    c, t = _cpu(), time.perf_counter()
    report = Engine(settings).run([path], jobs=jobs)
    return time.perf_counter() - t, _cpu() - c, report.files[0].records, len(report.diagnostics)


def _fresh_env(tmp: str, **extra: str) -> dict:
    """A fresh interpreter's environment with bytecode cached under ``tmp`` (an installed
    package has its .pyc files; the sandbox sets PYTHONDONTWRITEBYTECODE, which would make
    every cold run compile jsonl-lint's modules again)."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, "PYTHONPYCACHEPREFIX": os.path.join(tmp, "pycache"), **extra}


def cold_cli(path: str, jobs: int, tmp: str) -> float:
    t = time.perf_counter()
    subprocess.run([sys.executable, "-m", "jsonl_lint", "check", "--isolated", "--select", "JL6", "--jobs", str(jobs),
                    "--output-format", "concise", "--no-progress", path], check=False, capture_output=True,
                   env=_fresh_env(tmp, PYTHONPATH=os.path.join(ROOT, "src")))
    return time.perf_counter() - t


def cold_floor(path: str, jobs: int, shape: str, tmp: str) -> float:
    """The floor in a fresh interpreter, as a script would run it: start Python, import orjson
    and tiktoken, get the encoding from tiktoken's cache (filled beforehand, not timed), count."""
    t = time.perf_counter()
    subprocess.run([sys.executable, __file__, "--floor-only", path, "--shapes", shape, "--jobs", str(jobs)], check=True,
                   env=_fresh_env(tmp, TIKTOKEN_CACHE_DIR=tmp))
    return time.perf_counter() - t


def fill_tiktoken_cache(cache_dir: str, name: str) -> None:
    """Put the verified encoding file where tiktoken looks for it (its cache key: sha1 of the URL)."""
    import gzip
    import hashlib

    from jsonl_lint.tokens.encodings import TIKTOKEN_URLS, bundled_path

    with gzip.open(bundled_path(name)) as src, open(os.path.join(
            cache_dir, hashlib.sha1(TIKTOKEN_URLS[name].encode()).hexdigest()), "wb") as dst:
        dst.write(src.read())


def corpora_check() -> None:
    """Counts equal tiktoken's (reference: tiktoken's own loader) for every text of every corpus."""
    import gzip

    import tiktoken
    import tiktoken.load
    import tiktoken_ext.openai_public as public

    from jsonl_lint.engine import discover
    from jsonl_lint.reader import open_binary, read_records
    from jsonl_lint.tokens.encodings import bundled_path

    corpora = os.path.join(os.path.dirname(ROOT), "shared", "corpora")
    if not os.path.isdir(corpora):
        print(f"corpora: {corpora} not found, skipped")
        return
    settings = settings_from_table({"root": ROOT}, None)
    files = discover([corpora], settings)
    print(f"\n{'corpus file':<62} {'encoding':<12} {'texts':>8} {'tokens':>11} {'mismatches':>10}")
    for name, model in (("o200k_base", "gpt-4o-mini-2024-07-18"), ("cl100k_base", "gpt-3.5-turbo-0125")):
        with tempfile.TemporaryDirectory() as tmp:
            raw = os.path.join(tmp, name)
            with open(raw, "wb") as f:
                f.write(gzip.open(bundled_path(name)).read())
            os.environ["TIKTOKEN_CACHE_DIR"] = ""
            orig = public.load_tiktoken_bpe
            public.load_tiktoken_bpe = lambda url, expected_hash=None: tiktoken.load.load_tiktoken_bpe(raw, expected_hash)
            try:
                params = dict(public.ENCODING_CONSTRUCTORS[name]())
            finally:
                public.load_tiktoken_bpe = orig
            params.pop("explicit_n_vocab", None)
            ref = tiktoken.Encoding(**params)
        counter = tokens.target(model).counter
        for path in files:
            texts = total = bad = 0
            with open_binary(path) as f:
                for record in read_records(f, path):
                    if record.example is None:
                        continue
                    for turn in record.example.all_turns:
                        a, b = counter.count(turn.text), len(ref.encode_ordinary(turn.text))
                        texts += 1
                        total += b
                        bad += a != b
            print(f"{os.path.relpath(path, corpora):<62} {name:<12} {texts:>8,} {total:>11,} {bad:>10}")


def compare(path: str, shape: str, args, settings, cache_dir: str) -> None:
    """Floor and check on one file, alternating; then both cold, in fresh processes."""
    floors, checks, fcpu, ccpu = [], [], [], []
    check(path, args.jobs, settings)  # warm-up, not timed: imports the rule modules (cold runs count them)
    for i in range(args.repeat):
        f_t, f_c, n_tok, n_texts = floor(path, args.jobs, shape)
        c_t, c_c, n_rec, n_find = check(path, args.jobs, settings)
        floors.append(f_t)
        checks.append(c_t)
        fcpu.append(f_c)
        ccpu.append(c_c)
        print(f"  run {i + 1}: floor {f_t:6.2f} s wall {f_c:6.2f} s cpu   check {c_t:6.2f} s wall {c_c:6.2f} s cpu"
              f"   ratio wall {c_t / f_t:4.2f} cpu {c_c / f_c:4.2f}")
    cold_floor(path, args.jobs, shape, cache_dir), cold_cli(path, args.jobs, cache_dir)  # write the bytecode
    colds = [(cold_floor(path, args.jobs, shape, cache_dir), cold_cli(path, args.jobs, cache_dir))
             for _ in range(args.repeat)]
    cold_f, cold = min(c[0] for c in colds), min(c[1] for c in colds)
    f_best, c_best = min(floors), min(checks)
    n = args.records
    print()
    print(f"{'measure (best of runs)':<44} {'wall s':>7} {'cpu s':>7} {'records/s':>10} {'tokens/s':>11}")
    for label, wall, cpu in (("floor: orjson + tiktoken, 2 processes", f_best, min(fcpu)),
                             ("check --select JL6, jobs=2", c_best, min(ccpu)),
                             ("floor, cold: fresh python, load encoding", cold_f, None),
                             ("jsonl-lint check CLI, cold start", cold, None)):
        cpu_s = f"{cpu:>7.2f}" if cpu is not None else " " * 7
        print(f"{label:<44} {wall:>7.2f} {cpu_s} {n / wall:>10,.0f} {n_tok / wall:>11,.0f}")
    print(f"ratio check/floor, wall: best-vs-best {c_best / f_best:.2f}, median of paired runs "
          f"{statistics.median(c / f for c, f in zip(checks, floors)):.2f}; cpu: best-vs-best "
          f"{min(ccpu) / min(fcpu):.2f} (target <= 1.5)")
    print(f"ratio cold CLI / cold floor (both start a fresh python and load the encoding): {cold / cold_f:.2f}, "
          f"median of paired runs {statistics.median(c / f for f, c in colds):.2f}")
    print(f"load average at the end: {os.getloadavg()[0]:.1f} (wall times are only comparable when it is "
          f"near or below the core count)")
    print(f"texts {n_texts:,}, text tokens {n_tok:,}, records {n_rec:,}, findings {n_find:,}")


def floor_only(path: str, jobs: int, shape: str) -> None:
    global _ENC
    import tiktoken

    _ENC = tiktoken.get_encoding("o200k_base")  # from TIKTOKEN_CACHE_DIR: no download
    floor(path, jobs, shape)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--records", type=int, default=100_000)
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--jobs", type=int, default=2)
    ap.add_argument("--corpora", action="store_true")
    ap.add_argument("--shapes", default="openai,sharegpt,alpaca", help=f"record shapes to run: {', '.join(SHAPES)}")
    ap.add_argument("--floor-only", metavar="PATH", help=argparse.SUPPRESS)  # the cold floor's child process
    args = ap.parse_args()
    if args.floor_only:
        floor_only(args.floor_only, args.jobs, args.shapes)
        return

    global _ENC
    settings = settings_from_table({"select": ["JL6"], "root": ROOT}, None)
    target = tokens.target(settings)  # loaded once here; forked workers (floor and check) inherit it
    _ENC = target.counter.encoding
    print(f"{args.records:,} generated chat records; model {settings.model} ({target.counter.name}); "
          f"jobs={args.jobs}; cores={os.cpu_count()}")
    with tempfile.TemporaryDirectory() as tmp:
        fill_tiktoken_cache(tmp, target.counter.name)
        for shape in args.shapes.split(","):
            path = os.path.join(tmp, f"{shape}.jsonl")
            size = generate(path, args.records, shape=shape)
            print(f"\n## {shape} records ({SHAPES[shape]}), {size / 1e6:.0f} MB")
            compare(path, shape, args, settings, tmp)
            os.unlink(path)
    if args.corpora:
        corpora_check()


if __name__ == "__main__":
    main()
