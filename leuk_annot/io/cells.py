"""Cell parsing shared by the table readers: numbers and whole counts from text, no warnings here."""

from __future__ import annotations

__all__ = ["to_float", "is_number", "whole"]


def to_float(value: str | None) -> float | None:
    """``float(value)``, or None when absent or not a number (``inf``/``nan`` text is a float)."""
    if value is None:
        return None
    try:
        return float(value)
    except ValueError:
        return None


def is_number(text: str) -> bool:
    """True when the cell, spaces and double quotes stripped, reads as a number (R writes ``"1e+05"``)."""
    return to_float(text.strip().strip('"')) is not None


def whole(value: str) -> int | None:
    """A non-negative whole number (``3``, ``3.0``, ``1e+05``), or None when the text is not one."""
    number = to_float(value)
    if number is None or not number >= 0 or not number.is_integer():
        return None
    return int(number)
