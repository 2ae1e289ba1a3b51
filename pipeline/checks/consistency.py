"""Rules across rows and datasets, run on typed records of tables that passed.

Generic rules apply wherever a table has the columns they need:
- value / value_max / qualifier: a range's upper end is not below its lower
  end, and a range carries no qualifier;
- derived / derivation: a derived figure says how it was derived, a stated one
  does not;
- counts (units such as 家, 个, 项) are not negative (not necessarily whole:
  2.36 件 per 10,000 people is a rate counted in 件);
- indicator_id + year: an indicator keeps its names, unit and area every year;
- target_kind + indicator_id + baseline_year: a measured target has a baseline;
- indicator_id + year + value: a figure more than JUMP_FACTOR times (or less than
  1/JUMP_FACTOR of) the indicator's figure the year before, in the same unit, is a
  warning (542.3 where 54.23 was meant); the importer refuses it without --confirm.
Rules declared under `consistency:` in a dataset's metadata compare figures:
- stock-flow: stock[year] = stock[year-1] + flow[year];
- share: share[year] = part[year] / whole[year] * 100 (within rounding).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from typing import Any

from ..editions import edition_of
from ..findings import Issue

COUNT_UNITS = {"家", "个", "项", "件", "所", "名", "场", "期", "条", "人", "位"}
DEFINITION_COLUMNS = ("name_zh", "name_en", "unit", "unit_en", "area_id")

# Every column a check here reads: a large table keeps these typed (checks/columns.py).
COLUMNS = ("indicator_id", "year", "value", "value_max", "qualifier", "unit", "derived", "derivation",
           "target_id", "target_kind", "baseline_year", "plan_year", "source_id", *DEFINITION_COLUMNS)

# Records of a table, in file order. A large table passes only the rows where a check could
# find something, as Sparse records (checks/columns.py decides which).
Records = list[dict[str, Any]]


class Sparse(list):  # type: ignore[type-arg]
    """Some records of a table with their row numbers (the others cannot raise an issue)."""

    def __init__(self, numbered: list[tuple[int, dict[str, Any]]]) -> None:
        super().__init__(rec for _, rec in numbered)
        self.rows = [row for row, _ in numbered]


def _numbered(records: Records) -> Iterable[tuple[int, dict[str, Any]]]:
    if isinstance(records, Sparse):
        return zip(records.rows, records, strict=True)
    return enumerate(records, start=2)  # the header is row 1


def check_values(records: Records, path: str) -> list[Issue]:
    issues = []
    for row, rec in _numbered(records):
        value, upper, qualifier = rec.get("value"), rec.get("value_max"), rec.get("qualifier")
        if upper is not None and value is not None:
            if upper < value:
                issues.append(
                    Issue(
                        "range-order", path, row=row, column="value_max", value=upper, params={"lower": value}
                    )
                )
            if qualifier:
                issues.append(
                    Issue(
                        "range-with-qualifier",
                        path,
                        row=row,
                        column="qualifier",
                        value=qualifier,
                        params={"qualifier": qualifier},
                    )
                )
        if "derived" in rec:
            derivation = rec.get("derivation")
            if rec["derived"] and not derivation:
                issues.append(Issue("derivation-missing", path, row=row, column="derivation"))
            if rec["derived"] is False and derivation:
                issues.append(
                    Issue("derivation-unexpected", path, row=row, column="derivation", value=derivation)
                )
        unit = rec.get("unit")
        if unit in COUNT_UNITS:
            for column in ("value", "value_max"):
                number = rec.get(column)
                if number is not None and number < 0:
                    issues.append(
                        Issue(
                            "negative-count",
                            path,
                            row=row,
                            column=column,
                            value=number,
                            params={"unit": unit},
                        )
                    )
    return issues


def check_definitions(records: Records, path: str) -> list[Issue]:
    """An indicator keeps the same names, unit and area in every year."""
    sample = next((rec for _, rec in _numbered(records)), None)
    if sample is None or "indicator_id" not in sample or "year" not in sample:
        return []
    first: dict[str, tuple[int, dict[str, Any]]] = {}
    issues = []
    for row, rec in _numbered(records):
        key = rec["indicator_id"]
        if key not in first:
            first[key] = (row, rec)
            continue
        other_row, other = first[key]
        for column in DEFINITION_COLUMNS:
            if column in rec and rec[column] != other.get(column):
                issues.append(
                    Issue(
                        "inconsistent-definition",
                        path,
                        row=row,
                        column=column,
                        value=rec[column],
                        params={"key": key, "other": other.get(column), "other_row": other_row},
                    )
                )
    return issues


JUMP_FACTOR = 5


def check_jumps(records: Records, path: str) -> list[Issue]:
    """Warn where an indicator's value changes more than JUMP_FACTOR-fold from the year before."""
    if not records or not {"indicator_id", "year", "value"} <= set(records[0]):
        return []
    known = {(rec["indicator_id"], rec["year"]): rec for rec in records}
    issues = []
    for row, rec in _numbered(records):
        year, value = rec.get("year"), rec.get("value")
        if not isinstance(year, int) or not isinstance(value, int | float) or not value:
            continue
        earlier = [y for (i, y) in known if i == rec["indicator_id"] and y < year]
        if not earlier:
            continue
        before = known[(rec["indicator_id"], max(earlier))]
        old = before.get("value")
        if not isinstance(old, int | float) or not old or before.get("unit") != rec.get("unit"):
            continue
        factor = abs(value / old)
        if factor > JUMP_FACTOR or factor < 1 / JUMP_FACTOR:
            issues.append(Issue("year-on-year-jump", path, row=row, column="value", value=value,
                                severity="warning",
                                params={"key": rec["indicator_id"], "previous_year": max(earlier),
                                        "other": old, "factor": f"{factor:.3g}"}))
    return issues


def _lookup(records: Records) -> dict[tuple[str, int], tuple[int, dict[str, Any]]]:
    return {(rec["indicator_id"], rec["year"]): (row, rec) for row, rec in _numbered(records)}


def check_baselines(targets: Records, indicators: Records, path: str) -> list[Issue]:
    """A target measured by an indicator needs that indicator's value in the baseline year."""
    known = _lookup(indicators)
    issues = []
    for row, rec in _numbered(targets):
        indicator, year = rec.get("indicator_id"), rec.get("baseline_year")
        if indicator and year is not None and (indicator, year) not in known:
            issues.append(
                Issue(
                    "baseline-missing",
                    path,
                    row=row,
                    column="indicator_id",
                    value=indicator,
                    params={"key": rec.get("target_id"), "year": year},
                )
            )
    return issues


def _rows_of(known: dict, indicator_id: str) -> list[tuple[int, int, dict[str, Any]]]:
    """(year, row, record) of one indicator, in file order."""
    found = [(year, row, rec) for (ind, year), (row, rec) in known.items() if ind == indicator_id]
    return sorted(found, key=lambda item: item[1])


def _stock_flow(rule: dict[str, Any], known: dict, path: str) -> list[Issue]:
    issues = []
    for year, row, rec in _rows_of(known, rule["stock"]):
        previous = known.get((rule["stock"], year - 1))
        flow = known.get((rule["flow"], year))
        if previous is None or flow is None:
            continue
        expected = previous[1]["value"] + flow[1]["value"]
        if abs(rec["value"] - expected) > 1e-9:
            issues.append(
                Issue(
                    "stock-flow-mismatch",
                    path,
                    row=row,
                    column="value",
                    value=rec["value"],
                    params={
                        "year": year,
                        "previous_year": year - 1,
                        "stock": rule["stock"],
                        "previous": previous[1]["value"],
                        "flow": flow[1]["value"],
                        "expected": expected,
                    },
                )
            )
    return issues


def _share(rule: dict[str, Any], known: dict, path: str) -> list[Issue]:
    issues = []
    for year, row, rec in _rows_of(known, rule["share"]):
        part, whole = known.get((rule["part"], year)), known.get((rule["whole"], year))
        if part is None or whole is None or not whole[1]["value"]:
            continue
        expected = part[1]["value"] / whole[1]["value"] * 100
        digits = len(str(rec["value"]).partition(".")[2])
        if abs(round(expected, digits) - rec["value"]) > 10**-digits / 2 + 1e-9:
            issues.append(
                Issue(
                    "share-mismatch",
                    path,
                    row=row,
                    column="value",
                    value=rec["value"],
                    params={
                        "year": year,
                        "share_id": rule["share"],
                        "part": rule["part"],
                        "whole": rule["whole"],
                        "expected": round(expected, 2),
                    },
                )
            )
    return issues


RULES: dict[str, tuple[tuple[str, ...], Callable[[dict[str, Any], dict, str], list[Issue]]]] = {
    "stock-flow": (("stock", "flow"), _stock_flow),
    "share": (("part", "whole", "share"), _share),
}


def check_rules(rules: list[dict[str, Any]], records: Records, path: str, meta_path: str) -> list[Issue]:
    """Apply the `consistency:` rules of a dataset's metadata to its indicator records."""
    known = _lookup(records)
    ids = {indicator for indicator, _ in known}
    issues = []
    for rule in rules:
        spec = RULES.get(rule.get("type", ""))
        if spec is None:
            issues.append(
                Issue(
                    "meta-invalid",
                    meta_path,
                    value=rule.get("type"),
                    params={"reason": f"has an unknown consistency rule type {rule.get('type')!r}"},
                )
            )
            continue
        keys, run = spec
        unknown = [rule.get(k) for k in keys if rule.get(k) not in ids]
        if unknown:
            issues.extend(Issue("rule-invalid", meta_path, value=u) for u in unknown)
            continue
        issues.extend(run(rule, known, path))
    return issues


def check_edition_sources(records: Records, path: str, editions: list[Any], year_column: str) -> list[Issue]:
    """A row of a published edition names one of that edition's source documents.

    `editions` are editions.Edition (oldest first); a row belongs to the edition of its
    `year_column` (or the first one after that year). A later edition's sources are allowed
    too: a later report may restate or revise an earlier year's figure. So a 2021 row can
    never be attributed to the 2020 report, while a 2020 figure corrected by the 2021 report
    can name it.
    """
    issues = []
    for row, rec in _numbered(records):
        source = rec.get("source_id")
        year = rec.get(year_column)
        if not source or not isinstance(year, int) or isinstance(year, bool):
            continue
        own = edition_of(year, editions)
        if own is None or not own.is_published:
            continue
        allowed = [s for ed in editions if ed.year >= own.year and ed.is_published for s in ed.sources]
        if source not in allowed:
            issues.append(Issue("edition-source-mismatch", path, row=row, column="source_id", value=source,
                                params={"year": own.year, "page": own.page,
                                        "allowed": "、".join(dict.fromkeys(own.sources)) or "—"}))
    return issues
