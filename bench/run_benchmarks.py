#!/usr/bin/env python3
"""Benchmark leuk-annot against bcftools and a bare cyvcf2 scan, side by side in one run.

Absolute times move from machine to machine and from run to run (see docs: PERFORMANCE.md), so
every comparison here is a ratio of two commands measured in the same run, interleaved round by
round, as the median of ``--runs`` whole-process runs. Each command runs as its own child process;
its peak memory is that child's ``ru_maxrss`` (``os.wait4``), not the benchmark's own.

Inputs come from ``../shared/perf/make_perf_vcf.py`` (``--generator``) and are cached: a 5 M-record
whole-genome VCF (bgzipped + tabix index, and an unindexed copy), a 100 k-record exome VCF, and a
BED of the knowledge base's GRCh38 gene regions (the regions leuk-annot itself reads), which bcftools
gets so that both tools read the same records. ``--smoke`` runs everything once on a 2 k-record
file in a temporary directory, to show the script works; its figures mean nothing.

Not part of the test suite: timings are never asserted in tests (tests/test_bench_smoke.py only runs
``--smoke``). Exit status 0 unless the script itself fails; ``--strict`` makes a FAIL exit 1.
"""

from __future__ import annotations

import argparse
import datetime
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
DEFAULT_GENERATOR = REPO.parent / "shared" / "perf" / "make_perf_vcf.py"
DEFAULT_CACHE = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "leuk-annot-bench"

BARE_CYVCF2_SCAN = """
import sys, cyvcf2
n = 0
for record in cyvcf2.VCF(sys.argv[1]):
    n += 1
print(n)
"""

BCFTOOLS_HINT = (
    "bcftools is not on PATH: install it with `apt-get install -y bcftools` (Debian/Ubuntu), "
    "`conda install -c bioconda bcftools` or `brew install bcftools`; the indexed comparison is skipped"
)


# --------------------------------------------------------------------------------------------
# running one command
# --------------------------------------------------------------------------------------------


@dataclass
class Measured:
    """All runs of one command: wall seconds and peak resident memory (MiB) of the child."""

    label: str
    seconds: list[float] = field(default_factory=list)
    rss_mib: list[float] = field(default_factory=list)

    @property
    def median(self) -> float:
        return statistics.median(self.seconds)

    @property
    def peak_rss(self) -> float:
        return max(self.rss_mib)


def run_once(cmd: list[str], env: dict[str, str]) -> tuple[float, float]:
    """Wall time and peak RSS of one isolated child process; raise if it fails."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=env)
    # Read stderr first (a full pipe would block the child), then reap it with wait4 for its rusage.
    err = proc.stderr.read() if proc.stderr else b""
    _, status, usage = os.wait4(proc.pid, 0)
    seconds = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.stderr:
        proc.stderr.close()
    if proc.returncode != 0:
        raise RuntimeError(f"command failed ({proc.returncode}): {' '.join(cmd)}\n{err.decode(errors='replace')}")
    rss_kib = usage.ru_maxrss  # KiB on Linux
    return seconds, rss_kib / 1024


# --------------------------------------------------------------------------------------------
# inputs
# --------------------------------------------------------------------------------------------


def prepare_inputs(args, data_dir: Path, env: dict[str, str]) -> dict[str, Path]:
    """Generate (once) and return the input files."""
    data_dir.mkdir(parents=True, exist_ok=True)
    wgs, exome, genes = data_dir / "wgs.vcf.gz", data_dir / "exome.vcf.gz", data_dir / "genes.bed"
    done = data_dir / ".complete"
    if not done.is_file():
        generator = Path(args.generator)
        if not generator.is_file():
            sys.exit(f"error: the input generator {generator} is missing; pass --generator PATH/make_perf_vcf.py")
        print(f"generating inputs in {data_dir} (once; {args.records:,} + {args.exome_records:,} records) ...",
              flush=True)
        start = time.perf_counter()
        proc = subprocess.run([sys.executable, str(generator), str(data_dir), "--records", str(args.records),
                               "--exome-records", str(args.exome_records), "--only", "bed,wgs,exome",
                               "--seed", str(args.seed)], capture_output=True, text=True)
        if proc.returncode != 0:
            sys.exit(f"error: {generator} failed:\n{proc.stdout}{proc.stderr}")
        print(f"  generated in {time.perf_counter() - start:.0f} s", flush=True)
        done.write_text(json.dumps({"records": args.records, "exome_records": args.exome_records,
                                    "seed": args.seed}) + "\n")
    unindexed = data_dir / "noindex" / "wgs.vcf.gz"  # same bytes, no .tbi beside it
    if not unindexed.is_file():
        unindexed.parent.mkdir(exist_ok=True)
        try:
            os.link(wgs, unindexed)
        except OSError:
            shutil.copyfile(wgs, unindexed)
    kb_bed = data_dir / "kb_regions.grch38.bed"
    write_kb_regions(kb_bed, env)
    return {"wgs": wgs, "wgs_unindexed": unindexed, "exome": exome, "genes_bed": genes, "kb_bed": kb_bed}


def write_kb_regions(bed: Path, env: dict[str, str]) -> None:
    """The knowledge base's GRCh38 gene spans as a 0-based BED with chr names (as in the VCFs)."""
    code = (
        "import sys\n"
        "from leuk_annot.knowledge import load_knowledge\n"
        "try:\n"
        "    from leuk_annot.inputs import gene_regions\n"
        "except ImportError:\n"
        "    from leuk_annot.api import gene_regions\n"
        "for r in sorted(gene_regions(load_knowledge(None), 'GRCh38'), key=lambda r: (r.chrom, r.start)):\n"
        "    print(f'chr{r.chrom}\\t{r.start - 1}\\t{r.end}\\t{r.gene}')\n"
    )
    text = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True, env=env).stdout
    bed.write_text(text)


# --------------------------------------------------------------------------------------------
# machine
# --------------------------------------------------------------------------------------------


def machine_description(env: dict[str, str], bcftools: str | None) -> list[str]:
    cpu = platform.processor() or "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    usable = len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else os.cpu_count()
    memory = ""
    try:
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                memory = f", {int(line.split()[1]) / 1024 / 1024:.1f} GiB RAM"
    except OSError:
        pass
    versions = subprocess.run(
        [sys.executable, "-c",
         "import leuk_annot, cyvcf2, numpy; print(leuk_annot.__version__, cyvcf2.__version__, numpy.__version__)"],
        capture_output=True, text=True, env=env,
    ).stdout.split()
    versions += ["?"] * (3 - len(versions))
    tool = "bcftools: not installed"
    if bcftools:
        first = subprocess.run([bcftools, "--version"], capture_output=True, text=True).stdout.splitlines()
        tool = "; ".join(first[:2]) if first else "bcftools"
    load = ", ".join(f"{x:.2f}" for x in os.getloadavg()) if hasattr(os, "getloadavg") else "?"
    return [
        f"date: {datetime.datetime.now().astimezone().isoformat(timespec='seconds')}",
        f"machine: {cpu}; {os.cpu_count()} cores ({usable} usable){memory}; {platform.platform()}",
        f"python: {platform.python_implementation()} {platform.python_version()}; leuk-annot {versions[0]}, "
        f"cyvcf2 {versions[1]}, numpy {versions[2]}; {tool}",
        f"load average at start: {load}",
    ]


# --------------------------------------------------------------------------------------------
# the benchmark
# --------------------------------------------------------------------------------------------


_RUN_SPECIFIC = {"provenance", "created", "file", "path", "line"}  # the two runs read different paths


def same_answer(first: Path, second: Path) -> bool:
    """The two reports agree once run-specific details (paths, line numbers, times) are set aside."""

    def strip(value):
        if isinstance(value, dict):
            return {k: strip(v) for k, v in value.items() if k not in _RUN_SPECIFIC}
        if isinstance(value, list):
            return [strip(v) for v in value]
        return value

    (a,) = first.glob("*.leuk-annot.json")
    (b,) = second.glob("*.leuk-annot.json")
    return strip(json.loads(a.read_text())) == strip(json.loads(b.read_text()))


def prepare_leuk_annot(leuk: list[str], vcf: Path, out: Path, env: dict[str, str]) -> None:
    """Measure leuk-annot as a pipeline runs it, sample after sample: from compiled bytecode (pip
    compiles an installed package; a checkout run with PYTHONDONTWRITEBYTECODE set, as some
    containers do, would otherwise recompile every module on every run), and with its caches (compiled
    templates, parsed knowledge base) filled by one untimed first sample."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(REPO / "leuk_annot")], check=True,
                   stdout=subprocess.DEVNULL)
    run_once([*leuk, str(vcf), "-q", "-o", str(out)], env)
    print("leuk-annot prepared: package compiled to bytecode; caches filled by one untimed run")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--runs", type=int, default=3, help="runs per command; the median counts (default 3)")
    parser.add_argument("--smoke", action="store_true",
                        help="one run on a 2 k-record file in a temporary directory (shows the script works)")
    parser.add_argument("--data-dir", type=Path, help=f"input cache (default {DEFAULT_CACHE}/<sizes>)")
    parser.add_argument("--generator", default=str(DEFAULT_GENERATOR), help="path of make_perf_vcf.py")
    parser.add_argument("--records", type=int, default=5_000_000, help="WGS records (default 5,000,000)")
    parser.add_argument("--exome-records", type=int, default=100_000, help="exome records (default 100,000)")
    parser.add_argument("--seed", type=int, default=20240101)
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target is missed")
    args = parser.parse_args(argv)
    if args.smoke:
        args.runs, args.records, args.exome_records = 1, 2_000, 1_000

    env = dict(os.environ)
    env["PYTHONPATH"] = os.pathsep.join(filter(None, [str(REPO), env.get("PYTHONPATH")]))  # this checkout
    leuk = [sys.executable, "-m", "leuk_annot"]
    bcftools = shutil.which("bcftools")

    with tempfile.TemporaryDirectory(prefix="leuk-annot-bench-") as scratch_name:
        scratch = Path(scratch_name)
        if args.smoke:
            data_dir = scratch / "data"
        else:
            data_dir = args.data_dir or DEFAULT_CACHE / f"r{args.records}-e{args.exome_records}-s{args.seed}"
        inputs = prepare_inputs(args, data_dir, env)
        print("\n".join(machine_description(env, bcftools)))
        print(f"leuk-annot command: {' '.join(leuk)} (PYTHONPATH={REPO}); runs per command: {args.runs}")
        if not bcftools:
            print(f"NOTE: {BCFTOOLS_HINT}")

        out = {name: scratch / name for name in ("indexed", "unindexed", "exome")}
        commands: dict[str, list[str]] = {
            "leuk_indexed": [*leuk, str(inputs["wgs"]), "-q", "-o", str(out["indexed"])],
            "leuk_unindexed": [*leuk, str(inputs["wgs_unindexed"]), "-q", "-o", str(out["unindexed"])],
            "cyvcf2_scan": [sys.executable, "-c", BARE_CYVCF2_SCAN, str(inputs["wgs_unindexed"])],
            "leuk_exome": [*leuk, str(inputs["exome"]), "-q", "-o", str(out["exome"])],
            "leuk_version": [*leuk, "--version"],
        }
        if bcftools:
            commands["bcftools_kb"] = [bcftools, "view", "-R", str(inputs["kb_bed"]), str(inputs["wgs"])]
            commands["bcftools_genes"] = [bcftools, "view", "-R", str(inputs["genes_bed"]), str(inputs["wgs"])]
        prepare_leuk_annot(leuk, inputs["exome"], scratch / "warm-up", env)
        results = {name: Measured(name) for name in commands}
        for round_number in range(1, args.runs + 1):
            print(f"round {round_number}/{args.runs} ...", flush=True)
            for name, cmd in commands.items():  # interleaved: a slow spell on the machine hits every command
                seconds, rss = run_once(cmd, env)
                results[name].seconds.append(seconds)
                results[name].rss_mib.append(rss)

        print()
        for name, m in results.items():
            runs = ", ".join(f"{s:.2f}" for s in m.seconds)
            print(f"  {name:16s} median {m.median:7.2f} s  peak RSS {m.peak_rss:6.1f} MiB  (runs: {runs})")
        print()
        verdicts = judge(results, smoke=args.smoke)
        agree = same_answer(out["indexed"], out["unindexed"])
        print(f"indexed and unindexed reports agree: {'yes' if agree else 'NO'}")
        verdicts.append(agree)
        if not args.smoke:
            print(f"load average at end: {', '.join(f'{x:.2f}' for x in os.getloadavg())}")
    if args.strict and not all(verdicts):
        return 1
    return 0


def judge(results: dict[str, Measured], *, smoke: bool) -> list[bool]:
    """Print one line per target; return whether each was met."""
    verdicts: list[bool] = []

    def line(label: str, text: str, ok: bool | None) -> None:
        mark = "n/a" if ok is None else ("PASS" if ok else "FAIL")
        if smoke and ok is not None:
            mark = f"({mark}; smoke run, not judged)"
        print(f"{label:34s} {text}  {mark}")
        if ok is not None and not smoke:
            verdicts.append(ok)

    leuk = results["leuk_indexed"].median
    if "bcftools_kb" in results:
        floor = results["bcftools_kb"].median
        limit = 1.5 * floor + 0.5
        genes = results["bcftools_genes"].median
        line("indexed WGS vs bcftools view -R",
             f"leuk-annot {leuk:.2f} s / bcftools {floor:.2f} s: ratio {leuk / floor:.2f}x "
             f"(target <= 1.5x + 0.5 s = {limit:.2f} s; bcftools on the 200-gene BED: {genes:.2f} s)",
             leuk <= limit)
    else:
        line("indexed WGS vs bcftools view -R", f"leuk-annot {leuk:.2f} s: ratio n/a (bcftools missing)", None)

    scan = results["cyvcf2_scan"].median
    unindexed = results["leuk_unindexed"].median
    line("unindexed WGS vs bare cyvcf2 scan",
         f"leuk-annot {unindexed:.2f} s / cyvcf2 {scan:.2f} s: ratio {unindexed / scan:.2f}x (target <= 1.3x)",
         unindexed / scan <= 1.3)

    exome = results["leuk_exome"].median
    line("exome end to end", f"{exome:.2f} s (target < 2 s)", exome < 2.0)

    small, large = results["leuk_exome"].peak_rss, results["leuk_unindexed"].peak_rss
    growth = (large - small) / small
    line("peak RSS, 100 k vs 5 M records",
         f"{small:.0f} MiB (exome, indexed) vs {large:.0f} MiB (WGS, unindexed stream): {growth:+.0%} "
         f"(target within 10 %, under 300 MiB; WGS indexed: {results['leuk_indexed'].peak_rss:.0f} MiB)",
         abs(growth) <= 0.10 and max(small, large) < 300)

    version = results["leuk_version"].median
    line("leuk-annot --version cold start", f"{version:.3f} s (target < 0.3 s)", version < 0.3)
    return verdicts


if __name__ == "__main__":
    sys.exit(main())
