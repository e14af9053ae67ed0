from __future__ import annotations

from ...diagnostics import Finding, Severity
from ...rule import Context, RecordRule
from ...volatile import stated_fact
from ._shared import analysis_of, quote


class CurrentStateQuestion(RecordRule):
    """Reports questions about the current state of the world answered with a fixed fact.

    ## What it does
    Finds user turns that ask about something that changes ("Who is the current
    president of France?", "What is the price of gold?", "What's the weather today?",
    "Who is the CEO of Google?") whose trained answer states a fact (a name, a number,
    a yes or no) instead of deferring ("I don't have real-time data ...", "please
    check ..."), asking back ("please provide a location") or looking it up (a tool
    call). The finding quotes the stated fact. Word problems, questions about the past,
    requests for fiction and the shared context of preference transcripts are skipped.

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
        analysis = analysis_of(record)
        if not analysis.questions:
            return
        turns = record.example.turns
        for index, hit in analysis.questions:
            turn = turns[index]
            answer = next(t for t in turns[index + 1:] if t.role == "assistant")
            fact = stated_fact(answer.text) or ""
            pointer, span = turn.locate(hit.start, hit.end)
            yield Finding(
                f'{turn.role} turn asks about the current state of the world ("{quote(hit.phrase)}") and the '
                f'answer at {answer.text_pointer} states a fixed fact ("{quote(fact, 60)}"), which goes stale; teach '
                f'looking it up (a tool or retrieval) or dating the knowledge instead',
                pointer, span)
