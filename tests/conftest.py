"""Shared fixtures: a tiny synthetic project (tests/fixtures/project) copied per test.

Markers (pyproject.toml): `site` for tests that need the real site built, `browser` for
tests that open Chromium, `slow` for others that take long; `make check` leaves all three out.
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from pipeline.paths import Layout
from tests import sitebuild

FIXTURES = Path(__file__).parent / "fixtures"


def pytest_configure(config: pytest.Config) -> None:
    """The session's shared folder (tests/sitebuild.py), made by the process that starts the
    workers (or runs alone) before any worker starts, so every worker finds it."""
    if not hasattr(config, "workerinput"):
        config.stash[SESSION] = sitebuild.start_session()


def pytest_unconfigure(config: pytest.Config) -> None:
    if SESSION in config.stash:  # every worker has finished
        sitebuild.end_session(config.stash[SESSION])


SESSION = pytest.StashKey[Path]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_protocol(item, nextitem):
    """Let tests/sitebuild.py know which test runs (it holds tests that build to the `site` marker)."""
    sitebuild.running.append(item)
    try:
        return (yield)
    finally:
        sitebuild.running.remove(item)


@pytest.fixture
def project(tmp_path: Path) -> Layout:
    """A fresh copy of the synthetic fixture project (datasets areas and figures)."""
    root = tmp_path / "project"
    shutil.copytree(FIXTURES / "project", root)
    return Layout(root)


@pytest.fixture
def repo_copy(tmp_path: Path) -> Layout:
    """A copy of the repository's own datasets, schemas and datapackage.json, with each
    edition's docs/YEAR/index.md (its front matter names the edition's source documents,
    which the package metadata's sources come from)."""
    from pipeline import load
    from pipeline.paths import REPO

    root = tmp_path / "repo"
    for name in ("datasets", "schemas"):
        shutil.copytree(REPO.root / name, root / name)
    for index in load.edition_indexes(REPO):
        (root / "docs" / index.parent.name).mkdir(parents=True)
        shutil.copy(index, root / "docs" / index.parent.name / "index.md")
    shutil.copy(REPO.descriptor, root / "datapackage.json")
    return Layout(root)
