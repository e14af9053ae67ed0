"""Hostile-tone detection: jsonl-lint's phrasing patterns against the VADER lexicon.

  python bench/tone_lexicon.py [--corpora ../shared/corpora] [--sample 10]

VADER (``pip install vaderSentiment``, not a jsonl-lint dependency) is a maintained
sentiment lexicon with rules for negation, intensifiers and "but". It is measured in
three ways: a sentence with compound score <= -0.5; the same at -0.3 when the sentence
addresses the user ("you", "your"); and the union of that with the patterns.

1. Precision and recall per reply on the hand-labelled set (tests/consistency/tone_cases.py:
   hostile replies, and controls: polite, emphatic but kind, quoted insults the user asked
   for, historical and fictional dialogue, rude-looking ordinary words).
2. On real corpora, where nearly every reply is civil: how many replies each detector
   flags, and a fixed-seed sample of them to read (a flag there is almost always false).
3. Cost per reply.
"""

from __future__ import annotations

import argparse
import random
import re
import sys
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(REPO / "src"), str(REPO / "tests" / "consistency")]

import tone_cases  # noqa: E402
from jsonl_lint.formats import answer_turns  # noqa: E402
from jsonl_lint.reader import open_binary, read_records  # noqa: E402
from jsonl_lint.style import hostility  # noqa: E402
from jsonl_lint.style.profile import mask_quotes  # noqa: E402

SENTENCE = re.compile(r"[^.!?\n]+[.!?]*")
YOU = re.compile(r"\byou\b|\byour\b|\byou're\b", re.I)
CORPUS_FILES = ("alpaca/alpaca_5000.json", "llamafactory/lima.json", "llamafactory/alpaca_en_demo.json",
                "alpaca-cleaned/roleplay-simple-deduped-roleplay-dataset.json", "llamafactory/dpo_en_demo.json",
                "alpaca-cleaned/gsm_8k_train.json")


def detectors():
    found = {"patterns": lambda t: hostility.score(mask_quotes(t)) >= 2}
    try:
        from vaderSentiment.vaderSentiment import SentimentIntensityAnalyzer
    except ImportError:
        print("vaderSentiment is not installed (pip install vaderSentiment): measuring the patterns only")
        return found
    vader = SentimentIntensityAnalyzer()

    def negative(text: str, threshold: float, addressed: bool) -> bool:
        for s in SENTENCE.findall(mask_quotes(text)):
            if addressed and not YOU.search(s):
                continue
            if vader.polarity_scores(s)["compound"] <= threshold:
                return True
        return False

    found["vader <= -0.5"] = lambda t: negative(t, -0.5, False)
    found["vader <= -0.3, addressed"] = lambda t: negative(t, -0.3, True)
    found["patterns or vader addressed"] = lambda t: found["patterns"](t) or negative(t, -0.3, True)
    return found


def labelled(dets) -> None:
    print("\n## Labelled set (per reply)\n\n| detector | set | TP | FP | FN | precision | recall |\n|---|---|---|---|---|---|---|")
    for name, det in dets.items():
        for set_name, cases in (("dev", tone_cases.DEV), ("held-out", tone_cases.HELD_OUT)):
            tp = fp = fn = 0
            for label, reply, _ in cases:
                hit = det(reply)
                tp += bool(hit and label)
                fp += bool(hit and not label)
                fn += bool(label and not hit)
            p = tp / (tp + fp) if tp + fp else 1.0
            r = tp / (tp + fn) if tp + fn else 1.0
            print(f"| {name} | {set_name} | {tp} | {fp} | {fn} | {p:.2f} | {r:.2f} |")


def corpus_replies(root: Path) -> list[str]:
    texts = []
    for rel in CORPUS_FILES:
        path = root / rel
        if not path.exists():
            continue
        with open_binary(str(path)) as f:
            for rec in read_records(f, str(path)):
                ex = rec.example
                if ex is not None:
                    texts.extend(t.text for t in answer_turns(ex) if t.text)
    return texts


def corpora(dets, root: Path, sample: int) -> None:
    texts = corpus_replies(root)
    if not texts:
        print(f"\n(no corpora under {root})")
        return
    print(f"\n## Corpora: {len(texts):,} replies from {len(CORPUS_FILES)} files\n\n"
          "| detector | flagged | µs per reply |\n|---|---|---|")
    flagged = {}
    for name, det in dets.items():
        t0 = time.perf_counter()
        flagged[name] = [t for t in texts if det(t)]
        us = (time.perf_counter() - t0) / len(texts) * 1e6
        print(f"| {name} | {len(flagged[name]):,} | {us:.0f} |")
    rng = random.Random(20261202)
    for name, hits in flagged.items():
        print(f"\n### {name}: sample of {min(sample, len(hits))}")
        for t in rng.sample(hits, min(sample, len(hits))):
            print("-", t[:160].replace("\n", " / "))


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--corpora", default=str(REPO.parent / "shared" / "corpora"))
    ap.add_argument("--sample", type=int, default=10)
    args = ap.parse_args()
    dets = detectors()
    labelled(dets)
    corpora(dets, Path(args.corpora), args.sample)


if __name__ == "__main__":
    main()
