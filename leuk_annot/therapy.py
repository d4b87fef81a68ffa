"""Link lesions and subtype calls to agents with evidence levels, and combine the prognosis."""

from __future__ import annotations

from collections.abc import Collection, Sequence

from .classify.rules import candidates, evaluate, matches, pooled
from .model import RISK_ORDER, Flag, Lesion, Prognosis, PrognosticFactor, SubtypeCall, TherapyLink


def link_therapies(lesions: Sequence[Lesion], calls: Sequence[SubtypeCall], kb) -> tuple[TherapyLink, ...]:
    """One link per (therapy record, agent): lesion-level records first, then subtype-level ones."""
    called = {c.subtype_id: c for c in calls if c.status != "unclassified"}
    lesions = pooled(lesions)
    links = []
    for therapy in kb.therapies:
        ((kind, target),) = therapy.applies_to.items()
        if kind == "subtype":
            if target not in called:
                continue
            lesion_ids, subtype_ids = called[target].supporting, (target,)
        else:
            lesion_ids = tuple(lesion.id for lesion in candidates(kind, target, lesions)
                               if matches(kind, target, lesion))
            if not lesion_ids:
                continue
            subtype_ids = ()
        for agent in therapy.agents:
            links.append(TherapyLink(
                therapy_id=therapy.id,
                agent=agent.agent,
                response=agent.response,
                evidence_level=therapy.evidence_level,
                tier=therapy.tier,
                lesion_ids=lesion_ids,
                context=therapy.context,
                citations=therapy.citations,
                last_reviewed=therapy.last_reviewed,
                subtype_ids=subtype_ids,
            ))
    return tuple(links)


def combine_prognosis(lesions: Sequence[Lesion], calls: Sequence[SubtypeCall], kb,
                      assessed: Collection[str] = ()) -> Prognosis:
    """Highest risk among the called subtypes and the lesions with a prognostic weight.

    A lesion rule may list subtypes whose own prognosis it does not raise (for example a
    lesion that keeps its favourable meaning within one subtype); that exception is data.
    """
    called = {c.subtype_id for c in calls if c.status != "unclassified"}
    factors = []
    for call in calls:
        subtype = kb.subtypes[call.subtype_id]
        if call.status != "unclassified" and subtype.risk:
            factors.append(PrognosticFactor(subtype.risk, subtype.id, call.name, call.rule_id or "",
                                            subtype.risk_citations or subtype.citations))
    lesion_rules = {rule.id: rule for rule in kb.lesion_rules}
    for lesion in lesions:
        for role in lesion.roles:
            rule = lesion_rules.get(role.rule_id)
            if rule is None or not role.risk or called & set(rule.risk_not_applied_in):
                continue
            factors.append(PrognosticFactor(role.risk, lesion.id, lesion.label, role.rule_id, role.citations))
    for marker, _support in evaluate_markers(lesions, kb, assessed):
        if marker.risk and not called & set(marker.risk_not_applied_in):
            factors.append(PrognosticFactor(marker.risk, marker.id, marker.name, marker.id, marker.citations))
    risk = max((f.risk for f in factors), key=RISK_ORDER.index, default=None)
    factors.sort(key=lambda f: -RISK_ORDER.index(f.risk))
    return Prognosis(risk=risk, basis=tuple(factors), policy=str(kb.policies.get("prognosis", "")))


def collect_flags(lesions: Sequence[Lesion], kb, assessed: Collection[str] = ()) -> tuple[Flag, ...]:
    """Report flags raised by lesion rules, one per rule, naming every lesion that raised it."""
    by_rule: dict[str, list[str]] = {}
    for lesion in lesions:
        for role in lesion.roles:
            by_rule.setdefault(role.rule_id, []).append(lesion.id)
    flags = []
    for rule in kb.lesion_rules:
        if rule.flag and rule.id in by_rule:
            flags.append(Flag(rule.id, rule.flag, rule.citations, tuple(by_rule[rule.id])))
    for marker, support in evaluate_markers(lesions, kb, assessed):
        flags.append(Flag(marker.id, marker.flag, marker.citations, tuple(sorted(support))))
    flags.extend(pediatric_target_flags(lesions, kb))
    return tuple(flags)


def pediatric_target_flags(lesions: Sequence[Lesion], kb) -> list[Flag]:
    """One RMTL-<target> flag per paediatric-list target hit by a high-confidence lesion.

    A lesion hits a target when its kind is one the target lists and one of its genes is a target
    gene; a fusion therefore counts through either partner only for targets that list fusions.
    """
    flags = []
    lesions = pooled(lesions)
    for target in kb.pediatric_targets:
        hits = tuple(
            lesion.id for lesion in lesions.of_genes(target.genes)
            if lesion.confidence == "high" and lesion.kind in target.lesion_kinds
        )
        if hits:
            text = (f"{target.target} is on the {target.list} ({target.list_version}): paediatric investigation "
                    "of agents directed at this target is expected under the FDARA 2017 amendments to PREA, "
                    "although listing alone does not mandate a study")
            flags.append(Flag(f"RMTL-{target.target}", text, target.citations, hits))
    return flags


def evaluate_markers(lesions: Sequence[Lesion], kb, assessed: Collection[str] = ()) -> list:
    """(marker, supporting lesion ids) for every composite marker whose condition holds.

    A marker whose ``requires`` input kinds are not all in ``assessed`` is skipped: without
    copy-number segments the absence of a deletion is unknown, so "no deletion" cannot count.
    """
    hits = []
    lesions = pooled(lesions)
    for marker in kb.markers:
        if not set(marker.requires) <= set(assessed):
            continue
        support = evaluate(marker.when, lesions, kb)
        if support is not None:
            hits.append((marker, support))
    return hits


def therapy_conflict_flags(therapies: Sequence[TherapyLink], lesions: Sequence[Lesion]) -> tuple[Flag, ...]:
    """One flag per agent with both sensitivity and resistance links in this sample (e.g. imatinib for
    BCR::ABL1 and against ABL1 T315I), so a sensitivity line is never read without its counterpart."""
    labels = {lesion.id: lesion.label for lesion in lesions}
    by_agent: dict[str, dict[str, list[TherapyLink]]] = {}
    for link in therapies:
        by_agent.setdefault(link.agent, {}).setdefault(link.response, []).append(link)
    flags = []
    for agent, responses in sorted(by_agent.items()):
        if "sensitivity" not in responses or "resistance" not in responses:
            continue

        def describe(links: list[TherapyLink]) -> str:
            return "; ".join(f"{', '.join(labels.get(i, i) for i in link.lesion_ids)} (level {link.evidence_level})"
                             for link in links)

        citations = tuple(dict.fromkeys(c for links in responses.values() for link in links for c in link.citations))
        lesion_ids = tuple(dict.fromkeys(i for links in responses.values() for link in links for i in link.lesion_ids))
        flags.append(Flag(
            f"THERAPY-CONFLICT-{agent.upper().replace(' ', '_')}",
            f"{agent}: sensitivity via {describe(responses['sensitivity'])} but resistance via "
            f"{describe(responses['resistance'])} in this sample; review before use.",
            citations,
            lesion_ids,
        ))
    return tuple(flags)
