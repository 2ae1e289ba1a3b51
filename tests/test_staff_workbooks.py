"""The yearly update as staff do it in Excel: workbooks they can fill, sheets as Excel saves them.

Every workbook here is a real XLSX file made with openpyxl the way Excel saves
it: percent and thousands-separator number formats, hidden sheets, formulas
without cached values, blank rows.
"""

from __future__ import annotations

import io
import shutil
import subprocess
from pathlib import Path

import openpyxl
import pytest

from pipeline import csvtext, datasets, formats, importer, newyear, revision_log, revisions
from pipeline.checks.cells import mojibake
from pipeline.paths import REPO, Layout
from pipeline.validate import run

FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def edition(tmp_path: Path) -> Layout:
    root = tmp_path / "edition"
    shutil.copytree(FIXTURES / "edition", root)
    shutil.copytree(REPO.schemas, root / "schemas")
    shutil.copy(REPO.meta("revisions"), root / "datasets" / "revisions.meta.yml")
    return Layout(root)


def run_import(layout: Layout, path: Path, name: str = "indicators",
               **options: object) -> tuple[int, str]:
    out = io.StringIO()
    code = importer.import_file(layout, path, name, out=out, **options)  # type: ignore[arg-type]
    return code, out.getvalue()


def excel_sheet(layout: Layout, path: Path, name: str = "indicators", *,
                extra: list[dict[str, object]] | None = None,
                change: dict[tuple[str, str], object] | None = None,
                blank_after: int | None = None) -> openpyxl.Workbook:
    """The dataset as a staff member's workbook with code headers: numbers as numbers,
    optional extra rows, cells changed by (indicator_id, field), a blank row inserted."""
    rows = importer.read_current(layout.csv(name))
    names = list(rows[0].keys())
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "数据"
    ws.append(names)
    for i, row in enumerate([*rows, *(extra or [])]):
        cells: list[object] = []
        for n in names:
            value = row.get(n, "")
            if change and (row.get("indicator_id"), n) in change:
                value = change[(row.get("indicator_id"), n)]
            if isinstance(value, str) and value and n in ("value", "year", "value_max"):
                value = float(value) if "." in value else int(value)
            cells.append(value if value != "" else None)
        ws.append(cells)
        if blank_after is not None and i == blank_after:
            ws.append([None] * len(names))
    book.save(path)
    return book


def _cell(ws: openpyxl.worksheet.worksheet.Worksheet, indicator: str, field: str) -> object:
    header = [c.value for c in ws[1]]
    for row in ws.iter_rows(min_row=2):
        if row[header.index("indicator_id")].value == indicator:
            return row[header.index(field)]
    raise KeyError(indicator)


# --------------------------------------------------------------------------- 1. workbooks


def test_new_year_workbook_can_be_filled_without_the_guide(edition: Layout) -> None:
    result = newyear.scaffold(edition, 2021)
    path = result.folder / "indicators.xlsx"
    book = openpyxl.load_workbook(path)
    assert book.sheetnames[0] == "数据" and "说明" in book.sheetnames and "选项" in book.sheetnames
    ws = book["数据"]
    header = [c.value for c in ws[1] if c.value]
    assert header[:2] == ["指标代码", "年份"]
    assert "数值（见“单位”列）" in header
    # field descriptions as comments, each starting with the field's code
    comments = [c.comment.text for c in ws[1] if c.value]
    assert comments[5].startswith("字段 value\n") and "只填数字" in comments[5]
    # dropdowns on the enum, boolean and foreign-key columns
    letters = {c.value: c.column_letter for c in ws[1] if c.value}
    validated = {str(dv.sqref).split(":")[0].rstrip("0123456789"): dv.formula1
                 for dv in ws.data_validations.dataValidation}
    for title in ("限定词", "是否推算", "工作领域"):
        assert letters[title] in validated, title
    options = book["选项"]
    columns = {options.cell(1, c).value: [options.cell(r, c).value for r in range(2, 6)]
               for c in range(1, options.max_column + 1, 2)}
    assert columns["限定词（qualifier）"][:3] == ["多", "以上", "不少于"]
    assert "overall" in columns["工作领域（area_id）"]
    # earlier years' rows locked, the new year's rows open, protection without password
    assert ws.protection.sheet and not ws.protection.password
    years = {row[1].value: row for row in ws.iter_rows(min_row=2) if row[1].value}
    assert all(c.protection.locked for c in years[2020])
    assert not any(c.protection.locked for c in years[2021])
    assert not ws.row_dimensions[ws.max_row + 1].protection.locked  # room for new rows
    assert ws.row_dimensions[2].protection.locked is not False
    # 说明: the steps and the colour legend
    about = " ".join(str(v) for row in book["说明"].iter_rows(values_only=True) for v in row if v)
    assert "填写步骤" in about and "颜色说明" in about and "--dry-run" in about
    assert "深黄色" in about and "灰色" in about and "撤销工作表保护" in about


def test_download_workbook_has_the_same_layout_and_is_reproducible(edition: Layout) -> None:
    info = next(i for i in datasets.read_all(edition) if i.name == "indicators")
    first, second = formats.xlsx(info), formats.xlsx(info)
    assert first == second
    book = openpyxl.load_workbook(io.BytesIO(first))
    ws = book["数据"]
    assert [c.value for c in ws[1]][:2] == ["指标代码", "年份"]
    assert ws[1][0].comment.text.startswith("字段 indicator_id")
    assert ws.data_validations.dataValidation
    assert not ws.protection.sheet  # readers' downloads are not locked
    about = " ".join(str(v) for row in book["说明"].iter_rows(values_only=True) for v in row if v)
    assert "颜色说明" in about


@pytest.mark.parametrize("headers", ["chinese", "codes"])
def test_importer_accepts_chinese_or_code_headers(edition: Layout, tmp_path: Path,
                                                  headers: str) -> None:
    info = next(i for i in datasets.read_all(edition) if i.name == "indicators")
    path = tmp_path / "indicators.xlsx"
    path.write_bytes(formats.xlsx(info))
    if headers == "codes":
        book = openpyxl.load_workbook(path)
        for cell, fld in zip(book["数据"][1], info.fields, strict=True):
            cell.value = fld["name"]
        book.save(path)
    before = edition.csv("indicators").read_bytes()
    code, out = run_import(edition, path)
    assert code == 0, out
    assert "文件未改动" in out
    assert edition.csv("indicators").read_bytes() == before


# --------------------------------------------------------------------------- 3. no silent values


def test_percent_cell_is_read_as_the_percentage_it_shows(edition: Layout, tmp_path: Path) -> None:
    path = tmp_path / "indicators.xlsx"
    book = excel_sheet(edition, path, change={("sample-share", "value"): 0.0152})
    _cell(book.active, "sample-share", "value").number_format = "0.00%"
    book.save(path)
    code, out = run_import(edition, path, reason="据统计公报更正")
    assert code == 0, out
    assert "百分比格式" in out
    assert "sample-share,2020,alpha,示例比例,Sample share,1.52," in edition.csv(
        "indicators").read_text(encoding="utf-8")


def test_percent_cell_where_the_unit_is_not_percent_is_refused(edition: Layout,
                                                               tmp_path: Path) -> None:
    path = tmp_path / "indicators.xlsx"
    book = excel_sheet(edition, path, change={("sample-spending", "value"): 0.125})
    _cell(book.active, "sample-spending", "value").number_format = "0%"
    book.save(path)
    before = edition.csv("indicators").read_bytes()
    code, out = run_import(edition, path, reason="x")
    assert code == 1
    assert "indicators.xlsx 工作表“数据” 第 2 行 F 列" in out and "百分比格式" in out
    assert "12.5%" in out
    assert edition.csv("indicators").read_bytes() == before


def test_thousands_separator_format_is_a_plain_number(edition: Layout, tmp_path: Path) -> None:
    path = tmp_path / "indicators.xlsx"
    extra = [{"indicator_id": "sample-firms", "year": "2021", "area_id": "alpha",
              "name_zh": "示例企业", "name_en": "Sample firms", "value": "1234", "unit": "家",
              "unit_en": "enterprises", "derived": "false", "source_id": "sample-2020",
              "source_section": "示例章节"}]
    book = excel_sheet(edition, path, extra=extra)
    ws = book.active
    ws.cell(ws.max_row, 6).number_format = "#,##0"
    ws.cell(ws.max_row, 6).value = 1234
    book.save(path)
    code, out = run_import(edition, path, confirm=True)
    assert code == 0, out
    assert "sample-firms,2021,alpha,示例企业,Sample firms,1234," in edition.csv(
        "indicators").read_text(encoding="utf-8")


def test_a_tenfold_jump_is_a_warning_that_needs_confirm(edition: Layout, tmp_path: Path) -> None:
    path = tmp_path / "indicators.xlsx"
    extra = [{"indicator_id": "sample-spending", "year": "2021", "area_id": "overall",
              "name_zh": "示例投入", "name_en": "Sample spending", "value": "125.3",
              "unit": "亿元", "unit_en": "100 million yuan", "derived": "false",
              "source_id": "sample-2020", "source_section": "示例章节"}]
    excel_sheet(edition, path, extra=extra)
    before = edition.csv("indicators").read_bytes()
    code, out = run_import(edition, path)
    assert code == 1
    assert "sample-spending / 2021：value 12.5（2020 年）→ 125.3" in out
    assert "第 5 行 F 列" in out and "--confirm" in out
    assert edition.csv("indicators").read_bytes() == before
    code, out = run_import(edition, path, confirm=True)
    assert code == 0, out
    assert ",2021,overall,示例投入,Sample spending,125.3," in edition.csv(
        "indicators").read_text(encoding="utf-8")


def test_a_stale_workbook_cannot_delete_published_rows(edition: Layout, tmp_path: Path) -> None:
    path = tmp_path / "indicators.xlsx"
    book = excel_sheet(edition, path)
    book.active.delete_rows(3)  # sample-firms is gone, as in a download from before it existed
    book.save(path)
    before = edition.csv("indicators").read_bytes()
    code, out = run_import(edition, path)
    assert code == 1
    assert "删除 1 行已发布的数据" in out and "- sample-firms / 2020（示例企业）" in out
    assert "--allow-delete" in out
    assert edition.csv("indicators").read_bytes() == before
    code, out = run_import(edition, path, allow_delete=True)
    assert code == 0, out
    assert "sample-firms" not in edition.csv("indicators").read_text(encoding="utf-8")


def test_hidden_sheets_are_never_imported_silently(edition: Layout, tmp_path: Path) -> None:
    path = tmp_path / "indicators.xlsx"
    book = excel_sheet(edition, path)
    book.create_sheet("旧数据").sheet_state = "hidden"
    book.save(path)
    book.active.row_dimensions[3].hidden = True
    book.active.column_dimensions["N"].hidden = True
    book.save(path)
    code, out = run_import(edition, path)
    assert code == 0, out
    assert "隐藏的工作表（旧数据）" in out
    assert "第 3 行在 Excel 中是隐藏的" in out and "N 列在 Excel 中是隐藏的" in out
    book.active.sheet_state = "hidden"
    book.active = 1
    book["旧数据"].sheet_state = "visible"
    book.save(path)
    code, out = run_import(edition, path)
    assert code == 1
    assert "“数据”在 Excel 中是隐藏的" in out and "[import-sheet-hidden]" in out


def test_a_formula_without_a_cached_value_names_the_cell(edition: Layout, tmp_path: Path) -> None:
    path = tmp_path / "indicators.xlsx"
    book = excel_sheet(edition, path)
    _cell(book.active, "sample-firms", "value").value = "=100+20"  # saved uncomputed
    book.save(path)
    before = edition.csv("indicators").read_bytes()
    code, out = run_import(edition, path)
    assert code == 1
    assert "F3（=100+20）" in out and "F9" in out
    assert edition.csv("indicators").read_bytes() == before


def test_mojibake_fails_validation_and_import_and_says_how_it_happened(
        edition: Layout, tmp_path: Path) -> None:
    garbled = "示例章节".encode().decode("gbk", errors="replace")
    assert mojibake(garbled) is not None
    for text in ("示例章节", "全社会研发投入", "多", "一、2020年工作情况 / 总述"):
        assert mojibake(text) is None
    path = edition.csv("indicators")
    path.write_text(path.read_text(encoding="utf-8").replace("示例章节", garbled, 1),
                    encoding="utf-8")
    report = run(edition)
    codes = {i.code for i in report.issues}
    assert "mojibake" in codes and not report.valid
    text = report.formatted("text")
    assert "示例章节" in text and "GBK" in text and "Excel" in text
    sheet = tmp_path / "indicators.csv"
    shutil.copy(path, sheet)
    code, out = run_import(edition, sheet)
    assert code == 1 and "[mojibake]" in out


def test_canonical_csv_saved_as_gbk_imports_without_a_traceback(edition: Layout) -> None:
    path = edition.csv("indicators")
    canonical = path.read_bytes()
    path.write_bytes(canonical.decode("utf-8").replace("\n", "\r\n").encode("gbk"))
    code, out = run_import(edition, path)  # what the validator's advice says to run
    assert code == 0, out
    assert path.read_bytes() == canonical


@pytest.mark.slow
@pytest.mark.parametrize("data", [
    "名称,值\n".encode("utf-16"), b"\xff\xfe\x00", "名稱\n".encode("big5") + b"\x80\xff",
    b"\x00\x01\x02", "顶层设计\n".encode("utf-8-sig"),
])
def test_no_command_shows_a_traceback_for_any_encoding(edition: Layout, tmp_path: Path,
                                                      data: bytes) -> None:
    path = tmp_path / "sheet.csv"
    path.write_bytes(data)
    code, out = run_import(edition, path)
    assert code in (0, 1)
    assert "Traceback" not in out
    edition.csv("indicators").write_bytes(data)
    report = run(edition)
    assert not report.valid
    import os
    import sys

    env = {**os.environ, "PYTHONPATH": str(REPO.root), "KJJ_ROOT": str(edition.root)}
    _git(edition.root, "init", "-q", "-b", "main")
    for command in (["validate"], ["revisions"], ["import", str(path), "--dataset", "indicators"],
                    ["new-year", "2021"]):
        done = subprocess.run([sys.executable, "-m", "pipeline", *command], cwd=edition.root,
                              capture_output=True, env=env, check=False, timeout=300)
        stderr = done.stderr.decode("utf-8", "replace")
        assert done.returncode in (0, 1), (command, stderr)
        assert "Traceback" not in stderr, (command, stderr)
        assert "No module named" not in stderr


def test_one_csv_writer_keeps_a_lone_cr_inside_its_cell(edition: Layout) -> None:
    text = importer.to_csv(["a", "b"], [["one\rtwo", "x"], ["3", "y"]])
    assert text == 'a,b\n"one\rtwo",x\n3,y\n'
    assert csvtext.records(text) == [{"a": "one\rtwo", "b": "x"}, {"a": "3", "b": "y"}]
    import pipeline

    sources = "".join(p.read_text(encoding="utf-8") for p in Path(pipeline.__file__).parent.rglob(
        "*.py"))
    assert "csv.writer(" not in sources and "csv.DictWriter(" not in sources


# --------------------------------------------------------------------------- 2. error locations


def test_errors_point_at_the_excel_row_column_letter_and_header(edition: Layout,
                                                                tmp_path: Path) -> None:
    path = tmp_path / "我的表格.xlsx"
    book = excel_sheet(edition, path, blank_after=0, change={("sample-share", "unit"): "%"})
    ws = book.active
    ws.insert_rows(2)  # another blank row between the header and the data, as staff leave them
    _cell(ws, "sample-share", "value").value = "三成"
    book.save(path)
    code, out = run_import(edition, path)
    assert code == 1
    # header row 1, blank row 2, data rows 3 and 5 with a blank row 4 between them: row 6
    assert "我的表格.xlsx 工作表“数据” 第 6 行 F 列（数值 value）" in out, out
    assert "写入后为 datasets/indicators.csv 第 4 行" in out


def test_csv_errors_point_at_the_csv_line(edition: Layout, tmp_path: Path) -> None:
    text = edition.csv("indicators").read_text(encoding="utf-8")
    text = text.replace("Sample spending,12.5,", "Sample spending,十二,")
    text = text.replace("示例章节,\n", '示例章节,"两行\n的备注"\n', 1)
    lines = text.split("\n")
    lines.insert(1, "")
    path = tmp_path / "sheet.csv"
    path.write_text("\n".join(lines), encoding="utf-8")
    code, out = run_import(edition, path)
    assert code == 1
    assert "sheet.csv 第 3 行 F 列（数值 value）" in out, out


# --------------------------------------------------------------------------- 4. revisions


def _git(root: Path, *args: str) -> str:
    return subprocess.run(["git", "-C", str(root), "-c", "user.name=t", "-c",
                           "user.email=t@example.org", *args], check=True, capture_output=True,
                          text=True).stdout


@pytest.fixture
def deployed(edition: Layout) -> Layout:
    """The edition as a repository whose main branch is what was deployed; work on a branch."""
    _git(edition.root, "init", "-q", "-b", "main")
    _git(edition.root, "add", ".")
    _git(edition.root, "commit", "-q", "-m", "deployed")
    _git(edition.root, "checkout", "-q", "-b", "update")
    return edition


@pytest.mark.slow
def test_a_never_deployed_figure_is_fixed_without_a_reason(deployed: Layout, tmp_path: Path,
                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(deployed.root)
    path = tmp_path / "indicators.xlsx"
    extra = [{"indicator_id": "sample-spending", "year": "2021", "area_id": "overall",
              "name_zh": "示例投入", "name_en": "Sample spending", "value": "13.1",
              "unit": "亿元", "unit_en": "100 million yuan", "derived": "false",
              "source_id": "sample-2020", "source_section": "示例章节"}]
    excel_sheet(deployed, path, extra=extra)
    code, out = run_import(deployed, path)
    assert code == 0, out
    assert "git add datasets/indicators.csv" in out
    _git(deployed.root, "commit", "-qam", "2021")
    # a typo in the 2021 figure, committed on the branch but never deployed
    book = excel_sheet(deployed, path)
    book.active.cell(book.active.max_row, 6).value = 13.7
    book.save(path)
    code, out = run_import(deployed, path)
    assert code == 0, out
    assert not deployed.csv("revisions").exists()
    # a deployed figure still needs a reason, and a reason with markup is refused
    book = excel_sheet(deployed, path)
    book.active.cell(2, 6).value = 12.9
    book.save(path)
    code, out = run_import(deployed, path)
    assert code == 1 and "--reason" in out
    code, out = run_import(deployed, path, reason="<b>更正</b>")
    assert code == 1 and "[import-reason-unsafe]" in out
    assert not deployed.csv("revisions").exists()
    code, out = run_import(deployed, path, reason="据统计公报更正")
    assert code == 0, out
    [logged] = revision_log.read(deployed)
    assert (logged.key, logged.old_value, logged.new_value) == ("sample-spending/2020", "12.5",
                                                                 "12.9")
    assert "git add datasets/indicators.csv datasets/revisions.csv datapackage.json" in out or \
        "git add datasets/indicators.csv datasets/revisions.csv" in out
    # changed again before it was deployed: the log says what readers will see, 12.5 -> 13
    _git(deployed.root, "add", "-A")
    _git(deployed.root, "commit", "-qm", "revised")
    book.active.cell(2, 6).value = 13
    book.save(path)
    code, out = run_import(deployed, path, reason="再次核实")
    assert code == 0, out
    assert [(r.old_value, r.new_value, r.reason) for r in revision_log.read(deployed)] == [
        ("12.5", "13", "再次核实")]
    # and back to the published figure: no revision is left, the log goes (nothing deployed)
    book.active.cell(2, 6).value = 12.5
    book.save(path)
    code, out = run_import(deployed, path)
    assert code == 0, out
    assert not deployed.csv("revisions").exists()
    assert run(deployed).valid


def test_the_pre_commit_check_reads_what_is_staged(deployed: Layout,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    import argparse

    def check(**kw: object) -> int:
        args = {"base": None, "record": False, "reason": None, "reason_from_commit": False,
                "lang": "zh", "staged": True, "format": "text", **kw}
        return revisions.main(argparse.Namespace(**args), deployed)

    path = deployed.csv("indicators")
    path.write_text(path.read_text(encoding="utf-8").replace(",12.5,", ",12.8,"),
                    encoding="utf-8")
    assert revisions.main(argparse.Namespace(base=None, record=True, reason="更正", staged=False,
                                             reason_from_commit=False, lang="zh",
                                             format="text"), deployed) == 0
    _git(deployed.root, "add", "datasets/indicators.csv")  # the log is left out, as people do
    assert check() == 1
    out = capsys.readouterr().out
    assert "git add datasets/revisions.csv" in out
    _git(deployed.root, "add", "datasets/revisions.csv")
    assert check() == 0


def test_record_refuses_a_reason_with_markup_or_a_formula(deployed: Layout) -> None:
    import argparse

    path = deployed.csv("indicators")
    path.write_text(path.read_text(encoding="utf-8").replace(",12.5,", ",12.8,"),
                    encoding="utf-8")
    for reason in ("<script>x</script>", "{{ x }}", "=HYPERLINK(1)", "[[fig:x]]"):
        args = argparse.Namespace(base=None, record=True, reason=reason, staged=False,
                                  reason_from_commit=False, lang="zh", format="text")
        assert revisions.main(args, deployed) == 2, reason
        assert not deployed.csv("revisions").exists()


def test_record_refuses_to_log_an_invalid_value(deployed: Layout) -> None:
    import argparse

    path = deployed.csv("indicators")
    path.write_text(path.read_text(encoding="utf-8").replace(",12.5,", ",12.8万,"),
                    encoding="utf-8")
    args = argparse.Namespace(base=None, record=True, reason="更正", staged=False,
                              reason_from_commit=False, lang="zh", format="text")
    assert revisions.main(args, deployed) == 1
    assert not deployed.csv("revisions").exists()


def test_the_revisions_log_is_validated_before_anything_is_written(edition: Layout,
                                                                   tmp_path: Path) -> None:
    """A reason the log's schema would not accept (over its 300 characters) writes neither file.
    (A reason with an invisible character is refused before anything is read: see
    test_importer.py.)"""
    path = tmp_path / "indicators.xlsx"
    excel_sheet(edition, path, change={("sample-spending", "value"): 12.9})
    before = edition.csv("indicators").read_bytes()
    code, out = run_import(edition, path, reason="据统计公报更正" * 50)
    assert code == 1
    assert "revisions.csv" in out and "max-length" in out and "没有写入任何文件" in out
    assert edition.csv("indicators").read_bytes() == before
    assert not edition.csv("revisions").exists()
