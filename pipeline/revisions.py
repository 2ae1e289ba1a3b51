"""The revisions log: when a published figure changes, record old value, new value, date and why.

The log is an ordinary dataset, datasets/revisions.csv (schema
schemas/revisions.schema.yaml, metadata datasets/revisions.meta.yml), so it is
validated and published like any other. The file exists from the first
revision on: a dataset must have rows, and no figure has been revised yet.

Revisions are recorded two ways:
- `python -m pipeline import ... --reason TEXT` appends one row per changed figure;
- `python -m pipeline revisions --base REF` compares the datasets at git REF
  with the working tree and lists figure changes the log does not explain
  (exit 1, for CI and pre-commit); with `--record --reason TEXT` (or
  `--reason-from-commit`, the subject of the last commit) it appends them.

A "figure" is a number of an existing row (a number or integer field outside
the primary key) or the qualifier/unit that gives the number its meaning.
Added or removed rows are new or withdrawn data, not revisions.

Dataset pages show the log through `for_dataset` and `markdown`.
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import io
import re
import subprocess
import sys
from dataclasses import asdict, dataclass
from typing import Any

from .load import Dataset, discover
from .paths import REPO, Layout

NAME = "revisions"
FIELDS = ["dataset", "key", "field", "old_value", "new_value", "date", "reason"]
MEANING_FIELDS = ("qualifier", "unit")
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


def figure_fields(schema: dict[str, Any]) -> list[str]:
    """Fields whose change revises a published figure."""
    key = schema.get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    return [
        f["name"] for f in schema.get("fields", [])
        if f["name"] not in key
        and (f.get("type") in ("number", "integer") or f["name"] in MEANING_FIELDS)
    ]


def figure_changes(dataset: Dataset, schema: dict[str, Any], diff: Any) -> list[Revision]:
    """The revisions a diff (importer.Diff) makes: changed figures of rows that already existed."""
    if dataset.name == NAME:
        return []
    watched = set(figure_fields(schema))
    return [
        Revision(dataset.name, KEY_SEPARATOR.join(change.key), name, old, new)
        for change in diff.changed
        for name, old, new in change.fields
        if name in watched
    ]


# --------------------------------------------------------------------------- the log file


def read(layout: Layout) -> list[Revision]:
    path = layout.csv(NAME)
    if not path.exists():
        return []
    rows = csv.DictReader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline=""))
    return [Revision(**{k: (r.get(k) or "") for k in FIELDS}) for r in rows]


def reason_problem(reason: str) -> str | None:
    """Why a revision reason cannot be published as it is (None when it can).

    The reason is shown on the dataset pages and in every download, like any other
    strict text cell: no markup, template syntax, formula start, script link or
    hidden character. Returns the problem in Chinese and English.
    """
    from .checks import cells

    text = reason.strip()
    if not text:
        return "修订原因为空 / the reason is empty"
    if cells.formula_start(text) is not None:
        return (f"修订原因以“{text[0]}”开头，会被电子表格当作公式 / the reason starts with "
                f"{text[0]!r} and would run as a spreadsheet formula")
    if "<" in text or ">" in text:
        return "修订原因含有 < 或 >（网页代码）/ the reason has < or > (markup)"
    if cells.TEMPLATE.search(text):
        return "修订原因含有 {{ 或 {% 之类的模板语法 / the reason has template syntax such as {{ or {%"
    if cells.JS_LINK.search(text):
        return "修订原因含有 javascript: 链接 / the reason has a javascript: link"
    hidden = cells.HIDDEN_OR_BREAK.search(text) or cells.INVISIBLE.search(text)
    if hidden:
        return (f"修订原因含有看不见的字符 {cells.char_name(hidden.group())} / the reason has the "
                f"hidden character {cells.char_name(hidden.group())}")
    return None


def render(layout: Layout, new: list[Revision], *, reason: str,
           date: dt.date | None = None) -> tuple[bytes, list[Revision]]:
    """The log with revisions added (dated today unless given), as canonical CSV bytes,
    and the revisions added. Nothing is written."""
    day = (date or dt.date.today()).isoformat()
    rows = read(layout)
    added = [Revision(r.dataset, r.key, r.field, r.old_value, r.new_value, day, reason.strip())
             for r in new]
    rows.extend(a for a in added if not any(a.same_change(r) and a.date == r.date for r in rows))
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(FIELDS)
    writer.writerows([[asdict(r)[k] for k in FIELDS] for r in rows])
    return out.getvalue().encode("utf-8"), added


def append(layout: Layout, new: list[Revision], *, reason: str,
           date: dt.date | None = None) -> list[Revision]:
    """Add revisions (dated today unless given) to the log; write the canonical CSV."""
    data, added = render(layout, new, reason=reason, date=date)
    created = not layout.csv(NAME).exists()
    layout.csv(NAME).write_bytes(data)
    if created and layout.descriptor.exists():
        # the log became a dataset: datapackage.json lists it from now on
        from . import package

        package.write(layout)
    return added


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


# --------------------------------------------------------------------------- against git


def _git(layout: Layout, *args: str) -> subprocess.CompletedProcess[bytes]:
    return subprocess.run(["git", "-C", str(layout.root), *args], capture_output=True,
                          check=False)


def _at_ref(layout: Layout, ref: str, dataset: Dataset) -> list[dict[str, str]] | None:
    rel = layout.relative(dataset.csv)
    done = _git(layout, "show", f"{ref}:{rel}")
    if done.returncode != 0:
        return None  # a dataset new since REF has no published figures to revise
    text = done.stdout.decode("utf-8-sig", errors="replace")
    return list(csv.DictReader(io.StringIO(text, newline="")))


def unexplained(layout: Layout, base: str) -> list[Revision]:
    """Figure changes between git BASE and the working tree that the log does not record."""
    from .importer import diff, read_current

    if _git(layout, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").returncode != 0:
        raise ValueError(f"unknown git revision: {base}")
    logged = read(layout)
    missing: list[Revision] = []
    for dataset in discover(layout):
        if dataset.name == NAME:
            continue
        before = _at_ref(layout, base, dataset)
        if before is None:
            continue
        schema = dataset.schema()
        changes = figure_changes(dataset, schema, diff(schema, before, read_current(dataset.csv)))
        missing.extend(c for c in changes if not any(c.same_change(r) for r in logged))
    return missing


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("检查或记录已发布数字的修订"
                          " / check or record revisions of published figures")
    parser.add_argument("--base", default="HEAD",
                        help="与哪个 git 版本比较（默认 HEAD，即上次提交）")
    parser.add_argument("--record", action="store_true", help="把未记录的修订写入修订记录")
    parser.add_argument("--reason", help="修订原因")
    parser.add_argument("--reason-from-commit", action="store_true",
                        help="用最近一次提交的说明作为修订原因")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")


def main(args: argparse.Namespace, layout: Layout = REPO) -> int:
    zh = args.lang != "en"
    if args.base == "HEAD" and _git(layout, "rev-parse", "--verify", "--quiet",
                                    "HEAD").returncode != 0:
        print("还没有任何提交，没有可比较的已发布数字。" if zh else "no commit yet: nothing to compare")
        return 0
    from .load import DescriptorError

    try:
        missing = unexplained(layout, args.base)
    except ValueError as exc:  # UnicodeDecodeError (a file not UTF-8) is one too
        if isinstance(exc, UnicodeDecodeError):
            print(f"✗ 数据文件不是 UTF-8，无法比较：先运行 python -m pipeline validate 查看并修正 / a data "
                  f"file is not UTF-8 ({exc.reason}); run python -m pipeline validate", file=sys.stderr)
            return 1
        print(str(exc), file=sys.stderr)
        return 2
    except (DescriptorError, csv.Error, OSError) as exc:
        print(f"✗ 无法读取数据：{exc}；先运行 python -m pipeline validate 查看并修正 / cannot read "
              "the data: run python -m pipeline validate", file=sys.stderr)
        return 1
    if not missing:
        print("✓ 没有未记录的修订。" if zh else "✓ no unrecorded revisions.")
        return 0
    for r in missing:
        old, new = r.old_value or "（空）", r.new_value or "（空）"
        print(f"  {r.dataset} {r.key}：{r.field} {old} → {new}")
    if not args.record:
        print(("✗ 以上已发布的数字有修改，但修订记录中没有说明。运行\n"
               "  python -m pipeline revisions --record --reason \"修订原因\"\n"
               "把它们记入 datasets/revisions.csv（原因会在数据页面上公开）。") if zh else
              "✗ these published figures changed without an entry in the revisions log; run\n"
              "  python -m pipeline revisions --record --reason \"why\"")
        return 1
    reason = args.reason
    if not reason and args.reason_from_commit:
        done = _git(layout, "log", "-1", "--format=%s")
        reason = done.stdout.decode("utf-8", errors="replace").strip()
    if not reason:
        print("✗ 请用 --reason 说明修订原因。" if zh else "✗ give the reason with --reason.")
        return 2
    problem = reason_problem(reason)
    if problem:
        print(f"✗ {problem}；没有写入任何文件。\n  怎么改：用普通文字写修订原因，不要用 < > {{{{ }}}}、"
              "公式符号开头或链接。" if zh else f"✗ {problem}; nothing was written.\n  fix: write "
              "the reason in plain words, without < > {{ }}, a leading formula sign or links.")
        return 1
    added = append(layout, missing, reason=reason)
    print(f"✓ 已记入 {len(added)} 处修订：{layout.relative(layout.csv(NAME))}" if zh
          else f"✓ recorded {len(added)} revision(s) in {layout.relative(layout.csv(NAME))}")
    return 0
