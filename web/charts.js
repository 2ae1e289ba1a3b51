// The full ECharts (only the chart types and components the site uses), loaded
// on the reader's first interaction with a chart (web/charts-ssr.js), never
// with the page.
//
// It replaces the drawing made at build time by a live chart at the exact
// width of the screen, with tooltips showing the source's wording of each
// value, the legend as the reader left it, and the page's light or dark
// palette (re-themed when the reader toggles it). Embed pages carry the option
// JSON in a <script type="application/json">, the report pages in an inert
// <template> (Material's instant navigation would run a <script> as
// JavaScript). No option ever carries a function: the only formatter
// (tooltips) lives here and escapes everything it shows.

import * as echarts from "echarts/core";
import { BarChart, LineChart } from "echarts/charts";
import {
  AriaComponent,
  GridComponent,
  LegendComponent,
  TitleComponent,
  TooltipComponent,
} from "echarts/components";
import { SVGRenderer } from "echarts/renderers";
import palette from "./palette.json";
import { theme } from "./theme.mjs";

echarts.use([
  BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, TitleComponent,
  TooltipComponent, SVGRenderer,
]);

const THEMES = { light: theme(palette.light), dark: theme(palette.dark) };
const live = new Set();

function scheme() {
  return document.body.getAttribute("data-md-color-scheme") === "slate" ? "dark" : "light";
}

function escapeHtml(value) {
  return String(value == null ? "" : value).replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}

// Tooltip text: the source's wording ("30多所") carried in each data item as `text`.
function tooltip(params) {
  const list = (Array.isArray(params) ? params : [params]).filter(
    (p) => p.data !== null && p.data !== undefined,
  );
  if (!list.length) return "";
  const head = escapeHtml(list[0].axisValueLabel || list[0].name);
  const lines = list.map((p) => {
    const text = p.data && typeof p.data === "object" && "text" in p.data ? p.data.text : p.value;
    const name = list.length > 1 ? `${escapeHtml(p.seriesName)}：` : "";
    return `${p.marker || ""}${name}${escapeHtml(text)}`;
  });
  return [head, ...lines].join("<br>");
}

function optionFor(container, hidden) {
  const source = document.getElementById(container.getAttribute("data-chart-option"));
  if (!source) return null;
  // A <template> (report pages) or a <script type="application/json"> (embed pages).
  const text = source.content ? source.content.textContent : source.textContent;
  const option = JSON.parse(text);
  option.tooltip = Object.assign({}, option.tooltip, { formatter: tooltip, confine: true });
  if (hidden.size && Array.isArray(option.series)) {
    const selected = {};
    option.series.forEach((s, i) => { selected[s.name] = !hidden.has(i); });
    for (const legend of [].concat(option.legend || [])) legend.selected = selected;
  }
  return option;
}

function start(container, hidden) {
  if (echarts.getInstanceByDom(container)) return;
  const option = optionFor(container, hidden || new Set());
  if (!option) return;
  // The drawing made at build time gives way to the live chart, at the same height.
  const drawn = container.querySelector("svg.chart__svg:not([hidden])");
  const height = drawn ? drawn.getBoundingClientRect().height : 0;
  container.style.height = `${Math.round(height) || container.getAttribute("data-height") || 320}px`;
  for (const svg of container.querySelectorAll("svg.chart__svg")) svg.remove();
  container.setAttribute("data-chart-live", "");
  const chart = echarts.init(container, THEMES[scheme()], { renderer: "svg" });
  chart.setOption(option);
  live.add(chart);
  if ("ResizeObserver" in window) {
    const resize = new ResizeObserver(() => chart.resize());
    resize.observe(container);
    chart.__resize = resize;
  }
}

function dispose(chart) {
  if (chart.__resize) chart.__resize.disconnect();
  chart.dispose();
  live.delete(chart);
}

// After an instant-navigation page change: let go of charts no longer on the page.
function prune() {
  for (const chart of Array.from(live)) {
    const dom = chart.getDom();
    if (!dom || !dom.isConnected) dispose(chart);
  }
}

function retheme() {
  const current = THEMES[scheme()];
  for (const chart of live) chart.setTheme(current);
}

new MutationObserver(retheme).observe(document.body, {
  attributes: true,
  attributeFilter: ["data-md-color-scheme"],
});

window.kjjLive = start;
window.kjjLivePrune = prune;
