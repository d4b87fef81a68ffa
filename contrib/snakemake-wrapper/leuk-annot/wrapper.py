"""Snakemake wrapper for leuk-annot: annotate one ALL sample into HTML, JSON, TSV and MultiQC reports."""

__author__ = "leuk-annot developers"
__license__ = "MIT"

import shlex
import shutil
import tempfile
from pathlib import Path

from snakemake.shell import shell

snakemake = globals()["snakemake"]  # injected by Snakemake's script preamble (named here for linters)

# Output keys and the file each is taken from (leuk-annot names its files <sample>.<suffix>).
SUFFIXES = {
    "html": ".leuk-annot.html",
    "json": ".leuk-annot.json",
    "tsv": ".leuk-annot.tsv",
    "mqc": ".leuk-annot_mqc.tsv",
}


def input_files(key):
    """The input files under ``key`` as a list (a rule may give one path or several)."""
    value = snakemake.input.get(key)
    if not value:
        return []
    return [value] if isinstance(value, str) else list(value)


unknown = sorted(set(snakemake.output.keys()) - set(SUFFIXES))
if unknown or not snakemake.output.keys():
    raise ValueError(f"leuk-annot wrapper: name outputs with {', '.join(SUFFIXES)} (got {', '.join(unknown)})")

vcf = input_files("vcf")
fusions = input_files("fusions")
sv = input_files("sv")
if len(vcf) > 1:
    raise ValueError("leuk-annot wrapper: give at most one input named vcf")
if not (vcf or fusions or sv):
    raise ValueError("leuk-annot wrapper: give at least one of the inputs vcf, fusions, sv")

sample_id = snakemake.params.get("sample_id") or snakemake.wildcards.get("sample")
if not sample_id:
    raise ValueError("leuk-annot wrapper: set params.sample_id (or use a {sample} wildcard)")

args = vcf[:]
for path in fusions:
    args += ["--fusions", path]
for path in sv:
    args += ["--sv", path]
extra = snakemake.params.get("extra", "")
log = snakemake.log_fmt_shell(stdout=True, stderr=True)

# leuk-annot writes fixed names into a directory; the rule may want any names, so write to a
# scratch directory beside the first output and move each requested file into place.
first_output = Path(snakemake.output[0])
first_output.parent.mkdir(parents=True, exist_ok=True)
with tempfile.TemporaryDirectory(dir=first_output.parent, prefix=".leuk-annot.") as scratch:
    command = ["leuk-annot", "annotate", *args, "--sample-id", sample_id, "-o", scratch]
    # shell() formats its string with this script's variables: escape braces in the quoted paths.
    quoted = shlex.join(command).replace("{", "{{").replace("}", "}}")
    shell(quoted + " {extra} {log}")
    for key, target in snakemake.output.items():
        (produced,) = Path(scratch).glob(f"*{SUFFIXES[key]}")
        shutil.move(str(produced), target)
