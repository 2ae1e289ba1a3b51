"""The new-year scaffold: workbooks with the known parts carried over, nothing invented."""

from __future__ import annotations

import argparse
import io
import shutil
from pathlib import Path

import openpyxl
import pytest
import yaml

from pipeline import importer, newyear
from pipeline.paths import REPO, Layout
from pipeline.validate import run

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def edition(tmp_path: Path) -> Layout:
    root = tmp_path / "edition"
    shutil.copytree(FIXTURES / "edition", root)
    shutil.copytree(REPO.schemas, root / "schemas")
    return Layout(root)


def _codes(ws: openpyxl.worksheet.worksheet.Worksheet) -> list[str]:
    """The field code of each header cell, from its comment (the header shows Chinese titles)."""
    return [c.comment.text.splitlines()[0].removeprefix("字段 ") for c in ws[1] if c.value]


def _sheet_rows(path: Path) -> list[dict[str, object]]:
    book = openpyxl.load_workbook(path, data_only=True)
    ws = book.active
    header = _codes(ws)
    rows = [list(r)[: len(header)] for r in ws.iter_rows(min_row=2, values_only=True)]
    return [dict(zip(header, r, strict=True)) for r in rows if any(v is not None for v in r)]


def _fill(path: Path, values: dict[str, object], where: tuple[str, object]) -> None:
    """Fill the empty cells named in `values` on the rows where column where[0] == where[1]."""
    book = openpyxl.load_workbook(path)
    ws = book.active
    header = _codes(ws)
    for row in ws.iter_rows(min_row=2):
        record = {h: c for h, c in zip(header, row, strict=False)}
        if record[where[0]].value != where[1]:
            continue
        for name, value in values.items():
            cell = record[name]
            assert cell.value in (None, ""), f"{name} was not left empty"
            cell.value = value(record) if callable(value) else value
    book.save(path)


def test_scaffold_carries_over_what_is_known_and_invents_no_figure(edition: Layout) -> None:
    result = newyear.scaffold(edition, 2021)
    names = [wb.dataset for wb in result.workbooks]
    assert names == ["indicators", "plan-categories", "plan-tasks", "plan-targets"]
    rows = _sheet_rows(result.folder / "indicators.xlsx")
    old = [r for r in rows if r["year"] == 2020]
    new = [r for r in rows if r["year"] == 2021]
    assert len(old) == 3
    assert [r["indicator_id"] for r in new] == [r["indicator_id"] for r in old]
    for before, after in zip(old, new, strict=True):
        assert (after["unit"], after["name_zh"]) == (before["unit"], before["name_zh"])
        assert after["value"] is None and after["value_max"] is None
        assert after["qualifier"] is None and after["source_section"] is None
        assert before["source_id"] == "sample-2020" and after["source_id"] is None  # never carried
    targets = _sheet_rows(result.folder / "plan-targets.xlsx")
    assert [(r["target_id"], r["plan_year"], r["value"]) for r in targets] == [
        ("sample-firms-total", 2020, 150), ("sample-firms-total", 2021, None)]
    checklist = result.checklist.read_text(encoding="utf-8")
    for r in new:
        assert f"- [ ] {r['indicator_id']}：{r['name_zh']}" in checklist
    assert "2021-C1" in checklist and "2021-T01" in checklist
    assert "python -m pipeline import" in checklist
    # the data itself is untouched until staff import
    assert not any(",2021," in edition.csv(n).read_text(encoding="utf-8")
                   for n in ("indicators", "plan-targets"))


@pytest.mark.slow
def test_scaffold_validates_after_staff_fill_it(edition: Layout) -> None:
    result = newyear.scaffold(edition, 2021)
    folder = result.folder
    made_up = {"sample-spending": 13.5, "sample-firms": 135, "sample-share": 0.35}
    _fill(folder / "indicators.xlsx",
          {"value": lambda r: made_up[r["indicator_id"].value], "source_id": "sample-2020",
           "source_section": "示例章节"},
          ("year", 2021))
    for path, row in ((folder / "plan-categories.xlsx", ["2021-C1", 2021, 1, "新类别", "New"]),
                      (folder / "plan-tasks.xlsx",
                       ["2021-T01", 2021, 1, "2021-C1", "新任务", "New task"])):
        book = openpyxl.load_workbook(path)
        book.active.append(row)
        book.save(path)
    _fill(folder / "plan-targets.xlsx",
          {"baseline_year": 2021, "value": 160, "source_id": "sample-2020", "source_section": "示例章节"},
          ("plan_year", 2021))
    for name in ("indicators", "plan-categories", "plan-tasks", "plan-targets"):
        out = io.StringIO()
        code = importer.import_file(edition, folder / f"{name}.xlsx", name, out=out)
        assert code == 0, out.getvalue()
    report = run(edition)
    assert report.valid, report.formatted("text")
    text = edition.csv("indicators").read_text(encoding="utf-8")
    assert ("sample-firms,2021,alpha,示例企业,Sample firms,135,,,家,enterprises,false,,sample-2020,示例章节,"
            in text)
    assert "sample-share,2021,alpha,示例比例,Sample share,0.35," in text
    assert "sample-firms-total,2021,,sample-firms,2021," in edition.csv("plan-targets").read_text(
        encoding="utf-8")


def test_an_unfilled_scaffold_is_refused_and_writes_nothing(edition: Layout) -> None:
    result = newyear.scaffold(edition, 2021)
    before = edition.csv("indicators").read_bytes()
    out = io.StringIO()
    code = importer.import_file(edition, result.folder / "indicators.xlsx", "indicators", out=out)
    assert code == 1
    assert "value" in out.getvalue()
    assert edition.csv("indicators").read_bytes() == before


def test_scaffold_refuses_a_year_that_exists_or_a_second_run(edition: Layout) -> None:
    with pytest.raises(newyear.AlreadyThere):
        newyear.scaffold(edition, 2020)
    newyear.scaffold(edition, 2021)
    with pytest.raises(newyear.AlreadyThere):
        newyear.scaffold(edition, 2021)


def test_command_prints_the_checklist(edition: Layout, capsys: pytest.CaptureFixture[str]) -> None:
    code = newyear.main(argparse.Namespace(year=2022, out=None), edition)
    printed = capsys.readouterr().out
    assert code == 0
    assert "2022 年数据更新清单" in printed
    assert "sample-share：示例比例（%）" in printed
    assert (edition.root / "updates" / "2022" / "清单.md").is_file()
    assert newyear.main(argparse.Namespace(year=1999, out=None), edition) == 2


def test_page_drafts_keep_the_structure_and_leave_the_prose_to_staff(edition: Layout) -> None:
    docs = edition.docs / "2020"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(
        "---\ntitle: 2020年示例\nheadline: [sample-firms]\n---\n# 2020年示例\n\n"
        "这一年示例企业达到[[fig:sample-firms]]，比上一年多[[fig:sample-firms@2019]]。\n"
        "第二行正文。\n\n[[cards:2020]]\n\n## 小结\n\n- [详情](detail.md)：说明\n",
        encoding="utf-8")
    (docs / "detail.md").write_text("# 详情\n\n正文。\n\n[[chart:sample-chart]]\n",
                                    encoding="utf-8")
    result = newyear.scaffold(edition, 2021)
    assert result.previous_edition == 2020
    draft = (edition.docs / "2021" / "index.md").read_text(encoding="utf-8")
    front, body = draft.split("\n---\n", 1)
    assert front.startswith("---\ntitle: 2021年示例\nstatus: draft") and "headline: [sample-firms]" in front
    assert body.startswith("# 2021年示例\n")
    assert "示例企业达到" not in draft and "第二行正文" not in draft
    assert ("（待写：用自己的话写这一段；原来用到的占位符："
            "[[fig:sample-firms]]、[[fig:sample-firms@2020]]）") in draft
    assert "\n[[cards:2021]]\n" in draft
    assert "- [详情](detail.md)：说明" in draft
    detail = (edition.docs / "2021" / "detail.md").read_text(encoding="utf-8")
    assert detail == "# 详情\n\n（待写：用自己的话写这一段）\n\n[[chart:sample-chart]]\n"
    checklist = result.checklist.read_text(encoding="utf-8")
    assert "docs/2021/" in checklist and "不需要修改 mkdocs.yml" in checklist
    assert "mkdocs.yml 的 nav 中加入" not in checklist


def test_the_draft_edition_says_what_to_write_on_lines_with_daixie(edition: Layout) -> None:
    docs = edition.docs / "2020"
    docs.mkdir(parents=True)
    (docs / "index.md").write_text(
        "---\ntitle: 2020年示例\nstatus: published\npublished: 2021-03-01\nnext: 2022-03\n"
        "sources:\n  - kjj-2020\nheadline: [sample-firms]\n---\n# 2020年示例\n\n正文。\n",
        encoding="utf-8")
    newyear.scaffold(edition, 2021)
    front = (edition.docs / "2021" / "index.md").read_text(encoding="utf-8").split("\n---\n")[0]
    meta = yaml.safe_load(front[4:])
    assert meta["status"] == "draft" and meta["headline"] == ["sample-firms"]
    assert meta["published"] is None and "sources" not in meta and "kjj-2020" not in front
    lines = front.split("\n")
    assert "待写" in next(x for x in lines if x.startswith("published:"))
    sources = next(x for x in lines if x.startswith("# sources:"))
    assert "待写" in sources and "datasets/sources.csv" in sources
    # a second run leaves the draft alone
    with pytest.raises(newyear.AlreadyThere):
        newyear.scaffold(edition, 2021, edition.root / "elsewhere")
