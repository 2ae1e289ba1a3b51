"""The dataset model: each dataset read once, with what every later stage needs.

What belongs here: `DatasetContent` (a dataset's files, metadata, schema, the
cells as written, the typed records and the last-updated date), reading it,
and the facts derived from it alone (field units, years covered, licence,
source title, cleaned metadata text). What does not: file formats
(formats.py), citations (citations.py), pages (catalog.py, pages.py).
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta, timezone
from typing import Any

from . import editions, git, load, siteconfig, urls, workbook
from .paths import Layout

# Dates shown to readers are in China Standard Time.
CST = timezone(timedelta(hours=8))


NAME_PATTERN = re.compile(r"[a-z0-9]+(?:-[a-z0-9]+)*")


@dataclass
class Table:
    """One table as validation read it: the file's bytes, its cells as written and its typed
    records. Handed to the model so that no later stage reads the file again."""

    raw: bytes
    header: list[str]
    rows: list[list[str]]
    records: list[dict[str, Any]]

    def text_records(self) -> list[dict[str, str]]:
        """The rows as text records keyed by the header (as csvtext.records gives them)."""
        return [dict(zip(self.header, row, strict=False)) for row in self.rows]


@dataclass
class DatasetContent:
    """Everything the outputs need to know about one dataset, read once."""

    dataset: load.Dataset
    meta: dict[str, Any]
    schema: dict[str, Any]
    package: dict[str, Any]
    header: list[str]
    rows: list[list[str]]  # cells exactly as written in the canonical CSV
    records: list[dict[str, Any]]  # typed values
    updated: datetime | None
    raw: bytes = b""  # the file as committed (canonical CSV downloads reuse it as it is)
    site_url: str = ""
    fields: list[dict[str, Any]] = field(default_factory=list)
    choices: dict[str, list[tuple[str, str]]] = field(default_factory=dict)  # dropdown values
    sources: dict[str, dict[str, Any]] = field(default_factory=dict)  # source_id -> sources.csv row

    @property
    def name(self) -> str:
        return self.dataset.name

    @property
    def title(self) -> str:
        return str(self.meta.get("title") or self.name)

    @property
    def title_en(self) -> str:
        return str(self.meta.get("title_en") or self.name)

    def url(self) -> str:
        """The dataset page: absolute when the site URL is known, else the site path."""
        return urls.dataset_url(self.site_url, self.name)

    def updated_date(self) -> str:
        return self.updated.astimezone(CST).date().isoformat() if self.updated else ""


def read_table(dataset: load.Dataset) -> Table:
    """A validated dataset's table read from its file (when validation did not hand it over:
    a large table, or a caller outside the build)."""
    raw = dataset.csv.read_bytes()
    cells = list(csv.reader(io.StringIO(raw.decode("utf-8-sig"), newline="")))
    header, rows = (cells[0], cells[1:]) if cells else ([], [])
    return Table(raw, header, rows, load.read_records(dataset))


def read(layout: Layout, dataset: load.Dataset, pkg: dict[str, Any], url: str,
         table: Table | None = None,
         tables: dict[str, Table] | None = None,
         sources: dict[str, dict[str, Any]] | None = None) -> DatasetContent:
    """One dataset's content, from `table` (what validation read) or from its file.
    `tables` holds the other tables, for the values of foreign keys; `sources` the rows of
    datasets/sources.csv by source_id (read from the file when not given)."""
    table = table or read_table(dataset)
    schema = dataset.schema()
    known = tables or {}
    return DatasetContent(
        dataset=dataset,
        meta=dataset.meta(),
        schema=schema,
        package=pkg,
        header=table.header,
        rows=table.rows,
        records=table.records,
        updated=git.last_updated(layout, [dataset.csv]),
        site_url=url,
        fields=list(schema.get("fields", [])),
        choices=workbook.choices(layout, schema, {n: t.text_records for n, t in known.items()}),
        raw=table.raw,
        sources=editions.source_rows(layout) if sources is None else sources,
    )


def read_all(layout: Layout, datasets: list[load.Dataset] | None = None,
             tables: dict[str, Table] | None = None) -> list[DatasetContent]:
    """Every dataset of the layout with what the outputs need, sorted by name; `tables`
    holds what validation read (by dataset name), so those files are not read again."""
    url = siteconfig.site_url(layout)
    known = tables or {}
    if editions.SOURCES in known:
        sources = {str(r["source_id"]): r for r in known[editions.SOURCES].records
                   if r.get("source_id")}
        pkg = load.package_meta(layout, sources)
    else:
        sources = editions.source_rows(layout)
        pkg = load.package_meta(layout)
    result = []
    for dataset in load.discover(layout) if datasets is None else datasets:
        if not NAME_PATTERN.fullmatch(dataset.name):
            raise ValueError(f"dataset name not usable in a URL: {dataset.name!r}")
        result.append(read(layout, dataset, pkg, url, known.get(dataset.name), known, sources))
    return result


def field_unit(info: DatasetContent, fld: dict[str, Any], lang: str = "zh") -> str:
    """The unit of a field: its own `unit`, the one unit of the table's unit column, or a pointer
    to that column when units differ from row to row. Empty when the field has no unit."""
    own = fld.get("unit_en" if lang == "en" else "unit") or fld.get("unit")
    if own:
        return str(own)
    if fld.get("type") != "number" or "unit" not in info.header:
        return ""
    column = "unit_en" if lang == "en" and "unit_en" in info.header else "unit"
    units = {r.get(column) for r in info.records if r.get(column)}
    if len(units) == 1:
        return str(units.pop())
    return "see unit column" if lang == "en" else "见“单位”列"


def header_label(info: DatasetContent, fld: dict[str, Any]) -> str:
    """Chinese column header with its unit, e.g. 数值（亿元）."""
    title = str(fld.get("title") or fld["name"])
    unit = field_unit(info, fld)
    return f"{title}（{unit}）" if unit else title


def years(info: DatasetContent) -> tuple[int, int] | None:
    """Years the data covers: from meta `years_field`, a `year` field, or the first *_year field."""
    names = [f["name"] for f in info.fields if f.get("type") in ("integer", "year")]
    chosen = info.meta.get("years_field")
    if not chosen:
        chosen = "year" if "year" in names else next((n for n in names if n.endswith("year")), None)
    values = [r[chosen] for r in info.records if chosen and isinstance(r.get(chosen), int)]
    return (min(values), max(values)) if values else None


def years_text(info: DatasetContent) -> str:
    span = years(info)
    if not span:
        return ""
    return str(span[0]) if span[0] == span[1] else f"{span[0]}–{span[1]}"


def license_(info: DatasetContent) -> dict[str, Any]:
    return dict(info.package.get("license") or {})


def source_titles(info: DatasetContent, lang: str = "zh") -> list[str]:
    """The titles of the documents the dataset's rows name (source_id, titles from
    datasets/sources.csv) in order of first use, else the package's first source."""
    key = "title_en" if lang == "en" else "title"
    named = list(dict.fromkeys(str(r.get("source_id")) for r in info.records if r.get("source_id")))
    titles = [str(info.sources[i].get(key) or info.sources[i].get("title") or "")
              for i in named if i in info.sources]
    if titles:
        return titles
    sources = info.package.get("sources") or []
    if not sources:
        return []
    return [str(sources[0].get(key) or sources[0].get("title") or "")]


def source_title(info: DatasetContent, lang: str = "zh") -> str:
    """source_titles as one text, "；" between documents."""
    return "；".join(source_titles(info, lang))


_CJK = r"[\u2e80-\u9fff\u3000-\u303f\uff00-\uffef]"


def clean(text: str) -> str:
    """Whitespace collapsed; the space YAML folding leaves between Chinese lines removed."""
    text = re.sub(r"\s+", " ", text).strip()
    return re.sub(rf"(?<={_CJK}) (?={_CJK})", "", text)
