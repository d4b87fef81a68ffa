"""Every registered reader brings fixtures, and dispatch through the registry fails clearly."""

import pytest
from conftest import TEST_DATA

from leuk_annot.errors import UnknownFormatError
from leuk_annot.io import CNV_READERS, FUSION_READERS, SV_READERS, VARIANT_READERS, read_fusions

FIXTURE_DIRS = {("variants", "vcf"): TEST_DATA / "vcf", ("sv", "sv-vcf"): TEST_DATA / "sv"}


@pytest.mark.parametrize("kind, fmt", [("variants", f) for f in sorted(VARIANT_READERS)]
                         + [("fusions", f) for f in sorted(FUSION_READERS)]
                         + [("sv", f) for f in sorted(SV_READERS)]
                         + [("cnv", f) for f in sorted(CNV_READERS)])
def test_every_reader_has_fixtures(kind, fmt):
    folder = FIXTURE_DIRS.get((kind, fmt), TEST_DATA / kind / fmt)
    files = [p for p in folder.glob("*") if p.is_file() and p.name != "README.md"] if folder.is_dir() else []
    assert files, f"reader {fmt!r} has no fixtures in {folder}"


def test_unknown_format_lists_the_registered_ones(tmp_path):
    path = tmp_path / "x.tsv"
    path.write_text("gene5\tgene3\nBCR\tABL1\n")
    with pytest.raises(UnknownFormatError, match=r"unknown format 'nope'.*choose one of: arriba, cicero, .*tsv"):
        read_fusions(path, "nope")
