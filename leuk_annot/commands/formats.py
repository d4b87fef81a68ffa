"""`leuk-annot formats`: the registered input readers and how each file kind is recognised."""

from __future__ import annotations

import argparse

from ..errors import ExitStatus


def register(subparsers, common: argparse.ArgumentParser) -> None:
    formats = subparsers.add_parser("formats", parents=[common], help="list the registered input readers")
    formats.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..io import CNV_READERS, FUSION_READERS, SV_READERS, VARIANT_READERS
    from ..io.cnv_sniff import describe_cnv_signatures
    from ..io.sniff import describe_signatures

    described = {
        "variants": {"vcf": "VCF 4.2/4.3, plain, bgzipped or BCF (##fileformat=VCF)"},
        "fusions": dict(describe_signatures()),
        "sv": {"sv-vcf": "VCF with breakend ALTs, MATEID, CHR2 or symbolic SV alleles"},
        "cnv": dict(describe_cnv_signatures()),
    }
    print("kind\tformat\tsignature")
    for kind, registry in (("variants", VARIANT_READERS), ("fusions", FUSION_READERS), ("sv", SV_READERS),
                           ("cnv", CNV_READERS)):
        for name in sorted(registry):
            print(f"{kind}\t{name}\t{described[kind].get(name, '')}")
    return ExitStatus.OK
