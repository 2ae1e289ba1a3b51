"""The revisions log: changed published figures are recorded, checked against git, shown."""

from __future__ import annotations

import argparse
import html
import io
import re
import shutil
import subprocess
from pathlib import Path

import markdown
import pytest

from pipeline import importer, markup, revision_log, revisions
from pipeline.paths import REPO, Layout
from pipeline.validate import run

FIXTURES = Path(__file__).parent / "fixtures"


def _git(root: Path, *args: str) -> None:
    subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c", "user.email=t@example.org",
                    *args], check=True, capture_output=True)


@pytest.fixture
def committed(tmp_path: Path) -> Layout:
    """The synthetic edition project as a git repository with one commit."""
    root = tmp_path / "edition"
    shutil.copytree(FIXTURES / "edition", root)
    shutil.copytree(REPO.schemas, root / "schemas")
    shutil.copy(REPO.meta("revisions"), root / "datasets" / "revisions.meta.yml")
    _git(root, "init", "-q", "-b", "main")
    _git(root, "add", ".")
    _git(root, "commit", "-q", "-m", "2020 数据")
    return Layout(root)


def _edit(layout: Layout, old: str, new: str) -> None:
    path = layout.csv("indicators")
    text = path.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new), encoding="utf-8")


def _args(**kw: object) -> argparse.Namespace:
    base = {"base": "HEAD", "record": False, "reason": None, "reason_from_commit": False,
            "lang": "zh"}
    base.update(kw)
    return argparse.Namespace(**base)


def test_a_direct_edit_of_a_figure_must_be_recorded(committed: Layout,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    assert revisions.unexplained(committed, "HEAD") == []
    _edit(committed, "Sample spending,12.5,", "Sample spending,12.8,")
    missing = revisions.unexplained(committed, "HEAD")
    assert [(r.dataset, r.key, r.field, r.old_value, r.new_value) for r in missing] == [
        ("indicators", "sample-spending/2020", "value", "12.5", "12.8")]
    assert revisions.main(_args(), committed) == 1
    assert "--record" in capsys.readouterr().out
    assert revisions.main(_args(record=True, reason="统计部门公布了核实数"), committed) == 0
    assert revisions.unexplained(committed, "HEAD") == []
    assert revisions.main(_args(), committed) == 0
    # the log is a dataset like any other, and it validates
    report = run(committed)
    assert report.valid, report.formatted("text")
    assert "datasets/revisions.csv" in report.checked


def test_reason_can_come_from_the_last_commit(committed: Layout) -> None:
    _edit(committed, "Sample firms,120,", "Sample firms,121,")
    _git(committed.root, "commit", "-q", "-am", "更正示例企业数量：按年报核实数")
    assert revisions.unexplained(committed, "HEAD~1")
    assert revisions.main(_args(base="HEAD~1", record=True, reason_from_commit=True),
                          committed) == 0
    logged = revision_log.read(committed)
    assert [(r.key, r.reason) for r in logged] == [("sample-firms/2020", "更正示例企业数量：按年报核实数")]


def test_added_rows_and_text_edits_are_not_revisions(committed: Layout) -> None:
    path = committed.csv("indicators")
    path.write_text(path.read_text(encoding="utf-8").replace("示例投入", "示例投入总额")
                    + "sample-firms,2021,alpha,示例企业,Sample firms,130,,,家,enterprises,"
                      "false,,示例章节,\n", encoding="utf-8")
    assert revisions.unexplained(committed, "HEAD") == []


def test_qualifier_change_is_a_revision(committed: Layout) -> None:
    text = committed.csv("plan-targets").read_text(encoding="utf-8")
    committed.csv("plan-targets").write_text(text.replace(",150,,以上,", ",150,,,"),
                                             encoding="utf-8")
    missing = revisions.unexplained(committed, "HEAD")
    assert [(r.dataset, r.key, r.field, r.old_value, r.new_value) for r in missing] == [
        ("plan-targets", "2020/sample-firms-total", "qualifier", "以上", "")]


def test_unknown_base_is_a_usage_error(committed: Layout) -> None:
    assert revisions.main(_args(base="no-such-ref"), committed) == 2


def test_import_records_with_the_given_reason_and_date(committed: Layout, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    text = committed.csv("indicators").read_text(encoding="utf-8")
    sheet.write_text(text.replace("Sample share,0.3,", "Sample share,0.4,"), encoding="utf-8")
    out = io.StringIO()
    code = importer.import_file(committed, sheet, "indicators", reason="口径调整", out=out)
    assert code == 0, out.getvalue()
    [logged] = revision_log.read(committed)
    assert (logged.key, logged.field, logged.old_value, logged.new_value, logged.reason) == (
        "sample-share/2020", "value", "0.3", "0.4", "口径调整")
    assert len(logged.date) == 10 and logged.date[4] == "-"
    assert revisions.unexplained(committed, "HEAD") == []
    rows = revision_log.for_dataset(committed, "indicators")
    assert rows[0]["new_value"] == "0.4"
    assert revision_log.for_dataset(committed, "plan-targets") == []


def test_markdown_shows_revisions_and_escapes_staff_text() -> None:
    parts = markup.ENV.get_template("catalog_parts.md").module
    assert "没有修订" in str(parts.revisions([]))  # type: ignore[attr-defined]
    table = str(parts.revisions([{  # type: ignore[attr-defined]
        "date": "2021-03-01", "key": "a/2020", "field": "value", "old_value": "1",
        "new_value": "2", "reason": "见[通知](javascript:alert(1)) <script>x</script> | {{ v }}",
    }]))
    lines = table.splitlines()
    assert lines[0] == "| 日期 | 记录 | 字段 | 原值 | 新值 | 原因 |"
    # read as the site engine reads it: one row of six cells, the reason shown as written
    rendered = markdown.markdown(table, extensions=["tables"])
    cells = re.findall(r"<td>(.*?)</td>", rendered)
    assert [html.unescape(c) for c in cells] == [
        "2021-03-01", "a/2020", "value", "1", "2",
        "见[通知](javascript:alert(1)) <script>x</script> | {{ v }}"]
    assert "<script>" not in rendered and "<a " not in rendered and "{{" not in table


def test_first_revision_keeps_the_repository_valid(repo_copy: Layout, tmp_path: Path) -> None:
    """Recording the first revision creates the log and lists it in datapackage.json and
    CITATION.cff (whose keywords come from the datasets), both as `package` would write them."""
    import csv

    from pipeline import package

    shutil.copy(REPO.citation, repo_copy.citation)
    first = not repo_copy.csv("revisions").exists()  # the data may hold revisions already
    assert repo_copy.citation.read_text(encoding="utf-8") == package.citation_cff(repo_copy)

    rows = list(csv.reader(io.StringIO(repo_copy.csv("indicators").read_text(encoding="utf-8"))))
    value = rows[0].index("value")
    rows[1][value] = str(float(rows[1][value]) + 1)
    sheet = tmp_path / "sheet.csv"
    with sheet.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle, lineterminator="\n").writerows(rows)
    out = io.StringIO()
    assert importer.import_file(repo_copy, sheet, "indicators", reason="测试修订",
                                out=out) == 0, out.getvalue()
    assert repo_copy.csv("revisions").exists()
    assert '"name": "revisions"' in repo_copy.descriptor.read_text(encoding="utf-8")
    assert repo_copy.descriptor.read_text(encoding="utf-8") == package.datapackage_json(repo_copy)
    assert repo_copy.citation.read_text(encoding="utf-8") == package.citation_cff(repo_copy)
    assert ("CITATION.cff" in out.getvalue()) == first  # in the line to copy when it changed
    report = run(repo_copy)
    assert report.valid, report.formatted("text")


def test_the_log_is_published_like_any_dataset(committed: Layout) -> None:
    """Downloads and catalog pages are made for the log once it has rows."""
    from pipeline import catalog, downloads

    _edit(committed, "Sample spending,12.5,", "Sample spending,12.8,")
    assert revisions.main(_args(record=True, reason="测试"), committed) == 0
    files = downloads.all_files(committed)
    assert "revisions.csv" in files and "revisions.xlsx" in files and "revisions.json" in files
    assert b"sample-spending/2020" in files["revisions.json"]
    assert "data/revisions.md" in catalog.pages(committed, files)


def test_nothing_to_compare_before_the_first_commit(tmp_path: Path) -> None:
    root = tmp_path / "new"
    shutil.copytree(FIXTURES / "edition", root)
    _git(root, "init", "-q")
    assert revisions.main(_args(), Layout(root)) == 0
