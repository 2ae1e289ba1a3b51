"""Every staff mistake, made in the repository's real datasets, stops `make build` and changes nothing.

tests/fixtures/bad/ holds the mistakes as files shaped like the synthetic
fixture project (tests/test_validate.py checks their codes, rows and
columns). Here the same list of mistakes is applied to the real datasets in
a copy of the repository (datasets/indicators.csv mostly, the other tables
where the mistake belongs there), and for each case the build runs in process,
next to a site/ published before:

- it fails and says site/ was not replaced;
- its validation report holds exactly the expected errors, each with file,
  row and column, and a fix on the next line (and, in the report, a place and
  a fix in Chinese and in English);
- every input file is byte-for-byte as the case left it (the build never
  repairs a staff file), and the previously published site/ is byte-identical.

A handful of cases (END_TO_END) run `make build` itself, in a copy next to the
real site/ the session built, with the same checks on what it prints.

tests/fixtures/bad/README.md maps each case to its row of the bad-input list.
Rows are found by key, not by number, so the cases follow the data as it grows.
"""

from __future__ import annotations

import contextlib
import csv
import io
import json
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline import build, load
from pipeline import validate as validate_mod
from pipeline.paths import REPO, Layout
from pipeline.validate import run
from tests.repocopy import digest, inputs_digest, make, repo_with_previous_site, repo_with_site

IND = "datasets/indicators.csv"
AREAS = "datasets/work-areas.csv"
TARGETS = "datasets/plan-targets.csv"
DATASETS = [d.name for d in load.discover(REPO)]

Mutation = Callable[[Layout], None]
Expected = list[tuple[str, object, str | None, str]]  # (file, row or row key, column, code)


# ---------------------------------------------------------------- editing a real file by key


def read(layout: Layout, rel: str) -> str:
    return (layout.root / rel).read_bytes().decode("utf-8")


def write(layout: Layout, rel: str, data: bytes | str) -> None:
    (layout.root / rel).write_bytes(data.encode("utf-8") if isinstance(data, str) else data)


def row_of(text: str, key: str) -> int:
    """1-based line number of the row whose first cells are `key` (e.g. "rd-spending,2020")."""
    for number, line in enumerate(text.split("\n"), start=1):
        if line.startswith(key + ","):
            return number
    raise KeyError(key)


def _line(cells: list[str]) -> str:
    out = io.StringIO()
    csv.writer(out, lineterminator="\r\n").writerow(cells)  # quotes a cell holding CR or LF
    return out.getvalue()[:-2]


def set_cell(rel: str, key: str, column: str, value: str) -> Mutation:
    def mutate(layout: Layout) -> None:
        lines = read(layout, rel).split("\n")
        header = next(csv.reader([lines[0]]))
        number = row_of("\n".join(lines), key) - 1
        cells = next(csv.reader([lines[number]]))
        cells[header.index(column)] = value
        lines[number] = _line(cells)
        write(layout, rel, "\n".join(lines))
    return mutate


def edit_text(rel: str, change: Callable[[str], str]) -> Mutation:
    def mutate(layout: Layout) -> None:
        before = read(layout, rel)
        after = change(before)
        assert after != before, f"the case changed nothing in {rel}"
        write(layout, rel, after)
    return mutate


def edit_bytes(rel: str, change: Callable[[str], bytes]) -> Mutation:
    def mutate(layout: Layout) -> None:
        write(layout, rel, change(read(layout, rel)))
    return mutate


def replace_line(rel: str, key: str, change: Callable[[str], str]) -> Mutation:
    def mutate(layout: Layout) -> None:
        lines = read(layout, rel).split("\n")
        number = row_of("\n".join(lines), key) - 1
        lines[number] = change(lines[number])
        write(layout, rel, "\n".join(lines))
    return mutate


def gbk_rows(count: int | None) -> Callable[[str], bytes]:
    """The file as Chinese Excel saves "CSV (逗号分隔)": GBK, the header and `count` rows."""
    def change(text: str) -> bytes:
        lines = text.split("\n")
        kept = lines if count is None else lines[: count + 1]
        return ("\r\n".join(kept).rstrip("\r\n") + "\r\n").encode("gb18030")
    return change


def line_of(needle: str) -> Callable[[str], int]:
    """The line where a YAML parser stops: the line holding `needle`."""
    return lambda text: next(n for n, line in enumerate(text.split("\n"), 1) if needle in line)


def line_after(needle: str) -> Callable[[str], int]:
    return lambda text: line_of(needle)(text) + 1


def first_non_ascii_row(text: str) -> int:
    for number, line in enumerate(text.split("\n"), start=1):
        if not line.isascii():
            return number
    raise AssertionError("no Chinese text")


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    name: str
    row: int  # row of the bad-input list
    twin: str  # the file in tests/fixtures/bad/ with the same mistake ("" when there is none)
    mutate: Mutation
    expected: Expected = field(default_factory=list)


def symlink_outside(layout: Layout) -> None:
    csv_path = layout.root / IND
    outside = layout.root.parent / "outside.csv"
    outside.write_bytes(csv_path.read_bytes())
    csv_path.unlink()
    csv_path.symlink_to(outside)


def datasets_folder_outside(layout: Layout) -> None:
    outside = layout.root.parent / "elsewhere"
    shutil.copytree(layout.datasets, outside)
    shutil.rmtree(layout.datasets)
    layout.datasets.symlink_to(outside, target_is_directory=True)


def linked_outside(rel: str) -> Mutation:
    """The file replaced by a link to a copy of it outside the repository."""
    def mutate(layout: Layout) -> None:
        path = layout.root / rel
        outside = layout.root.parent / ("outside-" + path.name)
        outside.write_bytes(path.read_bytes())
        path.unlink()
        path.symlink_to(outside)
    return mutate


def resource_path(value: str) -> Mutation:
    def mutate(layout: Layout) -> None:
        package = json.loads(layout.descriptor.read_text(encoding="utf-8"))
        for resource in package["resources"]:
            if resource["name"] == "indicators":
                resource["path"] = value
        layout.descriptor.write_text(json.dumps(package, ensure_ascii=False, indent=2) + "\n",
                                     encoding="utf-8")
    return mutate


RD = "rd-spending,2020"  # 49.3 亿元
RI = "rd-intensity,2020"  # 1.45 %
HT20 = "high-tech-enterprises,2020"  # 209, the stock of a stock-flow rule
HT19 = "high-tech-enterprises,2019"  # 142, derived
SHARE = "model-workstations-share,2020"  # 30 %, the share of a share rule


def _latest_stock() -> tuple[str, str]:
    """The stock-flow stock's row of its latest year, and a value that breaks the rule there
    (a change to an earlier year would break the next year's rule too, once there is one)."""
    with REPO.csv("indicators").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if r["indicator_id"] == "high-tech-enterprises"]
    last = max(rows, key=lambda r: int(r["year"]))
    return f"high-tech-enterprises,{last['year']}", str(int(last["value"]) + 1)


HT_LAST, HT_WRONG = _latest_stock()


def _dup_header(text: str) -> str:
    header, rest = text.split("\n", 1)
    return header.replace("name_en", "name_zh", 1) + "\n" + rest


CASES: list[Case] = [
    # 1 GBK / GB18030 from Chinese Excel, of different lengths, with and without BOM
    Case("gbk-long", 1, "gbk-long.csv", edit_bytes(IND, gbk_rows(None)),
         [(IND, first_non_ascii_row, None, "encoding-gbk")]),
    Case("gbk-short", 1, "gbk-short.csv", edit_bytes(IND, gbk_rows(1)),
         [(IND, 2, None, "encoding-gbk")]),
    Case("gbk-short-areas", 1, "gbk-short.csv", edit_bytes(AREAS, gbk_rows(1)),
         [(AREAS, 2, None, "encoding-gbk")]),
    Case("bom-gbk", 1, "bom-gbk.csv", edit_bytes(IND, lambda t: b"\xef\xbb\xbf" + gbk_rows(None)(t)),
         [(IND, 2, None, "encoding-gbk")]),
    # one cell pasted in GBK into a UTF-8 file: neither encoding reads the whole file
    Case("gbk-one-row", 1, "", edit_bytes(IND, lambda t: t.replace(
        "全社会研发投入", "\0", 1).encode().replace(b"\0", "全社会研发投入".encode("gbk"))),
         [(IND, RD, None, "encoding-unknown")]),
    Case("utf16", 1, "utf16.csv", edit_bytes(IND, lambda t: t.encode("utf-16")),
         [(IND, 1, None, "encoding-utf16")]),
    Case("latin1-bytes", 1, "latin1-bytes.csv", edit_bytes(IND, lambda t: t.replace(
        "Gross expenditure", "Gross\0expenditure", 1).encode().replace(b"\0", b"\xe9")),
         [(IND, RD, None, "encoding-unknown")]),
    # 3 delimiters
    Case("semicolon", 3, "semicolon.csv", edit_text(IND, lambda t: t.replace(",", ";")),
         [(IND, 1, None, "wrong-delimiter")]),
    Case("tab", 3, "tab.csv", edit_text(IND, lambda t: t.replace(",", "\t")),
         [(IND, 1, None, "wrong-delimiter")]),
    # 4 ragged rows
    Case("extra-cell", 4, "extra-cell.csv", replace_line(IND, RI, lambda line: line + ",多余"),
         [(IND, RI, None, "extra-cell")]),
    Case("missing-cell", 4, "missing-cell.csv", replace_line(IND, RI, lambda line: line.rsplit(",", 1)[0]),
         [(IND, RI, "note", "missing-cell")]),
    # 5 headers
    Case("duplicate-header", 5, "duplicate-header.csv", edit_text(IND, _dup_header),
         [(IND, 1, "name_zh", "duplicate-label")]),
    Case("blank-header", 5, "blank-header.csv",
         edit_text(IND, lambda t: t.replace(",source_section,note\n", ",source_section,\n", 1)),
         [(IND, 1, "note", "blank-label")]),
    Case("renamed-header", 5, "renamed-header.csv",
         edit_text(IND, lambda t: t.replace("indicator_id,", "指标代码,", 1)),
         [(IND, 1, "指标代码", "incorrect-label")]),
    # 6 blank rows from Excel
    Case("blank-row", 6, "blank-row.csv", replace_line(IND, RI, lambda line: ",,,,,,,,,,,,,\n" + line),
         [(IND, RI, None, "blank-row")]),
    # 7 wrong types: every bad cell, not only the first
    Case("type-errors", 7, "type-errors.csv", lambda layout: [
        set_cell(IND, RD, "value", "abc")(layout), set_cell(IND, RI, "derived", "是")(layout)],
         [(IND, RD, "value", "type-error"), (IND, RI, "derived", "type-error")]),
    # 8-9 Excel artefacts and separators
    Case("scientific", 8, "scientific.csv", set_cell(IND, HT20, "value", "2.09E+02"),
         [(IND, HT20, "value", "scientific-notation")]),
    Case("thousands", 9, "thousands.csv", set_cell(IND, HT20, "value", "1,209"),
         [(IND, HT20, "value", "thousands-separator")]),
    # 10 units inside numbers, each suffix
    Case("unit-yiyuan", 10, "unit-yiyuan.csv", set_cell(IND, RD, "value", "49.3亿元"),
         [(IND, RD, "value", "unit-in-number")]),
    Case("unit-yi", 10, "", set_cell(IND, RD, "value", "49.3亿"),
         [(IND, RD, "value", "unit-in-number")]),
    Case("unit-wan", 10, "unit-wan.csv", set_cell(IND, RD, "value", "493000万"),
         [(IND, RD, "value", "unit-in-number")]),
    Case("unit-percent", 10, "unit-percent.csv", set_cell(IND, RI, "value", "1.45%"),
         [(IND, RI, "value", "unit-in-number")]),
    Case("unit-jia", 10, "", set_cell(IND, HT20, "value", "209家"),
         [(IND, HT20, "value", "unit-in-number")]),
    Case("unit-qualifier", 10, "unit-qualifier.csv", set_cell(IND, HT20, "value", "209多"),
         [(IND, HT20, "value", "unit-in-number")]),
    # 11 full-width characters
    Case("fullwidth-year", 11, "fullwidth-year.csv", set_cell(IND, RD, "year", "２０２０"),
         [(IND, RD, "year", "fullwidth-characters")]),
    Case("fullwidth-number", 11, "fullwidth-number.csv", set_cell(IND, RD, "value", "４９.３"),
         [(IND, RD, "value", "fullwidth-characters")]),
    Case("fullwidth-key", 11, "fullwidth-key.csv", set_cell(IND, RD, "area_id", "ｏｖｅｒａｌｌ"),
         [(IND, RD, "area_id", "fullwidth-characters")]),
    # 12 spaces and invisible characters
    Case("space-key", 12, "space-key.csv", set_cell(IND, RD, "area_id", "overall "),
         [(IND, RD, "area_id", "whitespace")]),
    Case("nbsp-number", 12, "nbsp-number.csv", set_cell(IND, RD, "value", "49.3\u00a0"),
         [(IND, RD, "value", "whitespace")]),
    Case("zero-width-key", 12, "zero-width-key.csv", set_cell(IND, RD, "area_id", "over\u200ball"),
         [(IND, RD, "area_id", "invisible-character")]),
    # 13 constraints
    Case("negative-count", 13, "negative-count.csv", set_cell(IND, "national-incubators,2020",
                                                              "value", "-1"),
         [(IND, "national-incubators,2020", "value", "negative-count")]),
    Case("year-out-of-range", 13, "year-out-of-range.csv", set_cell(IND, RD, "year", "2200"),
         [(IND, RD, "year", "maximum")]),
    Case("required-missing", 13, "required-missing.csv", set_cell(IND, RD, "unit", ""),
         [(IND, RD, "unit", "required")]),
    Case("enum-qualifier", 13, "enum-qualifier.csv", set_cell(IND, RD, "qualifier", "左右"),
         [(IND, RD, "qualifier", "enum")]),
    Case("too-long-name", 13, "", set_cell(IND, RD, "name_zh", "研" * 61),
         [(IND, RD, "name_zh", "max-length")]),
    # 14 duplicate key
    Case("duplicate-key", 14, "duplicate-key.csv", replace_line(IND, RI, lambda line: line + "\n" + line),
         [(IND, "+" + RI, None, "primary-key")]),
    # 15 foreign keys to nothing, in two tables
    Case("foreign-key", 15, "foreign-key.csv", set_cell(IND, RD, "area_id", "nowhere"),
         [(IND, RD, "area_id", "foreign-key")]),
    Case("foreign-key-target", 15, "", set_cell(TARGETS, "rd-spending-growth,2020", "indicator_id",
                                                "rd-spend"),
         [(TARGETS, "rd-spending-growth,2020", "indicator_id", "foreign-key")]),
    # 16 derived figures that disagree
    Case("stock-flow", 16, "stock-flow.csv", set_cell(IND, HT_LAST, "value", HT_WRONG),
         [(IND, HT_LAST, "value", "stock-flow-mismatch")]),
    Case("share", 16, "", set_cell(IND, SHARE, "value", "40"),
         [(IND, SHARE, "value", "share-mismatch")]),
    Case("range-order", 16, "range-order.csv", set_cell(IND, RD, "value_max", "40"),
         [(IND, RD, "value_max", "range-order")]),
    Case("derived-without-method", 16, "derived-without-method.csv", set_cell(IND, HT19, "derivation", ""),
         [(IND, HT19, "derivation", "derivation-missing")]),
    # 17 spreadsheet formulas, each prefix (OWASP CSV injection)
    *[Case(f"formula-{label}", 17, f"formula-{label}.csv", set_cell(IND, RD, "name_zh", text),
           [(IND, RD, "name_zh", "formula-like")])
      for label, text in [("equals", '=HYPERLINK("http://example.com","点我")'),
                          ("plus", "+cmd|' /C calc'!A0"), ("minus", "-1+2"),
                          ("at", "@SUM(1+1)*cmd|' /C calc'!A0"), ("tab", "\t=1+1"),
                          ("cr", "\r=1+1")]],
    # 18 markup
    Case("markup-script", 18, "markup-script.csv",
         set_cell(IND, RD, "name_zh", "</script><script>alert(1)</script>"),
         [(IND, RD, "name_zh", "markup")]),
    Case("markup-img", 18, "markup-img.csv",
         set_cell(IND, RD, "name_en", "<img src=x onerror=alert(1)>"),
         [(IND, RD, "name_en", "markup")]),
    # 19 template and Markdown syntax
    Case("template-jinja", 19, "template-jinja.csv", set_cell(IND, RD, "name_zh", "{{ config }}"),
         [(IND, RD, "name_zh", "template-syntax")]),
    Case("template-block", 19, "template-block.csv",
         set_cell(IND, RD, "source_section", "{% include 'x' %}"),
         [(IND, RD, "source_section", "template-syntax")]),
    Case("javascript-link", 19, "javascript-link.csv",
         set_cell(IND, RD, "name_en", "[R&D](javascript:alert(1))"),
         [(IND, RD, "name_en", "unsafe-link")]),
    # 20 huge cells and files
    Case("huge-cell", 20, "huge-cell.csv", set_cell(IND, RD, "note", "长" * 200_000),
         [(IND, RD, "note", "cell-too-long")]),
    Case("huge-file", 20, "", edit_bytes(IND, lambda t: t.encode() + b"," * 20_000_001),
         [(IND, None, None, "file-too-large")]),
    # 21 paths that leave the repository
    Case("symlink-outside", 21, "", symlink_outside, [(IND, None, None, "path-outside")]),
    Case("datasets-folder-symlink", 21, "", datasets_folder_outside,
         [(f"datasets/{name}.csv", None, None, "path-outside") for name in DATASETS]
         # the package metadata in that folder is outside too, and is not read
         + [("datasets/package.yml", None, None, "file-outside")]),
    Case("meta-symlink-outside", 21, "", linked_outside("datasets/work-areas.meta.yml"),
         [("datasets/work-areas.meta.yml", None, None, "path-outside")]),
    Case("schema-symlink-outside", 21, "", linked_outside("schemas/work-areas.schema.yaml"),
         [("schemas/work-areas.schema.yaml", None, None, "path-outside")]),
    Case("resource-dotdot", 21, "", resource_path("../outside.csv"),
         [("datapackage.json", None, None, "datapackage-stale")]),
    Case("resource-absolute", 21, "", resource_path("/etc/passwd"),
         [("datapackage.json", None, None, "datapackage-stale")]),
    Case("resource-url", 21, "", resource_path("https://example.org/indicators.csv"),
         [("datapackage.json", None, None, "datapackage-stale")]),
    # 22 broken schema or metadata
    Case("schema-yaml", 22, "", edit_text("schemas/work-areas.schema.yaml",
                                          lambda t: t.replace("fields:", "fields: [", 1)),
         [("schemas/work-areas.schema.yaml", line_after("fields:"), None, "descriptor-invalid")]),
    Case("schema-type", 22, "", edit_text("schemas/indicators.schema.yaml",
                                          lambda t: t.replace("type: number", "type: numbr", 1)),
         [("schemas/indicators.schema.yaml", line_of("type: number"), None, "schema-invalid")]),
    Case("meta-missing-title", 22, "", edit_text("datasets/work-areas.meta.yml",
                                                 lambda t: re.sub(r"(?m)^title_en:.*\n", "", t, count=1)),
         # title_en is also in datapackage.json, which no longer matches
         [("datapackage.json", None, None, "datapackage-stale"),
          ("datasets/work-areas.meta.yml", None, None, "meta-invalid")]),
    # 23 empty or header only
    Case("empty", 23, "empty.csv", edit_bytes(AREAS, lambda t: b""), [(AREAS, 1, None, "empty-file")]),
    Case("header-only", 23, "header-only.csv", edit_text(AREAS, lambda t: t.split("\n", 1)[0] + "\n"),
         [(AREAS, 1, None, "no-rows")]),
    Case("header-only-crlf-blank-lines", 23, "header-only-crlf-blank-lines.csv",
         edit_text(AREAS, lambda t: t.split("\n", 1)[0] + "\r\n\r\n\r\n"), [(AREAS, 1, None, "no-rows")]),
]

# 2 and 24: accepted as they are, like tests/fixtures/bad/ok-*.csv
ACCEPTED: dict[str, Mutation] = {
    "ok-bom": edit_bytes(IND, lambda t: b"\xef\xbb\xbf" + t.encode()),
    "ok-crlf": edit_bytes(IND, lambda t: t.replace("\n", "\r\n").encode()),
    "ok-cr-only": edit_bytes(IND, lambda t: t.replace("\n", "\r").encode()),
    "ok-mixed-endings": edit_bytes(IND, lambda t: t.replace("\n", "\r\n", 5).encode()),
    "ok-no-final-newline": edit_bytes(IND, lambda t: t.rstrip("\n").encode()),
}

ISSUE_LINE = re.compile(r"^(?P<path>\S+)(?: 第 (?P<row>\d+) 行)?(?: (?P<column>\S+) 列)?: "
                        r"错误 \[(?P<code>[a-z0-9-]+)\] \S")


def expected_issues(case: Case, original: dict[str, str]) -> list[list[object]]:
    """(file, row, column, code) with rows found by key in the file as it was before the case."""
    out = []
    for rel, where, column, code in case.expected:
        if callable(where):
            where = where(original[rel])
        elif isinstance(where, str):  # "+key": the second row with that key (a duplicate)
            text = original[rel]
            where = row_of(text, where.lstrip("+")) + (1 if where.startswith("+") else 0)
        out.append([rel, where, column, code])
    return sorted(out, key=lambda i: (str(i[0]), i[1] or 0))


def pristine_inputs(repo: Layout) -> dict[str, bytes]:
    return {rel: (repo.root / rel).read_bytes() for rel in inputs_digest(repo)}


def restore(repo: Layout, pristine: dict[str, bytes]) -> None:
    if repo.datasets.is_symlink():
        repo.datasets.unlink()
        repo.datasets.mkdir()
    shutil.rmtree(repo.root.parent / "elsewhere", ignore_errors=True)
    for stray in repo.root.parent.glob("outside-*"):
        stray.unlink()
    for rel, data in pristine.items():
        path = repo.root / rel
        if path.is_symlink():
            path.unlink()
        path.write_bytes(data)
    (repo.root.parent / "outside.csv").unlink(missing_ok=True)


@dataclass
class Outcome:
    returncode: int
    stderr: str
    issues: list  # the validation report's errors, as the build found them
    inputs_unchanged: bool
    site_unchanged: bool
    leftovers: list[str]


def run_case(repo: Layout, pristine: dict[str, bytes], case: Case,
             monkeypatch: pytest.MonkeyPatch) -> Outcome:
    """The case's mistake made in `repo`, the build run in process, `repo` put back as it was."""
    site_before = digest(repo.site)
    reports = []
    real_validated = validate_mod.validated

    def spy(*args, **kwargs):  # the build's own validation, kept to read its issues
        report, tables = real_validated(*args, **kwargs)
        reports.append(report)
        return report, tables

    monkeypatch.setattr(validate_mod, "validated", spy)
    err = io.StringIO()
    try:
        case.mutate(repo)
        inputs_before = inputs_digest(repo)
        with contextlib.redirect_stderr(err):
            status = build.build(repo, log=lambda *_: None)
        inputs_unchanged = inputs_digest(repo) == inputs_before
    finally:
        monkeypatch.setattr(validate_mod, "validated", real_validated)
        restore(repo, pristine)
    leftovers = [p.name for p in (repo.build / "site.new", repo.build / "site.old") if p.exists()]
    issues = reports[0].errors if reports else []
    return Outcome(status, err.getvalue(), issues, inputs_unchanged,
                   digest(repo.site) == site_before, leftovers)


def run_make(repo: Layout, pristine: dict[str, bytes], case: Case) -> Outcome:
    """The same, through `make build` in a process of its own."""
    site_before = digest(repo.site)
    try:
        case.mutate(repo)
        inputs_before = inputs_digest(repo)
        result = make(repo)
        inputs_unchanged = inputs_digest(repo) == inputs_before
    finally:
        restore(repo, pristine)
    leftovers = [p.name for p in (repo.build / "site.new", repo.build / "site.old") if p.exists()]
    return Outcome(result.returncode, result.stderr, [], inputs_unchanged,
                   digest(repo.site) == site_before, leftovers)


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Layout:
    """A copy of the repository with a previously published site/ (the builds stop at validation)."""
    return repo_with_previous_site(tmp_path_factory.mktemp("corpus") / "repo")


@pytest.fixture(scope="module")
def pristine(repo: Layout) -> dict[str, bytes]:
    return pristine_inputs(repo)


ORIGINAL = {rel: (REPO.root / rel).read_text(encoding="utf-8")
            for rel in (IND, AREAS, TARGETS, "schemas/work-areas.schema.yaml",
                        "schemas/indicators.schema.yaml")}


def test_the_corpus_covers_every_row_of_the_bad_input_list():
    rows = {case.row for case in CASES}
    assert rows | {2, 24} == set(range(1, 25))  # 2 and 24 are accepted variants, below
    assert len(CASES) >= 40
    assert len({case.name for case in CASES}) == len(CASES)
    twins = {case.twin for case in CASES if case.twin}
    bad = {p.name for p in (Path(__file__).parent / "fixtures" / "bad").glob("*.csv")}
    assert twins <= bad
    readme = (Path(__file__).parent / "fixtures" / "bad" / "README.md").read_text(encoding="utf-8")
    for case in CASES:
        assert f"`{case.name}`" in readme, case.name


def printed_issues(stderr: str) -> list[list[object]]:
    """(file, row, column, code) of each error the build printed, each followed by its fix."""
    lines = stderr.splitlines()
    printed = []
    for number, line in enumerate(lines):
        match = ISSUE_LINE.match(line)
        if match:
            assert lines[number + 1].startswith("    修改方法: ") and len(lines[number + 1]) > 12
            printed.append([match["path"], int(match["row"]) if match["row"] else None,
                            match["column"], match["code"]])
    return printed


def assert_refused_and_nothing_changed(outcome: Outcome, case: Case) -> None:
    assert outcome.returncode != 0
    assert "数据校验未通过" in outcome.stderr and "site/ 保持原样" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    # The validation report in the build's output: exactly the expected errors, each with a fix.
    assert printed_issues(outcome.stderr) == expected_issues(case, ORIGINAL)
    assert outcome.inputs_unchanged  # the staff file is left exactly as they saved it
    assert outcome.site_unchanged  # the published site is untouched
    assert outcome.leftovers == []


# make check leaves these out: tests/test_validate.py checks the same mistakes (its fixture
# files) in the edit loop; here each runs the whole build on the real data, for make test.
@pytest.mark.slow
@pytest.mark.parametrize("case", CASES, ids=[c.name for c in CASES])
def test_the_build_refuses_each_mistake_and_changes_nothing(repo, pristine, case: Case, monkeypatch):
    outcome = run_case(repo, pristine, case, monkeypatch)
    assert_refused_and_nothing_changed(outcome, case)
    # place and fix in both languages, as the report holds them
    assert len(outcome.issues) == len(case.expected)
    for issue in outcome.issues:
        assert issue.where("zh") in outcome.stderr
        for lang in ("zh", "en"):
            assert issue.fix(lang).strip(), (issue.code, lang)
            assert not re.search(r"\{[a-z_]+\}", issue.fix(lang) + issue.text(lang)), issue.code
            assert issue.where(lang).startswith(issue.path)


# ---------------------------------------------------------------- end to end, through make

END_TO_END = ["gbk-long", "unit-yiyuan", "datasets-folder-symlink", "duplicate-key"]


@pytest.fixture(scope="module")
def built_repo(tmp_path_factory) -> Layout:
    """A copy of the repository next to the real site/ the session built."""
    return repo_with_site(tmp_path_factory.mktemp("corpus-make") / "repo")


@pytest.mark.site
@pytest.mark.parametrize("name", END_TO_END)
def test_make_build_refuses_a_mistake_and_leaves_the_built_site(built_repo, name):
    """A handful of the cases through `make build` itself, next to a real built site/."""
    case = next(c for c in CASES if c.name == name)
    assert_refused_and_nothing_changed(run_make(built_repo, pristine_inputs(built_repo), case), case)


@pytest.mark.parametrize("name", sorted(ACCEPTED))
def test_accepted_variants_of_the_real_data_are_valid(repo_copy: Layout, name: str):
    ACCEPTED[name](repo_copy)
    report = run(repo_copy)
    assert report.valid, report.formatted("text")
    assert report.errors == []


def test_a_mistake_is_reported_with_place_and_fix_in_both_languages(repo_copy: Layout):
    set_cell(IND, RD, "value", "49.3亿元")(repo_copy)
    [issue] = run(repo_copy).errors
    assert (issue.path, issue.row, issue.column, issue.code) == (IND, 2, "value", "unit-in-number")
    assert "49.3" in issue.fix("zh") and "49.3" in issue.fix("en")
