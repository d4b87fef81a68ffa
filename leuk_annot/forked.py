"""One piece of work in a forked child process while the parent does another: the second core, for
CPU-bound Python that threads cannot share (the GIL).

The child runs one function and sends its pickled return value back through a pipe. Whatever goes
wrong there (an exception, a crash, a kill) makes ``result()`` return None, and the caller then does
the work itself, so an error arises in the parent exactly as it would without a child: same message,
same exit code. Where fork is missing (Windows) or unsafe without an exec (macOS system libraries),
no child is started and ``result()`` is None at once.

A child's temporary files go into a folder of its own, which the parent removes once the child has
ended: a child killed half-way (``cancel``) leaves nothing behind.
"""

from __future__ import annotations

import os
import pickle
import shutil
import signal
import sys
import tempfile
from collections.abc import Callable, Iterator
from typing import Generic, TypeVar

__all__ = ["CAN_FORK", "Forked", "Tickets"]

T = TypeVar("T")

CAN_FORK = hasattr(os, "fork") and sys.platform.startswith("linux")


class Forked(Generic[T]):
    """``task()`` running in a child process, started on construction."""

    def __init__(self, task: Callable[[], T]):
        self._pid: int | None = None
        self._pipe: int | None = None
        self._outcome: tuple[bool, T | None] = (False, None)  # (ran to the end, its result), once waited for
        self._scratch: str | None = None
        if not CAN_FORK:
            return
        try:
            scratch = tempfile.mkdtemp(prefix="leuk-annot-child-")
        except OSError:  # no temporary folder can be made: work alone
            return
        read_end, write_end = os.pipe()
        try:
            pid = os.fork()
        except OSError:  # no memory or process slot for a child: work alone
            os.close(read_end)
            os.close(write_end)
            os.rmdir(scratch)
            return
        if pid == 0:
            os.close(read_end)
            tempfile.tempdir = scratch  # (this process's own copy of the module)
            _run_child(task, write_end)  # never returns
        os.close(write_end)
        self._pid, self._pipe, self._scratch = pid, read_end, scratch

    def result(self) -> T | None:
        """The task's return value; None when there was no child or it failed in any way."""
        return self._wait()[1]

    def finished(self) -> bool:
        """Whether the task ran to the end in the child (for a task whose work is its side effect)."""
        return self._wait()[0]

    def _wait(self) -> tuple[bool, T | None]:
        if self._pid is None or self._pipe is None:
            return self._outcome
        try:
            with os.fdopen(self._pipe, "rb") as pipe:
                data = pipe.read()
        finally:
            self._pipe = None
            status = self._reap()
        if status == 0 and data:
            try:
                self._outcome = (True, pickle.loads(data))
            except Exception:  # a truncated message: the child died while writing
                pass
        return self._outcome

    def cancel(self) -> None:
        """Stop the child (the parent no longer needs its work) and reap it."""
        if self._pid is None:
            return
        try:
            os.kill(self._pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        if self._pipe is not None:
            os.close(self._pipe)
            self._pipe = None
        self._reap()

    def _reap(self) -> int:
        pid, self._pid = self._pid, None
        _, status = os.waitpid(pid, 0)
        shutil.rmtree(self._scratch, ignore_errors=True)
        return status


class Tickets:
    """The numbers 0 .. n-1, each handed out once and in order to whichever process asks next: a
    parent and the children it forks after making this share a list of work items without fixing a
    split beforehand, so one that starts late or meets slow items simply takes fewer.

    A pipe holds one byte per number; a read of one byte is atomic, and once the pipe is empty every
    read returns nothing, because no process holds its write end any more.
    """

    def __init__(self, n: int):
        if not 0 <= n <= 256:
            raise ValueError(f"{n} tickets: one byte each allows 0 to 256")
        self._read_end, write_end = os.pipe()
        try:
            os.write(write_end, bytes(range(n)))
        finally:
            os.close(write_end)

    def __iter__(self) -> Iterator[int]:
        while ticket := os.read(self._read_end, 1):
            yield ticket[0]

    def __enter__(self) -> Tickets:
        return self

    def __exit__(self, *exc) -> None:
        os.close(self._read_end)


def _run_child(task: Callable[[], object], write_end: int) -> None:
    """Run the task and send its result; leave through ``os._exit``, so nothing of the parent's
    (pytest, atexit handlers, buffered output, temporary files) is run or flushed twice."""
    status = 1
    try:
        data = pickle.dumps(task(), protocol=pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_end, "wb") as pipe:
            pipe.write(data)
        status = 0
    except BaseException:  # noqa: BLE001 - any failure: the parent redoes the work and reports it
        pass
    finally:
        os._exit(status)
