"""Input checksums are made in a child process while the readers work; they must be the file's own.
Also the child-process helpers themselves (``leuk_annot.forked``): results, failures, cancellation,
tickets shared between a parent and its child."""

from __future__ import annotations

import hashlib
import os
import signal
import time

import pytest

from leuk_annot.checksums import Checksums
from leuk_annot.forked import CAN_FORK, Forked, Tickets

needs_fork = pytest.mark.skipif(not CAN_FORK, reason="fork is used on Linux only; elsewhere the work stays in-process")


def test_checksums_are_the_sha256_of_each_file(tmp_path):
    files = []
    for i, size in enumerate((0, 10, 3 << 20)):
        path = tmp_path / f"input{i}"
        path.write_bytes(os.urandom(size))
        files.append(path)
    checksums = Checksums(files)
    try:
        for path in files:
            assert checksums.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()
    finally:
        checksums.stop()


def test_a_stopped_child_leaves_the_digest_to_the_caller(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(os.urandom(3 << 20))
    checksums = Checksums([path])
    checksums.stop()
    assert checksums.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()


@needs_fork
def test_a_pipe_is_left_to_its_reader(tmp_path):
    """Only regular files are hashed: reading a FIFO would take the data from the reader (and block)."""
    fifo = tmp_path / "calls.fifo"
    os.mkfifo(fifo)
    checksums = Checksums([fifo])
    assert checksums._child.result() == {fifo: None}  # returned at once: it never opened the pipe


@needs_fork
def test_the_child_runs_in_another_process_and_returns_its_value():
    child = Forked(lambda: (os.getpid(), [1, 2, 3]))
    pid, value = child.result()
    assert pid != os.getpid() and value == [1, 2, 3]
    assert child.finished() and child.result() == (pid, [1, 2, 3])  # asked again: the same answer


@needs_fork
def test_a_task_done_for_its_side_effect_reports_that_it_finished(tmp_path):
    child = Forked(lambda: (tmp_path / "written").write_text("page") and None)
    assert child.finished() and child.result() is None
    assert (tmp_path / "written").read_text() == "page"


@needs_fork
def test_a_failing_or_killed_child_gives_none_so_the_caller_does_the_work():
    def fail():
        raise ValueError("bad line")

    assert Forked(fail).result() is None
    assert not Forked(fail).finished()
    assert Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)).result() is None
    assert not Forked(lambda: os.kill(os.getpid(), signal.SIGKILL)).finished()
    assert Forked(lambda: lambda: None).result() is None  # an unpicklable result
    child = Forked(lambda: os.pause())  # would wait for ever
    pid = child._pid
    child.cancel()  # the parent no longer needs it: killed and reaped
    assert child.result() is None and not child.finished()
    with pytest.raises(ChildProcessError):
        os.waitpid(pid, os.WNOHANG)  # no such child any more (not even a zombie)


def test_tickets_are_handed_out_once_each_in_order():
    with Tickets(5) as tickets:
        taken = iter(tickets)
        assert [next(taken), next(taken)] == [0, 1]
        assert list(tickets) == [2, 3, 4]  # what is left, then nothing: no read blocks
        assert list(tickets) == []
    with Tickets(0) as tickets:
        assert list(tickets) == []
    with pytest.raises(ValueError):
        Tickets(257)


@needs_fork
def test_a_parent_and_its_child_share_tickets_without_taking_one_twice():
    with Tickets(256) as tickets:
        child = Forked(lambda: [n for n in tickets if not time.sleep(0.0005)])
        mine = [n for n in tickets if not time.sleep(0.0005)]
        theirs = child.result()
    assert theirs and mine  # both took some (each waits a little per ticket)
    assert sorted(mine + theirs) == list(range(256))  # every ticket exactly once
    assert mine == sorted(mine) and theirs == sorted(theirs)  # each in the order handed out


def test_variants_sent_back_from_a_child_keep_every_field():
    """Variants and their sources pickle as their field values (model._pickled_as_values)."""
    import dataclasses
    import pickle

    from leuk_annot.model import SourceRef, Variant

    source = SourceRef("in.vcf.gz", 12, "chr9:130872896 C>T")
    variant = Variant("9", 130872896, "C", "T", source, "LowQual", "ABL1", ("missense_variant",), "c.944C>T",
                      "p.Thr315Ile", "ENST00000318560.6", 0.4, 100, 40, "vep", "TUMOR")
    assert all(getattr(variant, f.name) != f.default for f in dataclasses.fields(Variant))  # none left at default
    back = pickle.loads(pickle.dumps([variant, variant], protocol=pickle.HIGHEST_PROTOCOL))
    assert back == [variant, variant] and back[0] is back[1]  # (shared objects stay shared)
    assert type(back[0].source) is SourceRef and back[0].source == source
    assert variant.__reduce__() == (Variant, tuple(getattr(variant, f.name) for f in dataclasses.fields(Variant)))


@needs_fork
def test_a_child_killed_half_way_leaves_no_temporary_file(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path))

    def write_then_wait():
        handle, name = tempfile.mkstemp(prefix="leuk-annot-", suffix=".vcf")
        os.write(handle, b"##fileformat=VCFv4.2\n")
        os.pause()  # killed here, before it could remove its file

    child = Forked(write_then_wait)
    deadline = time.monotonic() + 10
    while not list(tmp_path.rglob("leuk-annot-*.vcf")) and time.monotonic() < deadline:
        time.sleep(0.01)
    assert list(tmp_path.rglob("leuk-annot-*.vcf"))  # the child made its file, in a folder of its own ...
    child.cancel()
    assert list(tmp_path.iterdir()) == []  # ... which went with it
    finished = Forked(lambda: tempfile.mkstemp()[1])
    assert finished.result() is not None and list(tmp_path.iterdir()) == []  # (after a normal end too)


@needs_fork
def test_without_a_writable_temporary_folder_no_child_is_started(tmp_path, monkeypatch):
    import tempfile

    monkeypatch.setattr(tempfile, "tempdir", str(tmp_path / "missing"))
    child = Forked(lambda: os.getpid())
    assert child.result() is None and not child.finished()  # the caller does the work itself
