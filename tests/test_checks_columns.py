"""The column engine (checks/columns.py) finds what the row engine finds, cell for cell.

Large tables are validated a column at a time; small ones row by row through
frictionless. Every case of the bad-input corpus is validated by both engines
and must give the same issues (code, row, column, value, severity and the
message). Tables of many blocks, with mistakes in several of them, must too.
"""

from __future__ import annotations

import random
import re
from pathlib import Path

import pytest
import yaml

from pipeline.checks import cells, columns
from pipeline.paths import Layout
from pipeline.validate import run

BAD = Path(__file__).parent / "fixtures" / "bad"
# Cases whose structure only the row engine explains (encodings, delimiters, headers, ragged
# or blank rows, no rows): the column engine hands them over, and must say so.
HANDED_OVER = {
    "blank-header.csv", "blank-row.csv", "bom-gbk.csv", "duplicate-header.csv", "empty.csv",
    "extra-cell.csv", "gbk-long.csv", "gbk-short.csv", "header-only-crlf-blank-lines.csv",
    "header-only.csv", "latin1-bytes.csv", "missing-cell.csv", "renamed-header.csv", "semicolon.csv",
    "tab.csv", "utf16.csv",
}


def _findings(layout: Layout, engine: str) -> list[tuple]:
    report = run(layout, engine=engine)
    return [(i.path, i.row, i.column, i.column_number, i.code, i.severity, str(i.value),
             i.text("zh"), i.text("en"), i.fix("en")) for i in report.sorted_issues()]


def _engine_used(layout: Layout, name: str, monkeypatch: pytest.MonkeyPatch) -> str:
    used = []
    read = columns.read

    def spy(path, *args, **kwargs):
        try:
            result = read(path, *args, **kwargs)
        except columns.NotPlain:
            used.append((path.name, "rows"))
            raise
        used.append((path.name, "columns"))
        return result

    monkeypatch.setattr(columns, "read", spy)
    run(layout, engine="columns")
    monkeypatch.setattr(columns, "read", read)
    return dict(used)[f"{name}.csv"]


@pytest.mark.parametrize("fixture", sorted(p.name for p in BAD.glob("*.csv")))
def test_both_engines_find_the_same_in_every_corpus_case(project: Layout, fixture: str, monkeypatch):
    project.csv("figures").write_bytes((BAD / fixture).read_bytes())
    by_rows = _findings(project, "rows")
    by_columns = _findings(project, "columns")
    assert by_columns == by_rows
    expected = "rows" if fixture in HANDED_OVER else "columns"
    assert _engine_used(project, "figures", monkeypatch) == expected


def test_the_real_repository_is_the_same_through_both_engines():
    from pipeline.paths import REPO

    assert _findings(REPO, "columns") == _findings(REPO, "rows") == []


# --- a table of many blocks -------------------------------------------------------------------

HEADER = "indicator_id,year,area_id,name_zh,value,value_max,qualifier,unit,derived,derivation,note\n"
GOOD = "ind-{i:05d},{year},north,示例企业数量 {k},{value},,,家,false,,\n"
MISTAKES = [
    "ind-{i:05d},{year},north,示例企业数量,1.2万,,,家,false,,\n",  # unit in a number
    "ind-{i:05d},{year},west,示例企业数量,5,,,家,false,,\n",  # foreign key
    "ind-{i:05d},20x0,north,示例企业数量,5,,,家,false,,\n",  # type error in a key
    "ind-{i:05d},2200,north,示例企业数量,5,,,家,false,,\n",  # maximum
    "ind-{i:05d},{year},north,=SUM(A1),5,,,家,false,,\n",  # formula
    "ind-{i:05d},{year},north,示例,5,,很多,家,false,,\n",  # enum
    "ind-{i:05d},{year},north,示例,5,,,,false,,\n",  # required
    "IND_{i:05d},{year},north,示例,5,,,家,false,,\n",  # pattern
    "ind-{i:05d},{year},north,示例,-5,,,家,false,,\n",  # negative count (consistency)
    "ind-{i:05d},{year},north,示例,5,3,,家,false,,\n",  # range order (consistency)
    "ind-{i:05d},{year},north,示例,5,,,家,true,,\n",  # derivation missing (consistency)
    "ind-{i:05d},{year},north,示例,5,,,家,maybe,,\n",  # boolean type error
    "ind-{i:05d},{year},north,示例,5,,,家,false,,<b>备注</b>\n",  # markup in free text: a warning
    "ind-{i:05d},{year},north,示例,5,,,家,false,,\t\n",  # tab in free text
    "ind-00000,2000,north,示例企业数量 0,0,,,家,false,,\n",  # duplicate of the first row's key
    "ind-{i:05d},{year},north,其他名称,5,,,家,false,,\n",  # inconsistent definition (names)
]


def _raise_limits(project: Layout) -> None:
    """A project with big tables raises its limits in package.yml."""
    meta = yaml.safe_load(project.package_meta.read_text(encoding="utf-8"))
    meta["limits"] = {**meta.get("limits", {}), "max_file_bytes": 100_000_000}
    project.package_meta.write_text(yaml.safe_dump(meta, allow_unicode=True), encoding="utf-8")


def _big_table(rows: int, seed: int, project: Layout | None = None) -> str:
    if project is not None:
        _raise_limits(project)
    rng = random.Random(seed)
    lines = [HEADER]
    for i in range(rows):
        year = 2000 + i % 20
        template = rng.choice(MISTAKES) if rng.random() < 0.03 else GOOD
        lines.append(template.format(i=i // 20, year=year, k=i // 20, value=i % 97))
    return "".join(lines)


def test_mojibake_is_found_by_both_engines(project: Layout, monkeypatch):
    """UTF-8 misread as GBK is all ideographs: it passes every character-class test, so the
    column engine must look at each such distinct value as the row engine does."""
    text = project.csv("figures").read_text(encoding="utf-8")
    garbled = "示例企业数量".encode().decode("gb18030", errors="replace")
    project.csv("figures").write_text(text.replace("示例企业数量", garbled, 1), encoding="utf-8")
    by_rows = _findings(project, "rows")
    by_columns = _findings(project, "columns")
    assert "mojibake" in {f[4] for f in by_rows}
    assert by_columns == by_rows
    assert _engine_used(project, "figures", monkeypatch) == "columns"


@pytest.mark.slow
@pytest.mark.parametrize("seed", [1, 2])
def test_many_blocks_with_mistakes_in_several(project: Layout, monkeypatch, seed: int):
    project.csv("figures").write_text(_big_table(6000, seed, project), encoding="utf-8")
    monkeypatch.setattr(columns, "BLOCK_BYTES", 20_000)  # a dozen blocks or more
    by_columns = _findings(project, "columns")
    assert _engine_used(project, "figures", monkeypatch) == "columns"
    by_rows = _findings(project, "rows")
    codes = {f[4] for f in by_rows}
    assert {"unit-in-number", "foreign-key", "type-error", "maximum", "formula-like", "enum", "required",
            "pattern", "primary-key", "markup"} <= codes
    assert by_columns == by_rows


@pytest.mark.slow
def test_consistency_findings_of_a_valid_large_table(project: Layout, monkeypatch):
    """Only rows that pass every cell check reach the consistency checks: the same ones."""
    lines = [HEADER] + [GOOD.format(i=i // 20, year=2000 + i % 20, k=i // 20, value=i % 97)
                        for i in range(3000)]
    lines[50] = "ind-00002,2009,north,示例企业数量 2,-5,,,家,false,,\n"
    lines[777] = "ind-00038,2016,north,示例企业数量 38,5,3,,家,false,,\n"
    lines[2100] = "ind-00104,2019,north,另一个名称,5,,,家,false,,\n"
    lines[2500] = "ind-00124,2019,north,示例企业数量 124,5,,,家,true,,\n"
    _raise_limits(project)
    project.csv("figures").write_text("".join(lines), encoding="utf-8")
    monkeypatch.setattr(columns, "BLOCK_BYTES", 20_000)
    by_rows = _findings(project, "rows")
    assert {f[4] for f in by_rows} == {"negative-count", "range-order", "inconsistent-definition",
                                       "derivation-missing", "rule-invalid"}
    assert _findings(project, "columns") == by_rows


@pytest.mark.slow
def test_more_than_a_thousand_errors_are_cut_as_frictionless_cuts_them(project: Layout):
    lines = [HEADER] + [f"ind-{i:05d},20x0,north,示例,5,,,家,false,,\n" for i in range(1500)]
    _raise_limits(project)
    project.csv("figures").write_text("".join(lines), encoding="utf-8")
    by_rows = _findings(project, "rows")
    assert len(by_rows) == 1000
    assert _findings(project, "columns") == by_rows


def test_a_large_table_goes_through_the_column_engine_by_itself(project: Layout, monkeypatch):
    from pipeline import validate

    project.csv("figures").write_text(_big_table(3000, 3, project), encoding="utf-8")
    monkeypatch.setattr(validate, "LARGE_BYTES", 10_000)
    assert _engine_used(project, "figures", monkeypatch) == "columns"
    assert _findings(project, "auto") == _findings(project, "rows")


# --- the clean patterns never pass a cell that a check would flag ----------------------------

TRICKY = [
    "", " ", "a", "a b", " a", "a ", "a  b", "-", "-1", "+1", "=1", "@a", "\ta", "\ra", "a\n", "a\nb",
    "1.2万", "12%", "1,234", "1e5", "２０２０", "１", ".5", "5.", "1_000", "NaN", "inf", "0x10",
    "<b>", "a>b", "{{x}}", "{%x%}", "{#x#}", "%}", "javascript:alert(1)", "JaVa Script:x", "ja\tvascript:",
    "a\u200bb", "\ufeffa", "a\u00adb", "a\u00a0", "\u3000a", "a\u2028b", "a\u202eb", "\u3164", "a\x00b",
    "a\x1ab", "а", "ind-а", "wіdgets", "ǅ", "ｗｉｄｇｅｔｓ", "示例", "示例（注）", "2020/1/2",
    "2020年1月2日",
    "true", "TRUE", "yes", "2020-01-02", "x" * 2500, "9" * 40, "1" * 19, "-0", "007",
]


def _corpus_cells() -> set[str]:
    import csv
    import io

    found = set()
    for path in BAD.glob("*.csv"):
        try:
            text = path.read_bytes().decode("utf-8-sig")
        except UnicodeDecodeError:
            continue
        for row in csv.reader(io.StringIO(text, newline="")):
            found.update(row)
    return found


@pytest.mark.parametrize("kind", ["string", "integer", "number", "year", "boolean", "date"])
@pytest.mark.parametrize("is_key", [False, True])
@pytest.mark.parametrize("policy", [None, "free"])
def test_a_clean_cell_has_nothing_for_check_cell(kind: str, is_key: bool, policy: str | None):
    clean = re.compile(cells.clean_pattern(kind, is_key)[1:-1])
    field = {"name": "x", "type": kind, **({"textPolicy": policy} if policy else {})}
    where = {"path": "p", "row": 2, "column": "x", "column_number": 1}
    flagged = []
    for cell in sorted(_corpus_cells() | set(TRICKY)):
        if clean.fullmatch(cell) and len(cell) <= 2000:
            if cells.check_cell(cell, field, is_key, where, 2000):
                flagged.append(cell)
    assert flagged == []
    # and the patterns do pass ordinary cells, or nothing would be vectorised
    ordinary = {"string": "示例企业数量 Example", "integer": "2020", "number": "-12.5", "year": "2020",
                "boolean": "false", "date": "2020-01-02"}[kind]
    assert clean.fullmatch(ordinary if not (is_key and kind == "string") else "ind-0001")


@pytest.mark.slow
def test_small_tables_do_not_load_the_column_engine():
    """Validating the repository (tables of a few dozen rows) imports neither pyarrow nor numpy."""
    import subprocess
    import sys

    code = ("import sys; from pipeline.validate import run; report = run();"
            " print(report.valid, 'pyarrow' in sys.modules, 'pipeline.checks.columns' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         cwd=Path(__file__).parent.parent).stdout.split()
    assert out == ["True", "False", "False"]
