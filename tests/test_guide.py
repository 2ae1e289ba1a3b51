"""The staff guide explains every code a staff member can meet, generated from the catalogues."""

from __future__ import annotations

import argparse
from pathlib import Path

import pytest
import yaml

from pipeline import guide
from pipeline.messages import CATALOGUE
from pipeline.paths import REPO


def test_guide_tables_are_current() -> None:
    assert guide.main(argparse.Namespace(check=True)) == 0, "run: python -m pipeline guide"


@pytest.mark.parametrize("code", list(CATALOGUE))
def test_every_code_is_explained_in_the_guide(code: str) -> None:
    text = guide.guide_path().read_text(encoding="utf-8")
    rows = [line for line in text.splitlines() if line.startswith(f"| `{code}` |")]
    assert len(rows) == 1, code
    cells = rows[0].split(" | ")
    assert all(c.strip(" |") for c in cells), rows[0]


def test_a_stale_guide_is_caught_and_regenerated(tmp_path: Path) -> None:
    copy = tmp_path / "index.md"
    text = guide.guide_path().read_text(encoding="utf-8")
    copy.write_text(text.replace("| `no-rows` |", "| `no-rowz` |"), encoding="utf-8")
    assert guide.main(argparse.Namespace(check=True), copy) == 1
    assert guide.main(argparse.Namespace(check=False), copy) == 0
    assert copy.read_text(encoding="utf-8") == text


def test_placeholders_read_as_words_and_nothing_is_expanded_by_the_site() -> None:
    tables = guide.error_tables()
    assert "{" not in tables.replace("\\{", "")
    assert "[[" not in tables
    assert guide._readable("第 {row} 行 {value!r} {column}") == "第 〈行号〉 行 〈值〉 〈列名〉"


def test_the_guide_is_in_the_navigation() -> None:
    config = (REPO.root / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load(config.split("\nnav:\n", 1)[1].join(["nav:\n", ""]))["nav"]
    assert {"数据更新指南": "guide/index.md"} in nav
    assert {"提示代码一览": guide.guide_path().relative_to(REPO.docs).as_posix()} in nav


def test_the_guide_covers_the_whole_loop() -> None:
    text = (REPO.docs / "guide" / "index.md").read_text(encoding="utf-8")
    for needle in ("python -m pipeline import", "--dry-run", "make serve", "git commit",
                   "python -m pipeline new-year", "--reason", "python -m pipeline revisions",
                   "pre-commit install", "make build"):
        assert needle in text, needle


def test_the_new_year_page_tells_staff_about_the_archive_and_is_in_the_navigation() -> None:
    """The staff guide's subpage on editions: the home page's [[editions]] placeholder and each
    edition's data as published, linked from the guide and listed in the navigation."""
    config = (REPO.root / "mkdocs.yml").read_text(encoding="utf-8")
    nav = yaml.safe_load(config.split("\nnav:\n", 1)[1].join(["nav:\n", ""]))["nav"]
    assert {"新的一年": "guide/new-year.md"} in nav
    text = (REPO.docs / "guide" / "new-year.md").read_text(encoding="utf-8")
    for needle in ("python -m pipeline new-year", "[&#91;editions]]", "datasets/sources.csv",
                   "/data/editions/", "published:", "next:"):
        assert needle in text, needle
    assert "(new-year.md)" in (REPO.docs / "guide" / "index.md").read_text(encoding="utf-8")
