"""Editions as data: the front matter of docs/YEAR/index.md, the sources dataset, and the
refusal of a published edition's row that names a document the edition does not use.

Validation runs in-process on a copy of the repository's own datasets, schemas and
datapackage.json with a docs/ folder of two editions: the real front page of the latest
edition and a
made-up one for the year after (test data only). The years and the latest edition's source
document are read from docs/, so a real edition for that year only moves the made-up one on.
"""

from __future__ import annotations

import csv
import io
import shutil
from pathlib import Path

import pytest

from pipeline import docs, editions, validate
from pipeline.paths import REPO, Layout
from tests import madeup

LATEST = max(e.year for e in docs.editions(REPO) if not e.draft)
NEXT = madeup.latest_edition(REPO) + 1  # the made-up edition (test data)
SOURCE = docs.split_front_matter(  # the latest edition's own source document
    (REPO.docs / str(LATEST) / "index.md").read_text(encoding="utf-8"))[0]["sources"][0]

EDITION_NEXT = (f"---\ntitle: 测试\nstatus: published\npublished: {NEXT + 1}-03-15\nnext: {NEXT + 2}-03\n"
                "sources: [{src}]\n---\n# 测试\n")
TEST_SOURCE = f"test-{NEXT},测试用文件（非真实报告）,Test document (not a real report),测试机构,,,仅供测试\n"


def _layout(root: Path, front_next: str | None) -> Layout:
    for name in ("datasets", "schemas"):
        shutil.copytree(REPO.root / name, root / name)
    shutil.copy(REPO.descriptor, root / "datapackage.json")
    for edition in docs.editions(REPO):  # every edition's front page (its year's rows are its)
        (root / "docs" / str(edition.year)).mkdir(parents=True)
        shutil.copy(REPO.docs / str(edition.year) / "index.md",
                    root / "docs" / str(edition.year) / "index.md")
    if front_next is not None:
        (root / "docs" / f"{NEXT}").mkdir()
        (root / "docs" / f"{NEXT}" / "index.md").write_text(front_next, encoding="utf-8")
    return Layout(root)


def _append(layout: Layout, name: str, line: str) -> int:
    """Add a row to datasets/NAME.csv; its row number (the header is row 1)."""
    path = layout.datasets / f"{name}.csv"
    text = path.read_text(encoding="utf-8")
    path.write_text(text + line, encoding="utf-8")
    return len(list(csv.reader(io.StringIO(text))))  + 1


def _row_next(source: str) -> str:
    return (f"rd-spending,{NEXT},overall,全社会研发投入,Gross expenditure on R&D,55,,,亿元,"
            f"100 million yuan,false,,{source},测试章节,测试数据\n")


def _found(layout: Layout, code: str) -> list:
    return [i for i in validate.run(layout).issues if i.code == code]


def test_the_repository_editions_are_valid_and_2020_is_published():
    found = editions.read(REPO)
    first = found[0]
    assert (first.year, first.status, first.sources) == (2020, "published", ["kjj-2020"])
    assert editions.check(found, set(editions.source_rows(REPO))) == []


def test_a_next_year_row_naming_the_latest_report_is_refused_in_the_published_next_edition(tmp_path):
    layout = _layout(tmp_path, EDITION_NEXT.format(src=f"test-{NEXT}"))
    _append(layout, "sources", TEST_SOURCE)
    row = _append(layout, "indicators", _row_next(f"{SOURCE}"))
    found = _found(layout, "edition-source-mismatch")
    assert [(i.path, i.row, i.column, i.value) for i in found] == [
        ("datasets/indicators.csv", row, "source_id", f"{SOURCE}")]
    zh, en = found[0].text("zh") + found[0].fix("zh"), found[0].text("en") + found[0].fix("en")
    assert f"docs/{NEXT}/index.md" in zh and f"test-{NEXT}" in zh and f"{SOURCE}" in zh
    assert f"published {NEXT} edition" in en


def test_the_same_row_naming_its_own_document_passes(tmp_path):
    layout = _layout(tmp_path, EDITION_NEXT.format(src=f"test-{NEXT}"))
    _append(layout, "sources", TEST_SOURCE)
    _append(layout, "indicators", _row_next(f"test-{NEXT}"))
    assert _found(layout, "edition-source-mismatch") == []


def test_a_draft_edition_is_not_refused_for_its_rows(tmp_path):
    draft = EDITION_NEXT.format(src=f"test-{NEXT}").replace("status: published", "status: draft")
    layout = _layout(tmp_path, draft)
    _append(layout, "sources", TEST_SOURCE)
    _append(layout, "indicators", _row_next(f"{SOURCE}"))
    assert _found(layout, "edition-source-mismatch") == []


def test_a_plan_target_row_is_checked_by_its_plan_year(tmp_path):
    layout = _layout(tmp_path, EDITION_NEXT.format(src=f"test-{NEXT}"))
    _append(layout, "sources", TEST_SOURCE)
    row = _append(layout, "plan-targets", f"test-target,{NEXT},,,{NEXT},,,测试目标,Test target,count,5,,,家,"
                                           f"units,{SOURCE},测试章节,\n")
    found = _found(layout, "edition-source-mismatch")
    assert [(i.path, i.row) for i in found] == [("datasets/plan-targets.csv", row)]


def test_a_later_edition_may_correct_an_earlier_year(tmp_path):
    layout = _layout(tmp_path, EDITION_NEXT.format(src=f"test-{NEXT}"))
    _append(layout, "sources", TEST_SOURCE)
    path = layout.datasets / "indicators.csv"
    text = path.read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith(f"rd-spending,{LATEST},"))
    path.write_text(text.replace(line, line.replace(f",{SOURCE},", f",test-{NEXT},")), encoding="utf-8")
    assert _found(layout, "edition-source-mismatch") == []


def test_an_unknown_source_id_in_a_row_is_a_foreign_key_error(tmp_path):
    layout = _layout(tmp_path, None)
    row = _append(layout, "indicators", _row_next(f"nope-{NEXT}"))
    found = [i for i in validate.run(layout).issues if i.column == "source_id"]
    assert [(i.row, i.code, i.value) for i in found] == [(row, "foreign-key", f"nope-{NEXT}")]


@pytest.mark.parametrize(("front", "code", "line", "column"), [
    (f"status: done\nsources: [{SOURCE}]\n", "edition-status", 3, "status"),
    (f"status: published\nsources: [{SOURCE}]\n", "edition-published-missing", 3, "published"),
    (f"status: published\npublished: 2022-3-5\nsources: [{SOURCE}]\n", "edition-date", 4, "published"),
    ("status: draft\nnext: 2023-13\n", "edition-date", 4, "next"),
    (f"status: draft\nsources: {SOURCE}\n", "edition-sources", 4, "sources"),
    (f"status: published\npublished: {NEXT + 1}-03-15\n", "edition-sources-missing", 3, "sources"),
    ("status: draft\nsources: [unregistered-document]\n", "edition-source-unknown", 4, "sources"),
])
def test_front_matter_mistakes_are_refused_with_file_line_and_fix(tmp_path, front, code, line, column):
    layout = _layout(tmp_path, f"---\ntitle: 测试\n{front}---\n# 测试\n")
    found = [i for i in validate.run(layout).issues if i.path == f"docs/{NEXT}/index.md"]
    assert [(i.code, i.row, i.column) for i in found] == [(code, line, column)]
    issue = found[0]
    assert f"docs/{NEXT}/index.md" in issue.fix("zh") + issue.text("zh") or code == "edition-date"
    assert issue.fix("en") and issue.fix("zh") != issue.fix("en")


def test_the_command_line_exits_1_for_a_wrong_source(tmp_path):
    import subprocess
    import sys

    layout = _layout(tmp_path, EDITION_NEXT.format(src=f"test-{NEXT}"))
    _append(layout, "sources", TEST_SOURCE)
    _append(layout, "indicators", _row_next(f"{SOURCE}"))
    proc = subprocess.run([sys.executable, "-m", "pipeline", "validate", str(layout.root)],
                          capture_output=True, text=True, cwd=REPO.root, timeout=300)
    assert proc.returncode == 1
    assert "edition-source-mismatch" in proc.stdout + proc.stderr or "来源文件不属于" in proc.stdout


def test_the_column_engine_refuses_the_same_row(tmp_path):
    """A large table goes through the column engine, which passes only some rows as records."""
    layout = _layout(tmp_path, EDITION_NEXT.format(src=f"test-{NEXT}"))
    _append(layout, "sources", TEST_SOURCE)
    # an indicator no rule or target reads, so nothing else makes the engine pass this row on
    text = (layout.datasets / "indicators.csv").read_text(encoding="utf-8")
    line = next(x for x in text.splitlines() if x.startswith(f"rice-shrimp-base,{LATEST},"))
    row = _append(layout, "indicators", line.replace(f",{LATEST},", f",{NEXT},", 1) + "\n")
    found = [i for i in validate.run(layout, engine="columns").issues
             if i.code == "edition-source-mismatch"]
    assert [(i.path, i.row, i.value) for i in found] == [("datasets/indicators.csv", row, f"{SOURCE}")]


def test_the_package_sources_come_from_the_sources_dataset_and_the_editions(tmp_path):
    """datasets/package.yml lists no documents of its own; the package's `sources` are the
    documents each published edition names in sources.csv, with the edition's year."""
    from pipeline import load

    assert "sources" not in load.read_yaml(REPO.package_meta, required=False)
    rows = editions.source_rows(REPO)
    expected = [(str(rows[s]["title"]), ed.year) for ed in editions.read(REPO) if ed.is_published
                for s in ed.sources]
    assert expected and [(s["title"], s["edition"]) for s in load.package_meta(REPO)["sources"]] \
        == expected

    layout = _layout(tmp_path, EDITION_NEXT.format(src=f"test-{NEXT}").replace("published\n", "draft\n", 1))
    _append(layout, "sources", TEST_SOURCE)
    assert NEXT not in [s.get("edition") for s in load.package_meta(layout)["sources"]]  # a draft's
    index = layout.docs / str(NEXT) / "index.md"
    index.write_text(EDITION_NEXT.format(src=f"test-{NEXT}"), encoding="utf-8")
    derived = load.package_meta(layout)["sources"]
    assert derived[-1] == {"title": "测试用文件（非真实报告）",
                           "title_en": "Test document (not a real report)", "edition": NEXT}
    from pipeline import package

    assert package.descriptor(layout)["sources"][-1]["version"] == str(NEXT)
