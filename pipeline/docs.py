"""The hand-written pages of docs/ read as data: front matter, editions, chart placement.

What belongs here: reading every Markdown page of docs/ once (its front matter
and where its body starts), the editions they make (a folder docs/YEAR/ with
its index.md: title, description, first published and last changed), and which
page shows each chart (its `[[chart:ID]]` directive). The model (model.py)
holds what this reads, so the stages after it (downloads, pages, feeds, social
cards) never read docs/ again. What does not: filling in the directives
(pages.py) or any markup.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from . import git, load, urls
from .paths import Layout

DIRECTIVE = re.compile(r"\[\[([^\[\]\n]*)\]\]")
EDITION_DIR = re.compile(r"^(\d{4})$")
FENCE = re.compile(r"^\s*(`{3,}|~{3,})")


class PageError(Exception):
    """Placeholders that cannot be filled in: one line per problem, with file and line."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("\n".join(problems))
        self.problems = problems


@dataclass
class Page:
    """One Markdown page of docs/: where it is, its front matter, its text."""

    rel: str  # path relative to docs/, POSIX
    text: str
    meta: dict[str, Any]
    body_start: int  # line number (1-based) where the body starts

    @property
    def edition(self) -> int | None:
        first = self.rel.split("/", 1)[0]
        match = EDITION_DIR.match(first)
        return int(match.group(1)) if match and "/" in self.rel else None

    @property
    def url(self) -> str:
        """The page's URL path relative to the site root (use_directory_urls)."""
        return urls.page_path(self.rel)


def split_front_matter(text: str, path: Path | None = None) -> tuple[dict[str, Any], int]:
    """Front matter (YAML between --- lines) and the line its body starts on.

    Raises PageError (file and line) when the front matter is not valid YAML.
    """
    if not text.startswith("---\n"):
        return {}, 1
    end = text.find("\n---\n", 4)
    if end < 0:
        return {}, 1
    try:
        meta = load.parse_yaml(text[4:end], path or Path("page.md")) or {}
    except load.DescriptorError as exc:
        where = f"{path}:{(exc.line or 0) + 1}" if path else "front matter"
        raise PageError([f"{where}: 页面开头的 front matter 不是正确的 YAML：{exc.reason}"]) from exc
    if not isinstance(meta, dict):
        meta = {}
    return meta, text[: end + 5].count("\n") + 1


def read_pages(docs: Path) -> list[Page]:
    pages = []
    problems = []
    for path in sorted(docs.rglob("*.md")):
        rel = path.relative_to(docs).as_posix()
        try:
            text = path.read_text(encoding="utf-8-sig")
            meta, start = split_front_matter(text, Path("docs") / rel)
        except UnicodeDecodeError:
            problems.append(f"docs/{rel}: 页面不是 UTF-8 编码（可能存成了 GBK），请另存为 UTF-8")
            continue
        except OSError as exc:
            problems.append(f"docs/{rel}: 无法读取：{exc.strerror or exc}")
            continue
        except PageError as exc:
            problems += exc.problems
            continue
        pages.append(Page(rel, text, meta, start))
    if problems:
        raise PageError(problems)
    return pages


# The date used when none is known at all (ZIP cannot store dates before 1980).
NO_DATE = datetime(1980, 1, 1, tzinfo=UTC)


@dataclass(frozen=True)
class Edition:
    """One edition of the report: the folder docs/YEAR/ and its index.md."""

    year: int
    title: str
    description: str
    published: datetime  # the folder's first commit
    updated: datetime  # the folder's last commit
    status: str = "draft"  # front matter `status:` draft | published (checked by editions.py)

    @property
    def draft(self) -> bool:
        """A draft builds for the preview only: anything but `status: published` (as
        editions.py reads it) is a draft."""
        return self.status != "published"


def _date(layout: Layout, paths: list[Path], first: bool) -> datetime:
    """First or last commit touching `paths`; SOURCE_DATE_EPOCH; else NO_DATE."""
    when = git.first_commit(layout, paths) if first and git.full_history(layout) else None
    return when or git.last_updated(layout, paths) or NO_DATE


def editions(layout: Layout, pages: list[Page] | None = None) -> list[Edition]:
    """Every edition folder of docs/ (docs/2020/ ...), newest first, from the pages already
    read (read_pages) or from docs/."""
    if pages is None:
        pages = [Page(f"{folder.name}/index.md", "", *split_front_matter(
                     (folder / "index.md").read_text(encoding="utf-8")))
                 for folder in layout.docs.glob("[12][0-9][0-9][0-9]")
                 if (folder / "index.md").is_file()]
    found = []
    for page in sorted(pages, key=lambda p: p.rel, reverse=True):
        folder, _, name = page.rel.partition("/")
        if name != "index.md" or not re.fullmatch(r"[12][0-9]{3}", folder):
            continue
        year = int(folder)
        meta = page.meta
        found.append(Edition(
            year=year,
            title=str(meta.get("title") or f"{year}年工作报告"),
            description=str(meta.get("description") or ""),
            published=_date(layout, [layout.docs / folder], first=True),
            updated=_date(layout, [layout.docs / folder], first=False),
            status=str(meta.get("status") or "draft"),
        ))
    return found


def edition_years(layout: Layout, drafts: bool = False) -> list[int]:
    """The years of the edition folders docs/YEAR/ with an index.md, oldest first: the
    published ones (and the drafts with `drafts`), read from their front matter alone."""
    found = []
    for folder in sorted(layout.docs.glob("[12][0-9][0-9][0-9]")) if layout.docs.is_dir() else []:
        index = folder / "index.md"
        if not index.is_file():
            continue
        meta, _ = split_front_matter(index.read_text(encoding="utf-8-sig"), index)
        if drafts or str(meta.get("status") or "draft") == "published":
            found.append(int(folder.name))
    return found


def chart_placement(pages: list[Page]) -> dict[str, Page]:
    """`ID@YEAR` (the chart spec and the edition it is shown for: the `@YEAR` written, else
    the page's edition folder; a page outside the editions keeps `ID`) -> the page whose
    `[[chart:...]]` shows it (the first, in page order). Lines of fenced code blocks and
    escaped placeholders show a directive without placing it."""
    placed: dict[str, Page] = {}
    for page in pages:
        fence: str | None = None
        for number, line in enumerate(page.text.split("\n"), start=1):
            if number < page.body_start:
                continue
            opening = FENCE.match(line)
            if fence is not None or opening:
                if fence is None and opening:
                    fence = opening.group(1)[0] * 3
                elif fence is not None and line.strip().startswith(fence):
                    fence = None
                continue
            whole = DIRECTIVE.fullmatch(line.strip())
            if whole:
                kind, _, arg = whole.group(1).strip().partition(":")
                if kind == "chart":
                    ref = arg.strip()
                    if "@" not in ref and page.edition is not None:
                        ref = f"{ref}@{page.edition}"
                    placed.setdefault(ref, page)
    return placed
