"""The checks on everything around the data (pipeline/checks/project.py), one rule at a time.

In-process and on text, so each rule is shown to refuse what it must and to let
through what pages legitimately hold: links to other sites, code that shows
markup, relative images, data: images.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline import pages
from pipeline.checks import patterns, project
from pipeline.paths import REPO, Layout


def codes(text: str, **kwargs: bool) -> list[tuple[int | None, str]]:
    return [(i.row, i.code) for i in project.check_page_text(text, "docs/x.md", **kwargs)]


@pytest.mark.parametrize(("text", "expected"), [
    ("<script>alert(1)</script>", [(1, "page-script")]),
    ("a\n<SCRIPT\n>x</script>", [(2, "page-script")]),
    ('<img src="x.png" onerror="alert(1)">', [(1, "page-event-handler")]),
    ('<svg onload=alert(1)>', [(1, "page-event-handler")]),
    ('<a href="javascript:alert(1)">x</a>', [(1, "unsafe-url")]),
    ('<a href="JaVaScRiPt&#58;alert(1)">x</a>', [(1, "unsafe-url")]),
    ("[x](javascript:alert(1))", [(1, "unsafe-url")]),
    ("[x]: javascript:alert(1)", [(1, "unsafe-url")]),
    ('<iframe src="data:text/html;base64,PHNjcmlwdD4="></iframe>', [(1, "unsafe-url")]),
    ('<img src="https://evil.example/a.png">', [(1, "foreign-resource")]),
    ('<img srcset="a.png 1x, //evil.example/b.png 2x">', [(1, "foreign-resource")]),
    ("![x](https://evil.example/a.png)", [(1, "foreign-resource")]),
    ('<link rel="stylesheet" href="https://fonts.example/a.css">', [(1, "foreign-resource")]),
    ('<link rel="preload" href="//cdn.example/font.woff2">', [(1, "foreign-resource")]),
    ('<p style="background:url(//t.example/a.gif)">x</p>', [(1, "foreign-resource")]),
    ("<style>@import 'https://x.example/a.css';</style>", [(1, "foreign-resource")]),
    ('<object data="https://x.example/a.swf"></object>', [(1, "foreign-resource")]),
])
def test_pages_refuse_scripts_handlers_script_urls_and_foreign_resources(text, expected):
    assert codes(text) == expected


@pytest.mark.parametrize("text", [
    "[国家统计局](https://www.stats.gov.cn/) 与 <https://example.org/>",
    '<a href="https://example.org/" target="_blank" rel="noopener">外部链接</a>',
    '<link rel="license" href="https://creativecommons.org/licenses/by/4.0/">',
    "![图](../assets/chart.png) <img src=\"assets/a.png\" alt=\"\">",
    '<img src="data:image/png;base64,iVBORw0KGgo=" alt="">',
    "```html\n<script>alert(1)</script>\n<img src=\"https://x.example/a.png\">\n```",
    "行内代码 `<script>` 与 `onclick=` 只是文字",
    "    <script>indented code</script>",
    "一个人 online=true 的说明，onward = 前进",
])
def test_pages_keep_links_to_other_sites_code_and_local_resources(text):
    assert codes(text) == []


def test_css_files_may_not_import_or_load_from_other_sites():
    css = ("body { color: red }\n@import url('https://fonts.example/x.css');\n"
           ".a { background: url(img/a.png) }\n")
    assert [(i.row, i.code) for i in project.check_page_text(css, "x.css", markdown=False, css=True)] == [
        (2, "foreign-resource")]


@pytest.fixture
def site_project(tmp_path: Path) -> Layout:
    root = tmp_path / "p"
    for name in ("datasets", "schemas", "docs", "web"):
        shutil.copytree(REPO.root / name, root / name)
    shutil.copy(REPO.mkdocs_config, root / "mkdocs.yml")
    return Layout(root)


def test_the_repository_itself_passes_every_project_check():
    issues, refused = project.check(REPO)
    assert issues == [] and refused == set()


@pytest.mark.parametrize(("addition", "what"), [
    ("extra_javascript:\n  - https://cdn.example/a.js\n", "config-foreign"),
    ("extra_css:\n  - path: //cdn.example/a.css\n", "config-foreign"),
    ("google_analytics: ['UA-1', 'auto']\n", "config-analytics"),
    ("hooks:\n  - ../elsewhere/hook.py\n", "config-foreign"),
    ("x: !!python/name:os.system\n", "config-foreign"),
])
def test_configuration_adds_nothing_from_other_origins_and_runs_nothing(site_project, addition, what):
    text = site_project.mkdocs_config.read_text(encoding="utf-8")
    site_project.mkdocs_config.write_text(text + addition, encoding="utf-8")
    found = project.check_mkdocs(site_project)
    assert [i.code for i in found] == [what]
    first_added = len(text.split("\n"))
    assert first_added <= found[0].row <= first_added + addition.count("\n") - 1  # an added line


def test_a_symlink_inside_the_repository_may_stay(site_project):
    (site_project.docs / "same.css").symlink_to("assets/stylesheets/extra.css")
    assert project.check_files(site_project) == []
    (site_project.docs / "out.css").symlink_to("/etc/hostname")
    [issue] = project.check_files(site_project)
    assert (issue.path, issue.code) == ("docs/out.css", "file-outside")
    assert "/etc/hostname" in issue.text("en")


@pytest.mark.parametrize(("name", "code"), [
    ("plan-targets", None), ("x2", None), ("index", "name-reserved"), ("datapackage", "name-reserved"),
    ("en", "name-reserved"), ("Plan", "name-invalid"), ("my data", "name-invalid"),
    ("地区", "name-invalid"), ("a--b", "name-invalid"), ("-a", "name-invalid"),
    ("kjj-annual-report", "name-reserved"),
])
def test_dataset_names_follow_one_pattern_and_avoid_reserved_names(name, code):
    found = project.check_name(name, f"datasets/{name}.csv", "kjj-annual-report")
    assert [i.code for i in found] == ([code] if code else [])


@pytest.mark.parametrize(("pattern", "safe"), [
    ("[a-z0-9]+(-[a-z0-9]+)*", True), ("[0-9]{4}-C[0-9]+", True), ("[a-z][a-z0-9_]*", True),
    ("(a+)+$", False), ("(a|aa)*$", False), ("(.*)*x", False), ("[0-9]*[0-9]*[0-9]*x", False),
    ("(a)\\1", False), ("(?=a)a", False), ("x" * 400, False),
])
def test_schema_patterns_outside_the_safe_subset_are_refused(pattern, safe):
    assert (patterns.unsafe(pattern) is None) is safe


def test_placeholders_inside_code_are_shown_literally():
    page = pages.Page("guide/x.md", "用法：`[[fig:nothing@2020]]`\n\n```\n[[chart:nothing]]\n```\n", {}, 1)
    site = pages.ReportPages(data=None, charts={}, pages=[page], source_title="t")  # type: ignore[arg-type]
    text, problems = pages.expand(page, site)
    assert problems == []
    assert "`[[fig:nothing@2020]]`" in text and "\n[[chart:nothing]]\n" in text
