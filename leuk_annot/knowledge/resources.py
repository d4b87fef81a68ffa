"""Where the bundled annotation_db/ and report_templates/ live (wheel copy, else repo checkout)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE_DIR = Path(__file__).resolve().parent.parent


def _find(name: str) -> Path:
    for candidate in (_PACKAGE_DIR / "_data" / name, _PACKAGE_DIR.parent / name):
        if candidate.is_dir():
            return candidate
    return _PACKAGE_DIR.parent / name  # reported as missing by the caller


def default_db_dir() -> Path:
    return _find("annotation_db")


def default_templates_dir() -> Path:
    return _find("report_templates")
