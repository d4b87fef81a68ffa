"""`leuk-annot db update-civic`: the real CIViC export served by a local HTTP server, and every failure mode."""

from __future__ import annotations

import functools
import gzip
import hashlib
import http.server
import json
import re
import socket
import threading
import time
from contextlib import contextmanager
from pathlib import Path

import pytest
import yaml
from conftest import CASES, REAL_DATA

from leuk_annot import cli
from leuk_annot.errors import ExitStatus
from leuk_annot.knowledge import load_knowledge
from leuk_annot.knowledge.civic import LEVEL_MAP, parse_export, select

CIVIC_DIR = REAL_DATA / "knowledge" / "civic"
EXPORT = "civic_01-Dec-2022_accepted_evidence_with_variants.tsv.gz"
DEMO = CASES / "demo"


@contextmanager
def serve(handler):
    """An HTTP server on 127.0.0.1 (a free port) in a thread; stopped when the block ends."""
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    server.daemon_threads = True
    server.block_on_close = False
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_address[1]}"
    finally:
        server.shutdown()
        server.server_close()
        thread.join(5)


class _Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep the test output clean
        pass


def _files_handler():
    return functools.partial(_Quiet, directory=str(CIVIC_DIR))


def _fixed_handler(status: int, body: bytes, delay: float = 0.0, content_type: str = "text/plain"):
    class Handler(_Quiet):
        def do_GET(self):
            time.sleep(delay)
            try:
                self.send_response(status)
                self.send_header("Content-Type", content_type)
                self.send_header("Content-Length", str(len(body)))
                self.end_headers()
                self.wfile.write(body)
            except OSError:  # the client gave up first (the timeout case)
                pass

    return Handler


@pytest.fixture(autouse=True)
def _no_proxy(monkeypatch):
    """Local servers are reached directly even where a proxy is configured."""
    for name in ("HTTP_PROXY", "HTTPS_PROXY", "http_proxy", "https_proxy", "ALL_PROXY", "all_proxy"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("NO_PROXY", "127.0.0.1,localhost")


def run(argv, capsys):
    status = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


@pytest.fixture(scope="module")
def overlay(tmp_path_factory, real_data):
    """One successful update from the real 01-Dec-2022 export; returns (out dir, stdout)."""
    out = tmp_path_factory.mktemp("civic") / "leuk-annot-db-civic"
    with serve(_files_handler()) as base:
        status = cli.main(["db", "update-civic", "--url", f"{base}/{EXPORT}", "--out", str(out), "--timeout", "10"])
    assert status == ExitStatus.OK
    return out


def _snapshot(folder: Path) -> dict[str, bytes]:
    return {p.relative_to(folder).as_posix(): p.read_bytes() for p in sorted(folder.rglob("*")) if p.is_file()}


def _overlay_doc(out: Path) -> dict:
    return yaml.safe_load((out / "civic_overlay.yaml").read_text(encoding="utf-8"))


def test_overlay_is_a_complete_loadable_database(overlay):
    kb = load_knowledge(overlay)
    bundled = load_knowledge()
    by_id = {t.id: t for t in kb.therapies}
    assert {t.id for t in bundled.therapies} < set(by_id), "the curated links are kept"
    civic = [t for t in kb.therapies if t.id.startswith("T-CIVIC-EID")]
    assert civic and len(kb.therapies) == len(bundled.therapies) + len(civic)
    # PRPS1 S103T (EID7907, relapse thiopurine resistance) and BCR::ABL dasatinib (EID4436, ALL)
    prps1 = by_id["T-CIVIC-EID7907"]
    assert prps1.applies_to == {"variant": {"gene": "PRPS1", "protein": ["p.S103T"]}}
    assert {(a.agent, a.response) for a in prps1.agents} == {("thioguanine", "resistance"),
                                                             ("mercaptopurine", "resistance")}
    bcr_abl = by_id["T-CIVIC-EID4436"]
    assert bcr_abl.applies_to == {"fusion": "BCR::ABL1"}  # CIViC's "BCR::ABL" under ABL1
    assert [(a.agent, a.response) for a in bcr_abl.agents] == [("dasatinib", "sensitivity")]
    assert bcr_abl.evidence_level == LEVEL_MAP["C"] and bcr_abl.tier == "II"
    assert by_id["T-CIVIC-EID7241"].agents[0].response == "resistance"  # SNX2::ABL1, dasatinib
    cite = kb.citations["civic_eid7907"]
    assert cite.pmid == "25962120" and not cite.verified
    assert cite.url == "https://civicdb.org/links/evidence_items/7907"


def test_only_supported_all_items_are_kept(overlay):
    doc = _overlay_doc(overlay)
    ids = {t["id"] for t in doc["therapies"]}
    assert "T-CIVIC-EID11" not in ids  # DNMT3A R882 in AML: not ALL
    assert "T-CIVIC-EID633" not in ids  # NT5C2 R367Q nelarabine: "Does Not Support"
    assert "T-CIVIC-EID7254" not in ids  # SNX2::ABL1 imatinib: "Reduced Sensitivity"
    assert "T-CIVIC-EID7007" not in ids  # GOLGA5::JAK2: GOLGA5 is not in genes.tsv
    skipped = doc["source"]["counts"]["skipped"]
    assert skipped["direction Does Not Support"] > 0 and skipped["disease not ALL"] > 1000
    combo = next(t for t in doc["therapies"] if t["id"] == "T-CIVIC-EID7208")
    assert "in combination: Dexamethasone + Dasatinib + Vincristine" in combo["context"]


def test_manifest_version_provenance_and_changelog(overlay):
    manifest = yaml.safe_load((overlay / "manifest.yaml").read_text(encoding="utf-8"))
    bundled = yaml.safe_load((Path(load_knowledge().path) / "manifest.yaml").read_text(encoding="utf-8"))
    prov = manifest["overlay"]
    stamp = prov["downloaded"][:10].replace("-", "")
    assert manifest["version"] == f"{bundled['version']}+civic.{stamp}"
    assert load_knowledge(overlay).version == manifest["version"]
    assert manifest["files"]["therapies_overlay"] == "civic_overlay.yaml"
    assert prov["source_url"].endswith(EXPORT) and prov["source_url"].startswith("http://127.0.0.1:")
    assert prov["sha256"] == hashlib.sha256((CIVIC_DIR / EXPORT).read_bytes()).hexdigest()
    assert prov["counts"]["rows"] == 1943 and prov["counts"]["therapy_links"] == len(_overlay_doc(overlay)["therapies"])
    changelog = (overlay / "CHANGELOG.md").read_text(encoding="utf-8")
    assert f"## {manifest['version']} (content sha256: " in changelog


def test_db_check_accepts_the_overlay(overlay, capsys):
    status, out, err = run(["db", "check", overlay], capsys)
    assert status == ExitStatus.OK, err
    assert "+civic." in out


def test_annotate_with_the_overlay_shows_civic_links_and_version(overlay, tmp_path, capsys):
    status, _, err = run([DEMO / "DEMO_REL.vcf", "--fusions", DEMO / "DEMO_REL.fusions.tsv", "--db", overlay,
                          "-o", tmp_path], capsys)
    assert status == ExitStatus.OK, err
    doc = json.loads(next(tmp_path.glob("*.leuk-annot.json")).read_text())
    version = load_knowledge(overlay).version
    assert doc["provenance"]["annotation_db_version"] == version
    ids = {t["id"] for t in doc["therapies"]}
    assert "T-CIVIC-EID4436" in ids  # BCR::ABL1 in the demo
    assert "T-BCR_ABL1-TKI-A" in ids  # curated links still there
    assert version in next(tmp_path.glob("*.leuk-annot.html")).read_text()


def test_rerun_replaces_the_previous_overlay(overlay, tmp_path, capsys):
    out = tmp_path / "db"
    with serve(_files_handler()) as base:
        for _ in range(2):
            status, _, err = run(["db", "update-civic", "--url", f"{base}/{EXPORT}", "--out", out, "--db", overlay],
                                 capsys)
            assert status == ExitStatus.OK, err
    manifest = yaml.safe_load((out / "manifest.yaml").read_text())
    assert manifest["version"].count("+civic.") == 1
    assert sum(1 for s in manifest["sources"] if s["id"] == "civic") == 1
    assert (out / "CHANGELOG.md").read_text().count("+civic.") == 1
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")], "no temporary directory left"


def _gz(text: str) -> bytes:
    return gzip.compress(text.encode())


FAILURES = {
    "404": (lambda: _files_handler(), "/missing.tsv", ExitStatus.NETWORK_ERROR, r"HTTP 404"),
    "500": (lambda: _fixed_handler(500, b"oops"), "/x.tsv", ExitStatus.NETWORK_ERROR, r"HTTP 500"),
    "timeout": (lambda: _fixed_handler(200, b"late", delay=2.0), "/x.tsv", ExitStatus.NETWORK_ERROR,
                r"no response within 0\.5 s"),
    "html": (lambda: _fixed_handler(200, b"<!DOCTYPE html><html><body>CIViC</body></html>", content_type="text/html"),
             "/x.tsv", ExitStatus.INPUT_ERROR, r"x\.tsv:1: looks like an HTML/XML page"),
    "columns": (lambda: _fixed_handler(200, _gz("gene\tvariant\tdisease\nABL1\tT315I\tALL\n")), "/x.tsv.gz",
                ExitStatus.INPUT_ERROR, r"x\.tsv\.gz:1: missing CIViC column\(s\): evidence_id"),
    "bad gzip": (lambda: _fixed_handler(200, b"\x1f\x8b\x08\x00 truncated"), "/x.tsv.gz", ExitStatus.INPUT_ERROR,
                 r"not a valid gzip file"),
}


@pytest.fixture(scope="module")
def previous(overlay):
    return _snapshot(overlay)


@pytest.mark.parametrize("case", sorted(FAILURES))
def test_failures_give_one_error_and_keep_the_previous_overlay(case, overlay, previous, capsys):
    make_handler, path, expected, message = FAILURES[case]
    with serve(make_handler()) as base:
        status, out, err = run(["db", "update-civic", "--url", base + path, "--out", overlay, "--timeout", "0.5"],
                               capsys)
    assert status == expected
    lines = err.strip().splitlines()
    assert len(lines) == 2 and lines[0].startswith("leuk-annot: downloading"), err
    assert lines[1].startswith("leuk-annot: error: http://127.0.0.1:")
    assert re.search(message, lines[1]), lines[1]
    assert _snapshot(overlay) == previous
    assert not [p for p in overlay.parent.iterdir() if p.name.startswith(".")], "no temporary directory left"


def test_connection_refused(overlay, previous, capsys):
    with socket.socket() as sock:  # a port nothing listens on
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    status, _, err = run(["db", "update-civic", "--url", f"http://127.0.0.1:{port}/x.tsv", "--out", overlay,
                          "--timeout", "2"], capsys)
    assert status == ExitStatus.NETWORK_ERROR
    assert err.strip().splitlines()[-1].startswith(f"leuk-annot: error: http://127.0.0.1:{port}/x.tsv: cannot connect")
    assert _snapshot(overlay) == previous


def test_refuses_to_replace_a_directory_that_is_not_an_overlay(tmp_path, capsys):
    precious = tmp_path / "mine"
    precious.mkdir()
    (precious / "notes.txt").write_text("keep me")
    with serve(_files_handler()) as base:
        status, _, err = run(["db", "update-civic", "--url", f"{base}/{EXPORT}", "--out", precious], capsys)
    assert status == ExitStatus.OUTPUT_ERROR
    assert "is not a CIViC overlay database; refusing to replace it" in err
    assert _snapshot(precious) == {"notes.txt": b"keep me"}


def test_bad_timeout_is_a_usage_error(capsys):
    status, _, err = run(["db", "update-civic", "--timeout", "0"], capsys)
    assert status == ExitStatus.USAGE and "not a positive number of seconds" in err


def test_civic_v2_layout_is_read(kb):
    """CIViC's 2023+ columns (molecular_profile, therapies, significance), one row per item."""
    header = ("molecular_profile\tmolecular_profile_id\tdisease\tdoid\tphenotypes\ttherapies\t"
              "therapy_interaction_type\tevidence_type\tevidence_direction\tevidence_level\tsignificance\t"
              "evidence_statement\tcitation_id\tsource_type\tasco_abstract_id\tcitation\tnct_ids\trating\t"
              "evidence_status\tevidence_id\tvariant_origin\tlast_review_date\tevidence_civic_url\t"
              "molecular_profile_civic_url\tis_flagged")
    rows = [
        "BCR::ABL1 Fusion\t1\tB-lymphoblastic Leukemia/lymphoma\t80630\t\tImatinib,Dasatinib\tSubstitutes\t"
        "Predictive\tSupports\tB\tSensitivity/Response\ts\t123456\tPubMed\t\tA et al.\t\t3\taccepted\t1\tSomatic\t"
        "2024-01-02 10:00:00 UTC\thttps://civicdb.org/links/evidence_items/1\tu\tFalse",
        "IKZF1 Deletion\t2\tAcute Lymphoblastic Leukemia\t9952\t\t\t\tPrognostic\tSupports\tB\tPoor Outcome\ts\t"
        "234567\tPubMed\t\tB et al.\t\t3\taccepted\t2\tSomatic\t2024-01-02\thttps://civicdb.org/links/evidence_items/2\t"
        "u\tFalse",
        "ABL1 T315I AND BCR::ABL1 Fusion\t3\tAcute Lymphoblastic Leukemia\t9952\t\tPonatinib\t\tPredictive\t"
        "Supports\tA\tSensitivity/Response\ts\t345678\tPubMed\t\tC\t\t3\taccepted\t3\tSomatic\t2024-01-02\tx\tu\tFalse",
    ]
    data = gzip.compress(("\n".join([header, *rows]) + "\n").encode())
    head, parsed = parse_export(data, "v2.tsv.gz")
    sel = select(head, parsed, kb, "2026-01-01")
    assert [t["applies_to"] for t in sel.therapies] == [{"fusion": "BCR::ABL1"}]
    assert sel.therapies[0]["evidence_level"] == "B" and sel.therapies[0]["last_reviewed"] == "2024-01-02"
    assert [e["applies_to"] for e in sel.other_evidence] == [{"deletion": {"gene": "IKZF1"}}]
    assert sel.skipped == {"compound molecular profile": 1}
