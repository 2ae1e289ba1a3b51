"""What changed between two versions of a dataset's rows.

What belongs here: reading a dataset's current CSV as text records, matching
rows by primary key, and the difference between two versions (rows added,
changed, removed, reordered), in words people read. The importer shows it
before writing; the revisions log (revisions.py) turns changed figures into
revisions. What does not: reading workbooks (importer.py) or the log itself.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import csvtext


def read_rows(path: Path) -> list[dict[str, str]]:
    """The current canonical CSV as text records (empty when the file does not exist).

    A canonical CSV that was opened and saved as GBK (or with a BOM) is read all
    the same: importing over it is how such a file gets repaired. Raises
    csvtext.EncodingError when no encoding reads it.
    """
    if not path.exists():
        return []
    text, _ = csvtext.decode(path.read_bytes())
    return csvtext.records(text)


def primary_key(schema: dict[str, Any]) -> list[str]:
    key = schema.get("primaryKey") or []
    return [key] if isinstance(key, str) else list(key)


def row_key(record: dict[str, str], key_fields: list[str]) -> tuple[str, ...]:
    return tuple(record.get(k, "") for k in key_fields)


@dataclass
class Change:
    key: tuple[str, ...]
    fields: list[tuple[str, str, str]]  # (field, old, new)


@dataclass
class Diff:
    key_fields: list[str]
    added: list[tuple[str, ...]] = field(default_factory=list)
    removed: list[tuple[str, ...]] = field(default_factory=list)
    changed: list[Change] = field(default_factory=list)
    reordered: bool = False

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed or self.reordered)


def diff(schema: dict[str, Any], old: list[dict[str, str]], new: list[dict[str, str]]) -> Diff:
    """Rows added, changed and removed, matched by primary key (whole rows when there is none)."""
    names = [f["name"] for f in schema.get("fields", [])]
    key_fields = primary_key(schema) or names
    old_by = {row_key(r, key_fields): r for r in old}
    new_by = {row_key(r, key_fields): r for r in new}
    result = Diff(key_fields)
    result.added = [k for k in new_by if k not in old_by]
    result.removed = [k for k in old_by if k not in new_by]
    for k, row in new_by.items():
        before = old_by.get(k)
        if before is None:
            continue
        changes = [(n, before.get(n, ""), row.get(n, "")) for n in names
                   if before.get(n, "") != row.get(n, "")]
        if changes:
            result.changed.append(Change(k, changes))
    common_old = [k for k in old_by if k in new_by]
    common_new = [k for k in new_by if k in old_by]
    result.reordered = common_old != common_new
    return result


def describe(d: Diff, lang: str = "zh", limit: int = 200) -> str:
    """The diff as lines people read: + added, ~ changed (field: old → new), - removed."""
    zh = lang != "en"
    lines = [
        (f"新增 {len(d.added)} 行，修改 {len(d.changed)} 行，删除 {len(d.removed)} 行"
         if zh else f"{len(d.added)} added, {len(d.changed)} changed, {len(d.removed)} removed")
    ]
    shown = 0
    for key in d.added:
        lines.append(f"  + {' / '.join(key)}")
        shown += 1
    for change in d.changed:
        for name, before, after in change.fields:
            old, new = before or "（空）", after or "（空）"
            lines.append(f"  ~ {' / '.join(change.key)}：{name} {old} → {new}")
            shown += 1
    for key in d.removed:
        lines.append(f"  - {' / '.join(key)}")
        shown += 1
    if shown > limit:
        lines = lines[: limit + 1] + [f"  …（共 {shown} 项）" if zh else f"  … ({shown} in all)"]
    if d.reordered:
        lines.append("  行的顺序有变化" if zh else "  the order of rows changed")
    return "\n".join(lines)
