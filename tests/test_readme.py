"""The README's Quick start has exactly two commands, and CI runs the second one verbatim."""

import re

from conftest import REPO


def quick_start_commands():
    text = (REPO / "README.md").read_text()
    section = text.split("## Quick start", 1)[1].split("\n## ", 1)[0]
    return re.findall(r"```bash\n(.+?)\n```", section, re.S)


def test_quick_start_has_two_commands_and_ci_runs_the_test_one():
    install_and_demo, install_and_test = quick_start_commands()
    assert "leuk-annot test_data/cases/demo/" in install_and_demo
    assert install_and_test.endswith("python -m pytest")
    assert install_and_test in (REPO / ".ci" / "run").read_text().splitlines()
