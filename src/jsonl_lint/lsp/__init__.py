"""The jsonl-lint language server (``jsonl-lint server``)."""
