from __future__ import annotations

import os

from ... import tokens
from ...diagnostics import Finding, Severity
from ...rule import Context, DatasetRule
from ..tokens._shared import n
from ._shared import finding, targets


class _Counts:
    """Examples per dataset group and file (and tokens per target, where a cap needs them)."""

    def __init__(self) -> None:
        self.examples: dict[str, int] = {}  # group -> examples
        self.files: dict[str, str] = {}  # path -> group
        self.bytes: dict[str, int] = {}  # path -> bytes of its records (files not on disk: editor buffers)
        self.tokens: dict[str, int] = {}  # target name -> tokens of the training examples

    def add(self, record, group: str) -> None:
        path = record.ref.path
        self.examples[group] = self.examples.get(group, 0) + 1
        self.files.setdefault(path, group)
        self.bytes[path] = self.bytes.get(path, 0) + record.ref.length + 1  # + its line break

    def size(self, path: str) -> int:
        """The file's size on disk, else the bytes of its records."""
        try:
            return os.path.getsize(path)
        except OSError:
            return self.bytes.get(path, 0)

    def merge(self, other: "_Counts") -> None:
        for group, count in other.examples.items():
            self.examples[group] = self.examples.get(group, 0) + count
        for path, group in other.files.items():
            self.files.setdefault(path, group)
        for path, size in other.bytes.items():
            self.bytes[path] = self.bytes.get(path, 0) + size
        for name, count in other.tokens.items():
            self.tokens[name] = self.tokens.get(name, 0) + count


class CountingRule(DatasetRule[_Counts]):
    """Base of the two size rules: the same state, merged the same way."""

    def initial(self, ctx: Context) -> _Counts:
        return _Counts()

    def merge(self, states: list[_Counts]) -> _Counts:
        out = _Counts()
        for s in states:
            out.merge(s)
        return out


class TargetDatasetSize(CountingRule):
    """Reports a training set a target takes too few or too many examples of, or too large a file.

    ## What it does
    For every target of `--target`, counts the training examples (every file that is
    not a validation file) and compares them with the profile: the minimum (OpenAI and
    Azure 10, Fireworks 3, Bedrock Nova 8) and maximum number of examples (Bedrock Llama
    10,000, Nova 20,000), Fireworks' cap of 3,000,000 examples x epochs, Azure's 2
    billion tokens x epochs (counted with the target's tokenizer), and each training
    file's size (512 MB for OpenAI, Azure and Mistral, 100 MB for a Predibase upload).
    The validation file has its own rule (target-validation-file).

    ## Why it matters for fine-tuning
    Each provider checks these only after the upload; a job that needs 10 examples fails
    on 9, and a file one byte over 512 MB never uploads.

    ## Example
    With `--target fireworks` (at least 3 examples):
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Thanks"}, {"role": "assistant", "content": "You are welcome."}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    ```
    """

    code = "JL908"
    needs_target = True
    name = "target-dataset-size"
    summary = "Training set is too small or too large for the target"
    severity = Severity.ERROR
    example_settings = {"target": ["fireworks"]}

    def collect(self, state: _Counts, record, ctx: Context) -> None:
        group = ctx.group
        state.add(record, group)
        if group != "train":
            return
        for rt in targets(ctx):
            if rt.profile.dataset.max_tokens_x_epochs:
                c = tokens.count_with(record, rt.examples())
                state.tokens[rt.name] = state.tokens.get(rt.name, 0) + (c.total if c else 0)

    def finish(self, state: _Counts, ctx: Context):
        train_files = [p for p, g in state.files.items() if g == "train"]
        if not train_files:
            return
        first = train_files[0]
        count = state.examples.get("train", 0)
        for rt in targets(ctx):
            rules = rt.profile.dataset
            how = rules.on_violation
            if rules.min_examples is not None and count < rules.min_examples:
                yield _file(finding(rt, how, f"needs at least {n(rules.min_examples)} training examples; "
                                             f"this training set has {n(count)}"), first)
            if rules.max_examples is not None and count > rules.max_examples:
                yield _file(finding(rt, how, f"takes at most {n(rules.max_examples)} training examples; "
                                             f"this training set has {n(count)}"), first)
            epochs = rules.epochs or tokens.default_epochs(count)
            if rules.max_examples_x_epochs is not None and count * epochs > rules.max_examples_x_epochs:
                yield _file(finding(rt, how, f"takes at most {n(rules.max_examples_x_epochs)} examples x epochs; "
                                             f"{n(count)} examples x {epochs:g} epochs is {n(int(count * epochs))}"),
                            first)
            total = state.tokens.get(rt.name)
            if rules.max_tokens_x_epochs is not None and total is not None and total * epochs > rules.max_tokens_x_epochs:
                yield _file(finding(rt, how, f"takes at most {n(rules.max_tokens_x_epochs)} tokens x epochs; "
                                             f"{n(total)} tokens x {epochs:g} epochs is {n(int(total * epochs))}"),
                            first)
            if rules.max_file_bytes is not None:
                for path in train_files:
                    size = state.size(path)
                    if size > rules.max_file_bytes:
                        yield _file(finding(rt, how, f"takes files up to {_mb(rules.max_file_bytes)}; "
                                                     f"{os.path.basename(path)} is {_mb(size)}"), path)


def _file(f: Finding, path: str) -> Finding:
    return Finding(f.message, path=path, severity=f.severity, target=f.target)


def _mb(size: int) -> str:
    if size < 1024:
        return f"{size:,} bytes"
    if size < 1 << 20:
        return f"{size / 1024:,.1f} KB"
    return f"{size / 1048576:,.1f} MB" if size < 1 << 30 else f"{size / (1 << 30):,.2f} GB"
