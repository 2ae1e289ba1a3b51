"""Resource limits of a project: datasets/package.yml `limits:` over the defaults below.

Every limit is checked before the thing it bounds is read whole: file sizes
from the file system, XLSX sizes from the archive's directory, rows and
columns while a CSV is parsed row by row. A project with bigger tables raises
the limits in package.yml; a limit that is not a positive whole number is an
error (checks/project.py reports it), and the defaults apply meanwhile.
"""

from __future__ import annotations

from typing import Any

DEFAULTS: dict[str, int] = {
    "max_file_bytes": 20_000_000,  # one CSV (and a sheet offered to the importer)
    "max_rows": 100_000,  # data rows of one CSV or sheet
    "max_columns": 200,  # columns of one CSV or sheet
    "max_cell_chars": 2000,  # characters of one cell
    "max_xlsx_bytes": 20_000_000,  # an XLSX file as stored
    "max_xlsx_uncompressed_bytes": 100_000_000,  # everything inside it, unpacked
    "max_chart_height": 2000,  # pixels; a chart's `height:`
    "max_chart_items": 500,  # categories times series of one chart
}


def check(configured: Any) -> tuple[dict[str, int], list[tuple[str, Any, str]]]:
    """(limits, problems): the configured limits over the defaults; each problem is
    (key, value, reason). A broken limit keeps its default."""
    limits = dict(DEFAULTS)
    problems: list[tuple[str, Any, str]] = []
    if configured in (None, ""):
        return limits, problems
    if not isinstance(configured, dict):
        return limits, [("", configured, "limits must be a mapping of names to numbers")]
    for key, value in configured.items():
        if key not in DEFAULTS:
            problems.append((str(key), value, "unknown limit"))
        elif isinstance(value, bool) or not isinstance(value, int) or value <= 0:
            problems.append((str(key), value, "not a positive whole number"))
        else:
            limits[key] = value
    return limits, problems


def of(package: dict[str, Any]) -> dict[str, int]:
    return check(package.get("limits"))[0]
