"""jsonl-lint: a linter for JSONL fine-tuning datasets.

Public API, used by the CLI, the pre-commit hook, the language server and tests:

- :func:`lint_paths` lints files and folders as one dataset and returns a :class:`Report`.
- :func:`lint_text` lints an in-memory dataset and returns diagnostics.
"""

from .config import ConfigError, Settings, load_settings
from .diagnostics import Diagnostic, Finding, Fix, Edit, Severity
from .engine import Engine, Report, lint_paths, lint_text

__version__ = "0.1.0"
__all__ = ["lint_paths", "lint_text", "Report", "Diagnostic", "Finding", "Fix", "Edit", "Severity", "Settings",
           "ConfigError", "load_settings", "Engine", "__version__"]
