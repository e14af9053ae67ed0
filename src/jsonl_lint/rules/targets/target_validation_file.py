from __future__ import annotations

import os

from ...diagnostics import Severity
from ...rule import Context
from ..tokens._shared import n
from ._shared import finding, targets
from .target_dataset_size import CountingRule, _Counts, _file, _mb


class TargetValidationFile(CountingRule):
    """Reports a validation file a target takes too few or too many examples of, or too large.

    ## What it does
    For every target of `--target` whose profile limits validation data, checks the
    validation files (`--validation`, or `validation` in the config): the number of
    examples (Bedrock Llama at most 1,000, Vertex at most 5,000) and each file's size
    (Mistral at most 1 MB, OpenAI and Azure 512 MB).

    ## Why it matters for fine-tuning
    A validation file over the limit fails the job after the training file was accepted,
    or is cut to its first examples without a word.

    ## Example
    A validation file checked with `--target bedrock-llama`, whose limit of 1,000
    validation examples the config lowers to 1 for the example
    (`[tool.jsonl-lint.targets.bedrock-llama.validation] max-examples = 1`):
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    ```

    ## Use instead
    A validation set within the limit (here, with the shipped profile):
    ```jsonl
    {"messages": [{"role": "user", "content": "Hi"}, {"role": "assistant", "content": "Hello!"}]}
    {"messages": [{"role": "user", "content": "Bye"}, {"role": "assistant", "content": "Goodbye!"}]}
    ```
    """

    code = "JL910"
    needs_target = True
    name = "target-validation-file"
    summary = "Validation file is too small or too large for the target"
    severity = Severity.ERROR
    example_settings = {"target": ["bedrock-llama"], "validation": ["*.jsonl"],
                        "targets": {"bedrock-llama": {"validation": {"max-examples": 1}}}}
    use_instead_settings = {"target": ["bedrock-llama"], "validation": ["*.jsonl"]}

    def collect(self, state: _Counts, record, ctx: Context) -> None:
        if ctx.group == "validation":
            state.add(record, "validation")

    def finish(self, state: _Counts, ctx: Context):
        files = list(state.files)
        if not files:
            return
        count = state.examples.get("validation", 0)
        for rt in targets(ctx):
            rules = rt.profile.validation
            if rules is None:
                continue
            how = rules.on_violation
            if rules.min_examples is not None and count < rules.min_examples:
                yield _file(finding(rt, how, f"needs at least {n(rules.min_examples)} validation examples; "
                                             f"the validation set has {n(count)}"), files[0])
            if rules.max_examples is not None and count > rules.max_examples:
                yield _file(finding(rt, how, f"takes at most {n(rules.max_examples)} validation examples; "
                                             f"the validation set has {n(count)}"), files[0])
            if rules.max_file_bytes is not None:
                for path in files:
                    size = state.size(path)
                    if size > rules.max_file_bytes:
                        yield _file(finding(rt, how, f"takes validation files up to {_mb(rules.max_file_bytes)}; "
                                                     f"{os.path.basename(path)} is {_mb(size)}"), path)
