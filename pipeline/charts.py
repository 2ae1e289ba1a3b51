"""Chart specs declared beside their data -> ECharts option JSON.

What belongs here: reading the `charts:` list of each datasets/NAME.meta.yml,
checking every spec, selecting its rows, and building the ECharts option with
pyecharts (stable ids, aria on, no JsCode), plus everything a page needs to
show the chart accessibly: headline title, unit, source line, a text
description and the table of its numbers. What does not: HTML or Markdown
(pages.py) and the browser side (web/charts.js).

A spec (YAML, one item of `charts:`):

    - id: high-tech-enterprises        # stable, lower-case words joined by "-"
      type: bar                        # bar | line | target
      title: 高新技术企业数量            # headline shown above the chart
      unit: 家                          # shown with the chart and on the axis
      where: {indicator_id: [high-tech-enterprises]}   # which rows (field: value or list)
      x: year                          # category field
      y: value                         # number field
      series: name_zh                  # optional: one series per value of this field
      horizontal: false                # optional: categories down the side (long names)
      description: 一句话说明图表要点     # optional; the numbers are added from the data
      source: ...                      # optional; default: each row's document
                                       # (source_id -> datasets/sources.csv) + sections
      years: all                       # what it shows relative to its edition: `edition`
                                       # (the edition's year), `last-3` (the last 3 years up
                                       # to the edition's), `all` (every year up to it; default)
      id_year: 2020                    # optional: the edition whose chart keeps the bare id

A spec names no year. It makes one chart per edition (docs/YEAR/) whose years hold data:
the chart of edition YEAR has the id `ID-YEAR`, except the edition named by `id_year`, whose
chart keeps `ID` (the first edition's ids and URLs never change). On a page under docs/YEAR/
`[[chart:ID]]` shows edition YEAR's chart; `[[chart:ID@2020]]` another edition's.

A derived value (derived: true) is never shown as the source's wording: its label,
table cell and tooltip say 推算, the source line gives its method, and the data item
carries the method for the chart downloads.

A `target` chart (in plan-targets.meta.yml) shows one target of the plan issued with the
edition (plan_year = the edition's year) against the indicator it is measured by:
`target: high-tech-total`. An edition whose plan is not in the data yet has no such chart;
its page says the plan has not been published.

Adding a chart needs no Python change; a new kind of chart is one builder
function in BUILDERS and its test.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from itertools import zip_longest
from typing import Any

from pyecharts import options as opts
from pyecharts.charts import Bar, Line

from . import docs, load, numbers
from . import limits as limits_
from . import model as figs
from .paths import Layout

YEAR_FIELDS = ("year", "plan_year", "baseline_year")
ID_PATTERN = re.compile(r"^[a-z0-9]+(-[a-z0-9]+)*$")
KINDS = ("bar", "line", "target")
MIN_HEIGHT = 120
KIND_WORDS = {"bar": "柱状图", "line": "折线图", "target": "柱状图"}
REQUIRED = {
    "bar": ("id", "type", "title", "unit", "where", "x", "y"),
    "line": ("id", "type", "title", "unit", "where", "x", "y"),
    "target": ("id", "type", "title", "target"),
}
ALLOWED = {
    "id", "type", "title", "unit", "where", "x", "y", "series", "horizontal",
    "description", "source", "target", "height", "years", "id_year",
}
YEARS_PATTERN = re.compile(r"^(edition|all|last-([1-9][0-9]?))$")


class ChartError(Exception):
    """A chart spec that cannot be built, with the file and chart it concerns."""


@dataclass
class Chart:
    """A built chart: everything a page needs to show it."""

    id: str
    dataset: str
    kind: str
    title: str
    unit: str
    source: str
    description: str
    option: dict[str, Any]
    columns: list[str]
    rows: list[list[str]]
    height: int
    years: list[int] = field(default_factory=list)
    base_id: str = ""  # the spec's id (the same for every edition)
    edition: int | None = None  # the edition (docs/YEAR/) the chart is made for
    # per table cell after the row header: the indicator record it shows ("ID/YEAR", the
    # revisions log's key), "" where none (pages mark a revised one)
    keys: list[list[str]] = field(default_factory=list)

    @property
    def ref(self) -> str:
        """`ID@YEAR`: the spec and the edition, as a page names it."""
        return f"{self.base_id or self.id}@{self.edition}" if self.edition else self.id

    @property
    def dom_id(self) -> str:
        return f"chart-{self.id}"

    def option_json(self) -> str:
        return embed_json(self.option)


def embed_json(data: Any) -> str:
    """JSON safe inside <script type="application/json">: no "<", ">" or "&" as such.

    `</script>` or `<!--` in a data cell cannot end or disturb the script
    element: "<" becomes \\u003c (still the same JSON string once parsed).
    """
    text = json.dumps(data, ensure_ascii=False, sort_keys=True, separators=(",", ":"))
    return (
        text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")
        .replace("\u2028", "\\u2028").replace("\u2029", "\\u2029")
    )


def chart_id_for_pyecharts(chart_id: str) -> str:
    """pyecharts' own template breaks on hyphens; a stable id without them."""
    return "chart_" + chart_id.replace("-", "_")


# -- specs -----------------------------------------------------------------

def specs(layout: Layout) -> list[tuple[load.Dataset, dict[str, Any]]]:
    """Every chart spec of every dataset, checked for shape; ids must be unique."""
    found: list[tuple[load.Dataset, dict[str, Any]]] = []
    seen: dict[str, str] = {}
    max_height = limits_.of(load.package_meta(layout))["max_chart_height"]
    for dataset in load.discover(layout):
        where = layout.relative(dataset.meta_path)
        declared = dataset.meta().get("charts") or []
        if not isinstance(declared, list):
            raise ChartError(f"{where}：charts 应为列表")
        for index, spec in enumerate(declared, start=1):
            label = f"{where} 第{index}个图表"
            if not isinstance(spec, dict):
                raise ChartError(f"{label}：应为键值对")
            check_spec(spec, label, max_height)
            if spec["id"] in seen:
                raise ChartError(f"{label}：图表代码 {spec['id']!r} 与 {seen[spec['id']]} 重复")
            seen[spec["id"]] = label
            found.append((dataset, spec))
    return found


def check_spec(spec: dict[str, Any], label: str, max_height: int = limits_.DEFAULTS["max_chart_height"]
               ) -> None:
    kind = spec.get("type")
    if kind not in KINDS:
        raise ChartError(f"{label}：未知的图表类型 {kind!r}（可用：{'、'.join(KINDS)}）")
    missing = [k for k in REQUIRED[kind] if spec.get(k) in (None, "")]
    if missing:
        raise ChartError(f"{label}：缺少 {'、'.join(missing)}")
    unknown = sorted(set(spec) - ALLOWED)
    if unknown:
        raise ChartError(f"{label}：不认识的键 {'、'.join(unknown)}")
    if not ID_PATTERN.match(str(spec["id"])):
        raise ChartError(f"{label}：图表代码 {spec['id']!r} 只能用小写字母、数字和连字符")
    if str(spec["id"]).startswith(SERIES_PREFIX):
        raise ChartError(f"{label}：图表代码不能以 {SERIES_PREFIX} 开头（指标页的图表用这个前缀）"
                         f" / chart ids may not start with {SERIES_PREFIX} (the indicator pages' charts)")
    if "where" in spec and not isinstance(spec["where"], dict):
        raise ChartError(f"{label}：where 应为 字段: 值 的键值对")
    pinned = sorted(set(spec.get("where") or {}) & set(YEAR_FIELDS))
    if pinned:
        raise ChartError(f"{label}：where 中不能写年份（{'、'.join(pinned)}）：图表跟随它所在的一期报告，"
                         "用 years: edition（本期年份）、years: last-3（最近 3 年）或 years: all（全部年份）"
                         f" / a chart follows its edition: use years: edition | last-N | all instead of "
                         f"{', '.join(pinned)} in where")
    years = spec.get("years", "all")
    if not isinstance(years, str) or not YEARS_PATTERN.match(years):
        raise ChartError(f"{label}：years 应为 edition、all 或 last-N（如 last-3），现在是 {years!r}"
                         " / years must be edition, all or last-N")
    id_year = spec.get("id_year")
    if id_year is not None and (isinstance(id_year, bool) or not isinstance(id_year, int)):
        raise ChartError(f"{label}：id_year 应为四位年份，现在是 {id_year!r} / id_year must be a year")
    height = spec.get("height")
    if height is not None and (isinstance(height, bool) or not isinstance(height, int)
                               or not MIN_HEIGHT <= height <= max_height):
        raise ChartError(f"{label}：height 应为 {MIN_HEIGHT} 到 {max_height} 之间的整数（像素），"
                         f"现在是 {height!r} / height must be a whole number of pixels from "
                         f"{MIN_HEIGHT} to {max_height} (limits.max_chart_height in datasets/package.yml)")


def select(rows: list[dict[str, Any]], where: dict[str, Any]) -> list[dict[str, Any]]:
    """Rows whose fields match every condition (a value, or a list of allowed values)."""
    def ok(row: dict[str, Any]) -> bool:
        for key, wanted in where.items():
            allowed = wanted if isinstance(wanted, list) else [wanted]
            if row.get(key) not in allowed:
                return False
        return True
    return [r for r in rows if ok(r)]


def _order(rows: list[dict[str, Any]], where: dict[str, Any]) -> list[dict[str, Any]]:
    """Keep the order the spec lists ids in (for a `field: [a, b, c]` condition)."""
    for key, wanted in where.items():
        if isinstance(wanted, list) and len(wanted) > 1:
            rank = {v: i for i, v in enumerate(wanted)}
            return sorted(rows, key=lambda r: rank.get(r.get(key), len(rank)))
    return rows


def value_text(row: dict[str, Any], y: str, unit: str) -> str:
    """A row's number as the source writes it, with the row's own unit when it has one."""
    return figs.format_value(
        row[y], row.get("value_max"), row.get("qualifier"), row.get("unit") or unit
    )


def label_text(row: dict[str, Any], y: str) -> str:
    """The number on the bar: like value_text but without the unit ("30多", "3-5")."""
    text = numbers.text(row[y])
    if row.get("value_max") is not None:
        text += "-" + numbers.text(row["value_max"])
    if row.get("qualifier") == figs.MORE:
        text += figs.MORE
    elif row.get("qualifier") == figs.AT_LEAST:
        text += figs.AT_LEAST
    elif row.get("qualifier") == figs.NOT_LESS:
        text = figs.NOT_LESS + text
    return text


def _category(row: dict[str, Any], x: str) -> str:
    value = row.get(x)
    return f"{value}年" if x in YEAR_FIELDS else str(value)


DERIVED = "推算"


def source_line(
    source_title: str, sections: list[str], source_ids: list[str] | None = None,
    titles: Mapping[str, str] | None = None,
) -> str:
    """来源：TITLE（sections）, one title per document the rows name (`source_ids`, parallel
    to `sections`, looked up in `titles`); `source_title` for rows without a known one."""
    groups: dict[str, list[str]] = {}
    for source_id, section in zip_longest(source_ids or [], sections):
        title = (titles or {}).get(source_id or "") or source_title
        found = groups.setdefault(title, [])
        if section and section not in found:
            found.append(section)
    if not groups:
        groups[source_title] = []
    return "来源：" + "；".join(
        title + (f"（{'；'.join(secs)}）" if secs else "") for title, secs in groups.items())


def derived_note(derivations: list[tuple[str, str]]) -> str:
    """"。推算值：2019年：METHOD" for the derived marks of a chart (what, how), else ""."""
    unique = list(dict.fromkeys(f"{what}：{how}" if how else what for what, how in derivations))
    return f"。{DERIVED}值：{'；'.join(unique)}" if unique else ""


def _extra(row: dict[str, Any], unit: str) -> dict[str, Any]:
    """What a data item carries for the downloads besides value and wording."""
    year = row.get("year", row.get("plan_year"))
    return {
        "year": year if isinstance(year, int) and not isinstance(year, bool) else None,
        "value_max": row.get("value_max"),
        "qualifier": row.get("qualifier") or "",
        "unit": row.get("unit") or unit,
        "derivation": (row.get("derivation") or DERIVED) if row.get("derived") else "",
    }


# -- building ----------------------------------------------------------------

def _init(spec: dict[str, Any], description: str) -> opts.InitOpts:
    return opts.InitOpts(
        chart_id=chart_id_for_pyecharts(spec["id"]),
        animation_opts=opts.AnimationOpts(animation=False),
        aria_opts=opts.AriaOpts(
            is_enable=True,
            aria_label_opts=opts.AriaLabelOpts(is_enable=True, description=description),
            aria_decal_opts=opts.AriaDecalOpts(is_show=True),
        ),
    )


def _finish(chart: Bar | Line, spec: dict[str, Any], unit: str, legend: bool) -> dict[str, Any]:
    horizontal = bool(spec.get("horizontal"))
    category_axis = opts.AxisOpts(
        type_="category", splitline_opts=opts.SplitLineOpts(is_show=False)
    )
    value_axis = opts.AxisOpts(type_="value", name=unit, name_location="end")
    chart.set_global_opts(
        title_opts=opts.TitleOpts(title=spec["title"], subtitle=f"单位：{unit}", is_show=False),
        legend_opts=opts.LegendOpts(is_show=legend, pos_top="0"),
        tooltip_opts=opts.TooltipOpts(trigger="axis"),
        xaxis_opts=value_axis if horizontal else category_axis,
        yaxis_opts=category_axis if horizontal else value_axis,
    )
    if horizontal:
        chart.reversal_axis()
    option = json.loads(chart.dump_options_with_quotes())
    option.pop("backgroundColor", None)
    for series in option.get("series", []):
        if series.get("type") == "line":  # pyecharts pairs each line item with its category
            series["data"] = [d[1] if isinstance(d, list) and len(d) == 2
                              and (d[1] is None or isinstance(d[1], dict)) else d
                              for d in series.get("data") or []]
    for axis in option.get("yAxis" if horizontal else "xAxis", []):
        axis["axisLabel"] = {"interval": 0, "overflow": "break", "width": 96 if horizontal else 72}
        if horizontal:
            axis["inverse"] = True  # first category on top, as in the table
    # Patterns tell series apart without colour; one series needs none (and reads better).
    option["aria"]["decal"]["show"] = len(option.get("series", [])) > 1
    option["grid"] = {"left": 8, "right": 48 if horizontal else 16, "top": 40 if legend else 32,
                      "bottom": 8, "containLabel": True}
    return option


def _items(values: list[tuple[int | float | None, str, str]],
           extras: list[dict[str, Any] | None] | None = None) -> list[Any]:
    """Data items carrying the source's wording: the label on the mark and the tooltip text,
    plus (`extras`) year, upper end, qualifier, unit and derivation for the downloads."""
    items: list[Any] = []
    for (value, label, text), extra in zip_longest(values, extras or []):
        if value is None:
            items.append(None)
        else:
            items.append({"value": value, "text": text, "label": {"formatter": label},
                          **(extra or {})})
    return items


def _marked(text: str, row: dict[str, Any] | None) -> str:
    """A value's words, with （推算） when the value is derived."""
    return f"{text}（{DERIVED}）" if row and row.get("derived") else text


def build_xy(
    spec: dict[str, Any], rows: list[dict[str, Any]], source_title: str, dataset: str,
    titles: Mapping[str, str] | None = None,
) -> Chart:
    """bar and line: x categories, y numbers, optionally one series per `series` value."""
    x, y, unit = spec["x"], spec["y"], str(spec["unit"])
    selected = _order(select(rows, spec["where"]), spec["where"])
    label = f"图表 {spec['id']}"
    if not selected:
        raise ChartError(f"{label}：where 条件没有选中任何数据行 {spec['where']}")
    for row in selected:
        for key in (x, y) + ((spec["series"],) if spec.get("series") else ()):
            if key not in row:
                raise ChartError(f"{label}：数据中没有字段 {key!r}")
        if not isinstance(row[y], (int, float)) or isinstance(row[y], bool):
            raise ChartError(f"{label}：字段 {y!r} 不是数字（{row[y]!r}）")
    if x in YEAR_FIELDS:  # years always run left to right, oldest first
        selected = sorted(selected, key=lambda r: r[x])
    categories = list(dict.fromkeys(_category(r, x) for r in selected))
    series_names = (
        list(dict.fromkeys(str(r[spec["series"]]) for r in selected))
        if spec.get("series") else [spec["title"]]
    )
    cells: dict[tuple[str, str], dict[str, Any]] = {}
    for row in selected:
        name = str(row[spec["series"]]) if spec.get("series") else spec["title"]
        key = (name, _category(row, x))
        if key in cells:
            raise ChartError(f"{label}：{key[1]} 在系列 {name} 中出现两次，请收窄 where 条件")
        cells[key] = row

    kind = spec["type"]
    description = spec.get("description") or ""
    chart: Bar | Line = (Bar if kind == "bar" else Line)(init_opts=_init(spec, ""))
    chart.add_xaxis(categories)
    symbols = ["circle", "rect", "triangle", "diamond", "pin", "arrow"]
    derivations: list[tuple[str, str]] = []
    for n, name in enumerate(series_names):
        values = []
        extras: list[dict[str, Any] | None] = []
        for cat in categories:
            cell = cells.get((name, cat))
            values.append(
                (cell[y], _marked(label_text(cell, y), cell), _marked(value_text(cell, y, unit), cell))
                if cell else (None, "", "")
            )
            extras.append(_extra(cell, unit) if cell else None)
            if cell and cell.get("derived"):
                derivations.append((cat + ("" if len(series_names) == 1 else name),
                                    str(cell.get("derivation") or "")))
        label_opts = opts.LabelOpts(is_show=True, position="right" if spec.get("horizontal")
                                    else "top")
        if kind == "bar":
            chart.add_yaxis(name, _items(values, extras), label_opts=label_opts)  # type: ignore[union-attr]
        else:
            chart.add_yaxis(  # type: ignore[call-arg]
                name, _items(values, extras), label_opts=label_opts, symbol=symbols[n % len(symbols)],
                symbol_size=10, is_connect_nones=False,
            )
    option = _finish(chart, spec, unit, legend=len(series_names) > 1)

    columns = [_column_title(x)] + series_names
    table = [
        [cat] + [_marked(value_text(cells[(n, cat)], y, unit), cells[(n, cat)])
                 if (n, cat) in cells else "—" for n in series_names]
        for cat in categories
    ]
    keys = [[_record_key(cells[(n, cat)]) if (n, cat) in cells else "" for n in series_names]
            for cat in categories]
    spoken = "；".join(
        f"{cat}{'' if len(series_names) == 1 else name}"
        f"{_marked(value_text(cells[(name, cat)], y, unit), cells[(name, cat)])}"
        for name in series_names for cat in categories if (name, cat) in cells
    )
    full = f"{KIND_WORDS[kind]}：{spec['title']}。" + (f"{description}。" if description else "")
    full = full.replace("。。", "。") + f"数据：{spoken}。"
    note = derived_note(derivations)
    if note:
        full += note[1:] + "。"
    option["aria"]["label"]["description"] = full
    source = (spec.get("source") or source_line(
        source_title, [str(r.get("source_section") or "") for r in selected],
        [str(r.get("source_id") or "") for r in selected], titles,
    )) + note
    years = sorted({r["year"] for r in selected if isinstance(r.get("year"), int)})
    return Chart(
        id=spec["id"], dataset=dataset, kind=kind, title=spec["title"], unit=unit, source=source,
        description=full, option=option, columns=columns, rows=table,
        height=_height(spec, len(categories), len(series_names)), years=years, keys=keys,
    )


def _record_key(row: dict[str, Any]) -> str:
    """An indicator row's key as the revisions log writes it (indicator_id/year), else ""."""
    if row.get("indicator_id") and row.get("year") is not None:
        return f"{row['indicator_id']}/{row['year']}"
    return ""


def build_target(
    spec: dict[str, Any], data: figs.Figures, source_title: str, dataset: str,
    titles: Mapping[str, str] | None = None, plan_year: int | None = None,
) -> Chart:
    """One target of the plan of `plan_year` (default: the first plan naming it) against its
    indicator: every year's value up to the year the target is for, then the level to reach."""
    try:
        target = data.target(str(spec["target"]), plan_year)
    except figs.FigureError as exc:
        raise ChartError(f"图表 {spec['id']}：{exc}") from exc
    if not target.indicator_id or not data.has_indicator(target.indicator_id):
        raise ChartError(f"图表 {spec['id']}：目标 {target.target_id} 没有对应的统计指标，无法作图")
    threshold = data.threshold(target)
    if threshold is None:
        raise ChartError(
            f"图表 {spec['id']}：目标类型 {target.kind} 不能画成水平对比"
            "（只支持 level、count、increase）"
        )
    status = data.target_status(target)
    last = max(target.plan_year, target.year_for)
    series = [f for f in data.series(target.indicator_id) if f.year <= last]
    if not series:
        raise ChartError(f"图表 {spec['id']}：指标 {target.indicator_id} 在 {last} 年及以前没有数据")
    unit = series[-1].unit
    actual_name, target_name = "实际", "目标"
    categories = [f"{f.year}年" for f in series] + [f"{target.plan_year}年计划目标"]
    actual_rows = [_fig_row(f) for f in series]
    actual_values = [(f.value, _marked(label_text(r, "value"), r), _marked(f.text, r))
                     for f, r in zip(series, actual_rows, strict=True)]
    target_text = figs.format_value(threshold, None, target.qualifier, unit)
    # An increase target names no level: the level drawn is baseline + increase, worked out here.
    goal_row: dict[str, Any] = {"value": threshold, "qualifier": target.qualifier, "unit": unit,
                                "plan_year": target.plan_year, "derived": False}
    note = ""
    if target.kind == "increase" and status.baseline is not None:
        note = f"{status.baseline.year}年的{status.baseline.text}加上计划{target.goal}"
        goal_row.update(derived=True, derivation=note + (f"（{target.note}）" if target.note else ""))
    goal_values: list[tuple[int | float | None, str, str]] = [(None, "", "")] * len(series)
    goal_values.append((threshold, _marked(label_text(goal_row, "value"), goal_row),
                        _marked(target_text, goal_row)))
    chart = Bar(init_opts=_init(spec, ""))
    chart.add_xaxis(categories)
    label_opts = opts.LabelOpts(is_show=True, position="top")
    chart.add_yaxis(actual_name, _items(actual_values + [(None, "", "")],
                                        [_extra(r, unit) for r in actual_rows]),
                    label_opts=label_opts, stack="one")
    chart.add_yaxis(target_name, _items(goal_values, [None] * len(series) + [_extra(goal_row, unit)]),
                    label_opts=label_opts, stack="one")
    option = _finish(chart, spec, unit, legend=True)
    rows = [[f"{f.year}年", _marked(f.text, r), "—"] for f, r in zip(series, actual_rows, strict=True)]
    rows.append([f"{target.plan_year}年计划目标", "—", _marked(target_text, goal_row)])
    derivations = [(f"{f.year}年", f.derivation) for f, r in zip(series, actual_rows, strict=True)
                   if r["derived"]]
    if goal_row["derived"]:
        derivations.append((f"{target.plan_year}年计划目标{target_text}", str(goal_row["derivation"])))
    derived = derived_note(derivations)
    description = (
        f"{KIND_WORDS['target']}：{spec['title']}。"
        + (f"{spec['description']}。" if spec.get("description") else "")
        + "数据：" + "；".join(f"{f.year}年{_marked(f.text, r)}"
                              for f, r in zip(series, actual_rows, strict=True))
        + f"；计划目标{_marked(target_text, goal_row)}。完成情况：{status.label}"
        + derived + "。"
    ).replace("。。", "。")
    option["aria"]["label"]["description"] = description
    sections = [f.source_section for f in series] + [target.source_section]
    ids = [f.source_id for f in series] + [target.source_id]
    return Chart(
        id=spec["id"], dataset=dataset, kind="target", title=spec["title"], unit=unit,
        source=(spec.get("source") or source_line(source_title, sections, ids, titles)) + derived,
        description=description, option=option, columns=["年份", actual_name, target_name],
        rows=rows, height=_height(spec, len(categories), 2), years=[f.year for f in series],
    )


def _row(fig: figs.Figure) -> dict[str, Any]:
    return {"value": fig.value, "value_max": fig.value_max, "qualifier": fig.qualifier}


def _fig_row(fig: figs.Figure) -> dict[str, Any]:
    return {**_row(fig), "year": fig.year, "unit": fig.unit, "derived": fig.derived,
            "derivation": fig.derivation}


COLUMN_TITLES = {"year": "年份", "name_zh": "指标", "plan_year": "计划年份"}


def _column_title(x: str) -> str:
    return COLUMN_TITLES.get(x, x)


# The project's chart limits (datasets/package.yml `limits:`), set by build_all for its run.
_LIMITS: dict[str, int] = dict(limits_.DEFAULTS)


def _height(spec: dict[str, Any], categories: int, series: int) -> int:
    most = _LIMITS["max_chart_items"]
    if categories * max(1, series) > most:
        raise ChartError(f"图表 {spec.get('id')}：{categories} 个类别 × {max(1, series)} 个系列，"
                         f"超过上限 {most}（datasets/package.yml 的 limits.max_chart_items）；"
                         "请用 where 缩小范围")
    if spec.get("height"):
        return int(spec["height"])
    if spec.get("horizontal"):
        return 56 + categories * max(1, series) * 40
    return 320


def chart_id(spec: dict[str, Any], year: int) -> str:
    """The id of a spec's chart for an edition: ID for the edition named by id_year, else
    ID-YEAR (stable once published: neither depends on which editions exist)."""
    return str(spec["id"]) if spec.get("id_year") == year else f"{spec['id']}-{year}"


def in_scope(spec: dict[str, Any], year: int, row_year: Any) -> bool:
    """Whether a row of `row_year` belongs in the spec's chart for edition `year`."""
    if not isinstance(row_year, int) or isinstance(row_year, bool):
        return True  # a table without years: every row
    scope = str(spec.get("years", "all"))
    if scope == "edition":
        return row_year == year
    if scope.startswith("last-"):
        return year - int(scope[5:]) < row_year <= year
    return row_year <= year


def _row_year(row: dict[str, Any]) -> Any:
    return next((row[f] for f in YEAR_FIELDS if f in row), None)


class Charts(dict[str, Chart]):
    """The built charts by id, and every spec by its id (to tell a page which chart it names,
    or why an edition has none)."""

    def __init__(self) -> None:
        super().__init__()
        self.specs: dict[str, dict[str, Any]] = {}

    def resolve(self, base_id: str, year: int) -> str:
        """The id of the chart a page of edition `year` means by `base_id`."""
        spec = self.specs.get(base_id)
        return chart_id(spec, year) if spec is not None else base_id

    def placed(self, placement: Mapping[str, Any], latest: int | None) -> dict[str, Any]:
        """Chart id -> its page, from the pages' `ID@YEAR` (docs.chart_placement); `ID`
        alone (a page outside the editions) means the latest edition's chart."""
        found: dict[str, Any] = {}
        for ref, page in placement.items():
            name, _, year = ref.partition("@")
            edition = int(year) if year.isdigit() else latest
            cid = self.resolve(name, edition) if edition is not None else name
            if cid in self:
                found.setdefault(cid, page)
        return found


SERIES_PREFIX = "indicator-"  # the chart on an indicator's page: indicator-ID (no spec may use it)
SERIES_HEIGHT, SINGLE_HEIGHT = 320, 200


def series_chart(rows: list[dict[str, Any]], indicator_id: str, source_title: str,
                 titles: Mapping[str, str] | None = None, dataset: str = figs.INDICATORS) -> Chart:
    """The chart of one indicator's whole series (its page): a line across the years, oldest
    first, when it has more than one year (a time series), else one bar. `rows` are the
    indicators dataset's records; built like any declared chart (wording, 推算, sources)."""
    selected = sorted((r for r in rows if r.get("indicator_id") == indicator_id),
                      key=lambda r: r["year"])
    if not selected:
        raise ChartError(f"数据中没有指标 {indicator_id!r}")
    many = len({r["year"] for r in selected}) > 1
    units = list(dict.fromkeys(str(r.get("unit") or "") for r in selected))
    spec: dict[str, Any] = {"id": SERIES_PREFIX + indicator_id, "type": "line" if many else "bar",
            "title": str(selected[-1]["name_zh"]), "unit": "、".join(u for u in units if u) or "—",
            "where": {"indicator_id": indicator_id}, "x": "year", "y": "value",
            "height": SERIES_HEIGHT if many else SINGLE_HEIGHT}
    chart = build_xy(spec, selected, source_title, dataset, titles)
    if not many:  # one year: one bar, not as wide as the column
        for series in chart.option.get("series", []):
            series["barMaxWidth"] = 64
    chart.base_id = str(spec["id"])
    return chart


def build_all(layout: Layout, data: figs.Figures, source_title: str,
              records: dict[str, list[dict[str, Any]]] | None = None,
              titles: dict[str, str] | None = None,
              editions: list[int] | None = None) -> Charts:
    """Every chart of every dataset for every edition, by id (stable order: dataset name,
    declared order, then edition, oldest first).

    `records` holds the typed records of the datasets by name (the model's); a dataset not
    among them is read from its file. `titles`: source_id -> document title (the model's;
    read from datasets/sources.csv when not given). `editions`: the years to make charts for
    (the build's editions; default: the published editions of docs/). An edition whose years hold no
    row of a chart (or whose plan lacks the target) has no chart of it."""
    from .editions import source_titles

    built = Charts()
    records = dict(records or {})
    _LIMITS.update(limits_.of(load.package_meta(layout)))
    titles = source_titles(layout) if titles is None else titles
    years = sorted(editions) if editions is not None else docs.edition_years(layout)
    for dataset, spec in specs(layout):
        built.specs[str(spec["id"])] = spec
        if spec["type"] != "target" and years:
            if dataset.name not in records:
                records[dataset.name] = load.read_records(dataset)
            if not select(records[dataset.name], spec["where"]):  # in no edition at all
                raise ChartError(f"{layout.relative(dataset.meta_path)}：图表 {spec['id']}："
                                 f"where 条件没有选中任何数据行 {spec['where']}")
        for year in years:
            own = {**spec, "id": chart_id(spec, year)}
            try:
                if spec["type"] == "target":
                    if data.find_target(str(spec["target"]), year) is None:
                        continue  # the plan of that edition has no such target (yet)
                    chart = build_target(own, data, source_title, dataset.name, titles, year)
                else:
                    if dataset.name not in records:
                        records[dataset.name] = load.read_records(dataset)
                    rows = [r for r in records[dataset.name] if in_scope(spec, year, _row_year(r))]
                    if not select(rows, spec["where"]):
                        continue
                    chart = build_xy(own, rows, source_title, dataset.name, titles)
            except (ChartError, figs.FigureError) as exc:
                raise ChartError(f"{layout.relative(dataset.meta_path)}：{exc}") from exc
            chart.base_id, chart.edition = str(spec["id"]), year
            built[chart.id] = chart
    return built
