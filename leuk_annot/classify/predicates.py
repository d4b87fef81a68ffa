"""Named predicates that rules may reference when the tiny rule language is not enough.

A predicate takes ``(lesions, kb)`` and returns the ids of the lesions that satisfy it, or None
when it does not hold. Keeping these as reviewable code, named from the data, lets every rule
stay cited while the logic lives in one place. Copy-number predicates (IKZF1plus, ploidy) join
this registry with the copy-number readers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from ..model import Lesion

Predicate = Callable[[Sequence[Lesion], object], "frozenset[str] | None"]

PREDICATES: dict[str, Predicate] = {}
