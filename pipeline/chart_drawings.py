"""Charts drawn at build time, as the report pages show them before any script runs.

What belongs here: running ECharts in Node (chart_svg.mjs) for any list of
chart options, cached by its inputs; the drawing of each chart inlined in its
page, at two widths (a phone's and a desktop's column; CSS shows the one that
fits), in the site's light theme, with its title in the SVG; and the
stylesheet that restyles those drawings for the dark palette and for the
interaction web/charts-ssr.js adds. What does not: the chart options
(charts.py), the downloadable images and embed pages (chart_exports.py), the
HTML around a chart (pages.py).

The drawings are plain SVG with their text as text: they read with
JavaScript off, in print, in feeds, in reader modes and for crawlers.
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import re
import shutil
import subprocess
import threading
from collections.abc import Iterator
from pathlib import Path
from typing import Any

from . import markup
from .paths import Layout

# Render widths in CSS pixels: the text column of a 360 px phone and of a desktop page.
NARROW = 328
WIDE = 688
# Below this column width the narrow drawing shows (charts.css, a container query).
SWITCH = 480
SCRIPT = Path(__file__).with_name("chart_svg.mjs")


class DrawingError(Exception):
    """Node or ECharts could not draw the charts; the message says what to install or fix."""


def draw_svgs(layout: Layout, items: list[dict[str, Any]], cache: str) -> dict[str, str]:
    """id -> SVG text, for items {id, width, height, option, theme?} drawn by chart_svg.mjs.

    Cached under .build/CACHE/ by everything the drawing depends on (the items, the
    scripts, the palette, the ECharts version): a rebuild with nothing changed starts
    no Node process, and the same inputs give the same bytes.
    """
    if not items:
        return {}
    node = shutil.which("node")
    if node is None:
        raise DrawingError("找不到 node：图表需要 Node.js（与打包 ECharts 所用的相同）/ "
                           "Node.js is missing")
    request = json.dumps(items, ensure_ascii=False, sort_keys=True).encode("utf-8")
    if _kept(layout) and "drawn" in _WORKER:
        # The preview's Node process keeps each drawing it made (_remembered): only the charts
        # a save changed are drawn, and the others keep their bytes, so their pages are not
        # rendered again. Drawings from another process (this cache) are not mixed in: their
        # CSS classes could bear the same numbers.
        return run_script(layout, node, request)
    echarts = layout.node_modules / "echarts" / "package.json"
    inputs = [request, SCRIPT.read_bytes(),
              echarts.read_bytes() if echarts.exists() else b""]
    for name in ("theme.mjs", "palette.json"):
        source = layout.web / name
        inputs.append(source.read_bytes() if source.exists() else b"")
    key = hashlib.sha256(b"\0".join(inputs)).hexdigest()
    cached = layout.build / cache / f"{key}.json"
    if cached.exists():
        return dict(json.loads(cached.read_text(encoding="utf-8")))
    rendered = run_script(layout, node, request)
    cached.parent.mkdir(parents=True, exist_ok=True)
    for old in cached.parent.glob("*.json"):  # keep only the current drawing
        old.unlink()
    cached.write_text(json.dumps(rendered, ensure_ascii=False, sort_keys=True), encoding="utf-8")
    return dict(rendered)


# The Node process kept for a build or the live preview (keep_node): ECharts loads once.
_WORKER: dict[str, Any] = {}
_ASKING = threading.Lock()


@contextlib.contextmanager
def keep_node(layout: Layout, remember: bool = False) -> Iterator[None]:
    """Within this block, charts are drawn by one Node process kept running (chart_svg.mjs
    --lines) instead of a new one each time. It starts at once, so ECharts loads while the
    data is validated: a build draws the page drawings and the export images in it, and
    the live preview every save's, where starting Node and loading ECharts again would take
    most of the time a save needs to show. With `remember` (the preview), a chart drawn
    before in this block is not drawn again (_remembered)."""
    node = shutil.which("node")
    if node is None or _WORKER.get("proc") is not None:
        yield
        return
    proc = subprocess.Popen([node, str(SCRIPT), "--lines"], cwd=layout.root, stdin=subprocess.PIPE,
                            stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    _WORKER.update(proc=proc, root=layout.root)
    if remember:
        _WORKER.update(drawn={}, numbers=[0, 0])
    try:
        yield
    finally:
        # Every request was answered (or the build failed, often at validation, while ECharts
        # was still loading): nothing is left to wait for.
        _WORKER.clear()
        proc.kill()
        proc.wait()
        for pipe in (proc.stdin, proc.stdout):
            if pipe:
                pipe.close()


def run_script(layout: Layout, node: str, request: bytes) -> dict[str, Any]:
    """chart_svg.mjs on a request (JSON list of items): id -> SVG text. In the kept Node
    process when there is one (keep_node), else in a new one."""
    if _kept(layout):
        try:
            return _ask_worker(request)
        except _WorkerGone:
            pass  # it stopped (Node could not load ECharts?): a new process says why
    proc = subprocess.run(
        [node, str(SCRIPT)], input=request,
        cwd=layout.root, capture_output=True, timeout=300, check=False,
    )
    if proc.returncode != 0:
        raise DrawingError("生成图表 SVG 失败（node pipeline/chart_svg.mjs）：\n"
                           + proc.stderr.decode("utf-8", "replace")[-2000:])
    return dict(json.loads(proc.stdout.decode("utf-8")))


class _WorkerGone(Exception):
    """The kept Node process has exited."""


def _kept(layout: Layout) -> bool:
    return _WORKER.get("proc") is not None and _WORKER.get("root") == layout.root


# The kept process's drawings, by item, at most this many (the least recently used go first).
KEPT_DRAWINGS = 2000


def _ask_worker(request: bytes) -> dict[str, Any]:
    """The kept process's drawings of a request's items: those it drew before are taken from
    what it answered then (ECharts numbers the CSS classes of its drawings on from one
    drawing to the next, so drawing the same chart again would give other bytes), the others
    are drawn now."""
    with _ASKING:  # one request at a time (the build draws from two threads)
        if "drawn" not in _WORKER:
            return _ask(request)
        return _remembered(json.loads(request.decode("utf-8")), _WORKER["drawn"])


def _remembered(items: list[dict[str, Any]], drawn: dict[str, str]) -> dict[str, str]:
    """id -> SVG of the items, those drawn before in the kept process taken from `drawn`
    (by the whole item), the others drawn now and kept there.

    The drawings of a page may then come from different requests. ECharts names the CSS
    classes of a drawing's hover styles by numbers ("zr3-cls-12"), and a style inlined in a
    page applies to the whole page, so the numbers of each new drawing are moved past every
    number handed out before (_renumber): no two drawings share a class name.
    """
    keys = [json.dumps(item, ensure_ascii=False, sort_keys=True) for item in items]
    missing = [item for item, key in zip(items, keys, strict=True) if key not in drawn]
    if missing:
        answer = _ask(json.dumps(missing, ensure_ascii=False).encode("utf-8"))
        for item, key in zip(items, keys, strict=True):
            if item["id"] in answer and key not in drawn:
                drawn[key] = _renumber(answer[item["id"]], _WORKER["numbers"])
    result = {}
    for item, key in zip(items, keys, strict=True):
        result[item["id"]] = drawn.pop(key)
        drawn[key] = result[item["id"]]  # most recently used last
    while len(drawn) > KEPT_DRAWINGS:
        drawn.pop(next(iter(drawn)))
    return result


# A number ECharts gives a drawing's painter ("zr3-") and, after it, a CSS class ("cls-12").
NUMBERED = re.compile(r'(?<=["\s.#(:,])zr(\d+)-(?:cls-(\d+))?')


def _renumber(svg: str, numbers: list[int]) -> str:
    """The drawing with its painter and class numbers moved past `numbers` (the next free
    painter and class number, updated)."""
    first = list(numbers)
    used = list(numbers)

    def moved(match: re.Match[str]) -> str:
        painter = int(match.group(1)) + first[0]
        used[0] = max(used[0], painter + 1)
        text = f"zr{painter}-"
        if match.group(2) is not None:
            cls = int(match.group(2)) + first[1]
            used[1] = max(used[1], cls + 1)
            text += f"cls-{cls}"
        return text

    out = NUMBERED.sub(moved, svg)
    numbers[:] = used
    return out


def _ask(request: bytes) -> dict[str, Any]:
    proc = _WORKER.get("proc")
    if proc is None:
        raise _WorkerGone()
    line = b""
    if proc.poll() is None:
        try:
            proc.stdin.write(request.replace(b"\n", b" ") + b"\n")
            proc.stdin.flush()
            line = proc.stdout.readline()
        except OSError:
            line = b""
    if not line:
        _WORKER.clear()  # it stopped: this and every later drawing start Node the usual way
        raise _WorkerGone()
    answer = json.loads(line.decode("utf-8"))
    if "error" in answer:
        raise DrawingError("生成图表 SVG 失败（node pipeline/chart_svg.mjs）：\n"
                           + str(answer["error"])[-2000:])
    return dict(answer["ok"])


def _inline(svg: str, title: str, variant: str) -> str:
    """An SVG from ECharts, made fit to sit in a page: one line (a blank line would end
    Markdown's HTML block), scaled by its viewBox, titled, marked for CSS."""
    svg = svg.strip().replace("<![CDATA[", "").replace("]]>", "")
    svg = re.sub(r">\s+<", "><", svg)
    svg = re.sub(r"\{\s+", "{", re.sub(r";\s+", ";", svg))
    match = re.match(r"<svg\b[^>]*>", svg)
    if not match:
        raise DrawingError(f"图表 {title}：ECharts 没有输出 SVG")
    box = re.search(r'viewBox="([^"]+)"', match.group(0))
    head = markup.render("drawing_head.svg", xlink="xlink:" in svg, variant=variant, title=title,
                         view_box=box.group(1) if box else "")
    return head + svg[match.end():]


def page_drawings(layout: Layout, charts: dict[str, Any]) -> dict[str, str]:
    """chart id -> the HTML of its drawings (narrow, then wide) for its place in a page."""
    items = []
    for cid in sorted(charts):
        chart = charts[cid]
        for variant, width in (("narrow", NARROW), ("wide", WIDE)):
            items.append({"id": f"{cid}/{variant}", "width": width, "height": int(chart.height),
                          "option": chart.option, "theme": "light"})
    rendered = draw_svgs(layout, items, "chart-page-svg")
    return {
        cid: "".join(_inline(rendered[f"{cid}/{variant}"], str(charts[cid].title), variant)
                     for variant in ("narrow", "wide"))
        for cid in sorted(charts)
    }


def _palette(layout: Layout) -> dict[str, Any]:
    path = layout.web / "palette.json"
    return dict(json.loads(path.read_text(encoding="utf-8")))


def _pairs(light: dict[str, Any], dark: dict[str, Any]) -> list[tuple[str, str]]:
    """(light colour, dark colour) for every colour of the palette, series by series."""
    pairs: list[tuple[str, str]] = []
    for key, value in light.items():
        other = dark.get(key)
        if isinstance(value, list) and isinstance(other, list):
            pairs += [(a, b) for a, b in zip(value, other, strict=False)]
        elif isinstance(value, str) and isinstance(other, str) and key != "decal":
            pairs.append((value, other))
    return pairs


# Which drawing shows: the narrow one in a column narrower than SWITCH, else the wide one.
BASE_CSS = (
    ".chart__canvas { container-type: inline-size; }\n"
    ".chart__svg { display: block; width: 100%; height: auto; overflow: visible; }\n"
    ".chart__svg--narrow { display: none; }\n"
    f"@container (max-width: {SWITCH - 0.02}px) {{\n"
    "  .chart__svg--narrow { display: block; }\n"
    "  .chart__svg--wide { display: none; }\n"
    "}"
)


def stylesheet(layout: Layout) -> str:
    """charts.css: which drawing shows at which width, the interaction states, and the dark
    palette: every light colour of web/palette.json drawn into the SVG becomes its dark one."""
    palette = _palette(layout)
    dark_page = '[data-md-color-scheme="slate"]'
    lines = [
        "/* Charts drawn at build time (pipeline/chart_drawings.py); generated, do not edit. */",
        BASE_CSS,
        "/* Hover: the series under the pointer stays, the others fade (web/charts-ssr.js). */",
        ".chart__svg.is-focusing [ecmeta_series_index]:not(.is-focus) { opacity: 0.3; }",
        ".chart__svg .is-hidden { visibility: hidden; }",
        "/* Decal patterns lie over the bars: the pointer goes through to the bar. */",
        '.chart__svg [fill^="url"] { pointer-events: none; }',
        ".chart__svg .is-off { opacity: 0.35; }",
        '.chart__svg [ecmeta_ssr_type="legend"] { cursor: pointer; }',
        "/* Dark palette: the drawing's light colours become the dark ones. */",
    ]
    pairs = _pairs(palette["light"], palette["dark"])
    background = palette["dark"].get("background")
    if background:  # ECharts writes white as "#fff" in places (symbols, label outlines)
        pairs += [("#fff", background), ("rgb(255,255,255)", background)]
    for light, dark in pairs:
        for attr in ("fill", "stroke"):
            lines.append(f'{dark_page} .chart__svg [{attr}="{light}" i] {{ {attr}: {dark}; }}')
    lines.append(f'{dark_page} .chart__svg [ecmeta_ssr_type="chart"]:hover {{ opacity: 0.8; }}')
    return "\n".join(lines) + "\n"
