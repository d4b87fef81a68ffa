"""A content fingerprint of annotation_db, so a content change cannot ship without a new version.

The fingerprint covers every file except CHANGELOG.md (the manifest too: it says which file plays
which part); the changelog heading of the current version records it
(``## 2026.11.0 (content sha256: ...)``). A test compares the two, so editing data forces a new
changelog heading, and with it a version bump. A heading is written only for content that passed
the full validation (the release tests for the bundled database, ``db update-civic`` for an
overlay), so content that still matches its heading need not be schema-checked again on each load.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

_EXCLUDED = {"CHANGELOG.md"}


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


def matches_recorded_version(db_dir: Path, version: object) -> bool:
    """The database holds, byte for byte, the content its changelog records for ``version``."""
    changelog = db_dir / "CHANGELOG.md"
    if not isinstance(version, str) or not changelog.is_file():
        return False
    return changelog_fingerprints(changelog).get(version) == content_fingerprint(db_dir)
