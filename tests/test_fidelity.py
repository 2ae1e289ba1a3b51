"""Fidelity to the source document: derived values are marked 推算 with their method, the
downloads keep qualifiers, per-row units and integer years in their own columns, source
lines name the document each row comes from, and the pages say what the site left out.

Charts are built from the repository's own data and their downloads read back with real
readers (csv, openpyxl); the pages' text is read from docs/.
"""

from __future__ import annotations

import collections
import csv
import io
import re

import openpyxl
import pytest

from pipeline import chart_exports, charts, datasets, docs, editions, formats, load, package
from pipeline import model as figures
from pipeline.paths import REPO

PKG = load.package_meta(REPO)


@pytest.fixture(scope="module")
def built() -> dict[str, charts.Chart]:
    data = figures.load_figures(REPO)
    return charts.build_all(REPO, data, PKG["sources"][0]["title"])


def _csv(chart: charts.Chart) -> list[dict[str, str]]:
    files = formats.chart_files(chart, PKG)
    return list(csv.DictReader(io.StringIO(files[f"charts/{chart.id}.csv"].decode("utf-8"))))


def _xlsx(chart: charts.Chart) -> list[tuple]:
    files = formats.chart_files(chart, PKG)
    book = openpyxl.load_workbook(io.BytesIO(files[f"charts/{chart.id}.xlsx"]))
    return list(book["数据"].iter_rows(values_only=True))


def _derived_figures() -> list[figures.Figure]:
    """The derived high-tech enterprise count first (the one a chart draws), then the others."""
    data = figures.load_figures(REPO)
    return sorted((f for f in data.indicators.values() if f.derived),
                  key=lambda f: f.ref != "high-tech-enterprises@2019")


# -- (a) a derived value is never the source's wording ------------------------------------

def test_the_repository_has_a_derived_value_to_check():
    assert _derived_figures()[0].ref == "high-tech-enterprises@2019"


def test_a_derived_value_reads_back_as_推算_with_its_method_in_the_chart_csv_and_xlsx(built):
    chart = built["high-tech-enterprises"]
    method = _derived_figures()[0].derivation
    rows = {r["年份"]: r for r in _csv(chart)}
    assert rows["2019"]["原文表述"] == f"推算：{method}"
    assert rows["2020"]["原文表述"] == "209家"  # a stated value keeps the source's wording
    sheet = _xlsx(chart)
    header = sheet[0]
    wording = header.index("原文表述")
    by_year = {r[0]: r for r in sheet[1:]}
    assert by_year[2019][wording] == f"推算：{method}"


def test_a_derived_value_is_marked_on_the_label_table_description_and_source_line(built):
    chart = built["high-tech-enterprises"]
    method = _derived_figures()[0].derivation
    labels = [d["label"]["formatter"] for d in chart.option["series"][0]["data"]]
    assert labels == ["142（推算）", "209"]
    assert chart.rows[0] == ["2019年", "142家（推算）"] and chart.rows[1] == ["2020年", "209家"]
    assert "142家（推算）" in chart.description and method in chart.description
    assert method in chart.source and "推算" in chart.source


def test_the_derived_mark_is_drawn_into_the_svg_and_the_embed_page(built):
    chart = built["high-tech-enterprises"]
    option = chart_exports.export_option(chart, PKG)
    footer = option["graphic"][0]["style"]["text"]
    assert "推算" in footer and _derived_figures()[0].derivation in footer
    labels = [d["label"]["formatter"] for d in option["series"][0]["data"]]
    assert "142（推算）" in labels
    page = chart_exports.embed_page(chart, PKG)
    assert "142家（推算）" in page and _derived_figures()[0].derivation in page


# -- (b) the national-incubator target is not shown as the plan's own "2家" ------------------

def test_the_incubator_target_level_says_how_it_was_derived(built):
    chart = built["national-incubators-target"]
    goal = chart.rows[-1][2]
    # the level drawn is the baseline's count (as the data has it now) plus the one applied for
    target = next(r for r in csv.DictReader(REPO.csv("plan-targets").open(encoding="utf-8"))
                  if r["target_id"] == "national-incubator-application")
    baseline = next(r for r in csv.DictReader(REPO.csv("indicators").open(encoding="utf-8"))
                    if r["indicator_id"] == target["indicator_id"] and r["year"] == target["baseline_year"])
    assert target["value"] == "1"  # the source: 力争成功申报1家
    assert goal == f"{int(baseline['value']) + 1}家（推算）"
    assert "力争成功申报1家" in chart.source and "推算" in chart.source
    rows = _csv(chart)
    target_row = next(r for r in rows if r["系列"] == "目标")
    assert target_row["原文表述"].startswith("推算：") and "力争成功申报1家" in target_row["原文表述"]
    assert target_row["年份"] == "2020"


def test_a_level_target_is_not_marked_derived(built):
    chart = built["high-tech-total-target"]
    assert chart.rows[-1][2] == "240家"
    target_row = next(r for r in _csv(chart) if r["系列"] == "目标")
    assert target_row["原文表述"] == "240家"


# -- (c) qualifiers, per-row units and integer years in their own columns --------------------

def test_chart_downloads_give_qualifier_unit_and_year_their_own_columns(built):
    chart = built["transfer-participants"]
    rows = _csv(chart)
    assert list(rows[0])[:3] == ["指标", "系列", "年份"]
    by_name = {r["指标"]: r for r in rows}
    universities = next(r for n, r in by_name.items() if "高校" in n)
    assert (universities["数值"], universities["限定词"], universities["单位"]) == ("30", "多", "所")
    assert {r["单位"] for r in rows} == {"所", "名", "家"}
    assert all(r["年份"] == "2020" for r in rows)
    sheet = _xlsx(chart)
    year = sheet[0].index("年份")
    assert {type(r[year]) for r in sheet[1:]} == {int}


def test_a_range_target_keeps_its_upper_end_in_its_own_column():
    header, rows = formats.chart_table(charts.build_xy(
        {"id": "r", "type": "bar", "title": "区间", "unit": "家", "where": {"indicator_id": "a"},
         "x": "year", "y": "value"},
        [{"indicator_id": "a", "year": 2021, "value": 3, "value_max": 5, "qualifier": None,
          "unit": "家", "source_section": "一"}], "某报告", "t"))
    assert header[:2] == ["年份", "系列"]
    row = dict(zip(header, rows[0], strict=True))
    assert (row["年份"], row["数值"], row["上限"], row["原文表述"]) == (2021, 3, 5, "3-5家")


# -- chart source lines and citations name each row's own document ---------------------------

def test_a_source_line_names_the_document_of_each_row():
    rows = [
        {"indicator_id": "a", "year": 2020, "value": 1, "unit": "家", "source_section": "甲",
         "source_id": "doc-2020"},
        {"indicator_id": "a", "year": 2021, "value": 2, "unit": "家", "source_section": "乙",
         "source_id": "doc-2021"},
    ]
    spec = {"id": "s", "type": "bar", "title": "两年", "unit": "家", "where": {"indicator_id": "a"},
            "x": "year", "y": "value"}
    titles = {"doc-2020": "二〇二〇年报告", "doc-2021": "二〇二一年报告"}
    chart = charts.build_xy(spec, rows, "不应出现的总标题", "t", titles)
    assert chart.source == "来源：二〇二〇年报告（甲）；二〇二一年报告（乙）"
    only_2021 = charts.build_xy({**spec, "where": {"year": 2021}}, rows, "不应出现的总标题", "t", titles)
    assert only_2021.source == "来源：二〇二一年报告（乙）"


def test_every_repository_chart_names_the_title_from_the_sources_dataset(built):
    titles = editions.source_titles(REPO)
    assert titles["kjj-2020"] == "科技局2020年工作总结和2020年工作计划精选"  # the document's own title
    for chart in built.values():  # each chart names a source document of its edition
        year = chart.edition or max(e.year for e in docs.editions(REPO) if not e.draft)
        front = docs.split_front_matter(
            (REPO.docs / str(year) / "index.md").read_text(encoding="utf-8"))[0]
        assert chart.source.startswith("来源：") and any(  # (its years may name older ones too)
            titles[s] in chart.source for s in front["sources"]), chart.id


def test_dataset_downloads_cite_the_documents_their_rows_name():
    info = next(i for i in datasets.read_all(REPO) if i.name == "indicators")
    named = dict.fromkeys(r["source_id"] for r in info.records)  # in order of first use
    titles = editions.source_titles(REPO)
    assert "科技局2020年工作总结和2020年工作计划精选" in datasets.source_title(info)
    assert datasets.source_title(info) == "；".join(titles[s] for s in named)
    info.records = [{**r, "source_id": "x"} for r in info.records]
    info.sources = {"x": {"title": "另一份文件", "title_en": "Another"}}
    assert datasets.source_title(info) == "另一份文件"
    assert datasets.source_title(info, "en") == "Another"


# -- (d) the year labels, (e) 100KV, (f) what was left out, (g) the problems page -----------

ABOUT = (REPO.docs / "2020" / "about.md").read_text(encoding="utf-8")


def test_the_year_label_caveat_is_on_the_about_page_home_page_and_package():
    assert "七十周年" in ABOUT and "科创板" in ABOUT
    rendered = package.datapackage_json(REPO)
    assert "STAR Market" in rendered and "科创板" in rendered and "2019" in rendered


def test_the_home_cards_carry_the_year_caveat_next_to_them():
    for page in ("index.md", "2020/index.md"):
        text = (REPO.docs / page).read_text(encoding="utf-8")
        cards = re.search(r"\[\[cards:[^\]]+\]\]\n\n(.+)\n", text)
        assert cards and "2019年" in cards.group(1), page


def test_100kv_is_carried_as_written_and_not_glossed_as_kilovolts():
    fig = figures.load_figures(REPO).figure("village-pv-station@2020")
    assert (fig.value, fig.unit) == (100, "KV")
    assert fig.note and "照录" in fig.note
    rural = (REPO.docs / "2020" / "rural.md").read_text(encoding="utf-8")
    assert "千伏）" not in rural and "（亩和千伏" not in rural
    assert "[[fig:village-pv-station]]" in rural and "kilovolt" not in fig.unit_en.lower()


@pytest.mark.parametrize("words", ["五个一百", "三个主导产业", "第二届", "第三批", "每周一播"])
def test_figures_left_out_are_listed_on_the_about_page_with_a_reason(words):
    section = ABOUT.split("## 没有收入数据集的内容", 1)[1].split("\n## ", 1)[0]
    line = next((x for x in section.splitlines() if words in x), "")
    cells = [c.strip() for c in line.strip("|").split("|")]
    assert len(cells) == 3 and len(cells[2]) > 10, words


def test_the_problems_page_claims_no_more_than_the_source():
    text = (REPO.docs / "2020" / "problems.md").read_text(encoding="utf-8")
    for claim in ("留下来", "高层次", "意愿", "不少障碍", "坦率"):
        assert claim not in text, claim
    for problem in ("引进难", "转化落地难", "自主创新研发难"):
        assert problem in text


def test_the_catalog_names_each_document_of_a_dataset_in_its_own_brackets():
    from pipeline import catalog

    info = next(i for i in datasets.read_all(REPO) if i.name == "indicators")
    info.records = [{**info.records[0], "source_id": "a"}, {**info.records[1], "source_id": "b"}]
    info.sources = {"a": {"title": "甲文件"}, "b": {"title": "乙文件"}}
    # the dataset's own files; every other published file (zip, datapackage.json) empty
    files = collections.defaultdict(bytes, formats.dataset_files(info))
    page = catalog.dataset_page(catalog.CatalogData(REPO, [info], files), info)
    assert "《甲文件》、《乙文件》" in page
