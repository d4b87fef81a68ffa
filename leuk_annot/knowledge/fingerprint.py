"""A content fingerprint of annotation_db, so a content change cannot ship without a new version.

The fingerprint covers every file except manifest.yaml and CHANGELOG.md; the changelog heading of
the current version records it (``## 2026.11.0 (content sha256: ...)``). A test compares the two,
so editing data forces a new changelog heading, and with it a version bump.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

_EXCLUDED = {"manifest.yaml", "CHANGELOG.md"}


def content_fingerprint(db_dir: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(p for p in db_dir.rglob("*") if p.is_file()):
        relative = path.relative_to(db_dir).as_posix()
        if relative in _EXCLUDED or "__pycache__" in relative:
            continue
        digest.update(relative.encode() + b"\0" + path.read_bytes() + b"\0")
    return digest.hexdigest()


def changelog_fingerprints(changelog: Path) -> dict[str, str]:
    """Version -> recorded fingerprint, from ``## VERSION (content sha256: HEX)`` headings."""
    pattern = re.compile(r"^## (\S+) \(content sha256: ([0-9a-f]{64})\)", re.M)
    return {m.group(1): m.group(2) for m in pattern.finditer(changelog.read_text(encoding="utf-8"))}
