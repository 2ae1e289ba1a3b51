"""A throw-away copy of the repository that `make build` can run in, with a site already built.

`repo_with_site(dest)` copies what `make build` reads (the Makefile, pipeline/,
datasets, schemas, docs, web, configuration) to `dest`, links .venv and
node_modules to the repository's own (nothing is installed again), and puts
in a site/ built from the same data (the session's shared build, see
sitebuild.py) together with its chart drawing and image caches. Tests then break one
thing, run the build, and compare every byte before and after.

`repo_with_previous_site(dest)` is the same copy with a small site/ in the shape
of a published one instead of the real build: for builds that stop before MkDocs
(a refused input), where what matters is that site/ is left exactly as it was,
it spares the fast tests the full site build.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
from pathlib import Path

from pipeline.paths import REPO, Layout
from tests.sitebuild import built_site, require_marker

COPIED_DIRS = ("pipeline", "datasets", "schemas", "docs", "web", "overrides")
COPIED_FILES = ("Makefile", "mkdocs.yml", "datapackage.json", "package.json", "package-lock.json",
                "pyproject.toml", "requirements.txt", "LICENSE-data")
# The build's caches of chart drawings and images (.build/): kept by their inputs, so a build
# in the copy draws again only the charts its change touches, as a build after a build does.
CACHES = ("chart-page-svg", "chart-svg", "chart-png")
# The install stamps belong to the linked .venv and node_modules: never remade from a copy.
MAKE = ["make", "--no-print-directory", "-o", ".venv/.installed", "-o", "node_modules/.installed"]


def repo_with_site(dest: Path, site: bool = True) -> Layout:
    """A copy of the repository; with `site`, plus the shared built site/ and its image cache."""
    dest.mkdir(parents=True, exist_ok=True)
    ignore = shutil.ignore_patterns("__pycache__")
    for name in COPIED_DIRS:
        shutil.copytree(REPO.root / name, dest / name, ignore=ignore, copy_function=shutil.copy2)
    for name in COPIED_FILES:
        shutil.copy2(REPO.root / name, dest / name)
    (dest / ".venv").symlink_to(REPO.root / ".venv")
    (dest / "node_modules").symlink_to(REPO.node_modules)
    if not site:
        return Layout(dest)
    shared = built_site()
    shutil.copytree(shared.site, dest / "site", copy_function=shutil.copy2)
    for cache in CACHES:
        if (shared.build / cache).is_dir():
            shutil.copytree(shared.build / cache, dest / ".build" / cache)
    return Layout(dest)


PREVIOUS_SITE = {
    "index.html": "<!doctype html><html lang=\"zh\"><title>上一次发布的网站</title><h1>首页</h1></html>\n",
    "2020/index.html": "<!doctype html><html lang=\"zh\"><title>2020</title><h1>2020年</h1></html>\n",
    "data/datapackage.json": "{\"name\": \"previous\", \"resources\": []}\n",
    "data/indicators.csv": "indicator_id,year,value\r\nrd-spending,2020,49.3\r\n",
    "sitemap.xml": "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n<urlset></urlset>\n",
}


def repo_with_previous_site(dest: Path) -> Layout:
    """A copy of the repository whose site/ stands for an earlier build (a few files, no MkDocs run)."""
    layout = repo_with_site(dest, site=False)
    for rel, text in PREVIOUS_SITE.items():
        path = layout.site / rel
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return layout


def make(layout: Layout, target: str = "build", timeout: int = 300,
         env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    require_marker("site", f"runs `make {target}`")
    env = {k: v for k, v in {**os.environ, **(env or {})}.items()
           if k not in ("MAKEFLAGS", "MFLAGS", "MAKELEVEL")}
    return subprocess.run([*MAKE, target], cwd=layout.root, capture_output=True, text=True,
                          timeout=timeout, env=env)


def digest(folder: Path) -> dict[str, str]:
    """Every file (and symlink) under `folder` -> its SHA-256; links by their target."""
    found: dict[str, str] = {}
    for path in sorted(folder.rglob("*")):
        rel = path.relative_to(folder).as_posix()
        if path.is_symlink():
            found[rel] = "-> " + os.readlink(path)
        elif path.is_file():
            found[rel] = hashlib.sha256(path.read_bytes()).hexdigest()
    return found


def inputs_digest(layout: Layout) -> dict[str, str]:
    """What staff commit and the build reads: datasets, schemas, docs, web and the package."""
    found: dict[str, str] = {}
    for name in ("datasets", "schemas", "docs", "web"):
        found.update({f"{name}/{k}": v for k, v in digest(layout.root / name).items()})
    found["datapackage.json"] = hashlib.sha256(layout.descriptor.read_bytes()).hexdigest()
    return found
