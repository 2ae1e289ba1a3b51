"""Growth: how build time, validate time, page weight and search index grow with the data.

    python benchmarks/growth.py [--editions 1 10] [--datasets 0 10 50] [--rows 10000] [--write]

Each point is a generated project (a temporary copy of this one, never the
repository itself):
- EDITIONS editions: the project's own, then made-up ones for the years after
  it, each added as staff add a year (tests/madeup.py, the test suite's made-up
  edition): its own source document in datasets/sources.csv, a row for every
  indicator with that year's (invented) figure, and the pages `new-year` drafts,
  written and published. Charts that show several years grow with them;
- DATASETS extra datasets of ROWS made-up rows each, with the indicators schema
  and metadata.

For each point, in a fresh process each: `python -m pipeline validate`, the full
build from an empty .build/ (and with --rebuild a no-change rebuild), each in
wall seconds and in CPU seconds of the process and all it starts (on a loaded
machine the steadier figure); then
from the built site without a browser: every page's weight (the HTML with every
stylesheet and script it links, plus the chart script a page with charts loads,
gzip) against its budget (a text page 80 KB, a chart page 150 KB, as the browser
tests hold them), and the search index (search/search_index.json, raw and gzip).
Prints a Markdown table and the growth ratios; --write puts them on the
performance page (docs/guide/performance.md, between the growth markers), as
`benchmarks/run.py --growth --write` does.
"""

from __future__ import annotations

import argparse
import gzip
import json
import os
import platform
import re
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import yaml  # noqa: E402

from pipeline import package  # noqa: E402
from pipeline.paths import REPO, Layout  # noqa: E402
from tests import madeup  # noqa: E402  (the made-up editions of the test suite)

COPIED = ("datasets", "schemas", "docs", "web", "overrides")
ROW = ("g{d:02d}-{i:06d},{year},innovation-entities,生成指标,Generated indicator,{value},,,家,units,false,,"
       "{source},生成数据,\n")
EDITIONS, DATASETS, ROWS = [1, 10], [0, 10, 50], 10_000  # the points the issue asks for (every combination)
EDITION_RATIO = 3  # the build for 10 editions at most 3x the build for one
TEXT_BUDGET_KB = 80
CHART_BUDGET_KB = 150
RESULTS_PAGE = REPO.docs / "guide" / "performance.md"
START = "<!-- growth-results:start (written by `python benchmarks/growth.py --write`; do not edit) -->"
END = "<!-- growth-results:end -->"


def make_project(where: Path, editions: int, datasets: int, rows: int) -> Layout:
    where.mkdir(parents=True)
    for name in COPIED:
        shutil.copytree(REPO.root / name, where / name)
    for name in ("mkdocs.yml", "package.json", "package-lock.json", "LICENSE-data"):
        if (REPO.root / name).exists():
            shutil.copy(REPO.root / name, where / name)
    (where / "node_modules").symlink_to(REPO.node_modules)
    layout = Layout(where)
    for _ in range(editions - 1):
        madeup.add_edition(layout, package_json=False)
    schema = yaml.safe_load(REPO.schema("indicators").read_text(encoding="utf-8"))
    meta = yaml.safe_load(REPO.meta("indicators").read_text(encoding="utf-8"))
    meta.pop("consistency", None)  # its rules and charts name the real indicators
    meta.pop("charts", None)
    header = REPO.csv("indicators").read_text(encoding="utf-8").splitlines()[0] + "\n"
    source = next(line.split(",", 1)[0] for line in REPO.csv("sources").read_text(
        encoding="utf-8").splitlines()[1:])
    first = min(int(p.name) for p in REPO.docs.iterdir() if p.name.isdigit())
    for d in range(datasets):
        name = f"generated-{d:02d}"
        layout.schema(name).write_text(yaml.safe_dump(schema, allow_unicode=True), encoding="utf-8")
        meta_d = dict(meta, title=f"生成数据集 {d}", title_en=f"Generated dataset {d}")
        layout.meta(name).write_text(yaml.safe_dump(meta_d, allow_unicode=True), encoding="utf-8")
        with layout.csv(name).open("w", encoding="utf-8") as out:
            out.write(header)
            out.write("".join(ROW.format(d=d, i=i // 10, year=first - 9 + i % 10, value=i % 997,
                                         source=source) for i in range(rows)))
    layout.descriptor.write_text(package.datapackage_json(layout), encoding="utf-8")
    return layout


def timed(cmd: list[str], cwd: Path) -> tuple[float, float]:
    """(wall seconds, CPU seconds of the process and everything it started). On a shared,
    loaded machine the CPU time is the steadier of the two."""
    env = dict(os.environ, PYTHONPATH=str(ROOT), NO_MKDOCS_2_WARNING="1", SOURCE_DATE_EPOCH="1700000000")
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    start = time.perf_counter()
    proc = subprocess.run(cmd, cwd=cwd, env=env, capture_output=True, text=True)
    took = time.perf_counter() - start
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    if proc.returncode != 0:
        raise SystemExit(f"failed: {' '.join(cmd)}\n{(proc.stderr or proc.stdout)[-3000:]}")
    return took, (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)


# Also the theme's script, which the page carries as <script id="__theme" data-src> and fetches
# once it has loaded (web/site.js), so that it is ready for the reader's first interaction.
LINKED = re.compile(r"""<(?:script[^>]*\s(?:data-)?src|link[^>]*\shref)=["']?([^"' >]+)""")
CHART_SCRIPT = "assets/javascripts/charts-ssr.js"  # loaded by a page with charts (ECharts' SSR client)


def page_weights(site: Path) -> list[tuple[str, int, bool]]:
    """(page, gzip bytes of the HTML and every local stylesheet and script it loads, whether it
    has charts), per page. The search index and the full chart code load later, on demand."""
    sizes: dict[Path, int] = {}

    def gz(path: Path) -> int:
        if path not in sizes:
            sizes[path] = len(gzip.compress(path.read_bytes(), 6))
        return sizes[path]

    out = []
    for page in sorted(site.rglob("*.html")):
        html = page.read_text(encoding="utf-8")
        total = gz(page)
        charts = 'class="chart__canvas' in html
        refs = set(LINKED.findall(html))
        for ref in refs:
            if "://" in ref or ref.startswith(("data:", "#", "mailto:")):
                continue
            target = (page.parent / ref.split("?")[0].split("#")[0]).resolve()
            if target.is_file() and target.suffix in (".css", ".js"):
                total += gz(target)
        if charts and (site / CHART_SCRIPT).is_file():
            total += gz(site / CHART_SCRIPT)
        out.append((page.relative_to(site).as_posix(), total, charts))
    return out


def measure(editions: int, datasets: int, rows: int, where: Path, rebuild: bool = False) -> dict[str, object]:
    layout = make_project(where, editions, datasets, rows)
    python = sys.executable
    validate, validate_cpu = timed([python, "-m", "pipeline", "validate", str(layout.root)], ROOT)
    build = [python, "-c", "import sys; from pathlib import Path; from pipeline import build;"
             " from pipeline.paths import Layout;"
             " sys.exit(build.build(Layout(Path(sys.argv[1])), log=lambda *a: None))", str(layout.root)]
    cold, cold_cpu = timed(build, layout.root)
    warm, warm_cpu = timed(build, layout.root) if rebuild else (0.0, 0.0)
    weights = page_weights(layout.site)
    heaviest = max(weights, key=lambda w: w[1])
    over = [(name, size) for name, size, charts in weights
            if size > (CHART_BUDGET_KB if charts else TEXT_BUDGET_KB) * 1024]
    text = [w for _, w, charts in weights if not charts]
    chart = [w for _, w, charts in weights if charts]
    index = layout.site / "search" / "search_index.json"
    raw = index.read_bytes() if index.exists() else b""
    years = sorted(int(p.name) for p in layout.docs.iterdir() if p.name.isdigit())
    result = {"editions": editions, "years": f"{years[0]}–{years[-1]}" if len(years) > 1 else str(years[0]),
              "datasets": datasets, "rows": rows, "validate": validate, "validate_cpu": validate_cpu,
              "cold": cold, "cold_cpu": cold_cpu, "warm": warm, "warm_cpu": warm_cpu,
              "pages": len(weights), "heaviest": heaviest[0],
              "heaviest_kb": heaviest[1] / 1024,
              "median_kb": statistics.median(w for _, w, _c in weights) / 1024,
              "text_kb": max(text, default=0) / 1024, "chart_kb": max(chart, default=0) / 1024,
              "chart_pages": len(chart), "over_budget": over,
              "index_kb": len(raw) / 1024, "index_gzip_kb": len(gzip.compress(raw, 6)) / 1024,
              "data_rows": sum(max(0, len(p.read_bytes().splitlines()) - 1)
                               for p in layout.datasets.glob("*.csv"))}
    shutil.rmtree(layout.root, ignore_errors=True)
    return result


def markdown(results: list[dict]) -> str:
    rebuilt = any(r["warm"] for r in results)
    out = ["| editions | extra datasets × rows | rows of data | validate (s wall / CPU) "
           "| full build (s wall / CPU) " + ("| no-change rebuild (s wall / CPU) " if rebuilt else "")
           + "| pages (with charts) | heaviest text page (KB gzip) "
           "| heaviest chart page (KB gzip) | pages over budget | search index (KB, gzip) |\n",
           "|---:|---:|---:|---:|---:|" + ("---:|" if rebuilt else "") + "---:|---:|---:|---:|---:|\n"]
    for r in results:
        out.append(f"| {r['editions']} ({r['years']}) | {r['datasets']} × {r['rows']:,} | "
                   f"{r['data_rows']:,} | {r['validate']:.1f} / {r['validate_cpu']:.1f} | "
                   f"{r['cold']:.1f} / {r['cold_cpu']:.1f} | "
                   + (f"{r['warm']:.1f} / {r['warm_cpu']:.1f} | " if rebuilt else "")
                   + f"{r['pages']} ({r['chart_pages']}) | "
                   f"{r['text_kb']:.1f} | {r['chart_kb']:.1f} | {len(r['over_budget'])} | "
                   f"{r['index_kb']:.0f} ({r['index_gzip_kb']:.0f}) |\n")
    return "".join(out)


def _linear(label: str, ratio: float, amount: float, base: str, what: str) -> str:
    return (f"{label}: {ratio:.2f}x {base}, for {amount:.2f}x the {what}: "
            + ("at most linear" if ratio <= amount * 1.1 else "MORE than linear"))


def targets(results: list[dict]) -> list[str]:
    lines = []
    by = {(r["editions"], r["datasets"]): r for r in results}
    editions = sorted({r["editions"] for r in results})
    datasets = sorted({r["datasets"] for r in results})
    if len(editions) > 1:
        for d in datasets:  # the editions' growth at each amount of extra data
            one, many = by.get((editions[0], d)), by.get((editions[-1], d))
            if not (one and many):
                continue
            extra = f", {d} extra datasets"
            for key, what in (("cold", "wall time"), ("cold_cpu", "CPU time")):
                ratio = many[key] / one[key]
                lines.append(f"full build with {editions[-1]} editions{extra}: {ratio:.2f}x the build with "
                             f"{editions[0]} in {what} (target at most {EDITION_RATIO}x): "
                             + ("met" if ratio <= EDITION_RATIO else "NOT met"))
            pages = many["pages"] / one["pages"]
            for key, label in (("cold_cpu", "full build (CPU)"), ("validate_cpu", "validate (CPU)"),
                               ("index_kb", "search index")):
                lines.append(_linear(f"{label} with {editions[-1]} editions{extra}",
                                     many[key] / max(one[key], 1e-9),
                                     pages, f"that with {editions[0]}", "pages"))
    counted = [d for d in datasets if d]
    if len(counted) > 1:  # the data's growth at each number of editions (from the fewest extra datasets)
        for e in editions:
            small, big = by.get((e, counted[0])), by.get((e, counted[-1]))
            if not (small and big):
                continue
            data = big["data_rows"] / small["data_rows"]
            for key, label in (("validate_cpu", "validate (CPU)"), ("cold_cpu", "full build (CPU)"),
                               ("index_kb", "search index")):
                lines.append(_linear(f"{label} with {counted[-1]} datasets, {e} editions",
                                     big[key] / max(small[key], 1e-9), data,
                                     f"that with {counted[0]}", "rows of data"))
    over = [(r["editions"], r["datasets"], name, size) for r in results for name, size in r["over_budget"]]
    lines.append("every page within its budget (text 80 KB, chart page 150 KB, gzip): "
                 + ("met" if not over else "NOT met: " + ", ".join(
                     f"{name} {size / 1024:.1f} KB ({e} editions, {d} datasets)"
                     for e, d, name, size in over)))
    return lines


def load() -> str:
    """The load average while measuring (the seconds depend on it; the CPU time less)."""
    try:
        return "{:.1f} / {:.1f} / {:.1f}".format(*os.getloadavg())
    except OSError:
        return "unknown"


def machine() -> str:
    return f"{os.cpu_count()} CPUs, {platform.python_implementation()} {platform.python_version()}"


def run(editions: list[int], datasets: list[int], rows: int, log=lambda *a: None,
        rebuild: bool = False) -> list[dict]:
    results = []
    with tempfile.TemporaryDirectory(prefix="kjj-growth-") as tmp:
        points = [(e, d) for e in editions for d in datasets]  # every combination
        for e, d in points:
            before = load()
            log(f"growth: {e} editions, {d} datasets of {rows:,} rows (load {before}) ...")
            result = measure(e, d, rows, Path(tmp) / f"e{e}-d{d}", rebuild)
            result["load"] = (before, load())
            log(f"  {json.dumps(result, ensure_ascii=False)}")
            results.append(result)
    return results


def section(results: list[dict], command: str) -> str:
    loads = "; ".join(f"{r['editions']} editions × {r['datasets']} datasets: {r['load'][0]} before, "
                      f"{r['load'][1]} after" for r in results)
    return (f"Generated with `{command}`. Each edition after the first is made up as staff add a "
            "year (its own source document, a figure for every indicator, the pages `new-year` "
            "drafts, written and published); the extra datasets use the indicators schema. The "
            "seconds depend on the machine and its load; the ratios, measured side by side in "
            f"one run, are what the targets hold. Machine: {machine()}; load average (1 / 5 / 15 min) "
            f"while measuring: {loads}.\n\n"
            + markdown(results) + "\n" + "".join(f"- {line}\n" for line in targets(results)))


def write_results(text: str) -> None:
    page = RESULTS_PAGE.read_text(encoding="utf-8")
    before, found, rest = page.partition(START)
    if not found:
        raise SystemExit(f"{RESULTS_PAGE}: growth markers not found")
    _, found, after = rest.partition(END)
    if not found:
        raise SystemExit(f"{RESULTS_PAGE}: growth markers not found")
    RESULTS_PAGE.write_text(f"{before}{START}\n{text}\n{END}{after}", encoding="utf-8")


def growth_command(editions: list[int], datasets: list[int], rows: int, rebuild: bool = False) -> str:
    return ("python benchmarks/growth.py --editions " + " ".join(map(str, editions))
            + " --datasets " + " ".join(map(str, datasets)) + f" --rows {rows}"
            + (" --rebuild" if rebuild else ""))


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--editions", type=int, nargs="+", default=EDITIONS)
    parser.add_argument("--datasets", type=int, nargs="+", default=DATASETS)
    parser.add_argument("--rows", type=int, default=ROWS)
    parser.add_argument("--rebuild", action="store_true", help="also time a no-change rebuild")
    parser.add_argument("--write", action="store_true", help="write the results into the performance page")
    args = parser.parse_args()
    results = run(args.editions, args.datasets, args.rows, log=lambda *a: print(*a, file=sys.stderr),
                  rebuild=args.rebuild)
    command = growth_command(args.editions, args.datasets, args.rows, args.rebuild)
    text = section(results, command)
    print(text)
    if args.write:
        write_results(text)
    return 0


if __name__ == "__main__":
    sys.exit(main())
