"""The reply's language reads the same text whether or not the style profile masked it first."""

from __future__ import annotations

import json
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).parent))

import synth  # noqa: E402
from jsonl_lint.diagnostics import RecordRef  # noqa: E402
from jsonl_lint.reader import Record  # noqa: E402
from jsonl_lint.style import profile  # noqa: E402

_TOOLS = "You can call these tools:\nsearch(query)\nUse them when needed."
REPLIES = [
    # (reply turns, system prompt): code, URLs, formulas and JSON are masked before detection
    (["Run this:\n```python\nprint('hello world, how are you today my friend')\n```\nThat prints a greeting."], None),
    (["Use `git status` and `git log --oneline` to see what changed, then commit the files you want."], None),
    (["The docs are at https://example.com/guide/install and www.example.org explains the rest of it."], None),
    (["The area is $\\pi r^2$, so a circle of radius two covers four times pi square units of the plane."], None),
    (['{"answer": "The order ships on Monday and arrives within three business days", "steps": ["pack"]}'], None),
    (["search('weather in Paris tomorrow') The forecast says it will rain in the morning and clear up."], _TOOLS),
    (["The first part of the answer is here.", "And the second part of the answer follows it."], None),
    (["Sí, puede devolverlo dentro de los treinta días siguientes para obtener un reembolso completo."], None),
]


def _record(i: int, value: dict) -> Record:
    text = json.dumps(value)
    return Record(RecordRef("t.jsonl", i, i + 1, 1, 0, len(text)), text, value=value)


def _values() -> list[dict]:
    out = []
    for replies, system in REPLIES:
        msgs = [{"role": "system", "content": system}] if system else []
        for reply in replies:
            msgs += [{"role": "user", "content": "Tell me, please."}, {"role": "assistant", "content": reply}]
        out.append({"messages": msgs})
    return out + synth.dataset(2, n=60, per_kind=2)[0]


def _detected(monkeypatch, record: Record, profiled: bool) -> list[str]:
    texts: list[str] = []
    real = profile.language.detect
    monkeypatch.setattr(profile.language, "detect", lambda text, *a, **kw: texts.append(text) or real(text, *a, **kw))
    profile.PROFILES.clear()
    profile.LANGUAGES.clear()
    if profiled:
        profile.profile_record(record)
    profile.reply_language(record)
    monkeypatch.setattr(profile.language, "detect", real)
    return texts


def test_the_profiles_masked_reply_is_the_text_detection_reads(monkeypatch):
    """A single reply is masked once, by the profile, and detection reads that text: the same
    text it masks itself without a profile (code, URLs, formulas and JSON blanked, a tool
    call in the reply left as the profile does not mask it for detection)."""
    reused = 0
    for i, value in enumerate(_values()):
        alone = _detected(monkeypatch, _record(i, value), profiled=False)
        record = _record(i, value)
        after = _detected(monkeypatch, record, profiled=True)
        assert after == alone, value
        reused += profile._MASKED_KEY in record.extra
    assert reused >= 60  # most records have one plain reply: their masked text is reused
