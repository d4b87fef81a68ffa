"""Command-line behaviour: every exit code, its one-line message, and no partial output on failure."""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys

import pytest
from conftest import CASES

from leuk_annot import __version__, cli
from leuk_annot.errors import ExitStatus

DEMO_VCF = CASES / "demo" / "DEMO_REL.vcf"
DEMO_FUSIONS = CASES / "demo" / "DEMO_REL.fusions.tsv"


def run(argv, capsys):
    status = cli.main([str(a) for a in argv])
    captured = capsys.readouterr()
    return status, captured.out, captured.err


def test_version_is_bare(capsys):
    status, out, _ = run(["--version"], capsys)
    assert status == 0 and out.strip() == __version__


def test_python_dash_m_runs_the_cli():
    proc = subprocess.run([sys.executable, "-m", "leuk_annot", "--version"], capture_output=True, text=True)
    assert proc.returncode == 0 and proc.stdout.strip() == __version__


def test_demo_writes_the_reports(tmp_path, capsys):
    status, _, err = run([DEMO_VCF, "--fusions", DEMO_FUSIONS, "-o", tmp_path], capsys)
    assert status == ExitStatus.OK, err
    names = sorted(p.name for p in tmp_path.iterdir())
    assert names == ["DEMO_REL_T.leuk-annot.html", "DEMO_REL_T.leuk-annot.json", "DEMO_REL_T.leuk-annot.tsv",
                     "DEMO_REL_T.leuk-annot_mqc.tsv"]
    doc = json.loads((tmp_path / "DEMO_REL_T.leuk-annot.json").read_text())
    assert doc["subtypes"][0]["rule_id"] == "R-BALL-BCR_ABL1-01"
    mode = (tmp_path / "DEMO_REL_T.leuk-annot.html").stat().st_mode & 0o777
    assert mode & 0o044 == 0o044, f"reports must be group/world-readable under the default umask, got {oct(mode)}"


def test_reports_are_the_same_when_no_child_process_can_help(tmp_path, capsys, monkeypatch):
    """The page is written by a child process where fork works; without one (or when it fails) the
    parent writes it, and every report comes out the same."""
    from leuk_annot import forked

    argv = [DEMO_VCF, "--fusions", DEMO_FUSIONS, "--sample-id", "S1"]
    assert run([*argv, "-o", tmp_path / "forked"], capsys)[0] == ExitStatus.OK
    monkeypatch.setattr(forked, "CAN_FORK", False)
    assert run([*argv, "-o", tmp_path / "alone"], capsys)[0] == ExitStatus.OK

    def reports(folder):
        texts = {p.name: p.read_text(encoding="utf-8") for p in sorted(folder.iterdir())}
        return {name: re.sub(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\dZ", "TIME", text) for name, text in texts.items()}

    forked_reports, alone_reports = reports(tmp_path / "forked"), reports(tmp_path / "alone")
    assert len(forked_reports) == 4 and forked_reports == alone_reports
    assert forked_reports["S1.leuk-annot.html"].rstrip().endswith("</html>")


def test_sample_id_is_made_safe_for_file_names(tmp_path, capsys):
    status, _, err = run([DEMO_VCF, "--sample-id", "../P 1/<x>", "-o", tmp_path], capsys)
    assert status == ExitStatus.OK, err
    assert [p.name for p in tmp_path.iterdir() if p.suffix == ".json"] == ["P_1_x.leuk-annot.json"]


def test_no_input_is_a_usage_error(tmp_path, capsys):
    status, _, err = run(["annotate", "-o", tmp_path], capsys)
    assert status == ExitStatus.USAGE
    assert "give a VCF, fusion calls" in err


def test_unknown_option_is_a_usage_error(capsys):
    status, _, err = run([DEMO_VCF, "--no-such-option"], capsys)
    assert status == ExitStatus.USAGE and "unrecognized arguments" in err


def test_missing_input_file(tmp_path, capsys):
    status, _, err = run([tmp_path / "absent.vcf", "-o", tmp_path / "out"], capsys)
    assert status == ExitStatus.INPUT_NOT_FOUND
    assert "absent.vcf: file not found" in err
    assert not (tmp_path / "out").exists()


def test_malformed_fusion_table_names_file_and_line(tmp_path, capsys):
    bad = tmp_path / "bad.tsv"
    bad.write_text("sample\tscore\nS1\t3\n")
    status, _, err = run(["--fusions", bad, "-o", tmp_path / "out"], capsys)
    assert status in (ExitStatus.INPUT_ERROR, ExitStatus.UNKNOWN_FORMAT)
    assert "bad.tsv:" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_vcf_passed_as_fusions_is_recognised(tmp_path, capsys):
    status, _, err = run(["--fusions", DEMO_VCF, "-o", tmp_path / "out"], capsys)
    assert status == ExitStatus.UNKNOWN_FORMAT
    assert "VCF" in err


def test_malformed_vcf_is_an_input_error(tmp_path, capsys):
    bad = tmp_path / "bad.vcf"
    bad.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n1\tabc\t.\tA\tC\t.\tPASS\t.\n")
    status, _, err = run([bad, "--genome", "GRCh38", "-o", tmp_path / "out"], capsys)
    assert status == ExitStatus.INPUT_ERROR, err
    assert "bad.vcf" in err and "Traceback" not in err
    assert not (tmp_path / "out").exists()


def test_undeterminable_build_asks_for_genome(tmp_path, capsys):
    vcf = tmp_path / "nobuild.vcf"
    vcf.write_text("##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n9\t130872896\t.\tC\tT\t.\tPASS\t.\n")
    status, _, err = run([vcf, "-o", tmp_path / "out"], capsys)
    assert status == ExitStatus.BUILD_ERROR
    assert "--genome" in err
    assert not (tmp_path / "out").exists()


def test_bad_database_is_a_db_error(tmp_path, capsys):
    status, _, err = run([DEMO_VCF, "--db", tmp_path, "-o", tmp_path / "out"], capsys)
    assert status == ExitStatus.DB_ERROR
    assert "manifest.yaml missing" in err


def test_unwritable_output_is_an_output_error(tmp_path, capsys):
    blocker = tmp_path / "file"
    blocker.write_text("not a directory")
    status, _, err = run([DEMO_VCF, "-o", blocker / "sub"], capsys)
    assert status == ExitStatus.OUTPUT_ERROR
    assert "cannot write the reports" in err


def test_failure_while_writing_leaves_no_partial_report(tmp_path, capsys, monkeypatch):
    from leuk_annot import outputs

    real_replace = outputs.os.replace
    calls = []

    def failing_replace(src, dst):
        calls.append(dst)
        if len(calls) == 2:
            raise OSError(28, "No space left on device")
        return real_replace(src, dst)

    monkeypatch.setattr(outputs.os, "replace", failing_replace)
    status, _, err = run([DEMO_VCF, "-o", tmp_path], capsys)
    assert status == ExitStatus.OUTPUT_ERROR
    leftovers = [p.name for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert leftovers == []


def test_internal_error_is_one_line_without_traceback(tmp_path, capsys, monkeypatch):
    import leuk_annot.api

    def boom(*args, **kwargs):
        raise RuntimeError("unexpected")

    monkeypatch.setattr(leuk_annot.api, "annotate", boom)
    status, _, err = run([DEMO_VCF, "-o", tmp_path], capsys)
    assert status == ExitStatus.ERROR
    assert "internal error: RuntimeError: unexpected" in err and "Traceback" not in err


def test_debug_shows_the_traceback(tmp_path, monkeypatch):
    with pytest.raises(Exception, match="file not found"):
        cli.main([str(tmp_path / "absent.vcf"), "--debug", "-o", str(tmp_path)])


def test_interrupt_has_its_own_status(tmp_path, capsys, monkeypatch):
    import leuk_annot.api

    def interrupted(*args, **kwargs):
        raise KeyboardInterrupt

    monkeypatch.setattr(leuk_annot.api, "annotate", interrupted)
    status, _, _ = run([DEMO_VCF, "-o", tmp_path], capsys)
    assert status == ExitStatus.INTERRUPTED


def test_exit_codes_avoid_workflow_retry_codes():
    for status in ExitStatus:
        assert status.value not in (104, 175) and not 130 <= status.value <= 145


def test_db_check_and_info(capsys):
    status, out, _ = run(["db", "check"], capsys)
    assert status == 0 and out.startswith("OK: ")
    status, out, _ = run(["db", "info"], capsys)
    assert status == 0 and "version:" in out


def test_db_check_of_a_broken_database_fails(tmp_path, capsys):
    status, _, err = run(["db", "check", tmp_path], capsys)
    assert status == ExitStatus.DB_ERROR and "manifest.yaml missing" in err


def test_formats_lists_the_registered_readers(capsys):
    status, out, _ = run(["formats"], capsys)
    assert status == 0
    assert "variants\tvcf" in out and "fusions\ttsv" in out


def test_sv_vcf_passed_as_the_small_variant_input_is_named(capsys, tmp_path):
    status, _, err = run([CASES / ".." / "sv" / "manta_somatic.grch38.vcf", "-o", tmp_path / "out"], capsys)
    assert status == ExitStatus.UNKNOWN_FORMAT
    assert "structural-variant VCF" in err and "--sv" in err


def test_fusion_table_passed_as_sv_is_named(capsys, tmp_path):
    status, _, err = run(["--sv", DEMO_FUSIONS, "-o", tmp_path / "out"], capsys)
    assert status in (ExitStatus.UNKNOWN_FORMAT, ExitStatus.INPUT_ERROR)
    assert "--fusions" in err and not (tmp_path / "out").exists()


def test_copy_number_from_the_other_build_is_refused(tmp_path, capsys):
    seg = tmp_path / "grch37.seg"
    seg.write_text("ID\tchrom\tloc.start\tloc.end\tnum.mark\tseg.mean\nS1\t1\t1\t249250621\t100\t0.0\n")
    status, _, err = run(["--cnv", seg, "--genome", "GRCh38", "-o", tmp_path / "out"], capsys)
    assert status == ExitStatus.BUILD_ERROR
    assert "grch37.seg:2: segment 1:1-249250621 ends beyond chromosome 1 of GRCh38" in err and "fits GRCh37" in err
    assert not (tmp_path / "out").exists()


def test_the_program_ends_with_main_s_status_and_everything_said(tmp_path, capsys):
    """``cli.run`` (``python -m leuk_annot`` and the ``leuk-annot`` script) ends the process at once
    after ``main``: its exit status, and all it wrote to a pipe, must still come through."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONUNBUFFERED"}  # a pipe: output held in a buffer
    absent = [str(tmp_path / "absent.vcf"), "-o", str(tmp_path / "out")]
    program = subprocess.run([sys.executable, "-m", "leuk_annot", *absent], capture_output=True, text=True, env=env)
    assert program.returncode == ExitStatus.INPUT_NOT_FOUND == cli.main(absent)
    assert program.stderr == capsys.readouterr().err and "absent.vcf" in program.stderr
    program = subprocess.run([sys.executable, "-m", "leuk_annot", "annotate", "--help"], capture_output=True, text=True,
                             env=env)
    assert cli.main(["annotate", "--help"]) == program.returncode == 0
    assert program.stdout == capsys.readouterr().out and len(program.stdout) > 2000  # all of it, not a first block


def test_a_directory_or_a_pipe_as_input_is_refused_before_anything_opens_it(tmp_path, capsys):
    folder = tmp_path / "calls"
    folder.mkdir()
    status, _, err = run([folder, "-o", tmp_path / "out"], capsys)
    assert status == ExitStatus.INPUT_NOT_FOUND and "is a directory, not a file" in err
    if hasattr(os, "mkfifo"):
        pipe = tmp_path / "stream.vcf"
        os.mkfifo(pipe)  # opening it would block this test for ever: it must not be opened
        status, _, err = run([DEMO_VCF, "--fusions", pipe, "-o", tmp_path / "out"], capsys)
        assert status == ExitStatus.INPUT_NOT_FOUND and "stream.vcf" in err and "a pipe" in err
    assert not (tmp_path / "out").exists()
