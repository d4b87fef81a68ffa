"""Build a CIViC overlay database: download CIViC's evidence TSV, keep the ALL items, write a complete db.

Only ``leuk-annot db update-civic`` uses the network, through this module; annotation never does.

Parsing the export and mapping its rows to therapy links is in ``civic_map.py`` (re-exported here).
"""

from __future__ import annotations

import datetime as dt
import hashlib
import os
import re
import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from ..errors import NetworkError, OutputError
from .civic_map import (
    ALL_DISEASE_RE,
    ALL_DOIDS,
    EVIDENCE_TYPES,
    LEVEL_MAP,
    LEVEL_NAMES,
    RESPONSES,
    Selection,
    is_all_disease,
    parse_export,
    select,
)

__all__ = [
    "ALL_DISEASE_RE", "ALL_DOIDS", "DEFAULT_URL", "EVIDENCE_TYPES", "LEVEL_MAP", "LEVEL_NAMES", "MAX_BYTES",
    "OVERLAY_FILE", "RESPONSES", "Download", "Selection", "build_overlay", "download", "is_all_disease",
    "parse_export", "select", "update_civic",
]

DEFAULT_URL = "https://civicdb.org/downloads/nightly/nightly-ClinicalEvidenceSummaries.tsv"
OVERLAY_FILE = "civic_overlay.yaml"
MAX_BYTES = 500 * 1024 * 1024  # the 2024 export is ~10 MB; anything this big is not the evidence TSV


@dataclass
class Download:
    url: str
    data: bytes
    sha256: str
    when: dt.datetime


def download(url: str, timeout: float) -> Download:
    """Fetch ``url`` into memory; every network failure is one NetworkError naming the URL."""
    import requests

    when = dt.datetime.now(dt.timezone.utc)
    try:
        with requests.get(url, timeout=timeout, stream=True) as response:
            if response.status_code >= 400:
                raise NetworkError(f"{url}: HTTP {response.status_code} {response.reason or ''}".rstrip())
            chunks, size = [], 0
            for chunk in response.iter_content(chunk_size=1 << 16):
                size += len(chunk)
                if size > MAX_BYTES:
                    raise NetworkError(f"{url}: download larger than {MAX_BYTES // 2**20} MB; not a CIViC export")
                chunks.append(chunk)
    except requests.Timeout:
        raise NetworkError(f"{url}: no response within {timeout:g} s (try a larger --timeout)") from None
    except requests.ConnectionError as exc:
        raise NetworkError(f"{url}: cannot connect ({_reason(exc)})") from None
    except requests.RequestException as exc:
        raise NetworkError(f"{url}: download failed ({_reason(exc)})") from None
    data = b"".join(chunks)
    return Download(url, data, hashlib.sha256(data).hexdigest(), when)


def _reason(exc: Exception) -> str:
    text = str(exc.args[0] if exc.args else exc)
    match = re.search(r"\[Errno -?\d+\] ([^')\]]+)", text)
    return match.group(1) if match else text[:200]


# ---------------------------------------------------------------------------------------------------
# Writing the overlay database

def build_overlay(download_: Download, out: Path, base: Path | None = None) -> dict[str, Any]:
    """Write a complete database at ``out`` = ``base`` (default: the bundled db) + the CIViC overlay.

    Everything is written to a temporary directory beside ``out``, validated by loading it, then
    renamed into place; on any failure ``out`` is left as it was. Returns the overlay provenance.
    """
    import yaml

    from . import _load_cached, load_knowledge
    from .fingerprint import content_fingerprint
    from .resources import default_db_dir

    base = Path(base) if base is not None else default_db_dir()
    _check_replaceable(out)
    base_kb = load_knowledge(base)
    header, rows = parse_export(download_.data, download_.url)
    today = download_.when.date().isoformat()
    sel = select(header, rows, base_kb, today, download_.url)
    out.parent.mkdir(parents=True, exist_ok=True)
    tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", suffix=".tmp", dir=out.parent))
    try:
        manifest = _copy_base(base, tmp)
        base_version = manifest.get("overlay", {}).get("base_version", manifest["version"])
        version = f"{base_version}+civic.{download_.when:%Y%m%d}"
        provenance = {
            "source": "CIViC accepted clinical evidence export (CC0)",
            "source_url": download_.url,
            "downloaded": download_.when.isoformat(timespec="seconds"),
            "sha256": download_.sha256,
            "bytes": len(download_.data),
            "layout": sel.layout,
            "base_version": base_version,
            "counts": {
                "rows": sel.rows, "evidence_items": sel.items, "therapy_links": len(sel.therapies),
                "other_evidence": len(sel.other_evidence), "citations": len(sel.citations),
                "skipped": dict(sorted(sel.skipped.items())),
            },
        }
        overlay = {"source": provenance, "level_mapping": LEVEL_MAP, "citations": sel.citations,
                   "therapies": sel.therapies, "other_evidence": sel.other_evidence}
        _write(tmp / OVERLAY_FILE, _OVERLAY_HEADER + yaml.safe_dump(overlay, sort_keys=False, allow_unicode=True,
                                                                   width=120))
        manifest.update(version=version, released=today)
        manifest["files"]["therapies_overlay"] = OVERLAY_FILE
        manifest["overlay"] = provenance
        manifest.setdefault("sources", []).append(
            {"id": "civic", "note": f"CIViC evidence overlay ({OVERLAY_FILE}) from {download_.url}, "
                                    f"downloaded {provenance['downloaded']}; imported, not curated"})
        _write(tmp / "manifest.yaml", _MANIFEST_HEADER + yaml.safe_dump(manifest, sort_keys=False, width=120))
        _prepend_changelog(tmp / "CHANGELOG.md", version, content_fingerprint(tmp), provenance)
        load_knowledge(tmp, full_check=True)  # schema + cross-file checks of the result before it replaces anything
        _replace_dir(tmp, out)
    except BaseException:
        shutil.rmtree(tmp, ignore_errors=True)
        raise
    finally:
        _load_cached.cache_clear()  # the temporary path, and any stale copy of ``out``
    return provenance


_OVERLAY_HEADER = """\
# CIViC overlay written by `leuk-annot db update-civic`; do not edit (rerun the update instead).
# therapies/citations follow therapies.yaml/citations.yaml; other_evidence (prognostic, diagnostic)
# is recorded for review and not used by annotation. Levels: CIViC -> AMP/ASCO/CAP (level_mapping).
"""
_MANIFEST_HEADER = """\
# Manifest of a CIViC overlay database written by `leuk-annot db update-civic` (see `overlay:`).
"""


def _write(path: Path, text: str) -> None:
    try:
        path.write_text(text, encoding="utf-8")
    except OSError as exc:
        raise OutputError(f"{path}: cannot write: {exc.strerror or exc}") from None


def _copy_base(base: Path, tmp: Path) -> dict:
    """Copy the base database into ``tmp`` (without any previous overlay); return its manifest."""
    from . import _yaml

    manifest = _yaml(base / "manifest.yaml")
    old_overlay = manifest["files"].pop("therapies_overlay", None)
    ignore = shutil.ignore_patterns("__pycache__", *([old_overlay] if old_overlay else []))
    try:
        shutil.copytree(base, tmp, ignore=ignore, dirs_exist_ok=True)
    except (OSError, shutil.Error) as exc:
        raise OutputError(f"{tmp}: cannot copy the base database {base}: {exc}") from None
    if old_overlay:
        manifest["sources"] = [s for s in manifest.get("sources", []) if s.get("id") != "civic"]
        changelog = tmp / "CHANGELOG.md"
        changelog.write_text(_drop_first_heading(changelog.read_text(encoding="utf-8")), encoding="utf-8")
    return manifest


def _drop_first_heading(text: str) -> str:
    """Remove the topmost ``## `` section (the previous overlay's) from a changelog."""
    return re.sub(r"^## [^\n]*\+civic\.[^\n]*\n(?:(?!## )[^\n]*\n)*", "", text, count=1, flags=re.M)


def _prepend_changelog(path: Path, version: str, fingerprint: str, prov: dict) -> None:
    counts = prov["counts"]
    entry = (f"## {version} (content sha256: {fingerprint})\n"
             f"- {OVERLAY_FILE}: {counts['therapy_links']} therapy links (T-CIVIC-EID*) and "
             f"{counts['other_evidence']} prognostic/diagnostic items from CIViC ({prov['source_url']}, downloaded "
             f"{prov['downloaded']}, sha256 {prov['sha256']}), on top of {prov['base_version']}.\n\n")
    text = path.read_text(encoding="utf-8") if path.is_file() else "# annotation_db changelog\n\n"
    at = text.find("\n## ")
    text = text + "\n" + entry if at < 0 else text[:at + 1] + entry + text[at + 1:]
    _write(path, text)


def _check_replaceable(out: Path) -> None:
    """Refuse to replace anything but an earlier overlay database (never a user's other directory)."""
    if not out.exists():
        return
    if not out.is_dir():
        raise OutputError(f"{out}: exists and is not a directory; choose another --out")
    if not any(out.iterdir()):
        return
    manifest = out / "manifest.yaml"
    if not (manifest.is_file() and "therapies_overlay" in manifest.read_text(encoding="utf-8", errors="replace")):
        raise OutputError(f"{out}: exists and is not a CIViC overlay database; refusing to replace it "
                          "(choose another --out)")


def _replace_dir(tmp: Path, out: Path) -> None:
    """Swap ``tmp`` into ``out``; an existing ``out`` is kept until the new one is in place."""
    old = out.with_name(f".{out.name}.old-{os.getpid()}")
    try:
        if out.exists():
            os.replace(out, old)
        try:
            os.replace(tmp, out)
        except OSError:
            if old.exists():
                os.replace(old, out)
            raise
    except OSError as exc:
        raise OutputError(f"{out}: cannot put the new database in place: {exc.strerror or exc}") from None
    shutil.rmtree(old, ignore_errors=True)
    os.chmod(out, 0o777 & ~_umask())  # mkdtemp made it 0700


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def update_civic(url: str, out: Path, timeout: float, base: Path | None = None) -> dict[str, Any]:
    """Download CIViC's export from ``url`` and write the overlay database at ``out``."""
    return build_overlay(download(url, timeout), Path(out), base)
