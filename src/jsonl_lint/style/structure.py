"""What shape a reply has: a JSON object (and its keys), a JSON array, XML-like
markup, or text, plus the markdown features the text uses."""

from __future__ import annotations

import re

import orjson

JSON_OBJECT, JSON_ARRAY, XML, TEXT = "json-object", "json-array", "xml", "text"
TABLE, CODE, HEADINGS, LIST = "table", "code", "headings", "list"
FEATURES = (TABLE, CODE, HEADINGS, LIST)
FEATURE_TEXT = {TABLE: "a markdown table", CODE: "code", HEADINGS: "markdown headings",
                LIST: "a bulleted or numbered list"}
MAX_KEYS = 12

_FENCE = re.compile(r"^\s*```(?:json|JSON)?[ \t]*\n(.*)\n```\s*$", re.S)
_XML = re.compile(r"^\s*<([A-Za-z][\w:.-]*)[^>]*>.*</\1>\s*$", re.S)
_TABLE_SEP = re.compile(r"^\s*\|?\s*:?-{3,}:?\s*(\|\s*:?-{3,}:?\s*)+\|?\s*$", re.M)
_CODE = re.compile(r"^\s*```", re.M)
_HEADING = re.compile(r"^#{1,6}\s+\S", re.M)
_CODE_LINE = re.compile(
    r"^\s*(?:import \w|from [\w.]+ import |def \w|class \w|return\b|print\(|(?:if|for|while) .*:\s*$"
    r"|[\w.\[\]]+\s*[+\-*/]?=\s*\S|.*[;{}]\s*$)", re.M)
_LIST = re.compile(r"\n\s*(?:[-*+•]|\d{1,3}[.)])\s+\S")  # at line starts, matched on "\n" + text (fast to find)


def structure(text: str) -> tuple[str, tuple[str, ...] | None, tuple[str, ...]]:
    """(kind, top-level JSON keys or None, markdown features)."""
    s = text.strip()
    if not s:
        return TEXT, None, ()
    body = s
    if s.startswith("```"):
        m = _FENCE.match(s)
        if m:
            body = m.group(1).strip()
    if body[:1] in "{[" and body[-1:] in "}]":
        try:
            value = orjson.loads(body)
        except orjson.JSONDecodeError:
            value = None
        if isinstance(value, dict):
            return JSON_OBJECT, tuple(sorted(str(k) for k in value))[:MAX_KEYS], ()
        if isinstance(value, list):
            return JSON_ARRAY, None, ()
    if s[:1] == "<" and _XML.match(s):
        return XML, None, ()
    feats = []
    if "|" in s and _TABLE_SEP.search(s):
        feats.append(TABLE)
    if "```" in s and len(_CODE.findall(s)) >= 2:
        feats.append(CODE)
    if "#" in s and _HEADING.search(s):
        # "# comment" lines of unfenced code are not markdown headings
        lines = [ln for ln in s.splitlines() if ln.strip()]
        if len(_CODE_LINE.findall(s)) * 4 >= len(lines):
            if CODE not in feats:
                feats.append(CODE)
        else:
            feats.append(HEADINGS)
    if "\n" in s and len(_LIST.findall("\n" + s)) >= 2:  # an item starts a line: one line holds at most one
        feats.append(LIST)
    return TEXT, None, tuple(feats)


def describe(kind: str, keys: tuple[str, ...] | None, features: tuple[str, ...] = ()) -> str:
    if kind == JSON_OBJECT:
        return f"a JSON object with keys {', '.join(keys)}" if keys else "an empty JSON object"
    if kind == JSON_ARRAY:
        return "a JSON array"
    if kind == XML:
        return "XML-like markup"
    if not features:
        return "plain prose"
    return "text with " + " and ".join(FEATURE_TEXT[f] for f in features)


def kind_plural(kind: str, keys: tuple[str, ...] | None = None) -> str:
    if kind == JSON_OBJECT:
        return f"JSON objects with keys {', '.join(keys)}" if keys else "JSON objects"
    return {JSON_ARRAY: "JSON arrays", XML: "XML-like markup", TEXT: "text (prose or markdown)"}[kind]
