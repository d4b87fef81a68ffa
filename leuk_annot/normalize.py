"""Gene symbols and fusion names in one canonical form (HGNC symbols, ``5'::3'``), decided at the boundary.

This module knows no genes itself: the caller passes the alias table (``{"MLL": "KMT2A", ...}``)
taken from the knowledge base, so readers and tests can use it without loading one.
"""

from __future__ import annotations

import dataclasses
import re
from collections.abc import Collection, Mapping

from .errors import InputFormatError
from .model import Fusion

__all__ = ["parse_fusion_name", "normalize_gene", "normalize_fusion"]

# Unambiguous separators, most specific first: HGNC/VICC "::", STAR-Fusion "--", JAFFA ":".
# A single "-" is deliberately absent: it cannot express TRB::NKX2-1 (oncokb's split on "-" cannot).
SEPARATORS = ("::", "--", ":")

_FUSION_WORD = re.compile(r"\s+fusion$", re.IGNORECASE)  # "BCR::ABL1 fusion" (OncoKB wording)
_ENSEMBL_ID = re.compile(r"^(ENS[A-Z]*G\d{11})(?:\.\d+)?$", re.IGNORECASE)
_RECEPTOR_SEGMENT = re.compile(r"^(IG[HKL]|TR[ABGD])[VDJC][A-Z0-9-]*$")  # IGHJ6, IGHV3-23, TRBC1 -> locus
_EXAMPLE_HINT = "write the fusion as 5'::3', e.g. BCR::ABL1 (STAR-Fusion 'BCR--ABL1' is accepted too)"


def parse_fusion_name(
    text: str, *, path: object = None, line: int | None = None, known_genes: Collection[str] | None = None
) -> tuple[str, str]:
    """Split a fusion name into its (5', 3') partners, refusing separators that could be misread.

    ``path``/``line`` only locate the error message; symbols are returned as written (no alias
    lookup), so ``IGH@--CRLF2`` gives ``("IGH@", "CRLF2")``. A single ``-`` (OncoKB's
    ``ETV6-RUNX1 fusion``) is split only when ``known_genes`` (upper-case symbols) makes exactly one
    split name two known genes: ``TRB-NKX2-1`` -> (TRB, NKX2-1), never (TRB-NKX2, 1).
    """
    where = "fusion name" if path is None else path
    name = _FUSION_WORD.sub("", text.strip())
    if not name:
        raise InputFormatError(where, line, "empty fusion name", _EXAMPLE_HINT)
    separator = next((sep for sep in SEPARATORS if sep in name), None)
    if separator is None:
        split = _split_on_known_hyphen(name, known_genes)
        if split is not None:
            return split
        message, hint = _no_separator_problem(text, name)
        raise InputFormatError(where, line, message, hint)
    parts = name.split(separator)
    if len(parts) != 2 or any(sep in part for part in parts for sep in SEPARATORS):
        raise InputFormatError(
            where, line, f"fusion name {text!r} has more than two partners", "give one 5'::3' pair per row"
        )
    gene5, gene3 = (part.strip() for part in parts)
    if not gene5:
        raise InputFormatError(where, line, f"empty 5' partner in {text!r}", "both partners must be named")
    if not gene3:
        raise InputFormatError(where, line, f"empty 3' partner in {text!r}", "both partners must be named")
    if any(ch.isspace() for ch in gene5 + gene3):
        raise InputFormatError(
            where, line, f"fusion name {text!r} has a space inside a gene symbol", _EXAMPLE_HINT
        )
    return gene5, gene3


def _split_on_known_hyphen(name: str, known_genes: Collection[str] | None) -> tuple[str, str] | None:
    if not known_genes or "-" not in name:
        return None
    positions = [i for i, ch in enumerate(name) if ch == "-"]
    splits = [(name[:i], name[i + 1:]) for i in positions]
    valid = [(a, b) for a, b in splits if a.upper() in known_genes and b.upper() in known_genes]
    return valid[0] if len(valid) == 1 else None


def _no_separator_problem(text: str, name: str) -> tuple[str, str]:
    """Message and hint for a name without '::', '--' or ':'; a hint may suggest, never decide."""
    if re.search(r"-intragenic$", name, re.IGNORECASE):
        return (
            f"{text!r} describes an intragenic event, not a fusion of two genes",
            "pass intragenic deletions as copy-number or SV calls",
        )
    if "-" in name:
        parts = name.split("-")
        hint = _EXAMPLE_HINT
        if len(parts) == 2 and all(parts):
            hint = f"write it as {parts[0]}::{parts[1]} if that is what is meant"
        return (
            f"fusion name {text!r} joins its partners with a single '-', which is ambiguous "
            "(symbols such as NKX2-1 contain hyphens)",
            hint,
        )
    return f"fusion name {text!r} has no partner separator ('::', '--' or ':')", _EXAMPLE_HINT


def normalize_gene(symbol: str, aliases: Mapping[str, str]) -> str:
    """Return the current HGNC symbol for a caller's gene label.

    Strips STAR-Fusion's ``^ENSG...`` suffix and Ensembl version numbers, resolves ``@`` locus
    names (``IGH@`` -> ``IGH``) and maps previous symbols/aliases through ``aliases`` (upper-case
    alias -> canonical symbol; MLL2 is KMT2D, never KMT2A). The lookup ignores case; a symbol the
    table does not know is returned stripped but otherwise as written.
    """
    label = symbol.strip()
    if "^" in label:  # STAR-Fusion "BCR^ENSG00000186716.21"; a bare "^ENSG..." keeps the id
        name, _, gene_id = label.partition("^")
        label = name.strip() or gene_id.strip()
    if not label:
        raise ValueError(f"empty gene symbol in {symbol!r}")
    ensembl = _ENSEMBL_ID.match(label)
    if ensembl:
        return ensembl.group(1).upper()
    canonical = aliases.get(label.upper())
    if canonical is not None:
        return canonical
    segment = _RECEPTOR_SEGMENT.match(label.upper())
    if segment and segment.group(1) in aliases:  # an IG/TR gene segment stands for its locus
        return aliases[segment.group(1)]
    if label.endswith("@") and len(label) > 1:  # HGNC locus names: IGH@, TRB@
        locus = label[:-1]
        return aliases.get(locus.upper(), locus)
    return label


def normalize_fusion(fusion: Fusion, aliases: Mapping[str, str]) -> Fusion:
    """A copy of ``fusion`` with both partners normalised by ``normalize_gene``."""
    return dataclasses.replace(
        fusion, gene5=normalize_gene(fusion.gene5, aliases), gene3=normalize_gene(fusion.gene3, aliases)
    )
