"""jsonl-lint: a linter for JSONL fine-tuning datasets.

Public API, used by the CLI, the pre-commit hook, the language server and tests:

- :func:`lint_paths` lints files and folders as one dataset and returns a :class:`Report`.
- :func:`lint_text` lints an in-memory dataset and returns diagnostics.

The names are imported on first use, so ``jsonl-lint --version`` and ``--help`` (and any
submodule imported alone) do not load the engine.
"""

__version__ = "0.1.0"
__all__ = ["lint_paths", "lint_text", "Report", "Diagnostic", "Finding", "Fix", "Edit", "Severity", "Settings",
           "ConfigError", "load_settings", "Engine", "__version__"]

_HOMES = {"ConfigError": "config", "Settings": "config", "load_settings": "config",
          "Diagnostic": "diagnostics", "Finding": "diagnostics", "Fix": "diagnostics", "Edit": "diagnostics",
          "Severity": "diagnostics", "Engine": "engine", "Report": "engine", "lint_paths": "engine",
          "lint_text": "engine"}


def __getattr__(name: str):
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    from importlib import import_module

    value = getattr(import_module(f"{__name__}.{home}"), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(__all__))
