"""Classify ALL subtypes by evaluating annotation_db rules over a sample's lesions."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import replace

from ..model import Lesion, LesionRole, SubtypeCall
from .lesions import DerivedLesions, derive_lesions
from .rules import candidates, evaluate, matches, pooled

__all__ = ["classify", "assign_roles", "derive_lesions", "DerivedLesions", "UNCLASSIFIED_ID"]

UNCLASSIFIED_ID = "BALL.NOS"
_CONFIDENCE_RANK = {"high": 0, "moderate": 1, "low": 2}


def classify(lesions: Sequence[Lesion], kb, not_assessed: Sequence[str] = ()) -> tuple[SubtypeCall, ...]:
    """Call every subtype whose defining rule holds; primary first, conflicts stated, never dropped.

    ``not_assessed`` names the evidence the inputs could not show; it is repeated on an
    unclassified call so that "no subtype found" is never read as "no subtype present".
    """
    lesions = pooled(lesions)
    best: dict[str, SubtypeCall] = {}
    rule_order = {rule.id: i for i, rule in enumerate(kb.rules)}
    for rule in kb.rules:
        if rule.role != "defining":
            continue
        support = evaluate(rule.when, lesions, kb)
        if support is None:
            continue
        subtype = kb.subtypes[rule.subtype]
        call = SubtypeCall(
            subtype_id=subtype.id,
            name=subtype.who_name,
            icc_name=subtype.icc_name,
            subtype_class=subtype.subtype_class,
            lineage=subtype.lineage,
            confidence=rule.confidence,
            rule_id=rule.id,
            supporting=tuple(sorted(support)),
            citations=tuple(dict.fromkeys(rule.citations + subtype.citations)),
            note=rule.note,
        )
        current = best.get(subtype.id)
        if current is None or _CONFIDENCE_RANK[call.confidence] < _CONFIDENCE_RANK[current.confidence]:
            best[subtype.id] = call
    for rule in kb.rules:  # supportive rules add evidence to calls already made, never create one
        if rule.role == "supportive" and rule.subtype in best:
            support = evaluate(rule.when, lesions, kb)
            if support:
                call = best[rule.subtype]
                best[rule.subtype] = replace(call, supporting=tuple(sorted(set(call.supporting) | support)))
    calls = sorted(best.values(), key=lambda c: (_CONFIDENCE_RANK[c.confidence], rule_order[c.rule_id]))
    if not calls:
        return (_unclassified(kb, not_assessed),)
    return _mark_conflicts(calls)


def _mark_conflicts(calls: list[SubtypeCall]) -> tuple[SubtypeCall, ...]:
    if len(calls) == 1:
        return (calls[0],)
    top = [c for c in calls if c.confidence == calls[0].confidence]
    names = ", ".join(c.name for c in calls)
    marked = []
    for call in calls:
        if len(top) > 1 and call in top:
            status, text = "conflicting", f"Competing defining lesions ({names}); not resolved automatically"
        elif call is calls[0]:
            status, text = "primary", f"Other subtype rules also matched at lower confidence ({names})"
        else:
            status, text = "additional", f"Also matched at {call.confidence} confidence; review against {calls[0].name}"
        note = f"{call.note} {text}." if call.note else f"{text}."
        marked.append(replace(call, status=status, note=note))
    return tuple(marked)


def _unclassified(kb, not_assessed: Sequence[str]) -> SubtypeCall:
    subtype = kb.subtypes[UNCLASSIFIED_ID]
    note = "No defining lesion was found in the data given."
    if not_assessed:
        note += " Not assessable from these inputs: " + "; ".join(not_assessed) + "."
    return SubtypeCall(
        subtype_id=subtype.id,
        name=subtype.who_name,
        icc_name=subtype.icc_name,
        subtype_class=None,
        lineage=subtype.lineage,
        confidence="low",
        rule_id=None,
        supporting=(),
        citations=subtype.citations,
        status="unclassified",
        note=note,
    )


def assign_roles(lesions: Sequence[Lesion], calls: Sequence[SubtypeCall], kb) -> list[Lesion]:
    """Attach what each lesion means: the subtype it defines, then every matching lesion rule."""
    defining = {}
    for call in calls:
        for lesion_id in call.supporting:
            defining.setdefault(lesion_id, call)
    rules_by_id = {rule.id: rule for rule in kb.rules}
    roles: dict[int, list[LesionRole]] = {}  # by id(lesion); most lesions have none
    for lesion in lesions:
        call = defining.get(lesion.id)
        if call is not None and call.rule_id is not None:
            rule = rules_by_id[call.rule_id]
            roles.setdefault(id(lesion), []).append(
                LesionRole(rule.id, f"defines {call.name}", "subtype_defining", False, None, rule.citations))
    pool = pooled(lesions)
    for rule in kb.lesion_rules:  # rule by rule, so each tests only the lesions of its gene
        ((kind, matcher),) = rule.match.items()
        for lesion in candidates(kind, matcher, pool):
            if matches(kind, matcher, lesion):
                roles.setdefault(id(lesion), []).append(LesionRole(
                    rule.id, rule.role, rule.category, rule.relapse, rule.risk, rule.citations, rule.note))
    return [_with_roles(lesion, tuple(roles.get(id(lesion), ()))) for lesion in lesions]


def _with_roles(lesion: Lesion, roles: tuple[LesionRole, ...]) -> Lesion:
    """The lesion with these roles (itself when it has them already: a copy costs, and most have none)."""
    return lesion if roles == lesion.roles else replace(lesion, roles=roles)
