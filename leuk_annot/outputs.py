"""Writing reports: safe file names and all-or-nothing writes (a failed run leaves nothing partial)."""

from __future__ import annotations

import os
import re
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from .errors import OutputError


def safe_file_stem(sample_id: str) -> str:
    """A sample id made safe as a file name (no path separators or shell-hostile characters)."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", sample_id).strip("._")
    return stem or "sample"


def write_atomically(outdir: Path, files: dict[str, str | bytes]) -> None:
    """Write every file to a temporary name, then rename: a failed run leaves nothing partial.

    ``str`` contents are written as UTF-8 text, ``bytes`` (the PDF) as they are.
    """
    with staged(outdir) as stage:
        for name, content in files.items():
            stage.write(name, content)


@contextmanager
def staged(outdir: Path) -> Iterator[Stage]:
    """A ``Stage`` for files of ``outdir``: on a clean exit they are renamed to their own names; on any
    error the temporary files are removed, so a failed run leaves nothing partial."""
    stage = Stage(outdir)
    try:
        yield stage
        stage.commit()
    except OSError as exc:
        stage.discard()
        raise OutputError(f"{outdir}: cannot write the reports: {exc.strerror or exc}") from None
    except BaseException:
        stage.discard()
        raise


class Stage:
    """Output files under temporary names in their final folder (the renames are then atomic)."""

    def __init__(self, outdir: Path):
        self.outdir = outdir
        self._temps: list[tuple[Path, Path]] = []
        self._mode = 0o666 & ~_current_umask()  # mkstemp creates 0600; reports should be readable like any file

    def path(self, name: str) -> Path:
        """The temporary path that becomes ``outdir/name``, created empty, for a writer of its own."""
        self.outdir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=self.outdir)
        os.close(fd)
        self._temps.append((Path(tmp), self.outdir / name))
        os.chmod(tmp, self._mode)
        return Path(tmp)

    def write(self, name: str, content: str | bytes) -> None:
        tmp = self.path(name)
        if isinstance(content, bytes):
            tmp.write_bytes(content)
        else:
            with open(tmp, "w", encoding="utf-8") as handle:
                handle.write(content)

    def commit(self) -> None:
        for tmp, final in self._temps:
            os.replace(tmp, final)
        self._temps = []

    def discard(self) -> None:
        for tmp, _ in self._temps:
            tmp.unlink(missing_ok=True)
        self._temps = []


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
