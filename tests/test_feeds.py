"""The Atom feeds, read back with a feed reader's parser (feedparser) and checked against RFC 4287."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from datetime import datetime
from pathlib import Path

import feedparser
import pytest

from pipeline import docs, feeds, formats, revision_log, revisions
from pipeline.paths import REPO, Layout
from tests.sitebuild import built_site

ATOM = "{http://www.w3.org/2005/Atom}"


def atom_problems(content: bytes) -> list[str]:
    """What RFC 4287 requires of a feed and its entries (section 4.1), checked element by element."""
    problems = []
    root = ET.fromstring(content)
    if root.tag != f"{ATOM}feed":
        return [f"root is {root.tag}, not atom:feed"]

    def one(el: ET.Element, name: str, where: str) -> ET.Element | None:
        found = el.findall(f"{ATOM}{name}")
        if len(found) != 1:
            problems.append(f"{where}: {len(found)} atom:{name}, must be exactly one")
            return None
        return found[0]

    def date(el: ET.Element | None, where: str) -> None:
        if el is not None:
            try:
                stamp = datetime.fromisoformat((el.text or "").replace("Z", "+00:00"))
                assert stamp.tzinfo is not None
            except (ValueError, AssertionError):
                problems.append(f"{where}: {el.text!r} is not an RFC 3339 date-time")

    for name in ("id", "title"):
        one(root, name, "feed")
    date(one(root, "updated", "feed"), "feed updated")
    authors = root.findall(f"{ATOM}author")
    for i, entry in enumerate(root.findall(f"{ATOM}entry")):
        where = f"entry {i + 1}"
        entry_id = one(entry, "id", where)
        if entry_id is not None and ":" not in (entry_id.text or ""):
            problems.append(f"{where}: id {entry_id.text!r} is not an IRI")
        one(entry, "title", where)
        date(one(entry, "updated", where), where)
        if not authors and not entry.findall(f"{ATOM}author"):
            problems.append(f"{where}: no author in the entry or the feed")
        links = entry.findall(f"{ATOM}link")
        alternates = [link for link in links if link.get("rel", "alternate") == "alternate"]
        if not alternates and entry.find(f"{ATOM}content") is None:
            problems.append(f"{where}: neither an alternate link nor content")
        kinds = [(link.get("type"), link.get("hreflang")) for link in alternates]
        if len(kinds) != len(set(kinds)):
            problems.append(f"{where}: two alternate links of the same type and language")
    if not any(link.get("rel") == "self" for link in root.findall(f"{ATOM}link")):
        problems.append("feed: no self link")
    return problems


@pytest.fixture(scope="module")
def site() -> Layout:
    return built_site()


@pytest.mark.site
@pytest.mark.parametrize("name", [feeds.EDITIONS, feeds.REVISIONS])
def test_published_feeds_are_valid_atom(site: Layout, name: str):
    content = (site.site / name).read_bytes()
    assert atom_problems(content) == []
    parsed = feedparser.parse(content)
    assert not parsed.bozo, parsed.get("bozo_exception")
    assert parsed.version == "atom10"
    assert parsed.feed.title and parsed.feed.updated


@pytest.mark.site
def test_editions_feed_has_each_edition_in_chinese_with_date_and_link(site: Layout):
    parsed = feedparser.parse((site.site / feeds.EDITIONS).read_bytes())
    published = [e for e in docs.editions(REPO) if not e.draft]  # newest first
    assert [e.title for e in parsed.entries] == [e.title for e in published]
    assert all(f"{e.year}年" in e.title for e in published)
    for entry, edition in zip(parsed.entries, published, strict=True):
        assert entry.updated_parsed and entry.published_parsed
        assert entry.link.endswith(f"{edition.year}/")
        assert formats.edition_pdf(REPO, edition.year) in entry.content[0].value


@pytest.mark.site
def test_feed_links_resolve_in_the_built_site(site: Layout):
    feed = site.site / feeds.EDITIONS
    for link in ET.fromstring(feed.read_bytes()).iter(f"{ATOM}link"):
        href = link.get("href", "")
        if href.startswith("http"):
            continue
        target = (feed.parent / href).resolve()
        assert (target / "index.html" if href.endswith("/") else target).is_file(), href


@pytest.mark.site
def test_every_page_links_the_feeds_in_its_head(site: Layout):
    pages = sorted(site.site.rglob("index.html"))
    assert len(pages) > 10
    for page in pages:
        if "embed" in page.relative_to(site.site).parts:
            continue  # an embedded chart is not a page of the site
        head = page.read_text(encoding="utf-8").split("</head>")[0]
        assert 'type="application/atom+xml"' in head and "feed-editions.xml" in head, page
        assert "feed-revisions.xml" in head, page
    catalog = (site.site / "data" / "index.html").read_text(encoding="utf-8")
    assert "../feed-editions.xml" in catalog and "../feed-revisions.xml" in catalog


def test_revisions_feed_has_an_entry_per_revision(repo_copy: Layout):
    revisions.append(repo_copy, [revision_log.Revision("indicators", "rd-spending/2020", "value",
                                                    "49.3", "49.5")],
                     reason="统计部门更正", date=__import__("datetime").date(2026, 3, 2))
    content = feeds.revisions_feed(repo_copy, "https://example.org/kjj/")
    assert atom_problems(content) == []
    parsed = feedparser.parse(content)
    assert not parsed.bozo
    # this revision's entry (a revision recorded in the data may be newer, so listed first)
    [entry] = [e for e in parsed.entries if "rd-spending/2020" in e.title and "49.5" in e.title]
    assert "49.3" in entry.title and "49.5" in entry.title and "主要科技工作指标" in entry.title
    assert entry.link == "https://example.org/kjj/data/indicators/#修订记录"
    assert entry.updated.startswith("2026-03-02")
    assert "统计部门更正" in entry.summary
    # the same revision keeps its id when the site moves
    again = feedparser.parse(feeds.revisions_feed(repo_copy, "https://other.example/"))
    assert entry.id in {e.id for e in again.entries}


def test_atom_check_catches_a_broken_feed():
    content = feeds.editions_feed(REPO)
    root = ET.fromstring(content)
    entry = root.find(f"{ATOM}entry")
    assert entry is not None
    entry.remove(entry.find(f"{ATOM}updated"))
    ET.SubElement(entry, f"{ATOM}link", {"href": "x/"})  # a second plain alternate link
    root.remove(root.find(f"{ATOM}id"))
    found = "\n".join(atom_problems(ET.tostring(root)))
    assert "atom:updated" in found and "alternate" in found and "feed: 0 atom:id" in found


def test_feeds_do_not_depend_on_the_clock(monkeypatch: pytest.MonkeyPatch, tmp_path: Path):
    first = feeds.files(REPO)
    monkeypatch.setattr("time.time", lambda: 0.0)
    assert feeds.files(REPO) == first
