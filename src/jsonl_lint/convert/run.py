"""A whole conversion run: inputs streamed, outputs written atomically.

Outputs are written to temporary files in their own folders and renamed into place at
the end, so a failed or ``--strict`` run leaves no partial file; the inputs are only
read, and an output path that is an input is refused before anything is read.
"""

from __future__ import annotations

import os
from collections import Counter
from dataclasses import dataclass

import orjson

from ..config import ConfigError, Settings
from ..engine import FileSummary, Report
from ..fixer import AtomicFile, write_atomic
from . import ConvertReport, Converter, convert_records, in_validation, same_path
from .plan import Options
from .shapes import TARGETS
from .sidecars import Features, axolotl_config, llama_factory_entry, llama_factory_info


@dataclass
class Request:
    """What the user asked for."""

    paths: list[str]
    target: str
    output: str
    force_format: str | None = None
    strict: bool = False
    split_validation: float | None = None  # the share of records moved to a validation file
    seed: int = 0
    validation_output: str | None = None
    media_uri: str | None = None
    line_map: bool = True


def outputs_of(req: Request) -> dict[str, str]:
    """Every path the run may write, by role."""
    stem, ext = _split_ext(req.output)
    out = {"train": req.output, "map": f"{stem}.map.tsv"}
    if req.split_validation and not TARGETS.get(req.target, {}).get("split-column"):
        out["validation"] = req.validation_output or f"{stem}.validation{ext}"
    return out


def _split_ext(path: str) -> tuple[str, str]:
    for ext in (".jsonl", ".ndjson", ".json"):
        if path.endswith(ext):
            return path[: -len(ext)], ext
    return path, ".jsonl"


def convert(req: Request, settings: Settings) -> ConvertReport:
    from ..targets import resolve_target

    rt = resolve_target(req.target, settings)
    outputs = outputs_of(req)
    for role, out in outputs.items():
        for path in req.paths:
            if path != "-" and os.path.exists(out) and same_path(out, path):
                raise ConfigError(f"{out}: the {role} output would overwrite an input; write elsewhere")
    media_dir = f"{_split_ext(req.output)[0]}.media" if req.media_uri else None
    options = Options(media_uri=req.media_uri, media_dir=media_dir)
    converter = Converter(rt, settings, options, req.force_format)
    engine = converter.check.engine
    for path in outputs.values():
        os.makedirs(os.path.dirname(os.path.abspath(path)), exist_ok=True)
    temps = {role: AtomicFile(path) for role, path in outputs.items() if role != "map" or req.line_map}
    if "map" in temps:
        temps["map"].write(b"output\toutput_line\tinput\tinput_line\tinput_record\n")
    summaries: dict[str, FileSummary] = {}
    diagnostics = []
    result = ConvertReport(Report([], [], settings))
    lines = {"train": 0, "validation": 0}
    features = Features()
    split_column = TARGETS.get(req.target, {}).get("split-column")  # (train value, validation value)
    try:
        for path in req.paths:
            summaries[path] = FileSummary(path, "train")
        current = None
        for record, converted in convert_records(converter, req.paths, settings):
            if record.path != current:
                current = record.path
                options.base_dir = os.path.dirname(os.path.abspath(current))
            summary = summaries[record.path]
            summary.records += 1
            if record.format is not None:
                summary.formats[record.format] += 1
            elif not record.parsed:
                summary.invalid += 1
            result.records += 1
            for kind, finding in converted.findings:
                diagnostics.append(engine.diagnostic(kind, finding, record))
                result.losses[kind.code] += 1
            if converted.output is None:
                continue
            line = orjson.dumps(converted.output) + b"\n"
            role = "validation" if req.split_validation and in_validation(line, req.split_validation, req.seed) \
                else "train"
            file = role
            if req.split_validation and split_column:  # the target marks the split in a column
                converted.output["split"] = split_column[role == "validation"]
                line, file = orjson.dumps(converted.output) + b"\n", "train"
            temps[file].write(line)
            lines[file] += 1
            result.validation += role == "validation"
            features.add(converted.output)
            result.written += 1
            if "map" in temps:
                temps["map"].write(f"{outputs[file]}\t{lines[file]}\t{record.path}\t{record.line}\t"
                                   f"{record.ref.index + 1}\n".encode())
        result.by_kind = Counter(converter.counts)
        sidecars = _sidecars(req, converter, outputs, features)
        report = Report(sorted(diagnostics, key=lambda d: d.sort_key()), list(summaries.values()), settings,
                        severities={})
        result.report = report
        if req.strict and diagnostics:
            _discard(temps, options)
            return result
        for role, temp in temps.items():
            temp.commit()
            result.outputs.append(outputs[role])
        for path, text in sidecars.items():
            write_atomic(path, text.encode("utf-8"))
            result.outputs.append(path)
        if options.media_written:
            result.outputs.append(f"{media_dir}/ ({len(options.media_written)} images to upload to {req.media_uri})")
        return result
    except BaseException:
        _discard(temps, options)
        raise


def _sidecars(req: Request, converter: Converter, outputs: dict, features: Features) -> dict[str, str]:
    kind = TARGETS.get(req.target, {}).get("sidecar")
    shape = converter.shape
    if kind is None or shape is None:
        return {}
    folder = os.path.dirname(os.path.abspath(req.output))
    if kind == "llama-factory":
        entries = {}
        for role in ("train", "validation"):
            if role in outputs:
                name = os.path.basename(_split_ext(outputs[role])[0])
                entries[name] = llama_factory_entry(shape, os.path.relpath(os.path.abspath(outputs[role]), folder),
                                                    features)
        path = os.path.join(folder, "dataset_info.json")
        try:
            return {path: llama_factory_info(path, entries)}
        except ValueError as exc:
            raise ConfigError(str(exc)) from None
    path = f"{_split_ext(req.output)[0]}.axolotl.yml"
    return {path: axolotl_config(shape, outputs["train"], outputs.get("validation"), features)}


def _discard(temps: dict[str, AtomicFile], options: Options) -> None:
    for temp in temps.values():
        temp.discard()
    for name, created in options.media_written.items():
        if created:
            try:
                os.unlink(os.path.join(options.media_dir, name))
            except OSError:
                pass
