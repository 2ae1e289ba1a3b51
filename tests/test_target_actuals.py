"""Targets against actuals: each target is judged by the actual of the year it is for,
against a baseline of the same measure; a baseline of another measure gets no status.

Synthetic rows (tests/synthetic.py) for the rules; the repository's own plan for the
S&T-spending target whose baseline is the R&D-spending figure.
"""

from __future__ import annotations

from pipeline import model as figs
from pipeline import pages
from pipeline.paths import REPO
from tests.synthetic import data, indicator, target


def test_the_actual_is_that_of_the_target_year_not_the_next_one_there_is():
    rows = [indicator("x", 2020, 209), indicator("x", 2021, 230), indicator("x", 2022, 260)]
    d = data(rows, [target("t", "level", 240, target_year=2022), target("u", "level", 240)])
    five_year = d.target_status(d.target("t"))
    assert (five_year.actual.year, five_year.status) == (2022, figs.MET)
    default = d.target_status(d.target("u"))  # no target_year: the year after the baseline
    assert (default.actual.year, default.status) == (2021, figs.NOT_MET)


def test_a_missing_target_year_is_not_replaced_by_a_later_year():
    rows = [indicator("x", 2020, 209), indicator("x", 2022, 260)]
    d = data(rows, [target("t", "level", 240)])  # for 2021, which has no figure
    result = d.target_status(d.target("t"))
    assert (result.status, result.actual) == (figs.NO_ACTUAL, None)


def test_a_baseline_of_another_measure_gets_no_status_but_both_figures():
    rows = [indicator("x", 2020, 100), indicator("x", 2021, 200)]
    d = data(rows, [target("t", "growth-rate", 15, baseline_measure="另一个量")])
    result = d.target_status(d.target("t"))
    assert result.status == figs.OTHER_MEASURE and result.label == "口径不同，不作判断"
    assert (result.baseline.value, result.actual.value) == (100, 200)


def test_the_plans_spending_target_says_its_baseline_is_rd_spending():
    d = figs.load_figures(REPO)
    target = d.target("rd-spending-growth")
    assert target.baseline_measure == "全社会研发投入"
    assert d.target_status(target).status == figs.OTHER_MEASURE
    others = [t for t in d.targets if t.target_id != "rd-spending-growth"]
    assert all(d.target_status(t).status != figs.OTHER_MEASURE for t in others)


def test_the_targets_table_says_the_measures_differ(tmp_path):
    rows = [indicator("x", 2020, 100)]
    d = data(rows, [target("t", "growth-rate", 15, baseline_measure="另一个量"),
                    target("u", "level", 240)])
    docs = tmp_path / "docs"
    (docs / "2020").mkdir(parents=True)
    (docs / "2020" / "index.md").write_text("# 报告\n", encoding="utf-8")
    (docs / "2020" / "plan.md").write_text("# 计划\n\n[[targets:2020]]\n", encoding="utf-8")
    pages.write(docs, tmp_path / "out", d, {}, "某报告")
    html = (tmp_path / "out" / "2020" / "plan.md").read_text(encoding="utf-8")
    row_t = html.split("<tr>")[2]
    assert "另一个量，与目标口径不同" in row_t and "口径不同，不作判断" in row_t
    assert "target-status--other-measure" in row_t
    assert "口径不同" not in html.split("<tr>")[3]


def test_status_is_computed_for_every_plan_edition():
    rows = [indicator("x", 2020, 209), indicator("x", 2021, 250), indicator("x", 2022, 300)]
    d = data(rows, [target("a", "level", 240), target("b", "level", 280, plan_year=2021,
                                                      baseline_year=2021)])
    assert [d.target_status(t).status for t in d.plan_targets(2020)] == [figs.MET]
    assert [d.target_status(t).status for t in d.plan_targets(2021)] == [figs.MET]
