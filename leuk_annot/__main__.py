"""`python -m leuk_annot` runs the command-line interface."""

from .cli import run

run()
