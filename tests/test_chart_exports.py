"""Per-chart downloads: data (CSV, XLSX), images (SVG, PNG), embed page, panel."""

from __future__ import annotations

import csv
import functools
import http.server
import io
import json
import re
import struct
import sys
import threading
import urllib.request
import xml.etree.ElementTree as ET
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from pipeline import (
    browser,
    chart_drawings,
    chart_exports,
    charts,
    downloads,
    formats,
    load,
    model,
    revision_log,
    urls,
)
from pipeline import markup as templating
from pipeline.paths import REPO, Layout
from tests import markup
from tests.sitebuild import built_site

PKG = {
    "publisher": "测试机构",
    "license": {"name": "CC-BY-4.0", "title": "Creative Commons Attribution 4.0 International",
                "path": "https://creativecommons.org/licenses/by/4.0/"},
}
NASTY = '</script><script>alert(1)</script> & "q" {{ x }}'




@dataclass
class FakeChart:
    """The attributes of charts.Chart that exports read."""

    id: str = "sample-chart"
    dataset: str = "things"
    title: str = "样例图表 " + NASTY
    unit: str = "家"
    source: str = "来源：测试来源报告（第一节）"
    description: str = "柱状图：样例。"
    height: int = 320
    columns: list[str] = field(default_factory=lambda: ["年份", "样例"])
    rows: list[list[str]] = field(default_factory=lambda: [["2019年", "142家"],
                                                           ["2020年", "30多家"]])
    keys: list[list[str]] = field(default_factory=list)
    option: dict[str, Any] = field(default_factory=lambda: {
        "xAxis": [{"type": "category", "data": ["2019年", "=2020年"]}],
        "yAxis": [{"type": "value", "name": "家"}],
        "series": [{"type": "bar", "name": "样例 <b>", "data": [
            {"value": 142, "text": "142家", "label": {"formatter": "142"}},
            {"value": 30.5, "text": "30多家", "label": {"formatter": "30多"}},
            None,
        ]}],
        "aria": {"enabled": True, "label": {"description": "x"}},
    })

    def option_json(self) -> str:
        return charts.embed_json(self.option)


def real_charts() -> dict[str, Any]:
    data = model.load_figures(REPO)
    title = load.package_meta(REPO)["sources"][0]["title"]
    return charts.build_all(REPO, data, title)


# ---------------------------------------------------------------------------- chart data


def test_chart_table_is_what_the_chart_draws():
    header, rows = formats.chart_table(FakeChart())
    assert header == ["年份", "系列", "数值", "上限", "限定词", "单位", "原文表述", "修订"]
    assert rows == [["2019年", "样例 <b>", 142, None, "", "家", "142家", ""],
                    ["=2020年", "样例 <b>", 30.5, None, "", "家", "30多家", ""]]


def _revised_chart() -> tuple[FakeChart, dict[tuple[str, str], revision_log.Revision]]:
    """FakeChart whose 2020 cell shows a record revised after publication."""
    chart = FakeChart(keys=[["s/2019"], ["s/2020"]])
    revision = revision_log.Revision("things", "s/2020", "value", "29", "30.5", "2099-01-02",
                                     "更正笔误")
    return chart, revision_log.revised([revision])


def test_a_revised_value_says_so_in_the_chart_downloads():
    """The 修订 column gives the revision's date, old value, reason and link, in CSV and XLSX;
    only the revised row has it."""
    chart, revised = _revised_chart()
    files = formats.chart_files(chart, PKG, "https://d.example.org/", "2020/a/", revised=revised)
    rows = list(csv.DictReader(io.StringIO(files["charts/sample-chart.csv"].decode("utf-8"))))
    anchor = revision_log.anchor("things", "s/2020")
    assert [r["修订"] for r in rows] == [
        "", f"修订（2099-01-02）；原为 29；更正笔误；https://d.example.org/data/things/#{anchor}"]
    sheet = openpyxl.load_workbook(io.BytesIO(files["charts/sample-chart.xlsx"])).worksheets[0]
    values = list(sheet.iter_rows(values_only=True))
    column = values[0].index("修订")
    assert [v[column] for v in values[1:]] == [None, rows[1]["修订"]]


def test_a_revised_value_is_marked_on_the_embed_page():
    chart, revised = _revised_chart()
    root = markup.parse(chart_exports.embed_page(chart, PKG, "", "2020/a/", revised=revised))
    marked = [tr for tr in markup.find(root, "tr") if markup.find(tr, "a", cls="revision-mark")]
    assert [markup.text(markup.find(tr, "th")[0]) for tr in marked] == ["2020年"]
    [link] = markup.find(marked[0], "a", cls="revision-mark")
    assert link.get("href") == f"../../data/things/#{revision_log.anchor('things', 's/2020')}"
    assert not markup.find(markup.parse(chart_exports.embed_page(chart, PKG, "", "2020/a/")),
                           "a", cls="revision-mark")


def test_chart_data_files_read_back_and_neutralise_formulas():
    files = formats.chart_files(FakeChart(), PKG, "", "2020/a/")
    assert set(files) == {f"charts/sample-chart{s}" for s in formats.CHART_SUFFIXES}
    plain = list(csv.reader(io.StringIO(files["charts/sample-chart.csv"].decode("utf-8"))))
    assert plain[1:] == [["2019年", "样例 <b>", "142", "", "", "家", "142家", ""],
                         ["=2020年", "样例 <b>", "30.5", "", "", "家", "30多家", ""]]
    excel = files["charts/sample-chart.excel.csv"]
    assert excel.startswith(b"\xef\xbb\xbf") and b"\r\n" in excel
    rows = list(csv.reader(io.StringIO(excel.decode("utf-8-sig"))))
    assert rows[2][0] == "'=2020年"
    book = openpyxl.load_workbook(io.BytesIO(files["charts/sample-chart.xlsx"]))
    data = list(book["数据"].iter_rows(values_only=True))
    assert data[1] == ("2019年", "样例 <b>", 142, None, None, "家", "142家", None)
    assert data[2][0] == "=2020年" and data[2][2] == 30.5
    assert book["数据"]["A3"].data_type == "s" and book["数据"]["A3"].quotePrefix
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["标题"] == FakeChart().title
    assert about["来源"] == FakeChart().source
    assert "creativecommons.org" in about["许可"]
    assert about["图表网址"] == "/2020/a/"


def test_repository_charts_have_data_downloads_in_sums_and_zip():
    built = real_charts()
    assert built
    files = downloads.all_files(REPO, charts=built)
    sums = files[formats.SUMS].decode("ascii")
    for cid, chart in built.items():
        for suffix in formats.CHART_SUFFIXES:
            assert f"  charts/{cid}{suffix}\n" in sums
        text = files[f"charts/{cid}.csv"].decode("utf-8")
        rows = list(csv.DictReader(io.StringIO(text)))
        # each row's own unit: the chart's unit, or one of the units it lists
        assert rows and all(r["单位"] and r["单位"] in chart.unit for r in rows)
        # every value shown in the chart's own table appears as the source's wording, except
        # a derived one, whose wording is 推算 and its method
        shown = {cell for row in chart.rows for cell in row[1:]
                 if cell != "—" and not cell.endswith("（推算）")}
        assert shown == {r["原文表述"] for r in rows if not r["原文表述"].startswith("推算：")}
    assert downloads.all_files(REPO, charts=built) == files


# ---------------------------------------------------------------------------- images


def test_svg_is_valid_xml_with_title_unit_source_and_license_as_text():
    svg = chart_exports.svgs(REPO, {"sample-chart": FakeChart()}, PKG)["sample-chart"]
    root = ET.fromstring(svg)
    assert root.tag.endswith("svg")
    texts = [t.text or "" for t in root.iter() if t.tag.endswith("text")]
    joined = "\n".join(texts)
    assert FakeChart().title in texts  # Chinese text and markup kept as text
    assert "单位：家" in texts
    assert any(t.startswith("来源：测试来源报告") for t in texts)
    assert "许可：CC BY 4.0 · 测试机构" in joined
    assert "<script" not in svg.decode("utf-8")
    again = chart_exports.svgs(REPO, {"sample-chart": FakeChart()}, PKG)["sample-chart"]
    assert again == svg


def test_png_is_twice_the_svg_size_and_cached(tmp_path: Path):
    layout = Layout(tmp_path)
    (tmp_path / "node_modules").symlink_to(REPO.node_modules)
    svg = chart_exports.svgs(REPO, {"sample-chart": FakeChart()}, PKG)
    png = chart_exports.pngs(layout, svg)["sample-chart"]
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    width, height = struct.unpack(">II", png[16:24])
    assert width == chart_exports.WIDTH * chart_exports.SCALE
    assert height == chart_exports.image_height(FakeChart()) * chart_exports.SCALE
    cached = list((tmp_path / ".build" / "chart-png").iterdir())
    assert len(cached) == 1
    assert chart_exports.pngs(layout, svg)["sample-chart"] == png


def test_png_draws_chinese_glyphs_without_a_browser(tmp_path: Path, monkeypatch):
    """resvg with the Noto Sans SC font from npm: two different characters give two
    different pictures (a missing font would draw the same empty box for both). Playwright
    cannot even be imported here: no browser is involved."""
    monkeypatch.setitem(sys.modules, "playwright", None)
    monkeypatch.setitem(sys.modules, "playwright.sync_api", None)
    (tmp_path / "node_modules").symlink_to(REPO.node_modules)

    def svg(text: str) -> bytes:
        return (f'<svg xmlns="http://www.w3.org/2000/svg" width="80" height="40">'
                f'<text x="4" y="30" style="font-size:24px;font-family:sans-serif">{text}</text>'
                f"</svg>").encode()

    drawn = chart_exports.pngs(Layout(tmp_path), {"a": svg("高新"), "b": svg("科技"),
                                                  "c": svg("")})
    assert drawn["a"] != drawn["b"]
    assert drawn["a"] != drawn["c"] and drawn["b"] != drawn["c"]


@pytest.mark.slow
def test_the_font_cut_draws_the_same_png_as_the_whole_font(tmp_path: Path):
    """The fonts are cut (HarfBuzz) to the characters an image uses: the picture is the same,
    byte for byte, as with the whole Noto Sans SC, bold, kerned Latin and punctuation too."""
    import subprocess

    layout = Layout(tmp_path)
    svg = ('<svg xmlns="http://www.w3.org/2000/svg" width="360" height="60">'
           '<text x="4" y="24" style="font-size:18px;font-family:sans-serif">'
           '高新技术企业 AVAWAY 1,234.5%</text>'
           '<text x="4" y="50" style="font-size:14px;font-weight:bold;font-family:sans-serif">'
           '单位：亿元（2020年）</text></svg>')
    whole = [REPO.node_modules / chart_exports.FONT_PACKAGE / name for name in chart_exports.FONT_FILES]
    cut = [chart_exports.subset_font(layout, font, svg) for font in whole]
    assert all(c.stat().st_size * 10 < w.stat().st_size for c, w in zip(cut, whole, strict=True))

    def png(fonts: list[Path]) -> bytes:
        request = {"scale": 2, "family": chart_exports.FONT_FAMILY, "fonts": [str(f) for f in fonts],
                   "items": [{"id": "x", "svg": svg}]}
        proc = subprocess.run(["node", str(REPO.root / "pipeline" / "chart_png.mjs")],
                              input=json.dumps(request).encode(), capture_output=True, check=True)
        return bytes(json.loads(proc.stdout)["x"], "ascii")

    assert png(cut) == png(whole)


@pytest.mark.slow
def test_a_drawing_is_the_same_whatever_the_node_process_drew_before():
    """One Node process draws a build's export images and then its page drawings (and every
    save's in the preview): ECharts' numbering in the SVG restarts with each request, so a
    request gives the bytes a fresh process gives."""
    import subprocess

    from pipeline import chart_drawings

    first = json.dumps([{"id": "a", "width": 400, "height": 200, "option": FakeChart().option,
                         "theme": "light"}])
    other = json.dumps([{"id": "b", "width": 300, "height": 200, "option": FakeChart().option}])
    fresh = subprocess.run(["node", str(chart_drawings.SCRIPT)], input=first.encode(),
                           cwd=REPO.root, capture_output=True, check=True).stdout
    kept = subprocess.run(["node", str(chart_drawings.SCRIPT), "--lines"],
                          input=f"{other}\n{first}\n{first}\n".encode(), cwd=REPO.root,
                          capture_output=True, check=True).stdout.splitlines()
    assert b"zr0-cls-" in fresh
    assert json.loads(kept[1])["ok"] == json.loads(fresh) == json.loads(kept[2])["ok"]


@pytest.mark.slow
def test_the_preview_draws_again_only_a_changed_chart_with_class_names_of_its_own(tmp_path: Path):
    """The live preview's Node process keeps what it drew: an unchanged chart keeps its bytes
    (its page is not rendered again), and a chart drawn later shares no hover class or
    animation name with it (an inline SVG's style applies to the whole page)."""
    layout = Layout(tmp_path)
    (tmp_path / "node_modules").symlink_to(REPO.node_modules)
    one, two = FakeChart(id="one"), FakeChart(id="two", title="另一个图表")
    changed = FakeChart(id="two", title="另一个图表")
    changed.option["series"][0]["data"][0] = {"value": 151, "text": "151家",
                                              "label": {"formatter": "151"}}
    with chart_drawings.keep_node(layout, remember=True):
        first = chart_drawings.page_drawings(layout, {"one": one, "two": two})
        second = chart_drawings.page_drawings(layout, {"one": one, "two": changed})
    assert second["one"] == first["one"]
    assert second["two"] != first["two"]

    def classes(svg: str) -> set[str]:  # hover classes and animations ("zr3-cls-12", "zr3-ani-0")
        return set(re.findall(r"\bzr\d+-(?:cls|ani)-\d+", svg))

    assert classes(second["one"]) and classes(second["two"])
    assert not classes(second["one"]) & classes(second["two"])
    assert not (tmp_path / ".build").exists()  # the build's drawing cache is not mixed in


def test_drawings_renumbered_for_the_preview_share_no_name_and_keep_their_own_links():
    """Two drawings numbered from 0 (as two requests to a process that starts each request's
    numbers at 0 would give): moved past each other, every name stays the same within a
    drawing (an element, its hover style and its animation) and none is shared."""
    svg = ('<svg><path class="zr0-cls-0" style="animation:zr0-ani-0 1s"/><g class="zr1-cls-1"/>'
           "<style>.zr0-cls-0:hover {fill:red;} .zr1-cls-1:hover {} @keyframes zr0-ani-0 {}"
           "</style></svg>")
    numbers = [0, 0]
    first = chart_drawings._renumber(svg, numbers)
    second = chart_drawings._renumber(svg, numbers)
    assert first == svg and numbers == [4, 4]
    assert second == svg.replace("zr0-", "zr2-").replace("zr1-", "zr3-").replace(
        "cls-0", "cls-2").replace("cls-1", "cls-3")

    def names(text: str) -> set[str]:
        return set(re.findall(r"zr\d+-(?:cls|ani)-\d+", text))

    assert not names(first) & names(second)


@pytest.mark.slow
def test_every_repository_chart_gets_images_and_an_embed_page(tmp_path: Path):
    built = real_charts()
    (tmp_path / "node_modules").symlink_to(REPO.node_modules)
    images = chart_exports.images(Layout(tmp_path), built, load.package_meta(REPO))
    embeds = chart_exports.embeds(built, load.package_meta(REPO))
    assert sorted(images) == sorted(
        f"charts/{cid}{s}" for cid in built for s in (".png", ".svg")
    )
    assert sorted(embeds) == sorted(f"embed/{cid}/index.html" for cid in built)
    for cid, chart in built.items():
        texts = [t.text or "" for t in ET.fromstring(images[f"charts/{cid}.svg"]).iter()
                 if t.tag.endswith("text")]
        assert chart.title in texts


# ---------------------------------------------------------------------------- embed and panel


def test_embed_page_is_standalone_with_title_source_license_and_safe_json():
    chart = FakeChart()
    page = chart_exports.embed_page(chart, PKG, "", "2020/a/")
    root = markup.parse(page)
    scripts = markup.find(root, "script")
    assert [s.get("type") for s in scripts] == ["application/json", None]
    assert scripts[1].get("src") == "../../assets/javascripts/site.js"
    assert json.loads(scripts[0].text) == chart.option
    assert chart.title in markup.texts(markup.find(root, cls="chart__title"))
    assert "</script><script>alert" not in page  # nothing in the raw page closes the script
    assert chart.source in markup.text(root)
    links = markup.hrefs(root)
    assert "https://creativecommons.org/licenses/by/4.0/" in links
    assert "../../2020/a/#chart-sample-chart" in links
    assert "../../data/charts/sample-chart.csv" in links
    assert not markup.find(root, "link", rel="canonical")
    with_url = markup.parse(chart_exports.embed_page(chart, PKG, "https://d.example.org/", "2020/a/"))
    assert markup.one(with_url, "link", rel="canonical").get("href") == \
        "https://d.example.org/2020/a/#chart-sample-chart"


def test_panel_offers_data_image_embed_and_permalink():
    values = chart_exports.panel(FakeChart(), "2020/a.md", "https://d.example.org/")
    source = templating.render("chart_panel.html", id="chart-sample-chart", **values)
    # As the site engines read it (md_in_html): Markdown links inside the panel's HTML.
    root = markup.rendered(source)
    # Relative to the page's source file 2020/a.md, so any engine resolves them.
    assert markup.hrefs(root) == [
        "../data/charts/sample-chart.csv", "../data/charts/sample-chart.excel.csv",
        "../data/charts/sample-chart.xlsx", "../data/charts/sample-chart.png",
        "../data/charts/sample-chart.svg", "../embed/sample-chart/index.html",
        "a.md#chart-sample-chart",
    ]
    shown = markup.text(root)
    assert "https://d.example.org/2020/a/#chart-sample-chart" in shown
    # the embed code is shown as text to copy, never as an element
    assert '<iframe src="https://d.example.org/embed/sample-chart/"' in shown
    assert not markup.find(root, "iframe") and not markup.find(root, "script")


def test_embed_snippet_escapes_the_title():
    snippet = chart_exports.embed_snippet(FakeChart(), "https://d.example.org/")
    root = markup.parse(snippet)
    assert [e.tag for e in root] == ["iframe"]
    assert root[0].get("src") == "https://d.example.org/embed/sample-chart/"
    assert root[0].get("title") == FakeChart().title
    assert not markup.find(root, "script")


@pytest.mark.parametrize(("rel", "path"), [
    ("2020/index.md", "2020/"), ("2020/rural.md", "2020/rural/"), ("index.md", ""),
])
def test_page_path(rel: str, path: str):
    assert urls.page_path(rel) == path


# ---------------------------------------------------------------------------- in a browser


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args: Any) -> None:
        pass


class QuietServer(http.server.ThreadingHTTPServer):
    def handle_error(self, request: Any, client_address: Any) -> None:
        pass  # a browser closing a connection early is not a test failure


@pytest.fixture(scope="module")
def site() -> Iterator[tuple[str, Layout]]:
    """The real site, built once per session (tests/sitebuild.py), served on a port of this
    module's own (the embed pages link only relatively, so any address serves them)."""
    layout = built_site()
    handler = functools.partial(Quiet, directory=layout.site)
    httpd = QuietServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", layout
    httpd.shutdown()
    httpd.server_close()


@pytest.fixture(scope="module")
def chromium(site: tuple[str, Layout]) -> Iterator[Any]:
    with browser.launch() as chromium:
        yield chromium


@pytest.mark.site
@pytest.mark.browser
def test_embed_pages_draw_their_chart_in_a_browser(site: tuple[str, Layout], chromium: Any):
    base, layout = site
    embeds = sorted(p.parent.name for p in (layout.site / "embed").glob("*/index.html"))
    assert embeds == sorted(real_charts())
    page = chromium.new_page(viewport={"width": 360, "height": 640})
    errors: list[str] = []
    page.on("console", lambda m: m.type == "error" and errors.append(m.text))
    page.on("pageerror", lambda e: errors.append(str(e)))
    for cid in embeds:
        page.goto(f"{base}embed/{cid}/", wait_until="load")
        page.wait_for_selector(".chart__canvas[data-chart-ready] svg", timeout=10000)
        assert page.locator(".chart__title").inner_text() == real_charts()[cid].title
        assert "CC BY 4.0" in page.locator(".chart__source").inner_text()
    page.close()
    assert errors == []


@pytest.mark.site
def test_chart_downloads_are_served(site: tuple[str, Layout]):
    base, layout = site
    for cid in real_charts():
        for suffix, kind in ((".png", "image/png"), (".svg", "image/svg+xml"),
                             (".csv", "text/csv"), (".xlsx", "")):
            with urllib.request.urlopen(f"{base}data/charts/{cid}{suffix}") as response:
                assert response.status == 200
                assert kind in response.headers.get("Content-Type", "")
