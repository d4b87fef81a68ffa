"""Errors leuk-annot reports to users, and the exit status each one maps to.

Library code raises these and never exits; only ``cli.main`` turns them into a status. The
numbers avoid the codes workflow engines treat as retryable (104, 130-145, 175).
"""

from __future__ import annotations

from enum import IntEnum


class ExitStatus(IntEnum):
    OK = 0
    ERROR = 1  # unexpected internal error (a bug: please report it)
    USAGE = 2  # bad command line (argparse)
    INPUT_ERROR = 3  # an input file is malformed
    DB_ERROR = 4  # the knowledge base is missing or invalid
    BUILD_ERROR = 5  # genome build undeterminable or inconsistent between inputs
    UNKNOWN_FORMAT = 6  # no reader recognises an input file
    OUTPUT_ERROR = 7  # the output directory or files cannot be written
    INTERRUPTED = 8  # stopped by Ctrl-C / SIGINT
    INPUT_NOT_FOUND = 9  # an input file does not exist or cannot be read
    NETWORK_ERROR = 10  # a download failed (connection, timeout, HTTP error); only `db update-civic`
    COMPARE_ERROR = 11  # two results cannot be compared (genome build or schema major differs); `compare`


class LeukAnnotError(Exception):
    """Base for every error leuk-annot reports to a user."""

    exit_status = ExitStatus.ERROR


class InputFormatError(LeukAnnotError, ValueError):
    """A problem in an input file, located to a line where one applies.

    ``str()`` reads ``path:line: message (hint)`` so the user can open the file at the cause.
    """

    exit_status = ExitStatus.INPUT_ERROR

    def __init__(self, path: object, line: int | None, message: str, hint: str | None = None):
        self.path = str(path)
        self.line = line
        self.message = message
        self.hint = hint
        super().__init__(self._render())

    def _render(self) -> str:
        where = self.path if self.line is None else f"{self.path}:{self.line}"
        text = f"{where}: {self.message}"
        return f"{text} (hint: {self.hint})" if self.hint else text


class UnknownFormatError(InputFormatError):
    """No registered reader recognises the file."""

    exit_status = ExitStatus.UNKNOWN_FORMAT


class GenomeBuildError(InputFormatError):
    """The genome build cannot be decided, or two inputs disagree."""

    exit_status = ExitStatus.BUILD_ERROR


class InputNotFoundError(InputFormatError, FileNotFoundError):
    """An input path does not exist or is not a readable file."""

    exit_status = ExitStatus.INPUT_NOT_FOUND


class KnowledgeBaseError(LeukAnnotError):
    """The annotation database is missing, fails its schema or its cross-file checks."""

    exit_status = ExitStatus.DB_ERROR


class OutputError(LeukAnnotError, OSError):
    """An output file or directory cannot be written."""

    exit_status = ExitStatus.OUTPUT_ERROR


class NetworkError(LeukAnnotError):
    """A download failed: no connection, a timeout or an HTTP error status (only `db update-civic`)."""

    exit_status = ExitStatus.NETWORK_ERROR


class CompareError(LeukAnnotError):
    """Two results cannot be compared: different genome builds, or a schema major version differs (`compare`)."""

    exit_status = ExitStatus.COMPARE_ERROR
