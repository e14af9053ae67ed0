from __future__ import annotations

import re

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ._shared import code_spans, excerpt, inside

PLACEHOLDERS = (
    r"\{\{\s*[A-Za-z_][\w.\- ]{0,40}?\s*\}\}",  # {{name}}, {{ user.name }}
    r"\[\s*(?:INSERT|ENTER|ADD|FILL[ -]IN|PUT|PLACEHOLDER|TODO|TBD|REPLACE)\b[^\]\n]{0,60}\]",  # [INSERT NAME]
    r"<\s*(?:INSERT|ENTER|PLACEHOLDER|TODO|TBD|REPLACE)\b[^>\n]{0,60}>",  # <INSERT NAME>
    r"<\s*no\s*(?:input|output)\s*>",  # <noinput> leaking into text
    r"\$\{\s*[A-Za-z_]\w{0,40}\s*\}",  # ${name}
)


class TemplatePlaceholderOptions(Options):
    extra_patterns: tuple[str, ...] = Field((), description="More regular expressions that mark an unfilled placeholder.")
    ignore_case: bool = Field(True, description="Match the INSERT/TODO words in any case.")


class TemplatePlaceholder(RecordRule):
    """Reports unfilled template placeholders such as {{name}} or [INSERT ...] in any turn.

    ## What it does
    Looks in every turn (system, user and assistant) for template slots that were
    never filled: `{{name}}`, `${name}`, `[INSERT COMPANY NAME]`, `<PLACEHOLDER>`,
    `[TODO]` and a leaked `<noinput>` marker. Placeholders inside code (fenced or
    inline backticks) are skipped, since there they are usually real template syntax.
    More patterns can be added with `extra-patterns`.

    ## Why it matters for fine-tuning
    The model learns the placeholder literally: it will introduce itself as "{{name}}"
    or write "[INSERT DATE]" in answers. Template datasets (such as identity data meant
    to be filled with the assistant's name) must be rendered before training.

    ## Example
    ```jsonl
    {"instruction": "Who are you?", "input": "", "output": "I am {{name}}, an AI assistant developed by {{author}}."}
    ```

    ## Use instead
    ```jsonl
    {"instruction": "Who are you?", "input": "", "output": "I am Aria, an AI assistant developed by Acme."}
    ```
    """

    code = "JL803"
    name = "template-placeholder"
    summary = "Unfilled template placeholder in the text"
    severity = Severity.WARNING
    requires = "example"
    Options = TemplatePlaceholderOptions

    def __init__(self, options=None):
        super().__init__(options)
        flags = re.I if self.options.ignore_case else 0
        patterns = PLACEHOLDERS + tuple(self.options.extra_patterns)
        self._regex = re.compile("|".join(f"(?:{p})" for p in patterns), flags)
        self._cheap = re.compile(r"\{\{|\[|<|\$\{" + "".join(f"|(?:{p})" for p in self.options.extra_patterns), flags)

    def check(self, record, ctx: Context):
        for turn in record.example.all_turns:
            text = turn.text
            if not text or not ("{{" in text or "[" in text or "<" in text or "${" in text
                                or (self.options.extra_patterns and self._cheap.search(text))):
                continue
            code = code_spans(text)
            seen: set[str] = set()
            for m in self._regex.finditer(text):
                if inside(code, m.start()):
                    continue
                pointer, span = turn.locate(m.start(), m.end())
                marker = m.group().lower().replace(" ", "") in ("<noinput>", "<nooutput>")
                if marker and (text.strip() == m.group().strip()
                               or (pointer == "/input" and text[m.start():].strip() == m.group().strip())):
                    continue  # the whole input or answer: JL802 / JL801 report it
                token = m.group()
                repeat = token in seen
                seen.add(token)
                if repeat:
                    continue
                count = text.count(token)
                times = f" ({count} times)" if count > 1 else ""
                yield Finding(f'{turn.role} turn contains the unfilled placeholder "{excerpt(token)}"{times}; the model '
                              f"would learn it literally. Render the template before training", pointer, span)
