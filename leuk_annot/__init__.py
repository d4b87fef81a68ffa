"""leuk-annot: classify ALL subtypes and relapse lesions from sequencing calls, with citations.

The public API is deliberately small (cyvcf2-sized); heavy modules load on first use so that
``leuk-annot --version`` stays instant.
"""

__version__ = "0.1.0"

__all__ = [
    "__version__",
    "annotate",
    "load_knowledge",
    "render_html",
    "to_json",
    "SampleInputs",
    "AnnotationResult",
]


def __getattr__(name: str):
    # Lazy re-exports: importing the package must not import cyvcf2, jinja2 or yaml.
    if name in ("annotate", "SampleInputs"):
        from . import api

        return getattr(api, name)
    if name == "load_knowledge":
        from .knowledge import load_knowledge

        return load_knowledge
    if name == "render_html":
        from .report import render_html

        return render_html
    if name == "to_json":
        from .report.json_out import to_json

        return to_json
    if name == "AnnotationResult":
        from .model import AnnotationResult

        return AnnotationResult
    raise AttributeError(f"module 'leuk_annot' has no attribute {name!r}")
