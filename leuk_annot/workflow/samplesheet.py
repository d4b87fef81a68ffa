"""Read a cohort samplesheet (samples.tsv) into one ``CohortSample`` per sample to annotate.

Columns (tab-separated, header required, ``#`` lines and blank lines ignored):

- ``sample_id`` (required column): the sample's name in reports and file names; letters, digits,
  ``.``, ``_`` and ``-`` only, not starting or ending with ``.`` or ``_``. May be empty when
  ``tumor_id`` names the sample.
- ``vcf``: small-variant VCF (plain, bgzipped or BCF).
- ``fusions``: fusion-call files, ``;``-separated.
- ``sv``: structural-variant VCFs, ``;``-separated.
- ``tumor_id``: the VCF sample column of the tumour. Several columns, ``;``-separated, annotate
  each sample of a multi-sample VCF separately: each becomes its own cohort sample, named after
  the column (or ``<sample_id>_<column>`` when ``sample_id`` is given).
- ``genome``: ``auto`` (default), ``GRCh37`` or ``GRCh38``.

Every row needs at least one of ``vcf``, ``fusions``, ``sv``. Relative paths are resolved against
the samplesheet's folder. Missing input files are NOT an error here: that sample's job fails and
the cohort summary says why, while the other samples run.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from ..errors import InputFormatError, InputNotFoundError
from ..genome import normalize_build
from ..outputs import safe_file_stem

COLUMNS = ("sample_id", "vcf", "fusions", "sv", "tumor_id", "genome")
REQUIRED_COLUMNS = ("sample_id",)
LIST_SEPARATOR = ";"


@dataclass(frozen=True)
class CohortSample:
    """One sample to annotate; ``line`` is its row in the samplesheet (for messages)."""

    sample_id: str
    line: int
    vcf: Path | None = None
    fusions: tuple[Path, ...] = ()
    sv: tuple[Path, ...] = ()
    tumor_id: str | None = None
    genome: str = "auto"

    def annotate_args(self) -> list[str]:
        """Arguments for ``leuk-annot annotate`` (without the output directory)."""
        args = [str(self.vcf)] if self.vcf else []
        for path in self.fusions:
            args += ["--fusions", str(path)]
        for path in self.sv:
            args += ["--sv", str(path)]
        if self.tumor_id:
            args += ["--tumor-id", self.tumor_id]
        return [*args, "--genome", self.genome, "--sample-id", self.sample_id]

    def input_paths(self) -> list[Path]:
        return ([self.vcf] if self.vcf else []) + list(self.fusions) + list(self.sv)


def _split(value: str) -> list[str]:
    return [item.strip() for item in value.split(LIST_SEPARATOR) if item.strip()]


def read_samplesheet(path: Path) -> list[CohortSample]:
    """Parse and check the samplesheet; raises InputFormatError naming the offending line."""
    path = Path(path)
    if not path.is_file():
        raise InputNotFoundError(path, None, "samplesheet not found", "check the path and spelling")
    base = path.resolve().parent
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise InputFormatError(path, None, f"cannot read the samplesheet: {exc}") from None

    header: list[str] | None = None
    samples: list[CohortSample] = []
    first_line: dict[str, int] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.startswith("#"):
            continue
        fields = [f.strip() for f in raw.split("\t")]
        if header is None:
            header = _check_header(path, number, fields)
            continue
        if len(fields) > len(header):
            raise InputFormatError(path, number, f"{len(fields)} fields but the header has {len(header)}",
                                   "separate columns with tabs; list several files in one cell with ';'")
        row = dict(zip(header, fields + [""] * (len(header) - len(fields))))
        for sample in _row_samples(path, number, row, base):
            if sample.sample_id in first_line:
                raise InputFormatError(path, number, f"duplicate sample id {sample.sample_id!r} "
                                       f"(first on line {first_line[sample.sample_id]})",
                                       "every sample needs its own id")
            first_line[sample.sample_id] = number
            samples.append(sample)
    if header is None:
        raise InputFormatError(path, None, "empty samplesheet", f"the header needs at least {REQUIRED_COLUMNS[0]}")
    if not samples:
        raise InputFormatError(path, None, "the samplesheet lists no samples")
    return samples


def _check_header(path: Path, number: int, fields: list[str]) -> list[str]:
    unknown = [f for f in fields if f not in COLUMNS]
    if unknown:
        raise InputFormatError(path, number, f"unknown column(s) {', '.join(map(repr, unknown))}",
                               f"columns are {', '.join(COLUMNS)}")
    missing = [c for c in REQUIRED_COLUMNS if c not in fields]
    if missing:
        raise InputFormatError(path, number, f"missing column(s) {', '.join(missing)}",
                               f"the first non-comment line is the header: {', '.join(COLUMNS)}")
    repeated = sorted({f for f in fields if fields.count(f) > 1})
    if repeated:
        raise InputFormatError(path, number, f"column(s) {', '.join(repeated)} given twice")
    return fields


def _row_samples(path: Path, number: int, row: dict[str, str], base: Path) -> list[CohortSample]:
    def resolve(value: str) -> Path:
        return base / Path(value).expanduser()

    vcf = resolve(row["vcf"]) if row.get("vcf") else None
    fusions = tuple(resolve(v) for v in _split(row.get("fusions", "")))
    sv = tuple(resolve(v) for v in _split(row.get("sv", "")))
    if vcf is None and not fusions and not sv:
        raise InputFormatError(path, number, "no input: the row needs a vcf, fusions or sv file")
    genome = row.get("genome") or "auto"
    if genome != "auto":
        build = normalize_build(genome)
        if build is None:
            raise InputFormatError(path, number, f"unknown genome {genome!r}", "use auto, GRCh37 or GRCh38")
        genome = build
    tumors = _split(row.get("tumor_id", ""))
    sample_id = row["sample_id"]
    if len(tumors) > 1:
        if vcf is None:
            raise InputFormatError(path, number, "several tumor_id values but no vcf",
                                   "tumor_id names samples of a multi-sample VCF")
        if fusions or sv:
            raise InputFormatError(path, number, "several tumor_id values with fusions or sv files",
                                   "fusion and SV calls belong to one sample: give each sample its own row")
        ids = [f"{sample_id}_{t}" if sample_id else t for t in tumors]
    else:
        ids = [sample_id or (tumors[0] if tumors else "")]
    if not ids[0]:
        raise InputFormatError(path, number, "empty sample_id", "give a sample_id (or a tumor_id to name it)")
    out = []
    for sid, tumor in zip(ids, tumors or [None]):
        if safe_file_stem(sid) != sid:  # the id names the output files: it must survive unchanged
            raise InputFormatError(path, number, f"sample id {sid!r} is not safe as a file name",
                                   "use letters, digits, '.', '_' and '-' only")
        out.append(CohortSample(sid, number, vcf, fusions, sv, tumor, genome))
    return out
