from __future__ import annotations

from ...diagnostics import Severity
from ...rule import DatasetRule


class UnusedSuppression(DatasetRule[None]):
    """Reports baseline entries that no longer match any finding.

    ## What it does
    After a run, every entry of the baseline file (`.jsonl-lint-baseline.json`, written
    by `jsonl-lint baseline`) that suppressed nothing in a linted file is reported at
    line 1 of that file. The engine computes this while applying the baseline.

    ## Why it matters for fine-tuning
    A stale suppression hides nothing today but will silently hide a new problem that
    happens to match it later; removing it keeps the baseline honest.

    ## Example
    ```json
    {"version": 1, "suppressions": [{"file": "train.jsonl", "code": "JL104", "fingerprint": "0000"}]}
    ```

    ## Use instead
    ```json
    {"version": 1, "suppressions": []}
    ```
    """

    code = "JL000"
    name = "unused-suppression"
    summary = "Baseline entry matches no finding"
    severity = Severity.INFO
    requires = "raw"

    # The engine reports these while applying the baseline; the rule's own pass is empty.
    def initial(self, ctx):
        return None

    def collect(self, state, record, ctx):
        return None

    def merge(self, states):
        return None

    def finish(self, state, ctx):
        return ()
