"""The one number formatter: a value written as text the way the project writes numbers.

What belongs here: turning a number (int, float, Decimal) into plain text: no
thousands separator, no exponent, no trailing zeros, "-0" as "0"; booleans as
true/false, text as it is. The canonical CSVs, the chart downloads, the
importer's cells and the report's figures all write numbers through it.
What does not: units and qualifiers around a figure ("49.3亿元", "30多所":
model.format_value) or Chinese numerals for chapters (pages.py).
"""

from __future__ import annotations

import math
from decimal import Decimal
from typing import Any


def text(value: Any, significant: int | None = None) -> str:
    """A value as plain text.

    A float is written as its shortest exact form (49.3, not 49.299999...), or rounded to
    `significant` digits first: a spreadsheet's binary floats (0.30000000000000004) are
    read back with 15, the digits Excel shows.

    >>> text(49.3), text(2020.0), text(1e-7), text(0.1 + 0.2, 15), text(-0.0), text(True)
    ('49.3', '2020', '0.0000001', '0.3', '0', 'true')
    """
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, str):
        return value
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if not math.isfinite(value):
            return str(value)
        dec = Decimal(format(value, f".{significant}g")) if significant else Decimal(repr(value))
    elif isinstance(value, Decimal):
        dec = value
    else:
        return str(value)
    written = format(dec, "f")
    if "." in written:
        written = written.rstrip("0").rstrip(".")
    return "0" if written in ("-0", "") else written
