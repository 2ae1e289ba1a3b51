"""Atom feeds a newsroom can subscribe to: new editions, and revisions of published figures.

What belongs here: /feed-editions.xml (one entry per edition of the report,
with a link to its pages and its PDF) and /feed-revisions.xml (one entry per
row of the revisions log), written with feedgen. They sit at the site root:
Material's instant navigation looks for a sitemap.xml beside every
`<link rel="alternate">` of a page, and finds the site's own there. What does not: the revisions
log itself (revisions.py), the pages that link to the feeds (the theme's head,
catalog.py).

Feeds are pure functions of the repository: dates come from git (the first and
last commit touching an edition's folder) or SOURCE_DATE_EPOCH and the
revisions log, never the clock; entry ids are name-based UUIDs, so they stay
the same when the site moves to another address.
"""

from __future__ import annotations

import uuid
from datetime import datetime, time
from pathlib import Path
from typing import Any

from . import datasets, docs, formats, load, markup, model, revision_log, siteconfig
from .paths import Layout

EDITIONS = "feed-editions.xml"
REVISIONS = "feed-revisions.xml"
ATOM = "application/atom+xml"

TITLES = {
    EDITIONS: ("新发布的年度报告", "New editions of the report"),
    REVISIONS: ("已发布数字的修订", "Revisions of published figures"),
}


def feed_id(layout: Layout, *parts: str) -> str:
    name = formats.package_name(layout)
    return "urn:uuid:" + str(uuid.uuid5(uuid.NAMESPACE_URL, "/".join([name, *parts])))


def _base(site_url: str) -> str:
    """Links as seen from a feed at the site root: absolute with the site URL, else relative."""
    return site_url.rstrip("/") + "/" if site_url else ""


def _feed(layout: Layout, name: str, site_url: str) -> Any:
    from feedgen.feed import FeedGenerator

    pkg = load.package_meta(layout)
    zh, en = TITLES[name]
    fg = FeedGenerator()
    fg.id(feed_id(layout, "feeds", name))
    fg.title(f"{pkg.get('title', '')}：{zh}")
    fg.subtitle(f"{en}. {pkg.get('title_en', '')}")
    fg.language("zh-CN")
    fg.author({"name": str(pkg.get("publisher", ""))})
    fg.rights(str((pkg.get("license") or {}).get("title", "")))
    fg.link(href=f"{_base(site_url)}{name}", rel="self", type=ATOM)
    fg.link(href=f"{_base(site_url)}data/", rel="alternate", type="text/html")
    fg.generator(str(pkg.get("title", "")))
    return fg


def editions_feed(layout: Layout, site_url: str = "",
                  editions: list[docs.Edition] | None = None) -> bytes:
    fg = _feed(layout, EDITIONS, site_url)
    items = docs.editions(layout) if editions is None else editions
    base = _base(site_url)
    pdf_name = formats.edition_pdf
    for edition in reversed(items):  # feedgen lists the last added first
        entry = fg.add_entry()
        entry.id(feed_id(layout, "edition", str(edition.year)))
        entry.title(edition.title)
        # One link per entry: feedgen 1.0 drops a link's rel and type when it writes an
        # entry, so a second (PDF) link would read as a second "alternate". The PDF is
        # linked from the content instead.
        entry.link(href=f"{base}{edition.year}/")
        entry.published(edition.published)
        entry.updated(edition.updated)
        pdf = f"{base}data/{pdf_name(layout, edition.year)}"
        summary = edition.description or f"{edition.title}：正文、图表和全部数据，另有可打印的 PDF 版。"
        entry.summary(summary)
        entry.content(markup.render("feed_entry.html", summary=summary,
                                    page=f"{base}{edition.year}/", pdf=pdf), type="html")
    fg.updated(max((e.updated for e in items), default=formats.ZIP_EPOCH))
    return fg.atom_str(pretty=True)


def revisions_feed(layout: Layout, site_url: str = "",
                   revisions: list[revision_log.Revision] | None = None,
                   editions: list[docs.Edition] | None = None) -> bytes:
    fg = _feed(layout, REVISIONS, site_url)
    base = _base(site_url)
    titles = {d.name: str(d.meta().get("title") or d.name) for d in load.discover(layout)}
    logged = revision_log.read(layout) if revisions is None else revisions
    rows = sorted(logged, key=lambda r: (r.date, r.dataset, r.key, r.field))
    latest = formats.ZIP_EPOCH
    for row in rows:
        when = _day(row.date)
        latest = max(latest, when)
        entry = fg.add_entry()
        entry.id(feed_id(layout, "revision", row.dataset, row.key, row.field, row.old_value,
                         row.new_value, row.date))
        entry.title(f"{titles.get(row.dataset, row.dataset)}：{row.key} 的 {row.field} "
                    f"由 {row.old_value} 改为 {row.new_value}")
        entry.link(href=f"{base}data/{row.dataset}/#修订记录")
        entry.updated(when)
        entry.published(when)
        entry.summary(f"修订原因：{row.reason}" if row.reason else "修订")
    if not rows:
        found = docs.editions(layout) if editions is None else editions
        latest = max((e.updated for e in found), default=formats.ZIP_EPOCH)
    fg.updated(latest)
    return fg.atom_str(pretty=True)


def _day(text: str) -> datetime:
    """A revision's date (YYYY-MM-DD) as midnight China Standard Time."""
    try:
        day = datetime.fromisoformat(text).date()
    except ValueError:
        return formats.ZIP_EPOCH
    return datetime.combine(day, time(0, 0), datasets.CST)


def files(layout: Layout, project: model.Project | None = None) -> dict[str, bytes]:
    """The two feeds, paths relative to the site root (from the build's model when given)."""
    if project is None:
        url = siteconfig.site_url(layout)
        return {EDITIONS: editions_feed(layout, url), REVISIONS: revisions_feed(layout, url)}
    return {EDITIONS: editions_feed(layout, project.site_url, project.editions),
            REVISIONS: revisions_feed(layout, project.site_url, project.revisions,
                                      project.editions)}


def write(layout: Layout, out_docs: Path, project: model.Project | None = None) -> set[str]:
    """Write the feeds into the generated docs (MkDocs copies them); return their paths."""
    from .pages import write_if_changed

    written = set()
    for rel, content in files(layout, project).items():
        write_if_changed(out_docs / rel, content)
        written.add(rel)
    return written
