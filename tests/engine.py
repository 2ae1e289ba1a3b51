"""What the tests know about the site engine (MkDocs with Material), in one place.

Everything engine-specific that a test reads or clicks lives here: where the search
index is and how its entries look, the files search loads, and the CSS selectors and
attributes of the engine's page furniture (header, tabs, sidebars, footer, search box
and results, the light/dark toggle). The tests use these names and never the engine's
own strings, so moving to another engine (Zensical) means changing this module only.
The site's own markup (charts, cards, tables; pipeline/) is not here.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from pathlib import Path
from typing import Any

# ---------------------------------------------------------------- search index (built files)

SEARCH_INDEX = "search/search_index.json"
# What search loads after the page (its index, worker and word splitters); page weights leave
# them out because they grow with the content.
SEARCH_FILES = (SEARCH_INDEX, "assets/javascripts/workers/", "assets/javascripts/lunr/")
# The list of every page of the site, which the engine's instant navigation fetches on each full
# page load: it grows with the number of pages (about 10 bytes gzip a page), not with what a
# page shows, so page weights count it on its own (test_site_browser: SITEMAP_BUDGET).
SITE_WIDE_FILES = ("sitemap.xml",)
# A JavaScript regular expression (its source) for the requests search makes: index and worker.
SEARCH_REQUESTS = r"search_index\.json|workers/search"


@dataclass(frozen=True)
class SearchEntry:
    location: str  # a page's URL path relative to the site root, maybe with #anchor
    title: str
    text: str


def search_entries(site: Path) -> list[SearchEntry]:
    """Every entry of the built site's search index."""
    index = _search_index(site)
    return [SearchEntry(d["location"], d.get("title", ""), d.get("text", "")) for d in index["docs"]]


def search_languages(site: Path) -> list[str]:
    """The languages the search index was built for (its word splitting)."""
    return list(_search_index(site)["config"]["lang"])


def _search_index(site: Path) -> dict[str, Any]:
    return json.loads((site / SEARCH_INDEX).read_text(encoding="utf-8"))


# ---------------------------------------------------------------- page furniture (selectors)

# The content of a page, as opposed to the engine's navigation around it.
CONTENT = "article"
HEADER = ".md-header"
# Everything around the content that a printed page leaves out.
NAVIGATION = (HEADER, ".md-tabs", ".md-sidebar", ".md-footer", ".md-top", ".md-search",
              "[data-md-component=announce]")
SEARCH_INPUT = "input[name='query']"
SEARCH_RESULT_ITEM = ".md-search-result__item"
SEARCH_RESULT_LINK = ".md-search-result__link"
# JavaScript: true once the search box is ready for typing (it shows its prompt).
SEARCH_READY = ("(document.querySelector('.md-search-result__meta') || {}).textContent"
                " === '键入以开始搜索'")
# The control that switches from the light to the dark palette, and back.
DARK_TOGGLE = "label[for='__palette_1']"
LIGHT_TOGGLE = "label[for='__palette_0']"
# The header's button that opens search, and (JavaScript) whether search is open.
SEARCH_BUTTON = "label.md-header__button[for='__search']"
SEARCH_OPEN = "document.getElementById('__search').checked"
# JavaScript: the palette the page shows now ("light" or "dark").
SCHEME = ("({default: 'light', slate: 'dark'})"
          "[document.body.getAttribute('data-md-color-scheme')] || null")

# ---------------------------------------------------------------- instant navigation

# The engine answers a click on a link without a page load only once it has read the list of
# the site's pages (SITE_WIDE_FILES), which it asks for when its script starts. A click before
# that, say on a slow link, loads the page the ordinary way. NAVIGATION_PROBE (a script to run
# before the page's own, Playwright's add_init_script) marks the page when that list has been
# read: the engine parses it as XML and takes it in within the same task, so a task later its
# links are handled. NAVIGATION_READY (JavaScript) is true from then on.
NAVIGATION_PROBE = """(() => {
  const parse = DOMParser.prototype.parseFromString;
  DOMParser.prototype.parseFromString = function (text, type) {
    const parsed = parse.call(this, text, type);
    if (parsed.documentElement && parsed.documentElement.localName === "urlset") {
      setTimeout(() => { window.__kjjPagesRead = true; }, 0);
    }
    return parsed;
  };
})();"""
NAVIGATION_READY = "window.__kjjPagesRead === true"
