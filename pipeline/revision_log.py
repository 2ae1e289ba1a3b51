"""The revisions log as data: datasets/revisions.csv read into Revision records.

What belongs here: the log's fields, reading it, and one dataset's entries
(for its page, its feed entries). What does not: finding or recording
revisions (revisions.py, the staff tool), which write the log.
"""

from __future__ import annotations

import csv
import io
import re
from dataclasses import asdict, dataclass

from . import csvtext
from .paths import Layout

NAME = "revisions"
FIELDS = ["dataset", "key", "field", "old_value", "new_value", "date", "reason"]
KEY_SEPARATOR = "/"


@dataclass(frozen=True)
class Revision:
    dataset: str
    key: str
    field: str
    old_value: str
    new_value: str
    date: str = ""
    reason: str = ""

    def same_change(self, other: Revision) -> bool:
        return (self.dataset, self.key, self.field, self.old_value, self.new_value) == (
            other.dataset, other.key, other.field, other.old_value, other.new_value)


def read(layout: Layout) -> list[Revision]:
    path = layout.csv(NAME)
    if not path.exists():
        return []
    return [Revision(**{k: (r.get(k) or "") for k in FIELDS})
            for r in parse_rows(decode(path.read_bytes()))]


def anchor(dataset: str, key: str) -> str:
    """The id of a record's revisions on its dataset's page (the newest row of that record
    carries it): pages that show a revised figure link there."""
    return "revision-" + re.sub(r"[^\w]+", "-", f"{dataset}-{key}".lower()).strip("-")


def for_dataset(layout: Layout, name: str) -> list[dict[str, str]]:
    """The revisions of one dataset, newest first, as plain dicts for the dataset page; the
    newest row of each record has its `anchor`, the others an empty one."""
    rows = sorted((asdict(r) for r in read(layout) if r.dataset == name),
                  key=lambda r: r["date"], reverse=True)
    seen: set[str] = set()
    for row in rows:
        row["anchor"] = "" if row["key"] in seen else anchor(name, row["key"])
        seen.add(row["key"])
    return rows


REF_SEPARATOR = ":"  # "dataset:key", where a chart's cell shows a record of another dataset


def ref(dataset: str, key: str) -> str:
    """A record of a named dataset, as a chart cell names it (a dataset name has no ":")."""
    return f"{dataset}{REF_SEPARATOR}{key}"


def parse_ref(value: str, dataset: str) -> tuple[str, str]:
    """(dataset, key) of a chart cell's record: "dataset:key", or a key of `dataset`."""
    named, sep, key = value.partition(REF_SEPARATOR)
    return (named, key) if sep else (dataset, value)


def page_link(site_url: str, dataset: str, key: str) -> str:
    """Where a record's revision is told, as others must write it: the dataset page's
    revisions table, at the record's anchor (absolute when the site's address is known)."""
    base = f"{site_url.rstrip('/')}/" if site_url else "/"
    return f"{base}data/{dataset}/#{anchor(dataset, key)}"


def words(revision: Revision, site_url: str = "") -> str:
    """A revision as a download's 修订 cell says it: date, old value, reason, link."""
    old = revision.old_value or "（空）"
    parts = [f"修订（{revision.date}）" if revision.date else "修订", f"原为 {old}"]
    if revision.reason:
        parts.append(revision.reason)
    parts.append(page_link(site_url, revision.dataset, revision.key))
    return "；".join(parts)


def revised(revisions: list[Revision]) -> dict[tuple[str, str], Revision]:
    """(dataset, key) -> the newest revision of that record."""
    newest: dict[tuple[str, str], Revision] = {}
    for r in sorted(revisions, key=lambda r: r.date):
        newest[(r.dataset, r.key)] = r
    return newest


def parse_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def decode(data: bytes) -> str:
    try:
        return csvtext.decode(data)[0]
    except csvtext.EncodingError:
        return data.decode("utf-8", errors="replace")
