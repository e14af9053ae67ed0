"""`jsonl-lint server`: a pygls 2 language server over stdio.

Design (see docs/editor.md):

* The server keeps its own line model of each open dataset (:mod:`.document`); pygls'
  workspace copy is not maintained (it re-splits the whole text on every keystroke and
  splits at U+2028, which JSONL does not).
* Per-record rules run off the event loop in one lint thread, per line, cached by line
  content: an edit re-lints the lines it touched. While a large file is opened, results
  are published progressively (first batch of lines first).
* Dataset-wide rules run in a worker process on a snapshot, after a pause in typing
  (small files), on open and on save (unless the text is the last pass's), with work-done
  progress; for a large file that process forks one worker per core, as the CLI's local
  backend does, and reuses the last pass's work on the text before the first edit
  (:mod:`.dataset`). Their findings are mapped
  to current line numbers through the edit log; findings on lines edited since are
  dropped until the next pass (stale results are never shown at wrong lines).
* Diagnostics are pushed (``textDocument/publishDiagnostics``) with the document version.
* A hostile client cannot stall or crash it: frames are read by :mod:`.transport`, every
  message is checked by :mod:`.protocol` and answered when it cannot run. Whatever ends the
  session (``exit``, SIGTERM, the editor's process gone, stdin closed) goes through
  :meth:`JsonlLanguageServer.stop`, and the dataset worker dies with the server (:mod:`..procs`).
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import sys
import threading

import orjson
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from dataclasses import dataclass, field
from typing import Any, BinaryIO

from lsprotocol import types as T
from pygls.exceptions import FeatureNotificationError
from pygls.io_ import StdoutWriter
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from .. import __version__
from ..config import ConfigError, Settings, load_settings
from ..procs import exit_with_parent, pid_alive, watch
from .convert import to_lsp
from .dataset import dataset_pass, line_counts, open_pass
from .document import Document, Linter
from .protocol import JsonlProtocol
from .transport import FrameReader

log = logging.getLogger(__name__)

FIRST_BATCH = 200  # lines linted before the first (progressive) publish of a new document
BATCH = 2000
FIX_ALL_KIND = "source.fixAll.jsonl-lint"
CONFIG_NAMES = (".jsonl-lint.toml", "pyproject.toml")
BASELINE_SUFFIX = "-baseline.json"


@dataclass
class EditorSettings:
    """``jsonlLint.*`` settings sent by the editor (on top of the config files)."""

    select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    model: str | None = None
    preview: bool | None = None  # None: the config file decides
    run: str = "onType"  # "onType" | "onSave"
    large_file_size: int = 5_000_000  # bytes: above it, dataset rules run only on open and save
    debounce: float = 0.025  # seconds before per-record linting of an edit
    dataset_delay: float = 0.3  # seconds of pause before dataset-wide rules (small files)

    @classmethod
    def from_dict(cls, data: Any) -> "EditorSettings":
        if not isinstance(data, dict):
            return cls()

        def strings(v: Any) -> tuple[str, ...]:
            if isinstance(v, str):
                v = [x.strip() for x in v.split(",")]
            return tuple(str(x) for x in v or () if str(x).strip())

        out = cls(select=strings(data.get("select")), ignore=strings(data.get("ignore")),
                  model=data.get("model") or None,
                  preview=data["preview"] if isinstance(data.get("preview"), bool) else None)
        if data.get("run") in ("onType", "onSave"):
            out.run = data["run"]
        for key, attr, scale in (("largeFileSize", "large_file_size", 1), ("debounce", "debounce", 0.001),
                                 ("datasetDelay", "dataset_delay", 0.001)):
            v = data.get(key)
            if isinstance(v, (int, float)) and v >= 0:
                setattr(out, attr, type(getattr(out, attr))(v * scale))
        return out


@dataclass(eq=False)
class DocState:
    doc: Document
    settings: Settings | None = None
    linter: Linter | None = None
    task: asyncio.Task | None = None
    ds_task: asyncio.Task | None = None
    ds_running: bool = False
    ds_again: bool = False
    initial: bool = True
    counting: bool = False  # the open pass's token counts are on their way (lsp.dataset.line_counts)
    opened: int | None = None  # the edit count the open pass started at
    closed: bool = False
    counts: dict = field(default_factory=dict)
    published: list = field(default_factory=list)
    lens_sig: tuple = ()
    serial: int = 0  # increments on every publish; the pull result id
    published_edit: int = -1  # the document's edit count when last published
    dataset_layout: int = -1  # the document layout the dataset findings were placed with
    pulled_serial: int = -1
    fresh: asyncio.Event = field(default_factory=asyncio.Event)
    idle: asyncio.Event = field(default_factory=asyncio.Event)


class JsonlLanguageServer(LanguageServer):
    def __init__(self) -> None:
        super().__init__("jsonl-lint", __version__, protocol_cls=JsonlProtocol,
                         text_document_sync_kind=T.TextDocumentSyncKind.Incremental)
        self.docs: dict[str, DocState] = {}
        self.editor = EditorSettings()
        self.config_ready = asyncio.Event()
        self.lint_pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jsonl-lint")
        self._procs: Executor | None = None
        self._baselines: dict[str, tuple[float, set]] = {}
        self._reported: set[str] = set()
        self.init_options: dict = {}
        self.stopping = False
        self.pull = False  # pull diagnostics (LSP 3.17) when the client supports them, else push

    # -- helpers -------------------------------------------------------------------------
    @property
    def encoding(self) -> str:
        enc = getattr(self.workspace, "position_encoding", None) or "utf-16"
        return str(getattr(enc, "value", enc))

    def procs(self) -> Executor:
        """The dataset worker: a process that ends when the server does, however it ends."""
        if self._procs is None:
            try:
                import multiprocessing

                self._procs = ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                                                  initializer=exit_with_parent, initargs=(os.getpid(),))
            except (OSError, ImportError, NotImplementedError):
                self._procs = ThreadPoolExecutor(max_workers=1, thread_name_prefix="jsonl-lint-dataset")
        return self._procs

    # -- lifetime ------------------------------------------------------------------------
    def start_io(self, stdin: BinaryIO | None = None, stdout: BinaryIO | None = None) -> None:
        """Serve LSP over stdio (frames read by a thread, handled on the event loop) until
        the session ends; SIGTERM ends it as ``exit`` does."""
        self.protocol.set_writer(StdoutWriter(stdout or sys.stdout.buffer))
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        try:
            loop.add_signal_handler(signal.SIGTERM, self.stop, 0)
        except (NotImplementedError, RuntimeError, ValueError, AttributeError):  # Windows
            signal.signal(signal.SIGTERM, lambda *_: self.stop(0))
        threading.Thread(target=self._read, args=(stdin or sys.stdin.buffer, loop), name="jsonl-lint-stdin",
                         daemon=True).start()
        try:
            loop.run_forever()
        finally:
            self.stop(0)

    def _read(self, stdin: BinaryIO, loop: asyncio.AbstractEventLoop) -> None:
        frames = FrameReader()
        read = getattr(stdin, "read1", None) or stdin.read
        while True:
            try:
                data = read(1 << 16)
            except (OSError, ValueError):
                data = b""
            if not data:
                break
            for item in frames.feed(data):
                loop.call_soon_threadsafe(self.protocol.receive_frame, item)
        # the client closed the pipe: nobody is left to serve
        loop.call_soon_threadsafe(lambda: self.stop(0 if self.protocol._shutdown else 1))

    def release_workers(self) -> None:
        """Stop the dataset worker now (a pass may be running) and the lint thread's queue."""
        self.stopping = True
        for st in self.docs.values():
            st.closed = True
        if self._procs is not None:
            processes = list((getattr(self._procs, "_processes", None) or {}).values())
            self._procs.shutdown(wait=False, cancel_futures=True)
            for p in processes:
                try:
                    p.terminate()
                except Exception:
                    pass
        self.lint_pool.shutdown(wait=False, cancel_futures=True)

    def stop(self, code: int = 0) -> None:
        """The one way out, whatever ends the session (``exit``, SIGTERM, the editor's
        process gone, stdin closed): end the dataset worker, flush, and leave at once (a
        lint still running in a thread is not waited for)."""
        self.release_workers()
        if "multiprocessing.util" in sys.modules:
            from multiprocessing import util

            # what exit would do and os._exit skips: unlink the worker queues' semaphores
            # (else the resource tracker reports them as leaked on the editor's output)
            util._run_finalizers(0)
        try:
            sys.stdout.flush()
        except Exception:
            pass
        logging.shutdown()
        os._exit(code)

    def watch_client(self, pid: int | None) -> None:
        """``initialize.processId``: the server ends when the editor's process does. A pid
        not alive now is from another PID namespace (an editor outside a container): not
        watched, else the server would end at once."""
        if not pid or pid <= 0:
            return
        if pid_alive(pid):
            watch(lambda: pid_alive(pid), lambda: self.stop(1))
        else:
            log.warning("initialize.processId %s is not a process here: not watched", pid)

    def report_server_error(self, error: Exception, source) -> None:
        """Never a pop-up: malformed client messages are answered with an error response
        (see .protocol); a failure of a notification handler is the server's own, logged in
        one line (the traceback at debug level)."""
        if source is FeatureNotificationError:
            log.error("%s", error)
        log.debug("%s: %r", getattr(source, "__name__", source), error, exc_info=error)

    def log(self, message: str, kind: T.MessageType = T.MessageType.Log) -> None:
        if not self.stopping:
            self.window_log_message(T.LogMessageParams(type=kind, message=message))

    def warn_once(self, message: str) -> None:
        if message not in self._reported:
            self._reported.add(message)
            self.window_show_message(T.ShowMessageParams(type=T.MessageType.Warning, message=f"jsonl-lint: {message}"))
            self.log(message, T.MessageType.Warning)

    def settings_for(self, path: str) -> Settings:
        start = path if os.path.isabs(path) else None
        try:
            settings = load_settings(start=start)
        except ConfigError as exc:
            self.warn_once(str(exc))
            settings = load_settings(isolated=True)
        changes: dict = {}
        if self.editor.select:
            changes["select"] = self.editor.select
        if self.editor.ignore:
            changes["extend_ignore"] = settings.extend_ignore + self.editor.ignore
        if self.editor.model:
            changes["model"] = self.editor.model
        if self.editor.preview is not None:
            changes["preview"] = self.editor.preview
        if changes:
            try:
                settings = settings.updated(**changes)
            except Exception as exc:
                self.warn_once(f"editor settings ignored: {exc}")
        return settings

    def make_linter(self, settings: Settings, path: str) -> Linter:
        try:
            linter = Linter(settings, path)
            for note in linter.engine.pack.notes:  # the same selection warnings as the CLI's
                self.warn_once(note)
            return linter
        except ConfigError as exc:
            self.warn_once(str(exc))
            return Linter(load_settings(isolated=True), path)

    # -- scheduling --------------------------------------------------------------------------
    def schedule(self, st: DocState, delay: float = 0.0) -> None:
        st.idle.clear()
        if st.task is not None and not st.task.done():
            return  # the running loop picks up the new missing lines
        st.task = asyncio.ensure_future(self._lint(st, delay))

    async def _lint(self, st: DocState, delay: float) -> None:
        loop = asyncio.get_running_loop()
        try:
            try:
                await asyncio.wait_for(self.config_ready.wait(), 3.0)
            except asyncio.TimeoutError:
                self.config_ready.set()
            if delay:
                await asyncio.sleep(delay)
            first = True
            while not st.closed:
                if st.linter is None:
                    st.settings = self.settings_for(st.doc.path)
                    st.linter = await loop.run_in_executor(self.lint_pool, self.make_linter, st.settings, st.doc.path)
                    continue
                batch, keys = st.doc.missing(FIRST_BATCH if first and st.initial else BATCH)
                if not keys:
                    break
                if st.initial and st.opened is None and st.linter.dataset_rules:
                    # The other lines wait for the open pass, which runs every rule at once on both
                    # cores (each record read once for all of them) instead of the per-record rules
                    # again on this thread. It starts now, while this thread checks the first batch.
                    st.doc.hold(keep=batch)
                    st.opened = st.doc.edit_count
                    self.dataset_later(st, "open")
                linter = st.linter
                values = await loop.run_in_executor(self.lint_pool, linter.check_many, keys)
                if st.closed:
                    return
                if st.linter is not linter:  # settings changed meanwhile: these results are stale
                    continue
                st.doc.store(keys, values)
                first = False
                if st.initial and not st.doc.complete and not st.doc.held:
                    self.publish(st)
            if st.closed:
                return
            self.publish(st)
            if st.doc.held:
                return  # the open pass fills them in and schedules this loop again
            for message in st.linter.errors[:5]:
                self.log(message, T.MessageType.Error)
            st.linter.errors.clear()
            if not st.initial:
                self.dataset_later(st, "typing")
            elif st.opened != st.doc.edit_count:  # no line needed checking, or edits came meanwhile
                self.dataset_later(st, "open")
            st.initial = False
        except Exception as exc:  # never let a lint failure kill the server
            log.exception("lint failed")
            self.log(f"lint failed: {exc!r}", T.MessageType.Error)
        finally:
            if st.task is asyncio.current_task() or st.task is None:
                st.idle.set()

    def dataset_later(self, st: DocState, reason: str) -> None:
        if st.linter is None or not st.linter.dataset_rules or st.closed:
            return
        if reason == "typing" and (self.editor.run == "onSave" or st.doc.size > self.editor.large_file_size):
            return
        if reason != "open" and st.doc.dataset_edit == st.doc.edit_count:
            return  # the dataset findings shown are of this very text (a save without edits)
        if st.ds_running:
            st.ds_again = True
            return
        if st.ds_task is not None and not st.ds_task.done():
            st.ds_task.cancel()
        delay = self.editor.dataset_delay if reason == "typing" else 0.0
        st.ds_task = asyncio.ensure_future(self._dataset(st, delay))

    async def _dataset(self, st: DocState, delay: float) -> None:
        if delay:
            await asyncio.sleep(delay)
        if st.ds_running:
            st.ds_again = True
            return
        st.ds_running = True
        loop = asyncio.get_running_loop()
        try:
            while not st.closed and st.linter is not None:
                st.ds_again = False
                edit, settings = st.doc.edit_count, st.linter.settings
                lines = list(st.doc.lines) if st.doc.held else None  # the open pass checks them too
                text = st.doc.text.encode("utf-8", "surrogatepass")  # bytes: see lsp.dataset._utf8
                token = await self._progress_begin(f"jsonl-lint: dataset-wide rules ({len(st.doc.lines):,} lines)")
                try:
                    if lines is None:
                        diags = await loop.run_in_executor(self.procs(), dataset_pass, settings, st.doc.path, text)
                    else:
                        diags, results = await loop.run_in_executor(self.procs(), open_pass, settings, st.doc.path,
                                                                    text)
                finally:
                    self._progress_end(token, "done")
                if st.closed:
                    return
                if st.linter is None or settings is not st.linter.settings:  # settings changed meanwhile
                    if st.ds_again:
                        continue
                    return
                st.doc.dataset = diags
                st.doc.dataset_edit = edit
                st.doc.dataset_lsp = None
                st.doc.prune_edits()
                if lines is not None:
                    st.doc.fill(lines, results)
                    self.schedule(st)  # takes the lines from the cache, checks those edited since, publishes
                    await self._counts(st, settings, lines, text)
                elif st.doc.complete:
                    self.publish(st)
                if not st.ds_again:
                    break
        except Exception as exc:
            if self.stopping:
                return
            log.exception("dataset pass failed")
            self.log(f"dataset-wide rules failed: {exc!r}", T.MessageType.Error)
            if st.doc.held:  # the lint thread checks the lines the open pass did not
                st.doc.release()
                self.schedule(st)
        finally:
            st.ds_running = False

    async def _counts(self, st: DocState, settings: Settings, lines: list[str], text: bytes) -> None:
        """The token counts the open pass left out (hovers, the summary lens), counted on
        the dataset worker once its diagnostics are shown."""
        st.counting = True
        try:
            counts = await asyncio.get_running_loop().run_in_executor(self.procs(), line_counts, settings,
                                                                      st.doc.path, text)
            if not st.closed and st.linter is not None and settings is st.linter.settings:
                st.doc.add_counts(lines, counts)
        except Exception as exc:
            if not self.stopping:
                log.exception("token counts failed")
                self.log(f"token counts failed: {exc!r}", T.MessageType.Error)
        finally:
            st.counting = False
        self.refresh_lenses(st)

    async def _progress_begin(self, title: str) -> str | None:
        caps = self.client_capabilities
        if not (caps and caps.window and caps.window.work_done_progress):
            return None
        import uuid

        token = f"jsonl-lint-{uuid.uuid4().hex[:8]}"
        try:
            await asyncio.wait_for(self.work_done_progress.create_async(token), 2.0)
            self.work_done_progress.begin(token, T.WorkDoneProgressBegin(title=title, cancellable=False))
            return token
        except Exception:
            return None

    def _progress_end(self, token: str | None, message: str) -> None:
        if token is not None and not self.stopping:
            try:
                self.work_done_progress.end(token, T.WorkDoneProgressEnd(message=message))
            except Exception:
                pass

    @property
    def client_capabilities(self) -> T.ClientCapabilities | None:
        return getattr(self.protocol, "client_capabilities", None)

    # -- publishing --------------------------------------------------------------------------
    def current(self, st: DocState) -> list[dict]:
        """Every diagnostic of the document now, as LSP dicts (baseline applied)."""
        doc = st.doc
        items: list[dict] = []
        results, lsp = doc.results, doc.lsp
        for i in doc.flagged:
            cached = lsp[i]
            where = doc.editor_line(i)
            if cached is None or cached[0] != where:
                cached = lsp[i] = (where, [to_lsp(d, doc, i) for d in results[i].diagnostics])
            items.extend(cached[1])
        items.extend(item for _, item, _ in self.dataset_items(st))
        suppressed = self.suppressed(st)
        if suppressed:
            items = [x for x in items if (x["code"], x["data"]["fp"]) not in suppressed]
        return items

    def dataset_items(self, st: DocState) -> list[tuple[Any, dict, int]]:
        """Dataset findings at current line numbers: (diagnostic, LSP dict, the line its
        record's line 1 maps to). Edits inside lines (the common case) only drop the
        findings of the lines they touched; edits that add or remove lines (or lone "\\r"
        breaks) map every finding again through the server's own edit log."""
        doc = st.doc
        new = doc.edits[doc.dataset_mapped:]
        if doc.dataset_lsp is not None and not new:
            return doc.dataset_lsp
        if doc.dataset_lsp is not None and st.dataset_layout == doc.layout and all(r == a for _, _, r, a in new):
            touched = set()
            for _, start, removed, _ in new:
                touched.update(range(start, start + removed))
            doc.dataset_lsp = [(d, item, base) for d, item, base in doc.dataset_lsp
                               if d.record is None or base + d.location.line - 1 not in touched]
        else:
            since = doc.dataset_edit

            def mapper(line0: int) -> int | None:
                return doc.map_line(line0, since)

            out = []
            for d in doc.dataset:
                line0 = d.location.line - 1
                target = mapper(line0) if d.record is not None else 0
                if target is None:
                    continue
                out.append((d, to_lsp(d, doc, target - line0, mapper), target - line0))
            doc.dataset_lsp = out
            st.dataset_layout = doc.layout
        doc.dataset_mapped = len(doc.edits)
        return doc.dataset_lsp

    def publish(self, st: DocState) -> None:
        items = self.current(st)
        st.published = items
        counts = {1: 0, 2: 0, 3: 0}
        for x in items:
            counts[x["severity"]] = counts.get(x["severity"], 0) + 1
        st.counts = counts
        st.serial += 1
        st.published_edit = st.doc.edit_count
        if self.pull:
            st.fresh.set()  # a waiting textDocument/diagnostic request answers now
            asyncio.get_running_loop().call_later(0.15, self._refresh_if_unpulled, st)
        else:
            self.send_raw({"jsonrpc": "2.0", "method": T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                           "params": {"uri": st.doc.uri, "version": st.doc.version, "diagnostics": items}})
        self.refresh_lenses(st)

    def _refresh_if_unpulled(self, st: DocState) -> None:
        """Pull mode: results that no request asked for (dataset pass, a large file's later
        batches, config reload) make the client pull again."""
        caps = self.client_capabilities
        if st.closed or self.stopping or st.pulled_serial >= st.serial:
            return
        if caps and caps.workspace and caps.workspace.diagnostics and caps.workspace.diagnostics.refresh_support:
            st.pulled_serial = st.serial
            try:
                self.workspace_diagnostic_refresh(None)
            except Exception:
                pass

    def refresh_lenses(self, st: DocState) -> None:
        """Ask the client to re-read code lenses when the summary they show changed."""
        caps = self.client_capabilities
        if not (caps and caps.workspace and caps.workspace.code_lens and caps.workspace.code_lens.refresh_support):
            return
        sig = (st.doc.complete, st.counting, len(st.doc.lines), tuple(sorted(st.counts.items())), st.doc.dataset_edit,
               sum(1 for x in st.published if "relatedInformation" in x))
        if sig != st.lens_sig and not self.stopping:
            st.lens_sig = sig
            try:
                self.workspace_code_lens_refresh(None)
            except Exception:
                pass

    def send_raw(self, message: dict) -> None:
        """Send a JSON-RPC message built as plain dicts, encoded with orjson (no cattrs
        pass and no stdlib encoder over thousands of diagnostics)."""
        if self.stopping:
            return
        writer = getattr(self.protocol, "writer", None)
        if writer is None:
            return
        try:
            body = orjson.dumps(message)
        except TypeError:
            self.protocol._send_data(message)
            return
        header = f"Content-Length: {len(body)}\r\nContent-Type: application/vscode-jsonrpc; charset=utf-8\r\n\r\n"
        try:
            res = writer.write(header.encode("ascii") + body)
            if asyncio.iscoroutine(res) or isinstance(res, asyncio.Future):
                asyncio.ensure_future(res)
        except Exception as exc:  # a closed pipe: the client went away
            log.warning("could not send: %r", exc)

    def warm_up(self) -> None:
        """Import every rule, load the token encoding and check the rules' documentation
        examples before the first document, so that what rules compile or load on first use
        is not paid by its first batch of lines (200 lines of r50k: 0.23 -> 0.04 s CPU)."""
        from ..registry import all_rules

        try:
            linter = Linter(load_settings(start=os.getcwd()), os.path.join(os.getcwd(), "warm-up.jsonl"))
            linter.check_many([(0, line) for cls in all_rules() for block in cls.doc_examples("Example")
                               for line in block.splitlines()])
        except Exception:
            pass

    def suppressed(self, st: DocState) -> set:
        if st.settings is None:
            return set()
        from ..baseline import _rel, baseline_path, load_entries

        path = baseline_path(st.settings)
        try:
            mtime = os.stat(path).st_mtime_ns
        except OSError:
            return set()
        cached = self._baselines.get(path)
        if cached is None or cached[0] != mtime:
            try:
                entries = load_entries(path)
            except ConfigError as exc:
                self.warn_once(str(exc))
                entries = []
            cached = self._baselines[path] = (mtime, entries)
        rel = _rel(st.doc.path, st.settings.root or os.getcwd())
        return {(e["code"], e["fingerprint"]) for e in cached[1] if e["file"] == rel}

    # -- documents --------------------------------------------------------------------------
    def open_doc(self, uri: str, version: int, text: str) -> DocState:
        path = to_fs_path(uri) or uri
        old = self.docs.get(uri)
        if old is not None:
            old.closed = True
        st = DocState(Document.open(uri, path, version, text, self.encoding))
        self.docs[uri] = st
        self.schedule(st)
        return st

    def reset_all(self) -> None:
        """Settings changed: drop every cached result and lint again."""
        for st in list(self.docs.values()):
            new = self.settings_for(st.doc.path)
            if st.settings is not None and new == st.settings and st.linter is not None:
                self.publish(st)  # the baseline may have changed
                continue
            st.settings, st.linter = new, None
            st.doc.invalidate()
            st.initial, st.opened = True, None
            self.schedule(st)

    async def fetch_configuration(self) -> None:
        caps = self.client_capabilities
        try:
            if caps and caps.workspace and caps.workspace.configuration:
                result = await asyncio.wait_for(self.workspace_configuration_async(
                    T.ConfigurationParams(items=[T.ConfigurationItem(section="jsonlLint")])), 3.0)
                self.editor = EditorSettings.from_dict(result[0] if result else None)
            else:
                self.editor = EditorSettings.from_dict(self.init_options.get("settings", self.init_options))
        except Exception as exc:
            self.log(f"could not read editor settings: {exc!r}", T.MessageType.Warning)
        finally:
            self.config_ready.set()


def warm_worker() -> None:
    """The dataset worker's start: every rule imported and run once, over the rules' own
    documentation examples, so that what rules compile or load on first use (patterns,
    lexicons, models) is in this long-lived process before a pass forks its workers, which
    then share it instead of each building it again in every pass."""
    from ..engine import Engine
    from ..registry import all_rules

    lines = [line for cls in all_rules() for block in cls.doc_examples("Example") for line in block.splitlines()]
    try:
        Engine(load_settings(start=os.getcwd())).run_text("\n".join(lines) + "\n", "warm-up.jsonl")
    except Exception:  # a broken config: the first pass says so
        pass


server = JsonlLanguageServer()


@server.feature(T.INITIALIZE)
def initialize(ls: JsonlLanguageServer, params: T.InitializeParams) -> None:
    ls.watch_client(params.process_id)
    opts = params.initialization_options
    ls.init_options = opts if isinstance(opts, dict) else {}
    caps = params.capabilities
    ls.pull = bool(caps and caps.text_document and caps.text_document.diagnostic is not None) \
        and ls.init_options.get("diagnosticMode") != "push"
    if params.root_uri or params.workspace_folders:
        root = params.root_uri or params.workspace_folders[0].uri
        path = to_fs_path(root)
        if path and os.path.isdir(path):
            try:
                os.chdir(path)  # relative config paths, the baseline, untitled documents
            except OSError:
                pass


@server.feature(T.INITIALIZED)
async def initialized(ls: JsonlLanguageServer, params: T.InitializedParams) -> None:
    loop = asyncio.get_running_loop()
    loop.run_in_executor(ls.lint_pool, ls.warm_up)
    try:
        ls.procs().submit(warm_worker)
    except Exception:
        pass
    caps = ls.client_capabilities
    watch = caps and caps.workspace and caps.workspace.did_change_watched_files \
        and caps.workspace.did_change_watched_files.dynamic_registration
    if watch:
        watchers = [T.FileSystemWatcher(glob_pattern=g) for g in
                    ("**/pyproject.toml", "**/.jsonl-lint.toml", "**/*-baseline.json")]
        try:
            await asyncio.wait_for(ls.client_register_capability_async(T.RegistrationParams(registrations=[
                T.Registration(id="jsonl-lint-config-watch", method=T.WORKSPACE_DID_CHANGE_WATCHED_FILES,
                               register_options=T.DidChangeWatchedFilesRegistrationOptions(watchers=watchers))])), 3.0)
        except Exception as exc:
            ls.log(f"could not watch config files (reload on change disabled): {exc!r}", T.MessageType.Warning)
    await ls.fetch_configuration()


@server.feature(T.TEXT_DOCUMENT_DID_OPEN)
def did_open(ls: JsonlLanguageServer, params: T.DidOpenTextDocumentParams) -> None:
    d = params.text_document
    ls.open_doc(d.uri, d.version, d.text)


@server.feature(T.TEXT_DOCUMENT_DID_CHANGE)
def did_change(ls: JsonlLanguageServer, params: T.DidChangeTextDocumentParams) -> None:
    st = ls.docs.get(params.text_document.uri)
    if st is None:
        return
    version = params.text_document.version
    for change in params.content_changes:
        if isinstance(change, T.TextDocumentContentChangePartial):
            r = change.range
            st.doc.apply(version, (r.start.line, r.start.character), (r.end.line, r.end.character), change.text)
        else:
            st.doc.replace_all(version, change.text)
    if len(st.doc.edits) > 20_000:  # dataset findings too far behind: drop them until the next pass
        st.doc.dataset, st.doc.edits, st.doc.dataset_lsp, st.doc.dataset_mapped = [], [], None, 0
    if st.ds_task is not None and not st.ds_task.done() and not st.ds_running:
        st.ds_task.cancel()  # typing resumed: wait for the next pause
    if ls.editor.run == "onType":
        ls.schedule(st, ls.editor.debounce)


@server.feature(T.TEXT_DOCUMENT_DIAGNOSTIC, T.DiagnosticOptions(
    identifier="jsonl-lint", inter_file_dependencies=False, workspace_diagnostics=False))
async def pull_diagnostics(ls: JsonlLanguageServer, params: T.DocumentDiagnosticParams):
    """Pull diagnostics: answer with the document's current findings, waiting (briefly)
    for the lint of its latest version."""
    st = ls.docs.get(params.text_document.uri)
    if st is None:
        return T.FullDocumentDiagnosticReport(items=[])
    loop = asyncio.get_running_loop()
    end = loop.time() + 5.0
    while st.published_edit != st.doc.edit_count and not st.closed and ls.editor.run == "onType":
        st.fresh.clear()
        try:
            await asyncio.wait_for(st.fresh.wait(), max(0.0, end - loop.time()))
        except asyncio.TimeoutError:
            break
    st.pulled_serial = st.serial
    result_id = f"{id(st)}:{st.serial}"
    if params.previous_result_id == result_id:
        return T.UnchangedDocumentDiagnosticReport(result_id=result_id)
    items = ls.protocol._converter.structure(st.published, list[T.Diagnostic])
    return T.FullDocumentDiagnosticReport(items=items, result_id=result_id)


@server.feature(T.TEXT_DOCUMENT_DID_SAVE)
def did_save(ls: JsonlLanguageServer, params: T.DidSaveTextDocumentParams) -> None:
    st = ls.docs.get(params.text_document.uri)
    if st is None:
        return
    if ls.editor.run == "onSave":
        ls.schedule(st)
    ls.dataset_later(st, "save")


@server.feature(T.TEXT_DOCUMENT_DID_CLOSE)
def did_close(ls: JsonlLanguageServer, params: T.DidCloseTextDocumentParams) -> None:
    st = ls.docs.pop(params.text_document.uri, None)
    if st is not None:
        st.closed = True
    ls.send_raw({"jsonrpc": "2.0", "method": T.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS,
                            "params": {"uri": params.text_document.uri, "diagnostics": []}})


@server.feature(T.WORKSPACE_DID_CHANGE_CONFIGURATION)
async def did_change_configuration(ls: JsonlLanguageServer, params: T.DidChangeConfigurationParams) -> None:
    settings = params.settings
    if isinstance(settings, dict) and isinstance(settings.get("jsonlLint"), dict):
        ls.editor = EditorSettings.from_dict(settings["jsonlLint"])
    else:
        await ls.fetch_configuration()
    ls.reset_all()


@server.feature(T.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(ls: JsonlLanguageServer, params: T.DidChangeWatchedFilesParams) -> None:
    from ..config import _config_in

    names = [os.path.basename(to_fs_path(c.uri) or c.uri) for c in params.changes]
    if any(n in CONFIG_NAMES for n in names):
        _config_in.cache_clear()  # a config file may have appeared or gone
        ls.log("configuration changed: re-linting open datasets", T.MessageType.Info)
        ls.reset_all()
    elif any(n.endswith(BASELINE_SUFFIX) for n in names):
        ls._baselines.clear()
        for st in ls.docs.values():
            if st.linter is not None:
                ls.publish(st)


@server.feature(T.SHUTDOWN)
def shutdown(ls: JsonlLanguageServer, params: None) -> None:
    ls.release_workers()  # the dataset worker is ours: do not wait for a pass to finish


# Code actions, hover, code lens and commands register themselves on ``server``.
from . import actions as _actions  # noqa: E402,F401
from . import hover as _hover  # noqa: E402,F401


def main(argv: list[str] | None = None) -> None:
    server.start_io()
