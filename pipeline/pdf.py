"""`python -m pipeline pdf` (`make pdf`): each published edition as a PDF typeset for print.

What belongs here: gathering an edition's pages from the built site (in the
order of the site's navigation), turning them into one print document (cover,
contents page with page numbers, chapters, source and licence), and setting it
with WeasyPrint into site/data/PACKAGE-YEAR.pdf, whose checksum is added to
site/data/SHA256SUMS. What does not: the pages themselves (pages.py, MkDocs),
chart images (chart_exports.py; the PDF uses the SVGs, so charts stay vectors).

The text is the site's own HTML: every figure in the PDF is the one the site
shows, which the build filled in from the data. CJK fonts (Noto, from
fonts-noto-cjk) are embedded as subsets. No browser is involved; `make build`
does not run this step, CI runs it before deploying.
"""

from __future__ import annotations

import argparse
import hashlib
import posixpath
import re
import sys
import xml.etree.ElementTree as ET
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from . import citations, datasets, docs, formats, load, markup, siteconfig, urls
from .paths import REPO, Layout

NS = ""  # parsed without namespaces, so elements serialise as plain HTML
FONTS = '"Noto Serif CJK SC", "Noto Sans CJK SC", "Source Han Serif SC", serif'
SANS = '"Noto Sans CJK SC", "Source Han Sans SC", sans-serif'
# Parts of a web page that mean nothing on paper.
DROP_CLASSES = {"headerlink", "md-content__button", "chart__tools", "edition-pdf", "sr-only"}


class PdfError(Exception):
    """A PDF could not be made; the message says what to build or install first."""


@dataclass
class Chapter:
    url: str  # site path of the page, e.g. "2020/industry/"
    title: str
    body: str  # XHTML of the article, cleaned for print
    headings: list[tuple[str, str]] = field(default_factory=list)  # (anchor, text) of h2


def edition_pages(layout: Layout, year: int) -> list[str]:
    """The edition's pages in the order of the navigation the build rendered (derived from
    the editions, .build/nav.json), else in the order the build would derive it from
    mkdocs.yml's nav and the editions ("2020/index.md", ...)."""
    from . import docs, navigation

    built = navigation.read_nav(layout)
    if not built and layout.docs.is_dir():  # no build yet: derive it as the build does
        pages = docs.read_pages(layout.docs)
        built = navigation.derive(siteconfig.read(layout).get("nav"), pages,
                                  sorted(e.year for e in docs.editions(layout, pages))).nav
    found = [rel for rel in navigation._paths(built) if rel.startswith(f"{year}/")] if built else []
    found = found or [rel for rel in siteconfig.nav_pages(layout) if rel.startswith(f"{year}/")]
    if not found:
        found = sorted(p.relative_to(layout.docs).as_posix()
                       for p in (layout.docs / str(year)).glob("*.md"))
        found.sort(key=lambda rel: (not rel.endswith("/index.md"), rel))
    return list(dict.fromkeys(found))


def _classes(el: ET.Element) -> set[str]:
    return set((el.get("class") or "").split())


def _clean(el: ET.Element, page_url: str, site: Path, site_url: str) -> None:
    """Make one article fit for paper, in place."""
    for parent in list(el.iter()):
        previous: ET.Element | None = None
        for child in list(parent):
            tag = child.tag if isinstance(child.tag, str) else ""
            if (_classes(child) & DROP_CLASSES) or tag in ("template", "script", "noscript",
                                                         "button", "textarea"):
                if child.tail:  # the text after a removed element stays where it was
                    if previous is None:
                        parent.text = (parent.text or "") + child.tail
                    else:
                        previous.tail = (previous.tail or "") + child.tail
                parent.remove(child)
                continue
            previous = child
            if tag == "div" and "chart__canvas" in _classes(child):
                chart_id = (parent.get("id") or "").removeprefix("chart-")
                if child.find(f".//{NS}svg") is None and (site / "data" / "charts" /
                                                          f"{chart_id}.svg").is_file():
                    for k in list(child.attrib):
                        if k not in ("class", "role", "aria-label"):
                            del child.attrib[k]
                    img = ET.SubElement(child, f"{NS}img")
                    img.set("src", (site / "data" / "charts" / f"{chart_id}.svg").as_uri())
                    img.set("alt", child.get("aria-label") or "")
                    img.set("class", "chart__image")
            if tag == "details":
                child.tag = f"{NS}div"
                child.set("class", (child.get("class") or "") + " details")
            if tag == "summary":
                child.tag = f"{NS}p"
                child.set("class", "summary")
            for attr in ("href", "src"):
                value = child.get(attr)
                if value:
                    child.set(attr, _absolute(value, page_url, site, site_url, attr == "src"))


def _absolute(link: str, page_url: str, site: Path, site_url: str, local: bool) -> str:
    """A link of the page as the PDF needs it: images from the built site, links to the web."""
    if re.match(r"^[a-z][a-z0-9+.-]*:", link) or link.startswith("#"):
        return link
    path, _, fragment = link.partition("#")
    joined = posixpath.normpath(posixpath.join(page_url, path)) if path else page_url
    joined = joined.lstrip("/") if joined not in (".", "") else ""
    if path.endswith("/") and joined and not joined.endswith("/"):
        joined += "/"
    if local:
        return (site / joined).as_uri()
    base = site_url.rstrip("/") + "/" if site_url else "/"
    return base + joined + (f"#{fragment}" if fragment else "")


def chapter(site: Path, rel: str, site_url: str) -> Chapter:
    import tinyhtml5

    url = urls.page_path(rel)
    page = site / url / "index.html"
    if not page.is_file():
        raise PdfError(f"网站里没有 {url}：请先运行 make build / {page} is missing: run make build")
    root = tinyhtml5.parse(page.read_text(encoding="utf-8"), namespace_html_elements=False)
    article = next((a for a in root.iter(f"{NS}article") if "md-content__inner" in _classes(a)),
                   None)
    if article is None:
        raise PdfError(f"{page} 中没有正文（article）/ no article in {page}")
    _clean(article, url, site, site_url)
    h1 = article.find(f".//{NS}h1")
    title = "".join(h1.itertext()).strip() if h1 is not None else url
    anchor = "p-" + re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-")
    if h1 is not None:
        h1.set("id", anchor)
    # ids must be unique in the one document: prefix them with the chapter's anchor
    for el in article.iter():
        if el is not h1 and el.get("id"):
            el.set("id", f"{anchor}--{el.get('id')}")
    for el in article.iter(f"{NS}a"):
        href = el.get("href") or ""
        if href.startswith("#") and len(href) > 1:
            el.set("href", f"#{anchor}--{href[1:]}")
    headings = [(h.get("id") or "", "".join(h.itertext()).strip())
                for h in article.iter(f"{NS}h2")]
    body = "".join(ET.tostring(child, encoding="unicode", method="html") for child in article)
    body = (article.text or "") + body
    return Chapter(url=url, title=title, body=body, headings=headings)


def document(layout: Layout, year: int, site: Path) -> str:
    """The whole edition as one HTML document for WeasyPrint."""
    pkg = load.package_meta(layout)
    site_url = siteconfig.site_url(layout)
    chapters = [chapter(site, rel, site_url) for rel in edition_pages(layout, year)]
    if not chapters:
        raise PdfError(f"docs/{year}/ 下没有页面 / no pages for {year}")
    source = next((s for s in pkg.get("sources") or [] if str(s.get("edition")) == str(year)),
                  (pkg.get("sources") or [{}])[0])
    lic = pkg.get("license") or {}
    items = datasets.read_all(layout)
    dates = [i.updated for i in items if i.updated]
    updated = max(dates) if dates else None
    return markup.render(
        "pdf.html", year=year, css=CSS, title=chapters[0].title,
        package_title=str(pkg.get("title", "")), publisher=str(pkg.get("publisher", "")),
        source_title=str(source.get("title", "")),
        when=updated.astimezone(datasets.CST).date().isoformat() if updated else "",
        web=(site_url.rstrip("/") + "/") if site_url else "",
        license={k: str(lic.get(k, "")) for k in ("title", "name", "path")},
        citation=citations.package_gbt(pkg, updated, site_url),
        chapters=[{"slug": _slug(ch.url), "title": ch.title, "headings": ch.headings,
                   "body": ch.body} for ch in chapters],
    )


def _slug(url: str) -> str:
    return re.sub(r"[^a-z0-9]+", "-", url.lower()).strip("-")


CSS = f"""
@page {{
  size: A4; margin: 22mm 20mm 24mm 20mm;
  @top-right {{ content: string(chapter); font: 8pt {SANS}; color: #666; }}
  @bottom-center {{ content: counter(page) " / " counter(pages); font: 9pt {SANS}; color: #444; }}
}}
@page :first {{ @top-right {{ content: none; }} @bottom-center {{ content: none; }} }}
html {{ font-family: {FONTS}; font-size: 10.5pt; line-height: 1.65; color: #111; }}
h1, h2, h3, h4, .summary, caption, th, figcaption, .toc, .cover {{ font-family: {SANS}; }}
h1 {{ font-size: 20pt; margin: 0 0 12pt; string-set: chapter content(); bookmark-level: 1; }}
h2 {{ font-size: 14pt; margin: 16pt 0 6pt; bookmark-level: 2; break-after: avoid; }}
h3 {{ font-size: 11.5pt; bookmark-level: 3; break-after: avoid; }}
.chapter {{ break-before: page; }}
a {{ color: #1a237e; text-decoration: none; }}
p, li {{ orphans: 2; widows: 2; }}
table {{ border-collapse: collapse; width: 100%; font-size: 8.5pt; margin: 6pt 0 10pt; }}
th, td {{ border: 0.5pt solid #bbb; padding: 2pt 4pt; text-align: left; vertical-align: top; }}
tr {{ break-inside: avoid; }}
caption {{ caption-side: top; text-align: left; font-weight: 700; padding: 2pt 0; }}
figure.chart {{ margin: 10pt 0; break-inside: avoid; }}
.chart__title {{ font-family: {SANS}; font-weight: 700; margin: 0; }}
.chart__unit {{ margin: 0; font-size: 8.5pt; color: #555; }}
.chart__canvas {{ height: auto !important; }}
/* the chart's picture carries its title, unit, source and licence: not twice on paper */
figure.chart > .chart__title, figure.chart > .chart__unit,
figure.chart > figcaption.chart__source {{ display: none; }}
.chart__image {{ width: 100%; height: auto; }}
figcaption {{ font-size: 8pt; color: #555; }}
.summary {{ font-weight: 700; font-size: 9pt; margin: 4pt 0 0; }}
.kpi-cards {{ display: flex; flex-wrap: wrap; gap: 6pt; }}
.kpi-card {{ display: block; width: 31%; border: 0.5pt solid #9fa8da; padding: 4pt 6pt;
  color: #111; }}
.kpi-card span {{ display: block; }}
.kpi-card__value {{ font-size: 14pt; font-weight: 700; font-family: {SANS}; }}
.kpi-card__name, .kpi-card__year, .kpi-card__change {{ font-size: 8pt; color: #444; }}
.md-typeset__scrollwrap, .md-typeset__table {{ overflow: visible; }}
table[style] {{ white-space: normal !important; }}
.cover {{ height: 230mm; display: flex; flex-direction: column; justify-content: center; }}
.cover__site {{ font-size: 14pt; color: #3949ab; margin: 0; }}
.cover__title {{ font-size: 34pt; margin: 10pt 0 24pt; string-set: none; bookmark-level: none; }}
.cover__publisher {{ font-size: 14pt; margin: 0; }}
.cover__source, .cover__date, .cover__web {{ font-size: 10pt; color: #444; margin: 4pt 0; }}
.toc {{ break-before: page; }}
.toc__title {{ font-size: 18pt; bookmark-level: 1; }}
.toc ul {{ list-style: none; padding: 0; }}
.toc li a::after {{ content: leader('.') target-counter(attr(href), page); }}
.toc li.toc-1 {{ font-weight: 700; margin-top: 6pt; }}
.toc li.toc-2 {{ padding-left: 14pt; font-size: 9.5pt; }}
.colophon {{ break-before: page; font-size: 9.5pt; }}
.colophon h2 {{ string-set: chapter content(); bookmark-level: 1; }}
"""


def edition_pdf(layout: Layout, year: int, site: Path | None = None) -> bytes:
    """The edition's PDF, as bytes."""
    try:
        from weasyprint import HTML
    except OSError as exc:  # Pango is missing
        raise PdfError(f"WeasyPrint 缺少系统库（运行 make pdf 会安装）/ {exc}") from exc
    site = site or layout.site
    text = document(layout, year, site)
    updated = [i.updated for i in datasets.read_all(layout) if i.updated]
    stamp = max(updated) if updated else formats.ZIP_EPOCH
    doc = HTML(string=text, base_url=site.as_uri() + "/").render()
    doc.metadata.created = stamp.isoformat()
    doc.metadata.modified = stamp.isoformat()
    return bytes(doc.write_pdf())


def editions(layout: Layout) -> list[int]:
    """The published editions (docs/YEAR/ with `status: published`), oldest first: each gets
    its PDF, whether or not datasets/package.yml lists its source."""
    return docs.edition_years(layout)


def add_checksums(data_dir: Path, written: dict[str, bytes]) -> None:
    """Put the PDFs into SHA256SUMS beside the other downloads (sorted, `sha256sum -c` format)."""
    sums = data_dir / formats.SUMS
    lines = {}
    if sums.exists():
        for line in sums.read_text(encoding="ascii").splitlines():
            digest, _, name = line.partition("  ")
            lines[name] = digest
    for name, content in written.items():
        lines[name] = hashlib.sha256(content).hexdigest()
    sums.write_text("".join(f"{lines[n]}  {n}\n" for n in sorted(lines)), encoding="ascii")


def write(layout: Layout, site: Path | None = None, log: Any = print) -> list[Path]:
    """Every edition's PDF into the built site's data folder; SHA256SUMS updated."""
    site = site or layout.site
    data = site / "data"
    if not (site / "index.html").is_file() or not data.is_dir():
        raise PdfError(f"没有构建好的网站：{site}（先运行 make build）/ no built site: run make build")
    written: dict[str, bytes] = {}
    for year in editions(layout):
        if not (site / str(year) / "index.html").is_file():
            continue  # not on the built site: a draft edition
        started = datetime.now()
        name = formats.edition_pdf(layout, year)
        content = edition_pdf(layout, year, site)
        (data / name).write_bytes(content)
        written[name] = content
        seconds = (datetime.now() - started).total_seconds()
        log(f"{year} 年报告 PDF：data/{name}（{len(content) / 1024:.0f} KB，{seconds:.1f} 秒）")
    add_checksums(data, written)
    return [data / n for n in written]


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("把每一期报告排版为 PDF，写入 site/data/（先运行 make build）/ "
                          "typeset each edition as a PDF into site/data/ (run make build first)")


def main(args: argparse.Namespace) -> int:
    try:
        write(REPO)
    except PdfError as exc:
        print(str(exc), file=sys.stderr)
        return 1
    return 0
