"""The cohort workflow: a Snakefile shipped in the package, its samplesheet reader and its job scripts.

``leuk-annot cohort`` runs ``SNAKEFILE`` with Snakemake; the same file runs directly with
``snakemake -s SNAKEFILE --config samples=samples.tsv outdir=OUT --cores N``.
"""

from pathlib import Path

SNAKEFILE = Path(__file__).resolve().parent / "Snakefile"
