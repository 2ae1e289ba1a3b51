"""Two builds of the same sources give a byte-identical site/.

The session's shared build (tests/sitebuild.py: in-process, in one temporary
folder) is compared with `make build` run in a fresh copy of the repository
at another path, in another process with another hash seed, in another time
zone, with no chart image cache (so every PNG is drawn again by Chromium).
Every file must have the same bytes: pages, search index, sitemap.xml and
its .gz, chart option JSON, downloads (CSV, XLSX, JSON, ZIP, checksums),
chart SVG and PNG images, embed pages and the script bundle.

Dates come from SOURCE_DATE_EPOCH or git (the last commit), never the clock.
"""

from __future__ import annotations

import gzip
import re
import subprocess
from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from pipeline import build
from pipeline.paths import Layout
from tests.repocopy import digest, make, repo_with_site
from tests.sitebuild import built_site, site_port

TEXT_SUFFIXES = {".html", ".js", ".css", ".json", ".xml", ".csv", ".txt", ".svg", ".map", ""}


@pytest.fixture(scope="module")
def two_builds(tmp_path_factory) -> tuple[Layout, Layout]:
    first = built_site()
    copy = repo_with_site(tmp_path_factory.mktemp("again") / "deeper" / "repo", site=False)
    env = {"SITE_URL": f"http://127.0.0.1:{site_port()}/",
           "PYTHONHASHSEED": "12345", "TZ": "America/Los_Angeles"}
    result = make(copy, env=env)
    assert result.returncode == 0, result.stderr
    # the shared site has its PDFs too (make pdf, as CI does before deploying)
    result = make(copy, "pdf", env=env)
    assert result.returncode == 0, result.stderr
    return first, copy


@pytest.mark.site
def test_two_builds_are_byte_identical(two_builds):
    first, second = two_builds
    one, two = digest(first.site), digest(second.site)
    assert len(one) > 100
    assert sorted(one) == sorted(two)
    differing = sorted(rel for rel in one if one[rel] != two[rel])
    assert differing == []


@pytest.mark.site
def test_no_build_folder_path_leaks_into_the_site(two_builds):
    for layout in two_builds:
        roots = {str(layout.root), str(layout.root.resolve()), str(Path.home())}
        for path in layout.site.rglob("*"):
            if path.is_file() and path.suffix in TEXT_SUFFIXES:
                text = path.read_text(encoding="utf-8", errors="replace")
                for root in roots:
                    assert root not in text, (path, root)


@pytest.mark.site
def test_no_date_comes_from_the_clock(two_builds):
    """Today's date appears nowhere, unless the build's own date (SOURCE_DATE_EPOCH) is today
    or the data records it (a revision recorded today is dated today)."""
    first, _ = two_builds
    epoch = int(build.source_date_epoch(first))
    now = datetime.now(UTC)
    days = {now.astimezone(tz).date() for tz in (UTC, timezone(timedelta(hours=8)))}
    days -= {datetime.fromtimestamp(epoch, UTC).date()}
    # a date the project's own data records is data, not the clock (a revision recorded today)
    recorded = "".join(p.read_text(encoding="utf-8") for p in first.datasets.glob("*.csv"))
    days = {day for day in days if day.isoformat() not in recorded}
    patterns = set()
    for day in days:
        patterns |= {day.isoformat(), f"{day.year}年{day.month}月{day.day}日", day.strftime("%Y%m%d")}
    for path in first.site.rglob("*"):
        if path.is_file() and path.suffix in TEXT_SUFFIXES:
            text = path.read_text(encoding="utf-8", errors="replace")
            for pattern in patterns:
                assert pattern not in text, (path, pattern)


@pytest.mark.site
def test_sitemap_dates_are_the_source_date(two_builds):
    first, _ = two_builds
    epoch = int(build.source_date_epoch(first))
    day = datetime.fromtimestamp(epoch, UTC).date().isoformat()
    xml = (first.site / "sitemap.xml").read_text(encoding="utf-8")
    dates = set(re.findall(r"<lastmod>(.*?)</lastmod>", xml))
    assert dates == {day}
    raw = (first.site / "sitemap.xml.gz").read_bytes()
    assert int.from_bytes(raw[4:8], "little") == epoch  # gzip header MTIME
    assert gzip.decompress(raw).decode("utf-8") == xml


def _git(root: Path, *args: str, date: str | None = None) -> str:
    env = {"GIT_AUTHOR_NAME": "t", "GIT_AUTHOR_EMAIL": "t@example.org", "GIT_COMMITTER_NAME": "t",
           "GIT_COMMITTER_EMAIL": "t@example.org", "PATH": "/usr/bin:/bin", "HOME": str(root)}
    if date:
        env |= {"GIT_AUTHOR_DATE": date, "GIT_COMMITTER_DATE": date}
    return subprocess.run(["git", "-C", str(root), *args], capture_output=True, text=True,
                          check=True, env=env).stdout.strip()


def test_build_date_is_the_last_commit_unless_source_date_epoch_is_set(tmp_path, monkeypatch):
    monkeypatch.delenv("SOURCE_DATE_EPOCH", raising=False)
    layout = Layout(tmp_path)
    assert build.source_date_epoch(layout) == "0"  # no git, no variable: a fixed date, not now
    _git(tmp_path, "init", "-q")
    (tmp_path / "a.txt").write_text("a", encoding="utf-8")
    _git(tmp_path, "add", "a.txt")
    _git(tmp_path, "commit", "-q", "-m", "a", date="2021-03-04T05:06:07+00:00")
    assert build.source_date_epoch(layout) == "1614834367"
    assert build.mkdocs_env(layout)["SOURCE_DATE_EPOCH"] == "1614834367"
    monkeypatch.setenv("SOURCE_DATE_EPOCH", "1609459200")
    assert build.source_date_epoch(layout) == "1609459200"
