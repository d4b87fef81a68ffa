"""SHA-256 of each input file for the report's provenance, made on another core while the readers work.

A small module of its own, so the command line can start hashing before it imports anything heavy.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from functools import partial
from pathlib import Path

from .forked import Forked

__all__ = ["Checksums", "sha256_file"]


def sha256_file(path: Path) -> str:
    """The file's SHA-256."""
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _regular_file_digests(paths: list[Path]) -> dict[Path, str | None]:
    """SHA-256 of each regular file (a pipe is left alone: reading it would take the reader's data)."""
    digests: dict[Path, str | None] = {}
    for path in paths:
        try:
            digests[path] = sha256_file(path) if path.is_file() else None
        except OSError:  # unreadable: the reader reports that
            digests[path] = None
    return digests


class Checksums:
    """SHA-256 of each input, computed in a child process while the readers parse.

    Hashing a whole-genome VCF costs about as much CPU as reading its gene regions; on a second core
    it comes nearly free. A digest the child could not make (no fork on this platform, an unreadable
    file, a stopped child) is made in the caller when asked for.
    """

    @classmethod
    def of(cls, inputs) -> Checksums:
        """The checksums of every file an ``api.SampleInputs`` names that the readers hash."""
        paths = [inputs.vcf, inputs.germline, *inputs.fusions, *inputs.sv, *inputs.cnv]
        return cls(Path(p) for p in paths if p is not None)

    def __init__(self, paths: Iterable[Path]):
        self._child = Forked(partial(_regular_file_digests, list(paths)))
        self._digests: dict[Path, str | None] | None = None

    def digest(self, path: Path) -> str:
        if self._digests is None:
            self._digests = self._child.result() or {}
        return self._digests.get(path) or sha256_file(path)

    def stop(self) -> None:
        """Abandon hashing (the run is over, or failed)."""
        self._child.cancel()
