"""Built-in rules, one module per rule, grouped by code band:

file/ JL0xx file, encoding and JSON syntax · schema/ JL1xx schema and structure ·
size/ JL2xx · duplicates/ JL3xx · consistency/ JL4xx · volatile/ JL5xx ·
tokens/ JL6xx · secrets/ JL7xx · hygiene/ JL8xx.
"""


def get_rules():
    """Entry point of the ``jsonl_lint.rules`` group (built-ins use it like plugins)."""
    from ..registry import builtin_rules

    return list(builtin_rules())
