"""The detection figures the test suite asserts on generated data, for two source trees.

    python bench/suite_figures.py OLD_TREE [NEW_TREE]     # NEW_TREE defaults to this one

Each tree is measured in its own process with its own code and its own test data
generators (``tests/``): the JL4xx planted outliers (recall and precision per kind, seeds
0-2, prose and JSON datasets, as tests/consistency/test_consistency.py), the volatile-fact
detector (recall on planted facts and the share of controls flagged, seeds 0-2, as
tests/volatile/test_volatile_detector.py) and planted duplicates (recall and precision,
seeds 3 and 11, as tests/duplicates/test_duplicates_planted.py). Prints one line per
figure with both trees' values and whether the new one is worse. A tree from before a
change: ``git archive COMMIT | tar -x -C /tmp/old``.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]


def measure(root: str) -> dict[str, list[float]]:
    """Runs in a child process whose sys.path starts with ``root``'s src and tests."""
    sys.path[:0] = [f"{root}/src", f"{root}/tests", f"{root}/tests/consistency", f"{root}/tests/duplicates"]
    os.chdir(root)
    import synth
    from helpers import lint
    from planted import generate as planted_duplicates, score as score_duplicates

    from jsonl_lint.formats import normalize
    from jsonl_lint.volatile import analyze
    from jsonl_lint.volatile.synthetic import generate as volatile_data

    out: dict[str, list[float]] = {}
    for base in ("prose", "json"):
        for seed in (0, 1, 2):
            records, planted = synth.dataset(seed, base_format=base)
            diags = lint(synth.to_jsonl(records), select=["JL4"])
            kinds = synth.PROSE_KINDS if base == "prose" else synth.JSON_KINDS
            for kind, (recall, precision, _, _) in synth.score(diags, planted, kinds).items():
                out[f"JL4 {base} seed {seed} {kind}: recall, precision"] = [round(recall, 3), round(precision, 3)]
    for seed in (0, 1, 2):
        data = volatile_data(600, seed=seed)
        facts = [r for r, v in data if v]
        controls = [r for r, v in data if not v]
        out[f"volatile seed {seed}: recall, controls flagged"] = [
            round(sum(analyze(normalize(r)).volatile for r in facts) / len(facts), 3),
            round(sum(analyze(normalize(r)).volatile for r in controls) / len(controls), 3)]
    for seed in (3, 11):
        planted = planted_duplicates(2500, seed=seed)
        diags = lint("\n".join(planted.lines) + "\n", select=["JL301", "JL303"])
        flagged = {d.location.line - 1: d.related[0].location.line - 1 for d in diags if d.code in ("JL301", "JL303")}
        result = score_duplicates(planted, flagged)
        out[f"duplicates seed {seed}: recall, precision"] = [round(result["recall"], 3), round(result["precision"], 3)]
    return out


def _in_child(root: str) -> dict[str, list[float]]:
    code = f"import json, sys; sys.path.insert(0, {str(REPO / 'bench')!r}); import suite_figures; " \
           f"print(json.dumps(suite_figures.measure({root!r})))"
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(done.stdout.strip().splitlines()[-1])


def main(argv: list[str]) -> int:
    if not argv or len(argv) > 2:
        print(__doc__, file=sys.stderr)
        return 2
    old = _in_child(str(Path(argv[0]).resolve()))
    new = _in_child(str(Path(argv[1] if len(argv) > 1 else REPO).resolve()))
    worse = 0
    for name in sorted(old.keys() | new.keys()):
        a, b = old.get(name), new.get(name)
        # Higher is better, except the share of controls flagged (the second volatile figure).
        lower_better = [False, "controls flagged" in name]
        bad = a is None or b is None or any((y > x) if low else (y < x) for x, y, low in zip(a, b, lower_better))
        worse += bad
        print(f"{name}: {a} -> {b}{'  WORSE' if bad else ''}")
    print(f"{len(new)} figures, {worse} worse")
    return 1 if worse else 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
