"""Everything around the data is input too: each mistake or attack stops the build and changes nothing.

The second half of the bad-input corpus (tests/fixtures/bad/README.md, kinds
25-33): files that leave the repository, pages and configuration that would
run scripts or load from other origins, headers, numbers and text that slip
past the cell checks, broken descriptors and limits, resource exhaustion,
name collisions and misleading messages. Each case is made in one copy of
the repository with a site/ published before, and the build runs in-process:

- it returns 1 and says site/ was not replaced;
- its validation report holds exactly the expected errors, by file, line and
  code, each with a fix in Chinese and in English (cases that pass validation
  and stop at a later stage say so with their file instead);
- every input file is byte-for-byte as the case left it, and site/ is
  byte-identical;
- it does not hang (each case well under a minute; speed is measured by the benchmarks).

A few cases also run `make build` end to end; the exhausting ones also run in a
fresh process that measures time and peak memory. Other tests walk every command
over the corpus (WALKED here, and every file of tests/fixtures/bad/) and assert
that none prints a traceback.
"""

from __future__ import annotations

import argparse
import contextlib
import hashlib
import io
import os
import re
import shutil
import time
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from pipeline import build, importer, newyear, package_cmd, revisions, serve
from pipeline import validate as validate_mod
from pipeline.paths import REPO, Layout
from tests.repocopy import digest, make, repo_with_previous_site, repo_with_site

IND = "datasets/indicators.csv"
AREAS = "datasets/work-areas.csv"
PAGE = "docs/2020/rural.md"
CSS = "docs/assets/stylesheets/extra.css"
MKDOCS = "mkdocs.yml"
PKG = "datasets/package.yml"
AREAS_META = "datasets/work-areas.meta.yml"
IND_SCHEMA = "schemas/indicators.schema.yaml"
INPUT_DIRS = ("datasets", "schemas", "docs", "web")
INPUT_FILES = ("mkdocs.yml", "datapackage.json")

Mutation = Callable[[Layout], None]
Row = int | Callable[[str], int] | None
Expected = list[tuple[str, Row, str]]  # (file, line, code)


# ---------------------------------------------------------------- mutations


def original(rel: str) -> str:
    return (REPO.root / rel).read_text(encoding="utf-8")


def lines_in(rel: str) -> int:
    return len(original(rel).split("\n"))


def append(rel: str, text: str) -> Mutation:
    def mutate(layout: Layout) -> None:
        path = layout.root / rel
        path.write_bytes(path.read_bytes() + text.encode("utf-8"))
    return mutate


def edit(rel: str, change: Callable[[str], str]) -> Mutation:
    def mutate(layout: Layout) -> None:
        path = layout.root / rel
        before = path.read_text(encoding="utf-8")
        after = change(before)
        assert after != before, f"the case changed nothing in {rel}"
        path.write_bytes(after.encode("utf-8"))
    return mutate


def edit_bytes(rel: str, change: Callable[[bytes], bytes]) -> Mutation:
    def mutate(layout: Layout) -> None:
        path = layout.root / rel
        path.write_bytes(change(path.read_bytes()))
    return mutate


def write(rel: str, data: bytes | str) -> Mutation:
    def mutate(layout: Layout) -> None:
        path = layout.root / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
    return mutate


def symlink(rel: str, target: str | Callable[[Layout], str]) -> Mutation:
    def mutate(layout: Layout) -> None:
        path = layout.root / rel
        where = target(layout) if callable(target) else target
        if path.exists() or path.is_symlink():
            path.unlink()
        path.symlink_to(where)
    return mutate


def outside_copy(rel: str) -> Callable[[Layout], str]:
    """A copy of the file outside the repository, for a link to point to."""
    def make_copy(layout: Layout) -> str:
        outside = layout.root.parent / ("outside-" + Path(rel).name)
        outside.write_bytes((layout.root / rel).read_bytes())
        return str(outside)
    return make_copy


def outside_folder(layout: Layout) -> str:
    folder = layout.root.parent / "outside-folder"
    folder.mkdir(exist_ok=True)
    (folder / "leak.md").write_text("# 外部页面\n", encoding="utf-8")
    return str(folder)


def set_cell(rel: str, key: str, column: str, value: str) -> Mutation:
    """One cell of the row whose first cells are `key`, written as Excel would (quoted when needed)."""
    import csv

    def mutate(layout: Layout) -> None:
        path = layout.root / rel
        lines = path.read_text(encoding="utf-8").split("\n")
        header = lines[0].split(",")
        number = next(i for i, line in enumerate(lines) if line.startswith(key + ","))
        cells = next(csv.reader([lines[number]]))
        cells[header.index(column)] = value
        out = io.StringIO()
        csv.writer(out, lineterminator="").writerow(cells)
        lines[number] = out.getvalue()
        path.write_bytes("\n".join(lines).encode("utf-8"))
    return mutate


def row_of(rel: str, key: str) -> Callable[[str], int]:
    return lambda _: next(n for n, line in enumerate(original(rel).split("\n"), 1)
                          if line.startswith(key + ","))


def line_of(rel: str, needle: str) -> Callable[[str], int]:
    return lambda _: next(n for n, line in enumerate(original(rel).split("\n"), 1) if needle in line)


def several(*mutations: Mutation) -> Mutation:
    def mutate(layout: Layout) -> None:
        for m in mutations:
            m(layout)
    return mutate


def new_dataset(name: str) -> Mutation:
    """A dataset called `name`: work-areas' three files copied under that name."""
    def mutate(layout: Layout) -> None:
        shutil.copy(layout.csv("work-areas"), layout.datasets / f"{name}.csv")
        shutil.copy(layout.schema("work-areas"), layout.schemas / f"{name}.schema.yaml")
        shutil.copy(layout.meta("work-areas"), layout.datasets / f"{name}.meta.yml")
    return mutate


RD = "rd-spending,2020"
AFTER_PAGE = lines_in(PAGE)  # the first line a case appends to the page (the file ends with "\n")


# ---------------------------------------------------------------- the cases


@dataclass
class Case:
    name: str
    kind: int  # the row of the corpus table in tests/fixtures/bad/README.md
    mutate: Mutation
    expected: Expected = field(default_factory=list)
    later: str = ""  # for a case that passes validation: what the build's message must say


def page(name: str, text: str, expected: list[tuple[int, str]]) -> Case:
    """A case that appends `text` to a report page; `expected` lines count from the text's first."""
    return Case(name, 26, append(PAGE, text),
                [(PAGE, AFTER_PAGE + offset, code) for offset, code in expected])


def cell(name: str, kind: int, column: str, value: str, code: str, key: str = RD) -> Case:
    return Case(name, kind, set_cell(IND, key, column, value), [(IND, row_of(IND, key), code)])


ENV = "/proc/self/environ"

CASES: list[Case] = [
    # 25 files that lead outside the repository (or nowhere)
    Case("docs-page-symlink-environ", 25, symlink("docs/x.md", ENV), [("docs/x.md", None, "file-outside")]),
    Case("docs-asset-symlink-outside", 25, symlink("docs/assets/leak.css", "/etc/passwd"),
         [("docs/assets/leak.css", None, "file-outside")]),
    Case("docs-folder-symlink-outside", 25, symlink("docs/more", outside_folder),
         [("docs/more", None, "file-outside")]),
    Case("docs-symlink-loop", 25, several(symlink("docs/a.md", "b.md"), symlink("docs/b.md", "a.md")),
         [("docs/a.md", None, "file-outside"), ("docs/b.md", None, "file-outside")]),
    Case("docs-symlink-dangling", 25, symlink("docs/gone.md", "nowhere.md"),
         [("docs/gone.md", None, "file-outside")]),
    Case("meta-schema-symlink-outside", 25, symlink("schemas/meta.schema.json",
                                                    outside_copy("schemas/meta.schema.json")),
         [("schemas/meta.schema.json", None, "file-outside")]),
    Case("package-yml-symlink-outside", 25, symlink(PKG, outside_copy(PKG)), [(PKG, None, "file-outside")]),
    Case("mkdocs-yml-symlink-outside", 25, symlink(MKDOCS, outside_copy(MKDOCS)),
         [(MKDOCS, None, "file-outside")]),
    Case("web-script-symlink-outside", 25, symlink("web/charts.js", outside_copy("web/charts.js")),
         [("web/charts.js", None, "file-outside")]),
    # 26 pages: scripts, event handlers, script URLs, resources from other origins
    page("page-script", "\n<script>alert(1)</script>\n", [(1, "page-script")]),
    page("page-script-src", '\n<script src="https://cdn.example/x.js"></script>\n',
         [(1, "foreign-resource"), (1, "page-script")]),
    page("page-onerror", '\n<img src="../assets/x.png" onerror="alert(1)">\n', [(1, "page-event-handler")]),
    page("page-onclick", '\n<div onclick="alert(1)">点我</div>\n', [(1, "page-event-handler")]),
    page("page-foreign-img", '\n<img src="https://evil.example/pixel.png" alt="">\n',
         [(1, "foreign-resource")]),
    page("page-markdown-image-foreign", "\n![统计](//cdn.example/chart.png)\n", [(1, "foreign-resource")]),
    page("page-iframe", '\n<iframe src="https://evil.example/"></iframe>\n', [(1, "foreign-resource")]),
    page("page-stylesheet-foreign", '\n<link rel="stylesheet" href="https://fonts.example/a.css">\n',
         [(1, "foreign-resource")]),
    page("page-style-url", "\n<style>body { background: url(https://t.example/a.gif) }</style>\n",
         [(1, "foreign-resource")]),
    page("page-video-audio-embed", '\n<video src="https://x.example/v.mp4"></video>\n'
         '<audio src="https://x.example/a.mp3"></audio>\n<embed src="https://x.example/e.swf">\n',
         [(1, "foreign-resource"), (2, "foreign-resource"), (3, "foreign-resource")]),
    page("page-javascript-link", "\n[点这里](javascript:alert(document.cookie))\n", [(1, "unsafe-url")]),
    page("page-javascript-href-entities", '\n<a href="&#106;avascript:alert(1)">x</a>\n',
         [(1, "unsafe-url")]),
    Case("css-foreign-import", 26, append(CSS, '\n@import url("https://fonts.example/x.css");\n'),
         [(CSS, lines_in(CSS) + 1, "foreign-resource")]),
    # 27 configuration: scripts, styles and fonts from other origins, analytics, Python objects
    Case("config-extra-javascript-url", 27, edit(MKDOCS, lambda t: t.replace(
        "extra_javascript:\n", "extra_javascript:\n  - https://cdn.example/tracker.js\n", 1)),
         [(MKDOCS, line_of(MKDOCS, "extra_javascript:")(MKDOCS) + 1, "config-foreign")]),
    Case("config-extra-css-url", 27, edit(MKDOCS, lambda t: t.replace(
        "extra_css:\n", "extra_css:\n  - //cdn.example/theme.css\n", 1)),
         [(MKDOCS, line_of(MKDOCS, "extra_css:")(MKDOCS) + 1, "config-foreign")]),
    Case("config-analytics", 27, edit(MKDOCS, lambda t: t.replace(
        "  generator: false\n",
        "  generator: false\n  analytics:\n    provider: google\n    property: G-X\n", 1)),
         [(MKDOCS, line_of(MKDOCS, "generator: false")(MKDOCS) + 1, "config-analytics")]),
    Case("config-google-fonts", 27, edit(MKDOCS, lambda t: re.sub(
        r"  font: false.*\n", "  font:\n    text: Roboto\n", t, count=1)),
         [(MKDOCS, line_of(MKDOCS, "font: false"), "config-foreign")]),
    Case("config-python-object", 27, edit(MKDOCS, lambda t: t.replace(
        "extra:\n", "extra:\n  hook: !!python/object/apply:os.system [\"id\"]\n", 1)),
         [(MKDOCS, line_of(MKDOCS, "extra:")(MKDOCS) + 1, "config-foreign")]),
    Case("package-license-javascript", 27, edit(PKG, lambda t: t.replace(
        "path: https://creativecommons.org/licenses/by/4.0/", "path: javascript:alert(1)", 1)),
         [("datapackage.json", None, "datapackage-stale"),
          (PKG, line_of(PKG, "path: https://"), "unsafe-url")]),
    # 28 header, BOM, numbers and text that used to slip past the cell checks
    Case("line-above-header", 28, edit(IND, lambda t: "主要指标表\n" + t), [(IND, 1, "header-not-first")]),
    Case("blank-line-above-header", 28, edit(IND, lambda t: "\n" + t), [(IND, 1, "header-not-first")]),
    Case("double-bom", 28, edit_bytes(IND, lambda b: b"\xef\xbb\xbf\xef\xbb\xbf" + b),
         [(IND, 1, "bom-inside")]),
    Case("header-trailing-space", 28, edit(IND, lambda t: t.replace(",note\n", ",note \n", 1)),
         [(IND, 1, "header-whitespace")]),
    cell("number-nan", 28, "value", "NaN", "number-not-finite"),
    cell("number-infinity", 28, "value", "Infinity", "number-not-finite"),
    cell("number-snan", 28, "value", "sNaN", "number-not-finite"),
    cell("number-2000-digits", 28, "value", "9" * 2000, "number-too-long"),
    cell("number-arabic-indic", 28, "value", "٤٩.٣", "number-format"),
    cell("number-devanagari", 28, "value", "४९.३", "number-format"),
    cell("number-math-bold", 28, "value", "𝟒𝟗.𝟑", "number-format"),
    cell("number-underscore", 28, "value", "4_9.3", "number-format"),
    cell("number-plus-sign", 28, "value", "+49.3", "number-format"),
    cell("number-bare-decimal", 28, "value", ".5", "number-format"),
    cell("text-nul", 28, "name_zh", "全社会\x00研发投入", "hidden-character"),
    cell("text-bidi-override", 28, "name_zh", "全社会\u202e研发投入", "hidden-character"),
    cell("text-bidi-isolate", 28, "name_en", "R&D \u2066spending\u2069", "hidden-character"),
    cell("key-lrm", 28, "area_id", "overall\u200e", "hidden-character"),
    cell("text-line-separator", 28, "name_zh", "全社会\u2028研发投入", "hidden-character"),
    cell("text-hangul-filler", 28, "name_zh", "\u3164", "hidden-character"),
    cell("text-escape", 28, "name_zh", "全社会\x1b[31m研发投入", "hidden-character"),
    cell("formula-after-newline", 28, "name_zh", "\n=HYPERLINK(\"http://x\")", "formula-like"),
    cell("key-cyrillic-lookalike", 28, "area_id", "оverall", "lookalike-character"),
    # 29 broken descriptors and configuration that used to end in a traceback
    Case("meta-yaml-syntax", 29, edit(AREAS_META, lambda t: t.replace("title_en:", "title_en: [", 1)),
         [(AREAS_META, line_of(AREAS_META, "title_en:")(AREAS_META) + 1, "descriptor-invalid")]),
    Case("meta-binary-value", 29, edit(AREAS_META, lambda t: re.sub(
        r"(?m)^title_en:.*$", "title_en: !!binary aGVsbG8=", t, count=1)),
         [(AREAS_META, line_of(AREAS_META, "title_en:"), "descriptor-invalid")]),
    Case("package-yaml-syntax", 29, edit(PKG, lambda t: t.replace("publisher:", "publisher: {", 1)),
         [(PKG, line_of(PKG, "publisher_en:"), "descriptor-invalid")]),
    Case("limit-not-a-number", 29,
         edit(PKG, lambda t: t.replace("max_cell_chars: 2000", "max_cell_chars: lots")),
         [(PKG, line_of(PKG, "max_cell_chars"), "limits-invalid")]),
    Case("page-front-matter-error", 29, edit(PAGE, lambda t: t.replace("---\n", "---\ntitle: [\n", 1)),
         [(PAGE, 4, "file-unreadable")]),  # where the YAML parser stops: the line after
    Case("page-saved-as-gbk", 29, edit_bytes(PAGE, lambda b: b.decode("utf-8").encode("gb18030")),
         [(PAGE, lambda _: next(n for n, line in enumerate(original(PAGE).split("\n"), 1)
                                if not line.isascii()), "file-unreadable")]),
    Case("chart-height-text", 29, edit("datasets/indicators.meta.yml", lambda t: t.replace(
        "    type: bar\n", "    type: bar\n    height: abc\n", 1)),
         later="height"),
    # 30 resource exhaustion
    Case("yaml-alias-bomb", 30, append(AREAS_META, "bomb: &a [x, x, x, x, x, x, x, x, x]\n" + "".join(
        f"b{i}: &a{i} [*{'a' if i == 0 else f'a{i - 1}'}, *{'a' if i == 0 else f'a{i - 1}'}, "
        f"*{'a' if i == 0 else f'a{i - 1}'}, *{'a' if i == 0 else f'a{i - 1}'}]\n" for i in range(20))),
         [(AREAS_META, lines_in(AREAS_META) + 1, "descriptor-invalid")]),
    Case("csv-100000-columns", 30, edit(IND, lambda t: t.replace("\n", "," * 100_000 + "\n", 1)),
         [(IND, 1, "too-many-columns")]),
    Case("rows-over-limit", 30, edit(PKG, lambda t: re.sub(r"max_rows: *[0-9]+", "max_rows: 5", t, count=1)),
         [(f"datasets/{n}.csv", None, "too-many-rows")
          for n in ("indicators", "plan-categories", "plan-targets", "plan-tasks", "work-areas")]),
    Case("pattern-backtracking", 30, edit(IND_SCHEMA, lambda t: t.replace(
        'pattern: "[a-z0-9]+(-[a-z0-9]+)*"', 'pattern: "([a-z0-9]+)+-?"', 1)),
         [(IND_SCHEMA, line_of(IND_SCHEMA, 'pattern: "[a-z0-9]+(-[a-z0-9]+)*"'), "schema-invalid")]),
    # 31 names: reserved, not ASCII, collisions
    Case("dataset-named-datapackage", 31, new_dataset("datapackage"),
         [("datasets/datapackage.csv", None, "name-reserved")]),
    Case("dataset-named-index", 31, new_dataset("index"), [("datasets/index.csv", None, "name-reserved")]),
    Case("dataset-named-en", 31, new_dataset("en"), [("datasets/en.csv", None, "name-reserved")]),
    Case("dataset-name-space", 31, new_dataset("work areas"),
         [("datasets/work areas.csv", None, "name-invalid")]),
    Case("dataset-name-chinese", 31, new_dataset("工作领域"),
         [("datasets/工作领域.csv", None, "name-invalid")]),
    Case("staff-page-data-index", 31, write("docs/data/index.md", "# 手写的数据目录\n"),
         later="docs/data/index.md"),
    Case("same-chart-twice", 31,
         append("docs/2020/innovation-entities.md", "\n[[chart:high-tech-enterprises]]\n"),
         later="high-tech-enterprises"),
    # 32 misleading messages, now precise
    Case("bom-inside-areas", 32, edit_bytes(AREAS, lambda b: b.replace(
        b"\ninnovation-entities,", b"\n\xef\xbb\xbfinnovation-entities,", 1)),
         [(AREAS, 3, "bom-inside")]),
    Case("cr-cr-lf", 32, edit_bytes(IND, lambda b: b.replace(b"\n", b"\r\r\n")), [(IND, 1, "line-ending")]),
    Case("ctrl-z-at-end", 32, edit_bytes(IND, lambda b: b + b"\x1a"),
         [(IND, lines_in(IND), "control-in-file")]),
    cell("number-1e400", 32, "value", "1e400", "number-too-long"),
    cell("number-invisible-after", 32, "value", "49.3\u200f", "hidden-character"),
]


# ---------------------------------------------------------------- running a case


def inputs(layout: Layout) -> dict[str, str]:
    found: dict[str, str] = {}
    for name in INPUT_DIRS:
        found.update({f"{name}/{k}": v for k, v in digest(layout.root / name).items()})
    for name in INPUT_FILES:
        path = layout.root / name
        found[name] = ("-> " + os.readlink(path)) if path.is_symlink() else \
            hashlib.sha256(path.read_bytes()).hexdigest() if path.exists() else ""
    return found


def snapshot(layout: Layout) -> dict[str, bytes | None]:
    files: dict[str, bytes | None] = {}
    for name in INPUT_DIRS:
        if not (layout.root / name).is_dir():
            continue
        for path in (layout.root / name).rglob("*"):
            if path.is_file() and not path.is_symlink():
                files[path.relative_to(layout.root).as_posix()] = path.read_bytes()
    for name in INPUT_FILES:
        if (layout.root / name).is_file():
            files[name] = (layout.root / name).read_bytes()
    return files


def restore(layout: Layout, pristine: dict[str, bytes | None]) -> None:
    for name in INPUT_DIRS:
        if not (layout.root / name).is_dir():
            continue
        for path in sorted((layout.root / name).rglob("*"), reverse=True):
            rel = path.relative_to(layout.root).as_posix()
            if path.is_symlink() or (path.is_file() and rel not in pristine):
                path.unlink()
            elif path.is_dir() and not any(path.iterdir()):
                path.rmdir()
    for rel, data in pristine.items():
        path = layout.root / rel
        if path.is_symlink():
            path.unlink()
        path.parent.mkdir(parents=True, exist_ok=True)
        if data is not None and (not path.exists() or path.read_bytes() != data):
            path.write_bytes(data)
    for stray in layout.root.parent.glob("outside-*"):
        shutil.rmtree(stray) if stray.is_dir() else stray.unlink()


@dataclass
class Outcome:
    status: int
    stderr: str
    issues: list  # the validation report's errors
    inputs_unchanged: bool
    site_unchanged: bool
    seconds: float


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Layout:
    """A copy with a previously published site/ (a stand-in: every case stops before MkDocs)."""
    return repo_with_previous_site(tmp_path_factory.mktemp("corpus-project") / "repo")


@pytest.fixture(scope="module")
def built_repo(tmp_path_factory) -> Layout:
    """A copy next to the real site/ the session built, for `make build` end to end."""
    return repo_with_site(tmp_path_factory.mktemp("corpus-project-make") / "repo")


@pytest.fixture(scope="module")
def pristine(repo: Layout) -> dict[str, bytes | None]:
    return snapshot(repo)


def run_case(repo: Layout, pristine: dict[str, bytes | None], case: Case, monkeypatch) -> Outcome:
    site_before = digest(repo.site)
    reports = []
    real_validated = validate_mod.validated

    def spy(*args, **kwargs):  # the build's own validation, kept to read its issues
        report, tables = real_validated(*args, **kwargs)
        reports.append(report)
        return report, tables

    monkeypatch.setattr(validate_mod, "validated", spy)
    try:
        case.mutate(repo)
        before = inputs(repo)
        err = io.StringIO()
        started = time.perf_counter()
        with contextlib.redirect_stderr(err):
            status = build.build(repo, log=lambda *_: None)
        seconds = time.perf_counter() - started
        unchanged = inputs(repo) == before
    finally:
        monkeypatch.setattr(validate_mod, "validated", real_validated)
        restore(repo, pristine)
    issues = reports[0].errors if reports else []
    return Outcome(status, err.getvalue(), issues, unchanged, digest(repo.site) == site_before, seconds)


def expected_issues(case: Case) -> list[tuple[str, int | None, str]]:
    out = []
    for rel, row, code in case.expected:
        out.append((rel, row(rel) if callable(row) else row, code))
    return sorted(out, key=lambda i: (i[0], i[1] or 0, i[2]))


def test_the_project_corpus_has_forty_cases_or_more_each_in_the_readme():
    assert len(CASES) >= 40
    assert len({c.name for c in CASES}) == len(CASES)
    readme = (Path(__file__).parent / "fixtures" / "bad" / "README.md").read_text(encoding="utf-8")
    for case in CASES:
        assert f"`{case.name}`" in readme, case.name
    assert {c.kind for c in CASES} == set(range(25, 33))


# Cases that pass validation and stop only once the downloads were made: they draw every chart
# and its images first, so they run next to the real built site, whose drawings and image
# cache they reuse (make test; make check would draw every chart for each).
AFTER_DOWNLOADS = {"staff-page-data-index", "same-chart-twice"}


@pytest.mark.parametrize("case", [c for c in CASES if c.name not in AFTER_DOWNLOADS],
                         ids=[c.name for c in CASES if c.name not in AFTER_DOWNLOADS])
def test_the_build_refuses_each_case_and_changes_nothing(repo, pristine, case: Case, monkeypatch):
    refused_and_nothing_changed(run_case(repo, pristine, case, monkeypatch), case)


@pytest.mark.site
@pytest.mark.parametrize("name", sorted(AFTER_DOWNLOADS))
def test_the_build_refuses_a_late_case_and_changes_nothing(built_repo, name: str, monkeypatch):
    case = next(c for c in CASES if c.name == name)
    refused_and_nothing_changed(run_case(built_repo, snapshot(built_repo), case, monkeypatch), case)


def refused_and_nothing_changed(outcome: Outcome, case: Case) -> None:
    assert outcome.status == 1, outcome.stderr
    assert "site/ 保持原样" in outcome.stderr
    assert "Traceback" not in outcome.stderr
    if case.later:
        assert outcome.issues == [], [i.code for i in outcome.issues]
        assert case.later in outcome.stderr, outcome.stderr
    else:
        found = sorted(((i.path, i.row, i.code) for i in outcome.issues),
                       key=lambda i: (i[0], i[1] or 0, i[2]))
        assert found == expected_issues(case), outcome.stderr
        for issue in outcome.issues:
            for lang in ("zh", "en"):
                assert issue.fix(lang) and "{" not in issue.fix(lang) and "{" not in issue.text(lang)
            where = issue.where("zh")
            assert where in outcome.stderr  # file and line as the build printed them
        assert outcome.stderr.count("修改方法: ") >= len(outcome.issues)
    assert outcome.inputs_unchanged
    assert outcome.site_unchanged
    # Not hanging is a property of each case (a minute is far beyond any refusal, far below
    # an unbounded read); how fast refusals are is measured by the benchmarks, not here.
    assert outcome.seconds < 60


# ---------------------------------------------------------------- end to end, through make


@pytest.mark.site
@pytest.mark.parametrize("name", ["docs-page-symlink-environ", "page-script", "config-extra-javascript-url"])
def test_make_build_refuses_and_leaves_site_byte_identical(built_repo, name):
    case = next(c for c in CASES if c.name == name)
    repo, pristine = built_repo, snapshot(built_repo)
    site_before = digest(repo.site)
    try:
        case.mutate(repo)
        before = inputs(repo)
        result = make(repo)
        unchanged = inputs(repo) == before
    finally:
        restore(repo, pristine)
    assert result.returncode != 0
    for rel, row, code in expected_issues(case):
        assert f"{rel}{f' 第 {row} 行' if row else ''}" in result.stderr and f"[{code}]" in result.stderr
    assert "Traceback" not in result.stdout + result.stderr
    assert unchanged and digest(repo.site) == site_before


# ---------------------------------------------------------------- bounded time and memory

# Peak memory of this process alone: /proc/self/status VmHWM belongs to the process's own
# memory map, where ru_maxrss after exec starts from the parent's (pytest's) peak at fork.
MEASURE = """
import resource, sys, time
from pipeline.validate import run
from pipeline.paths import REPO
started = time.perf_counter()
report = run(REPO)
try:
    status = open("/proc/self/status").read().split("VmHWM:")[1]
    megabytes = int(status.split()[0]) // 1024
except (OSError, IndexError):
    megabytes = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss // 1024
print(len(report.errors), round(time.perf_counter() - started, 2), megabytes)
"""

EXHAUSTING = {
    "yaml-alias-bomb": next(c.mutate for c in CASES if c.name == "yaml-alias-bomb"),
    "csv-100000-columns": next(c.mutate for c in CASES if c.name == "csv-100000-columns"),
    "csv-19mb-of-commas": edit_bytes(IND, lambda b: b.replace(b"\n", b"," * 19_000_000 + b"\n", 1)),
    "csv-19mb-of-rows": edit_bytes(IND, lambda b: b + b"x,2020\n" * 2_500_000),
    "pattern-backtracking": next(c.mutate for c in CASES if c.name == "pattern-backtracking"),
}


@pytest.mark.slow
@pytest.mark.parametrize("name", sorted(EXHAUSTING))
def test_exhausting_inputs_are_refused_within_seconds_and_bounded_memory(repo, pristine, name):
    """Validation (the build's first stage) in a fresh process: bounded time and under 500 MB.

    Unbounded, these inputs take minutes to hours; 30 s leaves room for a loaded machine."""
    import subprocess
    import sys

    try:
        EXHAUSTING[name](repo)
        result = subprocess.run([sys.executable, "-c", MEASURE], cwd=repo.root, capture_output=True,
                                text=True, timeout=60)
    finally:
        restore(repo, pristine)
    assert result.returncode == 0, result.stderr
    errors, seconds, megabytes = result.stdout.split()
    assert int(errors) >= 1
    assert float(seconds) < 30 and int(megabytes) < 500, (seconds, megabytes)


# ---------------------------------------------------------------- no traceback from any command


def _every_command(layout: Layout, scratch: Path, dataset: str) -> list[tuple[str, int, str]]:
    """Run validate (text and GitHub annotations), import, build, package, new-year, revisions
    and the preview's start-up on the project as it stands; (command, status, output) of each.

    Validation runs once per call and its report is shared by the commands that validate
    the whole project (they read the same unchanged files), so the walk stays fast.
    """
    results = []
    sheet = scratch / f"{dataset}.csv"
    source = layout.csv(dataset)
    if source.is_file():
        shutil.copy(source, sheet)
    else:
        sheet.write_text("x\n", encoding="utf-8")

    def validate_both() -> int:
        report = validate_mod.run_paths([str(layout.root)])
        print(report.formatted("text", "zh") + report.formatted("github", "en"))
        return 0 if report.valid else 1

    commands: list[tuple[str, Callable[[], int]]] = [
        ("validate", validate_both),
        ("import", lambda: importer.import_file(layout, sheet, dataset, dry_run=True,
                                                reason="统计部门公布了最终核实数")),
        ("build", lambda: build.build(layout, log=print)),
        ("package", lambda: package_cmd_run(layout)),
        ("new-year", lambda: newyear.main(argparse.Namespace(year=2031, out=scratch / "updates"), layout)),
        ("revisions", lambda: revisions.main(argparse.Namespace(
            base="HEAD", record=False, reason=None, reason_from_commit=False, lang="zh"), layout)),
        ("serve-start", lambda: 0 if serve.regenerate(layout) else 1),
    ]
    memo: dict[object, object] = {}
    real_run = validate_mod.run

    def shared(layout_: Layout = REPO, targets=None, lang: str = "zh"):
        key = (layout_.root, tuple(targets) if targets else None, lang)
        if key not in memo:
            memo[key] = real_run(layout_, targets, lang)
        return memo[key]

    validate_mod.run = shared  # type: ignore[assignment]
    try:
        for name, command in commands:
            out, err = io.StringIO(), io.StringIO()
            try:
                with contextlib.redirect_stdout(out), contextlib.redirect_stderr(err):
                    status = command()
            except SystemExit as exc:
                status = int(exc.code or 0)
            except Exception:  # what would reach the user as a traceback
                status = -1
                err.write(traceback.format_exc())
            results.append((name, status, out.getvalue() + err.getvalue()))
    finally:
        validate_mod.run = real_run  # type: ignore[assignment]
    return results


def package_cmd_run(layout: Layout) -> int:
    """`python -m pipeline package --check` on the layout (the command reads REPO)."""
    original_repo = package_cmd.REPO
    package_cmd.REPO = layout
    try:
        return package_cmd.main(argparse.Namespace(check=True))
    finally:
        package_cmd.REPO = original_repo


def _walk(layout: Layout, pristine: dict[str, bytes | None], cases: list[tuple[str, Mutation]],
          dataset: str, scratch: Path) -> list[str]:
    failures = []
    for number, (name, mutate) in enumerate(cases):
        folder = scratch / str(number)
        folder.mkdir(parents=True)
        try:
            mutate(layout)
            for command, status, output in _every_command(layout, folder, dataset):
                if "Traceback" in output or status not in (0, 1, 2):
                    failures.append(f"{name} / {command} -> {status}\n{output[-3000:]}")
        finally:
            restore(layout, pristine)
    return failures


BAD_CSVS = sorted((Path(__file__).parent / "fixtures" / "bad").glob("*.csv"))


# Every case of the kinds whose files every command reads (links, descriptors and limits,
# exhaustion, names), and the first case of the others: the contents of pages,
# configuration and cells are read by validation only, which every command runs first, and
# the build runs over every case in test_the_build_refuses_each_case_and_changes_nothing.
WALKED = [c for c in CASES if c.kind in (25, 29, 30, 31)] + [
    next(c for c in CASES if c.kind == kind) for kind in (26, 27, 28, 32)]


@pytest.mark.slow
def test_no_command_prints_a_traceback_on_any_project_case(repo, pristine, tmp_path):
    """Every command over the cases of this corpus, in the copy of the repository."""
    failures = _walk(repo, pristine, [(c.name, c.mutate) for c in WALKED], "indicators", tmp_path)
    assert not failures, "\n\n".join(failures[:5])


@pytest.mark.slow
def test_no_command_prints_a_traceback_on_any_bad_csv(tmp_path):
    """Every command over every file of tests/fixtures/bad/, each in place of the synthetic
    fixture project's figures.csv (a project without pages: the build stops with a message)."""
    root = tmp_path / "project"
    shutil.copytree(Path(__file__).parent / "fixtures" / "project", root)
    layout = Layout(root)
    pristine = snapshot(layout)
    cases = [(p.name, write("datasets/figures.csv", p.read_bytes())) for p in BAD_CSVS]
    failures = _walk(layout, pristine, cases, "figures", tmp_path / "runs")
    assert not failures, "\n\n".join(failures[:5])
