"""The one URL helper: how a site path becomes a link.

Generated Markdown links to the *source file* of what it links to
(`source_link("2020/plan.md", "data/indicators.md")` == "../data/indicators.md",
"../data/charts/x.csv"): every site engine (MkDocs, Zensical) resolves a Markdown
link to a source file into the right URL for its own output, so no generated page
carries an output URL worked out in advance. Site paths ("data/indicators/") and
`relative` links between them are for what no engine rewrites: standalone HTML
(embed pages), raw HTML on a page whose source sits where its output does
(index.md), and addresses given to others. Raw HTML on any other page links with
`absolute` (from the site's root, or its address when known): the engines read a
relative link there differently (MkDocs from the page's URL, Zensical from its source
file).

What belongs here: where things live on the site (the data folder, chart
files, embed pages), the URL of a Markdown page with directory URLs, of a
dataset page and of a chart's files, links relative from one page to another,
and absolute links when the site's address is known. What does not: reading
the site's address (siteconfig.py) or writing links into pages (pages.py,
catalog.py, chart_exports.py). Imports nothing of the package, so every stage
and template can use it.

A "site path" has no leading slash: "data/indicators/", "data/charts/x.png";
"" is the site's root.
"""

from __future__ import annotations

import posixpath

DATA_DIR = "data"  # every published file is under /data/
CHART_DIR = "charts"  # each chart's numbers and images, inside DATA_DIR
EMBED_DIR = "embed"  # each chart's embeddable page: /embed/ID/
INDICATOR_DIR = "indicators"  # each indicator's page: /indicators/ID/, the index /indicators/
SERIES_DIR = "series"  # each indicator's series downloads, inside DATA_DIR: series/ID.csv
SERIES_SUFFIXES = {"csv": ".csv", "xlsx": ".xlsx", "json": ".json"}


def page_path(rel: str) -> str:
    """Site path of a Markdown page with directory URLs: a/b.md -> a/b/, a/index.md -> a/,
    index.md -> "" (other paths are returned as they are)."""
    if rel == "index.md" or rel.endswith("/index.md"):
        return rel[: -len("index.md")]
    return rel[: -len(".md")] + "/" if rel.endswith(".md") else rel


def relative(from_path: str, to_path: str) -> str:
    """A link from the page at site path `from_path` to `to_path`, relative, so it works under
    any base URL: relative("2020/", "data/") == "../data/"."""
    base = from_path or "."
    target = to_path or "."
    rel = posixpath.relpath(target, base)
    if rel == ".":
        return "./"
    return rel + "/" if to_path.endswith("/") or not to_path else rel


def absolute(site_url: str, path: str) -> str:
    """A site path as others must write it: with the site's address when known, else from the
    root ("/data/")."""
    return f"{site_url.rstrip('/')}/{path}" if site_url else f"/{path}"


def link(site_url: str, path: str, page: str) -> str:
    """A site path as linked from the page at site path `page` (a folder URL such as
    "data/indicators/"): absolute when the site's address is known, else relative."""
    if site_url:
        return absolute(site_url, path)
    rel = posixpath.relpath(path, page.rstrip("/") or ".")
    return rel + "/" if path.endswith("/") and rel != "." else ("./" if rel == "." else rel)


def data_path(rel: str) -> str:
    """Site path of a published file, from its path inside the data folder."""
    return f"{DATA_DIR}/{rel}"


def dataset_url(site_url: str, name: str) -> str:
    """The dataset's page: absolute when the site's address is known, else from the root."""
    return absolute(site_url, f"{DATA_DIR}/{name}/")


def chart_file(chart_id: str, suffix: str) -> str:
    """Path of one of a chart's files inside the data folder: charts/ID.csv, charts/ID.png..."""
    return f"{CHART_DIR}/{chart_id}{suffix}"


def chart_urls(chart_id: str, site_url: str = "", page: str = "") -> dict[str, str]:
    """Site paths (or absolute URLs when the site's address is known) of everything about a
    chart; `page` is the site path of the page showing it (for the permalink)."""
    base = site_url.rstrip("/") if site_url else ""
    result = {
        key: f"{base}/{data_path(chart_file(chart_id, suffix))}"
        for key, suffix in (("csv", ".csv"), ("excel", ".excel.csv"), ("xlsx", ".xlsx"),
                            ("png", ".png"), ("svg", ".svg"))
    }
    result["embed"] = f"{base}/{EMBED_DIR}/{chart_id}/"
    if page:
        result["permalink"] = f"{base}/{page}#chart-{chart_id}"
    return result


def indicator_page(indicator_id: str = "") -> str:
    """Docs-tree path of an indicator's page (indicators/ID.md), or of the index ("")."""
    return f"{INDICATOR_DIR}/{indicator_id or 'index'}.md"


def series_file(indicator_id: str, suffix: str) -> str:
    """Path of one of an indicator's series downloads inside the data folder: series/ID.csv."""
    return f"{SERIES_DIR}/{indicator_id}{suffix}"


def source_link(from_rel: str, to_rel: str, anchor: str = "") -> str:
    """The Markdown link from the source page `from_rel` to the file `to_rel`, both relative
    to the docs tree ("2020/a.md" to "data/index.md" is "../data/index.md"; "#part" in
    `to_rel`, or `anchor`, for a place in it): every engine resolves such links itself."""
    if anchor:
        to_rel = f"{to_rel}#{anchor}"
    path, hash_, fragment = to_rel.partition("#")
    if not path:
        return "#" + fragment if hash_ else ""
    rel = posixpath.relpath(path, posixpath.dirname(from_rel) or ".")
    return rel + (f"#{fragment}" if hash_ else "")


def chart_sources(chart_id: str) -> dict[str, str]:
    """Docs-tree paths of what a chart publishes (its data, images and embed page), for
    `source_link`."""
    paths = {key: data_path(chart_file(chart_id, suffix))
             for key, suffix in (("csv", ".csv"), ("excel", ".excel.csv"), ("xlsx", ".xlsx"),
                                 ("png", ".png"), ("svg", ".svg"))}
    paths["embed"] = f"{EMBED_DIR}/{chart_id}/index.html"
    return paths


EDITIONS_DIR = "editions"  # each published edition's data as published: /data/editions/YEAR/


def edition_file(year: int | str, rel: str = "") -> str:
    """Path inside the data folder of a file of an edition's archive: editions/2020/x.csv
    ("" for the folder itself, editions/2020/)."""
    return f"{EDITIONS_DIR}/{year}/{rel}"
