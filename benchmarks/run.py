"""Every benchmark of the project in one run, printed as one Markdown report.

    python benchmarks/run.py [--rows 10000 100000 1000000] [--runs 3] [--write]

What it measures, side by side (all on a temporary copy of the project; the
repository's own site/ and .build/ are not touched):

1. Build: the full build (`pipeline.build`: validate, figures, charts,
   downloads, pages, MkDocs) from an empty .build/ (cold: charts drawn by
   ECharts in Node, PNGs by resvg), again with nothing changed (no-change rebuild:
   everything is validated and generated again, and MkDocs is not run when nothing it
   reads changed), and after one page's text changed (MkDocs renders again), against a
   bare `mkdocs build` of the very pages the pipeline generated, with the build's own
   configuration and flags. Wall-clock seconds, median of --runs, each in a fresh
   interpreter (the pipeline's bytecode compiled beforehand, as MkDocs' is), and the CPU
   seconds of the full and the bare build.
2. Validation throughput: `python -m pipeline validate` against plain
   `frictionless validate` on generated 10k, 100k and 1M-row tables, rows per
   second after the start-up cost, and peak memory
   (benchmarks/validate_throughput.py).
3. Page weight: every HTML page of the built site loaded in Chromium at
   360 px, charts drawn and hover-interactive (no reader interaction): files
   fetched and their gzip size (what a server sends when it compresses). The
   search index, its worker and word splitters are left out of a page's
   weight (they load after the page) and reported on their own.
4. Lighthouse 12 (npm, benchmarks/package.json; `npm ci --prefix benchmarks`
   installs it) with Debian's Chromium, simulated mobile (Moto G Power, slow
   4G, 4x CPU slowdown): performance, accessibility, best practices and SEO of
   the home page, a chart page and a dataset page, served with gzip from a
   local server; --lighthouse-runs runs of each page, the median reported.

Every section notes the machine's load average (1 minute) when it ran: on a
shared machine the seconds and the Lighthouse scores follow the load.

With --write the report replaces the results between the markers in
docs/guide/performance.md (the page says which command produced it).
Targets: Lighthouse performance >= 98, the other three 100, total blocking
time <= 50 ms; every text-only page <= 80 KB and every chart page <= 150 KB
transferred; a no-change rebuild within 1.2x a bare mkdocs build, a full build
from an empty .build/ within 2x.
"""

from __future__ import annotations

import argparse
import functools
import gzip
import http.server
import io
import json
import os
import platform
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import unquote, urlparse

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "benchmarks"))

from pipeline import browser as chromium  # noqa: E402
from pipeline.paths import REPO, Layout  # noqa: E402

COPIED = ("datasets", "schemas", "docs", "web", "overrides")
CHART_PAGE = "2020/innovation-entities/"
DATASET_PAGE = "data/indicators/"
LIGHTHOUSE_PAGES = (("home", ""), ("chart page", CHART_PAGE), ("dataset page", DATASET_PAGE))
RESULTS_PAGE = REPO.docs / "guide" / "performance.md"
START = "<!-- benchmark-results:start (written by `python benchmarks/run.py --write`; do not edit) -->"
END = "<!-- benchmark-results:end -->"
TARGETS = {"performance": 98, "accessibility": 100, "best-practices": 100, "seo": 100}
TEXT_BUDGET_KB = 80
CHART_BUDGET_KB = 150
TBT_MS = 50
# Search loads after the page and grows with the content: weighed on its own.
SEARCH_FILES = ("search/search_index.json", "assets/javascripts/workers/", "assets/javascripts/lunr/")
WARM_RATIO = 1.2  # no-change rebuild against a bare mkdocs build
COLD_RATIO = 2.0  # full build from an empty .build/ against a bare mkdocs build
EDITED_PAGE = "guide/index.md"  # the page changed for the "one page changed" rebuild


def load_average() -> float:
    """The machine's load average over the last minute (0 where the system has none)."""
    try:
        return float(os.getloadavg()[0])
    except (AttributeError, OSError):
        return 0.0


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def copy_project(dest: Path) -> Layout:
    dest.mkdir(parents=True)
    for name in COPIED:
        shutil.copytree(REPO.root / name, dest / name)
    for name in ("mkdocs.yml", "datapackage.json", "package.json", "package-lock.json"):
        shutil.copy(REPO.root / name, dest / name)
    (dest / "node_modules").symlink_to(REPO.node_modules)
    return Layout(dest)


def env_for(url: str) -> dict[str, str]:
    env = dict(os.environ, SITE_URL=url, NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")
    env["PYTHONPATH"] = str(ROOT)
    return env


def wall(cmd: list[str], env: dict[str, str], cwd: Path) -> float:
    return timed(cmd, env, cwd)[0]


def timed(cmd: list[str], env: dict[str, str], cwd: Path) -> tuple[float, float]:
    """(wall-clock seconds, CPU seconds of the command and every process it started)."""
    import resource

    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{proc.stderr[-3000:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# --------------------------------------------------------------------------- 1. build


def build_command(layout: Layout, pipeline_root: Path = ROOT) -> list[str]:
    """`pipeline.build` on the project copy, in a fresh interpreter (pipeline_root: where
    the pipeline is imported from)."""
    return [sys.executable, "-c",
            "import sys; sys.path.insert(0, sys.argv[2]); from pathlib import Path;"
            " from pipeline import build; from pipeline.paths import Layout;"
            " sys.exit(build.build(Layout(Path(sys.argv[1])), log=lambda *a: None))",
            str(layout.root), str(pipeline_root)]


def bare_command(layout: Layout, out: Path) -> list[str]:
    """A bare `mkdocs build` of the very pages and configuration the build rendered: the
    build's own configuration (.build/mkdocs-build.yml: mkdocs.yml with the navigation it
    derived) and the same flags."""
    return [sys.executable, "-m", "mkdocs", "build", "--strict", "--config-file",
            str(layout.build / "mkdocs-build.yml"), "--site-dir", str(out)]


def compile_pipeline(pipeline_root: Path = ROOT) -> None:
    """The pipeline's bytecode written once, as MkDocs' own is in site-packages: the builds
    measured then load compiled modules even where PYTHONDONTWRITEBYTECODE is set."""
    subprocess.run([sys.executable, "-m", "compileall", "-q", str(pipeline_root / "pipeline")],
                   check=True, capture_output=True)


def bench_build(layout: Layout, url: str, runs: int) -> dict[str, float]:
    """Medians of `runs` rounds of: a full build from an empty .build/ (and no site/), a
    no-change rebuild, a rebuild after one page's text changed, and a bare `mkdocs build`
    of the same pages (bare_command); wall-clock seconds, and CPU seconds of the full build
    and of the bare build."""
    env = env_for(url)
    compile_pipeline()
    full = build_command(layout)
    bare_out = layout.root / "bare-site"
    cold, warm, page, plain, loads = [], [], [], [], [load_average()]
    cold_cpu, bare_cpu = [], []
    edited = layout.docs / EDITED_PAGE
    original = edited.read_text(encoding="utf-8")
    for run in range(runs):
        shutil.rmtree(layout.build, ignore_errors=True)
        shutil.rmtree(layout.site, ignore_errors=True)
        took, cpu = timed(full, env, layout.root)
        cold.append(took)
        cold_cpu.append(cpu)
        warm.append(wall(full, env, layout.root))
        edited.write_text(original + f"\n（第 {run + 1} 次改动）\n", encoding="utf-8")
        page.append(wall(full, env, layout.root))
        shutil.rmtree(bare_out, ignore_errors=True)
        took, cpu = timed(bare_command(layout, bare_out), env, layout.root)
        plain.append(took)
        bare_cpu.append(cpu)
    edited.write_text(original, encoding="utf-8")
    wall(full, env, layout.root)  # the site measured next is the repository's own pages
    loads.append(load_average())
    return {"cold": statistics.median(cold), "warm": statistics.median(warm),
            "page": statistics.median(page), "bare": statistics.median(plain),
            "cold_cpu": statistics.median(cold_cpu), "bare_cpu": statistics.median(bare_cpu),
            "load": max(loads)}


# --------------------------------------------------------------------------- 2. validation


def bench_validate(sizes: list[int]) -> dict[str, object]:
    import validate_throughput as vt

    return vt.measure(sizes, log=lambda *a: print(*a, file=sys.stderr))


# --------------------------------------------------------------------------- a static server with gzip


class Gzipped(http.server.SimpleHTTPRequestHandler):
    """Static files, gzip-compressed when the client accepts it (as any production server)."""

    COMPRESS = (".html", ".css", ".js", ".json", ".svg", ".xml", ".txt", ".csv", ".map")

    def log_message(self, *args):  # noqa: D102
        pass

    def send_head(self):  # noqa: D102
        path = Path(self.translate_path(self.path))
        if path.is_dir():
            if not self.path.split("?")[0].endswith("/"):
                return super().send_head()
            path = path / "index.html"
        if (path.suffix not in self.COMPRESS or not path.is_file()
                or "gzip" not in self.headers.get("Accept-Encoding", "")):
            return super().send_head()
        body = gzip.compress(path.read_bytes(), compresslevel=6)
        self.send_response(200)
        self.send_header("Content-Type", self.guess_type(str(path)))
        self.send_header("Content-Encoding", "gzip")
        self.send_header("Content-Length", str(len(body)))
        self.send_header("Cache-Control", "max-age=600")
        self.end_headers()
        return io.BytesIO(body)


def serve(site: Path, port: int) -> http.server.ThreadingHTTPServer:
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", port), functools.partial(Gzipped, directory=site))
    threading.Thread(target=httpd.serve_forever, daemon=True).start()
    return httpd


# --------------------------------------------------------------------------- 3. page weight


def html_pages(site: Path) -> list[str]:
    out = []
    for html in sorted(site.rglob("*.html")):
        rel = html.relative_to(site).as_posix()
        out.append(rel[: -len("index.html")] if html.name == "index.html" else rel)
    return out


def bench_weight(site: Path, base: str) -> list[dict[str, object]]:
    rows = []
    with chromium.launch() as browser:
        for path in html_pages(site):
            context = browser.new_context(viewport={"width": 360, "height": 740})
            page = context.new_page()
            requests: list[str] = []
            page.on("request", lambda r, seen=requests: seen.append(r.url))
            page.goto(base + path, wait_until="load")
            canvases = page.locator(".chart__canvas")
            for i in range(canvases.count()):
                canvases.nth(i).scroll_into_view_if_needed()
                page.wait_for_selector(f":nth-match(.chart__canvas, {i + 1})[data-chart-ready] svg",
                                       state="attached")
            page.wait_for_timeout(1200)  # the search index loads after the page
            files: dict[Path, int] = {}
            search: dict[Path, int] = {}
            for url in requests:
                rel = unquote(urlparse(url).path).lstrip("/")
                target = site / rel
                if not rel or rel.endswith("/") or target.is_dir():
                    target = target / "index.html"
                into = search if rel.startswith(SEARCH_FILES) else files
                if target.is_file() and target not in into:
                    into[target] = len(gzip.compress(target.read_bytes(), compresslevel=6))
            html = site / (path + "index.html" if not path or path.endswith("/") else path)
            rows.append({"page": "/" + path, "charts": canvases.count(), "files": len(files),
                         "html": len(gzip.compress(html.read_bytes(), compresslevel=6)),
                         "total": sum(files.values()), "search": sum(search.values()),
                         "full_echarts": any(f.name == "charts.js" for f in files)})
            context.close()
    return rows


# --------------------------------------------------------------------------- 4. Lighthouse


def lighthouse_bin() -> Path:
    binary = ROOT / "benchmarks" / "node_modules" / ".bin" / "lighthouse"
    if not binary.exists():
        subprocess.run(["npm", "ci", "--prefix", str(ROOT / "benchmarks"), "--no-audit", "--no-fund",
                        "--loglevel=error"], check=True)
    return binary


def bench_lighthouse_runs(base: str, out_dir: Path, runs: int) -> list[dict[str, object]]:
    """bench_lighthouse `runs` times; per page the run with the median performance score,
    with every run's score and total blocking time and the load average around the runs."""
    found: dict[str, list[dict[str, object]]] = {}
    for _ in range(runs):
        before = load_average()
        for row in bench_lighthouse(base, out_dir):
            row["load"] = max(before, load_average())
            found.setdefault(str(row["page"]), []).append(row)
    rows = []
    for tried in found.values():
        ordered = sorted(tried, key=lambda r: (r["scores"]["performance"], -(r["tbt_ms"] or 0)))
        chosen = dict(ordered[(len(ordered) - 1) // 2])
        chosen["runs"] = [(r["scores"]["performance"], r["tbt_ms"], r["load"]) for r in tried]
        chosen["tbt_ms"] = statistics.median(r["tbt_ms"] or 0 for r in tried)
        rows.append(chosen)
    return rows


def bench_lighthouse(base: str, out_dir: Path) -> list[dict[str, object]]:
    binary = lighthouse_bin()
    rows = []
    for name, path in LIGHTHOUSE_PAGES:
        report = out_dir / f"lighthouse-{name.replace(' ', '-')}.json"
        flags = " ".join(["--headless=new", *chromium.ARGS])
        subprocess.run(
            [str(binary), base + path, "--quiet", "--output=json", f"--output-path={report}",
             "--only-categories=performance,accessibility,best-practices,seo",
             "--form-factor=mobile", "--throttling-method=simulate", f"--chrome-flags={flags}"],
            check=True, env=dict(os.environ, CHROME_PATH=chromium.executable()),
        )
        data = json.loads(report.read_text(encoding="utf-8"))
        scores = {k: round((v.get("score") or 0) * 100) for k, v in data["categories"].items()}
        audits = data["audits"]
        failing = sorted(
            f"{cat}: {ref['id']}"
            for cat, v in data["categories"].items()
            for ref in v["auditRefs"]
            if ref.get("weight") and audits[ref["id"]].get("score") not in (None, 1)
            and audits[ref["id"]].get("scoreDisplayMode") in ("binary", "numeric", "metricSavings")
        )
        metrics = {k: audits[k]["displayValue"] for k in (
            "first-contentful-paint", "largest-contentful-paint", "total-blocking-time",
            "cumulative-layout-shift", "speed-index") if k in audits}
        rows.append({"page": name, "path": "/" + path, "scores": scores, "metrics": metrics,
                     "failing": failing,
                     "tbt_ms": audits.get("total-blocking-time", {}).get("numericValue"),
                     "transfer": audits.get("total-byte-weight", {}).get("numericValue", 0)})
    return rows


# --------------------------------------------------------------------------- report


def report(build: dict, validate: dict, weight: list, lighthouse: list, command: str,
           editions: int = 1) -> str:
    out = []
    cpu = os.cpu_count()
    # No date here: the page is part of the site, whose build carries no date from the clock.
    out.append(f"Measured with `{command}` on {platform.system()} {platform.machine()}, "
               f"{cpu} CPU cores, Python {platform.python_version()}.\n")
    out.append(f"\n### Build\n\nLoad average during the runs: up to {build['load']:.1f} "
               f"(on {cpu} cores).\n\n"
               "| run | seconds | against bare `mkdocs build` |\n|---|---:|---:|\n")
    for key, label in (("cold", "full build, empty .build/ (chart images drawn)"),
                       ("warm", "no-change rebuild (validated and generated again; MkDocs not run)"),
                       ("page", "rebuild after one page's text changed (MkDocs renders again)"),
                       ("bare", "bare `mkdocs build` of the same generated pages")):
        ratio = build[key] / build["bare"]
        out.append(f"| {label} | {build[key]:.2f} | {ratio:.2f}x |\n")
    if "cold_cpu" in build:
        out.append(f"\nCPU seconds (every process of the run): full build {build['cold_cpu']:.2f}, "
                   f"bare `mkdocs build` {build['bare_cpu']:.2f} "
                   f"({build['cold_cpu'] / build['bare_cpu']:.2f}x). The full build runs Node, "
                   "esbuild and MkDocs beside Python, so on more than one core its wall-clock "
                   "time is less than its CPU time.\n")
    import validate_throughput as vt

    out.append("\n### Validation throughput\n\n" + vt.markdown(validate))
    out.append("\n### Lighthouse, simulated mobile\n\n"
               + ", ".join(f"{r['page']}: `{r['path']}`" for r in lighthouse) + ". "
               + "The run with the median performance score of each page; every run "
               "(performance / total blocking time / load average):\n\n"
               + "".join(f"- {r['page']}: " + ", ".join(
                   f"{perf} / {tbt:.0f} ms / {load:.1f}" for perf, tbt, load in r.get("runs", []))
                   + "\n" for r in lighthouse)
               + "\n"
               "| page | performance | accessibility | best practices | SEO |\n"
               "|---|---:|---:|---:|---:|\n")
    for r in lighthouse:
        s = r["scores"]
        out.append(f"| {r['page']} | {s.get('performance')} | {s.get('accessibility')} | "
                   f"{s.get('best-practices')} | {s.get('seo')} |\n")
    out.append("\n| page | FCP | LCP | TBT | CLS | transferred |\n|---|---:|---:|---:|---:|---:|\n")
    for r in lighthouse:
        m = r["metrics"]
        out.append(f"| {r['page']} | {m.get('first-contentful-paint', '')} | "
                   f"{m.get('largest-contentful-paint', '')} | {m.get('total-blocking-time', '')} | "
                   f"{m.get('cumulative-layout-shift', '')} | {r['transfer'] / 1024:.0f} KB |\n")
    out.append("\n### Page weight (360 px, charts drawn and hover-interactive, gzip)\n\n"
               "Everything each page loads before any reader interaction, search excepted "
               "(it loads after the page; below).\n\n"
               "| page | charts | files | HTML (KB) | everything (KB) |\n|---|---:|---:|---:|---:|\n")
    for r in weight:
        out.append(f"| `{r['page']}` | {r['charts']} | {r['files']} | {r['html'] / 1024:.1f} | "
                   f"{r['total'] / 1024:.1f} |\n")
    searched = max((r["search"] for r in weight), default=0)
    out.append(f"\nSearch, fetched after the page has loaded (index, worker and word splitters), "
               f"with {editions} edition(s) of the report: {searched / 1024:.1f} KB gzip. "
               "It grows with the content.\n")
    out.append("\n### Targets\n\n")
    out.extend(f"- {line}\n" for line in targets(build, weight, lighthouse) + vt.targets(validate))
    return "".join(out)


def targets(build: dict, weight: list, lighthouse: list) -> list[str]:
    lines = []
    for r in lighthouse:
        for cat, goal in TARGETS.items():
            got = r["scores"].get(cat)
            status = "met" if got is not None and got >= goal else "NOT met"
            extra = ""
            if status != "met":
                extra = " (failing audits: " + ", ".join(
                    f for f in r["failing"] if f.startswith(cat + ":")) + ")"
            lines.append(f"Lighthouse {cat} of the {r['page']}: {got} (target {goal}): {status}{extra}")
    for r in lighthouse:
        tbt = r.get("tbt_ms")
        if tbt is not None:
            lines.append(f"total blocking time of the {r['page']}: {tbt:.0f} ms (target {TBT_MS} ms): "
                         + ("met" if tbt <= TBT_MS else "NOT met"))
    text = [r for r in weight if not r["charts"]]
    charted = [r for r in weight if r["charts"]]
    for group, budget, label in ((text, TEXT_BUDGET_KB, "text-only"), (charted, CHART_BUDGET_KB, "chart")):
        if not group:
            continue
        heaviest = max(group, key=lambda r: r["total"])
        kb = heaviest["total"] / 1024
        over = [r["page"] for r in group if r["total"] / 1024 > budget]
        lines.append(f"heaviest {label} page `{heaviest['page']}`: {kb:.1f} KB (target {budget} KB "
                     f"for every {label} page): " + ("met" if not over else f"NOT met ({', '.join(over)})"))
    eager = [r["page"] for r in weight if r.get("full_echarts")]
    lines.append("full ECharts loaded before any reader interaction: "
                 + (", ".join(eager) if eager else "on no page"))
    for key, label, goal in (("warm", "no-change rebuild", WARM_RATIO),
                             ("cold", "full build from an empty .build/", COLD_RATIO)):
        ratio = build[key] / build["bare"]
        lines.append(f"{label}: {ratio:.2f}x a bare mkdocs build (target {goal}x): "
                     + ("met" if ratio <= goal else "NOT met"))
    return lines


def write_results(text: str) -> None:
    page = RESULTS_PAGE.read_text(encoding="utf-8")
    before, _, rest = page.partition(START)
    _, found, after = rest.partition(END)
    if not found:
        raise SystemExit(f"{RESULTS_PAGE}: markers not found")
    RESULTS_PAGE.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--rows", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    parser.add_argument("--runs", type=int, default=3, help="build runs (median)")
    parser.add_argument("--lighthouse-runs", type=int, default=3, help="Lighthouse runs per page (median)")
    parser.add_argument("--write", action="store_true", help="write the results into the docs page")
    parser.add_argument("--growth", action="store_true",
                        help="also the growth benchmark (benchmarks/growth.py; many minutes)")
    args = parser.parse_args()
    command = "python benchmarks/run.py" + (f" --rows {' '.join(map(str, args.rows))}"
                                            if args.rows != [10_000, 100_000, 1_000_000] else "") \
        + (f" --runs {args.runs}" if args.runs != 3 else "") + (" --growth" if args.growth else "") \
        + (f" --lighthouse-runs {args.lighthouse_runs}" if args.lighthouse_runs != 3 else "") \
        + (" --write" if args.write else "")
    try:
        chromium.executable()
    except chromium.MissingBrowser as exc:
        raise SystemExit(str(exc)) from exc
    port = free_port()
    base = f"http://127.0.0.1:{port}/"
    with tempfile.TemporaryDirectory(prefix="kjj-bench-") as tmp:
        layout = copy_project(Path(tmp) / "project")
        print("build ...", file=sys.stderr)
        build = bench_build(layout, base, args.runs)
        httpd = serve(layout.site, port)
        try:
            print("page weight ...", file=sys.stderr)
            weight = bench_weight(layout.site, base)
            print("lighthouse ...", file=sys.stderr)
            lighthouse = bench_lighthouse_runs(base, Path(tmp), args.lighthouse_runs)
        finally:
            httpd.shutdown()
        print("validation ...", file=sys.stderr)
        validate = bench_validate(args.rows)
    import growth as growth_bench
    import preview as preview_bench

    refresh = preview_bench.measure(args.runs, log=lambda *a: print(*a, file=sys.stderr))
    grown = (growth_bench.run(growth_bench.EDITIONS, growth_bench.DATASETS, growth_bench.ROWS)
             if args.growth else [])
    editions = len([p for p in (REPO.docs).iterdir() if p.is_dir() and p.name.isdigit()])
    text = report(build, validate, weight, lighthouse, command, editions)
    text += "\n### Preview\n\n" + preview_bench.markdown(refresh)
    text += "".join(f"- {line}\n" for line in preview_bench.targets(refresh))
    print(text)
    if args.write:
        write_results(text)
    if grown:  # a section of its own on the page (growth markers), as growth.py --write writes it
        grown_text = growth_bench.section(grown, growth_bench.growth_command(
            growth_bench.EDITIONS, growth_bench.DATASETS, growth_bench.ROWS))
        print(grown_text)
        if args.write:
            growth_bench.write_results(grown_text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
