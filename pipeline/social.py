"""What a shared link shows: the picture, title and description of every page, and edition cards.

What belongs here: choosing each generated page's preview image (the PNG of
the first chart on a chart page or of a dataset's first chart on its page, an
edition card elsewhere) and writing it into the page's front matter, where the
theme (overrides/main.html) turns it into og: and twitter: tags; the edition
cards themselves (an SVG drawn here with the edition's headline figures,
rasterised like the chart images). What does not: the tags' HTML (the theme),
chart images (chart_exports.py).
"""

from __future__ import annotations

import html
import re
from pathlib import Path
from typing import Any

from . import chart_exports, markup, urls
from .paths import Layout

CARD_DIR = "assets/images/cards"
CARD_WIDTH, CARD_HEIGHT = 1200, 630
FRONT_MATTER = re.compile(r"\A---\n(.*?)\n---\n", re.S)


def card_path(year: int) -> str:
    return f"{CARD_DIR}/edition-{year}.png"


def card_svg(title: str, site_name: str, lines: list[tuple[str, str]], footer: str) -> bytes:
    """A 1200×630 card: site name, edition title, up to four headline figures, the source."""
    svg = markup.render("card.svg", width=CARD_WIDTH, height=CARD_HEIGHT, font=chart_exports.FONT,
                        site_name=site_name, title=title, lines=lines, footer=footer)
    return svg.encode("utf-8")


def cards(layout: Layout, site: Any, site_name: str, pkg: dict[str, Any]) -> dict[str, bytes]:
    """assets/images/cards/edition-YEAR.png for every edition (paths relative to the docs)."""
    svgs: dict[str, bytes] = {}
    for year in site.editions():
        index = site.edition_index(year)
        lines = []
        for entry in index.meta.get("headline") or []:
            ref = entry if isinstance(entry, str) else (entry or {}).get("id")
            try:
                fig = site.data.figure(f"{ref}@{year}")
            except Exception:  # noqa: BLE001 - a card simply leaves out what it cannot show
                continue
            lines.append((str(fig.name), str(fig.text)))
        lic = (pkg.get("license") or {}).get("name", "")
        footer = f"{pkg.get('publisher', '')} · 数据许可 {lic}".strip(" ·")
        svgs[f"edition-{year}"] = card_svg(str(index.meta.get("title") or f"{year}年工作报告"),
                                           site_name, lines, footer)
    pngs = chart_exports.pngs(layout, svgs)
    return {f"{CARD_DIR}/{name}.png": data for name, data in pngs.items()}


def page_images(site: Any, charts: dict[str, Any], generated: list[str]) -> dict[str, tuple[str, str]]:
    """Generated page (path relative to the docs) -> (image path from the site root, alt text)."""
    first_chart: dict[str, str] = {}
    for chart_id, page in site.chart_pages.items():  # in the order the charts appear
        first_chart.setdefault(page.rel, chart_id)
    by_dataset: dict[str, str] = {}
    for chart_id in site.chart_pages:
        by_dataset.setdefault(charts[chart_id].dataset, chart_id)
    editions = site.editions()
    latest = editions[-1] if editions else None
    edition_of = {p.rel: p.edition for p in site.pages}
    result: dict[str, tuple[str, str]] = {}
    for rel in generated:
        chart_id = first_chart.get(rel)
        if chart_id is None:
            match = re.fullmatch(r"data/([a-z0-9-]+)\.md", rel)
            if match:
                chart_id = by_dataset.get(match.group(1))
        if chart_id is not None:
            chart = charts[chart_id]
            result[rel] = (urls.data_path(urls.chart_file(chart_id, ".png")),
                           f"{chart.title}（单位：{chart.unit}）")
            continue
        year = edition_of.get(rel) or latest
        if year is not None:
            result[rel] = (card_path(year), f"{year}年工作报告主要指标")
    return result


def page_meta(site: Any, charts: dict[str, Any], generated: list[str],
              edition_pdf: Any) -> dict[str, dict[str, str]]:
    """Front matter the build adds to each generated page: `image`, `image_alt` and, on an
    edition's pages, `edition_pdf` (the PDF's path from the site root)."""
    result: dict[str, dict[str, str]] = {}
    for rel, (image, alt) in page_images(site, charts, generated).items():
        result[rel] = {"image": image, "image_alt": alt}
    for page in site.pages:
        if page.edition is not None and page.rel in generated:
            result.setdefault(page.rel, {})["edition_pdf"] = f"data/{edition_pdf(page.edition)}"
    return result


def summary(text: str, limit: int = 120) -> str:
    """The first paragraph of a Markdown page as plain text (for pages without a description)."""
    match = FRONT_MATTER.match(text)
    body = text[match.end():] if match else text
    for block in re.split(r"\n\s*\n", body):
        block = block.strip()
        if not block or block[0] in "#<|-*>![`" or block.startswith(("[[", "{", ":::")):
            continue
        plain = re.sub(r"!?\[([^\]]*)\]\([^)]*\)", r"\1", block)  # links -> their text
        plain = re.sub(r"<[^>]+>|[*_`]", "", plain)
        # Entities (text from data is escaped as &#NN;) back to characters; then no markup at
        # all, since themes print descriptions into the head as they are.
        plain = html.unescape(plain).replace("<", "").replace(">", "").replace("&", "＆")
        plain = " ".join(plain.split())
        if plain:
            return plain if len(plain) <= limit else plain[: limit - 1] + "…"
    return ""


ADDED_KEYS = ("image", "image_alt", "edition_pdf")


def tag_pages(out_docs: Path, metas: dict[str, dict[str, str]]) -> None:
    """Add the keys of `metas` to the front matter of each generated page."""
    from .pages import write_if_changed

    for rel, meta in metas.items():
        path = out_docs / rel
        text = path.read_text(encoding="utf-8")
        match = FRONT_MATTER.match(text)
        has_description = bool(match and re.search(r"^description:", match.group(1), re.M))
        if not has_description and summary(text):
            meta = {**meta, "description": summary(text)}
        lines = "".join(f"{k}: {_yaml(v)}\n" for k, v in meta.items())
        match = FRONT_MATTER.match(text)
        if match:
            body = match.group(1)
            keys = "|".join(ADDED_KEYS)
            body = re.sub(rf"^(?:{keys}):.*\n?", "", body + "\n", flags=re.M).rstrip("\n")
            text = f"---\n{body}\n{lines}---\n" + text[match.end():]
        else:
            text = f"---\n{lines}---\n\n" + text
        write_if_changed(path, text.encode("utf-8"))


def _yaml(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)
