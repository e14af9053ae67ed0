from __future__ import annotations

import re
from typing import NamedTuple

import orjson

from ...diagnostics import Applicability, Finding, Fix, Severity
from ...rule import Context, RecordRule
from ._shared import raw_edit

# The control character a backslash escape turns into, and its letter.
LETTER = {"\x07": "a", "\x08": "b", "\x0b": "v", "\x0c": "f", "\t": "t", "\n": "n", "\r": "r"}
NAMES = {"\x07": "bell", "\x08": "backspace", "\x0b": "vertical tab", "\x0c": "form feed", "\t": "tab",
         "\n": "line break", "\r": "carriage return"}
# Restoring these rewrites real whitespace if the guess is wrong: their fix is unsafe.
_WHITESPACE = frozenset("\t\n\r")
# LaTeX commands whose first letter is one of the escapes (the backslash included).
LATEX = frozenset("""
\\alpha \\approx \\angle \\ast \\arccos \\arcsin \\arctan \\arg \\aleph \\amalg \\acute \\atop
\\beta \\bar \\begin \\bf \\big \\bigg \\bigl \\bigr \\biggl \\biggr \\binom \\bmod \\boldsymbol \\bullet
\\backslash \\bot \\bigcup \\bigcap \\bigoplus \\bigotimes \\boxed \\breve \\bmatrix \\bm \\because \\bowtie
\\bigwedge \\bigvee \\bbox \\bigstar \\blacksquare
\\frac \\forall \\flat \\footnote \\fbox \\frown \\frak \\fontsize \\footnotesize
\\nabla \\neq \\nu \\newline \\noindent \\neg \\nleq \\ngeq \\nmid \\notin \\newcommand \\normalsize \\nolimits
\\nexists \\nearrow \\nwarrow \\natural \\nparallel \\nsubseteq \\nonumber
\\right \\rangle \\rho \\rceil \\rfloor \\rightarrow \\rightleftharpoons \\rightharpoonup \\rm \\rbrace \\rbrack
\\rvert \\rVert \\ref \\renewcommand \\raisebox
\\text \\textbf \\textit \\texttt \\textrm \\textsc \\textsf \\textnormal \\textstyle \\textcolor \\times \\theta
\\tau \\tan \\tanh \\tilde \\top \\triangle \\triangleq \\tfrac \\tbinom \\therefore \\tiny \\tag \\to
\\vec \\varepsilon \\varphi \\vartheta \\varrho \\varsigma \\varpi \\vdots \\vee \\vert \\vspace \\varnothing
\\vdash \\vline \\vmatrix
""".split())
_CANDIDATE = re.compile(r"[\x07-\x0d]([A-Za-z]*)")
_STRONG_RAW = re.compile(r"\\u000[7bBcC]|\\[bf]")
_ATTACHED = re.compile(r"[{_^]")  # "\\text{", "\\nu_1": a command, whatever the word
# Rests of LaTeX commands that are also English words: a line break before "angle" is text.
_WORDS = frozenset(("angle", "floor", "brace", "exists", "parallel"))
# Other LaTeX in the same string: a command that kept its backslash, math delimiters.
_MATH = re.compile(r"\\[A-Za-z]{2,}|\\[(\[]|\$[^$\n]{0,80}[\\^_{][^$\n]{0,80}\$")
# A Windows path whose separators turned into controls: C:\temp\new -> "C:" tab "emp" line break "ew".
_PATH = re.compile(r"(?<!\w)[A-Za-z]:(?:[\\\x07-\x0d][\w.()$~-]+)+")
_SEPARATOR = re.compile(r"[\\\x07-\x0d]")


class Lost(NamedTuple):
    index: int  # the control character in the decoded string
    restored: str  # what the text meant: "\frac", "\temp"
    safe: bool  # restoring cannot misread real whitespace


def lost_backslashes(text: str) -> list[Lost]:
    """Control characters in ``text`` that are a backslash escape swallowed by a JSON
    (or Python) writer: ``\\frac`` written as ``"\\frac"`` reads as a form feed and "rac"."""
    found: list[Lost] = []
    maybe: list[Lost] = []  # valid only among other LaTeX
    paths = _paths(text)
    for m in _CANDIDATE.finditer(text):
        i, word = m.start(), m.group(1)
        ch = text[i]
        if ch not in LETTER:
            continue
        lost = Lost(i, "\\" + LETTER[ch] + word, ch not in _WHITESPACE)
        if ch == "\x08":
            # "\\beta", or "\\b" as a regex word boundary ("\\bcat\\b"): a backspace next to a word.
            if word or (i and (text[i - 1].isalnum() or text[i - 1] == "_")):
                found.append(lost)
        elif not word:
            continue
        elif any(a < i < b for a, b in paths):
            found.append(lost)
        elif lost.restored in LATEX:
            if lost.safe or not (len(word) <= 3 or word in _WORDS):  # "\\frac", or "heta", "abla": not English
                found.append(lost)
            elif ch != "\n":
                # A tab or carriage return before an English-looking word ("\\tau", "\\to"): right before
                # "{", "_" or "^", or among other LaTeX. A line break before one ("\\nu") is far more
                # often a real line break in math text.
                (found if _ATTACHED.match(text, m.end()) else maybe).append(lost)
    if maybe and (found or _MATH.search(text)):
        found = sorted(found + maybe)
    return found


def _paths(text: str) -> list[tuple[int, int]]:
    """Spans of Windows paths in ``text`` (with a literal backslash, or at least two separators
    and lower-case names: "Q:" and a line break before "Charles" is a label, not a drive)."""
    if ":" not in text:
        return []
    spans = []
    for m in _PATH.finditer(text):
        parts = _SEPARATOR.split(m.group()[2:])[1:]
        if "\\" in m.group() or (len(parts) >= 2 and all(p[0].islower() or "." in p for p in parts)):
            spans.append(m.span())
    return spans


def may_have_lost_backslash(raw: str) -> bool:
    """Cheap test on the raw record: an escaped bell, backspace, vertical tab or form feed,
    or a tab, line break or carriage return in a record with LaTeX or a drive letter."""
    if "\\" not in raw:
        return False
    if _STRONG_RAW.search(raw):
        return True
    return ("\\t" in raw or "\\n" in raw or "\\r" in raw) and ("\\\\" in raw or "$" in raw or ":\\" in raw)


class SwallowedEscape(RecordRule):
    r"""Reports backslash escapes that a JSON writer turned into control characters (LaTeX `\frac`, `C:\temp`).

    ## What it does
    Finds control characters that are really a backslash and a letter: in JSON, `"\frac"`
    means a form feed followed by "rac", `"\beta"` a backspace and "eta", `"\theta"` a
    tab and "heta". The same happens to Windows paths (`C:\temp\new`) and regex word
    boundaries (`\bcat\b`) written without doubling the backslash. Reported: a bell,
    backspace or vertical tab before a letter; a form feed before a LaTeX command; a
    tab, line break or carriage return that makes a LaTeX command in a string with other
    LaTeX (`$`, `\(`, another command) or sits in a `C:\...` path. One finding per
    string, with a fix that puts the backslash back (safe for bell, backspace, vertical
    tab and form feed; unsafe when a tab or line break is rewritten).

    ## Why it matters for fine-tuning
    The model is trained on the broken text: it learns to write "rac{1}{2}" for
    fractions and invisible control characters in paths, and the formulas it sees no
    longer render.

    ## Example
    ```jsonl
    {"messages": [{"role": "user", "content": "Halve y."}, {"role": "assistant", "content": "The result is $\frac{y}{2}$."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": "Halve y."}, {"role": "assistant", "content": "The result is $\\frac{y}{2}$."}]}
    ```
    """

    code = "JL808"
    name = "swallowed-escape"
    summary = "Backslash escape turned into a control character"
    severity = Severity.WARNING
    fixable = "sometimes"
    requires = "json"

    def check(self, record, ctx: Context):
        if not may_have_lost_backslash(record.text):
            return
        for pointer, text in record.string_values:
            lost = lost_backslashes(text)
            if not lost:
                continue
            first = lost[0]
            edits = tuple(raw_edit(record, pointer, (x.index, x.index + 1), orjson.dumps(x.restored[:2]).decode()[1:-1])
                          for x in lost)
            fix = None
            if all(edits):
                safe = all(x.safe for x in lost)
                fix = Fix(f"Restore the backslash ({_listing(lost)})", edits,
                          Applicability.SAFE if safe else Applicability.UNSAFE)
            ch = text[first.index]
            rest = first.restored[2:]
            holds = f'a {NAMES[ch]} (U+{ord(ch):04X})' + (f' and "{rest}"' if rest else "")
            more = f" (and {len(lost) - 1} more)" if len(lost) > 1 else ""
            yield Finding(f'"{first.restored}"{more} lost its backslash: the string holds {holds}, because '
                          f'"\\{LETTER[ch]}" in JSON or Python source is a control character; escape the backslash '
                          f'("\\\\{first.restored[1:]}") so the model sees "{first.restored}"',
                          pointer, (first.index, first.index + 1), fix=fix)


def _listing(lost: list[Lost]) -> str:
    names = list(dict.fromkeys(x.restored for x in lost))
    return ", ".join(names[:4]) + (", ..." if len(names) > 4 else "")
