from __future__ import annotations

from pydantic import Field

from ...diagnostics import Applicability, Edit, Finding, Fix, Severity
from ...formats import answer_turns, turn_location
from ...rule import Context, Options, RecordRule

# Answers that say nothing: placeholders tools and annotators leave behind.
NULLISH = ("n/a", "na", "n.a.", "null", "nil", "none.", "-", "--", "—", "...", "…", "?", "tbd", "todo", "no output",
           "<nooutput>", "<no output>", "no answer", "no response", "[]", "{}", '""', "empty", "<empty>", "undefined")


class EmptyAnswerOptions(Options):
    placeholders: tuple[str, ...] = Field(NULLISH, description="Answers (case-insensitive, trimmed) that count as empty.")


class EmptyAnswer(RecordRule):
    """Reports trained answers that are empty, blank or a placeholder such as "N/A".

    ## What it does
    Checks every answer the model learns to write (assistant turns with weight not 0;
    for preference data, the chosen side). A turn that is a tool call (`tool_calls`, a
    ShareGPT `function_call` turn, a `tool_call` content part) is an answer, not an empty
    one. An answer that is missing, only whitespace, or a placeholder such as
    `N/A`, `null`, `-`, `...`, `TBD` or `<nooutput>` is reported. Offers deleting the
    record as an unsafe fix.

    ## Why it matters for fine-tuning
    Every such example teaches the model to answer with nothing, or with "N/A", to a
    real request. The Alpaca-cleaned authors found empty and "N/A" outputs among the
    defects of the original Alpaca data.

    ## Example
    ```jsonl
    {"instruction": "Summarize the text.", "input": "The quick brown fox jumps over the lazy dog.", "output": "N/A"}
    ```

    ## Use instead
    ```jsonl
    {"instruction": "Summarize the text.", "input": "The quick brown fox jumps over the lazy dog.", "output": "A fox jumps over a dog."}
    ```
    """

    code = "JL801"
    name = "empty-answer"
    summary = "Answer is empty or a placeholder such as N/A"
    severity = Severity.ERROR
    fixable = "sometimes"
    requires = "example"
    Options = EmptyAnswerOptions

    def __init__(self, options=None):
        super().__init__(options)
        self._nullish = frozenset(p.lower() for p in self.options.placeholders)
        # Longer answers are no placeholder (lower-casing never shortens a text): not lower-cased.
        self._longest = max(map(len, self._nullish), default=0)

    def check(self, record, ctx: Context):
        for turn in answer_turns(record.example):
            stripped = turn.text.strip()
            if stripped and (len(stripped) > self._longest or stripped.lower() not in self._nullish):
                continue
            if not stripped and turn.images:
                continue
            what = "empty" if not turn.text else "blank" if not stripped else f'the placeholder "{stripped}"'
            fix = Fix("Delete the record", (Edit(0, len(record.text), "", delete_record=True),), Applicability.UNSAFE)
            pointer, span = turn_location(record.value, turn)
            where = f"an {turn.role} turn of the {pointer} transcript" if span is not None \
                else f"{turn.role} answer at {pointer}"
            if span is None and stripped:
                span = turn.locate(0, len(turn.text))[1]
            yield Finding(f"{where} is {what}; a trained answer must say something, or "
                          f"the model learns to reply with nothing. Write the answer or drop the example",
                          pointer, span, fix=fix)
