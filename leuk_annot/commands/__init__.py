"""Subcommands: one module each, with ``register(subparsers, common)`` adding its parser and handler.

Modules here import heavy libraries inside their handlers only, so building the parser stays fast.
"""

COMMANDS = ("annotate", "compare", "cohort", "db", "formats")
"""Subcommand names, each a module ``leuk_annot.commands.<name>`` (in --help order)."""
