"""The built site in a real browser (Debian's Chromium driven by Playwright).

Charts render on the home page's chapters and on chart pages, lazily, after
instant navigation and across the light/dark toggle; the console stays
clean; nothing is requested from another origin; a chart page stays within
its weight budget. A missing browser is a failure, not a skip: `make test`
installs it.
"""

from __future__ import annotations

import functools
import gzip
import http.server
import json
import threading
from collections.abc import Iterator
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from pipeline import browser as chromium
from pipeline.paths import REPO
from tests.sitebuild import built_site, site_port

BUDGET = 350 * 1024  # bytes transferred (gzip) for a chart page, everything included
CHART_PAGE = "2020/innovation-entities/"


class Quiet(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # noqa: D102
        pass


@pytest.fixture(scope="module")
def server() -> Iterator[tuple[str, Path]]:
    site = built_site().site
    handler = functools.partial(Quiet, directory=site)
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", site_port()), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{httpd.server_address[1]}/", site
    httpd.shutdown()


@pytest.fixture(scope="module")
def browser(server):
    # After `server`: the site is built first (the build may itself drive Chromium).
    with chromium.launch() as started:
        yield started


class Watched:
    """A page with its console errors and every request it made."""

    def __init__(self, browser, base: str, **context) -> None:
        self.context = browser.new_context(**context)
        self.page = self.context.new_page()
        self.base = base
        self.errors: list[str] = []
        self.requests: list[str] = []
        self.page.on("console", lambda m: m.type == "error" and self.errors.append(m.text))
        self.page.on("pageerror", lambda e: self.errors.append(str(e)))
        self.page.on("request", lambda r: self.requests.append(r.url))

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.base) and
                not u.startswith(("data:", "blob:", "about:"))]

    def render_all_charts(self) -> int:
        containers = self.page.locator(".chart__canvas")
        for i in range(containers.count()):
            containers.nth(i).scroll_into_view_if_needed()
            self.page.wait_for_selector(f":nth-match(.chart__canvas, {i + 1})[data-chart-ready] svg")
        return containers.count()

    def close(self) -> None:
        self.context.close()


@pytest.fixture
def watched(browser, server):
    pages: list[Watched] = []

    def open_(**context) -> Watched:
        page = Watched(browser, server[0], **context)
        pages.append(page)
        return page

    yield open_
    for page in pages:
        page.close()


def test_home_page_loads_cleanly_with_its_cards(watched):
    w = watched(viewport={"width": 1280, "height": 900})
    w.goto("")
    assert w.page.locator(".kpi-card").count() >= 4
    assert w.page.locator(".kpi-card__value").first.inner_text().strip()
    w.page.wait_for_timeout(500)
    assert w.errors == [] and w.foreign() == []


@pytest.mark.parametrize("width", [1280, 360])
def test_chart_page_renders_every_chart_without_errors(watched, width):
    w = watched(viewport={"width": width, "height": 800})
    w.goto(CHART_PAGE)
    count = w.render_all_charts()
    assert count >= 2
    # The drawing has bars and the headline, table and source are on the page.
    assert w.page.locator(".chart__canvas svg path").count() > 0
    assert w.page.locator("figure.chart details table").count() == count
    assert w.errors == [] and w.foreign() == []
    # Nothing wider than the screen on a phone.
    overflow = w.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


def test_charts_start_only_when_scrolled_into_view(watched):
    w = watched(viewport={"width": 360, "height": 640})
    w.goto("2020/plan/")
    w.page.wait_for_timeout(600)
    assert w.page.locator("[data-chart-ready]").count() == 0
    assert w.render_all_charts() == 2
    assert w.errors == []


def test_instant_navigation_keeps_the_page_and_draws_the_charts(watched):
    w = watched(viewport={"width": 1280, "height": 900})
    w.goto("")
    w.page.evaluate("window.__stayed = true")
    w.page.locator(".kpi-card", has_text="高新技术企业").first.click()
    w.page.wait_for_url("**/2020/innovation-entities/")
    w.render_all_charts()
    assert w.page.evaluate("window.__stayed === true")  # no full page load: instant navigation
    w.page.go_back()
    w.page.wait_for_url(w.base)
    w.page.locator(".kpi-card", has_text="研发投入").first.click()
    w.page.wait_for_url("**/2020/")
    assert w.errors == [] and w.foreign() == []


def test_charts_follow_the_palette_toggle(watched):
    palette = json.loads((REPO.web / "palette.json").read_text(encoding="utf-8"))
    w = watched(viewport={"width": 1280, "height": 900}, color_scheme="light")
    w.goto(CHART_PAGE)
    w.render_all_charts()
    fills = "Array.from(document.querySelectorAll('.chart__canvas svg text'))" \
            ".map(t => (t.getAttribute('fill') || t.style.fill || '').toLowerCase())"
    assert palette["light"]["text"] in w.page.evaluate(fills)
    w.page.locator("label[for='__palette_1']").click()
    w.page.wait_for_function(
        f"{fills}.includes('{palette['dark']['text']}')", timeout=5000)
    assert w.page.evaluate("document.body.getAttribute('data-md-color-scheme')") == "slate"
    assert w.errors == []


def test_chart_page_weight_within_budget(watched, server):
    base, site = server
    w = watched(viewport={"width": 360, "height": 640})
    w.goto(CHART_PAGE)
    w.render_all_charts()
    w.page.wait_for_timeout(1500)  # the search index loads in the background
    total = 0
    files = set()
    for url in w.requests:
        path = unquote(urlparse(url).path).lstrip("/")
        target = site / path
        if target.is_dir() or path.endswith("/") or not path:
            target = target / "index.html"
        if target.is_file() and target not in files:
            files.add(target)
            total += len(gzip.compress(target.read_bytes(), compresslevel=6))
    print(f"\nchart page {CHART_PAGE}: {len(files)} files, {total / 1024:.1f} KB gzip")
    assert any(f.name == "charts.js" for f in files)
    assert total <= BUDGET


# Every page at 360 px, axe on every page (any impact), and the mid-sentence searches
# are in test_site_pages.py.
