"""Every page can be shared: its language, og: and twitter: tags, and the picture they name."""

from __future__ import annotations

import re
import struct
from html.parser import HTMLParser
from pathlib import Path
from urllib.parse import urlsplit

import pytest

from pipeline import docs, social, urls
from pipeline.paths import REPO, Layout
from tests.sitebuild import built_site


class Head(HTMLParser):
    """The <html lang>, the meta tags and the first chart of a page."""

    def __init__(self) -> None:
        super().__init__()
        self.lang = ""
        self.meta: dict[str, str] = {}
        self.first_chart = ""

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        a = {k: v or "" for k, v in attrs}
        if tag == "html":
            self.lang = a.get("lang", "")
        elif tag == "meta" and (a.get("property") or a.get("name")):
            self.meta.setdefault(a.get("property") or a["name"], a.get("content", ""))
        elif tag == "figure" and "chart" in a.get("class", "").split() and not self.first_chart:
            self.first_chart = a.get("id", "").removeprefix("chart-")


def head(page: Path) -> Head:
    parsed = Head()
    parsed.feed(page.read_text(encoding="utf-8"))
    return parsed


PUBLISHED = [e.year for e in docs.editions(REPO) if not e.draft]
EDITIONS = {str(year) for year in PUBLISHED}
LATEST = max(PUBLISHED)


@pytest.fixture(scope="module")
def site() -> Layout:
    return built_site()


def pages(site: Layout) -> list[Path]:
    found = [p for p in sorted(site.site.rglob("index.html"))
             if "embed" not in p.relative_to(site.site).parts]
    assert len(found) > 10
    return found


def png_size(path: Path) -> tuple[int, int]:
    data = path.read_bytes()
    assert data[:8] == b"\x89PNG\r\n\x1a\n", path
    return struct.unpack(">II", data[16:24])


@pytest.mark.site
def test_english_pages_are_marked_english_and_the_rest_chinese(site: Layout):
    for page in pages(site):
        rel = page.relative_to(site.site).as_posix()
        expected = "en" if rel.startswith("data/en/") else "zh"
        assert head(page).lang == expected, rel


@pytest.mark.site
def test_every_page_has_title_description_image_and_card(site: Layout):
    for page in pages(site):
        rel = page.relative_to(site.site).as_posix()
        meta = head(page).meta
        for key in ("og:title", "og:description", "og:image", "og:image:alt", "og:url",
                    "twitter:card", "twitter:title", "twitter:description", "twitter:image"):
            assert meta.get(key), (rel, key)
        assert meta["twitter:card"] == "summary_large_image"
        assert meta["og:image"] == meta["twitter:image"]
        assert meta["og:image"].startswith("http"), "og:image must be an absolute URL"
        image = site.site / urlsplit(meta["og:image"]).path.lstrip("/")
        assert image.is_file() and png_size(image)[0] >= 600, (rel, meta["og:image"])


@pytest.mark.site
def test_chart_pages_show_their_first_chart_and_other_pages_the_edition_card(site: Layout):
    seen_chart = seen_card = 0
    for page in pages(site):
        rel = page.relative_to(site.site).as_posix()
        parsed = head(page)
        path = urlsplit(parsed.meta["og:image"]).path
        if parsed.first_chart and rel.startswith(f"{urls.INDICATOR_DIR}/"):
            # an indicator page's chart has data downloads but no image: the edition card
            assert path.endswith(f"/{social.card_path(LATEST)}"), rel
            seen_card += 1
        elif parsed.first_chart:
            assert path.endswith(f"/data/charts/{parsed.first_chart}.png"), rel
            seen_chart += 1
        elif not re.match(r"data/[a-z-]+/index\.html", rel) or rel == "data/en/index.html":
            # an edition's page: that edition's card; any other page: the latest edition's
            year = int(rel.split("/")[0]) if rel.split("/")[0] in EDITIONS else LATEST
            assert path.endswith(f"/{social.card_path(year)}"), rel
            seen_card += 1
    assert seen_chart >= 5 and seen_card >= 3
    # a dataset drawn in charts shows one of its charts (indicators: the indicator charts)
    indicators = head(site.site / "data" / "indicators" / "index.html").meta["og:image"]
    assert "/data/charts/" in indicators


@pytest.mark.site
def test_edition_card_is_a_large_png(site: Layout):
    width, height = png_size(site.site / social.card_path(LATEST))
    assert width >= 1200 and abs(width / height - 1200 / 630) < 0.01


@pytest.mark.site
def test_pages_without_a_description_get_their_first_paragraph(site: Layout):
    meta = head(site.site / "2020" / "industry" / "index.html").meta
    assert meta["og:description"].startswith("“产业立市”是全市的中心工作")
    assert "[[" not in meta["og:description"] and "<" not in meta["og:description"]


def test_summary_skips_headings_markup_and_placeholders():
    text = ("---\ntitle: x\n---\n# 标题\n\n<div>块</div>\n\n[[cards:2020]]\n\n"
            "这是**第一段**，有[链接](a.md)。\n")
    assert social.summary(text) == "这是第一段，有链接。"
    assert social.summary("# 只有标题\n") == ""
