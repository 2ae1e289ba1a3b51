"""What a reader can take away from a chart: its image, an embed page and the links to both.

What belongs here: the export version of a chart's ECharts option (headline,
unit, source and license drawn into the picture); SVG images rendered
without a browser by Node and ECharts (chart_svg.mjs); PNG images rasterised
from those SVGs by resvg with the Noto Sans SC font from npm (chart_png.mjs),
again without a browser; the standalone embed page /embed/ID/ that an
iframe shows; and the HTML of a chart's download panel (data, image, embed
snippet, permalink). What does not: the chart options themselves
(charts.py), the chart data files (formats.py), the report pages
(pages.py).

Images and embed pages are pure functions of the chart and the package
metadata; the PNG of an SVG is cached under .build/ by the SVG's hash, so a
rebuild of unchanged charts neither starts Node nor changes a byte.
"""

from __future__ import annotations

import base64
import copy
import hashlib
import html
import json
import shutil
import subprocess
from pathlib import Path
from typing import Any

from . import urls
from .paths import Layout

WIDTH = 800
TITLE_SPACE = 72
FOOTER_SPACE = 56
SCALE = 2  # PNG pixels per SVG pixel
# Single quotes only: ECharts' SVG output puts this inside a double-quoted style attribute.
# Noto Sans SC first: the font the PNGs are drawn with (FONT_FILES, from npm).
FONT = (
    "'Noto Sans SC', 'Noto Sans CJK SC', 'Source Han Sans SC', 'PingFang SC', "
    "'Microsoft YaHei', 'WenQuanYi Micro Hei', sans-serif"
)
FONT_FAMILY = "Noto Sans SC"
FONT_PACKAGE = "@expo-google-fonts/noto-sans-sc"
# Part of each PNG's cache key: what draws it.
RASTER = b"\0resvg noto-sans-sc"
FONT_FILES = ("400Regular/NotoSansSC_400Regular.ttf", "700Bold/NotoSansSC_700Bold.ttf")


class ExportError(Exception):
    """An image could not be made; the message says what to install or fix, in Chinese."""


def esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def license_name(pkg: dict[str, Any]) -> str:
    lic = pkg.get("license") or {}
    return str(lic.get("name") or lic.get("title") or "").replace("-", " ")


def footer_text(chart: Any, pkg: dict[str, Any]) -> str:
    """Two lines under the chart: the source, then license and publisher."""
    lic = license_name(pkg)
    second = " · ".join(x for x in (f"许可：{lic}" if lic else "",
                                     str(pkg.get("publisher") or "")) if x)
    return str(chart.source) + ("\n" + second if second else "")


def export_option(
    chart: Any, pkg: dict[str, Any], palette: dict[str, Any] | None = None
) -> dict[str, Any]:
    """The chart as a picture: white background, no animation, title, unit and source drawn in,
    in the site's light palette (web/palette.json) when given."""
    option = copy.deepcopy(chart.option)
    option.pop("tooltip", None)
    option.pop("toolbox", None)
    option.pop("dataZoom", None)
    option["animation"] = False
    option["backgroundColor"] = "#ffffff"
    if palette:
        option["color"] = list(palette.get("series") or option.get("color") or [])
        if palette.get("decal") and isinstance(option.get("aria"), dict):
            option["aria"].setdefault("decal", {})["decals"] = {"color": palette["decal"]}
    option["textStyle"] = {**(option.get("textStyle") or {}), "fontFamily": FONT}
    for axis in [*(option.get("xAxis") or []), *(option.get("yAxis") or [])]:
        if axis.get("type") == "value":
            axis.pop("name", None)  # the unit is in the subtitle, where it has room
    option["title"] = [{
        "text": str(chart.title),
        "subtext": f"单位：{chart.unit}",
        "left": 16,
        "top": 12,
        "textStyle": {"fontSize": 18, "fontWeight": "bold", "color": "#1f2329"},
        "subtextStyle": {"fontSize": 13, "color": "#555"},
    }]
    grids = option.get("grid")
    grid = (grids[0] if isinstance(grids, list) and grids else grids) or {}
    grid = {**grid, "top": TITLE_SPACE + 24, "bottom": FOOTER_SPACE + 16, "left": 24,
            "right": 56, "containLabel": True}
    option["grid"] = [grid]
    legends = option.get("legend")
    if legends:
        legend = legends[0] if isinstance(legends, list) else legends
        if legend.get("show", True):
            option["legend"] = [{**legend, "top": TITLE_SPACE - 8, "left": "center",
                                 "bottom": None}]
    option["graphic"] = [{
        "type": "text",
        "left": 16,
        "bottom": 12,
        "style": {
            "text": footer_text(chart, pkg),
            "fill": "#555",
            "fontSize": 12,
            "lineHeight": 18,
            "fontFamily": FONT,
            "width": WIDTH - 32,
            "overflow": "break",
        },
    }]
    return option


def light_palette(layout: Layout) -> dict[str, Any]:
    """The site's light chart colours (web/palette.json), or {} to keep ECharts' own."""
    path = layout.root / "web" / "palette.json"
    try:
        return dict(json.loads(path.read_text(encoding="utf-8")).get("light") or {})
    except (OSError, ValueError, AttributeError):
        return {}


def image_height(chart: Any) -> int:
    return int(chart.height) + TITLE_SPACE + FOOTER_SPACE + 24


def svgs(layout: Layout, charts: dict[str, Any], pkg: dict[str, Any]) -> dict[str, bytes]:
    """chart id -> SVG bytes, rendered by ECharts in Node (no browser, no installed fonts)."""
    if not charts:
        return {}
    node = shutil.which("node")
    if node is None:
        raise ExportError("找不到 node：图表图片需要 Node.js（与打包 ECharts 所用的相同）")
    palette = light_palette(layout)
    items = [
        {"id": cid, "width": WIDTH, "height": image_height(charts[cid]),
         "option": export_option(charts[cid], pkg, palette)}
        for cid in sorted(charts)
    ]
    script = Path(__file__).with_name("chart_svg.mjs")
    request = json.dumps(items, ensure_ascii=False).encode("utf-8")
    # Cached by everything the drawing depends on (options, script, ECharts version), so a
    # rebuild with nothing changed starts no Node process; same inputs, same bytes.
    echarts = layout.node_modules / "echarts" / "package.json"
    key = hashlib.sha256(b"\0".join([
        request, script.read_bytes(), echarts.read_bytes() if echarts.exists() else b""])).hexdigest()
    cached = layout.build / "chart-svg" / f"{key}.json"
    if cached.exists():
        rendered = json.loads(cached.read_text(encoding="utf-8"))
        return {cid: _svg_document(rendered[cid]) for cid in sorted(rendered)}
    proc = subprocess.run(
        [node, str(script)], input=request,
        cwd=layout.root, capture_output=True, timeout=120, check=False,
    )
    if proc.returncode != 0:
        raise ExportError("生成图表 SVG 失败（node pipeline/chart_svg.mjs）：\n"
                          + proc.stderr.decode("utf-8", "replace")[-2000:])
    rendered = json.loads(proc.stdout.decode("utf-8"))
    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in cached.parent.glob("*.json"):  # keep only the current drawing
        old.unlink()
    cached.write_text(json.dumps(rendered, ensure_ascii=False), encoding="utf-8")
    return {cid: _svg_document(rendered[cid]) for cid in sorted(rendered)}


def _svg_document(svg: str) -> bytes:
    head = '<?xml version="1.0" encoding="UTF-8"?>\n'
    return (head + svg.strip() + "\n").encode("utf-8")


def pngs(layout: Layout, images: dict[str, bytes]) -> dict[str, bytes]:
    """chart id -> PNG of its SVG at twice the size, drawn by resvg with Noto Sans SC.

    Cached by the SVG's hash under .build/chart-png/, so unchanged charts keep their bytes.
    """
    cache = layout.build / "chart-png"
    result: dict[str, bytes] = {}
    missing: dict[str, tuple[bytes, Path]] = {}
    for cid, svg in images.items():
        path = cache / (hashlib.sha256(svg + RASTER).hexdigest() + ".png")
        if path.exists():
            result[cid] = path.read_bytes()
        else:
            missing[cid] = (svg, path)
    if missing:
        result.update(_rasterise(layout, missing))
        cache.mkdir(parents=True, exist_ok=True)
        for cid, (_svg, path) in missing.items():
            path.write_bytes(result[cid])
    return dict(sorted(result.items()))


def _rasterise(layout: Layout, missing: dict[str, tuple[bytes, Path]]) -> dict[str, bytes]:
    node = shutil.which("node")
    if node is None:
        raise ExportError("找不到 node：图表图片需要 Node.js（与打包 ECharts 所用的相同）")
    fonts = [layout.node_modules / FONT_PACKAGE / name for name in FONT_FILES]
    absent = [str(f) for f in fonts if not f.exists()]
    resvg = layout.node_modules / "@resvg" / "resvg-js"
    if absent or not resvg.exists():
        raise ExportError("找不到绘制 PNG 所需的 resvg 或 Noto Sans SC 字体，请运行 make npm"
                          f"（即 npm ci）/ run `make npm`: {', '.join(absent) or resvg}")
    request = {
        "scale": SCALE, "family": FONT_FAMILY, "fonts": [str(f) for f in fonts],
        "items": [{"id": cid, "svg": svg.decode("utf-8")} for cid, (svg, _p) in sorted(missing.items())],
    }
    proc = subprocess.run(
        [node, str(Path(__file__).with_name("chart_png.mjs"))],
        input=json.dumps(request, ensure_ascii=False).encode("utf-8"),
        cwd=layout.root, capture_output=True, timeout=300, check=False,
    )
    if proc.returncode != 0:
        raise ExportError("生成图表 PNG 失败（node pipeline/chart_png.mjs）：\n"
                          + proc.stderr.decode("utf-8", "replace")[-2000:])
    drawn = json.loads(proc.stdout.decode("utf-8"))
    return {cid: base64.b64decode(drawn[cid]) for cid in sorted(missing)}


# --------------------------------------------------------------------------- links


def embed_snippet(chart: Any, site_url: str = "") -> str:
    src = urls.chart_urls(chart.id, site_url)["embed"]
    height = image_height(chart) + 40
    return (
        f'<iframe src="{esc(src)}" title="{esc(chart.title)}" width="100%" height="{height}" '
        'style="border:0;max-width:840px" loading="lazy"></iframe>'
    )


def panel(chart: Any, to_root: str, site_url: str = "", page: str = "") -> str:
    """The download panel of a chart as HTML, for any page.

    `to_root` leads from the page to the site root ("../../"); `page` is the
    site path of the page that shows the chart, for the permalink.
    """
    cid = str(chart.id)

    def link(path: str, label: str, download: bool = True) -> str:
        attr = " download" if download else ""
        return f'<a href="{esc(to_root + path)}"{attr}>{esc(label)}</a>'

    permalink = urls.chart_urls(cid, site_url, page).get("permalink", "")
    own = (to_root + page + f"#chart-{cid}") if page else ""
    parts = [
        f'<div class="chart-tools" id="chart-{esc(cid)}-tools">',
        "<p><strong>下载数据</strong>：",
        " · ".join([
            link(urls.data_path(urls.chart_file(cid, ".csv")), "CSV"),
            link(urls.data_path(urls.chart_file(cid, ".excel.csv")), "Excel 版 CSV"),
            link(urls.data_path(urls.chart_file(cid, ".xlsx")), "XLSX"),
        ]),
        "<br><strong>下载图片</strong>：",
        " · ".join([link(urls.data_path(urls.chart_file(cid, ".png")), "PNG"),
                    link(urls.data_path(urls.chart_file(cid, ".svg")), "SVG")]),
        "<br><strong>单独查看</strong>：",
        link(f"{urls.EMBED_DIR}/{cid}/", "嵌入页", download=False),
    ]
    if own:
        parts += [" · <strong>永久链接</strong>：",
                  f'<a href="{esc(own)}">{esc(permalink or own)}</a>']
    parts += [
        "</p>",
        "<p><strong>嵌入代码</strong>（复制到网页中）：</p>",
        f"<pre><code>{esc(embed_snippet(chart, site_url))}</code></pre>",
        "</div>",
    ]
    return "\n".join(parts)


# --------------------------------------------------------------------------- embed page


def embed_page(chart: Any, pkg: dict[str, Any], site_url: str = "", page: str = "",
               drawing: str = "") -> str:
    """A standalone page for an iframe: headline, unit, the chart, its table, source, license.

    `drawing`: the chart drawn at build time (chart_drawings.py), shown without script.
    """
    from .chart_drawings import BASE_CSS

    size = (f'data-height="{int(chart.height)}"' if drawing
            else f'style="height:{int(chart.height)}px"')
    cid = f"chart-{chart.id}"
    root = "../../"
    data_csv = urls.data_path(urls.chart_file(chart.id, ".csv"))
    lic = pkg.get("license") or {}
    lic_link = (f'<a href="{esc(lic["path"])}" target="_blank" rel="license noopener">'
                f'{esc(license_name(pkg))}</a>') if lic.get("path") else esc(license_name(pkg))
    target = (root + page + f"#{cid}") if page else root
    publisher = esc(pkg.get("publisher", ""))
    head = "".join(f'<th scope="col">{esc(c)}</th>' for c in chart.columns)
    body = "".join(
        "<tr>" + f'<th scope="row">{esc(row[0])}</th>'
        + "".join(f"<td>{esc(cell)}</td>" for cell in row[1:]) + "</tr>"
        for row in chart.rows
    )
    canonical = urls.chart_urls(chart.id, site_url, page).get("permalink", "") if site_url else ""
    return f"""<!doctype html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{esc(chart.title)} · {publisher}</title>
<link rel="icon" href="{root}assets/images/favicon.svg">
{f'<link rel="canonical" href="{esc(canonical)}">' if canonical else ''}
<style>
body{{margin:0;padding:12px 16px;font-family:{esc(FONT)};color:#1f2329;background:#fff}}
.chart__title{{font-size:18px;font-weight:700;margin:0 0 4px}}
.chart__unit,.chart__source{{font-size:13px;color:#555;margin:0 0 8px}}
.chart__source a{{color:#3f51b5}}
details{{font-size:13px;margin:8px 0}}
table{{border-collapse:collapse}}th,td{{border:1px solid #ddd;padding:2px 8px;text-align:left}}
.sr-only{{position:absolute;width:1px;height:1px;overflow:hidden;clip:rect(0 0 0 0)}}
{BASE_CSS}
@media print{{figure.chart{{break-inside:avoid}}tr{{break-inside:avoid}}details>summary{{display:none}}\
details::details-content{{content-visibility:visible;display:block}}}}
</style>
</head>
<body>
<main>
<figure class="chart" id="{esc(cid)}" style="margin:0" aria-labelledby="{esc(cid)}-title">
<h1 class="chart__title" id="{esc(cid)}-title">{esc(chart.title)}</h1>
<p class="chart__unit">单位：{esc(chart.unit)}</p>
<div class="chart__canvas" data-chart-option="{esc(cid)}-option" role="img" \
aria-label="{esc(chart.description)}" {size}>{drawing}</div>
<script type="application/json" id="{esc(cid)}-option">{chart.option_json()}</script>
<details><summary>查看图表数据</summary>
<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>
</details>
<figcaption class="chart__source">{esc(chart.source)} · 数据许可：{lic_link} · \
<a href="{esc(target)}" target="_blank" rel="noopener">{publisher} 开放数据</a> · \
<a href="{esc(root + data_csv)}" target="_blank">下载数据</a></figcaption>
</figure>
</main>
<script src="{root}assets/javascripts/site.js" defer></script>
</body>
</html>
"""


def files(
    layout: Layout, charts: dict[str, Any], pkg: dict[str, Any], site_url: str = "",
    chart_pages: dict[str, str] | None = None, drawings: dict[str, str] | None = None,
) -> tuple[dict[str, bytes], dict[str, bytes]]:
    """(images under the data folder: charts/ID.svg|png, embed pages under the site root)."""
    chart_pages = chart_pages or {}
    drawings = drawings or {}
    svg = svgs(layout, charts, pkg)
    png = pngs(layout, svg)
    images = {f"charts/{cid}.svg": data for cid, data in svg.items()}
    images.update({f"charts/{cid}.png": data for cid, data in png.items()})
    embeds = {
        f"{urls.EMBED_DIR}/{cid}/index.html": embed_page(
            charts[cid], pkg, site_url, chart_pages.get(cid, ""),
            drawings.get(cid, "")).encode("utf-8")
        for cid in sorted(charts)
    }
    return dict(sorted(images.items())), embeds
