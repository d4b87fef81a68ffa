"""The YAML loader of the knowledge base and the clinical file: safe, and dates kept as text (review
dates are compared as ISO strings; clinical dates are validated, and located, like any field).

PyYAML is imported on first use only: a run whose knowledge base comes from the parse cache
(``knowledge/__init__.py``) and has no clinical file never needs it.
"""

from __future__ import annotations

from functools import cache

__all__ = ["text_dates_loader"]


@cache
def text_dates_loader(fast: bool = False):
    """A SafeLoader subclass without the timestamp resolver. ``fast``: on libyaml when present (~15x
    faster; the clinical reader keeps the pure-Python one, whose error marks it quotes)."""
    import yaml

    base = getattr(yaml, "CSafeLoader", yaml.SafeLoader) if fast else yaml.SafeLoader

    class Loader(base):
        """Safe loader that keeps dates as text."""

    Loader.yaml_implicit_resolvers = {
        first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
        for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
    }
    return Loader
