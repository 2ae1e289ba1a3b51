"""The built site: every page parsed; failed builds leave site/ untouched; data drives text."""

from __future__ import annotations

import hashlib
import json
import re
from html.parser import HTMLParser
from pathlib import Path

import pytest

from pipeline import build, docs
from pipeline.paths import REPO, Layout
from tests import engine
from tests.repocopy import repo_with_site
from tests.sitebuild import built_site, copy_project

VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
        "track", "wbr"}


class Node:
    def __init__(self, tag: str, attrs: dict[str, str], parent: Node | None) -> None:
        self.tag, self.attrs, self.parent = tag, attrs, parent
        self.children: list[Node] = []
        self.text: list[str] = []

    def all(self, tag: str | None = None, cls: str | None = None) -> list[Node]:
        found = []
        for child in self.children:
            if (tag is None or child.tag == tag) and (
                cls is None or cls in child.attrs.get("class", "").split()
            ):
                found.append(child)
            found.extend(child.all(tag, cls))
        return found

    def content(self) -> str:
        return "".join(self.text) + "".join(c.content() for c in self.children)


class Tree(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.root = Node("#root", {}, None)
        self.current = self.root

    def handle_starttag(self, tag, attrs):
        node = Node(tag, {k: v or "" for k, v in attrs}, self.current)
        self.current.children.append(node)
        if tag not in VOID:
            self.current = node

    def handle_endtag(self, tag):
        node = self.current
        while node is not self.root and node.tag != tag:
            node = node.parent
        if node is not self.root:
            self.current = node.parent

    def handle_data(self, data):
        self.current.text.append(data)


def parse(path: Path) -> Node:
    tree = Tree()
    tree.feed(path.read_text(encoding="utf-8"))
    return tree.root


@pytest.fixture(scope="module")
def site() -> Layout:
    return built_site()


def html_pages(layout: Layout) -> list[Path]:
    return sorted(layout.site.rglob("*.html"))


@pytest.mark.site
def test_every_report_page_is_built(site):
    published = [e.year for e in docs.editions(REPO) if not e.draft]
    pages = [f"{md.parent.name}/" + ("" if md.stem == "index" else f"{md.stem}/") + "index.html"
             for year in published for md in (REPO.docs / str(year)).glob("*.md")]
    assert len(pages) > len(published)  # each edition has chapters besides its front page
    for rel in ("index.html", *pages, "assets/javascripts/charts.js", engine.SEARCH_INDEX):
        assert (site.site / rel).is_file(), rel


@pytest.mark.site
def test_every_placeholder_is_resolved(site):
    for page in html_pages(site):
        text = re.sub(r"<code>.*?</code>", "", page.read_text(encoding="utf-8"), flags=re.S)
        text = re.sub(r"<script[^>]*>.*?</script>", "", text, flags=re.S)
        assert "[[" not in text, page  # shown in code only, where the guide explains the syntax


@pytest.mark.site
def test_every_chart_has_title_unit_description_table_source_and_option(site):
    found = 0
    for page in html_pages(site):
        for figure in parse(page).all("figure", "chart"):
            found += 1
            cid = figure.attrs["id"]
            # the title is the page's heading on embed pages (<h1>), a paragraph in the report
            title = figure.all("p", "chart__title") or figure.all("h1", "chart__title")
            assert title[0].content().strip(), cid
            assert figure.all("p", "chart__unit")[0].content().startswith("单位："), cid
            canvas = figure.all("div", "chart__canvas")[0]
            assert canvas.attrs["role"] == "img" and canvas.attrs["aria-label"].strip(), cid
            if "aria-describedby" in figure.attrs:  # report pages also describe it in text
                described = [p for p in figure.all("p")
                             if p.attrs.get("id") == figure.attrs["aria-describedby"]]
                assert described and described[0].content().strip(), cid
            table = figure.all("table")[0]
            assert table.all("th") and table.all("td"), cid
            assert figure.all("figcaption", "chart__source")[0].content().startswith("来源："), cid
            holder = [s for s in figure.all()
                      if s.attrs.get("id") == canvas.attrs["data-chart-option"]][0]
            assert holder.tag == "template" or holder.attrs.get("type") == "application/json"
            option = json.loads(holder.content())
            assert option["aria"]["enabled"] is True and option["series"], cid
    assert found >= 7


@pytest.mark.site
def test_pages_ask_nothing_from_other_origins(site):
    external = re.compile(r"^(https?:)?//", re.I)
    for page in html_pages(site):
        root = parse(page)
        for node in root.all():
            refs = []
            if node.tag in ("script", "img", "iframe", "source", "audio", "video", "embed"):
                refs.append(node.attrs.get("src", ""))
            if node.tag == "link" and node.attrs.get("rel") in (
                    "stylesheet", "preload", "preconnect", "icon", "modulepreload",
                    "dns-prefetch", "manifest"):
                refs.append(node.attrs.get("href", ""))
            for ref in refs:
                assert not external.match(ref), f"{page}: {node.tag} {ref}"
        text = page.read_text(encoding="utf-8")
        assert "fonts.googleapis" not in text and "fonts.gstatic" not in text, page
    for css in site.site.rglob("*.css"):
        assert not re.search(r"url\(\s*['\"]?(https?:)?//", css.read_text(encoding="utf-8")), css


@pytest.mark.site
def test_chinese_search_is_segmented(site):
    assert engine.search_languages(site.site) == ["zh"]
    text = " ".join(entry.text for entry in engine.search_entries(site.site))
    assert "\u200b稻虾\u200b" in text  # jieba cut the sentence into words (zero-width spaces)


@pytest.mark.site
def test_home_page_shows_latest_edition_cards_linking_to_chapters(site):
    home = parse(site.site / "index.html")
    cards = home.all("a", "kpi-card")
    assert len(cards) >= 4
    for card in cards:
        target = (site.site / card.attrs["href"]).resolve()
        assert (target / "index.html").is_file(), card.attrs["href"]
        assert card.all("span", "kpi-card__value")[0].content()
        assert re.fullmatch(r"\d{4}年(（推算）)?", card.all("span", "kpi-card__year")[0].content())


def tree_digest(folder: Path) -> str:
    digest = hashlib.sha256()
    for path in sorted(folder.rglob("*")):
        if path.is_file():
            digest.update(path.relative_to(folder).as_posix().encode())
            digest.update(path.read_bytes())
    return digest.hexdigest()


@pytest.fixture(scope="module")
def project(tmp_path_factory) -> Layout:
    """A copy that tests may change and rebuild; it starts with the session's good site/.

    (A changed CSV value showing in the rebuilt pages, and markup in a cell shown as text,
    are checked on the build with injected text: tests/test_injection.py.)"""
    return repo_with_site(tmp_path_factory.mktemp("edit") / "project")


@pytest.mark.site
@pytest.mark.parametrize(
    ("rel", "line", "message"),
    [
        ("2020/index.md", "文中引用了不存在的数字[[fig:no-such-figure@2020]]。",
         "docs/2020/index.md:.*no-such-figure"),
        # a broken link MkDocs refuses (--strict), after every other stage: test_atomic.py
    ],
)
def test_a_failed_build_leaves_site_untouched(project, capsys, rel, line, message):
    before = tree_digest(project.site)
    page = project.docs / rel
    original = page.read_text(encoding="utf-8")
    page.write_text(original + "\n" + line + "\n", encoding="utf-8")
    try:
        assert build.build(project, log=lambda *_: None) == 1
    finally:
        page.write_text(original, encoding="utf-8")
    assert re.search(message, capsys.readouterr().err)
    assert tree_digest(project.site) == before
    assert not (project.build / "site.new").exists()


@pytest.mark.site
def test_invalid_data_fails_before_anything_is_written(project, capsys):
    before = tree_digest(project.site)
    csv = project.csv("indicators")
    original = csv.read_text(encoding="utf-8")
    csv.write_text(original.replace(",49.3,", ",四十九,", 1), encoding="utf-8")
    try:
        assert build.build(project, log=lambda *_: None) == 1
    finally:
        csv.write_text(original, encoding="utf-8")
    assert "数据校验未通过" in capsys.readouterr().err
    assert tree_digest(project.site) == before


def test_mkdocs_config_stays_self_contained():
    text = REPO.mkdocs_config.read_text(encoding="utf-8")
    assert re.search(r"^\s*font: false", text, re.M)
    assert re.search(r"^\s*language: zh", text, re.M)
    assert "defer: true" in text
    for banned in ("offline", "social", "cdn", "unpkg", "jsdelivr", "pyecharts.org"):
        assert banned not in text, banned


def test_preview_notices_a_saved_csv_chart_spec_or_page(tmp_path):
    from pipeline import serve

    layout = copy_project(tmp_path / "project")
    before = serve.snapshot(layout)
    for path in (layout.csv("indicators"), layout.meta("indicators"),
                 layout.docs / "2020/index.md"):
        path.write_text(path.read_text(encoding="utf-8") + "\n", encoding="utf-8")
        after = serve.snapshot(layout)
        assert after != before, path
        before = after
