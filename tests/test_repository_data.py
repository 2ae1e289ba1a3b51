"""Contract tests over the repository's real datasets/ folder."""

from __future__ import annotations

import subprocess
import sys

import pytest
from frictionless import Package, Schema

from pipeline import load, package
from pipeline.paths import REPO, Layout
from pipeline.validate import run

DATASETS = load.discover(REPO)


def test_there_are_datasets():
    assert {d.name for d in DATASETS} >= {
        "indicators",
        "plan-categories",
        "plan-tasks",
        "plan-targets",
        "work-areas",
    }


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_each_dataset_is_valid_on_its_own(dataset: load.Dataset):
    report = run(REPO, targets=[dataset.csv])
    assert report.valid, report.formatted("text")
    assert report.warnings == []


@pytest.mark.parametrize("dataset", DATASETS, ids=lambda d: d.name)
def test_each_dataset_has_complete_bilingual_metadata(dataset: load.Dataset):
    meta = dataset.meta()
    for key in ("title", "title_en", "description", "description_en", "keywords"):
        assert meta.get(key), key
    for field in dataset.schema()["fields"]:
        assert field.get("title") and field.get("description") and field.get("description_en"), field


@pytest.mark.slow
def test_datapackage_json_is_current_and_passes_plain_frictionless():
    assert REPO.descriptor.read_text(encoding="utf-8") == package.datapackage_json(REPO)
    result = subprocess.run(
        [sys.executable, "-m", "frictionless", "validate", "--json", "datapackage.json"],
        cwd=REPO.root,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert result.returncode == 0, result.stdout[-2000:]


def test_package_round_trips_through_frictionless(tmp_path):
    """Every table, written out by frictionless and read back, gives the same typed rows."""
    pkg = Package(str(REPO.descriptor))
    assert {r.name for r in pkg.resources} == {d.name for d in DATASETS}
    for resource in pkg.resources:
        rows = [row.to_dict() for row in resource.read_rows()]
        assert rows, resource.name
        copy = resource.write(str(tmp_path / f"{resource.name}.csv"))
        schema = resource.schema.to_descriptor()
        schema.pop("foreignKeys", None)  # the copy stands alone, outside the package
        copy.schema = Schema.from_descriptor(schema)
        assert [row.to_dict() for row in copy.read_rows()] == rows


def test_stale_datapackage_is_an_error(repo_copy: Layout):
    text = repo_copy.descriptor.read_text(encoding="utf-8")
    repo_copy.descriptor.write_text(text.replace("主要科技工作指标", "旧标题"), encoding="utf-8")
    assert [i.code for i in run(repo_copy).errors] == ["datapackage-stale"]


def _append(layout: Layout, name: str, rows: list[str]) -> None:
    path = layout.csv(name)
    path.write_text(path.read_text(encoding="utf-8") + "\n".join(rows) + "\n", encoding="utf-8")


def _latest_stock() -> tuple[int, int, int]:
    """(the latest year of the data, the stock's value then, the rows of indicators.csv with
    its header): the made-up next year below follows them."""
    lines = REPO.csv("indicators").read_text(encoding="utf-8").splitlines()
    records = load.read_records(load.dataset_for(REPO, REPO.csv("indicators")))
    latest = max(r["year"] for r in records)
    [stock] = [r["value"] for r in records
               if r["indicator_id"] == "high-tech-enterprises" and r["year"] == latest]
    return latest, int(stock), len([line for line in lines if line.strip()])


LATEST, STOCK, LINES = _latest_stock()
NEXT = LATEST + 1
FIRST_NEW_ROW = LINES + 1  # the row number of the first row appended
SYNTHETIC_NEXT = [
    # made-up figures for a synthetic next year, in a temporary copy only
    f"high-tech-enterprises,{NEXT},innovation-entities,高新技术企业数量,High-tech enterprises,"
    f"{STOCK + 41},,,家,enterprises,false,,test-{NEXT},一、工作情况,",
    f"high-tech-net-increase,{NEXT},innovation-entities,高新技术企业净增数,"
    f"Net increase in high-tech enterprises,41,,,家,enterprises,false,,test-{NEXT},一、工作情况,",
]
# the made-up document those rows come from
SYNTHETIC_SOURCE = [f"test-{NEXT},测试用文件（非真实报告）,Test document (not a real report),"
                    "测试机构,,,仅供测试"]


def test_next_year_is_new_rows_not_new_files_or_columns(repo_copy: Layout):
    _append(repo_copy, "sources", SYNTHETIC_SOURCE)
    header_before = repo_copy.csv("indicators").read_text(encoding="utf-8").splitlines()[0]
    _append(repo_copy, "indicators", SYNTHETIC_NEXT)
    report = run(repo_copy)
    assert report.valid, report.formatted("text")
    records = load.read_records(load.dataset_for(repo_copy, repo_copy.csv("indicators")))
    years = {r["year"] for r in records if r["indicator_id"] == "high-tech-enterprises"}
    assert max(years) == NEXT and NEXT - 1 in years
    assert repo_copy.csv("indicators").read_text(encoding="utf-8").splitlines()[0] == header_before


def test_next_year_totals_are_checked_against_net_increase(repo_copy: Layout):
    _append(repo_copy, "sources", SYNTHETIC_SOURCE)
    rows = [SYNTHETIC_NEXT[0].replace(f",{STOCK + 41},", f",{STOCK + 51},"), SYNTHETIC_NEXT[1]]
    _append(repo_copy, "indicators", rows)
    assert run(repo_copy).flatten(["row", "code"]) == [[FIRST_NEW_ROW, "stock-flow-mismatch"]]


def test_next_year_indicator_must_keep_its_unit(repo_copy: Layout):
    _append(repo_copy, "sources", SYNTHETIC_SOURCE)
    _append(repo_copy, "indicators", [SYNTHETIC_NEXT[0].replace(",家,", ",个,")])
    assert run(repo_copy).flatten(["row", "column", "code"]) == [
        [FIRST_NEW_ROW, "unit", "inconsistent-definition"]]


def test_qualifiers_and_ranges_are_machine_readable():
    records = {
        r["indicator_id"]: r
        for r in load.read_records(load.dataset_for(REPO, REPO.csv("indicators")))
        if r["year"] == 2020
    }
    assert (
        records["transfer-universities"]["value"],
        records["transfer-universities"]["qualifier"],
        records["transfer-universities"]["unit"],
    ) == (30, "多", "所")
    targets = {r["target_id"]: r for r in load.read_records(load.dataset_for(REPO, REPO.csv("plan-targets")))}
    team = targets["provincial-innovation-teams"]
    assert (team["value"], team["value_max"], team["qualifier"]) == (3, 5, None)
    assert targets["newspaper-special-pages"]["qualifier"] == "不少于"
    for r in records.values():
        assert isinstance(r["value"], (int, float))


def test_derived_values_say_how():
    for r in load.read_records(load.dataset_for(REPO, REPO.csv("indicators"))):
        assert bool(r["derived"]) == bool(r["derivation"]), r["indicator_id"]


def test_plan_has_26_tasks_in_6_categories():
    tasks = load.read_records(load.dataset_for(REPO, REPO.csv("plan-tasks")))
    categories = load.read_records(load.dataset_for(REPO, REPO.csv("plan-categories")))
    assert [t["number"] for t in tasks] == list(range(1, 27))
    assert len(categories) == 6
    assert {t["category_id"] for t in tasks} == {c["category_id"] for c in categories}
