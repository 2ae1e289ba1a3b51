// Server-side SVG of each chart: the downloads (pipeline/chart_exports.py) and
// the drawing inlined in the report pages.
//
// Reads a JSON list of {id, width, height, option, theme} on stdin and writes
// a JSON object {id: svg} on stdout (with --lines: one request per line, for as long as
// stdin stays open; the live preview keeps ECharts loaded that way). `theme` names a palette of
// web/palette.json ("light"): the chart is then drawn with the site's theme
// (web/theme.mjs) in the page's own font, as the page shows it. ECharts
// renders without a browser here, so text is measured by its built-in
// estimate rather than by installed fonts: the same option gives the same SVG
// on every machine. Chinese text stays text.
//
// With `ssr: true` ECharts marks every bar, point and legend item with its
// series and data index (ecmeta_* attributes) and writes the hover emphasis as
// CSS; its lightweight client (echarts/ssr/client, web/charts-ssr.js) turns
// those into hover and legend interaction in the page. The value labels are
// marked too (below), so a legend toggle hides a series' labels with its marks.
import { readFileSync } from "node:fs";
import * as echarts from "echarts";
import { getECData } from "echarts/lib/util/innerStore.js";
import { registerSSRDataGetter } from "zrender/lib/zrender.js";
import { createHashMap } from "zrender/lib/core/util.js";
import { getClassId } from "zrender/lib/svg/cssClassId.js";
import { theme } from "../web/theme.mjs";

const palette = JSON.parse(readFileSync(new URL("../web/palette.json", import.meta.url), "utf8"));

// ECharts numbers each chart's SVG painter and each hover CSS class ("zr12-cls-34") from
// counters that run for the life of the process. So that a request draws the same bytes
// whatever the process drew before (the build draws the export images and then the page
// drawings in one process; the live preview draws every save's), each request's numbers
// are made to start at 0, where a fresh process starts.
const NUMBERED = /(?<=["\s.#(:,])zr(\d+)-(?:cls-(\d+))?/g;

function renumber(svg, idFrom, classFrom) {
  return svg.replace(NUMBERED, (_match, id, cls) =>
    `zr${Number(id) - idFrom}-` + (cls === undefined ? "" : `cls-${Number(cls) - classFrom}`));
}

// ECharts' own getter (echarts.js, `opts.ssr`) marks only marks and legend items;
// this one also marks a label by the mark it belongs to (its host).
function ssrData(el) {
  for (let node = el, depth = 0; node && depth < 3; depth += 1) {
    const data = getECData(node);
    if (data && data.dataIndex != null) {
      const meta = createHashMap();
      meta.set("series_index", data.seriesIndex);
      meta.set("data_index", data.dataIndex);
      meta.set("ssr_type", node === el ? data.ssrType || "chart" : "label");
      return meta;
    }
    node = node.__hostTarget || node.parent;
  }
  return undefined;
}

function draw(items) {
  const out = {};
  const classFrom = getClassId() + 1; // the next class's number (this call took one)
  let idFrom = null;
  for (const item of items) {
    const look = item.theme ? theme(palette[item.theme], "inherit") : null;
    const chart = echarts.init(null, look, {
      renderer: "svg",
      ssr: true,
      width: item.width,
      height: item.height,
    });
    registerSSRDataGetter(ssrData);
    idFrom ??= Number(chart.getZr().painter._id.slice(2)); // "zrN": this request's first painter
    chart.setOption(item.option);
    out[item.id] = renumber(chart.renderToSVGString({ useViewBox: Boolean(item.theme) }), idFrom, classFrom);
    chart.dispose();
  }
  return out;
}

if (process.argv.includes("--lines")) {
  // The live preview keeps one process: one JSON list per line in, one JSON object per line out.
  const { createInterface } = await import("node:readline");
  for await (const line of createInterface({ input: process.stdin })) {
    if (!line.trim()) continue;
    let answer;
    try {
      answer = { ok: draw(JSON.parse(line)) };
    } catch (error) {
      answer = { error: String(error && error.stack ? error.stack : error) };
    }
    process.stdout.write(JSON.stringify(answer) + "\n");
  }
} else {
  const chunks = [];
  for await (const chunk of process.stdin) chunks.push(chunk);
  process.stdout.write(JSON.stringify(draw(JSON.parse(Buffer.concat(chunks).toString("utf8")))));
}
