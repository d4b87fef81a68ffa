"""What leuk-annot keeps between runs, under ``$XDG_CACHE_HOME/leuk-annot`` (default ``~/.cache``).

Only ever to save time: every entry is keyed by what it was made from, and a cache that cannot be
made, read or written costs that time again, never a result.
"""

from __future__ import annotations

import os
import tempfile
from pathlib import Path

__all__ = ["cache_dir", "load", "store"]


def cache_dir(kind: str) -> Path:
    """The folder of one kind of entry (``templates``, ``yaml``)."""
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "leuk-annot" / kind


def load(kind: str, key: str) -> bytes | None:
    """The entry stored under ``key``, or None."""
    try:
        return (cache_dir(kind) / key).read_bytes()
    except OSError:
        return None


def store(kind: str, key: str, data: bytes) -> None:
    """Keep ``data`` under ``key``; written whole (a temporary file renamed), or not at all."""
    directory = cache_dir(kind)
    try:
        directory.mkdir(parents=True, exist_ok=True)
        handle, name = tempfile.mkstemp(dir=directory, prefix=f".{key}.")
        try:
            with os.fdopen(handle, "wb") as out:
                out.write(data)
            os.replace(name, directory / key)
        except BaseException:
            os.unlink(name)
            raise
    except OSError:
        pass
