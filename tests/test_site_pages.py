"""Every page of the built site in a real browser (Debian's Chromium driven by Playwright).

The pages are discovered from the build output (every HTML file of the real site/), so
a new page is covered without touching this file. They are checked on the two-edition
site (tests/sitebuild.py: the project plus a made-up edition after its latest, TEST
DATA), which holds every page of the real site, and a sample of the made-up edition's
pages is checked too: its front page, its page with the most charts and the embed page
of that page's first chart. Each page is checked in one go, to keep the run short
(one built site per session, one browser per module):

- no console errors and no request to any origin other than the local server;
- every chart container draws a chart with marks in it;
- axe-core finds no violation of any impact, in the light and the dark palette and at 360 px;
- keyboard: every focused element shows where the focus is, and every chart's
  data table is reached with Tab and opened with Enter;
- print: navigation hidden, charts drawn and unbroken, every table whole
  (not cut at the side of the page, rows not split between pages);
- dark palette: chart text and marks keep their contrast on the dark background (as
  shown: the drawings made at build time take their dark colours from CSS);
- at 360 px nothing is wider than the screen and the charts still draw.

Also: mid-sentence Chinese words find their pages, and screenshots of the home
page and a chart page at 1280 px and 360 px are written to .build/screenshots/
(beside the build's other working files, outside the published site/).
A missing browser is a failure, not a skip: `make test` installs it.
"""

from __future__ import annotations

import re
import struct
from urllib.parse import urlsplit

import pytest

from pipeline import model, urls
from pipeline.paths import REPO
from tests import engine
from tests.sitebuild import built_site, deselected, editions
from tests.test_site_browser import (  # noqa: F401  (fixtures)
    Watched,
    browser,
    chart_page,
    server,
    url_path,
)

pytestmark = [pytest.mark.site, pytest.mark.browser]

SCREENSHOTS = REPO.build / "screenshots"
DESKTOP = {"width": 1280, "height": 900}
PHONE = {"width": 360, "height": 740}
PRINT_WIDTH = 720  # A4 minus Chromium's default print margins, in CSS pixels


def site_pages() -> list[str]:
    """URL paths of every HTML page of the real site ("" is the home page), then the made-up
    edition's sample: the counterparts of the latest edition's front page, of its page with
    the most charts and of that page's first chart's embed page (new-year drafts the made-up
    edition from the latest one, and a chart's id for an edition is ID-YEAR)."""
    site = built_site().site
    paths = [url_path(site, html) for html in sorted(site.rglob("*.html"))]
    latest, made_up = editions()
    charts = chart_page(site, latest)
    first = re.search(r'<figure[^>]*\bid="chart-([^"]+)"',
                      (site / charts / "index.html").read_text(encoding="utf-8"))
    assert first, f"{charts}: no chart"
    chart_id = re.sub(rf"-{latest}$", "", first.group(1))
    return paths + [f"{made_up}/", charts.replace(f"{latest}/", f"{made_up}/", 1),
                    f"embed/{chart_id}-{made_up}/"]


def indicator_sample() -> set[str]:
    """The indicator pages checked in full (the others share their template and get the cheap
    checks of test_every_indicator_page_draws_and_fits): the index and the longest series (a
    time series where the data has one); derived from the data."""
    series = model.all_series(model.load_figures(REPO))
    longest = max(series, key=lambda s: len(s.years))
    return {urls.page_path(urls.indicator_page(i)) for i in ("", longest.indicator_id)}


def indicator_pages(paths: list[str]) -> list[str]:
    return [p for p in paths if p.startswith(urls.INDICATOR_DIR + "/")]


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "page_path" in metafunc.fixturenames:
        # `-m` leaving these tests out (make check): no site built just to name them
        paths = ["deselected"] if deselected(metafunc.config, metafunc.definition) else site_pages()
        if paths != ["deselected"]:  # every indicator page but a sample gets the cheap checks
            sample = indicator_sample()
            paths = [p for p in paths if p not in indicator_pages(paths) or p in sample]
        metafunc.parametrize("page_path", paths, ids=[p or "home" for p in paths])


def test_the_site_has_the_pages_we_expect_to_check(server):  # noqa: F811
    paths = site_pages()
    latest, made_up = editions()
    for expected in ("", "data/", "data/en/", "guide/", "404.html",
                     *(f"{year}/" for year in (latest, made_up))):
        assert expected in paths
    assert any(p.startswith("embed/") for p in paths)
    assert any(p.startswith(f"{made_up}/") and p != f"{made_up}/" for p in paths)
    # every one of them is in the two-edition site the checks run on
    site = server[1]
    assert [p for p in paths if not (site / (p + "index.html" if not p or p.endswith("/") else p))
            .is_file()] == []
    # one page per indicator and the index, of which a sample is checked in full
    ids = model.load_figures(REPO).indicator_ids()
    assert sorted(indicator_pages(paths)) == sorted(
        urls.page_path(urls.indicator_page(i)) for i in ["", *ids])
    assert indicator_sample() <= set(paths) and len(indicator_sample()) == 2


# --------------------------------------------------------------------------- checks run in the page

# A chart is drawn at build time at two widths (CSS shows one) and may come alive later:
# the drawing looked at is the one that shows.
CHARTS_DRAWN = """() => Array.from(document.querySelectorAll('.chart__canvas')).map(c => {
  const svg = Array.from(c.querySelectorAll('svg')).find(s => s.getBoundingClientRect().width > 0);
  const box = svg ? svg.getBoundingClientRect() : {width: 0, height: 0};
  return {id: c.closest('figure') ? c.closest('figure').id : c.dataset.chartOption,
          marks: svg ? svg.querySelectorAll('path, rect').length : 0,
          texts: svg ? svg.querySelectorAll('text').length : 0,
          width: box.width, height: box.height, right: box.right};
})"""

# Where the focus is, and whether it shows: an outline or a shadow on the element (or,
# for a visually hidden control such as the palette switch, on its label).
FOCUS = """() => {
  const e = document.activeElement;
  if (!e || e === document.body || e === document.documentElement) return null;
  const shown = (el) => {
    const s = getComputedStyle(el), r = el.getBoundingClientRect();
    const ring = (s.outlineStyle !== 'none' && parseFloat(s.outlineWidth) > 0) ||
                 (s.boxShadow && s.boxShadow !== 'none');
    return ring && r.width > 0 && r.height > 0;
  };
  let visible = shown(e);
  const next = e.nextElementSibling;
  if (!visible && e.matches('input[type=radio], input[type=checkbox]') && next && next.matches('label'))
    visible = shown(next);
  const chartSummary = e.matches('figure.chart details:not(.chart__tools) > summary')
    ? e.closest('figure').id : null;
  const text = (e.getAttribute('aria-label') || e.textContent || e.name || '').trim().slice(0, 30);
  window.__walked = window.__walked || new WeakSet();
  const again = window.__walked.has(e);
  window.__walked.add(e);
  return {tag: e.tagName, cls: String(e.className).slice(0, 60), text, visible, chartSummary, again};
}"""

PRINTED = """([navigation, width]) => {
  const out = {navigation: [], charts: [], tables: []};
  for (const sel of navigation)
    for (const el of document.querySelectorAll(sel))
      if (el.checkVisibility() && el.getBoundingClientRect().height > 0) out.navigation.push(sel);
  for (const fig of document.querySelectorAll('figure.chart')) {
    const svg = Array.from(fig.querySelectorAll('.chart__canvas svg'))
      .find(s => s.getBoundingClientRect().width > 0);
    const table = fig.querySelector('details:not(.chart__tools) table');
    out.charts.push({id: fig.id, breakInside: getComputedStyle(fig).breakInside,
                     drawn: !!svg && svg.getBoundingClientRect().width > 0,
                     table: !!table && table.checkVisibility()});
  }
  for (const table of document.querySelectorAll('article table, main table, body > table')) {
    if (!table.checkVisibility()) continue;
    const r = table.getBoundingClientRect();
    let clipped = r.right > width + 1;
    for (let a = table.parentElement; a && a !== document.body; a = a.parentElement) {
      const s = getComputedStyle(a);
      if (s.overflowX !== 'visible' && a.scrollWidth > a.clientWidth + 1) clipped = true;
    }
    const row = table.querySelector('tr');
    out.tables.push({table: (table.caption ? table.caption.textContent : table.textContent).slice(0, 30),
                     clipped, rowBreak: row ? getComputedStyle(row).breakInside : 'avoid'});
  }
  return out;
}"""

# Chart text and marks against the page background, as WCAG contrast ratios.
CONTRAST = """() => {
  const rgb = (c) => {
    const m = c.match(/[\\d.]+/g); if (!m) return null;
    if (c.startsWith('#')) return null;
    return m.slice(0, 3).map(Number).concat([m.length > 3 ? Number(m[3]) : 1]);
  };
  const hex = (c) => {
    const h = c.replace('#', '');
    const f = h.length === 3 ? h.split('').map(x => x + x).join('') : h;
    return [0, 2, 4].map(i => parseInt(f.slice(i, i + 2), 16)).concat([1]);
  };
  const parse = (c) => !c || c === 'none' || c === 'transparent' || c.startsWith('url')
    ? null : (c.startsWith('#') ? hex(c) : rgb(c));
  const lum = ([r, g, b]) => {
    const f = (v) => { v /= 255; return v <= 0.03928 ? v / 12.92 : Math.pow((v + 0.055) / 1.055, 2.4); };
    return 0.2126 * f(r) + 0.7152 * f(g) + 0.0722 * f(b);
  };
  const ratio = (a, b) => { const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
                            return (x + 0.05) / (y + 0.05); };
  const out = [];
  for (const canvas of document.querySelectorAll('.chart__canvas')) {
    let bg = null;
    for (let el = canvas; el && !bg; el = el.parentElement) {
      const c = parse(getComputedStyle(el).backgroundColor);
      if (c && c[3] > 0) bg = c;
    }
    bg = bg || [255, 255, 255, 1];
    for (const t of canvas.querySelectorAll('svg text')) {
      const c = parse(getComputedStyle(t).fill);  // as shown: the dark palette is CSS
      if (c && c[3] > 0.5 && t.textContent.trim())
        out.push({kind: 'text', what: t.textContent.slice(0, 20), ratio: ratio(c, bg), bg});
    }
    for (const p of canvas.querySelectorAll('svg path')) {
      if (p.closest('defs, pattern')) continue;  // decal tiles: texture over a mark, not a mark
      const c = parse(getComputedStyle(p).fill);
      const opacity = parseFloat(getComputedStyle(p).fillOpacity || '1');
      const box = p.getBBox();
      if (c && c[3] > 0.5 && opacity > 0.5 && box.width * box.height > 20)
        out.push({kind: 'mark', what: p.getAttribute('fill'), ratio: ratio(c, bg), bg});
    }
  }
  return out;
}"""


def axe_violations(page) -> list[tuple[str, str, list]]:
    from axe_playwright_python.sync_playwright import Axe

    found = Axe().run(page).response["violations"]
    return [(v["id"], v["impact"], [n["target"] for n in v["nodes"]][:3]) for v in found]


def walk_keyboard(w: Watched, limit: int = 400) -> tuple[list[dict], set[str]]:
    """Tab through the whole page once: every stop (with whether its focus shows), and
    the charts whose data table was opened with Enter from the keyboard."""
    page = w.page
    page.evaluate("window.scrollTo(0, 0); document.activeElement && document.activeElement.blur()")
    stops: list[dict] = []
    opened: set[str] = set()
    for _ in range(limit):
        page.keyboard.press("Tab")
        now = page.evaluate(FOCUS)
        if now is None:
            continue
        if now["again"]:
            break  # back at the start: the whole page was walked
        stops.append(now)
        if now["chartSummary"]:
            page.keyboard.press("Enter")
            shown = page.evaluate(
                "(id) => { const d = document.querySelector(`#${CSS.escape(id)} "
                "details:not(.chart__tools)`); const t = d.querySelector('table');"
                " return d.open && t.checkVisibility() && t.getBoundingClientRect().height > 0; }",
                now["chartSummary"])
            if shown:
                opened.add(now["chartSummary"])
            page.keyboard.press("Enter")  # close it again: the walk goes on as before
    return stops, opened


# --------------------------------------------------------------------------- every page


def test_page_in_a_real_browser(page_path, browser, server):  # noqa: F811
    base, site = server
    name = page_path or "home"
    assert (site / (page_path + "index.html" if not page_path or page_path.endswith("/")
                    else page_path)).is_file(), f"{name} is not in the two-edition site"
    light = Watched(browser, base, viewport=DESKTOP, color_scheme="light")
    dark = Watched(browser, base, viewport=DESKTOP, color_scheme="dark")
    try:
        page = light.page
        light.goto(page_path)
        count = light.render_all_charts()
        charts = page.evaluate(CHARTS_DRAWN)
        assert len(charts) == count
        empty = [c["id"] for c in charts if c["marks"] == 0 or c["width"] < 50 or c["height"] < 50]
        assert empty == [], f"{name}: charts drawn empty: {empty}"

        assert axe_violations(page) == [], f"{name} (light): axe"

        stops, opened = walk_keyboard(light)
        assert stops, f"{name}: nothing on the page takes the keyboard focus"
        hidden = [(s["tag"], s["cls"], s["text"]) for s in stops if not s["visible"]]
        assert hidden == [], f"{name}: focus not visible on {hidden}"
        assert opened == {c["id"] for c in charts if c["id"].startswith("chart-")
                          and page.locator(f"#{c['id']} details").count()}, \
            f"{name}: chart tables not reached by keyboard"

        page.set_viewport_size({"width": PRINT_WIDTH, "height": 1000})
        page.emulate_media(media="print")
        printed = page.evaluate(PRINTED, [list(engine.NAVIGATION), PRINT_WIDTH])
        page.emulate_media(media="screen")
        assert printed["navigation"] == [], f"{name}: navigation printed"
        bad = [c for c in printed["charts"]
               if c["breakInside"] != "avoid" or not c["drawn"] or not c["table"]]
        assert bad == [], f"{name}: charts in print"
        cut = [t for t in printed["tables"] if t["clipped"] or t["rowBreak"] != "avoid"]
        assert cut == [], f"{name}: tables cut in print"

        page.set_viewport_size(PHONE)
        page.reload(wait_until="load")
        assert light.render_all_charts() == count
        phone = page.evaluate(CHARTS_DRAWN)
        narrow = [c["id"] for c in phone if c["marks"] == 0 or c["width"] < 50 or c["right"] > 360]
        assert narrow == [], f"{name}: charts at 360 px"
        overflow = page.evaluate("document.documentElement.scrollWidth - window.innerWidth")
        assert overflow <= 0, f"{name} is {overflow}px wider than a 360 px screen"
        # Back at the top, once the back-to-top button has faded out (axe reads a fading
        # button's colours half-way); wide tables now scroll inside their boxes.
        page.evaluate("window.scrollTo(0, 0)")
        page.wait_for_timeout(400)
        assert axe_violations(page) == [], f"{name} (360 px): axe"

        dark.goto(page_path)
        assert dark.render_all_charts() == count
        if dark.page.locator(engine.HEADER).count():  # the report pages, not the bare embed pages
            assert dark.page.evaluate(engine.SCHEME) == "dark"
        marks = dark.page.evaluate(CONTRAST)
        assert (not count) or any(m["kind"] == "text" for m in marks)
        faint = [(m["kind"], m["what"], round(m["ratio"], 2)) for m in marks
                 if m["ratio"] < (4.5 if m["kind"] == "text" else 3)]
        assert faint == [], f"{name} (dark): chart text or marks too faint"
        assert axe_violations(dark.page) == [], f"{name} (dark): axe"

        for w in (light, dark):
            assert w.errors == [], f"{name}: console errors"
            assert w.foreign() == [], f"{name}: requests to other origins"
    finally:
        light.close()
        dark.close()


# How far the page's content reaches past the right edge of the screen (0 when it fits).
CONTENT_OVERFLOW = """(selector) => Math.max(0, ...Array.from(
  document.querySelectorAll(`${selector}, ${selector} *`)).filter(e => e.checkVisibility())
  .map(e => Math.ceil(e.getBoundingClientRect().right - window.innerWidth)))"""


def test_every_indicator_page_draws_and_fits(browser, server):  # noqa: F811
    """The cheap checks on every indicator page (the sample above gets every check, scripts
    included): as built, without scripts, its chart drawn with marks at 360 px, nothing wider
    than the screen, nothing fetched from elsewhere."""
    base, _site = server
    paths = indicator_pages(site_pages())
    w = Watched(browser, base, viewport=PHONE, java_script_enabled=False)
    problems = []
    try:
        for path in paths:
            w.page.goto(base + path, wait_until="domcontentloaded")
            charts = w.page.evaluate(CHARTS_DRAWN)
            count = len(charts)
            if path != urls.page_path(urls.indicator_page()) and count != 1:
                problems.append((path, f"{count} charts"))
            problems += [(path, c["id"]) for c in charts
                         if c["marks"] == 0 or c["width"] < 50 or c["right"] > 360]
            # the content (without scripts the theme's header does not shorten a long title)
            overflow = w.page.evaluate(CONTENT_OVERFLOW, engine.CONTENT)
            if overflow > 0:
                problems.append((path, f"{overflow}px too wide"))
        assert len(paths) > 3
        assert problems == [] and w.errors == [] and w.foreign() == []
    finally:
        w.close()


# --------------------------------------------------------------------------- search and screenshots


def pages_saying(word: str) -> set[str]:
    """URL paths of the report pages whose Markdown source has `word`, in any edition."""
    return {f"{md.parent.name}/" + ("" if md.stem == "index" else f"{md.stem}/")
            for md in REPO.docs.glob("*/*.md") if word in md.read_text(encoding="utf-8")}


# Words taken from the middle of sentences of the report (a test about these words).
@pytest.mark.parametrize("word", [
    "异地孵化器",  # "…是本市首个异地孵化器。"
    "科技园区",  # "本市的国家农业科技园区通过了…"
    "专项小组",  # "…并牵头一个产业专项小组。"
])
def test_mid_sentence_chinese_words_find_their_page(browser, server, word):  # noqa: F811
    expected = pages_saying(word)
    assert expected, f"no page of docs/ says {word}"
    w = Watched(browser, server[0], viewport=DESKTOP)
    try:
        w.goto("")
        w.page.locator(engine.SEARCH_INPUT).click()
        w.page.wait_for_function(engine.SEARCH_READY, timeout=20000)
        query = w.page.locator(engine.SEARCH_INPUT)
        query.fill(word)
        query.press("End")  # the search box reacts to keys, as when a reader types
        w.page.wait_for_selector(engine.SEARCH_RESULT_ITEM, timeout=10000)
        links = w.page.eval_on_selector_all(engine.SEARCH_RESULT_LINK, "els => els.map(e => e.href)")
        paths = [urlsplit(link).path for link in links]  # results link with ?h=WORD
        assert any(path.endswith(tuple(expected)) for path in paths), (word, expected, links)
        assert w.errors == []
    finally:
        w.close()


def png_size(path) -> tuple[int, int]:
    head = path.read_bytes()[:24]
    assert head[:8] == b"\x89PNG\r\n\x1a\n", f"{path} is not a PNG"
    return struct.unpack(">II", head[16:24])


@pytest.mark.parametrize("width", [1280, 360])
def test_screenshots_of_home_and_chart_page(browser, server, width):  # noqa: F811
    """Full-page PNGs anyone can look at: .build/screenshots/{home,chart-YEAR}-{width}.png,
    the chart page of each edition of the two-edition site."""
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    w = Watched(browser, server[0], viewport={"width": width, "height": 900}, device_scale_factor=1)
    try:
        for name, path in (("home", ""), *((f"chart-{year}", chart_page(server[1], year))
                                           for year in editions())):
            w.goto(path)
            w.render_all_charts()
            out = SCREENSHOTS / f"{name}-{width}.png"
            out.unlink(missing_ok=True)
            w.page.screenshot(path=str(out), full_page=True)
            png_width, png_height = png_size(out)
            assert png_width == width and png_height >= 900
        assert w.errors == []
    finally:
        w.close()
