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
      source: ...                      # optional; default: report title + rows' sections

A `target` chart (in plan-targets.meta.yml) shows one target against the
indicator it is measured by: `target: high-tech-total`.

Adding a chart needs no Python change; a new kind of chart is one builder
function in BUILDERS and its test.
"""

from __future__ import annotations

import json
import re
from dataclasses import dataclass, field
from typing import Any

from pyecharts import options as opts
from pyecharts.charts import Bar, Line

from . import limits as limits_
from . import load, numbers
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
    "description", "source", "target", "height",
}


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
    if "where" in spec and not isinstance(spec["where"], dict):
        raise ChartError(f"{label}：where 应为 字段: 值 的键值对")
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


def source_line(source_title: str, sections: list[str]) -> str:
    unique = list(dict.fromkeys(s for s in sections if s))
    return f"来源：{source_title}" + (f"（{'；'.join(unique)}）" if unique else "")


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
    for axis in option.get("yAxis" if horizontal else "xAxis", []):
        axis["axisLabel"] = {"interval": 0, "overflow": "break", "width": 96 if horizontal else 72}
        if horizontal:
            axis["inverse"] = True  # first category on top, as in the table
    # Patterns tell series apart without colour; one series needs none (and reads better).
    option["aria"]["decal"]["show"] = len(option.get("series", [])) > 1
    option["grid"] = {"left": 8, "right": 48 if horizontal else 16, "top": 40 if legend else 32,
                      "bottom": 8, "containLabel": True}
    return option


def _items(values: list[tuple[int | float | None, str, str]]) -> list[Any]:
    """Data items carrying the source's wording: the label on the mark and the tooltip text."""
    items: list[Any] = []
    for value, label, text in values:
        if value is None:
            items.append(None)
        else:
            items.append({"value": value, "text": text, "label": {"formatter": label}})
    return items


def build_xy(
    spec: dict[str, Any], rows: list[dict[str, Any]], source_title: str, dataset: str
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
    for n, name in enumerate(series_names):
        values = []
        for cat in categories:
            cell = cells.get((name, cat))
            values.append(
                (cell[y], label_text(cell, y), value_text(cell, y, unit)) if cell else (None, "", "")
            )
        label_opts = opts.LabelOpts(is_show=True, position="right" if spec.get("horizontal")
                                    else "top")
        if kind == "bar":
            chart.add_yaxis(name, _items(values), label_opts=label_opts)  # type: ignore[union-attr]
        else:
            chart.add_yaxis(  # type: ignore[call-arg]
                name, _items(values), label_opts=label_opts, symbol=symbols[n % len(symbols)],
                symbol_size=10, is_connect_nones=False,
            )
    option = _finish(chart, spec, unit, legend=len(series_names) > 1)

    columns = [_column_title(x)] + series_names
    table = [
        [cat] + [value_text(cells[(n, cat)], y, unit) if (n, cat) in cells else "—"
                 for n in series_names]
        for cat in categories
    ]
    spoken = "；".join(
        f"{cat}{'' if len(series_names) == 1 else name}{value_text(cells[(name, cat)], y, unit)}"
        for name in series_names for cat in categories if (name, cat) in cells
    )
    full = f"{KIND_WORDS[kind]}：{spec['title']}。" + (f"{description}。" if description else "")
    full = full.replace("。。", "。") + f"数据：{spoken}。"
    option["aria"]["label"]["description"] = full
    source = spec.get("source") or source_line(
        source_title, [str(r.get("source_section") or "") for r in selected]
    )
    years = sorted({r["year"] for r in selected if isinstance(r.get("year"), int)})
    return Chart(
        id=spec["id"], dataset=dataset, kind=kind, title=spec["title"], unit=unit, source=source,
        description=full, option=option, columns=columns, rows=table,
        height=_height(spec, len(categories), len(series_names)), years=years,
    )


def build_target(
    spec: dict[str, Any], data: figs.Figures, source_title: str, dataset: str
) -> Chart:
    """One target against its indicator: every year's value, then the level to reach."""
    try:
        target = data.target(str(spec["target"]))
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
    series = data.series(target.indicator_id)
    unit = series[-1].unit
    actual_name, target_name = "实际", "目标"
    categories = [f"{f.year}年" for f in series] + [f"{target.plan_year}年计划目标"]
    actual_values = [(f.value, label_text(_row(f), "value"), f.text) for f in series]
    target_text = figs.format_value(threshold, None, target.qualifier, unit)
    goal_values: list[tuple[int | float | None, str, str]] = [(None, "", "")] * len(series)
    goal_values.append((threshold, label_text({"value": threshold,
                                               "qualifier": target.qualifier}, "value"),
                        target_text))
    chart = Bar(init_opts=_init(spec, ""))
    chart.add_xaxis(categories)
    label_opts = opts.LabelOpts(is_show=True, position="top")
    chart.add_yaxis(actual_name, _items(actual_values + [(None, "", "")]), label_opts=label_opts,
                    stack="one")
    chart.add_yaxis(target_name, _items(goal_values), label_opts=label_opts, stack="one")
    option = _finish(chart, spec, unit, legend=True)
    rows = [[f"{f.year}年", f.text, "—"] for f in series]
    rows.append([f"{target.plan_year}年计划目标", "—", target_text])
    note = ""
    if target.kind == "increase" and status.baseline is not None:
        note = f"（{status.baseline.year}年的{status.baseline.text}再{target.goal}）"
    description = (
        f"{KIND_WORDS['target']}：{spec['title']}。"
        + (f"{spec['description']}。" if spec.get("description") else "")
        + "数据：" + "；".join(f"{f.year}年{f.text}" for f in series)
        + f"；计划目标{target_text}{note}。完成情况：{status.label}。"
    ).replace("。。", "。")
    option["aria"]["label"]["description"] = description
    sections = [f.source_section for f in series] + [target.source_section]
    return Chart(
        id=spec["id"], dataset=dataset, kind="target", title=spec["title"], unit=unit,
        source=spec.get("source") or source_line(source_title, sections),
        description=description, option=option, columns=["年份", actual_name, target_name],
        rows=rows, height=_height(spec, len(categories), 2), years=[f.year for f in series],
    )


def _row(fig: figs.Figure) -> dict[str, Any]:
    return {"value": fig.value, "value_max": fig.value_max, "qualifier": fig.qualifier}


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


def build_all(layout: Layout, data: figs.Figures, source_title: str,
              records: dict[str, list[dict[str, Any]]] | None = None) -> dict[str, Chart]:
    """Every chart of every dataset, by id (stable order: dataset name, then declared order).

    `records` holds the typed records of the datasets by name (the model's); a dataset not
    among them is read from its file."""
    built: dict[str, Chart] = {}
    records = dict(records or {})
    _LIMITS.update(limits_.of(load.package_meta(layout)))
    for dataset, spec in specs(layout):
        try:
            if spec["type"] == "target":
                chart = build_target(spec, data, source_title, dataset.name)
            else:
                if dataset.name not in records:
                    records[dataset.name] = load.read_records(dataset)
                chart = build_xy(spec, records[dataset.name], source_title, dataset.name)
        except (ChartError, figs.FigureError) as exc:
            raise ChartError(f"{layout.relative(dataset.meta_path)}：{exc}") from exc
        built[chart.id] = chart
    return built
