"""Build the real site once per test session, in a copy of the repository.

Used by the tests marked `site`: `built_site()` returns the Layout
of a temporary copy (datasets, schemas, docs, web, mkdocs.yml; node_modules
linked) whose site/ was built by `pipeline.build.build`, with each edition's
PDF added by `pipeline.pdf` (as `make build` then `make pdf` do in CI). The build runs once
per session however many tests ask for it.

The site is built for the address the browser tests serve it from
(`site_port()`): Material's instant navigation only follows links whose
origin, port included, matches the site URL in sitemap.xml.

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


@functools.cache
def _built_site() -> Layout:
    scratch = Path(tempfile.mkdtemp(prefix="kjj-site-"))
    atexit.register(shutil.rmtree, scratch, True)
    root = scratch / "project"
    layout = copy_project(root)
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
    # As CI does before deploying: each edition's PDF into the built site (make pdf).
    from pipeline import pdf

    pdf.write(layout, log=lambda *_: None)
    return layout
