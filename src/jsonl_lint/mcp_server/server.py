"""The MCP server (``jsonl-lint mcp``): jsonl-lint's engine as tools for coding agents.

Built on the official ``mcp`` SDK (``MCPServer``), stdio only. Each tool is a thin
face of what the CLI runs: the same option handling and configuration discovery
(``commands._common``), the same per-config-group lint and fixes
(``commands.check.lint_groups``), the same statistics (``commands.stats``) and the
same JSON findings, secrets masked (``formatters.json``). Paths are confined to the
workspace (:mod:`.workspace`). The engine runs in a worker thread, one run at a time,
and reports how much of the data it has read as progress notifications.
"""

from __future__ import annotations

import argparse
import difflib
import io
import json
import logging
import threading
import warnings
from collections import Counter
from typing import Annotated, Any, Callable, Optional

import anyio
import anyio.from_thread
import anyio.to_thread
from mcp.server.mcpserver import Context, ListRoots, MCPServer, Resolve
from mcp.server.mcpserver.exceptions import ResourceNotFoundError, ToolError
from mcp.shared.exceptions import MCPDeprecationWarning, MCPError
from mcp.shared.message import ServerMessageMetadata
from mcp_types import CallToolResult, ListRootsRequest, ListRootsResult, TextContent, ToolAnnotations
from mcp_types.version import is_version_at_least
from pydantic import Field, ValidationError

from .. import __version__
from ..commands._common import NO_DATASET_FILES, add_dataset_options, dataset_paths, settings_from_args, with_overrides
from ..commands.check import fix_notes, lint_groups
from ..commands.stats import stats_of
from ..commands.targets import matrix_json, target_names
from ..config import ConfigError, load_settings
from ..docs import index_markdown, rule_markdown
from ..engine import Engine, discover, merge_reports
from ..formatters.json import JsonFormatter
from ..registry import all_rules, find_rule
from ..rule import DatasetRule
from . import results
from .workspace import Workspace

INSTRUCTIONS = """\
jsonl-lint checks JSONL fine-tuning datasets (OpenAI chat, preference pairs, ShareGPT, Alpaca and
more): schema, tokens and cost, duplicates, consistency, secrets, content hygiene, and what each
fine-tuning provider or trainer accepts. Start with `check` on a file or folder (or inline JSONL
text); read a rule with `explain_rule`; see what the fixes would change with `fix_preview`, then
write them with `apply_fixes` and write=true; see which targets take the data with `targets`, and
their findings with `check` and `target`. Paths are relative to the workspace root; files outside
the workspace are refused. The workspace's jsonl-lint configuration (pyproject.toml or
.jsonl-lint.toml) applies, as on the command line."""

READ_ONLY = ToolAnnotations(read_only_hint=True, open_world_hint=False)

# Tool parameters, described once for every tool that takes them.
Paths = Annotated[list[str], Field(description="dataset files or folders, relative to the workspace root "
                                               "(folders are searched for *.jsonl, *.ndjson and JSON-array "
                                               "*.json); default: the whole workspace root")]
Select = Annotated[Optional[list[str]], Field(description="only these rule codes, prefixes or names, e.g. "
                                                          "['JL1', 'duplicate']")]
Ignore = Annotated[Optional[list[str]], Field(description="skip these rule codes, prefixes or names")]
Preview = Annotated[Optional[bool], Field(description="also run preview rules (default: the configuration's)")]
Model = Annotated[Optional[str], Field(description="model whose tokenizer, per-example limit and price apply, "
                                                   "e.g. gpt-4o-mini-2024-07-18")]
Target = Annotated[Optional[list[str]], Field(description="fine-tuning targets whose requirements to check (the "
                                                         "JL9xx rules), e.g. ['openai', 'together', 'trl']; the "
                                                         "targets tool lists them")]
Text = Annotated[str, Field(description="inline JSONL to check instead of files (an editor buffer, a record being "
                                        "written)")]
Name = Annotated[str, Field(description="with text: the file name it stands for (its suffix picks JSONL or JSON "
                                        "array; per-file settings match it)")]
Unsafe = Annotated[bool, Field(description="also apply unsafe fixes (remove duplicates, cut merged instructions...)")]


logger = logging.getLogger(__name__)

ROOTS_IN_CALL_VERSION = "2026-07-28"  # from this protocol on, the roots are asked within the tool call
ROOTS_TIMEOUT = 10.0  # seconds a client that declares roots has to list them


async def _client_roots(ctx: Context) -> ListRootsResult | ListRoots | None:
    """The client's roots when it declares the capability, else None (the ``--root`` workspace).

    From protocol 2026-07-28 the SDK asks for them within the call (an input-required round
    trip). Before it, the server asks here, mid-call, so that a client that declares roots but
    answers ``roots/list`` with an error, or not at all, still gets working tools, in the
    ``--root`` workspace, instead of every call failing with the client's error."""
    caps = ctx.client_capabilities
    if caps is None or caps.roots is None:
        return None
    if ctx.protocol_version and is_version_at_least(ctx.protocol_version, ROOTS_IN_CALL_VERSION):
        return ListRoots()
    try:
        return await ctx.session.send_request(ListRootsRequest(), ListRootsResult, ROOTS_TIMEOUT,
                                              ServerMessageMetadata(related_request_id=ctx.request_id))
    except (MCPError, ValidationError) as exc:
        message = (f"the client declares roots but did not list them ({exc}); the workspace is the server's "
                   "--root folders, or its working directory")
        logger.warning(message)
        await ctx.warning(message)
        return None


Roots = Annotated[Optional[ListRootsResult], Resolve(_client_roots)]


def dataset_args(paths: list[str], **options: Any) -> argparse.Namespace:
    """The options the CLI's dataset commands parse, at their defaults, with ``options`` set:
    the tools go through the CLI's own option handling and configuration discovery. The
    work always runs on this machine: a repository's configuration that names a Ray
    cluster (``backend``, ``address``) must not send the agent's data there."""
    parser = argparse.ArgumentParser(add_help=False)
    add_dataset_options(parser)
    args = parser.parse_args([])
    args.paths = paths
    args.no_progress = True
    args.backend = "local"
    for name, value in options.items():
        setattr(args, name, value)
    return args


def build_server(fallback_roots: list[str]) -> MCPServer:
    """The server. ``fallback_roots``: the workspace when the client declares no roots."""
    warnings.filterwarnings("ignore", category=MCPDeprecationWarning)  # roots: deprecated, still what clients send
    server = MCPServer("jsonl-lint", version=__version__, instructions=INSTRUCTIONS, log_level="WARNING")
    engine_lock = threading.Lock()  # one engine run at a time: the engine's caches are not shared between threads

    def workspace(roots: ListRootsResult | None) -> Workspace:
        if roots is None:
            return Workspace(fallback_roots)
        return Workspace.from_uris(str(r.uri) for r in roots.roots)

    async def in_thread(ctx: Context, work: Callable[[Callable[[int, int], None]], Any]) -> Any:
        """``work(progress)`` in a worker thread; the bytes it has read of the total go to the
        client as progress notifications (when it asked for them), at most one per percent."""
        last = [-1]

        def progress(done: int, total: int) -> None:
            percent = 100 * done // total if total else 100
            if percent != last[0]:
                last[0] = percent
                anyio.from_thread.run(ctx.report_progress, done, total, f"{percent}% of the data read")

        def locked() -> Any:
            with engine_lock:
                return work(progress)

        try:
            return await anyio.to_thread.run_sync(locked)
        except ConfigError as exc:  # bad options, configuration or paths: the tool's error, no traceback
            raise ToolError(str(exc)) from None

    def dataset_files(ws: Workspace, args: argparse.Namespace) -> tuple[Any, list[str], list[str]]:
        """Settings and files as the CLI finds them, the paths confined to the workspace."""
        args.paths = [ws.resolve(p) for p in args.paths or ["."]]
        settings = settings_from_args(args)
        files, outside = ws.keep(discover(dataset_paths(args, settings), settings))
        notes = [f"{f}: left out: a link to a file outside the workspace roots" for f in outside]
        if not files:
            raise ConfigError(NO_DATASET_FILES)
        return settings, files, notes

    @server.tool(annotations=READ_ONLY)
    async def check(ctx: Context, roots: Roots = None, paths: Paths = [], text: Text = "", name: Name = "inline.jsonl",
            select: Select = None, ignore: Ignore = None, preview: Preview = None, model: Model = None,
            target: Target = None,
            max_findings: Annotated[int, Field(ge=1, le=2000, description="findings returned at most")] = 50,
            offset: Annotated[int, Field(ge=0, description="skip this many findings (the next page)")] = 0,
            ) -> Annotated[CallToolResult, results.CheckResult]:
        """Lint datasets: findings exactly as `jsonl-lint check --output-format json` reports them (file, line,
        column, JSON pointer, rule, message, fix), with counts by severity and rule. Large results come in pages
        (max_findings, offset). With target, also what those fine-tuning targets reject (JL9xx findings name
        their target). Secrets in the data are masked."""
        is_inline = inline(text, paths)
        ws = workspace(roots)
        args = dataset_args(list(paths), select=select, ignore=ignore, preview=preview, model=model, target=target)

        def work(progress):
            if is_inline:
                path, settings = inline_settings(ws, args, name)
                engine = Engine(settings)
                return [engine.run_text(text, path)], list(engine.pack.notes)
            settings, files, notes = dataset_files(ws, args)
            reports = []
            for run in lint_groups(args, settings, files, progress):
                reports.append(run.report)
                notes += [n for n in run.engine.pack.notes if n not in notes]
            return reports, notes

        reports, notes = await in_thread(ctx, work)
        report = merge_reports(reports)
        page = report.diagnostics[offset:offset + max_findings]
        by_rule = Counter(d.code for d in report.diagnostics)
        return structured({
            "files": [{"file": f.path, "group": f.group, "records": f.records - f.blank} for f in report.files],
            "total": len(report.diagnostics),
            "by_severity": dict(Counter(d.severity.value for d in report.diagnostics)),
            "by_rule": dict(by_rule.most_common()),
            "offset": offset,
            "findings": JsonFormatter(io.StringIO()).findings(page),
            "truncated": offset + len(page) < len(report.diagnostics),
            "failed": report.exit_code() == 1,
            "notes": notes,
        })

    @server.tool(annotations=READ_ONLY)
    async def stats(ctx: Context, roots: Roots = None, paths: Paths = [], model: Model = None,
                    epochs: Annotated[Optional[int], Field(ge=1, description="epochs of the training job "
                                                                              "(default: the usual heuristic)")] = None,
                    per_example: Annotated[bool, Field(description="also return each example's token counts")] = False,
                    per_example_offset: Annotated[int, Field(ge=0)] = 0,
                    max_examples: Annotated[int, Field(ge=1, le=5000, description="per-example rows at most")] = 100,
                    ) -> Annotated[CallToolResult, results.StatsResult]:
        """Dataset statistics, as `jsonl-lint stats --output-format json`: records, formats, turns, tokens per
        example (exact, with the model's tokenizer), examples over the model's limit, epochs and estimated
        training cost."""
        ws = workspace(roots)
        args = dataset_args(list(paths), model=model, epochs=epochs)

        def work(progress):
            settings, files, notes = dataset_files(ws, args)
            return {**stats_of(args, settings, files, progress).as_dict(per_example=per_example), "notes": notes}

        data = await in_thread(ctx, work)
        if per_example:
            rows = data["per_example"]
            data["per_example"] = rows[per_example_offset:per_example_offset + max_examples]
            data["per_example_truncated"] = per_example_offset + max_examples < len(rows)
        return structured(data)

    @server.tool(annotations=READ_ONLY)
    async def targets(ctx: Context, roots: Roots = None, paths: Paths = [], text: Text = "",
                      name: Name = "inline.jsonl", target: Annotated[Optional[list[str]], Field(
                          description="only these targets (default: every target profile, the workspace's own "
                                      "included)")] = None,
                      ) -> Annotated[CallToolResult, results.TargetsResult]:
        """Which fine-tuning providers and trainers take the dataset: the compatibility matrix of `jsonl-lint
        targets --output-format json`. Per target: status (active, deprecated, closed), verdict (ready / needs
        changes / not possible), errors and warnings by requirement, examples over its token limit, estimated
        training cost, and what to convert. `check` with `target` gives the findings themselves."""
        from ..targets.matrix import build

        is_inline = inline(text, paths)
        ws = workspace(roots)
        args = dataset_args(list(paths), target=target)

        def work(progress):
            if is_inline:
                path, settings = inline_settings(ws, args, name)
                rows = build([path], settings, target_names(args, settings), texts={path: text.encode()})
                return {**matrix_json([path], rows), "notes": []}
            settings, files, notes = dataset_files(ws, args)
            rows = build(files, settings, target_names(args, settings), progress=progress)
            return {**matrix_json(files, rows), "notes": notes}

        return structured(await in_thread(ctx, work))

    @server.tool(annotations=READ_ONLY)
    async def explain_rule(rule: Annotated[str, Field(description="a rule code or name, e.g. JL104 or unknown-role")],
                           roots: Roots = None) -> Annotated[CallToolResult, results.RuleDoc]:
        """A rule's documentation: what it checks, why it matters for fine-tuning, an example, what to do
        instead, and its options."""
        ws = workspace(roots)
        try:
            rules = all_rules(load_settings(start=ws.roots[0]))
        except ConfigError as exc:
            raise ToolError(str(exc)) from None
        found = find_rule(rule, rules) or find_rule(rule.upper(), rules)
        if found is None:
            close = difflib.get_close_matches(rule, [r.name for r in rules] + [r.code for r in rules], n=3)
            hint = f" (did you mean {', '.join(close)}?)" if close else ""
            raise ToolError(f"no rule named {rule!r}{hint}; the resource jsonl-lint://rules lists every rule")
        return structured({
            "code": found.code, "name": found.name, "summary": found.summary, "severity": found.severity.value,
            "kind": "dataset" if issubclass(found, DatasetRule) else "record", "fixable": found.fixable,
            "default_enabled": found.default_enabled, "preview": found.preview, "url": found.url(),
            "documentation": rule_markdown(found),
        })

    async def fixed_runs(ctx: Context, roots, paths, select, ignore, preview, unsafe):
        """The fixes of every config group made in memory (nothing written), and the run's notes."""
        ws = workspace(roots)
        args = dataset_args(list(paths), select=select, ignore=ignore, preview=preview, unsafe_fixes=unsafe)

        def work(progress):
            settings, files, notes = dataset_files(ws, args)
            return list(lint_groups(args, settings, files, progress, fixes=True)), notes

        runs, notes = await in_thread(ctx, work)
        return args, runs, notes

    def fixed_files(runs) -> list[dict]:
        return [{"file": path, "fixes": run.fixed.applied.get(path, 0)} for run in runs for path in run.fixed.changed]

    def unsafe_available(runs, unsafe: bool) -> int:
        from ..fixer import hidden_unsafe

        return 0 if unsafe else sum(hidden_unsafe(run.fixed.report.diagnostics) for run in runs)

    @server.tool(annotations=READ_ONLY)
    async def fix_preview(ctx: Context, roots: Roots = None, paths: Paths = [], select: Select = None,
                          ignore: Ignore = None, preview: Preview = None, unsafe: Unsafe = False,
                          max_diff_chars: Annotated[int, Field(ge=1000, le=2_000_000)] = 50_000,
                          ) -> Annotated[CallToolResult, results.FixPreview]:
        """The unified diff that `jsonl-lint check --fix` (with unsafe: `--fix --unsafe-fixes`) would make.
        Writes nothing. Secrets in the lines shown are masked."""
        args, runs, notes = await fixed_runs(ctx, roots, paths, select, ignore, preview, unsafe)
        diff = "".join(run.diff() for run in runs)
        cut = len(diff) > max_diff_chars
        if cut:
            diff = diff[:diff.rfind("\n", 0, max_diff_chars) + 1]
        for run in runs:
            notes += fix_notes(run.fixed, {}, args, written=False, unsafe_hint="unsafe=true")
        return structured({
            "diff": diff, "diff_truncated": cut, "fixes": sum(run.fixed.total_applied for run in runs),
            "files": fixed_files(runs), "unsafe_available": unsafe_available(runs, unsafe), "notes": notes})

    @server.tool(annotations=ToolAnnotations(read_only_hint=False, destructive_hint=True, idempotent_hint=True,
                                             open_world_hint=False))
    async def apply_fixes(ctx: Context, roots: Roots = None, paths: Paths = [], select: Select = None,
                          ignore: Ignore = None, preview: Preview = None, unsafe: Unsafe = False,
                          write: Annotated[bool, Field(description="write the fixed files; without it nothing is "
                                                                   "written and the result says what would change")]
                          = False) -> Annotated[CallToolResult, results.AppliedFixes]:
        """Apply the fixes of `jsonl-lint check --fix` (with unsafe: `--fix --unsafe-fixes`) to the files. Writes
        only with write=true, atomically (a temporary file, then a rename); a file edited since it was read is
        left alone. Reports what changed and the findings left."""
        args, runs, notes = await fixed_runs(ctx, roots, paths, select, ignore, preview, unsafe)
        not_written: dict[str, str] = {}
        for run in runs:
            problems = run.fixed.write() if write else {}
            not_written.update(problems)
            notes += fix_notes(run.fixed, problems, args, written=write, unsafe_hint="unsafe=true")
        if not write and any(run.fixed.changed for run in runs):
            notes.append("nothing written: call apply_fixes with write=true to write these fixes")
        return structured({
            "written": write, "fixes": sum(run.fixed.total_applied for run in runs),
            "files": [f for f in fixed_files(runs) if f["file"] not in not_written], "not_written": not_written,
            "findings_left": sum(len(run.fixed.report.diagnostics) for run in runs),
            "unsafe_available": unsafe_available(runs, unsafe), "notes": notes})

    def rules_here():
        return all_rules(load_settings(start=fallback_roots[0]))

    @server.resource("jsonl-lint://rules", name="rules", title="jsonl-lint rules", mime_type="text/markdown",
                     description="every rule: code, name, severity, tier and summary")
    def rules_index() -> str:
        return index_markdown(list(rules_here()))

    @server.resource("jsonl-lint://rules/{rule}", name="rule", title="a jsonl-lint rule", mime_type="text/markdown",
                     description="a rule's documentation, by code or name (jsonl-lint://rules/JL104)")
    def rule_page(rule: str) -> str:
        rules = rules_here()
        found = find_rule(rule.removesuffix(".md"), rules)
        if found is None:
            raise ResourceNotFoundError(f"no rule named {rule!r}")
        return rule_markdown(found)

    return server


def inline(text: str, paths: list[str]) -> bool:
    """Whether a tool checks inline text (``text``) rather than files (``paths``)."""
    if text and paths:
        raise ToolError("give paths or text, not both")
    return bool(text)


def inline_settings(ws: Workspace, args: argparse.Namespace, name: str) -> tuple[str, Any]:
    """The path inline text stands for (``name``, confined to the workspace) and its settings:
    the configuration found upward from it, as for a file there, with the tool's options."""
    path = ws.resolve(name)
    args.paths = [path]
    return path, with_overrides(args, load_settings(start=path))


def structured(data: dict) -> CallToolResult:
    """A tool result: ``data`` as structured content (the SDK checks it against the tool's
    output schema), and the same JSON, compact, as the text block clients show the model."""
    text = json.dumps(data, ensure_ascii=False, separators=(",", ":"))
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def serve(fallback_roots: list[str]) -> None:
    build_server(fallback_roots).run("stdio")
