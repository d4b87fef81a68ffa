"""Cohort job for one sample: run ``leuk-annot annotate``, record how it ended, always succeed.

``python -m leuk_annot.workflow.run_sample STATUS.json LOG -- ANNOTATE-ARGS...`` writes the
reports into the status file's folder.

The Snakemake rule must succeed even when the sample fails, so one bad sample never stops the
others (nor marks the workflow failed); the status file carries the exit code and the one-line
error to the cohort summary, and the log keeps leuk-annot's full stderr.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Sequence
from pathlib import Path

from ..outputs import write_atomically

STATUS_OK = "ok"
STATUS_FAILED = "failed"


def one_line_error(stderr: str, exit_code: int) -> str:
    """The line that says what went wrong: leuk-annot's last ``error:`` line, else the last line."""
    lines = [line.strip() for line in stderr.splitlines() if line.strip()]
    for line in reversed(lines):
        text = line.removeprefix("leuk-annot: ")
        if text.startswith("error:"):
            return text.removeprefix("error:").strip()
        if text.startswith("internal error:"):
            return text
    if lines:
        return lines[-1]
    return f"exited with status {exit_code} and no message"


def run_sample(status_path: Path, log_path: Path, annotate_args: Sequence[str]) -> dict:
    """Run the annotation in a child process; write the status JSON last, atomically."""
    command = [sys.executable, "-m", "leuk_annot", "annotate", *annotate_args, "-o", str(status_path.parent)]
    try:
        proc = subprocess.run(command, capture_output=True, text=True)
        exit_code, stderr = proc.returncode, proc.stderr
    except OSError as exc:  # the interpreter itself could not start
        exit_code, stderr = 127, f"error: cannot start {command[0]}: {exc}"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    log_path.write_text(f"$ {' '.join(command)}\n{stderr}", encoding="utf-8")
    status = {
        "status": STATUS_OK if exit_code == 0 else STATUS_FAILED,
        "exit_code": exit_code,
        "error": None if exit_code == 0 else one_line_error(stderr, exit_code),
        "log": str(log_path),
    }
    write_atomically(status_path.parent, {status_path.name: json.dumps(status, indent=2) + "\n"})
    return status


def main(argv: Sequence[str] | None = None) -> int:
    argv = list(sys.argv[1:] if argv is None else argv)
    if len(argv) < 3 or argv[2] != "--":
        print("usage: python -m leuk_annot.workflow.run_sample STATUS.json LOG -- ANNOTATE-ARGS...", file=sys.stderr)
        return 2
    run_sample(Path(argv[0]), Path(argv[1]), argv[3:])
    return 0


if __name__ == "__main__":
    sys.exit(main())
