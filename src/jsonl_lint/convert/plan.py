"""What a target can take, read from its profile, and the changes a conversation needs
to fit it. Each change that loses something is a :class:`Loss`; a conversation that
cannot fit at all raises :class:`~jsonl_lint.convert.read.NotConvertible`.

The profile (one YAML file per target, :mod:`jsonl_lint.targets`) is the one source of
truth: the sections ``roles`` (system placement, alternation, first and last role),
``tools`` (support, argument form, id and name patterns, text beside calls), ``weight``,
``images`` (where an image may live, its form, the roles that carry it) and ``shapes``
(the keys each record shape takes) drive every step here. What no step reshapes (a
reserved string, an example over a limit the target enforces) the target's own JL9xx
rules catch before the record is written (:class:`jsonl_lint.convert.Converter`).
"""

from __future__ import annotations

import base64
import hashlib
import mimetypes
import os
import re
from dataclasses import dataclass, field, replace
from typing import Any, NamedTuple

import orjson

from ..fixer import write_atomic
from ..positions import join_pointer
from ..rules.targets.target_images import SOURCE_NAMES, source_of
from .model import Call, Conversation, Message, Part
from .read import NotConvertible

SYSTEM_ROLES = ("system", "developer")
_B62 = "0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz"
JOIN = "\n\n"  # between the texts of merged turns


class Loss(NamedTuple):
    """A change that loses something: ``kind`` names the loss code (see losses.py)."""

    kind: str
    message: str
    pointer: str = ""


@dataclass
class Options:
    """What the user chose for a run beyond the target."""

    base_dir: str = ""  # where relative image paths are read from (the input file's folder)
    media_uri: str | None = None  # s3:// or gs:// prefix inline images are uploaded under
    media_dir: str | None = None  # where those images are written before the upload
    media_written: dict = field(default_factory=dict)  # file name -> whether this run created it


class Plan:
    """The changes one target needs (``rt``: a :class:`jsonl_lint.targets.RunTarget`).
    ``writer``: the shape module chosen for the conversation (it says what it carries)."""

    def __init__(self, rt, options: Options | None = None):
        self.rt = rt
        self.profile = rt.profile
        self.name = rt.name
        self.options = options or Options()
        tools = self.profile.tools
        self.id_re = re.compile(tools.id_pattern) if tools.id_pattern else None
        self.name_re = re.compile(tools.name_pattern) if tools.name_pattern else None

    # -- the steps, in order ----------------------------------------------------------
    def apply(self, conv: Conversation, writer) -> list[Loss]:
        losses: list[Loss] = []
        self.tools(conv, writer, losses)
        self.images(conv)
        for branch in self.branches(conv):
            self.system(branch, writer, losses)
            self.order(branch, writer, losses, conv)
        self.weights(conv, writer, losses)
        self.reasoning(conv, writer, losses)
        self.keys(conv, writer, losses)
        return losses

    @staticmethod
    def branches(conv: Conversation) -> list[list[Message]]:
        """The message lists changed in place: the conversation (its prompt, for preference
        data) and each preference answer."""
        return [conv.messages] + [b for b in (conv.chosen, conv.rejected) if b]

    # tools ------------------------------------------------------------------------------
    def tools(self, conv: Conversation, writer, losses: list[Loss]) -> None:
        messages = conv.all_messages()
        calls = [(m, c) for m in messages for c in m.calls]
        results = [m for m in messages if m.role == "tool"]
        if not (calls or results or conv.tools):
            return
        if not self.rt.tools_supported:
            model = f" with {self.rt.model.name}" if self.rt.model is not None and self.rt.model.tools is False else ""
            if calls or results:
                where = calls[0][0].pointer if calls else results[0].pointer
                raise NotConvertible("tools", f"{self.name} takes no tool calls{model}", where)
            names = ", ".join(t.name for t in conv.tools[:5]) + (", ..." if len(conv.tools) > 5 else "")
            losses.append(Loss("tools-dropped", f"{self.name} takes no tool definitions{model}: this example's "
                                                f"{_count(len(conv.tools), 'tool')} ({names}) are left out, so the "
                                                "model no longer sees them", conv.tools_pointer))
            conv.tools = None
            return
        for m, c in calls:
            if self.name_re is not None and not self.name_re.fullmatch(c.name):
                raise NotConvertible("tools", f"function name {c.name!r} must match {self.name_re.pattern} on "
                                              f"{self.name}", m.pointer)
            if writer.arguments(self) == "object":
                c.arguments = _arguments_object(c, m.pointer, self.name)
        if self.id_re is not None:
            self.remap_ids(conv)
        if not self.profile.tools.content_with_calls:
            for branch in self.branches(conv):
                self.split_calls(branch, losses)

    def remap_ids(self, conv: Conversation) -> None:
        """Ids that do not fit the target's pattern, remapped consistently between calls and
        results (Mistral's nine letters and digits), derived from the old id so a rerun
        writes the same file."""
        taken = {c.id for m in conv.all_messages() for c in m.calls if c.id and self.id_re.fullmatch(c.id)}
        new: dict[str, str] = {}
        for m in conv.all_messages():
            for c in m.calls:
                if c.id is not None and not self.id_re.fullmatch(c.id):
                    c.id = new.setdefault(c.id, self._new_id(c.id, taken, m.pointer))
        for m in conv.all_messages():
            if m.role == "tool" and m.call_id is not None and not self.id_re.fullmatch(m.call_id):
                m.call_id = new.get(m.call_id) or new.setdefault(m.call_id, self._new_id(m.call_id, taken, m.pointer))

    def _new_id(self, old: str, taken: set[str], pointer: str) -> str:
        for salt in range(100):
            digest = int.from_bytes(hashlib.blake2b(f"{salt}:{old}".encode(), digest_size=8).digest(), "big")
            out = ""
            for _ in range(9):
                digest, r = divmod(digest, 62)
                out += _B62[r]
            if out not in taken and self.id_re.fullmatch(out):
                taken.add(out)
                return out
        raise NotConvertible("tools", f"no id of the form {self.id_re.pattern} can be made for {old!r}", pointer)

    def split_calls(self, branch: list[Message], losses: list[Loss]) -> None:
        """Targets that take text or tool calls in an assistant message, not both: the text
        becomes a message of its own before the calls."""
        for i in range(len(branch) - 1, -1, -1):
            m = branch[i]
            if m.role == "assistant" and m.calls and any(p.text and p.text.strip() for p in m.parts):
                losses.append(Loss("split", f"{self.name} takes text or tool calls in one assistant message, not "
                                            "both: the text is written as an assistant message of its own, then "
                                            "the calls", m.pointer))
                branch[i:i + 1] = [replace(m, calls=[], reasoning=m.reasoning),
                                   replace(m, parts=[], reasoning="", extra={})]

    # images -----------------------------------------------------------------------------
    def images(self, conv: Conversation) -> None:
        rules = self.profile.images
        for m in conv.all_messages():
            if not m.images:
                continue
            if not self.rt.images_supported:
                model = f" with {self.rt.model.name}" if self.rt.model is not None and self.rt.model.images is False \
                    else ""
                raise NotConvertible("image", f"{self.name} takes no images{model}", m.pointer)
            role = "system" if m.role in SYSTEM_ROLES else m.role
            if role not in rules.roles:
                raise NotConvertible("image", f"{self.name} takes images only in {', '.join(rules.roles)} messages, "
                                              f"not in {role} messages", m.pointer)
            for part in m.images:
                self.place_image(part, m.pointer)

    def place_image(self, part: Part, pointer: str) -> None:
        """Move an image to where the target reads images from, or say why it cannot."""
        sources = self.profile.images.sources
        source = source_of(part.image)
        if source in sources:
            return
        if source == "path" and "data" in sources:
            data, mime = self._read_local(part.image, pointer)
            part.image, part.mime = f"data:{mime};base64,{base64.b64encode(data).decode()}", mime
            return
        bucket = next((s for s in ("s3", "gs") if s in sources), None)
        prefix = self.options.media_uri
        takes = " or ".join(SOURCE_NAMES[s] for s in sources)
        if source in ("data", "path") and bucket is not None:
            if prefix is None or not prefix.startswith(f"{bucket}://"):
                raise NotConvertible("image", f"{self.name} takes images as {takes}; this one is "
                                              f"{SOURCE_NAMES[source]}: pass --media-uri {bucket}://BUCKET/PREFIX/ to "
                                              "write it as a file to upload there", pointer)
            data, mime = _decode_data_url(part.image, pointer) if source == "data" else \
                self._read_local(part.image, pointer)
            part.image, part.mime = self._stage(data, mime, prefix), mime
            return
        why = "jsonl-lint downloads nothing: fetch it and give a local path" if source == "http" else \
            "upload it and give its address"
        raise NotConvertible("image", f"{self.name} takes images as {takes}; this one is {SOURCE_NAMES[source]} "
                                      f"({why})", pointer)

    def _read_local(self, ref: str, pointer: str) -> tuple[bytes, str]:
        path = ref[7:] if ref.startswith("file://") else ref
        path = path if os.path.isabs(path) else os.path.join(self.options.base_dir, path)
        try:
            with open(path, "rb") as f:
                data = f.read()
        except OSError as exc:
            raise NotConvertible("image", f"the image file {ref!r} cannot be read ({exc.strerror})", pointer) from None
        mime = mimetypes.guess_type(path)[0] or _sniff(data)
        if mime is None or not mime.startswith("image/"):
            raise NotConvertible("image", f"{ref!r} is not an image file jsonl-lint recognises", pointer)
        return data, mime

    def _stage(self, data: bytes, mime: str, prefix: str) -> str:
        """Write inline image bytes to the media folder, named by their hash; the URI the
        record gets is where the user uploads that folder."""
        name = hashlib.sha256(data).hexdigest()[:32] + (mimetypes.guess_extension(mime) or ".img")
        folder = self.options.media_dir
        if name not in self.options.media_written:
            os.makedirs(folder, exist_ok=True)
            path = os.path.join(folder, name)
            created = not os.path.exists(path)  # named by content: an existing file holds these bytes
            if created:
                write_atomic(path, data)
            self.options.media_written[name] = created
        return prefix.rstrip("/") + "/" + name

    # roles ------------------------------------------------------------------------------
    def system(self, branch: list[Message], writer, losses: list[Loss]) -> None:
        """Leading system messages become one where the target keeps one; a system message
        after the conversation started cannot move where only leading ones go."""
        rules = self.profile.roles
        allowed = rules.allowed
        for m in branch:
            if m.role == "developer" and "developer" not in allowed:
                m.role = "system"
        lead = 0
        while lead < len(branch) and branch[lead].role in SYSTEM_ROLES:
            lead += 1
        late = next((m for m in branch[lead:] if m.role in SYSTEM_ROLES), None)
        if late is not None and (rules.system in ("first", "separate", "none") or writer.system_slots is not None):
            raise NotConvertible("example", f"a system message after the conversation started: {self.name} "
                                            f"({writer.name} records) takes a system prompt only before the first "
                                            "message", late.pointer)
        if not lead:
            return
        keep = min((k for k in (rules.max_system, writer.system_slots) if k is not None), default=None)
        if rules.system == "none" or keep == 0:
            first_user = next((m for m in branch if m.role == "user"), None)
            if first_user is None:
                raise NotConvertible("example", f"{self.name} ({writer.name} records) has no place for a system "
                                                "prompt and this example has no user message to put it in",
                                     branch[0].pointer)
            losses.append(Loss("merged", f"{self.name} ({writer.name} records) has no place for a system prompt: "
                                         "it is put at the start of the first user message", branch[0].pointer))
            first_user.parts.insert(0, Part(text=JOIN.join(m.text for m in branch[:lead]) + JOIN))
            _merge_text(first_user)
            del branch[:lead]
        elif keep is not None and lead > keep:
            losses.append(Loss("merged", f"{self.name} ({writer.name} records) keeps {keep} system prompt: the {lead} "
                                         "leading system messages are joined into one", branch[keep - 1].pointer))
            merged = replace(branch[keep - 1], parts=[Part(text=JOIN.join(m.text for m in branch[keep - 1:lead]))])
            branch[keep - 1:lead] = [merged]

    def order(self, branch: list[Message], writer, losses: list[Loss], conv: Conversation) -> None:
        """Alternation (merge consecutive turns of one side), roles that must not repeat,
        the first role and the last role."""
        rules = self.profile.roles
        answer_branch = branch is conv.chosen or branch is conv.rejected
        if rules.alternate or rules.no_repeat:
            self.merge_runs(branch, writer, losses, rules, answer_branch)
        lead = 0
        while lead < len(branch) and branch[lead].role in SYSTEM_ROLES:
            lead += 1
        if not answer_branch and rules.first is not None and lead < len(branch) and \
                branch[lead].role not in rules.first and branch[lead].role != "tool":
            raise NotConvertible("example", f"{self.name} needs the conversation to start with "
                                            f"{' or '.join(rules.first)}, not {branch[lead].role}",
                                 branch[lead].pointer)
        if rules.last is not None and conv.kind != "preference":
            self.trim_end(branch, rules.last, losses,
                          f"{self.name} needs the conversation to end with {' or '.join(rules.last)}")
        if rules.transitions is not None:
            roles = ["system" if m.role in SYSTEM_ROLES else m.role for m in branch]
            for i in range(1, len(roles)):
                after = rules.transitions.get(roles[i - 1])
                if after is not None and roles[i] not in after:
                    raise NotConvertible("example", f"{self.name} takes no {roles[i]} message after a "
                                                    f"{roles[i - 1]} message", branch[i].pointer)

    def merge_runs(self, branch: list[Message], writer, losses: list[Loss], rules, answer_branch: bool) -> None:
        prompt_side = set(rules.prompt_side) if rules.alternate else set()
        answer_side = set(rules.answer_side) if rules.alternate else set()
        results_as_user = writer.results_in_user_messages
        i = 1
        while i < len(branch):
            a, b = branch[i - 1], branch[i]
            same = a.role == b.role and a.role not in SYSTEM_ROLES and (
                a.role in rules.no_repeat or a.role in prompt_side | answer_side)
            if a.role == "tool" and b.role == "tool":
                same = False  # the results of one batch of calls count as one turn
            if not same and rules.alternate and a.role in prompt_side and b.role in prompt_side \
                    and a.role != b.role and not results_as_user:
                raise NotConvertible("example", f"a {b.role} message right after a {a.role} message: {self.name} "
                                                "needs an assistant message between them", b.pointer)
            if same:
                losses.append(Loss("merged", f"{self.name} takes no two {a.role} messages in a row: this one is "
                                             f"joined to the one before{_weight_note(a, b)}", b.pointer))
                branch[i - 1:i + 1] = [_merged(a, b)]
                continue
            i += 1

    def trim_end(self, branch: list[Message], last: list[str], losses: list[Loss], why: str) -> None:
        end = len(branch)
        while end and branch[end - 1].role not in last:
            end -= 1
        if end == len(branch):
            return
        if not any(m.role == "assistant" for m in branch[:end]):
            raise NotConvertible("example", f"{why}, and this example has no answer before its end",
                                 branch[-1].pointer)
        removed = branch[end:]
        losses.append(Loss("truncated", f"{why}: the last {_count(len(removed), 'message')} "
                                        f"({', '.join(m.role for m in removed)}) are left out", removed[0].pointer))
        del branch[end:]

    # weights ----------------------------------------------------------------------------
    def weights(self, conv: Conversation, writer, losses: list[Loss]) -> None:
        messages = conv.all_messages()
        if not any(m.weight is not None for m in messages):
            return
        rules = self.profile.weight
        if writer.honours_weight(self):
            for m in messages:
                if m.weight is None:
                    continue
                role = "system" if m.role in SYSTEM_ROLES else m.role
                value = m.weight
                fits = value in rules.values and not isinstance(value, bool)
                if role in rules.roles and fits:
                    continue
                default = m.role == "assistant"  # what the target trains without the weight
                if bool(value) != default:
                    why = f"weights {', '.join(map(str, rules.values))} only" if not fits else \
                        f"weights on {', '.join(rules.roles)} messages only"
                    now = "trained" if default else "not trained"
                    losses.append(Loss("weight", f"{self.name} takes {why}: weight {value!r} is dropped, so this "
                                                 f"{m.role} message is {now}", m.pointer))
                m.weight = None
            return
        if conv.kind == "sft":
            self.trim_untrained(conv.messages, losses)
        changed = [m for m in messages if m.weight is not None and m.trained != (m.role == "assistant")]
        if changed:
            now = [m for m in changed if m.role == "assistant"]
            lost = [m for m in changed if m.role != "assistant"]
            how = f" (to keep them out: {rules.how})" if rules.how else ""
            bits = []
            if now:
                bits.append(f"the weight-0 assistant {_plural(len(now), 'message')} at "
                            f"{', '.join(m.pointer for m in now)} will be trained")
            if lost:
                bits.append(f"the weighted {' and '.join(sorted({m.role for m in lost}))} "
                            f"{_plural(len(lost), 'message')} at {', '.join(m.pointer for m in lost)} will not be")
            losses.append(Loss("weight", f"{self.name} ignores per-message weights: {'; '.join(bits)}{how}",
                               changed[0].pointer))
        for m in messages:
            m.weight = None

    def trim_untrained(self, branch: list[Message], losses: list[Loss]) -> None:
        """Answers after the last trained one taught nothing: where weights are ignored they
        would be trained, so they are left out (the example ends on its last trained answer)."""
        last = max((i for i, m in enumerate(branch) if m.role == "assistant" and m.trained), default=None)
        if last is None:
            if any(m.role == "assistant" for m in branch):
                raise NotConvertible("example", f"every answer has weight 0, so the example teaches nothing; "
                                                f"{self.name} ignores weights and would train them all",
                                     next(m.pointer for m in branch if m.role == "assistant"))
            return
        removed = branch[last + 1:]
        if any(m.role == "assistant" for m in removed):
            losses.append(Loss("truncated", f"{self.name} ignores per-message weights: the "
                                            f"{_count(len(removed), 'message')} after the last trained answer "
                                            "(weight 0, never learned) are left out rather than trained",
                               removed[0].pointer))
            del branch[last + 1:]

    # other content ------------------------------------------------------------------------
    def reasoning(self, conv: Conversation, writer, losses: list[Loss]) -> None:
        if writer.carries_reasoning(self):
            return
        for m in conv.all_messages():
            if m.reasoning:
                losses.append(Loss("reasoning", f"{self.name} ({writer.name} records) has no place for reasoning: "
                                                f"the reasoning of this {m.role} message is left out", m.pointer))
                m.reasoning = ""

    def keys(self, conv: Conversation, writer, losses: list[Loss]) -> None:
        """Metadata the output shape does not take: top-level keys, message names and keys."""
        takes = writer.extra_keys(self)
        if conv.extra:
            dropped = [k for k in conv.extra if takes is not None and k not in takes]
            if dropped:
                losses.append(Loss("keys", f"{self.name} ({writer.name} records) takes no "
                                           f"{', '.join(f'`{k}`' for k in dropped)} key: left out",
                                   join_pointer(dropped[0])))
                for k in dropped:
                    del conv.extra[k]
        message_keys = writer.message_keys(self)
        for m in conv.all_messages():
            dropped = [k for k in m.extra if message_keys is not None and k not in message_keys]
            if m.name is not None and message_keys is not None and "name" not in message_keys:
                if m.role != "tool":  # a result's tool name is its call's: nothing is lost
                    dropped.append("name")
                m.name = None
            if dropped:
                losses.append(Loss("keys", f"{self.name} takes no {', '.join(f'`{k}`' for k in dropped)} in a "
                                           "message: left out", m.pointer))
            m.extra = {k: v for k, v in m.extra.items() if k not in dropped}


# -- helpers ----------------------------------------------------------------------------

def _count(n: int, word: str) -> str:
    return f"{n} {word}{'' if n == 1 else 's'}"


def _plural(n: int, word: str) -> str:
    return word if n == 1 else f"{word}s"


def _arguments_object(call: Call, pointer: str, target: str) -> Any:
    args = call.arguments
    if isinstance(args, str):
        try:
            args = orjson.loads(args) if args.strip() else {}
        except orjson.JSONDecodeError:
            raise NotConvertible("tools", f"the arguments of {call.name!r} are not JSON, and {target} takes them as "
                                          "an object", pointer) from None
    if args is None:
        args = {}
    if not isinstance(args, dict):
        raise NotConvertible("tools", f"the arguments of {call.name!r} are a {type(args).__name__}, and {target} "
                                      "takes them as an object", pointer)
    return args


def _merge_text(m: Message) -> None:
    """Adjacent text parts of a message as one (images keep their place)."""
    parts: list[Part] = []
    for p in m.parts:
        if p.text is not None and parts and parts[-1].text is not None:
            parts[-1] = Part(text=parts[-1].text + p.text)
        else:
            parts.append(p)
    m.parts = parts


def _merged(a: Message, b: Message) -> Message:
    parts = list(a.parts)
    if parts and b.parts and parts[-1].text is not None and b.parts[0].text is not None:
        parts[-1] = Part(text=parts[-1].text + JOIN + b.parts[0].text)
        parts += b.parts[1:]
    else:
        parts += b.parts
    weight = a.weight if a.weight == b.weight else (1 if a.trained or b.trained else 0)
    reasoning = JOIN.join(r for r in (a.reasoning, b.reasoning) if r)
    return replace(a, parts=parts, weight=weight, calls=a.calls + b.calls, reasoning=reasoning,
                   extra={**b.extra, **a.extra}, fields=())


def _weight_note(a: Message, b: Message) -> str:
    if a.trained == b.trained:
        return ""
    return "; their weights differ, so the joined message is trained"


def _decode_data_url(url: str, pointer: str) -> tuple[bytes, str]:
    head, _, data = url.partition(",")
    mime = head[5:].split(";")[0] or "image/png"
    try:
        return base64.b64decode(data, validate=False), mime
    except ValueError:
        raise NotConvertible("image", "an image data URL whose base64 does not decode", pointer) from None


_MAGIC = ((b"\x89PNG", "image/png"), (b"\xff\xd8\xff", "image/jpeg"), (b"GIF8", "image/gif"),
          (b"RIFF", "image/webp"))


def _sniff(data: bytes) -> str | None:
    return next((mime for magic, mime in _MAGIC if data.startswith(magic)), None)
