"""Print the HTML report to PDF with headless Debian Chromium (annotate --pdf).

The PDF is rendered from a private temporary copy of the HTML and returned as bytes, so the
caller writes it together with the other reports (all or nothing). Chromium runs with the
background-networking switches off: the report fetches nothing, and neither should the browser.
"""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

from ..errors import OutputError

CHROMIUM_NAMES = ("chromium", "chromium-browser")
DEFAULT_CHROMIUM = Path("/usr/bin/chromium")  # Debian's package path
TIMEOUT_SECONDS = 120
CHROMIUM_FLAGS = (
    "--headless",
    "--no-sandbox",  # runs as root in containers and CI
    "--disable-gpu",
    "--no-pdf-header-footer",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
)
INSTALL_HINT = "install Debian's chromium package (apt-get install chromium), or run without --pdf"


def find_chromium() -> Path:
    """The Chromium executable, or OutputError saying how to get one."""
    for name in CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return Path(found)
    if DEFAULT_CHROMIUM.is_file():
        return DEFAULT_CHROMIUM
    raise OutputError(f"--pdf needs Chromium, which was not found on PATH or at {DEFAULT_CHROMIUM}: {INSTALL_HINT}")


def html_to_pdf(html: str, chromium: Path | None = None, *, timeout: float = TIMEOUT_SECONDS) -> bytes:
    """Render ``html`` (a self-contained page) to PDF bytes; OutputError when Chromium fails."""
    exe = chromium if chromium is not None else find_chromium()
    with tempfile.TemporaryDirectory(prefix="leuk-annot-pdf-") as tmp:
        tmpdir = Path(tmp)
        page = tmpdir / "report.html"
        out = tmpdir / "report.pdf"
        page.write_text(html, encoding="utf-8")
        command = [
            str(exe),
            *CHROMIUM_FLAGS,
            f"--user-data-dir={tmpdir / 'profile'}",
            f"--print-to-pdf={out}",
            page.as_uri(),
        ]
        try:
            proc = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        except FileNotFoundError:
            raise OutputError(f"--pdf: cannot run {exe}: {INSTALL_HINT}") from None
        except subprocess.TimeoutExpired:
            raise OutputError(f"--pdf: {exe} did not finish printing within {timeout:g} s") from None
        data = out.read_bytes() if out.is_file() else b""
        if proc.returncode != 0 or not data.startswith(b"%PDF"):
            detail = (proc.stderr or proc.stdout or "").strip().splitlines()[-1:] or ["no output"]
            raise OutputError(f"--pdf: {exe} failed to print the report (exit {proc.returncode}): {detail[0]}")
        return data
