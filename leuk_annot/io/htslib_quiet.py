"""Capture what htslib writes to stderr while a file is read, and turn it into report warnings.

htslib reports problems on the process's file descriptor 2, bypassing ``sys.stderr``; capturing it
lets a reader turn those messages into warnings or one clear ``InputFormatError`` instead of noise.
"""

from __future__ import annotations

import os
import re
import tempfile
import warnings
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from ..model import SourceRef, Warning

__all__ = ["Stderr", "captured_stderr", "htslib_warnings"]

_MAX_HTSLIB_WARNINGS = 20


class Stderr:
    """Text htslib wrote to file descriptor 2 while the reader held it."""

    def __init__(self, handle=None):
        self._handle = handle

    def text(self) -> str:
        if self._handle is None:
            return ""
        self._handle.seek(0)
        return self._handle.read().decode("utf-8", "replace")

    def size(self) -> int:
        """Bytes captured so far: a mark for ``cut``."""
        return 0 if self._handle is None else os.fstat(self._handle.fileno()).st_size

    def cut(self, mark: int) -> bytes:
        """Take out what was captured after ``mark``, so that a reader working in pieces can put each
        piece's messages back in file order (by writing them to file descriptor 2 again)."""
        if self._handle is None:
            return b""
        self._handle.seek(mark)
        data = self._handle.read()
        self._handle.truncate(mark)
        self._handle.seek(mark)  # (the descriptor htslib writes through shares this offset)
        return data

    def errors(self) -> list[str]:
        return [line for line in self.text().splitlines() if line.startswith("[E::")]


@contextmanager
def captured_stderr() -> Iterator[Stderr]:
    """Point fd 2 at a temporary file (htslib writes there directly, bypassing ``sys.stderr``)."""
    try:
        saved = os.dup(2)
    except OSError:  # no stderr at all: nothing to silence
        yield Stderr()
        return
    with tempfile.TemporaryFile() as handle, warnings.catch_warnings():
        # cyvcf2 also warns in Python, e.g. "no intervals found" for an empty region.
        warnings.simplefilter("ignore")
        os.dup2(handle.fileno(), 2)
        try:
            yield Stderr(handle)
        finally:
            os.dup2(saved, 2)
            os.close(saved)


def htslib_warnings(path: Path, text: str) -> list[Warning]:
    """Turn htslib's warnings into report warnings, once per distinct message."""
    seen: dict[str, None] = {}
    for line in text.splitlines():
        match = re.match(r"\[[WE]::[^\]]*\]\s*(.*)", line)
        if match:
            seen.setdefault(match.group(1).split(" (Quick workaround")[0], None)
    messages = list(seen)
    result = [Warning(f"htslib: {m}", SourceRef(str(path))) for m in messages[:_MAX_HTSLIB_WARNINGS]]
    if len(messages) > _MAX_HTSLIB_WARNINGS:
        extra = len(messages) - _MAX_HTSLIB_WARNINGS
        result.append(Warning(f"htslib: {extra} further distinct messages", SourceRef(str(path))))
    return result
