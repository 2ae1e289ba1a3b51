"""What a reader can take away from a chart: its image, an embed page and the links to both.

What belongs here: the export version of a chart's ECharts option (headline,
unit, source and license drawn into the picture); SVG images rendered
without a browser by Node and ECharts (chart_svg.mjs); PNG images rasterised
from those SVGs by resvg with the Noto Sans SC font from npm (chart_png.mjs),
again without a browser (with the fonts cut down to the characters the images use,
so each image loads a few kilobytes of font, not 20 MB); the standalone embed page /embed/ID/ that an
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

from . import markup, revision_log, urls
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
# Always in a font cut (subset_font): digits, Latin letters and punctuation.
SUBSET_ALWAYS = "".join(chr(c) for c in range(0x20, 0x7F))


class ExportError(Exception):
    """An image could not be made; the message says what to install or fix, in Chinese."""


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
    from .chart_drawings import DrawingError, run_script

    try:
        rendered = run_script(layout, node, request)
    except DrawingError as exc:
        raise ExportError(str(exc)) from exc
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


def subset_font(layout: Layout, font: Path, text: str) -> Path:
    """The font cut down to the characters of `text` (HarfBuzz's subsetter, uharfbuzz), cached
    under .build/fonts/ by the characters.

    resvg reads the whole font for every text element it lays out: with the full 10 MB Noto
    Sans SC a chart takes about a second, with the few hundred glyphs it uses a few
    milliseconds. The glyphs, their metrics and the layout tables they need are kept, so the
    PNGs are the same bytes as with the whole font. The cut itself takes milliseconds (in C++;
    fontTools took over half a second a font).
    """
    chars = "".join(sorted(set(text) | set(SUBSET_ALWAYS)))
    stat = font.stat()
    key = hashlib.sha256(f"{font.name}\0{stat.st_size}\0{chars}".encode()).hexdigest()[:32]
    cache = layout.build / "fonts"
    out = cache / f"{font.stem}-{key}.ttf"
    if out.exists():
        return out
    import uharfbuzz as hb

    wanted = hb.SubsetInput()
    for char in chars:
        wanted.unicode_set.add(ord(char))
    wanted.flags = hb.SubsetFlags.NO_HINTING  # resvg does not hint
    cut = hb.subset(hb.Face(hb.Blob.from_file_path(str(font))), wanted)
    if cut is None:
        raise ExportError(f"无法裁剪字体 {font.name}（HarfBuzz）/ could not subset the font")
    cache.mkdir(parents=True, exist_ok=True)
    scratch = out.with_suffix(".tmp")
    scratch.write_bytes(cut.blob.data)
    scratch.replace(out)
    # keep the few most recent cuts of each font (the charts' and the cards')
    cuts = sorted(cache.glob(f"{font.stem}-*.ttf"), key=lambda p: p.stat().st_mtime, reverse=True)
    for old in cuts[4:]:
        old.unlink(missing_ok=True)
    return out


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
    svgs = {cid: svg.decode("utf-8") for cid, (svg, _p) in sorted(missing.items())}
    text = html.unescape("".join(svgs.values()))
    request = {
        "scale": SCALE, "family": FONT_FAMILY,
        "fonts": [str(subset_font(layout, font, text)) for font in fonts],
        "items": [{"id": cid, "svg": svg} for cid, svg in svgs.items()],
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
    """The iframe code a reader copies (text: the page shows it, escaped, as code)."""
    return markup.render("embed_snippet.html", src=urls.chart_urls(chart.id, site_url)["embed"],
                         title=chart.title, height=image_height(chart) + 40)


def panel(chart: Any, page_rel: str, site_url: str = "") -> dict[str, Any]:
    """What a chart's download panel shows on the page whose source is `page_rel`
    (templates/chart_panel.html): links relative to that source, the public permalink and
    the embed code."""
    cid = str(chart.id)
    found = {kind: urls.source_link(page_rel, path)
             for kind, path in urls.chart_sources(cid).items()}
    found["page"] = urls.source_link(page_rel, f"{page_rel}#chart-{cid}")
    return {
        "links": found,
        "permalink": urls.chart_urls(cid, site_url, urls.page_path(page_rel))["permalink"],
        "snippet": embed_snippet(chart, site_url),
    }


# --------------------------------------------------------------------------- embed page


def embed_page(chart: Any, pkg: dict[str, Any], site_url: str = "", page: str = "",
               drawing: str = "", revised: dict[tuple[str, str], Any] | None = None) -> str:
    """A standalone page for an iframe: headline, unit, the chart, its table, source, license.

    `page` is the public path of the report page showing the chart; `drawing` the chart
    drawn at build time (chart_drawings.py), shown without script; `revised` the revised
    records (revision_log.revised): a table cell showing one says 修订 with a link to it.
    """
    from .chart_drawings import BASE_CSS

    cid = f"chart-{chart.id}"
    root = "../../"
    data_csv = urls.data_path(urls.chart_file(chart.id, ".csv"))
    lic = pkg.get("license") or {}
    return markup.render(
        "embed.html", chart=chart, id=cid, root=root, height=int(chart.height),
        drawing=drawing, option_json=chart.option_json(), font=FONT, base_css=BASE_CSS,
        publisher=pkg.get("publisher", ""), license=license_name(pkg),
        license_url=lic.get("path") or "",
        home=(root + page + f"#{cid}") if page else root,
        csv=data_csv, marks=embed_marks(chart, revised or {}, root),
        canonical=urls.chart_urls(chart.id, site_url, page).get("permalink", "") if site_url else "",
    )


def previous_images(data_dir: Path, charts: dict[str, Any]) -> dict[str, bytes]:
    """The chart images an earlier pass wrote under data_dir (charts/ID.svg|png), for the
    charts still there: the preview's first pass after a save shows these, the second redraws."""
    found = {}
    for cid in sorted(charts):
        for suffix in (".svg", ".png"):
            path = data_dir / urls.chart_file(cid, suffix)
            if path.is_file():
                found[urls.chart_file(cid, suffix)] = path.read_bytes()
    return found


def embed_marks(chart: Any, revised: dict[tuple[str, str], Any], root: str) -> dict[str, str]:
    """The cells of the embed page's table that show a revised record ("ROW-CELL") -> the
    link to its revision on the dataset page, relative to the embed page (`root`: the way
    from it to the site's root)."""
    marks = {}
    for i, row in enumerate(getattr(chart, "keys", None) or []):
        for j, ref in enumerate(row):
            dataset, key = revision_log.parse_ref(ref, chart.dataset) if ref else ("", "")
            if ref and (dataset, key) in revised:
                marks[f"{i}-{j}"] = (f"{root}{urls.page_path(f'{urls.DATA_DIR}/{dataset}.md')}"
                                     f"#{revision_log.anchor(dataset, key)}")
    return marks


def images(layout: Layout, charts: dict[str, Any], pkg: dict[str, Any],
           drawn_svgs: dict[str, bytes] | None = None) -> dict[str, bytes]:
    """Each chart's images under the data folder: charts/ID.svg and charts/ID.png.
    `drawn_svgs` are the export SVGs when already drawn (svgs)."""
    svg = svgs(layout, charts, pkg) if drawn_svgs is None else drawn_svgs
    png = pngs(layout, svg)
    drawn = {urls.chart_file(cid, ".svg"): data for cid, data in svg.items()}
    drawn.update({urls.chart_file(cid, ".png"): data for cid, data in png.items()})
    return dict(sorted(drawn.items()))


def embeds(charts: dict[str, Any], pkg: dict[str, Any], site_url: str = "",
           chart_pages: dict[str, str] | None = None, drawings: dict[str, str] | None = None,
           revised: dict[tuple[str, str], Any] | None = None) -> dict[str, bytes]:
    """Each chart's embed page, /embed/ID/index.html (path from the site root): `drawings`
    are the page drawings (chart_drawings.py), `revised` (revision_log.revised) marks revised
    figures in the tables."""
    chart_pages = chart_pages or {}
    drawings = drawings or {}
    return {
        f"{urls.EMBED_DIR}/{cid}/index.html": embed_page(
            charts[cid], pkg, site_url, chart_pages.get(cid, ""),
            drawings.get(cid, ""), revised).encode("utf-8")
        for cid in sorted(charts)
    }
