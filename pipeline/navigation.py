"""The site's navigation, derived from the editions, and the configuration the build renders with.

What belongs here: working out each edition's pages in reading order (docs/YEAR/index.md
front matter `nav:`, else the edition's section of mkdocs.yml's `nav`, else the newest
edition's order for the files this edition has), the pages of an edition that no
navigation lists, and the configuration file the build and the preview hand to MkDocs:
mkdocs.yml itself (INHERIT) with this navigation, so nobody edits mkdocs.yml for a new
edition. What does not: reading pages (docs.py), deciding which editions are published
(docs.Edition.draft) or rendering (MkDocs).

mkdocs.yml stays the complete configuration other engines read as it is: its `nav`
lists the editions that were there when it was last edited; the build's own
configuration (.build/mkdocs-build.yml, .build/mkdocs-preview.yml) replaces its edition
sections with one section per edition the build shows, newest first, at the place of the
first edition section. Only the newest published edition (and, in the preview, any draft
newer than it) is a section of its own; the older editions are sections inside one
section, 往期报告 (ARCHIVE). With Material's `navigation.prune` (mkdocs.yml), an older
edition's section is rendered on its own pages only, and elsewhere as one link to its first
page: the navigation every page carries grows by one link per edition, not by a whole
edition's pages.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .docs import Page
from .paths import Layout

EDITION_PATH = re.compile(r"^([12][0-9]{3})/")
BUILD_CONFIG = "mkdocs-build.yml"
ARCHIVE = "往期报告"  # the section that holds the editions before the newest published one
NAV_FILE = "nav.json"


@dataclass
class Navigation:
    """The nav to render, and for each edition the pages no navigation lists."""

    nav: list[Any] | None
    outside: dict[int, list[str]] = field(default_factory=dict)  # year -> page rels


def _paths(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, list):
        return [p for item in node for p in _paths(item)]
    if isinstance(node, dict):
        return [p for item in node.values() for p in _paths(item)]
    return []


def _edition_of_section(item: Any) -> int | None:
    """The year of a nav item that is one edition's section ({title: [pages of YEAR/]})."""
    if not (isinstance(item, dict) and len(item) == 1):
        return None
    (entries,) = item.values()
    if not isinstance(entries, list):
        return None
    years = {m.group(1) for m in (EDITION_PATH.match(p) for p in _paths(entries)) if m}
    paths = _paths(entries)
    if len(years) == 1 and all(EDITION_PATH.match(p) for p in paths):
        return int(years.pop())
    return None


def _edition_sections(item: Any) -> dict[int, Any]:
    """The edition sections a nav item is: itself, or those of an archive section (a section
    made of edition sections only, as the build writes 往期报告); {} for any other item."""
    year = _edition_of_section(item)
    if year is not None:
        return {year: item}
    if isinstance(item, dict) and len(item) == 1:
        (entries,) = item.values()
        if isinstance(entries, list) and entries:
            found = {y: e for e in entries if (y := _edition_of_section(e)) is not None}
            if len(found) == len(entries):
                return found
    return {}


def _rename(entry: Any, old: int, new: int) -> Any:
    if isinstance(entry, str):
        return f"{new}/" + entry[len(f"{old}/"):] if entry.startswith(f"{old}/") else entry
    if isinstance(entry, dict):
        return {k: _rename(v, old, new) for k, v in entry.items()}
    if isinstance(entry, list):
        return [_rename(e, old, new) for e in entry]
    return entry


def _keep(entry: Any, existing: set[str]) -> Any:
    """The entry without pages that do not exist (None when nothing is left)."""
    if isinstance(entry, str):
        return entry if entry in existing else None
    if isinstance(entry, dict):
        kept = {k: _keep(v, existing) for k, v in entry.items()}
        kept = {k: v for k, v in kept.items() if v not in (None, [])}
        return kept or None
    if isinstance(entry, list):
        return [e for e in (_keep(x, existing) for x in entry) if e is not None]
    return entry


def derive(root_nav: Any, pages: list[Page], years: list[int],
           drafts: set[int] = frozenset(),  # type: ignore[assignment]
           shown: set[int] | None = None) -> Navigation:
    """The navigation for the editions `years` (docs/YEAR/ folders) from mkdocs.yml's nav.

    `shown`: the editions the build renders (default: all); a draft's pages outside its
    navigation are added at the end of its section so that the preview shows them."""
    shown = set(years) if shown is None else shown
    by_edition: dict[int, list[Page]] = {}
    for page in pages:
        if page.edition is not None:
            by_edition.setdefault(page.edition, []).append(page)
    nav_list = root_nav if isinstance(root_nav, list) else []
    sections = {y: section for item in nav_list for y, section in _edition_sections(item).items()}
    entries: dict[int, list[Any]] = {}
    titles: dict[int, str] = {}
    outside_all: dict[int, list[str]] = {}
    for year in sorted(years):
        existing = {p.rel for p in by_edition.get(year, [])}
        index = next((p for p in by_edition.get(year, []) if p.rel == f"{year}/index.md"), None)
        declared = index.meta.get("nav") if index is not None else None
        if isinstance(declared, list) and all(isinstance(x, str) for x in declared):
            found: list[Any] = [f"{year}/{x}" for x in declared]
        elif year in sections:
            (titles[year], found), = sections[year].items()
            found = list(found)
        else:
            template = max((y for y in sections if y != year), default=None)
            if template is None:
                found = []
            else:
                (_t, listed), = sections[template].items()
                found = _rename(list(listed), template, year)
        found = _keep(found, existing) or []
        if f"{year}/index.md" in existing and f"{year}/index.md" not in _paths(found):
            found.insert(0, f"{year}/index.md")
        outside = sorted(existing - set(_paths(found)))
        if outside:  # a published edition is refused for these; a draft's preview shows them
            outside_all[year] = outside
        entries[year] = found + outside if year in drafts else found
        titles.setdefault(year, f"{year}年报告")
        if year in drafts:
            titles[year] = f"{year}年报告（草稿）"
    if not isinstance(root_nav, list):
        return Navigation(None, outside_all)
    ordered = [y for y in sorted(shown & set(years), reverse=True) if entries[y]]
    newest = next((y for y in ordered if y not in drafts), None)
    current = [y for y in ordered if newest is None or y >= newest]
    older = [y for y in ordered if y not in current]
    new_sections: list[Any] = [{titles[y]: entries[y]} for y in current]
    if older:
        new_sections.append({ARCHIVE: [{titles[y]: entries[y]} for y in older]})
    nav: list[Any] = []
    placed = False
    for item in nav_list:
        if _edition_sections(item):
            if not placed:
                nav.extend(new_sections)
                placed = True
            continue
        nav.append(item)
    if not placed:
        nav[1:1] = new_sections
    return Navigation(nav, outside_all)


def config_lines(layout: Layout, nav: list[Any] | None) -> list[str]:
    """The lines that make mkdocs.yml the build's configuration (every path absolute: the
    file lives in .build/), with the derived nav when there is one."""
    lines = [
        f"INHERIT: {json.dumps(layout.mkdocs_config.resolve().as_posix())}",
        f"docs_dir: {json.dumps(layout.generated_docs.resolve().as_posix())}",
        *custom_dir_lines(layout),
    ]
    if nav is not None:
        lines.append("nav: " + json.dumps(nav, ensure_ascii=False))
    return lines


def custom_dir_lines(layout: Layout) -> list[str]:
    """The theme's custom_dir of mkdocs.yml made absolute (relative paths would otherwise be
    read from .build/, where the build's configurations live)."""
    from . import siteconfig

    theme = siteconfig.read(layout).get("theme")
    custom = theme.get("custom_dir") if isinstance(theme, dict) else None
    if not isinstance(custom, str) or not custom:
        return []
    folder = (layout.root / custom).resolve().as_posix()
    return ["theme:", f"  custom_dir: {json.dumps(folder)}"]


def nav_path(layout: Layout) -> Path:
    return layout.build / NAV_FILE


def write_nav(layout: Layout, nav: list[Any] | None) -> None:
    """The last generation's navigation (.build/nav.json), for the configurations."""
    path = nav_path(layout)
    path.parent.mkdir(parents=True, exist_ok=True)
    text = json.dumps(nav, ensure_ascii=False) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")


def read_nav(layout: Layout) -> list[Any] | None:
    """The navigation the last generation wrote; None (mkdocs.yml's own) without one."""
    try:
        found = json.loads(nav_path(layout).read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    return found if isinstance(found, list) else None


def write_config(layout: Layout, nav: list[Any] | None) -> Path:
    """.build/mkdocs-build.yml: mkdocs.yml with the editions' navigation."""
    path = layout.build / BUILD_CONFIG
    path.parent.mkdir(parents=True, exist_ok=True)
    text = "\n".join(["# The build's configuration: mkdocs.yml with the navigation derived "
                      "from the editions.", *config_lines(layout, nav)]) + "\n"
    if not path.exists() or path.read_text(encoding="utf-8") != text:
        path.write_text(text, encoding="utf-8")
    return path
