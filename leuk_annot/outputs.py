"""Writing reports: safe file names and all-or-nothing writes (a failed run leaves nothing partial)."""

from __future__ import annotations

import os
import re
import tempfile
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
    temps: list[tuple[Path, Path]] = []
    mode = 0o666 & ~_current_umask()  # mkstemp creates 0600; reports should be readable like any file
    try:
        outdir.mkdir(parents=True, exist_ok=True)
        for name, text in files.items():
            fd, tmp = tempfile.mkstemp(prefix=f".{name}.", suffix=".tmp", dir=outdir)
            temps.append((Path(tmp), outdir / name))
            if isinstance(text, bytes):
                with os.fdopen(fd, "wb") as handle:
                    handle.write(text)
            else:
                with os.fdopen(fd, "w", encoding="utf-8") as handle:
                    handle.write(text)
            os.chmod(tmp, mode)
        for tmp, final in temps:
            os.replace(tmp, final)
    except OSError as exc:
        for tmp, _ in temps:
            tmp.unlink(missing_ok=True)
        raise OutputError(f"{outdir}: cannot write the reports: {exc.strerror or exc}") from None


def _current_umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask
