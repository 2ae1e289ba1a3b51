"""`python -m pipeline new-year YEAR`: prepare what the next edition needs and say what to fill in.

It writes Excel workbooks under updates/YEAR/ (never into datasets/): each
holds a dataset's current rows plus the rows the new year needs, with the
known parts carried over (codes, names, units) and the cells staff must fill
in left empty and highlighted. It never invents a figure. It also writes a
checklist (清单.md) and prints it. Staff fill the workbooks in Excel and bring
each back with `python -m pipeline import`, which validates before writing.

Carried over:
- indicators: one new row per indicator reported in the latest year;
- plan-targets: one new row per target of the latest plan (delete the ones
  the new plan does not set);
- plan-categories and plan-tasks: the current rows only; the new plan's
  categories and tasks are new text, added by staff.

The draft edition goes to docs/YEAR/: the latest edition's pages with their
structure kept (front matter, headings, chart and table placeholders, links)
and every paragraph replaced by a writing prompt that lists the figure
placeholders it used, shifted to the new year. Its index.md says `status:
draft`, so only the preview shows it (with 待补数据 where the data is not
imported yet) and the published site stays as it is. Every passage still to
write is on a line containing 待写: the prompts, the front matter's
`published:` line and a commented `sources:` line. Its navigation is the
latest edition's, derived by the build (navigation.py): mkdocs.yml is not edited.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .importer import format_number, read_current
from .load import Dataset, discover
from .paths import REPO, Layout

INDICATORS = "indicators"
PLAN_TARGETS = "plan-targets"
PLAN_CATEGORIES = "plan-categories"
PLAN_TASKS = "plan-tasks"

# what a new row keeps from the latest year's row; everything else is left for staff
CARRY = {
    INDICATORS: ("indicator_id", "area_id", "name_zh", "name_en", "unit", "unit_en"),
    PLAN_TARGETS: ("target_id", "indicator_id", "name_zh", "name_en", "target_kind", "unit",
                   "unit_en"),
}
YEAR_FIELD = {INDICATORS: "year", PLAN_TARGETS: "plan_year", PLAN_CATEGORIES: "plan_year",
              PLAN_TASKS: "plan_year"}
DEFAULTS = {INDICATORS: {"derived": "false"}}
# cells staff must fill in every new row (the rest of the empty cells are optional)
# source_id is never carried over: a new year's figure comes from the new year's document.
MUST_FILL = {INDICATORS: ("value", "source_id", "source_section"),
             PLAN_TARGETS: ("baseline_year", "value", "source_id", "source_section")}


@dataclass
class Workbook:
    dataset: str
    path: Path
    new_rows: list[dict[str, str]] = field(default_factory=list)


DIRECTIVE = re.compile(r"\[\[([^\[\]\n]*)\]\]")  # the page placeholders, as pages.py reads them
EDITION = re.compile(r"^\d{4}$")
PROMPT = "（待写：用自己的话写这一段{uses}）"


@dataclass
class Scaffold:
    year: int
    folder: Path
    workbooks: list[Workbook]
    checklist: Path
    pages: list[Path] = field(default_factory=list)
    previous_edition: int | None = None


class AlreadyThere(Exception):
    pass


def _latest(rows: list[dict[str, str]], year_field: str) -> int | None:
    years = [int(r[year_field]) for r in rows if (r.get(year_field) or "").isdigit()]
    return max(years) if years else None


def _new_rows(name: str, rows: list[dict[str, str]], year: int) -> list[dict[str, str]]:
    year_field = YEAR_FIELD[name]
    latest = _latest(rows, year_field)
    if latest is None or name not in CARRY:
        return []
    fields = list(rows[0].keys())
    new = []
    for r in rows:
        if r.get(year_field) != str(latest):
            continue
        row = {f: "" for f in fields}
        row.update({f: r[f] for f in CARRY[name] if f in r})
        row.update(DEFAULTS.get(name, {}))
        row[year_field] = str(year)
        new.append(row)
    return new


def scaffold(layout: Layout, year: int, out: Path | None = None) -> Scaffold:
    """Write updates/YEAR/*.xlsx, the checklist and the draft edition docs/YEAR/; raise
    AlreadyThere if the year exists."""
    datasets = {d.name: d for d in discover(layout)}
    folder = out or layout.root / "updates" / str(year)
    if folder.exists() and any(folder.iterdir()):
        raise AlreadyThere(f"{layout.relative(folder)} 已存在且不是空的 / already exists")
    edition = layout.docs / str(year)
    if edition.exists() and any(edition.iterdir()):
        raise AlreadyThere(f"{layout.relative(edition)} 已存在且不是空的 / already exists")
    for name, year_field in YEAR_FIELD.items():
        if name in datasets and any(r.get(year_field) == str(year)
                                    for r in read_current(datasets[name].csv)):
            raise AlreadyThere(f"{name} 中已有 {year} 年的数据 / already has rows for {year}")
    folder.mkdir(parents=True, exist_ok=True)
    workbooks = []
    for name in (INDICATORS, PLAN_CATEGORIES, PLAN_TASKS, PLAN_TARGETS):
        if name not in datasets:
            continue
        dataset = datasets[name]
        rows = read_current(dataset.csv)
        new = _new_rows(name, rows, year)
        path = folder / f"{name}.xlsx"
        _write_workbook(layout, dataset, rows, new, path, year)
        workbooks.append(Workbook(name, path, new))
    previous, drafts = draft_pages(layout, year, layout.docs / str(year))
    checklist = folder / "清单.md"
    result = Scaffold(year, folder, workbooks, checklist, drafts, previous)
    checklist.write_text(checklist_text(layout, year, workbooks, result), encoding="utf-8")
    return result


def _shift_years(text: str, by: int) -> str:
    """Years inside placeholders move with the edition: [[fig:x@2020]] -> [[fig:x@2021]]."""
    def shift(match: re.Match[str]) -> str:
        inner = re.sub(r"(?<=[@:])(\d{4})\b", lambda m: str(int(m.group(1)) + by),
                       match.group(1))
        return f"[[{inner}]]"

    return DIRECTIVE.sub(shift, text)


# Front-matter keys an edition's index.md says for itself; a draft gets them afresh.
EDITION_KEYS = ("status", "published", "next", "sources")


def draft_front(front: str, year: int) -> str:
    """The front matter of a draft edition's index.md: the edition keys written afresh
    (status: draft; the publication date and the source document to fill in, on lines
    with 待写), everything else kept."""
    lines = front.split("\n")  # "---", keys..., "---", ""
    kept: list[str] = []
    skipping = False
    for line in lines[1:-2]:
        key = re.match(r"^([A-Za-z_][\w-]*)\s*:", line)
        if key:
            skipping = key.group(1) in EDITION_KEYS
        elif not (line.startswith((" ", "\t", "-")) or not line.strip()):
            skipping = False
        if not skipping:
            kept.append(line)
    at = next((i + 1 for i, line in enumerate(kept) if line.startswith("title:")), 0)
    kept[at:at] = [
        "status: draft  # 草稿：只在预览中显示，不会发布；写完全部内容后改为 published",
        "published:  # 待写：发布日期（YYYY-MM-DD），改为 published 时填写",
        "next:  # 待写：下一期预计发布的年月（YYYY-MM）",
        "# sources: [来源代码]  # 待写：先把本期依据的文件登记到 datasets/sources.csv"
        "（source_id、title、title_en、publisher……），再把它的 source_id 写在这里并删掉行首的 #",
    ]
    return "\n".join([lines[0], *kept, *lines[-2:]])


def draft_page(text: str, latest: int, year: int, index: bool = False) -> str:
    """One page of the latest edition as a draft for `year`: structure kept, prose to write.
    `index`: the edition's index.md, whose front matter describes the edition."""
    by = year - latest
    front = ""
    if text.startswith("---\n") and (end := text.find("\n---\n", 4)) > 0:
        front = text[: end + 5].replace(str(latest), str(year))
        if index:
            front = draft_front(front, year)
        text = text[end + 5:]
    out: list[str] = []
    paragraph: list[str] = []

    def flush() -> None:
        if paragraph:
            uses = []
            for line in paragraph:
                uses += [f"[[{d}]]" for d in DIRECTIVE.findall(_shift_years(line, by))]
            listed = "；原来用到的占位符：" + "、".join(dict.fromkeys(uses)) if uses else ""
            out.append(PROMPT.format(uses=listed))
            paragraph.clear()

    for line in text.split("\n"):
        stripped = line.strip()
        keep = (not stripped or stripped.startswith("#") or DIRECTIVE.fullmatch(stripped)
                or "](" in stripped)
        if keep:
            flush()
            out.append(_shift_years(line, by).replace(str(latest), str(year))
                       if stripped.startswith("#") else _shift_years(line, by))
        else:
            paragraph.append(line)
    flush()
    return front + "\n".join(out)


def _in_nav_order(layout: Layout, edition: int) -> list[Path]:
    """The edition's pages in the order mkdocs.yml lists them (unlisted ones last)."""
    pages = sorted((layout.docs / str(edition)).glob("*.md"))
    from . import siteconfig

    listed = [rel.split("/", 1)[1] for rel in siteconfig.nav_pages(layout)
              if rel.startswith(f"{edition}/")]
    rank = {name: i for i, name in enumerate(dict.fromkeys(listed))}
    return sorted(pages, key=lambda p: (rank.get(p.name, len(rank)), p.name))


def draft_pages(layout: Layout, year: int, out: Path) -> tuple[int | None, list[Path]]:
    """Drafts of the latest earlier edition's pages (docs/LATEST/*.md) for `year`."""
    if not layout.docs.is_dir():
        return None, []
    editions = [int(p.name) for p in layout.docs.iterdir()
                if p.is_dir() and EDITION.match(p.name) and int(p.name) < year]
    if not editions:
        return None, []
    latest = max(editions)
    written = []
    for source in _in_nav_order(layout, latest):
        target = out / source.name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_text(draft_page(source.read_text(encoding="utf-8"), latest, year,
                                     index=source.name == "index.md"), encoding="utf-8")
        written.append(target)
    return latest, written


def _write_workbook(layout: Layout, dataset: Dataset, rows: list[dict[str, str]],
                    new: list[dict[str, str]], path: Path, year: int) -> None:
    """Current rows (earlier years protected), then the new rows with the cells to fill
    coloured; the same layout as the site's XLSX downloads (workbook.py)."""
    from . import datasets, workbook

    info = datasets.read_all(layout, [dataset])[0]
    fields = info.fields
    types = {f["name"]: f.get("type", "string") for f in fields}
    year_field = YEAR_FIELD.get(dataset.name)
    # rows of earlier years first (protected), then this year's and the new ones (open)
    def earlier(row: dict[str, str]) -> bool:
        value = row.get(year_field or "", "")
        return bool(year_field) and value.isdigit() and int(value) < year

    old = [r for r in rows if earlier(r)]
    open_rows = [r for r in rows if not earlier(r)]
    ordered = old + open_rows + new
    writer = workbook.Writer(str(path), title=dataset.name,
                             created=dt.datetime(2000, 1, 1))
    writer.data(workbook.Sheet(
        fields=fields,
        labels=[datasets.header_label(info, f) for f in fields],
        rows=[[workbook.typed(r.get(f["name"], "") or "", types[f["name"]]) for f in fields]
              for r in ordered],
        choices=info.choices,
        locked_rows=len(old),
        must_fill=set(MUST_FILL.get(dataset.name, ())),
        highlight_from=len(old) + len(open_rows),
    ))
    about = [("数据集", f"{info.title}（{dataset.name}）"), ("年份", f"{year} 年的新数据")]
    if new:
        about.append(("要填写的行", f"第 {len(old) + len(open_rows) + 2} 行起的 {len(new)} 行"
                      "（黄色单元格）"))
    writer.about(about, workbook.steps(dataset.name, path.name), legend=True)
    writer.close()


def _description(f: dict[str, Any]) -> str:
    return str(f.get("description", "")).strip()


def _is_number(text: str) -> bool:
    try:
        return format_number(float(text)) == text
    except ValueError:
        return False


def checklist_text(layout: Layout, year: int, workbooks: list[Workbook],
                   scaffold: Scaffold | None = None) -> str:
    """What staff must fill in, as Markdown (also printed on the terminal)."""
    rel = layout.relative
    lines = [f"# {year} 年数据更新清单", "",
             f"本文件夹由 `python -m pipeline new-year {year}` 生成。"
             "表格中浅黄色的单元格需要填写（深黄色为必填），白色部分是现有数据，一般不要改动。"
             "所有数字必须来自正式发布的报告，不确定的不要填。", "",
             "先把新报告登记到 datasets/sources.csv（每份文件一行，source_id 如 "
             f"kjj-{year}），下面每行的 source_id 都填这个代码；"
             f"docs/{year}/index.md 的 sources 也要列出它。", ""]
    step = 1
    for wb in workbooks:
        name = wb.dataset
        lines.append(f"## {step}. {rel(wb.path)}")
        step += 1
        if name == INDICATORS:
            lines.append(
                f"新增了 {len(wb.new_rows)} 行 {year} 年的指标，每行填写数值 value、"
                "来源文件 source_id、出处 source_section；原文是区间时填上限 value_max，"
                "原文带“多”“以上”“不少于”时填 qualifier；"
                "数字是推算出来的，把 derived 改为 true 并在 derivation 写明算法。"
                "报告中没有的指标整行删除；报告里新出现的指标在末尾加行"
                "（indicator_id 用小写英文和连字符）。")
            lines += [f"- [ ] {r['indicator_id']}：{r['name_zh']}（{r['unit']}）"
                      for r in wb.new_rows]
        elif name == PLAN_TARGETS:
            lines.append(
                f"按 {year} 年工作计划的预期目标填写："
                f"新增的 {len(wb.new_rows)} 行沿用了上一年的目标，"
                "每行填写 baseline_year、value、source_id、source_section，对应任务填 task_id；"
                "新计划没有的目标整行删除，新目标在末尾加行。")
            lines += [f"- [ ] {r['target_id']}：{r['name_zh']}" for r in wb.new_rows]
        elif name == PLAN_CATEGORIES:
            lines.append(f"在末尾为 {year} 年工作计划的每个类别加一行：category_id 写作 {year}-C1、"
                         f"{year}-C2……，plan_year 填 {year}，number 填序号。")
        elif name == PLAN_TASKS:
            lines.append(f"在末尾为 {year} 年工作计划的每项任务加一行："
                         f"task_id 写作 {year}-T01、{year}-T02……，"
                         "category_id 填所属类别的代码，title_zh/title_en 用自己的话概括。")
        lines.append("")
    folder = rel(workbooks[0].path.parent) if workbooks else "updates/"
    lines += [f"## {step}. 导入并检查", "",
              "每个表格填好后逐个导入；先加 `--dry-run` 看会改动什么，"
              "没有问题再去掉它正式写入：", "",
              "```"]
    lines += [f"python -m pipeline import {rel(wb.path)} --dataset {wb.dataset} --dry-run"
              for wb in workbooks]
    lines += ["```", "", f"## {step + 1}. 网站文字", ""]
    if scaffold is not None and scaffold.pages:
        drafts = rel(scaffold.pages[0].parent)
        lines += [
            f"{drafts}/ 中是按 {scaffold.previous_edition} 年页面结构生成的新一期草稿（index.md 中 "
            "status: draft）：标题、图表和表格的占位符都已改成新的年份，每段正文换成了“（待写：……）”，"
            "并列出原来这一段用到的数字占位符。草稿只在预览（`kjj serve` / `make serve`）中显示，"
            "每页顶部有“草稿”提示；数据还没导入的地方显示“待补数据”。网站照常构建，不会发布草稿。",
            "",
            "数据全部导入后，逐段用自己的话改写所有“（待写：……）”（搜索“待写”即可找到每一处，"
            "包括 index.md 开头的 published 和 sources 两行）。文中的数字不要直接打字，"
            "用数字占位符从数据中取（见“数据更新指南”）。",
            "",
            f"导航由各期目录自动生成，不需要修改 mkdocs.yml。写完后把 {drafts}/index.md 的 "
            "status 改为 published、填上发布日期，这一期就会发布；还有“待写”的页面会被拒绝，"
            "提示会指出文件和行号。",
            "",
        ]
    else:
        lines += [f"在 docs/{year}/ 中为 {year} 年的报告写说明文字：文中的数字不要直接打字，"
                  "用数字占位符从数据中取（见“数据更新指南”）。", ""]
    lines += ["运行 `kjj serve`（或 `make serve`）预览，`make build` 做完整检查；"
              "提交时照抄导入命令最后显示的 `git add …` 一行（含修订记录和 datapackage.json）。", "",
              f"导入完成后可以删除 {folder} 文件夹。", ""]
    return "\n".join(lines)


def configure(parser: argparse.ArgumentParser) -> None:
    parser.description = "准备新一年的数据表格并列出需要填写的内容 / scaffold the next edition"
    parser.add_argument("year", type=int, help="新的年份，如 2021")
    parser.add_argument("--out", type=Path, help="输出文件夹（默认 updates/YEAR/）")


def main(args: argparse.Namespace, layout: Layout = REPO) -> int:
    if not 2000 <= args.year <= 2100:
        print(f"年份不对：{args.year}", file=sys.stderr)
        return 2
    from .validate import run

    report = run(layout)
    if not report.valid:  # a new edition starts from data that is valid as it stands
        sys.stdout.write(report.formatted("text"))
        print("✗ 现有数据未通过校验：先按上面的提示修正，再准备新一年 / fix the data first",
              file=sys.stderr)
        return 1
    try:
        result = scaffold(layout, args.year, args.out)
    except AlreadyThere as exc:
        print(f"✗ {exc}", file=sys.stderr)
        return 1
    print(result.checklist.read_text(encoding="utf-8"))
    print(f"✓ 已生成 {layout.relative(result.folder)}/（{len(result.workbooks)} 个表格和清单）")
    return 0
