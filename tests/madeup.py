"""A made-up edition added to a copy of the project: TEST DATA, never part of the real site.

`add_edition(layout)` does to a throw-away copy what staff do for a new year, with
invented figures: a source document marked as a test (datasets/sources.csv), a row
for the new year for every indicator the edition before it reported (that year's
figure changed a little; the consistency rules of the metadata kept), and the pages
`new-year` drafts (pipeline/newyear.py) with every passage to write filled in by a
sentence saying it is test data, published. The year is the one after the latest
edition in docs/ unless given, so nothing here names a year and a real edition for
that year only moves the made-up one on.

Used by the two-edition site the page and browser suites run on (tests/sitebuild.py),
by tests/test_edition_pages.py and by the growth benchmark (benchmarks/growth.py).
"""

from __future__ import annotations

import csv
import io
import re
from decimal import Decimal
from pathlib import Path

import yaml

from pipeline import docs, newyear, package
from pipeline.paths import Layout

MARK = "测试数据"  # in the edition's title, its source document and every row it adds
TEXT = f"本段是{MARK}，不是真实的报告。"


def latest_edition(layout: Layout) -> int:
    return max(e.year for e in docs.editions(layout))


def source_id(year: int) -> str:
    return f"test-{year}"


def _bump(text: str, step: int) -> str:
    """A figure changed a little, written as the data writes it (whole numbers stay whole)."""
    if not text:
        return text
    value = Decimal(text)
    if value == value.to_integral_value() and "." not in text:
        return str(int(value) + step)
    places = -value.as_tuple().exponent  # type: ignore[operator]
    return str((value * Decimal("1.05")).quantize(Decimal(1).scaleb(-places)))


def _rules(layout: Layout) -> list[dict[str, str]]:
    meta = yaml.safe_load(layout.meta("indicators").read_text(encoding="utf-8")) or {}
    return list(meta.get("consistency") or [])


def add_rows(layout: Layout, year: int, source: str) -> dict[str, str]:
    """A row for `year` per indicator the year before reported; returns id -> value written."""
    path = layout.csv("indicators")
    text = path.read_text(encoding="utf-8")
    records = list(csv.DictReader(io.StringIO(text)))
    header = list(records[0])
    before = {r["indicator_id"]: r for r in records if r["year"] == str(year - 1)}
    step = year % 3 + 1
    new = {}
    for indicator, row in before.items():
        row = dict(row, year=str(year), value=_bump(row["value"], step),
                   value_max=_bump(row["value_max"], step), source_id=source,
                   source_section=f"{MARK}（{year}年）", note=MARK)
        new[indicator] = row
    for rule in _rules(layout):
        if rule.get("type") == "stock-flow" and {rule["stock"], rule["flow"]} <= set(new):
            stock, flow = rule["stock"], rule["flow"]
            new[stock]["value"] = str(Decimal(before[stock]["value"]) + Decimal(new[flow]["value"]))
        elif rule.get("type") == "share":  # part, whole and share as the year before
            for key in ("part", "whole", "share"):
                if rule.get(key) in new:
                    new[rule[key]]["value"] = before[rule[key]]["value"]
    out = io.StringIO()
    csv.DictWriter(out, header, lineterminator="\n").writerows(new.values())
    path.write_text(text + out.getvalue(), encoding="utf-8")
    return {k: r["value"] for k, r in new.items()}


def add_source(layout: Layout, year: int) -> str:
    source = source_id(year)
    path = layout.csv("sources")
    path.write_text(path.read_text(encoding="utf-8")
                    + f"{source},{MARK}：{year}年测试用文件（非真实报告）,"
                      f"Test data: {year} test document (not a real report),测试机构,,,{MARK}\n",
                    encoding="utf-8")
    return source


PROMPT = re.compile(r"（待写：[^）\n]*?(?:；原来用到的占位符：([^\n]*?))?）$", re.M)


def _written(text: str, year: int, source: str) -> str:
    """A draft page of new-year, written: each prompt a test sentence with its placeholders,
    the front matter published."""
    text = PROMPT.sub(lambda m: TEXT + ("".join(f"{p}。" for p in m.group(1).split("、"))
                                        if m.group(1) else ""), text)
    text = re.sub(r"^status: draft.*$", "status: published", text, count=1, flags=re.M)
    text = re.sub(r"^published:.*$", f"published: {year + 1}-03-15", text, count=1, flags=re.M)
    text = re.sub(r"^next:.*$", f"next: {year + 2}-03", text, count=1, flags=re.M)
    text = re.sub(r"^# sources:.*$", f"sources: [{source}]", text, count=1, flags=re.M)
    text = re.sub(r"^(title: .*)$", rf"\1（{MARK}）", text, count=1, flags=re.M)
    return re.sub(r"^(# .*)$", rf"\1（{MARK}）", text, count=1, flags=re.M)


def add_pages(layout: Layout, year: int, source: str) -> list[Path]:
    _, pages = newyear.draft_pages(layout, year, layout.docs / str(year))
    for page in pages:
        page.write_text(_written(page.read_text(encoding="utf-8"), year, source), encoding="utf-8")
    assert not [p for p in pages if "待写" in p.read_text(encoding="utf-8")], "a prompt left unwritten"
    return pages


def add_edition(layout: Layout, year: int | None = None, package_json: bool = True) -> int:
    """The made-up edition `year` (default: the year after the latest) added to `layout`."""
    year = year or latest_edition(layout) + 1
    source = add_source(layout, year)
    add_rows(layout, year, source)
    add_pages(layout, year, source)
    if package_json:
        layout.descriptor.write_text(package.datapackage_json(layout), encoding="utf-8")
    return year
