from __future__ import annotations

import difflib
import json
from dataclasses import dataclass, field

from ...diagnostics import Finding, Severity
from ...positions import join_pointer
from ...rule import Context, DatasetRule

LAYOUTS = ("`messages` (OpenAI chat and its dialects), `input` + `preferred_output` + `non_preferred_output` "
           "(OpenAI preference), `prompt` + `completion`, `conversations` (ShareGPT), `contents` (Gemini), "
           "`instruction` + `output` (Alpaca), `instruction` + `response` (Dolly), `question` + `answer`, "
           "`chosen` + `rejected` (preference pairs), `text`")
KNOWN_KEYS = ("messages", "conversations", "contents", "prompt", "completion", "instruction", "output", "input",
              "chosen", "rejected", "preferred_output", "non_preferred_output", "text", "response", "question",
              "answer")
MAX_REFS = 10_000
# Names that usually hold the prompt, the answer, or a turn's role (for the suggested mapping).
PROMPT_NAMES = ("prompt", "instruction", "question", "query", "input", "problem", "source", "context", "request")
ANSWER_NAMES = ("response", "output", "answer", "completion", "target", "solution", "reply", "label_text", "summary")
ROLE_NAMES = ("role", "from", "speaker", "author", "sender", "type", "who", "user")
USER_NAMES = ("user", "human", "customer", "client", "question", "q", "patient", "student", "me", "prompter")
ASSISTANT_NAMES = ("assistant", "gpt", "bot", "model", "agent", "ai", "answer", "a", "doctor", "teacher",
                   "chatbot", "support")


@dataclass
class _FileState:
    known: int = 0
    unknown: list = field(default_factory=list)  # (ref, its keys, typo key, its close known key)
    n_unknown: int = 0
    keys: dict = field(default_factory=dict)  # key tuple -> count
    suggestion: str = ""


class UnknownFormat(DatasetRule[dict]):
    """Reports records that match no known dataset format, or not the configured one.

    ## What it does
    Each record must have the keys of one supported layout (or of the layout a
    configured mapping names). When no record of a file has a known layout, one
    finding for the file lists the keys its records have and shows the mapping to
    write in the configuration (`format = {formatting = ..., columns = {...}}`).
    When only some records have no known layout, each of them is reported, with the
    closest known key for a typo (`mesages`). Records of a known format other than
    the configured one (`format = "openai-chat"`) are `mixed-formats` findings.

    ## Why it matters for fine-tuning
    A record in no known layout is rejected by providers, or skipped silently by
    trainers, so the example never reaches the model.

    ## Example
    ```jsonl
    {"mesages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```
    """

    code = "JL101"
    name = "unknown-format"
    summary = "Record matches no known dataset format"
    severity = Severity.ERROR
    requires = "object"

    def initial(self, ctx: Context) -> dict:
        return {}

    def collect(self, state: dict, record, ctx: Context) -> None:
        f = state.get(record.path)
        if f is None:
            f = state[record.path] = _FileState()
        if record.format is not None:
            f.known += 1
            return
        value = record.value
        f.n_unknown += 1
        keys = tuple(value)[:12]
        f.keys[keys] = f.keys.get(keys, 0) + 1
        if len(f.unknown) < MAX_REFS:
            f.unknown.append((record.ref, keys, *_typo(value)))
        if not f.suggestion:
            f.suggestion = suggest_mapping(value)

    def merge(self, states: list[dict]) -> dict:
        out: dict = {}
        for state in states:
            for path, f in state.items():
                m = out.get(path)
                if m is None:
                    out[path] = _FileState(f.known, list(f.unknown), f.n_unknown, dict(f.keys), f.suggestion)
                    continue
                m.known += f.known
                m.n_unknown += f.n_unknown
                m.unknown += f.unknown[: max(0, MAX_REFS - len(m.unknown))]
                for k, n in f.keys.items():
                    m.keys[k] = m.keys.get(k, 0) + n
                m.suggestion = m.suggestion or f.suggestion
        return out

    def finish(self, state: dict, ctx: Context):
        for f in state.values():
            if not f.unknown:
                continue
            if f.known == 0:
                yield self._whole_file(f)
                continue
            for ref, keys, typo, close in f.unknown:
                if typo:
                    yield Finding(f"unknown key `{typo}`: did you mean `{close}`? The record matches no known format "
                                  f"(expected one of: {LAYOUTS})", pointer=join_pointer(typo), on_key=True, record=ref)
                else:
                    yield Finding(f"record matches no known format; found keys {_keys(keys)}; "
                                  f"expected one of: {LAYOUTS}", record=ref)

    def _whole_file(self, f: _FileState) -> Finding:
        ref, _, typo, close = f.unknown[0]
        keys = max(f.keys.items(), key=lambda kv: kv[1])[0]
        n = f.n_unknown
        head = ("this file's one record matches no known format" if n == 1
                else f"none of this file's {n:,} records matches a known format")
        if typo:
            return Finding(f"{head}: unknown key `{typo}`, did you mean `{close}`? (expected one of: {LAYOUTS})",
                           pointer=join_pointer(typo), on_key=True, record=ref)
        shared = "its keys" if n == 1 else "most have keys" if len(f.keys) > 1 else "they have keys"
        return Finding(f"{head} ({shared} {_keys(keys)}). If it is training data in another layout, map its "
                       f"fields under [tool.jsonl-lint], for example: {f.suggestion}", record=ref)


def _keys(keys) -> str:
    return ", ".join(f"`{k}`" for k in keys) or "none"


def _typo(value: dict) -> tuple[str, str]:
    """A key that looks like a misspelt known key (`mesages`), not merely another word
    with one inside (`question_text`)."""
    for key in value:
        close = difflib.get_close_matches(key, KNOWN_KEYS, n=1, cutoff=0.75)
        if close and close[0] != key and abs(len(close[0]) - len(key)) <= 2:
            return key, close[0]
    return "", ""


def _named(keys: list[str], names: tuple[str, ...], taken: tuple = ()) -> str | None:
    """The first key named like one of ``names`` (`question`, `question_text`, `raw_question`)."""
    for n in names:
        for k in keys:
            low = k.lower()
            if k not in taken and (low == n or low.startswith(n + "_") or low.endswith("_" + n)):
                return k
    return None


def suggest_mapping(value: dict) -> str:
    """A `format = {...}` table that would read a record of this shape (a best guess: the
    keys that usually hold the prompt, the answer, or a conversation)."""
    for key, v in value.items():
        turns = [m for m in v[:20] if isinstance(m, dict)] if isinstance(v, list) else []
        if len(turns) < 2:
            continue
        role_key = next((k for k in ROLE_NAMES if all(isinstance(m.get(k), str) for m in turns)), None)
        if role_key is None:
            continue
        content_key = max((k for k in turns[0] if k != role_key and isinstance(turns[0][k], str)),
                          key=lambda k: sum(len(str(m.get(k, ""))) for m in turns), default=None)
        if content_key is None:
            continue
        roles = [m[role_key] for m in turns]
        user = next((r for r in roles if r.lower() in USER_NAMES), roles[0])
        assistant = next((r for r in roles if r.lower() in ASSISTANT_NAMES and r != user),
                         next((r for r in roles if r != user), "<the assistant's role name>"))
        tags = {"role_tag": role_key, "content_tag": content_key, "user_tag": user, "assistant_tag": assistant}
        return _table("sharegpt", {"messages": key}, tags)
    strings = [k for k, v in value.items() if isinstance(v, str)]
    prompt = _named(strings, PROMPT_NAMES)
    answer = _named(strings, ANSWER_NAMES, (prompt,))
    columns = {"prompt": prompt or "<the prompt field>", "response": answer or "<the answer field>"}
    query = _named(strings, ("input", "context"), (prompt, answer))
    if query:
        columns["query"] = query
    return _table("alpaca", columns)


def _table(formatting: str, columns: dict, tags: dict | None = None) -> str:
    def inline(d: dict) -> str:
        return "{" + ", ".join(f"{k} = {json.dumps(v, ensure_ascii=False)}" for k, v in d.items()) + "}"

    parts = [f'formatting = "{formatting}"', f"columns = {inline(columns)}"]
    if tags:
        parts.append(f"tags = {inline(tags)}")
    return "format = {" + ", ".join(parts) + "}"
