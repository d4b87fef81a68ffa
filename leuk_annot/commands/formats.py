"""`leuk-annot formats`: the registered input readers and how each file kind is recognised."""

from __future__ import annotations

import argparse

from ..errors import ExitStatus


def register(subparsers, common: argparse.ArgumentParser) -> None:
    formats = subparsers.add_parser("formats", parents=[common], help="list the registered input readers")
    formats.set_defaults(handler=run)


def run(args: argparse.Namespace) -> int:
    from ..io import CNV_READERS, FUSION_READERS, SV_READERS, VARIANT_READERS
    from ..io.sniff import describe_signatures

    signatures = dict(describe_signatures())
    try:
        from ..io.cnv_sniff import describe_cnv_signatures

        signatures.update(dict(describe_cnv_signatures()))
    except ImportError:  # copy-number sniffing not installed in this build
        pass
    print("kind\tformat\tsignature")
    fixed = {"vcf": "VCF header (##fileformat=VCF); small variants", "sv-vcf": "VCF with SVTYPE/MATEID/breakends"}
    for kind, registry in (("variants", VARIANT_READERS), ("fusions", FUSION_READERS), ("sv", SV_READERS),
                           ("cnv", CNV_READERS)):
        for name in sorted(registry):
            print(f"{kind}\t{name}\t{signatures.get(name) or fixed.get(name, '')}")
    return ExitStatus.OK
