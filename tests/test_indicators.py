"""Indicator pages, the indicators index and each indicator's series downloads (synthetic data;
the real site's pages are checked by the site and browser suites)."""

from __future__ import annotations

import csv
import io
import json

import openpyxl
import pandas as pd

from pipeline import charts, indicators, urls
from pipeline import model as figs
from pipeline.revision_log import Revision
from tests import markup
from tests.synthetic import indicator

AREAS = [{"area_id": "b", "order": 2, "name_zh": "乙领域", "name_en": "Area B"},
         {"area_id": "a", "order": 1, "name_zh": "甲领域", "name_en": "Area A"}]
ROWS = [
    indicator("x", 2019, 100, derived=True, derivation="总数减去净增数", source_id="doc-1",
              source_section="一、总述"),
    indicator("x", 2020, 120, source_id="doc-2", source_section="二、分述", note="按原文"),
    indicator("u", 2020, 30, qualifier="多", unit="所", area_id="b", source_id="doc-2"),
    indicator("r", 2020, 3, value_max=5, area_id="b", source_id="doc-2"),
]
TITLES = {"doc-1": "第一份文件", "doc-2": "第二份文件"}
PACKAGE = {"publisher": "某局", "publisher_en": "A Bureau",
           "license": {"name": "CC-BY-4.0", "title": "CC BY 4.0", "path": "https://example.org/l"}}


def context(definitions=None, revisions=()):
    d = figs.from_records(ROWS, AREAS, [], [], [])
    return indicators.Context(series=figs.all_series(d, definitions or {}), package=PACKAGE,
                              site_url="https://kjj.example/", site_name="某站",
                              titles=TITLES, revisions=list(revisions))


def page(ctx, indicator_id):
    series = next(s for s in ctx.series if s.indicator_id == indicator_id)
    chart = charts.series_chart(ROWS, indicator_id, "某报告", TITLES)
    return markup.rendered(indicators.page(ctx, series, chart))


def test_the_page_shows_the_whole_series_with_its_sources_and_marks():
    shown = page(context(), "x")
    text = markup.text(shown)
    assert markup.texts(markup.find(shown, "h1")) == ["名称x"]
    (chart,) = markup.find(shown, "figure", cls="chart")
    assert chart.get("id") == "chart-indicator-x"
    # the table, newest first: the derived year says 推算 and how
    rows = [markup.texts(markup.find(tr, "td")) for tr in markup.find(shown, "tr")
            if markup.find(tr, "td") and not markup.find(tr, "th")]
    assert rows[:2] == [["2020", "120家", "按原文"], ["2019", "100家（推算）", "推算：总数减去净增数"]]
    # each year's own document and section
    assert "2019年：《第一份文件》，一、总述" in text and "2020年：《第二份文件》，二、分述" in text
    # no definition given: said plainly, none invented
    assert indicators.UNSTATED in text
    assert "发布以来没有修订" in text
    links = [a.get("href") for a in markup.find(shown, "a")]
    for suffix in (".csv", ".xlsx", ".json"):
        assert f"../data/series/x{suffix}" in links
    assert "../data/indicators.md" in links and "index.md#a" in links and "x.md" in links
    # how to cite it, with its stable address
    assert "https://kjj.example/indicators/x/" in text and "[DS/OL]" in text


def test_qualifiers_and_ranges_are_worded_as_the_source_words_them():
    text = markup.text(page(context(), "u"))
    assert "30多所" in text and "原文写作“30多所”" in text
    assert "“3-5家”，是一个范围" in markup.text(page(context(), "r"))


def test_a_given_definition_and_a_revision_are_shown():
    revision = Revision("indicators", "x/2020", "value", "110", "120", "2021-03-01", "原文更正")
    shown = page(context({"x": "按统计部门口径"}, [revision]), "x")
    text = markup.text(shown)
    assert "统计口径：按统计部门口径" in text and indicators.UNSTATED not in text
    assert "2021-03-01" in text and "原文更正" in text
    # the revision is a list item a phone shows whole (a six-column table was wider than 360 px)
    said = "2021-03-01：2020年的数值由“110”改为“120”。原因：原文更正"
    assert said in markup.texts(markup.find(shown, "li"))
    marks = markup.find(shown, "a", cls="revision-mark")
    assert [a.get("href") for a in marks] == ["../data/indicators.md#revision-indicators-x-2020"]


def test_the_index_lists_every_indicator_by_area_in_chinese_and_english():
    shown = markup.rendered(indicators.index(context()))
    headings = markup.texts(markup.find(shown, "h2"))
    assert headings == ["甲领域 Area A", "乙领域 Area B"]  # the work areas' order
    links = [(a.get("href"), markup.text(a)) for a in markup.find(shown, "a")
             if a.get("href", "").endswith(".md") and "/" not in a.get("href")]
    assert links == [("x.md", "名称x"), ("u.md", "名称u"), ("r.md", "名称r")]
    assert "2019—2020年" in markup.text(shown) and "1个有多个年份" in markup.text(shown)


def test_the_series_downloads_read_back_in_real_readers():
    revision = Revision("indicators", "x/2020", "value", "110", "120", "2021-03-01", "原文更正")
    files = indicators.downloads(context(revisions=[revision]))
    assert sorted(files) == sorted(urls.series_file(i, s) for i in "xur"
                                   for s in (".csv", ".xlsx", ".json"))
    table = pd.read_csv(io.BytesIO(files["series/x.csv"]))
    assert table["year"].tolist() == [2019, 2020] and table["year"].dtype.kind == "i"
    assert table["value"].tolist() == [100, 120]
    assert table["wording"].tolist() == ["推算：总数减去净增数", "120家"]
    assert table["source_title"].tolist() == ["第一份文件", "第二份文件"]
    assert table["revised"].fillna("").tolist() == ["", "2021-03-01"]
    u = next(csv.DictReader(io.StringIO(files["series/u.csv"].decode("utf-8"))))
    assert (u["value"], u["qualifier"], u["unit"], u["wording"]) == ("30", "多", "所", "30多所")
    book = openpyxl.load_workbook(io.BytesIO(files["series/x.xlsx"]))
    assert book.sheetnames == ["数据", "说明"]
    data = list(book["数据"].iter_rows(values_only=True))
    assert data[0][:5] == ("指标代码", "指标", "指标（英文）", "年份", "数值")
    assert [r[3] for r in data[1:]] == [2019, 2020] and [r[4] for r in data[1:]] == [100, 120]
    about = dict(book["说明"].iter_rows(values_only=True))
    assert about["统计口径"] == indicators.UNSTATED
    assert about["指标网址"] == "https://kjj.example/indicators/x/"
    document = json.loads(files["series/r.json"])
    assert document["metadata"]["url"] == "https://kjj.example/indicators/r/"
    assert document["metadata"]["definition"] is None
    assert document["data"][0]["value_max"] == 5 and document["data"][0]["wording"] == "3-5家"
