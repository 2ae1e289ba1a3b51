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

The log as data (Revision, reading it, a dataset's entries) is in revision_log.py,
which the pages use; this module is the staff tool that writes it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import re
import subprocess
import sys
from dataclasses import asdict
from typing import Any

from . import changes, csvtext, git
from .load import Dataset, discover
from .paths import REPO, Layout
from .revision_log import FIELDS, KEY_SEPARATOR, NAME, Revision, decode, parse_rows, read

MEANING_FIELDS = ("qualifier", "unit")


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
    """The revisions a diff (changes.Diff) makes: changed figures of rows that already existed."""
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


def log_text(layout: Layout, new: list[Revision], *, reason: str, date: dt.date | None = None,
             drop: list[Revision] | None = None) -> tuple[str | None, list[Revision]]:
    """The log as it would be written (None: no rows left) and the revisions added; nothing is
    written, so callers validate it first."""
    day = (date or dt.date.today()).isoformat()
    rows = [r for r in read(layout) if r not in (drop or [])]
    added = [Revision(r.dataset, r.key, r.field, r.old_value, r.new_value, day, reason.strip())
             for r in new]
    rows.extend(a for a in added if not any(a.same_change(r) and a.date == r.date for r in rows))
    if not rows:
        return None, added
    return csvtext.write([FIELDS, *[[asdict(r)[k] for k in FIELDS] for r in rows]]), added


def append(layout: Layout, new: list[Revision], *, reason: str,
           date: dt.date | None = None, drop: list[Revision] | None = None) -> list[Revision]:
    """Add revisions (dated today unless given) to the log, without the `drop` entries; write
    the canonical CSV (or remove the log when nothing is left: a dataset must have rows)."""
    text, added = log_text(layout, new, reason=reason, date=date, drop=drop)
    existed = layout.csv(NAME).exists()
    if text is not None:
        layout.csv(NAME).write_bytes(text.encode("utf-8"))
    elif existed:
        layout.csv(NAME).unlink()
    if existed != (text is not None) and layout.descriptor.exists():
        # the log became a dataset (or stopped being one): datapackage.json follows, and so
        # does CITATION.cff (its keywords come from the datasets' metadata)
        from . import package

        package.write(layout)
        if layout.citation.exists():
            package.write_citation(layout)
    return added


def superseded(layout: Layout, dataset: Dataset, records: list[dict[str, str]]) -> list[Revision]:
    """Entries of the log that were never deployed and no longer describe what readers will
    see, because the figure changed again or went back to its published value."""
    ref = published_ref(layout)
    if ref is None or dataset.name == NAME:
        return []
    done = _git(layout, "show", f"{ref}:{layout.relative(layout.csv(NAME))}")
    deployed = ([Revision(**{k: (r.get(k) or "") for k in FIELDS})
                 for r in parse_rows(decode(done.stdout))] if done.returncode == 0 else [])
    key = dataset.schema().get("primaryKey") or []
    key = [key] if isinstance(key, str) else list(key)
    now = {KEY_SEPARATOR.join(r.get(k, "") for k in key): r for r in records}
    return [r for r in read(layout)
            if r.dataset == dataset.name and r not in deployed
            and (now.get(r.key) or {}).get(r.field) != r.new_value]


# --------------------------------------------------------------------------- against git


def _git(layout: Layout, *args: str) -> subprocess.CompletedProcess[bytes]:
    """git in the project's checkout (git.py); without git at all, nothing is known to be
    published."""
    return git.process(str(layout.root), *args)


# Where the deployed data is: CI deploys the default branch, so what readers saw is that
# branch as the remote has it, or the local default branch when there is no remote.
PUBLISHED_CANDIDATES = ("refs/remotes/origin/HEAD", "refs/remotes/origin/main",
                        "refs/remotes/origin/master", "refs/heads/main", "refs/heads/master")


def published_ref(layout: Layout) -> str | None:
    """The git ref of what is deployed: $PUBLISHED_REF, else the default branch; None outside git."""
    chosen = os.environ.get("PUBLISHED_REF", "").strip()
    for ref in ([chosen] if chosen else []) + list(PUBLISHED_CANDIDATES):
        if _git(layout, "rev-parse", "--verify", "--quiet", f"{ref}^{{commit}}").returncode == 0:
            return ref
    return None


def _at_ref(layout: Layout, ref: str, dataset: Dataset) -> list[dict[str, str]] | None:
    """A dataset's records at git REF (":" for the staged version); None when it is absent."""
    rel = layout.relative(dataset.csv)
    done = _git(layout, "show", f"{ref}{rel}" if ref == ":" else f"{ref}:{rel}")
    if done.returncode != 0:
        return None  # a dataset new since REF has no published figures to revise
    return parse_rows(decode(done.stdout))


def published_records(layout: Layout, dataset: Dataset) -> list[dict[str, str]]:
    """The rows readers have seen. Outside git (nothing says what is deployed) the current
    file counts as published, which asks for a reason rather than skip one."""
    ref = published_ref(layout)
    if ref is None:
        return changes.read_rows(dataset.csv)
    return _at_ref(layout, ref, dataset) or []


def unexplained(layout: Layout, base: str, staged: bool = False) -> list[Revision]:
    """Figure changes between git BASE and the working tree (or the staged files) that the
    log (working tree or staged) does not record."""
    if _git(layout, "rev-parse", "--verify", "--quiet", f"{base}^{{commit}}").returncode != 0:
        raise ValueError(f"unknown git revision: {base}")
    if staged:
        done = _git(layout, "show", f":{layout.relative(layout.csv(NAME))}")
        logged = ([Revision(**{k: (r.get(k) or "") for k in FIELDS})
                   for r in parse_rows(decode(done.stdout))] if done.returncode == 0 else [])
    else:
        logged = read(layout)
    missing: list[Revision] = []
    for dataset in discover(layout):
        if dataset.name == NAME:
            continue
        before = _at_ref(layout, base, dataset)
        if before is None:
            continue
        after = (_at_ref(layout, ":", dataset) or []) if staged else changes.read_rows(dataset.csv)
        schema = dataset.schema()
        found = figure_changes(dataset, schema, changes.diff(schema, before, after))
        missing.extend(c for c in found if not any(c.same_change(r) for r in logged))
    return missing


REASON_FORBIDDEN = re.compile(r"[<>]|\{\{|\{%|\{#|%\}|\}\}|\[\[|\]\]|javascript:", re.I)
FORMULA_START = ("=", "+", "-", "@", "＝", "＋", "－", "＠")


def reason_problem(reason: str | None, lang: str = "zh") -> str | None:
    """Why a revision reason cannot be published as given, or None when it can.

    The reason is shown on the dataset page and in the downloads like any strict text
    cell, so it is plain text: no markup, no template or placeholder syntax, no
    script link, nothing a spreadsheet would run as a formula (also after leading
    spaces), no control, bidi or other hidden characters. Its length is the
    revisions schema's to judge (the log is validated before anything is written).
    """
    from .checks import cells

    zh = lang != "en"
    text = (reason or "").strip()
    if not text:
        return "修订原因不能为空" if zh else "the reason is empty"
    if REASON_FORBIDDEN.search(text):
        return ("修订原因中不能有 < > 或 {{ }}、{% %}、[[ ]] 这样的标记，"
                "也不能有 javascript: 链接，请只写文字"
                if zh else "the reason may not contain markup, template or placeholder syntax, or links")
    if text.startswith(FORMULA_START) or cells.formula_start(text) is not None:
        return ("修订原因不能以 = + - @ 开头（表格软件会当作公式）" if zh
                else "the reason may not start with = + - @ (spreadsheets run it as a formula)")
    hidden = (cells.HIDDEN_OR_BREAK.search(text) or cells.INVISIBLE.search(text)
              or next((m for m in [re.search(r"[\x00-\x1f\x7f]", text)] if m), None))
    if hidden:
        name = cells.char_name(hidden.group())
        return (f"修订原因中不能有换行、控制字符或看不见的字符（{name}）" if zh
                else f"the reason may not contain line breaks, control or hidden characters ({name})")
    return None


def _line_of(layout: Layout, name: str, key: str) -> int | None:
    """The line of datasets/NAME.csv holding the row with this key (for annotations)."""
    dataset = next((d for d in discover(layout) if d.name == name), None)
    if dataset is None or not dataset.csv.exists():
        return None
    schema = dataset.schema()
    fields = schema.get("primaryKey") or []
    fields = [fields] if isinstance(fields, str) else list(fields)
    for number, record in enumerate(parse_rows(decode(dataset.csv.read_bytes())), start=2):
        if KEY_SEPARATOR.join(record.get(f, "") for f in fields) == key:
            return number
    return None


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = ("检查或记录已发布数字的修订"
                          " / check or record revisions of published figures")
    parser.add_argument("--base", default=None,
                        help="与哪个 git 版本比较（默认：已发布的版本，即默认分支 origin/main 或 main；"
                        "都没有时为 HEAD）")
    parser.add_argument("--staged", action="store_true",
                        help="检查已暂存（git add）的内容，而不是工作区的文件（提交前检查用）")
    parser.add_argument("--record", action="store_true", help="把未记录的修订写入修订记录")
    parser.add_argument("--reason", help="修订原因")
    parser.add_argument("--reason-from-commit", action="store_true",
                        help="用最近一次提交的说明作为修订原因")
    parser.add_argument("--format", choices=["text", "github"], default="text",
                        help="github：CI 中在数据文件的行上标注，并写入任务摘要")
    parser.add_argument("--lang", choices=["zh", "en"], default="zh")


def main(args: argparse.Namespace, layout: Layout = REPO) -> int:
    zh = args.lang != "en"
    base = args.base or published_ref(layout) or "HEAD"
    if base == "HEAD" and _git(layout, "rev-parse", "--verify", "--quiet",
                               "HEAD").returncode != 0:
        print("还没有任何提交，没有可比较的已发布数字。" if zh else "no commit yet: nothing to compare")
        return 0
    staged = bool(getattr(args, "staged", False))
    try:
        missing = unexplained(layout, base, staged=staged)
    except ValueError as exc:
        print(str(exc), file=sys.stderr)
        return 2
    if not missing:
        print("✓ 没有未记录的修订。" if zh else "✓ no unrecorded revisions.")
        return 0
    for r in missing:
        old, new = r.old_value or "（空）", r.new_value or "（空）"
        print(f"  {r.dataset} {r.key}：{r.field} {old} → {new}")
    base_option = "" if args.base is None else f" --base {args.base}"
    command = f'python -m pipeline revisions{base_option} --record --reason "修订原因"'
    if not args.record:
        log = layout.relative(layout.csv(NAME))
        if staged:
            print(("✗ 已暂存的数据改动了已发布的数字，但暂存的修订记录中没有说明。\n"
                   f"  若已记录过，把修订记录也暂存：git add {log} datapackage.json CITATION.cff\n"
                   f"  若还没记录，先运行：{command}") if zh else
                  "✗ the staged data changes published figures the staged revisions log does "
                  f"not explain.\n  stage the log: git add {log} datapackage.json CITATION.cff\n"
                  f"  or record them first: {command}")
        else:
            print(("✗ 以上已发布的数字有修改，但修订记录中没有说明。运行\n"
                   f"  {command}\n"
                   f"把它们记入 {log}（原因会在数据页面上公开），"
                   f"再提交 {log}、datapackage.json 和 CITATION.cff。")
                  if zh else
                  "✗ these published figures changed without an entry in the revisions log; run\n"
                  f"  {command}")
        if getattr(args, "format", "text") == "github":
            _annotate(layout, missing, command, zh)
        return 1
    reason = args.reason
    if not reason and args.reason_from_commit:
        done = _git(layout, "log", "-1", "--format=%s")
        reason = done.stdout.decode("utf-8", errors="replace").strip()
    if not reason:
        print("✗ 请用 --reason 说明修订原因。" if zh else "✗ give the reason with --reason.")
        return 2
    problem = reason_problem(reason, args.lang)
    if problem:
        print(f"✗ {problem}；没有写入任何文件。" if zh else f"✗ {problem}; nothing was written.")
        return 2
    # a revision records a value readers will see: the data it records must be valid
    from .validate import run

    changed = sorted({r.dataset for r in missing})
    report = run(layout, targets=[layout.csv(name) for name in changed], lang=args.lang)
    if not report.valid:
        sys.stdout.write(report.formatted("text", args.lang))
        print("✗ 数据未通过校验：先按上面的提示改正，再记录修订；没有写入任何文件。" if zh
              else "✗ the data is invalid: fix it first, then record; nothing was written.")
        return 1
    added = append(layout, missing, reason=reason)
    print(f"✓ 已记入 {len(added)} 处修订：{layout.relative(layout.csv(NAME))}" if zh
          else f"✓ recorded {len(added)} revision(s) in {layout.relative(layout.csv(NAME))}")
    add = f"git add {layout.relative(layout.csv(NAME))} datapackage.json CITATION.cff"
    print(f"  提交时一并加入：{add}" if zh else f"  commit it too: {add}")
    return 0


def _annotate(layout: Layout, missing: list[Revision], command: str, zh: bool) -> None:
    """GitHub annotations on the changed lines, and the same list in the job summary."""
    from .findings import annotation, step_summary

    rows = []
    for r in missing:
        path = layout.relative(layout.csv(r.dataset))
        line = _line_of(layout, r.dataset, r.key)
        text = (f"{r.key}：{r.field} {r.old_value or '（空）'} → {r.new_value or '（空）'}，"
                f"修订记录中没有说明。运行 {command}" if zh else
                f"{r.key}: {r.field} {r.old_value} -> {r.new_value} is not in the revisions log. "
                f"Run {command}")
        print(annotation("error", path, line, "revision-unrecorded", text))
        rows.append([path, str(line or ""), r.key, r.field, r.old_value, r.new_value])
    step_summary(("## ❌ 已发布的数字有修改但没有记录原因\n\n" if zh else
                  "## ❌ Published figures changed without a recorded reason\n\n"),
                 ["文件", "行", "记录", "字段", "原值", "新值"] if zh else
                 ["File", "Line", "Record", "Field", "Old", "New"], rows,
                 (f"修正方法：运行 `{command}`，再提交修订记录。" if zh else f"Fix: run `{command}`."))
