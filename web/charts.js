// Charts of the annual report website: a minimal ECharts plus the code that
// brings the option JSON written by the build (pipeline/charts.py) to life.
//
// Each chart on a page is a container `.chart__canvas[data-chart-option]`
// beside an inert <template> holding its option JSON (not a <script>:
// Material's instant navigation would run it as JavaScript). This file is
// loaded once with `defer`; it initialises containers lazily when they are
// scrolled into view, again after every instant-navigation page change
// (Material's `document$`), and re-themes every chart when the reader toggles
// the light/dark palette. No option ever carries a function: the only
// formatter (tooltips) lives here and escapes everything it shows.

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

echarts.use([
  BarChart, LineChart, AriaComponent, GridComponent, LegendComponent, TitleComponent,
  TooltipComponent, SVGRenderer,
]);

const FONT =
  '-apple-system, BlinkMacSystemFont, "PingFang SC", "Hiragino Sans GB", ' +
  '"Microsoft YaHei", "Noto Sans CJK SC", "Source Han Sans SC", "WenQuanYi Micro Hei", sans-serif';

function theme(p) {
  const axis = {
    axisLine: { lineStyle: { color: p.axis } },
    axisTick: { lineStyle: { color: p.axis } },
    axisLabel: { color: p.text },
    splitLine: { lineStyle: { color: p.grid } },
    nameTextStyle: { color: p.muted },
  };
  return {
    color: p.series,
    backgroundColor: "transparent",
    textStyle: { color: p.text, fontFamily: FONT },
    title: { textStyle: { color: p.text }, subtextStyle: { color: p.muted } },
    legend: { textStyle: { color: p.text }, inactiveColor: p.grid },
    categoryAxis: axis,
    valueAxis: axis,
    bar: { label: { color: p.text } },
    line: { label: { color: p.text } },
    label: { color: p.text },
    tooltip: {
      backgroundColor: p.background,
      borderColor: p.axis,
      textStyle: { color: p.text },
    },
    aria: { decal: { decals: { color: p.decal } } },
  };
}

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

function optionFor(container) {
  const source = document.getElementById(container.getAttribute("data-chart-option"));
  if (!source) return null;
  // A <template> (report pages) or a <script type="application/json"> (embed pages).
  const text = source.content ? source.content.textContent : source.textContent;
  const option = JSON.parse(text);
  option.tooltip = Object.assign({}, option.tooltip, { formatter: tooltip, confine: true });
  return option;
}

function init(container) {
  if (echarts.getInstanceByDom(container)) return;
  const option = optionFor(container);
  if (!option) return;
  const chart = echarts.init(container, THEMES[scheme()], { renderer: "svg" });
  chart.setOption(option);
  container.setAttribute("data-chart-ready", "");
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

const observer =
  "IntersectionObserver" in window
    ? new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (entry.isIntersecting) {
              observer.unobserve(entry.target);
              init(entry.target);
            }
          }
        },
        { rootMargin: "200px 0px" },
      )
    : null;

// Called for the first page and after every instant-navigation page change.
function setup() {
  scrollables();
  for (const chart of Array.from(live)) {
    const dom = chart.getDom();
    if (!dom || !dom.isConnected) dispose(chart);
  }
  for (const container of document.querySelectorAll(".chart__canvas[data-chart-option]")) {
    if (echarts.getInstanceByDom(container)) continue;
    if (observer) observer.observe(container);
    else init(container);
  }
}

// A wide table scrolls sideways inside its box (Material's .md-typeset__scrollwrap). A box
// that scrolls must be reachable by keyboard (WCAG 2.1.1): while it actually scrolls it
// takes the focus, named after its table's caption. Boxes the pages mark themselves
// (tabindex in the markup) are left alone.
function scrollables() {
  let number = 0;
  for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap")) {
    number += 1;
    const marked = wrap.hasAttribute("data-scroll-focus");
    if (!marked && (wrap.hasAttribute("tabindex") ||
        (wrap.parentElement && wrap.parentElement.closest(".md-typeset__scrollwrap[tabindex]")))) {
      continue;
    }
    const scrolls = wrap.scrollWidth > wrap.clientWidth + 1;
    if (scrolls && !marked) {
      const caption = wrap.querySelector("caption");
      wrap.setAttribute("tabindex", "0");
      wrap.setAttribute("role", "region");
      // Named uniquely: a caption, else the table's place on the page.
      const name = caption ? caption.textContent.trim() : `第 ${number} 个表格`;
      wrap.setAttribute("aria-label", `${name}（可左右滚动）`);
      wrap.setAttribute("data-scroll-focus", "");
    } else if (!scrolls && marked) {
      for (const name of ["tabindex", "role", "aria-label", "data-scroll-focus"]) {
        wrap.removeAttribute(name);
      }
    }
  }
}

let resizing = 0;
window.addEventListener("resize", () => {
  clearTimeout(resizing);
  resizing = setTimeout(scrollables, 200);
});

function retheme() {
  const current = THEMES[scheme()];
  for (const chart of live) chart.setTheme(current);
}

// Print: draw every chart, even those never scrolled into view.
window.addEventListener("beforeprint", () => {
  for (const container of document.querySelectorAll(".chart__canvas[data-chart-option]")) {
    init(container);
  }
});

new MutationObserver(retheme).observe(document.body, {
  attributes: true,
  attributeFilter: ["data-md-color-scheme"],
});

// Material's search dialog has no accessible name; give it one (screen readers announce it).
const searchDialog = document.querySelector(".md-search[role=dialog]");
if (searchDialog && !searchDialog.hasAttribute("aria-label")) {
  searchDialog.setAttribute("aria-label", "搜索");
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(setup);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setup);
} else {
  setup();
}
