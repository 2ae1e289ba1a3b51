"""Each edition's PDF, read back with a PDF reader (pypdf): figures, contents, fonts, vectors.

The PDF is made from the session's built site (tests/sitebuild.py runs
`pipeline.pdf` after the build, as CI runs `make pdf` after `make build`).
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

import pytest
from pypdf import PdfReader

from pipeline import charts, docs, formats, load, model, pdf, siteconfig
from pipeline.paths import REPO, Layout
from tests.sitebuild import built_site

# The latest published edition, from docs/ (each published edition has its PDF).
LATEST = max(e.year for e in docs.editions(REPO) if not e.draft)


def _title(rel: str) -> str:
    """A page's title as the PDF shows it: its first heading."""
    text = (REPO.docs / rel).read_text(encoding="utf-8")
    return next(line[2:].strip() for line in text.splitlines() if line.startswith("# "))


@pytest.fixture(scope="module")
def site() -> Layout:
    return built_site()


@pytest.fixture(scope="module")
def path(site: Layout) -> Path:
    return site.site / "data" / formats.edition_pdf(site, LATEST)


@pytest.fixture(scope="module")
def reader(path: Path) -> PdfReader:
    return PdfReader(str(path))


@pytest.fixture(scope="module")
def text(reader: PdfReader) -> str:
    """All the text, with the line breaks the typesetter put into long lines removed."""
    return "".join(page.extract_text() for page in reader.pages).replace("\n", "")


@pytest.mark.site
def test_every_headline_and_chapter_figure_is_in_the_pdf(text: str):
    data = model.load_figures(REPO)
    wanted = [f for f in data.area_figures("industry", LATEST)] + [
        data.figure(f"{ref}@{LATEST}") for ref in ("rd-spending", "rd-intensity",
                                                    "high-tech-enterprises")]
    assert len(wanted) > 5
    for fig in wanted:
        assert fig.text.replace(" ", "") in text.replace(" ", ""), (fig.ref, fig.text)


@pytest.mark.site
def test_every_chart_is_drawn_as_vectors_with_its_title(reader: PdfReader, text: str):
    data = model.load_figures(REPO)
    drawn = charts.build_all(REPO, data, model.source_title(load.package_meta(REPO)))
    mine = [c for c in drawn.values() if c.edition in (LATEST, None)]  # this edition's charts
    assert mine
    for chart in mine:
        assert chart.title in text, chart.title
    # charts come from SVG: no picture in the PDF is a bitmap
    assert sum(len(page.images) for page in reader.pages) == 0


@pytest.mark.site
def test_contents_page_and_page_numbers(reader: PdfReader):
    pages = [page.extract_text() for page in reader.pages]
    contents = next(i for i, t in enumerate(pages) if "目录" in t)
    assert contents <= 2
    # each chapter is listed with the page it starts on, and starts there
    # the edition's first and last chapters (their titles from docs/, in the PDF's order)
    chapters = [_title(rel) for rel in pdf.edition_pages(REPO, LATEST)[1:]]
    wanted = "|".join(re.escape(t) for t in (chapters[0], chapters[-1]))
    listed = re.findall(rf"({wanted})[.\s…]*?(\d+)\s*$", pages[contents], re.M)
    assert len(listed) == 2, pages[contents]
    for title, number in listed:
        assert title in pages[int(number) - 1]
    total = len(pages)
    for i, page in enumerate(pages[1:], start=2):
        assert f"{i} / {total}" in page, i
    outline = [item.title for item in reader.outline if not isinstance(item, list)]
    assert chapters[0] in outline


@pytest.mark.site
def test_source_licence_and_metadata(reader: PdfReader, text: str):
    pkg = load.package_meta(REPO)
    assert pkg["sources"][0]["title"] in text
    assert pkg["license"]["title"] in text and pkg["license"]["path"] in text
    assert pkg["publisher"] in text
    assert reader.metadata.author == pkg["publisher"]
    assert f"{LATEST}年工作报告" in reader.metadata.title


@pytest.mark.site
def test_cjk_fonts_are_embedded(reader: PdfReader):
    fonts = {}
    for page in reader.pages:
        for font in (page["/Resources"].get("/Font") or {}).values():
            font = font.get_object()
            descendants = font.get("/DescendantFonts") or [font]
            for d in descendants:
                d = d.get_object()
                descriptor = d.get("/FontDescriptor")
                fonts[str(d.get("/BaseFont"))] = descriptor and any(
                    k in descriptor.get_object() for k in ("/FontFile", "/FontFile2", "/FontFile3"))
    assert any("CJK" in name for name in fonts), fonts
    assert all(fonts.values()), fonts


@pytest.mark.site
def test_pdf_is_checksummed_and_linked(site: Layout, path: Path):
    sums = (site.site / "data" / "SHA256SUMS").read_text(encoding="ascii")
    assert f"{hashlib.sha256(path.read_bytes()).hexdigest()}  {path.name}\n" in sums
    assert sums.splitlines() == sorted(sums.splitlines(), key=lambda line: line.split("  ")[1])
    for page in ("data/index.html", "data/en/index.html", f"{LATEST}/index.html",
                 f"{LATEST}/industry/index.html"):
        assert path.name in (site.site / page).read_text(encoding="utf-8"), page


def test_pdf_needs_a_built_site(tmp_path: Path):
    with pytest.raises(pdf.PdfError, match="make build"):
        pdf.write(REPO, site=tmp_path / "nothing")


def test_pages_follow_the_navigation():
    pages = pdf.edition_pages(REPO, LATEST)
    assert pages[0] == f"{LATEST}/index.md"
    order = [p for p in siteconfig.nav_pages(REPO) if p.startswith(f"{LATEST}/")]
    if order:  # the edition's section of mkdocs.yml's nav (else the newest edition's order)
        assert [p for p in pages if p in order] == order
    assert pages.index(f"{LATEST}/industry.md") < pages.index(f"{LATEST}/plan.md") \
        < pages.index(f"{LATEST}/about.md")


def test_every_published_edition_gets_a_pdf_and_no_draft(tmp_path: Path):
    """The editions come from docs/ (a new edition's source need not be in package.yml)."""
    for year, status in ((2020, "published"), (2021, "published"), (2022, "draft")):
        (tmp_path / "docs" / str(year)).mkdir(parents=True)
        (tmp_path / "docs" / str(year) / "index.md").write_text(
            f"---\ntitle: {year}年工作报告\nstatus: {status}\n---\n# {year}\n", encoding="utf-8")
    assert pdf.editions(Layout(tmp_path)) == [2020, 2021]
