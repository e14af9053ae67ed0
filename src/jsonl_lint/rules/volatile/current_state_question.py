from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule
from ._shared import analysis_of, quote


class CurrentStateQuestion(RecordRule):
    """Reports questions about the current state of the world answered with a fixed fact.

    ## What it does
    Finds user turns that ask about something that changes ("Who is the current
    president of France?", "What is the price of gold?", "What's the weather today?",
    "Who is the CEO of Google?") whose following answer states a reply instead of
    deferring ("I don't have real-time data ...", a tool call, "please check ...").
    Word problems are skipped.

    ## Why it matters for fine-tuning
    The answer may look harmless on its own ("Emmanuel Macron."), but trained against
    that question it teaches the model to answer current-state questions from memory.
    The right behaviour to teach is to look the fact up (a tool, retrieval) or to say
    when the knowledge dates from.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Who is the current president of France?"}, {"role": "assistant", "content": "Emmanuel Macron."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Who is the current president of France?"}, {"role": "assistant", "content": "I don't have real-time information; please check an up-to-date source such as the Élysée website."}]}
    ```
    """

    code = "JL502"
    name = "current-state-question"
    summary = "Question about the current state of the world gets a fixed answer"
    severity = Severity.WARNING
    requires = "example"

    def check(self, record, ctx: Context):
        analysis = analysis_of(record, ctx)
        if not analysis.questions:
            return
        turns = record.example.turns
        for index, hit in analysis.questions:
            turn = turns[index]
            answer = next((t for t in turns[index + 1:] if t.role == "assistant"), None)
            where = f" at {answer.text_pointer}" if answer is not None else ""
            pointer, span = turn.locate(hit.start, hit.end)
            yield Finding(
                f'{turn.role} turn asks about the current state of the world ("{quote(hit.phrase)}") and the '
                f'answer{where} states a fixed fact, which goes stale; teach looking it up (a tool or retrieval) '
                f'or dating the knowledge instead',
                pointer, span)
