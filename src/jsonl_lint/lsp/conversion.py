""""Convert this file for TARGET…": a source action that runs `jsonl-lint convert` on the
saved file and writes ``<name>.<target>.jsonl`` next to it (never over it), then says
what was converted and opens the result. The targets offered are the configured ones
(``target = [...]``); without any, the command asks which."""

from __future__ import annotations

import asyncio
import os

from lsprotocol import types as T
from pygls.uris import from_fs_path

from .server import DocState, JsonlLanguageServer, server

CONVERT = "jsonl-lint.convert"
CONVERT_KIND = "source.convert.jsonl-lint"


def convert_actions(st: DocState) -> list[T.CodeAction]:
    path = st.doc.path
    if not path or not os.path.isfile(path):
        return []
    targets = list(st.settings.target) if st.settings is not None else []
    if not targets:
        return [T.CodeAction(title="Convert this file for a target…", kind=CONVERT_KIND,
                             command=T.Command(title="Convert", command=CONVERT, arguments=[st.doc.uri, None]))]
    return [T.CodeAction(title=f"Convert this file for {t}… (writes {os.path.basename(output_path(path, t))})",
                         kind=CONVERT_KIND, command=T.Command(title="Convert", command=CONVERT,
                                                              arguments=[st.doc.uri, t]))
            for t in targets]


def output_path(path: str, target: str) -> str:
    stem, ext = os.path.splitext(path)
    return f"{stem}.{target}{ext if ext in ('.jsonl', '.ndjson') else '.jsonl'}"


@server.command(CONVERT)
async def convert_file(ls: JsonlLanguageServer, uri: str, target: str | None) -> dict:
    """Convert the saved file for ``target`` (None: ask the user which)."""
    from ..config import ConfigError
    from ..convert.run import Request, convert
    from ..targets import all_profiles

    st = ls.docs.get(uri)
    if st is None or not st.doc.path:
        return {"written": False}
    settings = st.settings or ls.settings_for(st.doc.path)
    if target is None:
        names = sorted(all_profiles(settings))
        choice = await ls.window_show_message_request_async(T.ShowMessageRequestParams(
            type=T.MessageType.Info, message=f"Convert {os.path.basename(st.doc.path)} for which target?",
            actions=[T.MessageActionItem(title=n) for n in names]))
        if choice is None:
            return {"written": False}
        target = choice.title
    out = output_path(st.doc.path, target)
    try:
        result = await asyncio.to_thread(convert, Request([st.doc.path], target, out), settings)
    except ConfigError as exc:
        ls.window_show_message(T.ShowMessageParams(type=T.MessageType.Error, message=f"jsonl-lint: {exc}"))
        return {"written": False, "error": str(exc)}
    for d in result.report.diagnostics:  # the findings go to the log, with their input lines
        ls.log(f"{d.filename}:{d.location.line}:{d.location.column}: {d.code} {d.message}")
    left = f"; {result.left_out:,} left out" if result.left_out else ""
    losses = ", ".join(f"{code} {n:,}" for code, n in sorted(result.losses.items()))
    ls.window_show_message(T.ShowMessageParams(
        type=T.MessageType.Warning if result.left_out else T.MessageType.Info,
        message=f"jsonl-lint: converted {result.written:,} of {result.records:,} records for {target} into "
                f"{os.path.basename(out)}{left}" + (f" (findings: {losses}; see the output log)" if losses else "")))
    await ls.window_show_document_async(T.ShowDocumentParams(uri=from_fs_path(out) or out, take_focus=False))
    return {"written": True, "output": out, "records": result.records, "converted": result.written,
            "losses": dict(result.losses)}
