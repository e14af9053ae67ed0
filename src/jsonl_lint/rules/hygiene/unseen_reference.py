from __future__ import annotations

import re

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...rule import Context, Options, RecordRule
from ._shared import code_spans, excerpt, inside

_URL = re.compile(r"\bhttps?://[^\s)\]>\"']+|\bwww\.[a-z0-9-]+\.[a-z]{2,}[^\s)\]>\"']*", re.I)
# The prompt asks the model to use what is behind the link.
_USE_LINK = re.compile(
    r"\b(?:summari[sz]e|summary|read|watch|listen|analy[sz]e|review|describe|classify|categori[sz]e|explain|translate|"
    r"visit|go to|check out|refer(?:ring)? to|based on|according to|caption|extract|rewrite|evaluate|critique|"
    r"tell me about|what does|discuss|comment on|scrape|crawl)\b"
    r"|\b(?:article|web ?page|website|video|post|paper|pdf|document|repo(?:sitory)?|photo|image|picture|tweet|thread|"
    r"song|blog|podcast|story|report|dataset|spreadsheet)\b",
    re.I,
)
# Tasks about the URL string itself (shorten, parse, format) need no content.
_URL_TASK = re.compile(
    r"\b(?:shorten|shortened|validate|valid|parse|domain|encode|decode|format|regex|regular expression|hyperlink|"
    r"markdown|html|anchor|redirect|utm|slug|query string|bookmark|qr code)\b",
    re.I,
)
_ATTACHMENT = re.compile(
    r"\b(?:attached|enclosed|uploaded)\s+(?:\w+\s+)?(?:file|image|photo|picture|document|pdf|spreadsheet|csv|screenshot|"
    r"chart|graph|diagram|video|audio|recording|resume|cv|report|slides?)\b"
    r"|\b(?:see|find|check|open|in|from)\s+(?:the\s+)?attach(?:ed|ment)s?\b"
    r"|\b(?:this|the following|the given|the above|the below|given|below|above|following|provided|the provided)\s+"
    r"(?:image|photo|photograph|picture|screenshot|chart|graph|diagram|painting|figure|video|audio clip|audio|"
    r"recording|pdf|drawing|illustration|map|logo)\b",
    re.I,
)
_ATTACHMENT_WORDS = ("attach", "enclosed", "uploaded", "image", "photo", "picture", "screenshot", "chart", "graph",
                     "diagram", "painting", "figure", "video", "audio", "recording", "pdf", "drawing", "illustration",
                     "map", "logo")
# Answers that say they cannot open the link are fine behaviour, not a hallucination.
_CANNOT = re.compile(
    r"\b(?:cannot|can't|can not|unable to|not able to|don't have (?:the ability|access)|do not have (?:the ability|access)|"
    r"no access)\b[^.\n]{0,40}\b(?:access|open|browse|view|see|read|watch|visit|listen|display|process)\b"
    r"|\bas an AI\b|\bplease (?:paste|provide|share|upload|copy)\b",
    re.I,
)


class UnseenReferenceOptions(Options):
    max_context_chars: int = Field(
        400, ge=0, description="A prompt with more text than this besides the link is taken to include the content.")


class UnseenReference(RecordRule):
    """Reports prompts that point at a link or attachment the model cannot see.

    ## What it does
    Finds user turns that ask the model to use what is behind a URL ("Summarize this
    article: https://...") without pasting the content, and turns that refer to an
    attached file or "the following image" when the example carries no image. Prompts
    with plenty of text besides the link (`max-context-chars`), and answers that say
    the link cannot be opened, are not reported.

    ## Why it matters for fine-tuning
    The model never sees the page, so the trained answer was made up from the URL
    alone: the example teaches confident hallucination. The Alpaca-cleaned authors
    found such hallucinated answers to link prompts in the original Alpaca data.

    ## Example
    ```jsonl
    {"instruction": "Summarize the following article.", "input": "https://en.wikipedia.org/wiki/TikTok", "output": "TikTok is a video app owned by ByteDance."}
    ```

    ## Use instead
    ```jsonl
    {"instruction": "Summarize the following article.", "input": "TikTok is a short-form video hosting service owned by ByteDance. It hosts user videos from 3 seconds to 10 minutes.", "output": "TikTok is ByteDance's short-video app."}
    ```
    """

    code = "JL806"
    name = "unseen-reference"
    summary = "Prompt points at a link or attachment the model cannot see"
    severity = Severity.WARNING
    requires = "example"
    Options = UnseenReferenceOptions

    def check(self, record, ctx: Context):
        example = record.example
        if any(t.images for t in example.turns):
            return
        turns = example.turns
        for i, turn in enumerate(turns):
            if turn.role != "user" or not turn.text:
                continue
            finding = self._link(turn, turn.text) or self._attachment(turn, turn.text)
            if finding is None:
                continue
            answer = next((t for t in turns[i + 1:] if t.role == "assistant"), None)
            if (answer is None or not answer.text.strip() or answer.tool_calls or answer.raw_role == "function_call"
                    or _CANNOT.search(answer.text)):
                continue  # no answer, a tool fetches the content, or the answer says it cannot open it
            yield finding

    def _link(self, turn, text: str) -> Finding | None:
        if "http" not in text and "www." not in text:
            return None
        code = code_spans(text)
        urls = [m for m in _URL.finditer(text) if not inside(code, m.start())]
        if not urls:
            return None
        rest = _URL.sub(" ", text)
        if len(rest.strip()) > self.options.max_context_chars or not _USE_LINK.search(rest) or _URL_TASK.search(rest):
            return None
        m = urls[0]
        pointer, span = turn.locate(m.start(), m.end())
        return Finding(f'{turn.role} turn asks about the content behind a link ("{excerpt(m.group(), 60)}") without '
                       f"including it; the model cannot open links, so the trained answer was made up. Paste the "
                       f"content into the prompt or drop the example", pointer, span)

    def _attachment(self, turn, text: str) -> Finding | None:
        low = text.lower()
        if not any(w in low for w in _ATTACHMENT_WORDS):
            return None
        m = _ATTACHMENT.search(text)
        if m is None:
            return None
        after = text[m.end():]
        if "|" in after or len(after.strip()) > self.options.max_context_chars:
            return None  # a table or a description follows: the content is there
        pointer, span = turn.locate(m.start(), m.end())
        return Finding(f'{turn.role} turn refers to "{m.group()}" but the example carries no image or file; the '
                       f"trained answer describes something the model never saw. Include the content or drop the "
                       f"example", pointer, span)
