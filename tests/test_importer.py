"""The import command: staff sheets in, canonical CSV out, nothing written unless valid."""

from __future__ import annotations

import io
import shutil
from pathlib import Path

import openpyxl
import pytest

from pipeline import changes, datasets, formats, importer, messages
from pipeline.load import discover
from pipeline.paths import REPO, Layout

FIXTURES = Path(__file__).parent / "fixtures"
REAL_DATASETS = [d.name for d in discover(REPO)]


@pytest.fixture
def edition(tmp_path: Path) -> Layout:
    """The synthetic edition project (real dataset names and schemas, made-up figures)."""
    root = tmp_path / "edition"
    shutil.copytree(FIXTURES / "edition", root)
    shutil.copytree(REPO.schemas, root / "schemas")
    shutil.copy(REPO.meta("revisions"), root / "datasets" / "revisions.meta.yml")
    return Layout(root)


def run_import(layout: Layout, path: Path, name: str, **options: object) -> tuple[int, str]:
    out = io.StringIO()
    code = importer.import_file(layout, path, name, out=out, **options)  # type: ignore[arg-type]
    return code, out.getvalue()


# --------------------------------------------------------------------------- round trips


@pytest.mark.parametrize("name", REAL_DATASETS)
def test_gbk_crlf_csv_of_each_dataset_comes_back_identical(repo_copy: Layout, tmp_path: Path,
                                                           name: str) -> None:
    canonical = repo_copy.csv(name).read_bytes()
    sheet = tmp_path / f"{name}.csv"
    sheet.write_bytes(canonical.decode("utf-8").replace("\n", "\r\n").encode("gb18030"))
    code, out = run_import(repo_copy, sheet, name)
    assert code == 0, out
    assert "GBK/GB18030" in out
    assert "文件未改动" in out
    assert repo_copy.csv(name).read_bytes() == canonical


@pytest.mark.slow
@pytest.mark.parametrize("name", REAL_DATASETS)
def test_published_xlsx_of_each_dataset_comes_back_identical(repo_copy: Layout, tmp_path: Path,
                                                             name: str) -> None:
    """Download the site's XLSX, open it in Excel, import it: the data is unchanged."""
    info = next(i for i in datasets.read_all(repo_copy) if i.name == name)
    sheet = tmp_path / f"{name}.xlsx"
    sheet.write_bytes(formats.xlsx(info))
    canonical = repo_copy.csv(name).read_bytes()
    code, out = run_import(repo_copy, sheet, name)
    assert code == 0, out
    assert repo_copy.csv(name).read_bytes() == canonical


def _excel_like_workbook(layout: Layout, name: str, path: Path) -> None:
    """The CSV as Excel would hold it: numbers as floats with noise, booleans as TRUE/FALSE,
    columns reversed, an empty row left at the bottom."""
    rows = importer.read_current(layout.csv(name))
    schema = next(d for d in discover(layout) if d.name == name).schema()
    types = {f["name"]: f.get("type") for f in schema["fields"]}
    names = [f["name"] for f in schema["fields"]][::-1]
    book = openpyxl.Workbook()
    ws = book.active
    ws.title = "Sheet1"
    ws.append(names)
    for row in rows:
        cells: list[object] = []
        for n in names:
            text = row[n]
            if not text:
                cells.append(None)
            elif types[n] in ("number", "integer"):
                cells.append(float(text))
            elif types[n] == "boolean":
                cells.append(text == "true")
            else:
                cells.append(text)
        ws.append(cells)
    ws.append([None] * len(names))
    book.save(path)
    _add_float_noise(path)


def _add_float_noise(path: Path) -> None:
    """Store every fraction as the next double up, written with 17 digits as Excel does
    (0.3 -> 0.30000000000000004): what arithmetic in a sheet leaves behind."""
    import math
    import re
    import zipfile

    def noisy(match: re.Match[str]) -> str:
        value = float(match.group(1))
        return f"<v>{math.nextafter(value, math.inf)!r}</v>" if value % 1 else match.group(0)

    with zipfile.ZipFile(path) as zin:
        items = [(info, zin.read(info)) for info in zin.infolist()]
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as zout:
        for info, data in items:
            if info.filename.startswith("xl/worksheets/"):
                data = re.sub(r"<v>(-?[0-9]+\.[0-9]+)</v>", noisy, data.decode()).encode()
            zout.writestr(info, data)


def test_excel_float_noise_and_column_order_are_normalised(edition: Layout,
                                                           tmp_path: Path) -> None:
    canonical = edition.csv("indicators").read_bytes()
    sheet = tmp_path / "indicators.xlsx"
    _excel_like_workbook(edition, "indicators", sheet)
    code, out = run_import(edition, sheet, "indicators")
    assert code == 0, out
    assert "列的顺序已按数据字典调整" in out
    assert edition.csv("indicators").read_bytes() == canonical


@pytest.mark.parametrize("name", REAL_DATASETS)
def test_excel_like_xlsx_of_each_dataset_comes_back_identical(repo_copy: Layout,
                                                              tmp_path: Path, name: str) -> None:
    canonical = repo_copy.csv(name).read_bytes()
    sheet = tmp_path / f"{name}.xlsx"
    _excel_like_workbook(repo_copy, name, sheet)
    code, out = run_import(repo_copy, sheet, name)
    assert code == 0, out
    assert repo_copy.csv(name).read_bytes() == canonical


@pytest.mark.parametrize("encode", [
    pytest.param(lambda t: b"\xef\xbb\xbf" + t.encode("utf-8"), id="utf-8-bom"),
    pytest.param(lambda t: t.encode("utf-8"), id="utf-8"),
    pytest.param(lambda t: t.replace("\n", "\r").encode("utf-8"), id="cr-only"),
    pytest.param(lambda t: t.replace("\n", "\r\n").encode("gbk"), id="gbk-crlf"),
])
def test_csv_variants_come_back_identical(edition: Layout, tmp_path: Path, encode) -> None:
    canonical = edition.csv("indicators").read_bytes()
    sheet = tmp_path / "sheet.csv"
    sheet.write_bytes(encode(canonical.decode("utf-8")))
    code, out = run_import(edition, sheet, "indicators")
    assert code == 0, out
    assert edition.csv("indicators").read_bytes() == canonical


def test_titles_as_header_are_accepted(edition: Layout, tmp_path: Path) -> None:
    text = edition.csv("work-areas").read_text(encoding="utf-8")
    sheet = tmp_path / "areas.csv"
    sheet.write_text(text.replace("area_id,order,name_zh,name_en",
                                  "领域代码,排序,领域名称,领域名称（英文）"), encoding="utf-8")
    code, out = run_import(edition, sheet, "work-areas")
    assert code == 0, out
    assert "已把中文列标题换成字段名" in out
    assert edition.csv("work-areas").read_text(encoding="utf-8") == text


# --------------------------------------------------------------------------- writing


def test_a_valid_change_is_written_canonically(edition: Layout, tmp_path: Path) -> None:
    text = edition.csv("work-areas").read_text(encoding="utf-8")
    sheet = tmp_path / "areas.csv"
    sheet.write_bytes((text + "beta,2,第二领域,Second area\n").replace("\n", "\r\n")
                      .encode("gbk"))
    code, out = run_import(edition, sheet, "work-areas")
    assert code == 0, out
    assert "新增 1 行，修改 0 行，删除 0 行" in out
    assert "+ beta" in out
    written = edition.csv("work-areas").read_bytes()
    assert written == (text + "beta,2,第二领域,Second area\n").encode("utf-8")


def test_dry_run_shows_the_change_and_writes_nothing(edition: Layout, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in edition.datasets.iterdir()}
    text = edition.csv("indicators").read_text(encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text.replace("Sample firms,120,", "Sample firms,130,"), encoding="utf-8")
    code, out = run_import(edition, sheet, "indicators", dry_run=True)
    assert code == 0, out
    assert "~ sample-firms / 2020：value 120 → 130" in out
    assert "试运行" in out
    assert "正式写入时要用 --reason" in out
    assert {p.name: p.read_bytes() for p in edition.datasets.iterdir()} == before


def test_invalid_import_writes_nothing(edition: Layout, tmp_path: Path) -> None:
    before = {p.name: p.read_bytes() for p in edition.datasets.iterdir()}
    text = edition.csv("indicators").read_text(encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text.replace("Sample firms,120,", "Sample firms,120家,"), encoding="utf-8")
    code, out = run_import(edition, sheet, "indicators", reason="测试")
    assert code == 1
    assert "第 3 行" in out and "value" in out
    assert "没有写入任何文件" in out
    assert {p.name: p.read_bytes() for p in edition.datasets.iterdir()} == before


def test_changing_a_published_figure_needs_a_reason(edition: Layout, tmp_path: Path) -> None:
    before = edition.csv("indicators").read_bytes()
    text = before.decode("utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text.replace("Sample firms,120,", "Sample firms,130,"), encoding="utf-8")
    code, out = run_import(edition, sheet, "indicators")
    assert code == 1
    assert "import-reason-required" in out
    assert edition.csv("indicators").read_bytes() == before
    code, out = run_import(edition, sheet, "indicators", reason="统计部门公布了核实数")
    assert code == 0, out
    assert b"Sample firms,130," in edition.csv("indicators").read_bytes()
    assert edition.csv("revisions").read_text(encoding="utf-8").splitlines()[1].startswith(
        "indicators,sample-firms/2020,value,120,130,")


@pytest.mark.parametrize(("content", "code"), [
    ("indicator_id;year;area_id\n", "import-delimiter"),
    ("indicator_id,year\nsample,2020\n", "import-header-missing"),
    ("", "import-empty"),
])
def test_sheets_that_cannot_be_read_are_refused(edition: Layout, tmp_path: Path,
                                                content: str, code: str) -> None:
    before = edition.csv("indicators").read_bytes()
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(content, encoding="utf-8")
    status, out = run_import(edition, sheet, "indicators")
    assert status == 1
    assert f"[{code}]" in out
    assert "怎么改" in out
    assert edition.csv("indicators").read_bytes() == before


def test_unknown_and_duplicate_columns_are_refused(edition: Layout, tmp_path: Path) -> None:
    text = edition.csv("work-areas").read_text(encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text.replace("name_en", "name_en,extra", 1), encoding="utf-8")
    assert "[import-header-unknown]" in run_import(edition, sheet, "work-areas")[1]
    sheet.write_text(text.replace("order", "area_id", 1), encoding="utf-8")
    assert "[import-header-duplicate]" in run_import(edition, sheet, "work-areas")[1]


def test_ragged_csv_row_is_refused(edition: Layout, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("area_id,order,name_zh,name_en\noverall,0,总体情况\n", encoding="utf-8")
    status, out = run_import(edition, sheet, "work-areas")
    assert status == 1
    assert "[import-ragged-row]" in out and "第 2 行" in out


def test_unknown_dataset_is_a_usage_error(edition: Layout, tmp_path: Path) -> None:
    sheet = tmp_path / "sheet.csv"
    sheet.write_text("a\n1\n", encoding="utf-8")
    assert run_import(edition, sheet, "no-such-dataset")[0] == 2


def test_wrong_file_type_and_missing_file(edition: Layout, tmp_path: Path) -> None:
    doc = tmp_path / "sheet.xls"
    doc.write_bytes(b"\xd0\xcf\x11\xe0")
    assert "[import-format]" in run_import(edition, doc, "indicators")[1]
    assert "[import-file-missing]" in run_import(edition, tmp_path / "nope.csv", "indicators")[1]
    broken = tmp_path / "broken.xlsx"
    broken.write_bytes(b"not a zip")
    assert "[import-xlsx-unreadable]" in run_import(edition, broken, "indicators")[1]


# --------------------------------------------------------------------------- pieces


@pytest.mark.parametrize(("value", "text"), [
    (0.1 + 0.2, "0.3"), (1.0, "1"), (2020.0, "2020"), (49.3, "49.3"), (1.45, "1.45"),
    (110101.0, "110101"), (0.05, "0.05"), (-5, "-5"), (12, "12"), (1e-7, "0.0000001"),
])
def test_numbers_are_written_plainly(value: float, text: str) -> None:
    assert importer.format_number(value) == text


@pytest.mark.parametrize(("data", "encoding"), [
    (b"\xef\xbb\xbfa,b\n", "utf-8-sig"),
    ("名称\n".encode(), "utf-8"),
    ("名称\n".encode("gbk"), "gb18030"),
    (b"plain ascii\n", "utf-8"),
])
def test_encoding_is_decided_by_the_bytes(data: bytes, encoding: str) -> None:
    assert importer.detect_encoding(data) == encoding


def test_bytes_in_no_known_encoding_are_refused() -> None:
    with pytest.raises(importer.ImportProblem) as caught:
        importer.detect_encoding(b"\xff\xfe\xfd\x80\x80")
    assert caught.value.code == "import-encoding"


def test_diff_by_primary_key() -> None:
    schema = {"fields": [{"name": "id"}, {"name": "v", "type": "number"}], "primaryKey": ["id"]}
    old = [{"id": "a", "v": "1"}, {"id": "b", "v": "2"}]
    new = [{"id": "a", "v": "1.5"}, {"id": "c", "v": "3"}]
    d = changes.diff(schema, old, new)
    assert (d.added, d.removed) == ([("c",)], [("b",)])
    assert [(c.key, c.fields) for c in d.changed] == [(("a",), [("v", "1", "1.5")])]
    text = changes.describe(d)
    assert text.splitlines() == ["新增 1 行，修改 1 行，删除 1 行", "  + c",
                                 "  ~ a：v 1 → 1.5", "  - b"]


def test_every_problem_has_a_message_and_a_fix() -> None:
    codes = {c for c in messages.CATALOGUE if c.startswith(messages.IMPORT_PREFIX)}
    for code in codes:
        entry = messages.CATALOGUE[code]
        assert entry.text_zh and entry.text_en and entry.fix_zh and entry.fix_en, code
    source = Path(importer.__file__).read_text(encoding="utf-8")
    import re

    raised = set(re.findall(r'ImportProblem\("([a-z-]+)"', source))
    assert raised == codes


# --------------------------------------------------------------------------- all or nothing, limits


def _figure_change(edition: Layout, tmp_path: Path) -> Path:
    text = edition.csv("indicators").read_text(encoding="utf-8")
    sheet = tmp_path / "sheet.csv"
    sheet.write_text(text.replace("Sample firms,120,", "Sample firms,130,"), encoding="utf-8")
    return sheet


@pytest.mark.parametrize("reason", [
    "<b>核实数</b>", "{{ config }}", "{% include 'x' %}", "=HYPERLINK(\"http://x\")", "+1 修正",
    "见 javascript:alert(1)", "核实\u202e数", "核实\x00数", "第一行\n第二行",
])
def test_a_reason_with_markup_template_or_formula_is_refused_before_anything(
        edition: Layout, tmp_path: Path, reason: str) -> None:
    sheet = _figure_change(edition, tmp_path)
    before = {p.name: p.read_bytes() for p in edition.datasets.iterdir()}
    code, out = run_import(edition, sheet, "indicators", reason=reason)
    assert code == 1, out
    assert "import-reason-unsafe" in out and "没有写入任何文件" in out
    assert {p.name: p.read_bytes() for p in edition.datasets.iterdir()} == before


def test_import_validates_the_revisions_it_would_write_before_writing_anything(
        edition: Layout, tmp_path: Path) -> None:
    """A reason the revisions schema refuses (over 300 characters) stops the whole import:
    neither the data nor the log is written."""
    sheet = _figure_change(edition, tmp_path)
    before = {p.name: p.read_bytes() for p in edition.datasets.iterdir()}
    code, out = run_import(edition, sheet, "indicators", reason="统计部门公布了最终核实数" * 30)
    assert code == 1, out
    assert "revisions.csv" in out and "max-length" in out
    assert {p.name: p.read_bytes() for p in edition.datasets.iterdir()} == before


def test_write_all_puts_back_what_it_wrote_when_a_later_file_fails(tmp_path: Path) -> None:
    first, second = tmp_path / "a.csv", tmp_path / "missing" / "b.csv"
    first.write_bytes(b"old\n")
    with pytest.raises(OSError):
        importer.write_all({first: b"new\n", second: b"x\n"})
    assert first.read_bytes() == b"old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["a.csv"]


def test_a_csv_over_the_size_limit_is_refused_without_reading_it(edition: Layout, tmp_path: Path) -> None:
    """A 200 MB file (sparse: nothing is actually stored) is refused from its size alone."""
    import time
    import tracemalloc

    sheet = tmp_path / "huge.csv"
    with sheet.open("wb") as f:
        f.truncate(200_000_000)
    tracemalloc.start()
    started = time.perf_counter()
    code, out = run_import(edition, sheet, "indicators")
    peak = tracemalloc.get_traced_memory()[1]
    tracemalloc.stop()
    assert code == 1 and "import-too-large" in out
    assert time.perf_counter() - started < 10 and peak < 50_000_000


def test_an_xlsx_that_unpacks_to_too_much_is_refused_before_it_is_opened(edition: Layout,
                                                                        tmp_path: Path) -> None:
    """A zip bomb: a small XLSX whose sheet unpacks to over the limit (1 GB would take the
    same path; 120 MB keeps the test quick)."""
    import time
    import zipfile

    sheet = tmp_path / "bomb.xlsx"
    book = openpyxl.Workbook()
    book.active.append(["indicator_id"])
    book.save(sheet)
    with zipfile.ZipFile(sheet, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        with archive.open("xl/padding.xml", "w", force_zip64=True) as member:
            block = b" " * 1_000_000
            for _ in range(120):
                member.write(block)
    assert sheet.stat().st_size < 1_000_000
    started = time.perf_counter()
    code, out = run_import(edition, sheet, "indicators")
    assert code == 1 and "import-too-large" in out, out
    assert time.perf_counter() - started < 10


def test_a_sheet_wider_or_longer_than_the_limits_is_refused_while_reading(edition: Layout,
                                                                         tmp_path: Path) -> None:
    wide = tmp_path / "wide.csv"
    wide.write_text("a," * 100_000 + "b\n", encoding="utf-8")
    code, out = run_import(edition, wide, "indicators")
    assert code == 1 and "import-too-many" in out and "200" in out
    (edition.datasets / "package.yml").write_text("limits:\n  max_rows: 3\n", encoding="utf-8")
    lines = edition.csv("indicators").read_text(encoding="utf-8").splitlines()
    long = tmp_path / "long.csv"
    long.write_text("\n".join([lines[0]] + [lines[1]] * 10) + "\n", encoding="utf-8")
    code, out = run_import(edition, long, "indicators")
    assert code == 1 and "import-too-many" in out and "3" in out
