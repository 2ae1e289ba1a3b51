"""Where things are on the site, and how one generated page links to another file.

What belongs here: every rule that turns a file of the generated docs tree
into a link or an address, so no other module works one out by hand:

- `link(from_rel, to_rel)`: the link written into a generated Markdown page,
  relative to that page's *source file* ("../data/indicators.md",
  "../data/charts/x.csv"). Every site engine (MkDocs, Zensical) resolves a
  Markdown link to a source file into the right URL for its own output, so
  the generated Markdown never carries an output URL worked out in advance.
- `page_path(rel)`: the public path of a page with directory URLs
  (`a/b.md` -> `a/b/`), the form readers see and journalists cite.
- `public(site_url, path)`: the address others must write (embed snippets,
  permalinks, JSON-LD): absolute with the site URL when it is known, else
  rooted at "/".
- `chart_files(chart_id)`: the files a chart publishes, as docs-tree paths.

What does not: reading the site URL from the configuration (downloads.py),
and the markup the links go into (templates/).
"""

from __future__ import annotations

import posixpath

CHART_DIR = "data/charts"
EMBED_DIR = "embed"


def page_path(rel: str) -> str:
    """Public path of a source page (directory URLs): a/b.md -> a/b/, a/index.md -> a/."""
    if rel == "index.md" or rel.endswith("/index.md"):
        return rel[: -len("index.md")]
    return rel[: -len(".md")] + "/" if rel.endswith(".md") else rel


def link(from_rel: str, to_rel: str) -> str:
    """A link from the source page `from_rel` to the file `to_rel` (both relative to the docs
    tree, POSIX; `to_rel` may end in #fragment), relative to the source page's folder."""
    path, hash_, fragment = to_rel.partition("#")
    if not path:
        return "#" + fragment if hash_ else ""
    base = posixpath.dirname(from_rel) or "."
    rel = posixpath.relpath(path, base)
    return rel + (f"#{fragment}" if hash_ else "")


def public(site_url: str, path: str) -> str:
    """The address of a site path as others must write it: absolute with the site URL when
    known, else rooted ("/data/x.csv")."""
    path = path.lstrip("/")
    return f"{site_url.rstrip('/')}/{path}" if site_url else f"/{path}"


def chart_files(chart_id: str) -> dict[str, str]:
    """Docs-tree paths of everything a chart publishes: its data, its images, its embed page."""
    return {
        "csv": f"{CHART_DIR}/{chart_id}.csv",
        "excel": f"{CHART_DIR}/{chart_id}.excel.csv",
        "xlsx": f"{CHART_DIR}/{chart_id}.xlsx",
        "png": f"{CHART_DIR}/{chart_id}.png",
        "svg": f"{CHART_DIR}/{chart_id}.svg",
        "embed": f"{EMBED_DIR}/{chart_id}/index.html",
    }
