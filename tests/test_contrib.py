"""contrib/: the nf-core module and the Snakemake wrapper agree with themselves and with leuk-annot.

Nextflow cannot run here (its launcher downloads a jar), so the module is checked by parsing:
meta.yml documents exactly the inputs and outputs main.nf declares, and the module's script block,
run by bash with the values Nextflow would substitute, produces files matching every output glob
and a versions.yml. The Snakemake wrapper runs for real through Snakemake's wrapper mechanism,
offline, with a file:// wrapper prefix.
"""

from __future__ import annotations

import fnmatch
import json
import os
import re
import shutil
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
import yaml
from conftest import CASES, REPO

from leuk_annot import __version__

NF_MODULE = REPO / "contrib" / "nf-core" / "leukannot"
WRAPPER = REPO / "contrib" / "snakemake-wrapper" / "leuk-annot"
DEMO = CASES / "demo"


def _block(text: str, name: str) -> str:
    """The lines of a process section (input:, output:, ...) up to the next section label."""
    match = re.search(rf"^\s*{name}:\s*\n(.*?)(?=^\s*(?:input|output|when|script|stub):\s*$)", text, re.M | re.S)
    assert match, f"no {name}: block"
    return match.group(1)


def _script(text: str, name: str) -> str:
    match = re.search(rf"^\s*{name}:\s*\n.*?\"\"\"\n(.*?)\"\"\"", text, re.M | re.S)
    assert match, f"no {name}: script"
    return match.group(1)


@pytest.fixture(scope="module")
def main_nf() -> str:
    return (NF_MODULE / "main.nf").read_text()


@pytest.fixture(scope="module")
def meta() -> dict:
    return yaml.safe_load((NF_MODULE / "meta.yml").read_text())


def nf_inputs(main_nf: str) -> list[list[str]]:
    """Each input channel as its element names, e.g. [['meta', 'vcf', 'fusions', 'sv']]."""
    lines = [line.strip() for line in _block(main_nf, "input").splitlines() if line.strip()]
    return [re.findall(r"(?:val|path)\((\w+)\)", line) for line in lines]


def nf_outputs(main_nf: str) -> dict[str, list[str]]:
    """emit name -> element names (meta and file globs), e.g. {'html': ['meta', '*.leuk-annot.html']}."""
    out = {}
    for line in _block(main_nf, "output").splitlines():
        emit = re.search(r"emit:\s*(\w+)", line)
        if emit:
            names = re.findall(r"val\((\w+)\)|path\(?\s*\"([^\"]+)\"", line)
            out[emit.group(1)] = [a or b for a, b in names]
    return out


def meta_channel_names(channel: list) -> list[str]:
    return [next(iter(element)) for element in channel]


def test_meta_yml_documents_the_declared_inputs(main_nf, meta):
    declared = nf_inputs(main_nf)
    assert declared == [["meta", "vcf", "fusions", "sv"]]
    assert [meta_channel_names(channel) for channel in meta["input"]] == declared


def test_meta_yml_documents_the_declared_outputs_with_matching_patterns(main_nf, meta):
    declared = nf_outputs(main_nf)
    assert set(declared) == set(meta["output"]) == {"html", "json", "tsv", "mqc", "versions"}
    for emit, names in declared.items():
        channels = meta["output"][emit]
        elements = channels[0] if isinstance(channels[0], list) else channels
        assert meta_channel_names(elements) == names, emit
        for element in elements:
            (name, spec), = element.items()
            if spec["type"] == "file":
                assert spec["pattern"] == name, f"{emit}: pattern {spec['pattern']} vs {name}"
    assert meta["name"] == "leukannot" and "LEUKANNOT" in main_nf


def test_versions_yml_is_emitted_by_script_and_stub(main_nf):
    assert 'path "versions.yml"' in _block(main_nf, "output")
    for section in ("script", "stub"):
        body = _script(main_nf, section)
        assert "cat <<-END_VERSIONS > versions.yml" in body and "leuk-annot --version" in body, section


def _shim(tmp_path: Path) -> dict[str, str]:
    """An environment whose `leuk-annot` runs this checkout (the wrapper and module call it by name)."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    shim = bin_dir / "leuk-annot"
    shim.write_text(f'#!/bin/sh\nexec "{sys.executable}" -m leuk_annot "$@"\n')
    shim.chmod(0o755)
    path = os.pathsep.join(p for p in (str(REPO), os.environ.get("PYTHONPATH", "")) if p)
    return {**os.environ, "PATH": f"{bin_dir}{os.pathsep}{os.environ['PATH']}", "PYTHONPATH": path}


def _as_bash(body: str, values: dict[str, str]) -> str:
    """The script block as Nextflow would hand it to bash: indent stripped, Groovy strings filled in."""
    text = textwrap.dedent(body)
    text = re.sub(r"\$\{task\.process\}", values["task.process"], text)
    text = re.sub(r"\$\{?(\w+)\}?", lambda m: values.get(m.group(1), m.group(0)), text)
    return text.replace("\\\\", "\\").replace("\\$", "$")


def test_module_script_writes_every_declared_output(main_nf, tmp_path):
    env = _shim(tmp_path)
    work = tmp_path / "work"
    work.mkdir()
    values = {"task.process": "LEUKANNOT", "vcf_arg": str(DEMO / "DEMO_REL.vcf"),
              "fusion_args": f"--fusions {DEMO / 'DEMO_REL.fusions.tsv'}", "sv_args": "", "prefix": "S1",
              "args": "-q"}
    script = _as_bash(_script(main_nf, "script"), values)
    proc = subprocess.run(["bash", "-euo", "pipefail", "-c", script], cwd=work, env=env,
                          capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr + script
    produced = sorted(p.name for p in work.iterdir())
    for emit, names in nf_outputs(main_nf).items():
        globs = [n for n in names if n != "meta"]
        matched = [f for f in produced for g in globs if fnmatch.fnmatch(f, g)]
        assert len(matched) == 1, f"{emit}: {globs} matched {matched} in {produced}"
    assert yaml.safe_load((work / "versions.yml").read_text()) == {"LEUKANNOT": {"leuk-annot": __version__}}
    assert json.loads((work / "S1.leuk-annot.json").read_text())["sample"]["id"] == "S1"


def test_module_stub_touches_the_same_outputs(main_nf, tmp_path):
    stub = _script(main_nf, "stub")
    touched = re.findall(r"touch \$\{prefix\}(\S+)", stub)
    declared = [n for names in nf_outputs(main_nf).values() for n in names if n.startswith("*")]
    assert sorted("*" + t for t in touched) == sorted(declared)


def test_snakemake_wrapper_metadata_matches_the_wrapper():
    meta = yaml.safe_load((WRAPPER / "meta.yaml").read_text())
    source = (WRAPPER / "wrapper.py").read_text()
    outputs = [next(iter(item)) for item in meta["output"]]
    inputs = [next(iter(item)) for item in meta["input"]]
    params = [next(iter(item)) for item in meta["params"]]
    suffixes = re.search(r"SUFFIXES = \{(.*?)\}", source, re.S).group(1)
    assert outputs == re.findall(r'"(\w+)":', suffixes)
    assert all(f'input_files("{name}")' in source for name in inputs)
    assert all(f'params.get("{name}"' in source for name in params)
    assert yaml.safe_load((WRAPPER / "environment.yaml").read_text())["channels"][0] == "conda-forge"


def test_snakemake_wrapper_runs_offline_through_the_wrapper_directive(tmp_path):
    pytest.importorskip("snakemake", reason="Snakemake is in the test extra: pip install -e '.[test]'")
    env = _shim(tmp_path)
    # The test Snakefile names the wrapper as the snakemake-wrappers repository would
    # ("master/bio/leuk-annot"); a file:// prefix points that name at contrib/.
    prefix = tmp_path / "wrappers"
    (prefix / "master" / "bio").mkdir(parents=True)
    (prefix / "master" / "bio" / "leuk-annot").symlink_to(WRAPPER, target_is_directory=True)
    run = tmp_path / "run"
    (run / "data").mkdir(parents=True)
    shutil.copy(WRAPPER / "test" / "Snakefile", run / "Snakefile")
    shutil.copy(DEMO / "DEMO_REL.vcf", run / "data" / "S1.vcf")
    shutil.copy(DEMO / "DEMO_REL.fusions.tsv", run / "data" / "S1.fusions.tsv")
    proc = subprocess.run([sys.executable, "-m", "snakemake", "--cores", "1", "--wrapper-prefix",
                           f"file://{prefix}/", "reports/S1.html"], cwd=run, env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr[-3000:]
    reports = run / "reports"
    assert sorted(p.name for p in reports.iterdir()) == ["S1.html", "S1.json", "S1.tsv", "S1_mqc.tsv"]
    doc = json.loads((reports / "S1.json").read_text())
    assert doc["sample"]["id"] == "S1" and doc["subtypes"][0]["id"] == "BALL.BCR_ABL1"
    assert (reports / "S1_mqc.tsv").read_text().startswith("# id: 'leuk-annot'")
    assert "S1: B-lymphoblastic" in (run / "logs" / "leuk_annot" / "S1.log").read_text()
