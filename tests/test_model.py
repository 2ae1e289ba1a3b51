"""Figures: the source's way of writing numbers, look-ups by name, targets against actuals."""

from __future__ import annotations

import pytest

from pipeline import model as figs
from pipeline.paths import REPO
from tests.synthetic import data, indicator, target


@pytest.mark.parametrize(
    ("value", "value_max", "qualifier", "unit", "written"),
    [
        (49.3, None, None, "亿元", "49.3亿元"),
        (1.45, None, None, "%", "1.45%"),
        (30, None, "多", "所", "30多所"),
        (30, None, "多", "亿元", "30多亿元"),
        (30, None, "以上", "家", "30家以上"),
        (15, None, "以上", "%", "15%以上"),
        (10, None, "不少于", "期", "不少于10期"),
        (3, 5, None, "家", "3-5家"),
        (1, 2, None, "场", "1-2场"),
        (3237, None, None, "万元", "3237万元"),
        (5, None, None, "位", "第5位"),
        (2.0, None, None, "件", "2件"),
        (0.5, None, None, "亿元", "0.5亿元"),
        (100000000, None, None, "元", "100000000元"),
    ],
)
def test_format_value_writes_numbers_like_the_source(value, value_max, qualifier, unit, written):
    assert figs.format_value(value, value_max, qualifier, unit) == written


def test_unknown_qualifier_is_refused():
    with pytest.raises(figs.FigureError, match="限定词"):
        figs.format_value(3, None, "约", "家")


@pytest.mark.parametrize(
    ("delta", "unit", "words"),
    [(67, "家", "比上年增加67家"), (-3, "家", "比上年减少3家"), (0.2, "%", "比上年提高0.2个百分点"),
     (0, "家", "与上年持平")],
)
def test_format_change(delta, unit, words):
    assert figs.format_change(delta, unit) == words


def test_figure_by_name_and_year():
    d = data([indicator("x", 2019, 100), indicator("x", 2020, 120.5)])
    assert d.figure("x@2020").text == "120.5家"
    assert d.figure("x", year=2019).value == 100
    assert d.change(d.figure("x@2020")) == "比上年增加20.5家"
    assert d.change(d.figure("x@2019")) is None


def test_unknown_figure_names_the_problem():
    d = data([indicator("x", 2019, 100)])
    with pytest.raises(figs.FigureError, match="'nope'"):
        d.figure("nope@2019")
    with pytest.raises(figs.FigureError, match="2021.*2019"):
        d.figure("x@2021")
    with pytest.raises(figs.FigureError, match="缺少年份"):
        d.figure("x")
    with pytest.raises(figs.FigureError, match="年份写法"):
        d.figure("x@twenty")


def test_change_is_not_computed_across_qualified_values():
    d = data([indicator("x", 2019, 20, qualifier="多"), indicator("x", 2020, 30, qualifier="多")])
    assert d.change(d.figure("x@2020")) is None


@pytest.mark.parametrize(
    ("kind", "goal", "actual", "status"),
    [
        ("level", 240, 250, figs.MET),
        ("level", 240, 239, figs.NOT_MET),
        ("count", 3, 3, figs.MET),
        ("increase", 30, 239, figs.MET),       # 239 - 209 = 30
        ("increase", 30, 238, figs.NOT_MET),
        ("growth-rate", 15, 240.35, figs.MET),  # 209 * 1.15 = 240.35
        ("growth-rate", 15, 240, figs.NOT_MET),
    ],
)
def test_target_status_against_actual(kind, goal, actual, status):
    d = data([indicator("x", 2020, 209), indicator("x", 2021, actual)], [target("t", kind, goal)])
    result = d.target_status(d.target("t"))
    assert (result.status, result.baseline.value, result.actual.value) == (status, 209, actual)


def test_target_without_later_value_says_so():
    d = data([indicator("x", 2020, 209)], [target("t", "level", 240)])
    result = d.target_status(d.target("t"))
    assert (result.status, result.label, result.actual) == (figs.NO_ACTUAL, "尚无实际数据", None)
    assert result.baseline.text == "209家"


def test_target_without_indicator_is_untracked():
    d = data([indicator("x", 2020, 209)], [target("t", "count", 3, indicator_id=None)])
    assert d.target_status(d.target("t")).status == figs.UNTRACKED


def test_actual_is_the_first_year_after_the_baseline():
    rows = [indicator("x", 2020, 209), indicator("x", 2021, 230), indicator("x", 2022, 260)]
    d = data(rows, [target("t", "level", 240)])
    result = d.target_status(d.target("t"))
    assert (result.actual.year, result.status) == (2021, figs.NOT_MET)


def test_threshold_of_an_increase_is_baseline_plus_target():
    d = data([indicator("x", 2020, 1)], [target("t", "increase", 1), target("g", "growth-rate", 5)])
    assert d.threshold(d.target("t")) == 2
    assert d.threshold(d.target("g")) is None


def test_real_data_every_tracked_target_has_a_baseline():
    d = figs.load_figures(REPO)
    for t in d.targets:
        status = d.target_status(t)
        if t.indicator_id:
            assert status.baseline is not None, t.target_id
    assert d.count("tasks", 2020) == len([t for t in d.tasks if t.plan_year == 2020])


def test_a_mistyped_name_gets_a_suggestion():
    d = data([indicator("rice-shrimp-base", 2020, 1000)])
    with pytest.raises(figs.FigureError, match="是不是 rice-shrimp-base"):
        d.figure("rice-shrimp-bse@2020")


# --------------------------------------------------------------------------- the project model


def test_the_model_is_built_from_what_validation_read(repo_copy):
    """Validation hands its tables on: the model never reads a CSV again, so changing the
    files after validation changes nothing in it."""
    from pipeline import load, model, validate

    findings, tables = validate.validated(repo_copy)
    assert findings.valid, findings.formatted("text")
    assert set(tables) == {d.name for d in load.discover(repo_copy)}
    for dataset in load.discover(repo_copy):
        dataset.csv.write_text("not,the,table\n", encoding="utf-8")
    project = model.build_project(repo_copy, findings, tables)
    indicators = project.dataset(figs.INDICATORS)
    assert indicators.records == tables[figs.INDICATORS].records
    assert indicators.raw == tables[figs.INDICATORS].raw and indicators.raw.startswith(b"indicator_id,")
    assert project.figures.figure("rd-spending@2020").text == "49.3亿元"
    assert project.source_title and project.findings is findings


def test_a_missing_source_title_is_said_plainly():
    with pytest.raises(figs.FigureError, match=r"sources\[0\]\.title"):
        figs.source_title({"sources": []})


# -- each indicator across years ---------------------------------------------------------------

def test_compare_with_an_earlier_edition_names_that_year():
    d = data([indicator("x", 2019, 100), indicator("x", 2020, 120), indicator("x", 2022, 150)])
    now = d.figure("x@2022")
    assert d.compare(now, 2020).change == "比2020年增加30家"
    assert d.compare(now, 2020).previous.value == 120
    assert d.compare(d.figure("x@2020"), 2019).change == "比上年增加20家"
    assert d.compare(now, 2021) is None  # no figure for that year
    assert d.compare(now, None) is None and d.compare(now, 2022) is None


def test_compare_keeps_ranges_and_qualified_values_as_written():
    d = data([indicator("x", 2020, 3, value_max=5), indicator("x", 2021, 6),
              indicator("u", 2020, 20, qualifier="多"), indicator("u", 2021, 30, qualifier="多")])
    assert d.compare(d.figure("x@2021"), 2020).change is None
    found = d.compare(d.figure("u@2021"), 2020)
    assert found.change is None and found.previous.text == "20多家"


def test_every_indicator_is_a_series_ordered_by_area_then_data():
    rows = [indicator("b", 2020, 1, area_id="late"), indicator("a", 2019, 1),
            indicator("a", 2020, 2), indicator("c", 2020, 3)]
    d = figs.from_records(rows, [{"area_id": "late", "order": 2, "name_zh": "后", "name_en": "Late"},
                                 {"area_id": "a", "order": 1, "name_zh": "前", "name_en": "Early"}],
                          [], [], [])
    series = figs.all_series(d, {"c": "按某统计口径"})
    assert [s.indicator_id for s in series] == ["a", "c", "b"]
    assert series[0].is_time_series and series[0].years == [2019, 2020]
    assert not series[1].is_time_series and series[1].definition == "按某统计口径"
    assert series[0].definition == "" and series[2].area.name_en == "Late"


def test_a_draft_years_figures_can_be_left_out():
    d = data([indicator("x", 2020, 1), indicator("x", 2021, 2), indicator("y", 2021, 3)])
    shown = d.without_years({2021})
    assert shown.indicator_ids() == ["x"] and shown.series("x")[-1].year == 2020
    assert d.without_years(set()) is d


def test_definitions_name_only_known_indicators():
    d = data([indicator("rd-spending", 2020, 1)])
    assert figs.definitions({"definitions": {"rd-spending": " 按 \n 口径 "}}, d) == {
        "rd-spending": "按 口径"}
    assert figs.definitions({}, d) == {}
    with pytest.raises(figs.FigureError, match="rd-spendin.*是不是 rd-spending"):
        figs.definitions({"definitions": {"rd-spendin": "x"}}, d)
    with pytest.raises(figs.FigureError, match="键值对"):
        figs.definitions({"definitions": ["rd-spending"]}, d)
    with pytest.raises(figs.FigureError, match="一段文字"):
        figs.definitions({"definitions": {"rd-spending": ""}}, d)
