"""The site engine layer is thin: the generated pages build the same with MkDocs and Zensical.

Over the session's shared build (tests/sitebuild.py), whose generated docs tree
(.build/docs) MkDocs rendered:

- Zensical (pinned to 0.0.73, the successor of Material for MkDocs) builds the
  same generated pages with the same root mkdocs.yml, and the offline link
  check (pipeline/linkcheck.py) finds no broken internal link or anchor in its
  output: the generated Markdown links to source files, which both engines
  resolve, never to output URLs worked out for one of them;
- every page MkDocs wrote, Zensical writes too;
- the theme's end-of-life notice is passed on by the build, not silenced;
- a revised figure's 修订 mark in raw HTML (a chapter's chart table, the plan's targets
  and figures tables) leads to its revision in both engines' output (a small site of its
  own: the shared build's data has no revision).
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import build, charts, docs, linkcheck, markup, pages, revision_log
from pipeline.paths import REPO, Layout
from tests import markup as html
from tests.sitebuild import built_site
from tests.synthetic import data, indicator, target

pytestmark = pytest.mark.site  # every test here reads the session's built site


@pytest.fixture(scope="module")
def site() -> Layout:
    return built_site()


@pytest.fixture(scope="module")
def zensical_site(site: Layout, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The shared build's generated pages, built again by Zensical in a folder of their own
    (mkdocs.yml names site/ as the output, and the shared site/ must stay MkDocs')."""
    root = tmp_path_factory.mktemp("zensical")
    shutil.copy(site.root / "mkdocs.yml", root / "mkdocs.yml")
    shutil.copytree(site.root / "overrides", root / "overrides")
    shutil.copytree(site.generated_docs, root / site.generated_docs.relative_to(site.root))
    proc = subprocess.run(
        [sys.executable, "-m", "zensical", "build", "--config-file", "mkdocs.yml", "--clean"],
        cwd=root, capture_output=True, text=True, timeout=600, check=False,
        env=build.mkdocs_env(site),
    )
    assert proc.returncode == 0, proc.stdout + proc.stderr
    out = root / "site"
    # As CI does after building (make pdf): the editions' PDFs, which the pages link to.
    for pdf in (site.site / "data").glob("*.pdf"):
        shutil.copy(pdf, out / "data" / pdf.name)
    return out


def test_zensical_build_has_no_broken_internal_link(zensical_site: Path):
    broken, checked, _external = linkcheck.check(zensical_site)
    assert checked > 1000  # every page's links were read, not an empty site
    assert broken == [], "\n".join(f"{b.page}: {b.link} — {b.reason}" for b in broken[:20])


def test_zensical_writes_every_page_mkdocs_writes(site: Layout, zensical_site: Path):
    def pages(root: Path) -> set[str]:
        return {p.relative_to(root).as_posix() for p in root.rglob("index.html")}

    mkdocs_pages = pages(site.site)
    latest = max(e.year for e in docs.editions(REPO) if not e.draft)
    assert {"index.html", "data/index.html", "data/en/index.html",
            f"{latest}/index.html"} <= mkdocs_pages
    assert mkdocs_pages <= pages(zensical_site)


def test_the_theme_end_of_life_notice_is_shown(site: Layout, tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch):
    monkeypatch.delenv("NO_MKDOCS_2_WARNING", raising=False)
    assert "NO_MKDOCS_2_WARNING" not in build.mkdocs_env(site)
    notice = build.run_mkdocs(site, tmp_path / "out")
    assert "end of life" in notice and "Zensical" in notice
    assert "\x1b[" not in notice  # readable in a log: no terminal colours
    # CI does not silence it either
    assert "NO_MKDOCS_2_WARNING" not in (REPO.root / ".github/workflows/ci.yml").read_text("utf-8")


def test_revision_marks_in_raw_html_lead_to_the_revision_in_both_engines(tmp_path: Path):
    """The marks sit in HTML tables on pages whose source (2020/a.md) is not where their output
    is (2020/a/): MkDocs leaves a relative link there relative to the page's URL, Zensical
    rewrites it as if relative to the source file, so only a link both read alike works."""
    year = max(docs.edition_years(REPO))
    d = data([indicator("x", year - 1, 100), indicator("x", year, 120)],
             [target("t", "level", 240, baseline_year=year - 1, plan_year=year)])
    chart = charts.build_xy({"id": "c", "type": "bar", "title": "标题", "unit": "家", "where": {},
                             "x": "year", "y": "value"},
                            [{"indicator_id": "x", "year": y, "value": v}
                             for y, v in ((year - 1, 100), (year, 120))], "某报告", "indicators")
    log = [revision_log.Revision("plan-targets", f"{year}/t", "value", "230", "240", "2099-01-02"),
           revision_log.Revision("indicators", f"x/{year}", "value", "119", "120", "2099-01-02")]
    source = tmp_path / "source"
    for rel, text in {"index.md": "# 首页\n", f"{year}/index.md": "---\nheadline: [x]\n---\n# 报告\n",
                      f"{year}/a.md": "# 载体\n\n[[chart:c]]\n",
                      f"{year}/plan.md": "# 计划\n\n[[targets]]\n\n[[figures:a]]\n"}.items():
        (source / rel).parent.mkdir(parents=True, exist_ok=True)
        (source / rel).write_text(text, encoding="utf-8")
    out = tmp_path / "docs"
    pages.write(source, out, d, {"c": chart}, "某报告", revisions=log)
    # each dataset page's revisions, as the catalog writes them (the anchors the marks link to)
    table = markup.ENV.get_template("catalog_parts.md").module.revisions  # type: ignore[attr-defined]
    for r in log:
        (out / f"data/{r.dataset}.md").parent.mkdir(parents=True, exist_ok=True)
        (out / f"data/{r.dataset}.md").write_text(f"# {r.dataset}\n\n" + str(table([{
            **r.__dict__, "anchor": revision_log.anchor(r.dataset, r.key)}])), encoding="utf-8")
    (tmp_path / "mkdocs.yml").write_text(
        "site_name: t\nsite_url: http://127.0.0.1:8000/\ndocs_dir: docs\n"
        "markdown_extensions: [attr_list, md_in_html, tables]\n", encoding="utf-8")
    for engine, out_dir in (("mkdocs", "mkdocs-site"), ("zensical", "site")):
        # Zensical writes to site/ (it has no --site-dir); MkDocs is told to write elsewhere
        where = ["--site-dir", out_dir] if engine == "mkdocs" else ["--clean"]
        proc = subprocess.run(
            [sys.executable, "-m", engine, "build", "--config-file", "mkdocs.yml", *where],
            cwd=tmp_path, capture_output=True, text=True, timeout=300, check=False)
        assert proc.returncode == 0, proc.stdout + proc.stderr
        built = tmp_path / out_dir
        marks = [a.get("href") for rel in ("a", "plan")
                 for a in html.find(html.parse((built / f"{year}/{rel}/index.html").read_text(
                     encoding="utf-8")), "a", cls="revision-mark")]
        # the chart table; the targets table's target and actual; the figures table
        assert len(marks) == 4, (engine, marks)
        broken, _checked, _external = linkcheck.check(built)
        wrong = [b for b in broken if "#revision-" in b.link]
        assert wrong == [], (engine, [f"{b.page}: {b.link} — {b.reason}" for b in wrong])
