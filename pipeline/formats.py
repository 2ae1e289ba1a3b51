"""The download files: every dataset and chart in every download format.

What belongs here: the bytes of each file readers download from /data/
(canonical CSV, CSV for Excel, XLSX, JSON, datapackage.json with the JSON
Table Schemas it names, DCAT, the all-in-one ZIP with its README and licence,
SHA256SUMS, and each chart's numbers), from the dataset model (datasets.py).
What does not: choosing and writing the files (downloads.py), HTML or Markdown
pages (catalog.py), validation (validate.py), chart options (charts.py).

Every output is a pure function of the dataset files, their metadata and the
dataset's last-updated date, which comes from git history or
SOURCE_DATE_EPOCH, never from the clock: two builds of the same data give
byte-identical files. URLs are stable: /data/NAME.csv, NAME.excel.csv,
NAME.xlsx, NAME.json, datapackage.json, PACKAGE.zip, SHA256SUMS.
"""

from __future__ import annotations

import hashlib
import io
import json
import zipfile
from datetime import UTC, date, datetime, time
from typing import Any

from . import citations, csvtext, load, numbers, package, revision_log, siteconfig, urls, workbook
from .datasets import (
    CST,
    NAME_PATTERN,
    DatasetContent,
    clean,
    field_unit,
    header_label,
    license_,
    source_title,
    years,
    years_text,
)
from .paths import Layout

# ZIP cannot store dates before 1980; used when no date is known at all.
ZIP_EPOCH = datetime(1980, 1, 1, tzinfo=UTC)


SUMS = "SHA256SUMS"


DATAPACKAGE = "datapackage.json"


DCAT = "dcat.jsonld"


# suffix -> (label zh, label en, media type); the order is the order shown to readers.
FORMATS: dict[str, tuple[str, str, str]] = {
    ".csv": ("CSV（UTF-8）", "CSV (UTF-8)", "text/csv"),
    ".excel.csv": ("CSV（Excel 版，带 BOM）", "CSV for Excel (UTF-8 with BOM)", "text/csv"),
    ".xlsx": (
        "Excel 工作簿（XLSX）", "Excel workbook (XLSX)",
        "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    ),
    ".json": ("JSON", "JSON", "application/json"),
}


NUMERIC_TYPES = ("number", "integer")


TYPE_LABELS = {
    "string": ("文本", "text"),
    "integer": ("整数", "integer"),
    "number": ("数值", "number"),
    "boolean": ("布尔（true/false）", "boolean (true/false)"),
    "date": ("日期", "date"),
    "year": ("年份", "year"),
}


def canonical_csv(info: DatasetContent) -> bytes:
    """The committed CSV as is when it is already canonical (UTF-8 without BOM, LF line ends,
    final newline); otherwise the same cells rewritten in that form."""
    raw = info.raw or info.dataset.csv.read_bytes()
    if not raw.startswith(b"\xef\xbb\xbf") and b"\r" not in raw and raw.endswith(b"\n"):
        return raw
    return _csv_text([info.header, *info.rows], "\n").encode("utf-8")


def excel_csv(info: DatasetContent) -> bytes:
    """UTF-8 with BOM and CRLF; formula-like text in non-numeric columns starts with `'`."""
    types = [_field_type(info, name) for name in info.header]
    rows = [
        [
            "'" + cell if types[i] not in NUMERIC_TYPES and workbook.formula_like(cell) else cell
            for i, cell in enumerate(row)
        ]
        for row in info.rows
    ]
    return b"\xef\xbb\xbf" + _csv_text([info.header, *rows], "\r\n").encode("utf-8")


def _csv_text(table: list[list[str]], line_end: str) -> str:
    """RFC 4180 text from the project's one CSV writer (csvtext.write)."""
    return csvtext.write(table, line_end)


def _field_type(info: DatasetContent, name: str) -> str:
    return next((str(f.get("type", "string")) for f in info.fields if f["name"] == name), "string")


def xlsx_created(updated: datetime | None) -> datetime:
    """The fixed creation time stored in XLSX files (naive UTC, as XlsxWriter expects)."""
    return (updated or ZIP_EPOCH).astimezone(UTC).replace(tzinfo=None)


def xlsx(info: DatasetContent) -> bytes:
    """Sheets 数据 (Chinese headers with units, field descriptions as comments, dropdowns),
    说明 (title, source, license, citation, notes, how to fill it in, colour legend), 字段
    (data dictionary) and 选项 (dropdown values), from the one workbook writer (workbook.py).
    Strings stay strings; formula-like text gets Excel's quote prefix, so the cell shows and
    keeps the exact text and is never evaluated."""
    buffer = io.BytesIO()
    writer = workbook.Writer(buffer, title=info.title, created=xlsx_created(info.updated),
                             properties={
                                 "subject": info.title_en,
                                 "author": str(info.package.get("publisher") or ""),
                                 "company": str(info.package.get("publisher") or ""),
                                 "comments": citations.gbt(info),
                             })
    fields = {f["name"]: f for f in info.fields}
    columns = [fields.get(name, {"name": name}) for name in info.header]
    writer.data(workbook.Sheet(
        fields=columns,
        labels=[header_label(info, f) for f in columns],
        rows=[[record.get(f["name"]) for f in columns] for record in info.records],
        choices=info.choices,
    ))
    writer.about(about_rows(info), workbook.steps(info.name, f"{info.name}.xlsx"), legend=True)
    dictionary = writer.book.add_worksheet("字段")
    heads = ["字段", "中文名", "类型", "单位", "约束", "含义", "Description"]
    for col, head in enumerate(heads):
        dictionary.write_string(0, col, head, writer.bold)
    for row_number, fld in enumerate(info.fields, start=1):
        cells = [
            fld["name"], str(fld.get("title", "")), type_label(fld), field_unit(info, fld),
            "；".join(constraints(info.schema, fld)), str(fld.get("description", "")),
            str(fld.get("description_en", "")),
        ]
        for col, text in enumerate(cells):
            dictionary.write_string(row_number, col, text,
                                    writer.quoted if workbook.formula_like(text) else writer.wrap)
    for col, width in enumerate([18, 16, 10, 12, 30, 60, 60]):
        dictionary.set_column(col, col, width)
    writer.close()
    return buffer.getvalue()


def about_rows(info: DatasetContent) -> list[tuple[str, str]]:
    """The 说明 sheet: label -> text, in reading order."""
    lic = license_(info)
    rows = [
        ("标题", info.title),
        ("Title", info.title_en),
        ("说明", clean(str(info.meta.get("description", "")))),
        ("Description", clean(str(info.meta.get("description_en", "")))),
        ("年份", years_text(info)),
        ("数据更新", info.updated_date()),
        ("发布机构", str(info.package.get("publisher", ""))),
        ("来源", source_title(info)),
        ("Source", source_title(info, "en")),
        ("许可", " ".join(str(lic.get(k, "")) for k in ("title", "path")).strip()),
        ("引用（GB/T 7714-2015）", citations.gbt(info)),
        ("Citation (APA)", citations.apa(info)),
        ("网址", info.url()),
    ]
    rows += [(f"注{i}", clean(str(n))) for i, n in enumerate(info.meta.get("notes") or [], 1)]
    rows += [
        (f"Note {i}", clean(str(n))) for i, n in enumerate(info.meta.get("notes_en") or [], 1)
    ]
    return rows


def type_label(fld: dict[str, Any], lang: str = "zh") -> str:
    kind = str(fld.get("type", "string"))
    labels = TYPE_LABELS.get(kind, (kind, kind))
    return labels[1] if lang == "en" else labels[0]


def constraints(schema: dict[str, Any], fld: dict[str, Any], lang: str = "zh") -> list[str]:
    """A field's constraints and keys in words."""
    en = lang == "en"
    c = fld.get("constraints") or {}
    out = []
    name = fld["name"]
    pk = schema.get("primaryKey") or []
    pk = [pk] if isinstance(pk, str) else pk
    if name in pk:
        out.append("primary key" if en else "主键" + ("（组合）" if len(pk) > 1 else ""))
        if en and len(pk) > 1:
            out[-1] += " (with " + ", ".join(p for p in pk if p != name) + ")"
    if c.get("required"):
        out.append("required" if en else "必填")
    if c.get("unique"):
        out.append("unique" if en else "唯一")
    if "enum" in c:
        values = " | ".join(str(v) for v in c["enum"])
        out.append(f"one of: {values}" if en else f"取值：{values}")
    if "minimum" in c:
        out.append(f"≥ {c['minimum']}")
    if "maximum" in c:
        out.append(f"≤ {c['maximum']}")
    if "minLength" in c:
        out.append(f"at least {c['minLength']} characters" if en else f"至少 {c['minLength']} 字")
    if "maxLength" in c:
        out.append(f"at most {c['maxLength']} characters" if en else f"最多 {c['maxLength']} 字")
    if "pattern" in c:
        out.append(f"pattern {c['pattern']}" if en else f"格式 {c['pattern']}")
    for fk in schema.get("foreignKeys") or []:
        fields = fk.get("fields")
        fields = [fields] if isinstance(fields, str) else fields or []
        if name in fields:
            ref = fk.get("reference") or {}
            target = ref.get("resource") or "itself"
            out.append(f"references {target}" if en else f"引用 {target} 数据表")
    return out


def _json_value(value: object) -> str:
    """A typed cell JSON has no type for (a Table Schema date, datetime or time) as its ISO text."""
    if isinstance(value, (date, datetime, time)):
        return value.isoformat()
    raise TypeError(f"{type(value).__name__} is not JSON serialisable")


def json_document(info: DatasetContent) -> bytes:
    """Records (typed values) plus the metadata a reader needs to reuse them."""
    lic = license_(info)
    span = years(info)
    document = {
        "metadata": {
            "name": info.name,
            "title": info.title,
            "title_en": info.title_en,
            "description": clean(str(info.meta.get("description", ""))),
            "description_en": clean(str(info.meta.get("description_en", ""))),
            "publisher": info.package.get("publisher", ""),
            "publisher_en": info.package.get("publisher_en", ""),
            "source": source_title(info),
            "source_en": source_title(info, "en"),
            "source_sections": list((info.meta.get("source") or {}).get("sections", [])),
            "license": {k: lic[k] for k in ("name", "title", "path") if k in lic},
            "years": list(span) if span else None,
            "updated": info.updated_date() or None,
            "url": info.url(),
            "citation": {"gb_t_7714_2015": citations.gbt(info), "apa": citations.apa(info)},
            "notes": [clean(str(n)) for n in info.meta.get("notes") or []],
            "notes_en": [clean(str(n)) for n in info.meta.get("notes_en") or []],
            "fields": [
                {
                    k: fld[k]
                    for k in ("name", "type", "title", "description", "description_en")
                    if k in fld
                } | ({"unit": field_unit(info, fld)} if field_unit(info, fld) else {})
                for fld in info.fields
            ],
            "primaryKey": info.schema.get("primaryKey"),
        },
        "data": info.records,
    }
    return (json.dumps(document, ensure_ascii=False, indent=2, default=_json_value) + "\n").encode("utf-8")


SCHEMA_DIR = "schemas"


def schema_files(items: list[DatasetContent]) -> dict[str, bytes]:
    """schemas/NAME.schema.json: each dataset's Table Schema as JSON, for the descriptor to name."""
    return {
        f"{SCHEMA_DIR}/{info.name}.schema.json":
            (json.dumps(info.schema, ensure_ascii=False, indent=2) + "\n").encode("utf-8")
        for info in items
    }


def created(items: list[DatasetContent]) -> str:
    """When the data last changed, as an RFC 3339 date-time (the spec's `created`)."""
    dates = [i.updated for i in items if i.updated]
    if not dates:
        return ""
    return max(dates).astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def datapackage(layout: Layout, items: list[DatasetContent], files: dict[str, bytes],
                editions: list[dict[str, Any]] | None = None) -> bytes:
    """A Data Package (v2) over the published CSVs: each schema a JSON file beside it,
    sizes and hashes checked by `frictionless validate datapackage.json`; homepage is the
    site's address and each source links its edition's PDF when the address is known.
    `editions` (archive.listing) names each edition's data as published, in the custom
    property `editions`: a data package of its own under editions/YEAR/."""
    descriptor = package.descriptor(layout, [i.dataset for i in items])
    url = items[0].site_url if items else siteconfig.site_url(layout)
    if url and not descriptor.get("homepage"):
        descriptor = _insert_after(descriptor, "version", "homepage", url)
    when = created(items)
    if when:
        descriptor = _insert_after(descriptor, "homepage" if "homepage" in descriptor
                                   else "version", "created", when)
    if url:
        for source in descriptor.get("sources", []):
            if source.get("version") and not source.get("path"):
                source["path"] = f"{url.rstrip('/')}/data/{edition_pdf(layout, source['version'])}"
    resources = []
    for info, resource in zip(items, descriptor["resources"], strict=True):
        path = f"{info.name}.csv"
        resource = {
            **resource,
            "path": path,
            "schema": f"{SCHEMA_DIR}/{info.name}.schema.json",
            "bytes": len(files[path]),
            "hash": "sha256:" + hashlib.sha256(files[path]).hexdigest(),
        }
        if info.updated:
            resource["last_updated"] = info.updated_date()
        resources.append(resource)
    descriptor["resources"] = resources
    if editions:
        descriptor["editions"] = editions
    return (json.dumps(descriptor, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


DCAT_CONTEXT = {
    "dcat": "http://www.w3.org/ns/dcat#",
    "dct": "http://purl.org/dc/terms/",
    "foaf": "http://xmlns.com/foaf/0.1/",
    "xsd": "http://www.w3.org/2001/XMLSchema#",
    "spdx": "http://spdx.org/rdf/terms#",
}


def dcat(layout: Layout, items: list[DatasetContent], files: dict[str, bytes]) -> bytes:
    """The catalog in DCAT (JSON-LD), for harvesters such as CKAN's DCAT plugin: the catalog,
    each dataset with its keywords, dates, licence and publisher, and each download."""
    pkg = items[0].package if items else load.package_meta(layout)
    url = (items[0].site_url if items else siteconfig.site_url(layout)).rstrip("/")
    base = f"{url}/data/" if url else "/data/"
    lic = {"@id": str((pkg.get("license") or {}).get("path", ""))}
    publisher = {
        "@type": "foaf:Agent",
        "foaf:name": [{"@value": str(pkg.get("publisher", "")), "@language": "zh"},
                      {"@value": str(pkg.get("publisher_en", "")), "@language": "en"}],
    }

    def text(zh: Any, en: Any) -> list[dict[str, str]]:
        return [{"@value": clean(str(v)), "@language": lang}
                for v, lang in ((zh, "zh"), (en, "en")) if v]

    def modified(when: datetime | None) -> dict[str, str] | None:
        if not when:
            return None
        return {"@value": when.astimezone(CST).date().isoformat(), "@type": "xsd:date"}

    datasets = []
    for info in items:
        distributions = []
        for suffix, (zh, en, media) in FORMATS.items():
            path = info.name + suffix
            distributions.append({
                "@id": base + path,
                "@type": "dcat:Distribution",
                "dct:title": text(zh, en),
                "dcat:downloadURL": {"@id": base + path},
                "dcat:accessURL": {"@id": urls.dataset_url(url, info.name)},
                "dcat:mediaType": {"@id": f"https://www.iana.org/assignments/media-types/{media}"},
                "dcat:byteSize": {"@value": str(len(files[path])), "@type": "xsd:nonNegativeInteger"},
                "spdx:checksum": {
                    "@type": "spdx:Checksum",
                    "spdx:algorithm": {"@id": "http://spdx.org/rdf/terms#checksumAlgorithm_sha256"},
                    "spdx:checksumValue": hashlib.sha256(files[path]).hexdigest(),
                },
                "dct:license": lic,
            })
        dataset: dict[str, Any] = {
            "@id": urls.dataset_url(url, info.name),
            "@type": "dcat:Dataset",
            "dct:identifier": info.name,
            "dct:title": text(info.title, info.title_en),
            "dct:description": text(info.meta.get("description"), info.meta.get("description_en")),
            "dcat:keyword": [{"@value": str(k), "@language": lang}
                             for key, lang in (("keywords", "zh"), ("keywords_en", "en"))
                             for k in info.meta.get(key) or []],
            "dct:publisher": publisher,
            "dct:license": lic,
            "dcat:landingPage": {"@id": urls.dataset_url(url, info.name)},
            "dcat:distribution": distributions,
        }
        if info.updated:
            dataset["dct:modified"] = modified(info.updated)
        span = years(info)
        if span:
            dataset["dct:temporal"] = {
                "@type": "dct:PeriodOfTime",
                "dcat:startDate": {"@value": f"{span[0]}-01-01", "@type": "xsd:date"},
                "dcat:endDate": {"@value": f"{span[1]}-12-31", "@type": "xsd:date"},
            }
        datasets.append(dataset)
    dates = [i.updated for i in items if i.updated]
    catalog: dict[str, Any] = {
        "@context": DCAT_CONTEXT,
        "@id": base,
        "@type": "dcat:Catalog",
        "dct:title": text(pkg.get("title"), pkg.get("title_en")),
        "dct:description": text(pkg.get("description"), pkg.get("description_en")),
        "dct:publisher": publisher,
        "dct:license": lic,
        "dct:language": [{"@id": "http://id.loc.gov/vocabulary/iso639-1/zh"},
                         {"@id": "http://id.loc.gov/vocabulary/iso639-1/en"}],
        "foaf:homepage": {"@id": f"{url}/" if url else "/"},
        "dcat:dataset": datasets,
    }
    if dates:
        catalog["dct:modified"] = modified(max(dates))
    return (json.dumps(catalog, ensure_ascii=False, indent=2) + "\n").encode("utf-8")


def _insert_after(mapping: dict[str, Any], after: str, key: str, value: Any) -> dict[str, Any]:
    """A copy of `mapping` with key: value placed right after `after` (or at the end)."""
    out: dict[str, Any] = {}
    for k, v in mapping.items():
        out[k] = v
        if k == after:
            out[key] = value
    out.setdefault(key, value)
    return out


def edition_pdf(layout: Layout, edition: int | str) -> str:
    """The file name of an edition's PDF under /data/ (written by `make pdf`)."""
    return f"{package_name(layout)}-{edition}.pdf"


def archive(name: str, files: dict[str, bytes], when: datetime | None) -> bytes:
    """A ZIP of `files` in one folder: sorted entries, fixed times and permissions."""
    stamp = (when or ZIP_EPOCH).astimezone(CST).timetuple()[:6]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=zipfile.ZIP_DEFLATED) as zf:
        for path in sorted(files):
            entry = zipfile.ZipInfo(f"{name}/{path}", date_time=stamp)
            entry.compress_type = zipfile.ZIP_DEFLATED
            entry.create_system = 3
            entry.external_attr = 0o644 << 16
            zf.writestr(entry, files[path], compresslevel=9)
    return buffer.getvalue()


ZIP_README = "README.txt"


ZIP_LICENSE = "LICENSE.txt"


def zip_notes(layout: Layout, items: list[DatasetContent], files: dict[str, bytes]) -> dict[str, bytes]:
    """README.txt (what is in the ZIP, licence, how to cite) and LICENSE.txt (the full
    text of the data licence, from LICENSE-data) for the ZIP."""
    pkg = items[0].package if items else load.package_meta(layout)
    url = items[0].site_url if items else siteconfig.site_url(layout)
    dates = [i.updated for i in items if i.updated]
    updated = max(dates) if dates else None
    lic = dict(pkg.get("license") or {})
    lines = [
        f"{pkg.get('title', '')}",
        f"{pkg.get('title_en', '')}",
        "",
        clean(str(pkg.get("description", ""))),
        clean(str(pkg.get("description_en", ""))),
        "",
        f"发布机构 / Publisher: {pkg.get('publisher', '')} ({pkg.get('publisher_en', '')})",
        f"版本 / Version: {pkg.get('version', '')}",
    ]
    if updated:
        lines.append(f"数据更新 / Last updated: {updated.astimezone(CST).date().isoformat()}")
    if url:
        lines.append(f"网址 / Website: {url.rstrip('/')}/data/")
    for source in pkg.get("sources") or []:
        lines.append(f"来源 / Source: 《{source.get('title', '')}》 ({source.get('title_en', '')})")
    lines += [
        "",
        "许可 / Licence",
        f"  {lic.get('title', lic.get('name', ''))} ({lic.get('name', '')}), {lic.get('path', '')}",
        "  " + clean(str(lic.get("reason", ""))),
        "  " + clean(str(lic.get("reason_en", ""))),
        f"  全文见 / Full text: {ZIP_LICENSE}",
        "",
        "引用 / How to cite",
        "  " + citations.package_gbt(pkg, updated, url),
        "  " + citations.package_apa(pkg, updated, url),
        "",
        "文件 / Files",
    ]
    described = {
        ".csv": "标准 CSV（UTF-8） / canonical CSV (UTF-8)",
        ".excel.csv": "Excel 版 CSV（带 BOM） / CSV for Excel (UTF-8 with BOM)",
        ".xlsx": "Excel 工作簿 / Excel workbook",
        ".json": "JSON（metadata + data）",
    }
    for info in items:
        lines.append(f"  {info.name}: {info.title} / {info.title_en}")
        for suffix, words in described.items():
            lines.append(f"    {info.name}{suffix}  {words}")
        lines.append(f"    {SCHEMA_DIR}/{info.name}.schema.json  表结构 / Table Schema")
    lines += [
        f"  {DATAPACKAGE}  数据包描述（Data Package v2） / Data Package descriptor",
        f"  {urls.CHART_DIR}/  图表所画的数字 / the numbers each chart draws",
        *([f"  {urls.EDITIONS_DIR}/YEAR/  每期报告发布时的数据，之后的修订不改动 / each edition's "
           "data as published, unchanged by later revisions"]
          if any(p.startswith(urls.EDITIONS_DIR + "/") for p in files) else []),
        "",
        "核对 / Verify: sha256sum -c SHA256SUMS (" + (f"{url.rstrip('/')}/data/SHA256SUMS"
                                                     if url else "/data/SHA256SUMS") + ")",
        "",
    ]
    notes = {ZIP_README: "\n".join(lines).encode("utf-8")}
    licence = layout.data_licence
    if licence.is_file():
        notes[ZIP_LICENSE] = licence.read_bytes()
    return notes


def checksums(files: dict[str, bytes]) -> bytes:
    """`sha256sum -c` format, sorted by path."""
    lines = [f"{hashlib.sha256(files[p]).hexdigest()}  {p}\n" for p in sorted(files)]
    return "".join(lines).encode("ascii")


def package_name(layout: Layout) -> str:
    name = str(load.package_meta(layout).get("name") or "data")
    if not NAME_PATTERN.fullmatch(name):
        raise ValueError(f"package name not usable in a URL: {name!r}")
    return name


def dataset_files(info: DatasetContent) -> dict[str, bytes]:
    return {
        f"{info.name}.csv": canonical_csv(info),
        f"{info.name}.excel.csv": excel_csv(info),
        f"{info.name}.xlsx": xlsx(info),
        f"{info.name}.json": json_document(info),
    }




CHART_SUFFIXES = (".csv", ".excel.csv", ".xlsx")


YEAR_HEADER = "年份"
# Columns of a chart download after category and series; the year goes first when the
# categories are not years themselves. 原文表述 is the source's wording, or 推算：METHOD;
# 修订 says when a value was revised since publication (date, old value, reason, link).
CHART_VALUE_COLUMNS = ["数值", "上限", "限定词", "单位", "原文表述", "修订"]


def chart_table(chart: Any, revised: dict[tuple[str, str], Any] | None = None,
                site_url: str = "") -> tuple[list[str], list[list[Any]]]:
    """The numbers a chart draws, one row per mark: category, series, year (a whole number),
    value, upper end, qualifier, the row's own unit, the wording (推算 and its method for
    a derived value, never a wording the source does not have) and, for a value revised
    since publication (`revised`: revision_log.revised), the revision (revision_log.words).

    Read from the chart's own ECharts option, so the download is exactly what is drawn.
    """
    option = chart.option
    axes = [*(option.get("xAxis") or []), *(option.get("yAxis") or [])]
    axis: dict[str, Any] = next((a for a in axes if a.get("type") == "category"), {})
    categories = list(axis.get("data") or [])
    first = chart.columns[0] if getattr(chart, "columns", None) else "类别"
    by_year = str(first) == YEAR_HEADER  # the categories are years: the first column is the year
    header = [str(first), "系列", *([] if by_year else [YEAR_HEADER]), *CHART_VALUE_COLUMNS]
    rows: list[list[Any]] = []
    keys = getattr(chart, "keys", None) or []
    for s_index, series in enumerate(option.get("series") or []):
        for c_index, (category, item) in enumerate(zip(categories, series.get("data") or [],
                                                        strict=False)):
            if item is None:
                continue
            item = item if isinstance(item, dict) else {"value": item}
            value = item.get("value")
            if value is None:
                continue
            year = item.get("year")
            year = year if isinstance(year, int) and not isinstance(year, bool) else None
            wording = str(item.get("text", ""))
            if item.get("derivation"):
                wording = f"推算：{item['derivation']}"
            ref = keys[c_index][s_index] if c_index < len(keys) and s_index < len(keys[c_index]) \
                else ""
            revision = (revised or {}).get(revision_log.parse_ref(ref, chart.dataset)) if ref else None
            rest = [value, item.get("value_max"), str(item.get("qualifier") or ""),
                    str(item.get("unit") or chart.unit), wording,
                    revision_log.words(revision, site_url) if revision else ""]
            if by_year:
                rows.append([year if year is not None else str(category),
                             str(series.get("name", "")), *rest])
            else:
                rows.append([str(category), str(series.get("name", "")), year, *rest])
    return header, rows


def chart_about(chart: Any, pkg: dict[str, Any], url: str, page: str) -> list[tuple[str, str]]:
    lic = dict(pkg.get("license") or {})
    rows = [
        ("标题", str(chart.title)),
        ("单位", str(chart.unit)),
        ("来源", str(chart.source)),
        ("说明", str(chart.description)),
        ("许可", " ".join(str(lic.get(k, "")) for k in ("title", "path")).strip()),
        ("数据集", urls.dataset_url(url, chart.dataset)),
    ]
    if page:
        rows.append(("图表网址", f"{url.rstrip('/')}/{page}" if url else f"/{page}"))
    return rows


def chart_files(
    chart: Any, pkg: dict[str, Any], url: str = "", page: str = "",
    updated: datetime | None = None, revised: dict[tuple[str, str], Any] | None = None,
) -> dict[str, bytes]:
    """charts/ID.csv, charts/ID.excel.csv and charts/ID.xlsx of one chart.

    `page` is the site path of the page showing the chart (for the about sheet); `revised`
    the revised records (revision_log.revised), for the 修订 column.
    """
    header, rows = chart_table(chart, revised, url)
    text_rows = [["" if c is None else numbers.text(c) for c in row] for row in rows]
    base = f"{urls.CHART_DIR}/{chart.id}"
    excel_rows = [
        ["'" + c if isinstance(raw, str) and workbook.formula_like(c) else c
         for raw, c in zip(row, text_row, strict=True)]
        for row, text_row in zip(rows, text_rows, strict=True)
    ]
    files = {
        f"{base}.csv": _csv_text([header, *text_rows], "\n").encode("utf-8"),
        f"{base}.excel.csv": b"\xef\xbb\xbf" + _csv_text([header, *excel_rows], "\r\n").encode(),
    }
    buffer = io.BytesIO()
    writer = workbook.Writer(buffer, title=str(chart.title), created=xlsx_created(updated),
                             properties={"author": str(pkg.get("publisher") or "")})
    writer.table(workbook.DATA_SHEET, header, rows,
                 widths=[24, 24, *[10] * (len(header) - 4), 40, 40])
    writer.about(chart_about(chart, pkg, url, page), [], legend=False)
    writer.close()
    files[f"{base}.xlsx"] = buffer.getvalue()
    return files


# An indicator's series (/data/series/ID.csv, .xlsx, .json): one row per year, field name and
# the label its workbook shows. 原文表述 is the source's wording, or 推算：METHOD.
SERIES_FIELDS: list[tuple[str, str]] = [
    ("indicator_id", "指标代码"), ("name_zh", "指标"), ("name_en", "指标（英文）"),
    ("year", "年份"), ("value", "数值"), ("value_max", "上限"), ("qualifier", "限定词"),
    ("unit", "单位"), ("unit_en", "单位（英文）"), ("wording", "原文表述"),
    ("derived", "推算"), ("derivation", "推算方法"), ("source_id", "来源代码"),
    ("source_title", "来源文件"), ("source_section", "来源章节"), ("note", "备注"),
    ("revised", "修订日期"),
]


def series_records(series: Any, titles: dict[str, str], revised: dict[str, Any]
                   ) -> list[dict[str, Any]]:
    """The series as typed records, oldest year first (`revised`: "ID/YEAR" -> its newest
    revision)."""
    records = []
    for fig in series.figures:
        revision = revised.get(f"{fig.indicator_id}/{fig.year}")
        records.append({
            "indicator_id": fig.indicator_id, "name_zh": fig.name, "name_en": fig.name_en,
            "year": fig.year, "value": fig.value, "value_max": fig.value_max,
            "qualifier": fig.qualifier or "", "unit": fig.unit, "unit_en": fig.unit_en,
            "wording": f"推算：{fig.derivation or '推算'}" if fig.derived else fig.text,
            "derived": fig.derived, "derivation": fig.derivation, "source_id": fig.source_id,
            "source_title": titles.get(fig.source_id, ""), "source_section": fig.source_section,
            "note": fig.note or "", "revised": (revision.date or "是") if revision else "",
        })
    return records


def series_files(series: Any, about: list[tuple[str, str]], titles: dict[str, str],
                 revised: dict[str, Any], metadata: dict[str, Any],
                 updated: datetime | None = None) -> dict[str, bytes]:
    """series/ID.csv (UTF-8, field names as in the indicators dataset), series/ID.xlsx (数据
    with Chinese headers, 说明 with `about`) and series/ID.json (`metadata` and the records),
    written by the project's one CSV writer and one workbook writer."""
    records = series_records(series, titles, revised)
    key = hashlib.sha256(json.dumps(
        [series.indicator_id, series.name, series.name_en, records, about, metadata,
         updated.isoformat() if updated else None], ensure_ascii=False, sort_keys=True,
        default=str).encode("utf-8")).hexdigest()
    if key not in _SERIES_MADE:
        _SERIES_MADE[key] = _series_files(series, records, about, metadata, updated)
        while len(_SERIES_MADE) > SERIES_KEPT:
            _SERIES_MADE.pop(next(iter(_SERIES_MADE)))
    return dict(_SERIES_MADE[key])


# An indicator's series files by everything they are made of (series_files): the live
# preview generates the pages again on every save, and most series have not changed.
_SERIES_MADE: dict[str, dict[str, bytes]] = {}
SERIES_KEPT = 1000


def _series_files(series: Any, records: list[dict[str, Any]], about: list[tuple[str, str]],
                  metadata: dict[str, Any], updated: datetime | None) -> dict[str, bytes]:
    names = [name for name, _ in SERIES_FIELDS]

    def cell(value: Any) -> str:
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        return numbers.text(value) if isinstance(value, int | float) else str(value)

    base = urls.series_file(series.indicator_id, "")
    text = _csv_text([names, *[[cell(r[n]) for n in names] for r in records]], "\n")
    buffer = io.BytesIO()
    writer = workbook.Writer(buffer, title=series.name, created=xlsx_created(updated),
                             properties={"subject": series.name_en,
                                         "author": str(metadata.get("publisher") or "")})
    writer.table(workbook.DATA_SHEET, [label for _, label in SERIES_FIELDS],
                 [[("是" if r[n] else "否") if isinstance(r[n], bool) else r[n] for n in names]
                  for r in records],
                 widths=[18, 24, 28, 8, 10, 8, 8, 8, 16, 24, 6, 40, 12, 40, 30, 30, 12])
    writer.about(about, [], legend=False)
    writer.close()
    document = {"metadata": metadata, "data": records}
    return {
        f"{base}.csv": text.encode("utf-8"),
        f"{base}.xlsx": buffer.getvalue(),
        f"{base}.json": (json.dumps(document, ensure_ascii=False, indent=2) + "\n").encode("utf-8"),
    }
