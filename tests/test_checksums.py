"""Input checksums are made in a child process while the readers work; they must be the file's own.
Also the child-process helper itself (``leuk_annot.forked``): results, failures, cancellation."""

from __future__ import annotations

import hashlib
import os
import signal

import pytest

from leuk_annot.checksums import Checksums
from leuk_annot.forked import CAN_FORK, Forked

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
