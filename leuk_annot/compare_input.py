"""Reading the two result documents of a comparison and refusing pairs that cannot be compared."""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path
from typing import Any

from .errors import CompareError, InputFormatError, InputNotFoundError
from .model import Warning
from .report.json_out import SCHEMA_VERSION as RESULT_SCHEMA_VERSION
from .report.json_out import load_schema as load_result_schema

UNKNOWN_BUILD = "unknown"
RESULT_HINT = "give the .leuk-annot.json written by `leuk-annot annotate`"


def load_result(path: Path) -> dict[str, Any]:
    """Parse a result file; a malformed one fails naming file, line and column."""
    path = Path(path)
    if not path.is_file():
        raise InputNotFoundError(path, None, "no such file")
    try:
        text = path.read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise InputFormatError(path, None, "not UTF-8 text, so not a leuk-annot result", RESULT_HINT) from None
    except OSError as exc:
        raise InputNotFoundError(path, None, f"cannot read: {exc.strerror or exc}") from None
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise InputFormatError(path, exc.lineno, f"not valid JSON: {exc.msg} (column {exc.colno})",
                               RESULT_HINT) from None
    if not isinstance(doc, dict):
        raise InputFormatError(path, None, "not a leuk-annot result: the JSON is not an object", RESULT_HINT)
    return doc


def _major(version: str) -> str:
    return version.split(".", 1)[0]


@cache
def _relaxed_result_schema() -> dict[str, Any]:
    """The result schema without ``additionalProperties: false`` and the version constant, for results
    of another minor version (minor versions only add fields)."""

    def relax(node: Any) -> Any:
        if isinstance(node, dict):
            return {k: relax(v) for k, v in node.items() if not (k == "additionalProperties" and v is False)}
        if isinstance(node, list):
            return [relax(v) for v in node]
        return node

    schema = relax(load_result_schema())
    schema["properties"]["schema_version"] = {"type": "string"}
    return schema


def check_result(doc: dict[str, Any], name: str) -> list[Warning]:
    """Refuse what is not a comparable leuk-annot result; ``name`` (a path) goes into the message."""
    import jsonschema  # lazy: only compare and tests need it

    version = doc.get("schema_version") if isinstance(doc, dict) else None
    if not isinstance(version, str) or "provenance" not in doc:
        raise InputFormatError(name, None, "not a leuk-annot result (no schema_version and provenance)", RESULT_HINT)
    warnings: list[Warning] = []
    if _major(version) != _major(RESULT_SCHEMA_VERSION):
        raise CompareError(f"{name}: result schema {version} cannot be compared by this leuk-annot, which reads "
                           f"{_major(RESULT_SCHEMA_VERSION)}.x; annotate both samples with the same leuk-annot major "
                           "version")
    schema = load_result_schema()
    if version != RESULT_SCHEMA_VERSION:
        schema = _relaxed_result_schema()
        warnings.append(Warning(f"{name}: result schema {version} differs from {RESULT_SCHEMA_VERSION} written by "
                                "this leuk-annot; compared on the fields both versions share"))
    validator = jsonschema.validators.validator_for(schema)(schema)
    error = jsonschema.exceptions.best_match(validator.iter_errors(doc))
    if error is not None:
        where = error.json_path if error.json_path != "$" else "the document"
        raise InputFormatError(name, None, f"not a leuk-annot result: {error.message} (at {where})", RESULT_HINT)
    return warnings


def check_pair(dx: dict[str, Any], rel: dict[str, Any], names: tuple[str, str]) -> tuple[str, list[Warning]]:
    """The genome build both are compared in, refusing mismatched builds and knowledge-base schemas."""
    warnings: list[Warning] = []
    dx_kb = dx["provenance"]["annotation_db_schema_version"]
    rel_kb = rel["provenance"]["annotation_db_schema_version"]
    if dx_kb != rel_kb:
        raise CompareError(f"knowledge-base schema versions differ ({names[0]}: {dx_kb}, {names[1]}: {rel_kb}); "
                           "lesion roles and therapy links are not comparable: annotate both samples with the "
                           "same annotation database")
    dx_build, rel_build = dx["genome_build"], rel["genome_build"]
    if dx_build != rel_build and UNKNOWN_BUILD not in (dx_build, rel_build):
        raise CompareError(f"genome builds differ ({names[0]}: {dx_build}, {names[1]}: {rel_build}); annotate both "
                           "samples on the same build (--genome) before comparing")
    build = dx_build if dx_build != UNKNOWN_BUILD else rel_build
    if UNKNOWN_BUILD in (dx_build, rel_build) and dx_build != rel_build:
        unknown = names[0] if dx_build == UNKNOWN_BUILD else names[1]
        warnings.append(Warning(f"{unknown}: genome build unknown (e.g. a fusion-only run); sequence variants are "
                                "matched by lesion id only, not by genomic position"))
    if dx["sample"]["id"] != rel["sample"]["id"]:
        warnings.append(Warning(f"sample ids differ (diagnosis {dx['sample']['id']!r}, relapse "
                                f"{rel['sample']['id']!r}): the comparison assumes both come from the same patient"))
    dx_db = dx["provenance"]["annotation_db_version"]
    rel_db = rel["provenance"]["annotation_db_version"]
    if dx_db != rel_db:
        warnings.append(Warning(f"annotated with different knowledge-base versions (diagnosis {dx_db}, relapse "
                                f"{rel_db}): some role or therapy differences may reflect curation, not the disease"))
    return build, warnings
