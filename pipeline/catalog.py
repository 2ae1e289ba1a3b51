"""The data catalog pages: /data/ (Chinese), /data/en/ (English) and one page per dataset.

What belongs here: generated Markdown for the catalog and dataset pages (data
dictionary from the Table Schema, preview, downloads with sizes and
checksums, license, citations, revisions, validation status, charts that use
the data) and their schema.org JSON-LD. What does not: the download files themselves
(formats.py, whose in-memory output gives the sizes and checksums shown
here), chart pages (pages.py), MkDocs configuration.

Everything that comes from data or metadata is escaped before it lands in a
page: ASCII punctuation becomes numeric character references, which Markdown,
HTML and any later template step all leave as literal text; JSON-LD has `<`,
`>`, `&`, `{` and `}` escaped so no `</script>` can close its block.
"""

from __future__ import annotations

import html
import json
import re
import string
from pathlib import Path
from typing import Any

from . import citations, datasets, downloads, formats, load, revision_log, siteconfig, urls
from .datasets import DatasetContent
from .paths import Layout

PREVIEW_ROWS = 10
PREVIEW_CHARS = 30  # longer cells are cut in the preview (the downloads have them in full)
CATALOG = "index.md"
CATALOG_EN = "en.md"

_PUNCTUATION = set(string.punctuation)


def esc(value: Any) -> str:
    """Text from data, safe as Markdown inline text and inside HTML elements and attributes."""
    text = "" if value is None else str(value)
    text = " ".join(text.split("\n"))
    return "".join(f"&#{ord(c)};" if c in _PUNCTUATION else c for c in text)


def code(name: Any) -> str:
    """A field name as inline code when it is a plain identifier, else as escaped text."""
    text = str(name)
    return f"`{text}`" if re.fullmatch(r"[A-Za-z0-9_]+", text) else esc(text)


def _escape_json_string(match: re.Match[str]) -> str:
    return "".join(f"\\u{ord(c):04x}" if c in "<>&{}" else c for c in match.group(0))


def json_ld(data: dict[str, Any]) -> str:
    """A schema.org JSON-LD block. The node sits in a one-element array, which JSON-LD
    allows: Material's instant navigation re-runs every script of the page content as
    JavaScript, and an array is a harmless expression where a bare object is a syntax error."""
    text = json.dumps([data], ensure_ascii=False, indent=2)
    # Inside strings: no "</script>", and no braces a later template step could expand.
    text = re.sub(r'"(?:[^"\\]|\\.)*"', _escape_json_string, text)
    return f'<script type="application/ld+json">\n{text}\n</script>\n'


def front_matter(title: str, description: str, lang: str = "") -> str:
    """YAML front matter; JSON strings are valid YAML. Angle brackets dropped from both
    because themes print page titles and descriptions into the HTML head as they are.
    `lang` marks a page written in another language than the site's (<html lang>)."""
    def safe(s: str) -> str:
        s = s.replace("<", "").replace(">", "").replace("&", "＆")
        return json.dumps(s, ensure_ascii=False)

    extra = f"lang: {safe(lang)}\n" if lang else ""
    return f"---\ntitle: {safe(title)}\ndescription: {safe(description[:300])}\n{extra}---\n\n"


def size_text(n: int) -> str:
    if n < 1024:
        return f"{n} B"
    if n < 1024 * 1024:
        return f"{n / 1024:.1f} KB"
    return f"{n / 1024 / 1024:.1f} MB"


def pre(text: str) -> str:
    """A preformatted block (citations, checksums) with every character from data escaped."""
    return "<pre><code>" + "\n".join(esc(line) for line in text.split("\n")) + "</code></pre>\n"


def quote(text: str) -> str:
    """A citation to copy: a block quote that wraps on narrow screens."""
    return "> " + esc(text) + "\n"


def table(head: list[str], rows: list[list[str]]) -> str:
    """A Markdown table; cells must already be escaped (no raw `|` or newlines)."""
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    lines += ["| " + " | ".join(cell or " " for cell in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"


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
        import hashlib

        return hashlib.sha256(self.files[path]).hexdigest()

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
        "dataset": [
            {
                "@type": "Dataset",
                "name": info.title,
                "alternateName": info.title_en,
                "description": datasets.clean(str(info.meta.get("description", ""))),
                "url": ctx.url(f"data/{info.name}/", page),
                "license": lic.get("path", ""),
                "creator": publisher,
            }
            for info in ctx.items
        ],
    }


def formats_cell(ctx: CatalogData, info: DatasetContent, lang: str, prefix: str = "") -> str:
    """Links to every format with its size, e.g. "[CSV](x.csv) 9.3 KB<br>…"."""
    parts = []
    for suffix, (zh, en, _media) in formats.FORMATS.items():
        path = info.name + suffix
        label = en if lang == "en" else zh
        parts.append(f"[{esc(label)}]({prefix}{path}) {size_text(len(ctx.files[path]))}")
    return "<br>".join(parts)


def license_link(ctx: CatalogData, lang: str = "zh") -> str:
    lic = ctx.package.get("license") or {}
    title = esc(lic.get("title") or lic.get("name") or "")
    return f"[{title}]({lic['path']})" if lic.get("path") else title


def _license_paragraph(ctx: CatalogData, lang: str) -> str:
    lic = ctx.package.get("license") or {}
    reason = datasets.clean(str(lic.get("reason_en" if lang == "en" else "reason", "")))
    return license_link(ctx, lang) + ("。" + esc(reason) if reason and lang != "en" else "") + (
        ". " + esc(reason) if reason and lang == "en" else ""
    )


# --------------------------------------------------------------------------- catalog pages

EXCEL_NOTE_ZH = (
    '<span id="excel-formulas"></span>'
    "**Excel 与公式。** 以 `=`、`+`、`-`、`@`、制表符或回车（以及全角的 `＝＋－＠`）开头的文字，"
    "在 Excel 里可能被当作公式执行。为此，Excel 版 CSV 在这类文字单元格前加一个英文单引号 `'`；"
    "XLSX 中这类单元格以文本保存并带“前缀引号”格式，显示的仍是原文，Excel 不会计算它。"
    "数值列（如 `-5`）不受影响。标准 CSV、JSON 和 datapackage.json 保持数据原样，不作任何改动。\n"
)
EXCEL_NOTE_EN = (
    '<span id="excel-formulas"></span>'
    "**Excel and formulas.** Text that starts with `=`, `+`, `-`, `@`, a tab or a carriage return "
    "(or the full-width `＝＋－＠`) may be run as a formula by Excel. The CSV for Excel therefore "
    "prefixes such text cells with an apostrophe `'`; in the XLSX they are stored as text with "
    "Excel's quote-prefix style, so they show the original text and are never calculated. "
    "Numeric columns (such as `-5`) are untouched. The canonical CSV, the JSON and "
    "datapackage.json keep the data exactly as it is.\n"
)


def _url_table(ctx: CatalogData, lang: str) -> str:
    en = lang == "en"
    name = "NAME"
    rows = [
        [f"`/data/{name}.csv`", "canonical CSV: UTF-8, comma, LF line ends" if en
         else "标准 CSV：UTF-8 编码、逗号分隔、LF 换行"],
        [f"`/data/{name}.excel.csv`", "CSV for Excel: UTF-8 with BOM, CRLF line ends" if en
         else "Excel 版 CSV：带 BOM 的 UTF-8、CRLF 换行，中文版 Excel 双击即可正确打开"],
        [f"`/data/{name}.xlsx`", "Excel workbook: Chinese headers with units, an about sheet "
         "(说明) and a data dictionary sheet (字段)" if en
         else "Excel 工作簿：中文表头带单位，另有“说明”和“字段”两个工作表"],
        [f"`/data/{name}.json`", "JSON: `metadata` plus `data` (one object per row)" if en
         else "JSON：`metadata`（元数据）加 `data`（每行一个对象）"],
        [f"`/data/{name}/`", "dataset page" if en else "数据集说明页"],
        ["`/data/datapackage.json`", "Frictionless Data Package describing every CSV" if en
         else "描述全部 CSV 的 Frictionless 数据包"],
        [f"`/data/{ctx.zip_name}`", "every data file above in one ZIP" if en
         else "以上全部数据文件的压缩包"],
        ["`/data/SHA256SUMS`", "SHA-256 checksum of every download" if en
         else "每个下载文件的 SHA-256 校验和"],
        ["`/data/charts/ID.csv`, `ID.excel.csv`, `ID.xlsx`",
         "the numbers one chart draws (`ID` is the chart code)" if en
         else "某个图表所画的数字（`ID` 为图表代码）"],
        ["`/data/charts/ID.png`, `ID.svg`",
         "the chart as an image, with title, unit, source and license" if en
         else "图表图片，含标题、单位、来源和许可"],
        ["`/embed/ID/`", "the chart on its own page, for an iframe" if en
         else "单独的图表页面，供 iframe 嵌入"],
    ]
    head = ["URL", "Contents"] if en else ["网址", "内容"]
    return table(head, rows)


def catalog_page(ctx: CatalogData) -> str:
    pkg = ctx.package
    out = [front_matter("开放数据", datasets.clean(str(pkg.get("description", ""))))]
    out.append("# 开放数据\n\n")
    out.append(esc(datasets.clean(str(pkg.get("description", "")))) + "\n\n")
    out.append(
        "这里的每个数据集都经过校验，可以直接下载使用："
        "标准 CSV、Excel 版 CSV、XLSX 和 JSON 四种格式，"
        "点击数据集名称查看字段说明、数据预览、引用格式和校验和。"
        f"数据以 {license_link(ctx)} 许可发布：注明出处即可自由使用。"
        "[English](en.md)\n\n"
    )
    out.append("## 数据集\n\n")
    for info in ctx.items:
        out.append(f"### [{esc(info.title)}]({info.name}.md)\n\n")
        out.append(f"*{esc(info.title_en)}*\n\n")
        out.append(esc(datasets.clean(str(info.meta.get("description", "")))) + "\n\n")
        facts = [
            f"年份：{esc(datasets.years_text(info)) or '—'}",
            f"{len(info.records)} 行",
            f"更新日期：{info.updated_date() or '—'}",
            f"许可：{license_link(ctx)}",
        ]
        out.append(" · ".join(facts) + "<br>\n")
        out.append("下载：" + formats_cell(ctx, info, "zh").replace("<br>", " · ") + "\n\n")
    out.append(f"\n所有数据集的许可均为 {license_link(ctx)}。\n\n")
    out.append("## 一次下载全部\n\n")
    out.append(table(["文件", "内容", "大小"], [
        [f"[{ctx.zip_name}]({ctx.zip_name})",
         "全部数据集的所有格式、图表数据和 datapackage.json（不含图表图片）",
         size_text(len(ctx.files[ctx.zip_name]))],
        ["[datapackage.json](datapackage.json)",
         "Frictionless 数据包描述：表结构、许可、来源；可用 `frictionless validate` 校验",
         size_text(len(ctx.files[formats.DATAPACKAGE]))],
        [f"[{formats.DCAT}]({formats.DCAT})",
         "DCAT 目录（JSON-LD）：供数据门户（如 CKAN）自动收录",
         size_text(len(ctx.files[formats.DCAT]))],
        [f"[SHA256SUMS]({formats.SUMS})", "每个下载文件的 SHA-256 校验和",
         size_text(len(ctx.files[formats.SUMS]))],
    ]))
    out.append(
        "\n下载后可以核对文件是否完整：Linux 或 macOS 在文件所在目录运行 "
        "`sha256sum -c SHA256SUMS`（macOS 也可用 `shasum -a 256 -c SHA256SUMS`），"
        "Windows 运行 `certutil -hashfile 文件名 SHA256` 并与 SHA256SUMS 中的值比较。\n\n"
    )
    out.append(editions_part(ctx, "zh"))
    out.append(citation_part(ctx, "zh"))
    out.append("## 格式与稳定网址\n\n")
    out.append(
        "下载网址不含年份或版本号，以后每年更新数据时保持不变，可以放心写进报道、代码和引用。"
        "数据没有变化时，重新发布的文件逐字节相同，校验和也不变。`NAME` 为数据集代码"
        "（如 `indicators`）。\n\n"
    )
    out.append(_url_table(ctx, "zh"))
    out.append("\n" + EXCEL_NOTE_ZH + "\n")
    out.append(
        "**用哪个文件？** 用 Excel 查看，选 XLSX 或 Excel 版 CSV；"
        "用 Python、R 或数据库处理，选标准 CSV；在网页或程序里直接读取，选 JSON。"
        "日期均为北京时间；“更新日期”是数据最近一次修改的日期。\n\n"
    )
    out.append(json_ld(catalog_json_ld(ctx)))
    return "".join(out)


def catalog_page_en(ctx: CatalogData) -> str:
    pkg = ctx.package
    title = str(pkg.get("title_en") or "Open data")
    out = [front_matter("Open data (English)", datasets.clean(str(pkg.get("description_en", ""))),
                        lang="en")]
    out.append("# Open data\n\n")
    out.append(f"**{esc(title)}.** " + esc(datasets.clean(str(pkg.get("description_en", ""))))
               + "\n\n")
    out.append(
        "Every dataset here has been validated and can be downloaded in four formats: canonical "
        "CSV, CSV for Excel, XLSX and JSON. Text values (names, notes) are in Chinese, and most "
        "tables carry English names in `_en` columns. The data is published under "
        f"{license_link(ctx, 'en')}: reuse it freely with attribution. "
        "[中文](index.md)\n\n"
    )
    out.append("## Datasets\n\n")
    rows = []
    for info in ctx.items:
        rows.append([
            f"[{esc(info.title_en)}](#{info.name})<br>{esc(info.title)}",
            esc(datasets.years_text(info)) or "—",
            info.updated_date() or "—",
        ])
    out.append(table(["Dataset", "Years", "Last updated"], rows))
    out.append("\nEach dataset is described below with its downloads, fields and citation.\n")
    out.append("\n## Everything at once\n\n")
    out.append(
        f"[{ctx.zip_name}]({ctx.zip_name}) ({size_text(len(ctx.files[ctx.zip_name]))}) holds "
        "every format of every dataset, the chart data and datapackage.json (not the chart "
        "images). "
        "[datapackage.json](datapackage.json) is a Frictionless Data Package (check it with "
        f"`frictionless validate`); [{formats.DCAT}]({formats.DCAT}) is the same catalog in "
        "DCAT (JSON-LD) for portals that harvest it; "
        f"[SHA256SUMS]({formats.SUMS}) lists the SHA-256 of every "
        "download (`sha256sum -c SHA256SUMS`).\n\n"
    )
    out.append(editions_part(ctx, "en"))
    out.append(citation_part(ctx, "en"))
    out.append("## Formats and stable URLs\n\n")
    out.append(
        "Download URLs carry no year or version and stay the same when the data is updated each "
        "year. When the data has not changed, a rebuilt file is byte-identical and keeps its "
        "checksum. `NAME` is the dataset code (such as `indicators`).\n\n"
    )
    out.append(_url_table(ctx, "en"))
    out.append("\n" + EXCEL_NOTE_EN + "\n")
    for info in ctx.items:
        out.append(dataset_section_en(ctx, info))
    return "".join(out)


def editions_part(ctx: CatalogData, lang: str) -> str:
    """Each edition's PDF, and the feeds to follow new editions and revisions."""
    en = lang == "en"
    out = ["## Each edition as a PDF\n\n" if en else "## 每期报告的 PDF 版\n\n"]
    out.append(
        "Typeset for print and archiving: every chart and figure, a contents page, the source "
        "and the licence. Its SHA-256 is listed in SHA256SUMS like every download.\n\n" if en
        else "适合打印和存档：含全部图表和数字、目录、数据来源和许可。"
        "它的 SHA-256 校验和与其他下载文件一样列在 SHA256SUMS 中。\n\n"
    )
    for source in ctx.package.get("sources") or []:
        year = source.get("edition")
        if not year:
            continue
        # the English catalog is served one folder deeper (/data/en/) than its source data/en.md
        name = ("../" if en else "") + formats.edition_pdf(ctx.layout, year)
        title = source.get("title_en" if en else "title") or source.get("title", "")
        # Raw HTML: the PDF is made after the pages (`make pdf`), so MkDocs must not look for it
        # (and does not rewrite the link either).
        out.append(f'- <a href="{name}" type="application/pdf">{esc(year)} · PDF</a>'
                   f"（{esc(title)}）\n" if not en else
                   f'- <a href="{name}" type="application/pdf">{esc(year)} edition (PDF)</a>'
                   f" ({esc(title)})\n")
    out.append("\n")
    out.append("## Follow new editions and revisions\n\n" if en else "## 订阅更新\n\n")
    out.append(
        "Atom feeds for feed readers and newsroom tools: "
        "[new editions](../feed-editions.xml) · [revisions of published figures]"
        "(../feed-revisions.xml).\n\n" if en else
        "用 RSS/Atom 阅读器订阅：[新发布的年度报告](../feed-editions.xml) · "
        "[已发布数字的修订](../feed-revisions.xml)。\n\n"
    )
    return "".join(out)


def package_updated(ctx: CatalogData) -> Any:
    dates = [i.updated for i in ctx.items if i.updated]
    return max(dates) if dates else None


def citation_part(ctx: CatalogData, lang: str) -> str:
    """How to cite the whole package: the same reference as CITATION.cff gives."""
    when = package_updated(ctx)
    gbt = citations.package_gbt(ctx.package, when, ctx.site_url)
    apa = citations.package_apa(ctx.package, when, ctx.site_url)
    if lang == "en":
        return ("## How to cite the whole package\n\n" + quote(apa) + "\nGB/T 7714-2015:\n\n"
                + quote(gbt) + "\n")
    return ("## 引用整个数据包\n\nGB/T 7714-2015（把“引用日期”换成你访问的日期）：\n\n" + quote(gbt)
            + "\nAPA：\n\n" + quote(apa) + "\n")


def dataset_section_en(ctx: CatalogData, info: DatasetContent) -> str:
    out = [f"## {esc(info.title_en)} {{#{info.name}}}\n\n"]  # attr_list gives the anchor
    out.append(f"{esc(info.title)} · [中文页面]({info.name}.md)\n\n")
    out.append(esc(datasets.clean(str(info.meta.get("description_en", "")))) + "\n\n")
    _valid, words = ctx.status(info, "en")
    out.append(table(["About", "Detail"], [  # named header cells, for screen readers
        ["Years", esc(datasets.years_text(info)) or "—"],
        ["Rows", str(len(info.records))],
        ["Last updated", info.updated_date() or "—"],
        ["License", license_link(ctx, "en")],
        ["Validation", esc(words)],
        ["Download", formats_cell(ctx, info, "en").replace("<br>", " · ")],
    ]))
    out.append("\n**Fields**\n\n")
    out.append(dictionary_table(info, "en"))
    notes = [datasets.clean(str(n)) for n in info.meta.get("notes_en") or []]
    if notes:
        out.append("\n**Notes**\n\n" + "".join(f"- {esc(n)}\n" for n in notes))
    out.append("\n**Revisions**\n\n")
    out.append(revision_log.markdown(revision_log.for_dataset(ctx.layout, info.name), "en"))
    out.append("\n**How to cite**\n\n" + quote(citations.apa(info)) + "\n")
    return "".join(out)


# --------------------------------------------------------------------------- dataset page


def dictionary_table(info: DatasetContent, lang: str = "zh") -> str:
    """Field (code and Chinese name), type with unit, meaning with constraints: three
    columns, so the meaning keeps room to be read on a phone."""
    en = lang == "en"
    rows = []
    for fld in info.fields:
        description = fld.get("description_en" if en else "description", "")
        name = code(fld["name"])
        if fld.get("title"):
            name += "<br>" + esc(fld["title"])
        kind = esc(formats.type_label(fld, lang))
        unit = datasets.field_unit(info, fld, lang)
        if unit:
            kind += "<br>" + ("unit: " if en else "单位：") + esc(unit)
        joiner = "; " if en else "；"
        meaning = esc(datasets.clean(str(description)))
        rules = formats.constraints(info.schema, fld, lang)
        if rules:
            meaning += "<br><small>" + ("Constraints: " if en else "约束：")
            meaning += esc(joiner.join(rules)) + "</small>"
        rows.append([name, kind, meaning])
    head = (["Field", "Type and unit", "Description and constraints"] if en
            else ["字段", "类型与单位", "含义与约束"])
    return table(head, rows)


def preview_table(info: DatasetContent, limit: int = PREVIEW_ROWS) -> str:
    """The first rows as an HTML table (cells as written in the CSV, escaped)."""
    titles = {f["name"]: f.get("title", "") for f in info.fields}
    head = "".join(
        f'<th scope="col">{esc(titles.get(n) or n)}<br><code>{esc(n)}</code></th>'
        for n in info.header
    )
    body = "".join(
        "<tr>" + "".join(_preview_cell(cell) for cell in row) + "</tr>"
        for row in info.rows[:limit]
    )
    # One line per row, scrolled sideways: narrow wrapped columns make rows too tall on a phone.
    return (
        # Focusable and named, so keyboard users can scroll it too (WCAG 2.1.1).
        '<div class="md-typeset__scrollwrap" tabindex="0" role="region" aria-label="数据预览">'
        '<div class="md-typeset__table">'
        f'<table style="white-space:nowrap"><thead><tr>{head}</tr></thead>'
        f"<tbody>{body}</tbody></table></div></div>\n"
    )


def _preview_cell(cell: str) -> str:
    """A cell of the preview; text longer than PREVIEW_CHARS is cut, in full in its tooltip."""
    if len(cell) <= PREVIEW_CHARS:
        return f"<td>{esc(cell)}</td>"
    return f'<td title="{esc(cell)}">{esc(cell[:PREVIEW_CHARS])}…</td>'


def charts_part(ctx: CatalogData, info: DatasetContent) -> str:
    """Each chart drawn from the dataset: where it is, its data, its image, how to embed it."""
    charts = ctx.charts.get(info.name) or []
    if not charts:
        return "本数据集目前没有用于图表。\n"
    out = []
    for chart in charts:
        cid = str(chart.get("id", ""))
        title = esc(chart.get("title") or cid)
        link = chart.get("link")
        out.append(f"### [{title}]({link})\n\n" if link else f"### {title}\n\n")
        if not datasets.NAME_PATTERN.fullmatch(cid):
            continue
        files = [f"{urls.CHART_DIR}/{cid}{s}" for s in (*formats.CHART_SUFFIXES, ".png",
                                                              ".svg")]
        if not all(f in ctx.files for f in files):
            continue
        data = " · ".join(
            f"[{label}]({path}) {size_text(len(ctx.files[path]))}"
            for label, path in zip(("CSV", "Excel 版 CSV", "XLSX"), files[:3], strict=True)
        )
        images = " · ".join(
            f"[{label}]({path}) {size_text(len(ctx.files[path]))}"
            for label, path in zip(("PNG", "SVG"), files[3:], strict=True)
        )
        out.append(f"下载数据：{data}<br>\n下载图片：{images}<br>\n")
        out.append(f"单独查看：[嵌入页](../embed/{cid}/index.html)")
        if link:
            out.append(f" · 永久链接：[{esc(chart.get('permalink') or '图表所在页面')}]({link})")
        out.append("\n\n嵌入代码：\n\n")
        snippet = chart.get("snippet") or (
            f'<iframe src="{ctx.absolute(f"embed/{cid}/")}" '
            f'title="{html.escape(str(chart.get("title") or cid), quote=True)}" width="100%" '
            'height="480" style="border:0;max-width:840px" loading="lazy"></iframe>'
        )
        out.append(
            '<textarea readonly rows="3" aria-label="嵌入代码" '
            'style="width:100%;font-family:monospace;font-size:.7rem">'
            f"{esc(snippet)}</textarea>\n"
        )
        out.append("\n")
    return "".join(out)


def dataset_page(ctx: CatalogData, info: DatasetContent) -> str:
    desc = datasets.clean(str(info.meta.get("description", "")))
    out = [front_matter(info.title, desc)]
    out.append(f"# {esc(info.title)}\n\n")
    out.append(
        f"*{esc(info.title_en)}* · [English](en.md#{info.name}) · [全部数据集](index.md)\n\n"
    )
    out.append(esc(desc) + "\n\n")
    _valid, words = ctx.status(info)
    sections = (info.meta.get("source") or {}).get("sections") or []
    source = datasets.source_title(info)
    out.append(table(["项目", "内容"], [
        ["年份", esc(datasets.years_text(info)) or "—"],
        ["行数", str(len(info.records))],
        ["更新日期", info.updated_date() or "—"],
        ["发布机构", esc(ctx.package.get("publisher", ""))],
        ["来源", "《" + esc(source) + "》" + ("：" + "；".join(esc(s) for s in sections)
                                             if sections else "")],
        ["许可", license_link(ctx)],
        ["校验", esc(words)],
    ]))
    out.append("\n## 下载\n\n")
    rows = []
    for suffix, (zh, _en, _media) in formats.FORMATS.items():
        path = info.name + suffix
        rows.append([esc(zh), f"[{path}]({path})", size_text(len(ctx.files[path]))])
    schema = f"{formats.SCHEMA_DIR}/{info.name}.schema.json"
    if schema in ctx.files:
        rows.append(["表结构（Table Schema，JSON）", f"[{info.name}.schema.json]({schema})",
                     size_text(len(ctx.files[schema]))])
    out.append(table(["格式", "文件", "大小"], rows))
    out.append(
        "\n标准 CSV 是数据的正式版本；Excel 版 CSV 和 XLSX 专为 Excel 准备，"
        "以 `=` `+` `-` `@` 开头的文字已作防公式处理（见[数据目录](index.md#excel-formulas)说明）。"
        f"也可以[一次下载全部数据集]({ctx.zip_name})。\n\n"
    )
    out.append("## 数据字典\n\n")
    out.append(dictionary_table(info))
    pk = info.schema.get("primaryKey")
    if pk:
        keys = [pk] if isinstance(pk, str) else pk
        out.append("\n主键：" + " + ".join(code(k) for k in keys)
                   + "（每行这几个字段的组合唯一）。\n")
    count = len(info.rows)
    shown = min(count, PREVIEW_ROWS)
    out.append(f"\n## 预览\n\n前 {shown} 行，共 {count} 行。\n\n")
    out.append(preview_table(info))
    notes = [datasets.clean(str(n)) for n in info.meta.get("notes") or []]
    if notes:
        out.append("\n## 说明\n\n" + "".join(f"- {esc(n)}\n" for n in notes))
    out.append("\n## 引用\n\n")
    out.append("GB/T 7714-2015（把“引用日期”换成你访问的日期）：\n\n")
    out.append(quote(citations.gbt(info)))
    out.append("\nAPA：\n\n")
    out.append(quote(citations.apa(info)))
    out.append("\n## 修订记录\n\n")
    out.append(revision_log.markdown(revision_log.for_dataset(ctx.layout, info.name)))
    out.append("\n## 许可\n\n" + _license_paragraph(ctx, "zh") + "\n")
    out.append("\n## 使用本数据的图表\n\n" + charts_part(ctx, info))
    out.append("\n## 校验和\n\n")
    out.append("SHA-256（与 [SHA256SUMS](" + formats.SUMS + ") 中的值相同）：\n\n")
    lines = "\n".join(
        f"{ctx.sha(info.name + s)}  {info.name}{s}" for s in formats.FORMATS
    )
    out.append(pre(lines))
    out.append("\n" + json_ld(dataset_json_ld(ctx, info)))
    return "".join(out)


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
    return result


def write_pages(
    layout: Layout,
    docs_dir: Path,
    files: dict[str, bytes] | None = None,
    report: Any = None,
    charts: dict[str, list[dict[str, str]]] | None = None,
) -> list[Path]:
    """Write the catalog pages under docs_dir/data/; return the paths written.

    `files` is downloads.all_files()'s output (rendered here when not given),
    `report` the validation report of this build, `charts` maps a dataset
    name to the charts that use it ({"id", "title", "link"}).
    """
    written = []
    for rel, text in pages(layout, files, report, charts).items():
        path = docs_dir / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written
