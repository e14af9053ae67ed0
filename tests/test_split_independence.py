"""Every dataset rule gives the same findings however a run is split: any byte
ranges, any number of tasks and workers. Each run is compared with the serial run
of the same files (positions, messages and related locations)."""

from __future__ import annotations

import json
import random

import pytest
from hypothesis import HealthCheck, given, settings, strategies as st

from helpers import settings_for
from jsonl_lint.backends import Backend, ProcessBackend
from jsonl_lint import engine
from jsonl_lint.engine import SAMPLE_WINDOWS, Engine, Task, plan, sample_windows
from jsonl_lint.rule import ShuffledRule

EN = ("the a to of and in is for on with that your you it can this be are we our please order account refund "
      "shipping delivery password reset update billing plan support team help thanks question answer issue "
      "problem device setting app email phone time day week").split()
SYSTEM = "You are a helpful support assistant for Acme. Answer briefly and politely."


def _sentence(rng: random.Random, n: int) -> str:
    return " ".join(rng.choice(EN) for _ in range(n)).capitalize() + "."


def _chat(user: str, answer: str, system: str | None = SYSTEM, **extra) -> dict:
    messages = ([{"role": "system", "content": system}] if system else []) + [
        {"role": "user", "content": user}, {"role": "assistant", "content": answer}]
    return {"messages": messages, **extra}


def every_rule_dataset(n: int = 360, seed: int = 3) -> bytes:
    """Records that make each dataset rule report something (or come close)."""
    rng = random.Random(seed)
    records: list[dict | str] = []
    for i in range(n):
        user = f"Question {i}: " + _sentence(rng, 12)
        answer = _sentence(rng, 30 + (i % 7) * 5)
        kind = i % 23
        if kind == 1:
            records.append(_chat(user, "I'm sorry, but I can't help with that request."))  # refusals
        elif kind == 2:
            records.append(_chat(user, "The current price of bitcoin is $97,000 and the latest iPhone is the iPhone 17."))
        elif kind == 3:
            records.append(_chat(user, answer, system=None))  # missing system prompt
        elif kind == 4:
            records.append(_chat(user, answer, system=SYSTEM.replace("briefly", "concisely")))  # prompt variant
        elif kind == 5:
            records.append(_chat(user, answer, id=i))  # schema drift
        elif kind == 6:
            records.append(_chat(f"#{i}?",  # no language to read in the request
                                 "Claro, puedes restablecer tu contraseña desde la página de la cuenta en "
                                 "cualquier momento del día, y te enviaremos un correo de confirmación."))
        elif kind == 7:
            records.append({"prompt": user, "completion": answer})  # mixed formats
        elif kind == 8:
            records.append(_chat(user, "lol tbh ur gonna wanna reset it, kinda easy ngl!!! 😂😂🔥🔥 " + answer))
        elif kind == 9:
            records.append(_chat(user, " ".join([answer] * 12)))  # length outlier
        elif kind == 10:
            records.append(_chat(user, '{"status": "ok", "steps": 3}'))  # structure outlier
        elif kind == 11:
            records.append(_chat(user, "Don't worry, it's easy: you can't lose data. Hello {{customer_name}}, "
                                       + answer))  # contractions, a placeholder
        elif kind == 12 and i > 40:
            records.append(records[i - 37])  # exact duplicate far away
        elif kind == 13:
            days = 5 if i % 2 else 12  # the same question answered two ways
            records.append(_chat("How many days does a refund take to reach my card?",
                                 f"A refund takes {days} days to reach your card."))
        elif kind == 14 and i > 40:
            prev = records[i - 31]
            if isinstance(prev, dict) and "messages" in prev:
                near = json.loads(json.dumps(prev))
                near["messages"][-1]["content"] = near["messages"][-1]["content"].replace(".", " indeed.")
                records.append(near)  # near duplicate
            else:
                records.append(_chat(user, answer))
        elif kind == 15:
            records.append(_chat(user, answer, split="validation"))
        elif kind == 16 and i > 40:
            prev = records[i - 41]
            if isinstance(prev, dict) and "messages" in prev:
                records.append({**prev, "split": "validation"})  # leakage
            else:
                records.append(_chat(user, answer))
        elif kind == 17:
            records.append(_chat("¿Cómo restablezco mi contraseña desde la aplicación del teléfono?",
                                 "Open the account page and choose reset password, then follow the steps."))
        elif kind == 18:
            records.append("{'messages': []}")  # not JSON
        elif kind in (19, 22):
            records.append(_chat(user, "We apologise for the trouble. " + answer))
        elif kind == 20:
            records.append(_chat(user, answer) | {"messages": [{"role": "user", "content": [
                {"type": "text", "text": user}, {"type": "image_url", "image_url": {"url": "https://x.test/a.png"}}]},
                {"role": "assistant", "content": answer}]})
        elif kind == 21 and i % 2:
            records.append({"id": i, "body": user, "reply": answer})  # no known format
        else:
            records.append(_chat(user, answer))
    out = []
    for i, r in enumerate(records):
        line = r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)
        out.append(line + ("\r\n" if i % 11 == 4 else "\n"))
    return "".join(out).encode("utf-8")


def template_dataset(n: int = 2048, seed: int = 5) -> bytes:
    """Issue 16's template case, scaled down: a 200-word prompt template in 3% of the
    first half's records and 9% of the second half's (6% of the whole run). With a
    1,024-record sample, the old per-task calibration (each task's first records)
    reported 138 near duplicates serially and 0 with two jobs."""
    rng = random.Random(seed)
    template = "Read the customer message below and reply. " + _sentence(random.Random(0), 200) + " Message: "
    lines = []
    for i in range(n):
        share = 0.03 if i < n // 2 else 0.09
        if rng.random() < share:
            user = template + _sentence(rng, 4)
            answer = _sentence(rng, 6)
        else:
            user = f"Question {i}: " + _sentence(rng, 14)
            answer = _sentence(rng, 30)
        lines.append(json.dumps(_chat(user, answer, system=None)) + "\n")
    return "".join(lines).encode()


EVERY_RULE = dict(
    extends="strict", styles=["BrandVoice"],
    # A deprecated target (JL900) whose example cap the data exceeds (JL908), so the target
    # rules' state is split and merged too.
    target=["mistral"], targets={"mistral": {"dataset": {"max-examples": 10}}},
    rules={
        "train-validation-leakage": {"split-key": "split"},
        "refusal-share": {"min-examples": 5, "max-share": 0.02},
        "volatile-dataset": {"min-examples": 5, "max-share": 0.02},
        "dataset-over-budget": {"max-tokens": 1000},
        "too-few-examples": {"minimum": 3},
        "small-dataset": {"minimum": 5000},
        "schema-drift": {"min-records": 5, "min-majority": 0.7},
        **{name: {"min-records": 5, "rare-share": 0.2} for name in ("tone-outlier", "register-outlier", "length-outlier",
                                                 "structure-outlier", "language-outlier", "language-switch",
                                                 "system-prompt-drift", "missing-system-prompt")},
    },
)
TEMPLATE = dict(select=["JL3"], rules={"near-duplicate": {"boilerplate-sample": 1024}})
# The same records as a validation file, over a target's validation cap (JL910) and a
# target's file size (Mistral's 1 MB, lowered to 10 KB).
VALIDATION = dict(select=["JL9"], validation=["*valid.jsonl"], target=["bedrock-llama", "mistral"],
                  targets={"bedrock-llama": {"validation": {"max-examples": 10}},
                           "mistral": {"validation": {"max-file-bytes": 10_000}}})


def _key(d):
    return (d.filename, d.location.line, d.location.column, d.end_location.line, d.end_location.column, d.code,
            d.message, d.pointer, tuple((r.filename, r.location.line, r.location.column, r.message) for r in d.related),
            d.record.index if d.record else None)


@pytest.fixture(scope="module")
def datasets(tmp_path_factory):
    folder = tmp_path_factory.mktemp("split")
    out = {}
    for name, data, table in (("every", every_rule_dataset(), EVERY_RULE), ("template", template_dataset(), TEMPLATE),
                              ("valid", every_rule_dataset(), VALIDATION)):
        path = folder / f"{name}.jsonl"
        path.write_bytes(data)
        settings = settings_for(preview=True, **table)  # every dataset rule, preview ones too
        out[name] = (str(path), settings, [_key(d) for d in Engine(settings).run([str(path)], jobs=1).diagnostics])
    return out


def _small_caps(monkeypatch):
    """Caps on the records a rule remembers, made small so the runs cross them."""
    from jsonl_lint.rules.consistency import _system, schema_drift
    from jsonl_lint.rules.file import mixed_formats, mixed_line_endings
    from jsonl_lint.rules.hygiene import refusal_share
    from jsonl_lint.rules.volatile import volatile_share

    monkeypatch.setattr(mixed_formats, "MAX_REFS_PER_FORMAT", 3)
    monkeypatch.setattr(mixed_line_endings, "MAX_REFS", 4)
    monkeypatch.setattr(_system, "GROUP_REFS", 3)
    monkeypatch.setattr(_system, "MAX_TEXTS", 1)
    monkeypatch.setattr(schema_drift, "GROUP_REFS", 2)
    monkeypatch.setattr(refusal_share, "_KEEP", 2)
    monkeypatch.setattr(volatile_share, "_KEEP", 2)


def test_the_datasets_exercise_every_dataset_rule(datasets):
    path, settings, serial = datasets["every"]
    reported = {k[5] for k in serial}
    dataset_rules = {r.code for r in Engine(settings).pack.dataset_rules}
    # JL000 needs a baseline, JL009 an empty file (its state adds up counts per file);
    # a dataset gets one size finding (here JL202); the validation file makes JL910 report.
    assert dataset_rules - reported == {"JL000", "JL009", "JL201", "JL203", "JL910"}
    assert {k[5] for k in datasets["valid"][2]} >= {"JL900", "JL910"}
    template = {k[5] for k in datasets["template"][2]}
    assert "JL303" not in template  # the template is 6% of the run: boilerplate, not similarity


def test_an_in_memory_text_is_sampled_as_the_file_is(tmp_path):
    """The editor and ``--fix`` lint in-memory text: its calibration sample is read from
    the places the same file on disk is sampled at (not its first records), and the
    findings are the file's."""
    path = tmp_path / "t.jsonl"
    path.write_bytes(template_dataset())
    texts = {str(path): path.read_bytes()}
    on_disk = sample_windows([str(path)], 1024)
    assert len(on_disk) == SAMPLE_WINDOWS
    assert sample_windows([str(path)], 1024, texts) == on_disk
    settings = settings_for(preview=True, **TEMPLATE)
    assert ([_key(d) for d in Engine(settings).run([str(path)], texts=texts).diagnostics]
            == [_key(d) for d in Engine(settings).run([str(path)]).diagnostics])


class _Workers(Backend):
    """In-process backend that claims ``workers`` workers (the calibration sample is
    cut into that many tasks)."""

    def __init__(self, workers: int):
        self.workers = workers


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture,
                                                                    HealthCheck.too_slow])
@given(data=st.data(), name=st.sampled_from(["every", "template", "valid"]), workers=st.integers(1, 4))
def test_any_split_gives_the_serial_findings(datasets, monkeypatch, data, name, workers):
    _small_caps(monkeypatch)
    path, settings, _ = datasets[name]
    serial = [_key(d) for d in Engine(settings).run([path], jobs=1).diagnostics]
    size = len(open(path, "rb").read())
    cuts = sorted(set(data.draw(st.lists(st.integers(1, size - 1), max_size=7))))
    tasks = [Task(path, s, e) for s, e in zip([0] + cuts, cuts + [size])]
    # up to 8 reduce partitions a worker, as a run many times REDUCE_BYTES is cut
    monkeypatch.setattr(engine, "REDUCE_BYTES", data.draw(st.integers(size // 8 + 1, 2 * size)))
    split = [_key(d) for d in Engine(settings).run_plan(tasks, _Workers(workers)).diagnostics]
    assert split == serial


def test_a_larger_run_is_reduced_in_more_partitions(datasets, monkeypatch):
    """A run over twice REDUCE_BYTES a worker gets more reduce partitions (a multiple of
    the workers), so a reduce worker's peak stays bounded; the findings stay the serial ones."""
    path, settings, serial = datasets["every"]
    size = len(open(path, "rb").read())
    monkeypatch.setattr(engine, "REDUCE_BYTES", size // 3)
    seen = []

    class Recording(_Workers):
        def shuffle(self, fn, args, parts):
            seen.append(parts)
            return super().shuffle(fn, args, parts)

    report = Engine(settings).run_plan(plan([path], 2), Recording(2))
    assert seen == [4]
    assert [_key(d) for d in report.diagnostics] == serial


def test_the_other_rules_finish_while_the_reduce_runs(datasets, monkeypatch):
    """The driver finishes the rules that are not shuffled (and reads their records again)
    before it waits for the reduce of the shuffled ones; findings and order stay the serial ones."""
    path, settings, serial = datasets["every"]
    events = []

    class Recording(_Workers):
        def start_reduce(self, fn, shuffled, extra):
            wait = super().start_reduce(fn, shuffled, extra)

            def waited():
                events.append("reduce")
                return wait()
            return waited

    checked = Engine(settings)
    shuffled = {r.code for r in checked.pack.dataset_rules if isinstance(r, ShuffledRule)}
    for rule in checked.pack.dataset_rules:
        name = "finish_shuffled" if rule.code in shuffled else "finish"

        def finish(*args, _run=getattr(rule, name), _code=rule.code):
            events.append(_code)
            return _run(*args)
        monkeypatch.setattr(rule, name, finish)
    report = checked.run_plan(plan([path], 2), Recording(2))
    assert [_key(d) for d in report.diagnostics] == serial
    waited = events.index("reduce")
    assert shuffled and set(events[waited + 1:]) == shuffled
    assert set(events[:waited]) == {r.code for r in checked.pack.dataset_rules} - shuffled


@pytest.mark.parametrize("name", ["every", "template", "valid"])
def test_worker_processes_give_the_serial_findings(datasets, name):
    path, settings, serial = datasets[name]
    with ProcessBackend(2) as backend:
        for parts in (2, 5):
            report = Engine(settings).run_plan(plan([path], parts), backend)
            assert [_key(d) for d in report.diagnostics] == serial


def test_ranges_cut_inside_lines_read_each_line_once(tmp_path):
    path = tmp_path / "t.jsonl"
    lines = [json.dumps({"prompt": "p" * (i % 17), "completion": str(i)}) for i in range(50)]
    path.write_text("\n".join(lines) + "\n")
    size = path.stat().st_size
    for parts in (2, 3, 7, 50, 200):
        report = Engine(settings_for(["JL0"])).run_plan(plan([str(path)], parts), Backend())
        assert report.files[0].records == 50
    assert [t.start for t in plan([str(path)], 4)] == [0, size // 4, size // 2, 3 * size // 4]
