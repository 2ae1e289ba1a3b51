"""Editions as data: what the front matter of each docs/YEAR/index.md says about its edition.

What belongs here: reading an edition's status (draft or published), publication date,
the month the next edition is expected and the source documents it uses (`sources:`,
codes from datasets/sources.csv), checking those keys (each finding an Issue with file,
line and fix), and telling which edition a data row belongs to. What does not: the
page text and placeholders (pages.py), the rows' own checks (checks/consistency.py
compares rows with the editions read here).

    ---
    title: 2021年工作报告
    status: published        # draft | published
    published: 2022-03-15    # YYYY-MM-DD, required once published
    next: 2023-03            # YYYY-MM, when the next edition is expected
    sources: [kjj-2021]      # source_id values of datasets/sources.csv
    ---

A row belongs to the edition of its year (indicators: `year`; plan targets:
`plan_year`); a year without an edition of its own (2019 figures reported in the
2020 report) belongs to the first edition after it.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from . import load
from .findings import Issue
from .paths import Layout

STATUSES = ("draft", "published")
EDITION_DIR = re.compile(r"^\d{4}$")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}$")
MONTH = re.compile(r"^\d{4}-\d{2}$")
# The column that says which year (and so which edition) a row is for, in this order.
YEAR_COLUMNS = ("plan_year", "year")


@dataclass
class Edition:
    """One docs/YEAR/ folder as its index.md front matter describes it."""

    year: int
    page: str                   # docs/YEAR/index.md, as shown in messages
    status: str = "draft"
    published: str = ""
    next: str = ""
    sources: list[str] = field(default_factory=list)
    lines: dict[str, int] = field(default_factory=dict)  # front-matter key -> line number
    raw: dict[str, Any] = field(default_factory=dict)

    @property
    def is_published(self) -> bool:
        return self.status == "published"


def _front_matter(text: str) -> tuple[str, int] | None:
    text = text.replace("\r\n", "\n").lstrip("\ufeff")
    if not text.startswith("---\n"):
        return None
    end = text.find("\n---\n", 4)
    if end < 0:
        return None
    return text[4:end], 2


def _key_lines(block: str, first: int) -> dict[str, int]:
    lines = {}
    for n, line in enumerate(block.split("\n"), start=first):
        found = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if found and found.group(1) not in lines:
            lines[found.group(1)] = n
    return lines


def read(layout: Layout) -> list[Edition]:
    """Every edition folder docs/YYYY/ with an index.md, oldest first.

    A front matter that is not valid YAML is reported by checks/project.py; here it reads
    as an empty one (a draft without sources).
    """
    found: list[Edition] = []
    if not layout.docs.is_dir():
        return found
    for folder in sorted(layout.docs.iterdir()):
        index = folder / "index.md"
        if not (EDITION_DIR.match(folder.name) and index.is_file()):
            continue
        edition = Edition(year=int(folder.name), page=layout.relative(index))
        try:
            split = _front_matter(index.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError):
            split = None
        if split:
            block, first = split
            try:
                meta = load.parse_yaml(block, index) or {}
            except load.DescriptorError:
                meta = {}
            if isinstance(meta, dict):
                edition.raw = meta
                edition.lines = _key_lines(block, first)
                edition.status = str(meta.get("status") or "draft")
                edition.published = _text(meta.get("published"))
                edition.next = _text(meta.get("next"))
                sources = meta.get("sources")
                if isinstance(sources, list):
                    edition.sources = [str(s) for s in sources]
        found.append(edition)
    return found


def _text(value: Any) -> str:
    return "" if value is None else str(value)


def check(editions: list[Edition], source_ids: set[str] | None) -> list[Issue]:
    """The front-matter keys of every edition; `source_ids` None when sources.csv is unreadable."""
    issues: list[Issue] = []
    for ed in editions:
        raw = ed.raw
        params = {"page": ed.page, "year": ed.year}

        def at(key: str) -> int:
            return ed.lines.get(key, 2)  # noqa: B023 - used at once, inside this loop pass

        if "status" in raw and raw["status"] not in STATUSES:
            issues.append(Issue("edition-status", ed.page, row=at("status"), column="status",
                                value=raw["status"], params=params))
        if ed.is_published and not ed.published:
            issues.append(Issue("edition-published-missing", ed.page, row=at("status"),
                                column="published", params=params))
        for key, pattern, expected, example in (
            ("published", DAY, "YYYY-MM-DD", f"{ed.year + 1}-03-15"),
            ("next", MONTH, "YYYY-MM", f"{ed.year + 2}-03"),
        ):
            value = getattr(ed, key)
            if value and not (pattern.match(value) and _real(value)):
                issues.append(Issue("edition-date", ed.page, row=at(key), column=key, value=raw[key],
                                    params={**params, "key": key, "expected": expected,
                                            "example": example}))
        sources = raw.get("sources")
        if sources is not None and not (isinstance(sources, list)
                                        and all(isinstance(s, str) for s in sources)):
            issues.append(Issue("edition-sources", ed.page, row=at("sources"), column="sources",
                                value=sources, params=params))
        elif ed.is_published and not ed.sources:
            issues.append(Issue("edition-sources-missing", ed.page, row=at("sources" if "sources" in raw
                                                                             else "status"),
                                column="sources", params=params))
        if source_ids is not None:
            for source in ed.sources:
                if source not in source_ids:
                    issues.append(Issue("edition-source-unknown", ed.page, row=at("sources"),
                                        column="sources", value=source, params=params))
    return issues


def _real(value: str) -> bool:
    parts = [int(p) for p in value.split("-")]
    try:
        date(parts[0], parts[1], parts[2] if len(parts) > 2 else 1)
    except ValueError:
        return False
    return True


def year_column(schema: dict[str, Any]) -> str | None:
    """The column telling a row's edition, for a table whose rows name a source_id; else None."""
    names = {f.get("name") for f in schema.get("fields") or [] if isinstance(f, dict)}
    if "source_id" not in names:
        return None
    return next((c for c in YEAR_COLUMNS if c in names), None)


def edition_of(year: Any, editions: list[Edition]) -> Edition | None:
    """The edition a row of this year belongs to: its own, else the first one after it."""
    if not isinstance(year, int) or isinstance(year, bool):
        return None
    for ed in editions:  # oldest first
        if ed.year >= year:
            return ed
    return None


SOURCES = load.SOURCES


def source_rows(layout: Layout) -> dict[str, dict[str, Any]]:
    """source_id -> its row of datasets/sources.csv (typed); {} without that table."""
    dataset = next((d for d in load.discover(layout) if d.name == SOURCES), None)
    if dataset is None:
        return {}
    return {str(r["source_id"]): r for r in load.read_records(dataset) if r.get("source_id")}


def source_titles(layout: Layout, lang: str = "zh") -> dict[str, str]:
    """source_id -> title (title_en for "en") of datasets/sources.csv; {} without that table."""
    key = "title_en" if lang == "en" else "title"
    return {i: str(r.get(key) or r.get("title") or "") for i, r in source_rows(layout).items()}
