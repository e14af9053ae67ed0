"""The JSON-RPC side of the server: every request gets an answer, no client error a traceback.

pygls structures a message inside the JSON decoder, so a request with bad params raises
there and is never answered; it logs client mistakes with tracebacks and shows them as
"Error in server" pop-ups; after ``shutdown`` it drops requests silently. ``receive``
checks each decoded message first and answers what it cannot run:

* -32600 for a batch, a body that is not an object, a missing ``"jsonrpc": "2.0"``, a bad
  id or method, and any request after ``shutdown``;
* -32602 for params that do not fit the method (hover at line -1, no params, wrong types);
* a ``didChange`` whose positions are negative is clamped to the document (as positions
  past its end are), so the server's text does not drift from the editor's.

Client errors are logged once at debug level; failures of the server's own handlers are
answered with -32603 and logged in one line.
"""

from __future__ import annotations

import inspect
import logging
import traceback
from concurrent.futures import Future
from typing import Any

from lsprotocol import types as T
from lsprotocol.types import ResponseErrorMessage
from pygls.exceptions import JsonRpcException, JsonRpcInternalError, JsonRpcInvalidParams, JsonRpcRequestCancelled
from pygls.protocol import LanguageServerProtocol, lsp_method
from pygls.protocol.json_rpc import JsonRPCNotification, JsonRPCRequestMessage, JsonRPCResponseMessage

from .transport import INVALID_REQUEST, BadFrame, decode

log = logging.getLogger(__name__)

INVALID_PARAMS = -32602


def _valid_id(value: Any) -> bool:
    return isinstance(value, str) or (isinstance(value, int) and not isinstance(value, bool))


def _reason(exc: Exception) -> str:
    """A short account of why params did not structure (cattrs' nested errors flattened)."""
    try:
        from cattrs import transform_error

        return "; ".join(transform_error(exc))[:300]
    except Exception:
        return str(exc)[:300]


def _clamp_positions(params: Any) -> bool:
    """Negative line/character numbers in a didChange's ranges set to 0; True if any was."""
    changed = False
    for change in params.get("contentChanges") or () if isinstance(params, dict) else ():
        rng = change.get("range") if isinstance(change, dict) else None
        for end in (rng.get("start"), rng.get("end")) if isinstance(rng, dict) else ():
            for key in ("line", "character"):
                if isinstance(end, dict) and isinstance(end.get(key), int) and end[key] < 0:
                    end[key], changed = 0, True
    return changed


class JsonlProtocol(LanguageServerProtocol):
    """Text sync without pygls' workspace copy (the server keeps its own line model), and
    the message checks described in the module docstring."""

    # -- receiving -------------------------------------------------------------------------
    def receive_frame(self, item) -> None:
        """One item from the frame reader: a message to check and run, or a bad frame to answer."""
        if isinstance(item, BadFrame):
            msg_id = None
            if item.body is not None:
                try:
                    value = decode(item.body)
                except ValueError:
                    value = None
                if isinstance(value, dict) and "method" in value and _valid_id(value.get("id")):
                    msg_id = value["id"]
            self.reply_error(msg_id, item.code, item.reason)
            return
        self.receive(item.value)

    def receive(self, data: Any) -> None:
        if isinstance(data, list):
            return self.reply_error(None, INVALID_REQUEST, "batch messages are not part of LSP")
        if not isinstance(data, dict):
            return self.reply_error(None, INVALID_REQUEST, "a message must be a JSON object")
        is_request = "id" in data and "method" in data
        msg_id = data["id"] if is_request and _valid_id(data["id"]) else None
        if data.get("jsonrpc") != "2.0":
            return self.reply_error(msg_id, INVALID_REQUEST, 'a message needs "jsonrpc": "2.0"')
        if "method" not in data:
            return self._receive_response(data)
        method = data["method"]
        if not isinstance(method, str):
            return self.reply_error(msg_id, INVALID_REQUEST, "the method must be a string")
        if is_request and msg_id is None:
            return self.reply_error(None, INVALID_REQUEST, "a request id must be a string or an integer")
        if self._shutdown and method != T.EXIT:
            if is_request:
                self.reply_error(msg_id, INVALID_REQUEST, "the server is shutting down")
            return
        message_type = self.get_message_type(method) or (JsonRPCRequestMessage if is_request else JsonRPCNotification)
        try:
            message = self._converter.structure(data, message_type)
        except Exception as exc:
            if method == T.TEXT_DOCUMENT_DID_CHANGE and _clamp_positions(data.get("params")):
                log.debug("didChange with negative positions: clamped to the document")
                return self.receive(data)
            log.debug("invalid params for %s: %s", method, _reason(exc))
            if is_request:
                self.reply_error(msg_id, INVALID_PARAMS, f"invalid params for {method}: {_reason(exc)}")
            return
        self.handle_message(message)

    def _receive_response(self, data: dict) -> None:
        """A response to one of the server's own requests (configuration, progress...)."""
        msg_id = data.get("id")
        if not _valid_id(msg_id) or ("result" not in data and "error" not in data):
            return self.reply_error(None, INVALID_REQUEST, "neither a request, a notification nor a response")
        try:
            if "error" in data:
                message = self._converter.structure(data, ResponseErrorMessage)
            else:
                message = self._converter.structure(data, self._result_types.pop(msg_id, None) or JsonRPCResponseMessage)
        except Exception as exc:
            log.debug("unreadable response %r: %s", msg_id, _reason(exc))
            future = self._request_futures.pop(msg_id, None)
            if future is not None and not future.done():
                future.set_exception(JsonRpcException(f"unreadable response: {_reason(exc)}"))
            return
        self.handle_message(message)

    def reply_error(self, msg_id: Any, code: int, message: str) -> None:
        log.debug("answered %s with %s: %s", msg_id, code, message)
        self._send_data({"jsonrpc": "2.0", "id": msg_id, "error": {"code": code, "message": message}})

    # -- answering -------------------------------------------------------------------------
    def _send_handler_result(self, future: Future, *, msg_id) -> None:
        """pygls' version, without tracebacks: a JSON-RPC error (bad command arguments) is the
        client's and goes to the debug log; any other exception is the server's own failure,
        logged in one line and answered with -32603."""
        self._request_futures.pop(msg_id, None)
        if future.cancelled():
            error = JsonRpcRequestCancelled(f'request "{msg_id}" was cancelled')
        elif (exc := future.exception()) is None:
            self._send_response(msg_id, result=future.result())
            return
        elif isinstance(exc, JsonRpcException):
            log.debug("request %s: %s", msg_id, exc)
            error = exc
        else:
            log.error("request %s failed: %r", msg_id, exc)
            log.debug("".join(traceback.format_exception(exc)))
            error = JsonRpcInternalError(f"jsonl-lint failed: {exc!r}")
        self._send_response(msg_id, error=error.to_response_error())

    # -- text sync and exit ----------------------------------------------------------------
    @lsp_method(T.TEXT_DOCUMENT_DID_OPEN)
    def lsp_text_document__did_open(self, params: T.DidOpenTextDocumentParams):
        if (handler := self.fm.features.get(T.TEXT_DOCUMENT_DID_OPEN)) is not None:
            yield handler, (params,), None

    @lsp_method(T.TEXT_DOCUMENT_DID_CHANGE)
    def lsp_text_document__did_change(self, params: T.DidChangeTextDocumentParams):
        if (handler := self.fm.features.get(T.TEXT_DOCUMENT_DID_CHANGE)) is not None:
            yield handler, (params,), None

    @lsp_method(T.TEXT_DOCUMENT_DID_CLOSE)
    def lsp_text_document__did_close(self, params: T.DidCloseTextDocumentParams):
        if (handler := self.fm.features.get(T.TEXT_DOCUMENT_DID_CLOSE)) is not None:
            yield handler, (params,), None

    @lsp_method(T.WORKSPACE_EXECUTE_COMMAND)
    def lsp_workspace__execute_command(self, params: T.ExecuteCommandParams):
        """pygls' dispatch, with the argument count checked first: pygls calls a command sent
        without arguments with none, and the TypeError would be answered as our failure."""
        handler = self.fm.commands.get(params.command)
        if handler is not None:
            # async commands are wrapped; the wrapper keeps the function (the server comes first)
            target, bound = (handler.func, (self._server,)) if inspect.iscoroutinefunction(handler) else (handler, ())
            try:
                inspect.signature(target).bind(*bound, *(params.arguments or ()))
            except TypeError as exc:
                raise JsonRpcInvalidParams.of(exc) from None
        return (yield from super().lsp_workspace__execute_command(params))

    @lsp_method(T.EXIT)
    def lsp_exit(self, *args) -> None:
        """The server's one way out (see ``JsonlLanguageServer.stop``); code 1 without shutdown."""
        self._server.stop(0 if self._shutdown else 1)
