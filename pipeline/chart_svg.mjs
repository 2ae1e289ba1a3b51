// Server-side SVG of each chart, for the image downloads (pipeline/chart_exports.py).
//
// Reads a JSON list of {id, width, height, option} on stdin and writes a JSON
// object {id: svg} on stdout. ECharts renders without a browser here, so text
// is measured by its built-in estimate rather than by installed fonts: the
// same option gives the same SVG on every machine. Chinese text stays text.
import * as echarts from "echarts";

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const items = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const out = {};
for (const item of items) {
  const chart = echarts.init(null, null, {
    renderer: "svg",
    ssr: true,
    width: item.width,
    height: item.height,
  });
  chart.setOption(item.option);
  out[item.id] = chart.renderToSVGString();
  chart.dispose();
}
process.stdout.write(JSON.stringify(out));
