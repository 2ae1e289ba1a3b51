"""Each indicator across years: its page, the index of them all, and its series downloads.

What belongs here: what the indicator pages say (/indicators/ID/: the whole series as a
chart and a table, unit, qualifiers as the source words them, 统计口径 or a plain word that
the source gives none, notes, 推算 with its method, the source of each year, revisions,
downloads and how to cite it), the index /indicators/ by area of work in Chinese with
English names, and the about rows and metadata of each series download. What does not:
the series themselves (model.py: `Series`), the chart's option (charts.series_chart), the
download files' bytes (formats.series_files), URLs (urls.py), markup (templates/
indicator.md, indicators.md).

On the deployed site a draft edition's years are not shown (`hidden` years are left out
before anything here runs): the pages, the index, search and sitemap never name them.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from . import citations, markup, revision_log, urls
from . import model as figs
from .charts import Chart
from .downloads import Published
from .revision_log import Revision

UNSTATED = "原报告没有给出这个指标的统计口径（定义、范围和计算方法），本站不作补充；引用时请注意这一点。"
QUALIFIER_WORDS = {
    figs.MORE: "原文写作“{text}”：实际数值多于{value}，确切数字原文没有给出；图表按{value}作图。",
    figs.AT_LEAST: "原文写作“{text}”：至少{value}，确切数字原文没有给出；图表按{value}作图。",
    figs.NOT_LESS: "原文写作“{text}”：不少于{value}，确切数字原文没有给出；图表按{value}作图。",
}


@dataclass
class Context:
    """What the indicator pages and downloads are made from (the model's parts)."""

    series: list[figs.Series]
    package: dict[str, Any]
    site_url: str
    site_name: str
    titles: dict[str, str]  # source_id -> document title
    revisions: list[Revision] = field(default_factory=list)
    updated: datetime | None = None  # the indicators dataset's last update

    @property
    def revised(self) -> dict[str, Revision]:
        """"ID/YEAR" -> the newest revision of that indicator record."""
        return {key: r for (dataset, key), r in revision_log.revised(self.revisions).items()
                if dataset == figs.INDICATORS}

    def page_url(self, indicator_id: str = "") -> str:
        """The public address of an indicator's page (of the index with "")."""
        return urls.absolute(self.site_url, urls.page_path(urls.indicator_page(indicator_id)))


def context(project: figs.Project, hidden: set[int] | None = None) -> Context:
    """The context of a build from its model; `hidden`: years not shown (draft editions on
    the deployed site)."""
    figures = project.figures.without_years(hidden or set())
    indicators = project.dataset(figs.INDICATORS)
    return Context(
        series=figs.all_series(figures, figs.definitions(indicators.meta, project.figures)),
        package=project.package, site_url=project.site_url, site_name=project.site_name,
        titles=project.source_titles, revisions=project.revisions, updated=indicators.updated)


def _years(series: figs.Series) -> str:
    years = series.years
    return f"{years[0]}年" if len(years) == 1 else f"{years[0]}—{years[-1]}年（{len(years)}个年份）"


def _qualifiers(series: figs.Series) -> list[str]:
    """How each qualified or ranged value is worded in the source, one line per wording."""
    lines = []
    for fig in series.figures:
        if fig.value_max is not None:
            lines.append(f"{fig.year}年原文写作“{fig.text}”，是一个范围；图表按下限"
                         f"{figs.numbers.text(fig.value)}作图。")
        elif fig.qualifier in QUALIFIER_WORDS:
            lines.append(f"{fig.year}年" + QUALIFIER_WORDS[fig.qualifier].format(
                text=fig.text, value=figs.numbers.text(fig.value)))
    return list(dict.fromkeys(lines))


def about_rows(ctx: Context, series: figs.Series) -> list[tuple[str, str]]:
    """The 说明 sheet of an indicator's workbook, label -> text, in reading order."""
    lic = ctx.package.get("license") or {}
    rows = [
        ("指标", f"{series.name}（{series.name_en}）"),
        ("指标代码", series.indicator_id),
        ("年份", _years(series)),
        ("单位", "、".join(series.units)),
        ("统计口径", series.definition or UNSTATED),
    ]
    rows += [("限定词", line) for line in _qualifiers(series)]
    rows += [("推算", f"{f.year}年：{f.derivation or '推算值'}") for f in series.figures if f.derived]
    rows += [("来源", f"{f.year}年：《{ctx.titles.get(f.source_id) or f.source_id}》"
                      + (f"，{f.source_section}" if f.source_section else ""))
             for f in series.figures]
    rows += [
        ("许可", " ".join(str(lic.get(k, "")) for k in ("title", "path")).strip()),
        ("发布机构", str(ctx.package.get("publisher") or "")),
        ("指标网址", ctx.page_url(series.indicator_id)),
        ("引用", citations.series_gbt(ctx.package, series.name, series.years,
                                     ctx.page_url(series.indicator_id))),
    ]
    return rows


def metadata(ctx: Context, series: figs.Series) -> dict[str, Any]:
    """The metadata of an indicator's JSON download."""
    url = ctx.page_url(series.indicator_id)
    lic = ctx.package.get("license") or {}
    return {
        "indicator_id": series.indicator_id, "name": series.name, "name_en": series.name_en,
        "area_id": series.area.area_id if series.area else "",
        "area": series.area.name if series.area else "",
        "area_en": series.area.name_en if series.area else "",
        "units": series.units, "years": series.years,
        "definition": series.definition or None,
        "definition_note": "" if series.definition else UNSTATED,
        "publisher": ctx.package.get("publisher", ""),
        "license": {k: lic[k] for k in ("name", "title", "path") if k in lic},
        "url": url,
        "citation": {"gb_t_7714_2015": citations.series_gbt(ctx.package, series.name, series.years, url),
                     "apa": citations.series_apa(ctx.package, series.name_en, series.years,
                                                 ctx.updated, url)},
    }


def downloads(ctx: Context) -> dict[str, bytes]:
    """Every indicator's series downloads, path inside the data folder -> bytes."""
    from . import formats

    files: dict[str, bytes] = {}
    revised = ctx.revised
    for series in ctx.series:
        files.update(formats.series_files(series, about_rows(ctx, series), ctx.titles, revised,
                                          metadata(ctx, series), ctx.updated))
    return files


# --------------------------------------------------------------------------- pages


def _size(published: Published | None, rel: str) -> str:
    found = published.files.get(rel) if published else None
    if found is None:
        return ""
    size = found.size
    return f"{size} B" if size < 1024 else f"{size / 1024:.1f} KB"


def facts(series: figs.Series) -> list[tuple[str, str]]:
    """What the indicator measures and how to read it: 统计口径 (or that the source gives
    none), unit, qualifiers and ranges as the source words them, 推算 with its method, notes."""
    unit_en = "、".join(dict.fromkeys(f.unit_en for f in series.figures if f.unit_en))
    found = [("统计口径", series.definition or UNSTATED),
             ("单位", "、".join(series.units) + (f"（{unit_en}）" if unit_en else ""))]
    found += [("限定词", line) for line in _qualifiers(series)]
    found += [("推算", f"{f.year}年的数值不是原文的数字，是推算的：{f.derivation or '推算值'}")
              for f in series.figures if f.derived]
    found += [(f"备注（{f.year}年）", f.note) for f in series.figures if f.note]
    return found


def page(ctx: Context, series: figs.Series, chart: Chart | None, drawing: str = "",
         published: Published | None = None) -> str:
    """The Markdown of an indicator's page (templates/indicator.md)."""
    from .pages import chart_block

    rel = urls.indicator_page(series.indicator_id)
    revised = ctx.revised
    rows = []
    for fig in reversed(series.figures):  # newest first, as readers look for it
        revision = revised.get(f"{fig.indicator_id}/{fig.year}")
        notes = [f"推算：{fig.derivation or '推算值'}" if fig.derived else "", fig.note or ""]
        rows.append({
            "year": fig.year, "text": fig.text + ("（推算）" if fig.derived else ""),
            "note": "；".join(n for n in notes if n),
            "revision": urls.source_link(rel, f"{urls.DATA_DIR}/{figs.INDICATORS}.md",
                                         revision_log.anchor(figs.INDICATORS,
                                                             f"{fig.indicator_id}/{fig.year}"))
            if revision else "",
        })
    history = [r for r in ctx.revisions if r.dataset == figs.INDICATORS
               and r.key.split(revision_log.KEY_SEPARATOR)[0] == series.indicator_id]
    files = [{"label": label, "file": urls.series_file(series.indicator_id, suffix),
              "href": urls.source_link(rel, urls.data_path(urls.series_file(series.indicator_id, suffix))),
              "size": _size(published, urls.series_file(series.indicator_id, suffix))}
             for label, suffix in (("CSV", ".csv"), ("XLSX", ".xlsx"), ("JSON", ".json"))]
    url = ctx.page_url(series.indicator_id)
    latest = series.latest
    return markup.render(
        "indicator.md", s=series, latest=latest, rows=rows,
        front_title=f"{series.name}（{_years(series).split('（')[0]}）",
        front_description=f"{series.name}（{series.name_en}）历年数值、来源、口径与下载。",
        chart=chart_block(chart, None, drawing) if chart is not None else "",
        index=urls.source_link(rel, urls.indicator_page()),
        area_anchor=series.area.area_id if series.area else "",
        area=series.area, years=_years(series), units="、".join(series.units),
        unit_en="、".join(dict.fromkeys(f.unit_en for f in series.figures if f.unit_en)),
        facts=facts(series),
        sources=[{"year": f.year, "title": ctx.titles.get(f.source_id) or f.source_id,
                  "section": f.source_section} for f in reversed(series.figures)],
        history=sorted(history, key=lambda r: r.date, reverse=True),
        history_href=urls.source_link(rel, f"{urls.DATA_DIR}/{figs.INDICATORS}.md",
                                      revision_log.anchor(figs.INDICATORS, max(
                                          history, key=lambda r: r.date).key)) if history else "",
        dataset=urls.source_link(rel, f"{urls.DATA_DIR}/{figs.INDICATORS}.md"),
        files=files, url=url, here=urls.source_link(rel, rel),
        gbt=citations.series_gbt(ctx.package, series.name, series.years, url),
        apa=citations.series_apa(ctx.package, series.name_en, series.years, ctx.updated, url),
    )


def index(ctx: Context) -> str:
    """The Markdown of /indicators/: every indicator by area, Chinese with English names."""
    rel = urls.indicator_page()
    groups: list[dict[str, Any]] = []
    for series in ctx.series:
        area = series.area
        key = area.area_id if area else ""
        if not groups or groups[-1]["id"] != key:
            groups.append({"id": key, "name": area.name if area else "其他",
                           "name_en": area.name_en if area else "Other", "rows": []})
        groups[-1]["rows"].append({
            "name": series.name, "name_en": series.name_en,
            "href": urls.source_link(rel, urls.indicator_page(series.indicator_id)),
            "years": _years(series).split("（")[0], "latest": series.latest.text
            + ("（推算）" if series.latest.derived else ""),
            "latest_year": series.latest.year, "series": series.is_time_series,
        })
    return markup.render("indicators.md", groups=groups, count=len(ctx.series),
                         series=sum(1 for s in ctx.series if s.is_time_series),
                         data=urls.source_link(rel, f"{urls.DATA_DIR}/index.md"),
                         dataset=urls.source_link(rel, f"{urls.DATA_DIR}/{figs.INDICATORS}.md"))


def pages(ctx: Context, charts: dict[str, Chart], drawings: dict[str, str],
          published: Published | None = None) -> dict[str, str]:
    """Every indicator page and the index: path in the docs tree -> Markdown. `charts` holds
    the series charts by indicator id (charts.series_chart)."""
    from .charts import SERIES_PREFIX

    result = {urls.indicator_page(): index(ctx)}
    for series in ctx.series:
        chart = charts.get(series.indicator_id)
        result[urls.indicator_page(series.indicator_id)] = page(
            ctx, series, chart, drawings.get(SERIES_PREFIX + series.indicator_id, ""), published)
    return result
