"""Each published edition's data as it was published: /data/editions/YEAR/.

What belongs here: which rows an edition published, the values they had on its
publication date, and the archive's files (one canonical CSV per dataset, a
datapackage.json with each Table Schema inline and each CSV's size and
SHA-256, a SHA256SUMS), plus the list of archives the catalog shows. What does not: the
current downloads (downloads.py, formats.py), the catalog pages (catalog.py),
reading the revisions log (revision_log.py) or the editions (editions.py).

"As published" is rebuilt from the data and the revisions log, not from git
history: a CI checkout may be shallow, and the same files must give the same
bytes on every machine. Rules:

- An edition publishes the rows of its year and the years before it (the
  column `plan_year` or `year`). A row whose document (`source_id`) belongs only
  to a later edition was added after it and is left out, unless the log shows
  it was revised (then it existed and its old values are restored).
- A table without a year column (work areas, the sources) keeps the rows the
  archived rows name through a foreign key; a table nobody names keeps all rows.
- A revision dated after the edition's `published:` date is undone: the field
  gets the revision's old value (the earliest such revision of that field).
  A revision dated on or before that day was already in the published data.
- The revisions log itself is not archived (it is the record of later changes,
  /data/revisions/), and a draft edition has no archive.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import dataclass
from typing import Any

from . import csvtext, editions, package, revision_log, urls
from .datasets import DatasetContent, clean

SUMS = "SHA256SUMS"
DATAPACKAGE = "datapackage.json"


@dataclass
class Archive:
    """One edition's archive: its year, publication date, title and files (path inside the
    data folder -> bytes)."""

    year: int
    published: str
    title: str
    files: dict[str, bytes]

    @property
    def folder(self) -> str:
        return urls.edition_file(self.year)

    def csvs(self) -> list[str]:
        return sorted(p for p in self.files if p.endswith(".csv"))


def _key(record: dict[str, str], fields: list[str]) -> str:
    return revision_log.KEY_SEPARATOR.join(record.get(f, "") for f in fields)


def _primary_key(schema: dict[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def _fields(value: Any) -> list[str]:
    return [value] if isinstance(value, str) else list(value or [])


def _year_column(header: list[str]) -> str | None:
    return next((c for c in editions.YEAR_COLUMNS if c in header), None)


def _undone(revisions: list[revision_log.Revision], dataset: str,
            published: str) -> dict[tuple[str, str], str]:
    """(record key, field) -> the value it had on the publication day, for every field a
    later revision changed."""
    before: dict[tuple[str, str], str] = {}
    for r in sorted(revisions, key=lambda r: r.date, reverse=True):  # the earliest wins
        if r.dataset == dataset and r.date > published:
            before[(r.key, r.field)] = r.old_value
    return before


def rows_as_published(
    items: list[DatasetContent], edition: editions.Edition,
    all_editions: list[editions.Edition], revisions: list[revision_log.Revision],
) -> dict[str, tuple[list[str], list[list[str]]]]:
    """Dataset name -> (header, rows) as the edition published them, in the datasets' order
    (tables with no rows in it are left out)."""
    mine = {s for e in all_editions if e.year <= edition.year for s in e.sources}
    later = {s for e in all_editions if e.year > edition.year for s in e.sources} - mine
    kept: dict[str, list[dict[str, str]]] = {}
    reference_tables = []
    for info in items:
        if info.name == revision_log.NAME:
            continue
        year = _year_column(info.header)
        if year is None:
            reference_tables.append(info)
            continue
        key_fields = _primary_key(info.schema)
        undo = _undone(revisions, info.name, edition.published)
        revised = {k for k, _ in undo}
        records = []
        for row in info.rows:
            record = dict(zip(info.header, row, strict=False))
            key = _key(record, key_fields)
            if not record.get(year, "").isdigit() or int(record[year]) > edition.year:
                continue
            if record.get("source_id") in later and key not in revised:
                continue  # added with a later edition
            for (k, name), old in undo.items():
                if k == key and name in record:
                    record[name] = old
            records.append(record)
        kept[info.name] = records
    for info in reference_tables:
        named: dict[tuple[str, ...], set[tuple[str, ...]]] = {}  # their fields -> values named
        for other in items:
            for fk in other.schema.get("foreignKeys") or []:
                ref = fk.get("reference") or {}
                if ref.get("resource") != info.name or other.name not in kept:
                    continue
                own, theirs = _fields(fk.get("fields")), tuple(_fields(ref.get("fields")))
                named.setdefault(theirs, set()).update(
                    tuple(r.get(f, "") for f in own) for r in kept[other.name])
        records = []
        for row in info.rows:
            record = dict(zip(info.header, row, strict=False))
            if not named or any(tuple(record.get(f, "") for f in fields) in values
                                for fields, values in named.items()):
                records.append(record)
        kept[info.name] = records
    return {info.name: (info.header, [[r.get(h, "") for h in info.header] for r in kept[info.name]])
            for info in items if kept.get(info.name)}


def anchor(year: int) -> str:
    """The id of an edition's archive in the catalog page (its citations link there)."""
    return f"edition-{year}"


def edition_title(pkg: dict[str, Any], year: int, lang: str = "zh") -> str:
    if lang == "en":
        return f"{pkg.get('title_en') or pkg.get('title', '')}: data as published with the {year} report"
    return f"{pkg.get('title', '')}：{year}年报告发布时的数据"


def _descriptor(edition: editions.Edition, by_name: dict[str, DatasetContent],
                tables: dict[str, tuple[list[str], list[list[str]]]], files: dict[str, bytes],
                pkg: dict[str, Any], site_url: str,
                sources: dict[str, dict[str, Any]]) -> dict[str, Any]:
    year, day = edition.year, edition.published
    current = urls.absolute(site_url, urls.DATA_DIR + "/") if site_url else "/data/"
    here = urls.absolute(site_url, urls.DATA_DIR + "/") + "#" + anchor(year)
    license_ = pkg.get("license") or {}
    publisher = str(pkg.get("publisher") or "")
    descriptor: dict[str, Any] = {
        "$schema": package.PROFILE,
        "name": f"{pkg.get('name', 'data')}-{year}",
        "title": edition_title(pkg, year),
        "title_en": edition_title(pkg, year, "en"),
        "description": (f"{year}年报告于{day}发布时的数据，之后的修订不改动这里的文件。"
                        f"当前数据（含修订）见 {current}"),
        "description_en": (f"The data as published with the {year} report on {day}; later "
                           f"revisions do not change these files. Current data, revisions "
                           f"included: {current}"),
        **({"homepage": here} if site_url else {}),
        "published": day,
        "citation": f"{publisher}. {edition_title(pkg, year)}[DS/OL]. ({day})[引用日期]. {here}.",
        "contributors": package.contributors(pkg),
        "licenses": [{k: license_[k] for k in ("name", "title", "path") if k in license_}]
        if license_ else [],
        "sources": [
            {k: v for k, v in (("title", str(row.get("title") or "")),
                               ("title_en", str(row.get("title_en") or "")),
                               ("path", str(row.get("url") or "")), ("version", str(year))) if v}
            for row in (sources.get(s) for s in edition.sources) if row
        ],
        "resources": [],
    }
    for name in tables:
        info = by_name[name]
        path = f"{name}.csv"
        resource = {
            "name": name,
            "type": package.RESOURCE_TYPE,
            "path": path,
            "schema": info.schema,
            "format": "csv",
            "mediatype": "text/csv",
            "encoding": package.ENCODING,
            "dialect": package.DIALECT,
            "title": info.title,
            "title_en": info.title_en,
            "description": clean(str(info.meta.get("description") or "")),
            "bytes": len(files[path]),
            "hash": "sha256:" + hashlib.sha256(files[path]).hexdigest(),
        }
        descriptor["resources"].append(resource)
    return descriptor


def archives(items: list[DatasetContent], all_editions: list[editions.Edition],
             revisions: list[revision_log.Revision], pkg: dict[str, Any],
             site_url: str) -> list[Archive]:
    """The archive of every published edition with a publication date, oldest first; files
    keyed by their path inside the data folder (editions/YEAR/...)."""
    by_name = {i.name: i for i in items}
    sources = items[0].sources if items else {}
    result = []
    for edition in all_editions:
        if not edition.is_published or not edition.published:
            continue
        tables = rows_as_published(items, edition, all_editions, revisions)
        inside: dict[str, bytes] = {}
        for name, (header, rows) in tables.items():
            inside[f"{name}.csv"] = csvtext.write([header, *rows], "\n").encode("utf-8")
        descriptor = _descriptor(edition, by_name, tables, inside, pkg, site_url, sources)
        inside[DATAPACKAGE] = (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n"
                               ).encode("utf-8")
        inside[SUMS] = "".join(f"{hashlib.sha256(inside[p]).hexdigest()}  {p}\n"
                               for p in sorted(inside)).encode("ascii")
        result.append(Archive(edition.year, edition.published, edition_title(pkg, edition.year),
                              {urls.edition_file(edition.year, p): c
                               for p, c in sorted(inside.items())}))
    return result


def listing(found: list[Archive]) -> list[dict[str, Any]]:
    """What the catalog's datapackage.json says of each archive (custom property `editions`):
    year, date, descriptor path, size and hash, newest first."""
    result = []
    for a in sorted(found, key=lambda a: a.year, reverse=True):
        path = urls.edition_file(a.year, DATAPACKAGE)
        result.append({"edition": a.year, "published": a.published, "title": a.title,
                       "path": path, "bytes": len(a.files[path]),
                       "hash": "sha256:" + hashlib.sha256(a.files[path]).hexdigest()})
    return result
