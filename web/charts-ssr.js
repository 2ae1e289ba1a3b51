// Interaction for the charts drawn at build time, loaded by site.js when a
// chart comes near the viewport.
//
// ECharts' lightweight SSR client (echarts/ssr/client) reports which series
// and data item the pointer is on, from the ecmeta_* marks the build wrote
// into the SVG (pipeline/chart_svg.mjs). With it: hovering a bar, point, label
// or legend item brings its series forward (the others fade; the hovered mark
// itself is emphasised by the SVG's own CSS), and clicking a legend item hides
// or shows its series. The full ECharts (charts.js: tooltips with the values,
// the chart redrawn at the screen's exact width) is loaded on the reader's
// first real interaction with a chart: resting the mouse on it, or a tap.

import { hydrate as ssrHydrate } from "echarts/ssr/client/index";

const hidden = new WeakMap(); // container -> Set of hidden series indexes
const DWELL = 400; // ms the mouse rests on a chart before the full chart loads

function marks(svg, series) {
  return svg.querySelectorAll(`[ecmeta_series_index="${series}"]:not([ecmeta_ssr_type="legend"])`);
}

function focus(svg, series) {
  svg.classList.toggle("is-focusing", series !== null);
  for (const el of svg.querySelectorAll("[ecmeta_series_index]")) {
    const own = series !== null && el.getAttribute("ecmeta_series_index") === String(series);
    el.classList.toggle("is-focus", own);
  }
}

function toggle(container, svg, series) {
  const off = hidden.get(container) || new Set();
  hidden.set(container, off);
  if (off.has(series)) off.delete(series);
  else off.add(series);
  // Both drawings of the chart (narrow and wide screens) follow the legend.
  for (const drawing of container.querySelectorAll("svg.chart__svg")) {
    for (const el of marks(drawing, series)) el.classList.toggle("is-hidden", off.has(series));
    for (const el of drawing.querySelectorAll(
      `[ecmeta_series_index="${series}"][ecmeta_ssr_type="legend"]`)) {
      el.classList.toggle("is-off", off.has(series));
    }
  }
}

function live(container) {
  if (container.hasAttribute("data-chart-live")) return;
  window.kjjSite.load("charts.js").then(() => {
    window.kjjLive(container, hidden.get(container) || new Set());
  }, () => {});
}

function hydrate(container) {
  if (container.hasAttribute("data-chart-ready")) return;
  for (const svg of container.querySelectorAll("svg.chart__svg")) {
    // The client takes the first <svg> of the node it is given: give it each drawing.
    ssrHydrate({ querySelector: () => svg }, {
      on: {
        mouseover: (p) => p.seriesIndex !== undefined && focus(svg, p.seriesIndex),
        mouseout: () => focus(svg, null),
        click: (p) => {
          if (p.ssrType === "legend" && p.seriesIndex !== undefined) {
            toggle(container, svg, p.seriesIndex);
          }
        },
      },
    });
  }
  let timer = 0;
  container.addEventListener("pointerenter", (event) => {
    if (event.pointerType === "mouse") timer = setTimeout(() => live(container), DWELL);
  });
  container.addEventListener("pointerleave", () => clearTimeout(timer));
  container.addEventListener("pointerdown", (event) => {
    const type = event.target && event.target.getAttribute && event.target.getAttribute("ecmeta_ssr_type");
    if (type !== "legend") live(container);
  });
  container.setAttribute("data-chart-ready", "");
}

window.kjjCharts = {
  hydrate,
  prune() {
    if (window.kjjLivePrune) window.kjjLivePrune();
  },
};
