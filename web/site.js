// Every page of the website: a few lines, loaded once with `defer`.
//
// - Charts are drawn at build time as SVG inside the page (pipeline/chart_svg.mjs),
//   so they read without any script. When a chart comes near the viewport this
//   file loads charts-ssr.js (ECharts' lightweight SSR client: hover emphasis and
//   legend toggles); pages without charts never load any chart code. The full
//   ECharts (charts.js, tooltips with values) waits for the reader's first
//   interaction with a chart (charts-ssr.js asks for it through `load`).
// - Wide tables that scroll sideways take the keyboard focus while they scroll.
// - Material's search dialog gets an accessible name.
//
// Runs again after every instant-navigation page change (Material's `document$`), each time in
// a task of its own after Material's.

const here = document.currentScript ? document.currentScript.src : "";
const base = here.slice(0, here.lastIndexOf("/") + 1);
const loading = {};

// Load one of the site's scripts (assets/javascripts/NAME) once.
function load(name) {
  if (!loading[name]) {
    loading[name] = new Promise((resolve, reject) => {
      const script = document.createElement("script");
      script.src = base + name;
      script.async = true;
      script.onload = resolve;
      script.onerror = () => {
        delete loading[name];
        reject(new Error(`${name} did not load`));
      };
      document.head.appendChild(script);
    });
  }
  return loading[name];
}

window.kjjSite = { load };

function hydrate(container) {
  load("charts-ssr.js").then(() => window.kjjCharts.hydrate(container), () => {});
}

const observer =
  "IntersectionObserver" in window
    ? new IntersectionObserver(
        (entries) => {
          for (const entry of entries) {
            if (entry.isIntersecting) {
              observer.unobserve(entry.target);
              hydrate(entry.target);
            }
          }
        },
        { rootMargin: "200px 0px" },
      )
    : null;

function charts() {
  if (observer) observer.disconnect();
  for (const container of document.querySelectorAll(".chart__canvas[data-chart-option]")) {
    if (container.hasAttribute("data-chart-ready")) continue;
    if (observer) observer.observe(container);
    else hydrate(container);
  }
}

// A wide table scrolls sideways inside its box (Material's .md-typeset__scrollwrap). A box
// that scrolls must be reachable by keyboard (WCAG 2.1.1): while it actually scrolls it
// takes the focus, named after its table's caption. Boxes the pages mark themselves
// (tabindex in the markup) are left alone. Each box is looked at when the browser has
// laid it out (ResizeObserver), so measuring it forces no extra layout while the page
// loads, and again whenever its size changes.
// All boxes are measured first, then marked: measuring after a change would force a layout.
function mark(wraps) {
  const scrolling = wraps.map((wrap) => wrap.scrollWidth > wrap.clientWidth + 1);
  wraps.forEach((wrap, i) => apply(wrap, scrolling[i]));
}

function apply(wrap, scrolls) {
  const marked = wrap.hasAttribute("data-scroll-focus");
  if (scrolls && !marked) {
    const caption = wrap.querySelector("caption");
    wrap.setAttribute("tabindex", "0");
    wrap.setAttribute("role", "region");
    // Named uniquely: a caption, else the table's place on the page.
    const name = caption ? caption.textContent.trim() : `第 ${wrap.kjjNumber} 个表格`;
    wrap.setAttribute("aria-label", `${name}（可左右滚动）`);
    wrap.setAttribute("data-scroll-focus", "");
  } else if (!scrolls && marked) {
    for (const name of ["tabindex", "role", "aria-label", "data-scroll-focus"]) {
      wrap.removeAttribute(name);
    }
  }
}

// A box not laid out (size 0: inside content the browser skips while it is off the screen,
// see content-visibility in extra.css) is left until it is: measuring it would force its
// layout, and the observer reports it again once it has a size.
const sizes = "ResizeObserver" in window
  ? new ResizeObserver((entries) => mark(entries
    .filter((entry) => entry.contentRect.width > 0 || entry.contentRect.height > 0)
    .map((entry) => entry.target)))
  : null;

function scrollables() {
  if (sizes) sizes.disconnect();
  let number = 0;
  const wraps = [];
  for (const wrap of document.querySelectorAll(".md-typeset__scrollwrap")) {
    number += 1;
    wrap.kjjNumber = number;
    if (!wrap.hasAttribute("data-scroll-focus") && (wrap.hasAttribute("tabindex") ||
        (wrap.parentElement && wrap.parentElement.closest(".md-typeset__scrollwrap[tabindex]")))) {
      continue;
    }
    wraps.push(wrap);
    if (sizes) sizes.observe(wrap);
  }
  if (!sizes) mark(wraps);
}

// Material's search dialog has no accessible name; give it one (screen readers announce it).
const searchDialog = document.querySelector(".md-search[role=dialog]");
if (searchDialog && !searchDialog.hasAttribute("aria-label")) {
  searchDialog.setAttribute("aria-label", "搜索");
}

function setup() {
  scrollables();
  charts();
  if (window.kjjCharts) window.kjjCharts.prune();
}

// Material announces each page (document$) inside its own long start-up task; our setup
// runs in a task of its own right after it, so that it does not make that task longer.
function soon() {
  setTimeout(setup, 0);
}

if (window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(soon);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setup);
} else {
  setup();
}
