"""``jsonl-lint mcp``: the linter as Model Context Protocol tools for coding agents (the
``mcp`` extra: ``pip install 'jsonl-lint[mcp]'``)."""
