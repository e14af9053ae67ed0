"""Subcommands: each module defines ``register(subparsers)`` and a ``run(args, out, err)``."""
