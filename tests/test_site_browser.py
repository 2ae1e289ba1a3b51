"""The built site in a real browser (Debian's Chromium driven by Playwright), on both
editions of the two-edition site (tests/sitebuild.py: the latest edition and a made-up one
after it, TEST DATA): the tests about an edition's pages run on each edition.

Charts are drawn at build time and read with JavaScript off; their
interaction comes lazily (ECharts' SSR client when a chart nears the
viewport, the full ECharts on a first interaction), after instant navigation
and across the light/dark toggle; the console stays clean; nothing is
requested from another origin; text and chart pages stay within their weight
budgets, and search loads only after the page. A missing browser is a
failure, not a skip: `make test` installs it.
"""

from __future__ import annotations

import gzip
import json
from pathlib import Path
from urllib.parse import unquote, urlparse

import pytest

from pipeline import browser as chromium
from pipeline import model, urls
from pipeline.paths import REPO
from tests import engine
from tests.sitebuild import editions, serve, two_editions

pytestmark = [pytest.mark.site, pytest.mark.browser]

# Bytes transferred (gzip) at 360 px, everything the page loads except search (its index,
# worker and word splitters load after the page, and grow with the content).
TEXT_BUDGET = 80 * 1024
CHART_BUDGET = 150 * 1024
EDITIONS = editions()  # (latest, made-up), from docs/
# The list of the site's pages (engine.SITE_WIDE_FILES), fetched with every page: it grows with
# the site (0.7 KB with one edition and its indicator pages; about 2 KB with ten editions).
SITEMAP_BUDGET = 4 * 1024


def url_path(site: Path, html: Path) -> str:
    rel = html.relative_to(site).as_posix()
    return rel[: -len("index.html")] if html.name == "index.html" else rel


def edition_pages(site: Path, year: int) -> list[Path]:
    return sorted((site / str(year)).rglob("index.html"))


def chart_page(site: Path, year: int) -> str:
    """The edition's page with the most charts (the first such, by path)."""
    pages = edition_pages(site, year)
    counts = [p.read_text(encoding="utf-8").count('class="chart__canvas') for p in pages]
    return url_path(site, pages[counts.index(max(counts))])


def legend_page(site: Path) -> str:
    """The first report page with a chart that has a legend (a chart of several series), in
    any edition of the site (the made-up one has no plan, so no target chart)."""
    for year in sorted((int(p.name) for p in site.iterdir() if p.name.isdigit()), reverse=True):
        for page in edition_pages(site, year):
            if 'ecmeta_ssr_type="legend"' in page.read_text(encoding="utf-8"):
                return url_path(site, page)
    raise AssertionError("no chart with a legend in any edition")


@pytest.fixture(scope="module")
def server() -> tuple[str, Path]:
    """The two-edition site served on the port it was built for (one server for the session)."""
    site = two_editions().site
    return serve(site), site


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
        self.context.add_init_script(engine.NAVIGATION_PROBE)

    def goto(self, path: str) -> None:
        self.page.goto(self.base + path, wait_until="load")

    def foreign(self) -> list[str]:
        return [u for u in self.requests if not u.startswith(self.base) and
                not u.startswith(("data:", "blob:", "about:"))]

    def render_all_charts(self) -> int:
        containers = self.page.locator(".chart__canvas")
        for i in range(containers.count()):
            containers.nth(i).scroll_into_view_if_needed()
            # Drawn at build time at two widths, one of them hidden: ready is enough here.
            self.page.wait_for_selector(f":nth-match(.chart__canvas, {i + 1})[data-chart-ready] svg",
                                        state="attached")
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


@pytest.mark.parametrize("year", EDITIONS)
@pytest.mark.parametrize("width", [1280, 360])
def test_chart_page_renders_every_chart_without_errors(watched, server, width, year):
    w = watched(viewport={"width": width, "height": 800})
    w.goto(chart_page(server[1], year))
    count = w.render_all_charts()
    assert count >= 2
    # The drawing has bars and the headline, table and source are on the page.
    assert w.page.locator(".chart__canvas svg path").count() > 0
    assert w.page.locator("figure.chart details table").count() == count
    assert w.errors == [] and w.foreign() == []
    # Nothing wider than the screen on a phone.
    overflow = w.page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 0


@pytest.mark.parametrize("year", EDITIONS)
def test_charts_start_only_when_scrolled_into_view(watched, server, year):
    w = watched(viewport={"width": 360, "height": 640})
    w.goto(chart_page(server[1], year))
    w.page.wait_for_timeout(600)
    # charts well below the screen (more than the 200 px the page looks ahead) wait
    below = w.page.evaluate("""() => Array.from(document.querySelectorAll('.chart__canvas'))
      .filter(c => c.getBoundingClientRect().top > window.innerHeight + 400)
      .map(c => c.hasAttribute('data-chart-ready'))""")
    assert below and not any(below), below
    assert w.render_all_charts() == w.page.locator("[data-chart-ready]").count() >= 2
    assert w.errors == []


def start_theme(w: Watched) -> None:
    """The reader's first interaction (the mouse moves), then wait until Material's script has
    started (site.js marks the page) and has read the list of pages: navigation without page
    loads needs both (a click before that loads the page the ordinary way)."""
    w.page.mouse.move(5, 5)
    w.page.wait_for_selector("html[data-theme-ready]", state="attached")
    w.page.wait_for_function(engine.NAVIGATION_READY)


def at(page: str):
    """A wait_for_url predicate: the address is `page`, whatever section its fragment names. With
    navigation.tracking the address follows the section in view (`#heading`) once the reader has
    scrolled past a heading, so an exact comparison fails whenever a page is not at its top."""
    return lambda url: url.split("#")[0] == page


@pytest.mark.parametrize("year", EDITIONS)
def test_instant_navigation_keeps_the_page_and_draws_the_charts(watched, server, year):
    """From the edition's front page, a headline card leads to its chapter without a page load;
    back on the front page, scrolled to a section, its own card keeps the page too."""
    w = watched(viewport={"width": 1280, "height": 900})
    w.goto(f"{year}/")
    start_theme(w)
    w.page.evaluate("window.__stayed = true")
    front = w.base + f"{year}/"
    targets = w.page.eval_on_selector_all("a.kpi-card", "cards => cards.map(a => a.href)")
    chapter = next(i for i, href in enumerate(targets) if href != front)  # a card of a chapter
    assert targets[chapter].startswith(front), targets
    w.page.locator("a.kpi-card").nth(chapter).click()
    w.page.wait_for_url(at(targets[chapter]))
    w.render_all_charts()
    assert w.page.evaluate("window.__stayed === true")  # no full page load: instant navigation
    w.page.go_back()
    w.page.wait_for_url(at(front))
    w.page.locator("a.kpi-card").first.wait_for()  # the front page is back in the document
    # Scrolled past a heading, the address names that section (as a slow machine's scroll
    # restoration can leave it): the page is still the front page.
    # The address follows a scroll that has rested 250 ms, and only once the theme watches the
    # page again after going back; on a busy machine that can come after a first scroll has
    # ended. So the page keeps being scrolled, down and then up between its first heading and
    # its end, until the address names a section (up to 20 s), as a reader scrolling would.
    named = w.page.evaluate("""() => new Promise(done => {
      const start = Date.now();
      const first = document.querySelector('article h2[id]');
      const top = first ? first.getBoundingClientRect().top + window.scrollY : 0;
      let step = 150;
      (function check() {
        if (location.hash !== '') return done(true);
        if (Date.now() - start > 20000) return done(false);
        const end = document.documentElement.scrollHeight - window.innerHeight;
        if (window.scrollY + step > end) step = -150;
        if (window.scrollY + step < top) step = 150;
        window.scrollBy(0, step);
        setTimeout(check, 400);
      })();
    })""")
    assert named, "navigation.tracking named no section"
    w.page.locator("a.kpi-card").nth(targets.index(front)).click()  # a card of the front page
    w.page.wait_for_url(at(front))
    assert w.page.evaluate("window.__stayed === true")
    assert w.errors == [] and w.foreign() == []


def rgb(colour: str) -> str:
    """#rrggbb as the browser's computed style writes it."""
    r, g, b = (int(colour[i:i + 2], 16) for i in (1, 3, 5))
    return f"rgb({r}, {g}, {b})"


SHOWN_TEXT_FILLS = ("Array.from(document.querySelectorAll('.chart__canvas svg text'))"
                    ".filter(t => t.getBoundingClientRect().width > 0)"
                    ".map(t => getComputedStyle(t).fill)")


THEME_RAN = "typeof window.document$ !== 'undefined'"  # Material's script exports document$


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_the_theme_waits_for_the_first_interaction_and_answers_it(watched, server, scheme):
    """Material's script does not run while the page loads: the page shows the palette the
    reader's system prefers, its toggle and the search button without it. A tap on the toggle
    as the first interaction starts the script and switches the palette."""
    w = watched(viewport={"width": 360, "height": 740}, color_scheme=scheme, has_touch=True)
    w.goto(chart_page(server[1], EDITIONS[0]))
    w.page.wait_for_timeout(800)
    assert not w.page.evaluate(THEME_RAN)
    assert w.page.evaluate(engine.SCHEME) == scheme  # as the system prefers, before the script
    toggle = engine.DARK_TOGGLE if scheme == "light" else engine.LIGHT_TOGGLE
    assert w.page.locator(toggle).is_visible()
    assert w.page.locator(engine.SEARCH_BUTTON).is_visible()
    w.page.locator(toggle).tap()
    w.page.wait_for_selector("html[data-theme-ready]", state="attached")
    w.page.wait_for_function(f"{engine.SCHEME} !== '{scheme}'")
    assert w.page.evaluate(THEME_RAN)
    assert w.errors == []


def test_a_key_as_the_first_interaction_is_not_lost(watched):
    """Pressing `s` (Material's search key) before its script runs: the script starts and then
    opens search with the focus in the search field."""
    w = watched(viewport={"width": 1280, "height": 900})
    w.goto("")
    w.page.wait_for_timeout(500)
    assert not w.page.evaluate(THEME_RAN)
    w.page.keyboard.press("s")
    w.page.wait_for_selector("html[data-theme-ready]", state="attached")
    w.page.wait_for_function(engine.SEARCH_OPEN)
    w.page.wait_for_function("field => document.activeElement && document.activeElement.matches(field)",
                             arg=engine.SEARCH_INPUT)
    assert w.errors == []


@pytest.mark.parametrize("live", [False, True], ids=["drawn-at-build", "live"])
def test_charts_follow_the_palette_toggle(watched, server, live):
    palette = json.loads((REPO.web / "palette.json").read_text(encoding="utf-8"))
    w = watched(viewport={"width": 1280, "height": 900}, color_scheme="light")
    w.goto(chart_page(server[1], EDITIONS[-1]))
    w.render_all_charts()
    if live:
        w.page.locator(".chart__canvas").first.click(position={"x": 200, "y": 150})
        w.page.wait_for_selector(".chart__canvas[data-chart-live] svg")
    assert rgb(palette["light"]["text"]) in w.page.evaluate(SHOWN_TEXT_FILLS)
    w.page.locator(engine.DARK_TOGGLE).click()
    w.page.wait_for_function(
        f"{SHOWN_TEXT_FILLS}.includes('{rgb(palette['dark']['text'])}')", timeout=5000)
    assert rgb(palette["light"]["text"]) not in w.page.evaluate(SHOWN_TEXT_FILLS)
    assert w.page.evaluate(engine.SCHEME) == "dark"
    assert w.errors == []


@pytest.mark.parametrize("year", EDITIONS)
def test_charts_read_with_javascript_off(browser, server, year):
    """The drawing is in the page: title, axis labels, values and bars, no script needed."""
    context = browser.new_context(viewport={"width": 360, "height": 740}, java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(server[0] + chart_page(server[1], year), wait_until="load")
        shown = page.evaluate("""() => Array.from(document.querySelectorAll('figure.chart')).map(f => {
          const svg = Array.from(f.querySelectorAll('.chart__canvas svg'))
            .find(s => s.getBoundingClientRect().width > 0);
          return {title: f.querySelector('.chart__title').textContent,
                  svgTitle: svg ? svg.querySelector('title').textContent : null,
                  width: svg ? svg.getBoundingClientRect().width : 0,
                  texts: svg ? Array.from(svg.querySelectorAll('text')).map(t => t.textContent) : [],
                  bars: svg ? svg.querySelectorAll('[ecmeta_ssr_type=chart]').length : 0,
                  rows: Array.from(f.querySelectorAll('details table tbody th')).map(t => t.textContent)};
        })""")
        assert len(shown) >= 2
        for chart in shown:
            assert chart["svgTitle"] == chart["title"]
            assert 300 <= chart["width"] <= 360, chart  # the phone drawing, not a shrunk desktop one
            # every category of the chart's table is written in the drawing (long ones wrap)
            assert all(row in "".join(chart["texts"]) for row in chart["rows"]), chart
            assert chart["bars"] > 0
    finally:
        context.close()


def loaded(w: Watched, name: str) -> bool:
    return any(u.endswith("/assets/javascripts/" + name) for u in w.requests)


def test_pages_without_charts_load_no_chart_code(watched):
    w = watched(viewport={"width": 1280, "height": 900})
    w.goto("guide/")
    w.page.wait_for_timeout(800)
    assert loaded(w, "site.js")
    assert not loaded(w, "charts-ssr.js") and not loaded(w, "charts.js")
    assert w.errors == []


def test_full_chart_loads_on_first_interaction_with_tooltips(watched, server):
    w = watched(viewport={"width": 1280, "height": 900})
    w.goto(chart_page(server[1], EDITIONS[0]))
    w.render_all_charts()
    w.page.wait_for_timeout(500)
    assert loaded(w, "charts-ssr.js") and not loaded(w, "charts.js")
    canvas = w.page.locator(".chart__canvas").first
    canvas.scroll_into_view_if_needed()
    box = canvas.bounding_box()
    # The mouse rests on the first bar: the full chart loads and shows the value.
    w.page.mouse.move(box["x"] + box["width"] * 0.3, box["y"] + box["height"] * 0.75)
    w.page.wait_for_selector(".chart__canvas[data-chart-live] svg", timeout=10000)
    assert loaded(w, "charts.js")
    w.page.mouse.move(box["x"] + box["width"] * 0.32, box["y"] + box["height"] * 0.7)
    # the tooltip names a category of the chart's table and the chart's unit
    first = w.page.locator("figure.chart").first
    rows = first.locator("details table tbody th").all_text_contents()
    unit = first.locator(".chart__unit").inner_text().replace("单位：", "").strip()
    assert rows and unit
    w.page.wait_for_function(
        """([rows, unit]) => Array.from(document.querySelectorAll('.chart__canvas[data-chart-live] div'))
        .some(d => d.style.display !== 'none' && rows.some(r => d.textContent.includes(r))
                   && d.textContent.includes(unit))""",
        arg=[[r.strip() for r in rows], unit], timeout=5000)
    assert w.errors == []


def test_hover_and_legend_work_before_the_full_chart(watched, server):
    """ECharts' SSR client on the drawing: hovering a bar brings its series forward,
    a legend click hides that series (bars and labels) in both drawings."""
    w = watched(viewport={"width": 1280, "height": 900})
    w.goto(legend_page(server[1]))
    w.render_all_charts()
    figure = w.page.locator("figure.chart").first
    svg = figure.locator("svg.chart__svg--wide")
    assert svg.locator('[ecmeta_ssr_type="legend"]').count() > 0
    svg.locator('[ecmeta_ssr_type="chart"][ecmeta_series_index="1"]').first.dispatch_event("mouseover")
    assert svg.evaluate("s => s.classList.contains('is-focusing')")
    faded = svg.evaluate("""s => Array.from(s.querySelectorAll('[ecmeta_series_index="0"]'))
      .every(e => getComputedStyle(e).opacity < 0.5)""")
    assert faded
    svg.locator('[ecmeta_ssr_type="chart"]').first.dispatch_event("mouseout")
    assert not svg.evaluate("s => s.classList.contains('is-focusing')")
    target = '[ecmeta_series_index="1"]:not([ecmeta_ssr_type="legend"])'
    before = svg.evaluate(f"s => Array.from(s.querySelectorAll('{target}'))"
                          ".filter(e => getComputedStyle(e).visibility !== 'hidden').length")
    assert before >= 2  # the target's bar and its label
    svg.locator('[ecmeta_ssr_type="legend"][ecmeta_series_index="1"]:not([ecmeta_silent])').first \
        .dispatch_event("click")
    for variant in ("wide", "narrow"):
        hidden = figure.locator(f"svg.chart__svg--{variant}").evaluate(
            f"s => Array.from(s.querySelectorAll('{target}'))"
            ".every(e => getComputedStyle(e).visibility === 'hidden')")
        assert hidden, variant
    assert not loaded(w, "charts.js")
    assert w.errors == []


def test_search_loads_after_the_page(watched):
    """Search's index and worker are fetched after the load event, never before: not at all
    until the theme has started (the reader's first interaction), then once the page has loaded."""
    w = watched(viewport={"width": 360, "height": 740})
    w.goto("")
    w.page.wait_for_timeout(500)
    assert w.page.evaluate(
        "pattern => performance.getEntriesByType('resource')"
        ".filter(r => new RegExp(pattern).test(r.name)).length", engine.SEARCH_REQUESTS) == 0
    start_theme(w)
    # Both the worker and the index (SEARCH_REQUESTS names the two), however loaded the machine.
    w.page.wait_for_function(
        "pattern => performance.getEntriesByType('resource')"
        ".filter(r => new RegExp(pattern).test(r.name)).length >= 2",
        arg=engine.SEARCH_REQUESTS, timeout=30000)
    timing = w.page.evaluate("""pattern => {
      const load = performance.getEntriesByType('navigation')[0].loadEventStart;
      return performance.getEntriesByType('resource')
        .filter(r => new RegExp(pattern).test(r.name))
        .map(r => [r.name, r.startTime, load]);
    }""", engine.SEARCH_REQUESTS)
    assert len(timing) == 2
    for name, start, load in timing:
        assert start >= load, (name, start, load)
    assert w.errors == []


def page_weight(w: Watched, site: Path) -> tuple[int, set[Path]]:
    """gzip bytes of every file the page loaded, search (engine.SEARCH_FILES) and the list of
    the site's pages (engine.SITE_WIDE_FILES, weighed on its own) excepted."""
    total = 0
    files: set[Path] = set()
    for url in w.requests:
        path = unquote(urlparse(url).path).lstrip("/")
        if any(path.startswith(s) for s in engine.SEARCH_FILES + engine.SITE_WIDE_FILES):
            continue
        target = site / path
        if target.is_dir() or path.endswith("/") or not path:
            target = target / "index.html"
        if target.is_file() and target not in files:
            files.add(target)
            total += len(gzip.compress(target.read_bytes(), compresslevel=6))
    return total, files


def _longest_series_page() -> str:
    """The page of the indicator with the most years (its chart a time series)."""
    series = model.all_series(model.load_figures(REPO))
    return urls.page_path(urls.indicator_page(max(series, key=lambda s: len(s.years)).indicator_id))


WEIGHED = [("home", None), ("guide", None), ("indicators", None), ("series", None)] + [
    (kind, year) for year in EDITIONS for kind in ("edition", "charts")]


@pytest.mark.parametrize(("kind", "year"), WEIGHED, ids=[f"{k}-{y}" if y else k for k, y in WEIGHED])
def test_page_weight_within_budget(watched, server, kind, year):
    base, site = server
    path = chart_page(site, year) if kind == "charts" else _longest_series_page() \
        if kind == "series" else {"home": "", "guide": "guide/", "edition": f"{year}/",
                                  "indicators": "indicators/"}[kind]
    w = watched(viewport={"width": 360, "height": 640})
    w.goto(path)
    charts = w.render_all_charts()
    w.page.wait_for_timeout(1500)  # anything that loads late counts too
    total, files = page_weight(w, site)
    print(f"\n/{path}: {charts} charts, {len(files)} files, {total / 1024:.1f} KB gzip")
    assert any(f.name == "site.js" for f in files)
    assert not any(f.name == "charts.js" for f in files)  # the full ECharts waits for a reader
    assert total <= (CHART_BUDGET if charts else TEXT_BUDGET)
    site_wide = sum(len(gzip.compress((site / name).read_bytes(), compresslevel=6))
                    for name in engine.SITE_WIDE_FILES if any(u.endswith("/" + name) for u in w.requests))
    print(f"  + the list of the site's pages: {site_wide / 1024:.1f} KB gzip")
    assert site_wide <= SITEMAP_BUDGET
