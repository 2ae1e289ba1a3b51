"""The site engine layer is thin: the generated pages build the same with MkDocs and Zensical.

Over the session's shared build (tests/sitebuild.py), whose generated docs tree
(.build/docs) MkDocs rendered:

- Zensical (pinned to 0.0.73, the successor of Material for MkDocs) builds the
  same generated pages with the same root mkdocs.yml, and the offline link
  check (pipeline/linkcheck.py) finds no broken internal link or anchor in its
  output: the generated Markdown links to source files, which both engines
  resolve, never to output URLs worked out for one of them;
- every page MkDocs wrote, Zensical writes too;
- the theme's end-of-life notice is passed on by the build, not silenced.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from pipeline import build, docs, linkcheck
from pipeline.paths import REPO, Layout
from tests.sitebuild import built_site

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
