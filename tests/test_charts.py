"""Charts: specs checked, options built with stable ids, data escaped, palette contrast."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import yaml

from pipeline import charts, model
from pipeline.paths import REPO, Layout

SOURCE = "某报告"


def rows():
    return [
        {"indicator_id": "a", "year": 2020, "name_zh": "高校", "value": 30, "value_max": None,
         "qualifier": "多", "unit": "所", "source_section": "一 / 三是"},
        {"indicator_id": "b", "year": 2020, "name_zh": "企业", "value": 260, "value_max": None,
         "qualifier": None, "unit": "家", "source_section": "一 / 三是"},
        {"indicator_id": "c", "year": 2019, "name_zh": "企业", "value": 200, "value_max": None,
         "qualifier": None, "unit": "家", "source_section": "一 / 三是"},
    ]


def spec(**extra):
    base = {"id": "participants", "type": "bar", "title": "参与方", "unit": "家",
            "where": {"indicator_id": ["b", "a"]}, "x": "name_zh", "y": "value"}
    base.update(extra)
    return base


def test_bar_chart_table_description_and_source_use_the_sources_wording():
    chart = charts.build_xy(spec(), rows(), SOURCE, "indicators")
    assert chart.rows == [["企业", "260家"], ["高校", "30多所"]]  # the spec's order, not the file's
    assert "高校30多所" in chart.description and chart.description.startswith("柱状图：参与方")
    assert chart.source == "来源：某报告（一 / 三是）"
    assert chart.option["aria"]["enabled"] is True
    assert chart.option["aria"]["label"]["description"] == chart.description
    data = chart.option["series"][0]["data"]
    assert [d["text"] for d in data] == ["260家", "30多所"]
    assert [d["label"]["formatter"] for d in data] == ["260", "30多"]


def test_options_are_identical_from_one_build_to_the_next():
    first = charts.build_xy(spec(), rows(), SOURCE, "indicators").option_json()
    second = charts.build_xy(spec(), rows(), SOURCE, "indicators").option_json()
    assert first == second
    assert "chart_participants" == charts.chart_id_for_pyecharts("participants")
    assert charts.chart_id_for_pyecharts("high-tech-total") == "chart_high_tech_total"


def test_series_field_makes_one_series_per_value_and_years_run_oldest_first():
    chart = charts.build_xy(
        spec(type="line", where={"indicator_id": ["b", "c"]}, x="year", series="indicator_id"),
        rows(), SOURCE, "indicators",
    )
    assert chart.columns == ["年份", "c", "b"]
    assert chart.rows == [["2019年", "200家", "—"], ["2020年", "—", "260家"]]
    assert chart.option["legend"][0]["show"] is True
    assert [s["symbol"] for s in chart.option["series"]] == ["circle", "rect"]  # not colour alone


def test_markup_in_data_cannot_leave_the_json_script():
    evil = rows()
    evil[0]["name_zh"] = "</script><script>alert(1)</script><!--"
    text = charts.build_xy(spec(), evil, SOURCE, "indicators").option_json()
    assert "</" not in text and "<" not in text and "<!--" not in text
    assert "</script><script>alert(1)</script><!--" in json.dumps(json.loads(text),
                                                                  ensure_ascii=False)


def test_no_functions_in_the_option():
    text = charts.build_xy(spec(), rows(), SOURCE, "indicators").option_json()
    assert "function" not in text and "=>" not in text


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"type": "radar"}, "未知的图表类型"),
        ({"title": ""}, "缺少 title"),
        ({"colour": "red"}, "不认识的键 colour"),
        ({"id": "Bad_Id"}, "只能用小写字母"),
        ({"where": "a"}, "where 应为"),
    ],
)
def test_bad_specs_are_refused(bad, message):
    with pytest.raises(charts.ChartError, match=message):
        charts.check_spec(spec(**bad), "x.meta.yml 第1个图表")


def test_a_spec_selecting_nothing_or_twice_is_refused():
    with pytest.raises(charts.ChartError, match="没有选中"):
        charts.build_xy(spec(where={"indicator_id": "zzz"}), rows(), SOURCE, "indicators")
    with pytest.raises(charts.ChartError, match="出现两次"):
        charts.build_xy(spec(where={"name_zh": "企业"}), rows(), SOURCE, "indicators")
    with pytest.raises(charts.ChartError, match="不是数字"):
        charts.build_xy(spec(y="name_zh"), rows(), SOURCE, "indicators")


def test_duplicate_chart_ids_across_datasets_are_refused(tmp_path: Path):
    layout = Layout(tmp_path)
    (tmp_path / "datasets").mkdir()
    for name in ("one", "two"):
        (tmp_path / "datasets" / f"{name}.csv").write_text("a\n1\n", encoding="utf-8")
        (tmp_path / "datasets" / f"{name}.meta.yml").write_text(
            yaml.safe_dump({"charts": [spec()]}, allow_unicode=True), encoding="utf-8")
    with pytest.raises(charts.ChartError, match="重复"):
        charts.specs(layout)


def _luminance(colour: str) -> float:
    colour = colour.lstrip("#")
    channels = [int(colour[i:i + 2], 16) / 255 for i in (0, 2, 4)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast(a: str, b: str) -> float:
    la, lb = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (la + 0.05) / (lb + 0.05)


def test_contrast_helper_matches_known_values():
    assert round(contrast("#ffffff", "#000000"), 1) == 21.0
    assert round(contrast("#767676", "#ffffff"), 1) == 4.5


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_palette_contrast(scheme):
    palette = json.loads((REPO.web / "palette.json").read_text(encoding="utf-8"))[scheme]
    background = palette["background"]
    for colour in palette["series"]:
        assert contrast(colour, background) >= 3, colour
    for key in ("text", "muted"):
        assert contrast(palette[key], background) >= 4.5, key
    assert contrast(palette["axis"], background) >= 3


def test_real_charts_cover_every_area_the_data_allows_and_the_targets():
    data = model.load_figures(REPO)
    built = charts.build_all(REPO, data, SOURCE)
    areas = set()
    for _, chart_spec in charts.specs(REPO):
        wanted = (chart_spec.get("where") or {}).get("indicator_id")
        for indicator_id in wanted if isinstance(wanted, list) else [wanted]:
            if indicator_id:
                areas.add(data.series(indicator_id)[0].area_id)
    assert {"innovation-entities", "innovation-environment", "industry",
            "intellectual-property"} <= areas
    assert any(c.kind == "target" for c in built.values())
    for chart in built.values():
        assert chart.rows and chart.source.startswith("来源：") and chart.description
        assert chart.option["aria"]["enabled"] is True


def test_patterns_mark_series_only_when_there_are_several():
    one = charts.build_xy(spec(), rows(), SOURCE, "indicators")
    two = charts.build_xy(spec(where={"indicator_id": ["b", "c"]}, x="year", series="indicator_id"),
                          rows(), SOURCE, "indicators")
    assert one.option["aria"]["decal"]["show"] is False
    assert two.option["aria"]["decal"]["show"] is True


# -- charts follow their edition ---------------------------------------------------------------

@pytest.mark.parametrize("bad, message", [
    ({"where": {"indicator_id": "a", "year": 2020}}, "years: edition"),
    ({"years": "2020"}, "years 应为"),
    ({"years": "last-0"}, "years 应为"),
    ({"id_year": "2020"}, "id_year"),
])
def test_a_spec_names_no_year(bad, message):
    with pytest.raises(charts.ChartError, match=message):
        charts.check_spec(spec(**bad), "x.meta.yml 第1个图表")


@pytest.mark.parametrize("years, edition, shown", [
    ("edition", 2021, [2021]),
    ("last-2", 2021, [2020, 2021]),
    ("all", 2020, [2018, 2019, 2020]),
    ("all", 2021, [2018, 2019, 2020, 2021]),
])
def test_a_spec_shows_years_relative_to_its_edition(years, edition, shown):
    assert [y for y in (2018, 2019, 2020, 2021)
            if charts.in_scope({"years": years}, edition, y)] == shown


def test_each_edition_has_its_own_chart_id_and_the_named_one_keeps_the_bare_id():
    first = {"id": "c", "id_year": 2020}
    assert [charts.chart_id(first, y) for y in (2020, 2021)] == ["c", "c-2021"]
    assert charts.chart_id({"id": "c"}, 2020) == "c-2020"


def test_the_repository_charts_keep_their_ids_for_the_first_edition():
    built = charts.build_all(REPO, model.load_figures(REPO), SOURCE)
    for chart in built.values():
        spec_ = built.specs[chart.base_id]
        assert chart.id == (spec_["id"] if spec_.get("id_year") == chart.edition
                            else f"{spec_['id']}-{chart.edition}")
        assert chart.option["series"] and chart.edition is not None
    first = min(c.edition for c in built.values() if c.edition is not None)
    assert {c.id for c in built.values() if c.edition == first} == set(built.specs)


# -- an indicator's own chart (its page) ---------------------------------------------------------

def test_an_indicator_with_more_than_one_year_is_a_time_series():
    from tests.synthetic import indicator

    rows = [indicator("x", 2020, 120), indicator("x", 2019, 100, derived=True, derivation="总数减净增"),
            indicator("y", 2020, 30, qualifier="多")]
    chart = charts.series_chart(rows, "x", "某报告")
    assert chart.kind == "line" and chart.id == "indicator-x"
    assert chart.rows == [["2019年", "100家（推算）"], ["2020年", "120家"]]  # oldest first
    # each point is a data item ECharts can draw (not a [category, item] pair)
    items = chart.option["series"][0]["data"]
    assert [i["value"] for i in items] == [100, 120] and items[0]["derivation"] == "总数减净增"
    assert "推算值：2019年：总数减净增" in chart.source
    single = charts.series_chart(rows, "y", "某报告")
    assert single.kind == "bar" and single.rows == [["2020年", "30多家"]]
    with pytest.raises(charts.ChartError):
        charts.series_chart(rows, "nope", "某报告")


def test_a_chart_spec_may_not_take_the_indicator_pages_ids():
    with pytest.raises(charts.ChartError, match="indicator-"):
        charts.check_spec({"id": "indicator-x", "type": "bar", "title": "t", "unit": "家",
                           "where": {"indicator_id": "x"}, "x": "year", "y": "value"}, "图表")
