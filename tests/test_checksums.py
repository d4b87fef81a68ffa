"""Input checksums are made on a second thread while the readers work; they must be the file's own."""

from __future__ import annotations

import hashlib
import os
import threading

from leuk_annot.inputs import Checksums, sha256_file


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


def test_a_stopped_hash_gives_no_digest_and_the_caller_still_gets_one(tmp_path):
    path = tmp_path / "big"
    path.write_bytes(os.urandom(3 << 20))
    stop = threading.Event()
    stop.set()
    assert sha256_file(path, stop) is None
    checksums = Checksums([path])
    checksums.stop()
    assert checksums.digest(path) == hashlib.sha256(path.read_bytes()).hexdigest()


def test_a_pipe_is_left_to_its_reader(tmp_path):
    """The thread hashes regular files only: reading a FIFO would take the data from the reader."""
    fifo = tmp_path / "calls.fifo"
    os.mkfifo(fifo)
    checksums = Checksums([fifo])
    checksums._thread.join(timeout=5)
    assert not checksums._thread.is_alive()  # it did not open (and block on) the pipe
    checksums.stop()
