"""Copy-number readers: synthetic fixtures for each format and every real file in shared/real_data/cnv/."""

from __future__ import annotations

import gzip

import pytest
from conftest import REAL_DATA, TEST_DATA

from leuk_annot.errors import InputFormatError, UnknownFormatError
from leuk_annot.io import CNV_READERS, read_copy_number
from leuk_annot.io.cnv_vcf import read_cnv_vcf
from leuk_annot.io.cnvkit import read_cnvkit
from leuk_annot.io.facets import read_facets
from leuk_annot.io.pcgr_cna import read_pcgr_cna
from leuk_annot.io.purple import read_purple
from leuk_annot.io.seg import read_gatk_seg, read_seg
from leuk_annot.io.titan import read_titan
from leuk_annot.model import CopyNumberSegment

CNV = TEST_DATA / "cnv"
REAL_CNV = REAL_DATA / "cnv"


def real(name: str):
    path = REAL_CNV / name
    if not path.exists():
        pytest.fail(f"shared real data not found: {path} (clone the project beside shared/)")
    return path


def data_lines(path) -> list[list[str]]:
    """Independent of the readers: non-blank lines after the first (header) line, split on tabs."""
    lines = [line for line in path.read_text().splitlines() if line.strip()]
    return [line.split("\t") for line in lines[1:]]


def read_truth_set(path) -> list[tuple[str, int, int, float]]:
    """The bcbio HCC2218 truth set (chrom, start, end, tot_cn): a comparison table, not a caller file."""
    rows = []
    for fields in data_lines(path):
        chrom, start, end, total = fields
        rows.append((chrom, int(start), int(end), float(total)))
    return rows


def segments(result) -> list[CopyNumberSegment]:
    assert all(isinstance(event, CopyNumberSegment) for event in result.events)
    return result.events


def messages(result) -> list[str]:
    return [warning.message for warning in result.warnings]


# --- every reader is registered and has fixtures ---------------------------------------------


@pytest.mark.parametrize("fmt", sorted(CNV_READERS))
def test_every_cnv_reader_has_fixtures(fmt):
    folder = CNV / fmt
    files = [p for p in folder.glob("*") if p.is_file() and p.name != "README.md"] if folder.is_dir() else []
    assert files, f"reader {fmt!r} has no fixtures in {folder}"


# --- CNVkit ------------------------------------------------------------------------------------


def test_cnvkit_call_cns_converts_to_one_based_and_reads_allele_copy_numbers():
    path = CNV / "cnvkit" / "sample.call.cns"
    result = read_cnvkit(path)
    segs = segments(result)
    assert result.format == "cnvkit"
    assert [(s.chrom, s.start, s.end) for s in segs] == [
        ("7", 50200001, 50400000),
        ("9", 21900001, 22000000),
        ("21", 14000001, 46700000),
        ("X", 1300001, 1400000),
    ]
    ikzf1 = segs[0]
    assert (ikzf1.log2, ikzf1.copy_number, ikzf1.minor_copy_number, ikzf1.probes) == (-1.02, 1.0, 0.0, 25)
    assert ikzf1.caller == "cnvkit" and ikzf1.source.line == 2 and ikzf1.source.path == str(path)
    assert segs[2].minor_copy_number == 1.0  # min(cn1=2, cn2=1)
    assert segs[3].minor_copy_number is None  # empty cn1/cn2 = unknown, not 0
    assert result.warnings == []


def test_cnvkit_zero_based_start_becomes_start_plus_one():
    segs = segments(read_cnvkit(CNV / "cnvkit" / "sample.cns"))
    assert [(s.start, s.end) for s in segs] == [(1, 1000), (1001, 5000), (100, 200)]
    assert all(s.copy_number is None for s in segs)


def test_cnvkit_cnr_bins_have_no_probe_count():
    segs = segments(read_cnvkit(CNV / "cnvkit" / "sample.cnr"))
    assert [(s.chrom, s.start, s.log2, s.probes) for s in segs] == [
        ("12", 57000001, 2.31, None),
        ("12", 57000251, 2.28, None),
        ("12", 69200001, 3.05, None),
    ]


def test_cnvkit_gzip_is_read():
    segs = segments(read_cnvkit(CNV / "cnvkit" / "sample.cns.gz"))
    assert [(s.chrom, s.start, s.end) for s in segs] == [("1", 1, 1000)]


def test_cnvkit_non_numeric_log2_is_a_located_warning_and_the_row_is_skipped():
    path = CNV / "cnvkit" / "bad_log2.cns"
    result = read_cnvkit(path)
    assert [s.source.line for s in segments(result)] == [2, 4]
    assert len(result.warnings) == 1
    assert result.warnings[0].message.startswith(f"{path}:3: log2 'abc' is not a number")
    assert result.warnings[0].source.line == 3
    assert result.stats == {"rows": 3, "segments": 2, "skipped": 1}


def test_cnvkit_unsorted_segments_are_kept_with_one_warning_at_the_first_offending_line():
    path = CNV / "cnvkit" / "unsorted.cns"
    result = read_cnvkit(path)
    assert [s.start for s in segments(result)] == [5001, 1001, 1501, 1]  # as read
    assert len(result.warnings) == 1
    assert result.warnings[0].message.startswith(f"{path}:3: ")
    assert "not sorted" in result.warnings[0].message


def test_cnvkit_overlap_and_regrouped_chromosome_give_a_single_warning():
    path = CNV / "cnvkit" / "overlap.cns"
    result = read_cnvkit(path)
    assert len(segments(result)) == 5
    assert len(result.warnings) == 1
    assert result.warnings[0].message.startswith(f"{path}:4: segment 1:1501-2500 overlaps")


def test_cnvkit_chromosome_appearing_again_is_reported(tmp_path):
    path = tmp_path / "regrouped.cns"
    path.write_text("chromosome\tstart\tend\tlog2\n1\t0\t10\t0\n2\t0\t10\t0\n1\t20\t30\t0\n")
    result = read_cnvkit(path)
    assert len(result.warnings) == 1
    assert result.warnings[0].message.startswith(f"{path}:4: chromosome 1 appears again after 2")


def test_cnvkit_missing_columns_lists_seen_and_expected():
    path = CNV / "cnvkit" / "missing_columns.cns"
    with pytest.raises(InputFormatError, match=r"missing_columns\.cns:1: .*missing column\(s\) log2") as info:
        read_cnvkit(path)
    assert "columns seen: chromosome, start, end, gene, depth" in str(info.value)
    assert "has the columns chromosome, start, end, log2" in str(info.value)


def test_empty_file_is_an_input_error():
    with pytest.raises(InputFormatError, match=r"empty\.cns: empty file"):
        read_cnvkit(CNV / "cnvkit" / "empty.cns")


def test_header_only_gives_zero_segments():
    result = read_cnvkit(CNV / "cnvkit" / "header_only.cns")
    assert result.events == [] and result.warnings == []


def test_whitespace_only_file_is_empty(tmp_path):
    path = tmp_path / "blank.cns"
    path.write_text("\n\n")
    with pytest.raises(InputFormatError, match=r"blank\.cns: empty file"):
        read_cnvkit(path)


def test_non_utf8_file_is_an_input_error(tmp_path):
    path = tmp_path / "latin1.cns"
    path.write_bytes("chromosome\tstart\tend\tlog2\n1\t0\t10\t0.1\n1\t10\t20\t\xe9\n".encode("latin-1"))
    with pytest.raises(InputFormatError, match=r"latin1\.cns:\d+: not readable as UTF-8"):
        read_cnvkit(path)


def test_bad_coordinate_and_short_row_are_located_warnings(tmp_path):
    path = tmp_path / "bad.cns"
    path.write_text("chromosome\tstart\tend\tlog2\n1\tabc\t10\t0.1\n1\t10\n1\t20\t10\t0.1\n1\t30\t40\t0.2\n")
    result = read_cnvkit(path)
    assert [(s.start, s.end) for s in segments(result)] == [(31, 40)]
    text = "\n".join(messages(result))
    assert f"{path}:2: start 'abc' is not a whole-number coordinate" in text
    assert f"{path}:3: row has 2 fields" in text
    assert f"{path}:4: segment start 21 is after its end 10" in text


# --- GATK seg ----------------------------------------------------------------------------------


def test_gatk_called_seg_reads_build_from_sq_and_sample_from_rg():
    path = CNV / "gatk-seg" / "sample.called.seg"
    result = read_gatk_seg(path)
    segs = segments(result)
    assert result.genome_build == "GRCh38"
    assert result.build_evidence == "@SQ LN of chr1 = 248956422 (GRCh38)"
    assert result.sample == "PATIENT_T"
    assert [(s.chrom, s.start, s.end, s.log2, s.probes) for s in segs] == [
        ("1", 10001, 120000000, 0.01, 5000),
        ("7", 50304716, 50405101, -1.05, 40),
        ("9", 21967752, 21995301, -3.4, 12),
    ]
    assert all(s.sample == "PATIENT_T" and s.caller == "gatk-seg" for s in segs)
    # the NaN mean on line 10 is not a value: warned and skipped, never read as 0
    assert len(result.warnings) == 1 and result.warnings[0].source.line == 10


def test_gatk_model_final_uses_the_posterior_median():
    result = read_gatk_seg(CNV / "gatk-seg" / "sample.modelFinal.seg")
    assert result.genome_build == "GRCh37" and result.sample == "P2"
    assert [(s.chrom, s.log2) for s in segments(result)] == [("1", 0.0), ("X", 0.58)]


def test_gatk_without_sq_has_no_build():
    result = read_gatk_seg(CNV / "gatk-seg" / "no_sq.cr.seg")
    assert result.genome_build is None and result.build_evidence is None
    assert len(result.events) == 1


def test_gatk_header_only_and_meta_only():
    assert read_gatk_seg(CNV / "gatk-seg" / "header_only.cr.seg").events == []
    with pytest.raises(InputFormatError, match=r"meta_only\.seg: only meta lines, no column header"):
        read_gatk_seg(CNV / "gatk-seg" / "meta_only.seg")


# --- generic SEG -------------------------------------------------------------------------------


def test_dnacopy_seg_with_quotes_and_r_scientific_positions():
    result = read_seg(CNV / "seg" / "dnacopy.seg")
    assert result.sample == "P1"
    assert [(s.chrom, s.start, s.end, s.probes, s.log2) for s in segments(result)] == [
        ("7", 100000, 50000000, 1200, 0.0123),
        ("7", 50000001, 50400000, 35, -0.98),
        ("9", 21900000, 22000000, 10, -2.9),
    ]


def test_seg_multi_sample_keeps_samples_and_warns_once():
    path = CNV / "seg" / "multi_sample.seg"
    result = read_seg(path)
    assert [(s.sample, s.chrom, s.log2) for s in segments(result)] == [
        ("S1", "1", 0.1),
        ("S1", "2", -0.1),
        ("S2", "1", 0.5),
    ]
    assert result.sample is None
    several = [m for m in messages(result) if "2 samples" in m]
    assert len(several) == 1 and "S1, S2" in several[0]
    assert any(m.startswith(f"{path}:5: ") for m in messages(result))  # the NA row
    assert not any("not sorted" in m or "appears again" in m for m in messages(result))


def test_igv_called_seg_finds_the_value_by_name():
    segs = segments(read_seg(CNV / "seg" / "igv_called.seg"))
    assert [(s.chrom, s.log2, s.probes) for s in segs] == [("21", 0.61, 800), ("22", 0.01, 700)]
    assert segs[0].source.line == 3  # the #track line counts


def test_seg_five_columns_value_is_the_last_and_bad_value_is_skipped():
    path = CNV / "seg" / "five_columns.seg"
    result = read_seg(path)
    assert [(s.start, s.log2, s.probes) for s in segments(result)] == [(100, 0.3, None), (301, -0.4, None)]
    assert messages(result) == [f"{path}:3: value 'bad' is not a number; row skipped"]


def test_headerless_seg_is_read_from_line_one():
    segs = segments(read_seg(CNV / "seg" / "headerless.seg"))
    assert [(s.source.line, s.chrom, s.start, s.probes) for s in segs] == [(1, "3", 1, 22), (2, "3", 5001, 15)]


def test_four_columns_are_not_a_seg_file():
    with pytest.raises(InputFormatError, match=r"four_columns\.tsv:1: not a SEG file: 4 columns"):
        read_seg(CNV / "seg" / "four_columns.tsv")


# --- PURPLE, FACETS, TITAN, PCGR ---------------------------------------------------------------


def test_purple_somatic_reads_total_and_minor_copy_number():
    segs = segments(read_purple(CNV / "purple" / "sample.purple.cnv.somatic.tsv"))
    assert [(s.chrom, s.start, s.end, s.copy_number, s.minor_copy_number, s.log2) for s in segs] == [
        ("9", 1, 21967000, 2.01, 1.005, None),
        ("9", 21967001, 21995000, 0.04, 0.0, None),
        ("9", 21995001, 138394717, 1.98, 0.97, None),
    ]


def test_purple_non_numeric_copy_number_is_skipped_with_a_warning():
    path = CNV / "purple" / "bad_copy_number.tsv"
    result = read_purple(path)
    assert len(result.events) == 1
    assert messages(result) == [f"{path}:3: copyNumber 'two' is not a number; row skipped"]


def test_facets_maps_23_24_to_sex_chromosomes_and_na_to_unknown():
    segs = segments(read_facets(CNV / "facets" / "sample.cncf.tsv"))
    assert [s.chrom for s in segs] == ["9", "9", "X", "Y"]
    assert [(s.log2, s.copy_number, s.minor_copy_number, s.probes) for s in segs[:2]] == [
        (-1.1, 1.0, 0.0, 500),
        (-3.0, 0.0, None, 20),
    ]
    assert (segs[2].start, segs[2].end) == (200000, 155000000)  # loc.start/loc.end accepted


def test_titan_reads_sample_copy_number_and_minor():
    result = read_titan(CNV / "titan" / "sample.segs.txt")
    assert result.sample == "PT1"
    assert [(s.chrom, s.start, s.copy_number, s.minor_copy_number, s.log2, s.probes) for s in segments(result)] == [
        ("7", 50300000, 1.0, 0.0, -0.95, 30),
        ("21", 14000000, 3.0, 1.0, 0.55, 900),
        ("22", 16000000, 2.0, 1.0, 0.01, 800),
    ]


def test_pcgr_total_is_major_plus_minor_and_bad_allele_is_skipped():
    path = CNV / "pcgr-cna" / "sample.cna.tsv"
    result = read_pcgr_cna(path)
    assert [(s.chrom, s.start, s.copy_number, s.minor_copy_number) for s in segments(result)] == [
        ("9", 21900000, 0.0, 0.0),
        ("21", 14000000, 3.0, 1.0),
    ]
    assert messages(result) == [f"{path}:4: nMinor 'x' is not a number; row skipped"]


@pytest.mark.parametrize(
    "reader, header, missing",
    [
        (read_purple, "chromosome\tstart\tend\tbafCount", "copyNumber"),
        (read_facets, "chrom\tseg\tstart\tend\ttcn.em", "cnlr.median"),
        (read_titan, "Sample\tChromosome\tStart\tEnd\tMedian_logR", "Copy_Number"),
        (read_pcgr_cna, "Chromosome\tStart\tEnd\tnMajor", "nMinor"),
        (read_gatk_seg, "CONTIG\tSTART\tEND\tNUM_POINTS_COPY_RATIO", "MEAN_LOG2_COPY_RATIO"),
    ],
)
def test_missing_required_columns_are_named(tmp_path, reader, header, missing):
    path = tmp_path / "table.tsv"
    path.write_text(header + "\n1\t2\t3\t4\t5\n")
    with pytest.raises(InputFormatError, match=rf"table\.tsv:1: not a .*missing column\(s\) {missing}") as info:
        reader(path)
    assert "columns seen: " + header.replace("\t", ", ") in str(info.value)


# --- CNV VCF -----------------------------------------------------------------------------------


def test_cnv_vcf_format_cn_padding_base_filter_and_bad_value():
    path = CNV / "cnv-vcf" / "gcnv_like.grch38.vcf"
    result = read_cnv_vcf(path)
    segs = segments(result)
    assert result.genome_build == "GRCh38" and result.sample == "PATIENT_T"
    assert [(s.chrom, s.start, s.end, s.copy_number, s.source.line) for s in segs] == [
        ("7", 50304716, 50405101, 1.0, 13),
        ("9", 21967752, 21995301, 0.0, 14),
        ("21", 14000001, 46700000, 3.0, 16),
    ]
    assert segs[0].source.record == "chr7:50304715 <DEL>"
    assert result.stats["filtered"] == 1 and result.stats["other_records"] == 1
    text = "\n".join(messages(result))
    assert f"{path}:17: FORMAT/CN of PATIENT_T 'three' is not a number" in text
    assert "FILTER other than PASS" in text


def test_cnv_vcf_two_samples_info_log2_svlen_and_text_build():
    result = read_cnv_vcf(CNV / "cnv-vcf" / "tumor_normal_info_cn.hg19.vcf")
    assert result.genome_build == "GRCh37" and result.sample is None
    assert [(s.sample, s.chrom, s.start, s.end, s.copy_number, s.log2) for s in segments(result)] == [
        ("TUMOR", "9", 21900001, 22000000, 0.0, -2.9),
        ("NORMAL", "9", 21900001, 22000000, 2.0, -2.9),
        ("TUMOR", "12", 57000001, 57500000, 8.0, 2.3),
        ("NORMAL", "12", 57000001, 57500000, 2.0, 2.3),
    ]
    assert sum("2 samples" in m for m in messages(result)) == 1


def test_cnv_vcf_info_cn_and_records_without_copy_number():
    path = CNV / "cnv-vcf" / "info_cn_only.vcf"
    result = read_cnv_vcf(path)
    assert [(s.start, s.end, s.copy_number) for s in segments(result)] == [(1000, 5000, 4.0)]
    assert result.genome_build is None
    assert result.stats["no_copy_number"] == 1
    text = "\n".join(messages(result))
    assert f"{path}:7: 1 DEL/DUP/CNV record(s) without a copy number" in text
    assert f"{path}:8: copy-number record without INFO/END or SVLEN" in text


def test_cnv_vcf_refuses_bcf_and_non_vcf(tmp_path):
    bcf = tmp_path / "calls.bcf"
    with gzip.open(bcf, "wb") as handle:
        handle.write(b"BCF\x02\x02")
    with pytest.raises(InputFormatError, match=r"calls\.bcf: BCF is not read"):
        read_cnv_vcf(bcf)
    with pytest.raises(InputFormatError, match=r"sample\.cns:1: not a VCF"):
        read_cnv_vcf(CNV / "cnvkit" / "sample.cns")


# --- real files ---------------------------------------------------------------------------------

REAL_FORMATS = {
    "HCC2218_cnvkit-call.cns": "cnvkit",
    "HCC2218_purple.cnv.tsv": "purple",
    "HCC2218_facets_cncf.tsv": "facets",
    "HCC2218_titan.segs.tsv": "titan",
    "cnvkit_tr95t.cns": "cnvkit",
    "pcgr_T001-BRCA.grch37.cna.tsv": "pcgr-cna",
    "pcgr_T001-BRCA.grch38.cna.tsv": "pcgr-cna",
}


def test_every_real_cnv_file_is_covered():
    present = {p.name for p in REAL_CNV.iterdir()} - {"HCC2218_truthset_cnv_bcbio.tsv"}
    assert present == set(REAL_FORMATS)


@pytest.mark.parametrize("name, fmt", sorted(REAL_FORMATS.items()))
def test_real_file_parses_one_segment_per_data_line(name, fmt):
    path = real(name)
    result = read_copy_number(path)  # sniffed
    assert result.format == fmt
    rows = data_lines(path)
    assert len(result.events) == len(rows)
    assert [s.source.line for s in result.events] == list(range(2, len(rows) + 2))
    assert result.warnings == []
    assert all(s.start <= s.end and not s.chrom.startswith("chr") for s in result.events)


def test_real_cnvkit_first_segment_start_is_file_start_plus_one():
    path = real("HCC2218_cnvkit-call.cns")
    first = data_lines(path)[0]
    seg = read_cnvkit(path).events[0]
    assert (seg.chrom, seg.start, seg.end) == (first[0], int(first[1]) + 1, int(first[2]))
    assert seg.log2 == float(first[4]) and seg.copy_number == float(first[6])
    tr95t = read_cnvkit(real("cnvkit_tr95t.cns")).events[0]
    assert tr95t.chrom == "1" and tr95t.start == int(data_lines(real("cnvkit_tr95t.cns"))[0][1]) + 1


def test_real_cnvkit_empty_allele_cells_stay_unknown():
    path = real("HCC2218_cnvkit-call.cns")
    rows = data_lines(path)
    for fields, seg in zip(rows, read_cnvkit(path).events):
        if fields[7] == "" or fields[8] == "":
            assert seg.minor_copy_number is None
        else:
            assert seg.minor_copy_number == min(float(fields[7]), float(fields[8]))


@pytest.mark.parametrize(
    "name, reader, column",
    [
        ("HCC2218_purple.cnv.tsv", read_purple, "copyNumber"),
        ("HCC2218_facets_cncf.tsv", read_facets, "tcn.em"),
        ("HCC2218_titan.segs.tsv", read_titan, "Copy_Number"),
    ],
)
def test_real_copy_numbers_are_read(name, reader, column):
    path = real(name)
    header = path.read_text().splitlines()[0].split("\t")
    index = header.index(column)
    expected = [float(fields[index]) if fields[index] != "NA" else None for fields in data_lines(path)]
    assert [s.copy_number for s in reader(path).events] == expected


def test_real_facets_chromosome_23_is_x_and_minor_na_is_unknown():
    path = real("HCC2218_facets_cncf.tsv")
    segs = read_facets(path).events
    assert segs[-1].chrom == "X"
    rows = data_lines(path)
    assert [s.minor_copy_number is None for s in segs] == [fields[13] == "NA" for fields in rows]


def test_real_titan_sample_and_mangled_column_names():
    result = read_titan(real("HCC2218_titan.segs.tsv"))
    assert result.sample == "HCC2218C"
    assert result.events[0].start == 909749 and result.events[0].probes == 212


def test_real_pcgr_total_is_major_plus_minor():
    path = real("pcgr_T001-BRCA.grch38.cna.tsv")
    expected = [float(fields[3]) + float(fields[4]) for fields in data_lines(path)]
    assert [s.copy_number for s in read_pcgr_cna(path).events] == expected


@pytest.mark.parametrize(
    "name, reader", [("HCC2218_cnvkit-call.cns", read_cnvkit), ("HCC2218_facets_cncf.tsv", read_facets)]
)
def test_real_calls_agree_with_the_truth_set(name, reader):
    """Truth-set segments (by length) whose midpoint segment has the same rounded total copy number.

    CNVkit and FACETS agree with the bcbio truth set over >95% of its length; a column or coordinate
    misread would collapse the agreement. (PURPLE and TITAN model ploidy differently and agree less.)
    """
    segs = reader(real(name)).events
    agree = total = 0
    for chrom, start, end, copies in read_truth_set(real("HCC2218_truthset_cnv_bcbio.tsv")):
        middle = (start + end) // 2
        hit = next((s for s in segs if s.chrom == chrom and s.start <= middle <= s.end), None)
        if hit is None or hit.copy_number is None:
            continue
        total += end - start + 1
        agree += (end - start + 1) if round(hit.copy_number) == copies else 0
    assert total > 0 and agree / total > 0.9


def test_gatk_denoised_bins_are_read_like_segments(tmp_path):
    path = tmp_path / "sample.denoisedCR.tsv"
    path.write_text(
        "@HD\tVN:1.6\n@RG\tID:GATKCopyNumber\tSM:B\nCONTIG\tSTART\tEND\tLOG2_COPY_RATIO\n1\t1\t1000\t-0.4\n"
    )
    assert [(s.start, s.end, s.log2, s.sample) for s in read_gatk_seg(path).events] == [(1, 1000, -0.4, "B")]


def test_cnv_vcf_non_integer_probes_warn_and_stay_unknown(tmp_path):
    path = tmp_path / "probes.vcf"
    path.write_text(
        "##fileformat=VCFv4.2\n#CHROM\tPOS\tID\tREF\tALT\tQUAL\tFILTER\tINFO\n"
        "1\t100\t.\tN\t<DEL>\t.\tPASS\tSVTYPE=DEL;END=200;CN=1;PROBES=2.5\n"
    )
    result = read_cnv_vcf(path)
    assert [(s.start, s.end, s.copy_number, s.probes) for s in result.events] == [(101, 200, 1.0, None)]
    assert messages(result) == [f"{path}:3: INFO/PROBES '2.5' is not a whole number; left unknown"]


def test_cnv_vcf_without_any_copy_number_record_is_refused():
    # sniffing looks at 50 lines only; a small-variant VCF with a long header reaches the reader
    path = TEST_DATA / "vcf" / "sites_only.grch38.vcf"
    with pytest.raises(UnknownFormatError, match=r"sites_only\.grch38\.vcf: none of the \d+ records is a DEL/DUP/CNV"):
        read_cnv_vcf(path)
