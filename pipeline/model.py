"""The model of the project: what validation hands to every later stage.

What belongs here: `Project`, the one typed model a build makes after
validation (datasets with their rows and metadata, the named figures, the
pages and editions of docs/, which page shows each chart, the revisions log,
the validation findings), and the report's domain: reading the indicators,
plan targets, tasks, categories and areas of work into plain objects; naming
each figure (`indicator-id@year`); writing a value the way the source writes
it ("49.3亿元", "30多所", "3-5家", "不少于10期", "15%以上"); and judging a plan
target against the actual figure (baseline, actual, status). What does not:
reading a single dataset (datasets.py) or docs/ (docs.py), charts (charts.py),
download files (formats.py), Markdown or HTML (pages.py, catalog.py). Nothing
here knows about MkDocs.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass, field, replace
from decimal import Decimal
from typing import Any

from . import datasets as datasets_
from . import docs, load, numbers, revision_log, siteconfig
from .datasets import DatasetContent
from .docs import Edition, Page
from .findings import Findings
from .paths import Layout
from .revision_log import Revision

# The datasets this stage reads, by name.
INDICATORS = "indicators"
AREAS = "work-areas"
TARGETS = "plan-targets"
TASKS = "plan-tasks"
CATEGORIES = "plan-categories"

# Qualifiers of a value, as the schemas define them.
MORE = "多"  # somewhat more than the value: "30多所"
AT_LEAST = "以上"  # at least: "30家以上"
NOT_LESS = "不少于"  # at least: "不少于10期"

# Status of a target against the data, with the words shown to readers.
MET = "met"
NOT_MET = "not-met"
NO_ACTUAL = "no-actual"
UNTRACKED = "untracked"
OTHER_MEASURE = "other-measure"
STATUS_LABELS = {
    MET: "已完成",
    NOT_MET: "未完成",
    NO_ACTUAL: "尚无实际数据",
    UNTRACKED: "暂无可对照的统计指标",
    OTHER_MEASURE: "口径不同，不作判断",
}


class FigureError(Exception):
    """A figure that the text or a chart names but the data does not have."""


def format_value(
    value: int | float,
    value_max: int | float | None = None,
    qualifier: str | None = None,
    unit: str = "",
) -> str:
    """Write a value with its unit and qualifier the way the source does.

    >>> format_value(49.3, unit="亿元"), format_value(30, None, "多", "所")
    ('49.3亿元', '30多所')
    >>> format_value(30, None, "以上", "家"), format_value(10, None, "不少于", "期")
    ('30家以上', '不少于10期')
    >>> format_value(3, 5, None, "家"), format_value(5, None, None, "位")
    ('3-5家', '第5位')
    """
    unit = unit or ""
    written = numbers.text(value)
    if value_max is not None:
        written = f"{written}-{numbers.text(value_max)}"
    if unit == "位":  # a rank: "居全省第5位"
        core = f"第{written}位"
    elif qualifier == MORE:
        core = f"{written}{MORE}{unit}"
    else:
        core = f"{written}{unit}"
    if qualifier == AT_LEAST:
        return f"{core}{AT_LEAST}"
    if qualifier == NOT_LESS:
        return f"{NOT_LESS}{core}"
    if qualifier not in (None, "", MORE):
        raise FigureError(f"未知的限定词 {qualifier!r}（只能是 多、以上、不少于 或留空）")
    return core


def did_you_mean(name: str, known: Any) -> str:
    """"，是不是 rice-shrimp-base？" when a known name is close to a mistyped one."""
    close = difflib.get_close_matches(name, list(known), n=1, cutoff=0.75)
    return f"，是不是 {close[0]}？" if close else ""


def format_change(delta: int | float, unit: str, than: str = "上年") -> str:
    """A change from an earlier year (`than`: 上年, or 2018年 when that is further back):
    "比上年增加67家", "比上年提高0.2个百分点", "与上年持平"."""
    if delta == 0:
        return f"与{than}持平"
    if unit == "%":
        word = "提高" if delta > 0 else "降低"
        return f"比{than}{word}{numbers.text(abs(delta))}个百分点"
    word = "增加" if delta > 0 else "减少"
    return f"比{than}{word}{format_value(abs(delta), unit=unit)}"


def _decimal(value: int | float) -> Decimal:
    """The number as written in the data (49.3, not 49.29999...)."""
    return Decimal(repr(value)) if isinstance(value, float) else Decimal(value)


def _subtract(a: int | float, b: int | float) -> int | float:
    """a - b without binary float noise (49.3 - 45.1 is 4.2, not 4.199999...)."""
    result = _decimal(a) - _decimal(b)
    return int(result) if result == result.to_integral_value() else float(result)


@dataclass(frozen=True)
class Area:
    area_id: str
    order: int
    name: str
    name_en: str


@dataclass(frozen=True)
class Figure:
    """One indicator in one year: `rd-spending@2020`."""

    indicator_id: str
    year: int
    area_id: str
    name: str
    name_en: str
    value: int | float
    value_max: int | float | None
    qualifier: str | None
    unit: str
    unit_en: str
    derived: bool
    source_section: str
    note: str | None
    derivation: str = ""
    source_id: str = ""

    @property
    def ref(self) -> str:
        return f"{self.indicator_id}@{self.year}"

    @property
    def text(self) -> str:
        return format_value(self.value, self.value_max, self.qualifier, self.unit)


@dataclass(frozen=True)
class Comparison:
    """A figure against the same indicator in an earlier year (the previous edition's)."""

    figure: Figure
    previous: Figure
    change: str | None  # in words; None where no difference can be worked out ("30多",
    # "3-5家", or a unit that changed): both figures are then shown as written


def difference(fig: Figure, prev: Figure) -> str | None:
    """How `fig` differs from the earlier `prev` of the same indicator, in words; None when
    the two cannot be subtracted (a range, a qualifier such as 多 or 以上, another unit)."""
    if prev.unit != fig.unit or fig.value_max is not None or prev.value_max is not None:
        return None
    if fig.qualifier or prev.qualifier:  # "30多" minus "20多" is not a number
        return None
    than = "上年" if prev.year == fig.year - 1 else f"{prev.year}年"
    return format_change(_subtract(fig.value, prev.value), fig.unit, than)


@dataclass(frozen=True)
class Category:
    category_id: str
    plan_year: int
    number: int
    name: str


@dataclass(frozen=True)
class Task:
    task_id: str
    plan_year: int
    number: int
    category_id: str
    title: str


@dataclass(frozen=True)
class Target:
    target_id: str
    plan_year: int
    task_id: str | None
    indicator_id: str | None
    baseline_year: int
    name: str
    kind: str
    value: int | float
    value_max: int | float | None
    qualifier: str | None
    unit: str
    source_section: str
    note: str | None
    source_id: str = ""
    target_year: int | None = None  # the year the target is for; None: the year after the baseline
    baseline_measure: str = ""  # what the baseline figure measures, when not the target's measure

    @property
    def year_for(self) -> int:
        """The year whose actual figure the target is judged by."""
        return self.target_year if self.target_year is not None else self.baseline_year + 1

    @property
    def text(self) -> str:
        """The target as written: "240家", "15%以上", "3-5家"."""
        return format_value(self.value, self.value_max, self.qualifier, self.unit)

    @property
    def goal(self) -> str:
        """The target in words: level "达到240家", increase "增加30家以上", growth "增长15%以上"."""
        verb = {"level": "达到", "increase": "增加", "growth-rate": "增长", "count": ""}
        return verb.get(self.kind, "") + self.text


@dataclass(frozen=True)
class TargetStatus:
    """A target judged against the data: baseline, actual when there is one, status."""

    target: Target
    baseline: Figure | None
    actual: Figure | None
    status: str

    @property
    def label(self) -> str:
        return STATUS_LABELS[self.status]


@dataclass
class Figures:
    """Everything the text and the charts may name, read once from the datasets."""

    indicators: dict[tuple[str, int], Figure]
    areas: list[Area]
    targets: list[Target]
    tasks: list[Task]
    categories: list[Category]
    _by_indicator: dict[str, list[Figure]] = field(default_factory=dict, repr=False)

    def __post_init__(self) -> None:
        for fig in sorted(self.indicators.values(), key=lambda f: (f.indicator_id, f.year)):
            self._by_indicator.setdefault(fig.indicator_id, []).append(fig)

    # -- looking figures up by name ---------------------------------------
    def figure(self, ref: str, year: int | None = None) -> Figure:
        """`indicator-id@year`, or `indicator-id` with the year given (an edition's year)."""
        indicator_id, _, year_text = ref.partition("@")
        if year_text:
            if not year_text.isdigit():
                raise FigureError(
                    f"年份写法不对：{ref!r}（应为 指标代码@年份，如 rd-spending@2020）"
                )
            year = int(year_text)
        if indicator_id not in self._by_indicator:
            raise FigureError(
                f"数据中没有指标 {indicator_id!r}（见 datasets/indicators.csv）"
                + did_you_mean(indicator_id, self._by_indicator)
            )
        if year is None:
            raise FigureError(f"{ref!r} 缺少年份：请写成 {indicator_id}@年份")
        found = self.indicators.get((indicator_id, year))
        if found is None:
            years = "、".join(str(f.year) for f in self._by_indicator[indicator_id])
            raise FigureError(f"指标 {indicator_id!r} 没有 {year} 年的数值（已有年份：{years}）")
        return found

    def series(self, indicator_id: str) -> list[Figure]:
        if indicator_id not in self._by_indicator:
            raise FigureError(f"数据中没有指标 {indicator_id!r}（见 datasets/indicators.csv）")
        return list(self._by_indicator[indicator_id])

    def has_indicator(self, indicator_id: str) -> bool:
        return indicator_id in self._by_indicator

    def previous(self, fig: Figure) -> Figure | None:
        earlier = [f for f in self._by_indicator[fig.indicator_id] if f.year < fig.year]
        return earlier[-1] if earlier else None

    def change(self, fig: Figure) -> str | None:
        """The change from the previous year in the data, in words, or None."""
        prev = self.previous(fig)
        return None if prev is None else difference(fig, prev)

    def compare(self, fig: Figure, year: int | None) -> Comparison | None:
        """`fig` against the same indicator in the earlier `year` (the previous edition's),
        or None when there is no such year or the data has no figure for it."""
        if year is None or year >= fig.year:
            return None
        prev = self.indicators.get((fig.indicator_id, year))
        return None if prev is None else Comparison(fig, prev, difference(fig, prev))

    def indicator_ids(self) -> list[str]:
        """Every indicator, in the order the data first lists it."""
        return list(dict.fromkeys(f.indicator_id for f in self.indicators.values()))

    def without_years(self, years: set[int]) -> Figures:
        """The same figures without those of `years` (a draft edition's, on the deployed site)."""
        if not years:
            return self
        return Figures({k: f for k, f in self.indicators.items() if f.year not in years},
                       self.areas, self.targets, self.tasks, self.categories)

    def area(self, area_id: str) -> Area:
        for area in self.areas:
            if area.area_id == area_id:
                return area
        raise FigureError(f"数据中没有工作领域 {area_id!r}（见 datasets/work-areas.csv）")

    def area_figures(self, area_id: str, year: int) -> list[Figure]:
        return [f for f in self.indicators.values() if f.area_id == area_id and f.year == year]

    def find_target(self, target_id: str, plan_year: int | None = None) -> Target | None:
        """A target of the plan of `plan_year` (any plan when None, the first listed)."""
        for target in self.targets:
            if target.target_id == target_id and plan_year in (None, target.plan_year):
                return target
        return None

    def target(self, target_id: str, plan_year: int | None = None) -> Target:
        """A target of the plan issued with edition `plan_year` (any plan when None)."""
        found = self.find_target(target_id, plan_year)
        if found is not None:
            return found
        if plan_year is not None and self.find_target(target_id) is not None:
            plans = "、".join(sorted({str(t.plan_year) for t in self.targets
                                     if t.target_id == target_id}))
            raise FigureError(f"{plan_year} 年的计划没有目标 {target_id!r}（它出现在 {plans} 年的计划中，"
                              f"可写成 {target_id}@年份）")
        raise FigureError(f"数据中没有计划目标 {target_id!r}（见 datasets/plan-targets.csv）"
                          + did_you_mean(target_id, {t.target_id for t in self.targets}))

    def has_plan(self, plan_year: int) -> bool:
        """Whether the data holds the plan issued with that edition (targets, tasks or
        categories)."""
        return any(t.plan_year == plan_year for t in self.targets) or any(
            c.plan_year == plan_year for c in self.categories) or any(
            t.plan_year == plan_year for t in self.tasks)

    def plan_targets(self, plan_year: int) -> list[Target]:
        return [t for t in self.targets if t.plan_year == plan_year]

    def plan_categories(self, plan_year: int) -> list[Category]:
        return sorted(
            (c for c in self.categories if c.plan_year == plan_year), key=lambda c: c.number
        )

    def plan_tasks(self, category_id: str) -> list[Task]:
        tasks = (t for t in self.tasks if t.category_id == category_id)
        return sorted(tasks, key=lambda t: t.number)

    def years(self) -> list[int]:
        return sorted({year for _, year in self.indicators})

    def count(self, what: str, year: int) -> int:
        """How many plan tasks, categories or targets a year has ("count:tasks@2020")."""
        rows: dict[str, list[Any]] = {
            "tasks": [t for t in self.tasks if t.plan_year == year],
            "categories": [c for c in self.categories if c.plan_year == year],
            "targets": self.plan_targets(year),
        }
        if what not in rows:
            raise FigureError(f"不能计数 {what!r}（可用：tasks、categories、targets）")
        if not rows[what]:
            raise FigureError(f"{year} 年没有 {what} 数据")
        return len(rows[what])

    # -- targets against actuals -------------------------------------------
    def target_status(self, target: Target) -> TargetStatus:
        """Judge a target: baseline at baseline_year, actual in the year the target is for
        (target_year, else the year after the baseline). A baseline of another measure than
        the target's (baseline_measure) gets no status: OTHER_MEASURE, with both figures.

        level and count: actual >= target; increase: actual - baseline >= target;
        growth-rate: (actual / baseline - 1) * 100 >= target. The lower end counts
        for ranges and "以上". Without a later value the status says so.
        """
        if not target.indicator_id or not self.has_indicator(target.indicator_id):
            return TargetStatus(target, None, None, UNTRACKED)
        series = self.series(target.indicator_id)
        baseline = next((f for f in series if f.year == target.baseline_year), None)
        actual = next((f for f in series if f.year == target.year_for), None)
        if target.baseline_measure:
            return TargetStatus(target, baseline, actual, OTHER_MEASURE)
        if actual is None:
            return TargetStatus(target, baseline, None, NO_ACTUAL)
        if target.kind in ("level", "count"):
            reached = actual.value >= target.value
        elif baseline is None:
            return TargetStatus(target, None, actual, NO_ACTUAL)
        elif target.kind == "increase":
            reached = _subtract(actual.value, baseline.value) >= target.value
        elif target.kind == "growth-rate":
            base, now = _decimal(baseline.value), _decimal(actual.value)
            reached = base > 0 and (now / base - 1) * 100 >= _decimal(target.value)
        else:
            raise FigureError(f"未知的目标类型 {target.kind!r}（目标 {target.target_id}）")
        return TargetStatus(target, baseline, actual, MET if reached else NOT_MET)

    def threshold(self, target: Target) -> int | float | None:
        """The level the indicator must reach to meet a level/count/increase target."""
        status = self.target_status(target)
        if target.kind in ("level", "count"):
            return target.value
        if target.kind == "increase" and status.baseline is not None:
            value = _decimal(status.baseline.value) + _decimal(target.value)
            return int(value) if value == value.to_integral_value() else float(value)
        return None


@dataclass(frozen=True)
class Series:
    """One indicator across every year the data has: what its page and downloads show."""

    indicator_id: str
    figures: list[Figure]  # oldest first
    area: Area | None
    definition: str = ""  # 统计口径 (indicators.meta.yml `definitions:`); "" where none is given

    @property
    def latest(self) -> Figure:
        return self.figures[-1]

    @property
    def name(self) -> str:
        return self.latest.name

    @property
    def name_en(self) -> str:
        return self.latest.name_en

    @property
    def years(self) -> list[int]:
        return [f.year for f in self.figures]

    @property
    def units(self) -> list[str]:
        """The units its years use, as written (one, unless the unit changed)."""
        return list(dict.fromkeys(f.unit for f in self.figures))

    @property
    def is_time_series(self) -> bool:
        return len(self.figures) > 1


def definitions(meta: dict[str, Any], figures: Figures) -> dict[str, str]:
    """indicator_id -> its 统计口径, from indicators.meta.yml `definitions:` (a mapping);
    FigureError for a malformed mapping or an indicator the data does not have."""
    given = meta.get("definitions") or {}
    if not isinstance(given, dict):
        raise FigureError("datasets/indicators.meta.yml 的 definitions 应为 指标代码: 统计口径 的键值对"
                          " / definitions must map an indicator_id to its definition")
    found = {}
    for key, text in given.items():
        if not figures.has_indicator(str(key)):
            raise FigureError(f"datasets/indicators.meta.yml 的 definitions 中有数据里没有的指标 {key!r}"
                              + did_you_mean(str(key), figures.indicator_ids())
                              + f" / definitions names an indicator the data does not have: {key}")
        if not isinstance(text, str) or not text.strip():
            raise FigureError(f"datasets/indicators.meta.yml 的 definitions.{key} 应为一段文字"
                              f" / definitions.{key} must be text")
        found[str(key)] = " ".join(text.split())
    return found


def all_series(figures: Figures, defined: dict[str, str] | None = None) -> list[Series]:
    """Every indicator's series, by area (the work areas' order), then in data order."""
    areas = {a.area_id: a for a in figures.areas}
    order = {a.area_id: i for i, a in enumerate(figures.areas)}
    found = [Series(i, figures.series(i), areas.get(figures.series(i)[-1].area_id),
                    (defined or {}).get(i, "")) for i in figures.indicator_ids()]
    return sorted(found, key=lambda s: order.get(s.latest.area_id, len(order)))


def _text(value: Any) -> str | None:
    return None if value in (None, "") else str(value)


def from_records(
    indicators: list[dict[str, Any]],
    areas: list[dict[str, Any]],
    targets: list[dict[str, Any]],
    tasks: list[dict[str, Any]],
    categories: list[dict[str, Any]],
) -> Figures:
    """Build Figures from typed rows (as load.read_records returns them)."""
    figs: dict[tuple[str, int], Figure] = {}
    for row in indicators:
        fig = Figure(
            indicator_id=row["indicator_id"], year=row["year"], area_id=row["area_id"],
            name=row["name_zh"], name_en=row["name_en"], value=row["value"],
            value_max=row.get("value_max"), qualifier=_text(row.get("qualifier")),
            unit=row["unit"], unit_en=row.get("unit_en") or "",
            derived=bool(row.get("derived")), source_section=row.get("source_section") or "",
            note=_text(row.get("note")), derivation=row.get("derivation") or "",
            source_id=row.get("source_id") or "",
        )
        figs[(fig.indicator_id, fig.year)] = fig
    return Figures(
        indicators=figs,
        areas=sorted(
            (Area(r["area_id"], r["order"], r["name_zh"], r["name_en"]) for r in areas),
            key=lambda a: a.order,
        ),
        targets=[
            Target(
                target_id=r["target_id"], plan_year=r["plan_year"], task_id=_text(r.get("task_id")),
                indicator_id=_text(r.get("indicator_id")), baseline_year=r["baseline_year"],
                name=r["name_zh"], kind=r["target_kind"], value=r["value"],
                value_max=r.get("value_max"), qualifier=_text(r.get("qualifier")), unit=r["unit"],
                source_section=r.get("source_section") or "", note=_text(r.get("note")),
                source_id=r.get("source_id") or "", target_year=r.get("target_year"),
                baseline_measure=r.get("baseline_measure") or "",
            )
            for r in targets
        ],
        tasks=[
            Task(r["task_id"], r["plan_year"], r["number"], r["category_id"], r["title_zh"])
            for r in tasks
        ],
        categories=[
            Category(r["category_id"], r["plan_year"], r["number"], r["name_zh"])
            for r in categories
        ],
    )


def load_figures(layout: Layout) -> Figures:
    """Read the validated datasets of a layout into Figures."""
    by_name = {d.name: d for d in load.discover(layout)}
    missing = [n for n in (INDICATORS, AREAS, TARGETS, TASKS, CATEGORIES) if n not in by_name]
    if missing:
        raise FigureError("缺少数据表：" + "、".join(f"datasets/{n}.csv" for n in missing))
    return from_records(*(load.read_records(by_name[n]) for n in (
        INDICATORS, AREAS, TARGETS, TASKS, CATEGORIES)))


# --------------------------------------------------------------------------- the project


@dataclass
class Project:
    """The whole project as validation left it, read once: what every later stage takes.

    The stages after validation (charts, downloads, pages, feeds, social cards) take this
    and hand their own output on; none reads a dataset, a descriptor or a page again."""

    layout: Layout
    package: dict[str, Any]  # datasets/package.yml
    site_url: str  # the site's public address ("" when unknown: links are relative)
    site_name: str
    source_title: str  # the title of the report the data comes from
    source_titles: dict[str, str]  # source_id -> title of datasets/sources.csv
    datasets: list[DatasetContent]  # every dataset: files, metadata, rows, records, dates
    figures: Figures  # indicators, areas, plan targets, tasks and categories
    pages: list[Page]  # the hand-written pages of docs/ (front matter read)
    editions: list[Edition]  # docs/YEAR/ folders, newest first
    chart_pages: dict[str, Page]  # chart id -> the page that shows it
    revisions: list[Revision]  # the revisions log
    findings: Findings  # what validation found (warnings; no errors)

    def dataset(self, name: str) -> DatasetContent:
        return next(d for d in self.datasets if d.name == name)

    @property
    def drafts(self) -> set[int]:
        """The years of the draft editions (`status: draft`)."""
        return {e.year for e in self.editions if e.draft}

    def deployed(self) -> Project:
        """The project as the published site shows it: without the draft editions' pages."""
        drafts = self.drafts
        return replace(
            self,
            pages=[p for p in self.pages if p.edition not in drafts],
            editions=[e for e in self.editions if not e.draft],
            chart_pages={ref: p for ref, p in self.chart_pages.items() if p.edition not in drafts},
        )

    def records(self) -> dict[str, list[dict[str, Any]]]:
        """Dataset name -> its typed records."""
        return {d.name: d.records for d in self.datasets}


def source_title(package: dict[str, Any]) -> str:
    """The title of the source report (datasets/package.yml sources[0].title); FigureError
    when it is missing."""
    sources = package.get("sources") or []
    if not isinstance(sources, list) or not sources or not isinstance(sources[0], dict) \
            or not sources[0].get("title"):
        raise FigureError("datasets/package.yml 缺少 sources[0].title（来源报告的标题）")
    return str(sources[0]["title"])


def build_project(layout: Layout, findings: Findings,
                  tables: dict[str, datasets_.Table] | None = None) -> Project:
    """The model of a validated project, from the tables validation read (`tables`, by
    dataset name; a table not among them is read from its file)."""
    package = load.package_meta(layout)
    contents = datasets_.read_all(layout, tables=tables)
    by_name = {d.name: d for d in contents}
    missing = [n for n in (INDICATORS, AREAS, TARGETS, TASKS, CATEGORIES) if n not in by_name]
    if missing:
        raise FigureError("缺少数据表：" + "、".join(f"datasets/{n}.csv" for n in missing))
    pages = docs.read_pages(layout.docs) if layout.docs.is_dir() else []
    return Project(
        layout=layout,
        package=package,
        site_url=siteconfig.site_url(layout),
        site_name=siteconfig.site_name(layout),
        source_title=source_title(package),
        source_titles={i: str(r.get("title") or "") for i, r in (
            contents[0].sources if contents else {}).items()},
        datasets=contents,
        figures=from_records(*(by_name[n].records for n in (
            INDICATORS, AREAS, TARGETS, TASKS, CATEGORIES))),
        pages=pages,
        editions=docs.editions(layout, pages),
        chart_pages=docs.chart_placement(pages),
        revisions=revision_log.read(layout),
        findings=findings,
    )
