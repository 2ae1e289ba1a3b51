"""The data catalog pages: /data/ (Chinese), /data/en/ (English), one page per dataset in each
language (/data/NAME/, /data/en/NAME/) and one per published edition's data (/data/editions/YEAR/).

What belongs here: what the catalog and dataset pages show, prepared as plain
values (data dictionary from the Table Schema, preview, downloads with sizes
and checksums, license, citations, revisions, validation status, charts that
use the data, each edition's archived files) and their schema.org JSON-LD; the
templates (templates/catalog.zh.md, catalog.en.md, dataset.zh.md, dataset.en.md,
archive.zh.md) decide the markup and the wording. What does not: the download
files themselves (formats.py, archive.py, whose in-memory output gives the sizes
and checksums shown here), chart pages (pages.py), the site engine's configuration.

The two catalog pages keep one line per dataset and one per edition, so they
grow slowly with the data: everything else about a dataset is on its own pages,
and an edition's file list and checksums on its page. The old addresses stay:
/data/en/#NAME and /data/#edition-YEAR (which an edition's citation names) are
ids on those lines, each linking on.

Every link a template writes is to a file of the generated docs tree,
relative to the page's source (`href`, urls.source_link), so any site engine
resolves it. Everything from data or metadata is escaped by the templates:
`md` in Markdown, autoescape in HTML, `tojson` in the JSON-LD block and the
front matter.
"""

from __future__ import annotations

import functools
import hashlib
import re
from pathlib import Path
from typing import Any

from . import archive, citations, datasets, downloads, formats, load, markup, revision_log, siteconfig, urls
from .datasets import DatasetContent
from .paths import Layout

PREVIEW_ROWS = 10
PREVIEW_CHARS = 30  # longer cells are cut in the preview (the downloads have them in full)
CATALOG = "index.md"
CATALOG_EN = "en/index.md"  # /data/en/: its source sits where its page is served, as index.md
EN_DIR = "en"  # a dataset's English page: data/en/NAME.md, served at /data/en/NAME/

# --------------------------------------------------------------------------- shared parts


class CatalogData:
    """What every catalog page is made from: the datasets, the published files, the validation
    findings and the charts of each dataset."""

    def __init__(
        self,
        layout: Layout,
        items: list[DatasetContent],
        files: dict[str, bytes],
        report: Any = None,
        charts: dict[str, list[dict[str, str]]] | None = None,
    ) -> None:
        self.layout = layout
        self.items = items
        self.files = files
        self.report = report
        self.charts = charts or {}
        self.package = load.package_meta(layout)
        self.site_url = siteconfig.site_url(layout)
        self.zip_name = formats.package_name(layout) + ".zip"

    def url(self, path: str, page: str) -> str:
        """URL of a site path as linked from the page at site path `page` (urls.link)."""
        return urls.link(self.site_url, path, page)

    def absolute(self, path: str) -> str:
        """A site path as others must write it (urls.absolute)."""
        return urls.absolute(self.site_url, path)

    def sha(self, path: str) -> str:
        return hashlib.sha256(self.files[path]).hexdigest()

    def size(self, path: str) -> str:
        return size_text(len(self.files[path]))

    def status(self, info: DatasetContent, lang: str = "zh") -> tuple[bool | None, str]:
        """(valid?, words) for one dataset from the validation report of this build."""
        en = lang == "en"
        report = self.report
        if report is None:
            return None, "not checked in this build" if en else "本次构建未运行校验"
        mine = {
            self.layout.relative(p)
            for p in (info.dataset.csv, info.dataset.schema_path, info.dataset.meta_path)
        }
        issues = [i for i in getattr(report, "issues", []) if getattr(i, "path", None) in mine]
        errors = [i for i in issues if getattr(i, "severity", "error") == "error"]
        warnings = len(issues) - len(errors)
        if errors:
            n = len(errors)
            return False, f"failed: {n} errors" if en else f"未通过校验：有 {n} 处错误"
        words = (
            "valid: Table Schema (types, constraints, primary and foreign keys) and "
            "consistency checks passed"
            if en else "已通过校验：Table Schema（类型、约束、主键、外键）与数据一致性检查"
        )
        if warnings:
            words += f"; {warnings} warnings" if en else f"；{warnings} 条提醒"
        return True, words


def bilingual(zh: Any, en: Any) -> str:
    """Chinese then English: dataset search engines want a description of 50 characters or more."""
    parts = [datasets.clean(str(x)) for x in (zh, en) if x]
    return "\n\n".join(p for p in parts if p)


def dataset_json_ld(ctx: CatalogData, info: DatasetContent) -> dict[str, Any]:
    page = f"data/{info.name}/"
    lic = datasets.license_(info)
    span = datasets.years(info)
    publisher = {
        "@type": "GovernmentOrganization",
        "name": ctx.package.get("publisher", ""),
        "alternateName": ctx.package.get("publisher_en", ""),
    }
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": "Dataset",
        "name": info.title,
        "alternateName": info.title_en,
        "description": bilingual(info.meta.get("description"), info.meta.get("description_en")),
        "@id": ctx.url(f"data/{info.name}/", page),  # the node the catalog's entry names
        "identifier": info.name,
        "url": ctx.url(f"data/{info.name}/", page),
        "inLanguage": ["zh-CN", "en"],
        "isAccessibleForFree": True,
        "license": lic.get("path", ""),
        "creator": publisher,
        "publisher": publisher,
        "keywords": [*(info.meta.get("keywords") or []), *(info.meta.get("keywords_en") or [])],
        "citation": citations.gbt(info),
        "variableMeasured": [
            {"@type": "PropertyValue", "name": f["name"], "description": f.get("title", "")}
            for f in info.fields
        ],
        "includedInDataCatalog": {
            "@type": "DataCatalog",
            "name": ctx.package.get("title", ""),
            "url": ctx.url("data/", page),
        },
        "distribution": [
            {
                "@type": "DataDownload",
                "name": zh,
                "encodingFormat": media,
                "contentUrl": ctx.url(f"data/{info.name}{suffix}", page),
                "contentSize": f"{len(ctx.files[info.name + suffix])} B",
            }
            for suffix, (zh, _en, media) in formats.FORMATS.items()
        ],
    }
    coverage = info.meta.get("temporal_coverage")
    if not coverage:
        # A table without a year of its own (such as a code list) covers the package's years.
        found = [datasets.years(i) for i in ctx.items]
        spans = [span] if span else [x for x in found if x]
        if spans:
            first, last = min(x[0] for x in spans), max(x[1] for x in spans)
            coverage = str(first) if first == last else f"{first}/{last}"
    if coverage:
        data["temporalCoverage"] = str(coverage)
    if info.updated:
        data["dateModified"] = info.updated_date()
    return data


def catalog_json_ld(ctx: CatalogData) -> dict[str, Any]:
    page = "data/"
    lic = ctx.package.get("license") or {}
    publisher = {
        "@type": "GovernmentOrganization",
        "name": ctx.package.get("publisher", ""),
        "alternateName": ctx.package.get("publisher_en", ""),
    }
    return {
        "@context": "https://schema.org",
        "@type": "DataCatalog",
        "name": ctx.package.get("title", ""),
        "alternateName": ctx.package.get("title_en", ""),
        "description": bilingual(ctx.package.get("description"), ctx.package.get("description_en")),
        "url": ctx.url("data/", page),
        "inLanguage": ["zh-CN", "en"],
        "license": lic.get("path", ""),
        "creator": publisher,
        "publisher": publisher,
        # Each dataset as a reference to the Dataset node of its own page (the same @id), which
        # describes it in full and names this catalog (includedInDataCatalog): a catalog that
        # repeated names and descriptions here would grow by a paragraph per dataset.
        "dataset": [
            {"@id": ctx.url(f"data/{info.name}/", page)}
            for info in ctx.items
        ],
    }


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def meta_text(text: str, limit: int = 300) -> str:
    """A page title or description for the front matter: themes print these into the HTML head
    as they are (inside content="…"), so angle brackets are dropped, "&" becomes a full-width
    "＆" and straight double quotes become curly ones (“at least 10”)."""
    text = text[:limit].replace("<", "").replace(">", "").replace("&", "＆")
    return re.sub(r'"([^"]*)"', "\u201c\\1\u201d", text).replace('"', "\u201d")


def package_updated(ctx: CatalogData) -> Any:
    dates = [i.updated for i in ctx.items if i.updated]
    return max(dates) if dates else None


def license_values(ctx: CatalogData, lang: str = "zh") -> dict[str, str]:
    lic = ctx.package.get("license") or {}
    reason = datasets.clean(str(lic.get("reason_en" if lang == "en" else "reason", "")))
    return {"title": str(lic.get("title") or lic.get("name") or ""), "url": str(lic.get("path") or ""),
            "reason": reason}


def downloads_of(ctx: CatalogData, info: DatasetContent, lang: str = "zh") -> list[dict[str, str]]:
    """Every format of a dataset: label, file (inside data/) and size."""
    return [{"label": en if lang == "en" else zh, "file": info.name + suffix,
             "size": ctx.size(info.name + suffix)}
            for suffix, (zh, en, _media) in formats.FORMATS.items()]


def fields_of(info: DatasetContent, lang: str = "zh") -> list[dict[str, Any]]:
    """The data dictionary: code, title, type, unit, meaning and constraints of each field."""
    en = lang == "en"
    return [{
        "name": str(fld["name"]),
        "title": fld.get("title") or "",
        "type": formats.type_label(fld, lang),
        "unit": datasets.field_unit(info, fld, lang),
        "description": datasets.clean(str(fld.get("description_en" if en else "description", ""))),
        "constraints": ("; " if en else "；").join(formats.constraints(info.schema, fld, lang)),
    } for fld in info.fields]


def preview_of(info: DatasetContent, limit: int = PREVIEW_ROWS) -> dict[str, Any]:
    """The first rows as written in the CSV; a cell longer than PREVIEW_CHARS is cut, in full in
    its tooltip."""
    titles = {f["name"]: f.get("title", "") for f in info.fields}
    return {
        "head": [{"title": titles.get(n) or n, "name": n} for n in info.header],
        "rows": [[{"text": cell[:PREVIEW_CHARS], "full": cell if len(cell) > PREVIEW_CHARS else ""}
                  for cell in row] for row in info.rows[:limit]],
    }


def charts_of(ctx: CatalogData, info: DatasetContent) -> list[dict[str, Any]]:
    """Each chart drawn from the dataset: where it is, its data and images with sizes, its
    embed page and the code to embed it."""
    result = []
    for chart in ctx.charts.get(info.name) or []:
        cid = str(chart.get("id", ""))
        entry: dict[str, Any] = {"title": chart.get("title") or cid, "link": chart.get("link") or "",
                                 "permalink": chart.get("permalink") or "", "files": None,
                                 "edition": int(str(chart.get("edition")))
                                 if str(chart.get("edition") or "").isdigit() else None}
        result.append(entry)
        if not datasets.NAME_PATTERN.fullmatch(cid):
            continue
        sources = urls.chart_sources(cid)
        inside = {k: v.removeprefix(urls.DATA_DIR + "/") for k, v in sources.items() if k != "embed"}
        if not all(f in ctx.files for f in inside.values()):
            continue
        entry["files"] = {k: {"path": sources[k], "size": ctx.size(f)} for k, f in inside.items()}
        entry["embed"] = sources["embed"]
        entry["snippet"] = chart.get("snippet") or markup.render(
            "embed_snippet.html", src=ctx.absolute(f"{urls.EMBED_DIR}/{cid}/"),
            title=chart.get("title") or cid, height=480)
    return result


def charts_by_edition(charts: list[dict[str, Any]]) -> tuple[list[dict[str, Any]],
                                                               list[tuple[int, list[dict[str, Any]]]]]:
    """The charts a dataset page shows in full (the newest edition's, and those of no
    edition), and the older editions' charts, newest edition first, which the page lists as
    one line of links per edition (their downloads and embed code are in the panel beside
    each chart on its page): the page grows by a line per edition, not by a section per chart."""
    years = [c["edition"] for c in charts if isinstance(c.get("edition"), int)]
    newest = max(years, default=None)
    full = [c for c in charts if not isinstance(c.get("edition"), int) or c["edition"] == newest]
    older: dict[int, list[dict[str, Any]]] = {}
    for c in charts:
        if isinstance(c.get("edition"), int) and c["edition"] != newest:
            older.setdefault(c["edition"], []).append(c)
    return full, sorted(older.items(), reverse=True)


def dataset_values(ctx: CatalogData, info: DatasetContent, lang: str = "zh") -> dict[str, Any]:
    """Everything a dataset's page (or its section of the English catalog) shows."""
    en = lang == "en"
    _valid, words = ctx.status(info, lang)
    pk = info.schema.get("primaryKey")
    schema = f"{formats.SCHEMA_DIR}/{info.name}.schema.json"
    return {
        "info": info,
        "description": datasets.clean(str(info.meta.get("description_en" if en else "description",
                                                        ""))),
        "years": datasets.years_text(info),
        "records": len(info.records),
        "updated": info.updated_date(),
        "validation": words,
        "downloads": downloads_of(ctx, info, lang),
        "schema": {"file": schema, "size": ctx.size(schema)} if schema in ctx.files else None,
        "fields": fields_of(info, lang),
        "primary_key": ([pk] if isinstance(pk, str) else list(pk)) if pk else [],
        "notes": [datasets.clean(str(n)) for n in info.meta.get("notes_en" if en else "notes") or []],
        "revisions": revision_log.for_dataset(ctx.layout, info.name),
        "gbt": citations.gbt(info),
        "apa": citations.apa(info),
        "source": "》、《".join(datasets.source_titles(info)),
        "sections": (info.meta.get("source") or {}).get("sections") or [],
    }


def editions_of(ctx: CatalogData, lang: str) -> list[dict[str, Any]]:
    """Each edition with a PDF: year, title, and the PDF's path in the docs tree."""
    result = []
    for source in ctx.package.get("sources") or []:
        year = source.get("edition")
        if year:
            result.append({
                "year": year, "pdf": urls.data_path(formats.edition_pdf(ctx.layout, year)),
                "title": source.get("title_en" if lang == "en" else "title") or source.get("title", ""),
            })
    return result


def archives_of(ctx: CatalogData, lang: str) -> list[dict[str, Any]]:
    """Each published edition's data as published (editions/YEAR/, written by archive.py),
    newest first: title, date, anchor, each file with its size, and the SHA256SUMS text."""
    import json

    result = []
    folders = sorted({p.split("/")[1] for p in ctx.files
                      if p.startswith(urls.EDITIONS_DIR + "/") and p.count("/") >= 2},
                     reverse=True)
    for year in folders:
        descriptor = json.loads(ctx.files[urls.edition_file(year, archive.DATAPACKAGE)])
        inside = sorted(p for p in ctx.files if p.startswith(urls.edition_file(year)))
        shown = [p for p in inside if p.endswith(".csv")] + [
            urls.edition_file(year, archive.DATAPACKAGE), urls.edition_file(year, archive.SUMS)]
        titles = {r["path"]: r.get("title_en" if lang == "en" else "title") or r["name"]
                  for r in descriptor.get("resources", [])}
        titles_en = {r["path"]: r.get("title_en") or "" for r in descriptor.get("resources", [])}
        result.append({
            "year": year,
            "anchor": archive.anchor(int(year)),
            "title": descriptor.get("title_en" if lang == "en" else "title", ""),
            "published": _day(descriptor.get("published", ""), lang),
            "citation": descriptor.get("citation", ""),
            "page": archive_page_path(year),
            "datapackage": urls.data_path(urls.edition_file(year, archive.DATAPACKAGE)),
            "sums_file": urls.data_path(urls.edition_file(year, archive.SUMS)),
            "count": len(descriptor.get("resources", [])),
            "files": [{"path": urls.data_path(p), "name": p.rsplit("/", 1)[1],
                       "title": titles.get(p.rsplit("/", 1)[1], ""),
                       "title_en": titles_en.get(p.rsplit("/", 1)[1], "") if lang == "zh" else "",
                       "size": ctx.size(p)}
                      for p in shown],
            "sums": ctx.files[urls.edition_file(year, archive.SUMS)].decode("ascii").rstrip("\n"),
        })
    return result


def archive_page_path(year: int | str) -> str:
    """Docs-tree path of an edition's archive page: in the folder of its files, as index.md."""
    return urls.data_path(urls.edition_file(year, "index.md"))


def _day(iso: str, lang: str) -> str:
    """2026-11-29 as the page's language writes a date (2026年11月29日 in Chinese)."""
    parts = iso.split("-")
    if lang == "en" or len(parts) != 3 or not all(p.isdigit() for p in parts):
        return iso
    return f"{parts[0]}年{int(parts[1])}月{int(parts[2])}日"


def page_values(ctx: CatalogData, rel: str, lang: str) -> dict[str, Any]:
    """What every catalog page's template may use; `rel` is the page's path in the docs tree."""
    when = package_updated(ctx)
    return {
        "href": functools.partial(urls.source_link, rel),
        "package": ctx.package,
        "data": urls.DATA_DIR,
        "license": license_values(ctx, lang),
        "zip": {"file": ctx.zip_name, "size": ctx.size(ctx.zip_name)},
        "sizes": {name: ctx.size(name) for name in (formats.DATAPACKAGE, formats.DCAT, formats.SUMS)},
        "dcat": formats.DCAT,
        "sums": formats.SUMS,
        "editions": editions_of(ctx, lang),
        "package_gbt": citations.package_gbt(ctx.package, when, ctx.site_url),
        "package_apa": citations.package_apa(ctx.package, when, ctx.site_url),
        "en_catalog": f"{urls.DATA_DIR}/{CATALOG_EN}",
    }


def catalog_page(ctx: CatalogData) -> str:
    rel = f"{urls.DATA_DIR}/{CATALOG}"
    description = datasets.clean(str(ctx.package.get("description", "")))
    return markup.render(
        "catalog.zh.md", **page_values(ctx, rel, "zh"), archives=archives_of(ctx, "zh"),
        description=description, front_description=meta_text(description),
        datasets=[dataset_values(ctx, info) for info in ctx.items],
        json_ld=catalog_json_ld(ctx))


def catalog_page_en(ctx: CatalogData) -> str:
    rel = f"{urls.DATA_DIR}/{CATALOG_EN}"
    description = datasets.clean(str(ctx.package.get("description_en", "")))
    return markup.render(
        "catalog.en.md", **page_values(ctx, rel, "en"), archives=archives_of(ctx, "en"),
        description=description, front_description=meta_text(description),
        title=str(ctx.package.get("title_en") or "Open data"),
        datasets=[dataset_values(ctx, info, "en") for info in ctx.items])


def dataset_page(ctx: CatalogData, info: DatasetContent) -> str:
    rel = f"{urls.DATA_DIR}/{info.name}.md"
    values = dataset_values(ctx, info)
    shown, older = charts_by_edition(charts_of(ctx, info))
    return markup.render(
        "dataset.zh.md", **page_values(ctx, rel, "zh"), **values,
        front_title=meta_text(info.title), front_description=meta_text(values["description"]),
        publisher=ctx.package.get("publisher", ""), preview=preview_of(info),
        rows_total=len(info.rows), shown=min(len(info.rows), PREVIEW_ROWS),
        charts=shown, older_charts=older,
        checksums="\n".join(f"{ctx.sha(info.name + s)}  {info.name}{s}" for s in formats.FORMATS),
        json_ld=dataset_json_ld(ctx, info))


def dataset_page_en(ctx: CatalogData, info: DatasetContent) -> str:
    rel = f"{urls.DATA_DIR}/{EN_DIR}/{info.name}.md"
    values = dataset_values(ctx, info, "en")
    return markup.render(
        "dataset.en.md", **page_values(ctx, rel, "en"), **values,
        front_title=meta_text(info.title_en or info.title),
        front_description=meta_text(values["description"]))


def archive_page(ctx: CatalogData, values: dict[str, Any]) -> str:
    year = values["year"]
    return markup.render(
        "archive.zh.md", **page_values(ctx, archive_page_path(year), "zh"), a=values,
        front_title=meta_text(f"{year}年报告发布时的数据"),
        front_description=meta_text(values["title"] or f"{year}年报告发布时的数据"))


# --------------------------------------------------------------------------- entry point


def pages(
    layout: Layout,
    files: dict[str, bytes] | None = None,
    report: Any = None,
    charts: dict[str, list[dict[str, str]]] | None = None,
    items: list[DatasetContent] | None = None,
) -> dict[str, str]:
    """Every catalog page: path relative to the docs folder -> Markdown."""
    items = datasets.read_all(layout) if items is None else items
    files = downloads.all_files(layout, items) if files is None else files
    ctx = CatalogData(layout, items, files, report, charts)
    result = {f"data/{CATALOG}": catalog_page(ctx), f"data/{CATALOG_EN}": catalog_page_en(ctx)}
    for info in items:
        result[f"data/{info.name}.md"] = dataset_page(ctx, info)
        result[f"data/{EN_DIR}/{info.name}.md"] = dataset_page_en(ctx, info)
    for values in archives_of(ctx, "zh"):
        result[archive_page_path(values["year"])] = archive_page(ctx, values)
    return result


def write_pages(
    layout: Layout,
    docs_dir: Path,
    files: dict[str, bytes] | None = None,
    report: Any = None,
    charts: dict[str, list[dict[str, str]]] | None = None,
    items: list[DatasetContent] | None = None,
) -> list[Path]:
    """Write the catalog pages under docs_dir/data/; return the paths written.

    `files` is downloads.all_files()'s output (rendered here when not given),
    `report` the validation report of this build, `charts` maps a dataset
    name to the charts that use it ({"id", "title", "link"}).
    """
    written = []
    for rel, text in pages(layout, files, report, charts, items).items():
        path = docs_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
