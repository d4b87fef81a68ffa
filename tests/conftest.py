"""Shared fixtures: repository paths, the shipped knowledge base, and the --update-golden switch."""

from __future__ import annotations

import os
import shutil
import tempfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
TEST_DATA = REPO / "test_data"
CASES = TEST_DATA / "cases"
SHARED = REPO.parent / "shared"
REAL_DATA = SHARED / "real_data"

# leuk-annot's caches (compiled templates, parsed knowledge-base YAML: leuk_annot/user_cache.py) go to a
# folder of this test session, not the user's ~/.cache: the suite writes entries for edited copies of
# the knowledge base and templates, and its results must not depend on what an earlier run left.
# (Set at import, before any test or subprocess reads it; tests that need their own point it elsewhere.)
_SESSION_CACHE = tempfile.mkdtemp(prefix="leuk-annot-test-cache-")
os.environ["XDG_CACHE_HOME"] = _SESSION_CACHE


def pytest_unconfigure(config):
    shutil.rmtree(_SESSION_CACHE, ignore_errors=True)


def pytest_addoption(parser):
    parser.addoption("--update-golden", action="store_true",
                     help="rewrite tests/golden/ from the current output (explain every diff in the commit)")


@pytest.fixture(scope="session")
def update_golden(request) -> bool:
    return request.config.getoption("--update-golden")


@pytest.fixture(scope="session")
def kb():
    from leuk_annot.knowledge import load_knowledge

    return load_knowledge()


@pytest.fixture()
def db_copy(tmp_path) -> Path:
    """A copy of the shipped annotation_db that a test may edit (``edit_yaml``)."""
    target = tmp_path / "db"
    shutil.copytree(REPO / "annotation_db", target)
    return target


def edit_yaml(path: Path, edit):
    """Load the YAML document at ``path``, let ``edit`` change it in place, write it back; return it."""
    import yaml

    doc = yaml.safe_load(path.read_text())
    edit(doc)
    path.write_text(yaml.safe_dump(doc, sort_keys=False))
    return doc


@pytest.fixture(scope="session")
def real_data() -> Path:
    """The shared third-party files; CI has shared/ beside the clone, so absence is a failure."""
    if not REAL_DATA.is_dir():
        pytest.fail(f"shared real data not found at {REAL_DATA}: clone the project beside shared/")
    return REAL_DATA


def read_table(path: Path, columns: list[str]) -> list[dict[str, str]]:
    """A knowledge-base TSV as dict rows, asserting its header and that no row is ragged."""
    import csv

    with open(path, newline="", encoding="utf-8") as handle:
        reader = csv.DictReader(handle, delimiter="\t")
        assert reader.fieldnames == columns
        data = list(reader)
    for row in data:
        assert None not in row and all(v is not None for v in row.values()), row
    return data


def require_shared(path: Path) -> Path:
    """Shared third-party files are part of CI's checkout: a missing one fails, it never skips."""
    if not path.exists():
        pytest.fail(f"{path} not found: clone the project beside shared/ (see README)")
    return path
