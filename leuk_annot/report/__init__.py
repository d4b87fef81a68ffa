"""Render an AnnotationResult as one self-contained HTML file (JSON and TSV live beside this)."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING

from ..errors import OutputError
from ..user_cache import cache_dir
from .context import build_context

if TYPE_CHECKING:
    from ..knowledge.records import KnowledgeBase
    from ..model import AnnotationResult

__all__ = ["render_html", "write_html"]

ENTRY_TEMPLATE = "base.html.j2"
CSS_PATH = Path("static") / "report.css"
JS_PATH = Path("static") / "report.js"


def inline_css(templates_dir: Path):
    """The template set's stylesheet, marked safe for a <style> element (it is ours, not input)."""
    from markupsafe import Markup

    css_file = templates_dir / CSS_PATH
    # A custom template set may bring its styles inside its own templates.
    css = css_file.read_text(encoding="utf-8") if css_file.is_file() else ""
    if "</" in css:
        # "</style" would end the element early; CSS never needs "</".
        raise OutputError(f"{css_file}: stylesheet contains '</', which cannot be inlined in <style>")
    return Markup(css)


def inline_js(templates_dir: Path):
    """The template set's sort/filter script, marked safe for a <script> element (ours, not input)."""
    from markupsafe import Markup

    js_file = templates_dir / JS_PATH
    js = js_file.read_text(encoding="utf-8") if js_file.is_file() else ""
    if "</" in js:
        # "</script" would end the element early; the script is written without "</".
        raise OutputError(f"{js_file}: script contains '</', which cannot be inlined in <script>")
    return Markup(js)


def content_security_policy(script: str) -> str:
    """A policy under which the page fetches nothing and runs only our own inline script (by hash).

    Defence in depth beside autoescaping: an injected <script> would not run, and no stylesheet,
    image or font can be loaded from the network.
    """
    import base64
    import hashlib

    digest = base64.b64encode(hashlib.sha256(script.encode("utf-8")).digest()).decode("ascii")
    return (
        "default-src 'none'; style-src 'unsafe-inline'; img-src data:; "
        f"script-src 'sha256-{digest}'; base-uri 'none'; form-action 'none'"
    )


def template_environment(templates_dir: Path):
    """The Jinja environment of every leuk-annot page (sample report, `compare`): autoescaped and strict."""
    import jinja2  # lazy: keeps CLI start-up fast

    # autoescape=True, not select_autoescape(): the latter goes by extension and would leave
    # "*.html.j2" unescaped. StrictUndefined turns a template typo into an error, not a blank.
    return jinja2.Environment(
        loader=jinja2.FileSystemLoader(str(templates_dir)),
        bytecode_cache=_compiled_template_cache(jinja2),
        autoescape=True,
        undefined=jinja2.StrictUndefined,
        trim_blocks=True,
        lstrip_blocks=True,
        keep_trailing_newline=True,
    )


def _compiled_template_cache(jinja2):
    """Jinja's compiled templates, kept between runs: compiling the report's templates costs about a
    tenth of a second per sample. Entries are keyed by each template's source text and by the Python
    version, so an edited template is compiled afresh. A cache that cannot be read or written only
    costs that time again; None (no cache) when its directory cannot be made."""

    class Cache(jinja2.FileSystemBytecodeCache):
        def load_bytecode(self, bucket) -> None:
            try:
                super().load_bytecode(bucket)
            except Exception:  # a damaged entry: compile again
                bucket.reset()

        def dump_bytecode(self, bucket) -> None:
            try:
                super().dump_bytecode(bucket)
            except OSError:
                pass

    directory = cache_dir("templates")
    try:
        directory.mkdir(parents=True, exist_ok=True)
    except OSError:
        return None
    return Cache(str(directory))


def render_html(
    result: AnnotationResult,
    kb: KnowledgeBase,
    templates_dir: Path | None = None,
    *,
    created: str | None = None,
) -> str:
    """Render ``base.html.j2`` with the view-model from ``context.build_context``.

    ``created`` replaces the creation time shown in the header (for reproducible snapshots).
    """
    template, ctx = _page(result, kb, templates_dir, created)
    return template.render(ctx=ctx)


def write_html(path: Path, result: AnnotationResult, kb: KnowledgeBase, templates_dir: Path | None = None) -> None:
    """Render the page as ``render_html`` does, straight into the file at ``path``: the text is
    written as it is made and never held whole (a whole genome's page holds thousands of rows)."""
    template, ctx = _page(result, kb, templates_dir, None)
    with open(path, "w", encoding="utf-8") as handle:
        for chunk in template.generate(ctx=ctx):
            handle.write(chunk)


def _page(result: AnnotationResult, kb: KnowledgeBase, templates_dir: Path | None, created: str | None):
    if templates_dir is None:
        from ..knowledge.resources import default_templates_dir

        templates_dir = default_templates_dir()
    templates_dir = Path(templates_dir)
    if not (templates_dir / ENTRY_TEMPLATE).is_file():
        raise OutputError(f"{templates_dir}: no {ENTRY_TEMPLATE}; is this a leuk-annot template folder?")

    env = template_environment(templates_dir)
    ctx = build_context(result, kb, created=created)
    ctx["css"] = inline_css(templates_dir)
    ctx["js"] = inline_js(templates_dir)
    ctx["csp"] = content_security_policy(str(ctx["js"]))
    return env.get_template(ENTRY_TEMPLATE), ctx
