"""The website's pages: hand-written Markdown in docs/ with every number filled in.

What belongs here: reading docs/, expanding the placeholders ("directives")
the text uses instead of typed figures, and writing the result into the
generated docs tree the site is rendered from, together with the page parts
made from data (headline cards, chart figures with their tables, the
targets-vs-actuals table, the plan's tasks). What does not: the figures
themselves (model.py), chart options (charts.py), MkDocs configuration or
hooks: MkDocs only renders what this module writes.

Directives, written in the Markdown of docs/:

    [[fig:rd-spending@2020]]      a figure as the source writes it: 49.3亿元
    [[fig:rd-spending]]           the same, the year taken from the page's edition folder
    [[name:rd-spending]]          the indicator's name: 全社会研发投入
    [[target:high-tech-total]]    a target of the plan issued with the page's edition: 240家
    [[target:high-tech-total@2020]]   the same target of another edition's plan
    [[count:tasks@2020]]          how many tasks (categories, targets) a plan has: 26
    [[edition:latest]]            the latest edition's year: 2020
    [[source:title]]              the title(s) of the edition's documents (its index.md
                                  `sources:`, titles from datasets/sources.csv)
    [[source:kjj-2020]]           the title of one document of datasets/sources.csv
    [[link:latest]]               a link to the latest edition's report
    [[chart:high-tech-enterprises]]   a chart with title, unit, description, table, source
    [[cards:2020]] [[cards:latest]]   headline indicator cards of an edition
    [[figures:innovation-entities@2020]]   every figure of an area, as a table
    [[targets:2020]]              targets against actuals
    [[tasks:2020]]                the plan's tasks under their categories
    [[editions]]                  every edition shown (an archive): link, publication date,
                                  when the next is due (a release calendar); drafts only
                                  on the preview, marked

On a page under docs/YEAR/ every directive means YEAR (for plans: the plan issued with
that edition); `@YEAR` (or `:YEAR` for cards, targets, tasks) picks another edition, and
`[[chart:ID@YEAR]]` that edition's chart of the spec ID. An edition whose plan is not in the
data yet builds: its targets, tasks, target placeholders and target charts say so.

A draft edition (`status: draft` in its index.md) is shown by the preview only, with a 草稿
notice on every page; a figure or chart whose data is not imported yet reads 待补数据 there
instead of stopping the preview. A published one is refused while a page still holds 待写 or a
malformed placeholder (`[fig:x]]`, `[[fig:x]`), each with file, line and fix.

Block directives (chart, cards, figures, targets, tasks) stand alone on a
line. A backslash before a placeholder (\\[[fig:x@2020]]) shows it as written,
for pages that explain the syntax. An unknown directive, name or figure stops the build with the file,
the line and what is wrong. Everything taken from data is escaped for where
it lands.

An edition is a folder docs/YEAR/. Its index.md front matter lists the
headline indicators (`headline:`); a chapter declares the area of work it
covers (`area:`), which is where its cards link to.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from . import chart_exports, markup, revision_log, urls
from . import model as figs
from .charts import Chart
from .docs import DIRECTIVE, FENCE, Page, PageError, read_pages
from .downloads import Published
from .findings import Issue
from .revision_log import Revision

ESCAPED = re.compile(r"\\(\[\[[^\[\]\n]*\]\])")  # \[[fig:x]] shows the placeholder itself
BLOCKS = ("chart", "cards", "figures", "targets", "tasks", "editions")
INLINE = ("fig", "name", "target", "count", "edition", "source", "link")
INLINE_CODE = re.compile(r"(`+)(?:(?!\1).)+?\1")
CHINESE_NUMERALS = "〇一二三四五六七八九十"


# -- escaping --------------------------------------------------------------

md = markup.md  # text from data inside Markdown (the one Markdown escaper, markup.py)


def chinese_number(n: int) -> str:
    """1 -> 一, 6 -> 六, 12 -> 十二 (category numbers as the report writes them)."""
    if n <= 10:
        return CHINESE_NUMERALS[n]
    if n < 20:
        return "十" + (CHINESE_NUMERALS[n % 10] if n % 10 else "")
    if n < 100:
        return CHINESE_NUMERALS[n // 10] + "十" + (CHINESE_NUMERALS[n % 10] if n % 10 else "")
    return str(n)


# -- pages and editions -----------------------------------------------------

@dataclass
class ReportPages:
    """The report's pages (docs/) with what their directives draw on: the figures, the charts,
    their drawings, and which page shows each chart."""

    data: figs.Figures
    charts: dict[str, Chart]
    pages: list[Page]
    source_title: str
    chart_pages: dict[str, Page] = field(default_factory=dict)
    written: set[str] = field(default_factory=set)  # files of the generated tree, relative
    downloads: Published | None = None  # what the downloads stage wrote (the charts' panels)
    drawings: dict[str, str] = field(default_factory=dict)
    sources: dict[str, str] = field(default_factory=dict)  # source_id -> title
    drafts: set[int] = field(default_factory=set)  # editions shown as drafts (the preview)
    revised: dict[tuple[str, str], Revision] = field(default_factory=dict)  # revision_log.revised
    linked: set[tuple[str, str]] = field(default_factory=set)  # (page, indicator) linked already
    site_url: str = ""  # the site's address ("" when unknown): raw HTML links from the root

    def series_link(self, fig: figs.Figure, page: Page) -> str:
        """The link from `page` to the indicator's own page, for the first [[fig:...]] of an
        indicator with more than one year on a page (its page shows the whole series); ""
        otherwise, so prose stays prose."""
        if (page.rel, fig.indicator_id) in self.linked or len(self.data.series(fig.indicator_id)) < 2:
            return ""
        self.linked.add((page.rel, fig.indicator_id))
        return urls.source_link(page.rel, urls.indicator_page(fig.indicator_id))

    def revision(self, fig: figs.Figure, page: Page) -> dict[str, str] | None:
        """Where a revised figure's revision is told (its dataset page's revisions, the
        record's anchor), linked from `page`; None when it was never revised."""
        href = self.revision_href(figs.INDICATORS, f"{fig.indicator_id}/{fig.year}", page)
        return {"href": href, "name": f"{fig.name}（{fig.year}年）"} if href else None

    def target_revision(self, target: figs.Target, page: Page) -> dict[str, str] | None:
        """revision() for a plan target (plan-targets.csv, key plan_year/target_id)."""
        href = self.revision_href(figs.TARGETS, f"{target.plan_year}/{target.target_id}", page)
        return {"href": href, "name": f"{target.name}（{target.plan_year}年计划）"} if href else None

    def revision_href(self, dataset: str, key: str, page: Page, html: bool = False) -> str:
        """The link from `page` to a revised record's revision ("" when it was never revised):
        to the dataset page's source for Markdown; for raw HTML, from the site's root (or its
        address when known), as the chart panels' links are. The engines disagree on relative
        links in raw HTML: MkDocs leaves them relative to the page's URL, Zensical rewrites them
        as if relative to the page's source file, so a chapter's mark (2020/x.md, URL 2020/x/)
        would work in one engine only."""
        if (dataset, key) not in self.revised:
            return ""
        anchor = revision_log.anchor(dataset, key)
        if html:
            target = urls.page_path(f"{urls.DATA_DIR}/{dataset}.md")
            return urls.absolute(self.site_url, target) + "#" + anchor
        return urls.source_link(page.rel, f"{urls.DATA_DIR}/{dataset}.md", anchor)

    def source(self, arg: str, page: Page) -> str:
        """[[source:title]]: the titles of the documents the page's edition (else the latest)
        lists in its index.md `sources:`, joined as 》《 for the text's 《》; [[source:ID]]:
        that document's title. Without a sources table: the package's source title."""
        arg, _, at = arg.partition("@")
        if arg != "title":
            if arg not in self.sources:
                raise figs.FigureError(f"未知的来源 {arg!r}（可用：title、{'、'.join(self.sources)}；"
                                       "来源文件登记在 datasets/sources.csv）")
            return self.sources[arg]
        editions = self.editions()
        year = page.edition if page.edition is not None else (editions[-1] if editions else None)
        if at:
            year = self.edition(at, page)
        listed = self.edition_index(year).meta.get("sources") if year is not None else None
        ids = [str(s) for s in listed] if isinstance(listed, list) else []
        titles = [self.sources[i] for i in ids if i in self.sources]
        return "》《".join(titles) or self.source_title

    def editions(self) -> list[int]:
        return sorted({p.edition for p in self.pages if p.edition is not None})

    def edition(self, arg: str, page: Page) -> int:
        if arg in ("", "this"):
            if page.edition is None:
                raise figs.FigureError("此页不在某一年的报告目录下，请写明年份，如 2020")
            return page.edition
        if arg == "latest":
            return self.latest()
        if not arg.isdigit():
            raise figs.FigureError(f"年份写法不对：{arg!r}（应为四位数字或 latest）")
        year = int(arg)
        if year not in self.editions():
            raise figs.FigureError(f"没有 {year} 年的报告目录 docs/{year}/")
        return year

    def latest(self) -> int:
        """The newest published edition (the newest draft when none is published)."""
        editions = self.editions()
        if not editions:
            raise figs.FigureError("docs/ 下还没有任何一年的报告目录（如 docs/2020/）")
        published = [y for y in editions if y not in self.drafts]
        return (published or editions)[-1]

    def plan_year(self, year: int | None) -> int:
        """The plan a page means: the one issued with its edition (the latest on other pages)."""
        return year if year is not None else self.latest()

    def chart_id(self, arg: str, page: Page) -> str:
        """The chart `[[chart:ID]]` / `[[chart:ID@YEAR]]` means on `page`."""
        name, year = _year_ref(arg, page, self)
        if year is None:
            year = self.latest()
        resolve = getattr(self.charts, "resolve", None)
        return resolve(name, year) if resolve is not None else name

    def edition_index(self, year: int) -> Page:
        for page in self.pages:
            if page.rel == f"{year}/index.md":
                return page
        raise figs.FigureError(f"缺少 docs/{year}/index.md")

    def area_page(self, year: int, area_id: str) -> Page:
        """The chapter of an edition that covers an area; the edition's index otherwise."""
        for page in self.pages:
            if page.edition == year and page.meta.get("area") == area_id:
                return page
        return self.edition_index(year)


# -- inline directives ------------------------------------------------------

def _year_ref(arg: str, page: Page, site: ReportPages) -> tuple[str, int | None]:
    name, _, year = arg.partition("@")
    if year:
        return name, int(year) if year.isdigit() else site.edition(year, page)
    return name, page.edition


def inline(kind: str, arg: str, page: Page, site: ReportPages) -> str:
    data = site.data
    if kind == "fig":
        name, year = _year_ref(arg, page, site)
        fig = data.figure(f"{name}@{year}" if year else name)
        mark = site.revision(fig, page)
        href = site.series_link(fig, page)
        text = markup.render("series_link.md", text=fig.text, href=href) if href else md(fig.text)
        return text + (markup.render("revised.md", **mark) if mark else "")
    if kind == "name":
        name, _ = _year_ref(arg, page, site)
        return md(data.series(name)[-1].name)
    if kind == "target":
        name, year = _year_ref(arg, page, site)
        plan = site.plan_year(year)
        if not data.has_plan(plan):
            return md(f"（{plan}年计划尚未发布）")
        target = data.target(name, plan)
        mark = site.target_revision(target, page)
        return md(target.text) + (markup.render("revised.md", **mark) if mark else "")
    if kind == "count":
        what, year = _year_ref(arg, page, site)
        if year is None:
            raise figs.FigureError(f"{arg!r} 缺少年份：请写成 {what}@年份")
        if what in ("tasks", "categories", "targets") and not data.has_plan(year):
            return md(f"（{year}年计划尚未发布）")
        return str(data.count(what, year))
    if kind == "edition":
        return str(site.edition(arg, page))
    if kind == "source":
        return md(site.source(arg, page))
    if kind == "link":
        year = site.edition(arg, page)
        index = site.edition_index(year)
        return markup.render("link.md", year=year, href=urls.source_link(page.rel, index.rel))
    raise figs.FigureError(f"未知的占位符类型 {kind!r}")


# -- block directives -------------------------------------------------------



def chart_block(chart: Chart, panel: dict[str, Any] | None = None, drawing: str = "",
                marks: dict[str, str] | None = None) -> str:
    """A chart: headline, unit, the drawing area, its option, description, table and source
    (templates/chart.html), then its download panel when `panel` is given.

    `drawing` is the chart drawn at build time (chart_drawings.py), SVG that reads without
    script; without it the area keeps the chart's height until the script draws it.
    """
    return markup.render("chart.html", chart=chart, id=chart.dom_id, height=int(chart.height),
                         drawing=drawing, option_json=chart.option_json(), panel=panel,
                         marks=marks or {})


def revision_marks(chart: Chart, page: Page, site: ReportPages) -> dict[str, str]:
    """The cells of a chart's table that show a revised figure ("ROW-CELL") -> the link to its
    revision (the table is HTML: the link is from the site's root, see revision_href)."""
    marks = {}
    for i, row in enumerate(getattr(chart, "keys", None) or []):
        for j, ref in enumerate(row):
            href = site.revision_href(*revision_log.parse_ref(ref, chart.dataset), page, html=True) \
                if ref else ""
            if href:
                marks[f"{i}-{j}"] = href
    return marks


def _headline(entry: Any, where: str) -> tuple[str, str | None]:
    if isinstance(entry, str):
        return entry, None
    if isinstance(entry, dict) and isinstance(entry.get("id"), str):
        change = entry.get("change")
        return entry["id"], change if isinstance(change, str) else None
    raise figs.FigureError(f"{where} 的 headline 项应为指标代码，或 {{id: ..., change: ...}}")


def cards_block(year: int, page: Page, site: ReportPages) -> str:
    index = site.edition_index(year)
    entries = index.meta.get("headline")
    if not isinstance(entries, list) or not entries:
        raise figs.FigureError(f"docs/{index.rel} 的开头没有列出 headline（要放在首页卡片上的指标）")
    earlier = [y for y in site.editions() if y < year]
    cards = []
    for entry in entries:
        indicator_id, change_id = _headline(entry, f"docs/{index.rel}")
        fig = site.data.figure(f"{indicator_id}@{year}")
        # against the previous edition where the data has that year; else the year before
        comparison = site.data.compare(fig, earlier[-1] if earlier else None)
        if change_id:
            companion = site.data.figure(f"{change_id}@{year}")
            change = f"{companion.name}{companion.text}"
        elif comparison is not None:
            change = comparison.change or ""
        else:
            change = site.data.change(fig) or ""
        previous = None
        if comparison is not None:
            before = comparison.previous
            previous = {"year": before.year, "value": before.text, "derived": before.derived}
        chapter = site.area_page(year, fig.area_id)
        revision = site.revision(fig, page)
        cards.append({"href": urls.source_link(page.rel, chapter.rel), "name": fig.name,
                      "value": fig.text, "change": change, "year": fig.year,
                      "derived": fig.derived, "revision": revision, "previous": previous})
    return markup.render("cards.md", cards=cards,
                         revisions=[c["revision"] for c in cards if c["revision"]])


def figures_block(arg: str, page: Page, site: ReportPages) -> str:
    area_id, year = _year_ref(arg, page, site)
    if year is None:
        raise figs.FigureError(f"{arg!r} 缺少年份：请写成 {area_id}@年份")
    site.data.area(area_id)
    rows = sorted(site.data.area_figures(area_id, year), key=lambda f: f.indicator_id)
    if not rows:
        raise figs.FigureError(f"工作领域 {area_id!r} 在 {year} 年没有指标数据")
    order = {f.indicator_id: i for i, f in enumerate(site.data.indicators.values())}
    rows.sort(key=lambda f: order[f.indicator_id])
    table = markup.render("figures.html", area=site.data.area(area_id).name, year=year, rows=[
        {"name": f.name, "text": f.text,
         "note": "；".join(x for x in ("推算值" if f.derived else "", f.note) if x),
         "revision": site.revision_href(figs.INDICATORS, f"{f.indicator_id}/{f.year}", page,
                                        html=True)}
        for f in rows
    ])
    # the way on to each figure's own page (every year, sources, 口径, downloads): the area's
    # part of the indicators index, one Markdown link (the table is HTML, which no engine
    # rewrites alike)
    return table + "\n\n" + markup.render(
        "figures_more.md", area=site.data.area(area_id).name,
        href=urls.source_link(page.rel, urls.indicator_page(), area_id))


def _day(value: Any) -> str:
    """2026-11-29 (front matter, a date or text) -> 2026年11月29日; other text as written."""
    found = re.fullmatch(r"(\d{4})-(\d{2})-(\d{2})", str(value or "").strip())
    if not found:
        return str(value or "").strip()
    y, m, d = found.groups()
    return f"{y}年{int(m)}月{int(d)}日"


def _month(value: Any) -> str:
    """2027-06 -> 2027年6月; other text as written."""
    found = re.fullmatch(r"(\d{4})-(\d{2})", str(value or "").strip())
    if not found:
        return str(value or "").strip()
    return f"{found.group(1)}年{int(found.group(2))}月"


def editions_block(page: Page, site: ReportPages) -> str:
    """The archive and release calendar, from each edition's index.md front matter: title,
    `published:`, `next:`. The deployed site has no drafts (their pages are left out); the
    preview lists them, marked."""
    years = site.editions()
    if not years:
        raise figs.FigureError("docs/ 下还没有任何一年的报告目录（如 docs/2020/）")
    rows = []
    for i, year in enumerate(years):
        meta = site.edition_index(year).meta
        later = years[i + 1] if i + 1 < len(years) else None
        expected = _month(meta.get("next"))
        rows.append({
            "year": year, "title": str(meta.get("title") or f"{year}年报告"),
            "href": urls.source_link(page.rel, site.edition_index(year).rel),
            "draft": year in site.drafts, "published": _day(meta.get("published")) or "未发布",
            "next": f"预计{expected}" if expected else "待定",
            "next_year": later,
            "next_href": urls.source_link(page.rel, site.edition_index(later).rel) if later else "",
        })
    latest = site.latest()  # the newest published edition says when the next is due
    month = _month(site.edition_index(latest).meta.get("next"))
    due = {"year": latest + 1, "month": month} if month and latest + 1 not in years else None
    return markup.render("editions.md", editions=list(reversed(rows)), due=due)


def plan_missing(year: int) -> str:
    """What a plan's part says while the plan of that edition is not in the data."""
    return markup.render("notice.html", kind="plan", title="计划尚未发布",
                         text=f"{year}年的工作计划还没有发布，发布后这里会列出它的目标和任务。")


def targets_block(year: int, page: Page, site: ReportPages, tasks_here: bool) -> str:
    if not site.data.has_plan(year):
        return plan_missing(year)
    targets = site.data.plan_targets(year)
    if not targets:
        raise figs.FigureError(f"{year} 年的计划没有量化目标数据（plan-targets.csv）")
    tasks = {t.task_id: t for t in site.data.tasks}
    rows = []
    for target in targets:
        status = site.data.target_status(target)
        task = tasks.get(target.task_id or "")
        rows.append({
            "marks": {
                "goal": site.revision_href(figs.TARGETS, f"{target.plan_year}/{target.target_id}",
                                           page, html=True),
                **{what: site.revision_href(figs.INDICATORS, f"{fig.indicator_id}/{fig.year}",
                                            page, html=True)
                   for what, fig in (("baseline", status.baseline), ("actual", status.actual)) if fig},
            },
            "name": target.name, "goal": target.goal, "status": status.status,
            "label": status.label, "baseline": status.baseline, "actual": status.actual,
            "untracked": status.status == figs.UNTRACKED,
            "baseline_measure": target.baseline_measure,
            "task": task.number if task else None,
            "task_anchor": task.task_id.lower() if task and tasks_here else "",
        })
    return markup.render("targets.html", year=year, rows=rows)


def tasks_block(year: int, site: ReportPages) -> str:
    """Markdown headings (so they appear in the page's table of contents) and task lists."""
    if not site.data.has_plan(year):
        return plan_missing(year)
    categories = site.data.plan_categories(year)
    if not categories:
        raise figs.FigureError(f"{year} 年的计划没有任务类别数据（plan-categories.csv）")
    return markup.render("tasks.md", categories=[
        {"number": chinese_number(category.number), "name": category.name,
         "anchor": category.category_id.lower(),
         "tasks": [{"anchor": t.task_id.lower(), "number": t.number, "title": t.title}
                   for t in site.data.plan_tasks(category.category_id)]}
        for category in categories
    ])


def download_panel(site: ReportPages, chart: Chart, page: Page) -> dict[str, Any] | None:
    """What a chart's download panel shows (data, images, embed), from the downloads stage's
    record, with links relative to the page's source; None when the build published none."""
    if site.downloads is None or site.downloads.chart(chart.id) is None:
        return None
    return chart_exports.panel(chart, page.rel, site.downloads.site_url)


def block(kind: str, arg: str, page: Page, site: ReportPages, directives: set[str]) -> str:
    if kind == "chart":
        cid = site.chart_id(arg, page)
        if cid not in site.charts:
            name, year = _year_ref(arg, page, site)
            year = site.plan_year(year)
            spec = getattr(site.charts, "specs", {}).get(name)
            if spec is not None and spec.get("type") == "target" and not site.data.has_plan(year):
                return plan_missing(year)
            if spec is not None:
                raise figs.FigureError(f"图表 {name!r} 在 {year} 年这一期没有数据（{cid}）")
            specs = getattr(site.charts, "specs", None) or site.charts
            known = "、".join(sorted(specs)) or "（无）"
            raise figs.FigureError(
                f"没有图表 {name!r}{figs.did_you_mean(name, specs)}（已声明的图表：{known}）"
            )
        chart = site.charts[cid]
        return chart_block(chart, download_panel(site, chart, page),
                           site.drawings.get(cid, ""), revision_marks(chart, page, site))
    if kind == "cards":
        return cards_block(site.edition(arg, page), page, site)
    if kind == "figures":
        return figures_block(arg, page, site)
    if kind == "targets":
        year = site.edition(arg, page)
        return targets_block(year, page, site, tasks_here=f"tasks:{arg}" in directives)
    if kind == "tasks":
        return tasks_block(site.edition(arg, page), site)
    if kind == "editions":
        return editions_block(page, site)
    raise figs.FigureError(f"未知的占位符类型 {kind!r}")


# -- expanding a page ---------------------------------------------------------

def _kind_arg(inner: str) -> tuple[str, str]:
    """`kind:arg`; `kind@YEAR` (no argument) is `kind:YEAR`, so `@YEAR` picks an edition for
    every kind: [[cards@2020]], [[targets@2020]], [[tasks@2020]]."""
    kind, _, arg = inner.strip().partition(":")
    kind, at, year = kind.partition("@")
    if at and not arg:
        arg = year
    return kind.strip(), arg


UNWRITTEN = "待写"  # marks a passage still to be written: a published edition has none
# A placeholder missing a bracket: [fig:x]], [[fig:x], [fig:x] (what is left of a line once
# the well-formed [[...]] are taken out).
HALF = re.compile(r"\[\[[^\[\]\n]*(?:\](?!\])|$)|(?<!\])\]\]|\[(?:"
                  + "|".join(BLOCKS + INLINE) + r")\s*:[^\[\]\n]*\]")


def malformed(line: str, code_spans: list[tuple[int, int]]) -> str:
    """The first malformed or unclosed placeholder of a line outside `code`, else ""."""
    chars = list(line)
    for a, b in code_spans:
        chars[a:b] = [" "] * (b - a)
    rest = DIRECTIVE.sub(lambda m: " " * len(m.group(0)), "".join(chars))
    found = HALF.search(rest)
    if not found:
        return ""
    start = found.start()
    return line[start:start + max(len(found.group(0)), 1) + 20].split("\n")[0].strip()


def refusal(code: str, page: Page, line: int, **params: Any) -> str:
    """A refusal of a published edition's page from the message catalogue: file, line, what
    is wrong and the fix, in Chinese and English."""
    issue = Issue(code, f"docs/{page.rel}", row=line, params={"page": f"docs/{page.rel}", **params})
    return (f"docs/{page.rel}:{line}: {issue.text('zh')}\n    修改方法：{issue.fix('zh')}\n"
            f"    {issue.text('en')} Fix: {issue.fix('en')}")


def draft_notice(year: int | None) -> str:
    """The notice on every page of a draft edition (the preview shows drafts; the site never)."""
    return markup.render("notice.html", kind="draft", title="草稿",
                         text=f"这是{year}年报告的草稿，只在本地预览中显示，不会发布到网站上。"
                              f"写完后把 docs/{year}/index.md 开头的 status 改为 published 即可发布。")


def expand(page: Page, site: ReportPages) -> tuple[str, list[str]]:
    """The page with every directive filled in, and the problems found (file:line: ...)."""
    problems: list[str] = []
    lines = page.text.split("\n")
    directives = {m.group(1).strip() for m in DIRECTIVE.finditer(page.text)}
    out = []
    fence: str | None = None
    charts_here: dict[str, int] = {}
    published = page.edition is not None and page.edition not in site.drafts
    notice = draft_notice(page.edition) if page.edition in site.drafts else ""
    for number, line in enumerate(lines, start=1):
        if published and UNWRITTEN in line and fence is None:
            problems.append(refusal("edition-unwritten", page, number, year=page.edition))
        if number < page.body_start:
            out.append(line)
            continue
        if notice and (line.strip() or number == len(lines)):
            # the notice goes under the page's title (its first heading), else on top
            if line.startswith("# "):
                out.append(line)
                out.append("\n" + notice + "\n")
                notice = ""
                continue
            out.append(notice + "\n")
            notice = ""
        # Inside a fenced code block a placeholder is shown as written, never expanded.
        opening = FENCE.match(line)
        if fence is not None or opening:
            if fence is None and opening:
                fence = opening.group(1)[0] * 3
            elif fence is not None and line.strip().startswith(fence):
                fence = None
            out.append(ESCAPED.sub(r"\1", line))  # \[[...]] written before this rule still reads the same
            continue
        stripped = line.strip()
        whole = DIRECTIVE.fullmatch(stripped)
        if whole:
            kind, arg = _kind_arg(whole.group(1))
            if kind in BLOCKS:
                try:
                    cid = site.chart_id(arg.strip(), page) if kind == "chart" else ""
                    if kind == "chart" and cid in charts_here:
                        raise figs.FigureError(
                            f"图表 {arg.strip()!r} 已在第 {charts_here[cid]} 行放过，"
                            "同一页上只能出现一次")
                    out.append("\n" + block(kind, arg.strip(), page, site, directives) + "\n")
                    if kind == "chart" and cid in site.charts:
                        charts_here[cid] = number
                        site.chart_pages.setdefault(cid, page)
                except (figs.FigureError, ValueError) as exc:
                    if page.edition in site.drafts:  # a draft waits for its data: say so
                        out.append("\n" + markup.render(
                            "notice.html", kind="plan", title="待补数据",
                            text=f"[[{whole.group(1)}]]：{exc}") + "\n")
                    else:
                        problems.append(f"docs/{page.rel}:{number}: [[{whole.group(1)}]]：{exc}")
                        out.append(line)
                continue

        code_spans = [m.span() for m in INLINE_CODE.finditer(line)]
        if published:
            bad = malformed(line, code_spans)
            if bad:
                problems.append(refusal("edition-placeholder-malformed", page, number,
                                        year=page.edition, text=bad))

        def fill(match: re.Match[str], number: int = number, line: str = line,
                 code_spans: list[tuple[int, int]] = code_spans) -> str:
            if any(a <= match.start() < b for a, b in code_spans):
                return match.group(0)  # inside `code`: shown as written
            if match.start() > 0 and line[match.start() - 1] == "\\":
                return match.group(0)  # escaped: kept as written, backslash removed below
            kind, arg = _kind_arg(match.group(1))
            try:
                if kind in BLOCKS:
                    raise figs.FigureError(f"[[{kind}:...]] 必须单独占一行")
                if kind not in INLINE:
                    raise figs.FigureError(
                        f"未知的占位符类型 {kind!r}（可用：{'、'.join(INLINE + BLOCKS)}）"
                    )
                return inline(kind, arg.strip(), page, site)
            except (figs.FigureError, ValueError) as exc:
                if page.edition in site.drafts:  # a draft waits for its data: say so
                    return md(f"（待补数据：{match.group(1)}）")
                problems.append(f"docs/{page.rel}:{number}: [[{match.group(1)}]]：{exc}")
                return match.group(0)

        out.append(ESCAPED.sub(r"\1", DIRECTIVE.sub(fill, line)))
    return "\n".join(out), problems


def chart_links(site: ReportPages, from_rel: str) -> dict[str, list[dict[str, str]]]:
    """Dataset name -> the charts drawn from it, with a Markdown link from `from_rel`."""
    result: dict[str, list[dict[str, str]]] = {}
    for chart_id, chart in site.charts.items():
        page = site.chart_pages.get(chart_id)
        entry = {"id": chart_id, "title": chart.title}
        if page is not None:
            entry["link"] = urls.source_link(from_rel, page.rel, chart.dom_id)
        result.setdefault(chart.dataset, []).append(entry)
    return result


def write(
    docs: Path, out: Path, data: figs.Figures, charts: dict[str, Chart], source_title: str,
    downloads: Published | None = None, drawings: dict[str, str] | None = None,
    docs_pages: list[Page] | None = None, sources: dict[str, str] | None = None,
    drafts: set[int] | None = None, leave_out: set[int] | None = None,
    outside_nav: dict[int, list[str]] | None = None, revisions: list[Revision] | None = None,
    site_url: str = "",
) -> ReportPages:
    """Expand every page of `docs` into `out` (other files copied as they are).

    Raises PageError listing every problem of every page; `out` is then left
    as it was. Files are rewritten only when their content changed, so a live
    preview reloads only what changed. `drafts`: editions shown with the 草稿 notice (the
    preview); `leave_out`: edition folders not written at all (drafts, on the deployed
    site); `outside_nav`: pages of published editions no navigation lists (refused);
    `revisions`: the revisions log (a revised figure is marked 修订 where it is shown);
    `site_url`: the site's address ("" when unknown), for links in raw HTML.
    """
    pages = read_pages(docs) if docs_pages is None else docs_pages
    left_out = leave_out or set()
    pages = [p for p in pages if p.edition not in left_out]
    site = ReportPages(data, charts, pages, source_title, downloads=downloads,
                       drawings=drawings or {}, sources=sources or {}, drafts=set(drafts or ()),
                       revised=revision_log.revised(revisions or []), site_url=site_url)
    results: dict[str, str] = {}
    problems: list[str] = []
    for year, rels in sorted((outside_nav or {}).items()):
        for rel in rels:
            page = next(p for p in pages if p.rel == rel) if any(p.rel == rel for p in pages) \
                else Page(rel, "", {}, 1)
            problems.append(refusal("edition-page-outside-nav", page, 1, year=year,
                                    name=rel.split("/", 1)[1]))
    for page in pages:
        text, found = expand(page, site)
        results[page.rel] = text
        problems.extend(found)
    unused = sorted(set(charts) - set(site.chart_pages))
    if unused:
        problems.append("这些图表已声明但没有放进任何页面（用 [[chart:代码]]）：" + "、".join(unused))
    if problems:
        raise PageError(problems)
    out.mkdir(parents=True, exist_ok=True)
    wanted: set[str] = set()
    for page in pages:
        wanted.add(page.rel)
        write_if_changed(out / page.rel, results[page.rel].encode("utf-8"))
    for path in sorted(docs.rglob("*")):
        if path.is_file() and path.suffix != ".md":
            rel = path.relative_to(docs).as_posix()
            if Page(rel, "", {}, 1).edition in left_out:
                continue
            wanted.add(rel)
            write_if_changed(out / rel, path.read_bytes())
    site.written = wanted
    return site


def page_times(out: Path) -> dict[Path, tuple[bytes, int, int]]:
    """Each generated page's bytes and times, before a generation rewrites it (keep_times)."""
    found = {}
    for path in out.rglob("*.md"):
        stat = path.stat()
        found[path] = (path.read_bytes(), stat.st_atime_ns, stat.st_mtime_ns)
    return found


def keep_times(before: dict[Path, tuple[bytes, int, int]]) -> None:
    """A page written again with the bytes it had keeps its old time: some pages are written
    in two steps (front matter added after), and the live preview renders again only the
    pages whose time changed."""
    for path, (content, atime, mtime) in before.items():
        try:
            if path.stat().st_mtime_ns != mtime and path.read_bytes() == content:
                os.utime(path, ns=(atime, mtime))
        except FileNotFoundError:
            continue


def write_if_changed(path: Path, content: bytes) -> bool:
    if path.exists() and path.read_bytes() == content:
        return False
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(content)
    return True


def prune(out: Path, keep: set[str]) -> None:
    """Remove files of `out` that no step wrote this time (a page deleted from docs/)."""
    for path in sorted(out.rglob("*"), reverse=True):
        rel = path.relative_to(out).as_posix()
        if path.is_file() and rel not in keep:
            path.unlink()
        elif path.is_dir() and not any(path.iterdir()):
            shutil.rmtree(path)
