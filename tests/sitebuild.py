"""Build the real site once per test session, in a copy of the repository.

Used by test_build.py and test_browser.py: `built_site()` returns the Layout
of a temporary copy (datasets, schemas, docs, web, mkdocs.yml; node_modules
linked) whose site/ was built by `pipeline.build.build`. The build runs once
per session however many tests ask for it.
"""

from __future__ import annotations

import atexit
import functools
import shutil
import tempfile
from pathlib import Path

from pipeline import build
from pipeline.paths import REPO, Layout

COPIED = ("datasets", "schemas", "docs", "web")


def copy_project(dest: Path) -> Layout:
    """A copy of everything the site is built from (node_modules linked, not copied)."""
    dest.mkdir(parents=True, exist_ok=True)
    for name in COPIED:
        shutil.copytree(REPO.root / name, dest / name)
    for name in ("mkdocs.yml", "datapackage.json", "package.json", "package-lock.json"):
        if (REPO.root / name).exists():
            shutil.copy(REPO.root / name, dest / name)
    (dest / "node_modules").symlink_to(REPO.node_modules)
    return Layout(dest)


@functools.cache
def built_site() -> Layout:
    scratch = Path(tempfile.mkdtemp(prefix="kjj-site-"))
    atexit.register(shutil.rmtree, scratch, True)
    root = scratch / "project"
    layout = copy_project(root)
    status = build.build(layout, log=lambda *_: None)
    if status != 0:
        raise RuntimeError("the site did not build; run `python -m pipeline build` to see why")
    return layout
