from __future__ import annotations

import os
import re

from ...diagnostics import Severity
from ...rule import Context, RecordRule
from ..schema._messages import messages
from ._shared import finding, role_of, roles_phrase, targets

_DATA_URL = re.compile(r"^data:image/([A-Za-z0-9.+-]+);base64,", re.I)
_EXTENSION = re.compile(r"\.([A-Za-z0-9]{2,5})(?:[?#].*)?$")
FORMAT_NAMES = {"jpg": "jpeg", "jpeg": "jpeg", "png": "png", "webp": "webp", "gif": "gif"}
UNCONFIRMED_BY = {"format": "formats", "size": "max-bytes", "roles": "roles", "source": "sources", "form": "form"}
SOURCE_NAMES = {"http": "an HTTP(S) URL", "data": "a base64 data URL", "s3": "an S3 URI", "gs": "a gs:// URI",
                "path": "a local path"}


def images(record):
    """(pointer, role, url or None, form) for every image of a record's messages; form is
    "object" ({"url": ...}), "string" (a bare string) or "any" (other shapes)."""
    for pointer, msg, dialect in messages(record):
        content = msg.get(dialect.content_key)
        if not isinstance(content, list):
            continue
        role = role_of(msg, dialect)
        for i, part in enumerate(content):
            if not isinstance(part, dict):
                continue
            at = f"{pointer}/{dialect.content_key}/{i}"
            value = part.get("image_url")
            if isinstance(value, dict):
                yield at, role, value.get("url") if isinstance(value.get("url"), str) else None, "object"
            elif isinstance(value, str):
                yield at, role, value, "string"
            elif isinstance(part.get("fileData"), dict):  # Vertex: {"fileData": {"mimeType", "fileUri"}}
                uri = part["fileData"].get("fileUri")
                yield at, role, uri if isinstance(uri, str) else None, "any"
            elif part.get("type") in ("image", "input_image") or isinstance(part.get("image"), (dict, str)):
                image = part.get("image")
                uri = image if isinstance(image, str) else None
                if isinstance(image, dict):
                    s3 = (image.get("source") or {}).get("s3Location") if isinstance(image.get("source"), dict) else None
                    uri = s3.get("uri") if isinstance(s3, dict) else None
                yield at, role, uri, "any"


def source_of(url: str) -> str:
    lower = url[:8].lower()
    if lower.startswith(("http://", "https://")):
        return "http"
    if lower.startswith("data:"):
        return "data"
    if lower.startswith("s3://"):
        return "s3"
    if lower.startswith("gs://"):
        return "gs"
    return "path"


def format_of(url: str, source: str) -> str | None:
    m = _DATA_URL.match(url) if source == "data" else _EXTENSION.search(url)
    return FORMAT_NAMES.get(m.group(1).lower(), m.group(1).lower()) if m else None


def size_of(url: str, source: str, base: str) -> int | None:
    """Bytes of inline base64 data, or of a local file next to the dataset."""
    if source == "data":
        data = url[url.find(",") + 1:]
        return len(data) * 3 // 4 - data[-2:].count("=")
    if source == "path":
        path = url[7:] if url.startswith("file://") else url
        path = path if os.path.isabs(path) else os.path.join(base, path)
        try:
            return os.path.getsize(path)
        except OSError:
            return None
    return None


class TargetImages(RecordRule):
    """Reports images a target cannot take: their source, form, number, size, format and role.

    ## What it does
    For every target of `--target`, each image content part is checked against the
    profile: whether the target (or its chosen model) takes images at all, where the
    image may live (Together and Fireworks take base64 data URLs only, Bedrock an S3
    URI, Vertex gs:// or https), whether `image_url` is OpenAI's `{"url": ...}` object
    or Mistral's bare string, the roles that may carry images (user only, almost
    everywhere), the number per example and per message, the size of inline base64 data
    or of a local file next to the dataset, and the image format (from the data URL's
    media type or the file extension).

    ## Why it matters for fine-tuning
    An image URL the target cannot fetch fails the job ("Raw HTTP/HTTPS URLs are NOT
    supported" on Fireworks) or, worse, the example trains without its image.

    ## Example
    With `--target together`:
    ```jsonl
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "https://example.com/cat.png"}}]}, {"role": "assistant", "content": "A cat."}]}
    ```

    ## Use instead
    ```jsonl
    {"messages": [{"role": "user", "content": [{"type": "text", "text": "What is this?"}, {"type": "image_url", "image_url": {"url": "data:image/png;base64,iVBORw0KGgo="}}]}, {"role": "assistant", "content": "A cat."}]}
    ```
    """

    code = "JL905"
    needs_target = True
    name = "target-images"
    summary = "Image is not in a form, place, size or number the target takes"
    severity = Severity.ERROR
    example_settings = {"target": ["together"]}

    def check(self, record, ctx: Context):
        if not targets(ctx):
            return  # no target in the run (the default): nothing to look at
        found = list(images(record))
        if not found:
            return
        base = os.path.dirname(os.path.abspath(record.ref.path)) if record.ref.path else ""
        for rt in targets(ctx):
            rules = rt.profile.images
            how = rules.on_violation
            if not rt.images_supported:
                model = f" with {rt.model.name}" if rt.model is not None and rt.model.images is False else ""
                yield finding(rt, how, f"takes no images{model}", pointer=found[0][0])
                continue
            reported: set[str] = set()
            doubtful = set(rules.unconfirmed)
            per_message: dict[str, int] = {}
            for pointer, role, url, form in found:
                problems = []
                if role not in rules.roles and "roles" not in reported:
                    problems.append(("roles", f"images only in {roles_phrase(rules.roles)} messages, not {role}"))
                if rules.form != "any" and form != "any" and form != rules.form and "form" not in reported:
                    want = 'a string (`"image_url": "..."`)' if rules.form == "string" else \
                        'an object (`"image_url": {"url": ...}`)'
                    problems.append(("form", f"`image_url` must be {want}"))
                if url is not None:
                    source = source_of(url)
                    if source not in rules.sources and "source" not in reported:
                        takes = " or ".join(SOURCE_NAMES[s] for s in rules.sources)
                        problems.append(("source", f"takes images as {takes} only; this one is {SOURCE_NAMES[source]}"))
                    fmt = format_of(url, source)
                    if rules.formats is not None and fmt is not None and fmt not in rules.formats \
                            and "format" not in reported:
                        problems.append(("format", f"takes {', '.join(rules.formats)} images, not {fmt}"))
                    size = size_of(url, source, base) if rules.max_bytes else None
                    if size is not None and size > rules.max_bytes and "size" not in reported:
                        problems.append(("size", f"takes images up to {rules.max_bytes / 1048576:g} MB; this one is "
                                                 f"{size / 1048576:.1f} MB"))
                message = pointer.rsplit("/", 2)[0]
                per_message[message] = per_message.get(message, 0) + 1
                for kind, text in problems:
                    reported.add(kind)
                    yield finding(rt, how, text, pointer=pointer, confirmed=UNCONFIRMED_BY.get(kind) not in doubtful)
            if rules.max_per_example is not None and len(found) > rules.max_per_example:
                yield finding(rt, how, f"takes at most {rules.max_per_example} images per example; this one has "
                                       f"{len(found)}", pointer=found[0][0], confirmed="max-per-example" not in doubtful)
            crowded = next((m for m, n in per_message.items() if rules.max_per_message and n > rules.max_per_message),
                           None)
            if crowded is not None:
                yield finding(rt, how, f"takes at most {rules.max_per_message} images per message; this one has "
                                       f"{per_message[crowded]}", pointer=crowded)
