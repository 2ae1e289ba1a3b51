"""A build that fails at any step leaves the previous site/ exactly as it was.

One copy of the repository starts with a previously published site/ (a small
stand-in: these builds stop before MkDocs). Each test breaks one step of the
chain — validation, figures and charts, pages, the script bundle, the data
and chart downloads — runs the build in process, and compares a hash of every
file of site/ before and after. Each test undoes its change, so the next one
starts from a good copy again.

The swap that puts a new site/ in place is tested on its own (swap()); one case
runs the whole chain end to end (MkDocs refusing a broken link, after every
other stage ran) next to the real site/ the session built.
"""
from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from pipeline import build, chart_exports, charts
from pipeline.paths import Layout
from tests.repocopy import digest, repo_with_previous_site, repo_with_site


@pytest.fixture(scope="module")
def repo(tmp_path_factory) -> Layout:
    return repo_with_previous_site(tmp_path_factory.mktemp("atomic") / "repo")


@pytest.fixture(scope="module")
def built_repo(tmp_path_factory) -> Layout:
    return repo_with_site(tmp_path_factory.mktemp("atomic-built") / "repo")


@contextmanager
def changed(path: Path, change: Callable[[str], str]) -> Iterator[None]:
    original = path.read_bytes()
    text = original.decode("utf-8")
    after = change(text)
    assert after != text
    path.write_text(after, encoding="utf-8")
    try:
        yield
    finally:
        path.write_bytes(original)


def fails_and_leaves_site(repo: Layout, capsys, message: str) -> None:
    before = digest(repo.site)
    assert len(before) >= 5
    assert build.build(repo, log=lambda *_: None) == 1
    err = capsys.readouterr().err
    assert re.search(message, err), err
    assert "site/ 保持原样" in err
    assert digest(repo.site) == before
    assert not (repo.build / "site.new").exists() and not (repo.build / "site.old").exists()


def test_validation_failure(repo, capsys):
    with changed(repo.csv("indicators"), lambda t: t.replace(",49.3,", ",四十九点三,", 1)):
        fails_and_leaves_site(repo, capsys, r"数据校验未通过[\s\S]*indicators.csv 第 2 行 value 列")


def test_chart_failure_unknown_chart_type(repo, capsys):
    with changed(repo.meta("indicators"), lambda t: t.replace("    type: bar\n", "    type: pie3d\n", 1)):
        fails_and_leaves_site(repo, capsys, r"图表或数字有误.*未知的图表类型 'pie3d'")


def test_chart_failure_where_selects_nothing(repo, capsys):
    with changed(repo.meta("indicators"),
                 lambda t: t.replace("where: {indicator_id: high-tech-enterprises}",
                                     "where: {indicator_id: no-such-indicator}", 1)):
        fails_and_leaves_site(repo, capsys, r"图表或数字有误.*where")


@pytest.mark.slow
def test_page_failure_bad_placeholder(repo, capsys):
    with changed(repo.docs / "2020/index.md", lambda t: t + "\n不存在的数字[[fig:no-such-figure@2020]]。\n"):
        fails_and_leaves_site(repo, capsys, r"页面中的占位符有误[\s\S]*no-such-figure")


@pytest.mark.slow  # runs esbuild on the real scripts
def test_bundle_failure_script_syntax_error(repo, capsys):
    with changed(repo.web / "charts.js", lambda t: t + "\nfunction (\n"):
        fails_and_leaves_site(repo, capsys, r"打包图表脚本失败")


@pytest.mark.slow
def test_download_failure_chart_image(repo, capsys, monkeypatch):
    """Chromium failing to draw a chart PNG (after pages and bundle were generated)."""
    def broken(missing):
        raise chart_exports.ExportError("Chromium 绘制图片失败（测试）")

    monkeypatch.setattr(chart_exports, "pngs", lambda layout, images: broken(images))
    fails_and_leaves_site(repo, capsys, r"Chromium 绘制图片失败")


@pytest.mark.site
def test_mkdocs_failure_broken_link_under_strict(built_repo, capsys):
    """End to end: every stage ran, MkDocs refuses; the real built site/ is left as it was."""
    with changed(built_repo.docs / "2020/index.md",
                 lambda t: t + "\n一个坏链接：[这里](missing-page.md)。\n"):
        fails_and_leaves_site(built_repo, capsys, r"MkDocs 构建失败[\s\S]*missing-page.md")


def test_unexpected_error_in_a_stage(repo, capsys, monkeypatch):
    """A bug in a stage raises (with its traceback), and still leaves site/ alone.

    The bug is put in the chart stage, after validation and the model and before anything
    is drawn: build() handles a bug the same way whichever stage raises it, and the test
    then needs no Node to draw every chart first."""
    before = digest(repo.site)

    def bug(*args, **kwargs):
        raise RuntimeError("a bug")

    monkeypatch.setattr(charts, "build_all", bug)
    with pytest.raises(RuntimeError, match="a bug"):
        build.build(repo, log=lambda *_: None)
    assert "site/ 保持原样" in capsys.readouterr().err
    assert digest(repo.site) == before


# ---------------------------------------------------------------- the swap itself


def folder(path: Path, files: dict[str, str]) -> Path:
    for rel, text in files.items():
        (path / rel).parent.mkdir(parents=True, exist_ok=True)
        (path / rel).write_text(text, encoding="utf-8")
    return path


def test_swap_puts_the_new_site_in_place_and_leaves_nothing_behind(tmp_path):
    scratch = tmp_path / ".build"
    scratch.mkdir()
    site = folder(tmp_path / "site", {"index.html": "old", "gone.html": "old"})
    new = folder(scratch / "site.new", {"index.html": "new", "2020/index.html": "new"})
    build.swap(new, site, scratch)
    assert digest(site) == digest(folder(tmp_path / "expected", {"index.html": "new",
                                                                  "2020/index.html": "new"}))
    assert sorted(p.name for p in scratch.iterdir()) == []


def test_swap_without_a_previous_site_and_after_an_interrupted_one(tmp_path):
    scratch = tmp_path / ".build"
    folder(scratch / "site.old", {"stale.html": "left by an interrupted build"})
    new = folder(scratch / "site.new", {"index.html": "new"})
    build.swap(new, tmp_path / "site", scratch)
    assert (tmp_path / "site" / "index.html").read_text(encoding="utf-8") == "new"
    assert not (scratch / "site.old").exists() and not new.exists()


def test_failed_swap_puts_the_old_site_back(tmp_path, monkeypatch):
    """If site.new cannot be renamed to site/, the old site/ is renamed back and the build fails."""
    scratch = tmp_path / ".build"
    site = folder(tmp_path / "site", {"index.html": "old", "data/a.csv": "a,b\r\n"})
    new = folder(scratch / "site.new", {"index.html": "new"})
    before = digest(site)
    real_rename = Path.rename

    def rename(self: Path, target):
        if self.name == "site.new":
            raise OSError("disk trouble")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    with pytest.raises(build.BuildError, match="disk trouble"):
        build.swap(new, site, scratch)
    assert digest(site) == before
    assert not (scratch / "site.old").exists()


def test_a_failed_swap_fails_the_build_and_cleans_up(repo, capsys, monkeypatch):
    """build() around a swap that fails: it reports, leaves site/ alone and removes site.new.
    (Generating and rendering are left out here; the MkDocs case above runs them.)"""
    monkeypatch.setattr(build, "generate", lambda layout, log: None)

    def run_mkdocs(layout, out, *_) -> str:  # renders a one-page site; no theme notice
        folder(out, {"index.html": "new"})
        return ""

    monkeypatch.setattr(build, "run_mkdocs", run_mkdocs)
    real_rename = Path.rename

    def rename(self: Path, target):
        if self.name == "site.new":
            raise OSError("disk trouble")
        return real_rename(self, target)

    monkeypatch.setattr(Path, "rename", rename)
    fails_and_leaves_site(repo, capsys, r"无法用新网站替换 site/：disk trouble")
