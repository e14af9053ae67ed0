from __future__ import annotations

import json
import re

from pydantic import Field

from ...diagnostics import Finding, Severity
from ...formats import calls_tool, reply_calls_tool
from ...lazy_regex import LazyRegex
from ...rule import Context, Options, RecordRule
from ._shared import code_spans, excerpt, inside

_URL = LazyRegex(r"\bhttps?://[^\s)\]>\"']+|\bwww\.[a-z0-9-]+\.[a-z]{2,}[^\s)\]>\"']*", re.I)
# Sentence punctuation after a link is not part of it ("... this URL: https://x.com/a?").
_URL_TAIL = ".,;:!?"
# The prompt asks the model to use what is behind the link.
_USE_LINK = LazyRegex(
    r"\b(?:summari[sz]e|summary|read|watch|listen|analy[sz]e|review|describe|classify|categori[sz]e|explain|translate|"
    r"visit|go to|check out|refer(?:ring)? to|based on|according to|caption|extract|rewrite|evaluate|critique|"
    r"tell me about|what does|discuss|comment on|scrape|crawl)\b"
    r"|\b(?:article|web ?page|website|video|post|paper|pdf|document|repo(?:sitory)?|photo|image|picture|tweet|thread|"
    r"song|blog|podcast|story|report|dataset|spreadsheet)\b",
    re.I,
)
# Tasks about the URL string itself (shorten, parse, format) need no content.
_URL_TASK = LazyRegex(
    r"\b(?:shorten|shortened|validate|valid|parse|domain|encode|decode|format|regex|regular expression|hyperlink|"
    r"markdown|html|anchor|redirect|utm|slug|query string|bookmark|qr code)\b",
    re.I,
)
_ATTACHMENT = LazyRegex(
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
# Every _ATTACHMENT match holds one of these as a whole word (between non-word characters).
_ATTACHMENT_TOKENS = frozenset(b"attached attacheds attachment attachments enclosed uploaded image photo photograph "
                               b"picture screenshot chart graph diagram painting figure video audio recording pdf "
                               b"drawing illustration map logo".split())
# ASCII letters lower-cased, digits and "_" kept, any other byte a space: split() then gives the words.
_WORD_BYTES = bytes(c + 32 if 65 <= c <= 90 else c if c in b"0123456789_abcdefghijklmnopqrstuvwxyz" else 32
                    for c in range(256))
# The sentence asks the model to perceive or work on the attachment ("Describe this photo",
# "What is in the image?"), not only mentions one ("I saw this video where ...", "How can I
# mount this image?").
_USE_ATTACHMENT = LazyRegex(
    r"\b(?:describ\w*|summari[sz]\w*|edit|identify|classify|caption|analy[sz]e|colou?ri[sz]e|explain|interpret|"
    r"look at|based on|transcribe|translate|watch|listen to|rate|review|critique|evaluate|redesign|improve|crop|"
    r"resize|enhance|retouch|restore|convert|extract|count|label|detect|recogni[sz]e|guess|determine|name|find|"
    r"write|compose|create|generate|tell me|what|which|who(?:'s| is| are)|how many|where (?:is|was|are|were)|is there|"
    r"are there|compare|according to)\b",
    re.I,
)
_WORD = re.compile(r"\w+")
# Words of a description that says what the attachment shows ("Input: A still life of a bowl of fruit").
_DESCRIPTION_WORDS = 4
# Answers that say they cannot open the link are fine behaviour, not a hallucination.
_CANNOT = LazyRegex(
    r"\b(?:cannot|can't|can not|unable to|not able to|(?:don't|do not) have (?:the )?(?:ability|capability|means|access)|"
    r"no access)\b[^.\n]{0,40}\b(?:access|open|browse|view|see|read|watch|visit|listen|display|process|edit|"
    r"manipulate|modify|analy[sz]e|interpret)\b"
    r"|\bas an AI\b|\b(?:I am|I'm) an AI\b|\bAI language model\b|\bplease (?:paste|provide|share|upload|copy)\b",
    re.I,
)
# A tool that can open links: its definition speaks of URLs or web pages, or the prompt
# declares one by its signature (toolformer: ``request(url)``).
_FETCH_TOOL = LazyRegex(r"\b(?:urls?|uri|links?|web ?pages?|websites?|browse|browser|fetch|scrape|crawl|download|http)\b",
                         re.I)
_FETCH_SIGNATURE = LazyRegex(r"\b[A-Za-z_]\w*\((?:url|uri|link|webpage|website|page|address)\)", re.I)


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
        turns = example.turns
        if any(t.images for t in turns):
            return
        fetch = None  # whether a tool in the example can open links (computed when needed)
        for i, turn in enumerate(turns):
            if turn.role != "user" or not turn.text:
                continue
            finding = self._link(turn, turn.text) or self._attachment(turn, turn.text)
            if finding is None:
                continue
            answer = next((t for t in turns[i + 1:] if t.role == "assistant"), None)
            if answer is None or not (answer.text.strip() or calls_tool(answer)) or _CANNOT.search(answer.text):
                continue  # no answer, or the answer says it cannot open the link
            if reply_calls_tool(turns, i):
                continue  # the answer is the fetch: a tool opens the link
            if fetch is None:
                fetch = _can_fetch(example)
            if not fetch:
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
        url = m.group().rstrip(_URL_TAIL)
        pointer, span = turn.locate(m.start(), m.start() + len(url))
        return Finding(f'{turn.role} turn asks about the content behind a link ("{excerpt(url, 60)}") without '
                       f"including it; the model cannot open links, so the trained answer was made up. Paste the "
                       f"content into the prompt or drop the example", pointer, span)

    def _attachment(self, turn, text: str) -> Finding | None:
        if not _has_attachment_word(text):
            return None
        m = _ATTACHMENT.search(text)
        if m is None:
            return None
        start = max(text.rfind(c, 0, m.start()) for c in ".!?\n") + 1
        end = min((i for i in (text.find(c, m.end()) for c in ".!?\n") if i >= 0), default=len(text))
        if not _USE_ATTACHMENT.search(text, start, end):
            return None  # mentioned, not handed over ("I saw this video where ...", "mount this image")
        after = text[end:]
        if "|" in after or len(after.strip()) > self.options.max_context_chars or _described(after):
            return None  # a table or a description follows: the content is there
        pointer, span = turn.locate(m.start(), m.end())
        return Finding(f'{turn.role} turn refers to "{m.group()}" but the example carries no image or file; the '
                       f"trained answer describes something the model never saw. Include the content or drop the "
                       f"example", pointer, span)


def _has_attachment_word(text: str) -> bool:
    """Whether ``text`` may hold an _ATTACHMENT match. ASCII text: one of its words is one
    the regex needs (a set test: 20 substring scans cost twice as much, and "paragraph"
    is no "graph"); other text, where case-insensitive matching reaches beyond ASCII: one
    of the regex's word stems in it, lower-cased."""
    if text.isascii():
        return not _ATTACHMENT_TOKENS.isdisjoint(text.encode("ascii").translate(_WORD_BYTES).split())
    low = text.lower()
    for word in _ATTACHMENT_WORDS:  # a loop, not any() over a generator: 20% less per turn
        if word in low:
            return True
    return False


def _described(after: str) -> bool:
    """Text after the request that says what the attachment shows, in words (a separate
    input line, as Alpaca's ``input``: "A still life of a bowl of fruit on a table")."""
    parts = after.split("\n", 1)
    content = _URL.sub(" ", parts[1]) if len(parts) > 1 else ""
    return len(_WORD.findall(content)) >= _DESCRIPTION_WORDS


def _can_fetch(example) -> bool:
    """Whether the example gives the model a tool that opens links."""
    tools = example.tools
    if tools:
        text = tools if isinstance(tools, str) else json.dumps(tools)
        if _FETCH_TOOL.search(text):
            return True
    return any(t.role in ("system", "developer", "user") and "(" in t.text and _FETCH_SIGNATURE.search(t.text)
               for t in example.turns)
