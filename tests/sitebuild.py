"""Build the real site once per test session, in a copy of the repository.

Used by the tests marked `site`: `built_site()` returns the Layout
of a temporary copy (datasets, schemas, docs, web, mkdocs.yml; node_modules
linked) whose site/ was built by `pipeline.build.build`, with each edition's
PDF added by `pipeline.pdf` (as `make build` then `make pdf` do in CI). The build runs once
per session however many tests ask for it.

The site is built for the address the browser tests serve it from
(`site_port()`): Material's instant navigation only follows links whose
origin, port included, matches the site URL in sitemap.xml.

`two_editions()` is the same for a two-edition project: a copy with a made-up edition
for the year after the latest (tests/madeup.py, TEST DATA ONLY), built once per session
by the worker that needs it. The page and browser suites run on it, so each checks both
editions; `editions()` names the two years, derived from docs/ (the made-up one is
always the latest + 1, so a real edition for that year only moves it on).

A test that builds the site must be marked `site` (`make check` leaves those out):
`built_site()` and `repocopy.make()` fail any test that is not, so the fast subset
cannot grow a site build unnoticed.
"""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import socket
import tempfile
from pathlib import Path

import pytest

from pipeline import build
from pipeline.paths import REPO, Layout

COPIED = ("datasets", "schemas", "docs", "web", "overrides")


def copy_project(dest: Path) -> Layout:
    """A copy of everything the site is built from (node_modules linked, not copied)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copytree(REPO.root / name, dest / name)
    for name in ("mkdocs.yml", "datapackage.json", "package.json", "package-lock.json",
                 "LICENSE-data"):
        if (REPO.root / name).exists():
            shutil.copy(REPO.root / name, dest / name)
    (dest / "node_modules").symlink_to(REPO.node_modules)
    return Layout(dest)


@functools.cache
def site_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


# The test being run (set by tests/conftest.py), to hold it to its markers.
running: list[object] = []


def require_marker(name: str, what: str) -> None:
    """Fail the running test unless it is marked `name` (it does `what`)."""
    item = running[-1] if running else None
    if item is not None and item.get_closest_marker(name) is None:  # type: ignore[attr-defined]
        raise AssertionError(f"{item.nodeid} {what}: mark it @pytest.mark.{name}"  # type: ignore[attr-defined]
                             f" (make check leaves such tests out)")


def deselected(config: pytest.Config, node: pytest.Function | pytest.FunctionDefinition) -> bool:
    """Whether `-m` leaves out the test `node` (e.g. `make check`): then parametrising it from
    the built site would build the site during collection for nothing."""
    expression = config.option.markexpr
    if not expression:
        return False
    try:  # pytest's own evaluator of -m expressions (pytest is pinned in the lock)
        from _pytest.mark.expression import Expression
    except ImportError:  # then build, as without -m
        return False
    names = {mark.name for mark in node.iter_markers()}
    return not Expression.compile(expression).evaluate(lambda name, **_: name in names)


def built_site() -> Layout:
    """The site built once per session (see the module's docstring)."""
    require_marker("site", "uses the built site")
    return _built_site()


def _build(layout: Layout) -> None:
    """Build `layout`'s site for the address the browser tests serve it from."""
    before = os.environ.get("SITE_URL")
    os.environ["SITE_URL"] = f"http://127.0.0.1:{site_port()}/"
    try:
        status = build.build(layout, log=lambda *_: None)
    finally:
        if before is None:
            del os.environ["SITE_URL"]
        else:
            os.environ["SITE_URL"] = before
    if status != 0:
        raise RuntimeError("the site did not build; run `python -m pipeline build` to see why")


def _scratch(prefix: str) -> Path:
    scratch = Path(tempfile.mkdtemp(prefix=prefix))
    atexit.register(shutil.rmtree, scratch, True)
    return scratch / "project"


@functools.cache
def _built_site() -> Layout:
    layout = copy_project(_scratch("kjj-site-"))
    _build(layout)
    # As CI does before deploying: each edition's PDF into the built site (make pdf).
    from pipeline import pdf

    pdf.write(layout, log=lambda *_: None)
    return layout


@functools.cache
def editions() -> tuple[int, int]:
    """(the latest published edition of the project, the made-up edition after every edition
    in docs/), from docs/."""
    from pipeline import docs
    from tests import madeup

    published = max(e.year for e in docs.editions(REPO) if not e.draft)
    return published, madeup.latest_edition(REPO) + 1


def two_editions() -> Layout:
    """The two-edition site, built once per session (see the module's docstring)."""
    require_marker("site", "uses the two-edition site")
    return _two_editions()


@functools.cache
def _two_editions() -> Layout:
    from tests import madeup

    layout = copy_project(_scratch("kjj-two-editions-"))
    assert madeup.add_edition(layout) == editions()[1]
    _build(layout)  # no PDFs: the suites on it follow no link to them (the real site has them)
    return layout
