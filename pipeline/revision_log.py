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


def for_dataset(layout: Layout, name: str) -> list[dict[str, str]]:
    """The revisions of one dataset, newest first, as plain dicts for the dataset page."""
    rows = [asdict(r) for r in read(layout) if r.dataset == name]
    return sorted(rows, key=lambda r: r["date"], reverse=True)


def markdown(rows: list[dict[str, str]], lang: str = "zh") -> str:
    """A Markdown table of revisions; a sentence saying there are none when empty."""
    def cell(text: str) -> str:
        text = " ".join(text.split())
        text = text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
        return re.sub(r"([\\`*_{}\[\]()|~])", r"\\\1", text) or "—"

    if not rows:
        return "本数据集发布以来没有修订过已发布的数字。\n" if lang != "en" else (
            "No published figure of this dataset has been revised.\n")
    head = (["日期", "记录", "字段", "原值", "新值", "原因"] if lang != "en"
            else ["Date", "Record", "Field", "Old value", "New value", "Reason"])
    lines = ["| " + " | ".join(head) + " |", "|" + "---|" * len(head)]
    for r in rows:
        values = [r["date"], r["key"], r["field"], r["old_value"], r["new_value"], r["reason"]]
        lines.append("| " + " | ".join(cell(v) for v in values) + " |")
    return "\n".join(lines) + "\n"


def parse_rows(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text, newline="")))


def decode(data: bytes) -> str:
    try:
        return csvtext.decode(data)[0]
    except csvtext.EncodingError:
        return data.decode("utf-8", errors="replace")
