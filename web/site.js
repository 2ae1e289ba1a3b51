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
// - Material's own script (the theme: navigation without reloads, search, the palette toggle,
//   the table of contents following the reader) starts at the reader's first interaction with
//   the page, not while it loads (see `startTheme` below).
// - Search's index and worker are fetched only once the page has loaded, or as soon as the
//   reader opens search (see `holdSearch`), never while the page itself is still loading.
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

// A wide table scrolls sideways inside its box (Material's .md-typeset__scrollwrap, which
// Material's script puts around each table; until that script runs, the table itself is the
// box). A box that scrolls must be reachable by keyboard (WCAG 2.1.1): while it actually
// scrolls it takes the focus, named after its table's caption (a table keeps its own role). Boxes the pages mark themselves
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
    wrap.setAttribute("data-scroll-focus", "");
    if (wrap.tagName === "CODE") return; // a code block is focusable as Material makes it
    if (wrap.tagName !== "TABLE") wrap.setAttribute("role", "region");
    // Named uniquely: a caption, else the table's place on the page.
    const name = caption ? caption.textContent.trim() : `第 ${wrap.kjjNumber} 个表格`;
    wrap.setAttribute("aria-label", `${name}（可左右滚动）`);
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
  const boxes = ".md-typeset__scrollwrap, .md-typeset table:not([class]), .md-typeset pre > code";
  for (const wrap of document.querySelectorAll(boxes)) {
    if (wrap.tagName === "TABLE" && wrap.closest(".md-typeset__table")) {
      apply(wrap, false); // wrapped by now: its wrapper is the box
      continue;
    }
    if (wrap.tagName !== "CODE") number += 1; // tables are numbered, code blocks are not
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

// ---------------------------------------------------------------------------- the theme
//
// The page reads fully without Material's script: the text, the charts, the menus (they
// open with CSS) and the links all work. Running it while the page loads would keep a slow
// phone busy for a few hundred milliseconds before the reader could scroll or tap, so the
// page template leaves it as <script id="__theme" type="text/plain" data-src>: it is fetched
// once the page has loaded (a prefetch, when the network is idle) and starts at the reader's
// first interaction: a touch, a click, a key, the mouse,
// the wheel, a scroll or the keyboard focus. Material waits for DOMContentLoaded before it
// takes over the page, so that event is announced again once its script has run.
// What the reader did before the theme could answer is done again once it can: a palette or
// search toggle changed, a key pressed outside a text field.

const INTERACTIONS = [
  "pointerdown", "touchstart", "click", "keydown", "mousemove", "wheel", "scroll", "focusin",
];
const themeTag = document.getElementById("__theme");
const themeSrc = themeTag ? new URL(themeTag.getAttribute("data-src"), document.baseURI).href : "";
const early = { changes: new Set(), keys: [] };
let themeStarted = !themeSrc;

function editable(target) {
  return target instanceof Element &&
    (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

function remember(event) {
  if (themeStarted && window.document$) return;
  const target = event.target;
  if (event.type === "change" && target instanceof HTMLInputElement &&
      (target.name === "__palette" || target.id === "__search")) {
    early.changes.add(target);
  } else if (event.type === "keydown" && !editable(target)) {
    early.keys.push(event);
  }
}

function replay() {
  for (const input of early.changes) {
    if (input.checked || input.id === "__search") input.dispatchEvent(new Event("change", { bubbles: true }));
  }
  for (const key of early.keys) {
    (key.target instanceof Node && key.target.isConnected ? key.target : document.body).dispatchEvent(
      new KeyboardEvent("keydown", {
        key: key.key, code: key.code, bubbles: true, cancelable: true,
        ctrlKey: key.ctrlKey, metaKey: key.metaKey, altKey: key.altKey, shiftKey: key.shiftKey,
      }));
  }
  early.changes.clear();
  early.keys = [];
}

function startTheme() {
  if (themeStarted) return;
  themeStarted = true;
  for (const type of INTERACTIONS) window.removeEventListener(type, startTheme, true);
  const script = document.createElement("script");
  script.src = themeSrc;
  script.onload = () => {
    document.dispatchEvent(new Event("DOMContentLoaded"));
    if (window.document$ && typeof window.document$.subscribe === "function") {
      window.document$.subscribe(soon);
    }
    replay();
    document.documentElement.classList.remove("theme-pending");
    document.documentElement.setAttribute("data-theme-ready", "");
  };
  document.body.appendChild(script);
}

// Material asks for search's index (XMLHttpRequest) and starts its worker as soon as its
// script runs: both wait for a gate that opens when the page has loaded or the reader opens
// search. Only possible before the theme has started: where it ran as the page loaded, search
// loads as Material loads it.
function holdSearch() {
  let open;
  const gate = new Promise((resolve) => { open = resolve; });
  if (document.readyState === "complete") setTimeout(open, 0);
  else window.addEventListener("load", () => setTimeout(open, 0), { once: true });
  document.addEventListener("focusin", (e) => {
    if (e.target instanceof Element && e.target.closest(".md-search")) open();
  });
  document.addEventListener("change", (e) => {
    if (e.target instanceof Element && e.target.id === "__search") open();
  });
  const { open: open0, send: send0 } = XMLHttpRequest.prototype;
  XMLHttpRequest.prototype.open = function (method, url, ...rest) {
    this.kjjHeld = /\/search\/search_index\.json$/.test(String(url));
    return open0.call(this, method, url, ...rest);
  };
  XMLHttpRequest.prototype.send = function (...args) {
    if (!this.kjjHeld) return send0.apply(this, args);
    gate.then(() => send0.apply(this, args));
    return undefined;
  };
  const Worker0 = window.Worker;
  // The search worker: a stand-in that starts the real one when the gate opens and passes
  // messages both ways (Material only posts messages and listens for them).
  window.Worker = function (url, options) {
    if (!/\/workers\/search\.[^/]*\.js/.test(String(url))) return new Worker0(url, options);
    let queue = [], listeners = [], real = null;
    gate.then(() => {
      real = new Worker0(url, options);
      for (const l of listeners) real.addEventListener(...l);
      for (const m of queue) real.postMessage(...m);
      queue = null;
    });
    this.postMessage = (m, t) => (real ? real.postMessage(m, t) : queue.push([m, t]));
    this.addEventListener = (type, fn, o) =>
      real ? real.addEventListener(type, fn, o) : listeners.push([type, fn, o]);
    this.removeEventListener = (type, fn, o) => {
      if (real) real.removeEventListener(type, fn, o);
      listeners = listeners.filter((l) => l[0] !== type || l[1] !== fn);
    };
    this.terminate = () => real && real.terminate();
  };
}

if (themeStarted) {
  document.documentElement.classList.remove("theme-pending"); // the theme ran as the page loaded
} else {
  holdSearch();
  for (const type of INTERACTIONS) {
    window.addEventListener(type, startTheme, { capture: true, passive: true });
  }
  document.addEventListener("change", remember, true);
  document.addEventListener("keydown", remember, true);
  const prefetch = () => {
    const link = document.createElement("link");
    link.rel = "prefetch";
    link.as = "script";
    link.href = themeSrc;
    document.head.appendChild(link);
  };
  if (document.readyState === "complete") prefetch();
  else window.addEventListener("load", prefetch, { once: true });
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

if (themeStarted && window.document$ && typeof window.document$.subscribe === "function") {
  window.document$.subscribe(soon);
} else if (document.readyState === "loading") {
  document.addEventListener("DOMContentLoaded", setup);
} else {
  setup();
}
