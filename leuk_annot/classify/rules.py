"""A tiny evaluator for knowledge-base conditions (all_of / any_of / none_of over matchers).

Evaluating a condition returns the ids of the lesions that made it true, or None when it is
false, so every call can name its supporting lesions.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Mapping, Sequence
from fnmatch import fnmatchcase
from typing import Any

from ..hgvs import short_protein
from ..model import Lesion, LesionKind
from .predicates import PREDICATES

Support = frozenset[str]


def evaluate(condition: Mapping[str, Any], lesions: Sequence[Lesion], kb) -> Support | None:
    """Evaluate ``condition`` over the lesions; return supporting lesion ids or None if false."""
    ((key, value),) = condition.items()
    if key == "any_of":
        results = [r for r in (evaluate(c, lesions, kb) for c in value) if r is not None]
        return frozenset().union(*results) if results else None
    if key == "all_of":
        support: set[str] = set()
        for child in value:
            result = evaluate(child, lesions, kb)
            if result is None:
                return None
            support |= result
        return frozenset(support)
    if key == "none_of":
        return None if any(evaluate(c, lesions, kb) is not None for c in value) else frozenset()
    if key == "predicate":
        return PREDICATES[value](lesions, kb)
    hits = frozenset(lesion.id for lesion in candidates(key, value, lesions) if matches(key, value, lesion))
    return hits or None


def candidates(kind: str, matcher: Any, lesions: Sequence[Lesion]) -> Sequence[Lesion]:
    """The lesions a leaf matcher could match: a gene's lesions, the fusions, the lesions of one id prefix.

    A whole genome can give thousands of lesions and the knowledge base hundreds of matchers; the
    index (built once per sequence, with ``LesionPool``) keeps that product small.
    """
    if not isinstance(lesions, LesionPool):
        return lesions
    if kind in ("variant", "deletion"):
        return lesions.by_gene.get(matcher["gene"], ())
    if kind == "fusion":
        return lesions.fusions
    if kind == "lesion":
        prefix = matcher.split(":", 1)[0]
        if not any(ch in prefix for ch in "*?["):
            return lesions.by_id_prefix.get(prefix, ())
    return lesions


def pooled(lesions: Sequence[Lesion]) -> LesionPool:
    return lesions if isinstance(lesions, LesionPool) else LesionPool(lesions)


class LesionPool(tuple):
    """A tuple of lesions that also knows each gene's lesions, the fusions and each id prefix's
    lesions ("karyotype", "deletion", ...; see ``candidates``)."""

    by_gene: dict[str, list[Lesion]]
    by_id_prefix: dict[str, list[Lesion]]
    fusions: list[Lesion]
    _position: dict[int, int]

    def __new__(cls, lesions: Sequence[Lesion]) -> LesionPool:
        pool = super().__new__(cls, lesions)
        pool.by_gene, pool.by_id_prefix = {}, {}
        pool._position = {id(lesion): i for i, lesion in enumerate(pool)}
        pool.fusions = [lesion for lesion in pool if lesion.kind is LesionKind.FUSION]
        for lesion in pool:
            for gene in dict.fromkeys(lesion.genes):
                pool.by_gene.setdefault(gene, []).append(lesion)
            pool.by_id_prefix.setdefault(lesion.id.split(":", 1)[0], []).append(lesion)
        return pool

    def of_genes(self, genes: Iterable[str]) -> list[Lesion]:
        """The lesions naming any of ``genes``, in pool order."""
        found = {id(lesion): lesion for gene in genes for lesion in self.by_gene.get(gene, ())}
        return sorted(found.values(), key=lambda lesion: self._position[id(lesion)])


def matches(kind: str, matcher: Any, lesion: Lesion) -> bool:
    """Does one lesion satisfy one leaf matcher (``fusion``, ``variant`` or ``deletion``)?

    For a gene deletion, ``consequence_class`` holds its extent (whole_gene, intragenic, partial).
    """
    if kind == "fusion":
        if isinstance(matcher, dict) and "isoform" in matcher and lesion.isoform not in matcher["isoform"]:
            return False
        return lesion.kind is LesionKind.FUSION and fusion_matches(matcher, lesion.genes)
    if kind == "variant":
        return lesion.kind is LesionKind.SEQUENCE_VARIANT and _variant_matches(matcher, lesion)
    if kind == "lesion":  # a lesion id, '*' allowed: "karyotype:high_hyperdiploid", "amplification:*"
        return fnmatchcase(lesion.id, matcher)
    if kind == "deletion":
        return (lesion.kind is LesionKind.GENE_DELETION and matcher["gene"] in lesion.genes
                and ("extent" not in matcher or lesion.consequence_class in matcher["extent"]))
    raise ValueError(f"unknown matcher {kind!r}")


def fusion_matches(matcher: Any, genes: Sequence[str]) -> bool:
    """Match 'GENE5::GENE3' patterns with '*' for any partner, minus listed exceptions."""
    name = "::".join(genes)
    if isinstance(matcher, str):
        return fnmatchcase(name, matcher)
    if not fnmatchcase(name, matcher["pattern"]):
        return False
    return not any(fnmatchcase(name, pattern) for pattern in matcher.get("except", ()))


def _variant_matches(matcher: Mapping[str, Any], lesion: Lesion) -> bool:
    if matcher["gene"] not in lesion.genes:
        return False
    protein = short_protein(lesion.hgvs_p)
    if "protein" in matcher and protein not in matcher["protein"]:
        return False
    if "protein_regex" in matcher and not (protein and re.fullmatch(matcher["protein_regex"], protein)):
        return False
    if "consequence_class" in matcher and lesion.consequence_class not in matcher["consequence_class"]:
        return False
    if matcher.get("hotspot") and lesion.hotspot_id is None:
        return False
    if "clonality" in matcher and lesion.clonality not in matcher["clonality"]:
        return False
    return True
