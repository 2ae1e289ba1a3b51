"""No broken internal link or anchor anywhere in the built site, checked offline.

Over the session's shared build (tests/sitebuild.py):

- every internal href/src of every HTML page leads to a file, and every
  #fragment to an element of that page (pipeline/linkcheck.py);
- links written out in full with the site's own address (canonical links,
  permalinks, embed snippets, JSON-LD download URLs) are checked the same way;
- every page in sitemap.xml and every search result (the engine's search
  index, tests/engine.py, with its anchor) exists;
- every file named in data/datapackage.json and data/SHA256SUMS exists, with
  the checksum it claims; every relative url() in the style sheets exists;
- every published download is linked from at least one page.
"""

from __future__ import annotations

import hashlib
import html
import json
import re
from pathlib import Path
from urllib.parse import unquote, urlsplit

import pytest

from pipeline import linkcheck
from pipeline.paths import Layout
from tests import engine
from tests.sitebuild import built_site, site_port

pytestmark = pytest.mark.site

ATTR = re.compile(r"""\b(?:href|src|content)\s*=\s*["']([^"']*)["']""", re.I)


@pytest.fixture(scope="module")
def site() -> Layout:
    return built_site()


@pytest.fixture(scope="module")
def base() -> str:
    return f"http://127.0.0.1:{site_port()}/"


def ids_of(page: Path, cache: dict[Path, set[str]]) -> set[str]:
    if page not in cache:
        parser = linkcheck._Page()
        parser.feed(page.read_text(encoding="utf-8"))
        cache[page] = parser.ids
    return cache[page]


def resolve(root: Path, path: str, fragment: str, cache: dict[Path, set[str]]) -> str | None:
    """None when the site path (from the root) and its fragment exist, else the reason."""
    target = (root / unquote(path).lstrip("/")).resolve()
    if root.resolve() not in [target, *target.parents]:
        return "leaves the site"
    if path.endswith("/") or path == "" or target.is_dir():
        target = target / "index.html"
    if not target.is_file():
        return "no such file"
    if fragment and target.suffix == ".html" and unquote(fragment) not in ids_of(target, cache):
        return f"no element with id {unquote(fragment)!r}"
    return None


def test_every_internal_link_and_anchor_resolves(site):
    broken, checked, external = linkcheck.check(site.site)
    assert broken == []
    assert checked > 500
    # links to other hosts are only references (the license, the format), never needed to read
    own = f"127.0.0.1:{site_port()}"  # checked below
    assert external - {own} <= {"creativecommons.org", "specs.frictionlessdata.io"}, external


def test_links_to_the_site_own_address_resolve(site, base):
    cache: dict[Path, set[str]] = {}
    found, broken = 0, []
    for page in sorted(site.site.rglob("*.html")):
        text = html.unescape(page.read_text(encoding="utf-8"))
        for url in set(re.findall(re.escape(base) + r"""[^\s"'<>)\\]*""", text)):
            found += 1
            parts = urlsplit(url[len(base) - 1:])
            reason = resolve(site.site, parts.path, parts.fragment, cache)
            if reason:
                broken.append((page.relative_to(site.site).as_posix(), url, reason))
    assert broken == []
    assert found >= 10  # canonical links, permalinks, embed snippets, JSON-LD


def test_sitemap_lists_only_existing_pages(site, base):
    xml = (site.site / "sitemap.xml").read_text(encoding="utf-8")
    locations = re.findall(r"<loc>(.*?)</loc>", xml)
    assert len(locations) == len(set(locations)) >= 10
    cache: dict[Path, set[str]] = {}
    for loc in locations:
        assert loc.startswith(base), loc
        assert resolve(site.site, urlsplit(loc).path, "", cache) is None, loc


def test_every_search_result_leads_to_its_page_and_anchor(site):
    entries = engine.search_entries(site.site)
    cache: dict[Path, set[str]] = {}
    broken = []
    for entry in entries:
        path, _, fragment = entry.location.partition("#")
        reason = resolve(site.site, path, fragment, cache)
        if reason:
            broken.append((entry.location, reason))
    assert broken == []
    assert sum("#" in entry.location for entry in entries) > 50


def test_package_and_checksums_name_existing_files(site):
    data = site.site / "data"
    package = json.loads((data / "datapackage.json").read_text(encoding="utf-8"))
    assert package["resources"]
    for resource in package["resources"]:
        assert (data / resource["path"]).is_file(), resource["path"]
    listed = 0
    for line in (data / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        digest, name = line.split(maxsplit=1)
        path = data / name.lstrip("*")
        assert path.is_file(), name
        assert hashlib.sha256(path.read_bytes()).hexdigest() == digest, name
        listed += 1
    assert listed >= 20


def test_style_sheet_urls_resolve(site):
    for css in site.site.rglob("*.css"):
        for ref in re.findall(r"""url\(\s*["']?([^"')]+)""", css.read_text(encoding="utf-8")):
            if ref.startswith(("data:", "#")) or urlsplit(ref).scheme:
                continue
            target = (css.parent / urlsplit(ref).path).resolve()
            assert target.is_file(), (css.relative_to(site.site).as_posix(), ref)


def test_every_download_is_linked_from_a_page(site):
    linked: set[Path] = set()
    for page in site.site.rglob("*.html"):
        for ref in ATTR.findall(page.read_text(encoding="utf-8")):
            parts = urlsplit(html.unescape(ref))
            if parts.scheme or parts.netloc or not parts.path:
                continue
            linked.add((page.parent / unquote(parts.path)).resolve())
    downloads = [p for p in (site.site / "data").rglob("*")
                 if p.is_file() and p.suffix in {".csv", ".xlsx", ".json", ".zip", ".png", ".svg", ""}]
    assert len(downloads) >= 20
    unlinked = sorted(p.relative_to(site.site).as_posix() for p in downloads if p.resolve() not in linked)
    assert unlinked == []
